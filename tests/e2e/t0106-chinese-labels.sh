#!/bin/bash
# Under LANG=zh_CN.UTF-8 the night screen speaks Chinese to people and keeps
# codes for the record: the big banner of a patient found in another bed is
# the catalogue's label 不在登记床位 (not the letter-spaced code W R O N G _ B E D),
# with the code small in its corner; the bed table and the close summary
# show labels; a refused burst is told in Chinese; the close screen lists
# the beds of visited wards nobody scanned and the question before closing
# counts them. Captures at 100x30 and 80x24 are kept as snapshots.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"
export LANG=zh_CN.UTF-8
unset FIELDCHECK_LANG

demo_load
id3=$(listed_id W01 3)
[ -n "$id3" ] || fail "no patient listed for W01-3"
nbeds=$(ward_beds W01)
open_visit
start_app "$fc_bin" tui
wait_for "请扫码"
send_scan W01-1
wait_for "当前床位： W01-1"
send_scan W01-2
wait_for "当前床位： W01-2"
send_scan "$id3"
wait_for "不在登记床位"
wait_for "WRONG_BED"
screen_text | grep -qF "W R O N G" && fail "the banner spells the code out instead of its label"
# the bed's finding in the table: the label, in the anomaly's row
screen_text | grep -E "^ *W01 .* 2 <? .*他人占床" >/dev/null ||
    screen_text | grep -E " 2 <? .*他人占床" >/dev/null || fail "bed 2 does not read 他人占床"
snapshot zh-wrong-bed
resize 80 24
wait_for "不在登记床位"
snapshot zh-wrong-bed-80x24
screen_text | grep -qE " 2 <? .*他人占床" || fail "at 80x24 the finding of bed 2 is not readable"
resize 100 30

# a burst too long to be a code is refused in Chinese, its length in 字节
send_scan "$(printf 'A%.0s' $(seq 600))"
wait_for "扫码被拒绝：过长 (600 字节)"

# close: labels in the summary, the beds left unscanned listed and counted
send_key F12
wait_for "结束前汇总"
wait_for "他人占床"
wait_for "床位未检查"
unscanned=$((nbeds - 2))
wait_for "已查病区中未扫描的床位 ($unscanned): W01-3, W01-4"
snapshot zh-close-summary
send_key F2
wait_for "结束本次检查？"
wait_for "已查病区中未扫描的床位：$unscanned 个。仍要结束吗？"
snapshot zh-close-question
send_key n
wait_gone "结束本次检查？"
# the visit stays open: nothing was closed by the question alone
[ "$(sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE kind = 'visit_close'")" = 0 ] ||
    fail "the visit was closed without a yes"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
echo "ok"
