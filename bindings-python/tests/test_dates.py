"""Dates in every API: each date argument takes a `datetime.date` (a `datetime.datetime`
counts as its date) or an ISO string "YYYY-MM-DD", exactly, with the same result;
anything else is a `ValidationError` with code "invalid_date", the argument's name as
path and a message naming the accepted forms.

One table row per date argument of every function and method; a test checks the table
against the stubs, so a new date argument cannot be left out."""

import ast
import dataclasses
import datetime as dt
import json
import pathlib
from decimal import Decimal as D
from typing import Any, Callable

import pytest

import estatekit
from estatekit import (
    Arrears,
    BusinessCalendar,
    CheckinTemplate,
    Checklist,
    Estate,
    EstateKitError,
    FeeSchedule,
    Ledger,
    PenaltyPolicy,
    Receivables,
    ValidationError,
)
from test_checkin import DEFECT, at, before_inspection
from test_decoration import started as decoration_started

STUBS = pathlib.Path(__file__).resolve().parents[1] / "python" / "estatekit" / "_estatekit.pyi"
OCT1, OCT21, OCT31 = dt.date(2026, 10, 1), dt.date(2026, 10, 21), dt.date(2026, 10, 31)
DEC10, DEC31, JAN15 = dt.date(2026, 12, 10), dt.date(2026, 12, 31), dt.date(2027, 1, 15)
RATE = D("0.003")


# ---- Fixtures ----------------------------------------------------------------------


def _receivables_schedule() -> FeeSchedule:
    """The demo schedule without its metered items (the demo estate has readings for
    October only), as in test_receivables."""
    doc = json.loads(FeeSchedule.demo().to_json())
    doc["items"] = [
        i for i in doc["items"] if "area" in i["rule"] or "fixed" in i["rule"] or i["rule"].get("pooled", {}).get("source") == "given"
    ]
    return FeeSchedule.from_json(json.dumps(doc))


SCHEDULE = _receivables_schedule()
NOVEMBER = estatekit.bill_estate(Estate.demo(), SCHEDULE, 2026, 11, pooled={"common_electricity": D("1000.00")}, issued_on=dt.date(2026, 12, 1))
OCTOBER_BILL = estatekit.bill_estate(Estate.demo(), FeeSchedule.demo(), 2026, 10, pooled={"common_electricity": D("3943.20")}).bill("1-101")


def _posted_book() -> Receivables:
    """November posted (due December 16), then paid December 10: 1-101 in full (ref
    B-1), 1-102 all but 0.16 (a residue), 1-103 5000.00 (the rest prepaid); every
    other unit owes its bill."""
    b = Receivables(Estate.demo(), SCHEDULE)
    b.post(NOVEMBER)
    b.apply_payments(
        [
            {"unit_id": "1-101", "amount": NOVEMBER.bill("1-101").total, "date": DEC10, "ref": "B-1"},  # type: ignore[union-attr]
            {"unit_id": "1-102", "amount": NOVEMBER.bill("1-102").total - D("0.16"), "date": DEC10, "ref": "B-2"},  # type: ignore[union-attr]
            {"unit_id": "1-103", "amount": D("5000.00"), "date": DEC10, "ref": "B-3"},
        ]
    )
    return b


BOOK_JSON = _posted_book().to_json()


def book() -> Receivables:
    return Receivables.from_json(BOOK_JSON, Estate.demo(), SCHEDULE)


def ledger() -> Ledger:
    """One 500.00 charge due October 1 at 0.3 % a day: 45.00 of penalty by October 31."""
    led = Ledger("u")
    led.add_charge("c1", "management", OCT1, D("500.00"), on=OCT1, penalty=PenaltyPolicy(RATE))
    return led


def _added(due: Any = OCT1, on: Any = OCT1) -> Any:
    led = Ledger("u")
    led.pay("P-0", D("100.00"), OCT1)
    led.add_charge("c1", "management", due, D("500.00"), on=on, penalty=PenaltyPolicy(RATE))
    return led.charges, led.balance(OCT31)


