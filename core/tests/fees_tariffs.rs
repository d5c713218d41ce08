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
        "pool 500.00 split by usage among 3 units: 80 / 240 × 500.00 incl. rounding adjustment 0.01 (leftover minor units go to the largest remainders; equal remainders to the earlier unit in estate order) = 166.67"
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
        ("all_zero_weights", "pooled[lift].method.weights[1].basis")
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
            "missing_value",
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
            "conflicting_fields",
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

/// One flat of 89.50 m², occupied since 2024-01-01 and, from `vacant_from`, delivered
/// (vacant), recorded in the estate's `status_history`.
fn moved_out_estate(vacant_from: &str) -> Estate {
    Estate::from_json(&format!(
        r#"{{"id": "e", "name": "E", "currency": "CNY", "buildings": [{{"id": "B", "name": "B"}}],
            "units": [{{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
              "gross_area": "89.50", "status": "delivered", "delivered_on": "2024-01-01",
              "status_since": "{vacant_from}"}}],
            "status_history": [{{"unit_id": "A", "status": "occupied", "since": "2024-01-01"}}]}}"#
    ))
    .unwrap()
}

fn management_schedule() -> FeeSchedule {
    FeeSchedule::from_json(
        r#"{"format_version": 2, "items": [
          {"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
           "rule": {"area": {"rate": "3.70"}},
           "status_factors": [{"status": "delivered", "factor": "0.7"}],
           "effective_from": "2020-01-01"},
          {"code": "parking", "name_zh": "车位费", "name_en": "Parking",
           "rule": {"fixed": {"amount": "60.00"}},
           "status_factors": [{"status": "delivered", "factor": "0.5"}],
           "effective_from": "2020-01-01"}]}"#,
    )
    .unwrap()
}

fn october(estate: &Estate, schedule: &FeeSchedule) -> estatekit::fees::billing::Bill {
    let run = bill_estate(
        estate,
        schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &BillingInputs::default(),
    )
    .unwrap();
    run.bill("A").unwrap()
}

/// Point 2. A flat occupied until October 15 and vacant from the 16th: the vacancy
/// factor (70 %) applies to the 16 vacant days only, and the explanation shows both
/// parts.
///
/// Area: 89.50 × 3.70 × 1 = 331.15 a month; × (15 × 100 % + 16 × 70 %) / 31
/// = 331.15 × 26.2 / 31 = 8676.13 / 31 = 279.8751… → 279.88
/// (the whole month at 70 % would be 231.81, at 100 % 331.15).
/// Fixed: 60.00 × (15 × 1 + 16 × 0.5) / 31 = 60.00 × 23 / 31 = 1380 / 31 = 44.516… → 44.52.
#[test]
fn a_vacancy_from_the_sixteenth_discounts_the_vacant_days_only() {
    let bill = october(&moved_out_estate("2026-10-16"), &management_schedule());
    let amounts: Vec<String> = bill.lines.iter().map(|l| l.amount.to_string()).collect();
    assert_eq!(amounts, ["279.88", "44.52"]);
    assert_eq!(
        bill.lines[0].explain(Lang::En),
        "89.50 m² × 3.70/m²/month × 1 month × (15/31 days occupied × 100% + 16/31 days delivered, vacant × 70%) = 279.88"
    );
    assert_eq!(
        bill.lines[0].explain(Lang::ZhCn),
        "89.50 m² × 3.70/m²/月 × 1 月 × (15/31 天 已入住 × 100% + 16/31 天 已交房未入住 × 70%) = 279.88"
    );
    assert_eq!(
        bill.lines[1].explain(Lang::En),
        "60.00 per period × (15/31 days occupied × 100% + 16/31 days delivered, vacant × 50%) = 44.52"
    );
    // November: vacant all month, one factor, the usual explanation.
    let run = bill_estate(
        &moved_out_estate("2026-10-16"),
        &management_schedule(),
        BillingPeriod::month(2026, 11).unwrap(),
        &BillingInputs::default(),
    )
    .unwrap();
    // 331.15 × 0.7 = 231.805 → 231.81.
    assert_eq!(
        run.bill("A").unwrap().lines[0].explain(Lang::En),
        "89.50 m² × 3.70/m²/month × 1 month × 70% = 231.81"
    );
    // September, before the change: occupied all month although the unit is vacant now.
    let run = bill_estate(
        &moved_out_estate("2026-10-16"),
        &management_schedule(),
        BillingPeriod::month(2026, 9).unwrap(),
        &BillingInputs::default(),
    )
    .unwrap();
    assert_eq!(run.bill("A").unwrap().lines[0].amount, dec("331.15"));
}

/// The same move-out recorded through the estate update API: the status it ends goes
/// to the estate's history, and October is billed in two parts.
#[test]
fn a_status_change_applied_by_an_update_is_kept_in_the_history() {
    use estatekit::estate::{EstateUpdate, StatusUpdate, UnitStatus};
    let occupied = Estate::from_json(
        r#"{"id": "e", "name": "E", "currency": "CNY", "buildings": [{"id": "B", "name": "B"}],
            "units": [{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
              "gross_area": "89.50", "occupants": 2, "status": "occupied", "delivered_on": "2024-01-01",
              "status_since": "2024-01-01"}]}"#,
    )
    .unwrap();
    let update = EstateUpdate {
        status_changes: vec![StatusUpdate {
            unit_id: "A".into(),
            status: UnitStatus::Delivered,
            since: "2026-10-16".parse().unwrap(),
            occupants: None,
        }],
        ..Default::default()
    };
    let moved_out = occupied.updated(&update).unwrap();
    assert_eq!(moved_out, moved_out_estate("2026-10-16"));
    assert!(moved_out.to_json().contains("\"status_history\": ["));
    // Applying the same update again changes nothing.
    assert_eq!(moved_out.updated(&update).unwrap(), moved_out);
    assert_eq!(
        october(&moved_out, &management_schedule()).lines[0].amount,
        dec("279.88")
    );
}

