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

# mission_json DIR ID KIND [VERSION]: DIR/mission.json of a mission valid
# all March 2026.
mission_json() {
    mkdir -p "$1"
    printf '{"mission_id":"%s","version":%s,"kind":"%s","title":"t","issued_at":"2026-03-01T00:00:00+08:00","expires_at":"2026-04-01T00:00:00+08:00"}\n' \
        "$2" "${4:-1}" "$3" >"$1/mission.json"
}

# night_mission DIR ID [VERSION]: a night mission folder, valid all March
# 2026, whose roster is the CSV rows on standard input (header added).
night_mission() {
    mission_json "$1" "$2" night "${3:-1}"
    { echo 'site_code,ward_code,ward,bed,admission_no,name,id_number'; cat; } >"$1/inpatients.csv"
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

# id_for N: a valid resident ID for sequence number N (born 1980-01-01).
id_for() {
    local base w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) s=0 i chk="10X98765432"
    base=$(printf '11010519800101%03d' "$1")
    for i in $(seq 0 16); do s=$((s + ${base:i:1} * w[i])); done
    printf '%s%s\n' "$base" "${chk:$((s % 11)):1}"
}

finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
    exit $?
}
