"""A bank file as it arrives (CSV with thousands separators, slash dates, stray
spaces, a duplicated line, a reversal listed before its payment, an unknown unit, a
mistyped amount): each good row applied once, each bad row named, the same file again
changes nothing. The same figures as core/tests/bank_file.rs."""

import datetime as dt
from decimal import Decimal as D

import pytest

import estatekit
from estatekit import ValidationError

BANK = (
    "\ufeffunit_id,amount,date,ref,reverses\r\n"
    '1-101,"1,200.00",2026/11/3,B-001,\r\n'
    "\u00a01-102 ,331.15,2026-11-04,B-002,\r\n"
    "1-103,88.5,2026/11/5,B-003,\r\n"
    "1-201,-2000.00,2026/11/20,R-001,B-010\r\n"
    '1-101,"1,200.00",2026/11/3,B-001,\r\n'
    ",,,,\r\n"
    '1-201,"2,000.00",2026/11/6,B-010,\r\n'
    "9-999,100.00,2026/11/6,B-011,\r\n"
    "1-202,12.5O,2026/11/6,B-012,\r\n"
    "1-203,100.00,2026.11.06,B-013,\r\n"
)


def october_book() -> estatekit.Receivables:
    estate, schedule = estatekit.Estate.demo(), estatekit.FeeSchedule.demo()
    run = estatekit.bill_estate(estate, schedule, 2026, 10, pooled={"common_electricity": D("1000.00")})
    book = estatekit.Receivables(estate, schedule)
    book.post(run)
    return book


def test_a_noisy_bank_file_applies_each_good_row_once_and_names_each_bad_one() -> None:
    book = october_book()
    rows = estatekit.csv_rows("payments", BANK)
    assert len(rows) == 10 and rows[0] == {"unit_id": "1-101", "amount": "1,200.00", "date": "2026/11/3", "ref": "B-001", "reverses": ""}
    res = book.apply_payments(rows)
    assert [(a["row"], a["ref"], a["amount"]) for a in res.applied] == [
        (1, "B-001", D("1200.00")),
        (2, "B-002", D("331.15")),
        (3, "B-003", D("88.50")),
        (7, "B-010", D("2000.00")),
    ]
    assert res.reversed == [
        {
            "row": 4,
            "ref": "B-010",
            "unit_id": "1-201",
            "amount": D("2000.00"),
            "date": dt.date(2026, 11, 6),
            "reversed_on": dt.date(2026, 11, 20),
            "reason": "bank reversal R-001",
        }
    ]
    assert res.already_applied == [{"row": 5, "ref": "B-001", "unit_id": "1-101"}]
    assert [(r["row"], r["ref"], r["code"], r["path"]) for r in res.rejected] == [
        (8, "B-011", "unknown_reference", "unit_id"),
        (9, "B-012", "invalid_decimal", "amount"),
        (10, "B-013", "invalid_date", "date"),
    ]
    assert res.rejected[1]["message"] == 'row 9 (ref "B-012"): amount: expected a number such as 1234.50 or 1,234.50, got "12.5O"'
    assert res.normalisations[:3] == [
        {"table": "payments", "row": 1, "id": "B-001", "column": "amount", "before": "1,200.00", "after": "1200.00"},
        {"table": "payments", "row": 1, "id": "B-001", "column": "date", "before": "2026/11/3", "after": "2026-11-03"},
        {"table": "payments", "row": 2, "id": "B-002", "column": "unit_id", "before": "\u00a01-102 ", "after": "1-102"},
    ]
    assert len(res.normalisations) == 11
    assert book.totals("2026-11-30")["collected"] == D("1619.65")

    before = book.to_json()
    again = book.apply_payments(rows)
    assert (len(again.applied), len(again.reversed), len(again.already_applied), len(again.rejected)) == (0, 0, 6, 3)
    assert book.to_json() == before


def test_the_order_of_the_rows_does_not_change_the_book() -> None:
    rows = estatekit.csv_rows("payments", BANK)
    forward, backward = october_book(), october_book()
    forward.apply_payments(rows)
    backward.apply_payments(list(reversed(rows)))
    assert forward.to_json() == backward.to_json()


