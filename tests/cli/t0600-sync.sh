#!/bin/bash
# The whole sync path through the CLI: HQ and device keys, enrollment, trust,
# a signed mission pack, events, export, HQ import, receipt, re-import no-op,
# and the refusals (unknown device quarantined, damaged receipt, bad pack).
set -u
bin=${FIELDCHECK_BIN:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FIELDCHECK_HOME=$work/home FIELDCHECK_DB=$work/dev/fieldcheck.db
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
fail=0
check() { # description, expected exit, command...
    local what=$1 want=$2; shift 2
    "$@" >"$work/out" 2>"$work/err"; local got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL: $what: exit $got, expected $want"; cat "$work/out" "$work/err"; fail=1
    fi
}
jq_get() { tail -n 1 | jq -r ".$1"; }

hq="$bin hq --hq $work/hq"
check "hq init" 0 $hq init
check "hq init twice refused" 2 $hq init
[ "$(stat -c %a "$work/hq/hq.key")" = 600 ] || { echo "FAIL: hq.key mode"; fail=1; }
check "keys init" 0 "$bin" keys init
[ "$(stat -c %a "$work/dev/device.key")" = 600 ] || { echo "FAIL: device.key mode"; fail=1; }
"$bin" --json keys show >"$work/keys.json"
dev=$(jq_get device_id <"$work/keys.json")
code=$(jq_get enrollment <"$work/keys.json")
case $code in FCE1*) ;; *) echo "FAIL: enrollment code '$code'"; fail=1 ;; esac
check "export before trust refused" 2 "$bin" export -o "$work/out1"
check "enroll" 0 $hq enroll "$code"
grep -q "enrolled" "$work/out" || { echo "FAIL: enroll output"; fail=1; }
check "trust" 0 "$bin" keys trust "$work/hq/hq.pub"

# a signed pack: verification refusals happen before any CSV is read
mkdir -p "$work/m"
cat >"$work/m/mission.json" <<'J'
{"mission_id":"M2026-03","version":2,"kind":"night","title":"t","issued_at":"2026-03-01T00:00:00+08:00","expires_at":"2026-04-01T00:00:00+08:00"}
J
printf 'site_code,ward_code,ward,bed,admission_no,name,id_number\nH11010500001,W01,Ward,1,A1,Zhang,110105198001010016\n' >"$work/m/inpatients.csv"
check "pack" 0 $hq pack "$work/m" -o "$work/m.fcpack" --to "$dev"
check "pack for a device never enrolled refused" 2 $hq pack "$work/m" -o "$work/other.fcpack" \
    --to 0123456789abcdef
if "$bin" mission --help >/dev/null 2>&1; then
    check "mission load pack" 0 "$bin" mission load "$work/m.fcpack"
    cp "$work/m.fcpack" "$work/bad.fcpack"
    b=$(od -An -tu1 -j 40 -N1 "$work/bad.fcpack" | tr -d ' ') # inverted: damaged whatever it was
    printf "\\x$(printf %02x $((b ^ 255)))" | dd of="$work/bad.fcpack" bs=1 seek=40 conv=notrunc \
        2>/dev/null
    check "tampered pack refused" 3 "$bin" mission load "$work/bad.fcpack"
    grep -q "signature does not verify" "$work/err" || { echo "FAIL: signature message"; fail=1; }
    FIELDCHECK_NOW=2026-05-01T00:00:00+08:00 check "expired pack refused" 3 \
        "$bin" mission load "$work/m.fcpack"
fi

# events: a visit when the visit command exists
if "$bin" visit --help >/dev/null 2>&1; then
    check "visit open" 0 "$bin" visit open --site H11010500001 --kind night --inspector A \
        --inspector B
    check "visit close" 0 "$bin" visit close
fi
"$bin" --json db check >"$work/db.json"
head_seq=$(jq_get head_seq <"$work/db.json")

check "export" 0 "$bin" --json export -o "$work/out1"
b1=$(jq_get file <"$work/out")
[ "$(jq_get last_seq <"$work/out")" = "$head_seq" ] || { echo "FAIL: export range"; fail=1; }
check "hq import" 0 $hq --json import "$b1"
[ "$(jq_get outcome <"$work/out")" = imported ] || { echo "FAIL: first import"; fail=1; }
check "hq import again is a no-op" 0 $hq --json import "$b1"
[ "$(jq_get outcome <"$work/out")" = duplicate ] || { echo "FAIL: re-import"; fail=1; }
check "hq report" 0 $hq report
check "hq receipt" 0 $hq receipt "$dev"
receipt=$(tail -n1 "$work/out")
case $receipt in FCR1*) ;; *) echo "FAIL: receipt code '$receipt'"; fail=1 ;; esac
bad=$(echo "$receipt" | sed 's/^\(.\{30\}\)./\1A/;t' | sed 's/^\(.\{30\}\)A/\1B/')
[ "$bad" != "$receipt" ] || bad=${receipt:0:30}C${receipt:31}
check "damaged receipt refused" 3 "$bin" receipt apply "$bad"
check "receipt apply" 0 "$bin" --json receipt apply "$receipt"
[ "$(jq_get acked_seq <"$work/out")" = "$head_seq" ] || { echo "FAIL: acked seq"; fail=1; }
echo "$receipt" >"$work/receipt.txt"
check "receipt apply from a file" 0 "$bin" receipt apply "$work/receipt.txt"

# everything acknowledged: nothing is written
check "nothing to export" 0 "$bin" --json export -o "$work/out2"
[ "$(jq_get file <"$work/out")" = null ] || { echo "FAIL: empty export wrote a bundle"; fail=1; }
[ -z "$(ls -A "$work/out2" 2>/dev/null)" ] || { echo "FAIL: files in out2"; fail=1; }
# after the receipt the next export starts after the acknowledged events
check "visit open again" 0 "$bin" visit open --site H11010500001 --kind night --inspector A \
    --inspector B
check "visit close again" 0 "$bin" visit close
check "second export" 0 "$bin" --json export -o "$work/out2"
[ "$(jq_get first_seq <"$work/out")" = $((head_seq + 1)) ] || { echo "FAIL: 2nd range"; fail=1; }
b2=$(jq_get file <"$work/out")
check "import second" 0 $hq import "$b2"

# a device HQ never enrolled: quarantined, exit 3
export FIELDCHECK_DB=$work/dev2/fieldcheck.db
check "keys init 2" 0 "$bin" keys init
check "trust 2" 0 "$bin" keys trust "$work/hq/hq.pub"
check "mission load 2" 0 "$bin" mission load "$work/m"
check "visit open 2" 0 "$bin" visit open --site H11010500001 --kind night --inspector A \
    --inspector B
check "export 2" 0 "$bin" --json export -o "$work/out3"
b3=$(jq_get file <"$work/out")
check "unknown device quarantined" 3 $hq import "$b3"
grep -q "not enrolled" "$work/err" || { echo "FAIL: quarantine message"; fail=1; }
head -c 300 "$b1" >"$work/t.fcb"
check "truncated bundle refused" 2 $hq import "$work/t.fcb"
grep -q "truncated" "$work/err" || { echo "FAIL: truncation message"; fail=1; }

exit $fail
