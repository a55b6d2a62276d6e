#!/bin/bash
# Installs a fieldcheck .deb on a clean Debian 12 (bookworm) minbase root and
# runs it there: dpkg -i, apt-get -f install for the dependencies, then
# `fieldcheck --version` and the demo (or `init` while the binary has no demo
# command). Proves the package's Depends are complete on a machine that has
# none of the build dependencies, that the documents, both manual pages
# (`man -L zh_CN fieldcheck`) and the desktop entry are where users look.
#
# usage: tests/pkg/chroot-install.sh PATH/TO/fieldcheck_*.deb
# Needs root, debootstrap and access to a Debian mirror (FC_DEBIAN_MIRROR,
# default http://deb.debian.org/debian). Takes a few minutes; see
# docs/packaging.md.
set -euo pipefail

deb=${1:?usage: chroot-install.sh PATH/TO/fieldcheck.deb}
[ -f "$deb" ] || { echo "chroot-install: no such file '$deb'" >&2; exit 2; }
# shellcheck source=tests/pkg/chroot-lib.sh
. "$(dirname "$0")/chroot-lib.sh"
start=$(date +%s)
chroot_bootstrap chroot-install
cp "$deb" "$root/tmp/fieldcheck.deb"

# dpkg leaves the package unconfigured when dependencies are missing;
# apt-get -f install then fetches exactly what Depends names.
in_root dpkg -i /tmp/fieldcheck.deb >/dev/null 2>&1 || true
in_root apt-get -f install -y -qq --no-install-recommends >/dev/null 2>&1
in_root dpkg-query -W -f='${Status}\n' fieldcheck | grep -q "install ok installed"

in_root fieldcheck --version
in_root test -f /etc/fieldcheck/config
in_root sh -c 'zcat /usr/share/man/man1/fieldcheck.1.gz | head -n 3 >/dev/null'
# What a Debian user finds: copyright and changelog, the format documents
# headquarters needs, both manual pages, the desktop entry and its icon.
doc=/usr/share/doc/fieldcheck
for f in $doc/copyright $doc/changelog.Debian.gz $doc/README.md.gz $doc/mission-format.md.gz \
    $doc/csv-import.md.gz $doc/bundle-format.md.gz $doc/identifiers.md.gz \
    $doc/user-guide-zh.md.gz $doc/user-guide-en.md.gz \
    /usr/share/man/man1/fieldcheck.1.gz /usr/share/man/zh_CN/man1/fieldcheck.1.gz \
    /usr/share/applications/fieldcheck.desktop /usr/share/icons/hicolor/scalable/apps/fieldcheck.svg \
    /usr/share/bash-completion/completions/fieldcheck; do
    in_root test -s "$f" || { echo "chroot-install: the package did not install $f" >&2; exit 1; }
done
in_root grep -qx 'Exec=fieldcheck tui' /usr/share/applications/fieldcheck.desktop
in_root grep -qx 'Terminal=true' /usr/share/applications/fieldcheck.desktop
in_root sh -c "zcat $doc/mission-format.md.gz | grep -q mission.json"
# man -L zh_CN as a user would read it: man-db is not in a minbase root.
in_root apt-get install -y -qq --no-install-recommends man-db >/dev/null 2>&1
page_en=$(in_root env MANPAGER=cat MANWIDTH=80 man fieldcheck 2>&1)
page_zh=$(in_root env MANPAGER=cat MANWIDTH=80 man -L zh_CN fieldcheck 2>&1)
grep -q 'EXIT STATUS' <<<"$page_en" || { echo "chroot-install: man fieldcheck: $page_en" | head -20 >&2; exit 1; }
grep -q '退出状态' <<<"$page_zh" && grep -q '医保基金监管离线现场检查工具' <<<"$page_zh" ||
    { echo "chroot-install: man -L zh_CN fieldcheck is not Chinese:" >&2; head -20 <<<"$page_zh" >&2; exit 1; }
if in_root fieldcheck demo --help >/dev/null 2>&1; then
    in_root env FIELDCHECK_HOME=/tmp/fc-demo fieldcheck demo --no-tui
else
    in_root env FIELDCHECK_HOME=/tmp/fc-demo fieldcheck init
fi
in_root env FIELDCHECK_HOME=/tmp/fc-demo fieldcheck db check

echo "chroot-install: ok in $(($(date +%s) - start)) s" >&2
