#!/bin/bash
# Flight worksheet through the CLI: a mission folder written here, a flight
# visit, verdicts with the amount rules, findings, evidence (changed file ->
# exit 3), an interview, totals, the report and a rebuild that changes nothing.
set -u
bin=${FIELDCHECK_BIN:?}
if ! "$bin" mission --help >/dev/null 2>&1 || ! "$bin" visit --help >/dev/null 2>&1 ||
    ! "$bin" report --help >/dev/null 2>&1; then
    echo "skipped: needs mission load, visit open and report"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FIELDCHECK_DB=$tmp/fc.db FIELDCHECK_HOME=$tmp/home FIELDCHECK_NOW=2026-03-01T09:00:00+08:00
fail=0
check() { # description, expected exit code, command...
    local what=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL: $what: exit $got, wanted $want"
        cat "$tmp/out" "$tmp/err"
        fail=1
    fi
}
has() { # description, file, text
    if ! grep -qF -- "$3" "$2"; then
        echo "FAIL: $1: '$3' not in output"
        cat "$2"
        fail=1
    fi
}

mkdir -p "$tmp/m"
cat >"$tmp/m/mission.json" <<'J'
{"mission_id": "FX-2026-01", "version": 1, "kind": "flight", "title": "飞行检查",
 "issued_at": "2026-02-20T00:00:00Z", "expires_at": "2026-12-31T00:00:00Z"}
J
cat >"$tmp/m/sites.csv" <<'C'
site_code,site_name,site_kind,level,region_code,region_name,bed_count
H11010500001,第一医院,hospital,三级,110105,朝阳区,500
C
cat >"$tmp/m/suspicions.csv" <<'C'
susp_id,rule_code,rule_name,site_code,site_name,setl_id,admission_no,name,id_number,item_code,item_name,qty,unit_price,amount,susp_amount,settled_on,description
S001,R01,串换药品,H11010500001,第一医院,SET1,A100,张小三,110105199001011232,X001,阿莫西林,10,12.5,125,100,2026-01-02,串换
S002,R02,挂床住院,H11010500001,第一医院,SET2,A101,李四,,B01,床位费,3,40,120,120,2026-01-03,挂床
S003,R02,挂床住院,H11010500001,第一医院,SET3,A102,王五,,B01,床位费,2,40,80,80,2026-01-04,挂床
C

check "mission load" 0 "$bin" mission load "$tmp/m"
check "visit open" 0 "$bin" visit open --site H11010500001 --kind flight --inspector 刘检查 \
    --inspector 陈检查
check "list" 0 env FIELDCHECK_LANG=en "$bin" susp list
has "list" "$tmp/out" "S003"
has "list in English" "$tmp/out" "suspicion    rule"
has "states labelled" "$tmp/out" "not yet checked"
if grep -q "疑点编号" "$tmp/out"; then echo "FAIL: Chinese headers in English"; fail=1; fi
check "list zh" 0 env FIELDCHECK_LANG=zh "$bin" susp list
has "list in Chinese" "$tmp/out" "疑点编号"
has "states in Chinese" "$tmp/out" "待查"
check "masked" 0 "$bin" --json susp show S001
has "masked name" "$tmp/out" '"name":"张*三"'
check "partial without amount" 2 "$bin" susp verify S002 --verdict 部分属实
check "over line amount" 2 "$bin" susp verify S002 --verdict PARTIAL --amount 130
check "over with reason" 0 "$bin" susp verify S002 --verdict PARTIAL --amount 130 \
    --over-reason "多计两日"
check "fund loss above irregular" 2 "$bin" susp verify S001 --verdict CONFIRMED --fund-loss 101
check "confirmed default" 0 "$bin" --json susp verify S001 --verdict 属实
has "default amount" "$tmp/out" '"irregular":"100.00"'
check "bad verdict" 1 "$bin" susp verify S001 --verdict MAYBE
check "refuted" 0 "$bin" susp verify S003 --verdict REFUTED
check "assign" 0 "$bin" susp assign S001 --inspector 陈检查
check "respond" 0 "$bin" susp respond S001 --text "系录入错误"
check "filter" 0 "$bin" --json susp list --state CONFIRMED --inspector 陈检查
[ "$(wc -l <"$tmp/out")" = 1 ] || { echo "FAIL: filter gave $(wc -l <"$tmp/out") lines"; fail=1; }
echo "photo" >"$tmp/photo.jpg"
check "unknown code" 2 "$bin" finding add --code V99 --amount 1 --note x
check "finding" 0 "$bin" finding add --code V38-4 --amount 100 --fund-loss 90 --lines S001 \
    --patients A100 --note "串换为高价药" --evidence "$tmp/photo.jpg"
check "finding list" 0 "$bin" finding list
has "finding list" "$tmp/out" "V38-4"
# a mistaken finding is voided with a reason: it leaves the list, stays in the log
check "second finding" 0 "$bin" --json finding add --code V38-3 --amount 5 --note "录错"
wrong=$(jq -r '.event_id // .id // empty' <"$tmp/out")
[ -n "$wrong" ] || { echo "FAIL: finding add --json gave no event id"; cat "$tmp/out"; fail=1; }
check "void without reason" 1 "$bin" void "$wrong"
check "void finding" 0 "$bin" void "$wrong" --reason "录入错误"
check "void twice" 2 "$bin" void "$wrong" --reason "again"
check "finding list after void" 0 "$bin" finding list
if grep -qF "V38-3" "$tmp/out"; then echo "FAIL: voided finding still listed"; fail=1; fi
has "finding list after void" "$tmp/out" "V38-4"
check "evidence verify" 0 "$bin" evidence verify
echo "edited" >"$tmp/photo.jpg"
check "evidence changed" 3 "$bin" evidence verify
check "interview" 0 "$bin" interview add --place 院长办公室 --person "王某:院长" \
    --q "是否知情？" --a "不知情" --refused "不同意笔录内容"
check "interview needs signature" 2 "$bin" interview add --place x --person a --q b --a c
check "totals" 0 "$bin" --json susp totals
has "totals" "$tmp/out" '"irregular":"230.00"'
check "report md" 0 env FIELDCHECK_LANG=zh "$bin" report --format md -o "$tmp/r.md"
has "report" "$tmp/r.md" "现场检查笔录"
has "report basis" "$tmp/r.md" "第三十八条第（四）项"
check "rebuild" 0 "$bin" --json db rebuild
has "rebuild" "$tmp/out" '"same":true'
check "help" 0 "$bin" interview --help
exit $fail
