# Shared by the t02xx night-check CLI tests: a small mission folder written
# here (no fixtures on disk), a private database and helpers. Sourced, not run.
set -euo pipefail
: "${FIELDCHECK_BIN:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FIELDCHECK_DB="$work/fc.db" FIELDCHECK_HOME="$work/home" TZ=Asia/Shanghai
fc() { "$FIELDCHECK_BIN" "$@"; }
die() { echo "FAIL: $*" >&2; exit 1; }

# id_for and the mission folder helpers
. "$(dirname "${BASH_SOURCE[0]}")/mission-lib.sh"

make_mission() { # dir
    local d=$1
    mission_json_long "$d" NIGHT-T night "night test"
    cat >"$d/sites.csv" <<CSV
site_code,site_name,site_kind,bed_count
H11010500001,First Hospital,hospital,100
H11010500002,Second Hospital,hospital,100
CSV
    cat >"$d/wards.csv" <<CSV
site_code,ward_code,ward,bed_count
H11010500001,W01,Medicine,10
H11010500001,W02,Surgery,5
H11010500001,W09,Geriatrics,3
H11010500002,X01,Medicine,20
CSV
    cat >"$d/inpatients.csv" <<CSV
site_code,ward_code,ward,bed,admission_no,name,id_number,sex,admitted_on,wristband_code
H11010500001,W01,Medicine,1,A1,张小三,$(id_for 1),男,2026-11-01,WB-A1
H11010500001,W01,Medicine,2,A2,李四,$(id_for 2),男,2026-11-01,
H11010500001,W01,Medicine,3,A3,王五,$(id_for 3),男,2026-11-01,
H11010500001,W01,Medicine,4,A4,赵六,$(id_for 4),男,2026-11-01,
H11010500001,W01,Medicine,5,A5,钱七,$(id_for 5),男,2026-11-01,
H11010500001,W01,Medicine,6,A6,孙八,$(id_for 6),男,2026-11-01,
H11010500001,W02,Surgery,1,A7,周九,$(id_for 7),男,2026-11-01,
H11010500001,W02,Surgery,2,A9,吴十,$(id_for 9),男,2026-11-01,
H11010500001,W09,Geriatrics,1,A8,郑一,$(id_for 8),男,2026-11-01,
H11010500002,X01,Medicine,7,B1,冯二,$(id_for 20),男,2026-11-01,
CSV
    cat >"$d/leaves.csv" <<CSV
site_code,admission_no,leave_from,leave_until,reason,approved_by
H11010500001,A3,2026-11-22 18:00,2026-11-23 10:00,family,Dr Li
H11010500001,A5,2026-11-20 18:00,2026-11-21 10:00,family,Dr Li
CSV
    cat >"$d/scan_patterns.csv" <<'CSV'
site_code,kind,regex,fields
H11010500001,wristband,^BAND\|([A-Z0-9]+)\|,admission_no
CSV
}

# Loads the mission and opens a night visit at 19:30.
setup_visit() {
    make_mission "$work/m"
    fc init >/dev/null
    fc mission load "$work/m" >/dev/null || die "mission load"
    fc visit open --site H11010500001 --kind night --inspector "Li Ming" \
        --inspector "Wang Fang" --at 2026-11-22T19:30 >/dev/null || die "visit open"
}

# scan_expect TIME CODE VERDICT [DETAIL]: one scan, checks verdict (and detail).
scan_expect() {
    local out v d
    out=$(fc --json scan --at "$1" -- "$2") || die "scan '$2' exited $?"
    v=$(jq -r .verdict <<<"$out")
    d=$(jq -r .detail <<<"$out")
    [ "$v" = "$3" ] || die "scan '$2': verdict $v ($d), wanted $3"
    if [ $# -ge 4 ]; then
        [ "$d" = "$4" ] || die "scan '$2': detail '$d', wanted '$4'"
    fi
    last=$out
}
