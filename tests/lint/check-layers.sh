#!/bin/bash
# Fails when a file includes across a forbidden layer edge (DESIGN §3):
# core/base <- core <- sync <- ui <- app; sqlite3.h only in core/store* and the
# core modules that run SQL; libpq only in HQ's PostgreSQL store; curses only in
# ui/; sodium and nettle only in core and sync;
# nothing includes app/; a workflow's folder never includes another's.
set -u
top=${1:-.}
cd "$top" || exit 2
fail=0
bad() { echo "layer violation: $1"; fail=1; }

check() { # dir, forbidden-regex, why[, allowed-regex]
    local hits
    hits=$(grep -rnE --include='*.c' --include='*.h' "$2" "$1" 2>/dev/null | grep -vE "${4:-^$}")
    if [ -n "$hits" ]; then
        while IFS= read -r h; do bad "$h ($3)"; done <<<"$hits"
    fi
}

check core/base '#include *"(core/|sync/|ui/|app/)' 'core/base includes only core/base' '#include *"core/base/'
check core/base '#include *<(sqlite3|sodium|nettle/|ncursesw?/|curses|zstd|qrencode|jansson)' 'core/base uses libc only'
check core '#include *"(sync/|ui/|app/)' 'core must not include sync, ui or app'
check sync '#include *"(ui/|app/)' 'sync must not include ui or app'
check ui '#include *"app/' 'ui must not include app'
check core '#include *<(ncursesw?/|curses)' 'curses only in ui/'
check sync '#include *<(ncursesw?/|curses)' 'curses only in ui/'
check app '#include *<(ncursesw?/|curses)' 'curses only in ui/'
check ui '#include *<(sodium|nettle/)' 'libsodium and nettle only in core and sync'
check app '#include *<(sodium|nettle/)' 'libsodium and nettle only in core and sync'
check ui '#include *<sqlite3' 'sqlite3 only in core'
check app '#include *<sqlite3' 'sqlite3 only in core'
check sync '#include *<sqlite3' 'sqlite3 only in core/store and SQL modules'
# libpq: only HQ's PostgreSQL store; everything else goes through core/hq/hqdb.h
check core '#include *<libpq' 'libpq only in core/hq/hqdb_pg.c' '^core/hq/hqdb_pg\.c:'
check sync '#include *<libpq' 'libpq only in core/hq/hqdb_pg.c'
check ui '#include *<libpq' 'libpq only in core/hq/hqdb_pg.c'
check app '#include *<libpq' 'libpq only in core/hq/hqdb_pg.c'

# Workflows never include each other: a workflow is a folder of core with a
# workflow.h (core/night, core/pharmacy, core/flight, ...).
for w in core/*/workflow.h; do
    [ -e "$w" ] || continue
    dir=${w%/workflow.h}
    for o in core/*/workflow.h; do
        other=${o%/workflow.h}
        [ "$other" = "$dir" ] && continue
        check "$dir" "#include *\"$other/" 'workflows never include each other'
    done
done

[ $fail -eq 0 ] && echo "layers ok"
exit $fail
