#!/bin/bash
# The generated bash completion (fieldcheck help --bash-completion), driven in
# a bash that sources it: every subcommand, each subcommand's own options,
# option values from their tables (kinds, formats, documents, states,
# violation codes, settings), files and folders where a path is expected
# (mission load: folders and .fcpack files). And "did you mean": an unknown
# command or subcommand names the closest one instead of dumping the help.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$FC" help --bash-completion
printf '%s\n' "$OUT" >"$TEST_TMP/completion.bash"
bash -n "$TEST_TMP/completion.bash" && pass || fail "completion script does not parse"
complete_words() { # prints COMPREPLY for the words given (last one is being completed), sorted
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _fieldcheck
             printf "%s\n" "${COMPREPLY[@]}"' _ "$TEST_TMP/completion.bash" "$@" | LC_ALL=C sort
}
# expect_completion "WORDS..." EXPECTED (space-separated, sorted)
expect_completion() {
    local words=$1 want=$2 got
    # shellcheck disable=SC2086
    got=$(complete_words fieldcheck $words | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$want" ] && pass || fail "completing 'fieldcheck $words': got '$got', expected '$want'"
}
# expect_offers "WORDS..." WORD...: each WORD is among the candidates
expect_offers() {
    local words=$1 got
    shift
    # shellcheck disable=SC2086
    got=$(complete_words fieldcheck $words)
    for w in "$@"; do
        grep -qx -- "$w" <<<"$got" && pass || fail "completing 'fieldcheck $words' lacks '$w': $got"
    done
}
expect_not_offers() {
    local words=$1 got
    shift
    # shellcheck disable=SC2086
    got=$(complete_words fieldcheck $words)
    for w in "$@"; do
        grep -qx -- "$w" <<<"$got" && fail "completing 'fieldcheck $words' offers '$w'" || pass
    done
}

# Subcommands (visit lacked close and list; susp had none).
expect_completion "visit ''" "close list open show"
expect_completion "susp ''" "assign list respond show totals verify"
expect_completion "mission ''" "list load show"
expect_completion "hq ''" "draw enroll import init migrate pack quarantine receipt report revoke"
expect_completion "--json visit cl" "close"
expect_completion "evidence ''" "add list verify"
# Every command's subcommands are the ones its error message lists.
expect_exit 0 "$FC" help
for cmd in $(printf '%s\n' "$OUT" | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1}'); do
    comp=$(complete_words fieldcheck "$cmd" "" | tr '\n' ' ' | sed 's/ $//')
    err=$("$FC" "$cmd" zzzz-no-such 2>&1 >/dev/null)
    if [[ $err == *"unknown subcommand 'zzzz-no-such' ("* ]]; then
        listed=$(sed "s/.*(\(.*\))/\1/" <<<"$err" | tr -d ',' | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ' |
            sed 's/ $//')
        [ "$comp" = "$listed" ] && pass || fail "$cmd: completion '$comp', error lists '$listed'"
    fi
done

# Options of the subcommand being used, not of its siblings.
expect_offers "visit close --" --visit --at --qr --qr-dir --json --help
expect_not_offers "visit close --" --kind --site
expect_offers "visit open --" --site --kind --inspector --at
expect_not_offers "visit open --" --qr-dir
expect_offers "susp verify S1 --" --verdict --amount --fund-loss --note --over-reason
expect_offers "report -" --format -o --doc --unmask --reason --visit

# Option values from their tables.
expect_completion "visit open --kind ''" "flight night pharmacy"
expect_completion "visit open --site H1 --inspector A --kind ph" "pharmacy"
expect_completion "report --format ''" "csv html md"
expect_completion "report --doc ''" "beds evidence interview site-record"
expect_completion "report --encoding ''" "gb18030 utf-8"
expect_completion "susp verify S1 --verdict ''" "CONFIRMED PARTIAL PENDING REFUTED"
expect_completion "susp list --state P" "PARTIAL PENDING"
expect_completion "finding add --code V40" "V40-1 V40-2 V40-3 V40-4"
expect_completion "tui --theme n" "night"
expect_completion "scan E" "EMPTY_BED EXAM"
expect_completion "config get ui." "ui.beep ui.lang ui.theme"
expect_completion "config set ui.theme ''" "day mono night"
expect_completion "config set mask.ids ''" "off on"
expect_completion "help vi" "visit"
expect_completion "visit open --site ''" ""

# Paths: files, folders only, one extension (plus folders to walk into).
d=$TEST_TMP/pick
mkdir -p "$d/mission-a" "$d/out"
touch "$d/pack.fcpack" "$d/scans.csv" "$d/notes.txt" "$d/b1.fcb" "$d/interview.json"
expect_completion "mission load $d/" "$d/mission-a $d/out $d/pack.fcpack"
expect_completion "scan --replay $d/" "$d/mission-a $d/out $d/scans.csv"
expect_completion "export -o $d/" "$d/mission-a $d/out"
expect_completion "hq import $d/" "$d/b1.fcb $d/mission-a $d/out"
expect_completion "interview add --from $d/" "$d/interview.json $d/mission-a $d/out"
expect_completion "hq --hq $d/out i" "import init"
expect_completion "hq --hq $d/out pack $d/m" "$d/mission-a"
expect_offers "report --format csv -o $d/" "$d/notes.txt" "$d/scans.csv"
expect_offers "evidence add $d/n" "$d/notes.txt"
expect_completion "--db $d/sc" "$d/scans.csv"
expect_completion "config set data.dir $d/o" "$d/out"

# "did you mean": the closest command or subcommand, never the whole help.
expect_exit 1 "$FC" vist
[ "$ERR" = "fieldcheck: unknown command 'vist'; did you mean 'visit'?" ] && pass || fail "vist: $ERR"
expect_exit 1 "$FC" misison list
expect_contains "$ERR" "did you mean 'mission'?"
expect_exit 1 "$FC" recon
expect_contains "$ERR" "did you mean 'reconcile'?" "a unique prefix"
expect_exit 1 "$FC" xyzzy
[ "$ERR" = "fieldcheck: unknown command 'xyzzy' (run 'fieldcheck help' for the list)" ] && pass ||
    fail "xyzzy: $ERR"
expect_not_contains "$ERR" "usage:" "unknown command"
expect_exit 1 "$FC" visit clsoe
[ "$ERR" = "fieldcheck: visit: unknown subcommand 'clsoe'; did you mean 'close'?" ] && pass ||
    fail "visit clsoe: $ERR"
expect_exit 1 "$FC" hq improt x.fcb
expect_contains "$ERR" "hq: unknown subcommand 'improt'; did you mean 'import'?"
expect_exit 1 "$FC" susp verfy S1
expect_contains "$ERR" "did you mean 'verify'?"
expect_exit 1 "$FC" db
expect_contains "$ERR" "db: missing subcommand (check, rebuild)"
expect_exit 1 "$FC" help vist
expect_contains "$ERR" "did you mean 'visit'?"
expect_exit 1 "$FC" --json visit clsoe
expect_json "$OUT" .error FC_EUSAGE
expect_json "$OUT" .message "visit: unknown subcommand 'clsoe'; did you mean 'close'?"
expect_exit 1 env FIELDCHECK_LANG=zh FIELDCHECK_LOCALEDIR="${FC_BUILD_DIR:-/nonexistent}/locale" \
    "$FC" visit clsoe
if [ -f "${FC_BUILD_DIR:-/nonexistent}/locale/zh_CN/LC_MESSAGES/fieldcheck.mo" ]; then
    expect_contains "$ERR" "'clsoe'" "zh did you mean"
    expect_not_contains "$ERR" "did you mean" "zh did you mean"
fi

finish
