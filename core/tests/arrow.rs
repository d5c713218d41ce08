//! Arrow in and out (feature `arrow`): exact values, nulls, schema names and metadata,
//! the C stream interface round trip, and the format strings of Arrow's C data
//! interface specification.
#![cfg(feature = "arrow")]

use estatekit::arrow::arrow_array::cast::AsArray;
use estatekit::arrow::arrow_array::types::{Date32Type, Decimal128Type};
use estatekit::arrow::arrow_array::{Array, RecordBatch};
use estatekit::arrow::arrow_schema::ffi::FFI_ArrowSchema;
use estatekit::arrow::{self, EstateBatches};
use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, BillingRun, bill_estate};
use estatekit::fees::calc::{PenaltyPolicy, late_penalty_batch};
use estatekit::fees::schedule::FeeSchedule;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().expect("a decimal literal")
}

fn demo_run() -> BillingRun {
    let inputs = BillingInputs::default().with_pooled("common_electricity", d("100.00"));
    bill_estate(
        &Estate::demo(),
        &FeeSchedule::demo(),
        BillingPeriod::month(2026, 10).expect("October"),
        &inputs,
    )
    .expect("the demo bills")
}

fn names(b: &RecordBatch) -> Vec<String> {
    b.schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

#[test]
fn lines_are_the_records_value_for_value() {
    let run = demo_run();
    let lines = arrow::bill_lines(&run).expect("lines");
    let records = run.to_records();
    assert_eq!(lines.num_rows(), records.len());
    assert_eq!(
        names(&lines),
        [
            "unit_id",
            "period_start",
            "period_end",
            "item_code",
            "name_zh",
            "name_en",
            "amount",
            "issued_on",
            "due",
            "explanation_zh",
            "explanation_en",
            "estimated"
        ]
    );
    let amount = lines
        .column_by_name("amount")
        .expect("amount")
        .as_primitive::<Decimal128Type>();
    let due = lines
        .column_by_name("due")
        .expect("due")
        .as_primitive::<Date32Type>();
    let unit = lines.column(0).as_string::<i32>();
    let ex = lines
        .column_by_name("explanation_en")
        .expect("explanation")
        .as_string::<i32>();
    let mut sum = Decimal::ZERO;
    for (i, r) in records.iter().enumerate() {
        assert_eq!(unit.value(i), r.unit_id);
        assert_eq!(amount.value_as_string(i), r.amount.to_string());
        assert_eq!(due.value_as_date(i), Some(r.due));
        assert_eq!(ex.value(i), r.explanation_en);
        sum += Decimal::from_i128_with_scale(amount.value(i), 2);
    }
    assert_eq!(sum, run.total());
    let meta = lines.schema().metadata().clone();
    assert_eq!(meta["estatekit.table"], "bill_lines");
    assert_eq!(meta["estatekit.schema_version"], "1");
    assert_eq!(meta["estatekit.estate_id"], run.estate_id);
    assert_eq!(meta["estatekit.currency"], "CNY");
}

#[test]
fn bills_sum_to_the_run_and_pools_list_adjusted_units() {
    let run = demo_run();
    let bills = arrow::bills(&run).expect("bills");
    assert_eq!(bills.num_rows(), run.bill_count());
    let total = bills
        .column_by_name("total")
        .expect("total")
        .as_primitive::<Decimal128Type>();
    let lines = bills
        .column_by_name("lines")
        .expect("lines")
        .as_primitive::<estatekit::arrow::arrow_array::types::UInt64Type>();
    for (i, b) in run.bills().iter().enumerate() {
        assert_eq!(total.value_as_string(i), b.total.to_string());
        assert_eq!(lines.value(i), b.lines.len() as u64);
    }
    let pools = arrow::pools(&run).expect("pools");
    assert_eq!(pools.num_rows(), run.pools.len());
    let group = pools.column_by_name("group").expect("group");
    assert_eq!(
        group.null_count(),
        run.pools.iter().filter(|p| p.group.is_none()).count()
    );
    let adjusted = pools
        .column_by_name("adjusted_units")
        .expect("adjusted")
        .as_list::<i32>();
    let first: Vec<String> = adjusted
        .value(0)
        .as_string::<i32>()
        .iter()
        .map(|s| s.expect("no null unit id").to_owned())
        .collect();
    assert_eq!(first, run.adjusted_units(&run.pools[0].code));
}

/// The type format strings of the Arrow C data interface specification
/// (<https://arrow.apache.org/docs/format/CDataInterface.html>, "Data type
/// description – format strings"): `u` utf8, `tdD` date32 [days], `d:38,2`
/// decimal128 [precision 38, scale 2], `b` boolean, `L` uint64, `+l` list, `g`
/// float64.
#[test]
fn exported_schemas_use_the_specification_format_strings() {
    let run = demo_run();
    let formats = |b: &RecordBatch| -> Vec<(String, String)> {
        b.schema()
            .fields()
            .iter()
            .map(|f| {
                let ffi = FFI_ArrowSchema::try_from(f.as_ref()).expect("exportable");
                (f.name().clone(), ffi.format().to_owned())
            })
            .collect()
    };
    let lines = formats(&arrow::bill_lines(&run).expect("lines"));
    assert_eq!(lines[0], ("unit_id".into(), "u".into()));
    assert_eq!(lines[1], ("period_start".into(), "tdD".into()));
    assert_eq!(lines[6], ("amount".into(), "d:38,2".into()));
    assert_eq!(lines[11], ("estimated".into(), "b".into()));
    let bills = formats(&arrow::bills(&run).expect("bills"));
    assert_eq!(bills[4], ("lines".into(), "L".into()));
    let pools = formats(&arrow::pools(&run).expect("pools"));
    assert_eq!(pools.last().expect("a column").1, "+l");
    let c = estatekit::tickets::TicketClassifier::default();
    let cls = formats(&arrow::classifications(
        &c.classify_batch(&["电梯困人".to_string()]),
    ));
    assert_eq!(cls[6], ("confidence".into(), "g".into()));
}

#[test]
fn the_c_stream_round_trip_keeps_values_nulls_and_metadata() {
    let run = demo_run();
    for batch in [
        arrow::bill_lines(&run).expect("lines"),
        arrow::pools(&run).expect("pools"),
    ] {
        let back = arrow::import_stream("t", arrow::export_stream(batch.clone())).expect("read");
        assert_eq!(back, vec![batch]);
    }
}

#[test]
fn penalties_keep_the_batch_scale_and_wide_values() {
    let date = |s: &str| s.parse::<chrono::NaiveDate>().expect("a date");
    let items = [
        (d("1000.00"), date("2026-09-30")),
        (d("50.00"), date("2026-12-31")),
        // Too large for 32-bit minor units: kept exactly.
        (d("90000000000.00"), date("2026-09-30")),
    ];
    let policy = PenaltyPolicy::daily(d("0.0005"));
    let batch = late_penalty_batch(&items, date("2026-10-31"), &policy, &Default::default())
        .expect("penalties");
    let t = arrow::penalties(&batch).expect("arrow");
    let p = t.column(1).as_primitive::<Decimal128Type>();
    let got: Vec<String> = (0..3).map(|i| p.value_as_string(i)).collect();
    let want: Vec<String> = batch.to_vec().iter().map(Decimal::to_string).collect();
    assert_eq!(got, want);
    assert_eq!(got[0], "15.50");
    assert_eq!(got[2], "1395000000.00");
}

#[test]
fn estates_read_from_text_batches_name_their_bad_cells() {
    let s = |v: &str| Some(v.to_string());
    let units = arrow::text_batch(
        "units",
        &[
            "id",
            "building_id",
            "floor",
            "number",
            "kind",
            "gross_area",
            "status",
        ],
        &[
            vec![
                s("1-101"),
                s("B1"),
                s("1"),
                s("101"),
                s("residential"),
                s("1,089.50"),
                s("unsold"),
            ],
            vec![
                s("1-102"),
                s("B2"),
                s("1"),
                s("102"),
                s("residential"),
                s("eighty"),
                s("unsold"),
            ],
        ],
    )
    .expect("units");
    let units = [units];
    let mut b = EstateBatches::new("e1", "Test");
    b.units = &units;
    let err = arrow::import_estate(&b).expect_err("a bad area");
    let problems: Vec<(&str, &str)> = err
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.code.as_str()))
        .collect();
    assert_eq!(
        problems,
        [("units[id=1-102].gross_area", "invalid_decimal")]
    );
}