def _paid(date: Any) -> Any:
    led = ledger()
    p = led.pay("R-1", D("300.00"), date)
    return p.date, p.applied, p.to_prepaid, led.balance(OCT31)


def _reversed(on: Any) -> Any:
    led = ledger()
    led.pay("R-1", D("300.00"), dt.date(2026, 10, 11))
    p = led.reverse("R-1", on=on, reason="bounced")
    return p.reversed, led.balance(OCT31)


def _refunded(on: Any) -> Any:
    led = Ledger("u")
    led.pay("P-1", D("100.00"), OCT1)
    led.refund("F-1", D("40.00"), on=on)
    return led.refunds, led.prepaid


def _waived(date: Any) -> Any:
    led = ledger()
    return led.waive("c1", reason="goodwill", date=date, amount=D("5.00")), led.penalty("c1", OCT31)


def _deferred(new_due: Any) -> Any:
    led = ledger()
    led.defer("c1", new_due)
    return led.charges, led.penalty("c1", OCT31)


def _bill_added(on: Any) -> Any:
    led = Ledger("1-101")
    led.add_bill(OCTOBER_BILL, FeeSchedule.demo(), on)  # type: ignore[arg-type]
    return led.charges, led.balance(dt.date(2026, 12, 16))


def _collected(start: Any = OCT1, end: Any = OCT31) -> Any:
    led = ledger()
    led.pay("R-1", D("200.00"), OCT31)
    return led.collection_rate(start, end)


def _run(issued_on: Any) -> Any:
    run = estatekit.bill_estate(Estate.demo(), SCHEDULE, 2026, 11, pooled={"common_electricity": D("1000.00")}, issued_on=issued_on)
    return run.issued_on, run.total, [(b.unit_id, b.total, [ln.due for ln in b.lines]) for b in run.bills]


def _since(since: Any) -> Any:
    run = estatekit.bill_estate(Estate.demo(), SCHEDULE, 2026, 11, pooled={"common_electricity": D("1000.00")}, since=since)
    return run.total, [(b.unit_id, b.total) for b in run.bills]


def _one_meter() -> tuple[Estate, FeeSchedule, D]:
    """The demo estate with meter E-1-101 only, billed for electricity only."""
    schedule = json.loads(FeeSchedule.demo().to_json())
    schedule["items"] = [i for i in schedule["items"] if i["code"] == "electricity"]
    doc = json.loads(Estate.demo().to_json())
    doc["meters"] = [m for m in doc["meters"] if m["id"] == "E-1-101"]
    estate = Estate.from_json(json.dumps(doc))
    prev = estate.meter("E-1-101").readings[-1].value  # type: ignore[union-attr]
    return estate, FeeSchedule.from_json(json.dumps(schedule)), prev


ONE_METER = _one_meter()


def _metered(date: Any) -> Any:
    estate, schedule, prev = ONE_METER
    readings = [
        {"meter_id": "E-1-101", "date": dt.date(2026, 11, 15), "value": prev + 40},
        {"meter_id": "E-1-101", "date": date, "value": prev + 100},
    ]
    run = estatekit.bill_estate(estate, schedule, 2026, 11, readings=readings, strict=True)
    return [(b.unit_id, [(ln.item_code, ln.amount) for ln in b.lines]) for b in run.bills]


def _posted(on: Any) -> Any:
    b = Receivables(Estate.demo(), SCHEDULE)
    res = b.post(NOVEMBER, on=on)
    return res.posted, b.to_json()


def _book_reversed(on: Any) -> Any:
    b = book()
    p = b.reverse("B-1", on=on, reason="transfer bounced")
    return p.reversed, b.reminder("1-101", JAN15)


def _book_refunded(on: Any) -> Any:
    b = book()
    b.refund("1-103", D("100.00"), on=on, ref="RF-1")
    return b.balance("1-103", DEC31)


def _residues(as_of: Any) -> Any:
    return book().write_off_residues(as_of, reason="residue under 1 yuan")


UTC = dt.timezone.utc
TEMPLATE = CheckinTemplate.default()


