#!/bin/bash
# HQ conflicts compare only what two devices observed at one institution in
# overlapping time: devices 1 and 2 inspect the same beds in the same evening
# and disagree (conflicts between them); device 3 disagrees with both a day
# later (no conflict: it saw another night); device 4 overlaps device 1 at
# another institution (no conflict: other beds). The same bundles give the
# same `hq report --json` from hq.db and, when a server is available
# (tests/pg/pg.sh), from PostgreSQL.
. "$(dirname "$0")/lib.sh"
w=$TEST_TMP

night_mission "$w/m" M2026-03 2 <<'CSV'
H11010500001,W01,Ward,1,A1,Zhang,110105198001010016
H11010500001,W01,Ward,2,A2,Li,110105198001010032
H11010500002,W01,Ward,1,B1,Wang,110105198001010059
H11010500002,W01,Ward,2,B2,Zhao,110105198001010075
CSV
lite="$FC hq --hq $w/hq"
expect_exit 0 $lite init

# visit DEVICE SITE OPEN CLOSE SCANS...: one visit from OPEN to CLOSE
visit() {
    local d=$1 site=$2 open=$3 close=$4
    shift 4
    export FIELDCHECK_DB=$w/dev$d/fieldcheck.db
    if [ ! -e "$FIELDCHECK_DB" ]; then
        expect_exit 0 "$FC" keys init
        "$FC" --json keys show | jq -r .enrollment >>"$w/codes"
        expect_exit 0 $lite enroll "$(tail -n1 "$w/codes")"
        expect_exit 0 "$FC" keys trust "$w/hq/hq.pub"
        expect_exit 0 "$FC" mission load "$w/m"
    fi
    export FIELDCHECK_NOW=$open
    expect_exit 0 "$FC" visit open --site "$site" --kind night --inspector A --inspector B
    expect_exit 0 "$FC" scan "$@"
    export FIELDCHECK_NOW=$close
    expect_exit 0 "$FC" visit close
    expect_exit 0 "$FC" export -o "$w/bundles"
    "$FC" --json keys show | jq -r .device_id >"$w/dev$d.id"
    unset FIELDCHECK_DB FIELDCHECK_NOW
}
# 1 and 2 overlap (20:00-21:00, 20:30-21:30) and disagree on bed 1
visit 1 H11010500001 2026-03-01T20:00:00+08:00 2026-03-01T21:00:00+08:00 \
    W01-1 110105198001010016 W01-2 110105198001010032
visit 2 H11010500001 2026-03-01T20:30:00+08:00 2026-03-01T21:30:00+08:00 \
    W01-1 110105198001010032 W01-2 110105198001010032
# 3 says what 2 said, the next evening
visit 3 H11010500001 2026-03-02T20:00:00+08:00 2026-03-02T21:00:00+08:00 \
    W01-1 110105198001010032 W01-2 110105198001010032
# 4 overlaps 1 at another hospital, with other verdicts on its beds of the same names
visit 4 H11010500002 2026-03-01T20:00:00+08:00 2026-03-01T21:00:00+08:00 \
    W01-1 110105198001010075 W01-2 110105198001010075
d1=$(cat "$w/dev1.id") d2=$(cat "$w/dev2.id") d3=$(cat "$w/dev3.id") d4=$(cat "$w/dev4.id")

bundles=$(ls "$w"/bundles/*.fcb)
expect_exit 0 $lite import $bundles
expect_exit 0 $lite --json report
lite_report=$OUT
conflicts=$(printf '%s\n' "$OUT" | jq -c 'select(.type == "conflict")')
[ -n "$conflicts" ] && pass || fail "no conflict between the overlapping visits: $OUT"
# every conflict is between devices 1 and 2, at the first hospital
bad=$(printf '%s\n' "$conflicts" | jq -c --arg a "$d1" --arg b "$d2" \
    'select(([.device_a, .device_b] | sort) != ([$a, $b] | sort) or .site != "H11010500001")')
[ -z "$bad" ] && pass || fail "conflicts outside the overlapping visits: $bad"
expect_contains "$conflicts" '"subject":"W01:1"'
expect_not_contains "$conflicts" '"subject":"W01:2"' "conflicts (devices 1 and 2 agree on bed 2)"
expect_not_contains "$conflicts" "$d3" "conflicts (device 3 came the next day)"
expect_not_contains "$conflicts" "$d4" "conflicts (device 4 was at another hospital)"

. "$FC_SOURCE_DIR/tests/pg/pg.sh"
if pg_start && url=$(pg_createdb "fc_conflicts_$$"); then
    pg="$FC hq --hq $w/hq --db-url $url"
    while read -r code; do
        expect_exit 0 $pg enroll "$code"
    done <"$w/codes"
    expect_exit 0 $pg import $bundles
    expect_exit 0 $pg --json report
    [ "$OUT" = "$lite_report" ] && pass || fail "report differs between hq.db and PostgreSQL"
fi
finish
