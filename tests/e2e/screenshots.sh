#!/bin/bash
# Text screenshots of the terminal UI for the user guides: builds a scratch
# data directory with the demo mission, drives `fieldcheck tui` in a private
# tmux server (100x30, frozen clock) through home, the new-visit form, a
# night check, the anomaly filter, the close screen, a pharmacy count and the
# flight worksheet, and saves each screen to docs/screenshots/LANG-NN-name.txt.
# Not a ctest: run it by hand after changing a screen, then review the diff.
#
#   tests/e2e/screenshots.sh [zh|en]...      (default: zh en)
#
# Afterwards each "<!-- screenshot LANG-NN-name -->" line of
# docs/user-guide-LANG.md gets the fresh capture in the ```text block below it.
# Environment: FIELDCHECK_BIN (default build/fieldcheck), FC_SHOTS_DIR
# (another output directory; the guides are then left alone), E2E_KEEP=1
# keeps the scratch directory.
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
# shellcheck disable=SC2034 # read by tm() in lib.sh
E2E_SOCK="fc-shots-$$"

fc_bin=${FIELDCHECK_BIN:-$root/build/fieldcheck}
[ -x "$fc_bin" ] || fail "no fieldcheck binary at '$fc_bin' (build first or set FIELDCHECK_BIN)"
out=${FC_SHOTS_DIR:-$root/docs/screenshots}
mkdir -p "$out" || fail "cannot create '$out'"

hospital=H31010405894
pharmacy=P11010583375

# shot NAME: saves the current screen as $out/$lang-NAME.txt.
shot() {
    sleep 0.3 # let the last repaint settle (the waits below saw the content)
    screen_text >"$out/$lang-$1.txt" || fail "cannot write '$out/$lang-$1.txt'"
    echo "  $lang-$1.txt"
}

# wait_events [N]: waits until the device database holds N (default 1) more
# events than at the previous call: what a scan or key recorded, whatever
# language the screen shows it in.
events_seen=0
wait_events() {
    local want=$((events_seen + ${1:-1})) n i
    for i in $(seq 1 100); do
        n=$(sqlite3 "$FIELDCHECK_HOME/fieldcheck.db" "SELECT count(*) FROM event" 2>/dev/null || echo 0)
        if [ "$n" -ge "$want" ]; then
            events_seen=$n
            return 0
        fi
        sleep 0.1
    done
    fail "waited 10s for $want events, the database has $n"
}

# fc ARGS...: the CLI on the scratch data directory; fails loudly.
fc() { "$fc_bin" "$@" >>"$E2E_TMP/$lang-cli.txt" 2>&1 || fail "fieldcheck $* failed"; }

