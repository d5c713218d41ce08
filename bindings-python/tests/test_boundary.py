"""The boundary (issue 16, part 3): every bad argument is a typed ValidationError naming
the argument; numbers are read by value, strictly and exactly."""

import datetime as dt
import json
from decimal import Decimal as D
from typing import Any, Callable

import pytest

import estatekit
from estatekit import Estate, FeeSchedule, Ledger, RoundingPolicy, ValidationError
from under_2_gib import run_under_2_gib

DAY = dt.date(2026, 11, 5)


def _error(call: Callable[[], Any]) -> tuple[str, str, str]:
    with pytest.raises(ValidationError) as info:
        call()
    e = info.value
    assert isinstance(e, estatekit.EstateKitError) and isinstance(e, ValueError)
    return e.code, e.path, str(e)  # type: ignore[attr-defined]


I64 = "-9223372036854775808..=9223372036854775807"

OUT_OF_RANGE = [
    (lambda: RoundingPolicy(2**70), "scale", f"scale: 1180591620717411303424 is out of range {I64}"),
    (
        lambda: estatekit.late_penalty(D("500"), DAY, DAY, daily_rate=D("0.003"), grace_days=2**64),
        "grace_days",
        f"grace_days: 18446744073709551616 is out of range {I64}",
    ),
    (
        lambda: estatekit.BusinessCalendar.weekly("09:00", "18:00", [0], utc_offset_minutes=2**40),
        "utc_offset_minutes",
        "utc_offset_minutes: 1099511627776 is out of range -2147483648..=2147483647",
    ),
    (
        lambda: estatekit.BusinessCalendar.weekly("09:00", "18:00", [0, -1]),
        "days[1]",
        "days[1]: -1 is out of range 0..=4294967295",
    ),
    (
        lambda: estatekit.TicketClassifier.train(["a"], ["x"], seed=-(2**63) - 1),
        "seed",
        "seed: -9223372036854775809 is out of range 0..=18446744073709551615",
    ),
    (
        lambda: estatekit.allocate(D(1), [D(1)], scale=2**200),
        "scale",
        f"scale: 1606938044258990275541962092341162602522… is out of range {I64}",
    ),
]


@pytest.mark.parametrize("call,path,message", OUT_OF_RANGE)
def test_out_of_range_integers_are_validation_errors(call: Callable[[], Any], path: str, message: str) -> None:
    assert _error(call) == ("invalid_integer", path, message)


def test_bool_is_not_an_int() -> None:
    assert _error(lambda: RoundingPolicy(True)) == ("invalid_integer", "scale", "scale: expected an int, got bool True")
    assert _error(lambda: estatekit.allocate(D(1), [D(1)], scale=False)) == (
        "invalid_integer",
        "scale",
        "scale: expected an int, got bool False",
    )
    template = estatekit.CheckinTemplate.default()
    checklist = estatekit.Checklist.start(template, "1-101", "Li", DAY)
    at = dt.datetime(2026, 11, 5, 9, tzinfo=dt.timezone.utc)
    assert _error(lambda: checklist.complete("key_handover", actor="a", role="receptionist", at=at, data={"keys": True})) == (
        "wrong_type",
        "data.keys",
        "data.keys: expected a non-negative int",
    )


class Loud(int):
    def __str__(self) -> str:
        return "999"


class LoudDecimal(D):
    def __str__(self) -> str:
        return "999"


def test_numbers_are_read_by_value_not_through_str() -> None:
    assert RoundingPolicy(Loud(2)).scale == 2
    assert RoundingPolicy(2).round(Loud(5)) == D("5.00")
    assert RoundingPolicy(2).round(LoudDecimal("5.5")) == D("5.50")
    ledger = Ledger("1-101")
    ledger.pay("R1", Loud(100), DAY)
    assert ledger.prepaid == D("100.00")


def test_lone_surrogates_are_validation_errors() -> None:
    assert _error(lambda: Ledger("\ud800")) == (
        "invalid_text",
        "unit_id",
        "unit_id: the text is not valid Unicode (it holds a lone surrogate)",
    )
    assert _error(lambda: estatekit.seal("\udfff", b"0123456789abcdef")) == (
        "invalid_text",
        "text",
        "text: the text is not valid Unicode (it holds a lone surrogate)",
    )
    assert _error(lambda: estatekit.TicketClassifier.train(["ok", "b\ud800"], ["x", "y"])) == (
        "invalid_text",
        "texts[1]",
        "texts[1]: the text is not valid Unicode (it holds a lone surrogate)",
    )
    assert _error(lambda: Ledger("1-101").pay("R1", "1\ud800", DAY)) == (
        "invalid_decimal",
        "amount",
        "amount: the text is not valid Unicode (it holds a lone surrogate)",
    )


