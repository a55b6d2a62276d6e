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
# id_for, mission_json and the other mission folder helpers
. "$(dirname "${BASH_SOURCE[0]}")/mission-lib.sh"

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

# dev NAME ARGS...: fieldcheck on device NAME's database ($TEST_TMP/NAME).
dev() {
    local d=$1
    shift
    FIELDCHECK_DB="$TEST_TMP/$d/fieldcheck.db" "$FC" "$@"
}

# team_devices NAME=VAR...: an HQ in $TEST_TMP/hq, run as $hq, and one device
# per NAME (dev NAME ...) with keys, trusting HQ and enrolled there; VAR is
# set to its device id.
team_devices() {
    local nv d
    hq="$FC hq --hq $TEST_TMP/hq"
    expect_exit 0 $hq init
    for nv in "$@"; do
        d=${nv%%=*}
        expect_exit 0 dev "$d" keys init
        expect_exit 0 dev "$d" keys trust "$TEST_TMP/hq/hq.pub"
        expect_exit 0 $hq enroll "$(dev "$d" --json keys show | jq -r .enrollment)"
        printf -v "${nv#*=}" '%s' "$(dev "$d" --json keys show | jq -r .device_id)"
    done
}

# hq_enrol [DIR]: an HQ in DIR (default $TEST_TMP/hq), run as $hq, and this
# device (FIELDCHECK_DB) with keys, enrolled there and trusting its key.
hq_enrol() {
    local dir=${1:-$TEST_TMP/hq}
    hq="$FC hq --hq $dir"
    [ -f "$dir/hq.pub" ] || expect_exit 0 $hq init
    expect_exit 0 "$FC" keys init
    expect_exit 0 $hq enroll "$("$FC" --json keys show | jq -r .enrollment)"
    expect_exit 0 "$FC" keys trust "$dir/hq.pub"
}

# hq_send: this device's new events exported and imported by $hq.
hq_send() {
    local b
    b=$("$FC" --json export -o "$TEST_TMP/out" | jq -r .file)
    expect_exit 0 $hq import "$b"
}

finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
    exit $?
}
