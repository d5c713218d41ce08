"""The month's accounts from Python: the estate's book (`Receivables`) posted from a
billing run and a bank file, retried safely, payments in date order, prepaid money
never dunned, exact penalties at realistic rates."""

import datetime as dt
import json
from decimal import Decimal as D

import pytest

import estatekit
from estatekit import Estate, FeeSchedule, Ledger, PenaltyPolicy, Receivables, ValidationError

DEC1, DEC16 = dt.date(2026, 12, 1), dt.date(2026, 12, 16)


def _schedule() -> FeeSchedule:
    """The demo schedule without its metered items (the demo estate has readings for
    October only): area, fixed and given pooled items, due 15 days after issue."""
    doc = json.loads(FeeSchedule.demo().to_json())
    doc["items"] = [
        i for i in doc["items"] if "area" in i["rule"] or "fixed" in i["rule"] or i["rule"].get("pooled", {}).get("source") == "given"
    ]
    return FeeSchedule.from_json(json.dumps(doc))


SCHEDULE = _schedule()


def month(m: int, issued_on: "dt.date | None" = None, pooled: D = D("1000.00")) -> estatekit.BillingRun:
    return estatekit.bill_estate(Estate.demo(), SCHEDULE, 2026, m, pooled={"common_electricity": pooled}, issued_on=issued_on)


def november() -> estatekit.BillingRun:
    return month(11, DEC1)


def book() -> Receivables:
    return Receivables(Estate.demo(), SCHEDULE)


def test_on_time_payers_are_not_charged_and_late_ones_are() -> None:
    run = november()
    b = book()
    res = b.post(run)
    lines = sum(len(bill.lines) for bill in run.bills)
    assert (res.posted, res.already_posted, res.conflicts) == (lines, 0, [])
    bill = run.bill("1-101")
    assert bill is not None and all(line.due == DEC16 for line in bill.lines)
    # 1-101 pays in full on Dec 10 (issued Dec 1, due Dec 16): no penalty, no reminder.
    # 1-102 pays on Dec 26: ten days of 0.05 % on its management fee.
    bill2 = run.bill("1-102")
    assert bill2 is not None
    imported = b.apply_payments(
        [
            {"unit_id": "1-101", "amount": bill.total, "date": dt.date(2026, 12, 10), "ref": "BANK-1"},
            {"unit_id": "1-102", "amount": bill2.total, "date": dt.date(2026, 12, 26), "ref": "BANK-2"},
        ]
    )
    assert [a["row"] for a in imported.applied] == [1, 2]
    assert b.reminder("1-101", dt.date(2027, 1, 31))["items"] == []
    assert b.balance("1-101", dt.date(2027, 1, 31))["penalty_accrued"] == D("0.00")
    mgmt = next(line for line in bill2.lines if line.item_code == "management")
    owed = (mgmt.amount * D("0.0005") * 10).quantize(D("0.01"))
    assert b.balance("1-102", dt.date(2026, 12, 26))["penalty_accrued"] == owed
    # The December 26 payment paid the penalty first: a little principal is left.
    assert b.balance("1-102", dt.date(2026, 12, 26))["principal_outstanding"] == owed
    dunned = [letter.to for letter in b.reminders(dt.date(2026, 12, 31))]
    assert "1-102" in dunned and "1-101" not in dunned
    assert len(dunned) == len(run.bills) - 1


def test_posting_twice_does_not_double_bill_and_a_corrected_rerun_is_a_conflict() -> None:
    run = november()
    b = book()
    first = b.post(run, on=dt.date(2026, 12, 2))
    text = b.to_json()
    again = b.post(run)
    assert (again.posted, again.already_posted, again.conflicts) == (0, first.posted, [])
    assert b.to_json() == text
    rerun = month(11, DEC1, pooled=D("1500.00"))
    res = b.post(rerun)
    assert res.posted == 0 and len(res.conflicts) > 0
    c = res.conflicts[0]
    assert (c["code"], c["field"], c["charge_id"]) == ("conflicting_repost", "amount", "2026-11-01/common_electricity")
    assert b.to_json() == text
    # A subset of units, then the rest.
    b2 = book()
    assert b2.post(run, units=["1-101"]).posted == len(run.bill("1-101").lines)  # type: ignore[union-attr]
    rest = b2.post(run)
    assert rest.already_posted == len(run.bill("1-101").lines)  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as info:
        b2.post(run, units=["9-999"])
    assert (info.value.code, info.value.path) == ("unknown_reference", "units[0]")