def test_billing_refuses_years_outside_1_to_9999_up_front() -> None:
    for year in (0, -1, 10000):
        assert _error(lambda: estatekit.bill_estate(Estate.demo(), FeeSchedule.demo(), year, 1)) == (
            "out_of_range",
            "year",
            f"year: {year} is outside the years 1–9999",
        )


def test_over_precise_decimals_are_refused_not_rounded() -> None:
    ledger = Ledger("1-101")
    assert _error(lambda: ledger.pay("R1", D("100.000000000000000000000000001"), DAY)) == (
        "inexact_decimal",
        "amount",
        'amount: "100.000000000000000000000000001" has more digits than can be held exactly '
        "(28 after the point, ±7.9e28 in all); round it first",
    )
    assert ledger.payments == []
    assert _error(lambda: RoundingPolicy(2).round(D("0.00499999999999999999999999999")))[:2] == (
        "inexact_decimal",
        "amount",
    )
    assert RoundingPolicy(2).round(D("0E-30")) == D("0.00")
    assert RoundingPolicy(2).round(D("1.000000000000000000000000000000")) == D("1.00")


@pytest.mark.parametrize("text", ["1_0.0_0", " 12 ", "+5", "12\u00a0", "1e30", "NaN", "", "1."])
def test_decimal_strings_are_strict(text: str) -> None:
    code, path, message = _error(lambda: RoundingPolicy(2).round(text))
    assert (code, path) == ("invalid_decimal", "amount")
    shown = json.dumps(text, ensure_ascii=False).replace("\xa0", "\\u{a0}")
    assert message.startswith(f"amount: {shown} is not a decimal: ")


@pytest.mark.parametrize("text", ["1_0.0_0", " 12 ", "+5", "12\u00a0"])
def test_decimal_strings_in_documents_are_strict(text: str) -> None:
    doc = json.loads(Ledger("1-101").to_json())
    ledger = Ledger("1-101")
    ledger.pay("R1", D("12"), DAY)
    doc = json.loads(ledger.to_json())
    doc["payments"][0]["amount"] = text
    code, path, _ = _error(lambda: Ledger.from_json(json.dumps(doc)))
    assert (code, path) == ("json", "payments[0].amount")


def test_objects_pickle_copy_and_compare_by_value() -> None:
    import copy
    import pickle

    ledger = Ledger("1-101")
    ledger.pay("R1", D("500.00"), DAY)
    assert Ledger.from_json(ledger.to_json()) == ledger
    assert ledger != Ledger("1-101") and ledger != "1-101"
    for clone in (pickle.loads(pickle.dumps(ledger)), copy.copy(ledger), copy.deepcopy(ledger)):
        assert clone == ledger and clone is not ledger
        assert clone.prepaid == D("500.00")
    clone.pay("R2", D("1.00"), DAY)
    assert ledger.prepaid == D("500.00")  # a copy is its own ledger
    for obj in (
        Estate.demo(),
        FeeSchedule.demo(),
        estatekit.CheckinTemplate.default(),
        estatekit.SlaPolicy(),
        estatekit.AccessPolicy(),
    ):
        back = pickle.loads(pickle.dumps(obj))
        assert type(back) is type(obj) and back.to_json() == obj.to_json()
        assert copy.deepcopy(obj).to_json() == obj.to_json()


