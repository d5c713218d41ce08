//! Issue 19, point 2: every amount leaving the core carries the estate's (or the
//! ledger's) scale, so that `equals` on a decimal that keeps its scale (Java's
//! `BigDecimal`, Python's `Decimal` as text) agrees with `compareTo`. The Javadoc of
//! `java.math.BigDecimal.equals` gives the outside example: "2.0 is not equal to 2.00
//! when compared by this method" — hence `0.00`, never `0`, and `43.47`, never `43.470`.
#![allow(clippy::unwrap_used)]

use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::money::{RoundingMode, RoundingPolicy};
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

const POOLED: &str = r#"{"format_version": 1, "items": [
  {"code": "common_electricity", "name_zh": "公共电费", "name_en": "Common electricity",
   "effective_from": "2020-01-01",
   "rule": {"pooled": {"source": "given", "method": "equal",
                       "deduction": {"percent": "5"}, "admin_fee": {"percent": "2.5"}}}}]}"#;

#[test]
fn a_pools_figures_are_at_the_estates_scale_and_add_up() {
    // 869.40 × 5 % = 43.470 and × 2.5 % = 21.735: shown (and summed) as 43.47 and 21.74.
    let schedule = FeeSchedule::from_json(POOLED).unwrap();
    let inputs = BillingInputs::default().with_pooled("common_electricity", dec("869.4"));
    let run = bill_estate(
        &Estate::demo(),
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    let p = &run.pools[0];
    let shown = [
        p.source_amount,
        p.deduction,
        p.admin_fee,
        p.split_amount,
        p.shares_total,
        p.adjustment,
        p.set_aside,
    ]
    .map(|d| d.to_string());
    assert_eq!(
        shown[..5],
        ["869.40", "43.47", "21.74", "847.67", "847.67"].map(String::from)
    );
    // 869.40 − 43.47 + 21.74, exactly, as a person recomputes it from the summary.
    assert_eq!(p.source_amount - p.deduction + p.admin_fee, p.split_amount);
    assert!(
        shown[5..]
            .iter()
            .all(|s| s.split('.').nth(1).map(str::len) == Some(2))
    );
    let json = run.to_json();
    assert!(json.contains(r#""deduction": "43.47""#), "{json}");
    assert!(json.contains(r#""admin_fee": "21.74""#), "{json}");
    // An unadjusted share's adjustment is 0.00, not 0.
    assert!(!json.contains(r#""adjustment": "0""#), "{json}");
}

#[test]
fn no_deduction_is_a_zero_at_the_scale() {
    let schedule = FeeSchedule::from_json(&POOLED.replace(
        r#",
                       "deduction": {"percent": "5"}, "admin_fee": {"percent": "2.5"}"#,
        "",
    ))
    .unwrap();
    let inputs = BillingInputs::default().with_pooled("common_electricity", dec("100"));
    let run = bill_estate(
        &Estate::demo(),
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    let p = &run.pools[0];
    assert_eq!(
        [p.source_amount, p.deduction, p.admin_fee].map(|d| d.to_string()),
        ["100.00", "0.00", "0.00"]
    );
}

#[test]
fn a_ledgers_zeros_and_payments_carry_its_scale() {
    for (scale, zero, paid, prepaid) in [
        (2, "0.00", "150.00", "50.00"),
        (3, "0.000", "150.000", "50.000"),
        (0, "0", "150", "50"),
    ] {
        let policy = RoundingPolicy::new(scale, RoundingMode::HalfUp).unwrap();
        let mut l = Ledger::new("1-101", policy, PaymentOrder::default());
        assert_eq!(l.prepaid().to_string(), zero);
        let r = l.reminder(day("2026-01-01")).unwrap();
        assert_eq!(
            (r.total_due.to_string(), r.prepaid.to_string()),
            (zero.into(), zero.into())
        );
        l.add_charge(
            ChargeInput::new("c", "x", day("2026-01-15"), dec("100")),
            day("2026-01-01"),
        )
        .unwrap();
        // Trailing zeros beyond the scale are normalised, not refused.
        let p = l.pay("P1", dec("150.000"), day("2026-01-10")).unwrap();
        assert_eq!(
            (p.amount.to_string(), p.to_prepaid.to_string()),
            (paid.into(), prepaid.into())
        );
        assert_eq!(l.prepaid().to_string(), prepaid);
        assert!(l.to_json().contains(&format!("\"prepaid\": \"{prepaid}\"")));
    }
}

#[test]
fn a_document_at_another_scale_is_read_at_the_ledgers() {
    let mut l = Ledger::new("1-101", RoundingPolicy::default(), PaymentOrder::default());
    l.add_charge(
        ChargeInput::new("c", "x", day("2026-01-15"), dec("100")),
        day("2026-01-01"),
    )
    .unwrap();
    l.pay("P1", dec("150"), day("2026-01-10")).unwrap();
    let json = l.to_json();
    let odd = json
        .replace("\"150.00\"", "\"150.000\"")
        .replace("\"100.00\"", "\"100.0\"")
        .replace("\"50.00\"", "\"50.000\"");
    assert_ne!(odd, json);
    let read = Ledger::from_json(&odd).unwrap();
    assert_eq!(read.to_json(), json);
    assert_eq!(read.prepaid().to_string(), "50.00");
    assert_eq!(read.payments()[0].amount.to_string(), "150.00");
}
