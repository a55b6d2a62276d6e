#!/bin/bash
# The 双随机 draw: hq draw with 回避 (former employer, relatives, own region in
# a cross-region draw), exclusion of institutions inspected recently (from
# the file and from HQ's own visits), the top of a ranking; a signed record
# that hq draw verify re-derives and that refuses a change to the record or
# an input; an independent re-derivation from docs/draw.md alone
# (draw_rederive.py); team packs that only the team's devices open and that
# hold only the team's institution; the on-site draw recorded as an event.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T10:00:00+08:00
w=$TEST_TMP
py=${PYTHON:-python3}
rederive="$FC_SOURCE_DIR/tests/cli/draw_rederive.py"
hq="$FC hq --hq $w/hq"
cd "$w" || exit 2

cat >targets.csv <<'EOF'
机构编码,机构名称,机构类别,所在区划,区划名称,基金支付金额,上次检查日期
H31010400001,徐汇医院一,定点医疗机构,310104,徐汇区,12345678.50,
H31010400002,徐汇医院二,定点医疗机构,310104,徐汇区,22345678,2026-01-15
H31010500003,长宁医院,定点医疗机构,310105,长宁区,5345678,
H32010200004,南京医院,定点医疗机构,320102,玄武区,9345678.1,2024-03-01
P31010400005,徐汇药房,定点零售药店,310104,徐汇区,345678,
P32010200006,南京药房,,320102,玄武区,445678,
H32010200007,南京二院,,320102,玄武区,1000000,
H32010200008,南京三院,,320102,玄武区,,
EOF
cat >inspectors.csv <<'EOF'
inspector_id,name,region_code,former_employers,relatives_at,devices
I001,张三,310104,H31010400001,,
I002,李四,310104,,,
I003,王五,320102,,H32010200004,
I004,赵六,320102,,,
I005,钱七,310105,,,
I006,孙八,310105,,,
I007,周九,320102,,,
I008,吴十,310104,H32010200007;H32010200008,,
I009,郑一,320205,,,
I010,冯二,320205,,,
I011,陈三,310112,,,
I012,褚四,310112,,,
EOF
expect_exit 0 $hq init

