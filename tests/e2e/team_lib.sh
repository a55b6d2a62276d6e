#!/bin/bash
# Helpers for the e2e tests of a team (a lead and members' laptops) on the
# real binary: a private HQ and one database per laptop under $E2E_TMP, the
# CLI calls that set them up logged to cli.txt. Sourced after lib.sh; the
# test sets FIELDCHECK_NOW.
fc_bin=${FIELDCHECK_BIN:-}
[ -n "$fc_bin" ] && [ -x "$fc_bin" ] || fail "FIELDCHECK_BIN is not set to the fieldcheck binary"
export LANG=C.UTF-8 LC_ALL= TERM=${E2E_TERM:-screen} FIELDCHECK_LANG=en FIELDCHECK_BELL=off
export FIELDCHECK_HOME=$E2E_TMP/home FIELDCHECK_LOG=$E2E_TMP/ui.log FIELDCHECK_SCAN_GAP_MS=30
export FIELDCHECK_CONFIG=$E2E_TMP/config

# dev NAME ARGS...: fieldcheck on laptop NAME's database; fails the test on an error.
dev() {
    local d=$1
    shift
    FIELDCHECK_DB="$E2E_TMP/$d/fieldcheck.db" "$fc_bin" "$@" >>"$E2E_TMP/cli.txt" 2>&1 ||
        fail "$d $*: $(tail -3 "$E2E_TMP/cli.txt")"
}

# devout NAME ARGS...: the same, its output on stdout and its exit code returned.
devout() {
    local d=$1
    shift
    FIELDCHECK_DB="$E2E_TMP/$d/fieldcheck.db" "$fc_bin" "$@"
}

# hq ARGS...: the HQ in $E2E_TMP/hq; fails the test on an error.
hq() { "$fc_bin" hq --hq "$E2E_TMP/hq" "$@" >>"$E2E_TMP/cli.txt" 2>&1 || fail "hq $*"; }

# team_enroll NAME=VAR...: the HQ created and one laptop per NAME with keys,
# trusting the HQ and enrolled there; VAR is set to its device id.
team_enroll() {
    local nv d
    hq init
    for nv in "$@"; do
        d=${nv%%=*}
        dev "$d" keys init
        dev "$d" keys trust "$E2E_TMP/hq/hq.pub"
        hq enroll "$(devout "$d" --json keys show | jq -r .enrollment)"
        printf -v "${nv#*=}" '%s' "$(devout "$d" --json keys show | jq -r .device_id)"
    done
}
