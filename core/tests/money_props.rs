//! Property tests of `allocate`: exact sums, bounded deviation, determinism.
#![allow(clippy::unwrap_used)]

use estatekit::money::{RoundingMode, RoundingPolicy, allocate};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn mode() -> impl Strategy<Value = RoundingMode> {
    prop::sample::select(RoundingMode::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Parts sum exactly to the total, and each part is within one minor unit of its
    /// exact share: |part·W − total·w| < W in integer minor units.
    #[test]
    fn parts_sum_exactly_and_stay_within_one_minor_unit(
        total_minor in -10_000_000_000i64..10_000_000_000,
        scale in 0u32..=4,
        weights in prop::collection::vec(0u32..100_000, 1..60),
        weight_scale in 0u32..=3,
        mode in mode(),
    ) {
        prop_assume!(weights.iter().any(|&w| w > 0));
        let policy = RoundingPolicy::new(scale, mode).unwrap();
        let total = Decimal::new(total_minor, scale);
        let ws: Vec<Decimal> = weights.iter().map(|&w| Decimal::new(i64::from(w), weight_scale)).collect();
        let a = allocate(total, &ws, &policy).unwrap();

        prop_assert_eq!(a.total, total);
        prop_assert_eq!(a.parts.iter().sum::<Decimal>(), total);
        let w_sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
        for (part, &w) in a.parts.iter().zip(&weights) {
            prop_assert!(part.scale() == scale);
            let p = part.mantissa();
            let deviation = (p * w_sum - i128::from(total_minor) * i128::from(w)).abs();
            prop_assert!(deviation < w_sum, "part {} deviates by {}/{}", part, deviation, w_sum);
            if w == 0 { prop_assert!(part.is_zero()); }
        }
        // Adjusted indices are ascending, unique, and as many as the leftover units.
        prop_assert!(a.adjusted.windows(2).all(|p| p[0] < p[1]));
        prop_assert_eq!(a.adjustment().abs() <= policy.minor_unit() * Decimal::from(weights.len()), true);
    }

    /// A refund splits like the charge, mirrored.
    #[test]
    fn negative_totals_mirror_positive_ones(
        total_minor in 1i64..1_000_000_000,
        weights in prop::collection::vec(0u32..10_000, 1..40),
    ) {
        prop_assume!(weights.iter().any(|&w| w > 0));
        let p = RoundingPolicy::default();
        let ws: Vec<Decimal> = weights.iter().map(|&w| Decimal::from(w)).collect();
        let pos = allocate(Decimal::new(total_minor, 2), &ws, &p).unwrap();
        let neg = allocate(Decimal::new(-total_minor, 2), &ws, &p).unwrap();
        let mirrored: Vec<Decimal> = pos.parts.iter().map(|x| -*x).collect();
        prop_assert_eq!(neg.parts, mirrored);
        prop_assert_eq!(neg.adjusted, pos.adjusted);
    }

    /// Weights of different scales combine exactly; scaling all weights changes nothing.
    #[test]
    fn scaling_weights_does_not_change_parts(
        total_minor in 0i64..1_000_000_000,
        weights in prop::collection::vec(1u32..50_000, 1..30),
        factor in 1u32..1000,
    ) {
        let p = RoundingPolicy::default();
        let ws: Vec<Decimal> = weights.iter().map(|&w| Decimal::new(i64::from(w), 2)).collect();
        let scaled: Vec<Decimal> = weights.iter().map(|&w| Decimal::from(u64::from(w) * u64::from(factor))).collect();
        let a = allocate(Decimal::new(total_minor, 2), &ws, &p).unwrap();
        let b = allocate(Decimal::new(total_minor, 2), &scaled, &p).unwrap();
        prop_assert_eq!(a, b);
    }

    /// Equal weights: parts differ by at most one minor unit, larger ones first.
    #[test]
    fn equal_weights_give_front_loaded_parts(total_minor in 0i64..1_000_000, n in 1usize..200) {
        let p = RoundingPolicy::default();
        let a = allocate(Decimal::new(total_minor, 2), &vec![Decimal::ONE; n], &p).unwrap();
        prop_assert!(a.parts.windows(2).all(|w| w[0] >= w[1]));
        prop_assert!(a.parts[0] - a.parts[n - 1] <= p.minor_unit());
        let leftover = usize::try_from(total_minor).unwrap() % n;
        prop_assert_eq!(a.adjusted, (0..leftover).collect::<Vec<_>>());
    }
}

#[test]
fn a_million_parts_sum_exactly() {
    let weights: Vec<Decimal> = (0..1_000_000u32)
        .map(|i| Decimal::new(i64::from(5000 + i % 9000), 2))
        .collect();
    let total = Decimal::new(12_345_678_901, 2);
    let a = allocate(total, &weights, &RoundingPolicy::default()).unwrap();
    assert_eq!(a.parts.len(), 1_000_000);
    assert_eq!(a.parts.iter().sum::<Decimal>(), total);
}
