//! A ledger driven by fuzzed charges, payments, waivers, write-offs, deferrals,
//! reversals and refunds (or restored from JSON). Money is never created or lost:
//! paid = principal + penalty + prepaid; every failed operation leaves the ledger
//! unchanged; the ledger round-trips, and its history alone (every derived figure
//! left out) rebuilds the same ledger. A document that loads states only figures
//! that agree with its history.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};
use estatekit_fuzz::{amount, date, policy};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

/// Operations per sequence at most: every operation on every one of the 5 charge ids
/// several times. Each operation re-checks (or copies) the whole ledger, which grows
/// with the sequence, so longer sequences cost quadratically and add no new kind of
/// state (amounts, not counts, reach the limits).
const MAX_OPS: usize = 40;

fn check(l: &Ledger) {
    let (paid, principal, penalty, prepaid) = l.money_flow();
    // Prepaid drawn by a new charge moves from `prepaid` to `principal`: the sum holds.
    assert_eq!(
        Some(paid),
        principal
            .checked_add(penalty)
            .and_then(|x| x.checked_add(prepaid)),
        "money created or lost\n{}",
        l.to_json()
    );
    for c in l.charges() {
        assert!(
            c.outstanding_principal() >= Decimal::ZERO,
            "overpaid charge {}",
            c.id
        );
        assert!(
            c.principal_written_off >= Decimal::ZERO
                && c.principal_written_off <= c.principal - c.outstanding_principal(),
            "written off more than settled on {}",
            c.id
        );
    }
    assert!(prepaid >= Decimal::ZERO);
}

fn round_trip(l: &Ledger) {
    let back = Ledger::from_json(&l.to_json())
        .unwrap_or_else(|e| panic!("own JSON re-reads: {e:?}\n{}", l.to_json()));
    assert_eq!(&back, l);
    // The history alone rebuilds the same ledger: every derived figure follows from it.
    let mut v: serde_json::Value = serde_json::from_str(&l.to_json()).expect("own JSON");
    for c in v["charges"].as_array_mut().expect("charges") {
        let c = c.as_object_mut().expect("a charge");
        for k in [
            "principal_payments",
            "penalty_paid",
            "penalty_waived",
            "principal_written_off",
        ] {
            c.remove(k);
        }
    }
    for p in v["payments"].as_array_mut().expect("payments") {
        let p = p.as_object_mut().expect("a payment");
        p.remove("applied");
        p.remove("to_prepaid");
    }
    v.as_object_mut()
        .expect("a ledger")
        .remove("prepaid_applied");
    let rebuilt = Ledger::from_json(&v.to_string())
        .unwrap_or_else(|e| panic!("history-only JSON re-reads: {e:?}\n{v}"));
    assert_eq!(&rebuilt, l, "the history rebuilds another ledger");
}

fn run(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let order = if bool::arbitrary(u)? {
        PaymentOrder::PenaltyFirst
    } else {
        PaymentOrder::PrincipalFirst
    };
    let mut l = Ledger::new("U1", policy(u)?, order);
    // A copy of the ledger before each operation, kept equal to it across operations:
    // a failed operation must leave the ledger equal to it, a successful one refreshes
    // it (one copy per successful operation instead of one per operation).
    let mut before = l.clone();
    let mut n = 0;
    for _ in 0..MAX_OPS {
        if u.is_empty() {
            break;
        }
        let op = u.int_in_range(0u8..=8)?;
        let on = date(u)?;
        if op == 6 {
            // Queries, at any point of the sequence the fuzzer chooses (not after every
            // operation: they cost as much as the operations and change nothing).
            let as_of = date(u)?;
            let _ = (
                l.aging(as_of),
                l.reminder(as_of),
                l.collection_rate(on, as_of),
                l.low_balance(),
            );
            continue;
        }
        let id = format!("C{}", u.int_in_range(0..=4)?);
        let result = match op {
            0 | 1 => {
                let mut c = ChargeInput::new(id, "management", date(u)?, amount(u)?);
                if bool::arbitrary(u)? {
                    // Short rates (0.01 % steps) and, one time in four, a yearly rate
                    // given as daily: 18 % / 365 has 28 significant digits (it once
                    // made every operation after a partial payment an overflow).
                    let rate = if u.ratio(1u8, 4)? {
                        Decimal::from(u.int_in_range(1u32..=24)?) / Decimal::from(36_500)
                    } else {
                        Decimal::new(i64::from(u.int_in_range(0u32..=50)?), 4)
                    };
                    let mut p = estatekit::fees::calc::PenaltyPolicy::daily(rate);
                    p.grace_days = u.int_in_range(0..=10)?;
                    c = c.with_penalty(p);
                }
                l.add_charge(c, on).map(|_| ())
            }
            2 | 3 => {
                n += 1;
                let pid = if u.ratio(1u8, 10)? {
                    String::new()
                } else {
                    format!("P{n}")
                };
                l.pay(&pid, amount(u)?, on).map(|p| {
                    let split = p.applied.iter().try_fold(p.to_prepaid, |acc, a| {
                        acc.checked_add(a.principal)?.checked_add(a.penalty)
                    });
                    assert_eq!(
                        split,
                        Some(p.amount),
                        "payment split does not sum to the payment"
                    );
                })
            }
            7 => {
                // Reverse (冲正) one of the payments made so far (or an unknown one).
                let pid = format!("P{}", u.int_in_range(0..=n + 1)?);
                l.reverse(&pid, on, "bounced").map(|p| {
                    assert!(p.applied.is_empty() && p.reversed.is_some());
                })
            }
            8 => {
                n += 1;
                l.refund(&format!("R{n}"), amount(u)?, on)
            }
            4 if u.ratio(1u8, 3)? => {
                // Write off (核销) what the charge owes on that day.
                l.write_off(&id, "residue", on).map(|(principal, penalty)| {
                    assert!(principal >= Decimal::ZERO && penalty >= Decimal::ZERO);
                })
            }
            4 => {
                let a = if bool::arbitrary(u)? {
                    Some(amount(u)?)
                } else {
                    None
                };
                l.waive(&id, a, "goodwill", on).map(|_| ())
            }
            _ => l.defer(&id, on),
        };
        match result {
            Ok(()) => {
                check(&l);
                before.clone_from(&l);
            }
            Err(e) => {
                assert!(!e.path().is_empty());
                assert_eq!(l, before, "failed operation ({e}) changed the ledger");
            }
        }
    }
    round_trip(&l);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&b'{') {
        if let Ok(l) = Ledger::from_json(&estatekit_fuzz::text(data)) {
            let _ = l.reminder(chrono::NaiveDate::MAX);
            let _ = l.aging(chrono::NaiveDate::MIN);
            let _ = l.money_flow();
            let back = Ledger::from_json(&l.to_json())
                .unwrap_or_else(|e| panic!("own JSON re-reads: {e:?}\n{}", l.to_json()));
            assert_eq!(back, l);
        }
        return;
    }
    let _ = run(&mut Unstructured::new(data));
});
