#!/bin/bash
# packaging/install-deps.sh keeps one list per purpose: --build (what
# packaging/demo.sh needs to build and run), --package (+ the .deb tools),
# --test (everything tests/run.sh needs). Checks the lists against the build
# itself: every pkg-config module CMake requires comes from a package of the
# --build list (cmocka, needed by the tests only, from the --test list), no
# test tool is in the --build list, and the scripts ask for the right list.
# Building the demo on a clean Debian 12 root is tests/pkg/chroot-demo.sh.
. "$(dirname "$0")/lib.sh"
src=${FC_SOURCE_DIR:?FC_SOURCE_DIR must point at the source tree}
deps=$src/packaging/install-deps.sh
for tool in dpkg dpkg-query pkg-config; do
    command -v "$tool" >/dev/null || { echo "skip: $tool not installed"; exit 77; }
done

expect_exit 0 sh "$deps" --list --build
build=$OUT
expect_exit 0 sh "$deps" --list --package
package=$OUT
expect_exit 0 sh "$deps" --list --test
testl=$OUT
expect_exit 0 sh "$deps" --list
[ "$OUT" = "$testl" ] && pass || fail "no purpose should mean --test"
expect_exit 1 sh "$deps" --bogus
expect_contains "$ERR" "usage: install-deps.sh"

in_list() { grep -qx -- "$1" <<<"$2"; }
for p in build-essential cmake pkg-config gettext; do
    in_list "$p" "$build" && pass || fail "--build lacks $p"
done
for p in $build; do
    in_list "$p" "$package" && pass || fail "--package lacks the build package $p"
done
for p in $package; do
    in_list "$p" "$testl" && pass || fail "--test lacks $p"
done
for p in dpkg-dev file; do
    in_list "$p" "$package" && pass || fail "--package lacks $p"
    in_list "$p" "$build" && fail "--build has the packaging tool $p" || pass
done
# The test tool chain stays out of the demo's list.
for p in chromium clang libclang-rt-14-dev clang-format tmux lintian libcmocka-dev poppler-utils \
    fonts-wqy-microhei zbar-tools jq sqlite3 desktop-file-utils python3 locales postgresql \
    debootstrap groff-base man-db; do
    in_list "$p" "$testl" && pass || fail "--test lacks $p"
    in_list "$p" "$build" && fail "--build has the test package $p" || pass
done

# Every module of a pkg_check_modules() call: which package holds its .pc,
# and is that package in the list of the purpose that needs it?
owner() { # module -> package owning its .pc file
    local pc
    pc=$(pkg-config --path "$1" 2>/dev/null) || return 1
    dpkg -S "$(readlink -f "$pc")" 2>/dev/null | head -n 1 | cut -d: -f1 ||
        dpkg -S "$pc" 2>/dev/null | head -n 1 | cut -d: -f1
}
modules() { # CMake file -> the modules it asks pkg-config for (the lower-case words)
    tr '\n' ' ' <"$1" | grep -o 'pkg_check_modules([^)]*)' | sed 's/^pkg_check_modules(//; s/)$//' |
        tr ' ' '\n' | grep -Ev '^[A-Z0-9_]*$' || true
}
top_mods=$(modules "$src/CMakeLists.txt")
test_mods=$(modules "$src/tests/CMakeLists.txt")
[ "$(wc -w <<<"$top_mods")" -ge 7 ] && pass || fail "found only '$top_mods' in CMakeLists.txt"
for m in $top_mods; do
    in_list "$m" "$test_mods" && continue # cmocka: probed at the top for FC_TESTS=AUTO
    p=$(owner "$m") || { fail "pkg-config does not know module $m"; continue; }
    in_list "$p" "$build" && pass || fail "module $m comes from $p, which --build does not install"
done
for m in $test_mods; do
    p=$(owner "$m") || { fail "pkg-config does not know module $m"; continue; }
    in_list "$p" "$testl" && pass || fail "test module $m comes from $p, which --test does not install"
    in_list "$p" "$build" && fail "--build installs the test module's package $p" || pass
done
# Programs the build runs: msgfmt (catalogs) from the list, gzip essential.
p=$(dpkg -S "$(readlink -f "$(command -v msgfmt)")" 2>/dev/null | cut -d: -f1)
in_list "$p" "$build" && pass || fail "msgfmt comes from '$p', not in --build"
expect_contains "$(dpkg-query -W -f='${Essential}' gzip)" "yes" "gzip is Essential"

# Each script asks for its own list; the README's two commands stay as they are.
expect_contains "$(cat "$src/packaging/demo.sh")" "install-deps.sh --build" "demo.sh"
expect_contains "$(cat "$src/tests/run.sh")" "install-deps.sh --test" "tests/run.sh"
readme=$(cat "$src/README.md")
expect_contains "$readme" "./packaging/demo.sh     # install what is missing, build, and open the tool on a demo mission"
expect_contains "$readme" "./tests/run.sh          # install what is missing, build, and run the full test suite (+ ASan/UBSan, fuzz)"

finish