shoot() {
    lang=$1
    local dir=$E2E_TMP/$lang
    mkdir -p "$dir" || fail "cannot create '$dir'"
    : >"$dir/config"
    export LANG=C.UTF-8 LC_ALL='' TERM=screen TZ=Asia/Shanghai
    export FIELDCHECK_LANG=$lang FIELDCHECK_BELL=off FIELDCHECK_THEME=day FIELDCHECK_SCAN_GAP_MS=30
    export FIELDCHECK_HOME=$dir/home FIELDCHECK_CONFIG=$dir/config FIELDCHECK_LOG=$dir/ui.log
    export FIELDCHECK_NOW=2026-11-22T20:30:00+08:00
    unset FIELDCHECK_DB
    local ready new_form close_code saved summary
    if [ "$lang" = zh ]; then
        ready=请扫码 new_form=开始新的检查 close_code=核验码 saved=已记录 summary=结束前汇总
    else
        ready="R E A D Y" new_form="Open a new visit" close_code="Checkpoint code:" saved=recorded
        summary="Summary before closing"
    fi
    echo "$lang:"

    fc demo --no-tui
    fc keys init

    # home, then the new-visit form filled in for a night check
    start_app "$fc_bin" tui
    wait_for "demo-1"
    shot 01-home
    send_key F3
    wait_for "$new_form"
    type_slow H3101 0.05
    wait_for "< $hospital"
    send_key Tab Tab
    type_slow 张三 0.1
    send_key Tab
    type_slow 李四 0.1
    wait_for 李四_
    shot 02-new-visit

    # night check: bed 1 label, wristband, ID card (MATCH)
    send_key Enter
    wait_for "$ready"
    events_seen=$(sqlite3 "$FIELDCHECK_HOME/fieldcheck.db" "SELECT count(*) FROM event")
    shot 03-night-start
    send_scan W01-1
    wait_events
    send_scan 'WB|ZY202610007|63|F'
    wait_events
    send_scan 440304196309076320
    wait_events
    shot 04-night-match
    # bed 2 by its typed number, then the ID card of bed 3's patient
    type_slow 2
    send_key Enter
    wait_for "W01-2 "
    wait_events
    send_scan 130102194706263765
    wait_events
    shot 05-night-wrong-bed
    # bed 3: nobody there (F2 = EMPTY_BED)
    send_scan W01-3
    wait_for "W01-3 "
    wait_events
    send_key F2
    wait_events
    shot 06-night-empty-bed
    # bed 4: wristband only
    send_scan W01-4
    wait_for "W01-4 "
    wait_events
    send_scan 'WB|ZY202610028|70|M'
    wait_events
    send_key F6
    sleep 0.5
    shot 07-night-anomalies
    send_key F6
    send_key F1
    wait_for "F12"
    shot 08-night-help
    send_key Escape
    wait_for "W01-4 "

    # close: summary, confirm, checkpoint code
    send_key F12
    wait_for "$summary"
    shot 09-close-summary
    send_key F2
    sleep 0.3
    send_key y
    wait_for "$close_code"
    shot 10-close-code
    send_key Escape
    wait_for "demo-1"
    send_key F10
    [ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
    tm kill-session -t fc

    # pharmacy: a few boxes, a settled box, a GTIN-only box, a split pack
    fc visit open --site "$pharmacy" --kind pharmacy --inspector 张三 --inspector 李四
    start_app "$fc_bin" tui
    wait_for "$ready"
    events_seen=$(sqlite3 "$FIELDCHECK_HOME/fieldcheck.db" "SELECT count(*) FROM event")
    send_scan 81001640000000000001
    wait_events
    send_scan 81001640000000000002
    send_scan 81001641253257476833
    wait_events 2
    send_scan 6904890850407
    wait_events
    send_scan XM01AE01A106A0001010322:12
    wait_for "$saved"
    shot 11-pharmacy
    send_key F10
    [ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
    tm kill-session -t fc
    fc visit close

    # flight: the worksheet, then a PARTIAL verdict in the form
    fc visit open --site "$hospital" --kind flight --inspector 刘检查 --inspector 陈检查
    start_app "$fc_bin" tui
    wait_for "YD20260001"
    shot 12-flight
    send_key F2
    wait_for "CONFIRMED"
    send_key 2
    wait_for "PARTIAL"
    send_key Tab
    type_slow 100 0.05
    send_key Tab
    type_slow 80 0.05
    send_key Tab
    if [ "$lang" = zh ]; then type_slow 仅部分医嘱可查 0.1; else type_slow "orders for 1 of 3" 0.05; fi
    sleep 0.3
    shot 13-flight-verdict
    send_key Enter
    wait_for "100.00"
    send_key F10
    [ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
    tm kill-session -t fc
}

langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(zh en)
for l in "${langs[@]}"; do
    case $l in
    zh | en) shoot "$l" ;;
    *) fail "unknown language '$l' (zh or en)" ;;
    esac
done
echo "screenshots written to $out"

# embed GUIDE: refreshes the ```text block after each "<!-- screenshot NAME -->"
# line of GUIDE with $out/NAME.txt (inserted when the block is missing).
embed() {
    local guide=$1
    [ -f "$guide" ] || return 0
    awk -v dir="$out" '
        skip && /^```$/ { skip = 0; next }
        skip { next }
        pending && /^```text$/ { skip = 1; pending = 0; next }
        { pending = 0 }
        /^<!-- screenshot [A-Za-z0-9._-]+ -->$/ {
            print
            f = dir "/" $3 ".txt"
            print "```text"
            while ((getline line < f) > 0) print line
            close(f)
            print "```"
            pending = 1
            next
        }
        { print }
    ' "$guide" >"$guide.tmp" || fail "cannot write '$guide.tmp'"
    mv "$guide.tmp" "$guide" || fail "cannot update '$guide'"
    echo "screenshots embedded in $guide"
}
if [ -z "${FC_SHOTS_DIR:-}" ]; then
    for l in "${langs[@]}"; do embed "$root/docs/user-guide-$l.md"; done
fi
