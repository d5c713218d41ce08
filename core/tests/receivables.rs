//! The month's accounts: the per-unit ledger in date order and the estate's book
//! (`Receivables`): retried postings and imports, back-dated payments, prepaid money
//! that is never dunned, exact penalties at realistic rates.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, NaiveDate};
use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::calc::{PenaltyPolicy, late_penalty};
use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};
use estatekit::fees::receivables::{PaymentRow, Receivables};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::money::{RoundingMode, RoundingPolicy};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("test decimal")
}

fn day(n: i64) -> NaiveDate {
    d("2026-01-01") + Duration::days(n)
}

fn daily(rate: &str) -> PenaltyPolicy {
    PenaltyPolicy::daily(dec(rate))
}

/// 18 % a year given as a daily rate: 0.18 / 365 has 28 significant digits.
fn yearly_18() -> PenaltyPolicy {
    PenaltyPolicy::daily(dec("0.18") / Decimal::from(365))
}

fn ledger(order: PaymentOrder) -> Ledger {
    Ledger::new("1-101", RoundingPolicy::default(), order)
}

// ---- Hardening 1, item 1: a realistic rate must not brick a ledger ----------------

#[test]
fn a_yearly_rate_given_as_daily_keeps_the_ledger_usable() {
    let mut l = ledger(PaymentOrder::PenaltyFirst);
    l.add_charge(
        ChargeInput::new("c", "management", d("2026-01-01"), dec("1000.00"))
            .with_penalty(yearly_18()),
        d("2026-01-01"),
    )
    .unwrap();
    // 30 days on 1000.00 at 0.18/365: 14.7945… → 14.79, paid first; 385.21 principal.
    let r = l.pay("P1", dec("400.00"), d("2026-01-31")).unwrap();
    assert_eq!(
        (
            r.applied[0].penalty.to_string(),
            r.applied[0].principal.to_string()
        ),
        ("14.79".into(), "385.21".into())
    );
    // As of Mar 2: 30 days on 1000.00 + 30 days on 614.79 = 48,443.70 amount-days
    // × 0.18/365 = 23.8900… → 23.89 accrued, 14.79 paid: 9.10 owed. (Before: an
    // overflow error adding two 28-digit segment penalties, in every operation.)
    assert_eq!(l.penalty("c", d("2026-03-02")).unwrap().to_string(), "9.10");
    let reminder = l.reminder(d("2026-03-02")).unwrap();
    assert_eq!(reminder.total_due.to_string(), "623.89");
    assert_eq!(
        l.waive("c", Some(dec("1.10")), "goodwill", d("2026-03-02"))
            .unwrap()
            .to_string(),
        "1.10"
    );
    let r = l.pay("P2", dec("622.79"), d("2026-03-02")).unwrap();
    assert_eq!(r.to_prepaid.to_string(), "0.00");
    assert_eq!(
        l.balance(d("2026-03-02"))
            .unwrap()
            .principal_outstanding
            .to_string(),
        "0.00"
    );
    assert_eq!(l.penalty("c", d("2026-12-31")).unwrap().to_string(), "0.00");
}

#[test]
fn the_rate_is_validated_once_and_a_daily_rate_above_one_percent_needs_consent() {
    let mut l = ledger(PaymentOrder::PenaltyFirst);
    let e = l
        .add_charge(
            ChargeInput::new("c", "x", d("2026-01-01"), dec("10")).with_penalty(daily("0.18")),
            d("2026-01-01"),
        )
        .unwrap_err();
    assert_eq!((e.code(), e.path()), ("out_of_range", "penalty.daily_rate"));
    let mut allowed = daily("0.18");
    allowed.allow_high_rate = true;
    l.add_charge(
        ChargeInput::new("c", "x", d("2026-01-01"), dec("10")).with_penalty(allowed),
        d("2026-01-01"),
    )
    .unwrap();
    assert_eq!(
        l.penalty("c", d("2026-01-11")).unwrap().to_string(),
        "18.00"
    );
}

