#!/bin/bash
# First contact, as a new user meets fieldcheck: after `fieldcheck demo`
# the home screen shows the codes to try beside the visits (not only in the
# terminal the TUI then covers), F6 writes them as a printable sheet of
# barcodes, and scanning the first ones on a night visit gives the verdicts
# the panel promises. Captures at 80x24 and 160x50.
here=$(cd "$(dirname "$0")" && pwd)
E2E_W=160
E2E_H=50
. "$here/lib.sh"
. "$here/night_lib.sh"

demo_load
# a roster grown past the demo's own sites (as bench_tui_start.sh grows it):
# the codes stay the demo hospital's, chosen without counting the roster
ref=$(ls "$FIELDCHECK_HOME"/missions/*.db)
sqlite3 "$ref" "INSERT INTO inpatient (site_code, site_name, ward_code, ward, bed, admission_no,
    name, id_number, sex, insurance_type, admitted_on, line)
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
    SELECT 'H99000000001', 'grown', 'A01', 'ward', CAST(i AS TEXT), printf('G%06d', i), 'x',
    printf('1101051990%08d', i), '男', 'bench', '2026-11-01', i FROM n" ||
    fail "cannot grow the roster"
start_app "$fc_bin" tui
wait_for "Codes to try (demo)"
wait_for "night check: a bed label"
wait_for "No visit yet: F3"
snapshot home-160x50
label=$(screen_text | grep -A1 "night check: a bed label" | tail -1 | awk '{print $NF}')
[ "$label" = W01-1 ] || fail "the first code to try is not the bed label W01-1: '$label'"
send_key F6
wait_for "codes sheet written"
sheet=$FIELDCHECK_HOME/demo-codes.html
[ -s "$sheet" ] || fail "no codes sheet at $sheet"
[ "$(grep -o '<svg class="barcode"' "$sheet" | wc -l)" -ge 8 ] || fail "the sheet has too few barcodes"
grep -qF "W01-1" "$sheet" || fail "the sheet lacks the bed label"
resize 80 24
wait_for "Codes to try (demo)"
snapshot home-80x24
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
echo "ok"
