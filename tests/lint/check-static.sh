#!/bin/bash
# Static analysis of the code that reads what arrives from outside: mission
# files (CSV, xlsx, encodings), scans and identifiers, the store and its event
# log, reports, the draw, and the sync formats (packs, bundles, receipts).
# cppcheck at warning and portability level must find nothing there; the
# fuzzers and the sanitizer runs cover the same code at run time.
# Usage: check-static.sh [TOP]   (exit 77 when cppcheck is not installed)
set -u
top=${1:-.}
cd "$top" || exit 2
command -v cppcheck >/dev/null || { echo "cppcheck not installed: skipped"; exit 77; }
out=$(cppcheck --quiet --enable=warning,portability --inline-suppr --std=c11 -I . -j2 \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
    core/base core/ident core/mission core/store core/report core/draw sync 2>&1)
if [ -n "$out" ]; then
    printf '%s\n' "$out"
    echo "static analysis: findings above"
    exit 1
fi
echo "static analysis ok"