def test_bank_rows_applied_once_bad_rows_named_by_row_and_ref() -> None:
    b = book()
    b.post(november())
    rows = [
        {"unit_id": "1-101", "amount": D("100.00"), "date": dt.date(2026, 12, 5), "ref": "B-1"},
        {"unit_id": "1-101", "amount": "100.00", "date": "2026-12-05", "ref": "B-1"},  # the file again
        {"unit_id": "1-101", "amount": D("90.00"), "date": dt.date(2026, 12, 5), "ref": "B-1"},
        {"unit_id": "9-999", "amount": D("10.00"), "date": dt.date(2026, 12, 5), "ref": "B-2"},
        {"unit_id": "1-102", "amount": D("0"), "date": dt.date(2026, 12, 5), "ref": "B-3"},
        {"unit_id": "1-102", "amount": 10.5, "date": dt.date(2026, 12, 5), "ref": "B-4"},
        {"unit_id": "1-102", "amount": D("10"), "ref": "B-5"},
        {"unit_id": "1-102", "amount": D("10"), "date": dt.date(2026, 12, 5), "ref": 80061, "memo": "x"},
        "not a row",
    ]
    res = b.apply_payments(rows)
    assert [a["ref"] for a in res.applied] == ["B-1"]
    assert res.applied[0]["amount"] == D("100.00") and res.applied[0]["to_prepaid"] == D("0.00")
    assert res.already_applied == [{"row": 2, "ref": "B-1", "unit_id": "1-101"}]
    got = [(r["row"], r["ref"], r["code"], r["path"]) for r in res.rejected]
    assert got == [
        (3, "B-1", "duplicate_ref", "ref"),
        (4, "B-2", "unknown_reference", "unit_id"),
        (5, "B-3", "non_positive_payment", "amount"),
        (6, "B-4", "float_cell", "amount"),
        (7, "B-5", "missing_value", "date"),
        (8, "80061", "unknown_column", "memo"),
        (9, None, "invalid_cell", ""),
    ]
    assert res.rejected[6]["message"] == 'row 9: expected a dict with unit_id, amount, date, ref, reverses, got str'
    assert res.rejected[3]["message"].endswith("a float cannot hold an exact area or amount: give text, an int or a Decimal (e.g. read the sheet with dtype=str)")
    assert res.rejected[0]["message"].startswith('row 3 (ref "B-1"): ')
    # Nothing was lost or done twice: exactly one payment in the book.
    assert b.totals(dt.date(2026, 12, 31))["collected"] == D("100.00")


class _PolarsLike:
    """A stand-in with polars' `to_dicts` (the binding takes pandas and polars frames)."""

    def __init__(self, rows: list) -> None:  # type: ignore[type-arg]
        self._rows = rows

    def to_dicts(self) -> list:  # type: ignore[type-arg]
        return self._rows


def test_rows_from_a_dataframe() -> None:
    rows = [{"unit_id": "1-101", "amount": D("50.00"), "date": dt.date(2026, 12, 5), "ref": "P-1"}]
    b = book()
    assert len(b.apply_payments(_PolarsLike(rows)).applied) == 1
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([{"unit_id": "1-102", "amount": "20.00", "date": pd.Timestamp("2026-12-06"), "ref": "P-2"}])
    res = b.apply_payments(frame)
    assert [(a["ref"], a["date"]) for a in res.applied] == [("P-2", dt.date(2026, 12, 6))]


def test_payments_in_any_order_give_the_same_book() -> None:
    run = november()
    rows = [
        {"unit_id": bill.unit_id, "amount": bill.total, "date": dt.date(2026, 12, 10 + i % 20), "ref": f"B-{i}"}
        for i, bill in enumerate(run.bills)
    ]
    extra = [{"unit_id": "1-101", "amount": D("40.00"), "date": dt.date(2027, 1, 5 - k), "ref": f"X-{k}"} for k in range(3)]
    a, b = book(), book()
    a.post(run)
    b.post(run)
    a.apply_payments(rows + extra)
    b.apply_payments(list(reversed(rows + extra)))
    for unit in ("1-101", "1-102", run.bills[-1].unit_id):
        for day in (dt.date(2026, 12, 15), dt.date(2027, 1, 31)):
            assert a.balance(unit, day) == b.balance(unit, day)
    assert a.totals(dt.date(2027, 1, 31)) == b.totals(dt.date(2027, 1, 31))


def test_back_dated_payment_recomputes_later_ones() -> None:
    # Issue reproduction: the same two payments gave 19.20 of penalty instead of 12.80
    # when the earlier one was recorded second.
    def build(order: list) -> Ledger:  # type: ignore[type-arg]
        ledger = Ledger("1-101")
        ledger.add_charge("c", "x", dt.date(2026, 1, 1), D("800.00"), on=dt.date(2026, 1, 1), penalty=PenaltyPolicy(D("0.001")))
        for ref, day in order:
            ledger.pay(ref, D("400.00"), day)
        return ledger

    in_order = build([("A", dt.date(2026, 1, 17)), ("B", dt.date(2026, 1, 25))])
    back = build([("B", dt.date(2026, 1, 25)), ("A", dt.date(2026, 1, 17))])
    assert back.balance(dt.date(2026, 2, 1)) == in_order.balance(dt.date(2026, 2, 1))
    assert back.balance(dt.date(2026, 2, 1))["penalty_paid"] == D("16.10")  # 12.80 + 3.30
    a = back.payment("A")
    assert a is not None and a.applied == [("c", D("387.20"), D("12.80"))]
    assert [p.id for p in back.payments] == ["B", "A"]  # the order recorded
    assert back.payment("B").applied == [("c", D("396.70"), D("3.30"))]  # type: ignore[union-attr]
    # As of a past date the penalty is what was owed then.
    assert back.penalty("c", dt.date(2026, 1, 16)) == D("12.00")


