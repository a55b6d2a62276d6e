#!/bin/bash
# Night check through the CLI, the parts around the verdicts: corrections
# (void, amend) and what the results make of them, action words, the double
# read, --at with and without a UTC offset, replaying a CSV with bad rows, the
# csv/md report (anomalies first, nothing unmasked), rebuild after
# corrections, and a closed visit refusing scans and corrections.
. "$(dirname "$0")/night-lib.sh"
setup_visit

show() { fc --json visit show; }
bed_field() { # WARD BED FIELD
    show | jq -r --arg w "$1" --arg b "$2" --arg f "$3" \
        '.beds[] | select(.ward_code==$w and .bed==$b) | .[$f]'
}
pat_field() { # ADM FIELD
    show | jq -r --arg a "$1" --arg f "$2" '.patients[] | select(.admission_no==$a) | .[$f] // ""'
}
check() { [ "$2" = "$3" ] || die "$1: '$2', wanted '$3'"; }

# ---- void: a voided WRONG_BED no longer makes the bed MOVED_IN ----------------
scan_expect 2026-11-22T20:00:00 W01-6 BED_LISTED A6
scan_expect 2026-11-22T20:00:05 A8 WRONG_BED A8:W09:1
wrong=$(jq -r .seq <<<"$last")
wrong_id=$(jq -r .event <<<"$last")
check "bed W01-6 before the void" "$(bed_field W01 6 finding)" MOVED_IN
check "A8 before the void" "$(pat_field A8 finding)" PRESENT_OTHER_BED

set +e
fc void --at 2026-11-22T20:00:30 "$wrong" >/dev/null 2>&1
check "void without a reason exits" $? 1
fc void --reason x --at 2026-11-22T20:00:30 abc >/dev/null 2>&1
check "void of a too-short id exits" $? 1
fc void --reason x --at 2026-11-22T20:00:30 999 >/dev/null 2>&1
check "void of an unknown seq exits" $? 2
set -e
out=$(fc --json void --reason "typed the wrong number" --at 2026-11-22T20:00:30 "${wrong_id:0:12}")
check "void answers with the target" "$(jq -r .verdict <<<"$out")" VOIDED
check "bed W01-6 after the void" "$(bed_field W01 6 finding)" UNVERIFIED
check "A8 after the void" "$(pat_field A8 finding)" UNCHECKED
set +e
fc void --reason again --at 2026-11-22T20:00:31 "$wrong" >/dev/null 2>&1
check "voiding twice exits" $? 2
set -e

# ---- amend: a corrected code changes the verdict ------------------------------
scan_expect 2026-11-22T20:01:00 W01-2 BED_LISTED A2
scan_expect 2026-11-22T20:01:05 A3 WRONG_BED A3:W01:3
typo=$(jq -r .seq <<<"$last")
check "bed W01-2 before the amendment" "$(bed_field W01 2 finding)" MOVED_IN
out=$(fc --json amend --code A2 --note "misread label" --at 2026-11-22T20:01:30 "$typo")
check "amended verdict" "$(jq -r .verdict <<<"$out")" MATCH
check "amended detail" "$(jq -r .detail <<<"$out")" A2
check "bed W01-2 after the amendment" "$(bed_field W01 2 finding)" ID_NOT_VERIFIED
check "A2 after the amendment" "$(pat_field A2 finding)" PRESENT_ID_UNVERIFIED
# a note alone keeps the verdict
out=$(fc --json amend --note "checked again" --at 2026-11-22T20:01:40 "$typo")
check "note-only amendment" "$(jq -r .verdict <<<"$out")" MATCH
set +e
fc amend --at 2026-11-22T20:01:41 "$typo" >/dev/null 2>&1
check "amend without --code or --note exits" $? 1
set -e

# ---- action words (any case), the exam reading of DESIGN §5 -------------------
scan_expect 2026-11-22T20:02:00 W01-4 BED_LISTED A4
scan_expect 2026-11-22T20:02:05 exam RECORDED EXAM
scan_expect 2026-11-22T20:02:10 Empty_Bed RECORDED EMPTY_BED
check "bed W01-4" "$(bed_field W01 4 finding)" ABSENT_EXAM
check "bed W01-4 exam fact" "$(bed_field W01 4 exam)" true
check "A4 is at an exam, not accused" "$(pat_field A4 finding)" AT_EXAM
scan_expect 2026-11-22T20:02:20 W02-2 BED_LISTED A9
scan_expect 2026-11-22T20:02:25 NO_WRISTBAND RECORDED NO_WRISTBAND
check "bed W02-2 no_wristband fact" "$(bed_field W02 2 no_wristband)" true
check "A9 has no exam detail" "$(pat_field A9 detail)" ""

