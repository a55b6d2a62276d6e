#!/bin/bash
# Terminal escapes from mission data (issue: `mission list` retitled the
# window, cleared the screen and printed "FAKE: all beds OK"; bidi overrides
# passed): every human-readable line the CLI prints goes through one filter
# that shows control and bidi characters escaped; --json keeps the data
# exact; a roster name holding them is refused at load.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
esc=$'\033'
rlo=$'\xe2\x80\xae'

no_raw() { # LABEL TEXT: no ESC, BEL, CR or RLO reached the output
    if [[ "$2" == *"$esc"* || "$2" == *$'\a'* || "$2" == *$'\r'* || "$2" == *"$rlo"* ]]; then
        fail "$1 holds a raw control or bidi character: $(printf '%q' "${2:0:300}")"
    else
        pass
    fi
}

m=$TEST_TMP/m
mkdir -p "$m"
cat >"$m/mission.json" <<'J'
{"mission_id":"T1","version":1,"kind":"night","title":"\u001b]0;owned\u0007\u001b[2J\rFAKE: all beds OK \u202eKO","issued_at":"2026-03-01T00:00:00+08:00","expires_at":"2026-04-01T00:00:00+08:00"}
J
printf 'site_code,ward_code,ward,bed,admission_no,name,id_number\nH11010500001,W01,Ward,1,A1,Zhang,110105198001010016\nH11010500001,W01,Ward,2,A2,Li\033[2J%s,110105198001010024\n' "$rlo" >"$m/inpatients.csv"

# the name with an escape and a bidi override is refused at load, not kept
expect_exit 0 "$FC" --db "$TEST_TMP/other.db" --json mission load --partial "$m"
expect_contains "$OUT" "control or text-direction character"
expect_exit 0 "$FC" mission load --partial "$m"
no_raw "mission load" "$OUT$ERR"
expect_exit 0 "$FC" --json mission list
expect_json "$OUT" '.missions[0].title' $'\e]0;owned\a\e[2J\rFAKE: all beds OK '"$rlo"'KO'
expect_exit 0 "$FC" mission list
no_raw "mission list" "$OUT"
expect_contains "$OUT" '\x1b]0;owned\x07\x1b[2J\x0dFAKE: all beds OK \u202eKO'
expect_exit 0 "$FC" mission show T1
no_raw "mission show" "$OUT"

# a file name is data too: the error naming it is escaped on stderr
bad="$TEST_TMP/x${esc}]0;pwned${esc}\\"
mkdir -p "$bad"
expect_exit 2 "$FC" mission load "$bad"
no_raw "error on stderr" "$ERR"
expect_contains "$ERR" 'x\x1b]0;pwned\x1b\'

# a site code typed with an escape, a scanned code
expect_exit 2 "$FC" visit open --site $'H\e[2J'"$rlo" --kind night --inspector A --inspector B
no_raw "visit open" "$ERR"
expect_contains "$ERR" "'H\x1b[2J\u202e'"
expect_exit 0 "$FC" visit open --site H11010500001 --kind night --inspector A --inspector B
expect_exit 0 "$FC" scan $'W01-1\e[2J'
no_raw "scan" "$OUT$ERR"
expect_exit 0 "$FC" visit show
no_raw "visit show" "$OUT"

# a flight finding's note in the Markdown report: escaped like a table cell
# (it went in raw); in CSV behind the formula guard
export FIELDCHECK_HOME=$TEST_TMP/flight FIELDCHECK_DB=$TEST_TMP/flight/fieldcheck.db
expect_exit 0 "$FC" demo --no-tui
expect_exit 0 "$FC" visit open --site H31010405894 --kind flight --inspector A --inspector B
expect_exit 0 "$FC" finding add --code V38-1 --note $'=HYPERLINK("http://x")|a\e[2J<b>' --amount 10
expect_exit 0 "$FC" report --format md -o -
no_raw "flight md report" "$OUT"
expect_contains "$OUT" 'note: =HYPERLINK("http://x")\|a\x1B[2J&lt;b&gt;'
expect_exit 0 "$FC" report --format csv -o -
expect_contains "$OUT" "\"'=HYPERLINK(\"\"http://x\"\")"
finish