def test_a_year_prepaid_is_never_dunned() -> None:
    b = book()
    b.apply_payments([{"unit_id": "1-101", "amount": D("10000.00"), "date": dt.date(2026, 1, 3), "ref": "YEAR"}])
    for m in range(1, 13):
        b.post(month(m), units=["1-101"])
    for day in (dt.date(2026, 3, 31), dt.date(2026, 12, 31), dt.date(2027, 2, 1)):
        assert b.reminder("1-101", day)["items"] == []
    bal = b.balance("1-101", dt.date(2027, 2, 1))
    assert bal["penalty_accrued"] == D("0.00")
    assert bal["paid"] == bal["principal_paid"] + bal["penalty_paid"] + bal["prepaid"] == D("10000.00")


def test_totals_balance_and_the_book_round_trips() -> None:
    run = november()
    b = book()
    b.post(run)
    b.apply_payments(
        [
            {"unit_id": bill.unit_id, "amount": bill.total - D("1.00"), "date": dt.date(2027, 1, 10), "ref": f"B-{i}"}
            for i, bill in enumerate(run.bills)
        ]
    )
    t = b.totals(dt.date(2027, 1, 31))
    assert t["billed"] == run.total
    assert t["billed"] + t["penalty_accrued"] - t["penalty_waived"] == t["applied"] + t["outstanding"]
    assert t["collected"] == t["applied"] + t["prepaid"] + t["refunded"]
    assert all(str(v).endswith(tuple("0123456789")) and v.as_tuple().exponent == -2 for v in t.values())
    text = b.to_json()
    again = Receivables.from_json(text, Estate.demo(), SCHEDULE)
    assert again.to_json() == text
    doc = json.loads(text)
    doc["estate_id"] = "elsewhere"
    with pytest.raises(ValidationError) as info:
        Receivables.from_json(json.dumps(doc), Estate.demo(), SCHEDULE)
    assert (info.value.code, info.value.path) == ("mismatch", "estate_id")
    account = b.account("1-101")
    assert account is not None and account.unit_id == "1-101"
    assert b.account("2-603") is None


# ---- Hardening 1: a realistic rate, ledger semantics -----------------------------


def test_a_yearly_rate_given_as_daily_keeps_the_ledger_usable() -> None:
    rate = D("0.18") / 365  # 28 significant digits, 31 places: more than a rate holds
    with pytest.raises(ValidationError) as info:
        PenaltyPolicy(rate)
    assert (info.value.code, info.value.path) == ("inexact_decimal", "daily_rate")  # type: ignore[attr-defined]
    rate = rate.quantize(D("1e-28"))  # rounded once, by the caller, on purpose
    ledger = Ledger("1-101")
    ledger.add_charge("c", "management", dt.date(2026, 1, 1), D("1000.00"), on=dt.date(2026, 1, 1), penalty=PenaltyPolicy(rate))
    receipt = ledger.pay("P1", D("400.00"), dt.date(2026, 1, 31))
    assert receipt.applied == [("c", D("385.21"), D("14.79"))]
    mar2 = dt.date(2026, 3, 2)
    assert ledger.penalty("c", mar2) == D("9.10")
    assert ledger.reminder(mar2)["total_due"] == D("623.89")
    assert ledger.waive("c", reason="goodwill", date=mar2, amount=D("1.10")) == D("1.10")
    assert ledger.pay("P2", D("622.79"), mar2).to_prepaid == D("0.00")
    assert ledger.balance(mar2)["principal_outstanding"] == D("0.00")


def test_a_published_penalty_clause() -> None:
    # 每日万分之五 (0.05 % a day), the clause of most property service contracts: 1,000
    # yuan 30 days overdue owes 1000 × 0.0005 × 30 = 15 yuan.
    assert estatekit.late_penalty(D("1000"), dt.date(2026, 1, 1), dt.date(2026, 1, 31), daily_rate=D("0.0005")) == D("15.00")


def test_rates_above_one_percent_a_day_need_consent() -> None:
    with pytest.raises(ValidationError) as info:
        PenaltyPolicy(D("0.18"))
    assert (info.value.code, info.value.path) == ("out_of_range", "daily_rate")
    assert PenaltyPolicy(D("0.18"), allow_high_rate=True).allow_high_rate


def test_a_penalty_beyond_the_amounts_scale_is_an_error() -> None:
    with pytest.raises(ValidationError) as info:
        estatekit.late_penalty(
            D("10000000000000000000000000.00"), dt.date(1, 1, 1), dt.date(9999, 12, 31), daily_rate=D("0.01"), scale=0
        )
    assert (info.value.code, info.value.path) == ("overflow", "penalty")


