#!/bin/bash
# The full test suite, exactly what CI runs: install missing dependencies,
# build with -Werror, run unit, CLI, e2e and lint tests; then the same tests in
# an AddressSanitizer + UndefinedBehaviorSanitizer build; then each libFuzzer
# target briefly. Usage: tests/run.sh [--quick]   (--quick: release build only)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

# the test list: the build's own packages, the .deb's and every test tool
bash packaging/install-deps.sh --test

step() { printf '\n== %s ==\n' "$*"; }

# One throw-away PostgreSQL server for every test that needs one
# (tests/pg/pg.sh: a temporary directory, a Unix socket, no TCP, run as an
# unprivileged user); pg.sh's EXIT trap stops it however this script ends.
# Without a server those tests are skipped, never failed.
. tests/pg/pg.sh
if pg_start; then
    echo "postgresql: test server at $PG_DIR"
else
    echo "postgresql: no server, the PostgreSQL tests are skipped"
fi

step "release build (-Werror)"
cmake -S . -B build/release -DFC_WERROR=ON -DFC_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$jobs"
step "release tests"
ctest --test-dir build/release --output-on-failure -j"$jobs"

if [ "${1:-}" = "--quick" ]; then
    exit 0
fi

# The .deb on a clean Debian 12 root (debootstrap): needs root and the Debian
# mirror; skipped (exit 77) when either is missing.
step "package install in a clean Debian 12 chroot"
if [ "$(id -u)" -eq 0 ]; then
    cmake -S . -B build/pkg -DCMAKE_INSTALL_PREFIX=/usr -DFC_TESTS=OFF -DFC_WERROR=ON >/dev/null
    cmake --build build/pkg -j"$jobs" >/dev/null
    rm -f build/pkg/fieldcheck_*.deb
    (cd build/pkg && cpack -G DEB >/dev/null)
    rc=0
    # bounded: a mirror that stalls must not hold CI hostage
    timeout 900 bash tests/pkg/chroot-install.sh build/pkg/fieldcheck_*.deb || rc=$?
    if [ "$rc" -eq 77 ] || [ "$rc" -eq 124 ]; then
        echo "chroot install: skipped ($([ "$rc" -eq 124 ] && echo "timed out" || echo "no mirror"))"
    elif [ "$rc" -ne 0 ]; then
        echo "chroot install: FAILED ($rc)"
        exit "$rc"
    else
        echo "chroot install: ok"
    fi
else
    echo "chroot install: skipped (needs root)"
fi

# The README's demo command on a clean Debian 12 root: its --build list of
# packages must be enough to build and load the demo (root and mirror, as above).
step "packaging/demo.sh in a clean Debian 12 chroot"
if [ "$(id -u)" -eq 0 ]; then
    rc=0
    timeout 1800 bash tests/pkg/chroot-demo.sh || rc=$?
    if [ "$rc" -eq 77 ] || [ "$rc" -eq 124 ]; then
        echo "chroot demo: skipped ($([ "$rc" -eq 124 ] && echo "timed out" || echo "no mirror"))"
    elif [ "$rc" -ne 0 ]; then
        echo "chroot demo: FAILED ($rc)"
        exit "$rc"
    else
        echo "chroot demo: ok"
    fi
else
    echo "chroot demo: skipped (needs root)"
fi

step "ASan+UBSan build (-Werror)"
cmake -S . -B build/asan -DFC_WERROR=ON -DFC_TESTS=ON -DFC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    >/dev/null
cmake --build build/asan -j"$jobs"
step "ASan+UBSan tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan --output-on-failure -j"$jobs"

step "fuzz (short runs)"
bash tests/fuzz/run.sh "${FUZZ_SECONDS:-15}"
