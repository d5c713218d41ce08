"""Issue 20, real tariffs, from Python: status changes within a period (a status history
billed by day, `Estate.status_periods`), tier prices by unit kind and per-day tier
limits, and a given pooled amount split by the units' own meters. The estates,
schedules and amounts are those of core/tests/fees_tariffs.rs, computed by hand there
(and repeated in the comments here)."""

import datetime as dt
import json
from decimal import Decimal as D
from typing import Any, Callable

import pytest

import estatekit
from estatekit import Estate, FeeSchedule, ValidationError


def _error(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.code, info.value.path


def _estate(units: list[dict[str, Any]], **rest: Any) -> Estate:
    return Estate.from_json(json.dumps({"id": "e", "name": "E", "currency": "CNY",
                                        "buildings": [{"id": "B", "name": "B"}], "units": units, **rest}))


# ---- status changes within a period ---------------------------------------------------

FLAT = {"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential", "gross_area": "89.50",
        "status": "delivered", "delivered_on": "2024-01-01", "status_since": "2026-10-16"}


def _moved_out() -> Estate:
    """One flat of 89.50 m², occupied since 2024-01-01 and delivered (vacant) from
    2026-10-16, recorded in the estate's `status_history`."""
    return _estate([FLAT], status_history=[{"unit_id": "A", "status": "occupied", "since": "2024-01-01"}])


MANAGEMENT = FeeSchedule.from_json(json.dumps({"format_version": 2, "items": [
    {"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee", "rule": {"area": {"rate": "3.70"}},
     "status_factors": [{"status": "delivered", "factor": "0.7"}], "effective_from": "2020-01-01"},
    {"code": "parking", "name_zh": "车位费", "name_en": "Parking", "rule": {"fixed": {"amount": "60.00"}},
     "status_factors": [{"status": "delivered", "factor": "0.5"}], "effective_from": "2020-01-01"},
]}))


def test_a_vacancy_from_the_sixteenth_discounts_the_vacant_days_only() -> None:
    # Area: 89.50 × 3.70 = 331.15 a month; × (15 × 100 % + 16 × 70 %) / 31
    # = 331.15 × 26.2 / 31 = 8676.13 / 31 = 279.8751… → 279.88.
    # Fixed: 60.00 × (15 × 1 + 16 × 0.5) / 31 = 1380 / 31 = 44.516… → 44.52.
    estate = _moved_out()
    assert estate.status_periods("A") == [
        {"since": dt.date(2024, 1, 1), "status": "occupied"},
        {"since": dt.date(2026, 10, 16), "status": "delivered"},
    ]
    bill = estatekit.bill_estate(estate, MANAGEMENT, 2026, 10).bill("A")
    assert bill is not None
    assert [line.amount for line in bill.lines] == [D("279.88"), D("44.52")]
    assert bill.lines[0].explain("en") == (
        "89.50 m² × 3.70/m²/month × 1 month × (15/31 days occupied × 100% + 16/31 days delivered, vacant × 70%) = 279.88")
    assert bill.lines[0].explain("zh-CN") == (
        "89.50 m² × 3.70/m²/月 × 1 月 × (15/31 天 已入住 × 100% + 16/31 天 已交房未入住 × 70%) = 279.88")
    assert bill.lines[1].explain("en") == (
        "60.00 per period × (15/31 days occupied × 100% + 16/31 days delivered, vacant × 50%) = 44.52")
    # November: vacant all month, one factor: 331.15 × 0.7 = 231.805 → 231.81.
    november = estatekit.bill_estate(estate, MANAGEMENT, 2026, 11).bill("A")
    assert november is not None
    assert november.lines[0].explain("en") == "89.50 m² × 3.70/m²/month × 1 month × 70% = 231.81"
    # September, before the change: occupied all month although the unit is vacant now.
    september = estatekit.bill_estate(estate, MANAGEMENT, 2026, 9).bill("A")
    assert september is not None
    assert september.lines[0].amount == D("331.15")


def test_a_status_change_by_an_update_is_kept_in_the_history() -> None:
    occupied = _estate([dict(FLAT, occupants=2, status="occupied", status_since="2024-01-01")])
    assert occupied.status_periods("A") == [{"since": dt.date(2024, 1, 1), "status": "occupied"}]
    moved_out = occupied.updated(status_changes=[{"unit_id": "A", "status": "delivered", "since": "2026-10-16"}])
    assert moved_out == _moved_out()
    assert moved_out.status_periods("A") == _moved_out().status_periods("A")
    assert json.loads(moved_out.to_json())["status_history"] == [
        {"unit_id": "A", "status": "occupied", "since": "2024-01-01"}]
    assert occupied.status_periods("A") == [{"since": dt.date(2024, 1, 1), "status": "occupied"}]  # untouched
    bill = estatekit.bill_estate(moved_out, MANAGEMENT, 2026, 10).bill("A")
    assert bill is not None and bill.lines[0].amount == D("279.88")
    # An unknown unit, an unsold unit: no periods.
    assert moved_out.status_periods("Z") == []
    unsold = {k: v for k, v in FLAT.items() if k not in ("delivered_on", "status_since")}
    assert _estate([dict(unsold, status="unsold")]).status_periods("A") == []


def test_a_published_move_in_proration_matches_with_a_zero_vacancy_factor() -> None:
    # cunits.io, "Prorated Rent Calculator", example 1: 1,500.00 a month, moving in on
    # January 15 of a 31-day January, 1500 ÷ 31 × 17 ≈ 822.58. Delivered but vacant at a
    # 0 % factor from January 1, occupied from the 15th:
    # 1500.00 × (14 × 0 + 17 × 1) / 31 = 25500 / 31 = 822.580… → 822.58.
    estate = _estate([dict(FLAT, gross_area="50", occupants=1, status="occupied", delivered_on="2026-01-01",
                           status_since="2027-01-15")],
                     status_history=[{"unit_id": "A", "status": "delivered", "since": "2026-01-01"}])
    rent = FeeSchedule.from_json(json.dumps({"items": [
        {"code": "rent", "name_zh": "租金", "name_en": "Rent", "rule": {"fixed": {"amount": "1500.00"}},
         "status_factors": [{"status": "delivered", "factor": "0"}], "effective_from": "2020-01-01"}]}))
    bill = estatekit.bill_estate(estate, rent, 2027, 1).bill("A")
    assert bill is not None
    assert bill.lines[0].amount == D("822.58")
    assert bill.lines[0].explain("en") == (
        "1500.00 per period × (14/31 days delivered, vacant × 0% + 17/31 days occupied × 100%) = 822.58")


def test_a_status_history_out_of_order_is_a_typed_error() -> None:
    def history(*records: tuple[str, str]) -> Callable[[], Estate]:
        return lambda: _estate([FLAT], status_history=[{"unit_id": "A", "status": s, "since": d} for s, d in records])

    with pytest.raises(ValidationError) as info:
        history(("occupied", "2025-01-01"), ("rented", "2024-06-01"))()
    assert (info.value.code, info.value.path) == ("not_increasing", "status_history[1].since")
    assert str(info.value) == (
        'status_history[1].since: status history out of order: 2024-06-01 follows 2025-01-01 for unit "A"')
    assert _error(history(("occupied", "2026-10-16"))) == ("not_increasing", "status_history[0].since")
    assert _error(history(("occupied", "2023-12-31"))) == ("ends_before_starts", "status_history[0].since")
    # Through an update: a change before the unit's current status began.
    assert _error(lambda: _moved_out().updated(status_changes=[{"unit_id": "A", "status": "occupied",
                                                                 "since": "2026-10-01"}]))[1] == "status_changes[0].since"


# ---- tier prices by unit kind, per-day tier limits --------------------------------------

# A flat (A, residential) and a shop (S, commercial), each with a water meter read on
# Sep 30 and Oct 31 (31 days): A 100 → 120, S 500 → 520.
WATER_ESTATE: dict[str, Any] = {
    "units": [
        {"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential", "gross_area": "80",
         "occupants": 2, "status": "occupied", "delivered_on": "2024-01-01", "status_since": "2024-01-01"},
        {"id": "S", "building_id": "B", "floor": 0, "number": "S1", "kind": "commercial", "gross_area": "60",
         "occupants": 1, "status": "occupied", "delivered_on": "2024-01-01", "status_since": "2024-01-01"}],
    "meters": [
        {"id": "W-A", "unit_id": "A", "kind": "water",
         "readings": [{"date": "2026-09-30", "value": "100"}, {"date": "2026-10-31", "value": "120"}]},
        {"id": "W-S", "unit_id": "S", "kind": "water",
         "readings": [{"date": "2026-09-30", "value": "500"}, {"date": "2026-10-31", "value": "520"}]}],
}


def _water(**extra: Any) -> FeeSchedule:
    metered = {"meter_kind": "water", "tiers": [{"up_to": "15", "price": "3.45"}, {"price": "4.83"}], **extra}
    return FeeSchedule.from_json(json.dumps({"items": [
        {"code": "water", "name_zh": "水费", "name_en": "Water", "rule": {"metered": metered},
         "effective_from": "2020-01-01"}]}))


def _water_lines(schedule: FeeSchedule) -> list[tuple[str, D, str]]:
    run = estatekit.bill_estate(_estate(**WATER_ESTATE), schedule, 2026, 10)
    return [(b.unit_id, b.lines[0].amount, b.lines[0].explain("en")) for b in run.bills]


def test_per_day_tier_limits_and_prices_by_unit_kind() -> None:
    # Tier limits that follow the days between two readings: PG&E's baseline allowance
    # (pge.com, "Tiered Rate Plan": the Tier 1 allowance is a daily amount of energy ×
    # the days of the billing cycle).
    # Per period: 15 × 3.45 + 5 × 4.83 = 51.75 + 24.15 = 75.90.
    assert [amount for _, amount, _ in _water_lines(_water())] == [D("75.90"), D("75.90")]
    # Per day on 30 days, a 31-day read: the limit is 15 × 31/30 = 15.50;
    # 15.5 × 3.45 + 4.5 × 4.83 = 53.475 + 21.735 = 75.21.
    per_day = _water(tier_basis="per_day", reference_days=30)
    got = _water_lines(per_day)
    assert got[0] == ("A", D("75.21"), "water meter W-A: (120 − 100) × 1 = 20; 15.50 × 3.45 + 4.50 × 4.83 = 75.21")
    assert '"format_version": 3' in per_day.to_json()
    assert FeeSchedule.from_json(per_day.to_json()) == per_day
    # Commercial at 5.80 flat: 20 × 5.80 = 116.00; the flat keeps the default tiers.
    by_kind = _water(kind_tiers=[{"kind": "commercial", "tiers": [{"price": "5.80"}]}])
    assert _water_lines(by_kind) == [
        ("A", D("75.90"), "water meter W-A: (120 − 100) × 1 = 20; 15 × 3.45 + 5 × 4.83 = 75.90"),
        ("S", D("116.00"), "water meter W-S: (520 − 500) × 1 = 20; 20 × 5.80 = 116.00"),
    ]


def test_bad_tier_options_are_typed_errors() -> None:
    with pytest.raises(ValidationError) as info:
        _water(tier_basis="per_day")
    assert (info.value.code, info.value.path) == ("missing_value", "items[0].rule.metered.reference_days")
    assert str(info.value) == (
        "items[0].rule.metered.reference_days: per-day tier limits need the days they are written for (e.g. 30)")
    assert _error(lambda: _water(tier_basis="per_day", reference_days=0)) == (
        "out_of_range", "items[0].rule.metered.reference_days")
    assert _error(lambda: _water(reference_days=30)) == ("conflicting_fields", "items[0].rule.metered.reference_days")
    with pytest.raises(ValidationError) as info:
        _water(kind_tiers=[{"kind": "commercial", "tiers": [
            {"up_to": "20", "price": "5"}, {"up_to": "10", "price": "6"}, {"price": "7"}]}])
    assert (info.value.code, info.value.path) == ("not_increasing", "items[0].rule.metered.kind_tiers[0].tiers[1].up_to")
    assert str(info.value) == (
        "items[0].rule.metered.kind_tiers[0].tiers[1].up_to: tier bounds must increase: 10 is not above 20")


# ---- a given pooled amount split by usage ----------------------------------------------


def _metered_estate() -> Estate:
    """Three occupied flats with their own electricity meters read on Sep 30 and Oct 31
    (A: 1000 → 1120, B: 500 → 580, C: 200 → 240), and a master meter."""
    def unit(uid: str, area: str) -> dict[str, Any]:
        return {"id": uid, "building_id": "B", "floor": 1, "number": uid, "kind": "residential", "gross_area": area,
                "occupants": 1, "status": "occupied", "delivered_on": "2024-01-01", "status_since": "2024-01-01"}

    def meter(mid: str, unit_id: str | None, sep: str, oct_: str) -> dict[str, Any]:
        m: dict[str, Any] = {"id": mid, "kind": "electricity",
                             "readings": [{"date": "2026-09-30", "value": sep}, {"date": "2026-10-31", "value": oct_}]}
        if unit_id is not None:
            m["unit_id"] = unit_id
        return m

    return _estate([unit("A", "100.00"), unit("B", "80.00"), unit("C", "60.00")],
                   meters=[meter("E-A", "A", "1000", "1120"), meter("E-B", "B", "500", "580"),
                           meter("E-C", "C", "200", "240"), meter("M", None, "0", "400")])


def _pooled(pooled: dict[str, Any]) -> FeeSchedule:
    return FeeSchedule.from_json(json.dumps({"format_version": 3, "items": [
        {"code": "lift", "name_zh": "公共电费", "name_en": "Common power", "rule": {"pooled": pooled},
         "effective_from": "2020-01-01"}]}))


HYBRID = {"hybrid": [{"basis": "area", "weight": "0.5"}, {"basis": "usage", "weight": "0.5"}]}


def test_a_given_amount_split_by_usage_reads_the_units_meters() -> None:
    # Submetered allocation of a master bill: each tenant pays in proportion to what its
    # own submeter records (legalclarity.org, "Utility Cost Allocation: Methods, Billing,
    # and Tenant Rights").
    # Usage: A 1120 − 1000 = 120, B 580 − 500 = 80, C 240 − 200 = 40; total 240 kWh.
    # 500.00 × 120/240 = 250.00; × 80/240 = 166.666…; × 40/240 = 83.333…: floored
    # 499.99, the cent left to the largest remainder (B's): 250.00, 166.67, 83.33.
    schedule = _pooled({"source": "given", "method": "usage", "meter_kind": "electricity"})
    run = estatekit.bill_estate(_metered_estate(), schedule, 2026, 10, pooled={"lift": D("500.00")})
    assert [(b.unit_id, b.lines[0].amount) for b in run.bills] == [
        ("A", D("250.00")), ("B", D("166.67")), ("C", D("83.33"))]
    bill = run.bill("B")
    assert bill is not None
    assert bill.lines[0].explain("en") == (
        "pool 500.00 split by usage among 3 units: 80 / 240 × 500.00 incl. rounding adjustment 0.01 "
        "(leftover minor units go to the largest remainders; equal remainders to the earlier unit in estate order) = 166.67")
    assert [(p.code, p.split_amount, p.shares_total, p.adjusted_units) for p in run.pools] == [
        ("lift", D("500.00"), D("500.00"), ["B"])]
    # Half by area, half by usage: A 0.5 × 100/240 + 0.5 × 120/240 = 0.458333…;
    # B 0.5 × 80/240 + 0.5 × 80/240 = 0.333333…; C 0.5 × 60/240 + 0.5 × 40/240 = 0.208333…
    # 600.00 × 0.458333333333 = 274.9999… → 275.00; → 200.00; → 125.00; sum 600.00.
    hybrid = _pooled({"source": "given", "method": HYBRID, "meter_kind": "electricity"})
    run = estatekit.bill_estate(_metered_estate(), hybrid, 2026, 10, pooled={"lift": D("600.00")})
    assert [b.lines[0].amount for b in run.bills] == [D("275.00"), D("200.00"), D("125.00")]


def test_a_usage_split_without_meter_kind_or_consumption_is_a_typed_error() -> None:
    with pytest.raises(ValidationError) as info:
        _pooled({"source": "given", "method": "usage"})
    assert (info.value.code, info.value.path) == ("missing_value", "items[0].rule.pooled.meter_kind")
    assert str(info.value) == (
        "items[0].rule.pooled.meter_kind: a given amount split by usage needs the kind of the units' meters "
        'whose consumption weighs them (e.g. "meter_kind": "electricity")')
    usage_in_hybrid = {"hybrid": [{"basis": "usage", "weight": "0.2"}, {"basis": "equal", "weight": "0.8"}]}
    assert _error(lambda: _pooled({"source": "given", "method": usage_in_hybrid})) == (
        "missing_value", "items[0].rule.pooled.meter_kind")
    # Refused with a master meter, whose kind is the master meter's.
    assert _error(lambda: _pooled({"source": {"master_meter": {"meter_id": "M", "price": "1.00"}},
                                   "method": "usage", "meter_kind": "electricity"})) == (
        "conflicting_fields", "items[0].rule.pooled.meter_kind")
    # No unit has a water meter: nothing consumed, the error names the method.
    water = _pooled({"source": "given", "method": "usage", "meter_kind": "water"})
    assert _error(lambda: estatekit.bill_estate(_metered_estate(), water, 2026, 10, pooled={"lift": D("500.00")})) == (
        "all_zero_weights", "pooled[lift].method")
