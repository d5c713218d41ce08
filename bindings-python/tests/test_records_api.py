"""Record classes (one `record!` declaration each: getters and a uniform repr) and the
members Python gained for parity with the mobile binding: `BillingRun.explain`,
`Receivables.unit_aging`, `PenaltyPolicy.count_from` / `cap_fraction` / `cap_amount` /
`min_balance`, and aging dicts keyed by the field names."""

import datetime as dt
from decimal import Decimal as D

import pytest

import estatekit
from estatekit import Estate, FeeSchedule, PenaltyPolicy, Receivables


def october() -> estatekit.BillingRun:
    return estatekit.bill_estate(Estate.demo(), FeeSchedule.demo(), 2026, 10, pooled={"common_electricity": D("3943.20")})


def test_billing_run_explain_is_the_units_bill_explain() -> None:
    run = october()
    bill = run.bill("1-102")
    assert bill is not None
    assert run.explain("1-102", "en") == bill.explain("en")
    assert run.explain("1-102", "en")[0] == "Management fee: 120.30 m² × 3.70/m²/month × 1 month × 70% = 311.58"
    # The default language is Chinese, as Bill.explain's.
    assert run.explain("1-102") == bill.explain("zh-CN")
    assert run.explain("1-102")[-1] == f"合计：{bill.total}，开票 2026-11-01，到期 2026-11-16"
    # A unit the run did not bill has no lines.
    assert run.explain("no-such-unit", "en") == []
    # A bill carries its billing period.
    assert (bill.period_start, bill.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def test_billing_run_explain_refuses_an_unknown_language() -> None:
    with pytest.raises(estatekit.ValidationError) as e:
        october().explain("1-101", "fr")  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("unknown_value", "lang")  # type: ignore[attr-defined]


def test_penalty_policy_shows_every_clause() -> None:
    p = PenaltyPolicy(D("0.0005"), grace_days=3, count_from="grace_end", cap=D("1"), min_balance=D("10"))
    assert (p.daily_rate, p.grace_days, p.count_from) == (D("0.0005"), 3, "grace_end")
    assert (p.cap_fraction, p.cap_amount, p.min_balance) == (D("1"), None, D("10"))
    q = PenaltyPolicy(D("0.001"), cap_amount=D("50.00"))
    assert (q.count_from, q.cap_fraction, q.cap_amount, q.min_balance) == ("due", None, D("50.00"), None)
    assert repr(q) == "PenaltyPolicy(daily_rate=Decimal('0.001'), grace_days=0)"


def test_unit_aging_is_the_units_ledger_aging_with_field_names() -> None:
    run = october()
    book = Receivables(Estate.demo(), FeeSchedule.demo())
    book.post(run)
    bill = run.bill("1-101")
    assert bill is not None and bill.total == D("613.60")
    # Due 2026-11-16: on 2027-01-01 it is 46 days overdue.
    jan1 = dt.date(2027, 1, 1)
    aging = book.unit_aging("1-101", jan1)
    assert aging == {"not_due": D(0), "days_0_30": D(0), "days_31_60": D("613.60"), "days_61_90": D(0), "days_90_plus": D(0)}
    assert list(aging) == ["not_due", "days_0_30", "days_31_60", "days_61_90", "days_90_plus"]
    account = book.account("1-101")
    assert account is not None and account.aging(jan1) == aging
    # A unit without an account owes nothing; a unit not in the estate is an error.
    with pytest.raises(estatekit.ValidationError) as e:
        book.unit_aging("9-999", jan1)
    assert (e.value.code, e.value.path) == ("unknown_reference", "unit_id")  # type: ignore[attr-defined]
    assert Receivables(Estate.demo(), FeeSchedule.demo()).unit_aging("1-101", jan1) == {"not_due": D(0), "days_0_30": D(0), "days_31_60": D(0), "days_61_90": D(0), "days_90_plus": D(0)}


def test_record_reprs_are_name_and_chosen_fields() -> None:
    run = october()
    bill = run.bill("1-101")
    assert bill is not None
    assert repr(bill.lines[0]) == "BillLine(item_code='management', amount=Decimal('331.15'))"
    assert repr(bill) == "Bill(unit_id='1-101', total=Decimal('613.60'), issued_on=datetime.date(2026, 11, 1))"
    unit = Estate.demo().unit("1-101")
    assert repr(unit) == "Unit(id='1-101', kind='residential', gross_area=Decimal('89.50'), status='occupied')"
    meter = Estate.demo().meters_of("1-101")[0]
    assert repr(meter) == f"Meter(id={meter.id!r}, unit_id='1-101', kind={meter.kind!r})"
    a = estatekit.allocate_detailed(D("0.02"), [1, 1, 1])
    assert repr(a) == "Allocation(total=Decimal('0.02'), parts=[Decimal('0.01'), Decimal('0.01'), Decimal('0.00')], adjusted=[0, 1])"


def test_records_compare_by_value_where_they_did() -> None:
    a, b = Estate.demo(), Estate.demo()
    assert a.unit("1-101") == b.unit("1-101")
    assert a.unit("1-101") != b.unit("1-102")
    assert a.unit("1-101") != "1-101"
    assert PenaltyPolicy(D("0.001")) == PenaltyPolicy(D("0.001"))
    assert PenaltyPolicy(D("0.001")) != PenaltyPolicy(D("0.002"))