/// A published prorated-rent example: 1,500.00 a month, moving in on January 15 of a
/// 31-day January, 17 days occupied (15th–31st), 1500 ÷ 31 × 17 ≈ 822.58 (cunits.io,
/// "Prorated Rent Calculator", example 1). Here the flat is delivered but vacant from
/// January 1 at a 0 % factor and occupied from the 15th:
/// 1500.00 × (14 × 0 + 17 × 1) / 31 = 25500 / 31 = 822.580… → 822.58.
#[test]
fn a_published_move_in_proration_matches_with_a_zero_vacancy_factor() {
    let estate = Estate::from_json(
        r#"{"id": "e", "name": "E", "currency": "CNY", "buildings": [{"id": "B", "name": "B"}],
            "units": [{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
              "gross_area": "50", "occupants": 1, "status": "occupied", "delivered_on": "2026-01-01",
              "status_since": "2027-01-15"}],
            "status_history": [{"unit_id": "A", "status": "delivered", "since": "2026-01-01"}]}"#,
    )
    .unwrap();
    let schedule = FeeSchedule::from_json(
        r#"{"items": [{"code": "rent", "name_zh": "租金", "name_en": "Rent",
           "rule": {"fixed": {"amount": "1500.00"}},
           "status_factors": [{"status": "delivered", "factor": "0"}],
           "effective_from": "2020-01-01"}]}"#,
    )
    .unwrap();
    let run = bill_estate(
        &estate,
        &schedule,
        BillingPeriod::month(2027, 1).unwrap(),
        &BillingInputs::default(),
    )
    .unwrap();
    let line = &run.bill("A").unwrap().lines[0];
    assert_eq!(line.amount, dec("822.58"));
    assert_eq!(
        line.explain(Lang::En),
        "1500.00 per period × (14/31 days delivered, vacant × 0% + 17/31 days occupied × 100%) = 822.58"
    );
}

/// Bad status histories: typed errors naming the field.
#[test]
fn a_status_history_out_of_order_or_after_the_current_status_is_refused() {
    let estate = |history: &str| {
        let e = Estate::from_json(&format!(
            r#"{{"id": "e", "name": "E", "currency": "CNY", "buildings": [{{"id": "B", "name": "B"}}],
                "units": [{{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
                  "gross_area": "50", "status": "delivered", "delivered_on": "2024-01-01",
                  "status_since": "2026-10-16"}}],
                "status_history": [{history}]}}"#
        ))
        .unwrap_err();
        (e.code(), e.path().to_owned(), e.to_string())
    };
    let rec = |status: &str, since: &str| {
        format!(r#"{{"unit_id": "A", "status": "{status}", "since": "{since}"}}"#)
    };
    assert_eq!(
        estate(&format!("{}, {}", rec("occupied", "2025-01-01"), rec("rented", "2024-06-01"))),
        (
            "not_increasing",
            "status_history[1].since".to_owned(),
            "status_history[1].since: status history out of order: 2024-06-01 follows 2025-01-01 for unit \"A\"".to_owned()
        )
    );
    assert_eq!(
        estate(&rec("occupied", "2026-10-16")).2,
        "status_history[0].since: 2026-10-16 is not before unit \"A\"'s current status_since 2026-10-16"
    );
    assert_eq!(
        estate(&rec("occupied", "2023-12-31")).2,
        "status_history[0].since: 2023-12-31 is before the delivery date 2024-01-01"
    );
    assert_eq!(
        estate(&rec("unsold", "2024-01-01")).1,
        "status_history[0].status"
    );
    assert_eq!(
        estate(r#"{"unit_id": "Z", "status": "occupied", "since": "2024-01-01"}"#).0,
        "unknown_unit"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// A status change on any day of any month: the line equals the two parts computed
    /// separately (days before at the first factor, days after at the second, each
    /// prorated by day and rounded on its own) within one minor unit.
    #[test]
    fn a_status_change_on_any_day_bills_two_parts(
        year in 2025i32..=2028,
        month in 1u32..=12,
        day_seed in 0u32..31,
        area_cents in 1000i64..=30000,
        f_before in 0u32..=100,
        f_after in 0u32..=100,
    ) {
        use chrono::{Datelike, NaiveDate};
        let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
        let next = first.checked_add_months(chrono::Months::new(1)).unwrap();
        let days = (next - first).num_days();
        // The change on day 2 to the last day (on day 1 the month has one status).
        let change = first + chrono::Days::new(u64::from(day_seed % (days as u32 - 1)) + 1);
        let before = i64::from(change.day()) - 1;
        let after = days - before;
        let area = Decimal::new(area_cents, 2);
        let pct = |f: u32| Decimal::new(i64::from(f), 2);
        let estate = Estate::from_json(&format!(
            r#"{{"id": "e", "name": "E", "currency": "CNY", "buildings": [{{"id": "B", "name": "B"}}],
                "units": [{{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
                  "gross_area": "{area}", "status": "delivered", "delivered_on": "2020-01-01",
                  "status_since": "{change}"}}],
                "status_history": [{{"unit_id": "A", "status": "rented", "since": "2020-01-01"}}]}}"#
        )).unwrap();
        let schedule = FeeSchedule::from_json(&format!(
            r#"{{"items": [{{"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
               "rule": {{"area": {{"rate": "3.70"}}}},
               "status_factors": [{{"status": "rented", "factor": "{}"}}, {{"status": "delivered", "factor": "{}"}}],
               "effective_from": "2020-01-01"}}]}}"#,
            pct(f_before), pct(f_after)
        )).unwrap();
        let run = bill_estate(&estate, &schedule, BillingPeriod::month(year, month).unwrap(),
            &BillingInputs::default()).unwrap();
        let amount = run.bill("A").map_or(Decimal::ZERO, |b| b.lines[0].amount);
        let monthly = area * dec("3.70");
        let part = |d: i64, f: u32| (monthly * pct(f) * Decimal::from(d) / Decimal::from(days)).round_dp(2);
        let expected = part(before, f_before) + part(after, f_after);
        proptest::prop_assert!((amount - expected).abs() <= dec("0.01"),
            "{amount} vs {expected} ({before}+{after} days)");
    }
}

mod late_fees {
    use super::dec;
    use chrono::NaiveDate;
    use estatekit::fees::calc::{LateFee, OneOffFee, PenaltyCap, PenaltyPolicy};
    use estatekit::fees::schedule::FeeSchedule;
    use estatekit::money::RoundingPolicy;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn flat(amount: &str) -> Option<OneOffFee> {
        Some(OneOffFee {
            amount: Some(dec(amount)),
            ..Default::default()
        })
    }