def _finished() -> Checklist:
    """A check-in started November 2, finished (not audited) that day, with one open
    major defect (deadline November 17)."""
    c = Checklist.start(TEMPLATE, "1-603", "张三", dt.date(2026, 11, 2))
    before_inspection(c)
    i: dict[str, Any] = dict(actor="王五", role="inspector")
    c.record_defect(at=at(2, 2, 0), **DEFECT, **i)
    c.complete("joint_inspection", at=at(2, 2, 10), data={"outcome": "accepted_with_rectification_list"}, **i)
    c.complete("water_meter_reading", at=at(2, 2, 15), data={"reading": D("507.0")}, **i)
    c.complete("electricity_meter_reading", at=at(2, 2, 16), data={"reading": D("3424.5")}, **i)
    c.complete("house_acceptance_record", at=at(2, 2, 20), **i)
    c.complete("key_handover", actor="李四", role="receptionist", at=at(2, 2, 25), data={"keys": 4, "signature_ref": "SIG-004"})
    c.complete("key_receipt_record", actor="李四", role="receptionist", at=at(2, 2, 26))
    c.finish(actor="李四", role="receptionist", at=at(2, 2, 30))
    return c


FINISHED = _finished()


def _started(started_on: Any) -> Any:
    c = Checklist.start(TEMPLATE, "1-603", "张三", started_on, mode="centralized")
    return c.started_on, c.to_json()


def _calendar(holiday: Any) -> Any:
    cal = BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4], utc_offset_minutes=480, holidays=[dt.date(2026, 10, 1), holiday])
    # Friday 17:00 Beijing + 2 business hours, Monday November 9 a holiday: Tuesday.
    return cal.holidays, cal.add_seconds(dt.datetime(2026, 11, 6, 9, 0, tzinfo=UTC), 7200)


def _makeup(workday: Any) -> Any:
    cal = BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4], utc_offset_minutes=480, workdays=[workday])
    # Friday 17:00 Beijing + 2 business hours, Saturday November 7 worked: Saturday 10:00.
    return cal.workdays, cal.add_seconds(dt.datetime(2026, 11, 6, 9, 0, tzinfo=UTC), 7200)


def _planned(start: Any = "2026-11-09", end: Any = "2026-12-31") -> Any:
    s = estatekit.Submission("R-1", "1-201", "P-ZHANG", ["flooring"], start, end)
    return s.planned_start, s.planned_end


def _extended(new_end: Any) -> Any:
    d, rid = decoration_started()
    r = d.extend(rid, new_end, "材料延期到货", actor="周经理", role="manager", at=dt.datetime(2026, 12, 20, 2, tzinfo=UTC))
    return r.permitted_end, [e.new_end for e in r.extensions]


# ---- The table -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Case:
    """`call(v)` calls `func` with `v` as its date argument `param` (at `path` inside
    it) and returns plain values; `good` is a date giving a real result, `want`."""

    func: str
    param: str
    good: dt.date
    call: Callable[[Any], Any]
    want: Any
    path: str = ""

    @property
    def where(self) -> str:
        return self.path or self.param


