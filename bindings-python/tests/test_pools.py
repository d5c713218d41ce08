"""Pools per building (楼栋公摊) and per group of units, and fee items limited to
buildings or units, from Python. The amounts are those of core/tests/fees_pools.rs,
computed by hand there."""

import json
from decimal import Decimal as D

import pytest

import estatekit
from estatekit import Estate, FeeSchedule, ValidationError


def _unit(uid: str, building: str, area: str, status: str) -> dict:
    unit = {"id": uid, "building_id": building, "floor": 1, "number": uid, "kind": "residential",
            "gross_area": area, "occupants": 2 if status == "occupied" else 0, "status": status}
    if status != "unsold":
        unit.update(delivered_on="2024-01-01", status_since="2024-01-01")
    return unit


def _master(mid: str, sep: str, oct_: str) -> dict:
    return {"id": mid, "kind": "electricity",
            "readings": [{"date": "2026-09-30", "value": sep}, {"date": "2026-10-31", "value": oct_}]}


ESTATE = {
    "id": "e", "name": "E", "currency": "CNY",
    "buildings": [{"id": "B1", "name": "1号楼"}, {"id": "B2", "name": "2号楼"}],
    "units": [_unit("1-101", "B1", "100.00", "occupied"), _unit("1-102", "B1", "80.00", "occupied"),
              _unit("1-103", "B1", "60.00", "occupied"), _unit("2-101", "B2", "90.00", "occupied"),
              _unit("2-102", "B2", "60.00", "delivered"), _unit("2-103", "B2", "50.00", "unsold")],
    "meters": [_master("M-B1", "1000", "1600"), _master("M-B2", "500", "700")],
}

# The lift's electricity per building at the Beijing residential price 0.4883 CNY/kWh
# (北京市发展和改革委员会, 居民生活用电第一档), stair cleaning per building from the
# contractor's invoices, a garden fee for B2 only, a sign fee for one unit.
SCHEDULE = {"format_version": 3, "items": [
    {"code": "lift_power", "name_zh": "电梯用电分摊", "name_en": "Lift electricity",
     "rule": {"pooled": {"source": {"master_meter": {"meters": [
         {"group": "B1", "meter_id": "M-B1"}, {"group": "B2", "meter_id": "M-B2"}], "price": "0.4883"}},
         "method": "area", "split_by": "building"}}, "effective_from": "2026-01-01"},
    {"code": "stair_cleaning", "name_zh": "楼道保洁分摊", "name_en": "Stair cleaning",
     "rule": {"pooled": {"source": "given", "method": "area", "split_by": "building"}},
     "effective_from": "2026-01-01"},
    {"code": "garden", "name_zh": "花园维护费", "name_en": "Garden",
     "rule": {"fixed": {"amount": "5.00"}}, "buildings": ["B2"], "effective_from": "2026-01-01"},
    {"code": "sign", "name_zh": "招牌费", "name_en": "Sign",
     "rule": {"fixed": {"amount": "12.00"}}, "units": ["1-101"], "effective_from": "2026-01-01"},
]}

INVOICES = {"stair_cleaning": {"B1": D("300.00"), "B2": D("100.00")}}


def _run(schedule: dict = SCHEDULE, pooled: dict = INVOICES) -> estatekit.BillingRun:
    return estatekit.bill_estate(Estate.from_json(json.dumps(ESTATE)), FeeSchedule.from_json(json.dumps(schedule)),
                                 2026, 10, pooled=pooled)