#[test]
fn a_penalty_that_cannot_be_held_at_the_amounts_scale_is_an_error() {
    // Before: 36520580000000000000000000000 at scale 0 from a principal at scale 2.
    let mut p = daily("0.01");
    p.allow_high_rate = true;
    let scale0 = RoundingPolicy::new(0, RoundingMode::HalfUp).unwrap();
    let big = dec("10000000000000000000000000.00");
    let e = late_penalty(big, d("0001-01-01"), d("9999-12-31"), &p, &scale0).unwrap_err();
    assert_eq!((e.code(), e.path()), ("overflow", "penalty"));
    // An everyday one is exact whatever the rate's length.
    let v = late_penalty(
        dec("331.15"),
        d("2026-10-15"),
        d("2026-11-14"),
        &yearly_18(),
        &RoundingPolicy::default(),
    );
    assert_eq!(v.unwrap().to_string(), "4.90"); // 331.15 × 30 × 0.18/365 = 4.8993…
}

// ---- Hardening 1, item 4: ledger semantics ---------------------------------------

#[test]
fn a_deferral_after_a_penalty_was_paid_credits_it() {
    let mut l = ledger(PaymentOrder::PenaltyFirst);
    l.add_charge(
        ChargeInput::new("c", "x", d("2026-01-01"), dec("500.00")).with_penalty(daily("0.003")),
        d("2026-01-01"),
    )
    .unwrap();
    // 10 days late: 15.00 penalty, then 85.00 principal.
    let r = l.pay("P1", dec("100.00"), d("2026-01-11")).unwrap();
    assert_eq!(r.applied[0].penalty.to_string(), "15.00");
    // The deferral to Feb 1 is approved: no day was late, the 15.00 goes to principal.
    l.defer("c", d("2026-02-01")).unwrap();
    let p = l.payment("P1").unwrap();
    assert_eq!(
        (
            p.applied[0].penalty.to_string(),
            p.applied[0].principal.to_string()
        ),
        ("0.00".into(), "100.00".into())
    );
    assert_eq!(l.charges()[0].outstanding_principal().to_string(), "400.00");
    let (paid, principal, penalty, prepaid) = l.money_flow();
    assert_eq!(paid, principal + penalty + prepaid);
}

#[test]
fn a_waiver_dated_later_does_not_waive_earlier_penalties_or_more_than_owed() {
    let mut l = ledger(PaymentOrder::PenaltyFirst);
    l.add_charge(
        ChargeInput::new("c", "x", d("2026-01-01"), dec("1000.00")).with_penalty(daily("0.003")),
        d("2026-01-01"),
    )
    .unwrap();
    // A waiver dated far ahead: all the penalty owed on that day (3.00 a day).
    let w = l
        .waive("c", None, "board decision", d("2269-06-01"))
        .unwrap();
    assert_eq!(w.to_string(), "266715.00"); // 88,905 days × 3.00
    // It does not reach back: on Feb 1 the 93.00 of January is owed.
    assert_eq!(
        l.penalty("c", d("2026-02-01")).unwrap().to_string(),
        "93.00"
    );
    // A payment dated before the waiver and recorded after it: the waiver counts only
    // up to what is owed on its day.
    l.pay("P1", dec("1093.00"), d("2026-02-01")).unwrap();
    assert_eq!(l.charges()[0].penalty_waived.to_string(), "0.00");
    assert_eq!(l.penalty("c", d("2269-06-01")).unwrap().to_string(), "0.00");
}

// ---- The month, item 2: payments in date order, whatever order they arrive in ------

#[test]
fn a_back_dated_payment_is_applied_in_date_order() {
    let build = |dates: [(&str, &str); 2]| {
        let mut l = ledger(PaymentOrder::PenaltyFirst);
        l.add_charge(
            ChargeInput::new("c", "x", d("2026-01-01"), dec("800.00")).with_penalty(daily("0.001")),
            d("2026-01-01"),
        )
        .unwrap();
        for (id, date) in dates {
            l.pay(id, dec("400.00"), d(date)).unwrap();
        }
        l
    };
    let in_order = build([("A", "2026-01-17"), ("B", "2026-01-25")]);
    let back_dated = build([("B", "2026-01-25"), ("A", "2026-01-17")]);
    // A on Jan 17: 16 days on 800 = 12.80 penalty; B on Jan 25: 8 days on 412.80.
    assert_eq!(
        in_order.payment("A").unwrap().applied[0]
            .penalty
            .to_string(),
        "12.80"
    );
    for l in [&in_order, &back_dated] {
        let a = l.payment("A").unwrap();
        let b = l.payment("B").unwrap();
        assert_eq!(a.applied[0].penalty.to_string(), "12.80");
        assert_eq!(a.applied[0].principal.to_string(), "387.20");
        assert_eq!(b.applied[0].penalty.to_string(), "3.30"); // 412.80 × 8 × 0.001
        assert_eq!(
            l.balance(d("2026-02-01")).unwrap(),
            in_order.balance(d("2026-02-01")).unwrap()
        );
    }
    // As of a day between the two payments the penalty is what was owed then.
    assert_eq!(
        back_dated
            .penalty("c", d("2026-01-20"))
            .unwrap()
            .to_string(),
        "1.24"
    );
    assert_eq!(
        back_dated
            .penalty("c", d("2026-01-16"))
            .unwrap()
            .to_string(),
        "12.00"
    );
}

