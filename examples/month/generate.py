#!/usr/bin/env python3
"""Write one made-up estate's month as the files a property office really gets.

    python examples/month/generate.py DATA_DIR [--units 3000] [--seed 2026]

Everything is drawn from one seeded ``random.Random``: the same arguments write the
same bytes. The estate is 翠湖苑 (a made-up name), the month November 2026, the bills
issued on 2026-12-01 and due on 2026-12-16, the bank file December's payments.

Files written (see README.md beside this file):

  buildings.csv  units.csv  meters.csv  readings.csv   the estate, as exported from a
                                                      spreadsheet (with its noise)
  schedule.json  the fee schedule: the demo schedule with a tiered (阶梯) water tariff
  month.json     the month: period, issue date, cut-off, the common-electricity invoice
  opening.csv    arrears taken over from the old system (期初欠费)
  owners.csv     who owns which units (one reminder letter per owner)
  bank.csv       December's bank file, with the noise of a real one
  tickets.csv    November's tickets (工单) with their handling times
  manifest.json  what the generator planted on purpose (missing readings, bad bank
                 rows, the duplicate, the reversal): for the test, not for month.py

The generator uses estatekit itself only to know what each unit was billed (so that
the bank file pays real amounts) and what the old arrears were.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import random
from decimal import Decimal
from pathlib import Path

import estatekit

YEAR, MONTH = 2026, 11
MONTH_START, MONTH_END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
ISSUED_ON = dt.date(2026, 12, 1)  # due 15 days later: 2026-12-16
AS_OF = dt.date(2026, 12, 31)  # the cut-off of the reports
READING_DAYS = [dt.date(2026, 7, 31), dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31), MONTH_END]
NBSP = "\u00a0"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
HANDLERS = ["李工", "赵师傅", "孙师傅", "周工", "吴师傅", "郑工", "保洁主管", "秩序主管", "绿化组长", "客服专员小陈"]
RECEIVERS = ["前台小张", "前台小刘", "客服小王", "夜班值班员"]

# Beijing's residential water price from 2014-05-01 (北京市发展和改革委员会, 京发改〔2014〕865号):
# tier 1 up to 180 m³ a year at 5 yuan/m³, tier 2 181-260 m³ at 7, tier 3 above 260 at 9
# (water, sewage treatment and the water-resource fee together). Billed monthly here, so
# the yearly thresholds are taken per month: 180/12 = 15 m³ and 260/12 ≈ 21.67 m³.
WATER_TIERS = [{"up_to": "15", "price": "5.00"}, {"up_to": "21.67", "price": "7.00"}, {"price": "9.00"}]


# ---- the estate ----------------------------------------------------------------------


def _date_cell(rng: random.Random, d: dt.date) -> str:
    """A date as a spreadsheet exports it: mostly 2024/6/1, sometimes ISO."""
    r = rng.random()
    if r < 0.55:
        return f"{d.year}/{d.month}/{d.day}"
    if r < 0.7:
        return f"{d.year}/{d.month:02d}/{d.day:02d}"
    return d.isoformat()


def _number_cell(rng: random.Random, value: Decimal) -> str:
    """A number as a spreadsheet exports it: thousands separators, stray spaces."""
    text = f"{value:,.2f}" if value >= 1000 else f"{value:.2f}"
    r = rng.random()
    if r < 0.04:
        return f" {text}"
    if r < 0.07:
        return f"{text}{NBSP}"
    return text


def _kind_cell(rng: random.Random, kind: str) -> str:
    r = rng.random()
    if r < 0.08:
        return kind.capitalize()
    if r < 0.11:
        return kind.upper()
    if r < 0.13:
        return f" {kind}"
    return kind


def make_estate(rng: random.Random, n_units: int) -> dict:
    """Buildings, units, meters, readings and owners of an estate of about n_units."""
    n_com = max(2, round(n_units * 0.03))
    n_park = max(4, round(n_units * 0.10))
    n_sto = max(2, round(n_units * 0.03))
    n_res = n_units - n_com - n_park - n_sto
    n_bld = max(3, math.ceil(n_res / 108))
    per_floor = 6 if n_res / n_bld > 60 else 4

    buildings = [{"id": f"B{b:02d}", "name": f"{b}号楼"} for b in range(1, n_bld + 1)]
    buildings.append({"id": "SH", "name": "临街商铺"})
    buildings.append({"id": "PK", "name": "地下车库"})

    units: list[dict] = []
    owners: dict[str, str] = {}
    base = n_res // n_bld
    extra = n_res - base * n_bld
    for b in range(1, n_bld + 1):
        count = base + (1 if b <= extra else 0)
        # A building's owners pay better or worse than another's: a propensity per building.
        for i in range(count):
            floor, pos = divmod(i, per_floor)
            floor += 1
            uid = f"{b}-{floor:02d}{pos + 1:02d}"
            gross = Decimal(rng.choice([72, 78, 89, 96, 105, 118, 126, 138, 143])) + Decimal(rng.randrange(0, 100)) / 100
            units.append(_unit(rng, uid, f"B{b:02d}", floor, f"{floor:02d}{pos + 1:02d}", "residential", gross))
    for i in range(n_com):
        floor = 1 + i % 2
        gross = Decimal(rng.randrange(45, 260)) + Decimal(rng.randrange(0, 100)) / 100
        if i % 5 == 0:  # an anchor shop (supermarket, restaurant) above 1,000 m²
            gross = Decimal(rng.randrange(1000, 1600)) + Decimal(rng.randrange(0, 100)) / 100
        units.append(_unit(rng, f"SH-{floor}{i + 1:02d}", "SH", floor, f"{floor}{i + 1:02d}", "commercial", gross))
    for i in range(n_park):
        units.append(_unit(rng, f"P-{i + 1:04d}", "PK", -1, f"{i + 1:04d}", "parking", Decimal("12.50")))
    for i in range(n_sto):
        gross = Decimal(rng.randrange(6, 15)) + Decimal(rng.randrange(0, 100)) / 100
        units.append(_unit(rng, f"S-{i + 1:03d}", "PK", -1, f"S{i + 1:03d}", "storage", gross))

    # Owners: every sold flat and shop has one; parking spaces and storage rooms mostly
    # belong to a flat's owner (one letter for all three).
    flat_owners = []
    for u in units:
        if u["_status"] == "unsold" or u["_kind"] not in ("residential", "commercial"):
            continue
        name = rng.choice(SURNAMES) + rng.choice(["先生", "女士"]) + f"（{u['id'].strip()}）"
        owners[u["id"].strip()] = name
        flat_owners.append(name)
    for u in units:
        if u["_kind"] in ("parking", "storage") and u["_status"] != "unsold":
            owners[u["id"].strip()] = rng.choice(flat_owners)

    meters, readings = [], []
    for u in units:
        if u["_kind"] not in ("residential", "commercial") or u["_status"] == "unsold":
            continue
        uid = u["id"].strip()
        delivered = u["_delivered"]
        people = max(1, u["_occupants"])
        for kind in ("water", "electricity"):
            mid = f"{kind[0].upper()}-{uid}"
            meters.append({"id": mid, "unit_id": uid, "kind": _kind_cell(rng, kind), "multiplier": ""})
            value = Decimal(rng.randrange(100, 3000)) if kind == "water" else Decimal(rng.randrange(2000, 30000))
            days = [d for d in READING_DAYS if d > delivered]
            start = delivered if len(days) < len(READING_DAYS) else None
            if start is not None:  # delivered lately: the check-in base reading
                readings.append({"meter_id": mid, "date": _date_cell(rng, start), "value": f"{value:.1f}"})
            for d in days:
                if kind == "water":
                    use = Decimal(rng.randrange(15, 45)) / 10 * people if u["_kind"] == "residential" else Decimal(rng.randrange(10, 90))
                else:
                    use = Decimal(rng.randrange(60, 420)) if u["_kind"] == "residential" else Decimal(rng.randrange(400, 3000))
                if u["_status"] == "delivered":
                    use = Decimal(rng.randrange(0, 3))
                value += use
                readings.append({"meter_id": mid, "date": _date_cell(rng, d), "value": f"{value:.1f}"})
    return {"buildings": buildings, "units": units, "meters": meters, "readings": readings, "owners": owners}


def _unit(rng: random.Random, uid: str, building: str, floor: int, number: str, kind: str, gross: Decimal) -> dict:
    r = rng.random()
    if kind == "parking":
        status = "occupied" if r < 0.7 else ("delivered" if r < 0.8 else "unsold")
    elif kind == "storage":
        status = "occupied" if r < 0.75 else ("delivered" if r < 0.85 else "unsold")
    else:
        status = ("occupied" if r < 0.68 else "rented" if r < 0.78 else "delivered" if r < 0.89
                  else "decorating" if r < 0.94 else "unsold")
    delivered = None
    if status != "unsold":
        if rng.random() < 0.01:  # handed over this month: billed from the day of delivery
            delivered, status = dt.date(2026, 11, rng.randrange(3, 27)), "delivered"
        else:
            delivered = dt.date(rng.randrange(2019, 2026), rng.randrange(1, 13), rng.randrange(1, 29))
    occupants = rng.randrange(1, 6) if status in ("occupied", "rented") else (1 if status == "decorating" else 0)
    if kind not in ("residential",):
        occupants = 0
    since = delivered
    if delivered is not None and status in ("occupied", "rented", "decorating") and rng.random() < 0.6:
        since = min(delivered + dt.timedelta(days=rng.randrange(20, 400)), dt.date(2026, 10, 31))
    uid_cell = uid
    r = rng.random()
    if r < 0.02:
        uid_cell = f"{uid} "
    elif r < 0.03:
        uid_cell = f"{uid}{NBSP}"
    internal = ""
    if kind in ("residential", "commercial") and rng.random() < 0.85:
        internal = _number_cell(rng, (gross * Decimal("0.78")).quantize(Decimal("0.01")))
    return {
        "id": uid_cell,
        "building_id": building,
        "floor": str(floor),
        "number": number,
        "kind": _kind_cell(rng, kind),
        "gross_area": _number_cell(rng, gross),
        "internal_area": internal,
        "occupants": str(occupants) if occupants or rng.random() < 0.5 else "",
        "status": status if rng.random() < 0.9 else status.capitalize(),
        "status_since": _date_cell(rng, since) if since else "",
        "delivered_on": _date_cell(rng, delivered) if delivered else "",
        "_kind": kind,
        "_status": status,
        "_delivered": delivered or dt.date(2100, 1, 1),
        "_occupants": occupants,
    }


def plant_missing_readings(rng: random.Random, estate: dict, n_units: int) -> list[str]:
    """Remove this month's reading of a few meters with a full history (the reader
    found nobody home); return their ids."""
    by_meter: dict[str, list[dict]] = {}
    for r in estate["readings"]:
        by_meter.setdefault(r["meter_id"], []).append(r)
    full = [m for m, rows in by_meter.items() if len(rows) == len(READING_DAYS)]
    chosen = sorted(rng.sample(full, max(2, n_units // 250)))
    # never both meters of one unit: each missing reading sets aside its own unit
    seen, picked = set(), []
    for m in chosen:
        unit = m.split("-", 1)[1]
        if unit not in seen:
            seen.add(unit)
            picked.append(m)
    drop = {id(by_meter[m][-1]) for m in picked}
    estate["readings"] = [r for r in estate["readings"] if id(r) not in drop]
    return picked


# ---- the fee schedule and the month ----------------------------------------------------


def make_schedule() -> dict:
    doc = json.loads(estatekit.FeeSchedule.demo().to_json())
    # The estate's common water is in the water price: no master-meter pool.
    doc["items"] = [i for i in doc["items"] if i["code"] != "common_water"]
    for item in doc["items"]:
        if item["code"] == "water":
            item["rule"]["metered"]["tiers"] = WATER_TIERS
    return doc


def _csv_text(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def _records(estate: dict) -> dict:
    """The estate's tables as csv_rows would read them back (for billing here)."""
    cols = _COLUMNS
    return {t: estatekit.csv_rows(t, _csv_text(estate[t], cols[t])) for t in cols}


