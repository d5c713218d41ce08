"""Rolling an estate into the next month: Estate.updated, meter changes kept in the
estate, estimated readings (估抄) and their true-up."""

import datetime
import json
from decimal import Decimal

import pytest

import estatekit
from estatekit import Estate, FeeSchedule, ValidationError

D = Decimal


def estate() -> Estate:
    """Two occupied units; the water meters were last read on September 30 (three
    months of history), the electricity meters also on October 31."""
    water = lambda values: [  # noqa: E731
        {"date": d, "value": v}
        for d, v in zip(["2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30"], values)
    ]
    doc = {
        "id": "e1", "name": "Lakeside", "currency": "CNY",
        "buildings": [{"id": "B1", "name": "1号楼"}],
        "units": [
            {"id": u, "building_id": "B1", "floor": 1, "number": u[2:], "kind": "residential",
             "gross_area": "89.50", "occupants": 2, "status": "occupied",
             "delivered_on": "2024-06-01", "status_since": "2024-06-01"}
            for u in ("1-101", "1-102")
        ],
        "meters": [
            {"id": "W-101", "unit_id": "1-101", "kind": "water", "readings": water(["100", "112", "121", "130"])},
            {"id": "W-102", "unit_id": "1-102", "kind": "water", "readings": water(["200", "215", "230", "245"])},
            {"id": "E-101", "unit_id": "1-101", "kind": "electricity", "readings": [
                {"date": "2026-09-30", "value": "3000"}, {"date": "2026-10-31", "value": "3200"}]},
            {"id": "E-102", "unit_id": "1-102", "kind": "electricity", "readings": [
                {"date": "2026-09-30", "value": "99950"}, {"date": "2026-10-31", "value": "99990"}]},
        ],
    }
    return Estate.from_json(json.dumps(doc))


SCHEDULE = FeeSchedule.from_json(json.dumps({"format_version": 2, "items": [
    {"code": "water", "name_zh": "水费", "name_en": "Water", "effective_from": "2020-01-01",
     "rule": {"metered": {"meter_kind": "water", "tiers": [{"up_to": "15", "price": "3.45"}, {"price": "5.83"}]}}},
    {"code": "electricity", "name_zh": "电费", "name_en": "Electricity", "effective_from": "2020-01-01",
     "rule": {"metered": {"meter_kind": "electricity", "tiers": [{"price": "0.56"}]}}},
]}))


def lines(run: estatekit.BillingRun, unit: str) -> list[tuple[str, Decimal, bool]]:
    return [(line.item_code, line.amount, line.estimated) for line in run.bill(unit).lines]


