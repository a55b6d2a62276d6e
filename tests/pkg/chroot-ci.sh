#!/bin/bash
# What tests/run.sh runs on clean Debian 12 roots, one after the other:
# chroot-install.sh with the .deb, then chroot-demo.sh on this tree. The
# base system is bootstrapped once (FC_CHROOT_CACHE: the second root is
# unpacked from a copy of the first). Each is bounded, so a stalled mirror
# cannot hold CI hostage, and a skip (77: no root or no mirror) or a time-out
# is reported, not failed. Exit status: the first failure's, else 0.
#
# usage: tests/pkg/chroot-ci.sh PATH/TO/fieldcheck_*.deb
set -u
deb=${1:?usage: chroot-ci.sh PATH/TO/fieldcheck.deb}
here=$(cd "$(dirname "$0")" && pwd)
FC_CHROOT_CACHE=$(mktemp -u "${TMPDIR:-/tmp}/fc-chroot-base-XXXXXX.tar")
export FC_CHROOT_CACHE
trap 'rm -f "$FC_CHROOT_CACHE"' EXIT
status=0
run() { # NAME SECONDS SCRIPT ARGS...
    local name=$1 secs=$2 start=$SECONDS rc=0
    shift 2
    timeout "$secs" bash "$@" || rc=$?
    case $rc in
    0) echo "chroot $name: ok in $((SECONDS - start)) s" ;;
    77) echo "chroot $name: skipped (needs root and the Debian mirror)" ;;
    124) echo "chroot $name: skipped (timed out after $secs s)" ;;
    *)
        echo "chroot $name: FAILED ($rc)"
        [ "$status" -ne 0 ] || status=$rc
        ;;
    esac
}
run install 900 "$here/chroot-install.sh" "$deb"
run demo 1200 "$here/chroot-demo.sh"
exit "$status"
