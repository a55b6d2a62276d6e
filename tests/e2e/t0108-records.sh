#!/bin/bash
# A visit's records from the night screen (Alt-r): the report written as HTML
# into the data folder and sent to the printer through lp (a stand-in lp and
# lpstat on PATH record what they were asked), an evidence file registered
# with its SHA-256 shown and stored as `evidence add` stores it, and an
# interview entered in the form, stored as `interview add` stores it.
here=$(cd "$(dirname "$0")" && pwd)
E2E_W=110
E2E_H=34
. "$here/lib.sh"
. "$here/night_lib.sh"

bin=$E2E_TMP/bin
mkdir -p "$bin"
cat >"$bin/lpstat" <<'SH'
#!/bin/sh
echo "system default destination: ward-printer"
SH
cat >"$bin/lp" <<SH
#!/bin/sh
echo "\$@" >>"$E2E_TMP/lp.log"
SH
chmod +x "$bin/lpstat" "$bin/lp"
unset PRINTER LPDEST

demo_load
open_visit
printf 'photo of the ward roster\n' >"$E2E_TMP/roster.jpg"
sha=$(sha256sum "$E2E_TMP/roster.jpg" | cut -d' ' -f1)

PATH=$bin:$PATH start_app "$fc_bin" tui
wait_for "R E A D Y"
send_scan W01-1
wait_for "Current bed: W01-1"
send_key M-r
wait_for "Printer: ward-printer"
wait_for "Night bed check report"
snapshot records
# the report (first row): written, then printed
send_key F2
wait_for "written:"
doc=$(ls "$FIELDCHECK_HOME"/documents/*-report.html 2>/dev/null | head -1)
[ -n "$doc" ] || fail "no report written into the data folder"
grep -q "<html" "$doc" || fail "the report is not HTML"
send_key F3
wait_for "sent to the printer ward-printer"
grep -qF -- "-d ward-printer $doc" "$E2E_TMP/lp.log" || fail "lp was not asked to print $doc"

# evidence: path and note, the SHA-256 shown and stored
send_key F4
wait_for "Register evidence"
type_slow "$E2E_TMP/roster.jpg" 0.01
send_key Tab
type_slow "roster" 0.03
send_key F2
wait_for "registered: SHA-256 $sha"
wait_gone "Register evidence"
wait_for "${sha:0:12}"
[ "$(sqlite3 "$FIELDCHECK_DB" "SELECT json_extract(payload, '\$.sha256') FROM event
      WHERE kind = 'evidence_add'")" = "$sha" ] || fail "the evidence event does not hold the SHA-256"

# an interview: place, a person, a question and answer, signed
send_key F5
wait_for "Interview record"
type_slow "ward office" 0.03
send_key Tab Tab
type_slow "Wang" 0.03
send_key Tab
type_slow "nurse" 0.03
send_key Tab Tab Tab Tab Tab
type_slow "Who is in bed 1?" 0.02
send_key Tab
type_slow "the listed patient" 0.02
for i in $(seq 1 11); do send_key Tab; done
send_key Space
send_key F2
wait_for "interview recorded:"
[ "$(sqlite3 "$FIELDCHECK_DB" "SELECT json_extract(payload, '\$.place') || '|' ||
      json_extract(payload, '\$.people[0].name') || '|' || json_extract(payload, '\$.items[0].q')
      || '|' || json_extract(payload, '\$.signed') FROM event WHERE kind = 'interview_add'")" = \
    "ward office|Wang|Who is in bed 1?|1" ] || fail "the interview event is not what was entered"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
echo "ok"
