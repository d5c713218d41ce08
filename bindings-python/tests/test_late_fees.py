"""Late fees as contracts write them (issue 20): a yearly rate counted by day, a one-off
fee, daily rounding, in `late_penalty`, `late_charge` and a ledger. Every amount is
computed by hand in a comment."""

import datetime as dt
from decimal import Decimal as D

import pytest

import estatekit
from estatekit import LateCharge, LateFee, Ledger, OneOffFee, PenaltyPolicy, ValidationError


def test_late_penalty_with_a_yearly_rate_from_the_published_lpr() -> None:
    # The one-year Loan Prime Rate, 3.45 % (published 2024-07-22), on 10,000.00 for 100
    # days: 10000 × 0.0345 × 100 ÷ 365 = 94.5205… → 94.52.
    due, as_of = dt.date(2026, 1, 1), dt.date(2026, 4, 11)
    assert estatekit.late_penalty(D("10000.00"), due, as_of, annual_rate=D("0.0345")) == D("94.52")
    # Both rates: + 10000 × 0.0005 × 100 = 500.00 → 594.52; a cap_amount of 300.00 binds.
    assert estatekit.late_penalty(D("10000.00"), due, as_of, daily_rate=D("0.0005"), annual_rate=D("0.0345")) == D("594.52")
    assert estatekit.late_penalty(D("10000.00"), due, as_of, daily_rate=D("0.0005"), cap_amount=D("300.00")) == D("300.00")
    # Rounded daily: 10000 × 0.0345 ÷ 365 = 0.9452… → 0.95 × 100 = 95.00.
    assert estatekit.late_penalty(D("10000.00"), due, as_of, annual_rate=D("0.0345"), round_daily=True) == D("95.00")
    # The daily-rate function is unchanged: 500.00 × 0.003 × 30 = 45.00.
    assert estatekit.late_penalty(D("500.00"), dt.date(2026, 10, 1), dt.date(2026, 10, 31), daily_rate=D("0.003")) == D("45.00")


def test_late_penalty_refuses_missing_or_bad_rates() -> None:
    with pytest.raises(ValidationError) as e:
        estatekit.late_penalty(D("1"), dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    assert (e.value.code, e.value.path) == ("missing_value", "daily_rate")
    with pytest.raises(ValidationError) as e:
        estatekit.late_penalty(D("1"), dt.date(2026, 1, 1), dt.date(2026, 2, 1), annual_rate=D("12"))
    assert (e.value.code, e.value.path) == ("out_of_range", "annual_rate")
    with pytest.raises(ValidationError) as e:
        estatekit.late_penalty(D("1"), dt.date(2026, 1, 1), dt.date(2026, 2, 1), daily_rate=D("0.001"), cap=D("1"), cap_amount=D("5"))
    assert (e.value.code, e.value.path) == ("conflicting_fields", "cap")


def test_late_charge_reproduces_a_published_statutory_interest_example() -> None:
    # UK statutory late-payment interest, a published manual calculation: 5,000 invoice,
    # 101 days at 12.25 % a year, daily 5000 × 12.25 % ÷ 365 = 1.678… → 1.68 × 101 =
    # 169.68, plus the fixed 70 compensation: 239.68.
    terms = LateFee(one_off=OneOffFee(D("70.00")), annual_percent=D("12.25"), round_daily=True)
    c = estatekit.late_charge(D("5000.00"), dt.date(2026, 1, 1), dt.date(2026, 4, 12), terms)
    assert isinstance(c, LateCharge)
    assert (c.one_off, c.days, c.daily, c.interest, c.capped, c.total) == (D("70.00"), 101, D("1.68"), D("169.68"), False, D("239.68"))
    # A percentage fee between its bounds, grace days and a cap from the clause: 3 % of
    # 1,000.00 = 30.00 on day 6 after a 5-day grace, 12 % a year for 6 days =
    # 1000 × 12 × 6 ÷ 36500 = 1.97 → 31.97, capped at 25.00.
    pct = LateFee(one_off=OneOffFee(percent=D("3"), min=D("10.00")), annual_percent=D("12"))
    clause = PenaltyPolicy(D("0"), grace_days=5, cap_amount=D("25.00"))
    c = estatekit.late_charge(D("1000.00"), dt.date(2026, 10, 15), dt.date(2026, 10, 21), pct, penalty=clause)
    assert (c.one_off, c.interest, c.capped, c.total) == (D("30.00"), D("1.97"), True, D("25.00"))
    assert estatekit.late_charge(D("1000.00"), dt.date(2026, 10, 15), dt.date(2026, 10, 20), pct, penalty=clause).total == D("0.00")


def test_bad_terms_name_the_field() -> None:
    for kwargs, code, path in [
        ({"percent": D("101")}, "out_of_range", "percent"),
        ({"amount": D("5"), "percent": D("3")}, "conflicting_fields", "percent"),
        ({"percent": D("3"), "min": D("20"), "max": D("10")}, "ends_before_starts", "max"),
        ({}, "missing_value", "amount"),
    ]:
        with pytest.raises(ValidationError) as e:
            OneOffFee(**kwargs)
        assert (e.value.code, e.value.path) == (code, path), kwargs
    with pytest.raises(ValidationError) as e:
        LateFee(annual_percent=D("-1"))
    assert (e.value.code, e.value.path) == ("out_of_range", "annual_percent")


def test_a_ledger_charges_late_fees_on_the_outstanding_principal() -> None:
    # 1,000.00 due Oct 15, 400.00 paid Oct 25 (principal first). Oct 16–25 on 1,000.00,
    # Oct 26 – Nov 14 on 600.00: (10000 + 12000) × 12 ÷ 36500 = 7.23; 3 % one-off 30.00.
    terms = LateFee(one_off=OneOffFee(percent=D("3"), min=D("10.00")), annual_percent=D("12"))
    ledger = Ledger("A", order="principal_first")
    ledger.add_charge("c", "mgmt", dt.date(2026, 10, 15), D("1000.00"), on=dt.date(2026, 10, 1), late_fee=terms)
    ledger.pay("p1", D("400.00"), dt.date(2026, 10, 25))
    assert ledger.penalty("c", dt.date(2026, 11, 14)) == D("37.23")
    restored = Ledger.from_json(ledger.to_json())
    assert restored.penalty("c", dt.date(2026, 11, 14)) == D("37.23")
    with pytest.raises(ValidationError) as e:
        ledger.add_charge("d", "mgmt", dt.date(2026, 10, 15), D("1.00"), on=dt.date(2026, 10, 1), penalty=PenaltyPolicy(D("-1")))
    assert (e.value.code, e.value.path) == ("negative", "daily_rate")
