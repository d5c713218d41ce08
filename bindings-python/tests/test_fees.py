"""The fee engine from Python: convenience functions, billing runs, ledgers, errors."""

import datetime as dt
import json
from decimal import Decimal as D

import pytest

import estatekit
from estatekit import Estate, FeeSchedule, Ledger, PenaltyPolicy, ValidationError

OCT1, OCT31 = dt.date(2026, 10, 1), dt.date(2026, 10, 31)


def test_worked_examples() -> None:
    assert estatekit.pooled_split(D("100.00"), [{"id": "A", "area": D(1000)}, {"id": "B", "area": D(500)}], method="area") == {
        "A": D("66.67"),
        "B": D("33.33"),
    }
    assert str(estatekit.late_penalty(D("500.00"), OCT1, OCT31, daily_rate=D("0.003"))) == "45.00"
    assert str(estatekit.prorate(D("100.00"), OCT1, OCT31, dt.date(2026, 10, 20), OCT31)) == "38.71"


@pytest.mark.parametrize(
    ("as_of", "kwargs", "expected"),
    [
        (dt.date(2026, 10, 6), {"grace_days": 5}, "0.00"),
        (dt.date(2026, 10, 7), {"grace_days": 5}, "6.00"),
        (dt.date(2026, 10, 7), {"grace_days": 5, "count_from": "grace_end"}, "1.00"),
        (dt.date(2026, 12, 31), {"cap": D("0.1")}, "10.00"),
        (dt.date(2026, 9, 1), {}, "0.00"),
        (dt.date(2026, 10, 11), {"scale": 0}, "10"),
    ],
)
def test_late_penalty_options(as_of: dt.date, kwargs: dict, expected: str) -> None:  # type: ignore[type-arg]
    assert str(estatekit.late_penalty(D("100"), OCT1, as_of, daily_rate=D("0.01"), **kwargs)) == expected


def test_late_penalties_batch() -> None:
    got = estatekit.late_penalties([(D("500"), OCT1), (D("100"), dt.date(2026, 10, 21))], OCT31, daily_rate=D("0.003"))
    assert got == [D("45.00"), D("3.00")]


def test_arrears_held_in_rust() -> None:
    arrears = estatekit.Arrears([(D("500"), OCT1), (D("100"), dt.date(2026, 10, 21)), (D("7"), dt.date(2026, 11, 5))])
    assert len(arrears) == 3
    batch = arrears.late_penalties(OCT31, daily_rate=D("0.003"))
    assert batch.amounts == [D("45.00"), D("3.00"), D("0.00")]
    assert batch.total == D("48.00") and len(batch) == 3
    with pytest.raises(ValidationError) as info:
        estatekit.Arrears([(D("1"), OCT1), ("x", OCT1)])
    assert (info.value.code, info.value.path) == ("invalid_decimal", "items[1].principal")
    with pytest.raises(ValidationError) as info:
        estatekit.Arrears([(D("-1"), OCT1)]).late_penalties(OCT31, daily_rate=D("0.001"))
    assert (info.value.code, info.value.path) == ("negative", "items[0].principal")


def test_prorate_annual_365() -> None:
    # A monthly amount × 12 × served days ÷ 365: 100.00 × 12 × 12 ÷ 365 = 39.452… → 39.45.
    assert str(estatekit.prorate(D("100.00"), OCT1, OCT31, dt.date(2026, 10, 20), OCT31, convention="annual_365")) == "39.45"
    # A whole period is charged in full.
    assert str(estatekit.prorate(D("100.00"), OCT1, OCT31, OCT1, OCT31, convention="annual_365")) == "100.00"


def test_prorate_30_360() -> None:
    assert str(estatekit.prorate(D("100.00"), OCT1, OCT31, dt.date(2026, 10, 20), OCT31, convention="30/360")) == "36.67"
    feb = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert str(estatekit.prorate(D("100.00"), *feb, dt.date(2026, 2, 16), feb[1], convention="30/360")) == "50.00"


