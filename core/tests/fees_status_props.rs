//! Property test of status changes within a period (issue 20): a unit whose status
//! changes on any day of a month is billed, for an area item with a factor per status,
//! the two-part amount computed by hand — the days before the change at the first
//! status's factor, the days from the change on at the second's:
//!
//! `area × rate × (days before × factor before + days after × factor after) ÷ days in the month`
//!
//! (e.g. 89.50 m² × 3.70 × (15 × 100 % + 16 × 70 %) ÷ 31 = 279.88, the worked example
//! of `fees_tariffs.rs`). The expected amount is computed here in exact integer and
//! `Decimal` arithmetic, not through the code under test.
#![allow(clippy::unwrap_used)]

use chrono::{Datelike, Months, NaiveDate};
use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::i18n::Lang;
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

/// Statuses a delivered unit can hold, with their English explanation labels.
const STATUSES: [(&str, &str); 4] = [
    ("delivered", "delivered, vacant"),
    ("occupied", "occupied"),
    ("decorating", "decorating"),
    ("rented", "rented"),
];

/// A unit of `area` m² holding `before` from 2020 and `after` from `change`.
fn estate(area: Decimal, before: &str, after: &str, change: NaiveDate) -> Estate {
    let occupants = if after == "delivered" { 0 } else { 1 };
    Estate::from_json(&format!(
        r#"{{"id": "e", "name": "E", "currency": "CNY", "buildings": [{{"id": "B", "name": "B"}}],
            "units": [{{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
              "gross_area": "{area}", "occupants": {occupants}, "status": "{after}",
              "delivered_on": "2020-01-01", "status_since": "{change}"}}],
            "status_history": [{{"unit_id": "A", "status": "{before}", "since": "2020-01-01"}}]}}"#
    ))
    .unwrap()
}

/// An area item at `rate` a m² a month, with a factor for each of the two statuses.
fn schedule(rate: Decimal, factors: [(&str, Decimal); 2]) -> FeeSchedule {
    let [(s1, f1), (s2, f2)] = factors;
    FeeSchedule::from_json(&format!(
        r#"{{"items": [{{"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
           "rule": {{"area": {{"rate": "{rate}"}}}},
           "status_factors": [{{"status": "{s1}", "factor": "{f1}"}}, {{"status": "{s2}", "factor": "{f2}"}}],
           "effective_from": "2020-01-01"}}]}}"#
    ))
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A status change on any day of a month (28 to 31 days) gives the hand-computed
    /// two-part amount within one minor unit; the explanation shows both parts.
    #[test]
    fn a_status_change_on_any_day_gives_the_hand_computed_two_part_amount(
        year in 2024i32..=2029,
        month in 1u32..=12,
        day_seed in 0u32..1000,
        area_cents in 1000i64..=50000,
        rate_cents in 1i64..=2000,
        pct_before in 0u32..=100,
        pct_after in 0u32..=100,
        pair in (0usize..4, 1usize..4),
    ) {
        let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
        let days = (first + Months::new(1) - first).num_days();
        prop_assert!((28..=31).contains(&days));
        // The change on day 2 to the last day: `before_days` ≥ 1 days before it.
        let change_day = day_seed % (u32::try_from(days).unwrap() - 1) + 2;
        let change = first.with_day(change_day).unwrap();
        let before_days = i64::from(change_day) - 1;
        let after_days = days - before_days;
        let (before, after) = (STATUSES[pair.0], STATUSES[(pair.0 + pair.1) % 4]);
        let area = Decimal::new(area_cents, 2);
        let rate = Decimal::new(rate_cents, 2);
        let factor = |pct: u32| Decimal::new(i64::from(pct), 2);

        let run = bill_estate(
            &estate(area, before.0, after.0, change),
            &schedule(rate, [(before.0, factor(pct_before)), (after.0, factor(pct_after))]),
            BillingPeriod::month(year, month).unwrap(),
            &BillingInputs::default(),
        )
        .unwrap();
        let amount = run.bill("A").map_or(Decimal::ZERO, |b| b.lines[0].amount);

        // By hand: area_cents × rate_cents × (before_days × pct_before + after_days ×
        // pct_after) is area × rate × Σ(days × factor) in millionths (cents × cents ×
        // percent), i.e. the month's two-part charge × days × 10⁶.
        let weighted = before_days * i64::from(pct_before) + after_days * i64::from(pct_after);
        let numerator = i128::from(area_cents) * i128::from(rate_cents) * i128::from(weighted);
        let exact = Decimal::from_i128_with_scale(numerator, 6) / Decimal::from(days);
        let expected = exact.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        prop_assert!(
            (amount - expected).abs() <= Decimal::new(1, 2),
            "{amount} vs {expected} = {area} × {rate} × ({before_days} × {pct_before}% + {after_days} × {pct_after}%) / {days}"
        );
        // Exactly, in integers: amount × days × 10⁶ differs from the numerator by at
        // most half a minor unit (5 000) per day, the amount being the exact value
        // rounded to 0.01.
        let mut cents = amount;
        cents.rescale(2);
        let amount_units = cents.mantissa() * 10_000 * i128::from(days);
        prop_assert!(
            (amount_units - numerator).abs() * 2 <= 10_000 * i128::from(days),
            "{amount} is not {area} × {rate} × ({before_days} × {pct_before}% + {after_days} × {pct_after}%) / {days} rounded"
        );

        if pct_before != pct_after {
            let text = run.bill("A").unwrap().lines[0].explain(Lang::En);
            let parts = format!(
                "({before_days}/{days} days {} × {pct_before}% + {after_days}/{days} days {} × {pct_after}%) = {amount}",
                before.1, after.1
            );
            prop_assert!(text.ends_with(&parts), "{text} does not end with {parts}");
        }
    }
}
