//! The late-penalty batch kernel: the common case of
//! [`late_penalties`](super::calc::late_penalties) and
//! [`late_penalty_batch`](super::calc::late_penalty_batch) (no cap, no minimum balance,
//! principals of one scale that fit 64 bits) as `principal × rate × days` in integers,
//! rounded once by a power of ten known at compile time (one copy of the loop per
//! exponent and rounding mode), with the next block of items loaded ahead
//! (`crate::stream`). Its one entry point is [`batch_fast`]; the plain twin in the
//! tests is the exact decimal path (`accrue_rounded`), and a property test checks
//! that they agree on every item the kernel takes.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::calc::PenaltyPolicy;
use crate::money::RoundingPolicy;
use crate::stream;

/// The common case of [`late_penalties`] (no cap, no minimum balance, principals of
/// one scale that fit 64 bits): `principal × rate × days` in integers, rounded once
/// by a constant power of ten. Pushes the penalties of the leading items it can take
/// and returns how many that was.
pub(crate) fn batch_fast(
    items: &[(Decimal, NaiveDate)],
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    rounding: &RoundingPolicy,
    mut emit: impl FnMut(i64),
) -> usize {
    let (Some(&(first, _)), None, None) = (items.first(), policy.cap, policy.min_balance) else {
        return 0;
    };
    let Ok(rate) = u64::try_from(policy.daily_rate.mantissa()) else {
        return 0;
    };
    let scale = first.scale();
    let Some(exp) = (scale + policy.daily_rate.scale()).checked_sub(rounding.scale()) else {
        return 0;
    };
    let run = Batch {
        rate,
        scale,
        mode: rounding.mode(),
        as_of_day: i64::from(as_of.num_days_from_ce()),
        policy,
    };
    use crate::money::RoundingMode as M;
    const HALF_UP: u8 = M::HalfUp as u8;
    const HALF_EVEN: u8 = M::HalfEven as u8;
    const DOWN: u8 = M::Down as u8;
    const UP: u8 = M::Up as u8;
    macro_rules! dispatch {
        ($($e:literal),*) => {
            match (exp, run.mode) {
                $(
                    ($e, M::HalfUp) => run.take::<$e, HALF_UP>(items, &mut emit),
                    ($e, M::HalfEven) => run.take::<$e, HALF_EVEN>(items, &mut emit),
                    ($e, M::Down) => run.take::<$e, DOWN>(items, &mut emit),
                    ($e, M::Up) => run.take::<$e, UP>(items, &mut emit),
                )*
                _ => 0,
            }
        };
    }
    dispatch!(
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18
    )
}

/// The constants of a [`batch_fast`] run.
struct Batch<'a> {
    rate: u64,
    scale: u32,
    mode: crate::money::RoundingMode,
    as_of_day: i64,
    policy: &'a PenaltyPolicy,
}

