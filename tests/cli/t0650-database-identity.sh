#!/bin/bash
# Databases know what they are (issue: `--db` migrated any SQLite file, even
# for a read command: `--db hq/hq.db visit list` turned HQ's database into a
# device schema, a mission reference file was rewritten; and a device
# database on read-only media could not even be checked, `db check` exit 4).
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00

expect_exit 0 "$FC" demo --no-tui
expect_exit 0 "$FC" hq --hq "$TEST_TMP/hq" init
ref=$(ls "$FIELDCHECK_HOME"/missions/*.db)
sha() { sha256sum "$1" | cut -d' ' -f1; }
hq_before=$(sha "$TEST_TMP/hq/hq.db")
ref_before=$(sha "$ref")

# each kind says what it is
[ "$(sqlite3 "$FIELDCHECK_DB" 'PRAGMA application_id')" = 1178813526 ] && pass || fail "device application_id"
[ "$(sqlite3 "$TEST_TMP/hq/hq.db" 'PRAGMA application_id')" = 1178814545 ] && pass || fail "HQ application_id"
[ "$(sqlite3 "$ref" 'PRAGMA application_id')" = 1178817094 ] && pass || fail "reference file application_id"

# another kind of database is refused before anything is written
expect_exit 2 "$FC" --db "$TEST_TMP/hq/hq.db" visit list
expect_contains "$ERR" "HQ's store"
expect_exit 2 "$FC" --db "$TEST_TMP/hq/hq.db" init
expect_exit 2 "$FC" --db "$ref" visit list
expect_contains "$ERR" "reference file"
expect_exit 2 "$FC" --db "$ref" init
[ "$(sha "$TEST_TMP/hq/hq.db")" = "$hq_before" ] && pass || fail "hq.db was changed"
[ "$(sha "$ref")" = "$ref_before" ] && pass || fail "the reference file was changed"
expect_exit 0 "$FC" hq --hq "$TEST_TMP/hq" report
sqlite3 "$TEST_TMP/other.db" 'CREATE TABLE t (x); PRAGMA application_id = 7'
expect_exit 2 "$FC" --db "$TEST_TMP/other.db" visit list
[ "$(sqlite3 "$TEST_TMP/other.db" 'SELECT group_concat(name) FROM sqlite_master')" = t ] && pass ||
    fail "another application's database was changed"
mkfifo "$TEST_TMP/fifo.db"
expect_exit 2 timeout 10 "$FC" --db "$TEST_TMP/fifo.db" init

# a device database of an older version (no application_id yet) is still one
sqlite3 "$FIELDCHECK_DB" 'PRAGMA application_id = 0'
expect_exit 0 "$FC" init
[ "$(sqlite3 "$FIELDCHECK_DB" 'PRAGMA application_id')" = 1178813526 ] && pass || fail "id not set again"

# read commands do not write: the file is byte for byte the same
"$FC" db check >/dev/null 2>&1 # settle the WAL
dev_before=$(sha "$FIELDCHECK_DB")
for cmd in "db check" "visit list" "mission list" "mission show demo-1"; do
    # shellcheck disable=SC2086
    expect_exit 0 "$FC" $cmd
done
[ "$(sha "$FIELDCHECK_DB")" = "$dev_before" ] && pass || fail "a read command changed the database"
expect_exit 2 "$FC" --db "$TEST_TMP/nothing-here.db" visit list
[ ! -e "$TEST_TMP/nothing-here.db" ] && pass || fail "a read command created a database"

# read-only media: a copy of the database in a read-only folder
mkdir -p "$TEST_TMP/ro"
cp "$FIELDCHECK_DB" "$TEST_TMP/ro/"
if [ "$(id -u)" -ne 0 ]; then
    chmod a-w "$TEST_TMP/ro/fieldcheck.db" "$TEST_TMP/ro"
    expect_exit 0 env FIELDCHECK_DB="$TEST_TMP/ro/fieldcheck.db" "$FC" db check
    expect_exit 0 env FIELDCHECK_DB="$TEST_TMP/ro/fieldcheck.db" "$FC" visit list
    chmod u+w "$TEST_TMP/ro"
elif unshare -m true 2>/dev/null; then
    # root ignores file modes: a read-only bind mount in a private namespace
    out=$(unshare -m sh -c "mount --bind -o ro '$TEST_TMP/ro' '$TEST_TMP/ro' &&
        FIELDCHECK_DB='$TEST_TMP/ro/fieldcheck.db' '$FC' db check; echo \"exit \$?\";
        FIELDCHECK_DB='$TEST_TMP/ro/fieldcheck.db' '$FC' visit list; echo \"exit \$?\"" 2>&1)
    case $out in
    *"mount"*) echo "skipped: no read-only mount here" ;;
    *) expect_contains "$out" "database ok"
       [ "$(grep -c '^exit 0$' <<<"$out")" = 2 ] && pass || fail "read-only media: $out" ;;
    esac
else
    echo "skipped: read-only media (root without mount namespaces)"
fi
finish
