//! `BillingRun::to_json` / `from_json`: a run read back is the run, every view of it;
//! a document that contradicts itself is refused naming the field.

use estatekit::estate::Estate;
use estatekit::fees::billing::{
    BillingInputs, BillingPeriod, BillingRun, PooledAmount, ReadingInput, bill_estate,
};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::i18n::Lang;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn october() -> BillingRun {
    let inputs = BillingInputs::default().with_pooled("common_electricity", dec("3943.20"));
    bill_estate(
        &Estate::demo(),
        &FeeSchedule::demo(),
        BillingPeriod::month(2026, 10).expect("month"),
        &inputs,
    )
    .expect("run")
}

/// November of the demo estate, not strict, estimating: the water pool and some
/// units are set aside, three bad reading rows are exceptions, readings estimated.
fn november() -> BillingRun {
    let mut inputs = BillingInputs::default().with_pooled("common_electricity", dec("100"));
    for (meter, value) in [("E-1-101", "5"), ("NOPE", "1"), ("E-1-102", "-1")] {
        inputs.readings.push(ReadingInput {
            meter_id: meter.into(),
            date: "2026-11-30".parse().expect("date"),
            value: dec(value),
        });
    }
    inputs.estimate = Some(3);
    bill_estate(
        &Estate::demo(),
        &FeeSchedule::demo(),
        BillingPeriod::month(2026, 11).expect("month"),
        &inputs,
    )
    .expect("run")
}

fn assert_same(back: &BillingRun, run: &BillingRun) {
    assert_eq!(back.to_json(), run.to_json());
    assert_eq!(back.bills(), run.bills());
    assert_eq!(back.to_records(), run.to_records());
    assert_eq!(back.total().to_string(), run.total().to_string());
    assert_eq!(back.pools, run.pools);
    assert_eq!(back.exceptions, run.exceptions);
    assert_eq!(back.estimated_readings, run.estimated_readings);
    assert_eq!(
        back.unit_ids().collect::<Vec<_>>(),
        run.unit_ids().collect::<Vec<_>>()
    );
    for p in &run.pools {
        assert_eq!(back.adjusted_units(&p.code), run.adjusted_units(&p.code));
    }
    for id in run.unit_ids() {
        let (a, b) = (
            back.bill(id).expect("billed"),
            run.bill(id).expect("billed"),
        );
        assert_eq!(a.explain(Lang::ZhCn), b.explain(Lang::ZhCn));
        assert_eq!(a.explain(Lang::En), b.explain(Lang::En));
    }
    assert!(back.bill("nobody").is_none());
    assert_eq!(back, run);
    assert_eq!(run, back);
    // Read back again: the same.
    assert_eq!(BillingRun::from_json(&back.to_json()).expect("again"), *run);
}

#[test]
fn the_demo_run_round_trips() {
    let run = october();
    let back = BillingRun::from_json(&run.to_json()).expect("read back");
    assert_same(&back, &run);
    assert_eq!(back.bill_count(), 34);
    assert_eq!(back.total(), dec("23700.52"));
    assert_eq!(
        back.adjusted_units("common_electricity").len(),
        run.pools[0].adjusted_count
    );
    assert_eq!(
        back.bill("1-101").expect("billed").lines[0].explain(Lang::En),
        "89.50 m² × 3.70/m²/month × 1 month = 331.15"
    );
    // A clean run writes no exceptions: the document is as before.
    assert!(!run.to_json().contains("exceptions"));
}

#[test]
fn a_run_with_exceptions_and_estimates_round_trips() {
    let run = november();
    let codes: Vec<&str> = run.exceptions.iter().map(|e| e.code()).collect();
    assert_eq!(
        codes,
        [
            "unknown_reference",
            "negative",
            "missing_reading",
            "reading_below_previous"
        ]
    );
    assert!(!run.estimated_readings.is_empty());
    assert!(run.to_records().iter().any(|r| r.estimated));
    let back = BillingRun::from_json(&run.to_json()).expect("read back");
    assert_same(&back, &run);
    let e = &back.exceptions[0];
    assert_eq!(
        (
            e.unit_id.as_deref(),
            e.meter_id.as_deref(),
            e.error.path(),
            e.message()
        ),
        (
            None,
            Some("NOPE"),
            "readings[1].meter_id",
            "readings[1].meter_id: unknown meter \"NOPE\"".to_owned()
        )
    );
}

#[test]
fn runs_differ_by_content() {
    let run = october();
    let other = bill_estate(
        &Estate::demo(),
        &FeeSchedule::demo(),
        BillingPeriod::month(2026, 10).expect("month"),
        &BillingInputs::default().with_pooled("common_electricity", dec("3943.21")),
    )
    .expect("run");
    assert_ne!(run, other);
    assert_ne!(BillingRun::from_json(&run.to_json()).expect("back"), other);
    assert_ne!(run, november());
}

fn refused(what: &str, text: &str) -> (String, String) {
    match BillingRun::from_json(text) {
        Ok(_) => panic!("{what}: accepted"),
        Err(e) => (e.code().to_owned(), e.path().to_owned()),
    }
}

fn edited(run: &BillingRun, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(&run.to_json()).expect("json");
    edit(&mut doc);
    doc.to_string()
}