#[test]
fn prepaid_money_settles_a_charge_on_its_issue_date_never_after_its_due_date() {
    let mut l = ledger(PaymentOrder::PenaltyFirst);
    l.pay("YEAR", dec("1200.00"), d("2026-01-05")).unwrap();
    for m in 1..=12u32 {
        let issued = NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
        l.add_charge(
            ChargeInput::new(
                format!("m{m}"),
                "management",
                issued + Duration::days(15),
                dec("100.00"),
            )
            .with_penalty(daily("0.0005")),
            issued,
        )
        .unwrap();
    }
    // January was issued before the money arrived: the payment settles it on Jan 5,
    // before its due date; every later month is settled by the prepaid balance on
    // its issue date.
    let year = l.payment("YEAR").unwrap();
    assert_eq!(
        (
            year.applied[0].charge_id.as_str(),
            year.to_prepaid.to_string()
        ),
        ("m1", "1100.00".into())
    );
    let dd = l.prepaid_applied();
    assert_eq!(
        (dd[0].charge_id.as_str(), dd[0].date),
        ("m2", d("2026-02-01"))
    );
    assert_eq!(
        (dd[10].charge_id.as_str(), dd[10].date),
        ("m12", d("2026-12-01"))
    );
    for as_of in [d("2026-03-20"), d("2026-12-31"), d("2027-06-30")] {
        assert!(
            l.reminder(as_of).unwrap().items.is_empty(),
            "dunned on {as_of}"
        );
    }
    assert_eq!(l.prepaid().to_string(), "0.00");
}

