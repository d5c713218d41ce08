"""Reliability: panics surface as InternalError, malformed input as typed errors naming
the field (the shared table core/tests/data/bad_inputs.tsv plus Python-only arguments),
failed operations change nothing, and shared objects give the same results from many
threads while long calls release the GIL."""

import datetime
import json
import pathlib
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

import estatekit
from estatekit import _estatekit

TABLE = pathlib.Path(__file__).resolve().parents[2] / "core" / "tests" / "data" / "bad_inputs.tsv"
UTC = datetime.timezone.utc


def _rows():
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        kind, code, path, what, text = line.split("\t", 4)
        yield pytest.param(kind, code, path, text, id=f"{kind}: {what}")


_TEMPLATE = estatekit.CheckinTemplate.default()

_PARSERS = {
    "estate": estatekit.Estate.from_json,
    "schedule": estatekit.FeeSchedule.from_json,
    "template": estatekit.CheckinTemplate.from_json,
    "checklist": lambda t: estatekit.Checklist.from_json(t, _TEMPLATE),
    "rules": lambda t: estatekit.TicketClassifier.from_rules(t, builtin=False),
    "ledger": estatekit.Ledger.from_json,
    "flow": estatekit.TicketFlow.from_json,
    "sla": estatekit.SlaPolicy.from_json,
    "run": estatekit.BillingRun.from_json,
    "registry": estatekit.Registry.from_json,
    "decoration_policy": estatekit.DecorationPolicy.from_json,
    "decorations": estatekit.Decorations.from_json,
    "survey": estatekit.Survey.from_json,
    "patrol_book": estatekit.PatrolBook.from_json,
    "keys": estatekit.KeyRegister.from_json,
    "release": estatekit.GoodsRelease.from_json,
    "book": lambda t: estatekit.Receivables.from_json(t, estatekit.Estate.demo(), estatekit.FeeSchedule.demo()),
    "payments": lambda t: _last_rejected(t, "apply_payments_json"),
    "charges": lambda t: _last_rejected(t, "post_charges_json"),
    "opening": lambda t: _last_rejected(t, "open_balances_json"),
    "payment_records": lambda t: _last_rejected(json.loads(t), "apply_payments"),
    "charge_records": lambda t: _last_rejected(json.loads(t), "post_charges"),
    "opening_records": lambda t: _last_rejected(json.loads(t), "open_balances"),
    "estate_tables": lambda t: _first_problem(json.loads(t)),
    "pooled_records": lambda t: _first_pooled_problem(json.loads(t)),
}


def _first_pooled_problem(rows: list) -> None:
    """The month's pooled invoices as rows: the first problem raised as its code and path."""
    try:
        estatekit.bill_estate(estatekit.Estate.demo(), estatekit.FeeSchedule.demo(), 2026, 10, pooled=rows)
    except estatekit.ValidationError as e:
        p = e.problems[0]  # type: ignore[attr-defined]
        e.code, e.path = p["code"], p["path"]
        raise


def _first_problem(tables: dict) -> None:
    """Estate tables of string cells: the first problem raised as its code and path."""
    try:
        estatekit.Estate.from_records(id="e1", name="Test", **tables)
    except estatekit.ValidationError as e:
        p = e.problems[0]  # type: ignore[attr-defined]
        e.code, e.path = p["code"], p["path"]
        raise


def _last_rejected(text: object, method: str) -> None:
    """Rows (a bank file, single charges, opening balances) imported by `method` into
    an empty book of the demo estate: the last rejected row raised as
    `rows[<row>].<field>`."""
    book = estatekit.Receivables(estatekit.Estate.demo(), estatekit.FeeSchedule.demo())
    rejected = getattr(book, method)(text).rejected
    if rejected:
        r = rejected[-1]
        e = estatekit.ValidationError(r["message"])
        e.code, e.path = r["code"], f"rows[{r['row']}].{r['path']}"
        raise e


