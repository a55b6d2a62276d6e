#!/bin/sh
# Re-extracts the translatable strings into fieldcheck.pot and merges them into
# the catalogs. Message ids are the English texts marked with _(), N_() and the
# first argument of ui_tr(), in ui/, app/ and core/; Chinese for UI chrome also
# lives in the tables, so zh_CN.po only needs updating when a translation
# should differ from it. tests/lint/check-translations.sh runs the same
# extraction and fails when the .pot is stale or a catalog is incomplete.
set -eu
cd "$(dirname "$0")/../.."
pot_sources() {
    find ui app core sync -name '*.c' | LC_ALL=C sort
}
# shellcheck disable=SC2046
xgettext --from-code=UTF-8 --language=C -k_ -kN_ -kui_tr:1 -kNC_:1c,2 -kFC_NC_:1c,2 -kP_:1c,2 -kui_pgettext:1c,2 --sort-by-file \
    -kfc_error_set:3 -kfc_error_setsys:4 -kfc_error_prefix:2 -kfc_tr -kFC_N_ -kloader_reject:5 -kloader_warn:7 -krecord_error:2 \
    --flag=loader_reject:5:c-format --flag=loader_warn:7:c-format --flag=record_error:2:c-format \
    --flag=fc_error_set:3:c-format \
    --flag=fc_error_setsys:4:c-format --flag=fc_error_prefix:2:c-format \
    --package-name=fieldcheck --msgid-bugs-address=none \
    -o packaging/po/fieldcheck.pot $(pot_sources)
for po in packaging/po/zh_CN.po packaging/po/en.po; do
    msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" packaging/po/fieldcheck.pot
done
