#!/bin/bash
# A long mission load shows where it is on a terminal, past the reading too:
# the file's percentage, then each later phase by name in the reader's
# language; with stderr not a terminal (a pipe, --json) nothing of it.
. "$(dirname "$0")/lib.sh"

command -v script >/dev/null || { echo "skipped: script(1) is not installed"; exit 77; }
d=$TEST_TMP/m
expect_exit 0 "$FC" demo --no-tui --dir "$d"
# 60,000 more patients (about 9 MB): past the 4 MB a progress line needs
awk -F, -v OFS=, 'NR == 1 { print; next } NR == 2 { row = $0 } { print }
    END { n = split(row, f, ","); for (i = 0; i < 60000; i++) {
        f[4] = 1000 + i; f[5] = sprintf("ZZ%07d", i); line = f[1]
        for (j = 2; j <= n; j++) line = line OFS f[j]; print line } }' \
    "$d/inpatients.csv" >"$d/big.csv" && mv "$d/big.csv" "$d/inpatients.csv"
sed -i 's/"version": [0-9]*/"version": 99999997/' "$d/mission.json"

out=$(FIELDCHECK_LANG=en script -qec "$(printf '%q ' "$FC" mission load --partial "$d")" /dev/null |
    tr '\r' '\n')
expect_contains "$out" "inpatients.csv: 100%" "the reading's percentage"
expect_contains "$out" "building indexes…" "the index phase"
expect_contains "$out" "checking the roster…" "the checks"
expect_contains "$out" "saving…" "the last phase"

sed -i 's/"version": [0-9]*/"version": 99999998/' "$d/mission.json"
out=$(FIELDCHECK_LANG=zh script -qec "$(printf '%q ' "$FC" mission load --partial "$d")" /dev/null |
    tr '\r' '\n')
expect_contains "$out" "建立索引…" "phases in Chinese"

sed -i 's/"version": [0-9]*/"version": 99999999/' "$d/mission.json"
expect_exit 0 "$FC" mission load --partial "$d"
expect_not_contains "$ERR" "building indexes" "no progress into a pipe"
finish
