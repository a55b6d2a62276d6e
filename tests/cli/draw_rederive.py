#!/usr/bin/env python3
"""An independent implementation of docs/draw.md (fieldcheck-draw-v1), written
from that page alone: it re-derives a draw from its inputs and compares with
what fieldcheck recorded. Exit 0 when they agree, 1 with the difference.

  draw_rederive.py hq RECORD.json TARGETS.csv INSPECTORS.csv
  draw_rederive.py onsite PAYLOAD.json SITES.csv
"""
import csv
import datetime
import hashlib
import json
import re
import sys

TAG = b"fieldcheck-draw-v1"


class Stream:
    def __init__(self, seed):
        self.key = hashlib.sha256(TAG + b"\x00" + seed).digest()
        self.i = 0
        self.buf = b""
        self.taken = 0

    def u32(self):
        if not self.buf:
            self.buf = hashlib.sha256(self.key + self.i.to_bytes(8, "big")).digest()
            self.i += 1
        x, self.buf = int.from_bytes(self.buf[:4], "big"), self.buf[4:]
        self.taken += 1
        return x

    def uniform(self, n):
        limit = 2**32 - (2**32 % n)
        while True:
            x = self.u32()
            if x < limit:
                return x % n


def seed_bytes(text):
    return text.strip(" \t\r\n").encode("utf-8")


KINDS = {"hospital": "hospital", "定点医疗机构": "hospital", "医疗机构": "hospital",
         "医院": "hospital", "pharmacy": "pharmacy", "定点零售药店": "pharmacy",
         "零售药店": "pharmacy", "药店": "pharmacy"}


def kind_of(value, code):
    if value:
        return KINDS[value.lower() if value.isascii() else value]
    return {"H": "hospital", "P": "pharmacy"}[code[0]]


