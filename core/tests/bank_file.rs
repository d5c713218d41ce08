//! A bank file as it arrives: a CSV export with thousands separators, slash dates,
//! stray spaces, a duplicated line, a reversal listed before the payment it takes
//! back, an unknown unit and a mistyped amount. Every good row is applied once,
//! every bad row is named, and the file applied again (or in another order) leaves
//! the book exactly as it was.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::ledger::PaymentOrder;
use estatekit::fees::receivables::Receivables;
use estatekit::fees::schedule::FeeSchedule;
use estatekit::records::csv_rows;
use estatekit::tables::Row;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

/// The demo estate's October bills posted to a new book.
fn october_book() -> Receivables {
    let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
    let inputs =
        BillingInputs::default().with_pooled("common_electricity", "1000.00".parse().unwrap());
    let run = bill_estate(
        &estate,
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
    book.post(&run, None, None).unwrap();
    book
}

/// Rows 1–10 of a cashier's export. Row 5 repeats row 1; row 4 reverses row 7 (a
/// bounced transfer, listed first); row 6 is blank; row 8 is for a unit the estate
/// does not have; row 9 has the letter O for a zero; row 10 has a column name typo
/// in a cell the header does not have (an extra field is a CSV error, so it is
/// simply a 4-field row here with a bad date).
const BANK: &str = "\u{feff}unit_id,amount,date,ref,reverses\r\n\
1-101,\"1,200.00\",2026/11/3,B-001,\r\n\
\u{a0}1-102 ,331.15,2026-11-04,B-002,\r\n\
1-103,88.5,2026/11/5,B-003,\r\n\
1-201,-2000.00,2026/11/20,R-001,B-010\r\n\
1-101,\"1,200.00\",2026/11/3,B-001,\r\n\
,,,,\r\n\
1-201,\"2,000.00\",2026/11/6,B-010,\r\n\
9-999,100.00,2026/11/6,B-011,\r\n\
1-202,12.5O,2026/11/6,B-012,\r\n\
1-203,100.00,2026.11.06,B-013,\r\n";

#[test]
fn a_noisy_bank_file_applies_each_good_row_once_and_names_each_bad_one() {
    let mut book = october_book();
    let rows = csv_rows("payments", BANK).unwrap();
    assert_eq!(rows.len(), 10);
    let res = book.apply_payment_records(&rows, &[]);

    let applied: Vec<(usize, &str, String)> = res
        .applied
        .iter()
        .map(|a| (a.row, a.payment.id.as_str(), a.payment.amount.to_string()))
        .collect();
    assert_eq!(
        applied,
        [
            (1, "B-001", "1200.00".to_string()),
            (2, "B-002", "331.15".to_string()),
            (3, "B-003", "88.50".to_string()),
            (7, "B-010", "2000.00".to_string()),
        ]
    );
    assert_eq!(res.reversed.len(), 1);
    let r = &res.reversed[0];
    assert_eq!(
        (r.row, r.unit_id.as_str(), r.payment.id.as_str()),
        (4, "1-201", "B-010")
    );
    let reversal = r.payment.reversed.as_ref().unwrap();
    assert_eq!(
        (reversal.on, reversal.reason.as_str()),
        (d("2026-11-20"), "bank reversal R-001")
    );
    let dup: Vec<(usize, &str)> = res
        .already_applied
        .iter()
        .map(|a| (a.row, a.reference.as_str()))
        .collect();
    assert_eq!(dup, [(5, "B-001")]);
    let rejected: Vec<(usize, Option<&str>, &str, &str)> = res
        .rejected
        .iter()
        .map(|r| (r.row, r.reference.as_deref(), r.code(), r.path()))
        .collect();
    assert_eq!(
        rejected,
        [
            (8, Some("B-011"), "unknown_reference", "unit_id"),
            (9, Some("B-012"), "invalid_decimal", "amount"),
            (10, Some("B-013"), "invalid_date", "date"),
        ]
    );
    assert_eq!(
        res.rejected[1].error.to_string(),
        "amount: expected a number such as 1234.50 or 1,234.50, got \"12.5O\""
    );
    assert_eq!(
        res.rejected[2].error.to_string(),
        "date: expected a date as YYYY-MM-DD or YYYY/MM/DD, got \"2026.11.06\""
    );
    let norms: Vec<String> = res.normalisations.iter().map(ToString::to_string).collect();
    assert_eq!(
        norms,
        [
            "payments[id=B-001].amount (row 1): \"1,200.00\" → \"1200.00\"",
            "payments[id=B-001].date (row 1): \"2026/11/3\" → \"2026-11-03\"",
            "payments[id=B-002].unit_id (row 2): \"\\u{a0}1-102 \" → \"1-102\"",
            "payments[id=B-003].date (row 3): \"2026/11/5\" → \"2026-11-05\"",
            "payments[id=R-001].date (row 4): \"2026/11/20\" → \"2026-11-20\"",
            "payments[id=B-001].amount (row 5): \"1,200.00\" → \"1200.00\"",
            "payments[id=B-001].date (row 5): \"2026/11/3\" → \"2026-11-03\"",
            "payments[id=B-010].amount (row 7): \"2,000.00\" → \"2000.00\"",
            "payments[id=B-010].date (row 7): \"2026/11/6\" → \"2026-11-06\"",
            "payments[id=B-011].date (row 8): \"2026/11/6\" → \"2026-11-06\"",
            "payments[id=B-012].date (row 9): \"2026/11/6\" → \"2026-11-06\"",
        ]
    );
    // Collected: the three payments that stand; the reversed one counts as never made.
    let totals = book.totals(d("2026-11-30")).unwrap();
    assert_eq!(totals.collected.to_string(), "1619.65");

    // The same file again: nothing is done twice.
    let before = book.to_json();
    let again = book.apply_payment_records(&rows, &[]);
    assert_eq!(
        (
            again.applied.len(),
            again.reversed.len(),
            again.already_applied.len(),
            again.rejected.len()
        ),
        (0, 0, 6, 3)
    );
    assert_eq!(book.to_json(), before);
}

#[test]
fn the_order_of_the_rows_does_not_change_the_book() {
    let rows = csv_rows("payments", BANK).unwrap();
    let mut forward = october_book();
    forward.apply_payment_records(&rows, &[]);
    let mut reversed_order = october_book();
    let backwards: Vec<Row> = rows.iter().rev().cloned().collect();
    let res = reversed_order.apply_payment_records(&backwards, &[]);
    assert_eq!((res.applied.len(), res.reversed.len()), (4, 1));
    assert_eq!(
        forward.totals(d("2026-11-30")).unwrap(),
        reversed_order.totals(d("2026-11-30")).unwrap()
    );
    assert_eq!(forward.to_json(), reversed_order.to_json());
}

/// Row numbers are the file's line numbers less the header, also after an empty line.
#[test]
fn row_numbers_count_empty_lines() {
    let mut book = october_book();
    let rows = csv_rows(
        "payments",
        "\n\nunit_id,amount,date,ref\n1-101,10.00,2026-11-03,B-1\n\n\n1-101,1O.00,2026-11-03,B-2\n",
    )
    .unwrap();
    assert_eq!(rows.len(), 4);
    let res = book.apply_payment_records(&rows, &[]);
    assert_eq!((res.applied[0].row, res.rejected[0].row), (1, 4));
}

#[test]
fn a_reversal_must_match_its_payment() {
    let mut book = october_book();
    let rows = csv_rows(
        "payments",
        "unit_id,amount,date,ref,reverses\n\
         1-101,500.00,2026-11-03,B-1,\n\
         1-101,-400.00,2026-11-09,R-1,B-1\n\
         1-102,-500.00,2026-11-09,R-2,B-1\n\
         1-101,-500.00,2026-11-09,R-3,B-404\n\
         1-101,-500.00,2026-11-09,R-4,B-1\n\
         1-101,-500.00,2026-11-10,R-5,B-1\n\
         1-101,80.00,2026-11-03,B-2,\n\
         1-101,-80.00,2026-11-01,R-6,B-2\n",
    )
    .unwrap();
    let res = book.apply_payment_records(&rows, &[]);
    assert_eq!(res.reversed.iter().map(|r| r.row).collect::<Vec<_>>(), [5]);
    let rejected: Vec<(usize, &str, &str)> = res
        .rejected
        .iter()
        .map(|r| (r.row, r.code(), r.path()))
        .collect();
    assert_eq!(
        rejected,
        [
            (2, "mismatch", "amount"),
            (3, "mismatch", "unit_id"),
            (4, "unknown_reference", "reverses"),
            (6, "already_reversed", "reverses"),
            (8, "ends_before_starts", "date"),
        ]
    );
    assert_eq!(
        res.rejected[0].error.to_string(),
        "amount: a reversal takes back the whole payment: expected -500.00 for \"B-1\", got -400.00"
    );
}

/// The examples of RFC 4180 section 2 (the CSV format's published definition):
/// fields in quotes, a line break and a doubled quote inside a quoted field.
#[test]
fn csv_reads_the_rfc_4180_examples() {
    let rows = csv_rows(
        "t",
        "field_name,field_name2,field_name3\r\naaa,bbb,ccc\r\nzzz,yyy,xxx\r\n",
    )
    .unwrap();
    assert_eq!(rows[1]["field_name2"], "yyy");
    let rows = csv_rows("t", "a,b,c\r\n\"aaa\",\"b\r\nbb\",\"ccc\"\r\n").unwrap();
    assert_eq!(rows[0]["b"], "b\r\nbb");
    let rows = csv_rows("t", "a,b,c\r\n\"aaa\",\"b\"\"bb\",\"ccc\"").unwrap();
    assert_eq!(rows[0]["b"], "b\"bb");
}

#[test]
fn charges_and_opening_balances_from_a_spreadsheet() {
    let mut book = Receivables::new(
        &Estate::demo(),
        &FeeSchedule::demo(),
        PaymentOrder::PenaltyFirst,
    );
    let opening = csv_rows(
        "opening",
        "unit_id,ref,item_code,amount,due,prepaid,date\n\
         1-101,OLD-0716,management,331.15,2026/8/16,,\n\
         1-102,OPEN-1-102,,,,\"1,500.00\",2026/10/31\n\
         1-103,OLD-0816,management,331.15,2026/9/16,\"1.00\",\n",
    )
    .unwrap();
    let res = book.open_balance_records(&opening, &[]);
    let posted: Vec<&str> = res.posted.iter().map(|r| r.reference.as_str()).collect();
    assert_eq!(posted, ["OLD-0716", "OPEN-1-102"]);
    let bad = &res.rejected[0];
    assert_eq!(
        (bad.row, bad.code(), bad.path()),
        (3, "invalid_cell", "item_code")
    );
    assert_eq!(
        book.aging("1-101", d("2026-10-31"))
            .unwrap()
            .days_61_90
            .to_string(),
        "331.15"
    );

    let charges = csv_rows(
        "charges",
        "unit_id,ref,item_code,amount,issued_on,due,penalty,colour\n\
         1-101,WO-7,lock,80,2026/11/5,2026-11-20,否,\n",
    )
    .unwrap();
    let res = book.post_charge_records(&charges, &[]);
    let bad = &res.rejected[0];
    assert_eq!(
        (bad.row, bad.code(), bad.path()),
        (1, "unknown_column", "colour")
    );
    let fixed: Vec<Row> = charges
        .into_iter()
        .map(|mut r| {
            r.remove("colour");
            r
        })
        .collect();
    let res = book.post_charge_records(&fixed, &[]);
    assert_eq!(res.posted[0].reference, "WO-7");
    let norms: Vec<String> = res.normalisations.iter().map(ToString::to_string).collect();
    assert_eq!(
        norms,
        [
            "charges[id=WO-7].issued_on (row 1): \"2026/11/5\" → \"2026-11-05\"",
            "charges[id=WO-7].penalty (row 1): \"否\" → \"false\"",
        ]
    );
}

#[test]
fn row_imports_past_the_row_limit_are_refused_before_they_are_held() {
    use estatekit::tables::MAX_ROWS;
    // One row too many, as JSON: refused whole, nothing applied.
    let text = format!("[{}{{}}]", "{},".repeat(MAX_ROWS));
    let mut book = Receivables::new(
        &Estate::demo(),
        &FeeSchedule::demo(),
        PaymentOrder::default(),
    );
    let before = book.to_json();
    let e = book.apply_payments_json(&text).expect_err("too many rows");
    assert_eq!((e.code(), e.path()), ("too_many", "$"));
    assert_eq!(
        e.to_string(),
        "$: more than 1000000 rows in one import: split the file (rows already imported \
         are recognised when imported again)"
    );
    assert_eq!(book.to_json(), before);
    // As CSV: the header and one row too many.
    let csv = format!("ref\n{}", "R\n".repeat(MAX_ROWS + 1));
    let e = estatekit::records::csv_rows("payments", &csv).expect_err("too many rows");
    assert_eq!(
        (
            e.problems[0].code.as_str(),
            e.problems[0].row,
            e.problems[0].path.as_str()
        ),
        ("csv", MAX_ROWS + 1, "payments[row=1000001]")
    );
    // At the limit the file reads.
    let csv = format!("ref\n{}", "R\n".repeat(MAX_ROWS));
    assert_eq!(
        estatekit::records::csv_rows("payments", &csv)
            .expect("reads")
            .len(),
        MAX_ROWS
    );
}
