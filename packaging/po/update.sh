#!/bin/sh
# Re-extracts the UI strings into fieldcheck.pot and merges them into the
# catalogs. Message ids are the English texts marked with _(), N_() and the
# first argument of ui_tr(); Chinese for UI chrome also lives in the tables,
# so zh_CN.po only needs updating when a translation should differ from it.
set -eu
cd "$(dirname "$0")/../.."
xgettext --from-code=UTF-8 --language=C -k_ -kN_ -kui_tr:1 --sort-by-file \
    --package-name=fieldcheck --msgid-bugs-address=none \
    -o packaging/po/fieldcheck.pot ui/*.c
for po in packaging/po/zh_CN.po packaging/po/en.po; do
    msgmerge --quiet --update --backup=none "$po" packaging/po/fieldcheck.pot
done