def test_pooled_split_methods() -> None:
    units = [
        {"id": "A", "area": D("100"), "usage": D("10"), "occupants": 1},
        {"id": "B", "area": D("100"), "usage": D("30"), "occupants": 3},
    ]
    assert estatekit.pooled_split(D("100"), units, method="usage") == {"A": D("25.00"), "B": D("75.00")}
    assert estatekit.pooled_split(D("100"), units, method="equal") == {"A": D("50.00"), "B": D("50.00")}
    hybrid = estatekit.pooled_split(D("100"), units, method="hybrid", weights={"occupants": D("0.5"), "area": D("0.5")})
    assert hybrid == {"A": D("37.50"), "B": D("62.50")}
    assert sum(estatekit.pooled_split(D("100.01"), units * 1, method="occupants").values()) == D("100.01")
    # `fraction` weights a unit by the part of the period it took part; None is absent.
    part = [{"id": "A", "area": D(100), "fraction": D("0.5")}, {"id": "B", "area": D(100), "fraction": None}]
    assert estatekit.pooled_split(D("90"), part, method="area") == {"A": D("30.00"), "B": D("60.00")}


def _error(call) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.code, info.value.path, str(info.value)


def test_pooled_split_refuses_unknown_unit_keys() -> None:
    # "occupant" (a typo) used to be ignored: the split then ran with 0 occupants.
    units = [{"id": "A", "area": D(100), "occupants": 1}, {"id": "B", "area": D(100), "occupant": 3}]
    assert _error(lambda: estatekit.pooled_split(D("100"), units, method="occupants")) == (
        "unknown_value", "units[1].occupant",
        'units[1].occupant: unknown field "occupant" in unit "B"; expected id, area, usage, occupants or fraction')
    # Even with a None value, and whatever the method.
    units = [{"id": "A", "area": D(100), "Area": None}]
    assert _error(lambda: estatekit.pooled_split(D("100"), units, method="area"))[:2] == ("unknown_value", "units[0].Area")
    assert _error(lambda: estatekit.pooled_split(D("100"), [{"id": "A", "area": D(1), 1: 2}], method="area")) == (
        "wrong_type", "units[0]", "units[0]: keys must be str, got 1")


def test_pooled_split_refuses_a_total_finer_than_the_scale() -> None:
    units = [{"id": "A", "area": D(1)}, {"id": "B", "area": D(1)}]
    # Used to be rounded silently to 100.01 (half up).
    assert _error(lambda: estatekit.pooled_split(D("100.005"), units, method="area")) == (
        "too_many_decimals", "total", "total: 100.005 has more decimal places than the rounding scale 2")
    assert _error(lambda: estatekit.pooled_split("0.5", units, method="equal", scale=0)) == (
        "too_many_decimals", "total", "total: 0.5 has more decimal places than the rounding scale 0")
    # Trailing zeros are not extra precision; a finer scale takes the amount.
    assert estatekit.pooled_split(D("100.000"), units, method="area") == {"A": D("50.00"), "B": D("50.00")}
    assert estatekit.pooled_split(D("100.005"), units, method="area", scale=3) == {"A": D("50.003"), "B": D("50.002")}


def test_pooled_split_hybrid_weights_must_sum_to_one() -> None:
    units = [{"id": "A", "area": D(100), "occupants": 1}, {"id": "B", "area": D(100), "occupants": 3}]
    # Used to be normalised silently (0.5 : 0.3 split as 0.625 : 0.375).
    assert _error(lambda: estatekit.pooled_split(D("100"), units, method="hybrid",
                                                 weights={"occupants": D("0.3"), "area": D("0.5")})) == (
        "weights_sum", "weights", "weights: hybrid weights must sum to 1, got area 0.5 + occupants 0.3 = 0.8")
    assert _error(lambda: estatekit.pooled_split(D("100"), units, method="hybrid", weights={"occupants": 1, "area": 1}))[2] == (
        "weights: hybrid weights must sum to 1, got area 1 + occupants 1 = 2")
    assert estatekit.pooled_split(D("100"), units, method="hybrid",
                                  weights={"occupants": D("0.7"), "area": "0.3"}) == {"A": D("32.50"), "B": D("67.50")}
    # Weights are for a hybrid only: with another method they were ignored.
    assert _error(lambda: estatekit.pooled_split(D("100"), units, method="area", weights={"area": 1})) == (
        "conflicting_fields", "weights", "weights: only a hybrid split takes weights, not \"area\"")


def october() -> estatekit.BillingRun:
    return estatekit.bill_estate(Estate.demo(), FeeSchedule.demo(), 2026, 10, pooled={"common_electricity": D("3943.20")})


