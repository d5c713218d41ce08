//! Issue 20, real tariffs in the fee schedule: a given pooled amount split by the
//! participants' own meters, status changes within a period, and the schedule's
//! format versions. Every amount is computed by hand in a comment.
#![allow(clippy::unwrap_used)]

use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::i18n::Lang;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Three occupied flats with their own electricity meters read on Sep 30 and Oct 31
/// (A: 1000 → 1120, B: 500 → 580, C: 200 → `c_october`), and a master meter.
fn metered_estate(c_october: &str) -> Estate {
    let unit = |id: &str, area: &str| {
        format!(
            r#"{{"id": "{id}", "building_id": "B", "floor": 1, "number": "{id}", "kind": "residential",
               "gross_area": "{area}", "occupants": 1, "status": "occupied",
               "delivered_on": "2024-01-01", "status_since": "2024-01-01"}}"#
        )
    };
    let meter = |id: &str, unit: &str, sep: &str, oct: &str| {
        format!(
            r#"{{"id": "{id}", "unit_id": "{unit}", "kind": "electricity",
               "readings": [{{"date": "2026-09-30", "value": "{sep}"}}, {{"date": "2026-10-31", "value": "{oct}"}}]}}"#
        )
    };
    Estate::from_json(&format!(
        r#"{{"id": "e", "name": "E", "currency": "CNY", "buildings": [{{"id": "B", "name": "B"}}],
            "units": [{}, {}, {}],
            "meters": [{}, {}, {},
              {{"id": "M", "kind": "electricity",
                "readings": [{{"date": "2026-09-30", "value": "0"}}, {{"date": "2026-10-31", "value": "400"}}]}}]}}"#,
        unit("A", "100.00"),
        unit("B", "80.00"),
        unit("C", "60.00"),
        meter("E-A", "A", "1000", "1120"),
        meter("E-B", "B", "500", "580"),
        meter("E-C", "C", "200", c_october),
    ))
    .unwrap()
}

fn pooled_schedule(pooled: &str) -> String {
    format!(
        r#"{{"format_version": 3, "items": [
          {{"code": "lift", "name_zh": "公共电费", "name_en": "Common power",
            "rule": {{"pooled": {pooled}}}, "effective_from": "2020-01-01"}}]}}"#
    )
}

fn amounts(estate: &Estate, schedule: &FeeSchedule, amount: &str) -> Vec<String> {
    let inputs = BillingInputs::default().with_pooled("lift", dec(amount));
    let run = bill_estate(
        estate,
        schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    run.bills()
        .iter()
        .flat_map(|b| b.lines.iter().map(|l| l.amount.to_string()))
        .collect()
}

/// Point 1 (the bug). A utility's invoice for common power (a `given` amount) split by
/// usage: each flat's usage is its own electricity meter's consumption in October, as
/// it is with a master meter. Method (submetered allocation of a master bill: each
/// tenant pays in proportion to what its own submeter records), as described on
/// legalclarity.org, "Utility Cost Allocation: Methods, Billing, and Tenant Rights".
///
/// Usage: A 1120 − 1000 = 120, B 580 − 500 = 80, C 240 − 200 = 40; total 240 kWh.
/// 500.00 × 120/240 = 250.00; × 80/240 = 166.666…; × 40/240 = 83.333…: floored
/// 250.00 + 166.66 + 83.33 = 499.99, and the one cent left goes to the largest
/// remainder (B's 0.666…): 250.00, 166.67, 83.33, exactly 500.00.
#[test]
fn a_given_amount_split_by_usage_reads_the_units_meters() {
    let schedule = FeeSchedule::from_json(&pooled_schedule(
        r#"{"source": "given", "method": "usage", "meter_kind": "electricity"}"#,
    ))
    .unwrap();
    let estate = metered_estate("240");
    assert_eq!(
        amounts(&estate, &schedule, "500.00"),
        ["250.00", "166.67", "83.33"]
    );
    let inputs = BillingInputs::default().with_pooled("lift", dec("500.00"));
    let run = bill_estate(
        &estate,
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    assert_eq!(
        run.bill("B").unwrap().lines[0].explain(Lang::En),
        "pool 500.00 split by usage among 3 units: 80 / 240 × 500.00 incl. rounding adjustment 0.01 = 166.67"
    );
    // The same with a hybrid half by area, half by usage:
    // A 0.5 × 100/240 + 0.5 × 120/240 = 0.458333…; B 0.5 × 80/240 + 0.5 × 80/240 =
    // 0.333333…; C 0.5 × 60/240 + 0.5 × 40/240 = 0.208333… (12 places).
    // 600.00 × 0.458333333333 = 274.9999… → 275.00; × 0.333333333333 → 200.00;
    // × 0.208333333333 → 125.00; sum 600.00.
    let hybrid = FeeSchedule::from_json(&pooled_schedule(
        r#"{"source": "given", "method": {"hybrid": [{"basis": "area", "weight": "0.5"},
            {"basis": "usage", "weight": "0.5"}]}, "meter_kind": "electricity"}"#,
    ))
    .unwrap();
    assert_eq!(
        amounts(&estate, &hybrid, "600.00"),
        ["275.00", "200.00", "125.00"]
    );
}

