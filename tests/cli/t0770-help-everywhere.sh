#!/bin/bash
# --help works on every command of the command table and on every one of its
# subcommands, in English and in Chinese: exit 0, the usage on stdout (never
# empty, naming the command and the subcommand), nothing on stderr, and no
# database created (help opens nothing). `fieldcheck help COMMAND` prints the
# same. The commands come from `fieldcheck help`, their subcommands from the
# list the "unknown subcommand" error names (both generated from the table),
# so a new command or subcommand is covered without editing this test.
# Also: the commands that share the option parser (app/args.h) accept
# --name=VALUE and refuse stray arguments with the usage exit code.
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

export FIELDCHECK_LOCALEDIR=${FC_BUILD_DIR:?}/locale
if [ ! -f "$FIELDCHECK_LOCALEDIR/zh_CN/LC_MESSAGES/fieldcheck.mo" ]; then
    echo "compiled catalogs not built (msgfmt missing): skipped"
    exit 77
fi
export LANG=C.UTF-8
unset LC_ALL LC_MESSAGES LANGUAGE FIELDCHECK_LANG

expect_exit 0 env FIELDCHECK_LANG=en "$FC" help
commands=$(printf '%s\n' "$OUT" | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1}')
[ "$(wc -w <<<"$commands")" -ge 20 ] && pass || fail "'fieldcheck help' lists only: $commands"

# subcommands CMD: the names the "unknown subcommand" error lists, if any
subcommands() {
    local err
    # (scan and the like open a database to say there is no visit: a scratch one)
    err=$(FIELDCHECK_DB=$TEST_TMP/probe.db FIELDCHECK_LANG=en "$FC" "$1" zzzz-no-such 2>&1 >/dev/null)
    if [[ $err == *"unknown subcommand 'zzzz-no-such' ("* ]]; then
        sed "s/.*(\(.*\))/\1/" <<<"$err" | tr -d ','
    fi
}

# check_help LANG WORDS...: `fieldcheck WORDS... --help` in LANG (en first:
# zh is compared with it)
EN_OUT=""
check_help() {
    local lang=$1 prefix
    shift
    [ "$lang" = zh ] && prefix="用法：" || prefix="usage: "
    expect_exit 0 env FIELDCHECK_LANG="$lang" "$FC" "$@" --help
    [ -n "$OUT" ] && pass || fail "$lang: '$*' --help printed nothing"
    [ -z "$ERR" ] && pass || fail "$lang: '$*' --help wrote to stderr: $ERR"
    expect_contains "$OUT" "$prefix" "$lang: '$*' --help"
    for w in "$@"; do
        expect_contains "$OUT" "$w" "$lang: '$*' --help"
    done
    if [ "$lang" = en ]; then
        EN_OUT=$OUT
    else
        # translated, not the English text (checked just before) with a Chinese prefix
        [ "$OUT" != "$(sed 's/^usage: /用法：/' <<<"$EN_OUT")" ] &&
            pass || fail "zh: '$*' --help is not translated"
    fi
}

n=0
for cmd in $commands; do
    for lang in en zh; do
        check_help "$lang" "$cmd"
        n=$((n + 1))
        expect_exit 0 env FIELDCHECK_LANG="$lang" "$FC" help "$cmd"
        [ -n "$OUT" ] && pass || fail "$lang: 'help $cmd' printed nothing"
        expect_contains "$OUT" "$cmd" "$lang: 'help $cmd'"
    done
    for sub in $(subcommands "$cmd"); do
        for lang in en zh; do
            check_help "$lang" "$cmd" "$sub"
            n=$((n + 1))
        done
    done
done
# -h is --help, wherever it stands
expect_exit 0 "$FC" visit open -h
expect_contains "$OUT" "visit open"
# help must not create or open anything
[ ! -e "$FIELDCHECK_DB" ] && pass || fail "--help created the database $FIELDCHECK_DB"
echo "checked --help on $n command and subcommand pages"
[ "$n" -ge 80 ] && pass || fail "only $n --help pages checked"

# The shared option parser (app/args.h) in demo, db and config: --name=VALUE
# works, a stray argument or unknown option is a usage error (exit 1) that
# names the command, and nothing runs.
export FIELDCHECK_LANG=en
expect_exit 1 "$FC" db check extra
expect_contains "$ERR" "db check: unexpected argument 'extra'"
expect_exit 1 "$FC" db rebuild --force
expect_contains "$ERR" "db rebuild: unknown option '--force'"
[ ! -e "$FIELDCHECK_DB" ] && pass || fail "a refused 'db' command opened the database"
expect_exit 1 "$FC" demo --no-tui --seed
expect_contains "$ERR" "'--seed' needs a value"
expect_exit 1 "$FC" demo --no-tui --seed=x
expect_contains "$ERR" "--seed needs a number"
expect_exit 1 "$FC" demo --no-tui --colour
expect_contains "$ERR" "demo: unknown option '--colour'"
expect_exit 1 "$FC" demo --no-tui extra
expect_contains "$ERR" "demo: unexpected argument 'extra'"
[ ! -e "$FIELDCHECK_DB" ] && pass || fail "a refused 'demo' opened the database"
expect_exit 0 "$FC" --json demo --no-tui --seed=7 --dir="$TEST_TMP/m7"
expect_json "$OUT" .mission_id demo-7
expect_json "$OUT" .dir "$TEST_TMP/m7"
expect_exit 0 "$FC" db check
expect_exit 1 "$FC" config get
expect_contains "$ERR" "'get' takes one KEY"
expect_exit 1 "$FC" config get ui.theme ui.lang
expect_contains "$ERR" "config get: unexpected argument 'ui.lang'"
expect_exit 1 "$FC" config set ui.theme
expect_contains "$ERR" "'set' takes KEY and VALUE"
expect_exit 1 "$FC" config list --doc --sample
expect_exit 1 "$FC" config list --all
expect_contains "$ERR" "config list: unknown option '--all'"
expect_exit 0 "$FC" config set -- ui.theme night
expect_exit 0 "$FC" config get ui.theme
[ "$OUT" = night ] && pass || fail "config get ui.theme after set: '$OUT'"

finish
