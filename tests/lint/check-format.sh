#!/bin/bash
# Fails when a C file differs from the committed .clang-format style.
set -u
top=$1
cf=$2
cd "$top" || exit 2
fail=0
while IFS= read -r f; do
    if ! "$cf" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f (run: clang-format -i $f)"
        fail=1
    fi
done < <(git ls-files '*.c' '*.h' 2>/dev/null || find core sync ui app tests -name '*.[ch]')
[ $fail -eq 0 ] && echo "format ok"
exit $fail
