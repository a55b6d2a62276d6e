#!/bin/bash
# Builds the Debian package and the source tarball from this source tree (a
# scratch build configured for /usr) and checks what they hold: the binary,
# the gzipped man page, the bash completion, the catalogs, the conffile and
# docs; Depends produced by shlibdeps covers every library the binary links.
# Installing it on a clean Debian root is tests/pkg/chroot-install.sh.
. "$(dirname "$0")/lib.sh"
src=${FC_SOURCE_DIR:?FC_SOURCE_DIR must point at the source tree}
for tool in cmake cpack dpkg-deb dpkg-shlibdeps gzip; do
    command -v "$tool" >/dev/null || { echo "skip: $tool not installed"; exit 77; }
done

b=$TEST_TMP/build
cmake -S "$src" -B "$b" -DCMAKE_INSTALL_PREFIX=/usr -DFC_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$TEST_TMP/configure.log" 2>&1 ||
    { cat "$TEST_TMP/configure.log"; fail "configure"; finish; }
cmake --build "$b" -j2 >"$TEST_TMP/build.log" 2>&1 || { tail -30 "$TEST_TMP/build.log"; fail "build"; finish; }
(cd "$b" && cpack -G DEB && cpack --config CPackSourceConfig.cmake) >"$TEST_TMP/cpack.log" 2>&1 ||
    { tail -30 "$TEST_TMP/cpack.log"; fail "cpack"; finish; }
deb=$(ls "$b"/fieldcheck_*.deb)
tgz=$(ls "$b"/fieldcheck-*.tar.gz)
[ -f "$deb" ] && pass || fail "no .deb in $b"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/fieldcheck ./usr/share/man/man1/fieldcheck.1.gz \
    ./usr/share/bash-completion/completions/fieldcheck ./etc/fieldcheck/config \
    ./usr/share/locale/zh_CN/LC_MESSAGES/fieldcheck.mo ./usr/share/locale/en/LC_MESSAGES/fieldcheck.mo \
    ./usr/share/doc/fieldcheck/README.md ./usr/share/doc/fieldcheck/packaging.md \
    ./usr/share/doc/fieldcheck/user-guide-zh.md; do
    grep -qx -- "$path" <<<"$contents" && pass || fail "package lacks $path"
done
expect_not_contains "$contents" "/usr/local" "package contents"

expect_exit 0 dpkg-deb -f "$deb" Package Section Maintainer Version Depends Description
expect_contains "$OUT" "Package: fieldcheck"
expect_contains "$OUT" "Section: utils"
expect_contains "$OUT" "医保基金监管"
depends=$(dpkg-deb -f "$deb" Depends)
for pkg in libc6 libsqlite3-0 libsodium23 libjansson4; do
    expect_contains "$depends" "$pkg" "Depends"
done
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
expect_contains "$(cat "$x/usr/share/bash-completion/completions/fieldcheck")" \
    "complete -F _fieldcheck fieldcheck" "completion"

# The source tarball holds the tree, without build output or git metadata.
list=$(tar tzf "$tgz")
expect_contains "$list" "/CMakeLists.txt" "source tarball"
expect_contains "$list" "/packaging/cpack.cmake" "source tarball"
expect_not_contains "$list" "/build/" "source tarball"
expect_not_contains "$list" "/.git/" "source tarball"

finish