def test_defer_after_a_paid_penalty_credits_it() -> None:
    ledger = Ledger("1-101")
    ledger.add_charge("c", "x", dt.date(2026, 1, 1), D("500.00"), on=dt.date(2026, 1, 1), penalty=PenaltyPolicy(D("0.003")))
    assert ledger.pay("P1", D("100.00"), dt.date(2026, 1, 11)).applied == [("c", D("85.00"), D("15.00"))]
    ledger.defer("c", dt.date(2026, 2, 1))
    assert ledger.charges[0][4] == D("400.00")
    assert ledger.balance(dt.date(2026, 1, 31))["penalty_paid"] == D("0.00")


def test_a_future_waiver_does_not_reach_back() -> None:
    ledger = Ledger("1-101")
    ledger.add_charge("c", "x", dt.date(2026, 1, 1), D("1000.00"), on=dt.date(2026, 1, 1), penalty=PenaltyPolicy(D("0.003")))
    ledger.waive("c", reason="board", date=dt.date(2269, 6, 1))
    assert ledger.penalty("c", dt.date(2026, 2, 1)) == D("93.00")


def test_eight_thousand_payments_and_a_forty_thousand_charge_document() -> None:
    # Issue reproduction (not timed): 8k payments took 7.6 s (every payment re-summed
    # every payment and cloned every charge) and loading 40k charges with long shared
    # id prefixes checked ids pairwise. Both are now linear (see benches/src/bin/scaling_ledger.rs).
    ledger = Ledger("1-101")
    policy = PenaltyPolicy(D("0.0005"))
    start = dt.date(2026, 1, 1)
    for k in range(400):
        day = start + dt.timedelta(days=k)
        for c in range(100):
            ledger.add_charge(
                f"2026-01-01/a-long-shared-prefix-of-an-item-code-{k * 100 + c}", "x",
                day + dt.timedelta(days=15), D("1.00"), on=day, penalty=policy,
            )
        for p in reversed(range(20)):
            ledger.pay(f"P{k * 20 + p}", D("5.00"), day)
    paid, principal, penalty, prepaid = ledger.money_flow()
    assert paid == D("40000.00") == principal + penalty + prepaid
    again = Ledger.from_json(ledger.to_json())
    assert again.to_json() == ledger.to_json()


# ---- Reversals (冲正) and refunds (退款) --------------------------------------------


def test_a_bounced_payment_is_reversed_and_its_ref_stays_taken() -> None:
    run = november()
    b = book()
    b.post(run)
    total = run.bill("1-101").total  # type: ignore[union-attr]
    b.apply_payments([{"unit_id": "1-101", "amount": total, "date": dt.date(2026, 12, 10), "ref": "B-1"}])
    assert b.reminder("1-101", dt.date(2027, 1, 15))["items"] == []
    p = b.reverse("B-1", on=dt.date(2027, 1, 5), reason="transfer bounced")
    assert (p.applied, p.reversed) == ([], (dt.date(2027, 1, 5), "transfer bounced"))
    r = b.reminder("1-101", dt.date(2027, 1, 15))
    assert r["items"][0]["days_overdue"] == 30
    assert r["items"][0]["penalty"] == D("4.97")  # 331.15 × 30 × 0.0005, as if never paid
    with pytest.raises(ValidationError) as info:
        b.reverse("B-1", on=dt.date(2027, 1, 6), reason="again")
    assert (info.value.code, info.value.path) == ("already_reversed", "ref")
    with pytest.raises(ValidationError) as info:
        b.reverse("B-404", on=dt.date(2027, 1, 6), reason="x")
    assert (info.value.code, info.value.path) == ("unknown_reference", "ref")
    again = b.apply_payments([{"unit_id": "1-101", "amount": total, "date": dt.date(2027, 1, 6), "ref": "B-1"}])
    assert again.rejected[0]["code"] == "duplicate_ref"
    # The same book with the payment never made: the same figures.
    other = book()
    other.post(run)
    for day in (dt.date(2026, 12, 20), dt.date(2027, 1, 31)):
        assert b.balance("1-101", day) == other.balance("1-101", day)


def test_refunds_come_out_of_the_prepaid_balance_only() -> None:
    b = book()
    b.post(november())
    b.apply_payments([{"unit_id": "1-102", "amount": D("5000.00"), "date": dt.date(2026, 12, 5), "ref": "B-2"}])
    with pytest.raises(ValidationError) as info:
        b.refund("1-102", D("9000.00"), on=dt.date(2026, 12, 20), ref="RF-1")
    assert (info.value.code, info.value.path) == ("refund_exceeds_prepaid", "amount")
    prepaid = b.balance("1-102", dt.date(2026, 12, 20))["prepaid"]
    b.refund("1-102", prepaid, on=dt.date(2026, 12, 20), ref="RF-1")
    bal = b.balance("1-102", dt.date(2026, 12, 31))
    assert (bal["prepaid"], bal["refunded"]) == (D("0.00"), prepaid)
    t = b.totals(dt.date(2026, 12, 31))
    assert t["collected"] == t["applied"] + t["prepaid"] + t["refunded"] == D("5000.00")
    with pytest.raises(ValidationError) as info:
        b.refund("1-102", D("1.00"), on=dt.date(2026, 12, 21), ref="B-2")
    assert info.value.code == "duplicate_ref"
    assert b.account("1-102").refunds == [("RF-1", dt.date(2026, 12, 20), prepaid)]  # type: ignore[union-attr]


