"""Annual (cumulative) tier limits from Python. Outside source: Beijing residential water,
北京市居民用水阶梯水价 (per year 0–180 m³ at 5.00 元/m³, 181–260 m³ at 7.00, above 260 at
9.00, comprehensive price incl. water resource fee and sewage)."""

import json
from decimal import Decimal as D
from typing import Any, Optional

import pytest

import estatekit
from estatekit import Estate, FeeSchedule, ValidationError


def _unit(uid: str) -> dict[str, Any]:
    return {
        "id": uid, "building_id": "B", "floor": 1, "number": uid, "kind": "residential",
        "gross_area": "80", "occupants": 2, "status": "occupied",
        "delivered_on": "2020-01-01", "status_since": "2020-01-01",
    }


def _estate() -> Estate:
    """A: water read Dec 31 2025 (1000), Sep 30 (1172), Oct 31 (1190); B: only since Sep 30."""
    def reads(*pairs: tuple[str, str]) -> list[dict[str, str]]:
        return [{"date": d, "value": v} for d, v in pairs]

    return Estate.from_json(json.dumps({
        "id": "e", "name": "E", "currency": "CNY", "buildings": [{"id": "B", "name": "B"}],
        "units": [_unit("A"), _unit("B")],
        "meters": [
            {"id": "W-A", "unit_id": "A", "kind": "water",
             "readings": reads(("2025-12-31", "1000"), ("2026-09-30", "1172"), ("2026-10-31", "1190"))},
            {"id": "W-B", "unit_id": "B", "kind": "water",
             "readings": reads(("2026-09-30", "500"), ("2026-10-31", "530"))},
        ],
    }))


def _schedule(year_start_month: Optional[int] = 1) -> FeeSchedule:
    metered: dict[str, Any] = {
        "meter_kind": "water",
        "tiers": [{"up_to": "180", "price": "5.00"}, {"up_to": "260", "price": "7.00"}, {"price": "9.00"}],
        "tier_basis": "year",
    }
    if year_start_month is not None:
        metered["year_start_month"] = year_start_month
    return FeeSchedule.from_json(json.dumps({"items": [{
        "code": "water", "name_zh": "水费", "name_en": "Water",
        "rule": {"metered": metered}, "effective_from": "2020-01-01",
    }]}))


def test_a_month_is_priced_after_the_year_to_date() -> None:
    # Year to date 172 m³ (from the readings), 18 m³ in October: 8 × 5.00 + 10 × 7.00 = 110.00.
    # B: year to date given, 250 m³; 30 m³ on [250, 280]: 10 × 7.00 + 20 × 9.00 = 250.00.
    run = estatekit.bill_estate(_estate(), _schedule(), 2026, 10, year_to_date={"W-B": D("250")})
    a = run.bill("A")
    assert a is not None
    assert a.lines[0].amount == D("110.00")
    assert a.lines[0].explain("en") == (
        "water meter W-A: (1190 − 1172) × 1 = 18; year to date 172 (tier year from 2026-01-01); "
        "8 × 5.00 + 10 × 7.00 = 110.00"
    )
    assert a.lines[0].explain("zh-CN") == (
        "水表 W-A：(1190 − 1172) × 1 = 18；年度累计 172（阶梯年度自 2026-01-01 起）；8 × 5.00 + 10 × 7.00 = 110.00"
    )
    assert a.lines[0].explanation["tier_year"] == {"start": "2026-01-01", "to_date": "172"}
    b = run.bill("B")
    assert b is not None and b.lines[0].amount == D("250.00")


def test_a_year_to_date_neither_read_nor_given_sets_the_unit_aside() -> None:
    run = estatekit.bill_estate(_estate(), _schedule(), 2026, 10)
    assert [b.unit_id for b in run.bills] == ["A"]
    [e] = run.exceptions
    assert (e["unit_id"], e["meter_id"], e["code"], e["path"]) == ("B", "W-B", "missing_reading", "meters[W-B]")
    with pytest.raises(ValidationError) as info:
        estatekit.bill_estate(_estate(), _schedule(), 2026, 10, strict=True)
    assert (info.value.code, info.value.path) == ("missing_reading", "meters[W-B]")


@pytest.mark.parametrize(
    ("year_to_date", "code", "path"),
    [
        ({"W-B": D("-1")}, "negative", "year_to_date[W-B]"),
        ({"NOPE": D("1")}, "unknown_reference", "year_to_date[NOPE]"),
        ({"W-B": "x"}, "invalid_decimal", "year_to_date[W-B]"),
    ],
)
def test_a_bad_year_to_date_is_a_validation_error(year_to_date: dict[str, Any], code: str, path: str) -> None:
    with pytest.raises(ValidationError) as info:
        estatekit.bill_estate(_estate(), _schedule(), 2026, 10, year_to_date=year_to_date)
    assert (info.value.code, info.value.path) == (code, path)


@pytest.mark.parametrize(("month", "code"), [(None, "missing_value"), (0, "out_of_range"), (13, "out_of_range")])
def test_bad_year_start_is_a_validation_error(month: Optional[int], code: str) -> None:
    with pytest.raises(ValidationError) as info:
        _schedule(month)
    assert (info.value.code, info.value.path) == (code, "items[0].rule.metered.year_start_month")
