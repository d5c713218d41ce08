//! Property tests of the fee engine: pooled shares sum exactly, payments never create
//! or lose money, penalties are non-negative, monotonic and capped, and splitting a
//! service period changes the prorated total by at most one minor unit per split.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, NaiveDate};
use estatekit::fees::calc::{
    CountFrom, DayCount, PenaltyCap, PenaltyPolicy, PrincipalPayment, late_penalties, late_penalty,
    late_penalty_batch, penalty_exact, prorate,
};
use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};
use estatekit::fees::pooled::{Basis, BasisWeight, PoolUnit, SplitMethod, split};
use estatekit::money::{RoundingMode, RoundingPolicy};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(offset)
}

fn method() -> impl Strategy<Value = SplitMethod> {
    prop_oneof![
        Just(SplitMethod::Area),
        Just(SplitMethod::Equal),
        Just(SplitMethod::Usage),
        Just(SplitMethod::Occupants),
        // Hybrid weights sum to 1 (`split` refuses any others).
        (1u32..100).prop_map(|a| SplitMethod::Hybrid(vec![
            BasisWeight {
                basis: Basis::Occupants,
                weight: Decimal::new(i64::from(a), 2)
            },
            BasisWeight {
                basis: Basis::Area,
                weight: Decimal::new(i64::from(100 - a), 2)
            },
        ])),
    ]
}

