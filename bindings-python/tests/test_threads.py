"""The batches that use every core (`threads=`): the same results for 1, 2 and None
(every core), and a bad count refused as every bad argument is."""

import datetime as dt
import json
import os
import pathlib
import random
from decimal import Decimal as D

import pytest

import estatekit
from estatekit import TicketClassifier, ValidationError

HERE = pathlib.Path(__file__).resolve().parent
LABELLED = HERE.parent.parent / "core" / "tests" / "data" / "tickets_labelled.jsonl"
# The development data beside the repository (not part of it); skipped when missing.
SHARED = pathlib.Path(
    os.environ.get("ESTATEKIT_SHARED_DATA", HERE.parent.parent.parent / "shared" / "data")
)
AS_OF = dt.date(2026, 10, 31)


def labelled() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text("utf-8").splitlines() if line.strip()]


def texts(n: int) -> list[str]:
    base = [r["text"] for r in labelled()]
    return [
        t if (i // len(base)) % 2 == 0 else f"{i % 40}号楼 {t}"
        for i, t in ((i, base[i % len(base)]) for i in range(n))
    ]


def test_classify_batch_same_for_every_thread_count() -> None:
    clf = TicketClassifier.default()
    xs = texts(3000)
    one = clf.classify_batch(xs, threads=1)
    assert one[0].category == "repair.plumbing"
    for threads in (2, None, 0, 7):
        got = clf.classify_batch(xs, threads=threads)
        assert [(c.category, c.urgency, c.kind, c.temperament) for c in got] == [
            (c.category, c.urgency, c.kind, c.temperament) for c in one
        ]
    assert [c.category for c in clf.classify_batch(xs)] == [c.category for c in one]
    assert clf.predict_batch(xs, threads=2) == [c.category for c in one]
    assert clf.predict_batch(xs, threads=1) == clf.predict_batch(xs)


def test_predict_batch_with_a_model_same_for_every_thread_count() -> None:
    rows = labelled()
    clf = TicketClassifier.train([r["text"] for r in rows], [r["category"] for r in rows], seed=7)
    xs = texts(3000)
    one = clf.predict_batch(xs, threads=1)
    assert clf.predict_batch(xs, threads=2) == one
    assert clf.predict_batch(xs) == one
    assert one[:2] == ["repair.plumbing", "repair.plumbing"]


@pytest.mark.skipif(not (SHARED / "zh_gov_messages_labelled.csv").exists(), reason="no shared data")
def test_shared_messages_same_for_every_thread_count() -> None:
    import csv

    with open(SHARED / "zh_gov_messages_labelled.csv", encoding="utf-8") as f:
        xs = [f"{r['title']} {r['text']}" for r in csv.DictReader(f)]
    clf = TicketClassifier.default()
    one = [c.category for c in clf.classify_batch(xs, threads=1)]
    assert len(one) > 400
    assert [c.category for c in clf.classify_batch(xs, threads=2)] == one
    assert clf.predict_batch(xs, threads=None) == one


def overdue(n: int) -> list[tuple[D, dt.date]]:
    rng = random.Random(22)
    start = dt.date(2025, 1, 1)
    out = []
    for _ in range(n):
        due = start + dt.timedelta(days=rng.randrange(600))
        k = rng.randrange(1000)
        if k < 950:
            p = D(rng.randrange(5_000_000)).scaleb(-2)
        elif k < 990:
            p = D(rng.randrange(1_000_000)).scaleb(-rng.randrange(5))
        else:
            # Penalties beyond 2^31 minor units (kept aside whole by the batch).
            p = D(rng.randrange(1 << 40, 1 << 41)).scaleb(-2)
        out.append((p, due))
    return out


def test_penalty_batch_same_for_every_thread_count() -> None:
    items = overdue(100_000)
    arrears = estatekit.Arrears(items)
    one = arrears.late_penalties(AS_OF, daily_rate=D("0.0005"), threads=1)
    amounts = one.amounts
    assert max(amounts) > D(2**31) / 100
    # One item computed alone: the batch holds the same penalty.
    p, due = items[99_999]
    assert amounts[99_999] == estatekit.late_penalty(p, due, AS_OF, daily_rate=D("0.0005"))
    for threads in (2, None):
        b = arrears.late_penalties(AS_OF, daily_rate=D("0.0005"), threads=threads)
        assert b.total == one.total
        assert [str(a) for a in b.amounts] == [str(a) for a in amounts]
    listed = estatekit.late_penalties(items, AS_OF, daily_rate=D("0.0005"), threads=2)
    assert [str(a) for a in listed] == [str(a) for a in amounts]
    assert estatekit.late_penalties(items, AS_OF, daily_rate=D("0.0005"), threads=1) == listed


def test_penalty_batch_error_is_the_same_whatever_the_count() -> None:
    items = overdue(100_000)
    items[77_777] = (D("-1"), items[77_777][1])
    items[99_000] = (D("-2"), items[99_000][1])
    arrears = estatekit.Arrears(items)
    seen = []
    for threads in (1, 2, None):
        with pytest.raises(ValidationError) as info:
            arrears.late_penalties(AS_OF, daily_rate=D("0.0005"), threads=threads)
        seen.append((info.value.code, info.value.path, str(info.value)))
    assert seen[0][:2] == ("negative", "items[77777].principal")
    assert seen == [seen[0]] * 3


@pytest.mark.parametrize("bad", [-1, 257, 10**30])
def test_bad_thread_count_is_out_of_range(bad: int) -> None:
    clf = TicketClassifier.default()
    arrears = estatekit.Arrears([(D("100"), dt.date(2026, 10, 1))])
    calls = [
        lambda: clf.classify_batch(["停电了"], threads=bad),
        lambda: clf.predict_batch(["停电了"], threads=bad),
        lambda: arrears.late_penalties(AS_OF, daily_rate=D("0.001"), threads=bad),
        lambda: estatekit.late_penalties([(D("1"), AS_OF)], AS_OF, daily_rate=D("0.001"), threads=bad),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as info:
            call()
        assert isinstance(info.value, ValueError)
        assert (info.value.code, info.value.path) == ("out_of_range", "threads")
        assert "0..=256" in str(info.value)


def test_thread_count_is_an_int() -> None:
    clf = TicketClassifier.default()
    with pytest.raises(ValidationError) as info:
        clf.classify_batch(["停电了"], threads=True)
    assert (info.value.code, info.value.path) == ("invalid_integer", "threads")
    with pytest.raises(TypeError):
        clf.classify_batch(["停电了"], threads="2")  # type: ignore[arg-type]
    assert [c.category for c in clf.classify_batch(["停电了"], threads=256)] == ["repair.electrical"]


def estate_of(n: int, unread: tuple[int, ...] = ()) -> estatekit.Estate:
    """`n` units with a water meter each (tiered), some delivered and empty; the units
    in `unread` have no October reading."""
    rng = random.Random(22)
    units, meters, readings = [], [], []
    for i in range(n):
        empty = rng.randrange(9) == 0
        units.append({"id": f"U{i}", "building_id": "B", "floor": "1", "number": str(i),
                      "kind": "residential", "gross_area": f"{rng.randrange(30, 230)}.{rng.randrange(100):02d}",
                      "occupants": "0" if empty else "2", "status": "delivered" if empty else "occupied",
                      "delivered_on": "2024-06-01", "status_since": "2024-06-01"})
        meters.append({"id": f"W{i}", "unit_id": f"U{i}", "kind": "water"})
        start = rng.randrange(100_000)
        readings.append({"meter_id": f"W{i}", "date": "2026-09-30", "value": f"{start / 10:.1f}"})
        if i not in unread:
            readings.append({"meter_id": f"W{i}", "date": "2026-10-31",
                             "value": f"{(start + rng.randrange(400)) / 10:.1f}"})
    return estatekit.Estate.from_records(id="t", name="T", buildings=[{"id": "B", "name": "B"}],
                                         units=units, meters=meters, readings=readings)


BILLING_SCHEDULE = json.dumps({"format_version": 1, "items": [
    {"code": "management", "name_zh": "物业服务费", "name_en": "Management fee",
     "rule": {"area": {"rate": "3.70"}}, "status_factors": [{"status": "delivered", "factor": "0.7"}],
     "effective_from": "2020-01-01"},
    {"code": "common", "name_zh": "公摊电费", "name_en": "Common-area electricity",
     "rule": {"pooled": {"source": "given", "method": "area"}}, "effective_from": "2020-01-01"},
    {"code": "water", "name_zh": "水费", "name_en": "Water",
     "rule": {"metered": {"meter_kind": "water", "tiers": [
         {"up_to": "15", "price": "3.45"}, {"up_to": "22", "price": "4.83"}, {"price": "5.83"}]}},
     "effective_from": "2020-01-01"}]})


def test_bill_estate_same_run_for_every_thread_count() -> None:
    estate = estate_of(20_000, unread=(4_000, 12_345))
    schedule = estatekit.FeeSchedule.from_json(BILLING_SCHEDULE)
    pooled = {"common": D("54321.09")}
    one = estatekit.bill_estate(estate, schedule, 2026, 10, pooled=pooled, threads=1)
    assert [e["unit_id"] for e in one.exceptions] == ["U4000", "U12345"]
    assert len(one.bills) == 19_998
    for threads in (2, 3, None, 0):
        run = estatekit.bill_estate(estate, schedule, 2026, 10, pooled=pooled, threads=threads)
        assert run.total == one.total
        assert run.to_json() == one.to_json()
    strict = [
        pytest.raises(ValidationError, estatekit.bill_estate, estate, schedule, 2026, 10,
                      pooled=pooled, strict=True, threads=t).value
        for t in (1, 2, None)
    ]
    assert {(e.code, e.path) for e in strict} == {("missing_reading", "meters[W4000]")}


def test_bill_estate_bad_thread_count() -> None:
    estate = estate_of(3)
    schedule = estatekit.FeeSchedule.from_json(BILLING_SCHEDULE)
    for bad in (-1, 257):
        with pytest.raises(ValidationError) as e:
            estatekit.bill_estate(estate, schedule, 2026, 10, pooled={"common": D("1")}, threads=bad)
        assert (e.value.code, e.value.path) == ("out_of_range", "threads")