def test_a_pool_per_building_splits_each_building() -> None:
    run = _run()
    assert [(b.unit_id, line.item_code, line.amount) for b in run.bills for line in b.lines] == [
        ("1-101", "lift_power", D("122.08")), ("1-101", "stair_cleaning", D("125.00")), ("1-101", "sign", D("12.00")),
        ("1-102", "lift_power", D("97.66")), ("1-102", "stair_cleaning", D("100.00")),
        ("1-103", "lift_power", D("73.24")), ("1-103", "stair_cleaning", D("75.00")),
        ("2-101", "lift_power", D("58.60")), ("2-101", "stair_cleaning", D("60.00")), ("2-101", "garden", D("5.00")),
        ("2-102", "lift_power", D("39.06")), ("2-102", "stair_cleaning", D("40.00")), ("2-102", "garden", D("5.00")),
    ]
    # One pool per building: B1's shares sum to B1's 292.98, B2's to 97.66.
    assert [(p.code, p.group, p.split_amount, p.shares_total, p.participants, p.adjusted_units) for p in run.pools] == [
        ("lift_power", "B1", D("292.98"), D("292.98"), 3, ["1-101"]),
        ("lift_power", "B2", D("97.66"), D("97.66"), 2, ["2-101"]),
        ("stair_cleaning", "B1", D("300.00"), D("300.00"), 3, []),
        ("stair_cleaning", "B2", D("100.00"), D("100.00"), 2, []),
    ]
    assert run.total == D("812.64")
    share = run.bill("1-101").lines[0]
    assert share.explain("en") == (
        "B1: pool 292.98 split by area among 3 units: 100.00 / 240.00 × 292.98 incl. rounding adjustment 0.01 "
        "(leftover minor units go to the largest remainders; equal remainders to the earlier unit in estate order) = 122.08")
    assert share.explain("zh-CN") == (
        "B1 公摊 292.98 按面积（3 户）：100.00 / 240.00 × 292.98 含尾差调整 0.01"
        "（尾差按余数从大到小逐户分配，余数相同先给房屋顺序在前的户） = 122.08")
    assert share.explanation["group"] == "B1"
    assert estatekit.BillingRun.from_json(run.to_json()) == run


def _error(call) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.code, info.value.path


def test_bad_pools_are_typed_errors_naming_the_field() -> None:
    # A building lacking its source: no invoice for B2, or no master meter for B2.
    assert _error(lambda: _run(pooled={"stair_cleaning": {"B1": D("300.00")}})) == (
        "missing_pooled_amount", "pooled[stair_cleaning@B2]")
    one_meter = json.loads(json.dumps(SCHEDULE))
    del one_meter["items"][0]["rule"]["pooled"]["source"]["master_meter"]["meters"][1]
    assert _error(lambda: _run(one_meter)) == ("missing_value", "items[0].rule.pooled.source.master_meter.meters")
    # An unknown building in an item's filter, an unknown unit, an invoice for an unknown building.
    unknown_building = json.loads(json.dumps(SCHEDULE))
    unknown_building["items"][2]["buildings"] = ["B3"]
    assert _error(lambda: _run(unknown_building)) == ("unknown_reference", "items[2].buildings[0]")
    unknown_unit = json.loads(json.dumps(SCHEDULE))
    unknown_unit["items"][3]["units"] = ["1-101", "9-909"]
    assert _error(lambda: _run(unknown_unit)) == ("unknown_reference", "items[3].units[1]")
    assert _error(lambda: _run(pooled={"stair_cleaning": {"B1": 1, "B2": 1, "B7": 1}})) == (
        "unknown_reference", "pooled[2].group")
    assert _error(lambda: _run(pooled={"stair_cleaning": D("400")})) == ("missing_value", "pooled[0].group")
    # A group naming an unknown unit; a unit in two groups.

    def groups(west: list[str]) -> dict:
        return {"items": [{"code": "hall", "name_zh": "h", "name_en": "h", "effective_from": "2026-01-01",
                           "rule": {"pooled": {"source": "given", "method": "equal", "split_by": {"groups": [
                               {"id": "east", "units": ["1-101"]}, {"id": "west", "units": west}]}}}}]}
    hall = {"hall": {"east": 1, "west": 1}}
    assert _error(lambda: _run(groups(["1-102", "X-1"]), hall)) == (
        "unknown_reference", "items[0].rule.pooled.split_by.groups[1].units[1]")
    assert _error(lambda: FeeSchedule.from_json(json.dumps(groups(["1-102", "1-101"])))) == (
        "duplicate_id", "items[0].rule.pooled.split_by.groups[1].units[1]")
