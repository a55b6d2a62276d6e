#!/bin/bash
# libpq is loaded only when a PostgreSQL store is opened: the binary does not
# link it (no other command pays for mapping it and the 20 libraries it
# brings), and without it `hq --db-url postgresql://` says which package to
# install while hq.db keeps working. FIELDCHECK_LIBPQ names the library to
# load instead of libpq.so.5, so a missing one can be tried on any machine.
. "$(dirname "$0")/lib.sh"
w=$TEST_TMP

expect_not_contains "$(readelf -d "$FC")" "libpq" "the binary's NEEDED entries"

expect_exit 0 "$FC" hq init --hq "$w/hq"
export FIELDCHECK_LIBPQ=libpq-missing.so.5
expect_exit 4 "$FC" hq report --hq "$w/hq" --db-url "postgresql://127.0.0.1:1/fc"
expect_contains "$ERR" "cannot use a PostgreSQL store" "stderr"
expect_contains "$ERR" "libpq-missing.so.5" "stderr"
expect_contains "$ERR" "install the package libpq5" "stderr"
# the SQLite store never needs it
expect_exit 0 "$FC" --json hq report --hq "$w/hq"
unset FIELDCHECK_LIBPQ

# with the real library the same command gets as far as connecting
expect_exit 4 "$FC" hq report --hq "$w/hq" --db-url "postgresql://127.0.0.1:1/fc"
expect_contains "$ERR" "cannot connect to" "stderr"
expect_not_contains "$ERR" "libpq5" "stderr"
finish