# ---- double read and --at with and without an offset (TZ=Asia/Shanghai) -------
scan_expect 2026-11-22T20:03:00 W01-1 BED_LISTED A1
# the same instant plus 1 s, written in UTC and with an explicit offset
scan_expect 2026-11-22T12:03:01Z W01-1 DUPLICATE_SCAN
scan_expect 2026-11-22T20:03:01.400+08:00 W01-1 DUPLICATE_SCAN
check "double reads are not counted" "$(bed_field W01 1 scans)" 1
scan_expect 2026-11-22T20:03:10 WB-A1 MATCH A1
scan_expect 2026-11-22T12:03:11.499Z WB-A1 DUPLICATE_SCAN
# exactly 1.5 s after the last read of the code counts again
scan_expect 2026-11-22T20:03:12.999+08:00 WB-A1 MATCH A1
check "reads 1.5 s apart are counted" "$(bed_field W01 1 scans)" 3

# ---- replay: bad rows named with file:line, good rows recorded, exit 2 --------
cat >"$work/burst.csv" <<CSV
time,code
2026-11-22T20:04:00,W01-5
no comma here
yesterday,W01-5
2026-11-22T20:04:05,
2026-11-22T20:04:10,EMPTY_BED
2026-11-22T20:04:20,W02-1
2026-11-22T20:04:25,$(id_for 7)
CSV
set +e
out=$(fc scan --replay "$work/burst.csv" 2>"$work/replay.err")
check "replay with bad rows exits" $? 2
set -e
err=$(cat "$work/replay.err")
grep -qF "$work/burst.csv:3: expected time,code" <<<"$err" || die "line 3 not reported: $err"
grep -qF "$work/burst.csv:4: cannot parse time 'yesterday'" <<<"$err" || die "line 4: $err"
grep -qF "$work/burst.csv:5: empty code" <<<"$err" || die "line 5: $err"
grep -qF "bad lines skipped: 3" <<<"$err" || die "summary: $err"
check "good rows answered" "$(grep -c '' <<<"$out")" 4
check "bed W01-5 from the replay" "$(bed_field W01 5 finding)" ABSENT
check "bed W02-1 from the replay" "$(bed_field W02 1 finding)" OK
check "replayed scans counted" "$(bed_field W02 1 scans)" 2

# ---- report: anomalies first, masked names, no full ID ------------------------
fc report --format csv -o "$work/r.csv" >/dev/null || die "report csv"
fc report --format md -o "$work/r.md" >/dev/null || die "report md"
# a document people read: the visit opened at 19:30 local time (TZ from lib.sh)
grep -qF -- "- opened: 2026-11-22T19:30:00+08:00" "$work/r.md" || die "md report shows local time"
for f in "$work/r.csv" "$work/r.md"; do
    for name in 张小三 李四 王五 赵六 钱七 孙八 周九 吴十 郑一; do
        grep -qF "$name" "$f" && die "$f shows the full name $name"
    done
    for i in 1 2 3 4 5 6 7 8 9 20; do
        grep -qF "$(id_for "$i")" "$f" && die "$f shows a full ID"
    done
done
grep -qF '张*三' "$work/r.csv" || die "masked name missing from the csv report"
# csv: beds and patients rows carry the finding in column 6, anomalies first
awk -F, 'NR > 1 && ($1 == "bed" || $1 == "patient") { print $6 }' "$work/r.csv" >"$work/findings"
[ -s "$work/findings" ] || die "csv report has no bed or patient rows: $(cat "$work/r.csv")"
anomaly_re='^(ABSENT|MOVED_IN|UNLISTED_OCCUPANT|IDENTITY_MISMATCH|NOT_FOUND)$'
seen_ok=0
while read -r finding; do
    if [[ "$finding" =~ $anomaly_re ]]; then
        [ $seen_ok = 0 ] || die "anomaly $finding after a normal row: $(cat "$work/findings")"
    else
        seen_ok=1
    fi
done <"$work/findings"
[ $seen_ok = 1 ] || die "no normal row in the csv report"
grep -q 'MOVED_IN' "$work/r.csv" && die "a voided scan still shows MOVED_IN"
md=$(cat "$work/r.md")
anom_line=$(grep -n '^## Anomalies' <<<"$md" | cut -d: -f1)
other_line=$(grep -n '^## Other results' <<<"$md" | cut -d: -f1)
[ -n "$anom_line" ] && [ -n "$other_line" ] && [ "$anom_line" -lt "$other_line" ] ||
    die "md report: anomalies must come first: $md"
grep -q 'AT_EXAM' <<<"$md" || die "md report hides the exam: $md"

# ---- rebuild after corrections gives the identical state ----------------------
fc --json db rebuild | jq -e '.same == true' >/dev/null || die "rebuild changed the state"
fc db check >/dev/null || die "db check"

# ---- a closed visit refuses scans and corrections -----------------------------
fc visit close --at 2026-11-22T22:00 >/dev/null || die "visit close"
set +e
fc scan --at 2026-11-22T22:01 W01-1 >/dev/null 2>"$work/closed.err"
check "scan on a closed visit exits" $? 2
grep -q "closed" "$work/closed.err" || die "no reason given: $(cat "$work/closed.err")"
fc void --reason late --at 2026-11-22T22:02 "$typo" >/dev/null 2>&1
check "void on a closed visit exits" $? 2
fc amend --code A2 --at 2026-11-22T22:02 "$typo" >/dev/null 2>&1
check "amend on a closed visit exits" $? 2
set -e
echo ok