/// When every participant consumed nothing, the error says so and names the method,
/// not `participants`.
#[test]
fn a_usage_split_with_no_consumption_names_the_cause() {
    let schedule = FeeSchedule::from_json(&pooled_schedule(
        r#"{"source": "given", "method": "usage", "meter_kind": "water"}"#,
    ))
    .unwrap();
    // No unit has a water meter: nothing consumed.
    let inputs = BillingInputs::default().with_pooled("lift", dec("500.00"));
    let e = bill_estate(
        &metered_estate("240"),
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("all_zero_weights", "pooled[lift].method")
    );
    assert_eq!(
        e.to_string(),
        "pooled[lift].method: all 3 participants weigh zero: no participant's water meter \
         recorded any consumption from 2026-10-01 to 2026-10-31, so a usage split has nothing to weigh"
    );
    // A hybrid whose usage basis has no consumption names its weight.
    let hybrid = FeeSchedule::from_json(&pooled_schedule(
        r#"{"source": "given", "method": {"hybrid": [{"basis": "area", "weight": "0.5"},
            {"basis": "usage", "weight": "0.5"}]}, "meter_kind": "water"}"#,
    ))
    .unwrap();
    let e = bill_estate(
        &metered_estate("240"),
        &hybrid,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("invalid", "pooled[lift].method.weights[1].basis")
    );
    assert_eq!(
        e.to_string(),
        "pooled[lift].method.weights[1].basis: every unit has zero usage, so it cannot carry weight 0.5"
    );
}

/// A given amount split by usage must say which meters weigh the units; a master
/// meter's pool must not (its kind is the master meter's). Typed errors naming the field.
#[test]
fn meter_kind_is_required_with_given_usage_and_refused_with_a_master_meter() {
    let err = |pooled: &str| {
        let e = FeeSchedule::from_json(&pooled_schedule(pooled)).unwrap_err();
        (e.code(), e.path().to_owned(), e.to_string())
    };
    assert_eq!(
        err(r#"{"source": "given", "method": "usage"}"#),
        (
            "invalid",
            "items[0].rule.pooled.meter_kind".to_owned(),
            "items[0].rule.pooled.meter_kind: a given amount split by usage needs the kind of the \
             units' meters whose consumption weighs them (e.g. \"meter_kind\": \"electricity\")"
                .to_owned()
        )
    );
    assert_eq!(
        err(
            r#"{"source": "given", "method": {"hybrid": [{"basis": "usage", "weight": "0.2"},
               {"basis": "equal", "weight": "0.8"}]}}"#
        )
        .1,
        "items[0].rule.pooled.meter_kind"
    );
    assert_eq!(
        err(
            r#"{"source": {"master_meter": {"meter_id": "M", "price": "1.00"}}, "method": "usage",
               "meter_kind": "electricity"}"#
        ),
        (
            "invalid",
            "items[0].rule.pooled.meter_kind".to_owned(),
            "items[0].rule.pooled.meter_kind: a master-meter pool weighs usage on its master \
             meter's kind; remove meter_kind (electricity)"
                .to_owned()
        )
    );
    // Not needed by a method that does not weigh usage.
    assert!(
        FeeSchedule::from_json(&pooled_schedule(r#"{"source": "given", "method": "area"}"#))
            .is_ok()
    );
}

/// Version-1 and version-2 documents load unchanged and are written as version 2; a
/// schedule using a version-3 field is written as version 3 and reads back equal.
#[test]
fn schedule_versions_load_and_write_the_lowest_version_that_holds_them() {
    let v1 = r#"{"format_version": 1, "items": [{"code": "g", "name_zh": "垃圾费", "name_en": "Garbage",
        "rule": {"pooled": {"source": "given", "method": "area"}}, "due_day": 20, "effective_from": "2026-01-01"}]}"#;
    let s1 = FeeSchedule::from_json(v1).unwrap();
    assert!(s1.to_json().contains("\"format_version\": 2"));
    let v2 = v1
        .replace("\"format_version\": 1", "\"format_version\": 2")
        .replace("\"due_day\": 20", "\"due\": {\"day_of_month\": 20}");
    assert_eq!(FeeSchedule::from_json(&v2).unwrap(), s1);
    let v3 = FeeSchedule::from_json(&pooled_schedule(
        r#"{"source": "given", "method": "usage", "meter_kind": "electricity"}"#,
    ))
    .unwrap();
    let json = v3.to_json();
    assert!(json.contains("\"format_version\": 3"), "{json}");
    assert!(json.contains("\"meter_kind\": \"electricity\""), "{json}");
    assert_eq!(FeeSchedule::from_json(&json).unwrap(), v3);
    let e = FeeSchedule::from_json(&v2.replace("\"format_version\": 2", "\"format_version\": 4"))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "format_version: format version 4 is not supported (expected 1 to 3)"
    );
}
