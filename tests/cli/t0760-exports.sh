#!/bin/bash
# Reports for people's tools: CSV that Excel on Chinese Windows opens as it
# is (UTF-8 with a byte-order mark and CRLF; --encoding gb18030 for older
# Excel), headers and Markdown in the reader's language with the codes kept,
# and "-o -" writing to standard output, refused where a file or folder of
# its own is the point (export, hq pack, --qr-*, demo --dir).
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Shanghai FIELDCHECK_NOW=2026-03-01T21:30:00+08:00 FIELDCHECK_LANG=en
cd "$TEST_TMP" || exit 1
zh() { FIELDCHECK_LANG=zh "$@"; }

expect_exit 0 "$FC" demo --no-tui
demo=$OUT
night=$(sed -n 's/.*--site \([HP][0-9]*\) --kind night.*/\1/p' <<<"$demo" | head -n 1)
pharmacy=$(sed -n 's/.*--site \([HP][0-9]*\) --kind pharmacy.*/\1/p' <<<"$demo" | head -n 1)
bed=$(sed -n 's/^ *fieldcheck scan \(W[0-9]*-[0-9]*\) .*# bed label.*/\1/p' <<<"$demo" | head -n 1)
expect_exit 0 "$FC" visit open --site "$night" --kind night --inspector A --inspector B
expect_exit 0 "$FC" scan "$bed" EMPTY_BED

# CSV: byte-order mark, CRLF on every line, English header for an English reader
expect_exit 0 "$FC" report --format csv -o r.csv
[ "$(head -c 3 r.csv | od -An -tx1 | tr -d ' ')" = efbbbf ] && pass || fail "no UTF-8 BOM"
lines=$(wc -l <r.csv)
crlf=$(grep -c $'\r$' r.csv)
[ "$lines" -gt 3 ] && [ "$lines" = "$crlf" ] && pass || fail "$crlf of $lines lines end in CRLF"
expect_contains "$(head -n 1 r.csv)" "section,ward_code,bed,admission_no,name,finding,count,label"
expect_contains "$(cat r.csv)" ",ABSENT,1,listed patient absent" "codes plus labels"
# Chinese reader: Chinese header and labels, the same codes
expect_exit 0 zh "$FC" report --format csv -o z.csv
expect_contains "$(head -n 1 z.csv)" "类别,病区编码,床号,住院号,姓名,结论代码,数量,结论"
expect_contains "$(cat z.csv)" ",ABSENT,1,在册患者不在床" "Chinese labels beside the codes"
# GB18030 for Excel 2007: no mark, CRLF, the same text once decoded
expect_exit 0 zh "$FC" report --format csv --encoding gb18030 -o g.csv
[ "$(head -c 3 g.csv | od -An -tx1 | tr -d ' ')" != efbbbf ] && pass || fail "BOM in GB18030"
iconv -f UTF-8 -t UTF-8 g.csv >/dev/null 2>&1 && fail "g.csv is UTF-8, not GB18030" || pass
[ "$(iconv -f GB18030 -t UTF-8 g.csv)" = "$(tail -c +4 z.csv)" ] && pass ||
    fail "GB18030 file differs from the UTF-8 one once decoded"
grep -q $'\r$' g.csv && pass || fail "GB18030 file without CRLF"
expect_exit 1 "$FC" report --format csv --encoding gbk -o x.csv
expect_contains "$ERR" "unknown encoding 'gbk' (utf-8 or gb18030)"
expect_exit 1 "$FC" report --format md --encoding gb18030 -o x.md
expect_contains "$ERR" "--encoding applies to --format csv"

# -o -: the report on standard output, nothing else there, no file named '-'
expect_exit 0 "$FC" report --format csv -o -
expect_contains "$OUT" "section,ward_code,bed" "csv on stdout"
expect_not_contains "$OUT" "report written" "csv on stdout"
[ ! -e - ] && pass || fail "a file named '-' was written"
expect_exit 0 "$FC" report --format csv --encoding gb18030 -o - # a pipe, not a terminal
expect_exit 0 zh "$FC" report --format md -o -
expect_contains "$OUT" "# 夜查报告 $night" "md in Chinese"
expect_contains "$OUT" "## 异常" "md in Chinese"
expect_contains "$OUT" "| 床位 | 在册患者不在床 (ABSENT) | 1 |" "md in Chinese keeps the code"
expect_not_contains "$OUT" "## Anomalies" "md in Chinese"
expect_exit 0 "$FC" report --format md -o -
expect_contains "$OUT" "## Anomalies" "md in English"
expect_exit 0 zh "$FC" report --format html -o -
expect_contains "$OUT" "<html" "html on stdout"
[ ! -e - ] && pass || fail "a file named '-' was written"
if command -v script >/dev/null; then
    # GB18030 bytes on a terminal would be garbage: refused there
    script -qec "\"$FC\" report --format csv --encoding gb18030 -o -" /dev/null >tty.out 2>&1
    [ $? -ne 0 ] && pass || fail "GB18030 to a terminal was not refused"
    grep -q "to a terminal" tty.out && pass || fail "terminal refusal: $(cat tty.out)"
fi

# where '-' makes no sense: refused, nothing half done
expect_exit 1 "$FC" visit close --qr-png -
expect_contains "$ERR" "not '-'"
expect_exit 0 "$FC" --json visit list
expect_json "$(head -n 1 <<<"$OUT")" .closed_at null
expect_exit 1 "$FC" keys show --qr-svg -
expect_exit 1 "$FC" export -o -
expect_contains "$ERR" "export -o takes a folder, not '-'"
expect_exit 0 "$FC" hq --hq hq init
expect_exit 1 "$FC" hq --hq hq pack "$FIELDCHECK_HOME/demo-mission" -o - --all-enrolled
expect_contains "$ERR" "hq pack -o takes a file, not '-'"
expect_exit 1 "$FC" demo --no-tui --dir -
[ ! -e - ] && pass || fail "a file named '-' was written"

# pharmacy and flight in both languages
expect_exit 0 "$FC" visit close
expect_exit 0 "$FC" visit open --site "$pharmacy" --kind pharmacy --inspector A --inspector B
expect_exit 0 zh "$FC" report --format md -o -
expect_contains "$OUT" "# 药店进销存核查报告" "pharmacy md in Chinese"
expect_contains "$OUT" "| 药品编码 | 名称 | 规格 |" "pharmacy md in Chinese"
expect_exit 0 zh "$FC" report --format csv -o -
expect_contains "$OUT" "记录,药品编码,名称,规格,单位,账面,实盘,差异" "pharmacy csv header"
expect_exit 0 "$FC" visit close
expect_exit 0 "$FC" visit open --site "$night" --kind flight --inspector A --inspector B
expect_exit 0 "$FC" report --format md -o -
expect_contains "$OUT" "# On-site inspection record (flight inspection)" "flight md in English"
expect_not_contains "$OUT" "疑点核查结果" "flight md in English"
expect_exit 0 zh "$FC" report --format md -o -
expect_contains "$OUT" "## 一、疑点核查结果" "flight md in Chinese"
expect_exit 0 "$FC" report --format csv -o f.csv
[ "$(head -c 5 f.csv | od -An -tx1 | tr -d ' ')" = efbbbf7265 ] && pass ||
    fail "flight csv: one BOM, then the header"
expect_contains "$(head -n 1 f.csv)" "record,id,code,title" "flight csv header"

# HQ's report page on standard output
expect_exit 0 "$FC" hq --hq hq report --format html -o -
expect_contains "$OUT" "<html" "hq report html on stdout"

finish
