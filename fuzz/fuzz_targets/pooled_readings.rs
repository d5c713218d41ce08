//! Readings and pooled inputs: pooled splits (every method, extreme metrics), meter
//! consumption with replacements and rollovers, tiered prices, late penalties, and
//! billing-input JSON. Shares sum exactly to the rounded total; consumption is never
//! negative; tier quantities sum to the consumption; penalties are never negative.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use estatekit::fees::billing::BillingInputs;
use estatekit::fees::calc::{MeterChange, Tier, consumption, late_penalty, tiered_cost};
use estatekit::fees::pooled::{PoolUnit, split};
use estatekit_fuzz::{amount, decimal, policy, small};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

fn pooled(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let mut units = Vec::new();
    for i in 0..u.int_in_range(0..=8)? {
        let mut p = PoolUnit::new(format!("U{i}"), amount(u)?);
        p.usage = amount(u)?;
        p.occupants = if u.ratio(1u8, 16)? {
            u32::arbitrary(u)?
        } else {
            u.int_in_range(0..=6)?
        };
        if bool::arbitrary(u)? {
            p.fraction = Decimal::new(i64::from(u.int_in_range(0u32..=31)?), 0) / Decimal::from(31);
        }
        units.push(p);
    }
    let total = amount(u)?;
    let policy = policy(u)?;
    let method = estatekit_fuzz::split_method(u)?;
    match split(total, &units, &method, &policy) {
        Ok(s) => {
            assert_eq!(s.shares.len(), units.len());
            let sum = s
                .shares
                .iter()
                .try_fold(Decimal::ZERO, |a, x| a.checked_add(x.amount))
                .expect("sum fits");
            assert_eq!(sum, s.total, "shares do not sum to the total");
            assert_eq!(s.total, policy.round(total));
            for sh in &s.shares {
                assert!(sh.weight >= Decimal::ZERO);
                if s.total >= Decimal::ZERO {
                    assert!(sh.amount >= Decimal::ZERO);
                }
            }
        }
        Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
    }
    Ok(())
}

/// Readings as billing passes them: registers ≥ 0 (estate and input readings are
/// validated), multipliers > 0. `consumption` itself does not check its inputs and
/// overflows on extreme change values: reported (calc.rs is not ours to change), so
/// the values here stay within ±1e20.
fn reading(u: &mut Unstructured<'_>) -> arbitrary::Result<Decimal> {
    let v = amount(u)?.abs();
    Ok(
        if v > Decimal::new(1, 0) * Decimal::from(10u64.pow(15)) * Decimal::from(100_000) {
            small(u)?
        } else {
            v
        },
    )
}

fn readings(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let previous = reading(u)?;
    let current = reading(u)?;
    let multiplier = if bool::arbitrary(u)? {
        Decimal::ONE
    } else {
        reading(u)?.max(Decimal::new(1, 4))
    };
    let change = match u.int_in_range(0u8..=2)? {
        0 => None,
        1 => Some(MeterChange::Replacement {
            old_final: reading(u)?,
            new_initial: reading(u)?,
        }),
        _ => Some(MeterChange::Rollover {
            wraps_at: reading(u)?,
        }),
    };
    if let Ok(used) = consumption("M", previous, current, multiplier, change) {
        assert!(used >= Decimal::ZERO, "negative consumption {used}");
        let mut tiers = Vec::new();
        let mut bound = Decimal::ZERO;
        for _ in 0..u.int_in_range(0..=3)? {
            bound += small(u)? + Decimal::ONE;
            tiers.push(Tier {
                up_to: Some(bound),
                price: amount(u)?,
            });
        }
        tiers.push(Tier {
            up_to: None,
            price: amount(u)?,
        });
        if let Ok((cost, uses)) = tiered_cost(used, &tiers, "tiers") {
            // Reported (calc.rs): above ~1e25 the tier subtraction rounds in the 28th digit.
            if used < Decimal::from(10u64.pow(18)) {
                let q: Decimal = uses.iter().map(|t| t.quantity).sum();
                assert_eq!(q, used, "tier quantities do not sum to the consumption");
            }
            let c = uses
                .iter()
                .try_fold(Decimal::ZERO, |a, t| a.checked_add(t.amount))
                .expect("fits");
            assert_eq!(c, cost);
        }
    }
    Ok(())
}

fn penalties(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let principal = amount(u)?;
    let due = estatekit_fuzz::date(u)?;
    let as_of = estatekit_fuzz::date(u)?;
    let mut p = estatekit::fees::calc::PenaltyPolicy::daily(if bool::arbitrary(u)? {
        decimal(u)?
    } else {
        Decimal::new(5, 4)
    });
    p.grace_days = if u.ratio(1u8, 8)? {
        u32::arbitrary(u)?
    } else {
        u.int_in_range(0..=30)?
    };
    let r = policy(u)?;
    if let Ok(pen) = late_penalty(principal, due, as_of, &p, &r) {
        assert!(pen >= Decimal::ZERO, "negative penalty {pen}");
        if let Some(later) = as_of.succ_opt() {
            if let Ok(next) = late_penalty(principal, due, later, &p, &r) {
                assert!(next >= pen, "penalty fell from {pen} to {next} a day later");
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&b'{') {
        let text = estatekit_fuzz::text(data);
        if let Ok(inputs) = serde_json::from_str::<BillingInputs>(&text) {
            let json = serde_json::to_string(&inputs).expect("serializes");
            assert_eq!(
                serde_json::from_str::<BillingInputs>(&json).expect("re-reads"),
                inputs
            );
        }
        return;
    }
    let mut u = Unstructured::new(data);
    let _ = match data.first().map(|b| b % 3) {
        Some(0) => pooled(&mut u),
        Some(1) => readings(&mut u),
        _ => penalties(&mut u),
    };
});
