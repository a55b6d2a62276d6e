#!/bin/bash
# Start-up of `fieldcheck tui` to its first frame, its memory, and each
# screen's keystroke-to-frame time, with a province-sized roster: the demo
# mission's reference database grown to 1M inpatient rows (plus their
# code_index rows) with the sqlite3 shell, and a night visit open at the
# demo hospital. Prints the figures; asserts nothing.
#
# Start-up is timed two ways. "exec to first frame" is the program's own
# time: from the exec of fieldcheck (a shell writes the clock and execs it)
# to the end of the first doupdate(), which the program logs with
# FIELDCHECK_LOG (line "first frame at N us"). "launch to screen" adds what
# the harness costs: a new tmux server and session, then polling
# capture-pane until the frame shows; it is the larger and noisier figure.
# Keystroke to frame: FIELDCHECK_LOG_FRAMES=1 logs, per frame that follows
# input, the time from the arrival of the key's first byte (the program
# polls the terminal; for Esc, before curses' escdelay) to the end of
# doupdate(), which includes the quiet period an action key waits
# (scan.quiet_ms) or, for a printable key, nothing: it shows at once.
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
export FIELDCHECK_LOG=$E2E_TMP/bench.log

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

best=999999 sum=0 xbest=999999 xsum=0 rss=0
for r in $(seq 1 "$runs"); do
    : >"$FIELDCHECK_LOG"
    start=$(date +%s%N)
    start_app sh -c 'date +%s%N >"$1"; exec "$2" tui' sh "$E2E_TMP/exec.t" "$bin"
    until screen_text | grep -qF "R E A D Y"; do sleep 0.002; done
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    sum=$((sum + ms))
    [ "$ms" -lt "$best" ] && best=$ms
    first=$(awk '/first frame at/ { print $5; exit }' "$FIELDCHECK_LOG")
    [ -n "$first" ] || fail "the program logged no first frame"
    xms=$(((first - $(cat "$E2E_TMP/exec.t") / 1000) / 1000))
    xsum=$((xsum + xms))
    [ "$xms" -lt "$xbest" ] && xbest=$xms
    pid=$(pgrep -P "$(tm list-panes -t fc -F '#{pane_pid}')" -x fieldcheck | head -1)
    [ -z "$pid" ] && pid=$(tm list-panes -t fc -F '#{pane_pid}')
    hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
    [ "$hwm" -gt "$rss" ] && rss=$hwm
    send_key F10
    wait_exit 10 >/dev/null
    tm kill-session -t fc
done
echo "roster rows:               $total (built in $(((t1 - t0) / 1000000)) ms)"
echo "reference db size:         $(($(stat -c %s "$ref") / 1048576)) MiB"
echo "exec to first frame:       best $xbest ms, mean $((xsum / runs)) ms over $runs runs"
echo "launch to screen (tmux):   best $best ms, mean $((sum / runs)) ms over $runs runs"
echo "  (a new tmux server and session, then capture-pane polling, on top of the above)"
echo "peak RSS (VmHWM):          $((rss / 1024)) MiB"

# keystroke to frame, screen by screen: keys typed by hand (apart by more
# than the scan gap), the frame each one causes timed by the program
export FIELDCHECK_LOG_FRAMES=1
gap=${FIELDCHECK_SCAN_GAP_MS:-30}
quiet=${FIELDCHECK_SCAN_QUIET_MS:-8}
: >"$FIELDCHECK_LOG"
key() { # key NAME [COUNT]
    local i
    for ((i = 0; i < ${2:-1}; i++)); do
        tm send-keys -t fc "$1"
        sleep 0.06
    done
}
start_app "$bin" tui
wait_for "R E A D Y"
key Down 40
key Up 20
key NPage 5
key PPage 5
key F6 4 # anomalies only, and back
key Right 8
key Left 8
key W # typed into the input line: shown before the scan gap decides it
key 0
key 1
key C-u # and cleared
key F12 # the close summary
wait_for "close the visit"
key Down 5
key Escape
wait_for "R E A D Y"
key F1 # help
wait_for "Show this list of keys"
key Down 20
key Escape
key M-r # records
wait_for "site-record"
key Down 4
key Up 4
key Escape
key M-u # USB
wait_for "Removable media"
key Down 3
key Escape
wait_for "R E A D Y"
key Escape # home
wait_for "Missions"
key Down 10
key Up 10
key Tab 4
key F10
wait_exit 10 >/dev/null
tm kill-session -t fc
"$bin" visit close >/dev/null 2>&1 || true
"$bin" visit open --site "$(awk -F, 'NR > 1 && $3 ~ /pharmacy|药店/ { print $1; exit }' "$demo_dir/sites.csv")" \
    --kind pharmacy --inspector A --inspector B >/dev/null || fail "cannot open a pharmacy visit"
start_app "$bin" tui
wait_for "F10"
sleep 0.5
key Down 40
key Up 20
key NPage 3
key PPage 3
key F10
wait_exit 10 >/dev/null
tm kill-session -t fc
"$bin" visit close >/dev/null 2>&1 || true
"$bin" visit open --site "$hospital" --kind flight --inspector A --inspector B >/dev/null ||
    fail "cannot open a flight visit"
start_app "$bin" tui
wait_for "F10"
sleep 0.5
key Down 29
key Up 20
key Enter # a suspicion line's detail
key Down 5
key Escape
key F10
wait_exit 10 >/dev/null
echo "keystroke to frame, per screen (ms): from the key's first byte (an action key waits"
echo "the quiet period, $quiet ms here; the scan gap is $gap ms), and from the end of that"
echo "wait (the program's own work)"
printf '  %-18s %6s %8s %8s %8s %8s %8s\n' screen frames p50 p99 max "work p99" "work max"
awk '$2 == "frame" { print $3, $4, $6 }' "$FIELDCHECK_LOG" | sort -k1,1 -k2,2n | awk '
    function pct(arr, k, q) { return arr[int((k - 1) * q + 0.999) + 1] / 1000 }
    function flush(   i, j, t, m) {
        if (!n) return
        m = n; for (i = 1; i <= m; i++) w[i] = b[i]
        for (i = 2; i <= m; i++) { t = w[i]; for (j = i - 1; j >= 1 && w[j] > t; j--) w[j + 1] = w[j]; w[j + 1] = t }
        printf "  %-18s %6d %8.2f %8.2f %8.2f %8.2f %8.2f\n", v, n, pct(a, n, 0.5), pct(a, n, 0.99),
               a[n] / 1000, pct(w, n, 0.99), w[n] / 1000
    }
    $1 != v { flush(); v = $1; n = 0 }
    { n++; a[n] = $2; b[n] = $3 }
    END { flush() }'
