#!/bin/bash
# Mission load benchmark: a 1,000,000-row inpatients.csv (UTF-8, and a
# GB18030 copy), loaded by `fieldcheck mission load` and, side by side, by the
# sqlite3 shell's .import plus CREATE INDEX on id_number and (ward_code, bed).
# Prints wall times and our peak RSS. Usage: bench-load.sh [FIELDCHECK_BIN] [ROWS]
set -eu
FC=${1:-${FIELDCHECK_BIN:-build/fieldcheck}}
ROWS=${2:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FIELDCHECK_HOME=$work/home FIELDCHECK_NOW=2026-03-01T20:00:00+08:00

gen() { # rows -> inpatients.csv with valid IDs, 40 wards of 50 beds per site
    awk -v n="$1" 'BEGIN {
        split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " "); c = "10X98765432"
        split("王 李 张 刘 陈 杨 黄 赵 吴 周", s, " "); split("伟 芳 娜 敏 静 强 磊 军 洋 勇", g, " ")
        print "site_code,ward_code,ward,bed,admission_no,name,id_number,sex,admitted_on"
        for (i = 0; i < n; i++) {
            site = sprintf("H110105%05d", int(i / 2000))
            ward = sprintf("W%02d", int((i % 2000) / 50) + 1)
            bed = (i % 50) + 1
            d = int(i / 1000)
            b = sprintf("110105%04d%02d%02d%03d", 1940 + int(d / 336) % 80, 1 + int(d / 28) % 12,
                1 + d % 28, i % 1000)
            t = 0; for (k = 1; k <= 17; k++) t += substr(b, k, 1) * w[k]
            id = b substr(c, t % 11 + 1, 1)
            printf "%s,%s,内科,%d,ZY%08d,%s%s%s,%s,,2026-02-%02d\n", site, ward, bed, i,
                s[i % 10 + 1], g[int(i / 10) % 10 + 1], g[int(i / 100) % 10 + 1], id, 1 + i % 28
        }
    }'
}

mkdir -p "$work/utf8" "$work/gbk"
echo "generating $ROWS rows..."
gen "$ROWS" >"$work/utf8/inpatients.csv"
iconv -f UTF-8 -t GB18030 <"$work/utf8/inpatients.csv" >"$work/gbk/inpatients.csv"
printf '{"mission_id":"bench","version":1,"kind":"night","title":"bench"}' >"$work/utf8/mission.json"
printf '{"mission_id":"benchgbk","version":1,"kind":"night","title":"bench"}' >"$work/gbk/mission.json"
"$FC" init >/dev/null
size=$(stat -c %s "$work/utf8/inpatients.csv")

now() { date +%s.%N; }
rss_of() { # command... ; prints "seconds peak_kb"
    local t0 t1 out
    if [ -x /usr/bin/time ]; then
        t0=$(now)
        /usr/bin/time -o "$work/rss" -f '%M' "$@" >/dev/null 2>&1 || true
        out=$(tail -1 "$work/rss")
        t1=$(now)
        echo "$(echo "$t1 - $t0" | bc) $out"
    else
        t0=$(now)
        "$@" >/dev/null 2>&1
        t1=$(now)
        echo "$(echo "$t1 - $t0" | bc) n/a"
    fi
}

read -r t_fc rss_fc < <(rss_of "$FC" mission load "$work/utf8")
read -r t_gbk rss_gbk < <(rss_of "$FC" mission load "$work/gbk")
cat >"$work/import.sql" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
.mode csv
.import $work/utf8/inpatients.csv inpatient
CREATE INDEX i_id ON inpatient (id_number);
CREATE INDEX i_bed ON inpatient (ward_code, bed);
SQL
read -r t_sq rss_sq < <(rss_of sh -c "sqlite3 '$work/shell.db' <'$work/import.sql'")

printf 'rows %s, file %.1f MB\n' "$ROWS" "$(echo "$size / 1048576" | bc -l)"
printf '%-40s %8.2f s  peak RSS %s kB\n' "fieldcheck mission load (UTF-8)" "$t_fc" "$rss_fc"
printf '%-40s %8.2f s  peak RSS %s kB\n' "fieldcheck mission load (GB18030)" "$t_gbk" "$rss_gbk"
printf '%-40s %8.2f s  peak RSS %s kB\n' "sqlite3 .import + 2 indexes" "$t_sq" "$rss_sq"
