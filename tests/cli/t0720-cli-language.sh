#!/bin/bash
# The CLI speaks the TUI's language: FIELDCHECK_LANG=zh|en, else the locale;
# help and usage follow it, error lines carry a translated category, and
# --json output is byte-identical in both languages.
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

export FIELDCHECK_LOCALEDIR=${FC_BUILD_DIR:?}/locale
if [ ! -f "$FIELDCHECK_LOCALEDIR/zh_CN/LC_MESSAGES/fieldcheck.mo" ]; then
    echo "compiled catalogs not built (msgfmt missing): skipped"
    exit 77
fi
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00 LANG=C.UTF-8
unset LC_ALL LC_MESSAGES LANGUAGE FIELDCHECK_LANG

zh() { FIELDCHECK_LANG=zh "$@"; }
en() { FIELDCHECK_LANG=en "$@"; }

# fieldcheck --help and a command's --help
expect_exit 0 zh "$FC" --help
expect_contains "$OUT" "用法：fieldcheck" "zh --help"
expect_contains "$OUT" "创建本机数据库" "zh --help"
expect_not_contains "$OUT" "create the device database" "zh --help"
expect_exit 0 en "$FC" --help
expect_contains "$OUT" "usage: fieldcheck" "en --help"
expect_contains "$OUT" "create the device database (idempotent)" "en --help"
expect_exit 0 zh "$FC" visit --help
expect_contains "$OUT" "开始一次检查" "zh visit --help"
expect_contains "$OUT" "--inspector NAME" "zh visit --help keeps the synopsis"
expect_exit 0 en "$FC" visit --help
expect_contains "$OUT" "start a visit at a site of a loaded mission" "en visit --help"
expect_exit 0 zh "$FC" help scan
expect_contains "$OUT" "判定：BED_LISTED" "zh help scan keeps verdict names"

# no FIELDCHECK_LANG: the locale decides; C.UTF-8 stays English
expect_exit 0 "$FC" --help
expect_contains "$OUT" "create the device database (idempotent)" "C.UTF-8 --help"
expect_exit 0 env LANG=zh_CN.UTF-8 "$FC" --help
expect_contains "$OUT" "创建本机数据库" "zh_CN locale --help"
# the configuration key ui.lang reaches the CLI like the TUI
printf '[ui]\nlang = zh\n' >"$FIELDCHECK_CONFIG"
expect_exit 0 "$FC" --help
expect_contains "$OUT" "创建本机数据库" "ui.lang = zh --help"
rm -f "$FIELDCHECK_CONFIG"

# errors: the detail in the user's language, the quoted subject unchanged;
# the JSON message stays English (checked below)
expect_exit 1 zh "$FC" help nosuch
expect_contains "$ERR" "fieldcheck: 未知命令 'nosuch'" "zh error"
expect_not_contains "$ERR" "unknown command" "zh error"
expect_exit 1 en "$FC" help nosuch
[ "$ERR" = "fieldcheck: unknown command 'nosuch' (run 'fieldcheck help' for the list)" ] && pass ||
    fail "en error line: $ERR"
expect_exit 1 zh "$FC" scan --bogus
expect_contains "$ERR" "未知选项 '--bogus'" "zh usage error"

# human-readable output is translated, --json output is not
expect_exit 0 zh "$FC" init
expect_contains "$OUT" "数据库就绪" "zh init"
expect_exit 0 en "$FC" init
expect_contains "$OUT" "database ready" "en init"
expect_exit 0 zh "$FC" --json init
zh_json=$OUT
expect_exit 0 en "$FC" --json init
[ "$zh_json" = "$OUT" ] && pass || fail "init --json differs: zh '$zh_json' en '$OUT'"
expect_json "$OUT" .ok true

expect_exit 0 en "$FC" demo --no-tui --seed 5 --dir "$TEST_TMP/m"
expect_exit 0 zh "$FC" --json mission load "$TEST_TMP/m"
zh_json=$OUT
expect_exit 0 en "$FC" --json mission load "$TEST_TMP/m"
[ "$zh_json" = "$OUT" ] && pass || fail "mission load --json differs: zh '$zh_json' en '$OUT'"
expect_json "$OUT" .status unchanged
expect_exit 0 zh "$FC" mission load "$TEST_TMP/m"
expect_contains "$OUT" "任务 'demo-5'" "zh mission load"

# reject reasons: Chinese for people, English in --json (and the same in both languages)
bad=$TEST_TMP/bad
mkdir -p "$bad"
printf '{"mission_id":"BAD","version":1,"kind":"night","title":"t"}' >"$bad/mission.json"
printf 'site_code,ward_code,bed,admission_no,name,id_number\nH11010500001,W1,1,A1,甲,110105199001011233\nH11010500001,W1,1\n' \
    >"$bad/inpatients.csv"
expect_exit 2 zh "$FC" mission load "$bad"
expect_contains "$OUT" "身份证号无效：校验位错误" "zh reject reason"
expect_contains "$OUT" "该行有 3 个字段，表头有 6 个" "zh ragged row"
expect_exit 2 zh "$FC" --json mission load "$bad"
zh_json=$OUT
expect_exit 2 en "$FC" --json mission load "$bad"
[ "$zh_json" = "$OUT" ] && pass || fail "rejects --json differ: zh '$zh_json' en '$OUT'"
expect_json "$OUT" '.rejects[0].reason' "invalid resident ID: bad check digit"

expect_exit 2 zh "$FC" --json visit show
zh_json=$OUT
expect_exit 2 en "$FC" --json visit show
[ "$zh_json" = "$OUT" ] && pass || fail "error --json differs: zh '$zh_json' en '$OUT'"
expect_json "$OUT" .error FC_ENOTFOUND

# the man page's language is named, never taken from the locale: English by
# default, Chinese with "zh" (the page installed as man/zh_CN/man1)
expect_exit 0 zh "$FC" help --man
expect_contains "$OUT" "create the device database" "zh help --man"
expect_not_contains "$OUT" "\\[u521B]" "zh help --man"
expect_exit 0 en "$FC" help --man zh
expect_contains "$OUT" "\\[u521B]\\:\\[u5EFA]" "help --man zh (创建)"
expect_contains "$OUT" ".SH \\[u9000]\\:\\[u51FA]\\:\\[u72B6]\\:\\[u6001]" "help --man zh (退出状态)"
expect_not_contains "$OUT" "create the device database" "help --man zh"
expect_not_contains "$OUT" "EXIT STATUS" "help --man zh"
expect_exit 1 en "$FC" help --man fr
expect_contains "$ERR" "help --man takes en or zh, not 'fr'" "help --man fr"

finish