fn canonical(l: &Ledger) -> Vec<String> {
    let mut out: Vec<String> = l
        .payments()
        .iter()
        .map(|p| format!("{} {} {:?} {}", p.id, p.date, p.applied, p.to_prepaid))
        .collect();
    out.sort();
    for c in l.charges() {
        out.push(format!(
            "{} {:?} {} {}",
            c.id, c.principal_payments, c.penalty_paid, c.penalty_waived
        ));
    }
    out.push(format!("{:?}", l.prepaid_applied()));
    out.push(l.prepaid().to_string());
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any permutation of the same payments gives the same ledger, with penalties.
    #[test]
    fn any_permutation_of_payments_gives_the_same_ledger(
        charges in prop::collection::vec((0i64..90, 0i64..20, 1i64..100_000), 1..6),
        payments in prop::collection::vec((0i64..200, 1i64..60_000), 1..8),
        seed in any::<u64>(),
        principal_first in any::<bool>(),
    ) {
        let order = if principal_first { PaymentOrder::PrincipalFirst } else { PaymentOrder::PenaltyFirst };
        let build = |pays: &[(usize, (i64, i64))]| {
            let mut l = ledger(order);
            for (i, &(issue, after, amount)) in charges.iter().enumerate() {
                l.add_charge(
                    ChargeInput::new(format!("c{i}"), "fee", day(issue + after), Decimal::new(amount, 2))
                        .with_penalty(daily("0.0005")),
                    day(issue),
                ).unwrap();
            }
            for &(i, (date, amount)) in pays {
                l.pay(&format!("p{i}"), Decimal::new(amount, 2), day(date)).unwrap();
            }
            l
        };
        let indexed: Vec<(usize, (i64, i64))> = payments.iter().copied().enumerate().collect();
        let mut shuffled = indexed.clone();
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let a = build(&indexed);
        let b = build(&shuffled);
        prop_assert_eq!(canonical(&a), canonical(&b));
        // Money is conserved after every operation, and reloading changes nothing.
        let (paid, principal, penalty, prepaid) = b.money_flow();
        prop_assert_eq!(paid, principal + penalty + prepaid);
        let reloaded = Ledger::from_json(&b.to_json()).unwrap();
        prop_assert_eq!(canonical(&reloaded), canonical(&b));
    }

    /// An owner whose prepaid balance covers every charge is never charged a penalty.
    #[test]
    fn prepaid_covering_every_charge_is_never_penalised(
        charges in prop::collection::vec((0i64..300, 0i64..30, 1i64..50_000), 1..10),
        early in 0i64..300,
        as_of in 0i64..700,
    ) {
        let total: i64 = charges.iter().map(|c| c.2).sum();
        let mut l = ledger(PaymentOrder::PenaltyFirst);
        // The money arrives before the first charge is issued or at any time up to it.
        let first_issue = charges.iter().map(|c| c.0).min().unwrap_or(0);
        l.pay("PRE", Decimal::new(total, 2), day(early.min(first_issue))).unwrap();
        for (i, &(issue, after, amount)) in charges.iter().enumerate() {
            l.add_charge(
                ChargeInput::new(format!("c{i}"), "fee", day(issue + after), Decimal::new(amount, 2))
                    .with_penalty(daily("0.003")),
                day(issue),
            ).unwrap();
        }
        let b = l.balance(day(as_of)).unwrap();
        prop_assert!(b.penalty_accrued.is_zero(), "{:?}", b);
        prop_assert!(l.reminder(day(as_of)).unwrap().items.is_empty());
        prop_assert_eq!(b.billed + b.penalty_accrued - b.penalty_waived,
            b.principal_paid + b.penalty_paid + b.principal_outstanding + b.penalty_outstanding);
        prop_assert_eq!(b.paid, b.principal_paid + b.penalty_paid + b.prepaid);
    }

    /// Posting the same run again, any number of times, changes nothing.
    #[test]
    fn posting_is_idempotent(times in 1usize..4, subset in any::<bool>()) {
        let (estate, schedule, run) = october();
        let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
        let units: Vec<String> = vec!["1-101".into(), "1-102".into()];
        let first = book.post(&run, None, subset.then_some(&units[..])).unwrap();
        let json = book.to_json();
        for _ in 0..times {
            let again = book.post(&run, None, subset.then_some(&units[..])).unwrap();
            prop_assert_eq!((again.posted, again.already_posted, again.conflicts.len()), (0, first.posted, 0));
            prop_assert_eq!(book.to_json(), json.clone());
        }
    }
}

