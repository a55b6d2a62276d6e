#!/bin/bash
# Shared helpers for the tmux end-to-end tests. Source it, then call
# start_app CMD...; every tmux call goes to a private server (tmux -L fc-$$)
# with a fixed window size, and the server and scratch files are removed on
# exit. Synchronise with wait_for (polls capture-pane), never with bare sleeps;
# the only sleeps here pace keystrokes (type_slow, send_scan_paced).
set -u

if ! command -v tmux >/dev/null 2>&1; then
    echo "skipped: tmux is not installed"
    exit 77
fi

E2E_SOCK="fc-$$"
E2E_W=${E2E_W:-100}
E2E_H=${E2E_H:-30}
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fc-e2e.XXXXXX")
E2E_SNAP_DIR=${E2E_SNAP_DIR:-$E2E_TMP/snapshots}
E2E_FAILED=0

tm() { tmux -L "$E2E_SOCK" -f /dev/null "$@"; }

# id_for and the mission folder helpers the CLI tests use too
. "$(dirname "${BASH_SOURCE[0]}")/../cli/mission-lib.sh"

e2e_cleanup() {
    tm kill-server >/dev/null 2>&1 || true
    if [ "$E2E_FAILED" -eq 0 ] && [ -z "${E2E_KEEP:-}" ]; then
        rm -rf "$E2E_TMP"
    else
        echo "e2e: scratch files kept in $E2E_TMP" >&2
    fi
}
trap e2e_cleanup EXIT

fail() {
    E2E_FAILED=1
    echo "FAIL: $*" >&2
    echo "--- screen ---" >&2
    tm capture-pane -p -t fc >&2 2>/dev/null || true
    exit 1
}

# start_app CMD [ARGS...]: runs CMD in a fresh detached session "fc" of
# E2E_W x E2E_H; its exit status goes to $E2E_TMP/exit.
start_app() {
    local cmd q=""
    for a in "$@"; do q="$q $(printf '%q' "$a")"; done
    cmd="$q; echo \$? > $(printf '%q' "$E2E_TMP/exit"); sleep 600"
    rm -f "$E2E_TMP/exit"
    # A test that killed its last session left a server on its way out
    # (exit-empty): under load the next client can reach it as it goes, so
    # a refused start is tried again. The server is not kept between
    # sessions: a new server takes the environment each test sets.
    local tries=0
    tm has-session -t fc 2>/dev/null || tm kill-server 2>/dev/null || true
    until tm new-session -d -s fc -x "$E2E_W" -y "$E2E_H" "$cmd" 2>/dev/null; do
        tries=$((tries + 1))
        [ "$tries" -lt 50 ] || fail "cannot start tmux"
        sleep 0.1
    done
    tm set-option -t fc -g status off >/dev/null
}

screen_text() { tm capture-pane -p -t fc; }

# wait_for TEXT [TIMEOUT_S]: waits until TEXT (fixed string) is on screen.
wait_for() {
    local text=$1 timeout=${2:-10} i=0
    local tries=$((timeout * 20))
    while [ $i -lt $tries ]; do
        if screen_text | grep -qF -- "$text"; then
            return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    fail "timed out after ${timeout}s waiting for '$text'"
}

# wait_gone TEXT [TIMEOUT_S]: waits until TEXT is no longer on screen.
wait_gone() {
    local text=$1 timeout=${2:-10} i=0
    local tries=$((timeout * 20))
    while [ $i -lt $tries ]; do
        if ! screen_text | grep -qF -- "$text"; then
            return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    fail "timed out after ${timeout}s waiting for '$text' to go"
}

# wait_exit [TIMEOUT_S]: waits for the program to exit; prints its status.
wait_exit() {
    local timeout=${1:-10} i=0
    local tries=$((timeout * 20))
    while [ $i -lt $tries ]; do
        if [ -s "$E2E_TMP/exit" ]; then
            cat "$E2E_TMP/exit"
            return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    fail "program did not exit within ${timeout}s"
}

# send_scan CODE: the code and Enter in one burst, as a scanner sends them.
send_scan() {
    tm send-keys -t fc -l -- "$1" \; send-keys -t fc Enter
}

# send_key KEY...: tmux key names (F1, Escape, Down, ...), typed as a person
# types them: each on its own, with a pause longer than the scan gap before
# the next (keys closer together are a burst, which the program never takes
# as key presses), so that each is also a key typed by hand (what confirms
# closing a visit or voiding a scan). The pause is generous: the program
# times keys when it reads them, and on a loaded machine two keys sent close
# together may be read together.
send_key() {
    local k
    for k in "$@"; do
        sleep 0.2
        tm send-keys -t fc "$k"
    done
    sleep 0.2
}

# send_bytes HEX...: raw bytes in one burst (tmux send-keys -H), as a
# scanner sends a barcode: e.g. send_bytes 1b 5b 32 34 7e 0d.
send_bytes() {
    tm send-keys -t fc -H "$@"
}

# send_bytes_spaced DELAY_S HEX...: raw bytes one at a time, DELAY_S apart,
# as a scanner types a code (a few ms between keys). One tmux command: the
# server waits between the keys (run-shell -d), not a client per byte.
send_bytes_spaced() {
    local delay=$1 b args=()
    shift
    for b in "$@"; do
        [ ${#args[@]} -gt 0 ] && args+=(\; run-shell -d "$delay" \;)
        args+=(send-keys -t fc -H "$b")
    done
    tm "${args[@]}"
}

# type_slow TEXT [DELAY_S]: one character at a time, further apart than the
# scan gap, as a person types.
type_slow() {
    local text=$1 delay=${2:-0.12} i
    for ((i = 0; i < ${#text}; i++)); do
        tm send-keys -t fc -l -- "${text:i:1}"
        sleep "$delay"
    done
}

# confirm_close: on the summary before closing, F2 and y close the visit;
# sets code to the checkpoint code the screen then shows (fails without one).
confirm_close() {
    send_key F2
    wait_for "Close the visit?"
    send_key y
    wait_for "Checkpoint code:"
    code=$(screen_text | sed -n 's/.*Checkpoint code: \([0-9A-Z]\{4\}-[0-9A-Z]\{4\}\).*/\1/p' | head -1)
    [ -n "$code" ] || fail "no checkpoint code on screen"
}

# snapshot NAME: saves the screen to $E2E_SNAP_DIR/NAME.txt.
snapshot() {
    mkdir -p "$E2E_SNAP_DIR"
    screen_text >"$E2E_SNAP_DIR/$1.txt"
}

# resize W H: resizes the window (the program gets SIGWINCH).
resize() {
    tm resize-window -t fc -x "$1" -y "$2"
}