# ---- panics -------------------------------------------------------------------------


def test_panic_becomes_internal_error():
    with pytest.raises(estatekit.InternalError) as info:
        _estatekit._panic_for_test("deliberate test panic")
    e = info.value
    assert isinstance(e, estatekit.EstateKitError) and isinstance(e, Exception)
    assert not isinstance(e, estatekit.ValidationError)
    assert (e.code, e.path) == ("internal", "")
    assert "deliberate test panic" in str(e)
    # `except Exception` catches it (pyo3's PanicException is a BaseException).
    try:
        _estatekit._panic_for_test("again")
    except Exception as caught:  # noqa: BLE001
        assert type(caught) is estatekit.InternalError
    # The interpreter and the library are unharmed.
    assert estatekit.allocate(Decimal("1"), [1, 1]) == [Decimal("0.50"), Decimal("0.50")]


def test_panic_in_a_thread_becomes_internal_error():
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(_estatekit._panic_for_test, f"t{i}") for i in range(8)]
        for f in futures:
            assert isinstance(f.exception(), estatekit.InternalError)


# ---- bad inputs -----------------------------------------------------------------------


@pytest.mark.parametrize("kind, code, path, text", list(_rows()))
def test_shared_bad_document(kind, code, path, text):
    with pytest.raises(estatekit.EstateKitError) as info:
        _PARSERS[kind](text)
    e = info.value
    assert isinstance(e, estatekit.ValidationError), type(e)
    assert (e.code, e.path) == (code, path), str(e)


def _demo_run():
    return estatekit.bill_estate(
        estatekit.Estate.demo(), estatekit.FeeSchedule.demo(), 2026, 10,
        pooled={"common_electricity": Decimal("3943.20")})


D = datetime.date
OCT1, OCT31 = D(2026, 10, 1), D(2026, 10, 31)
AT = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

