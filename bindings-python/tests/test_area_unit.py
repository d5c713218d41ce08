"""The estate's area unit (issue 20) named in bill explanations, from Python."""

import json
from decimal import Decimal as D

import pytest

import estatekit
from estatekit import Estate, FeeSchedule, ValidationError


def _estate(unit: str) -> Estate:
    return Estate.from_json(json.dumps({
        "id": "e", "name": "E", "currency": "TWD", "area_unit": unit, "rounding": {"scale": 0},
        "buildings": [{"id": "B", "name": "B"}],
        "units": [{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
                   "gross_area": "32.50", "status": "occupied", "delivered_on": "2024-01-01",
                   "status_since": "2024-01-01"}],
    }))


SCHEDULE = json.dumps({"items": [{"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
                                  "rule": {"area": {"rate": "60"}}, "effective_from": "2020-01-01"}]})


def test_a_ping_estate_names_ping() -> None:
    # A Taipei flat of 32.50 坪 at NT$60 per 坪 a month: 1950, at the dollar.
    run = estatekit.bill_estate(_estate("ping"), FeeSchedule.from_json(SCHEDULE), 2026, 10)
    bill = run.bill("A")
    assert bill.total == D("1950")
    assert bill.explain("en")[0] == "Management fee: 32.50 ping × 60/ping/month × 1 month = 1950"
    assert bill.explain("zh-CN")[0] == "物业服务费：32.50 坪 × 60/坪/月 × 1 月 = 1950"


def test_an_unknown_area_unit_is_refused() -> None:
    with pytest.raises(ValidationError) as e:
        _estate("acre")
    assert (e.value.code, e.value.path) == ("json", "area_unit")