impl Batch<'_> {
    /// Penalties of the leading items whose principal has `self.scale`, is not
    /// negative and whose product fits 63 bits, rounded by `10^EXP` with the mode
    /// `MODE` (a `RoundingMode as u8`).
    fn take<const EXP: u32, const MODE: u8>(
        &self,
        items: &[(Decimal, NaiveDate)],
        emit: &mut impl FnMut(i64),
    ) -> usize {
        // Items share few due dates: `rate × days` is kept in a small direct-mapped
        // cache keyed by the day of the year (`None`: the product overflows).
        let mut seen: [Option<(NaiveDate, Option<u64>)>; 16] = [None; 16];
        // Memory bounds this loop for millions of items: see `crate::stream`.
        let mut touched = 0u32;
        // Block by block, the next one loaded ahead (no per-item block test).
        for (b, block) in items.chunks(stream::BLOCK).enumerate() {
            let start = b * stream::BLOCK;
            touched =
                touched.wrapping_add(stream::touch(items, start + stream::BLOCK, |x| x.0.scale()));
            for (k, &(principal, due)) in block.iter().enumerate() {
                let n = start + k;
                // A principal of the batch's scale, not negative (nor a negative zero),
                // whose mantissa fits 64 bits.
                if principal.scale() != self.scale || principal.is_sign_negative() {
                    return n;
                }
                let Ok(p) = u64::try_from(principal.mantissa()) else {
                    return n;
                };
                let slot = &mut seen[due.ordinal0() as usize % 16];
                let rate_days = match *slot {
                    Some((d, rd)) if d == due => rd,
                    _ => {
                        let days = self.policy.counted_days_from(due, self.as_of_day);
                        // rate ≥ 0 (validated) and days ≥ 0.
                        let rd = u64::try_from(days)
                            .ok()
                            .and_then(|d| self.rate.checked_mul(d));
                        *slot = Some((due, rd));
                        rd
                    }
                };
                let Some(v) = rate_days
                    .and_then(|rd| rd.checked_mul(p))
                    .filter(|&v| v <= i64::MAX as u64)
                else {
                    return n;
                };
                let q = crate::money::round_pow10_unsigned::<EXP, MODE>(v);
                // q ≤ v / 10 + 1 ≤ i64::MAX: the cast is exact.
                emit(q as i64);
            }
        }
        std::hint::black_box(touched);
        items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fees::calc::accrue_rounded;
    use crate::money::RoundingMode;
    use proptest::prelude::*;

    fn taken(
        items: &[(Decimal, NaiveDate)],
        as_of: NaiveDate,
        policy: &PenaltyPolicy,
        rounding: &RoundingPolicy,
    ) -> (usize, Vec<Decimal>) {
        let mut out = Vec::new();
        let n = batch_fast(items, as_of, policy, rounding, |q| {
            out.push(Decimal::new(q, rounding.scale()));
        });
        (n, out)
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn takes_the_leading_items_it_can() {
        let policy = PenaltyPolicy::daily("0.003".parse().expect("rate"));
        let rounding = RoundingPolicy::default();
        let items = [
            ("500.00".parse().expect("p"), day("2026-10-01")),
            ("100.00".parse().expect("p"), day("2026-10-21")),
            // Another scale: the kernel stops here, the exact path goes on.
            ("100.0".parse().expect("p"), day("2026-10-21")),
            ("100.00".parse().expect("p"), day("2026-10-21")),
        ];
        let (n, out) = taken(&items, day("2026-10-31"), &policy, &rounding);
        assert_eq!(n, 2);
        assert_eq!(
            out,
            [
                "45.00".parse::<Decimal>().expect("d"),
                "3.00".parse().expect("d")
            ]
        );
        // A negative zero or a negative principal is left to the exact path.
        let negative = [(Decimal::new(-0, 2), day("2026-10-01"))];
        let mut minus_zero = negative;
        minus_zero[0].0.set_sign_negative(true);
        assert_eq!(
            taken(&minus_zero, day("2026-10-31"), &policy, &rounding).0,
            0
        );
        let below = [(Decimal::new(-100, 2), day("2026-10-01"))];
        assert_eq!(taken(&below, day("2026-10-31"), &policy, &rounding).0, 0);
        // A mantissa beyond 64 bits, too.
        let wide = [(Decimal::from_i128_with_scale(1 << 70, 2), day("2026-10-01"))];
        assert_eq!(taken(&wide, day("2026-10-31"), &policy, &rounding).0, 0);
    }

    #[test]
    fn a_cap_or_a_minimum_leaves_every_item_to_the_exact_path() {
        let mut policy = PenaltyPolicy::daily("0.003".parse().expect("rate"));
        policy.min_balance = Some(Decimal::ONE);
        let items = [("500.00".parse().expect("p"), day("2026-10-01"))];
        let (n, _) = taken(
            &items,
            day("2026-10-31"),
            &policy,
            &RoundingPolicy::default(),
        );
        assert_eq!(n, 0);
    }

    proptest! {
        #[test]
        fn the_kernel_agrees_with_the_exact_path(
            principals in proptest::collection::vec(0i64..100_000_000, 1..200),
            dues in proptest::collection::vec(0i64..800, 1..200),
            rate in 0i64..100_000,
            rate_scale in 2u32..9,
            scale in 0u32..4,
            mode in 0usize..4,
            policy_scale in 0u32..3,
        ) {
            let as_of = day("2026-10-31");
            let items: Vec<(Decimal, NaiveDate)> = principals
                .iter()
                .zip(dues.iter().cycle())
                .map(|(&p, &d)| (Decimal::new(p, scale), as_of - chrono::Days::new(d as u64)))
                .collect();
            let policy = PenaltyPolicy::daily(Decimal::new(rate, rate_scale));
            let rounding = RoundingPolicy::new(policy_scale, RoundingMode::ALL[mode]).expect("policy");
            let (n, out) = taken(&items, as_of, &policy, &rounding);
            prop_assert!(n <= items.len());
            prop_assert_eq!(out.len(), n);
            for (i, (&(principal, due), got)) in items.iter().zip(&out).enumerate() {
                let want = accrue_rounded(principal, due, as_of, &policy, &[], &rounding)
                    .expect("exact penalty");
                prop_assert_eq!(*got, want, "item {}", i);
                prop_assert_eq!(got.scale(), want.scale());
            }
        }
    }
}