# (what, call, code, path): Python arguments no document carries.
ARGUMENTS = [
    ("float amount", lambda: estatekit.allocate(1.5, [1]), "invalid_decimal", "total"),
    ("bool amount", lambda: estatekit.allocate(True, [1]), "invalid_decimal", "total"),
    ("NaN Decimal", lambda: estatekit.allocate(Decimal("NaN"), [1]), "invalid_decimal", "total"),
    ("Infinity Decimal", lambda: estatekit.allocate(Decimal("Infinity"), [1]), "invalid_decimal", "total"),
    ("'NaN' string", lambda: estatekit.allocate("NaN", [1]), "invalid_decimal", "total"),
    ("'-Infinity' string", lambda: estatekit.allocate("-Infinity", [1]), "invalid_decimal", "total"),
    ("1e30 string", lambda: estatekit.allocate("1e30", [1]), "invalid_decimal", "total"),
    ("10**30 int", lambda: estatekit.allocate(10**30, [1]), "invalid_decimal", "total"),
    ("empty string amount", lambda: estatekit.allocate("", [1]), "invalid_decimal", "total"),
    ("float weight", lambda: estatekit.allocate(Decimal(1), [Decimal(1), 0.5]), "invalid_decimal", "weights[1]"),
    ("negative weight", lambda: estatekit.allocate(Decimal(1), [Decimal(1), Decimal(-2)]), "negative_weight", "weights[1]"),
    ("no weights", lambda: estatekit.allocate(Decimal(1), []), "empty_weights", "weights"),
    ("scale 99", lambda: estatekit.allocate(Decimal(1), [1], scale=99), "invalid_scale", "scale"),
    ("unknown rounding", lambda: estatekit.allocate(Decimal(1), [1], rounding="bankers"), "unknown_rounding_mode", "rounding"),
    ("penalty: float rate", lambda: estatekit.late_penalty(Decimal(1), OCT1, OCT31, daily_rate=0.003), "invalid_decimal", "daily_rate"),
    ("penalty: negative principal", lambda: estatekit.late_penalty(Decimal(-1), OCT1, OCT31, daily_rate=Decimal("0.003")), "negative", "principal"),
    ("prorate: service ends first", lambda: estatekit.prorate(Decimal(100), OCT1, OCT31, D(2026, 10, 20), D(2026, 10, 10)), "ends_before_starts", "service_end"),
    ("pooled split: unknown method", lambda: estatekit.pooled_split(Decimal(1), [{"id": "A", "area": Decimal(1)}], method="by_mood"), "unknown_value", "method"),
    ("pooled split: unknown unit key", lambda: estatekit.pooled_split(Decimal(1), [{"id": "A", "area": Decimal(1), "occupant": 3}], method="occupants"), "unknown_value", "units[0].occupant"),
    ("pooled split: total finer than scale", lambda: estatekit.pooled_split(Decimal("100.005"), [{"id": "A", "area": Decimal(1)}], method="area"), "too_many_decimals", "total"),
    ("pooled split: hybrid weights sum 0.8", lambda: estatekit.pooled_split(Decimal(1), [{"id": "A", "area": Decimal(1)}], method="hybrid", weights={"area": Decimal("0.5"), "occupants": Decimal("0.3")}), "weights_sum", "weights"),
    ("billing: month 13", lambda: estatekit.bill_estate(estatekit.Estate.demo(), estatekit.FeeSchedule.demo(), 2026, 13), "out_of_range", "month"),
    ("billing: no pooled amount", lambda: estatekit.bill_estate(estatekit.Estate.demo(), estatekit.FeeSchedule.demo(), 2026, 10), "missing_pooled_amount", "pooled[common_electricity]"),
    ("billing: pooled NaN", lambda: estatekit.bill_estate(estatekit.Estate.demo(), estatekit.FeeSchedule.demo(), 2026, 10, pooled={"common_electricity": "NaN"}), "invalid_decimal", "pooled[common_electricity]"),
    ("ledger: float payment", lambda: estatekit.Ledger("1-101").pay("R1", 1.5, OCT1), "invalid_decimal", "amount"),
    ("ledger: zero payment", lambda: estatekit.Ledger("1-101").pay("R1", Decimal(0), OCT1), "non_positive_payment", "amount"),
    ("ledger: unknown order", lambda: estatekit.Ledger("1-101", order="richest_first"), "unknown_value", "order"),
    ("checklist: unknown role", lambda: estatekit.Checklist.start(_TEMPLATE, "1-603", "张三", OCT1).complete("occupancy_notice_presented", actor="a", role="janitor", at=AT), "unknown_value", "role"),
    ("checklist: empty owner", lambda: estatekit.Checklist.start(_TEMPLATE, "1-603", "", OCT1), "empty_field", "owner"),
    ("classifier: one class", lambda: estatekit.TicketClassifier.train(["a", "b"], ["x", "x"]), "single_class", "labels"),
    ("classifier: NaN option", lambda: estatekit.TicketClassifier.train(["a", "b"], ["x", "y"], c=float("nan")), "invalid_option", "c"),
    ("calendar: no working days", lambda: estatekit.BusinessCalendar.weekly("09:00", "18:00", []), "no_working_hours", "calendar.hours"),
    ("calendar: 25:00", lambda: estatekit.BusinessCalendar.weekly("09:00", "25:00", [0]), "invalid_time", "end"),
]


@pytest.mark.parametrize("call, code, path", [pytest.param(c, k, p, id=w) for w, c, k, p in ARGUMENTS])
def test_bad_argument(call, code, path):
    with pytest.raises(estatekit.ValidationError) as info:
        call()
    assert (info.value.code, info.value.path) == (code, path), str(info.value)


def test_table_size():
    assert len(list(_rows())) + len(ARGUMENTS) >= 50


# ---- nothing partially applied ------------------------------------------------------------