fn october() -> (Estate, FeeSchedule, estatekit::fees::billing::BillingRun) {
    let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
    let inputs = BillingInputs::default().with_pooled("common_electricity", dec("1000.00"));
    let run = bill_estate(
        &estate,
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    (estate, schedule, run)
}

// ---- The book ---------------------------------------------------------------------

#[test]
fn a_corrected_rerun_is_a_conflict_and_changes_nothing() {
    let (estate, schedule, run) = october();
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
    let first = book.post(&run, None, None).unwrap();
    assert_eq!(
        first.posted,
        run.bills().iter().map(|b| b.lines.len()).sum::<usize>()
    );
    let before = book.to_json();
    // The same month with another pooled amount: the pooled lines differ.
    let inputs = BillingInputs::default().with_pooled("common_electricity", dec("1200.00"));
    let rerun = bill_estate(
        &estate,
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    let res = book.post(&rerun, None, None).unwrap();
    assert_eq!(res.posted, 0);
    assert!(!res.conflicts.is_empty());
    assert_eq!(res.already_posted + res.conflicts.len(), first.posted);
    let c = &res.conflicts[0];
    assert_eq!(c.code(), "conflicting_repost");
    assert!(c.path().ends_with("/common_electricity"), "{}", c.path());
    assert_eq!(book.to_json(), before);
}

#[test]
fn payment_rows_are_applied_once_and_bad_rows_are_named() {
    let (estate, schedule, run) = october();
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
    book.post(&run, None, None).unwrap();
    let rows = vec![
        PaymentRow::new("1-101", dec("100.00"), d("2026-11-05"), "B-1"),
        PaymentRow::new("1-101", dec("100.00"), d("2026-11-05"), "B-1"), // bank file twice
        PaymentRow::new("1-101", dec("90.00"), d("2026-11-05"), "B-1"),  // same ref, other amount
        PaymentRow::new("Z-999", dec("10.00"), d("2026-11-05"), "B-2"),
        PaymentRow::new("1-102", dec("0"), d("2026-11-05"), "B-3"),
        PaymentRow::new("1-102", dec("0.001"), d("2026-11-05"), "B-4"),
        PaymentRow::new("1-102", dec("50"), d("2026-11-05"), " "),
    ];
    let res = book.apply_payments(&rows);
    assert_eq!(res.applied.len(), 1);
    assert_eq!(
        (
            res.already_applied[0].row,
            res.already_applied[0].reference.as_str()
        ),
        (2, "B-1")
    );
    let rejected: Vec<(usize, Option<&str>, &str, &str)> = res
        .rejected
        .iter()
        .map(|r| (r.row, r.reference.as_deref(), r.code(), r.path()))
        .collect();
    assert_eq!(
        rejected,
        [
            (3, Some("B-1"), "duplicate_ref", "ref"),
            (4, Some("B-2"), "unknown_reference", "unit_id"),
            (5, Some("B-3"), "non_positive_payment", "amount"),
            (6, Some("B-4"), "too_many_decimals", "amount"),
            (7, Some(" "), "empty_field", "ref"),
        ]
    );
    // The whole file again: every row already applied or rejected the same way.
    let again = book.apply_payments(&rows);
    assert_eq!((again.applied.len(), again.already_applied.len()), (0, 2));
    assert_eq!(again.rejected.len(), 5);
    // A reference is unique across the book, not per unit.
    let other = book.apply_payments(&[PaymentRow::new(
        "1-102",
        dec("100.00"),
        d("2026-11-05"),
        "B-1",
    )]);
    assert_eq!(other.rejected[0].code(), "duplicate_ref");
    // Amounts leave the book at the estate's scale.
    let b = book.balance("1-101", d("2026-11-05")).unwrap();
    assert_eq!(b.paid.to_string(), "100.00");
    let b = book.balance("1-102", d("2026-11-05")).unwrap();
    assert_eq!(b.paid.to_string(), "0.00");
}

#[test]
fn the_book_round_trips_and_its_totals_balance() {
    let (estate, schedule, run) = october();
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
    book.post(&run, Some(d("2026-11-02")), None).unwrap();
    let rows: Vec<PaymentRow> = run
        .bills()
        .iter()
        .enumerate()
        .map(|(i, b)| {
            PaymentRow::new(
                b.unit_id.to_string(),
                b.total,
                d("2026-11-20") + Duration::days(i as i64 % 20),
                format!("B-{i}"),
            )
        })
        .collect();
    // Applied in reverse order: each account still applies by date.
    let reversed: Vec<PaymentRow> = rows.iter().rev().cloned().collect();
    let res = book.apply_payments(&reversed);
    assert_eq!((res.applied.len(), res.rejected.len()), (rows.len(), 0));
    let t = book.totals(d("2026-12-31")).unwrap();
    assert_eq!(t.collected, run.total());
    assert_eq!(t.billed, run.total());
    assert_eq!(
        t.billed + t.penalty_accrued - t.penalty_waived,
        t.applied + t.outstanding
    );
    assert_eq!(t.collected, t.applied + t.prepaid + t.refunded);
    let text = book.to_json();
    let back = Receivables::from_json(&text, &estate, &schedule).unwrap();
    assert_eq!(back, book);
    assert_eq!(back.to_json(), text);
    // Another estate's document is refused, naming the field.
    let e = Receivables::from_json(&text.replace(estate.id(), "elsewhere"), &estate, &schedule)
        .unwrap_err();
    assert_eq!((e.code(), e.path()), ("mismatch", "estate_id"));
}

// ---- Scale: in-order operations do not rescan the ledger --------------------------

#[test]
fn eight_thousand_payments_and_forty_thousand_charges_stay_linear() {
    // Before: every `pay` re-summed every payment and cloned every charge (8k payments
    // 7.6 s), and loading checked duplicate ids pairwise (40k charges 3.5 s). Now an
    // in-order payment touches the charges it settles; a back-dated one rewinds only
    // the events after it (benches/src/bin/scaling_ledger.rs counts instructions).
    let mut l = ledger(PaymentOrder::PenaltyFirst);
    for k in 0..400i64 {
        for c in 0..100 {
            let id = format!(
                "2026-01-01/a-long-shared-prefix-of-an-item-code-{}",
                k * 100 + c
            );
            l.add_charge(
                ChargeInput::new(id, "x", day(k + 15), dec("1.00")).with_penalty(daily("0.0005")),
                day(k),
            )
            .unwrap();
        }
        // 20 payments a day, refs out of lexicographic order ("P10" < "P9"), one of
        // them recorded after the others but dated a day earlier.
        for p in (0..20).rev() {
            let date = if p == 0 && k > 0 { day(k - 1) } else { day(k) };
            l.pay(&format!("P{}", k * 20 + p), dec("5.00"), date)
                .unwrap();
        }
    }
    let (paid, principal, penalty, prepaid) = l.money_flow();
    assert_eq!(paid.to_string(), "40000.00");
    assert_eq!(paid, principal + penalty + prepaid);
    let text = l.to_json();
    let back = Ledger::from_json(&text).unwrap();
    assert_eq!(back, l);
}

// ---- Reversals (冲正) and refunds (退款) ------------------------------------------------

fn without(l: &Ledger, id: &str) -> Vec<String> {
    canonical(l)
        .into_iter()
        .filter(|line| !line.starts_with(&format!("{id} ")))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A payment made and then reversed leaves the book as if it had never been made.
    #[test]
    fn a_reversal_restores_the_book(
        charges in prop::collection::vec((0i64..90, 0i64..20, 1i64..100_000), 1..6),
        payments in prop::collection::vec((0i64..200, 1i64..60_000), 0..6),
        extra in (0i64..200, 1i64..200_000),
        reverse_after in 0i64..30,
    ) {
        let build = |with_extra: bool| {
            let mut l = ledger(PaymentOrder::PenaltyFirst);
            for (i, &(issue, after, amount)) in charges.iter().enumerate() {
                l.add_charge(
                    ChargeInput::new(format!("c{i}"), "fee", day(issue + after), Decimal::new(amount, 2))
                        .with_penalty(daily("0.0005")),
                    day(issue),
                ).unwrap();
            }
            for (i, &(date, amount)) in payments.iter().enumerate() {
                l.pay(&format!("p{i}"), Decimal::new(amount, 2), day(date)).unwrap();
            }
            if with_extra {
                l.pay("X", Decimal::new(extra.1, 2), day(extra.0)).unwrap();
                l.reverse("X", day(extra.0 + reverse_after), "bounced").unwrap();
            }
            l
        };
        let (plain, reversed) = (build(false), build(true));
        prop_assert_eq!(canonical(&plain), without(&reversed, "X"));
        prop_assert_eq!(plain.balance(day(400)).unwrap(), reversed.balance(day(400)).unwrap());
        // The reversal stays in the history and survives a reload.
        let back = Ledger::from_json(&reversed.to_json()).unwrap();
        prop_assert_eq!(back.payment("X").and_then(|p| p.reversed.clone()).map(|r| r.on), Some(day(extra.0 + reverse_after)));
        prop_assert_eq!(&back, &reversed);
    }

    /// Refunds never exceed the prepaid balance, and money is conserved with them:
    /// collected = principal + penalty paid + prepaid + refunded.
    #[test]
    fn refunds_never_exceed_the_prepaid_balance(
        payments in prop::collection::vec((0i64..100, 1i64..50_000), 1..6),
        refunds in prop::collection::vec((0i64..120, 1i64..40_000), 1..6),
        charge in 1i64..60_000,
    ) {
        let mut l = ledger(PaymentOrder::PenaltyFirst);
        l.add_charge(ChargeInput::new("c", "fee", day(50), Decimal::new(charge, 2)).with_penalty(daily("0.0005")), day(40)).unwrap();
        for (i, &(date, amount)) in payments.iter().enumerate() {
            l.pay(&format!("p{i}"), Decimal::new(amount, 2), day(date)).unwrap();
        }
        for (i, &(date, amount)) in refunds.iter().enumerate() {
            let before = l.clone();
            let held = l.balance(day(date)).unwrap().prepaid;
            let later_ok = l.refund(&format!("r{i}"), Decimal::new(amount, 2), day(date));
            match later_ok {
                Ok(()) => prop_assert!(Decimal::new(amount, 2) <= held),
                Err(e) => {
                    prop_assert_eq!(e.code(), "refund_exceeds_prepaid");
                    prop_assert_eq!(&l, &before);
                }
            }
        }
        let b = l.balance(day(400)).unwrap();
        prop_assert!(b.prepaid >= Decimal::ZERO);
        prop_assert_eq!(b.paid, b.principal_paid + b.penalty_paid + b.prepaid + b.refunded);
        prop_assert_eq!(&Ledger::from_json(&l.to_json()).unwrap(), &l);
    }
}

#[test]
fn a_bounced_payment_is_reversed_in_the_book_and_its_ref_stays_taken() {
    let (estate, schedule, run) = october();
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
    book.post(&run, None, None).unwrap();
    let total = run.bill("1-101").unwrap().total;
    book.apply_payments(&[PaymentRow::new("1-101", total, d("2026-11-10"), "B-1")]);
    assert!(
        book.reminder("1-101", d("2026-12-31"))
            .unwrap()
            .items
            .is_empty()
    );
    // The transfer bounced, found on Dec 2: the bill is unpaid since Nov 16 again.
    let p = book
        .reverse("B-1", d("2026-12-02"), "transfer bounced")
        .unwrap();
    assert!(p.applied.is_empty());
    let r = book.reminder("1-101", d("2026-12-16")).unwrap();
    assert_eq!(r.items[0].days_overdue, 30);
    assert_eq!(r.items[0].penalty.to_string(), "4.97"); // 331.15 × 30 × 0.0005
    let errors: Vec<(&str, String)> = [
        book.reverse("B-1", d("2026-12-03"), "again").unwrap_err(),
        book.reverse("B-9", d("2026-12-03"), "x").unwrap_err(),
    ]
    .iter()
    .map(|e| (e.code(), e.path().to_owned()))
    .collect();
    assert_eq!(
        errors,
        [
            ("already_reversed", "ref".to_string()),
            ("unknown_reference", "ref".to_string())
        ]
    );
    let again = book.apply_payments(&[PaymentRow::new("1-101", total, d("2026-12-05"), "B-1")]);
    assert_eq!(again.rejected[0].code(), "duplicate_ref");
    // Refunds: never more than the prepaid balance, and the book still balances.
    book.apply_payments(&[PaymentRow::new(
        "1-102",
        dec("5000.00"),
        d("2026-11-10"),
        "B-2",
    )]);
    let e = book
        .refund("1-102", dec("9000.00"), d("2026-12-01"), "RF-1")
        .unwrap_err();
    assert_eq!((e.code(), e.path()), ("refund_exceeds_prepaid", "amount"));
    book.refund("1-102", dec("1000.00"), d("2026-12-01"), "RF-1")
        .unwrap();
    let t = book.totals(d("2026-12-31")).unwrap();
    assert_eq!(t.refunded.to_string(), "1000.00");
    assert_eq!(t.collected, t.applied + t.prepaid + t.refunded);
    assert_eq!(t.collected.to_string(), "5000.00");
    let back = Receivables::from_json(&book.to_json(), &estate, &schedule).unwrap();
    assert_eq!(back, book);
}

// ---- Reports: aging and 收缴率 by building, unit or item --------------------------------

#[test]
fn aging_by_building_is_the_sum_of_each_buildings_bills_and_penalties() {
    use estatekit::fees::receivables::GroupBy;
    let (estate, schedule, run) = october();
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
    book.post(&run, None, None).unwrap();
    // By hand: on Dec 31 every October line is 45 days past its Nov 16 due date, and the
    // management fee (the item with a penalty clause) owes 45 days × 0.05 %.
    let mut want: std::collections::BTreeMap<String, Decimal> = Default::default();
    for bill in run.bills() {
        let building = estate.unit(&bill.unit_id).unwrap().building_id.clone();
        let penalty: Decimal = bill
            .lines
            .iter()
            .filter(|l| &*l.item_code == "management")
            .map(|l| (l.amount * dec("0.0005") * Decimal::from(45)).round_dp(2))
            .sum();
        *want.entry(building).or_default() += bill.total + penalty;
    }
    let rows = book
        .aging_report(d("2026-12-31"), GroupBy::Building)
        .unwrap();
    let got: Vec<(String, Decimal, Decimal)> = rows
        .iter()
        .map(|r| (r.key.clone(), r.days_31_60, r.total))
        .collect();
    let want: Vec<(String, Decimal, Decimal)> = want.into_iter().map(|(k, v)| (k, v, v)).collect();
    assert_eq!(got, want);
    // On the due date nothing is overdue yet beyond day 0 and no penalty has accrued.
    let estate_row = &book.aging_report(d("2026-11-16"), GroupBy::Estate).unwrap()[0];
    assert_eq!(
        (estate_row.days_0_30, estate_row.total),
        (run.total(), run.total())
    );
    let by_item = book
        .aging_report(d("2026-11-16"), GroupBy::ItemCode)
        .unwrap();
    assert!(by_item.iter().any(|r| r.key == "management"));
    assert_eq!(
        by_item.iter().map(|r| r.total).sum::<Decimal>(),
        run.total()
    );
    assert_eq!("floor".parse::<GroupBy>().unwrap_err().path(), "by");
}

#[test]
fn the_collection_rate_has_a_cut_off_and_later_money_does_not_change_it() {
    use estatekit::fees::receivables::GroupBy;
    let (estate, schedule, run) = october();
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PrincipalFirst);
    book.post(&run, None, None).unwrap();
    let owed = |u: &str| run.bill(u).unwrap().total;
    book.apply_payments(&[PaymentRow::new(
        "1-101",
        owed("1-101"),
        d("2026-11-10"),
        "B-1",
    )]);
    let (oct1, oct31, nov30) = (d("2026-10-01"), d("2026-10-31"), d("2026-11-30"));
    let before = book
        .collection_report(oct1, oct31, nov30, GroupBy::Estate)
        .unwrap();
    let r = &before[0];
    assert_eq!((r.billed, r.collected), (run.total(), owed("1-101")));
    let rate = (owed("1-101") / run.total())
        .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    assert_eq!(r.rate, Some(rate));
    assert_eq!(r.rate.unwrap().scale(), 4);
    // Money arriving in December does not change November's figure.
    book.apply_payments(&[PaymentRow::new(
        "1-102",
        owed("1-102"),
        d("2026-12-20"),
        "B-2",
    )]);
    assert_eq!(
        book.collection_report(oct1, oct31, nov30, GroupBy::Estate)
            .unwrap(),
        before
    );
    let dec31 = book
        .collection_report(oct1, oct31, d("2026-12-31"), GroupBy::Unit)
        .unwrap();
    let r102 = dec31.iter().find(|r| r.key == "1-102").unwrap();
    // Paid 34 days late, principal first within each item and the oldest item first:
    // the management fee's penalty (34 days × 0.05 %) is paid before the next item's
    // principal, so that much principal is still open; penalties are beside the rate.
    let mgmt = run.bill("1-102").unwrap().lines[0].amount;
    let penalty = (mgmt * dec("0.0005") * Decimal::from(34)).round_dp(2);
    assert_eq!(
        (r102.collected, r102.penalty_collected),
        (owed("1-102") - penalty, penalty)
    );
    assert_eq!(
        r102.rate,
        Some(
            ((owed("1-102") - penalty) / owed("1-102"))
                .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        )
    );
    // Nothing billed in a period: no rate, not 0.
    let empty = book
        .collection_report(
            d("2027-01-01"),
            d("2027-01-31"),
            d("2027-02-28"),
            GroupBy::Estate,
        )
        .unwrap();
    assert_eq!(empty[0].rate, None);
    let e = book
        .collection_report(oct31, oct1, nov30, GroupBy::Estate)
        .unwrap_err();
    assert_eq!((e.code(), e.path()), ("ends_before_starts", "end"));
}

// ---- A run read back from JSON naming a unit the estate does not list -----------------

#[test]
fn posting_a_run_with_a_unit_the_estate_does_not_list_is_refused_whole() {
    let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
    let inputs = BillingInputs::default().with_pooled("common_electricity", dec("100"));
    let run = bill_estate(
        &estate,
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    let last = run.bills().last().unwrap().unit_id.to_string();
    // The same document with its last unit renamed to one the estate does not have.
    let text = run.to_json().replace(&format!("\"{last}\""), "\"9-909\"");
    let foreign = estatekit::fees::billing::BillingRun::from_json(&text).unwrap();
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::default());
    let e = book.post(&foreign, None, None).unwrap_err();
    assert_eq!(
        (e.code(), e.path(), e.to_string().contains("9-909")),
        ("unknown_reference", "run.bills[9-909]", true)
    );
    // Nothing was posted for the other units either.
    assert_eq!(book.accounts().count(), 0);
    // The run as billed posts every unit, each under its building.
    let res = book.post(&run, None, None).unwrap();
    assert_eq!(res.conflicts.len(), 0);
    assert_eq!(book.accounts().count(), run.bills().len());
}