CASES = [
    # fees
    Case("late_penalty", "due", OCT1, lambda d: estatekit.late_penalty(D("500.00"), d, OCT31, daily_rate=RATE), D("45.00")),
    Case("late_penalty", "as_of", OCT31, lambda d: estatekit.late_penalty(D("500.00"), OCT1, d, daily_rate=RATE), D("45.00")),
    Case("late_charge", "due", OCT1, lambda d: estatekit.late_charge(D("500.00"), d, OCT31, estatekit.LateFee(annual_percent=D("12"))).total, D("4.93")),
    Case("late_charge", "as_of", OCT31, lambda d: estatekit.late_charge(D("500.00"), OCT1, d, estatekit.LateFee(annual_percent=D("12"))).total, D("4.93")),
    Case("late_penalties", "items", OCT21, lambda d: estatekit.late_penalties([(D("500"), OCT1), (D("100"), d)], OCT31, daily_rate=RATE),
         [D("45.00"), D("3.00")], path="items[1].due"),
    Case("late_penalties", "as_of", OCT31, lambda d: estatekit.late_penalties([(D("500"), OCT1), (D("100"), OCT21)], d, daily_rate=RATE),
         [D("45.00"), D("3.00")]),
    Case("Arrears.__new__", "items", OCT21, lambda d: Arrears([(D("500"), OCT1), (D("100"), d)]).late_penalties(OCT31, daily_rate=RATE).amounts,
         [D("45.00"), D("3.00")], path="items[1].due"),
    Case("Arrears.late_penalties", "as_of", OCT31, lambda d: Arrears([(D("500"), OCT1), (D("100"), OCT21)]).late_penalties(d, daily_rate=RATE).total,
         D("48.00")),
    Case("prorate", "period_start", OCT1, lambda d: estatekit.prorate(D("100.00"), d, OCT31, dt.date(2026, 10, 20), OCT31), D("38.71")),
    Case("prorate", "period_end", OCT31, lambda d: estatekit.prorate(D("100.00"), OCT1, d, dt.date(2026, 10, 20), OCT31), D("38.71")),
    Case("prorate", "service_start", dt.date(2026, 10, 20), lambda d: estatekit.prorate(D("100.00"), OCT1, OCT31, d, OCT31), D("38.71")),
    Case("prorate", "service_end", OCT31, lambda d: estatekit.prorate(D("100.00"), OCT1, OCT31, dt.date(2026, 10, 20), d), D("38.71")),
    Case("bill_estate", "issued_on", dt.date(2026, 12, 1), _run, _run(dt.date(2026, 12, 1))),
    Case("bill_estate", "since", dt.date(2026, 10, 1), _since, _since(dt.date(2026, 10, 1))),
    Case("bill_estate", "readings", dt.date(2026, 11, 30), _metered, [("1-101", [("electricity", D("56.00"))])], path="readings[1].date"),
    Case("Ledger.add_charge", "due", OCT1, lambda d: _added(due=d), _added()),
    Case("Ledger.add_charge", "on", OCT1, lambda d: _added(on=d), _added()),
    Case("Ledger.add_bill", "on", dt.date(2026, 11, 1), _bill_added, _bill_added(dt.date(2026, 11, 1))),
    Case("Ledger.pay", "date", OCT31, _paid, _paid(OCT31)),
    Case("Ledger.penalty", "as_of", OCT31, lambda d: ledger().penalty("c1", d), D("45.00")),
    Case("Ledger.reverse", "on", dt.date(2026, 10, 20), _reversed, _reversed(dt.date(2026, 10, 20))),
    Case("Ledger.refund", "on", dt.date(2026, 10, 5), _refunded, ([("F-1", dt.date(2026, 10, 5), D("40.00"))], D("60.00"))),
    Case("Ledger.waive", "date", OCT31, _waived, (D("5.00"), D("40.00"))),
    Case("Ledger.write_off", "on", OCT31, lambda d: ledger().write_off("c1", reason="uncollectable", on=d), (D("500.00"), D("45.00"))),
    Case("Ledger.defer", "new_due", OCT21, _deferred, _deferred(OCT21)),
    Case("Ledger.aging", "as_of", OCT31, lambda d: ledger().aging(d), ledger().aging(OCT31)),
    Case("Ledger.reminder", "as_of", OCT31, lambda d: ledger().reminder(d), ledger().reminder(OCT31)),
    Case("Ledger.balance", "as_of", OCT31, lambda d: ledger().balance(d), ledger().balance(OCT31)),
    # 200.00 paid: 45.00 of penalty first, then 155.00 of the 500.00 principal.
    Case("Ledger.collection_rate", "start", OCT1, lambda d: _collected(start=d), D("0.31")),
    Case("Ledger.collection_rate", "end", OCT31, lambda d: _collected(end=d), D("0.31")),
    # receivables
    Case("Receivables.post", "on", dt.date(2026, 12, 2), _posted, _posted(dt.date(2026, 12, 2))),
    Case("Receivables.reverse", "on", dt.date(2027, 1, 5), _book_reversed, _book_reversed(dt.date(2027, 1, 5))),
    Case("Receivables.refund", "on", dt.date(2026, 12, 20), _book_refunded, _book_refunded(dt.date(2026, 12, 20))),
    Case("Receivables.penalty", "as_of", JAN15, lambda d: book().penalty("1-201", "2026-11-01/management", d),
         D("4.97")),  # 331.15 × 30 days × 0.05 %
    Case("Receivables.balance", "as_of", DEC31, lambda d: book().balance("1-102", d), book().balance("1-102", DEC31)),
    Case("Receivables.unit_aging", "as_of", DEC31, lambda d: book().unit_aging("1-102", d), book().unit_aging("1-102", DEC31)),
    Case("Receivables.reminder", "as_of", JAN15, lambda d: book().reminder("1-201", d), book().reminder("1-201", JAN15)),
    Case("Receivables.reminders", "as_of", JAN15, lambda d: book().reminders(d).to_records(), book().reminders(JAN15).to_records()),
    Case("Receivables.write_off_residues", "as_of", DEC31, _residues, _residues(DEC31)),
    Case("Receivables.aging", "as_of", JAN15, lambda d: book().aging(d, by="unit").to_records(), book().aging(JAN15, by="unit").to_records()),
    Case("Receivables.collection", "start", dt.date(2026, 11, 1),
         lambda d: book().collection(d, dt.date(2026, 11, 30), DEC31).to_records(),
         book().collection(dt.date(2026, 11, 1), dt.date(2026, 11, 30), DEC31).to_records()),
    Case("Receivables.collection", "end", dt.date(2026, 11, 30),
         lambda d: book().collection(dt.date(2026, 11, 1), d, DEC31).to_records(),
         book().collection(dt.date(2026, 11, 1), dt.date(2026, 11, 30), DEC31).to_records()),
    Case("Receivables.collection", "as_of", DEC31,
         lambda d: book().collection(dt.date(2026, 11, 1), dt.date(2026, 11, 30), d).to_records(),
         book().collection(dt.date(2026, 11, 1), dt.date(2026, 11, 30), DEC31).to_records()),
    Case("Receivables.totals", "as_of", DEC31, lambda d: book().totals(d), book().totals(DEC31)),
    # check-in
    Case("Checklist.start", "started_on", dt.date(2026, 11, 2), _started, _started(dt.date(2026, 11, 2))),
    Case("Defect.is_overdue", "as_of", dt.date(2026, 11, 18), lambda d: FINISHED.defects[0].is_overdue(d), True),
    Case("audit_dates", "from_", dt.date(2026, 11, 1), lambda d: estatekit.audit_dates("centralized", d, dt.date(2026, 11, 30)),
         [dt.date(2026, 11, 7), dt.date(2026, 11, 14), dt.date(2026, 11, 21), dt.date(2026, 11, 30)]),
    Case("audit_dates", "to", dt.date(2026, 12, 31), lambda d: estatekit.audit_dates("ordinary", dt.date(2026, 11, 1), d),
         [dt.date(2026, 11, 30), dt.date(2026, 12, 31)]),
    Case("awaiting_audit", "as_of", dt.date(2026, 11, 30), lambda d: [c is FINISHED for c in estatekit.awaiting_audit([FINISHED], d)], [True]),
    Case("overdue_rectifications", "as_of", dt.date(2026, 11, 20),
         lambda d: [(o.unit_id, o.defect_id, o.deadline, o.days_overdue) for o in estatekit.overdue_rectifications([FINISHED], d)],
         [("1-603", "D1", dt.date(2026, 11, 17), 3)]),
    # decoration
    Case("Submission.__new__", "planned_start", dt.date(2026, 11, 10), lambda d: _planned(start=d),
         (dt.date(2026, 11, 10), dt.date(2026, 12, 31))),
    Case("Submission.__new__", "planned_end", dt.date(2026, 12, 30), lambda d: _planned(end=d),
         (dt.date(2026, 11, 9), dt.date(2026, 12, 30))),
    Case("Decorations.extend", "new_end", dt.date(2027, 1, 20), _extended, (dt.date(2027, 1, 20), [dt.date(2027, 1, 20)])),
    # tickets
    Case("BusinessCalendar.weekly", "holidays", dt.date(2026, 11, 9), _calendar,
         ([dt.date(2026, 10, 1), dt.date(2026, 11, 9)], dt.datetime(2026, 11, 10, 2, 0, tzinfo=UTC)), path="holidays[1]"),
    Case("BusinessCalendar.weekly", "workdays", dt.date(2026, 11, 7), _makeup,
         ([dt.date(2026, 11, 7)], dt.datetime(2026, 11, 7, 2, 0, tzinfo=UTC)), path="workdays[0]"),
    Case("BusinessCalendar.is_working_day", "date", dt.date(2026, 11, 7),
         lambda d: BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4], workdays=["2026-11-07"]).is_working_day(d), True),
]
def _registry() -> estatekit.Registry:
    """张三 owner of 1-101 since 2024-08-01, 李四 a household member, 王五 registered."""
    r = estatekit.Registry("lakeside")
    for pid, name in (("P1", "张三"), ("P2", "李四"), ("P6", "王五")):
        r.add_person(id=pid, name=name)
    r.add_role(unit_id="1-101", person_id="P1", role="owner", from_=dt.date(2024, 8, 1))
    r.add_role(unit_id="1-101", person_id="P2", role="household_member", from_=dt.date(2024, 8, 1))
    return r


