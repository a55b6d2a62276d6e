#!/bin/bash
# A roster that writes beds "01", "02", as hospital systems and Excel export
# them, walked in the TUI with labels printed "BQ01-1": the label selects the
# roster's bed 01, the patient's own ID card is 人床相符 (no false WRONG_BED),
# another patient's ID there is 不在登记床位, and the banners speak Chinese.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"

export FIELDCHECK_LANG=zh


m=$E2E_TMP/mission
mission_json_long "$m" PAD-T night "padded beds"
printf 'site_code,site_name,site_kind,bed_count\nH11010500001,First Hospital,hospital,6\n' \
    >"$m/sites.csv"
printf 'site_code,ward_code,ward,bed_count\nH11010500001,BQ01,内科,6\n' >"$m/wards.csv"
{
    echo "site_code,ward_code,ward,bed,admission_no,name,id_number,sex,admitted_on"
    for i in 1 2 3 4 5 6; do
        echo "H11010500001,BQ01,内科,0$i,00120$i,病人$i,$(id_for "$i"),男,2026-11-01"
    done
} >"$m/inpatients.csv"

"$fc_bin" mission load "$m" >"$E2E_TMP/load.txt" 2>&1 || fail "mission load: $(cat "$E2E_TMP/load.txt")"
"$fc_bin" visit open --site H11010500001 --kind night --inspector 张三 --inspector 李四 \
    >/dev/null || fail "visit open failed"

start_app "$fc_bin" tui
wait_for "请扫码"
send_scan BQ01-1
wait_for "BQ01-1"
send_scan "$(id_for 1)"
wait_for "人床相符"
send_scan "$(id_for 2)"
wait_for "不在登记床位"
screen_text | grep -q "W R O N G" && fail "the banner spells the code, not the label"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"

stored_scans >"$E2E_TMP/stored.tsv"
[ "$(cut -f3 "$E2E_TMP/stored.tsv" | tr '\n' ' ')" = "BED_LISTED MATCH WRONG_BED " ] ||
    fail "verdicts: $(cat "$E2E_TMP/stored.tsv")"
echo "ok"
