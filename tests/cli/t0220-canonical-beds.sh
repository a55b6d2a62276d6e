#!/bin/bash
# Zero-padded beds and admission numbers, as hospital systems and Excel write
# them (DESIGN §5): the same walk on a roster that writes beds "01", "02" and
# on one that writes "1", "2" gives identical verdicts and findings; typed bed
# numbers 1, 01 and 001 select the same bed; an admission number that lost
# (or gained) its leading zeros matches when exactly one patient matches; and
# a visit that scanned two beds of a ward accuses nobody on the others.
. "$(dirname "$0")/night-lib.sh"

roster() { # dir pad(0|1)
    local d=$1 p=$2 b
    make_mission "$d"
    {
        echo "site_code,ward_code,ward,bed,admission_no,name,id_number,sex,admitted_on"
        for i in 1 2 3 4 5 6; do
            b=$i
            [ "$p" = 1 ] && b=$(printf '%02d' "$i")
            echo "H11010500001,BQ01,Medicine,$b,00120$i,病人$i,$(id_for "$i"),男,2026-11-01"
        done
    } >"$d/inpatients.csv"
    printf 'site_code,ward_code,ward,bed_count\nH11010500001,BQ01,Medicine,6\n' >"$d/wards.csv"
    rm -f "$d/leaves.csv" "$d/scan_patterns.csv"
}

walk() { # padded(0|1): the same walk, verdicts and findings as text
    local db=$work/walk$1.db
    roster "$work/m$1" "$1"
    FIELDCHECK_DB=$db fc init >/dev/null
    FIELDCHECK_DB=$db fc mission load "$work/m$1" >/dev/null || die "mission load ($1)"
    FIELDCHECK_DB=$db fc visit open --site H11010500001 --kind night --inspector A \
        --inspector B --at 2026-11-22T20:00 >/dev/null || die "visit open ($1)"
    local t=0 code
    for code in BQ01-01 001201 "$(id_for 1)" BQ01-2 001202 BQ01-003 001201 "$(id_for 1)"; do
        t=$((t + 5))
        FIELDCHECK_DB=$db fc --json scan --at "$(printf '2026-11-22T20:01:%02d' "$t")" -- "$code" |
            jq -r '[.code, .verdict, .detail, .bed] | @tsv' || die "scan $code ($1)"
    done
    FIELDCHECK_DB=$db fc --json visit show |
        jq -r '(.beds[] | [.bed, .finding] | @tsv), (.patients[] | [.admission_no, .finding] | @tsv)'
}

walk 0 >"$work/plain.txt"
walk 1 >"$work/padded.txt"
diff -u "$work/plain.txt" "$work/padded.txt" >&2 || die "01-style and 1-style rosters differ"
grep -q $'^BQ01-01\tBED_LISTED\t001201\tBQ01:1$' "$work/plain.txt" ||
    die "label 01 selects bed 1: $(cat "$work/plain.txt")"
grep -q $'^001201\tMATCH' "$work/plain.txt" || die "own wristband is MATCH: $(cat "$work/plain.txt")"
grep -q $'^BQ01-003\tBED_LISTED\t001203' "$work/plain.txt" || die "label 003 selects bed 3"
# patient 001201 found at bed 3 is MOVED_IN there, identified by ID: MATCH
grep -q $'^3\tMOVED_IN$' "$work/plain.txt" || die "bed 3 MOVED_IN: $(cat "$work/plain.txt")"
# beds 4-6 were never scanned: nobody there is accused
for a in 001204 001205 001206; do
    grep -q "^$a"$'\tUNCHECKED$' "$work/plain.txt" || die "$a is UNCHECKED: $(cat "$work/plain.txt")"
done
grep -q NOT_FOUND "$work/plain.txt" && grep -q $'^001203\tNOT_FOUND$' "$work/plain.txt" ||
    die "the patient of bed 3 (taken by someone else) is NOT_FOUND: $(cat "$work/plain.txt")"
[ "$(grep -c NOT_FOUND "$work/plain.txt")" = 1 ] || die "only 001203 is NOT_FOUND"

# leading zeros of admission numbers: the wristband prints 1204, the roster 001204
export FIELDCHECK_DB=$work/walk0.db
out=$(fc --json scan --at 2026-11-22T20:03:00 -- BQ01-4) || die "scan BQ01-4"
out=$(fc --json scan --at 2026-11-22T20:03:05 -- 1204) || die "scan 1204"
[ "$(jq -r .verdict <<<"$out")" = MATCH ] || die "1204 without zeros: $out"
case $(jq -r .detail <<<"$out") in *ZEROS:1204*) ;; *) die "detail names the zeros: $out" ;; esac
# the roster's spelling of the bed is kept for reports
fc report --format html -o "$work/r.html" >/dev/null || die "report"
echo ok