def test_billing_run() -> None:
    run = october()
    assert len(run.bills) == 34
    assert run.total == sum(b.total for b in run.bills)
    bill = run.bill("1-101")
    assert bill is not None
    assert [l.item_code for l in bill.lines] == ["management", "garbage", "water", "electricity", "common_electricity", "common_water"]
    # Issued the day after October ends; the demo schedule's items are due 15 days later.
    assert run.issued_on == bill.issued_on == dt.date(2026, 11, 1)
    first = bill.lines[0]
    assert (first.amount, first.due) == (D("331.15"), dt.date(2026, 11, 16))
    assert all(l.due == dt.date(2026, 11, 16) for l in bill.lines)
    assert first.explain("zh-CN") == "89.50 m² × 3.70/m²/月 × 1 月 = 331.15"
    assert first.explain("en") == "89.50 m² × 3.70/m²/month × 1 month = 331.15"
    assert first.explanation == {
        "type": "area", "area": "89.50", "basis": "gross", "rate": "3.70", "months": 1,
        "served_days": 31, "period_days": 31, "factor": "1",
    }
    vacant = run.bill("1-102")
    assert vacant is not None
    assert vacant.explain("en")[0] == "Management fee: 120.30 m² × 3.70/m²/month × 1 month × 70% = 311.58"
    assert vacant.explain("zh-CN")[-1] == f"合计：{vacant.total}，开票 2026-11-01，到期 2026-11-16"
    assert vacant.explain("en")[-1] == f"Total: {vacant.total}, issued 2026-11-01, due 2026-11-16"
    pools = {p.code: p for p in run.pools}
    assert pools["common_electricity"].shares_total == D("3943.20")
    assert pools["common_water"].split_amount == D("391.23")
    assert pools["common_water"].consumption == D("126.0")
    records = run.to_records()
    assert len(records) == sum(len(b.lines) for b in run.bills)
    assert records[0]["amount"] == D("331.15") and records[0]["unit_id"] == "1-101"
    assert all((r["issued_on"], r["due"]) == (dt.date(2026, 11, 1), dt.date(2026, 11, 16)) for r in records)
    assert run.bill("1-603") is None
    doc = json.loads(run.to_json())
    assert (doc["issued_on"], doc["bills"][0]["unit_id"], doc["bills"][0]["issued_on"]) == ("2026-11-01", "1-101", "2026-11-01")


def fixed_items_schedule(due: object = None) -> FeeSchedule:
    """The demo schedule's area and fixed items (no meters to read), each with `due`."""
    doc = json.loads(FeeSchedule.demo().to_json())
    doc["items"] = [i for i in doc["items"] if i["code"] in ("management", "parking", "garbage")]
    if due is not None:
        for i in doc["items"]:
            i["due"] = due
    return FeeSchedule.from_json(json.dumps(doc))


def test_november_issued_december_first_is_due_december_sixteenth() -> None:
    schedule = fixed_items_schedule()
    assert json.loads(schedule.to_json())["items"][0]["due"] == {"days_after_issue": 15}
    run = estatekit.bill_estate(Estate.demo(), schedule, 2026, 11, issued_on=dt.date(2026, 12, 1))
    assert run.issued_on == dt.date(2026, 12, 1)
    assert len(run.bills) == 34
    for bill in run.bills:
        assert bill.issued_on == dt.date(2026, 12, 1)
        assert {l.due for l in bill.lines} == {dt.date(2026, 12, 16)}
    records = run.to_records()
    assert {(r["issued_on"], r["due"]) for r in records} == {(dt.date(2026, 12, 1), dt.date(2026, 12, 16))}
    p01 = run.bill("P-01")
    assert p01 is not None
    assert p01.explain("en") == ["Parking space management: 60.00 per period = 60.00", "Total: 60.00, issued 2026-12-01, due 2026-12-16"]
    assert p01.explain("zh-CN")[-1] == "合计：60.00，开票 2026-12-01，到期 2026-12-16"
    # Default: the day after the period ends.
    assert estatekit.bill_estate(Estate.demo(), schedule, 2026, 11).issued_on == dt.date(2026, 12, 1)
    assert estatekit.bill_estate(Estate.demo(), schedule, 2028, 2).issued_on == dt.date(2028, 3, 1)


