#!/bin/bash
# Fails when a C file differs from the committed .clang-format style. One
# clang-format run over every file (it names each file that differs).
set -u
top=$1
cf=$2
cd "$top" || exit 2
command -v "$cf" >/dev/null || { echo "skipped: $cf not installed (packaging/install-deps.sh --test)"; exit 77; }
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find core sync ui app tests -name '*.[ch]')
[ -n "$files" ] || { echo "no C files found"; exit 2; }
# shellcheck disable=SC2086
out=$(printf '%s\n' $files | xargs "$cf" --style=file --dry-run -Werror 2>&1)
rc=$?
bad=$(grep -oE '^[^ :]+\.[ch]:[0-9]+:[0-9]+: error: code should be clang-formatted' <<<"$out" |
    cut -d: -f1 | sort -u)
if [ $rc -ne 0 ] || [ -n "$bad" ]; then
    for f in $bad; do
        echo "not formatted: $f (run: clang-format -i $f)"
    done
    [ -n "$bad" ] || printf '%s\n' "$out" | tail -20
    exit 1
fi
echo "format ok"