# ---- Reports: aging and 收缴率 by building -------------------------------------------


def test_aging_and_collection_by_building() -> None:
    run = november()
    b = book()
    b.post(run)
    estate = Estate.demo()
    building = {u.id: u.building_id for u in estate.units}
    # By hand: on Feb 1 every November line is 47 days past its Dec 16 due date; the
    # management fee owes 47 days × 0.05 %.
    want: dict = {}  # type: ignore[type-arg]
    for bill in run.bills:
        pen = sum(((ln.amount * D("0.0005") * 47).quantize(D("0.01")) for ln in bill.lines if ln.item_code == "management"), D(0))
        want[building[bill.unit_id]] = want.get(building[bill.unit_id], D(0)) + bill.total + pen
    rows = b.aging(dt.date(2027, 2, 1), by="building")
    assert [(r["building"], r["days_31_60"], r["total"]) for r in rows] == [(k, v, v) for k, v in sorted(want.items())]
    assert b.aging(DEC16)[0] == {
        "estate": "lakeside", "not_due": D("0.00"), "days_0_30": run.total, "days_31_60": D("0.00"),
        "days_61_90": D("0.00"), "days_90_plus": D("0.00"), "total": run.total,
    }
    # 收缴率 with a cut-off: money after it does not change the figure.
    bill = run.bill("1-101")
    b.apply_payments([{"unit_id": "1-101", "amount": bill.total, "date": dt.date(2026, 12, 10), "ref": "B-1"}])  # type: ignore[union-attr]
    nov1, nov30, dec31 = dt.date(2026, 11, 1), dt.date(2026, 11, 30), dt.date(2026, 12, 31)
    before = b.collection(nov1, nov30, dec31)
    assert before[0]["billed"] == run.total and before[0]["collected"] == bill.total  # type: ignore[union-attr]
    assert before[0]["rate"] == (bill.total / run.total).quantize(D("0.0001"))  # type: ignore[union-attr]
    b.apply_payments([{"unit_id": "1-102", "amount": D("10.00"), "date": dt.date(2027, 1, 3), "ref": "B-2"}])
    assert b.collection(nov1, nov30, dec31) == before
    by_unit = {r["unit_id"]: r for r in b.collection(nov1, nov30, dec31, by="unit")}
    assert by_unit["1-101"]["rate"] == D("1.0000") and by_unit["1-102"]["rate"] == D("0.0000")
    assert b.collection(dt.date(2027, 1, 1), dt.date(2027, 1, 31), dec31)[0]["rate"] is None
    with pytest.raises(ValidationError) as info:
        b.aging(DEC16, by="floor")  # type: ignore[arg-type]
    assert (info.value.code, info.value.path) == ("unknown_value", "by")
    assert isinstance(rows, estatekit.Report) and isinstance(before, estatekit.Report)


# ---- Single charges (门锁更换), opening balances (期初余额) ---------------------------------

LOCK = {
    "unit_id": "1-101", "ref": "WO-77", "item_code": "lock", "amount": D("80.00"),
    "issued_on": dt.date(2026, 11, 5), "due": dt.date(2026, 11, 20), "description": "门锁更换 lock replacement",
}


