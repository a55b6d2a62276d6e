#!/bin/bash
# Night check through the CLI: every per-scan verdict, then every per-bed and
# per-patient finding in `visit show --json`, on a mission folder written here.
. "$(dirname "$0")/night-lib.sh"
setup_visit

t=0
# s CODE VERDICT [DETAIL]: scans 3 s after the previous scan.
s() {
    t=$((t + 3))
    ts=$(printf '2026-11-22T20:%02d:%02d' $((t / 60)) $((t % 60)))
    scan_expect "$ts" "$@"
}

s "$(id_for 1)" NO_BED ""
s W01-1 BED_LISTED A1
[ "$(jq -r .bed <<<"$last")" = "W01:1" ] || die "bed field: $last"
s WB-A1 MATCH A1
[ "$(jq -r .admission_no <<<"$last")" = "A1" ] || die "admission_no field: $last"
[ "$(jq -r .kind <<<"$last")" = "wristband" ] || die "kind field: $last"
[ -n "$(jq -r .message <<<"$last")" ] || die "message field: $last"
s "$(id_for 1)" MATCH A1
s W01-2 BED_LISTED A2
s 'BAND|A2|LI' MATCH A2
s NO_ID RECORDED NO_ID
s W01-3 BED_LISTED A3
s EMPTY_BED RECORDED EMPTY_BED
s W01-4 BED_LISTED A4
s EXAM RECORDED EXAM
s EMPTY_BED RECORDED EMPTY_BED
s W01-5 BED_LISTED A5
s EMPTY_BED RECORDED EMPTY_BED
s W01-8 BED_NOT_LISTED ""
s A6 WRONG_BED A6:W01:6
s "$(id_for 6)" MATCH A6:W01:6
s W01-9 BED_NOT_LISTED ""
s "$(id_for 20)" NOT_ON_LIST LISTED_ELSEWHERE:H11010500002
s W01-3+ BED_NOT_LISTED ""
s EMPTY_BED RECORDED EMPTY_BED
s W01-11 UNRECOGNIZED
s W02-1 BED_LISTED A7
s "$(id_for 30)" IDENTITY_MISMATCH A7
s "$(id_for 21)" IDENTITY_MISMATCH A7
s 110105198001010010 INVALID_ID
s W02-2 BED_LISTED A9
s W02-3 BED_NOT_LISTED ""
s QR7Ab3xYz9KpLm2Nq4Rs6Tu8 UNVERIFIED ""
s W02-5 BED_NOT_LISTED ""
s 'BAND|A99|X' NOT_ON_LIST A99
s 'what is this?' UNRECOGNIZED
# double read: the same code 1 s later
t=$((t + 3)); ts=$(printf '2026-11-22T20:%02d:%02d' $((t / 60)) $((t % 60)))
scan_expect "$ts" W02-4 BED_NOT_LISTED
scan_expect "$ts.900" W02-4 DUPLICATE_SCAN

# one verdict per code, several codes in one call; text mode prints verdict names
out=$(fc scan --at 2026-11-22T21:00 W01-1 "$(id_for 1)")
[ "$(grep -c '' <<<"$out")" = 2 ] || die "two codes, two lines: $out"
grep -q '^BED_LISTED' <<<"$out" || die "text verdict: $out"

show=$(fc --json visit show)
bed() { jq -r --arg w "$1" --arg b "$2" '.beds[] | select(.ward_code==$w and .bed==$b) | .finding' <<<"$show"; }
pat() { jq -r --arg a "$1" '.patients[] | select(.admission_no==$a) | .finding' <<<"$show"; }
check() { [ "$2" = "$3" ] || die "$1: $2, wanted $3"; }
check "bed W01-1" "$(bed W01 1)" OK
check "bed W01-2" "$(bed W01 2)" ID_NOT_VERIFIED
check "bed W01-3" "$(bed W01 3)" ABSENT_LEAVE
check "bed W01-4" "$(bed W01 4)" ABSENT_EXAM
check "bed W01-5" "$(bed W01 5)" ABSENT
check "bed W01-8" "$(bed W01 8)" MOVED_IN
check "bed W01-9" "$(bed W01 9)" UNLISTED_OCCUPANT
check "bed W01-3+" "$(bed W01 3+)" FREE_EMPTY
check "bed W02-1" "$(bed W02 1)" IDENTITY_MISMATCH
check "bed W02-2" "$(bed W02 2)" UNVERIFIED
check "bed W02-3" "$(bed W02 3)" UNLISTED_OCCUPANT
check "bed W02-5" "$(bed W02 5)" UNLISTED_OCCUPANT
check "patient A1" "$(pat A1)" PRESENT
check "patient A2" "$(pat A2)" PRESENT_ID_UNVERIFIED
check "patient A3" "$(pat A3)" ON_LEAVE
check "patient A5" "$(pat A5)" NOT_FOUND
check "patient A6" "$(pat A6)" PRESENT_OTHER_BED
check "patient A7" "$(pat A7)" IDENTITY_MISMATCH
check "patient A4" "$(pat A4)" AT_EXAM
check "patient A9" "$(pat A9)" UNVERIFIED
check "patient A8" "$(pat A8)" UNCHECKED
check "masked name" "$(jq -r '.patients[] | select(.admission_no=="A1") | .name' <<<"$show")" '张*三'
grep -q '李四' <<<"$show" && die "visit show leaks a full name"
check "bed no_id fact" "$(jq -r '.beds[] | select(.ward_code=="W01" and .bed=="2") | .no_id' <<<"$show")" true
check "summary" "$(jq -r '.summary.patients_by_finding.NOT_FOUND' <<<"$show")" 1

# rebuild gives the identical state; the chain verifies
fc --json db rebuild | jq -e '.same == true' >/dev/null || die "rebuild changed the state"
fc db check >/dev/null || die "db check"

# errors: no code (usage), a pharmacy-only command line, no open visit after close
set +e
fc scan >/dev/null 2>&1; [ $? = 1 ] || die "scan without code must exit 1"
n_events=$(fc --json db check | jq .events)
fc scan W01-1 '' >/dev/null 2>&1; [ $? = 1 ] || die "an empty code must exit 1"
[ "$(fc --json db check | jq .events)" = "$n_events" ] || die "an empty code must record nothing"
fc scan --help | grep -q -- --replay || die "scan --help"
code=$(fc visit close --at 2026-11-22T22:00 | sed -n 's/^checkpoint //p')
[[ "$code" =~ ^[0-9A-Z]{4}-[0-9A-Z]{4}$ ]] || die "checkpoint short code '$code'"
fc scan --at 2026-11-22T22:01 W01-1 >/dev/null 2>&1; [ $? = 2 ] || die "scan on a closed visit must exit 2"
echo ok
