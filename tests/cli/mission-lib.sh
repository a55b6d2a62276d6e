# Mission folders and resident IDs the CLI and e2e tests write, in one place:
# sourced by tests/cli/lib.sh, tests/cli/night-lib.sh and tests/e2e/lib.sh.
# Every file is synthetic and written by the test itself. Sourced, not run.
# shellcheck shell=bash

# id_for N: a valid resident ID for sequence number N (born 1980-01-01).
id_for() {
    local base w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) s=0 i chk="10X98765432"
    base=$(printf '11010519800101%03d' "$1")
    for i in $(seq 0 16); do s=$((s + ${base:i:1} * w[i])); done
    printf '%s%s\n' "$base" "${chk:$((s % 11)):1}"
}

# mission_json DIR ID KIND [VERSION]: DIR/mission.json of a mission valid
# all March 2026.
mission_json() {
    mkdir -p "$1"
    printf '{"mission_id":"%s","version":%s,"kind":"%s","title":"t","issued_at":"2026-03-01T00:00:00+08:00","expires_at":"2026-04-01T00:00:00+08:00"}\n' \
        "$2" "${4:-1}" "$3" >"$1/mission.json"
}

# night_mission DIR ID [VERSION]: a night mission folder, valid all March
# 2026, whose roster is the CSV rows on standard input (header added).
night_mission() {
    mission_json "$1" "$2" night "${3:-1}"
    { echo 'site_code,ward_code,ward,bed,admission_no,name,id_number'; cat; } >"$1/inpatients.csv"
}

# mission_json_long DIR ID KIND TITLE: DIR/mission.json of version 1 of a
# mission issued on 2026-11-01 and valid to the end of 2027.
mission_json_long() {
    mkdir -p "$1"
    printf '{"mission_id": "%s", "version": 1, "kind": "%s", "title": "%s",\n "issued_at": "2026-11-01T00:00:00Z", "expires_at": "2027-12-31T00:00:00Z"}\n' \
        "$2" "$3" "$4" >"$1/mission.json"
}

# sites_csv DIR ROW...: DIR/sites.csv (site_code,site_name,site_kind) with
# these rows.
sites_csv() {
    local d=$1
    shift
    printf 'site_code,site_name,site_kind\n' >"$d/sites.csv"
    printf '%s\n' "$@" >>"$d/sites.csv"
}

# hospital_folder DIR ID KIND: a mission of KIND valid all March 2026 at one
# site, the hospital H11010500001.
hospital_folder() {
    mission_json "$1" "$2" "$3"
    sites_csv "$1" H11010500001,Hospital,hospital
}

# team_ward_folder DIR ID: a mission of kind mixed valid all March 2026 at the
# hospital H11010500001, its ward W01 with four beds and a patient in each,
# and the pharmacy P37020304446 with one drug, XR05CBA198A001010100862.
team_ward_folder() {
    local i
    mission_json "$1" "$2" mixed
    sites_csv "$1" H11010500001,Hospital,hospital P37020304446,Pharmacy,pharmacy
    cat >"$1/drugs.csv" <<CSV
site_code,drug_code,name,spec,unit,gtin,trace_prefix,pack_factor,opening_qty,purchased_qty,purchase_return_qty,sold_qty,sale_return_qty,adjust_qty,settled_qty,book_qty,insured_sold_qty,unit_price,price_cap
P37020304446,XR05CBA198A001010100862,Drug B,0.25g*24,片,,8200002,24,48,96,24,60,12,-2,42,72,30,0.5,1.0
CSV
    printf 'site_code,ward_code,ward,bed_count\nH11010500001,W01,Medicine,4\n' >"$1/wards.csv"
    {
        echo 'site_code,ward_code,ward,bed,admission_no,name,id_number,sex,admitted_on'
        for i in 1 2 3 4; do echo "H11010500001,W01,Medicine,$i,A$i,P$i,$(id_for $i),男,2026-02-20"; done
    } >"$1/inpatients.csv"
}