#[test]
fn tampered_documents_are_refused() {
    let run = october();
    let s = |x: &str| serde_json::Value::String(x.into());
    let cases: Vec<(&str, String, (&str, &str))> = vec![
        (
            "a line amount changed",
            edited(&run, |d| d["bills"][0]["lines"][0]["amount"] = s("301.15")),
            ("inconsistent_document", "bills[0].total"),
        ),
        (
            "a bill total changed",
            edited(&run, |d| d["bills"][2]["total"] = s("1.00")),
            ("inconsistent_document", "bills[2].total"),
        ),
        (
            "an amount at another scale",
            edited(&run, |d| d["bills"][1]["lines"][0]["amount"] = s("60.000")),
            ("mismatch", "bills[1].lines[0].amount"),
        ),
        (
            "a pooled share moved to another bill",
            edited(&run, |d| {
                // 1-101's share of the first pool dropped, its total kept right.
                let code = d["pools"][0]["code"].clone();
                let bill = &mut d["bills"][0];
                let last = bill["lines"]
                    .as_array()
                    .expect("lines")
                    .iter()
                    .position(|l| l["item_code"] == code)
                    .expect("a share");
                let share = dec(bill["lines"][last]["amount"].as_str().expect("amount"));
                let total = dec(bill["total"].as_str().expect("total"));
                bill["lines"][last]["amount"] = s("0.00");
                bill["total"] = s(&(total - share).to_string());
            }),
            ("inconsistent_document", "pools[0].shares_total"),
        ),
        (
            "a unit billed twice",
            edited(&run, |d| d["bills"][1]["unit_id"] = s("1-101")),
            ("duplicate_id", "bills[1].unit_id"),
        ),
        (
            "an empty unit id",
            edited(&run, |d| d["bills"][3]["unit_id"] = s(" ")),
            ("empty_field", "bills[3].unit_id"),
        ),
        (
            "a bill of another period",
            edited(&run, |d| d["bills"][0]["period"]["end"] = s("2026-10-30")),
            ("inconsistent_document", "bills[0].period"),
        ),
        (
            "a bill issued another day",
            edited(&run, |d| d["bills"][0]["issued_on"] = s("2026-11-02")),
            ("inconsistent_document", "bills[0].issued_on"),
        ),
        (
            "not a currency",
            edited(&run, |d| d["currency"] = s("yuan")),
            ("invalid_currency", "currency"),
        ),
        (
            "an unknown field",
            edited(&run, |d| d["bills"][0]["lines"][0]["discount"] = s("1")),
            ("json", "bills[0].lines[0].discount"),
        ),
        (
            "an unknown explanation field",
            edited(&run, |d| {
                d["bills"][0]["lines"][0]["explanation"]["bonus"] = s("1")
            }),
            ("json", "bills[0].lines[0].explanation"),
        ),
        (
            "a float amount",
            edited(&run, |d| {
                d["bills"][0]["lines"][0]["amount"] = serde_json::json!(331.15)
            }),
            ("json", "bills[0].lines[0].amount"),
        ),
        (
            "a line marked estimated",
            edited(&run, |d| {
                d["bills"][0]["lines"][0]["estimated"] = serde_json::json!(true)
            }),
            ("inconsistent_document", "bills[0].lines[0].estimated"),
        ),
        (
            "an adjusted unit without the pool",
            edited(&run, |d| {
                d["pools"][0]["adjusted_units"] = serde_json::json!(["nobody"])
            }),
            ("inconsistent_document", "pools[0].adjusted_units"),
        ),
        (
            "an adjusted unit replaced",
            edited(&run, |d| d["pools"][0]["adjusted_units"][0] = s("P-04")),
            ("inconsistent_document", "pools[0].adjusted_units[0]"),
        ),
        (
            "an adjusted unit left out",
            edited(&run, |d| {
                d["pools"][0]["adjusted_units"] = serde_json::json!([])
            }),
            ("inconsistent_document", "pools[0].adjusted_units"),
        ),
        (
            "a bill without lines",
            edited(&run, |d| {
                d["bills"][0]["lines"] = serde_json::json!([]);
                d["bills"][0]["total"] = s("0.00");
            }),
            ("missing_value", "bills[0].lines"),
        ),
        (
            "the period backwards",
            edited(&run, |d| d["period"]["end"] = s("2026-09-30")),
            ("ends_before_starts", "period.end"),
        ),
        ("no bills", "{}".to_owned(), ("json", "estate_id")),
        (
            "two documents",
            format!("{} {{}}", run.to_json()),
            ("json", "$"),
        ),
    ];
    for (what, text, (code, path)) in cases {
        assert_eq!(
            refused(what, &text),
            (code.to_owned(), path.to_owned()),
            "{what}"
        );
    }
    let nov = november();
    let cases: Vec<(&str, String, (&str, &str))> = vec![
        (
            "an exception's message edited",
            edited(&nov, |d| d["exceptions"][0]["error"]["message"] = s("fine")),
            ("inconsistent_document", "exceptions[0].error.message"),
        ),
        (
            "an exception of another kind",
            edited(&nov, |d| {
                d["exceptions"][0]["error"]["code"] = s("duplicate_ref")
            }),
            ("unknown_value", "exceptions[0].error.code"),
        ),
        (
            "an exception without its field",
            edited(&nov, |d| {
                d["exceptions"][2]["error"]
                    .as_object_mut()
                    .expect("object")
                    .remove("when");
            }),
            ("json", "exceptions[2].error.when"),
        ),
        (
            "an exception with a stray field",
            edited(&nov, |d| d["exceptions"][1]["error"]["when"] = s("today")),
            ("inconsistent_document", "exceptions[1].error.when"),
        ),
    ];
    for (what, text, (code, path)) in cases {
        assert_eq!(
            refused(what, &text),
            (code.to_owned(), path.to_owned()),
            "{what}"
        );
    }
    let _ = PooledAmount {
        code: String::new(),
        group: None,
        amount: Decimal::ZERO,
    };
}
