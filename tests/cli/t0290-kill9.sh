#!/bin/bash
# Durability: kill -9 a `scan --replay` of ~300 scans at random points, 10
# times. After each kill `db check` passes and every verdict that was printed
# (acknowledged) is in the database. KILLS and SCANS override the sizes
# (tests/bench/kill9-soak.sh runs the full-size version).
. "$(dirname "$0")/night-lib.sh"
kills=${KILLS:-10}
scans=${SCANS:-300}
setup_visit

codes=(W01-1 WB-A1 "$(id_for 1)" W01-2 A2 NO_ID W01-5 EMPTY_BED W01-8 A6 W02-1 "$(id_for 30)")
for k in $(seq 1 "$kills"); do
    csv="$work/replay-$k.csv"
    echo "time,code" >"$csv"
    for i in $(seq 1 "$scans"); do
        s=$((k * 100000 + i * 2))
        printf '2026-11-%02dT%02d:%02d:%02d,%s\n' $((22 + s / 86400 % 5)) $((s / 3600 % 24)) \
            $((s / 60 % 60)) $((s % 60)) "${codes[$((i % ${#codes[@]}))]}" >>"$csv"
    done
    out="$work/out-$k.jsonl"
    "$FIELDCHECK_BIN" --json scan --replay "$csv" >"$out" 2>/dev/null &
    pid=$!
    sleep "0.$((RANDOM % 40 + 5))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    fc db check >/dev/null || die "db check after kill $k"
    # every complete printed line names an event that must be stored
    jq -rR 'fromjson? | .event // empty' "$out" | sort >"$work/acked"
    sqlite3 "$FIELDCHECK_DB" "SELECT id FROM event" | sort >"$work/stored"
    missing=$(comm -23 "$work/acked" "$work/stored")
    [ -z "$missing" ] || die "kill $k: acknowledged scans missing: $missing"
    echo "kill $k: $(grep -c '' "$work/acked") acknowledged scans verified"
done
fc --json db rebuild | jq -e '.same == true' >/dev/null || die "rebuild differs after kills"
echo ok
