#!/bin/bash
# Encodings and separators HQ's spreadsheets really use (DESIGN §4): UTF-16
# with a BOM and tabs (Excel's "Unicode text"), tab-separated UTF-8, CP936
# with 0x80 (the euro sign), a GBK line inside a UTF-8 file (re-read with a
# warning naming it, never the whole file decoded as GB18030), and a line in
# neither encoding (rejected with its line number; --partial drops that line
# only).
. "$(dirname "$0")/lib.sh"

fc() { "$FC" "$@"; }
command -v iconv >/dev/null || {
    echo "skipped: iconv is not installed"
    exit 77
}
csv() { # SEP: the roster, UTF-8, CRLF
    local s=$1
    printf '机构编码%s病区编码%s床号%s住院号%s姓名%s身份证号\r\n' "$s" "$s" "$s" "$s" "$s"
    printf 'H11010500001%sW01%s1%sA1%s张三%s11010519491231002X\r\n' "$s" "$s" "$s" "$s" "$s"
    printf 'H11010500001%sW01%s2%sA2%s李四%s110105196001010033\r\n' "$s" "$s" "$s" "$s" "$s"
    printf 'H11010500001%sW01%s3%sA3%s王五%s110105197002020043\r\n' "$s" "$s" "$s" "$s" "$s"
}
v=0
# try FILE CODE [OPTION...]: loads FILE as inpatients.csv of a new mission
# version, expecting exit CODE; $OUT, $ERR
try() {
    v=$((v + 1))
    rm -rf "$TEST_TMP/m"
    mkdir -p "$TEST_TMP/m"
    printf '{"mission_id":"ENC","version":%d,"kind":"night","title":"t"}' $v >"$TEST_TMP/m/mission.json"
    cp "$1" "$TEST_TMP/m/inpatients.csv"
    local code=$2
    shift 2
    expect_exit "$code" fc --json mission load "$@" "$TEST_TMP/m"
}
names() { sqlite3 "$FIELDCHECK_HOME/missions/ENC-v$v.db" "SELECT group_concat(name, ' ') FROM inpatient"; }
fc init >/dev/null

{ printf '\xff\xfe'; csv $'\t' | iconv -f UTF-8 -t UTF-16LE; } >"$TEST_TMP/utf16.csv"
try "$TEST_TMP/utf16.csv" 0
expect_json "$OUT" '.files[0].encoding' "UTF-16"
[ "$(names)" = "张三 李四 王五" ] && pass || fail "UTF-16: $(names)"

csv $'\t' >"$TEST_TMP/tab.csv"
try "$TEST_TMP/tab.csv" 0
[ "$(names)" = "张三 李四 王五" ] && pass || fail "tab: $(names)"

{ csv , | iconv -f UTF-8 -t GBK; printf 'H11010500001,W01,4,A4,\xd5\xd4\x80,110105198003030053\r\n'; } >"$TEST_TMP/cp936.csv"
try "$TEST_TMP/cp936.csv" 0
expect_json "$OUT" '.files[0].encoding' "GB18030"
[ "$(names)" = "张三 李四 王五 赵€" ] && pass || fail "CP936: $(names)"

# line 3 in GBK, the rest UTF-8: the other names stay right
{ csv , | sed -n 1,2p; csv , | sed -n 3p | iconv -f UTF-8 -t GBK; csv , | sed -n 4p; } >"$TEST_TMP/mixed.csv"
try "$TEST_TMP/mixed.csv" 0
expect_json "$OUT" '.warnings[0].kind' "encoding_line"
expect_json "$OUT" '.warnings[0].line' 3
[ "$(names)" = "张三 李四 王五" ] && pass || fail "mixed: $(names) (mojibake?)"

# line 3 in neither encoding: its line named; --partial loads the others
{ csv , | sed -n 1,2p; printf 'H11010500001,W01,2,A2,\xff\xfe,110105196001010033\r\n'; csv , | sed -n 4p; } >"$TEST_TMP/bad.csv"
try "$TEST_TMP/bad.csv" 2
expect_json "$OUT" '.rejects[0].line' 3
expect_json "$OUT" '.rejects[0].reason' "line 3 is neither UTF-8 nor GB18030"
try "$TEST_TMP/bad.csv" 0 --partial
[ "$(names)" = "张三 王五" ] && pass || fail "partial: $(names)"
finish
