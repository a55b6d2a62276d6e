#!/bin/bash
# A command opening the device database while another process holds a lock
# on it waits for the lock, as every later statement does. The identity check
# read the file before the wait was set, so a command started while the TUI
# or another command was writing failed at once with "is not a database:
# cannot read the database header: database is locked" (exit 4).
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$FC" init
# another process holds the database exclusively for a second and a half
python3 - "$FIELDCHECK_DB" "$TEST_TMP/held" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA locking_mode = EXCLUSIVE")
c.execute("BEGIN EXCLUSIVE")
c.execute("INSERT INTO meta(key, value) VALUES ('lock-probe', 'x')")
open(sys.argv[2], "w").close()
time.sleep(1.5)
c.execute("ROLLBACK")
c.close()
PY
holder=$!
for _ in $(seq 100); do [ -e "$TEST_TMP/held" ] && break; sleep 0.05; done
[ -e "$TEST_TMP/held" ] || fail "the lock holder did not start"
expect_exit 0 "$FC" db check
expect_contains "$OUT" "chain verified"
wait "$holder"
finish
