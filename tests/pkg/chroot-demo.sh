#!/bin/bash
# Runs the README's first command, ./packaging/demo.sh, on a clean Debian 12
# (bookworm) minbase root: it must install what it needs by itself (the
# --build list of packaging/install-deps.sh), build, and generate and load the
# demo mission (`demo.sh --no-tui`, so no terminal is needed). Proves the
# demo's list is sufficient, and that none of the test tool chain (chromium,
# clang, tmux, lintian, cmocka, ...) comes with it. Prints what each list
# would download, and the time the demo took.
#
# usage: tests/pkg/chroot-demo.sh [SOURCE_DIR]   (default: this checkout)
# Needs root, debootstrap and a Debian mirror (FC_DEBIAN_MIRROR); exits 77
# (skip) without them. About 4 minutes on two cores; see docs/packaging.md.
set -euo pipefail

src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
[ -f "$src/packaging/demo.sh" ] || { echo "chroot-demo: '$src' is not a fieldcheck tree" >&2; exit 2; }
# shellcheck source=tests/pkg/chroot-lib.sh
. "$(dirname "$0")/chroot-lib.sh"
chroot_bootstrap chroot-demo

# The tree as a user gets it: the sources, no build output, no git metadata.
mkdir "$root/src"
tar -C "$src" --exclude=./build --exclude='./build-*' --exclude=./.git -cf - . | tar -C "$root/src" -xf -

build_list=$(bash "$src/packaging/install-deps.sh" --list --build)
package_list=$(bash "$src/packaging/install-deps.sh" --list --package)
test_list=$(bash "$src/packaging/install-deps.sh" --list --test)
# What apt would fetch and unpack for a list on this fresh root.
cost() {
    local n disk
    # shellcheck disable=SC2086
    n=$(in_root apt-get install -qq --print-uris --no-install-recommends $1 |
        awk '{ s += $3; n++ } END { printf "%d packages, %.0f MB to download", n, s / 1e6 }')
    # shellcheck disable=SC2086
    disk=$(in_root apt-get install --assume-no --no-install-recommends $1 2>/dev/null |
        sed -n 's/^After this operation, \(.*\) of additional disk space will be used.*/\1/p')
    echo "$n, ${disk:-?} on disk"
}
echo "chroot-demo: --build list: $(cost "$build_list")" >&2
echo "chroot-demo: --test list: $(cost "$test_list")" >&2

start=$(date +%s)
out=$(in_root sh -c 'cd /src && ./packaging/demo.sh --no-tui' 2>&1) || {
    printf '%s\n' "$out" | tail -40 >&2
    echo "chroot-demo: FAILED: packaging/demo.sh --no-tui on a clean Debian 12" >&2
    exit 1
}
secs=$(($(date +%s) - start))
printf '%s\n' "$out" | tail -5
grep -q "demo mission '.*' .* written to .* and loaded" <<<"$out" ||
    { echo "chroot-demo: FAILED: the demo did not load its mission" >&2; exit 1; }

# Nothing of the test tool chain came with the demo (the .deb tools may:
# build-essential depends on dpkg-dev).
fail=0
for p in $test_list; do
    grep -qx -- "$p" <<<"$package_list" && continue
    if in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        echo "chroot-demo: FAILED: the demo installed the test package $p" >&2
        fail=1
    fi
done
[ "$fail" -eq 0 ] || exit 1
echo "chroot-demo: ok: packaging/demo.sh installed, built and loaded the demo in $secs s" >&2
