#!/bin/bash
# Mission load benchmark: a 1,000,000-row inpatients.csv (UTF-8, and a
# GB18030 copy), loaded by `fieldcheck mission load` and, side by side, by the
# sqlite3 shell's .import plus CREATE INDEX on id_number and (ward_code, bed).
# Prints wall, user and system times and peak RSS of each (/usr/bin/time), then
# the latency of classifying scans against the loaded roster (bench_lookup).
# Usage: bench-load.sh [FIELDCHECK_BIN] [ROWS]
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

# command... -> "wall user sys peak_kb" from /usr/bin/time (packaging/install-deps.sh)
measure() {
    /usr/bin/time -o "$work/time" -f '%e %U %S %M' "$@" >/dev/null 2>"$work/stderr" ||
        { cat "$work/stderr" >&2; echo "benchmark command failed: $*" >&2; exit 1; }
    tail -1 "$work/time"
}

read -r w_fc u_fc s_fc rss_fc < <(measure "$FC" mission load "$work/utf8")
read -r w_gbk u_gbk s_gbk rss_gbk < <(measure "$FC" mission load "$work/gbk")
cat >"$work/import.sql" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
.mode csv
.import $work/utf8/inpatients.csv inpatient
CREATE INDEX i_id ON inpatient (id_number);
CREATE INDEX i_bed ON inpatient (ward_code, bed);
SQL
read -r w_sq u_sq s_sq rss_sq < <(measure sh -c "sqlite3 '$work/shell.db' <'$work/import.sql'")

printf 'rows %s, file %.1f MB\n' "$ROWS" "$(echo "$size / 1048576" | bc -l)"
printf '%-36s %8s %8s %8s %10s\n' "" "wall s" "user s" "sys s" "peak kB"
row() { printf '%-36s %8.2f %8.2f %8.2f %10s\n' "$@"; }
row "fieldcheck mission load (UTF-8)" "$w_fc" "$u_fc" "$s_fc" "$rss_fc"
row "fieldcheck mission load (GB18030)" "$w_gbk" "$u_gbk" "$s_gbk" "$rss_gbk"
row "sqlite3 .import + 2 indexes" "$w_sq" "$u_sq" "$s_sq" "$rss_sq"
printf 'wall ours/shell: UTF-8 %.2f, GB18030 %.2f\n' "$(echo "$w_fc / $w_sq" | bc -l)" \
    "$(echo "$w_gbk / $w_sq" | bc -l)"
# the loader parses on one core and inserts on the other, so its CPU time
# is above its wall time; the shell uses one core
printf 'CPU (user+sys) ours/shell: %.2f\n' "$(echo "($u_fc + $s_fc) / ($u_sq + $s_sq)" | bc -l)"

# scan classification against the loaded roster, when the benchmark is built
lookup=$(dirname "$FC")/tests/bench_lookup
[ -x "$lookup" ] || lookup=$(dirname "$FC")/bench_lookup
if [ -x "$lookup" ]; then
    "$lookup" "$work"/home/missions/bench-v1.db
fi