def test_python_cells_are_read_as_text_and_floats_refused() -> None:
    book = october_book()
    res = book.apply_payments(
        [
            {"unit_id": "1-101", "amount": D("1200.00"), "date": dt.date(2026, 11, 3), "ref": 1001},
            {"unit_id": "1-102", "amount": 331, "date": "2026/11/4", "ref": "B-2"},
            {"unit_id": "1-103", "amount": 88.5, "date": "2026-11-05", "ref": "B-3"},
            {"unit_id": "1-101", "amount": D("-1200.00"), "date": "2026-11-09", "ref": "R-1", "reverses": 1001},
        ]
    )
    assert [a["ref"] for a in res.applied] == ["1001", "B-2"]
    assert [r["ref"] for r in res.reversed] == ["1001"]
    assert [(r["row"], r["code"], r["path"]) for r in res.rejected] == [(3, "float_cell", "amount")]


def test_charges_and_opening_balances_from_a_spreadsheet() -> None:
    book = estatekit.Receivables(estatekit.Estate.demo(), estatekit.FeeSchedule.demo())
    opening = estatekit.csv_rows(
        "opening",
        "unit_id,ref,item_code,amount,due,prepaid,date\n"
        "1-101,OLD-0716,management,331.15,2026/8/16,,\n"
        '1-102,OPEN-1-102,,,,"1,500.00",2026/10/31\n'
        '1-103,OLD-0816,management,331.15,2026/9/16,"1.00",\n',
    )
    res = book.open_balances(opening)
    assert [r["ref"] for r in res.posted] == ["OLD-0716", "OPEN-1-102"]
    assert [(r["row"], r["code"], r["path"]) for r in res.rejected] == [(3, "invalid_cell", "item_code")]
    # Aged from its original due date: 331.15 and 76 days at 0.05 % a day (12.58).
    assert book.aging("2026-10-31", by="unit").to_records()[0]["days_61_90"] == D("343.73")
    res = book.post_charges(
        [{"unit_id": "1-101", "ref": "WO-7", "item_code": "lock", "amount": "80", "issued_on": "2026/11/5", "due": "2026-11-20", "penalty": "否"}]
    )
    assert [r["ref"] for r in res.posted] == ["WO-7"]
    assert [(n["column"], n["before"], n["after"]) for n in res.normalisations] == [
        ("issued_on", "2026/11/5", "2026-11-05"),
        ("penalty", "否", "false"),
    ]


def test_an_unreadable_csv_names_its_row() -> None:
    with pytest.raises(ValidationError) as info:
        estatekit.csv_rows("payments", 'unit_id,amount\n1-101,"1,000.00\n')
    err = info.value
    assert (err.code, err.path) == ("invalid_records", "payments[row=1]")
    assert err.problems[0]["code"] == "csv"  # type: ignore[attr-defined]


def test_pooled_invoices_from_rows() -> None:
    estate, schedule = estatekit.Estate.demo(), estatekit.FeeSchedule.demo()
    by_dict = estatekit.bill_estate(estate, schedule, 2026, 10, pooled={"common_electricity": D("3943.20")})
    rows = estatekit.csv_rows("pooled", 'item_code,amount\ncommon_electricity,"3,943.20"\n')
    by_rows = estatekit.bill_estate(estate, schedule, 2026, 10, pooled=rows)
    assert [b.total for b in by_rows.bills] == [b.total for b in by_dict.bills]
    with pytest.raises(ValidationError) as info:
        estatekit.bill_estate(
            estate, schedule, 2026, 10,
            pooled=[{"item_code": "common_electricity", "amount": "3,943.2O"}, {"item_code": "common_electricity", "amount": 1.5}],
        )
    err = info.value
    assert err.code == "invalid_records"
    assert [(p["path"], p["code"]) for p in err.problems] == [  # type: ignore[attr-defined]
        ("pooled[id=common_electricity].amount", "invalid_decimal"),
        ("pooled[id=common_electricity].amount", "float_cell"),
        ("pooled[id=common_electricity].item_code", "duplicate_id"),
    ]
    with pytest.raises(ValidationError) as info:
        estatekit.bill_estate(estate, schedule, 2026, 10, pooled=5)
    assert (info.value.code, info.value.path) == ("wrong_type", "pooled")
