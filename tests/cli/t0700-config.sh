#!/bin/bash
# fieldcheck config (list/get/set, precedence, strict errors with file:line),
# --version with the format versions, and the documentation generated from
# the command table: the man page passes groff's warnings and lists every
# command; the bash completion completes commands, subcommands and paths.
. "$(dirname "$0")/lib.sh"
unset FIELDCHECK_THEME FIELDCHECK_SCAN_GAP_MS FIELDCHECK_LANG FIELDCHECK_BELL

expect_exit 0 "$FC" --version
expect_contains "$OUT" "fieldcheck "
expect_contains "$OUT" "database schema: "
expect_contains "$OUT" "reference database schema: "
expect_contains "$OUT" "bundle format: 1"
expect_exit 0 "$FC" --json --version
expect_json "$OUT" .bundle_format 1
expect_json "$OUT" '.db_schema | type' number

# Defaults, then set/get through the user file.
expect_exit 0 "$FC" config get ui.theme
[ "$OUT" = day ] && pass || fail "default theme '$OUT'"
expect_exit 0 "$FC" config set ui.theme night
expect_contains "$OUT" "written to $FIELDCHECK_CONFIG"
expect_exit 0 "$FC" config get ui.theme
[ "$OUT" = night ] && pass || fail "theme after set '$OUT'"
expect_exit 0 "$FC" config list
expect_contains "$OUT" "ui.theme = night  (user $FIELDCHECK_CONFIG:2)"
expect_contains "$OUT" "mask.names = on  (default)"
expect_exit 0 "$FC" --json config list
expect_json "$(printf '%s\n' "$OUT" | grep '"scan.gap_ms"')" .value 30

# Environment beats the file; an invalid value is rejected and not written.
FIELDCHECK_THEME=mono expect_exit 0 "$FC" config get ui.theme
[ "$OUT" = mono ] && pass || fail "env theme '$OUT'"
expect_exit 2 "$FC" config set ui.theme pink
expect_contains "$ERR" "invalid value 'pink' for 'ui.theme': expected day|night|mono"
expect_exit 2 "$FC" config get no.such
expect_contains "$ERR" "unknown setting 'no.such'"
expect_exit 1 "$FC" config frobnicate
expect_exit 2 "$FC" --json config set scan.gap_ms 0
expect_json "$OUT" .error FC_EINPUT

# Comments survive set; unknown keys warn; a broken file stops with file:line.
printf '# laptop 7\n[ui]\ntheme = day\nshade = x\n' >"$FIELDCHECK_CONFIG"
expect_exit 0 "$FC" config set scan.gap_ms 45
expect_contains "$ERR" "warning: $FIELDCHECK_CONFIG:4: unknown key 'ui.shade' ignored"
expect_contains "$(cat "$FIELDCHECK_CONFIG")" "# laptop 7"
expect_contains "$(cat "$FIELDCHECK_CONFIG")" "gap_ms = 45"
printf '[ui]\ntheme night\n' >"$FIELDCHECK_CONFIG"
expect_exit 2 "$FC" init
expect_contains "$ERR" "$FIELDCHECK_CONFIG:2: expected 'key = value'"
expect_exit 0 "$FC" help

# The data directory setting reaches the store through FIELDCHECK_HOME.
(
    unset FIELDCHECK_HOME FIELDCHECK_DB
    printf '[data]\ndir = %s/elsewhere\n' "$TEST_TMP" >"$FIELDCHECK_CONFIG"
    "$FC" init >"$TEST_TMP/init.out" 2>&1
)
expect_contains "$(cat "$TEST_TMP/init.out")" "$TEST_TMP/elsewhere/fieldcheck.db"

# docs/packaging.md carries the generated settings table.
doc=$(sed -n '/^<!-- settings table/,/^<!-- end of settings table/p' "$FC_SOURCE_DIR/docs/packaging.md" |
    sed '1d;$d')
[ "$doc" = "$("$FC" config list --doc)" ] && pass ||
    fail "docs/packaging.md settings table differs from 'fieldcheck config list --doc'"

# Generated man page: every command row, required sections, no warnings.
expect_exit 0 "$FC" help --man
man=$OUT
for section in NAME SYNOPSIS DESCRIPTION COMMANDS "GLOBAL OPTIONS" ENVIRONMENT FILES \
    "EXIT STATUS" EXAMPLES "SEE ALSO"; do
    expect_contains "$man" ".SH $section" "man page"
done
expect_exit 0 "$FC" help
for cmd in $(printf '%s\n' "$OUT" | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1}'); do
    expect_contains "$man" ".SS $cmd" "man page"
done
printf '%s\n' "$man" >"$TEST_TMP/fieldcheck.1"
for var in FIELDCHECK_DB FIELDCHECK_HOME FIELDCHECK_NOW FIELDCHECK_SCAN_GAP_MS FIELDCHECK_LOG \
    FIELDCHECK_THEME FIELDCHECK_LANG FIELDCHECK_CONFIG XDG_DATA_HOME XDG_CONFIG_HOME; do
    grep -qx ".B $var" "$TEST_TMP/fieldcheck.1" && pass || fail "ENVIRONMENT lacks $var"
done
if command -v groff >/dev/null; then
    # UTF-8 output device: the page carries a Chinese line (as \[uXXXX]).
    warn=$(groff -man -Tutf8 -ww -z "$TEST_TMP/fieldcheck.1" 2>&1)
    [ -z "$warn" ] && pass || fail "groff warnings: $warn"
fi
if command -v man >/dev/null; then
    warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$TEST_TMP/fieldcheck.1" 2>&1 >/dev/null)
    [ -z "$warn" ] && pass || fail "man warnings: $warn"
fi

# Generated bash completion, exercised in a bash that sources it.
expect_exit 0 "$FC" help --bash-completion
printf '%s\n' "$OUT" >"$TEST_TMP/completion.bash"
complete_words() { # prints COMPREPLY for the words given (last one is being completed)
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _fieldcheck; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$TEST_TMP/completion.bash" "$@"
}
got=$(complete_words fieldcheck con)
[ "$got" = config ] && pass || fail "completion of 'con': '$got'"
got=$(complete_words fieldcheck --json db "")
[ "$got" = "$(printf 'check\nrebuild')" ] && pass || fail "db subcommands: '$got'"
got=$(complete_words fieldcheck config s)
[ "$got" = set ] && pass || fail "config subcommands: '$got'"
got=$(complete_words fieldcheck --v)
[ "$got" = --version ] && pass || fail "global option: '$got'"
mkdir -p "$TEST_TMP/pick" && touch "$TEST_TMP/pick/me.db"
got=$(complete_words fieldcheck --db "$TEST_TMP/pick/m")
[ "$got" = "$TEST_TMP/pick/me.db" ] && pass || fail "--db path completion: '$got'"
got=$(complete_words fieldcheck help de)
[ "$got" = demo ] && pass || fail "help COMMAND completion: '$got'"

finish
