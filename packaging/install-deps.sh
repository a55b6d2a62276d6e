#!/bin/sh
# Installs the Debian 12 packages fieldcheck needs, one list per purpose:
#
#   install-deps.sh --build     building and running: what packaging/demo.sh needs
#   install-deps.sh --package   --build, plus what turns the build into a .deb
#   install-deps.sh --test      everything tests/run.sh needs (the default)
#   install-deps.sh --list ...  prints the packages of the purposes named, one a
#                               line, and installs nothing
#
# Idempotent: packages already present are skipped, so a second run does
# nothing. Runs as root, or through sudo when it is available. Why each
# package is here: docs/dependencies.md.
set -eu

# Building and running: the compiler, cmake and pkg-config, msgfmt for the
# catalogs, and the -dev package of every pkg_check_modules() of the top
# CMakeLists.txt (they pull in the runtime libraries). tests/cli/t0810 checks
# that each module the build asks pkg-config for comes from this list.
BUILD_PKGS="build-essential cmake pkg-config gettext
libncurses-dev libsqlite3-dev libqrencode-dev libsodium-dev nettle-dev libzstd-dev libjansson-dev
libpq-dev libzip-dev libexpat1-dev"

# The .deb (cpack -G DEB): dpkg-shlibdeps computes Depends, and CPack asks
# file(1) which installed files are executables.
PACKAGE_PKGS="dpkg-dev file"

# Tests: unit tests (cmocka), the TUI driven in tmux, libFuzzer (clang) and
# valgrind and cppcheck over the parsers, LibreOffice Calc (headless, no GUI)
# making the spreadsheets HQ staff make, the format check (clang-format), JSON
# and database readers, QR decoding, HTML rendering to PDF with a CJK font,
# man page and package checks, the clean Debian roots of tests/pkg
# (debootstrap), benchmarks' measuring tools, and a PostgreSQL server the HQ
# tests start and stop in a temporary directory (tests/pg).
TEST_PKGS="libcmocka-dev sqlite3 postgresql tmux clang libclang-rt-14-dev clang-format valgrind cppcheck
libreoffice-calc-nogui locales jq zbar-tools time bc python3 groff-base man-db lintian
desktop-file-utils debootstrap chromium poppler-utils fonts-wqy-microhei"

usage() {
    echo "usage: install-deps.sh [--build | --package | --test] [--list]" >&2
    exit 1
}

PKGS=""
list=0
purpose=""
for arg in "$@"; do
    case $arg in
    --build) purpose="$purpose build" ;;
    --package) purpose="$purpose package" ;;
    --test) purpose="$purpose test" ;;
    --list) list=1 ;;
    *) usage ;;
    esac
done
[ -n "$purpose" ] || purpose=test
for p in $purpose; do
    case $p in
    build) PKGS="$PKGS $BUILD_PKGS" ;;
    package) PKGS="$PKGS $BUILD_PKGS $PACKAGE_PKGS" ;;
    test) PKGS="$PKGS $BUILD_PKGS $PACKAGE_PKGS $TEST_PKGS" ;;
    esac
done
# shellcheck disable=SC2086
PKGS=$(printf '%s\n' $PKGS | awk '!seen[$0]++')

if [ "$list" -eq 1 ]; then
    printf '%s\n' "$PKGS"
    exit 0
fi

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: missing packages:$missing" >&2
    echo "install-deps: run this script as root (or install sudo)" >&2
    exit 1
fi

echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
