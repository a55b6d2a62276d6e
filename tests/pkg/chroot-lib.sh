# Shared by the tests/pkg scripts: a clean Debian 12 (bookworm) minbase root
# made with debootstrap, removed on exit, and in_root to run commands in it
# with a clean environment. Needs root and a Debian mirror (FC_DEBIAN_MIRROR,
# default http://deb.debian.org/debian); a script that cannot have either
# exits 77 (skip): a root that cannot be bootstrapped says nothing about
# fieldcheck.
# shellcheck shell=bash

FC_DEBIAN_MIRROR=${FC_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# chroot_bootstrap NAME: sets $root to a fresh bootstrapped root.
chroot_bootstrap() {
    local name=$1
    [ "$(id -u)" -eq 0 ] || { echo "$name: must run as root" >&2; exit 77; }
    # debootstrap comes with packaging/install-deps.sh --test; run alone,
    # these scripts install it themselves.
    if ! command -v debootstrap >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap \
            >/dev/null || { echo "$name: cannot install debootstrap" >&2; exit 77; }
    fi
    root=$(mktemp -d "${TMPDIR:-/tmp}/fc-chroot-XXXXXX")
    trap chroot_cleanup EXIT
    # FC_CHROOT_CACHE (tests/pkg/chroot-ci.sh): the first root is saved there
    # once bootstrapped and updated; later ones are unpacked from it.
    if [ -n "${FC_CHROOT_CACHE:-}" ] && [ -s "$FC_CHROOT_CACHE" ]; then
        echo "$name: unpacking the bootstrapped root $FC_CHROOT_CACHE into $root" >&2
        tar -C "$root" -xf "$FC_CHROOT_CACHE"
        mount -t proc proc "$root/proc"
    else
        echo "$name: debootstrap bookworm into $root" >&2
        debootstrap --variant=minbase bookworm "$root" "$FC_DEBIAN_MIRROR" >"$root.log" 2>&1 || {
            tail -20 "$root.log" >&2
            rm -f "$root.log"
            echo "$name: skipped: debootstrap failed (mirror unreachable?)" >&2
            exit 77
        }
        rm -f "$root.log"
        cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
        # The root has no _apt user privileges over its caches inside this chroot.
        echo 'APT::Sandbox::User "root";' >"$root/etc/apt/apt.conf.d/99fieldcheck-test"
        mount -t proc proc "$root/proc"
        in_root apt-get update -qq
        if [ -n "${FC_CHROOT_CACHE:-}" ]; then
            # --one-file-system: not the mounted /proc
            tar -C "$root" --one-file-system -cf "$FC_CHROOT_CACHE.tmp" . &&
                mv "$FC_CHROOT_CACHE.tmp" "$FC_CHROOT_CACHE"
        fi
    fi
}

chroot_cleanup() {
    umount "$root/proc" 2>/dev/null || true
    rm -rf "$root"
}

in_root() {
    chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"
}
