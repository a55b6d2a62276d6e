#!/bin/bash
# Replayed scans (issue: `scan --replay` recorded "burst" at any time the
# file stated, 2019 and 2031 inside a 2025 visit, and read unbounded lines
# from /dev/zero): each event says "replay" and names the file's SHA-256;
# times before the visit opened or going backwards are flagged; only a
# regular file of bounded size and line length is read.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
m=$TEST_TMP/m
night_mission "$m" R1 <<'CSV'
H11010500001,W01,Ward,1,A1,Zhang,110105198001010016
H11010500001,W01,Ward,2,A2,Li,110105198001010024
CSV
expect_exit 0 "$FC" mission load "$m"
expect_exit 0 "$FC" visit open --site H11010500001 --kind night --inspector A --inspector B

f=$TEST_TMP/replay.csv
cat >"$f" <<'C'
time,code
2026-03-01T20:05:00+08:00,W01-1
2026-03-01T20:06:00+08:00,110105198001010016
2019-03-01T20:07:00+08:00,W01-2
2026-03-01T20:09:00+08:00,W01-2
2026-03-01T20:08:00+08:00,110105198001010024
C
sum=$(sha256sum "$f" | cut -d' ' -f1)
expect_exit 0 "$FC" scan --replay "$f"
expect_contains "$ERR" "before_open"
expect_contains "$ERR" "backwards"
q() { sqlite3 "$FIELDCHECK_DB" "SELECT $1 FROM event WHERE kind = 'scan' ORDER BY seq"; }
expect_contains "$(q "json_extract(payload, '\$.arrival')" | sort -u)" "replay"
expect_not_contains "$(q "json_extract(payload, '\$.arrival')")" "burst"
expect_json "$(q "json_extract(payload, '\$.file_sha256')" | sort -u | jq -R . | jq -s .)" 'length' 1
expect_contains "$(q "json_extract(payload, '\$.file_sha256')" | head -1)" "$sum"
flags=$(q "coalesce(json_extract(payload, '\$.time_flag'), '-')" | tr '\n' ' ')
expect_contains "$flags" "- - before_open - backwards"

# a code typed on the command line says so
expect_exit 0 "$FC" scan W01-1
expect_contains "$(q "json_extract(payload, '\$.arrival')" | tail -1)" "cli"

# not a regular file: refused at once, nothing read (a FIFO never blocks)
before=$(q "count(*)")
expect_exit 2 timeout 10 "$FC" scan --replay /dev/zero
expect_contains "$ERR" "not a regular file"
mkfifo "$TEST_TMP/fifo"
expect_exit 2 timeout 10 "$FC" scan --replay "$TEST_TMP/fifo"
# a line longer than any code is skipped, not grown without end
{ echo "time,code"; printf '2026-03-01T20:10:00+08:00,'; head -c 100000 /dev/zero | tr '\0' 'A'; echo; } >"$TEST_TMP/long.csv"
expect_exit 2 "$FC" scan --replay "$TEST_TMP/long.csv"
expect_contains "$ERR" "line longer than"
expect_json "$(q "count(*)" | tail -1)" . "$before"
finish
