"""Inputs that used to abort the process, and the business calendar's horizon.

A trained model took ~100 bytes of memory per byte of text and a rule set of 500,000
phrases made the automaton builder ask for 4.2 GB at once: both killed the process with
SIGABRT, which no Python code can catch. The calendar stopped counting after 100 years,
treated negative seconds as 0 and returned a sentinel (a bare ValueError in Python).
"""

import datetime
import json

import pytest

import estatekit
from under_2_gib import run_under_2_gib

UTC = datetime.timezone.utc


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_calendar_counts_exactly_over_centuries() -> None:
    cal = estatekit.BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4])
    # 1900-01-01 (a Monday) to 2100-01-01: 52,179 weekdays; year 1 to 9999 is more.
    assert cal.seconds_between(at("1900-01-01T00:00:00"), at("2100-01-01T00:00:00")) == 52_179 * 9 * 3600
    assert cal.seconds_between(at("0001-01-01T00:00:00"), at("9999-01-01T00:00:00")) == 2_608_354 * 9 * 3600
    assert cal.add_seconds(at("1900-01-01T00:00:00"), 52_179 * 9 * 3600) == at("2099-12-31T18:00:00")


def test_calendar_refuses_negative_seconds() -> None:
    cal = estatekit.BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4], utc_offset_minutes=480)
    with pytest.raises(estatekit.ValidationError) as e:
        cal.add_seconds(at("2026-11-06T09:00:00"), -60)
    assert (e.value.code, e.value.path, str(e.value)) == (
        "negative", "seconds", "seconds: must not be negative, got -60")


def test_calendar_after_a_century_of_holidays() -> None:
    # Mondays only, and every Monday from 2026 to 2130 a holiday.
    first = datetime.date(2026, 11, 2)
    mondays = [first + datetime.timedelta(weeks=i) for i in range(5_435)]
    assert mondays[-1].year == 2130
    cal = estatekit.BusinessCalendar.weekly("09:00", "18:00", [0], holidays=mondays)
    assert cal.add_seconds(at("2026-11-01T00:00:00"), 3600) == at("2131-01-01T10:00:00")


def test_no_business_time_before_the_horizon_is_a_typed_error() -> None:
    cal = estatekit.BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4])
    start = at("9999-12-31T00:00:00")
    assert cal.add_seconds(start, 9 * 3600) == at("9999-12-31T18:00:00")
    with pytest.raises(estatekit.ValidationError) as e:
        cal.add_seconds(start, 10 * 3600)
    assert (e.value.code, e.value.path, str(e.value)) == (
        "no_business_time", "calendar",
        "calendar: no business time for 36000 s after 9999-12-31 00:00:00 UTC up to the calendar's horizon 9999-12-31")
    policy = estatekit.SlaPolicy(calendar=cal)
    flow = estatekit.TicketFlow("T-1", unit="1-201", channel="app", received_at=start, reporter="王女士",
                                text="太吵了", kind="complaint", category="noise", urgency="normal",
                                department="customer_service", receiver="前台")
    with pytest.raises(estatekit.ValidationError) as e:
        flow.sla(start, policy)
    assert (e.value.code, e.value.path) == ("no_business_time", "calendar")
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.ticket_statistics([flow], start, start + datetime.timedelta(hours=1), units=10, policy=policy)
    assert (e.value.code, e.value.path) == ("no_business_time", "calendar")


def test_rule_set_limits_are_typed_errors() -> None:
    big = json.dumps({"urgency": {"urgent": {f"p{i}": 1 for i in range(100_001)}}})
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.TicketClassifier.from_rules(big, builtin=False)
    assert (e.value.code, e.value.path, str(e.value)) == (
        "rules_too_large", "phrases", "rules: phrases: 100001 distinct phrases; a rule set has at most 100000")


# The child process: address space limited to 2 GiB; every call must give a result or
# a typed estatekit error, and the process must exit 0 (an abort is SIGABRT, -6).
CHILD = """
    # 100 MB: 16 MB of short words (every byte starts n-grams: 1.6 GB of them before),
    # then spaces.
    dense = "ab cd 漏水 " * (16_000_000 // 15)
    text = dense + " " * (100_000_000 - len(dense.encode()))
    model = estatekit.TicketClassifier.train(
        ["no heat in apartment", "heating not working", "loud music next door", "水管漏水"],
        ["HEATING", "HEATING", "NOISE", "WATER"])
    # The rules (kind, urgency, temperament) and the model (category) both read it.
    attempt("model_classify", lambda: [(c.category, c.urgency) for c in [model.classify(text)]][0])

    # 200,000 phrases of 16 hex digits, few shared prefixes (the automaton builder asked
    # for gigabytes at once).
    words = [format(i * 0x9E3779B97F4A7C15 % 2**64, "016x") for i in range(200_000)]
    rules = json.dumps({"categories": [{"code": "big", "phrases": {w: 1 for w in words}}]})
    attempt("from_rules_many", lambda: estatekit.TicketClassifier.from_rules(rules).department("big"))
    doc = '{"format": "estatekit.ticket_classifier", "rules": ' + rules + '}'
    attempt("from_json_many", lambda: estatekit.TicketClassifier.from_json(doc).department("big"))
    del words, rules, doc
    # 60,000 of them: built (an NFA, not a DFA), and found.
    few = {f"zz{i:06d}yy": 1 for i in range(60_000)}
    rules = json.dumps({"categories": [{"code": "few", "phrases": few}]})
    attempt("from_rules_60k", lambda: estatekit.TicketClassifier.from_rules(rules).classify("a zz001234yy b").category)
    # 100 MB documents.
    huge = '{"language": "' + "x" * 100_000_000 + '"}'
    attempt("from_rules_100mb", lambda: estatekit.TicketClassifier.from_rules(huge).department("x"))
    attempt("from_json_100mb", lambda: estatekit.TicketClassifier.from_json(
        '{"format": "estatekit.ticket_classifier", "rules": ' + huge + '}').department("x"))
    del huge
    attempt("from_json_100mb_model", lambda: estatekit.TicketClassifier.from_json("[" + "1," * 50_000_000 + "1]").labels)
"""


def test_no_input_up_to_100_mb_aborts_the_process_under_2_gib() -> None:
    assert run_under_2_gib(CHILD, timeout=300, messages=False) == {
        "model_classify": ["ok", ["WATER", "urgent"]],
        "from_rules_many": ["rules_too_large", "phrases"],
        "from_json_many": ["rules_too_large", "rules.phrases"],
        "from_rules_60k": ["ok", "few"],
        "from_rules_100mb": ["rules_too_large", "$"],
        "from_json_100mb": ["rules_too_large", "rules"],
        "from_json_100mb_model": ["invalid_model", "[0]"],
    }