def _moved_out(on: Any) -> Any:
    r = _registry()
    r.move_out("1-101", "P2", on)
    return r.roles()[1]["to"]


REGISTRY_CASES = [
    Case("Registry.occupants", "on", dt.date(2024, 8, 1),
         lambda d: [o["person_id"] for o in _registry().occupants("1-101", d)], ["P1", "P2"]),
    Case("Registry.may_consent", "on", dt.date(2024, 8, 1),
         lambda d: _registry().may_consent("1-101", "P1", d), {"basis": "owner", "consent_ref": None}),
    Case("Registry.move_out", "on", dt.date(2026, 11, 30), _moved_out, dt.date(2026, 11, 30)),
    Case("Registry.transfer", "on", dt.date(2026, 12, 1),
         lambda d: _registry().transfer("1-101", ["P6"], d, arrears=D("0")),
         {"unit_id": "1-101", "on": dt.date(2026, 12, 1), "from": ["P1"], "to": ["P6"], "arrears_checked": D("0")}),
]
CASES += REGISTRY_CASES


def _patrol(found: bool = False) -> estatekit.PatrolBook:
    """A daily round of a roof, 20:00–21:00 Beijing time; with `found`, the round of
    2026-11-03 found its fire route blocked at 20:20."""
    roof = estatekit.Checkpoint("ROOF", "天台", "security", ["消防通道畅通"], building_id="B1")
    plan = estatekit.Plan("N", ["ROOF"], estatekit.Recurrence.daily(), [("20:00", "21:00")], "刘")
    b = estatekit.PatrolBook([roof], [plan], utc_offset_minutes=480)
    if found:
        b.generate(dt.date(2026, 11, 3), dt.date(2026, 11, 3))
        v = estatekit.Visit("ROOF", dt.datetime(2026, 11, 3, 12, 20, tzinfo=UTC), "刘", [estatekit.ItemResult("消防通道畅通", False)], note="堆放杂物")
        b.record_visit("N/2026-11-03/0", v)
    return b