_COLUMNS = {
    "buildings": ["id", "name"],
    "units": ["id", "building_id", "floor", "number", "kind", "gross_area", "internal_area", "occupants",
              "status", "status_since", "delivered_on"],
    "meters": ["id", "unit_id", "kind", "multiplier"],
    "readings": ["meter_id", "date", "value"],
}


def make_opening(rng: random.Random, est: estatekit.Estate, schedule_doc: dict) -> list[dict]:
    """Arrears taken over from the old system: a few owners who stopped paying 1-5
    months ago. Amounts are what the library bills for those months (fixed and area
    items only: the old readings are not taken over)."""
    doc = dict(schedule_doc)
    doc["items"] = [i for i in schedule_doc["items"] if i["code"] in ("management", "parking", "garbage")]
    schedule = estatekit.FeeSchedule.from_json(json.dumps(doc))
    billed = [u for u in est.units if u.is_delivered and u.delivered_on and u.delivered_on < dt.date(2026, 6, 1)]
    debtors = sorted(rng.sample(billed, max(4, len(billed) // 25)), key=lambda u: u.id)
    months_owed = {u.id: rng.choice([1, 1, 2, 2, 3, 4, 5]) for u in debtors}
    rows = []
    for month in range(6, 11):
        run = estatekit.bill_estate(est, schedule, 2026, month, strict=True)
        for u in debtors:
            if month <= 10 - months_owed[u.id]:
                continue
            bill = run.bill(u.id)
            if bill is None:
                continue
            for line in bill.lines:
                rows.append({
                    "unit_id": u.id,
                    "item_code": line.item_code,
                    "amount": f"{line.amount:.2f}",
                    "issued_on": bill.issued_on.isoformat(),
                    "due": line.due.isoformat(),
                    "period_start": run.period_start.isoformat(),
                    "period_end": run.period_end.isoformat(),
                })
    return rows


# ---- the bank file ----------------------------------------------------------------------


def _money_cell(rng: random.Random, amount: Decimal) -> str:
    text = f"{amount:,.2f}" if abs(amount) >= 1000 else f"{amount:.2f}"
    r = rng.random()
    if r < 0.03:
        text = f" {text}"
    elif r < 0.05:
        text = f"{text}{NBSP}"
    return text


def _bank_date(rng: random.Random, d: dt.date) -> str:
    return f"{d.year}/{d.month}/{d.day}" if rng.random() < 0.8 else d.isoformat()


def make_bank(rng: random.Random, run: estatekit.BillingRun, est: estatekit.Estate, debtors: set[str]) -> tuple[str, dict]:
    """December's bank file and what was planted in it."""
    units = {u.id: u for u in est.units}
    propensity = {b.id: rng.uniform(0.9, 0.995) for b in est.buildings}
    payments: list[dict] = []

    def pay(unit_id: str, amount: Decimal, day: dt.date) -> None:
        payments.append({"unit_id": unit_id, "amount": amount, "date": day})

    for bill in run.bills:
        u = units[bill.unit_id]
        if bill.total <= 0:
            continue
        prob = propensity[u.building_id] * (0.5 if bill.unit_id in debtors else 1.0)
        r = rng.random()
        if r < prob * 0.86:  # in full, on time
            pay(bill.unit_id, bill.total, dt.date(2026, 12, rng.randrange(1, 17)))
        elif r < prob:  # in full, late: penalty first leaves a few fen open
            pay(bill.unit_id, bill.total, dt.date(2026, 12, rng.randrange(17, 32)))
        elif r < prob + (1 - prob) * 0.3:  # a round part of it
            part = (bill.total / 2).quantize(Decimal("1")) or Decimal("1")
            pay(bill.unit_id, Decimal(part), dt.date(2026, 12, rng.randrange(1, 32)))
        if rng.random() < 0.02:  # a year in advance, rounded up (预存)
            pay(bill.unit_id, Decimal(math.ceil(bill.total * 12 / 1000) * 1000), dt.date(2026, 12, rng.randrange(1, 32)))
    # Old debtors who came round and paid something towards the arrears.
    for unit_id in sorted(debtors):
        if rng.random() < 0.3:
            pay(unit_id, Decimal(rng.choice([500, 1000, 2000])), dt.date(2026, 12, rng.randrange(1, 32)))
    payments.sort(key=lambda p: (p["date"], p["unit_id"]))
    for i, p in enumerate(payments):
        p["ref"] = f"BK26{p['date']:%m%d}{i + 1:05d}"

    lines: list[dict] = []
    for p in payments:
        unit_cell = p["unit_id"] if rng.random() > 0.02 else f"{p['unit_id']}{NBSP}"
        lines.append({"unit_id": unit_cell, "amount": _money_cell(rng, p["amount"]),
                      "date": _bank_date(rng, p["date"]), "ref": p["ref"], "reverses": ""})

    # The planted rows, each at a seeded position.
    # A transfer that bounced (退票): the bank takes it back a few days later.
    good = [i for i, p in enumerate(payments) if p["amount"] >= 100 and p["date"] <= dt.date(2026, 12, 24)]
    bounced = payments[rng.choice(good)]
    back = bounced["date"] + dt.timedelta(days=rng.randrange(2, 7))
    reversal = {"unit_id": bounced["unit_id"], "amount": f"-{bounced['amount']:.2f}",
                "date": _bank_date(rng, back), "ref": f"RV26{back:%m%d}00001", "reverses": bounced["ref"]}
    lines.append(reversal)
    unknown = {"unit_id": "99-9901", "amount": "331.15", "date": "2026/12/9", "ref": "BK26120999001",
               "reverses": ""}
    lines.insert(rng.randrange(len(lines) // 3, len(lines)), unknown)
    typo_src = next(p for p in payments[len(payments) // 2:] if f"{p['amount']:.2f}".endswith("0")
                    and p["ref"] != bounced["ref"])
    typo_text = f"{typo_src['amount']:.2f}"
    typo = {"unit_id": typo_src["unit_id"], "amount": typo_text[:-1] + "O", "date": "2026/12/14",
            "ref": "BK26121499002", "reverses": ""}
    lines.insert(rng.randrange(len(lines) // 3, len(lines)), typo)
    dup_src = lines[rng.randrange(0, len(lines) // 2)]
    while dup_src.get("reverses") or dup_src in (unknown, typo):
        dup_src = lines[rng.randrange(0, len(lines) // 2)]
    dup = dict(dup_src)
    lines.insert(lines.index(dup_src) + rng.randrange(2, 40), dup)

    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=["unit_id", "amount", "date", "ref", "reverses"], extrasaction="ignore",
                       lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writeheader()
    w.writerows(lines)
    row = {id(line): i + 1 for i, line in enumerate(lines)}
    rejected = sorted([
        {"row": row[id(unknown)], "ref": unknown["ref"], "code": "unknown_reference", "path": "unit_id"},
        {"row": row[id(typo)], "ref": typo["ref"], "code": "invalid_decimal", "path": "amount"},
    ], key=lambda r: int(str(r["row"])))
    manifest = {
        "rejected": rejected,
        "duplicate": {"row": row[id(dup)], "ref": dup["ref"], "first_row": row[id(dup_src)]},
        "reversal": {"row": row[id(reversal)], "reverses": bounced["ref"], "amount": f"{bounced['amount']:.2f}"},
        "payments": len(payments),
    }
    return "\ufeff" + out.getvalue(), manifest


# ---- tickets ----------------------------------------------------------------------------
# Phrasing written for this example. Each template: (intended kind of problem, urgency
# the handler will treat it with, text with {b} building, {f} floor, {u} unit, {n} name).

TICKET_TEMPLATES = [
    ("plumbing", "normal", "{u}卫生间下水道堵住了，洗澡的水半天下不去，麻烦派人来通一下"),
    ("plumbing", "normal", "厨房水龙头拧不紧，一直滴水，请安排师傅上门维修"),
    ("plumbing", "urgent", "{u}天花板在往下滴水，估计是楼上漏水，墙皮都泡起来了"),
    ("plumbing", "emergency", "{u}家里水管爆了，水漫到客厅，总阀关不上，快派人来！"),
    ("electrical", "urgent", "{b}号楼{f}层楼道灯不亮好几天了，晚上回家黑漆漆的，请尽快修一下"),
    ("electrical", "urgent", "{u}家里突然停电了，电闸推上去又跳，请电工来看看"),
    ("electrical", "normal", "{b}号楼门口的路灯坏了，晚上走路看不清"),
    ("elevator", "urgent", "{b}号楼的电梯又坏了，这个月第三次了，老人只能爬楼梯"),
    ("elevator", "emergency", "{b}号楼电梯突然停在{f}楼不动了，里面困着人，赶紧来救！"),
    ("elevator", "normal", "{b}号楼电梯运行的时候有很大的异响，坐着心里发慌"),
    ("facility", "normal", "{b}号楼单元门的门禁刷卡没反应，每次都要等别人开门"),
    ("facility", "normal", "小区儿童游乐区的滑梯有一块板松了，小孩玩很危险"),
    ("cleaning", "normal", "{b}号楼{f}层楼道的垃圾两天没人收了，味道很大"),
    ("cleaning", "normal", "地库入口附近很脏，地上全是油污和烟头，保洁多久没打扫了"),
    ("greening", "normal", "楼下的树长得太高，挡住了{u}的阳光，能不能修剪一下树枝"),
    ("greening", "normal", "中心花园的草坪枯了一大片，绿化是不是很久没浇水了"),
    ("noise", "normal", "楼上每天晚上十二点以后还在拖椅子、跑跳，吵得我们根本睡不着！"),
    ("noise", "normal", "隔壁装修周末早上七点就开始打电钻，噪音太大了，请物业管一管"),
    ("noise", "normal", "小区广场舞音响开得太响，每天晚上吵到九点半"),
    ("parking", "normal", "我的车位又被别人的车占了，打了电话也找不到车主"),
    ("parking", "normal", "地下车库有车乱停，把通道堵住了，我的车开不出去"),
    ("fees", "normal", "我上个月已经交了物业费，为什么又收到催缴通知？"),
    ("fees", "normal", "这个月的水费怎么比上个月多了一倍，是不是水表读数抄错了"),
    ("fees", "normal", "想问一下物业费可以用微信交吗，交完以后发票怎么开"),
    ("security", "urgent", "放在门口的快递被人拿走了，麻烦调一下楼道监控"),
    ("security", "urgent", "最近晚上经常有陌生人在{b}号楼附近转悠，门岗也不登记，很不安全"),
    ("staff", "normal", "前台工作人员态度很差，问个问题爱答不理的，这是什么服务"),
    ("staff", "normal", "维修师傅约好下午两点上门，等到五点也没人来，电话也不接"),
    ("neighbour", "normal", "{f}楼邻居在楼道里堆了很多纸箱和旧家具，消防通道都堵了"),
    ("neighbour", "normal", "楼上的狗一整天叫个不停，跟他们说了也不管"),
    ("decoration", "normal", "{b}号楼有人装修把建筑垃圾直接堆在电梯厅，一直不清运"),
    ("consultation", "normal", "请问装修需要办理什么手续，要交押金吗"),
    ("consultation", "normal", "想咨询一下小区的停车月卡怎么办理，一个月多少钱"),
    ("suggestion", "normal", "建议小区多装几个电动车充电桩，现在根本不够用"),
    ("praise", "normal", "感谢{n}，半夜过来帮我们修好了水管，服务很到位，点个赞"),
    ("praise", "normal", "这次{n}处理得很及时，态度也好，表扬一下"),
]
TICKET_OPENERS = ["", "", "", "你好，", "物业你好，", "我是{u}的业主，", "您好，"]
TICKET_CLOSERS = ["", "", "", "谢谢。", "请尽快处理。", "已经说过好几次了，到底什么时候能解决？", "太过分了！！"]


def _local(d: dt.datetime) -> str:
    return d.isoformat(timespec="minutes")


def make_tickets(rng: random.Random, est: estatekit.Estate, n_units: int) -> list[dict]:
    tz = dt.timezone(dt.timedelta(hours=8))
    export_at = dt.datetime(2026, 12, 1, 0, 0, tzinfo=tz)  # the month's export: nothing after it
    homes = [u for u in est.units if u.kind == "residential" and u.is_delivered]
    n = max(60, min(600, n_units // 8))
    rows = []
    for i in range(n):
        cat, urgency, template = rng.choice(TICKET_TEMPLATES)
        u = rng.choice(homes)
        b, f = u.building_id.lstrip("B").lstrip("0"), u.floor
        fill = {"b": b, "f": f, "u": u.id, "n": rng.choice(["李师傅", "赵师傅", "孙师傅", "前台的小刘", "保安老周"])}
        text = rng.choice(TICKET_OPENERS).format(**fill) + template.format(**fill)
        closer = rng.choice(TICKET_CLOSERS)
        if closer:
            text += ("" if text[-1] in "。！？!?" else "，") + closer
        day = dt.date(2026, 11, rng.randrange(1, 31))
        hour = rng.choices(range(24), weights=[1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 9, 7, 8, 9, 9, 9, 8, 8, 9, 8, 6, 3, 2])[0]
        received = dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=tz)
        handler = rng.choice(HANDLERS)
        row = {"id": f"T2611{i + 1:04d}", "unit_id": u.id, "received_at": _local(received),
               "channel": rng.choices(["hotline", "app", "front_desk", "patrol", "email"], [40, 35, 15, 7, 3])[0],
               "reporter": rng.choice(SURNAMES) + rng.choice(["先生", "女士"]), "text": text,
               "receiver": rng.choice(RECEIVERS), "handler": handler}
        if cat in ("consultation", "praise", "suggestion"):
            minutes_to_start = rng.randrange(5, 90)
            minutes_to_resolve = minutes_to_start + rng.randrange(5, 120)
        elif urgency == "emergency":
            minutes_to_start = rng.choice([5, 8, 10, 12, 14, 20, 35]) if rng.random() < 0.9 else rng.randrange(15, 60)
            minutes_to_resolve = minutes_to_start + rng.randrange(30, 300)
        else:
            minutes_to_start = rng.randrange(5, 100) if rng.random() < 0.9 else rng.randrange(100, 1500)
            minutes_to_resolve = minutes_to_start + (rng.randrange(60, 2 * 24 * 60) if rng.random() < 0.85
                                                     else rng.randrange(2 * 24 * 60, 12 * 24 * 60))
        assigned = received + dt.timedelta(minutes=max(1, minutes_to_start // 3))
        started = received + dt.timedelta(minutes=minutes_to_start)
        resolved = received + dt.timedelta(minutes=minutes_to_resolve)
        if assigned < export_at:
            row["assigned_at"] = _local(assigned)
        if started < export_at:
            row["started_at"] = _local(started)
        if resolved < export_at:
            row["resolved_at"] = _local(resolved)
            row["resolution_note"] = rng.choice(["已处理", "已上门维修完毕", "已与业主沟通", "已协调解决", "已答复业主"])
            # the return visit: a call in office hours, one or two days later
            visited = dt.datetime.combine(resolved.date() + dt.timedelta(days=rng.randrange(1, 3)),
                                          dt.time(rng.randrange(9, 18), rng.randrange(60)), tzinfo=tz)
            if visited < export_at and rng.random() < 0.9:
                row["visited_at"] = _local(visited)
                satisfied = rng.random() < 0.94
                row["satisfied"] = "是" if satisfied else "否"
                if satisfied:
                    row["closed_at"] = _local(visited + dt.timedelta(minutes=rng.randrange(1, 60)))
        rows.append(row)
    rows.sort(key=lambda r: r["received_at"])
    for i, r in enumerate(rows):
        r["id"] = f"T2611{i + 1:04d}"
    return rows


TICKET_COLUMNS = ["id", "unit_id", "channel", "received_at", "reporter", "text", "receiver", "handler",
                  "assigned_at", "started_at", "resolved_at", "resolution_note", "visited_at", "satisfied", "closed_at"]


# ---- main -------------------------------------------------------------------------------


def generate(out: Path, n_units: int = 3000, seed: int = 2026) -> dict:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    estate = make_estate(rng, n_units)
    missing = plant_missing_readings(rng, estate, n_units)
    for table, cols in _COLUMNS.items():
        (out / f"{table}.csv").write_text(_csv_text(estate[table], cols), encoding="utf-8", newline="")

    schedule_doc = make_schedule()
    (out / "schedule.json").write_text(json.dumps(schedule_doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # The common-area electricity invoice of November (公摊电费), split by area.
    invoice = (Decimal(n_units) * Decimal(rng.randrange(900, 1400)) / 100).quantize(Decimal("0.01"))
    month = {"estate_id": "cuihu", "estate_name": "翠湖苑", "year": YEAR, "month": MONTH,
             "issued_on": ISSUED_ON.isoformat(), "as_of": AS_OF.isoformat(),
             "pooled": {"common_electricity": f"{invoice:.2f}"},
             "reminder_min_total": "10.00", "collection_target": "0.95"}
    (out / "month.json").write_text(json.dumps(month, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    owners = estate["owners"]
    (out / "owners.csv").write_text(_csv_text([{"unit_id": k, "owner": v} for k, v in owners.items()],
                                              ["unit_id", "owner"]), encoding="utf-8", newline="")

    recs = _records(estate)
    est = estatekit.Estate.from_records(id="cuihu", name="翠湖苑", **recs)
    schedule = estatekit.FeeSchedule.from_json(json.dumps(schedule_doc))
    opening = make_opening(rng, est, schedule_doc)
    (out / "opening.csv").write_text(
        _csv_text(opening, ["unit_id", "item_code", "amount", "issued_on", "due", "period_start", "period_end"]),
        encoding="utf-8", newline="")
    run = estatekit.bill_estate(est, schedule, YEAR, MONTH, issued_on=ISSUED_ON,
                                pooled={"common_electricity": invoice})
    bank, bank_manifest = make_bank(rng, run, est, {r["unit_id"] for r in opening})
    (out / "bank.csv").write_text(bank, encoding="utf-8", newline="")

    tickets = make_tickets(rng, est, n_units)
    (out / "tickets.csv").write_text(_csv_text(tickets, TICKET_COLUMNS), encoding="utf-8", newline="")

    manifest = {"units": len(estate["units"]), "seed": seed, "missing_readings": missing,
                "bank": bank_manifest, "tickets": len(tickets), "opening_rows": len(opening)}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="directory to write the files to")
    ap.add_argument("--units", type=int, default=3000, help="about how many units (default 3000)")
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    if a.units < 40:
        ap.error("--units: at least 40")
    m = generate(a.out, a.units, a.seed)
    print(f"wrote {a.out}: {m['units']} units, {m['bank']['payments']} payments, {m['tickets']} tickets, "
          f"{len(m['missing_readings'])} meters without this month's reading")


if __name__ == "__main__":
    main()
