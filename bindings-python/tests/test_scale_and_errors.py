"""Issue 19, points 2 and 4: amounts at the ledger's or estate's scale (str() gives
"0.00", never "0"; Python's decimal module keeps the exponent, as Java's BigDecimal
does: the decimal docs' "Decimal('1.30') + Decimal('1.20') == Decimal('2.50')" shows the
scale kept), and errors with a stable code per cause, a path and zh/en messages."""

import datetime as dt
import json
from decimal import Decimal

import pytest

import estatekit

JAN1 = dt.date(2026, 1, 1)
JAN10 = dt.date(2026, 1, 10)


def test_a_ledgers_amounts_carry_its_scale() -> None:
    ledger = estatekit.Ledger("1-101")
    assert str(ledger.prepaid) == "0.00"
    assert str(ledger.reminder(JAN1)["total_due"]) == "0.00"
    ledger.add_charge("c", "x", dt.date(2026, 1, 15), "100", on=JAN1)
    receipt = ledger.pay("P1", Decimal("150.000"), JAN10)
    assert (str(receipt.amount), str(receipt.to_prepaid), str(ledger.prepaid)) == ("150.00", "50.00", "50.00")
    assert json.loads(ledger.to_json())["prepaid"] == "50.00"
    # A document written at another scale is read at the ledger's.
    odd = ledger.to_json().replace('"150.00"', '"150.000"').replace('"50.00"', '"50.000"')
    back = estatekit.Ledger.from_json(odd)
    assert back.to_json() == ledger.to_json()
    assert back == ledger


def test_a_pools_figures_are_at_the_estates_scale() -> None:
    schedule = estatekit.FeeSchedule.from_json(json.dumps({"format_version": 1, "items": [
        {"code": "common_electricity", "name_zh": "公共电费", "name_en": "Common electricity",
         "effective_from": "2020-01-01",
         "rule": {"pooled": {"source": "given", "method": "equal",
                             "deduction": {"percent": "5"}, "admin_fee": {"percent": "2.5"}}}}]}))
    run = estatekit.bill_estate(estatekit.Estate.demo(), schedule, 2026, 10,
                                pooled={"common_electricity": Decimal("869.4")})
    p = run.pools[0]
    # 869.40 × 5 % = 43.470 → 43.47; × 2.5 % = 21.735 → 21.74; 869.40 − 43.47 + 21.74.
    assert [str(x) for x in (p.source_amount, p.deduction, p.admin_fee, p.split_amount)] == [
        "869.40", "43.47", "21.74", "847.67"]


def test_errors_have_a_code_per_cause_and_messages_in_both_languages() -> None:
    ledger = estatekit.Ledger("1-101")
    ledger.pay("R1", Decimal("20.00"), JAN10)
    with pytest.raises(estatekit.ValidationError) as dup:
        ledger.pay("R1", Decimal("20.00"), JAN10)
    assert (dup.value.code, dup.value.path) == ("duplicate_id", "id")
    assert dup.value.message_zh == "id：编号重复（如收据号已使用）"
    assert dup.value.message_en == str(dup.value) == 'id: duplicate payment id "R1"'
    with pytest.raises(estatekit.ValidationError) as fine:
        ledger.pay("R2", Decimal("0.001"), JAN10)
    assert (fine.value.code, fine.value.path) == ("too_many_decimals", "amount")
    assert fine.value.message_zh == "amount：小数位数超过金额精度"
    with pytest.raises(estatekit.ValidationError) as empty:
        ledger.pay(" ", Decimal("1.00"), JAN10)
    assert (empty.value.code, empty.value.path) == ("empty_field", "id")


def test_documents_with_an_instant_outside_years_1_to_9999_are_refused_alike() -> None:
    # Python's datetime holds years 1 to 9999 (datetime.MINYEAR, datetime.MAXYEAR): a
    # document dated beyond is refused when read, by tickets and checklists alike.
    at = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)
    flow = estatekit.TicketFlow("T1", unit="1-201", channel="hotline", received_at=at, reporter="王女士",
                                text="卫生间漏水", kind="repair_request", category="repair.plumbing",
                                urgency="urgent", department="engineering", receiver="前台小张")
    with pytest.raises(estatekit.ValidationError) as t:
        estatekit.TicketFlow.from_json(flow.to_json().replace('"2026-11-02T09:00:00Z"', '"+10000-01-01T00:00:00Z"'))
    assert (t.value.code, t.value.path) == ("out_of_range", "ticket.received_at")
    assert str(t.value) == "ticket.received_at: +10000-01-01 00:00:00 UTC is outside the supported years 1–9999 (UTC)"
    template = estatekit.CheckinTemplate.default()
    checklist = estatekit.Checklist.start(template, "1-603", "张三", dt.date(2026, 11, 2))
    checklist.complete("occupancy_notice_presented", actor="李四", role="receptionist", at=at)
    with pytest.raises(estatekit.ValidationError) as c:
        estatekit.Checklist.from_json(checklist.to_json().replace('"2026-11-02T09:00:00Z"', '"+10000-01-01T00:00:00Z"'), template)
    assert (c.value.code, c.value.path) == ("out_of_range", "events[0].at")
    assert c.value.message_zh == "events[0].at：超出允许范围（如年份不在 1–9999）"
    # 1969 is within the range in both.
    before_1970 = dt.datetime(1969, 7, 20, 20, 17, tzinfo=dt.timezone.utc)
    old = estatekit.Checklist.start(template, "1-603", "张三", dt.date(1969, 7, 20))
    old.complete("occupancy_notice_presented", actor="李四", role="receptionist", at=before_1970)
    assert estatekit.TicketFlow.from_json(flow.to_json().replace('"2026-11-02T09:00:00Z"', '"1969-07-20T20:17:00Z"')).received_at == before_1970