/// Every table's schema (column names, types, nullability, field and schema metadata),
/// against `core/tests/data/arrow_schemas.txt`: a renamed, retyped or dropped column
/// fails here, and must come with a new `SCHEMA_VERSION`. Regenerate with
/// `ESTATEKIT_BLESS=1 cargo test -p estatekit --features arrow --test arrow`.
#[test]
fn schemas_are_stable() {
    use estatekit::fees::receivables::{AgingRow, CollectionRow, GroupBy};
    let run = demo_run();
    let date = |s: &str| s.parse::<chrono::NaiveDate>().expect("a date");
    let batch = late_penalty_batch(
        &[(d("1.00"), date("2026-09-30"))],
        date("2026-10-31"),
        &PenaltyPolicy::daily(d("0.0005")),
        &Default::default(),
    )
    .expect("penalties");
    let aging = AgingRow {
        key: "B1".into(),
        not_due: d("1.00"),
        days_0_30: d("0.00"),
        days_31_60: d("0.00"),
        days_61_90: d("0.00"),
        days_90_plus: d("0.00"),
        total: d("1.00"),
    };
    let collection = CollectionRow {
        key: "B1".into(),
        billed: d("1.00"),
        collected: d("1.00"),
        rate: None,
        penalty_collected: d("0.00"),
    };
    let c = estatekit::tickets::TicketClassifier::default();
    let tables = [
        arrow::bill_lines(&run).expect("lines"),
        arrow::bills(&run).expect("bills"),
        arrow::pools(&run).expect("pools"),
        arrow::penalties(&batch).expect("penalties"),
        arrow::aging(&[aging], GroupBy::Building, 2).expect("aging"),
        arrow::collection(&[collection], GroupBy::Unit, 2).expect("collection"),
        arrow::reminder_items(&Default::default(), 2).expect("reminders"),
        arrow::classifications(&c.classify_batch(&["电梯困人".to_string()])),
        arrow::book_charges(&book_of(&run), 2).expect("charges"),
        arrow::book_payments(&book_of(&run), 2).expect("payments"),
    ];
    let mut out = String::new();
    for t in &tables {
        let schema = t.schema();
        let mut meta: Vec<_> = schema
            .metadata()
            .iter()
            .filter(|(k, _)| k.as_str() != "estatekit.estate_id")
            .collect();
        meta.sort();
        out.push_str(&format!("{}\n", schema.metadata()["estatekit.table"]));
        for (k, v) in meta {
            out.push_str(&format!("  @{k} = {v}\n"));
        }
        for f in schema.fields() {
            let mut fm: Vec<_> = f.metadata().iter().collect();
            fm.sort();
            out.push_str(&format!(
                "  {}: {}{}{}\n",
                f.name(),
                f.data_type(),
                if f.is_nullable() { " (nullable)" } else { "" },
                fm.iter()
                    .map(|(k, v)| format!(" {k}={v}"))
                    .collect::<String>()
            ));
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/arrow_schemas.txt");
    if std::env::var_os("ESTATEKIT_BLESS").is_some() {
        std::fs::write(path, &out).expect("write the schemas");
    }
    let want = std::fs::read_to_string(path).expect("tests/data/arrow_schemas.txt");
    assert_eq!(
        out, want,
        "an Arrow schema changed: bless it and bump SCHEMA_VERSION"
    );
}

fn book_of(run: &BillingRun) -> estatekit::fees::receivables::Receivables {
    use estatekit::fees::ledger::PaymentOrder;
    use estatekit::fees::receivables::{PaymentRow, Receivables};
    let mut book = Receivables::new(
        &Estate::demo(),
        &FeeSchedule::demo(),
        PaymentOrder::default(),
    );
    book.post(run, None, None).expect("posted");
    let paid = book.apply_payments(&[PaymentRow::new(
        "1-101",
        d("400.00"),
        "2026-11-03".parse().expect("a date"),
        "B-1",
    )]);
    assert_eq!(paid.applied.len(), 1);
    book
}

/// The book's charges and payments: every charge once, the outstanding principal the
/// book's, the overpayment in `to_prepaid`.
#[test]
fn book_charges_and_payments() {
    let run = demo_run();
    let book = book_of(&run);
    let charges = arrow::book_charges(&book, 2).expect("charges");
    let n: usize = book.accounts().map(|l| l.charges().len()).sum();
    assert_eq!(charges.num_rows(), n);
    let out = charges
        .column_by_name("principal_outstanding")
        .expect("outstanding")
        .as_primitive::<Decimal128Type>();
    let principal = charges
        .column_by_name("principal")
        .expect("principal")
        .as_primitive::<Decimal128Type>();
    let billed: i128 = (0..n).map(|i| principal.value(i)).sum();
    let owed: i128 = (0..n).map(|i| out.value(i)).sum();
    assert_eq!(Decimal::from_i128_with_scale(billed, 2), run.total());
    let payments = arrow::book_payments(&book, 2).expect("payments");
    assert_eq!(payments.num_rows(), 1);
    let prepaid = payments
        .column_by_name("to_prepaid")
        .expect("to_prepaid")
        .as_primitive::<Decimal128Type>()
        .value_as_string(0);
    let applied = d("400.00") - prepaid.parse::<Decimal>().expect("a decimal");
    assert_eq!(Decimal::from_i128_with_scale(billed - owed, 2), applied);
    assert_eq!(
        payments
            .column_by_name("reversed_on")
            .expect("reversed")
            .null_count(),
        1
    );
}
