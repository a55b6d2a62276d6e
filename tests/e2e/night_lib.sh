#!/bin/bash
# Helpers for the night-check e2e tests on the real binary: a private
# database with the demo mission loaded, a night visit opened (through the
# CLI when this build has `visit open`, else through the TUI's own form), and
# readers of the stored scans (sqlite3 on the device database).
fc_bin=${FIELDCHECK_BIN:-}
[ -n "$fc_bin" ] && [ -x "$fc_bin" ] || fail "FIELDCHECK_BIN is not set to the fieldcheck binary"
command -v sqlite3 >/dev/null 2>&1 || {
    echo "skipped: the sqlite3 shell is not installed"
    exit 77
}

export LANG=C.UTF-8 LC_ALL= TERM=${E2E_TERM:-screen} FIELDCHECK_LANG=en FIELDCHECK_BELL=off
export FIELDCHECK_HOME=$E2E_TMP/home FIELDCHECK_DB=$E2E_TMP/home/fc.db
export FIELDCHECK_LOG=$E2E_TMP/ui.log FIELDCHECK_SCAN_GAP_MS=30
export FIELDCHECK_NOW=2026-11-22T20:30:00+08:00
demo_dir=$E2E_TMP/demo

# demo_load: writes and loads the demo mission (seed 1) without the TUI.
demo_load() {
    "$fc_bin" demo --no-tui --dir "$demo_dir" >"$E2E_TMP/demo.txt" 2>&1 ||
        fail "fieldcheck demo --no-tui failed: $(cat "$E2E_TMP/demo.txt")"
    hospital=$(awk -F, 'NR == 2 { print $1 }' "$demo_dir/wards.csv")
    [ -n "$hospital" ] || fail "demo mission has no wards"
}

# ward_beds WARD: approved beds of WARD at the demo hospital.
ward_beds() {
    awk -F, -v s="$hospital" -v w="$1" '$1 == s && $2 == w { print $4 }' "$demo_dir/wards.csv"
}

# listed_id WARD BED: ID number of the patient listed first for the bed, or "".
listed_id() {
    awk -F, -v s="$hospital" -v w="$1" -v b="$2" \
        '$1 == s && $3 == w && $5 == b { print $8; exit }' "$demo_dir/inpatients.csv"
}

# open_visit: opens a night visit at the demo hospital (CLI if available).
open_visit() {
    if "$fc_bin" visit --help >/dev/null 2>&1; then
        "$fc_bin" visit open --site "$hospital" --kind night --inspector 张三 \
            --inspector 李四 >/dev/null || fail "visit open failed"
        return
    fi
    start_app "$fc_bin" tui
    wait_for "New visit"
    send_key F3
    wait_for "Open a new visit"
    type_slow "$hospital" 0.04
    wait_for "< $hospital"
    send_key Tab Tab
    type_slow "Zhang" 0.04
    send_key Tab
    type_slow "Li" 0.04
    wait_for "Inspector 2: Li"
    send_key Enter
    wait_for "R E A D Y"
    send_key F10
    [ "$(wait_exit 10)" = 0 ] || fail "tui did not exit cleanly after opening the visit"
    tm kill-session -t fc
}

# night_start: the demo mission loaded, a night visit open, the TUI ready.
night_start() {
    demo_load
    open_visit
    start_app "$fc_bin" tui
    wait_for "R E A D Y"
}

# pharmacy_open: the demo mission loaded and a pharmacy visit open at its
# first pharmacy ($pharmacy; its drugs in $drugs).
pharmacy_open() {
    demo_load
    drugs=$demo_dir/drugs.csv
    pharmacy=$(awk -F, 'NR == 2 { print $1 }' "$drugs")
    [ -n "$pharmacy" ] || fail "demo mission has no pharmacy drugs"
    "$fc_bin" visit open --site "$pharmacy" --kind pharmacy --inspector 张三 --inspector 李四 \
        >/dev/null || fail "visit open --kind pharmacy failed"
}

# stored_scans: "code<TAB>arrival<TAB>verdict" of every scan event, in order.
stored_scans() {
    sqlite3 -separator $'\t' "$FIELDCHECK_DB" \
        "SELECT json_extract(payload, '\$.code'), json_extract(payload, '\$.arrival'),
                json_extract(payload, '\$.verdict') FROM event WHERE kind = 'scan' ORDER BY seq"
}
