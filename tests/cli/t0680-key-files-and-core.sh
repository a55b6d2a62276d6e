#!/bin/bash
# Key files and the process (issue: key files were checked for mode bits but
# not owner; nothing suppressed core dumps, so a crash could write keys and
# rosters to disk): a key file is refused unless it is a regular file owned
# by this user and private to it; the process runs with no core dumps.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
expect_exit 0 "$FC" keys init
key=$FIELDCHECK_HOME/device.key
expect_exit 0 "$FC" keys show

chmod 644 "$key"
expect_exit 3 "$FC" keys show
expect_contains "$ERR" "accessible by other users"
chmod 600 "$key"

# a link to a key file, even our own, is not read
mv "$key" "$key.real"
ln -s "$key.real" "$key"
expect_exit 3 "$FC" keys show
expect_contains "$ERR" "is a link or not a regular file"
rm "$key"
mv "$key.real" "$key"
expect_exit 0 "$FC" keys show

# another user's file, even mode 0600 (only root can make one here)
if [ "$(id -u)" -eq 0 ]; then
    chown 1:1 "$key"
    expect_exit 3 "$FC" keys show
    expect_contains "$ERR" "belongs to user 1"
    chown 0:0 "$key"
else
    echo "note: not root, the owner check is covered by the mode and link checks only"
fi

# no core dumps, soft and hard limit (a soft 0 alone is only the shell's):
# a command held waiting on a locked database shows its limits
{ echo "BEGIN EXCLUSIVE;"; sleep 4; echo "COMMIT;"; } | sqlite3 "$FIELDCHECK_DB" &
locker=$!
for _ in $(seq 50); do
    # the lock is held once a write attempt fails fast
    sqlite3 -cmd ".timeout 0" "$FIELDCHECK_DB" "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null || break
    sleep 0.1
done
"$FC" db rebuild >/dev/null 2>&1 &
pid=$!
limits=
for _ in $(seq 50); do
    limits=$(cat "/proc/$pid/limits" 2>/dev/null)
    grep -Eq 'Max core file size +0 +0' <<<"$limits" && break
    sleep 0.1
done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
wait "$locker" 2>/dev/null
if grep -Eq 'Max core file size +0 +0' <<<"$limits"; then pass; else fail "core dumps allowed: $(grep -i core <<<"$limits")"; fi
finish
