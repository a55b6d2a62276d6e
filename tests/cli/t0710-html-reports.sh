#!/bin/bash
# report --format html / --doc and hq report --format html: every workflow's
# report and every document is written, escapes hostile text, masks personal
# data unless an audited unmask asks otherwise, and matches its golden text.
# A few of them are rendered in headless Chromium: the screenshot's QR decodes
# to the signed checkpoint, and the A4 PDF has the expected pages, page numbers
# and checkpoint on every page. Skips (77) without chromium, pdfinfo or zbarimg.
for tool in chromium pdfinfo pdftotext zbarimg jq sqlite3; do
    command -v $tool >/dev/null || { echo "skipped: $tool not installed"; exit 77; }
done
source "$(dirname "$0")/night-lib.sh"
export FIELDCHECK_NOW=2026-11-22T23:30:00+08:00 LANG=C.UTF-8
unset FIELDCHECK_LANG LC_ALL LC_MESSAGES
golden="$FC_SOURCE_DIR/tests/data/golden"
out=$work/out
mkdir -p "$out"
pass=0

ok() { pass=$((pass + 1)); }

# Text of an HTML file for goldens: no styles, no SVG, one line per text
# run; ids, hashes and codes that change from run to run are replaced.
norm() {
    perl -0777 -pe 's{<style>.*?</style>}{}s; s{<svg.*?</svg>}{[svg]}gs; s{<[^>]+>}{\n}g;
        s{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}{<uuid>}g;
        s{\b[0-9a-f]{64}\b}{<hash>}g; s{\b[0-9a-f]{16}\b}{<device>}g;
        s{\b[0-9A-Z]{4}-[0-9A-Z]{4}\b}{<code>}g;
        s{[ \t]+\n}{\n}g; s{\n{2,}}{\n}g' "$1"
}

check_golden() { # name file
    local exp="$golden/$1.txt"
    norm "$2" >"$out/$1.txt"
    if [ -n "${FC_UPDATE_GOLDEN:-}" ]; then
        cp "$out/$1.txt" "$exp"
    fi
    diff -u "$exp" "$out/$1.txt" >&2 || die "golden $1 differs"
    ok
}

chrome() { # args...
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d -p "$work")" "$@" >/dev/null 2>&1
}

pdf() { # html pdf: prints the page count
    chrome --no-pdf-header-footer --print-to-pdf="$2" "$1" || die "chromium print of $1"
    [ "$(stat -c %s "$2")" -gt 10000 ] || die "$2 is too small"
    pdfinfo "$2" | grep -q 'Page size:.*(A4)' || die "$2 is not A4"
    pdfinfo "$2" | sed -n 's/^Pages: *//p'
}

# Every page of pdf shows "N / TOTAL", the checkpoint label and the signatures.
pages_ok() { # pdf pages code
    local i
    for i in $(seq 1 "$2"); do
        pdftotext -f "$i" -l "$i" "$1" - >"$work/page.txt"
        grep -Eq "(^|[^0-9])$i ?/ ?$2([^0-9]|$)" "$work/page.txt" || die "$1 page $i: no page number '$i / $2'"
        grep -q -- "$3" "$work/page.txt" || die "$1 page $i: no checkpoint '$3'"
        grep -q "签名" "$work/page.txt" || die "$1 page $i: no signature block"
    done
}

no_raw_script() { # file
    grep -q '<script' "$1" && die "$1 has a raw <script>"
    grep -q 'http' "$1" && grep -v 'xmlns="http://www.w3.org/2000/svg"' "$1" | grep -q 'http' &&
        die "$1 refers to the network"
    return 0
}

# ---- night: hostile names in the roster --------------------------------------
make_mission "$work/m"
sed -i 's/^H11010500001,First Hospital,/H11010500001,"First <script>alert(1)<\/script> ""H\&S"" Hospital",/' \
    "$work/m/sites.csv"
