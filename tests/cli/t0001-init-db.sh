#!/bin/bash
# init is idempotent; db check verifies an empty and a tampered chain; global
# options work before and after the command; unknown commands are usage errors;
# an empty FIELDCHECK_DB is unset.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$FC" init
expect_contains "$OUT" "database ready"
expect_exit 0 "$FC" --json init
expect_json "$OUT" .ok true
dev=$(printf '%s' "$OUT" | jq -r .device_id)
expect_exit 0 "$FC" init --json
expect_json "$OUT" .device_id "$dev"
[ "$(stat -c %a "$FIELDCHECK_DB")" = 600 ] && pass || fail "database mode is not 0600"
expect_exit 1 "$FC" init extra
expect_contains "$ERR" "unexpected argument 'extra'"

expect_exit 0 "$FC" db check
expect_contains "$OUT" "chain verified"
expect_exit 0 "$FC" --json db rebuild
expect_json "$OUT" .same true

expect_exit 1 "$FC" nosuchcommand
expect_contains "$ERR" "unknown command"
expect_exit 1 "$FC"
expect_exit 1 "$FC" db
expect_exit 0 "$FC" --help
expect_contains "$OUT" "usage: fieldcheck"
expect_exit 0 "$FC" db --help
expect_contains "$OUT" "db check"
expect_exit 0 "$FC" --version

# FIELDCHECK_DB set but empty is unset: the database in the data folder
expect_exit 0 env FIELDCHECK_DB= FIELDCHECK_HOME="$TEST_TMP/empty-db" "$FC" init
[ -f "$TEST_TMP/empty-db/fieldcheck.db" ] && pass || fail "FIELDCHECK_DB='' did not use the data folder"

# a database that is not SQLite is an integrity failure, not a crash
printf 'not a database at all, just some text that is long enough%.0s' {1..100} >"$TEST_TMP/bad.db"
expect_exit 3 "$FC" --db "$TEST_TMP/bad.db" db check
expect_exit 3 "$FC" --json --db "$TEST_TMP/bad.db" db check
expect_json "$OUT" .ok false

finish
