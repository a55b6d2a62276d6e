#!/bin/sh
# Installs the Debian 12 packages fieldcheck needs to build, test and run.
# Idempotent: packages already present are skipped, so a second run does nothing.
# Runs as root, or through sudo when it is available. chromium, poppler-utils
# and a CJK font render the HTML reports in tests (they skip without them).
set -eu

PKGS="build-essential cmake pkg-config gettext
libncurses-dev libsqlite3-dev sqlite3 libqrencode-dev libsodium-dev nettle-dev libzstd-dev zstd
libjansson-dev libcmocka-dev tmux clang libclang-rt-14-dev locales jq zbar-tools time bc python3
groff-base man-db dpkg-dev fakeroot lintian desktop-file-utils chromium poppler-utils fonts-wqy-microhei"

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