def test_a_single_charge_is_posted_once_and_a_corrected_amount_is_refused() -> None:
    b = book()
    first = b.post_charges([LOCK])
    assert (first.posted, first.already_posted, first.rejected) == ([{"row": 1, "unit_id": "1-101", "ref": "WO-77"}], [], [])
    text = b.to_json()
    retry = b.post_charges(
        [
            LOCK,  # the same file again
            {**LOCK, "amount": D("95.00")},  # same ref, another amount
            {**LOCK, "ref": "WO-78", "amount": 80.0},
            {**LOCK, "ref": "WO-79", "colour": "red"},
            {**LOCK, "ref": "WO-80", "due": "2026-13-01"},
            {**LOCK, "ref": "WO-81", "penalty": "nope"},
            {**LOCK, "ref": 82, "issued_on": None},
            {**LOCK, "ref": "WO-83", "unit_id": "9-999"},
        ]
    )
    assert (retry.posted, retry.already_posted) == ([], [{"row": 1, "unit_id": "1-101", "ref": "WO-77"}])
    assert [(r["row"], r["ref"], r["code"], r["path"]) for r in retry.rejected] == [
        (2, "WO-77", "conflicting_repost", "amount"),
        (3, "WO-78", "float_cell", "amount"),
        (4, "WO-79", "unknown_column", "colour"),
        (5, "WO-80", "invalid_date", "due"),
        (6, "WO-81", "invalid_choice", "penalty"),
        (7, "82", "missing_value", "issued_on"),
        (8, "WO-83", "unknown_reference", "unit_id"),
    ]
    assert retry.rejected[0]["message"].startswith('row 2 (ref "WO-77"): ')
    assert b.to_json() == text
    # Not in the schedule: no penalty, named by its description on reminders.
    item = b.reminders(DEC1)[0].items[0]
    assert (item["charge_id"], item["name_zh"], item["name_en"]) == ("WO-77", "门锁更换 lock replacement", "门锁更换 lock replacement")
    assert (item["days_overdue"], item["principal"], item["penalty"], item["period_start"]) == (11, D("80.00"), D("0.00"), None)
    # A schedule item gets its penalty clause unless `penalty` is False; without a
    # ref the charge is named by its period like a billing run's line.
    adj = {"unit_id": "1-102", "item_code": "management", "amount": "100.00", "issued_on": "2026-11-01", "due": "2026-11-16"}
    res = b.post_charges(
        [
            {**adj, "period_start": dt.date(2026, 10, 1), "period_end": dt.date(2026, 10, 31)},
            {**adj, "ref": "ADJ-2", "penalty": False},
        ]
    )
    assert [r["ref"] for r in res.posted] == ["2026-10-01/management", "ADJ-2"]
    assert b.penalty("1-102", "2026-10-01/management", DEC1) == D("0.75")  # 100 × 0.05 % × 15
    assert b.penalty("1-102", "ADJ-2", DEC1) == D("0.00")
    json_res = b.post_charges_json(json.dumps([{**LOCK, "amount": "80.00", "issued_on": "2026-11-05", "due": "2026-11-20"}]))
    assert (json_res.posted, len(json_res.already_posted)) == ([], 1)


def test_single_charges_from_dataframes() -> None:
    # polars gives None for an empty cell.
    b = book()
    row = {**LOCK, "period_start": None, "period_end": None, "penalty": None}
    assert len(b.post_charges(_PolarsLike([row])).posted) == 1
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        [
            {**LOCK, "ref": "WO-90", "issued_on": pd.Timestamp("2026-11-05"), "due": pd.Timestamp("2026-11-20")},
            {"unit_id": "1-102", "item_code": "management", "amount": "12.00", "issued_on": pd.Timestamp("2026-11-05"),
             "due": pd.Timestamp("2026-11-20"), "period_start": pd.Timestamp("2026-10-01"), "period_end": pd.Timestamp("2026-10-31")},
            {**LOCK, "ref": "WO-91", "amount": D("-1.00")},
        ]
    )
    res = b.post_charges(frame)  # NaN and NaT cells count as absent
    assert res.posted == [{"row": 1, "unit_id": "1-101", "ref": "WO-90"}, {"row": 2, "unit_id": "1-102", "ref": "2026-10-01/management"}]
    assert [(r["row"], r["code"], r["path"]) for r in res.rejected] == [(3, "negative", "amount")]


def _opening_rows() -> list:  # type: ignore[type-arg]
    return [
        # Unpaid items of the old system, with their original due dates.
        {"unit_id": "1-101", "item_code": "management", "amount": D("331.15"), "due": dt.date(2026, 8, 16),
         "period_start": dt.date(2026, 7, 1), "period_end": dt.date(2026, 7, 31), "prepaid": None},
        {"unit_id": "1-102", "ref": "OLD-7", "item_code": "garbage", "amount": D("10.00"), "due": dt.date(2026, 10, 16)},
        {"unit_id": "9-999", "ref": "OLD-8", "item_code": "garbage", "amount": D("10.00"), "due": dt.date(2026, 10, 16)},
        # A prepaid balance held on the cut-over day.
        {"unit_id": "1-103", "prepaid": D("500.00"), "date": dt.date(2026, 10, 31), "ref": "OPEN-1-103", "item_code": None},
    ]


def test_opening_balances_age_from_their_original_dues_and_prepaid_money_settles_bills() -> None:
    b = book()
    res = b.open_balances(_opening_rows())
    assert res.posted == [
        {"row": 1, "unit_id": "1-101", "ref": "2026-07-01/management"},
        {"row": 2, "unit_id": "1-102", "ref": "OLD-7"},
        {"row": 4, "unit_id": "1-103", "ref": "OPEN-1-103"},
    ]
    assert [(r["row"], r["ref"], r["code"], r["path"]) for r in res.rejected] == [(3, "OLD-8", "unknown_reference", "unit_id")]
    # On Nov 30 the July fee is 106 days overdue with 106 days of 0.05 % (17.55);
    # the garbage fee (no penalty clause) 45 days.
    aging = b.aging(dt.date(2026, 11, 30), by="unit")
    assert [(r["unit_id"], r["days_31_60"], r["days_90_plus"], r["total"]) for r in aging] == [
        ("1-101", D("0.00"), D("348.70"), D("348.70")),
        ("1-102", D("10.00"), D("0.00"), D("10.00")),
    ]
    # The prepaid balance settles 1-103's November bill on its issue date.
    run = november()
    b.post(run)
    bill = run.bill("1-103")
    assert bill is not None
    assert b.reminder("1-103", dt.date(2026, 12, 31))["items"] == []
    assert b.balance("1-103", dt.date(2026, 12, 31))["prepaid"] == D("500.00") - bill.total
    # A retried import changes nothing.
    text = b.to_json()
    again = b.open_balances(_opening_rows())
    assert again.posted == [] and [r["row"] for r in again.already_posted] == [1, 2, 4]
    assert b.to_json() == text
    good = [r for r in _opening_rows() if r["unit_id"] != "9-999"]
    retry = b.open_balances(good)
    assert (retry.posted, retry.rejected, [r["ref"] for r in retry.already_posted]) == (
        [], [], ["2026-07-01/management", "OLD-7", "OPEN-1-103"])
    doc = json.dumps([{"unit_id": "1-102", "prepaid": "50.00", "date": "2026-10-31", "ref": "OPEN-1-102"},
                      {"unit_id": "1-102", "prepaid": "50.00", "date": "2026-10-31", "ref": "OPEN-1-102", "item_code": "x"}])
    json_res = b.open_balances_json(doc)
    assert (json_res.posted[0]["ref"], json_res.rejected[0]["path"]) == ("OPEN-1-102", "item_code")