def test_two_months_with_an_estimate_trued_up() -> None:
    e0 = estate()
    # October: the water meters were not read. W-101 used 30 in the 92 days to
    # September 30: 30 × 31/92 = 10.11 → 10 (whole-number readings), so 140.
    oct_ = estatekit.bill_estate(e0, SCHEDULE, 2026, 10, estimate=3)
    assert oct_.exceptions == []
    assert lines(oct_, "1-101") == [("water", D("34.50"), True), ("electricity", D("112.00"), False)]
    assert lines(oct_, "1-102") == [("water", D("51.75"), True), ("electricity", D("22.40"), False)]
    water = oct_.bill("1-101").lines[0]
    assert water.explain("en") == (
        "water meter W-101: (140 est. − 130) × 1 = 10 "
        "(estimated from the last 3 periods: 30 × 31/92 days); 10 × 3.45 = 34.50")
    assert water.explain("zh-CN") == "水表 W-101：(140估 − 130) × 1 = 10（估抄：前 3 期用量 30 × 31/92 天）；10 × 3.45 = 34.50"
    assert water.explanation["estimate"] == {
        "periods": 3, "history_consumption": "30", "history_days": 92, "days": 31}
    assert oct_.estimated_readings == [
        {"meter_id": "W-101", "date": datetime.date(2026, 10, 31), "value": D("140"), "estimated": True},
        {"meter_id": "W-102", "date": datetime.date(2026, 10, 31), "value": D("260"), "estimated": True},
    ]
    assert oct_.to_records()[0]["estimated"] is True

    # Store the estimates; 1-102 is let from November 1.
    e1 = e0.updated(readings=oct_.estimated_readings,
                    status_changes=[{"unit_id": "1-102", "status": "rented", "since": "2026-11-01"}])
    assert e0 == estate()  # untouched
    assert e1.updated(readings=oct_.estimated_readings) == e1  # already there
    last = e1.meter("W-101").readings[-1]
    assert (last.date, last.value, last.estimated) == (datetime.date(2026, 10, 31), D("140"), True)
    assert (e1.unit("1-102").status, e1.unit("1-102").status_since) == ("rented", datetime.date(2026, 11, 1))

    # November: readings in any order, a replacement and a rollover kept in the estate.
    nov = dict(
        readings=[
            {"meter_id": "E-102", "date": "2026-11-30", "value": 70},
            {"meter_id": "W-102", "date": datetime.date(2026, 11, 30), "value": "258"},
            {"meter_id": "E-101", "date": "2026-11-30", "value": D("120")},
            {"meter_id": "W-101", "date": "2026-11-30", "value": 147},
        ],
        meter_changes=[
            {"meter_id": "E-101", "date": "2026-11-15", "replacement": {"old_final": "3290", "new_initial": "0"}},
            {"meter_id": "E-102", "date": datetime.date(2026, 11, 20), "rollover": {"wraps_at": 100000}},
        ],
    )
    e2 = e1.updated(**nov)
    assert e2.updated(**nov) == e2
    assert e2.meter("E-101").changes == [
        {"date": datetime.date(2026, 11, 15), "change": {"replacement": {"old_final": D("3290"), "new_initial": D("0")}}}]
    run = estatekit.bill_estate(e2, SCHEDULE, 2026, 11, estimate=3)
    assert run.exceptions == [] and run.estimated_readings == []
    # 147 − 140 = 7; 258 − 260 = −2 (a credit); (3290 − 3200) + 120 = 210; (100000 − 99990) + 70 = 80.
    assert lines(run, "1-101") == [("water", D("24.15"), False), ("electricity", D("117.60"), False)]
    assert lines(run, "1-102") == [("water", D("-6.90"), False), ("electricity", D("44.80"), False)]
    assert (run.bill("1-101").total, run.bill("1-102").total) == (D("141.75"), D("37.90"))
    assert run.bill("1-102").lines[0].explain("en") == (
        "water meter W-102: (258 − 260 est.) × 1 = -2 (trues up the estimate); -2 × 3.45 = -6.90")
    # The estate keeps it all through JSON.
    assert Estate.from_json(e2.to_json()) == e2
    # Posted, the credit is listed (not refused, not lost); every other line posts.
    book = estatekit.Receivables(e2, SCHEDULE)
    res = book.post(run)
    assert res.credits == [{"unit_id": "1-102", "charge_id": "2026-11-01/water", "item_code": "water", "amount": D("-6.90")}]
    assert (res.posted, res.conflicts) == (3, [])


def test_conflicting_reading_is_refused_and_nothing_changes() -> None:
    e = estate().updated(readings=[{"meter_id": "W-101", "date": "2026-10-31", "value": "140", "estimated": True}])
    with pytest.raises(ValidationError) as info:
        e.updated(readings=[{"meter_id": "W-102", "date": "2026-11-30", "value": "250"},
                            {"meter_id": "W-101", "date": "2026-10-31", "value": "139"}])
    assert (info.value.code, info.value.path) == ("conflicting_update", "readings[1].value")
    assert str(info.value) == ('readings[1].value: meter "W-101" already has an estimated reading of 140 on '
                               "2026-10-31, not 139: a reading is never overwritten")
    assert len(e.meter("W-102").readings) == 4


@pytest.mark.parametrize(
    ("kwargs", "code", "path"),
    [
        ({"readings": [{"meter_id": "X", "date": "2026-11-30", "value": 1}]}, "unknown_meter", "readings[0].meter_id"),
        ({"readings": [{"meter_id": "W-101", "date": "2026/11/30", "value": 1}]}, "invalid_date", "readings[0].date"),
        ({"readings": [{"meter_id": "W-101", "date": "2026-11-30", "value": 1.5}]}, "invalid_decimal", "readings[0].value"),
        ({"readings": [{"meter_id": "W-101", "date": "2026-11-30"}]}, "missing_value", "readings[0].value"),
        ({"readings": [{"meter_id": "W-101", "date": "2026-11-30", "value": 1, "estimate": True}]},
         "unknown_value", "readings[0].estimate"),
        ({"status_changes": [{"unit_id": "1-101", "status": "let", "since": "2026-11-01"}]},
         "unknown_value", "status_changes[0].status"),
        ({"status_changes": [{"unit_id": "1-101", "status": "rented", "since": "2020-01-01"}]},
         "ends_before_starts", "status_changes[0].since"),
        ({"meter_changes": [{"meter_id": "E-101", "date": "2026-11-15", "swap": {}}]},
         "unknown_value", "meter_changes[0].swap"),
        ({"meter_changes": [{"meter_id": "E-101", "date": "2026-11-15",
                             "replacement": {"old_final": "2900", "new_initial": "0"}}]},
         "inconsistent_readings", "meter_changes[0].change.replacement.old_final"),
    ],
)
def test_update_errors_name_the_row(kwargs: dict, code: str, path: str) -> None:
    with pytest.raises(ValidationError) as info:
        estate().updated(**kwargs)
    assert (info.value.code, info.value.path) == (code, path)


