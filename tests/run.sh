#!/bin/bash
# The full test suite, exactly what CI runs: install missing dependencies,
# build with -Werror, make the .deb from that build, run unit, CLI, e2e and
# lint tests; then the same tests in an AddressSanitizer +
# UndefinedBehaviorSanitizer build; then each libFuzzer target briefly. As
# root, the .deb is installed and the demo script run on a clean Debian 12
# root meanwhile (they mostly wait for the mirror). Each phase prints how long
# it took. Usage: tests/run.sh [--quick]   (--quick: release build and tests only)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
t0=$(date +%s)
tp=$t0
phase=""
step() {
    local now
    now=$(date +%s)
    [ -n "$phase" ] && printf '== %s: %d s\n' "$phase" $((now - tp))
    phase=$*
    tp=$now
    [ -n "$phase" ] && printf '\n== %s ==\n' "$phase"
    return 0
}

# the test list: the build's own packages, the .deb's and every test tool
step "dependencies"
bash packaging/install-deps.sh --test

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

# The release build is the packaged build: configured for /usr (the prefix
# only names where the catalogs and /etc/fieldcheck/config are), with the
# same flags, so the tree is built once and the .deb holds the binary the
# tests ran. tests/cli/t0800 checks the .deb and the source tarball made here
# (FC_PKG_BUILD) instead of building the tree again.
step "release build (-Werror)"
cmake -S . -B build/release -DFC_WERROR=ON -DFC_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build build/release -j"$jobs"
step "package (.deb and source tarball)"
rm -f build/release/fieldcheck_*.deb build/release/fieldcheck-*.tar.gz
(cd build/release && cpack -G DEB >/dev/null && cpack --config CPackSourceConfig.cmake >/dev/null)
ls build/release/fieldcheck_*.deb build/release/fieldcheck-*.tar.gz
export FC_PKG_BUILD=$PWD/build/release

# The .deb on a clean Debian 12 root, then the README's demo command on
# another (tests/pkg/chroot-ci.sh: needs root and the Debian mirror, skipped
# without either, each bounded in time). They mostly wait for the mirror, so
# they run in the background, in a session of their own that is stopped if
# this script ends first, and report at the end.
chroot_pid=""
chroot_log=$PWD/build/chroot.log
stop_chroots() {
    if [ -n "$chroot_pid" ] && kill -0 "$chroot_pid" 2>/dev/null; then
        kill -TERM -- "-$chroot_pid" 2>/dev/null || true
        wait "$chroot_pid" 2>/dev/null || true
    fi
}
trap 'stop_chroots; pg_stop' EXIT
if [ "${1:-}" != "--quick" ] && [ "$(id -u)" -eq 0 ]; then
    setsid bash tests/pkg/chroot-ci.sh build/release/fieldcheck_*.deb >"$chroot_log" 2>&1 &
    chroot_pid=$!
    echo "chroot install and demo: running in the background (log: $chroot_log)"
fi

step "release tests"
ctest --test-dir build/release --output-on-failure -j"$jobs"

if [ "${1:-}" = "--quick" ]; then
    step ""
    exit 0
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

if [ -n "$chroot_pid" ]; then
    step "chroot install and demo (the rest of their time)"
    rc=0
    wait "$chroot_pid" || rc=$?
    chroot_pid=""
    grep '^chroot ' "$chroot_log" || true
    if [ "$rc" -ne 0 ]; then
        tail -40 "$chroot_log"
        exit "$rc"
    fi
else
    echo "chroot install and demo: skipped (need root)"
fi
step ""
echo "== total: $(($(date +%s) - t0)) s"
