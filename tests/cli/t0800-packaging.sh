#!/bin/bash
# Builds the Debian package and the source tarball from this source tree (a
# scratch build configured for /usr, or the one FC_PKG_BUILD names, where
# tests/run.sh made them) and checks what they hold: the binary
# (hardened), the English and Chinese man pages, the bash completion, the
# catalogs, the conffile, the desktop entry, copyright, changelog and docs;
# Depends produced by shlibdeps covers every library the binary links; lintian
# reports no error and no warning.
# Installing it on a clean Debian root is tests/pkg/chroot-install.sh.
. "$(dirname "$0")/lib.sh"
src=${FC_SOURCE_DIR:?FC_SOURCE_DIR must point at the source tree}
for tool in cmake cpack dpkg-deb dpkg-shlibdeps gzip; do
    command -v "$tool" >/dev/null || { echo "skip: $tool not installed"; exit 77; }
done

# tests/run.sh makes the package from its release build (configured for
# /usr) and names that build in FC_PKG_BUILD; alone, this test makes its own.
if [ -n "${FC_PKG_BUILD:-}" ]; then
    b=$FC_PKG_BUILD
    grep -qx 'CMAKE_INSTALL_PREFIX:PATH=/usr' "$b/CMakeCache.txt" ||
        { fail "FC_PKG_BUILD=$b is not configured for /usr"; finish; }
else
    b=$TEST_TMP/build
    cmake -S "$src" -B "$b" -DCMAKE_INSTALL_PREFIX=/usr -DFC_TESTS=OFF \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$TEST_TMP/configure.log" 2>&1 ||
        { cat "$TEST_TMP/configure.log"; fail "configure"; finish; }
    cmake --build "$b" -j2 >"$TEST_TMP/build.log" 2>&1 || { tail -30 "$TEST_TMP/build.log"; fail "build"; finish; }
    (cd "$b" && cpack -G DEB && cpack --config CPackSourceConfig.cmake) >"$TEST_TMP/cpack.log" 2>&1 ||
        { tail -30 "$TEST_TMP/cpack.log"; fail "cpack"; finish; }
fi
deb=$(ls "$b"/fieldcheck_*.deb)
tgz=$(ls "$b"/fieldcheck-*.tar.gz)
[ -f "$deb" ] && pass || fail "no .deb in $b"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
doc=./usr/share/doc/fieldcheck
for path in ./usr/bin/fieldcheck ./usr/share/man/man1/fieldcheck.1.gz \
    ./usr/share/man/zh_CN/man1/fieldcheck.1.gz \
    ./usr/share/bash-completion/completions/fieldcheck ./etc/fieldcheck/config \
    ./usr/share/locale/zh_CN/LC_MESSAGES/fieldcheck.mo ./usr/share/locale/en/LC_MESSAGES/fieldcheck.mo \
    ./usr/share/applications/fieldcheck.desktop ./usr/share/icons/hicolor/scalable/apps/fieldcheck.svg \
    ./usr/share/lintian/overrides/fieldcheck \
    $doc/copyright $doc/changelog.Debian.gz $doc/README.md.gz $doc/packaging.md.gz \
    $doc/user-guide-zh.md.gz $doc/user-guide-en.md.gz $doc/mission-format.md.gz \
    $doc/csv-import.md.gz $doc/bundle-format.md.gz $doc/identifiers.md.gz; do
    grep -qx -- "$path" <<<"$contents" && pass || fail "package lacks $path"
done
expect_not_contains "$contents" "/usr/local" "package contents"

expect_exit 0 dpkg-deb -f "$deb" Package Section Maintainer Version Depends Description
expect_contains "$OUT" "Package: fieldcheck"
expect_contains "$OUT" "Section: utils"
expect_contains "$OUT" "医保基金监管"
# A real address: a name and an address at a domain, never localhost.
maint=$(dpkg-deb -f "$deb" Maintainer)
[[ $maint =~ ^[^\<]+\ \<[^@\ ]+@[a-z0-9-]+(\.[a-z0-9-]+)+\>$ ]] && pass || fail "Maintainer '$maint'"
expect_not_contains "$maint" "localhost" "Maintainer"
depends=$(dpkg-deb -f "$deb" Depends)
for pkg in libc6 libsqlite3-0 libsodium23 libjansson4; do
    expect_contains "$depends" "$pkg" "Depends"
done
# libpq is dlopen()ed for a PostgreSQL store only: shlibdeps cannot see it,
# so it is recommended by hand, and not linked.
expect_contains "$(dpkg-deb -f "$deb" Recommends)" "libpq5 (>= 9.2~beta3)" "Recommends"
expect_not_contains "$depends" "libpq5" "Depends"
# Every shared library the packaged binary needs comes from a package in Depends.
x=$TEST_TMP/x
dpkg-deb -x "$deb" "$x"
while read -r lib; do
    file=$(ldd "$x/usr/bin/fieldcheck" | awk -v l="$lib" '$1 == l {print $3}')
    owner=$(dpkg -S "$(readlink -f "$file")" 2>/dev/null | head -n 1 | cut -d: -f1)
    [ -n "$owner" ] || owner=$(dpkg -S "$file" 2>/dev/null | head -n 1 | cut -d: -f1)
    if [ -z "$owner" ]; then
        fail "no package owns $lib ($file)"
    else
        expect_contains "$depends" "$owner" "Depends (for $lib)"
    fi
