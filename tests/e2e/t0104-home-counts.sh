#!/bin/bash
# The home screen's scans and anomalies for every visit, from stored state:
# a closed night visit with a patient in another bed, and an open pharmacy
# visit with a box insurance already settled, both recorded through the CLI,
# show their scan counts and non-zero anomaly counts the moment the TUI
# starts, without having been opened in it (a visit's anomalies used to be
# counted only for the visit the night screen held: 0 for the others).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"

demo_load
id3=$(listed_id W01 3)
[ -n "$id3" ] || fail "no patient listed for W01-3"
open_visit
"$fc_bin" scan W01-1 >/dev/null || fail "scan W01-1 failed"
"$fc_bin" scan "$id3" >/dev/null || fail "scan of the W01-3 patient failed"
"$fc_bin" visit close >/dev/null || fail "visit close failed"
night=$(sqlite3 "$FIELDCHECK_DB" "SELECT substr(id, 1, 8) FROM visit WHERE kind = 'night'")
night_anomalies=$("$fc_bin" --json visit list | sed -n 's/.*"anomalies": *\([0-9]*\).*/\1/p' | head -1)

pharmacy=$(awk -F, 'NR == 2 { print $1 }' "$demo_dir/drugs.csv")
settled=$(awk -F, 'NR == 2 { print $6 }' "$demo_dir/settlements.csv")
"$fc_bin" visit open --site "$pharmacy" --kind pharmacy --inspector 张三 --inspector 李四 \
    >/dev/null || fail "visit open --kind pharmacy failed"
"$fc_bin" scan "$settled" >/dev/null || fail "scan of a settled box failed"

start_app "$fc_bin" tui
# the open pharmacy visit's screen first; back to home
wait_for "R E A D Y"
send_key Escape
wait_for "Visits"
snapshot home-counts
row=$(screen_text | grep -E "^ *$night" | head -1)
[ -n "$row" ] || fail "no row for the closed night visit $night"
echo "$row" | grep -qE " closed +2 +[1-9][0-9]* *$" ||
    fail "night visit row lacks its 2 scans and its anomalies: $row"
if [ -n "$night_anomalies" ]; then
    echo "$row" | grep -qE " $night_anomalies *$" ||
        fail "night visit anomalies differ from visit list's $night_anomalies: $row"
fi
prow=$(screen_text | grep -E " open +1 +" | head -1)
[ -n "$prow" ] || fail "no row for the open pharmacy visit with its 1 scan"
echo "$prow" | grep -qE " open +1 +[1-9][0-9]* *$" || fail "pharmacy visit shows no anomaly: $prow"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
echo "ok"