def _alternate(start: Any) -> Any:
    r = estatekit.Recurrence.alternate_days(start)
    return r.start, r.on(dt.date(2026, 11, 5))


PATROL_CASES = [
    Case("Recurrence.on", "day", dt.date(2026, 11, 4), lambda d: estatekit.Recurrence.weekdays([2]).on(d), True),
    Case("Recurrence.alternate_days", "start", dt.date(2026, 11, 3), _alternate, (dt.date(2026, 11, 3), True)),
    Case("PatrolBook.generate", "from_", dt.date(2026, 11, 3), lambda d: _patrol().generate(d, dt.date(2026, 11, 4)), 2),
    Case("PatrolBook.generate", "to", dt.date(2026, 11, 5), lambda d: _patrol().generate(dt.date(2026, 11, 3), d), 3),
    Case("PatrolBook.building_log", "day", dt.date(2026, 11, 3), lambda d: _patrol(found=True).building_log("B1", d),
         ["20:20 天台 刘：消防通道畅通；堆放杂物"]),
]
CASES += PATROL_CASES


def _survey(start: Any = dt.date(2026, 10, 1), end: Any = dt.date(2026, 12, 31)) -> Any:
    q = [estatekit.Question.scale("q1", "保洁", "cleaning", "cleaning")]
    return estatekit.Survey("S", "satisfaction", "满意度", start, end, q).period


