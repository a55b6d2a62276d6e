#!/bin/bash
# Mission load benchmark on a roster as HQ exports it: 11 columns with
# Chinese headers (institution code and name, ward code and name, bed,
# admission number, name, resident ID, sex, insurance type, admission date),
# about 143 bytes a row, a few hundred optional values per million rows that
# warn (an impossible date) and no other warning. Times, in one run:
#   - `fieldcheck mission load` of ROWS rows in UTF-8 and in a GB18030 copy;
#   - the sqlite3 shell's .import of the UTF-8 file plus CREATE INDEX on the
#     ID and on (ward, bed), with the shell's default settings;
#   - the first XLSX_ROWS rows as CSV and as an .xlsx workbook (shared
#     strings, a date style, beds as numbers: as Excel saves one).
# Prints wall, user and system time and peak RSS of each (/usr/bin/time), the
# ratios, then the latency of classifying scans against the loaded roster
# (bench_lookup). Usage: bench-load.sh [FIELDCHECK_BIN] [ROWS] [XLSX_ROWS]
set -eu
FC=${1:-${FIELDCHECK_BIN:-build/fieldcheck}}
ROWS=${2:-1000000}
XLSX_ROWS=${3:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FIELDCHECK_HOME=$work/home FIELDCHECK_NOW=2026-03-01T20:00:00+08:00

gen() { # rows -> the roster, valid IDs, 500 sites of 40 wards of 50 beds
    awk -v n="$1" 'BEGIN {
        split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " "); c = "10X98765432"
        split("王 李 张 刘 陈 杨 黄 赵 吴 周", s, " "); split("伟 芳 娜 敏 静 强 磊 军 洋 勇", g, " ")
        split("朝阳 海淀 丰台 通州 顺义 昌平 大兴 房山 密云 延庆", dist, " ")
        split("第一 第二 第三 中医 妇幼", kind, " ")
        split("心血管内科 呼吸内科 消化内科 神经内科 普通外科 骨科病区 泌尿外科 妇产科病", dept, " ")
        split("职工基本医保 城乡居民医保 新农合医保 离休干部医疗", ins, " ")
        print "机构编码,机构名称,病区编码,病区,床号,住院号,姓名,身份证号,性别,险种,入院日期"
        for (i = 0; i < n; i++) {
            si = int(i / 2000)
            site = sprintf("H110105%05d", si)
            sname = dist[si % 10 + 1] "区" kind[int(si / 10) % 5 + 1] "人民医院"
            wi = int((i % 2000) / 50)
            ward = sprintf("W%02d", wi + 1)
            wname = dept[wi % 8 + 1] sprintf("%d", int(wi / 8) + 1) "区"
            bed = (i % 50) + 1
            d = int(i / 1000)
            # women only in the obstetric wards (every 8th): an even
            # sequence number, unique within the birth date under another
            # district code; a man there would warn (sex_ward)
            ob = wi % 8 == 7
            b = sprintf("%s%04d%02d%02d%03d", ob ? "110106" : "110105", 1940 + int(d / 336) % 80,
                1 + int(d / 28) % 12, 1 + d % 28, ob ? 2 * (i % 500) : i % 1000)
            t = 0; for (k = 1; k <= 17; k++) t += substr(b, k, 1) * w[k]
            id = b substr(c, t % 11 + 1, 1)
            sex = (substr(b, 17, 1) % 2) ? "男" : "女"
            # about 300 a million: a date that does not exist (warns, row kept)
            adm = (i % 3331 == 7) ? "2026-02-30" : sprintf("2026-02-%02d", 1 + i % 28)
            printf "%s,%s,%s,%s,%d,ZY%010d,%s%s%s,%s,%s,%s,%s\n", site, sname, ward, wname, bed, i,
                s[i % 10 + 1], g[int(i / 10) % 10 + 1], g[int(i / 100) % 10 + 1], id, sex,
                ins[i % 4 + 1], adm
        }
    }'
}

# csv xlsx: the CSV as Excel saves it (shared strings, beds as numbers,
# dates as serials in a date style)
to_xlsx() {
    python3 - "$1" "$2" <<'PY'
import csv, datetime, sys, zipfile
from xml.sax.saxutils import escape
src, dst = sys.argv[1], sys.argv[2]
strings, index, rows = [], {}, []
def sst(v):
    if v not in index:
        index[v] = len(strings)
        strings.append(v)
    return index[v]
def col(i):
    return chr(ord("A") + i)
epoch = datetime.date(1899, 12, 30)
with open(src, encoding="utf-8") as f:
    for r, rec in enumerate(csv.reader(f), 1):
        cells = []
        for i, v in enumerate(rec):
            ref = "%s%d" % (col(i), r)
            if r > 1 and i == 4:
                cells.append('<c r="%s"><v>%s</v></c>' % (ref, v))
            elif r > 1 and i == 10 and v != "2026-02-30":
                serial = (datetime.date.fromisoformat(v) - epoch).days
                cells.append('<c r="%s" s="1"><v>%d</v></c>' % (ref, serial))
            else:
                cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, sst(v)))
        rows.append('<row r="%d">%s</row>' % (r, "".join(cells)))
ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", '<workbook %s %s><sheets><sheet name="Sheet1" sheetId="1" '
               'r:id="rId1"/></sheets></workbook>' % (ns, rns))
    z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats'
               '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
               'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
               'Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr("xl/styles.xml", '<styleSheet %s><cellXfs count="2"><xf numFmtId="0"/>'
               '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>' % ns)
    z.writestr("xl/sharedStrings.xml", '<sst %s count="%d" uniqueCount="%d">%s</sst>' % (
        ns, len(strings), len(strings), "".join("<si><t>%s</t></si>" % escape(s) for s in strings)))
    z.writestr("xl/worksheets/sheet1.xml", '<worksheet %s><sheetData>%s</sheetData></worksheet>'
               % (ns, "".join(rows)))
