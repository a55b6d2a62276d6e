#!/bin/bash
# Every screen at 80x24 (the smallest laptop terminal) and at 160x50: each
# keeps its key bar up to F10 on screen, the night screen keeps the finding
# of a scanned bed readable, and the captures are kept as snapshots
# (E2E_SNAP_DIR). Run on the night, pharmacy, flight, close, USB, records and
# help screens, in English and in Chinese.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"
export FIELDCHECK_MEDIA=$E2E_TMP/media
mkdir -p "$FIELDCHECK_MEDIA"

demo_load
id3=$(listed_id W01 3)
open_visit
"$fc_bin" scan W01-2 "$id3" >/dev/null || fail "scans failed"

# bar_has_f10: the last two rows hold F10 (or "10" in the compact bar)
bar_has_f10() { screen_text | tail -2 | grep -qE "(F|^| )10[^0-9]"; }

for lang in en zh; do
    for size in 80x24 160x50; do
        w=${size%x*} h=${size#*x}
        E2E_W=$w E2E_H=$h start_app env FIELDCHECK_LANG=$lang "$fc_bin" tui
        if [ $lang = en ]; then wait_for "Current bed: W01-2"; else wait_for "当前床位： W01-2"; fi
        bar_has_f10 || fail "night $size $lang: F10 not on the key bar"
        if [ $lang = en ]; then
            screen_text | grep -qE " 2 <? .*someone else in" || fail "night $size: finding unreadable"
        else
            screen_text | grep -qE " 2 <? .*他人占床" || fail "night $size $lang: finding unreadable"
        fi
        snapshot "night-$size-$lang"
        send_key F12
        if [ $lang = en ]; then wait_for "Summary before closing"; else wait_for "结束前汇总"; fi
        bar_has_f10 || fail "close $size $lang: F10 not on the key bar"
        snapshot "close-$size-$lang"
        send_key Escape
        send_key M-r
        if [ $lang = en ]; then wait_for "Documents"; else wait_for "文书"; fi
        bar_has_f10 || fail "records $size $lang: F10 not on the key bar"
        snapshot "records-$size-$lang"
        send_key Escape
        send_key M-u
        if [ $lang = en ]; then wait_for "Removable media"; else wait_for "可移动存储设备"; fi
        bar_has_f10 || fail "usb $size $lang: F10 not on the key bar"
        snapshot "usb-$size-$lang"
        send_key F1
        if [ $lang = en ]; then wait_for "Terminals take some F-keys"; else wait_for "部分终端占用功能键"; fi
        snapshot "help-$size-$lang"
        send_key Escape Escape Escape
        if [ $lang = en ]; then wait_for "Visits"; else wait_for "检查"; fi
        bar_has_f10 || fail "home $size $lang: F10 not on the key bar"
        snapshot "home-$size-$lang"
        send_key F10
        [ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0 ($size $lang)"
        tm kill-session -t fc
    done
done
echo "ok"