SURVEY_CASES = [
    Case("Survey.__new__", "period_start", dt.date(2026, 10, 1), lambda d: _survey(start=d),
         (dt.date(2026, 10, 1), dt.date(2026, 12, 31))),
    Case("Survey.__new__", "period_end", dt.date(2026, 12, 31), lambda d: _survey(end=d),
         (dt.date(2026, 10, 1), dt.date(2026, 12, 31))),
]
CASES += SURVEY_CASES


def _permit(pass_date: Any) -> Any:
    return estatekit.PermitRequest("GR-001", "1-101", "P1", [("冰箱", 1)], pass_date, "move_out")


def _released() -> estatekit.GoodsRelease:
    """GR-001 of 1-101 (张三), used on 2026-12-05 at 10:00 Beijing time."""
    r, g = _registry(), estatekit.GoodsRelease("lakeside")
    g.request(_permit(dt.date(2026, 12, 5)), r, arrears=D("0"), actor="小陈",
              at=dt.datetime(2026, 12, 4, 2, 0, tzinfo=UTC))
    g.approve("GR-001", r, actor="周经理", at=dt.datetime(2026, 12, 4, 3, 0, tzinfo=UTC))
    g.verify("GR-001", [("冰箱", 1)], actor="保安 刘", at=dt.datetime(2026, 12, 5, 2, 0, tzinfo=UTC))
    return g


RELEASE_CASES = [
    Case("PermitRequest.__new__", "pass_date", dt.date(2026, 12, 5), lambda d: _permit(d).pass_date,
         dt.date(2026, 12, 5)),
    Case("GoodsRelease.used_on", "day", dt.date(2026, 12, 5), lambda d: [p.id for p in _released().used_on(d)],
         ["GR-001"]),
]
CASES += RELEASE_CASES

IDS = [f"{c.func}({c.where})" for c in CASES]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (list, dict, tuple, str)) and not value)


# ---- Tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_date_and_its_iso_string_give_the_same_result(case: Case) -> None:
    got = case.call(case.good)
    assert not _empty(got)
    assert got == case.want
    iso = case.good.isoformat()
    assert len(iso) == 10
    assert case.call(iso) == got
    # A datetime.datetime counts as its date, as before strings were accepted.
    assert case.call(dt.datetime(case.good.year, case.good.month, case.good.day, 23, 59)) == got


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize(
    ("bad", "shown"),
    [("2026/11/05", '"2026/11/05"'), ("2026-13-01", '"2026-13-01"'), (20261105, "int")],
    ids=["slashes", "month_13", "int"],
)
def test_anything_else_is_an_invalid_date(case: Case, bad: object, shown: str) -> None:
    with pytest.raises(ValidationError) as info:
        case.call(bad)
    e = info.value
    assert type(e) is ValidationError and isinstance(e, EstateKitError) and isinstance(e, ValueError)
    assert (e.code, e.path) == ("invalid_date", case.where)
    assert str(e) == f'{case.where}: expected a date (datetime.date or "YYYY-MM-DD"), got {shown}'


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        ("2026-1-5", '"2026-1-5"'),
        ("2026-10-1", '"2026-10-1"'),
        (" 2026-10-31", '" 2026-10-31"'),
        ("2026-10-31 ", '"2026-10-31 "'),
        ("2026-10-31T00:00:00", '"2026-10-31T00:00:00"'),
        ("20261031", '"20261031"'),
        ("+2026-10-31", '"+2026-10-31"'),
        ("2026-02-29", '"2026-02-29"'),
        ("0000-01-01", '"0000-01-01"'),
        ("", '""'),
        ("31.10.2026", '"31.10.2026"'),
        (None, "None"),
        (True, "bool"),
        (2026.5, "float"),
        (D("20261031"), "Decimal"),
        ((2026, 10, 31), "tuple"),
    ],
)
def test_only_the_exact_iso_form_is_accepted(bad: object, shown: str) -> None:
    with pytest.raises(ValidationError) as info:
        estatekit.late_penalty(D("500.00"), OCT1, bad, daily_rate=RATE)  # type: ignore[arg-type]
    assert (info.value.code, info.value.path) == ("invalid_date", "as_of")
    assert str(info.value) == f'as_of: expected a date (datetime.date or "YYYY-MM-DD"), got {shown}'