done < <(readelf -d "$x/usr/bin/fieldcheck" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')

# The conffile is declared, the sample parses, the page is the generated one.
dpkg-deb -e "$deb" "$TEST_TMP/control"
expect_contains "$(cat "$TEST_TMP/control/conffiles")" "/etc/fieldcheck/config"
FIELDCHECK_CONFIG=$x/etc/fieldcheck/config expect_exit 0 "$x/usr/bin/fieldcheck" config list
expect_exit 0 "$x/usr/bin/fieldcheck" --version
expect_contains "$OUT" "bundle format: "
man=$(gzip -dc "$x/usr/share/man/man1/fieldcheck.1.gz")
expect_contains "$man" ".SH COMMANDS" "man page"
expect_contains "$man" ".SS config" "man page"
# The Chinese page: the same generator through the zh_CN catalog, every
# command, Chinese headings and texts, and no groff warnings (groff cannot
# break Chinese lines by itself; the generator marks the break points).
manzh=$(gzip -dc "$x/usr/share/man/zh_CN/man1/fieldcheck.1.gz")
expect_contains "$manzh" ".SH \\[u540D]\\:\\[u79F0]" "Chinese man page (名称)"
expect_contains "$manzh" "\\[u521B]\\:\\[u5EFA]" "Chinese man page (创建, init's summary)"
expect_not_contains "$manzh" "create the device database" "Chinese man page"
for cmd in $(grep '^\.SS ' <<<"$man" | cut -d' ' -f2); do
    expect_contains "$manzh" ".SS $cmd" "Chinese man page"
done
if command -v man >/dev/null; then
    warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l \
        "$x/usr/share/man/zh_CN/man1/fieldcheck.1.gz" 2>&1 >/dev/null)
    [ -z "$warn" ] && pass || fail "Chinese man page: groff warnings: $warn"
    page=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$x/usr/share/man/zh_CN/man1/fieldcheck.1.gz" 2>&1)
    expect_contains "$page" "医保基金监管离线现场检查工具" "rendered Chinese man page"
    expect_contains "$page" "退出状态" "rendered Chinese man page"
fi

# The Debian changelog names exactly the package's version; copyright is in
# the machine-readable format (lintian checks the syntax below).
version=$(dpkg-deb -f "$deb" Version)
[[ $version == *-* ]] && pass || fail "Version '$version' has no Debian revision"
head1=$(gzip -dc "$x/usr/share/doc/fieldcheck/changelog.Debian.gz" | head -n 1)
expect_contains "$head1" "fieldcheck ($version) " "changelog.Debian.gz"
expect_contains "$(head -n 1 "$x/usr/share/doc/fieldcheck/copyright")" \
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" "copyright"
gzip -t "$x"/usr/share/doc/fieldcheck/*.gz && pass || fail "a compressed doc is corrupt"

# Hardened binary: PIE, full RELRO with BIND_NOW, stack protector, fortified
# functions (what lintian's hardening tags look for).
bin=$x/usr/bin/fieldcheck
expect_contains "$(readelf -h "$bin")" "DYN (Position-Independent Executable" "PIE"
expect_contains "$(readelf -d "$bin")" "BIND_NOW" "bindnow"
expect_contains "$(readelf -lW "$bin")" "GNU_RELRO" "relro"
dyn=$(readelf --dyn-syms -W "$bin")
expect_contains "$dyn" "__stack_chk_fail" "stack protector"
grep -Eq '__[a-z]+_chk(@| )' <<<"$(grep -v __stack_chk_fail <<<"$dyn")" && pass ||
    fail "no fortified (_chk) function in the binary"

# The desktop entry opens the TUI in a terminal.
desktop=$x/usr/share/applications/fieldcheck.desktop
expect_contains "$(cat "$desktop")" "Exec=fieldcheck tui" "desktop entry"
expect_contains "$(cat "$desktop")" "Terminal=true" "desktop entry"
if command -v desktop-file-validate >/dev/null; then
    expect_exit 0 desktop-file-validate "$desktop"
    [ -z "$OUT$ERR" ] && pass || fail "desktop-file-validate: $OUT $ERR"
else
    echo "note: desktop-file-validate not installed (desktop-file-utils), entry not validated"
fi

# lintian: no error and no warning. Overrides live in
# packaging/debian/lintian-overrides, each with its reason.
if command -v lintian >/dev/null; then
    lint=$(lintian --pedantic --tag-display-limit 0 "$deb" 2>&1 |
        grep -v 'running with root privileges')
    printf '%s\n' "$lint" | sed 's/^/lintian: /'
    bad=$(grep -E '^(E|W): ' <<<"$lint")
    [ -z "$bad" ] && pass || fail "lintian errors or warnings: $bad"
else
    echo "note: lintian not installed (tests/run.sh installs it), package not linted"
fi
expect_contains "$(cat "$x/usr/share/bash-completion/completions/fieldcheck")" \
    "complete -F _fieldcheck fieldcheck" "completion"

# The source tarball holds the tree, without build output or git metadata.
list=$(tar tzf "$tgz")
expect_contains "$list" "/CMakeLists.txt" "source tarball"
expect_contains "$list" "/packaging/cpack.cmake" "source tarball"
expect_not_contains "$list" "/build/" "source tarball"
expect_not_contains "$list" "/.git/" "source tarball"

finish