/// A principal: usually an everyday amount, sometimes one whose penalty needs more
/// than 32 or 64 bits of minor units, or a negative one (an error).
fn principal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        6 => (0i64..10_000_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
        2 => (0i64..i64::MAX, 0u32..8).prop_map(|(m, s)| Decimal::new(m, s)),
        1 => (any::<i128>(), 0u32..28).prop_map(|(m, s)| {
            Decimal::try_from_i128_with_scale(m % 79_228_162_514_264_337_593_543_950_335, s)
                .unwrap_or(Decimal::MAX)
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The batch paths (integer fast path, 32-bit storage with values kept aside)
    /// give exactly the item-by-item penalties, in every rounding mode and scale.
    #[test]
    fn penalty_batch_is_the_item_by_item_penalty(
        items in prop::collection::vec((principal(), -30i64..400), 0..24),
        rate in (0i64..200_000, 0u32..9).prop_map(|(m, s)| Decimal::new(m, s)),
        mode in 0usize..4,
        scale in 0u32..5,
        grace in 0u32..40,
        from_grace_end in any::<bool>(),
    ) {
        let items: Vec<(Decimal, NaiveDate)> = items.iter().map(|&(p, d)| (p, day(d))).collect();
        let mut policy = PenaltyPolicy::daily(rate);
        // Rates up to 2,000 a day reach the overflow paths.
        policy.allow_high_rate = true;
        policy.grace_days = grace;
        if from_grace_end {
            policy.count_from = CountFrom::GraceEnd;
        }
        let rounding = RoundingPolicy::new(scale, RoundingMode::ALL[mode]).unwrap();
        let as_of = day(365);
        let expected: Result<Vec<Decimal>, _> = items
            .iter()
            .map(|&(p, due)| late_penalty(p, due, as_of, &policy, &rounding))
            .collect();
        let batch = late_penalty_batch(&items, as_of, &policy, &rounding);
        let list = late_penalties(&items, as_of, &policy, &rounding);
        match expected {
            Ok(expected) => {
                let text = |v: &[Decimal]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
                let batch = batch.unwrap();
                prop_assert_eq!(text(&batch.to_vec()), text(&expected));
                prop_assert_eq!(text(&list.unwrap()), text(&expected));
                for (i, e) in expected.iter().enumerate() {
                    prop_assert_eq!(batch.get(i).map(|v| v.to_string()), Some(e.to_string()));
                }
                prop_assert_eq!(batch.get(expected.len()), None);
                // The exact sum, in i128 at the largest scale; `Decimal` addition
                // would round sums of 29 digits.
                let top = expected.iter().map(|v| v.normalize().scale()).max().unwrap_or(0);
                let exact = expected.iter().try_fold(0i128, |a, v| {
                    let v = v.normalize();
                    a.checked_add(v.mantissa().checked_mul(10i128.checked_pow(top - v.scale())?)?)
                });
                // Representable exactly: at `top`, or with trailing zeros dropped.
                let fits = |mut m: i128, mut s: u32| loop {
                    if let Ok(d) = Decimal::try_from_i128_with_scale(m, s) {
                        break Some(d);
                    }
                    if s == 0 || m % 10 != 0 {
                        break None;
                    }
                    (m, s) = (m / 10, s - 1);
                };
                match exact.and_then(|m| fits(m, top)) {
                    Some(sum) => prop_assert_eq!(batch.total().unwrap(), sum),
                    None => prop_assert!(batch.total().is_err()),
                }
            }
            Err(e) => {
                let first_bad = items.iter().position(|&(p, due)| late_penalty(p, due, as_of, &policy, &rounding).is_err()).unwrap();
                let b = batch.unwrap_err();
                prop_assert_eq!(b.to_string().replace(&format!("items[{first_bad}]."), ""), e.to_string());
                prop_assert!(list.is_err());
            }
        }
    }

    #[test]
    fn pooled_shares_sum_exactly(
        total in 0i64..100_000_000,
        units in prop::collection::vec((1u32..50_000, 0u32..10_000, 0u32..8, 1u32..=100), 1..50),
        method in method(),
    ) {
        let pool: Vec<PoolUnit> = units.iter().enumerate().map(|(i, &(area, usage, occ, frac))| PoolUnit {
            id: format!("u{i}"),
            area: Decimal::new(i64::from(area), 2),
            usage: Decimal::new(i64::from(usage), 1),
            occupants: occ,
            fraction: Decimal::new(i64::from(frac), 2),
        }).collect();
        let amount = Decimal::new(total, 2);
        match split(amount, &pool, &method, &RoundingPolicy::default()) {
            Ok(s) => {
                prop_assert_eq!(s.shares.iter().map(|x| x.amount).sum::<Decimal>(), amount);
                prop_assert!(s.shares.iter().all(|x| x.amount >= Decimal::ZERO));
            }
            // Only a basis with nothing to split by may fail (e.g. no usage at all).
            Err(e) => prop_assert!(matches!(e.code(), "all_zero_weights" | "invalid"), "{}", e),
        }
    }

    #[test]
    fn payments_never_create_or_lose_money(
        charges in prop::collection::vec((0i64..120, 1i64..100_000), 1..8),
        payments in prop::collection::vec((0i64..200, 1i64..80_000), 1..10),
        principal_first in any::<bool>(),
    ) {
        let order = if principal_first { PaymentOrder::PrincipalFirst } else { PaymentOrder::PenaltyFirst };
        let mut l = Ledger::new("u", RoundingPolicy::default(), order);
        let billed: Decimal = charges.iter().map(|&(_, a)| Decimal::new(a, 2)).sum();
        for (i, &(due, amount)) in charges.iter().enumerate() {
            let c = ChargeInput::new(format!("c{i}"), "fee", day(due), Decimal::new(amount, 2))
                .with_penalty(PenaltyPolicy::daily(Decimal::new(5, 4)));
            l.add_charge(c, day(0)).unwrap();
        }
        let mut paid = Decimal::ZERO;
        let mut sorted = payments.clone();
        sorted.sort();
        for (i, &(date, amount)) in sorted.iter().enumerate() {
            let r = l.pay(&format!("p{i}"), Decimal::new(amount, 2), day(date)).unwrap();
            let applied: Decimal = r.applied.iter().map(|a| a.principal + a.penalty).sum();
            prop_assert_eq!(applied + r.to_prepaid, r.amount);
            paid += r.amount;
        }
        let (total_paid, principal, penalty, prepaid) = l.money_flow();
        prop_assert_eq!(total_paid, paid);
        prop_assert_eq!(total_paid, principal + penalty + prepaid);
        prop_assert!(principal <= billed);
        prop_assert!(l.charges().iter().all(|c| c.outstanding_principal() >= Decimal::ZERO));
        prop_assert!(prepaid >= Decimal::ZERO);
    }

    #[test]
    fn penalty_is_non_negative_monotonic_and_capped(
        principal in 0i64..10_000_000,
        rate in 0i64..100,
        grace in 0u32..20,
        grace_end in any::<bool>(),
        cap in prop::option::of(0i64..200),
        pays in prop::collection::vec((1i64..200, 0i64..5_000_000), 0..4),
        a in 0i64..400,
        b in 0i64..400,
    ) {
        let mut p = PenaltyPolicy::daily(Decimal::new(rate, 4));
        p.grace_days = grace;
        if grace_end { p.count_from = estatekit::fees::calc::CountFrom::GraceEnd; }
        p.cap = cap.map(|c| PenaltyCap::Fraction(Decimal::new(c, 2)));
        let payments: Vec<PrincipalPayment> = pays.iter().map(|&(d, amt)| PrincipalPayment { date: day(d), amount: Decimal::new(amt, 2) }).collect();
        let principal = Decimal::new(principal, 2);
        let (early, late) = (day(a.min(b)), day(a.max(b)));
        let pe = penalty_exact(principal, day(0), early, &p, &payments).unwrap();
        let pl = penalty_exact(principal, day(0), late, &p, &payments).unwrap();
        prop_assert!(pe >= Decimal::ZERO);
        prop_assert!(pe <= pl, "{} > {}", pe, pl);
        if let Some(c) = cap {
            prop_assert!(pl <= principal * Decimal::new(c, 2));
        }
    }

    #[test]
    fn splitting_a_service_period_moves_the_total_by_at_most_a_minor_unit(
        amount in 0i64..100_000_000,
        start in 0i64..28,
        len in 1i64..28,
        cut in 0i64..27,
        thirty in any::<bool>(),
    ) {
        let conv = if thirty { DayCount::Thirty360 } else { DayCount::Actual };
        let p = RoundingPolicy::default();
        let (ps, pe) = (NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
        let s = ps + Duration::days(start);
        let e = (s + Duration::days(len)).min(pe);
        let m = (s + Duration::days(cut)).min(e);
        let amount = Decimal::new(amount, 2);
        let whole = prorate(amount, ps, pe, s, e, conv, &p).unwrap();
        let first = prorate(amount, ps, pe, s, m, conv, &p).unwrap();
        let second = if m < e { prorate(amount, ps, pe, m + Duration::days(1), e, conv, &p).unwrap() } else { Decimal::ZERO };
        prop_assert!((first + second - whole).abs() <= p.minor_unit(), "{} + {} vs {}", first, second, whole);
    }
}

fn due_rule() -> impl Strategy<Value = estatekit::fees::schedule::DueRule> {
    use estatekit::fees::schedule::DueRule;
    prop_oneof![
        (0u32..=3650).prop_map(DueRule::DaysAfterIssue),
        (1u32..=31).prop_map(DueRule::DayOfNextMonth),
        (1u32..=31).prop_map(DueRule::DayOfMonth),
    ]
}

proptest! {
    /// No rule makes a bill due before it is issued, on any date of years 1–9998;
    /// month rules land on their day, clamped to the month's length, within a month.
    #[test]
    fn due_is_never_before_issue(rule in due_rule(), offset in 0i64..3_652_059) {
        use chrono::Datelike;
        use estatekit::fees::schedule::DueRule;
        // 0001-01-01 plus up to 3,652,058 days: 9998-12-31 at most.
        let issued = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + Duration::days(offset);
        prop_assume!(issued.year() <= 9998);
        let due = rule.due_date(issued).unwrap();
        prop_assert!(due >= issued, "{rule:?} issued {issued}: due {due}");
        match rule {
            DueRule::DaysAfterIssue(n) => prop_assert_eq!((due - issued).num_days(), i64::from(n)),
            DueRule::DayOfNextMonth(day) | DueRule::DayOfMonth(day) => {
                let last = due.with_day(1).unwrap().checked_add_months(chrono::Months::new(1))
                    .unwrap().pred_opt().unwrap().day();
                prop_assert_eq!(due.day(), day.min(last));
                prop_assert!((due - issued).num_days() <= 62);
                if let DueRule::DayOfNextMonth(_) = rule {
                    prop_assert_eq!(due.month0(), (issued.month0() + 1) % 12);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Annual (cumulative) tiers: the twelve monthly bills of a tier year (starting in
    /// any month) sum to the bill of the year's total consumption under the same tiers:
    /// exactly before rounding (the block parts of the months add up), and to within
    /// one minor unit a month after (each month is rounded once).
    #[test]
    fn annual_tier_bills_over_a_year_sum_to_the_bill_of_the_total(
        start_month in 1u32..=12,
        monthly in proptest::collection::vec(0i64..=40_000, 12),
        widths in (1i64..=20_000, 1i64..=20_000),
        prices in (0i64..=1_000, 0i64..=1_000, 0i64..=1_000),
    ) {
        use estatekit::estate::Estate;
        use estatekit::fees::billing::{BillingInputs, BillingPeriod, Explanation, bill_estate};
        use estatekit::fees::calc::{Tier, tiered_cost};
        use estatekit::fees::schedule::FeeSchedule;

        let hundredths = |n: i64| Decimal::new(n, 2);
        let first = NaiveDate::from_ymd_opt(2026, start_month, 1).unwrap();
        let month = |k: u32| first.checked_add_months(chrono::Months::new(k)).unwrap();
        // Read the day before the tier year starts, then at the end of each month.
        let mut readings = vec![format!(r#"{{"date": "{}", "value": "0"}}"#, first.pred_opt().unwrap())];
        let mut register = 0;
        for (k, used) in (0u32..).zip(&monthly) {
            register += used;
            readings.push(format!(
                r#"{{"date": "{}", "value": "{}"}}"#,
                month(k + 1).pred_opt().unwrap(),
                hundredths(register)
            ));
        }
        let estate = Estate::from_json(&format!(
            r#"{{"id": "e", "name": "E", "currency": "CNY", "buildings": [{{"id": "B", "name": "B"}}],
                "units": [{{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
                  "gross_area": "80", "occupants": 2, "status": "occupied", "delivered_on": "2020-01-01",
                  "status_since": "2020-01-01"}}],
                "meters": [{{"id": "W", "unit_id": "A", "kind": "water", "readings": [{}]}}]}}"#,
            readings.join(", ")
        ))
        .unwrap();
        let tiers = [
            Tier { up_to: Some(hundredths(widths.0)), price: hundredths(prices.0) },
            Tier { up_to: Some(hundredths(widths.0 + widths.1)), price: hundredths(prices.1) },
            Tier { up_to: None, price: hundredths(prices.2) },
        ];
        let schedule = FeeSchedule::from_json(&format!(
            r#"{{"items": [{{"code": "water", "name_zh": "水费", "name_en": "Water",
               "rule": {{"metered": {{"meter_kind": "water", "tier_basis": "year", "year_start_month": {start_month},
                 "tiers": [{{"up_to": "{}", "price": "{}"}}, {{"up_to": "{}", "price": "{}"}}, {{"price": "{}"}}]}}}},
               "effective_from": "2020-01-01"}}]}}"#,
            tiers[0].up_to.unwrap(), tiers[0].price, tiers[1].up_to.unwrap(), tiers[1].price, tiers[2].price
        ))
        .unwrap();
        let (mut billed, mut exact) = (Decimal::ZERO, Decimal::ZERO);
        for k in 0..12 {
            let m = month(k);
            let period = BillingPeriod::month(chrono::Datelike::year(&m), chrono::Datelike::month(&m)).unwrap();
            let run = bill_estate(&estate, &schedule, period, &BillingInputs::default()).unwrap();
            prop_assert!(run.exceptions.is_empty());
            let bill = run.bill("A").unwrap();
            let line = &bill.lines[0];
            billed += line.amount;
            let Explanation::Metered(e) = &line.explanation else {
                panic!("a metered line");
            };
            exact += e.tiers.iter().map(|t| t.amount).sum::<Decimal>();
        }
        let (whole, _) = tiered_cost(hundredths(register), &tiers, "tiers").unwrap();
        prop_assert_eq!(exact, whole);
        let rounded = RoundingPolicy::default().round(whole);
        prop_assert!((billed - rounded).abs() <= Decimal::new(12, 2), "{} vs {}", billed, rounded);
    }
}