def test_a_change_stored_and_given_again_is_refused() -> None:
    e = estate().updated(
        readings=[{"meter_id": m, "date": "2026-11-30", "value": v}
                  for m, v in [("W-101", 150), ("W-102", 260), ("E-101", 120), ("E-102", 99999)]],
        meter_changes=[{"meter_id": "E-101", "date": "2026-11-15",
                        "replacement": {"old_final": "3290", "new_initial": "0"}}])
    change = [{"meter_id": "E-101", "replacement": {"old_final": "3290", "new_initial": "0"}}]
    with pytest.raises(ValidationError) as info:
        estatekit.bill_estate(e, SCHEDULE, 2026, 11, meter_changes=change)
    assert (info.value.code, info.value.path) == ("inconsistent_readings", "meter_changes[0]")
    assert estatekit.bill_estate(e, SCHEDULE, 2026, 11).bill("1-101").lines[1].amount == D("117.60")


def test_estimate_option() -> None:
    plain = estatekit.bill_estate(estate(), SCHEDULE, 2026, 10)
    assert [x["code"] for x in plain.exceptions] == ["missing_reading", "missing_reading"]
    assert plain.estimated_readings == []
    one = estatekit.bill_estate(estate(), SCHEDULE, 2026, 10, estimate=1)
    assert one.estimated_readings[0]["value"] == D("139")  # 9 × 31/30 = 9.3 → 9
    for bad in (0, -1):
        with pytest.raises(ValidationError) as info:
            estatekit.bill_estate(estate(), SCHEDULE, 2026, 10, estimate=bad)
        assert (info.value.code, info.value.path, str(info.value)) == (
            "out_of_range", "estimate", f"estimate: the periods of history must be a whole number from 1, got {bad}")


def test_meter_changes_from_records() -> None:
    e = Estate.from_records(
        id="e1", name="T",
        buildings=[{"id": "B1", "name": "1号楼"}],
        units=[{"id": "1-101", "building_id": "B1", "floor": 1, "number": "101", "kind": "residential",
                "gross_area": "89.50", "status": "occupied", "delivered_on": "2024-06-01",
                "status_since": "2024-06-01"}],
        meters=[{"id": "E-101", "unit_id": "1-101", "kind": "electricity"}],
        readings=[{"meter_id": "E-101", "date": "2026-10-31", "value": "3200"},
                  {"meter_id": "E-101", "date": "2026-11-30", "value": "140", "estimated": "true"}],
        meter_changes=[{"meter_id": "E-101", "date": "2026/11/15", "kind": "Replacement",
                        "old_final": "3,290", "new_initial": 0}],
    )
    meter = e.meter("E-101")
    assert meter.changes == [
        {"date": datetime.date(2026, 11, 15), "change": {"replacement": {"old_final": D("3290"), "new_initial": D("0")}}}]
    assert [r.estimated for r in meter.readings] == [False, True]
    with pytest.raises(ValidationError) as info:
        Estate.from_records(
            id="e1", name="T", buildings=[{"id": "B1", "name": "1号楼"}],
            units=[{"id": "1-101", "building_id": "B1", "floor": 1, "number": "101", "kind": "residential",
                    "gross_area": "89.50", "status": "unsold"}],
            meters=[{"id": "E-101", "unit_id": "1-101", "kind": "electricity"}],
            meter_changes=[{"meter_id": "E-101", "date": "2026-11-15", "kind": "rollover",
                            "wraps_at": "100000", "old_final": "5"}])
    assert [(p["path"], p["code"]) for p in info.value.problems] == [
        ("meter_changes[id=E-101@2026-11-15].old_final", "unexpected_value")]