    /// Point 3, from a published manual calculation of UK statutory late-payment
    /// interest (support.paidnice.com, "How to automatically calculate Statutory
    /// Interest in the UK"): a 5,000 invoice 101 days overdue at 12.25 % a year, the
    /// daily amount 5000 × 12.25 % ÷ 365 = 1.678… rounded to 1.68, × 101 days =
    /// 169.68, plus the fixed 70 compensation for debts of 1,000–9,999.99: 239.68.
    /// Unrounded: 5000 × 12.25 × 101 ÷ 36500 = 169.486… → 169.49, total 239.49.
    #[test]
    fn a_published_statutory_interest_example_with_daily_rounding() {
        let mut terms = LateFee {
            one_off: flat("70.00"),
            annual_percent: Some(dec("12.25")),
            round_daily: true,
        };
        // Jan 1 + 101 days = Apr 12 (30 + 28 + 31 + 12).
        let (due, as_of) = (d("2026-01-01"), d("2026-04-12"));
        let p = RoundingPolicy::default();
        let c = terms.charge(dec("5000.00"), due, as_of, None, &p).unwrap();
        assert_eq!(c.days, 101);
        assert_eq!(c.daily, Some(dec("1.68")));
        assert_eq!(
            (
                c.one_off.to_string(),
                c.interest.to_string(),
                c.total.to_string()
            ),
            ("70.00".into(), "169.68".into(), "239.68".into())
        );
        terms.round_daily = false;
        let c = terms.charge(dec("5000.00"), due, as_of, None, &p).unwrap();
        assert_eq!(
            (c.interest.to_string(), c.total.to_string()),
            ("169.49".into(), "239.49".into())
        );
        assert_eq!(c.daily, None);
    }

    /// A percentage one-off fee kept between its minimum and maximum, grace days, a
    /// daily rate beside a yearly one, and the cap on the total.
    #[test]
    fn percent_fees_grace_days_both_rates_and_caps() {
        let p = RoundingPolicy::default();
        let terms = LateFee {
            one_off: Some(OneOffFee {
                percent: Some(dec("3")),
                min: Some(dec("10.00")),
                max: Some(dec("100.00")),
                ..Default::default()
            }),
            ..Default::default()
        };
        let fee = |principal: &str| {
            terms
                .charge(dec(principal), d("2026-10-15"), d("2026-10-16"), None, &p)
                .unwrap()
                .total
                .to_string()
        };
        // 3 % of 331.15 = 9.9345 → 9.93, below the minimum: 10.00; 3 % of 1000.00 =
        // 30.00; 3 % of 5000.00 = 150.00, above the maximum: 100.00.
        assert_eq!(
            [fee("331.15"), fee("1000.00"), fee("5000.00")],
            ["10.00", "30.00", "100.00"]
        );

        // 0.05 % a day and 12 % a year on 1000.00, grace 5 days counted from the due
        // date, plus a flat 50.00: nothing on day 5; on day 6,
        // 1000 × 0.0005 × 6 = 3.00 + 1000 × 12 × 6 ÷ 36500 = 1.9726… → 4.9726… → 4.97.
        let policy = PenaltyPolicy {
            grace_days: 5,
            ..PenaltyPolicy::daily(dec("0.0005"))
        };
        let both = LateFee {
            one_off: flat("50.00"),
            annual_percent: Some(dec("12")),
            round_daily: false,
        };
        let at = |as_of: &str, policy: &PenaltyPolicy| {
            both.charge(dec("1000.00"), d("2026-10-15"), d(as_of), Some(policy), &p)
                .unwrap()
        };
        assert_eq!(at("2026-10-20", &policy).total, dec("0.00"));
        let c = at("2026-10-21", &policy);
        assert_eq!(
            (c.days, c.interest, c.total),
            (6, dec("4.97"), dec("54.97"))
        );
        // A cap of 20.00 bounds the total.
        let capped = PenaltyPolicy {
            cap: Some(PenaltyCap::Amount(dec("20.00"))),
            ..policy.clone()
        };
        let c = at("2026-10-21", &capped);
        assert_eq!((c.total, c.capped), (dec("20.00"), true));
    }

