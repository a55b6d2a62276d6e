#!/bin/bash
# mission load and demo through the binary: a Chinese-header GB18030 + CRLF
# folder, hostile rows, a file in no known encoding, a missing mission.json,
# --json fields, --partial and exit codes.
set -u
FC=${FIELDCHECK_BIN:?}
export FIELDCHECK_HOME=$(mktemp -d)
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
unset FIELDCHECK_DB
trap 'rm -rf "$FIELDCHECK_HOME"' EXIT
fails=0
check() { # description, condition...
    local what=$1
    shift
    if "$@"; then echo "ok - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}
gbk() { sed 's/$/\r/' | iconv -f UTF-8 -t GB18030; }

"$FC" init >/dev/null || exit 1

# demo: generates, loads, prints codes; a second run is unchanged
out=$("$FC" demo --no-tui --seed 3)
check "demo exits 0" test $? -eq 0
check "demo prints a visit command" grep -q "visit open --site H" <<<"$out"
check "demo mission listed" grep -q "demo-3" <<<"$("$FC" mission list)"
json=$("$FC" --json mission load "$FIELDCHECK_HOME/demo-mission")
check "demo folder reload is unchanged" grep -q '"status":"unchanged"' <<<"$json"

# a Chinese-header folder in GB18030 with CRLF, as Excel writes it
d=$FIELDCHECK_HOME/zh
mkdir -p "$d"
printf '{"mission_id":"zh","version":1,"kind":"night","title":"夜查"}' >"$d/mission.json"
# a valid ID: 17 digits plus the MOD 11-2 check character
rid() {
    local b=$1 w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) s=0 i c=10X98765432
    for ((i = 0; i < 17; i++)); do s=$((s + ${b:i:1} * w[i])); done
    echo "$b${c:s%11:1}"
}
id2=$(rid 11010519850202002)
gbk >"$d/inpatients.csv" <<CSV
机构编码,病区编码,病区,床号,住院号,姓名,身份证号
H11010500001,W01,内科,1,A1,张三,110105198001010016
H11010500001,W01,内科,2,A2,李四,$id2
CSV
out=$("$FC" mission load "$d")
check "GB18030 CRLF folder loads" test $? -eq 0
check "encoding reported" grep -q "inpatients.csv *GB18030 *rows 2 *loaded 2" <<<"$out"

# hostile rows: ragged and a bad ID; all or nothing, then --partial
h=$FIELDCHECK_HOME/hostile
mkdir -p "$h"
printf '{"mission_id":"h","version":1,"kind":"night","title":"t"}' >"$h/mission.json"
cat >"$h/inpatients.csv" <<CSV
site_code,ward_code,bed,admission_no,name,id_number
H11010500001,W01,1,A1,甲,$id2
H11010500001,W01,2
H11010500001,W01,3,A3,乙,110105198001010011
CSV
out=$("$FC" mission load "$h" 2>&1)
rc=$?
check "rejects fail the load with exit 2" test $rc -eq 2
check "ragged row reported" grep -q "inpatients.csv:3: row has 3 fields, the header has 6" <<<"$out"
check "bad ID reported" grep -q "inpatients.csv:4: id_number: invalid resident ID" <<<"$out"
check "nothing loaded" test -z "$("$FC" mission list | grep '^h ')"
json=$("$FC" --json mission load "$h" 2>/dev/null)
check "--json failed status" grep -q '"status":"failed"' <<<"$json"
check "--json rejects" grep -q '"rejects":\[{"file":"inpatients.csv","line":3,"column":"","reason":' <<<"$json"
check "--json files" grep -q '"files":\[{"file":"inpatients.csv","encoding":"UTF-8","rows":3,"loaded":1,"rejected":2}\]' <<<"$json"
json=$("$FC" --json mission load --partial "$h")
check "--partial loads" grep -q '"status":"loaded"' <<<"$json"
check "--partial has warnings array" grep -q '"warnings":\[\]' <<<"$json"

# a file in neither UTF-8 nor GB18030: rejected with the byte offset
b=$FIELDCHECK_HOME/binary
mkdir -p "$b"
printf '{"mission_id":"b","version":1,"kind":"night","title":"t"}' >"$b/mission.json"
printf 'site_code,ward_code\n\xff\xfe\xff\n' >"$b/inpatients.csv"
out=$("$FC" mission load "$b" 2>&1)
check "bad encoding exit 2" test $? -eq 2
check "bad encoding names the byte" grep -q "byte" <<<"$out"

# no mission.json; a .fcpack; usage
out=$("$FC" mission load "$FIELDCHECK_HOME" 2>&1)
check "missing mission.json exit 2" test $? -eq 2
check "missing mission.json message" grep -q "no mission.json" <<<"$out"
"$FC" mission load x.fcpack >/dev/null 2>&1
check ".fcpack refused with exit 2" test $? -eq 2
"$FC" mission load >/dev/null 2>&1
check "missing PATH is usage (exit 1)" test $? -eq 1
check "mission --help" grep -q "mission load" <<<"$("$FC" mission --help)"
check "mission show" grep -q "GB18030" <<<"$("$FC" mission show zh)"

# No sites.csv, and wards.csv (which has no site_name) before inpatients.csv
# (which has): the hospital's name comes from the roster, not its code.
w=$FIELDCHECK_HOME/wards-named
mkdir -p "$w"
printf '{"mission_id":"wn","version":1,"kind":"night","title":"t"}' >"$w/mission.json"
printf 'site_code,ward_code,ward,bed_count\nH31010405894,W01,内科,3\n' >"$w/wards.csv"
printf '%s\n' 'site_code,site_name,ward_code,ward,bed,admission_no,name,id_number,sex' \
    'H31010405894,上海市徐汇区人民医院,W01,内科,1,ZY1,王颖月,440304196209076323,女' >"$w/inpatients.csv"
"$FC" mission load "$w" >/dev/null 2>&1
check "wards.csv and inpatients.csv load" test $? -eq 0
out=$("$FC" visit open --site H31010405894 --kind night --inspector A --inspector B 2>&1)
check "the hospital name is kept with wards.csv ($out)" grep -q "(上海市徐汇区人民医院)" <<<"$out"
"$FC" visit close >/dev/null 2>&1

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