def test_opening_balances_from_a_dataframe() -> None:
    pd = pytest.importorskip("pandas")
    b = book()
    # Every row has every column: the other kind's cells are NaN / NaT.
    res = b.open_balances(pd.DataFrame(_opening_rows()))
    assert [r["row"] for r in res.posted] == [1, 2, 4] and [r["row"] for r in res.rejected] == [3]
    assert b.balance("1-103", dt.date(2026, 11, 1))["prepaid"] == D("500.00")


# ---- Reminders (催交款通知书) and write-offs (核销) --------------------------------------

DEC31 = dt.date(2026, 12, 31)
OWNER = {"1-101": "Wang", "P-01": "Wang", "S-01": "Wang"}


def _owner_book() -> tuple:  # type: ignore[type-arg]
    """November posted for a flat, a parking space and a storage room of one owner,
    and 1-102, which pays its bill exactly, a day late (Dec 17): with penalty first,
    one day of penalty on its management fee (0.16) is left as principal of its last
    item."""
    run = november()
    b = book()
    b.post(run, units=["1-101", "P-01", "S-01", "1-102"])
    total = run.bill("1-102").total  # type: ignore[union-attr]
    b.apply_payments([{"unit_id": "1-102", "amount": total, "date": dt.date(2026, 12, 17), "ref": "B-1"}])
    return b, run


def test_reminders_per_owner_with_schedule_names_and_a_minimum() -> None:
    b, _ = _owner_book()
    r = b.reminders(DEC31, group=OWNER)
    assert isinstance(r, estatekit.Reminders) and len(r) == 1
    # 1-102 owes a few fen: not sent, but listed.
    assert r.suppressed == [{"to": "1-102", "unit_ids": ["1-102"], "total_due": D("0.16")}]
    letter = r[0]
    assert r[-1].to == letter.to == "Wang" and [x.to for x in r] == [x.to for x in r.letters] == ["Wang"]
    assert (letter.unit_ids, letter.as_of, len(letter.items)) == (["1-101", "P-01", "S-01"], DEC31, 7)
    assert (letter.principal, letter.penalty, letter.total_due, letter.prepaid) == (D("472.01"), D("2.72"), D("474.73"), D("0.00"))
    parking = letter.items[3]
    assert parking == {
        "unit_id": "P-01", "charge_id": "2026-11-01/parking", "item_code": "parking", "name_zh": "车位管理费",
        "name_en": "Parking space management", "period_start": dt.date(2026, 11, 1), "period_end": dt.date(2026, 11, 30),
        "due": DEC16, "days_overdue": 15, "principal": D("60.00"), "penalty": D("0.00"), "total": D("60.00"),
    }
    zh = letter.render("zh-CN").splitlines()
    assert "尊敬的 Wang 业主（1-101、P-01、S-01）：" in zh
    assert "1. 1-101 物业服务费（2026-11-01 至 2026-11-30），应缴日 2026-12-16，逾期 15 天：本金 331.15 元，滞纳金 2.48 元，小计 333.63 元" in zh
    assert "合计应缴：474.73 元（本金 472.01 元，滞纳金 2.72 元）" in zh
    en = letter.render("en").splitlines()
    assert "To: Wang (units 1-101, P-01, S-01)" in en
    assert "4. P-01 Parking space management (2026-11-01 to 2026-11-30), due 2026-12-16, 15 days overdue: principal 60.00, penalty 0.00, total 60.00" in en
    assert "Total due: 474.73 (principal 472.01, penalty 2.72)" in en
    assert letter.render() == letter.render("zh") == "\n".join(zh)
    with pytest.raises(ValidationError) as info:
        letter.render("fr")  # type: ignore[arg-type]
    assert (info.value.code, info.value.path) == ("unknown_value", "lang")
    records = r.to_records()
    assert len(records) == 7 and list(records[0]) == [
        "to", "unit_id", "charge_id", "item_code", "name_zh", "name_en", "period_start", "period_end", "due",
        "days_overdue", "principal", "penalty", "total",
    ]
    assert records[3] == {"to": "Wang", **parking}
    assert sum((x["total"] for x in records), D(0)) == letter.total_due
    # Without a minimum every letter goes out; without a group one per unit.
    every = b.reminders(DEC31, min_total=D("0"))
    assert [x.to for x in every] == ["1-101", "1-102", "P-01", "S-01"] and every.suppressed == []
    assert every[1].render("en").splitlines()[2] == "To: the owner of unit 1-102"
    with pytest.raises(IndexError):
        every[4]
    with pytest.raises(ValidationError) as info:
        b.reminders(DEC31, group={"9-999": "Li"})
    assert (info.value.code, info.value.path) == ("unknown_reference", "group[9-999]")
    with pytest.raises(ValidationError) as info:
        b.reminders(DEC31, min_total=D("-1"))
    assert (info.value.code, info.value.path) == ("negative", "min_total")


