#!/bin/bash
# Fails when packaging/po/fieldcheck.pot is stale against the sources (the same
# xgettext run as packaging/po/update.sh over ui/, app/ and core/), or when a
# message of the .pot is missing, untranslated or fuzzy in zh_CN.po or en.po.
set -u
top=${1:-.}
cd "$top" || exit 2
for tool in xgettext msgcmp msgattrib; do
    if ! command -v "$tool" >/dev/null; then
        echo "check-translations: $tool not installed (package gettext)"
        exit 77
    fi
done
po=packaging/po
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fc-po-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

# shellcheck disable=SC2046
xgettext --from-code=UTF-8 --language=C -k_ -kN_ -kui_tr:1 -kNC_:1c,2 -kFC_NC_:1c,2 -kP_:1c,2 -kui_pgettext:1c,2 --sort-by-file \
    -kfc_error_set:3 -kfc_error_setsys:4 -kfc_error_prefix:2 -kfc_tr -kFC_N_ -kloader_reject:5 -kloader_warn:7 -krecord_error:2 \
    --flag=loader_reject:5:c-format --flag=loader_warn:7:c-format --flag=record_error:2:c-format \
    --flag=fc_error_set:3:c-format \
    --flag=fc_error_setsys:4:c-format --flag=fc_error_prefix:2:c-format \
    --package-name=fieldcheck --msgid-bugs-address=none -o "$tmp/fresh.pot" \
    $(find ui app core sync -name '*.c' | LC_ALL=C sort) || exit 2
# Message ids only: locations and dates may differ without the .pot being stale.
ids() { msgcat --no-location --no-wrap --sort-output "$1" | sed -n '/^msgid ""$/,/^$/!p' |
    grep -v '^#'; }
if ! diff <(ids "$po/fieldcheck.pot") <(ids "$tmp/fresh.pot") >"$tmp/diff"; then
    echo "fieldcheck.pot is stale (run packaging/po/update.sh):"
    sed 's/^/  /' "$tmp/diff"
    fail=1
fi

for lang in zh_CN en; do
    # msgcmp counts untranslated and fuzzy entries of the catalog as missing.
    if ! msgcmp "$po/$lang.po" "$po/fieldcheck.pot" >"$tmp/cmp" 2>&1; then
        echo "$lang.po is incomplete:"
        sed 's/^/  /' "$tmp/cmp"
        fail=1
    fi
    fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po/$lang.po" | grep -c '^msgid ' || true)
    if [ "$fuzzy" -gt 0 ]; then
        echo "$lang.po has $fuzzy fuzzy entries"
        fail=1
    fi
done

[ $fail -eq 0 ] && echo "translations ok"
exit $fail