def rows(path, columns):
    """Rows as dicts keyed by the English column name."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        r = csv.reader(f)
        header = [h.strip() for h in next(r)]
        pos = {}
        for i, h in enumerate(header):
            for en, names in columns.items():
                if h.lower() == en or h in names:
                    pos[en] = i
        for rec in r:
            if not any(x.strip() for x in rec):
                continue
            yield {en: (rec[i].strip() if i < len(rec) else "") for en, i in pos.items()}


def split_list(s):
    return [x for x in re.split(r"[,;|\s、；，]+", s) if x]


def read_targets(path):
    cols = {"site_code": ["机构编码", "定点机构编码"], "site_name": ["机构名称", "定点机构名称"],
            "site_kind": ["机构类别", "机构类型"], "region_code": ["所在区划", "区划代码"],
            "region_name": ["区划名称"], "rank_value": ["排序指标", "基金支付金额"],
            "last_inspected": ["上次检查日期", "最近检查日期"]}
    out = []
    for r in rows(path, cols):
        rank = r.get("rank_value", "")
        cents = -1
        if rank:
            whole, _, frac = rank.partition(".")
            cents = int(whole) * 100 + int((frac + "00")[:2])
        last = r.get("last_inspected", "")
        if last:
            y, m, d = re.match(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", last).groups()
            last = "%04d-%02d-%02d" % (int(y), int(m), int(d))
        out.append({"site_code": r["site_code"], "site_name": r["site_name"],
                    "kind": kind_of(r.get("site_kind", ""), r["site_code"]),
                    "region_code": r.get("region_code", ""),
                    "region_name": r.get("region_name", ""), "rank": cents, "last": last})
    return sorted(out, key=lambda t: t["site_code"].encode())


def read_inspectors(path):
    cols = {"inspector_id": ["人员编号", "检查人员编号"], "name": ["姓名"],
            "region_code": ["所在区划", "区划代码"], "conflicts": ["回避机构"],
            "former_employers": ["曾任职机构"], "relatives_at": ["亲属任职机构"],
            "devices": ["设备", "设备编号"]}
    out = []
    for r in rows(path, cols):
        conflicts = set()
        for c in ("conflicts", "former_employers", "relatives_at"):
            conflicts.update(split_list(r.get(c, "")))
        out.append({"id": r["inspector_id"], "name": r["name"],
                    "region_code": r.get("region_code", ""), "conflicts": conflicts,
                    "devices": split_list(r.get("devices", ""))})
    return sorted(out, key=lambda p: p["id"].encode())


def day(s):
    return datetime.date.fromisoformat(s).toordinal()


def draw(targets, inspectors, seed, quotas, team_size=0, exclude_days=0, date="", top=0,
         cross=0, inspected=()):
    st = Stream(seed)
    latest = {t["site_code"]: t["last"] for t in targets if t["last"]}
    for i in inspected:
        if i["date"] > latest.get(i["site_code"], ""):
            latest[i["site_code"]] = i["date"]
    excluded, left = [], []
    for t in targets:
        last = latest.get(t["site_code"]) if exclude_days else None
        if last and day(date) - day(last) < exclude_days:
            excluded.append({"site_code": t["site_code"], "site_name": t["site_name"],
                             "inspected": last})
        else:
            left.append(t)
    picked = []
    for q in sorted(quotas, key=lambda q: q["kind"].encode()):
        pool = [t for t in left if t not in picked and (not q["kind"] or t["kind"] == q["kind"])]
        if top and len(pool) > top:
            pool = sorted(pool, key=lambda t: (-t["rank"], t["site_code"].encode()))[:top]
            pool.sort(key=lambda t: t["site_code"].encode())
        m = len(pool)
        if m < q["n"]:
            raise SystemExit("too few candidates")
        for k in range(q["n"]):
            j = k + st.uniform(m - k)
            pool[k], pool[j] = pool[j], pool[k]
            picked.append(pool[k])
    busy, result = set(), []
    for n, t in enumerate(picked, 1):
        team = []
        if team_size:
            elig = [p for p in inspectors if p["id"] not in busy
                    and t["site_code"] not in p["conflicts"]
                    and not (cross and p["region_code"][:cross] == t["region_code"][:cross])]
            m = len(elig)
            if m < team_size:
                raise SystemExit("too few inspectors for " + t["site_code"])
            for r in range(team_size):
                j = r + st.uniform(m - r)
                elig[r], elig[j] = elig[j], elig[r]
                busy.add(elig[r]["id"])
                team.append(elig[r])
        result.append((n, t, team))
    return excluded, len(left), result, st.taken


def check(name, got, want):
    if got != want:
        print("%s differs:\n  recomputed %s\n  recorded   %s" % (name, got, want))
        sys.exit(1)


def main():
    mode = sys.argv[1]
    if mode == "hq":
        rec = json.load(open(sys.argv[2], encoding="utf-8"))["record"]
        p = rec["parameters"]
        cross = {"": 0, "province": 2, "city": 4, "county": 6}[p["cross_region"]]
        for which, path in (("targets", sys.argv[3]), ("inspectors", sys.argv[4])):
            check(which + " sha256", hashlib.sha256(open(path, "rb").read()).hexdigest(),
                  rec["inputs"][which]["sha256"])
        excluded, cand, result, taken = draw(
            read_targets(sys.argv[3]), read_inspectors(sys.argv[4]),
            seed_bytes(rec["seed"]), p["count"], p["team_size"], p["exclude_days"],
            rec["date"], p["top"], cross, rec["hq_inspections"])
        check("excluded", excluded, rec["excluded"])
        check("candidates", cand, rec["candidates"])
        check("result", [(n, t["site_code"], [m["id"] for m in team]) for n, t, team in result],
              [(r["order"], r["site_code"], [m["id"] for m in r["team"]]) for r in rec["result"]])
        check("stream_draws", taken, rec["stream_draws"])
    else:
        pay = json.load(open(sys.argv[2], encoding="utf-8"))
        pool = [t for t in read_targets(sys.argv[3])
                if t["region_code"].startswith(pay["region"])]
        line = "".join("%s\t%s\t%s\t%s\n" % (t["site_code"], t["site_name"], t["kind"],
                                             t["region_code"]) for t in pool)
        check("pool_sha256", hashlib.sha256(line.encode()).hexdigest(), pay["pool_sha256"])
        _, _, result, taken = draw(pool, [], seed_bytes(pay["seed"]), pay["count"])
        check("result", [(n, t["site_code"]) for n, t, _ in result],
              [(r["order"], r["site_code"]) for r in pay["result"]])
        check("stream_draws", taken, pay["stream_draws"])
    print("re-derived: the same draw")


if __name__ == "__main__":
    main()