def test_string_arguments_with_literal_defaults_refuse_lone_surrogates() -> None:
    from test_checkin import before_inspection  # noqa: F401 - the module's fixtures
    from test_receivables import SCHEDULE, november

    S = "\ud800"
    book = estatekit.Receivables(Estate.demo(), SCHEDULE)
    book.post(november())
    letter = book.reminders(dt.date(2027, 3, 31))[0]
    run = november()
    bill = run.bills[0]
    checklist = estatekit.Checklist.start(estatekit.CheckinTemplate.default(), "1-603", "张三", DAY)
    arrears = estatekit.Arrears([(D("500"), DAY)])
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("mode", lambda: estatekit.Checklist.start(estatekit.CheckinTemplate.default(), "1-603", "张三", DAY, mode=S)),
        ("status", lambda: checklist.completion_effects(Estate.demo(), status=S)),
        ("lang", lambda: letter.render(S)),
        ("currency", lambda: Estate.from_records(id="e", name="n", buildings=[], units=[], currency=S)),
        ("count_from", lambda: estatekit.late_penalty(D("500"), DAY, DAY, daily_rate=D("0.003"), count_from=S)),
        ("rounding", lambda: estatekit.late_penalty(D("500"), DAY, DAY, daily_rate=D("0.003"), rounding=S)),
        ("count_from", lambda: arrears.late_penalties(DAY, daily_rate=D("0.003"), count_from=S)),
        ("rounding", lambda: arrears.late_penalties(DAY, daily_rate=D("0.003"), rounding=S)),
        ("count_from", lambda: estatekit.late_penalties([(D("500"), DAY)], DAY, daily_rate=D("0.003"), count_from=S)),
        ("rounding", lambda: estatekit.late_penalties([(D("500"), DAY)], DAY, daily_rate=D("0.003"), rounding=S)),
        ("convention", lambda: estatekit.prorate(D("100"), DAY, DAY, DAY, DAY, convention=S)),
        ("rounding", lambda: estatekit.prorate(D("100"), DAY, DAY, DAY, DAY, rounding=S)),
        ("rounding", lambda: estatekit.pooled_split(D("10"), [], method="area", rounding=S)),
        ("count_from", lambda: estatekit.PenaltyPolicy(D("0.003"), count_from=S)),
        ("lang", lambda: bill.explain(S)),
        ("lang", lambda: bill.lines[0].explain(S)),
        ("rounding", lambda: Ledger("1-101", rounding=S)),
        ("order", lambda: Ledger("1-101", order=S)),
        ("rounding", lambda: estatekit.allocate(D(1), [D(1)], rounding=S)),
        ("rounding", lambda: estatekit.allocate_detailed(D(1), [D(1)], rounding=S)),
        ("mode", lambda: RoundingPolicy(2, S)),
        ("order", lambda: estatekit.Receivables(Estate.demo(), SCHEDULE, order=S)),
        ("ref", lambda: book.refund("1-101", D("1"), on=DAY, ref=S)),
        ("roles", lambda: estatekit.AccessPolicy(roles={S: ["x"]})),
        ("roles.assign[1]", lambda: estatekit.AccessPolicy(roles={"assign": ["ok", S]})),
    ]
    for path, call in cases:
        assert _error(call) == (
            "invalid_text",
            path,
            f"{path}: the text is not valid Unicode (it holds a lone surrogate)",
        ), path


# Row imports of 100 MB of tiny rows: a CSV text and a JSON array. Each row costs the
# importer far more than its few bytes, so they are refused past the row limit
# (estatekit.tables MAX_ROWS, 1,000,000) before they are held, instead of aborting the
# process when memory runs out (a Rust allocation failure is SIGABRT).
ROWS_CHILD = """
attempt("csv", lambda: len(estatekit.csv_rows("payments", "unit_id,amount\\n" + "1,2\\n" * 25_000_000)))
book = estatekit.Receivables(estatekit.Estate.demo(), estatekit.FeeSchedule.demo())
attempt("json", lambda: len(book.apply_payments_json("[" + "{}," * 33_000_000 + "{}]").rejected))
"""


def test_row_imports_of_100_mb_give_typed_errors_under_2_gib() -> None:
    assert run_under_2_gib(ROWS_CHILD, timeout=300) == {
        "csv": [
            "invalid_records",
            "payments[row=1000001]",
            "1 problem in the tables; payments[row=1000001] (row 1000001): more than 1000000 rows "
            "in one CSV text: split the file (rows already imported are recognised when imported again)",
        ],
        "json": [
            "too_many",
            "$",
            "$: more than 1000000 rows in one import: split the file (rows already imported are "
            "recognised when imported again)",
        ],
    }


