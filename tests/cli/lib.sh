# Shared helpers for CLI tests: a private data directory per test, the binary
# under test, and assertions that print what was expected and what came.
# shellcheck shell=bash
set -u
FC=${FIELDCHECK_BIN:?FIELDCHECK_BIN must point at the built binary}
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fc-cli-XXXXXX")
export FIELDCHECK_HOME=$TEST_TMP/home
export FIELDCHECK_DB=$TEST_TMP/home/fieldcheck.db
# Settings come only from this test's own file, never ~/.config or /etc.
export FIELDCHECK_CONFIG=$TEST_TMP/config
export TZ=${TZ:-Asia/Shanghai}
unset FIELDCHECK_NOW
trap 'rm -rf "$TEST_TMP"' EXIT
FAILS=0
PASSES=0

fail() {
    echo "FAIL: $*" >&2
    FAILS=$((FAILS + 1))
}

pass() {
    PASSES=$((PASSES + 1))
}

# expect_exit CODE CMD...: runs CMD, stdout to $OUT, stderr to $ERR.
expect_exit() {
    local want=$1
    shift
    OUT=$("$@" 2>"$TEST_TMP/stderr")
    local got=$?
    ERR=$(cat "$TEST_TMP/stderr")
    if [ "$got" -ne "$want" ]; then
        fail "'$*' exited $got, expected $want; stdout: ${OUT:0:400}; stderr: ${ERR:0:400}"
    else
        pass
    fi
}

# expect_contains HAYSTACK NEEDLE [LABEL]
expect_contains() {
    if [[ "$1" != *"$2"* ]]; then
        fail "${3:-output} does not contain '$2': ${1:0:600}"
    else
        pass
    fi
}

expect_not_contains() {
    if [[ "$1" == *"$2"* ]]; then
        fail "${3:-output} contains '$2': ${1:0:600}"
    else
        pass
    fi
}

# expect_json JSON JQ_FILTER EXPECTED: compares jq -r output.
expect_json() {
    local got
    got=$(printf '%s\n' "$1" | jq -r "$2" 2>&1)
    if [ "$got" != "$3" ]; then
        fail "jq '$2' gave '$got', expected '$3' in: ${1:0:600}"
    else
        pass
    fi
}

# flip_byte FILE OFFSET: inverts the byte at OFFSET, so the file is damaged
# whatever that byte was (writing a fixed letter leaves it intact 1 time in 256).
flip_byte() {
    local b
    b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "\\x$(printf %02x $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
    exit $?
}