def test_a_residue_is_written_off_and_no_longer_dunned() -> None:
    b, run = _owner_book()
    bal = b.balance("1-102", DEC31)
    assert (bal["principal_outstanding"], bal["penalty_outstanding"], bal["principal_written_off"]) == (D("0.16"), D("0.00"), D("0.00"))
    done = b.write_off_residues(DEC31, reason="residue under 1 yuan")
    # The payment settled the items oldest first, penalty first: the shortfall is on
    # the last one.
    assert done == [{"unit_id": "1-102", "charge_id": "2026-11-01/common_electricity", "item_code": "common_electricity",
                     "principal": D("0.16"), "penalty": D("0.00")}]
    bal = b.balance("1-102", DEC31)
    assert (bal["principal_outstanding"], bal["principal_written_off"]) == (D("0.00"), D("0.16"))
    assert "1-102" not in [x.to for x in b.reminders(DEC31, min_total=D("0"))]
    assert b.reminders(DEC31).suppressed == []
    assert b.write_off_residues(DEC31, reason="again") == []
    t = b.totals(DEC31)
    assert t["written_off"] == D("0.16")
    assert t["billed"] - t["written_off"] + t["penalty_accrued"] - t["penalty_waived"] == t["applied"] + t["outstanding"]
    # The owner's letters are above the threshold: untouched.
    assert b.reminders(DEC31, group=OWNER)[0].total_due == D("474.73")
    with pytest.raises(ValidationError) as info:
        b.write_off_residues(DEC31, reason="x", below=D("0"))
    assert (info.value.code, info.value.path) == ("out_of_range", "below")


def test_ledger_write_off() -> None:
    ledger = Ledger("1-101")
    ledger.add_charge("c", "x", dt.date(2026, 1, 15), D("100.00"), on=dt.date(2026, 1, 1), penalty=PenaltyPolicy(D("0.0005")))
    ledger.pay("p", D("99.97"), dt.date(2026, 1, 10))
    assert ledger.write_off("c", reason="residue under 1.00", on=dt.date(2026, 2, 1)) == (D("0.03"), D("0.00"))
    bal = ledger.balance(dt.date(2026, 2, 1))
    assert (bal["principal_outstanding"], bal["principal_written_off"]) == (D("0.00"), D("0.03"))
    with pytest.raises(ValidationError) as info:
        ledger.write_off("c", reason="again", on=dt.date(2026, 2, 2))
    assert (info.value.code, info.value.path) == ("out_of_range", "charge_id")


# ---- Report objects -------------------------------------------------------------------


def test_reports_are_read_only_sequences_of_records() -> None:
    b = book()
    b.post(november())
    report = b.collection(dt.date(2026, 11, 1), dt.date(2026, 11, 30), DEC31, by="building")
    records = report.to_records()
    assert report.columns == ["building", "billed", "collected", "rate", "penalty_collected"]
    assert report == records and list(report) == records and not (report != records)
    assert len(report) == 2 and report[-1] == records[1] and report[0]["building"] == "B1"
    assert report[:1] == records[:1]
    assert report != records[:1] and report != tuple(records)
    with pytest.raises(IndexError):
        report[2]
    report[0]["billed"] = D("0")  # a copy
    records.clear()
    assert report[0]["billed"] == report.to_records()[0]["billed"] != D("0")
    aging = b.aging(DEC31)
    assert aging.columns == ["estate", "not_due", "days_0_30", "days_31_60", "days_61_90", "days_90_plus", "total"]
    assert aging == b.aging(DEC31) and aging != report


def test_reports_make_dataframes() -> None:
    pd = pytest.importorskip("pandas")
    b = book()
    b.post(november())
    report = b.aging(DEC31, by="unit")
    frame = pd.DataFrame(report.to_records())
    assert list(frame.columns) == report.columns and len(frame) == len(report)
    assert frame["total"].sum() == sum((r["total"] for r in report), D(0))
    letters = pd.DataFrame(b.reminders(DEC31).to_records())
    assert list(letters.columns)[:3] == ["to", "unit_id", "charge_id"]
