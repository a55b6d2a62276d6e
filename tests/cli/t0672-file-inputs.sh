#!/bin/bash
# Files named on the command line (issue: evidence files and mission files
# were opened as they came: a FIFO hung the command, /dev/zero was hashed
# without end, and a file swapped for a FIFO after registration hung
# `evidence verify`; a code over 512 bytes was cut, possibly inside a
# character, and recorded): every file input is refused unless it is a regular
# file, at once, with the reason; a code longer than any barcode is refused
# whole; nothing is recorded for a refused one.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
m=$TEST_TMP/m
night_mission "$m" F1 <<<'H11010500001,W01,Ward,1,A1,Zhang,110105198001010016'
expect_exit 0 "$FC" mission load "$m"
expect_exit 0 "$FC" visit open --site H11010500001 --kind night --inspector A --inspector B
events() { sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE kind = 'evidence_add'"; }

# a code longer than any barcode, ending inside a character
scans() { sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE kind = 'scan'"; }
long="W$(printf '床%.0s' $(seq 300))"
expect_exit 2 "$FC" scan "$long"
expect_contains "$ERR" "more than the 512"
expect_json "$(scans)" . 0
expect_exit 0 "$FC" scan W01-1
expect_json "$(scans)" . 1

# evidence: a device and a FIFO are refused at once
expect_exit 2 timeout 10 "$FC" evidence add /dev/zero
expect_contains "$ERR" "not a regular file"
mkfifo "$TEST_TMP/fifo"
expect_exit 2 timeout 10 "$FC" evidence add "$TEST_TMP/fifo"
expect_contains "$ERR" "not a regular file"
expect_json "$(events)" . 0

# a registered file later replaced by a FIFO is unreadable, not waited on
echo photo >"$TEST_TMP/photo.jpg"
expect_exit 0 "$FC" evidence add "$TEST_TMP/photo.jpg"
expect_json "$(events)" . 1
rm "$TEST_TMP/photo.jpg"
mkfifo "$TEST_TMP/photo.jpg"
expect_exit 3 timeout 10 "$FC" evidence verify
rm "$TEST_TMP/photo.jpg"

# mission files: a FIFO in place of the roster, as CSV or as a workbook
b=$TEST_TMP/bad
mkdir -p "$b"
sed 's/"F1"/"F2"/' "$m/mission.json" >"$b/mission.json"
mkfifo "$b/inpatients.csv"
expect_exit 2 timeout 10 "$FC" mission load "$b"
expect_contains "$ERR" "not a regular file"
rm "$b/inpatients.csv"
mkfifo "$b/inpatients.xlsx"
expect_exit 2 timeout 10 "$FC" mission load "$b"
expect_contains "$ERR" "not a regular file"
expect_not_contains "$("$FC" mission list 2>&1)" "F2"
finish
