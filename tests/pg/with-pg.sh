#!/bin/bash
# with-pg.sh COMMAND [ARGS...]: runs COMMAND with FC_TEST_PG_URL naming a
# fresh database on a throw-away PostgreSQL server (tests/pg/pg.sh), then
# stops the server. Exits 77 (a skipped test for ctest) when no server can
# be started, else with COMMAND's status.
set -u
. "$(dirname "$0")/pg.sh"
pg_start || { echo "with-pg: no PostgreSQL server: skipped" >&2; exit 77; }
db="fc_$$_$RANDOM"
url=$(pg_createdb "$db") || { echo "with-pg: createdb failed: skipped" >&2; exit 77; }
FC_TEST_PG_URL=$url "$@"