# many seeds: every draw honours the conflicts and re-derives independently
for s in 1 2 3 4 5 6 7 8 9 10 "2026 03 01 开奖" " padded "; do
    expect_exit 0 $hq --json draw --targets targets.csv --inspectors inspectors.csv --seed "$s" \
        --count hospital=2,pharmacy=1 --cross-region city --exclude-days 365 -o "d.json"
    rec=$OUT
    # 回避: no inspector at an institution listed against them, none in their own city
    bad=$(printf '%s\n' "$rec" | jq -r '.record.result[] | .site_code as $s | .region_code as $r |
        .team[] | select((.id == "I001" and $s == "H31010400001") or
        (.id == "I003" and $s == "H32010200004") or
        (.id == "I008" and ($s == "H32010200007" or $s == "H32010200008"))) | .id')
    [ -z "$bad" ] && pass || fail "seed $s: conflict ignored: $bad"
    regions=$(printf '%s\n' "$rec" | jq -r '.record.result[] | .region_code[0:4] as $r |
        .team[] | .id' | sort | uniq -d)
    [ -z "$regions" ] && pass || fail "seed $s: an inspector on two teams: $regions"
    # cross-region: team members come from another city than the institution
    own=$(printf '%s\n' "$rec" | jq -r '.record.result[] | .region_code[0:4] as $r | .team[].id' |
        while read -r id; do grep "^$id," inspectors.csv | cut -d, -f3 | cut -c1-4; done | tr '\n' ' ')
    sites=$(printf '%s\n' "$rec" | jq -r '.record.result[] | .region_code[0:4] as $r |
        .team[] | $r' | tr '\n' ' ')
    [ -n "$own" ] && [ "$(paste <(echo "$own" | tr ' ' '\n') <(echo "$sites" | tr ' ' '\n') |
        awk '$1 != "" && $1 == $2' | wc -l)" = 0 ] && pass ||
        fail "seed $s: an inspector from the institution's own city ($own / $sites)"
    # exclusion: inspected 2026-01-15, within 365 days
    expect_not_contains "$(printf '%s\n' "$rec" | jq -c '.record.result')" H31010400002
    expect_json "$rec" '.record.excluded[0].site_code' H31010400002
    expect_exit 0 $hq draw verify d.json
    expect_exit 0 "$py" "$rederive" hq d.json targets.csv inspectors.csv
done

# the same seed and inputs: the same draw, whatever the order of the rows
expect_exit 0 $hq --json draw --targets targets.csv --inspectors inspectors.csv --seed 42 \
    --count 3 --top 4 -o a.json
first=$(printf '%s\n' "$OUT" | jq -c '.record.result')
# --top 4: only the four largest fund payments can be drawn
for s in $(printf '%s\n' "$OUT" | jq -r '.record.result[].site_code'); do
    case $s in H31010400002 | H31010400001 | H32010200004 | H31010500003) pass ;;
    *) fail "--top 4 drew $s" ;; esac
done
(head -n1 targets.csv && tail -n +2 targets.csv | tac) >targets-rev.csv
(head -n1 inspectors.csv && tail -n +2 inspectors.csv | tac) >inspectors-rev.csv
expect_exit 0 $hq --json draw --targets targets-rev.csv --inspectors inspectors-rev.csv \
    --seed 42 --count 3 --top 4 -o b.json
[ "$(printf '%s\n' "$OUT" | jq -c '.record.result')" = "$first" ] && pass ||
    fail "row order changed the draw"
expect_exit 0 $hq --json draw --targets targets.csv --inspectors inspectors.csv --seed 43 \
    --count 3 --top 4 -o c.json
[ "$(printf '%s\n' "$OUT" | jq -c '.record.result')" != "$first" ] && pass ||
    fail "another seed gave the same draw"
[ "$(stat -c %a a.json)" = 600 ] && pass || fail "draw record mode $(stat -c %a a.json)"

# a record changed after signing, or an input changed: refused (exit 3)
jq '.record.result[0].team[0].name = "someone else"' a.json >forged.json
cp targets.csv targets.keep
expect_exit 3 $hq draw verify forged.json
expect_contains "$ERR" "was changed after this HQ"
# a record another HQ signed names that HQ
expect_exit 0 "$FC" hq --hq "$w/hq2" init
expect_exit 0 "$FC" hq --hq "$w/hq2" draw --targets targets.csv --inspectors inspectors.csv \
    --seed 7 --count 1 -o other.json
expect_exit 3 $hq draw verify other.json
expect_contains "$ERR" "is not signed by this HQ"
expect_contains "$ERR" "$(jq -r .signed_by other.json)"
# what was verified: the inputs with their SHA-256 and the signer
expect_exit 0 $hq draw verify a.json
expect_contains "$OUT" "targets.csv: 8 rows, SHA-256 $(sha256sum targets.csv | cut -d' ' -f1)"
expect_contains "$OUT" "inspectors.csv: 12 rows, SHA-256 $(sha256sum inspectors.csv | cut -d' ' -f1)"
expect_contains "$OUT" "signed by   HQ $(jq -r .signed_by a.json)"
expect_exit 0 $hq --json draw verify a.json
expect_json "$OUT" .signed_by "$(jq -r .signed_by a.json)"
sed -i 's/22345678/22345679/' targets.csv
expect_exit 3 $hq draw verify a.json
expect_contains "$ERR" "not the targets file"
cp targets.keep targets.csv
expect_exit 0 $hq draw verify a.json --targets targets.csv

# impossible draws fail and write nothing
expect_exit 2 $hq draw --targets targets.csv --inspectors inspectors.csv --seed 1 \
    --count pharmacy=3 -o x.json
expect_contains "$ERR" "only 2 candidate"
expect_exit 2 $hq draw --targets targets.csv --inspectors inspectors.csv --seed 1 \
    --count 5 --team-size 3 -o x.json
expect_contains "$ERR" "without a conflict"
[ ! -e x.json ] && pass || fail "a failed draw wrote a record"
expect_exit 1 $hq draw --targets targets.csv --inspectors inspectors.csv --seed 1 --count 1 \
    --team-size 1
expect_exit 1 $hq draw --targets targets.csv --inspectors inspectors.csv --seed "   " --count 1
printf 'site_code,site_name\nH3101040001,x\n' >bad.csv
expect_exit 2 $hq draw --targets bad.csv --inspectors inspectors.csv --seed 1 --count 1
expect_contains "$ERR" "line 2"

# two devices, a mission; HQ's visit to one institution excludes it
mkdir -p m
cat >m/mission.json <<'EOF'
{"mission_id":"FLY-1","version":1,"kind":"night","title":"t","issued_at":"2026-03-01T00:00:00+08:00","expires_at":"2026-04-01T00:00:00+08:00"}
EOF
{
    echo 'site_code,site_name,site_kind,region_code'
    tail -n +2 targets.csv | cut -d, -f1,2,4 | awk -F, '{print $1","$2",,"$3}'
} >m/sites.csv
{
    echo 'site_code,ward_code,ward,bed,admission_no,name,id_number'
    n=0
    for s in $(tail -n +2 targets.csv | cut -d, -f1 | grep ^H); do
        n=$((n + 1))
        echo "$s,W01,Ward,1,A$n,Name$n,110105198001010016"
    done
} >m/inpatients.csv
for d in 1 2; do
    export FIELDCHECK_DB=$w/dev$d/fieldcheck.db
    expect_exit 0 "$FC" keys init
    expect_exit 0 $hq enroll "$("$FC" --json keys show | jq -r .enrollment)"
    expect_exit 0 "$FC" keys trust "$w/hq/hq.pub"
    eval "dev$d=\$(\"\$FC\" --json keys show | jq -r .device_id)"
done
export FIELDCHECK_DB=$w/dev1/fieldcheck.db
expect_exit 0 "$FC" mission load m
expect_exit 0 "$FC" visit open --site H32010200007 --kind night --inspector A --inspector B
expect_exit 0 "$FC" visit close
# on site: the team draws two hospitals of the mission, recorded
expect_exit 0 "$FC" --json draw --seed "05 12 33" --count hospital=2 --region 3201
printf '%s\n' "$OUT" >onsite.json
expect_json "$OUT" '.result | length' 2
expect_exit 0 "$py" "$rederive" onsite onsite.json m/sites.csv
expect_exit 2 "$FC" draw --seed 1 --count pharmacy=9
b=$("$FC" --json export -o out | jq -r .file)
expect_exit 0 $hq import "$b"
expect_exit 0 $hq --json report
expect_contains "$OUT" '"kind":"draw"'
sed "s/^I0\([0-9][13579]\),\(.*\),$/I0\1,\2,$dev1/; s/^I0\([0-9][02468]\),\(.*\),$/I0\1,\2,$dev2/" \
    inspectors.csv >inspectors-dev.csv
expect_exit 0 $hq --json draw --targets targets.csv --inspectors inspectors-dev.csv --seed 7 \
    --count hospital=2 --exclude-days 30 --date 2026-03-02 -o p.json --pack m --pack-out packs
rec=$(head -n1 <<<"$OUT")
expect_contains "$(cat p.json)" '"site_code": "H32010200007"' "hq_inspections"
expect_not_contains "$(jq -c '.record.result' p.json)" H32010200007
[ "$(ls packs/*.fcpack | wc -l)" = 2 ] && pass || fail "expected 2 team packs: $(ls packs)"
expect_exit 0 $hq draw verify p.json --inspectors inspectors-dev.csv
# each pack opens on its team's devices only, and holds only its institution
for site in $(jq -r '.record.result[].site_code' p.json); do
    devs=$(jq -r ".record.result[] | select(.site_code == \"$site\") | .team[].devices[]" p.json |
        sort -u)
    for d in 1 2; do
        eval "id=\$dev$d"
        export FIELDCHECK_DB=$w/dev$d/fieldcheck.db
        if printf '%s\n' "$devs" | grep -qx "$id"; then
            expect_exit 0 "$FC" --json mission load "packs/FLY-1-$site.fcpack"
            expect_json "$OUT" .mission_id "FLY-1-$site"
            expect_exit 0 "$FC" --json visit open --site "$site" --kind night --inspector A \
                --inspector B
            expect_exit 0 "$FC" visit close
        else
            expect_exit 3 "$FC" mission load "packs/FLY-1-$site.fcpack"
        fi
    done
done
[ "$(sqlite3 "$w/hq/hq.db" 'SELECT count(*) FROM issued_pack')" = 2 ] && pass ||
    fail "team packs not recorded as issued"
# HQ knows the institutions' names and regions from the draw's file and the packs
[ "$(sqlite3 "$w/hq/hq.db" "SELECT site_name || ' ' || region_code || ' ' || region_name FROM site WHERE site_code = 'H32010200004'")" = "南京医院 320102 玄武区" ] &&
    pass || fail "institution not recorded: $(sqlite3 "$w/hq/hq.db" 'SELECT * FROM site')"
finish