def test_iso_strings_cover_the_whole_date_range() -> None:
    assert estatekit.audit_dates("ordinary", "0001-01-01", "0001-01-31") == [dt.date(1, 1, 31)]
    assert estatekit.audit_dates("ordinary", "9999-12-01", "9999-12-31") == [dt.date(9999, 12, 31)]
    assert estatekit.audit_dates("ordinary", "2028-02-29", "2028-02-29") == [dt.date(2028, 2, 29)]


def test_optional_dates_still_take_none() -> None:
    default = _run(None)
    assert default[0] == dt.date(2026, 12, 1)  # the day after the month ends
    assert estatekit.bill_estate(Estate.demo(), SCHEDULE, 2026, 11, pooled={"common_electricity": D("1000.00")}).issued_on == default[0]
    assert _posted(None) == _posted("2026-12-01")


def test_a_refused_date_changes_nothing() -> None:
    led = ledger()
    before = led.to_json()
    with pytest.raises(ValidationError):
        led.pay("R-1", D("300.00"), "2026/10/31")
    with pytest.raises(ValidationError):
        led.add_charge("c2", "x", OCT1, D("1.00"), on="2026-10-32")
    assert led.to_json() == before
    b = Receivables(Estate.demo(), SCHEDULE)
    empty = b.to_json()
    with pytest.raises(ValidationError):
        b.post(NOVEMBER, on="20261201")
    assert b.to_json() == empty


def test_a_reading_row_names_its_index() -> None:
    estate, schedule, prev = ONE_METER
    readings: list[dict[str, Any]] = [
        {"meter_id": "E-1-101", "date": "2026-11-15", "value": prev + 40},
        {"meter_id": "E-1-101", "date": "2026-11-30", "value": prev + 100},
        {"meter_id": "E-1-101", "date": "2026/11/30", "value": prev + 101},
    ]
    with pytest.raises(ValidationError) as info:
        estatekit.bill_estate(estate, schedule, 2026, 11, readings=readings)
    assert (info.value.code, info.value.path) == ("invalid_date", "readings[2].date")
    assert str(info.value) == 'readings[2].date: expected a date (datetime.date or "YYYY-MM-DD"), got "2026/11/30"'


def _stub_date_params() -> set[tuple[str, str]]:
    """(function or Class.method, parameter) for every parameter the stubs type with
    `_DateLike`."""
    found = set()

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{child.name}.")
            elif isinstance(child, ast.FunctionDef):
                a = child.args
                for arg in a.posonlyargs + a.args + a.kwonlyargs:
                    if arg.annotation is not None and "_DateLike" in ast.unparse(arg.annotation):
                        found.add((prefix + child.name, arg.arg))

    visit(ast.parse(STUBS.read_text(encoding="utf-8")), "")
    return found


def test_the_table_covers_every_date_argument_of_the_stubs() -> None:
    stubbed = _stub_date_params()
    assert len(stubbed) >= 40
    assert stubbed == {(c.func, c.param) for c in CASES} - {("bill_estate", "readings")}