def test_failed_payment_leaves_the_ledger_unchanged():
    ledger = estatekit.Ledger("1-101", order="penalty_first")
    ledger.add_bill(_demo_run().bill("1-101"), estatekit.FeeSchedule.demo(), OCT1)
    ledger.pay("R-1", Decimal("100.00"), D(2026, 11, 14))
    before = ledger.to_json()
    for amount, pid in [(Decimal(0), "R-2"), (Decimal(-5), "R-2"), (Decimal("0.001"), "R-2"),
                        (Decimal("1"), "R-1"), (Decimal("7.9e28"), "R-3")]:
        with pytest.raises(estatekit.ValidationError):
            ledger.pay(pid, amount, D(2026, 11, 15))
        assert ledger.to_json() == before
    with pytest.raises(estatekit.ValidationError):
        ledger.waive("2026-10-01/management", amount=Decimal("1000"), reason="goodwill", date=D(2026, 11, 15))
    assert ledger.to_json() == before


def test_failed_checklist_step_leaves_it_unchanged():
    c = estatekit.Checklist.start(_TEMPLATE, "1-603", "张三", D(2026, 11, 2))
    c.complete("occupancy_notice_presented", actor="李四", role="receptionist", at=AT)
    before = c.to_json()
    failures = [
        lambda: c.complete("occupancy_notice_presented", actor="李四", role="receptionist", at=AT),
        lambda: c.complete("key_handover", actor="李四", role="receptionist", at=AT),
        lambda: c.complete("nope", actor="李四", role="receptionist", at=AT),
        lambda: c.finish(actor="李四", role="receptionist", at=AT),
        lambda: c.complete("owner_registration", actor="李四", role="inspector", at=AT),
    ]
    for f in failures:
        with pytest.raises(estatekit.EstateKitError):
            f()
        assert c.to_json() == before


# ---- threads ------------------------------------------------------------------------------

TEXTS = [t + f" #{i}" for i in range(300) for t in (
    "厨房水管爆裂，水漫到客厅了，快来人！", "Loud music from the bar downstairs every night!!!",
    "楼道灯不亮已经一周了，请尽快维修", "停电了", "My package was stolen from the lobby")]


def _key(c):
    return (c.category, c.kind, c.urgency, c.temperament, c.department, c.confidence,
            [(e.field, e.phrase, e.weight) for e in c.evidence])


def test_shared_classifier_from_many_threads():
    clf = estatekit.TicketClassifier.default()
    expected = [_key(c) for c in clf.classify_batch(TEXTS)]
    with ThreadPoolExecutor(8) as pool:
        batches = list(pool.map(lambda _: [_key(c) for c in clf.classify_batch(TEXTS)], range(16)))
        singles = list(pool.map(lambda t: _key(clf.classify(t)), TEXTS))
    assert all(b == expected for b in batches)
    assert singles == expected


def test_shared_estate_bills_the_same_from_many_threads():
    estate, schedule = estatekit.Estate.demo(), estatekit.FeeSchedule.demo()
    pooled = {"common_electricity": Decimal("3943.20")}

    def run(_):
        r = estatekit.bill_estate(estate, schedule, 2026, 10, pooled=pooled)
        return [(b.unit_id, b.total, [(l.item_code, l.amount) for l in b.lines]) for b in r.bills]

    expected = run(0)
    with ThreadPoolExecutor(8) as pool:
        assert all(r == expected for r in pool.map(run, range(16)))


def test_long_calls_release_the_gil():
    clf = estatekit.TicketClassifier.default()
    texts = TEXTS * 40  # 60,000 texts: long enough for the other thread to run
    ticks = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=count)
    t.start()
    try:
        for call in (lambda: clf.predict_batch(texts),
                     lambda: estatekit.TicketClassifier.train(texts[:3000], [str(i % 3) for i in range(3000)])):
            before = ticks[0]
            call()
            assert ticks[0] - before > 1000, "the other thread did not run during the call"
    finally:
        stop.set()
        t.join()