    use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};

    /// 12 % a year and a one-off 3 % (at least 10.00) on a 1,000.00 charge due Oct 15,
    /// 400.00 of it paid on Oct 25 (principal first, so the payment is all principal).
    fn ledger(round_daily: bool) -> Ledger {
        let terms = LateFee {
            one_off: Some(OneOffFee {
                percent: Some(dec("3")),
                min: Some(dec("10.00")),
                ..Default::default()
            }),
            annual_percent: Some(dec("12")),
            round_daily,
        };
        let mut l = Ledger::new("A", RoundingPolicy::default(), PaymentOrder::PrincipalFirst);
        l.add_charge(
            ChargeInput::new("c", "mgmt", d("2026-10-15"), dec("1000.00")).with_late_fee(terms),
            d("2026-10-01"),
        )
        .unwrap();
        l.pay("p1", dec("400.00"), d("2026-10-25")).unwrap();
        l
    }

    /// The ledger applies late-fee terms on the outstanding principal day by day.
    /// Counted days Oct 16 – Nov 14 (30): Oct 16–25 on 1,000.00 (the payment counts
    /// from the next day), Oct 26 – Nov 14 (20 days) on 600.00.
    /// Exact: (1000 × 10 + 600 × 20) × 12 ÷ 36500 = 22000 × 12 ÷ 36500 = 7.2328… → 7.23;
    /// one-off 3 % of 1,000.00 = 30.00; penalty 37.23.
    /// Rounded daily: 1000 × 12 ÷ 36500 = 0.3287… → 0.33 × 10 = 3.30, 600 × 12 ÷ 36500
    /// = 0.1972… → 0.20 × 20 = 4.00; penalty 30.00 + 7.30 = 37.30.
    #[test]
    fn a_ledger_charges_the_late_fee_on_the_outstanding_principal() {
        let l = ledger(false);
        assert_eq!(l.penalty("c", d("2026-10-15")).unwrap(), dec("0.00"));
        // The first overdue day: 30.00 + 1000 × 12 ÷ 36500 = 0.33 → 30.33.
        assert_eq!(l.penalty("c", d("2026-10-16")).unwrap(), dec("30.33"));
        assert_eq!(l.penalty("c", d("2026-11-14")).unwrap(), dec("37.23"));
        assert_eq!(
            ledger(true).penalty("c", d("2026-11-14")).unwrap(),
            dec("37.30")
        );
        // The same payment recorded twice (a retried import) is refused, and recording
        // the payment before the charge gives the same penalty (order independence).
        let mut again = ledger(false);
        assert_eq!(
            again
                .pay("p1", dec("400.00"), d("2026-10-25"))
                .unwrap_err()
                .code(),
            "duplicate_id"
        );
        let mut l2 = Ledger::new("A", RoundingPolicy::default(), PaymentOrder::PrincipalFirst);
        l2.pay("p1", dec("400.00"), d("2026-10-25")).unwrap();
        l2.add_charge(
            ChargeInput::new("c", "mgmt", d("2026-10-15"), dec("1000.00"))
                .with_late_fee(*ledger(false).charges()[0].late_fee.as_ref().unwrap()),
            d("2026-10-01"),
        )
        .unwrap();
        assert_eq!(l2.penalty("c", d("2026-11-14")).unwrap(), dec("37.23"));
        // The terms are kept in the ledger's JSON.
        let json = l.to_json();
        assert!(json.contains("\"annual_percent\": \"12\""), "{json}");
        assert_eq!(
            Ledger::from_json(&json)
                .unwrap()
                .penalty("c", d("2026-11-14"))
                .unwrap(),
            dec("37.23")
        );
    }

    /// A published LPR-based late-payment interest: the one-year Loan Prime Rate of
    /// 3.45 % (全国银行间同业拆借中心, published 2024-07-22) on a 10,000.00 arrears for 100
    /// days: 10000 × 3.45 × 100 ÷ 36500 = 94.5205… → 94.52. Posted from a bill of an
    /// item whose schedule carries the terms, with a daily penalty clause of 0 and no
    /// grace.
    #[test]
    fn a_bill_posts_its_items_late_fee_terms() {
        let schedule = FeeSchedule::from_json(
            r#"{"items": [{"code": "rent", "name_zh": "租金", "name_en": "Rent",
               "rule": {"fixed": {"amount": "10000.00"}}, "due": {"days_after_issue": 0},
               "penalty": {"daily_rate": "0"}, "late_fee": {"annual_percent": "3.45"},
               "effective_from": "2020-01-01"}]}"#,
        )
        .unwrap();
        let bill = super::october(&super::moved_out_estate("2026-01-01"), &schedule);
        assert_eq!(bill.lines[0].amount, dec("10000.00"));
        let due = bill.lines[0].due;
        let mut l = Ledger::new("A", RoundingPolicy::default(), PaymentOrder::default());
        l.add_bill(&bill, &schedule, bill.issued_on).unwrap();
        assert_eq!(
            l.charges()[0].late_fee.unwrap().annual_percent,
            Some(dec("3.45"))
        );
        let as_of = due + chrono::Duration::days(100);
        assert_eq!(
            l.penalty(&l.charges()[0].id.clone(), as_of).unwrap(),
            dec("94.52")
        );
    }

    /// Bad terms on a charge are refused with the field named, and nothing is added.
    #[test]
    fn bad_late_fee_terms_on_a_charge_name_the_field() {
        let mut l = Ledger::new("A", RoundingPolicy::default(), PaymentOrder::default());
        let bad = LateFee {
            one_off: Some(OneOffFee {
                percent: Some(dec("150")),
                ..Default::default()
            }),
            ..Default::default()
        };
        let e = l
            .add_charge(
                ChargeInput::new("c", "mgmt", d("2026-10-15"), dec("100.00")).with_late_fee(bad),
                d("2026-10-01"),
            )
            .unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("out_of_range", "late_fee.one_off.percent")
        );
        assert!(l.charges().is_empty());
    }

    fn schedule(late_fee: &str) -> Result<FeeSchedule, estatekit::fees::FeeError> {
        FeeSchedule::from_json(&format!(
            r#"{{"items": [{{"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
               "rule": {{"fixed": {{"amount": "100.00"}}}},
               "penalty": {{"daily_rate": "0", "grace_days": 10}},
               "late_fee": {late_fee}, "effective_from": "2020-01-01"}}]}}"#
        ))
    }

    /// The schedule's `late_fee` (format version 3); percentages outside 0–100 and
    /// other bad terms are typed errors naming the field.
    #[test]
    fn late_fee_terms_in_the_schedule() {
        let s = schedule(
            r#"{"one_off": {"percent": "3", "min": "10.00"}, "annual_percent": "12", "round_daily": true}"#,
        )
        .unwrap();
        let terms = s.items()[0].late_fee.unwrap();
        assert_eq!(terms.annual_percent, Some(dec("12")));
        let json = s.to_json();
        assert!(json.contains("\"format_version\": 3"), "{json}");
        assert_eq!(FeeSchedule::from_json(&json).unwrap(), s);
        let err = |late_fee: &str| {
            let e = schedule(late_fee).unwrap_err();
            (e.code(), e.path().to_owned(), e.to_string())
        };
        assert_eq!(
            err(r#"{"one_off": {"percent": "101"}}"#),
            (
                "out_of_range",
                "items[0].late_fee.one_off.percent".to_owned(),
                "items[0].late_fee.one_off.percent: a percentage must be between 0 and 100, got 101".to_owned()
            )
        );
        assert_eq!(
            err(r#"{"annual_percent": "-0.5"}"#).2,
            "items[0].late_fee.annual_percent: a percentage must be between 0 and 100, got -0.5"
        );
        assert_eq!(
            err(r#"{"one_off": {"amount": "50.00", "percent": "3"}}"#).1,
            "items[0].late_fee.one_off.percent"
        );
        assert_eq!(
            err(r#"{"one_off": {"percent": "3", "min": "20.00", "max": "10.00"}}"#).2,
            "items[0].late_fee.one_off.max: the maximum 10.00 is below the minimum 20.00"
        );
        assert_eq!(
            err(r#"{"one_off": {}}"#).1,
            "items[0].late_fee.one_off.amount"
        );
        assert_eq!(
            err(r#"{"one_off": {"amount": "50.00", "max": "10.00"}}"#).1,
            "items[0].late_fee.one_off.max"
        );
    }
}

mod tiers {
    use estatekit::estate::Estate;
    use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
    use estatekit::fees::schedule::FeeSchedule;
    use estatekit::i18n::Lang;

    /// A flat (A, residential) and a shop (S, commercial), each with a water meter
    /// read on Sep 30 and Oct 31 (31 days): A 100 → 120, S 500 → 520.
    fn estate() -> Estate {
        Estate::from_json(
            r#"{"id": "e", "name": "E", "currency": "CNY", "buildings": [{"id": "B", "name": "B"}],
              "units": [
                {"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
                 "gross_area": "80", "occupants": 2, "status": "occupied", "delivered_on": "2024-01-01", "status_since": "2024-01-01"},
                {"id": "S", "building_id": "B", "floor": 0, "number": "S1", "kind": "commercial",
                 "gross_area": "60", "occupants": 1, "status": "occupied", "delivered_on": "2024-01-01", "status_since": "2024-01-01"}],
              "meters": [
                {"id": "W-A", "unit_id": "A", "kind": "water",
                 "readings": [{"date": "2026-09-30", "value": "100"}, {"date": "2026-10-31", "value": "120"}]},
                {"id": "W-S", "unit_id": "S", "kind": "water",
                 "readings": [{"date": "2026-09-30", "value": "500"}, {"date": "2026-10-31", "value": "520"}]}]}"#,
        )
        .unwrap()
    }

    fn schedule(extra: &str) -> Result<FeeSchedule, estatekit::fees::FeeError> {
        FeeSchedule::from_json(&format!(
            r#"{{"items": [{{"code": "water", "name_zh": "水费", "name_en": "Water",
               "rule": {{"metered": {{"meter_kind": "water",
                 "tiers": [{{"up_to": "15", "price": "3.45"}}, {{"price": "4.83"}}]{extra}}}}},
               "effective_from": "2020-01-01"}}]}}"#
        ))
    }

    fn lines(schedule: &FeeSchedule) -> Vec<(String, String)> {
        let run = bill_estate(
            &estate(),
            schedule,
            BillingPeriod::month(2026, 10).unwrap(),
            &BillingInputs::default(),
        )
        .unwrap();
        run.bills()
            .iter()
            .map(|b| (b.lines[0].amount.to_string(), b.lines[0].explain(Lang::En)))
            .collect()
    }

    /// Point 4. Tier limits that follow the days between two readings, the method of
    /// utilities whose first block is a daily allowance × the days of the billing
    /// cycle (PG&E's baseline allowance, pge.com "Tiered Rate Plan": the Tier 1
    /// allowance is a daily amount of energy); and prices by unit kind.
    ///
    /// Per period: 15 × 3.45 + 5 × 4.83 = 51.75 + 24.15 = 75.90.
    /// Per day on 30 days, a 31-day read: the limit is 15 × 31/30 = 15.50;
    /// 15.5 × 3.45 + 4.5 × 4.83 = 53.475 + 21.735 = 75.21.
    /// Commercial at 5.80 flat: 20 × 5.80 = 116.00.
    #[test]
    fn per_day_tier_limits_and_prices_by_unit_kind() {
        let period = lines(&schedule("").unwrap());
        assert_eq!(period[0].0, "75.90");
        let per_day = schedule(r#", "tier_basis": "per_day", "reference_days": 30"#).unwrap();
        let got = lines(&per_day);
        assert_eq!(got[0].0, "75.21");
        assert_eq!(
            got[0].1,
            "water meter W-A: (120 − 100) × 1 = 20; 15.50 × 3.45 + 4.50 × 4.83 = 75.21"
        );
        assert!(per_day.to_json().contains("\"format_version\": 3"));
        assert_eq!(FeeSchedule::from_json(&per_day.to_json()).unwrap(), per_day);
        let by_kind =
            schedule(r#", "kind_tiers": [{"kind": "commercial", "tiers": [{"price": "5.80"}]}]"#)
                .unwrap();
        let got = lines(&by_kind);
        assert_eq!((got[0].0.as_str(), got[1].0.as_str()), ("75.90", "116.00"));
        assert_eq!(
            got[1].1,
            "water meter W-S: (520 − 500) × 1 = 20; 20 × 5.80 = 116.00"
        );
    }

    /// Tier limits not increasing, per-day limits without a reference length, and a
    /// reference length without per-day limits: typed errors naming the field.
    #[test]
    fn bad_tier_options_are_typed_errors() {
        let err = |extra: &str| {
            let e = schedule(extra).unwrap_err();
            (e.code(), e.path().to_owned(), e.to_string())
        };
        assert_eq!(
            err(r#", "tier_basis": "per_day""#),
            (
                "missing_value",
                "items[0].rule.metered.reference_days".to_owned(),
                "items[0].rule.metered.reference_days: per-day tier limits need the days they are written for (e.g. 30)".to_owned()
            )
        );
        assert_eq!(
            err(r#", "tier_basis": "per_day", "reference_days": 0"#).1,
            "items[0].rule.metered.reference_days"
        );
        assert_eq!(
            err(r#", "reference_days": 30"#).2,
            "items[0].rule.metered.reference_days: a reference length applies to per_day tier limits only"
        );
        assert_eq!(
            err(r#", "kind_tiers": [{"kind": "commercial", "tiers": [{"up_to": "20", "price": "5"}, {"up_to": "10", "price": "6"}, {"price": "7"}]}]"#),
            (
                "not_increasing",
                "items[0].rule.metered.kind_tiers[0].tiers[1].up_to".to_owned(),
                "items[0].rule.metered.kind_tiers[0].tiers[1].up_to: tier bounds must increase: 10 is not above 20".to_owned()
            )
        );
    }
}

/// Annual (cumulative) tier limits (`"tier_basis": "year"`) and metered items billed
/// at their frequency. Outside sources: Beijing residential water, 北京市居民用水阶梯
/// 水价 (per year: 0–180 m³ at 5.00 元/m³, 181–260 m³ at 7.00, above 260 at 9.00, the
/// comprehensive price incl. water resource fee and sewage), and Beijing residential
/// electricity, 北京居民阶梯电价 (per year: 0–2880 kWh at 0.4883 元, 2881–4800 kWh at
/// 0.5383, above at 0.7883).
mod annual {
    use estatekit::estate::Estate;
    use estatekit::fees::billing::{BillingInputs, BillingPeriod, BillingRun, bill_estate};
    use estatekit::fees::schedule::FeeSchedule;
    use estatekit::i18n::Lang;

    use super::dec;

    const WATER: &str = r#"[{"up_to": "180", "price": "5.00"}, {"up_to": "260", "price": "7.00"}, {"price": "9.00"}]"#;
    const POWER: &str = r#"[{"up_to": "2880", "price": "0.4883"}, {"up_to": "4800", "price": "0.5383"}, {"price": "0.7883"}]"#;

    fn unit(id: &str) -> String {
        format!(
            r#"{{"id": "{id}", "building_id": "B", "floor": 1, "number": "{id}", "kind": "residential",
               "gross_area": "80", "occupants": 2, "status": "occupied", "delivered_on": "2020-01-01", "status_since": "2020-01-01"}}"#
        )
    }

    fn meter(id: &str, unit: &str, kind: &str, readings: &[(&str, &str)]) -> String {
        let readings: Vec<String> = readings
            .iter()
            .map(|(d, v)| format!(r#"{{"date": "{d}", "value": "{v}"}}"#))
            .collect();
        format!(
            r#"{{"id": "{id}", "unit_id": "{unit}", "kind": "{kind}", "readings": [{}]}}"#,
            readings.join(", ")
        )
    }

    fn estate(units: &[&str], meters: &[String]) -> Estate {
        let units: Vec<String> = units.iter().map(|u| unit(u)).collect();
        Estate::from_json(&format!(
            r#"{{"id": "e", "name": "E", "currency": "CNY", "buildings": [{{"id": "B", "name": "B"}}],
                "units": [{}], "meters": [{}]}}"#,
            units.join(", "),
            meters.join(", ")
        ))
        .unwrap()
    }

    /// A: water read at the end of 2025 (1000), Jun (1100), Sep (1172) and Oct (1190),
    /// electricity at the end of 2025 (0), Sep (2800) and Oct (2950). B: water read
    /// only since Sep 30 (500 → 530 in October).
    fn beijing() -> Estate {
        estate(
            &["A", "B"],
            &[
                meter(
                    "W-A",
                    "A",
                    "water",
                    &[
                        ("2025-12-31", "1000"),
                        ("2026-06-30", "1100"),
                        ("2026-09-30", "1172"),
                        ("2026-10-31", "1190"),
                    ],
                ),
                meter(
                    "E-A",
                    "A",
                    "electricity",
                    &[
                        ("2025-12-31", "0"),
                        ("2026-09-30", "2800"),
                        ("2026-10-31", "2950"),
                    ],
                ),
                meter(
                    "W-B",
                    "B",
                    "water",
                    &[("2026-09-30", "500"), ("2026-10-31", "530")],
                ),
            ],
        )
    }

    fn item(code: &str, kind: &str, tiers: &str, extra: &str) -> String {
        format!(
            r#"{{"code": "{code}", "name_zh": "{code}", "name_en": "{code}",
               "rule": {{"metered": {{"meter_kind": "{kind}", "tiers": {tiers}{extra}}}}},
               "effective_from": "2020-01-01"}}"#
        )
    }

    fn schedule(items: &[String]) -> Result<FeeSchedule, estatekit::fees::FeeError> {
        FeeSchedule::from_json(&format!(r#"{{"items": [{}]}}"#, items.join(", ")))
    }

    fn yearly(start_month: u32) -> FeeSchedule {
        let extra = format!(r#", "tier_basis": "year", "year_start_month": {start_month}"#);
        schedule(&[
            item("water", "water", WATER, &extra),
            item("power", "electricity", POWER, &extra),
        ])
        .unwrap()
    }

    fn run(estate: &Estate, s: &FeeSchedule, y: i32, m: u32, inputs: &BillingInputs) -> BillingRun {
        bill_estate(estate, s, BillingPeriod::month(y, m).unwrap(), inputs).unwrap()
    }

    fn amounts(r: &BillingRun, unit: &str) -> Vec<String> {
        r.bill(unit)
            .map(|b| b.lines.iter().map(|l| l.amount.to_string()).collect())
            .unwrap_or_default()
    }

    /// The issue's example: 172 m³ so far in 2026 (Dec 31 1000 → Sep 30 1172, from the
    /// estate's readings), 18 m³ in October (1172 → 1190): 180 − 172 = 8 m³ at 5.00
    /// and 10 m³ at 7.00: 40.00 + 70.00 = 110.00.
    /// Electricity: 2800 kWh so far, 150 in October: 80 × 0.4883 + 70 × 0.5383 =
    /// 39.064 + 37.681 = 76.745 → 76.75 (half up, rounded once).
    /// B's readings start on Sep 30: its year to date is an input, 250 m³; 30 m³ in
    /// October on [250, 280]: 10 × 7.00 + 20 × 9.00 = 70.00 + 180.00 = 250.00.
    #[test]
    fn beijing_annual_tiers_price_a_month_after_the_year_to_date() {
        let s = yearly(1);
        let inputs = BillingInputs::default().with_year_to_date("W-B", dec("250"));
        let r = run(&beijing(), &s, 2026, 10, &inputs);
        assert_eq!(amounts(&r, "A"), ["110.00", "76.75"]);
        assert_eq!(amounts(&r, "B"), ["250.00"]);
        let a = r.bill("A").unwrap();
        assert_eq!(
            a.lines[0].explain(Lang::En),
            "water meter W-A: (1190 − 1172) × 1 = 18; year to date 172 (tier year from 2026-01-01); \
             8 × 5.00 + 10 × 7.00 = 110.00"
        );
        assert_eq!(
            a.lines[0].explain(Lang::ZhCn),
            "水表 W-A：(1190 − 1172) × 1 = 18；年度累计 172（阶梯年度自 2026-01-01 起）；8 × 5.00 + 10 × 7.00 = 110.00"
        );
        assert_eq!(
            a.lines[1].explain(Lang::En),
            "electricity meter E-A: (2950 − 2800) × 1 = 150; year to date 2800 (tier year from 2026-01-01); \
             80 × 0.4883 + 70 × 0.5383 = 76.75"
        );
        assert_eq!(
            r.bill("B").unwrap().lines[0].explain(Lang::En),
            "water meter W-B: (530 − 500) × 1 = 30; year to date 250 (tier year from 2026-01-01); \
             10 × 7.00 + 20 × 9.00 = 250.00"
        );
        // The run reads back from its JSON, the tier year in the explanation.
        let json = r.to_json();
        assert!(
            json.contains(
                r#""tier_year": {
              "start": "2026-01-01",
              "to_date": "172"
            }"#
            ),
            "{json}"
        );
        assert_eq!(BillingRun::from_json(&json).unwrap(), r);
        // An input for a meter whose readings cover the year is not used.
        let both = inputs.clone().with_year_to_date("W-A", dec("0"));
        assert_eq!(
            amounts(&run(&beijing(), &s, 2026, 10, &both), "A"),
            ["110.00", "76.75"]
        );
    }

    /// A meter replaced during the year (recorded in the estate on May 15: the old
    /// register ended at 1100, the new one started at 0): the year to date applies the
    /// change, (1080 − 1000) + ((1100 − 1080) + (30 − 0)) + (102 − 30) = 80 + 50 + 72
    /// = 202 m³; October's 18 m³ (102 → 120) on [202, 220]: 18 × 7.00 = 126.00.
    #[test]
    fn the_year_to_date_applies_a_meter_replacement() {
        let mut e = estate(
            &["A"],
            &[meter(
                "W-A",
                "A",
                "water",
                &[
                    ("2025-12-31", "1000"),
                    ("2026-04-30", "1080"),
                    ("2026-06-30", "30"),
                    ("2026-09-30", "102"),
                    ("2026-10-31", "120"),
                ],
            )],
        );
        let mut data: estatekit::estate::EstateData = e.into();
        data.meters[0].changes = serde_json::from_str(
            r#"[{"date": "2026-05-15", "change": {"replacement": {"old_final": "1100", "new_initial": "0"}}}]"#,
        )
        .unwrap();
        e = Estate::new(data).unwrap();
        let r = run(&e, &yearly(1), 2026, 10, &BillingInputs::default());
        assert_eq!(
            r.bill("A").unwrap().lines[0].explain(Lang::En),
            "water meter W-A: (120 − 102) × 1 = 18; year to date 202 (tier year from 2026-01-01); \
             18 × 7.00 = 126.00"
        );
    }

    /// A tier year from July: October's year to date is from the Jun 30 reading,
    /// 1172 − 1100 = 72 m³; 18 m³ all in the first block: 18 × 5.00 = 90.00.
    #[test]
    fn the_tier_year_starts_in_its_month() {
        let r = run(
            &beijing(),
            &yearly(7),
            2026,
            10,
            &BillingInputs::default().with_year_to_date("W-B", dec("0")),
        );
        assert_eq!(
            r.bill("A").unwrap().lines[0].explain(Lang::En),
            "water meter W-A: (1190 − 1172) × 1 = 18; year to date 72 (tier year from 2026-07-01); \
             18 × 5.00 = 90.00"
        );
        // B: 30 m³ from zero, 30 × 5.00 = 150.00.
        assert_eq!(amounts(&r, "B"), ["150.00"]);
    }

    /// Without readings before the tier year and without an input, the unit's bill is
    /// set aside naming the meter (every other unit is billed); a strict run fails.
    #[test]
    fn a_year_to_date_neither_read_nor_given_sets_the_unit_aside() {
        let s = yearly(1);
        let r = run(&beijing(), &s, 2026, 10, &BillingInputs::default());
        assert_eq!(amounts(&r, "A"), ["110.00", "76.75"]);
        assert!(r.bill("B").is_none());
        assert_eq!(r.exceptions.len(), 1);
        let x = &r.exceptions[0];
        assert_eq!(
            (
                x.unit_id.as_deref(),
                x.meter_id.as_deref(),
                x.code(),
                x.error.path()
            ),
            (Some("B"), Some("W-B"), "missing_reading", "meters[W-B]")
        );
        assert_eq!(
            x.message(),
            "meters[W-B]: meter \"W-B\" has no reading before 2026-01-01, the start of its tier year, \
             and no year_to_date is given for it"
        );
        let strict = BillingInputs {
            strict: true,
            ..BillingInputs::default()
        };
        let e = bill_estate(
            &beijing(),
            &s,
            BillingPeriod::month(2026, 10).unwrap(),
            &strict,
        )
        .unwrap_err();
        assert_eq!((e.code(), e.path()), ("missing_reading", "meters[W-B]"));
    }

    /// A year to date given as a negative amount or for an unknown meter fails the run
    /// before any line, strict or not.
    #[test]
    fn a_bad_year_to_date_input_is_a_typed_error() {
        let s = yearly(1);
        let period = BillingPeriod::month(2026, 10).unwrap();
        let neg = BillingInputs::default().with_year_to_date("W-B", dec("-1"));
        let e = bill_estate(&beijing(), &s, period, &neg).unwrap_err();
        assert_eq!((e.code(), e.path()), ("negative", "year_to_date[W-B]"));
        let unknown = BillingInputs::default().with_year_to_date("NOPE", dec("1"));
        let e = bill_estate(&beijing(), &s, period, &unknown).unwrap_err();
        assert_eq!(
            (e.code(), e.to_string().as_str()),
            (
                "unknown_reference",
                "year_to_date[NOPE]: unknown meter \"NOPE\""
            )
        );
    }

    /// Bad annual-tier options in the schedule: typed errors naming the field.
    #[test]
    fn bad_annual_tier_options_are_typed_errors() {
        let err = |extra: &str, tiers: &str| {
            let e = schedule(&[item("water", "water", tiers, extra)]).unwrap_err();
            (e.code(), e.path().to_owned(), e.to_string())
        };
        assert_eq!(
            err(r#", "tier_basis": "year""#, WATER),
            (
                "missing_value",
                "items[0].rule.metered.year_start_month".to_owned(),
                "items[0].rule.metered.year_start_month: annual tier limits need the month the tier year \
                 starts in (1–12, e.g. 1 for a calendar year)"
                    .to_owned()
            )
        );
        for m in [0, 13] {
            assert_eq!(
                err(
                    &format!(r#", "tier_basis": "year", "year_start_month": {m}"#),
                    WATER
                )
                .2,
                format!(
                    "items[0].rule.metered.year_start_month: the tier year's first month must be 1–12, got {m}"
                )
            );
        }
        assert_eq!(
            err(r#", "year_start_month": 1"#, WATER).2,
            "items[0].rule.metered.year_start_month: a year start applies to year tier limits only \
             (\"tier_basis\": \"year\")"
        );
        assert_eq!(
            err(
                r#", "tier_basis": "per_day", "reference_days": 30, "year_start_month": 1"#,
                WATER
            )
            .1,
            "items[0].rule.metered.year_start_month"
        );
        assert_eq!(
            err(
                r#", "tier_basis": "year", "year_start_month": 1, "reference_days": 30"#,
                WATER
            )
            .1,
            "items[0].rule.metered.reference_days"
        );
        assert_eq!(
            err(
                r#", "tier_basis": "year", "year_start_month": 1"#,
                r#"[{"up_to": "260", "price": "5.00"}, {"up_to": "180", "price": "7.00"}, {"price": "9.00"}]"#
            ),
            (
                "not_increasing",
                "items[0].rule.metered.tiers[1].up_to".to_owned(),
                "items[0].rule.metered.tiers[1].up_to: tier bounds must increase: 180 is not above 260".to_owned()
            )
        );
        let (code, path, _) = err(r#", "tier_basis": "year", "year_start_month": -1"#, WATER);
        assert_eq!(
            (code, path.as_str()),
            ("json", "items[0].rule.metered.year_start_month")
        );
    }

    /// Annual tiers and a metered frequency other than monthly are version 3; both
    /// read back unchanged.
    #[test]
    fn annual_tiers_and_metered_frequency_are_written_as_version_3() {
        let s = yearly(7);
        let json = s.to_json();
        assert!(json.contains("\"format_version\": 3"), "{json}");
        assert!(json.contains("\"tier_basis\": \"year\""), "{json}");
        assert!(json.contains("\"year_start_month\": 7"), "{json}");
        assert_eq!(FeeSchedule::from_json(&json).unwrap(), s);
        let quarterly = schedule(&[item("water", "water", WATER, "").replace(
            r#""effective_from""#,
            r#""frequency": "quarterly", "effective_from""#,
        )])
        .unwrap();
        assert!(quarterly.to_json().contains("\"format_version\": 3"));
        assert_eq!(
            FeeSchedule::from_json(&quarterly.to_json()).unwrap(),
            quarterly
        );
        let monthly = schedule(&[item("water", "water", WATER, "")]).unwrap();
        assert!(monthly.to_json().contains("\"format_version\": 2"));
    }

    /// A quarterly-read meter (Beijing water, annual tiers, billed quarterly): read on
    /// Oct 31 2025 (0), Jan 31 (60), Apr 30 (150), May 31 (170, between billing
    /// months) and Jul 31 2026 (200). Bills in January, April and July only; no line
    /// and no missing reading in the months between.
    /// January: 0 → 60, year to date 0: 60 × 5.00 = 300.00.
    /// April: 60 → 150, year to date 60: 90 × 5.00 = 450.00.
    /// July: 150 → 200 (the May reading is inside the quarter, not lost), year to
    /// date 150: 30 × 5.00 + 20 × 7.00 = 150.00 + 140.00 = 290.00.
    /// Together 1040.00 = 180 × 5.00 + 20 × 7.00, the year's 200 m³ at once.
    #[test]
    fn a_quarterly_metered_item_bills_in_its_reading_months_only() {
        let e = estate(
            &["Q"],
            &[meter(
                "W-Q",
                "Q",
                "water",
                &[
                    ("2025-10-31", "0"),
                    ("2026-01-31", "60"),
                    ("2026-04-30", "150"),
                    ("2026-05-31", "170"),
                    ("2026-07-31", "200"),
                ],
            )],
        );
        let s = schedule(&[item(
            "water",
            "water",
            WATER,
            r#", "tier_basis": "year", "year_start_month": 1"#,
        )
        .replace(
            r#""effective_from""#,
            r#""frequency": "quarterly", "effective_from""#,
        )])
        .unwrap();
        let none = BillingInputs::default();
        let by_month: Vec<Vec<String>> = (1..=9)
            .map(|m| {
                let r = run(&e, &s, 2026, m, &none);
                assert!(r.exceptions.is_empty(), "month {m}: {:?}", r.exceptions);
                amounts(&r, "Q")
            })
            .collect();
        let empty: Vec<String> = Vec::new();
        assert_eq!(
            by_month,
            [
                vec!["300.00".to_owned()],
                empty.clone(),
                empty.clone(),
                vec!["450.00".to_owned()],
                empty.clone(),
                empty.clone(),
                vec!["290.00".to_owned()],
                empty.clone(),
                empty,
            ]
        );
        let july = run(&e, &s, 2026, 7, &none);
        assert_eq!(
            july.bill("Q").unwrap().lines[0].explain(Lang::ZhCn),
            "水表 W-Q：(200 − 150) × 1 = 50；年度累计 150（阶梯年度自 2026-01-01 起）；30 × 5.00 + 20 × 7.00 = 290.00"
        );
        // October has no reading yet: a strict run fails naming the meter and the
        // months its bill covers.
        let strict = BillingInputs {
            strict: true,
            ..BillingInputs::default()
        };
        let err =
            bill_estate(&e, &s, BillingPeriod::month(2026, 10).unwrap(), &strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "meters[W-Q]: meter \"W-Q\" has no reading between 2026-08-01 and 2026-10-31"
        );
    }
}