sed -i 's/,李四,/,"<b>李""四\&amp;",/' "$work/m/inpatients.csv"
fc init >/dev/null
fc mission load "$work/m" >/dev/null || die "mission load"
fc visit open --site H11010500001 --kind night --inspector "Li Ming" \
    --inspector "Wang Fang" --at 2026-11-22T19:30 >/dev/null || die "visit open"
fc scan --at 2026-11-22T19:40 W01-1 >/dev/null
fc scan --at 2026-11-22T19:41 WB-A1 >/dev/null
fc scan --at 2026-11-22T19:42 "$(id_for 1)" >/dev/null
fc scan --at 2026-11-22T19:43 W01-2 >/dev/null
fc scan --at 2026-11-22T19:44 EMPTY_BED >/dev/null
fc scan --at 2026-11-22T19:45 W01-3 >/dev/null
fc scan --at 2026-11-22T19:46 EMPTY_BED >/dev/null

fc report --format html -o "$out/night-open.html" >/dev/null || die "open night report"
grep -q "检查尚未结束" "$out/night-open.html" || die "open visit not marked unsigned"
grep -q 'class="qr"' "$out/night-open.html" && die "open visit has a QR"
ok

fc keys init >/dev/null
fc visit close --at 2026-11-22T22:00 --qr-svg "$work/cp.svg" >"$work/close.out" || die "close"
code=$(sed -n 's/^signed checkpoint //p' "$work/close.out")
short=$(sed -n 's/^checkpoint \([0-9A-Z]\{4\}-[0-9A-Z]\{4\}\).*/\1/p' "$work/close.out")
case $code in FCC1*) ;; *) die "no signed checkpoint: $(cat "$work/close.out")" ;; esac
[ -n "$short" ] || short=$(grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' "$work/close.out" | head -1)

fc report --format html -o "$out/night.html" >/dev/null || die "night report"
fc report --format html --doc beds -o "$out/beds.html" >/dev/null || die "bed list"
fc report --doc site-record -o "$out/night-site.html" >/dev/null || die "night site record"
for f in night beds night-site; do no_raw_script "$out/$f.html"; done
grep -q 'First &lt;script&gt;alert(1)&lt;/script&gt; &quot;H&amp;S&quot; Hospital' \
    "$out/night.html" || die "site name not escaped"
grep -q '&lt;\*\*\*;' "$out/night.html" || die "hostile name not masked and escaped"
grep -q '110\*\*\*\*\*\*\*\*\*\*\*' "$out/night.html" || die "ID not masked"
grep -q "$(id_for 2)" "$out/night.html" && die "full ID in a masked report"
ok
# anomalies come before the other results
a=$(grep -n 'ABSENT' "$out/night.html" | head -1 | cut -d: -f1)
b=$(grep -n '>OK<' "$out/night.html" | head -1 | cut -d: -f1)
[ "$a" -lt "$b" ] || die "anomalies are not first"
check_golden night-report "$out/night.html"
check_golden night-beds "$out/beds.html"

# unmasking: refused without a reason, recorded as an event before the file
fc report --format html --unmask -o "$out/x.html" 2>/dev/null && die "--unmask without --reason"
[ -e "$out/x.html" ] && die "a file was written without a reason"
FIELDCHECK_LANG=en fc report --format html --unmask --reason "court order 12" \
    -o "$out/night-en.html" >/dev/null || die "unmasked report"
grep -q "$(id_for 2)" "$out/night-en.html" || die "unmasked report has no full ID"
grep -q 'Night bed check report' "$out/night-en.html" || die "not in English"
grep -q 'NOT masked' "$out/night-en.html" || die "unmasked report not marked"
ev=$(sqlite3 "$FIELDCHECK_DB" "SELECT payload FROM event WHERE kind = 'unmask'")
[ "$(jq -r .reason <<<"$ev")" = "court order 12" ] || die "unmask event: '$ev'"
jq -r .what <<<"$ev" | grep -q "night-en.html" || die "unmask event has no 'what': $ev"
ok

# render: screenshot QR = signed checkpoint; PDF pages numbered, signed, coded
chrome --screenshot="$out/night.png" --window-size=1240,1754 "$out/night.html" ||
    die "chromium screenshot"
[ "$(stat -c %s "$out/night.png")" -gt 20000 ] || die "screenshot too small"
got=$(zbarimg -q --raw "$out/night.png" 2>/dev/null | head -1)
[ "$got" = "$code" ] || die "screenshot QR decodes to '$got', expected '$code'"
n=$(pdf "$out/night.html" "$out/night.pdf")
[ "$n" -ge 1 ] || die "night.pdf has $n pages"
pages_ok "$out/night.pdf" "$n" "$short"
n=$(pdf "$out/beds.html" "$out/beds.pdf")
pages_ok "$out/beds.pdf" "$n" "$short"
ok

# ---- pharmacy ------------------------------------------------------------------
m=$work/pm
mission_json_long "$m" PHARM-T pharmacy "pharmacy test"
sites_csv "$m" "P37020304446,First Pharmacy,pharmacy"
cat >"$m/drugs.csv" <<'CSV'
site_code,drug_code,name,spec,unit,gtin,trace_prefix,pack_factor,opening_qty,purchased_qty,sold_qty,settled_qty,unit_price,price_cap
P37020304446,XR05CBA198A001010100861,"Drug <A> & ""B""",10mg,盒,,8100001,1,10,20,15,20,12.5,12.0
P37020304446,XR05CBA198A001010100862,Drug B,5ml,支,,8200002,1,0,5,3,2,2.0,
CSV
cat >"$m/settlements.csv" <<'CSV'
settlement_id,settled_at,site_code,drug_code,trace_code,qty,unit_price
S1,2026-10-01 10:00,P37020304446,XR05CBA198A001010100861,81000010000000000001,1,12.5
CSV
# one device database per workflow: each holds one mission, as on site
mkdir -p "$work/ph" && export FIELDCHECK_DB=$work/ph/fc.db
fc mission load "$m" >/dev/null || die "pharmacy mission load"
fc visit open --site P37020304446 --kind pharmacy --inspector "Li Ming" \
    --inspector "Wang Fang" --at 2026-11-23T09:00 >/dev/null || die "pharmacy visit open"
fc scan --at 2026-11-23T09:10 81000010000000000001 >/dev/null
fc count XR05CBA198A001010100862 --qty 2 --at 2026-11-23T09:20 >/dev/null || die "count"
fc visit close --at 2026-11-23T11:00 >/dev/null || die "pharmacy close"
fc report --format html -o "$out/pharmacy.html" >/dev/null || die "pharmacy report"
no_raw_script "$out/pharmacy.html"
grep -q 'Drug &lt;A&gt; &amp; &quot;B&quot;' "$out/pharmacy.html" || die "drug name not escaped"
check_golden pharmacy-report "$out/pharmacy.html"
fc report --doc beds -o "$out/no.html" 2>/dev/null && die "bed list of a pharmacy visit"

# ---- flight: interviews, evidence, findings -----------------------------------
m=$work/fm
mkdir -p "$m"
cat >"$m/mission.json" <<'J'
{"mission_id": "FX-2026-01", "version": 1, "kind": "flight", "title": "飞行检查",
 "issued_at": "2026-02-20T00:00:00Z", "expires_at": "2026-12-31T00:00:00Z"}
J
printf 'site_code,site_name,site_kind\nH11010500009,第九医院,hospital\n' >"$m/sites.csv"
cat >"$m/suspicions.csv" <<'C'
susp_id,rule_code,rule_name,site_code,site_name,setl_id,admission_no,name,id_number,item_code,item_name,qty,unit_price,amount,susp_amount,settled_on,description
S001,R01,串换药品,H11010500009,第九医院,SET1,A100,张小三,110105199001011232,X001,阿莫西林,10,12.5,125,100,2026-01-02,串换
S002,R02,挂床住院,H11010500009,第九医院,SET2,A101,李四,,B01,床位费,3,40,120,120,2026-01-03,挂床
C
mkdir -p "$work/fl" && export FIELDCHECK_DB=$work/fl/fc.db FIELDCHECK_HOME=$work/fl/home
fc keys init >/dev/null
fc mission load "$m" >/dev/null || die "flight mission load"
fc visit open --site H11010500009 --kind flight --inspector 刘检查 --inspector 陈检查 \
    --at 2026-11-24T09:00 >/dev/null || die "flight visit open"
printf 'photo' >"$work/photo.jpg"
touch -d 2026-11-24T01:00:00Z "$work/photo.jpg"
fc susp verify S001 --verdict 属实 --at 2026-11-24T10:00 >/dev/null || die "verify"
fc finding add --code V38-4 --amount 100 --fund-loss 90 --lines S001 --patients A100 \
    --note '串换 <script>x</script>' --evidence "$work/photo.jpg" --at 2026-11-24T10:05 \
    >/dev/null || die "finding"
fc interview add --place 院长办公室 --person "王某某:院长" --q "是否知情？" --a '不知情 & "无"' \
    --signed --at 2026-11-24T11:00 >/dev/null || die "interview 1"
fc interview add --place 药房 --person "赵某:药师" --q "谁开的处方？" --a "不清楚" \
    --refused "不同意笔录内容" --at 2026-11-24T12:00 >/dev/null || die "interview 2"
fc visit close --at 2026-11-24T18:00 >"$work/fclose.out" || die "flight close"
fshort=$(grep -o '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}' "$work/fclose.out" | head -1)
fc report --format html -o "$out/flight.html" >/dev/null || die "flight report"
for d in site-record interview evidence; do
    fc report --doc $d -o "$out/flight-$d.html" >/dev/null || die "flight $d"
    no_raw_script "$out/flight-$d.html"
done
grep -q '王\*\*' "$out/flight-interview.html" || grep -q '王\*某' "$out/flight-interview.html" ||
    die "interviewee not masked"
grep -q '拒绝签字' "$out/flight-interview.html" || die "refusal not shown"
check_golden flight-report "$out/flight.html"
check_golden flight-site-record "$out/flight-site-record.html"
check_golden flight-interview "$out/flight-interview.html"
check_golden flight-evidence "$out/flight-evidence.html"
n=$(pdf "$out/flight-interview.html" "$out/interview.pdf")
[ "$n" -ge 2 ] || die "two interviews on $n page(s): each starts a page"
pages_ok "$out/interview.pdf" "$n" "$fshort"
n=$(pdf "$out/flight-site-record.html" "$out/site.pdf")
pages_ok "$out/site.pdf" "$n" "$fshort"
ok

# ---- HQ --------------------------------------------------------------------------
hq="$FIELDCHECK_BIN hq --hq $work/hq"
$hq init >/dev/null || die "hq init"
enr=$(fc --json keys show | jq -r .enrollment)
$hq enroll "$enr" >/dev/null || die "hq enroll"
fc keys trust "$work/hq/hq.pub" >/dev/null || die "keys trust"
b=$(fc --json export -o "$work/bundles" | jq -r .file)
$hq import "$b" >/dev/null || die "hq import"
$hq report --format html -o "$out/hq.html" >/dev/null || die "hq report html"
no_raw_script "$out/hq.html"
grep -c '<svg' "$out/hq.html" | grep -qv '^[0-3]$' || die "hq report has too few charts"
grep -q 'V38-4' "$out/hq.html" || die "hq report lacks the violation code"
grep -q '100.00' "$out/hq.html" || die "hq report lacks the amount"
check_golden hq-report "$out/hq.html"
n=$(pdf "$out/hq.html" "$out/hq.pdf")
[ "$n" -ge 1 ] || die "hq.pdf"
ok

echo "$pass passed, 0 failed"
