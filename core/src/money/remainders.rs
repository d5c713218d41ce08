//! The remainder histogram of [`split_narrow`]: the usual largest-remainder split in
//! 64-bit integers, which counts the remainders in buckets instead of sorting them,
//! so its memory is the output's. The plain twin in the tests sorts every remainder;
//! a property test checks that both give the same parts and adjustments.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::MoneyError;
use super::pow10::DivBy;

/// Parts in minor units, adjusted indices and the exact sum of the weights.
pub(crate) type NarrowSplit = (Vec<i64>, Vec<usize>, Option<Decimal>);

/// Buckets of the remainder histogram in [`split_narrow`].
const BUCKETS: usize = 1024;

/// The usual case in 64-bit integers: every weight at the common scale, their sum and
/// the total times the largest weight fit in `u64`, and the total in `i64`. `None`
/// when they do not (the 128-bit path then runs); the result is the same either way.
///
/// Memory is kept to the output: instead of sorting all remainders, a first pass
/// counts them in [`BUCKETS`] monotonic buckets; the winners above the threshold
/// bucket are taken directly and only the threshold bucket is selected exactly
/// (largest remainder first, lower index on ties).
pub(crate) fn split_narrow(
    t: u128,
    weights: &[Decimal],
    negative: bool,
) -> Option<Result<NarrowSplit, MoneyError>> {
    let t = u64::try_from(t).ok().filter(|&t| t <= i64::MAX as u64)?;
    let common = weights.iter().map(|w| w.scale()).max().unwrap_or(0);
    // 10^(common - scale) for each scale a weight can have (`None`: too large).
    let mut factors = [None; 29];
    for (s, f) in factors.iter_mut().enumerate().take(common as usize + 1) {
        *f = 10u64.checked_pow(common - s as u32);
    }
    let value = |w: &Decimal| -> Option<u64> {
        u64::try_from(w.mantissa().unsigned_abs())
            .ok()?
            .checked_mul(factors[w.scale() as usize]?)
    };
    let (mut sum, mut max) = (0u64, 0u64);
    for w in weights {
        let v = value(w)?;
        sum = sum.checked_add(v)?;
        max = max.max(v);
    }
    let Some(div) = DivBy::new(sum) else {
        return Some(Err(MoneyError::AllZeroWeights {
            count: weights.len(),
        }));
    };
    t.checked_mul(max)?;
    // bucket(r) = ⌊r × BUCKETS / sum⌋ by a fixed-point reciprocal: monotonic in r, < BUCKETS.
    let recip = ((BUCKETS as u128) << 64) / u128::from(sum);
    let bucket = |r: u64| (((u128::from(r) * recip) >> 64) as usize).min(BUCKETS - 1);
    let mut counts = vec![0usize; BUCKETS];
    let mut quotients: Vec<u64> = Vec::with_capacity(weights.len());
    let mut handed_out: u64 = 0;
    for w in weights {
        let (q, r) = div.div_rem(t * value(w)?); // ≤ t × max, checked above
        handed_out += q; // Σ q ≤ t
        quotients.push(q);
        if r > 0 {
            counts[bucket(r)] += 1;
        }
    }
    let leftover = usize::try_from(t - handed_out).ok()?;
    let mut adjusted = Vec::with_capacity(leftover);
    if leftover > 0 {
        // The threshold bucket: all remainders above it win, some within it.
        let (mut above, mut threshold) = (0usize, 0usize);
        for b in (0..BUCKETS).rev() {
            if above + counts[b] >= leftover {
                threshold = b;
                break;
            }
            above += counts[b];
        }
        let mut sure = Vec::with_capacity(above);
        let mut candidates: Vec<(u64, usize)> = Vec::with_capacity(counts[threshold]);
        for (i, (w, &q)) in weights.iter().zip(&quotients).enumerate() {
            let r = t * value(w)? - q * sum;
            if r == 0 {
                continue;
            }
            match bucket(r) {
                b if b > threshold => sure.push(i),
                b if b == threshold => candidates.push((r, i)),
                _ => {}
            }
        }
        let need = leftover - sure.len();
        let by_priority =
            |a: &(u64, usize), b: &(u64, usize)| -> Ordering { b.0.cmp(&a.0).then(a.1.cmp(&b.1)) };
        if need > 0 && need < candidates.len() {
            candidates.select_nth_unstable_by(need - 1, by_priority);
        }
        let mut chosen: Vec<usize> = candidates[..need].iter().map(|c| c.1).collect();
        chosen.sort_unstable();
        // Merge the two ascending lists.
        let (mut a, mut b) = (sure.into_iter().peekable(), chosen.into_iter().peekable());
        while let Some(i) = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x < y => a.next(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => None,
        } {
            quotients[i] += 1;
            adjusted.push(i);
        }
    }
    // Every part is at most t ≤ i64::MAX: the casts are exact (and reuse the buffer).
    let parts = quotients
        .into_iter()
        .map(|q| if negative { -(q as i64) } else { q as i64 })
        .collect();
    let weight_sum = Decimal::try_from_i128_with_scale(i128::from(sum), common).ok();
    Some(Ok((parts, adjusted, weight_sum)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain twin: each weight's exact share of `t` rounded toward zero, then one
    /// more minor unit for the largest remainders (ties to the lower index), found by
    /// sorting them all, in `u128`.
    fn plain(t: u64, weights: &[Decimal], negative: bool) -> (Vec<i64>, Vec<usize>) {
        let common = weights.iter().map(|w| w.scale()).max().unwrap_or(0);
        let values: Vec<u128> = weights
            .iter()
            .map(|w| w.mantissa().unsigned_abs() * 10u128.pow(common - w.scale()))
            .collect();
        let sum: u128 = values.iter().sum();
        let t = u128::from(t);
        let mut parts: Vec<u128> = values.iter().map(|v| t * v / sum).collect();
        let mut order: Vec<(u128, usize)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (t * v % sum, i))
            .collect();
        order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let leftover = (t - parts.iter().sum::<u128>()) as usize;
        let mut adjusted: Vec<usize> = order[..leftover].iter().map(|o| o.1).collect();
        adjusted.sort_unstable();
        for &i in &adjusted {
            parts[i] += 1;
        }
        let parts = parts
            .into_iter()
            .map(|p| if negative { -(p as i64) } else { p as i64 })
            .collect();
        (parts, adjusted)
    }

    fn run(t: u64, weights: &[Decimal], negative: bool) -> (Vec<i64>, Vec<usize>) {
        let (parts, adjusted, _) = split_narrow(u128::from(t), weights, negative)
            .expect("narrow")
            .expect("split");
        (parts, adjusted)
    }

    #[test]
    fn examples() {
        let w = |v: &[i64]| v.iter().map(|&m| Decimal::new(m, 2)).collect::<Vec<_>>();
        // 100.00 by 1000 and 500: 66.67 and 33.33, the first taking the leftover cent.
        assert_eq!(
            run(10000, &w(&[100000, 50000]), false),
            (vec![6667, 3333], vec![0])
        );
        // Three equal weights, a cent each to the lowest indices.
        assert_eq!(
            run(100, &w(&[1, 1, 1]), true),
            (vec![-34, -33, -33], vec![0])
        );
        let (_, _, sum) = split_narrow(100, &w(&[150, 250]), false)
            .expect("narrow")
            .expect("split");
        assert_eq!(sum, Some(Decimal::new(400, 2)));
        // All zero: an error; a total beyond i64: not this kernel's.
        assert!(matches!(
            split_narrow(1, &w(&[0, 0]), false),
            Some(Err(MoneyError::AllZeroWeights { count: 2 }))
        ));
        assert!(split_narrow(u128::from(u64::MAX), &w(&[1]), false).is_none());
    }

    #[test]
    fn many_ties_in_one_bucket_go_to_the_lower_indices() {
        let weights = vec![Decimal::ONE; 5000];
        assert_eq!(run(12_345, &weights, false), plain(12_345, &weights, false));
    }

    proptest! {
        #[test]
        fn the_histogram_agrees_with_sorting_every_remainder(
            t in 0u64..=10_000_000_000,
            weights in proptest::collection::vec((0i64..1_000_000, 0u32..4), 1..300),
            negative in any::<bool>(),
        ) {
            let weights: Vec<Decimal> = weights.iter().map(|&(m, s)| Decimal::new(m, s)).collect();
            prop_assume!(weights.iter().any(|w| !w.is_zero()));
            prop_assert_eq!(run(t, &weights, negative), plain(t, &weights, negative));
        }

        #[test]
        fn equal_weights_spread_the_remainder_from_the_first(
            t in 0u64..1_000_000,
            n in 1usize..2000,
        ) {
            let weights = vec![Decimal::ONE; n];
            prop_assert_eq!(run(t, &weights, false), plain(t, &weights, false));
        }
    }
}