@pytest.mark.parametrize(
    ("due", "issued_on", "expected"),
    [
        ({"days_after_issue": 0}, dt.date(2026, 12, 1), dt.date(2026, 12, 1)),
        ({"days_after_issue": 45}, dt.date(2026, 12, 1), dt.date(2027, 1, 15)),
        ({"day_of_next_month": 10}, dt.date(2026, 12, 1), dt.date(2027, 1, 10)),
        ({"day_of_next_month": 31}, dt.date(2028, 1, 5), dt.date(2028, 2, 29)),
        ({"day_of_month": 15}, dt.date(2026, 12, 1), dt.date(2026, 12, 15)),
        ({"day_of_month": 15}, dt.date(2026, 12, 15), dt.date(2026, 12, 15)),
        ({"day_of_month": 15}, dt.date(2026, 12, 16), dt.date(2027, 1, 15)),
        ({"day_of_month": 31}, dt.date(2027, 4, 2), dt.date(2027, 4, 30)),
    ],
)
def test_due_rules(due: dict, issued_on: dt.date, expected: dt.date) -> None:  # type: ignore[type-arg]
    run = estatekit.bill_estate(Estate.demo(), fixed_items_schedule(due), 2026, 11, issued_on=issued_on)
    assert {l.due for b in run.bills for l in b.lines} == {expected}


def test_version_1_due_day_loads_as_day_of_month() -> None:
    doc = json.loads(fixed_items_schedule().to_json())
    doc["format_version"] = 1
    for i in doc["items"]:
        del i["due"]
        i["due_day"] = 15
    schedule = FeeSchedule.from_json(json.dumps(doc))
    again = json.loads(schedule.to_json())
    assert again["format_version"] == 2
    assert {json.dumps(i["due"]) for i in again["items"]} == {'{"day_of_month": 15}'}
    assert all("due_day" not in i for i in again["items"])
    run = estatekit.bill_estate(Estate.demo(), schedule, 2026, 11)
    assert {l.due for b in run.bills for l in b.lines} == {dt.date(2026, 12, 15)}


def test_due_date_past_year_9999_is_a_validation_error() -> None:
    schedule = fixed_items_schedule()
    run = estatekit.bill_estate(Estate.demo(), schedule, 2026, 11, issued_on=dt.date(9999, 12, 16))
    assert {l.due for b in run.bills for l in b.lines} == {dt.date(9999, 12, 31)}
    with pytest.raises(ValidationError) as info:
        estatekit.bill_estate(Estate.demo(), schedule, 2026, 11, issued_on=dt.date.max)
    assert (info.value.code, info.value.path) == ("out_of_range", "issued_on")
    assert str(info.value) == "issued_on: bills issued on 9999-12-31 would be due on +10000-01-15, outside the supported years 1–9999"

def test_meter_replacement_and_bad_reading() -> None:
    only_elec = json.loads(FeeSchedule.demo().to_json())
    only_elec["items"] = [i for i in only_elec["items"] if i["code"] == "electricity"]
    schedule = FeeSchedule.from_json(json.dumps(only_elec))
    estate_doc = json.loads(Estate.demo().to_json())
    estate_doc["meters"] = [m for m in estate_doc["meters"] if m["id"] == "E-1-101"]
    estate = Estate.from_json(json.dumps(estate_doc))
    prev = estate.meter("E-1-101").readings[-1].value  # type: ignore[union-attr]
    readings = [{"meter_id": "E-1-101", "date": dt.date(2026, 11, 30), "value": D("5")}]
    with pytest.raises(ValidationError) as info:
        estatekit.bill_estate(estate, schedule, 2026, 11, readings=readings, strict=True)
    assert (info.value.code, info.value.path) == ("reading_below_previous", "meters[E-1-101]")
    # Not strict: the unit's bill is set aside, named, and the run goes on.
    aside = estatekit.bill_estate(estate, schedule, 2026, 11, readings=readings)
    assert aside.bills == []
    assert [(e["unit_id"], e["meter_id"], e["code"], e["path"]) for e in aside.exceptions] == [
        ("1-101", "E-1-101", "reading_below_previous", "meters[E-1-101]")]
    changes = [{"meter_id": "E-1-101", "replacement": {"old_final": prev + 100, "new_initial": D("0")}}]
    run = estatekit.bill_estate(estate, schedule, 2026, 11, readings=readings, meter_changes=changes)
    line = run.bills[0].lines[0]
    assert line.amount == D("58.80")
    assert "(meter replaced)" in line.explain("en")


