#!/bin/bash
# Start-up of `fieldcheck tui` to its first frame, and its memory, with a
# province-sized roster: the demo mission's reference database grown to 1M
# inpatient rows (plus their code_index rows) with the sqlite3 shell, and a
# night visit open at the demo hospital. Prints the figures; asserts nothing.
# Usage: bench_tui_start.sh FIELDCHECK_BIN [ROWS] [RUNS]
set -eu
bin=${1:?usage: bench_tui_start.sh FIELDCHECK_BIN [ROWS] [RUNS]}
rows=${2:-1000000}
runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
E2E_W=100 E2E_H=30
. "$here/../e2e/lib.sh"
FIELDCHECK_BIN=$bin
. "$here/../e2e/night_lib.sh"
unset FIELDCHECK_NOW
export FIELDCHECK_LOG=/dev/null

demo_load
ref=$(ls "$FIELDCHECK_HOME"/missions/*.db 2>/dev/null | head -1)
[ -z "$ref" ] && ref=$(find "$FIELDCHECK_HOME" -name '*-v*.db' | head -1)
[ -n "$ref" ] || fail "no reference database found"
t0=$(date +%s%N)
sqlite3 "$ref" >/dev/null <<SQL
PRAGMA journal_mode = OFF; -- prints "off"
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO inpatient (site_code, site_name, ward_code, ward, bed, admission_no, name, id_number,
                       sex, insurance_type, admitted_on, line)
SELECT printf('H99%09d', i / 2000), 'bench hospital', printf('W%02d', (i / 50) % 40),
       'ward', CAST(i % 50 + 1 AS TEXT), printf('B%010d', i), '测试' || (i % 977),
       printf('1101051990%08d', i), '男', 'bench', '2026-11-01', i
FROM n;
INSERT INTO code_index (code, kind, site_code, ref)
SELECT id_number, 'id_number', site_code, admission_no FROM inpatient WHERE ward = 'ward';
INSERT INTO code_index (code, kind, site_code, ref)
SELECT admission_no, 'admission', site_code, admission_no FROM inpatient WHERE ward = 'ward';
COMMIT;
SQL
t1=$(date +%s%N)
total=$(sqlite3 "$ref" "SELECT count(*) FROM inpatient")
open_visit

best=999999
sum=0
rss=0
for r in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    start_app "$bin" tui
    until screen_text | grep -qF "R E A D Y"; do sleep 0.002; done
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    sum=$((sum + ms))
    [ "$ms" -lt "$best" ] && best=$ms
    pid=$(pgrep -P "$(tm list-panes -t fc -F '#{pane_pid}')" -x fieldcheck | head -1)
    hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
    [ "$hwm" -gt "$rss" ] && rss=$hwm
    send_key F10
    wait_exit 10 >/dev/null
    tm kill-session -t fc
done
echo "roster rows:               $total (built in $(((t1 - t0) / 1000000)) ms)"
echo "reference db size:         $(($(stat -c %s "$ref") / 1048576)) MiB"
echo "start to first frame:      best $best ms, mean $((sum / runs)) ms over $runs runs"
echo "  (measured from launch in tmux to the frame on screen; includes tmux polling)"
echo "peak RSS (VmHWM):          $((rss / 1024)) MiB"