PY
}

mission() { # dir id: a folder with mission.json
    mkdir -p "$1"
    printf '{"mission_id":"%s","version":1,"kind":"night","title":"bench"}' "$2" >"$1/mission.json"
}
mission "$work/utf8" bench
mission "$work/gbk" benchgbk
mission "$work/csv100k" benchcsv
mission "$work/xlsx100k" benchxlsx
echo "generating $ROWS rows..."
gen "$ROWS" >"$work/utf8/inpatients.csv"
iconv -f UTF-8 -t GB18030 <"$work/utf8/inpatients.csv" >"$work/gbk/inpatients.csv"
head -n $((XLSX_ROWS + 1)) "$work/utf8/inpatients.csv" >"$work/csv100k/inpatients.csv"
to_xlsx "$work/csv100k/inpatients.csv" "$work/xlsx100k/inpatients.xlsx"
"$FC" init >/dev/null
size=$(stat -c %s "$work/utf8/inpatients.csv")

# command... -> "wall user sys peak_kb" from /usr/bin/time (packaging/install-deps.sh);
# a load that warns exits 0 and prints the warnings, which go to the log
measure() {
    /usr/bin/time -o "$work/time" -f '%e %U %S %M' "$@" >"$work/stdout" 2>"$work/stderr" ||
        { cat "$work/stderr" >&2; echo "benchmark command failed: $*" >&2; exit 1; }
    tail -1 "$work/time"
}

read -r w_fc u_fc s_fc rss_fc < <(measure "$FC" --json mission load "$work/utf8")
warnings=$(grep -o '"kind":"optional_value"' "$work/stdout" | wc -l)
others=$(grep -o '"kind":"[a-z_]*"' "$work/stdout" | grep -vc '"optional_value"' || true)
read -r w_gbk u_gbk s_gbk rss_gbk < <(measure "$FC" mission load "$work/gbk")
# the shell as it comes: default journal and synchronous settings
cat >"$work/import.sql" <<SQL
.mode csv
.import $work/utf8/inpatients.csv inpatient
CREATE INDEX i_id ON inpatient ("身份证号");
CREATE INDEX i_bed ON inpatient ("病区编码", "床号");
SQL
read -r w_sq u_sq s_sq rss_sq < <(measure sh -c "sqlite3 '$work/shell.db' <'$work/import.sql'")
read -r w_c u_c s_c rss_c < <(measure "$FC" mission load "$work/csv100k")
read -r w_x u_x s_x rss_x < <(measure "$FC" mission load "$work/xlsx100k")

printf 'rows %s, file %.1f MB (%.0f bytes a row), %s optional values warned, %s other warnings\n' \
    "$ROWS" "$(echo "$size / 1048576" | bc -l)" "$(echo "$size / ($ROWS + 1)" | bc -l)" "$warnings" \
    "$others"
printf '%-40s %8s %8s %8s %10s\n' "" "wall s" "user s" "sys s" "peak kB"
row() { printf '%-40s %8.2f %8.2f %8.2f %10s\n' "$@"; }
row "fieldcheck mission load (UTF-8)" "$w_fc" "$u_fc" "$s_fc" "$rss_fc"
row "fieldcheck mission load (GB18030)" "$w_gbk" "$u_gbk" "$s_gbk" "$rss_gbk"
row "sqlite3 .import + 2 indexes (defaults)" "$w_sq" "$u_sq" "$s_sq" "$rss_sq"
row "fieldcheck mission load, $XLSX_ROWS rows CSV" "$w_c" "$u_c" "$s_c" "$rss_c"
row "fieldcheck mission load, $XLSX_ROWS rows xlsx" "$w_x" "$u_x" "$s_x" "$rss_x"
printf 'wall ours/shell: UTF-8 %.2f, GB18030 %.2f\n' "$(echo "$w_fc / $w_sq" | bc -l)" \
    "$(echo "$w_gbk / $w_sq" | bc -l)"
# the loader parses on one core and inserts on the other, so its CPU time
# is above its wall time; the shell uses one core
printf 'CPU (user+sys) ours/shell: %.2f\n' "$(echo "($u_fc + $s_fc) / ($u_sq + $s_sq)" | bc -l)"
printf 'xlsx/CSV wall at %s rows: %.2f\n' "$XLSX_ROWS" "$(echo "$w_x / $w_c" | bc -l)"

# scan classification against the loaded roster, when the benchmark is built
lookup=$(dirname "$FC")/tests/bench_lookup
[ -x "$lookup" ] || lookup=$(dirname "$FC")/bench_lookup
if [ -x "$lookup" ]; then
    "$lookup" "$work"/home/missions/bench-v1.db
fi