def test_ledger_walk() -> None:
    run = october()
    bill = run.bill("1-101")
    assert bill is not None
    ledger = Ledger("1-101")
    ledger.add_bill(bill, FeeSchedule.demo(), bill.issued_on)
    # Due November 16: nothing on the day; 30 days later, December 16: 4.97.
    assert ledger.penalty("2026-10-01/management", dt.date(2026, 11, 16)) == D("0")
    dec16 = dt.date(2026, 12, 16)
    assert ledger.penalty("2026-10-01/management", dec16) == D("4.97")
    reminder = ledger.reminder(dec16)
    assert reminder["total_due"] == bill.total + D("4.97")
    assert reminder["items"][0]["days_overdue"] == 30
    receipt = ledger.pay("R-1", D("300.00"), dec16)
    assert receipt.applied[0] == ("2026-10-01/management", D("295.03"), D("4.97"))
    paid, principal, penalty, prepaid = ledger.money_flow()
    assert paid == principal + penalty + prepaid == D("300.00")
    big = ledger.pay("R-2", D("2000.00"), dec16)
    assert big.to_prepaid == D("2000.00") - (bill.total - D("295.03"))
    assert ledger.prepaid == big.to_prepaid
    assert ledger.aging(dec16) == {"not_due": D(0), "days_0_30": D(0), "days_31_60": D(0), "days_61_90": D(0), "days_90_plus": D(0)}
    assert ledger.collection_rate(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == D(1)
    again = Ledger.from_json(ledger.to_json())
    assert again.to_json() == ledger.to_json()


def test_ledger_options() -> None:
    ledger = Ledger("u", order="principal_first")
    pen = PenaltyPolicy(D("0.003"), grace_days=0)
    ledger.add_charge("c1", "management", OCT1, D("500"), on=OCT1, penalty=pen)
    assert ledger.penalty("c1", OCT31) == D("45.00")
    assert ledger.waive("c1", reason="first offence", date=OCT31, amount=D("5")) == D("5")
    assert ledger.penalty("c1", OCT31) == D("40.00")
    ledger.defer("c1", dt.date(2026, 12, 1))
    assert ledger.charges[0][2] == dt.date(2026, 12, 1)
    ledger.set_low_balance_threshold(D("100"))
    assert ledger.low_balance


@pytest.mark.parametrize(
    ("call", "code", "path"),
    [
        (lambda: estatekit.late_penalty(D("1"), OCT1, OCT31, daily_rate=D("-0.1")), "negative", "daily_rate"),
        (lambda: estatekit.late_penalty(D("1"), OCT1, OCT31, daily_rate=D("0.001"), cap=D("-1")), "negative", "cap"),
        (lambda: estatekit.late_penalty(D("-1"), OCT1, OCT31, daily_rate=D("0.001")), "negative", "principal"),
        (lambda: estatekit.late_penalty(D("1"), OCT1, OCT31, daily_rate=0.1), "invalid_decimal", "daily_rate"),
        (lambda: estatekit.late_penalty(D("1"), OCT1, OCT31, daily_rate=D("0.1"), grace_days=-1), "negative", "grace_days"),
        (lambda: estatekit.late_penalty(D("1"), OCT1, OCT31, daily_rate=D("0.1"), count_from="x"), "unknown_value", "count_from"),
        (lambda: estatekit.prorate(D("1"), OCT31, OCT1, OCT1, OCT31), "ends_before_starts", "period_end"),
        (lambda: estatekit.prorate(D("1"), OCT1, OCT31, OCT1, OCT31, convention="act/365"), "unknown_value", "convention"),
        (lambda: estatekit.pooled_split(D("1"), [{"id": "A", "area": D("-1")}], method="area"), "negative", "units[0].area"),
        (lambda: estatekit.pooled_split(D("1"), [{"id": "A", "area": D("1")}], method="usage"), "all_zero_weights", "weights"),
        (lambda: estatekit.pooled_split(D("1"), [{"id": "A", "area": D("1")}], method="by_mood"), "unknown_value", "method"),
        (lambda: estatekit.pooled_split(D("1"), [{"area": D("1")}], method="area"), "missing_value", "units[0].id"),
        (lambda: estatekit.pooled_split(D("1"), [{"id": "A", "area": D("1")}] * 2, method="area"), "duplicate_id", "units"),
        (lambda: estatekit.pooled_split(D("1"), [{"id": "A", "area": D("1")}], method="hybrid"), "missing_value", "weights"),
        (lambda: estatekit.pooled_split(D("1"), [{"id": "A", "area": D("1"), "occupant": 3}], method="area"), "unknown_value", "units[0].occupant"),
        (lambda: estatekit.pooled_split(D("1.001"), [{"id": "A", "area": D("1")}], method="area"), "too_many_decimals", "total"),
        (lambda: estatekit.pooled_split(D("1"), [{"id": "A", "area": D("1")}], method="hybrid", weights={"area": D("0.9")}), "weights_sum", "weights"),
        (lambda: estatekit.bill_estate(Estate.demo(), FeeSchedule.demo(), 2026, 10), "missing_pooled_amount", "pooled[common_electricity]"),
        (lambda: estatekit.bill_estate(Estate.demo(), FeeSchedule.demo(), 2026, 13, pooled={"common_electricity": 1}), "out_of_range", "month"),
        (lambda: estatekit.bill_estate(Estate.demo(), FeeSchedule.demo(), 2026, 10, pooled={"nope": 1}), "unknown_reference", "pooled[0].code"),
        (lambda: Ledger("u").pay("p", D("0"), OCT1), "non_positive_payment", "amount"),
        (lambda: Ledger("u").pay("p", D("-10"), OCT1), "non_positive_payment", "amount"),
        (lambda: Ledger("u").penalty("nope", OCT1), "unknown_reference", "charge_id"),
        (lambda: Ledger("u", order="whenever"), "unknown_value", "order"),
        (lambda: PenaltyPolicy(D("0.1"), cap=D("1"), cap_amount=D("5")), "conflicting_fields", "cap"),
        (lambda: FeeSchedule.from_json('{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"area": {"rate": "-3.70"}}, "effective_from": "2026-01-01"}]}'), "negative", "items[0].rule.area.rate"),
        (lambda: FeeSchedule.from_json('{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}}, "unit_kinds": ["villa"], "effective_from": "2026-01-01"}]}'), "json", "items[0].unit_kinds[0]"),
        (lambda: FeeSchedule.from_json('{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}}, "effective_from": "2026-01-01"}, {"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "2"}}, "effective_from": "2026-03-01"}]}'), "overlapping_effective_dates", "items[1].effective_from"),
    ],
)
def test_bad_input(call, code: str, path: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        call()
    assert (info.value.code, info.value.path) == (code, path), str(info.value)


def test_failed_payment_changes_nothing() -> None:
    ledger = Ledger("u")
    ledger.add_charge("c", "x", OCT1, D("10"), on=OCT1)
    before = ledger.to_json()
    with pytest.raises(ValueError):
        ledger.pay("p", D("0"), OCT1)
    assert ledger.to_json() == before


def test_one_missing_reading_does_not_stop_the_month() -> None:
    """Two meters without their November reading and a reading row for an unknown
    meter: those units are set aside, every other unit is billed."""
    estate = Estate.demo()
    schedule = FeeSchedule.demo()
    october_readings = {m.id: m.readings[-1].value for m in estate.meters if m.readings}
    readings = [
        {"meter_id": mid, "date": dt.date(2026, 11, 30), "value": v + 10}
        for mid, v in sorted(october_readings.items())
        if mid not in ("W-1-101", "E-1-102")
    ] + [{"meter_id": "W-9-999", "date": dt.date(2026, 11, 30), "value": D("1")}]
    run = estatekit.bill_estate(estate, schedule, 2026, 11, readings=readings,
                                pooled={"common_electricity": D("100.00")})
    got = [(e["unit_id"], e["item_code"], e["meter_id"], e["code"]) for e in run.exceptions]
    assert got == [(None, None, "W-9-999", "unknown_reference"),        # the reading row, left out
                   (None, "common_water", "W-1-101", "missing_reading"),  # the water pool needs every meter
                   ("1-101", None, "W-1-101", "missing_reading"),
                   ("1-102", None, "E-1-102", "missing_reading")]
    assert all(l.item_code != "common_water" for b in run.bills for l in b.lines)
    billed = {b.unit_id for b in run.bills}
    assert "1-101" not in billed and "1-102" not in billed and "1-103" in billed
    with pytest.raises(ValidationError) as info:
        estatekit.bill_estate(estate, schedule, 2026, 11, readings=readings,
                              pooled={"common_electricity": D("100.00")}, strict=True)
    assert (info.value.code, info.value.path) == ("unknown_reference", "readings[" + str(len(readings) - 1) + "].meter_id")