# Documents of 100 MB under a 2 GiB address space: every JSON loader (and seal and
# unseal) gives a result or a typed error, never an abort. Ledgers, books and billing runs are read without
# a tree of the document; ledgers and books over MAX_LEDGER_DOCUMENT_BYTES (64 MiB)
# estates over MAX_ESTATE_DOCUMENT_BYTES (64 MiB) and the other documents over
# MAX_DOCUMENT_BYTES (32 MiB) are refused before they
# are parsed. Reading a 100 MB run takes minutes in a debug build: the run is 10 MB
# unless ESTATEKIT_BIG_DOCUMENTS=1 (then 100 MB, and a 60 MB ledger and book read).
DOCUMENTS_CHILD = """
import os
from decimal import Decimal as D
big = os.environ.get("ESTATEKIT_BIG_DOCUMENTS") == "1"
MB = 1_000_000
CHARGE = '{"id":"c%d","item_code":"m","due":"2026-09-15","principal":"1.00"}'
def ledger_doc(size):
    n = size // 66
    return ('{"format_version":2,"unit_id":"1-101","rounding":{"scale":2,"mode":"half_up"},'
            '"order":"penalty_first","charges":[' + ",".join(CHARGE % i for i in range(n))
            + '],"payments":[],"prepaid":"0.00"}'), n
def book_doc(size):
    text, n = ledger_doc(size)
    return ('{"format_version":1,"estate_id":"lakeside","rounding":{"scale":2,"mode":"half_up"},'
            '"order":"penalty_first","accounts":[' + text + ']}'), n
text, n = ledger_doc(100 * MB)
attempt("ledger", lambda: len(estatekit.Ledger.from_json(text).charges))
text, n = book_doc(100 * MB)
estate, schedule = estatekit.Estate.demo(), estatekit.FeeSchedule.demo()
attempt("book", lambda: estatekit.Receivables.from_json(text, estate, schedule) is not None)
if big:
    text, n = ledger_doc(60 * MB)
    attempt("ledger_60mb", lambda: len(estatekit.Ledger.from_json(text).charges) == n)
    text, n = book_doc(60 * MB)
    attempt("book_60mb", lambda: estatekit.Receivables.from_json(text, estate, schedule) is not None)
del text
# A billing run: one bill of the demo estate, repeated for other unit ids.
run = estatekit.bill_estate(estate, schedule, 2026, 10, pooled={"common_electricity": D("3943.20")})
doc = json.loads(run.to_json())
pooled = {p["code"] for p in doc["pools"]}
bill = doc["bills"][0]
bill["lines"] = [l for l in bill["lines"] if l["item_code"] not in pooled]
bill["total"] = str(sum(D(l["amount"]) for l in bill["lines"]))
one = json.dumps(bill, separators=(",", ":"))
n = (100 if big else 10) * MB // len(one)
doc["bills"], doc["pools"] = [], []
text = json.dumps(doc, separators=(",", ":")).replace(
    '"bills":[]', '"bills":[' + ",".join(one.replace('"1-101"', '"u%d"' % i, 1) for i in range(n)) + "]")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
attempt("run", lambda: len(estatekit.BillingRun.from_json(text).bills) == n)
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024 / len(text)
out["run_bytes_per_byte_under_8"] = grown < 8
# Every other loader: 100 MB refused before it is parsed.
huge = '{"id": "' + "x" * 100 * MB + '"}'
size = len(huge)
template = estatekit.CheckinTemplate.default()
for name, load in [
    ("estate", estatekit.Estate.from_json),
    ("schedule", estatekit.FeeSchedule.from_json),
    ("template", estatekit.CheckinTemplate.from_json),
    ("checklist", lambda t: estatekit.Checklist.from_json(t, template)),
    ("flow", estatekit.TicketFlow.from_json),
    ("sla", estatekit.SlaPolicy.from_json),
    ("access", estatekit.AccessPolicy.from_json),
]:
    attempt(name, lambda: load(huge) and "read")
attempt("seal", lambda: estatekit.seal(huge, b"0123456789abcdef") and "sealed")
attempt("unseal", lambda: estatekit.unseal(huge, b"0123456789abcdef") and "unsealed")
"""


def test_documents_of_100_mb_give_a_result_or_a_typed_error_under_2_gib() -> None:
    import os

    out = run_under_2_gib(DOCUMENTS_CHILD, timeout=900)
    big = os.environ.get("ESTATEKIT_BIG_DOCUMENTS") == "1"
    too_large = ["document_too_large", "$"]
    assert out["ledger"][:2] == too_large
    assert out["ledger"][2].startswith("$: a document of ") and out["ledger"][2].endswith(
        " bytes; at most 67108864 are read")
    assert out["book"][:2] == too_large
    assert out["run"] == ["ok", True]
    assert out["run_bytes_per_byte_under_8"] is True
    if big:
        assert out["ledger_60mb"] == ["ok", True]
        assert out["book_60mb"] == ["ok", True]
    assert out["estate"] == [
        "document_too_large", "$", "$: a document of 100000010 bytes; at most 67108864 are read"]
    for name in ["schedule", "template", "checklist", "flow", "sla", "access"]:
        assert out[name] == [
            "document_too_large", "$", "$: a document of 100000010 bytes; at most 33554432 are read"], name
    assert out["seal"] == ["document_too_large", "$", "$: a document of 100000010 bytes; at most 33554432 are read"]
    assert out["unseal"] == ["document_too_large", "$", "$: a document of 100000010 bytes; at most 67108864 are read"]
