# A throw-away PostgreSQL server for tests and benchmarks (sourced).
#
#   . tests/pg/pg.sh
#   pg_start [--durable] || exit 77   # initdb into a temporary directory, start it
#   pg_createdb NAME                  # prints a URL for a fresh database
#   pg_stop                           # stop the server, remove the directory
#
# pg_start installs an EXIT trap that calls pg_stop, so a server never
# outlives the script that started it. The server listens only on a Unix
# socket inside its own directory (no TCP), with trust authentication for the
# role "fieldcheck". When the caller is root, the server runs as the
# unprivileged `postgres` system user (runuser), never as root. --durable
# keeps fsync on (benchmarks); otherwise fsync is off, which is enough for
# tests that never crash the server. If FC_TEST_PG_URL is already set (an
# outer tests/run.sh started a server), pg_start reuses that server.
# shellcheck shell=bash

PG_DIR=
PG_HOST=
PG_OWNED=0

pg_bindir() {
    local d
    if command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir 2>/dev/null)
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    fi
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

# Runs a command as the server's owner.
pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$PG_OWNER" -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    local durable=0 bin fsync=off
    [ "${1:-}" = --durable ] && durable=1
    if [ -n "${FC_TEST_PG_URL:-}" ]; then
        PG_HOST=$(printf '%s' "$FC_TEST_PG_URL" | sed -n 's/.*[?&]host=\([^&]*\).*/\1/p')
        [ -n "$PG_HOST" ] && [ -S "$PG_HOST/.s.PGSQL.5432" ] && return 0
        echo "pg.sh: FC_TEST_PG_URL names no running server" >&2
        return 1
    fi
    bin=$(pg_bindir) || { echo "pg.sh: initdb not found (apt-get install postgresql)" >&2; return 1; }
    PG_BIN=$bin
    PG_OWNER=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then
        if getent passwd postgres >/dev/null; then
            PG_OWNER=postgres
        else
            echo "pg.sh: running as root and no 'postgres' user to run the server" >&2
            return 1
        fi
    fi
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/fc-pg-XXXXXX") || return 1
    chmod 0755 "$PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown "$PG_OWNER" "$PG_DIR"
    PG_OWNED=1
    trap pg_stop EXIT
    [ $durable -eq 1 ] && fsync=on
    if ! pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -A trust -U fieldcheck -E UTF8 --locale=C \
        -N >"$PG_DIR/initdb.log" 2>&1; then
        echo "pg.sh: initdb failed:" >&2
        tail -n 5 "$PG_DIR/initdb.log" >&2
        return 1
    fi
    if ! pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $PG_DIR -c fsync=$fsync -c max_connections=40" \
        start >/dev/null 2>&1; then
        echo "pg.sh: the server did not start:" >&2
        tail -n 5 "$PG_DIR/server.log" >&2
        return 1
    fi
    PG_HOST=$PG_DIR
    FC_TEST_PG_URL="postgresql://fieldcheck@/postgres?host=$PG_DIR"
    export FC_TEST_PG_URL
}

# pg_createdb NAME: a new empty database; prints its URL.
pg_createdb() {
    local name=$1 bin
    bin=${PG_BIN:-$(pg_bindir)}
    "$bin/createdb" -h "$PG_HOST" -U fieldcheck "$name" || return 1
    echo "postgresql://fieldcheck@/$name?host=$PG_HOST"
}

pg_stop() {
    if [ "$PG_OWNED" -eq 1 ] && [ -n "$PG_DIR" ]; then
        if [ -f "$PG_DIR/data/postmaster.pid" ]; then
            pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1
        fi
        rm -rf "$PG_DIR"
        PG_OWNED=0
        PG_DIR=
        unset FC_TEST_PG_URL
    fi
}
