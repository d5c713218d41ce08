"""A charge spanning several months (issue 20): a unit delivered before the billed
month but after the last run is billed from its delivery with `since=`, rounded per
month (the default) or once per line (the estate's `round` policy), from Python.

A Shenzhen-style flat: 98.36 m² at 3.80/m²/month (373.768 a month, not a whole number
of fen), delivered on 18 May and first billed with July. Property fees run from the
day of delivery, by the actual days of the partial month (May: 14/31 days)."""

import datetime as dt
import json
from decimal import Decimal as D
from typing import Optional

import pytest

import estatekit
from estatekit import Estate, FeeSchedule, ValidationError


def _estate(round_: Optional[str] = None) -> Estate:
    doc = {
        "id": "e", "name": "E", "currency": "CNY",
        "buildings": [{"id": "B", "name": "B"}],
        "units": [
            {"id": unit_id, "building_id": "B", "floor": 1, "number": unit_id, "kind": "residential",
             "gross_area": "98.36", "status": "occupied", "delivered_on": delivered,
             "status_since": delivered}
            for unit_id, delivered in [("A", "2026-05-18"), ("B", "2026-04-02")]
        ],
    }
    if round_ is not None:
        doc["round"] = round_
    return Estate.from_json(json.dumps(doc))


SCHEDULE = FeeSchedule.from_json(json.dumps({"items": [
    {"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
     "rule": {"area": {"rate": "3.80"}}, "effective_from": "2020-01-01"}]}))


def test_per_month_is_the_sum_of_each_months_rounded_part() -> None:
    # May 373.768 × 14/31 = 168.7984… → 168.80; June and July 373.768 → 373.77 each.
    run = estatekit.bill_estate(_estate(), SCHEDULE, 2026, 7, since=dt.date(2026, 5, 1))
    line = run.bill("A").lines[0]
    assert line.amount == D("916.34")
    assert str(line.amount) == "916.34"
    assert line.explain("zh-CN") == (
        "自 2026-05-18 起计费（按月取整）："
        "2026-05-18 至 2026-05-31：98.36 m² × 3.80/m²/月 × 1 月 × 14/31 天 = 168.80；"
        "2026-06-01 至 2026-06-30：98.36 m² × 3.80/m²/月 × 1 月 = 373.77；"
        "2026-07-01 至 2026-07-31：98.36 m² × 3.80/m²/月 × 1 月 = 373.77；"
        "168.80 + 373.77 + 373.77 = 916.34"
    )
    e = line.explanation
    assert e["type"] == "spanning" and e["round"] == "per_month"
    assert [(p["start"], p["end"], p["amount"]) for p in e["parts"]] == [
        ("2026-05-18", "2026-05-31", "168.80"),
        ("2026-06-01", "2026-06-30", "373.77"),
        ("2026-07-01", "2026-07-31", "373.77"),
    ]
    # B was delivered before `since`: July only. Without `since`, A is July only too.
    assert run.bill("B").total == D("373.77")
    plain = estatekit.bill_estate(_estate(), SCHEDULE, 2026, 7)
    assert plain.bill("A").total == D("373.77")
    # An ISO string is accepted for the date.
    again = estatekit.bill_estate(_estate(), SCHEDULE, 2026, 7, since="2026-05-01")
    assert again.bill("A").total == D("916.34")


def test_per_line_rounds_the_exact_sum_once() -> None:
    # 168.7984516… + 373.768 + 373.768 = 916.3344516… → 916.33 (one fen less).
    run = estatekit.bill_estate(_estate("per_line"), SCHEDULE, 2026, 7, since=dt.date(2026, 5, 1))
    line = run.bill("A").lines[0]
    assert line.amount == D("916.33")
    assert line.explain("en") == (
        "billed from 2026-05-18, rounded once: "
        "2026-05-18 to 2026-05-31: 98.36 m² × 3.80/m²/month × 1 month × 14/31 days ≈ 168.7985; "
        "2026-06-01 to 2026-06-30: 98.36 m² × 3.80/m²/month × 1 month = 373.768; "
        "2026-07-01 to 2026-07-31: 98.36 m² × 3.80/m²/month × 1 month = 373.768; "
        "168.7985 + 373.768 + 373.768 = 916.33"
    )
    assert line.explanation["round"] == "per_line"
    # The run's JSON round-trips with the spanning explanation.
    assert estatekit.BillingRun.from_json(run.to_json()).to_json() == run.to_json()
    assert '"round": "per_line"' in _estate("per_line").to_json()


def test_bad_since_and_round_are_refused() -> None:
    with pytest.raises(ValidationError) as e:
        estatekit.bill_estate(_estate(), SCHEDULE, 2026, 7, since=dt.date(2026, 7, 2))
    assert (e.value.code, e.value.path) == ("out_of_range", "since")
    with pytest.raises(ValidationError) as e:
        _estate("per_quarter")
    assert (e.value.code, e.value.path) == ("json", "round")
