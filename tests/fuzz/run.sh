#!/bin/bash
# Builds every tests/fuzz/fuzz_*.c with clang's libFuzzer and runs each for a
# few seconds from its seed corpus (tests/fuzz/corpus/<name>/), as many at a
# time as there are cores. A crash fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-15}
jobs=$(nproc 2>/dev/null || echo 2)
shopt -s nullglob
targets=(tests/fuzz/fuzz_*.c)
if [ ${#targets[@]} -eq 0 ]; then
    echo "no fuzz targets"
    exit 0
fi
CC=clang cmake -S . -B build/fuzz -DFC_FUZZ=ON -DFC_TESTS=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
names=()
for t in "${targets[@]}"; do names+=("$(basename "$t" .c)"); done
cmake --build build/fuzz -j"$jobs" --target "${names[@]}"
# one target per core at a time: each run is single-threaded
fuzz_one() {
    local n=$1 work=build/fuzz/tests/corpus-$1 seeds=tests/fuzz/corpus/$1
    mkdir -p "$work"
    [ -d "$seeds" ] || seeds=""
    if ! (cd build/fuzz/tests && ./"$n" -max_total_time="$secs" -max_len=65536 -print_final_stats=0 \
        "corpus-$n" ${seeds:+"../../../$seeds"} >"fuzz-$n.log" 2>&1); then
        echo "fuzz target $n failed:"; tail -40 "build/fuzz/tests/fuzz-$n.log"
        return 1
    fi
    echo "fuzz $n: $(grep -Eo 'Done [0-9]+ runs' "build/fuzz/tests/fuzz-$n.log" | tail -1) in ${secs}s"
}
echo "fuzzing ${#names[@]} targets for ${secs}s each, $jobs at a time"
fail=0
pids=()
for n in "${names[@]}"; do
    fuzz_one "$n" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then
        wait "${pids[0]}" || fail=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do
    wait "$p" || fail=1
done
exit $fail
