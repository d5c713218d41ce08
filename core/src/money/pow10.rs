//! Integer kernels of rounding by a power of ten: [`round_pow10_unsigned`] (divisor
//! and mode known at compile time, for the late-penalty batch) and [`Pow10Rounder`]
//! (divisor known at run time, by a precomputed reciprocal, for billing's area
//! lines), with [`DivBy`] under both the rounder and the remainder split. Each has a
//! plain twin in the tests (`u128` division and [`RoundingPolicy::round_to_minor`])
//! and a property test that they agree.

use super::RoundingMode;
#[cfg(test)]
use super::RoundingPolicy;

/// `m × 10^-EXP` rounded to an integer with the mode whose `as u8` value is `MODE`,
/// for `1 ≤ EXP ≤ 18` and `0 ≤ m ≤ i64::MAX`: with both the divisor and the mode known
/// at compile time, each mode is one or two multiplications and no branch.
///
/// `m + 10^EXP` cannot overflow `u64` since `m ≤ i64::MAX` and `10^EXP ≤ 10^18`.
#[inline(always)]
pub(crate) fn round_pow10_unsigned<const EXP: u32, const MODE: u8>(m: u64) -> u64 {
    const HALF_UP: u8 = RoundingMode::HalfUp as u8;
    const DOWN: u8 = RoundingMode::Down as u8;
    const UP: u8 = RoundingMode::Up as u8;
    debug_assert!(m <= i64::MAX as u64);
    let d = 10u64.pow(EXP);
    match MODE {
        HALF_UP => (m + d / 2) / d,
        DOWN => m / d,
        UP => m.div_ceil(d),
        _ => {
            // Half to even.
            let q = m / d;
            let twice = 2 * (m - q * d);
            q + u64::from(twice > d || (twice == d && q % 2 == 1))
        }
    }
}

/// Division of `u64`s by one run-time divisor `d` with a precomputed reciprocal:
/// a multiplication and at most one correction instead of a hardware division.
#[derive(Debug, Clone, Copy)]
pub(super) struct DivBy {
    d: u64,
    /// `⌊2^64 / d⌋` (unused when `d == 1`).
    recip: u64,
}

impl DivBy {
    /// `None` for a zero divisor.
    pub(super) fn new(d: u64) -> Option<Self> {
        let recip = match d {
            0 => return None,
            1 => 0,
            // d ≥ 2: the quotient is below 2^63.
            _ => ((1u128 << 64) / u128::from(d)) as u64,
        };
        Some(Self { d, recip })
    }

    /// `(p / d, p % d)`.
    #[inline(always)]
    pub(super) fn div_rem(self, p: u64) -> (u64, u64) {
        if self.d == 1 {
            return (p, 0);
        }
        // With x = p / d exactly: x - 1 < p × recip / 2^64 ≤ x, so the estimate is
        // ⌊x⌋ or ⌊x⌋ - 1, and q × d ≤ p (no underflow below).
        let q = ((u128::from(p) * u128::from(self.recip)) >> 64) as u64;
        let r = p - q * self.d;
        if r >= self.d {
            (q + 1, r - self.d)
        } else {
            (q, r)
        }
    }
}

/// Rounds non-negative `u64` values by a power of ten known only at run time, with
/// a rounding mode, using a precomputed reciprocal (no hardware division): for
/// amounts computed with a scale that depends on the data (an area's scale).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pow10Rounder {
    div: DivBy,
    /// Added before dividing: half the divisor (half up, half even), the divisor
    /// less one (up) or nothing (down).
    bias: u64,
    half_even: bool,
}

impl Pow10Rounder {
    /// A rounder by `10^exp` (`1 ≤ exp ≤ 19`) with `mode`.
    pub(crate) fn new(exp: u32, mode: RoundingMode) -> Option<Self> {
        if exp == 0 {
            return None;
        }
        let d = 10u64.checked_pow(exp)?;
        let bias = match mode {
            RoundingMode::HalfUp | RoundingMode::HalfEven => d / 2,
            RoundingMode::Down => 0,
            RoundingMode::Up => d - 1,
        };
        Some(Self {
            div: DivBy::new(d)?,
            bias,
            half_even: mode == RoundingMode::HalfEven,
        })
    }

    /// `v / 10^exp` rounded; `None` when `v + bias` overflows.
    #[inline(always)]
    pub(crate) fn round(&self, v: u64) -> Option<u64> {
        let (q, r) = self.div.div_rem(v.checked_add(self.bias)?);
        // Half even: a remainder of zero after adding half the (even) divisor is an
        // exact tie; an odd quotient then goes back down to the even one.
        Some(q - (u64::from(self.half_even && r == 0) & q))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain twin: `v / 10^exp` rounded with `mode`, in `u128`, by the policy's
    /// own rounding of a minor-unit count.
    fn plain(v: u64, exp: u32, mode: RoundingMode) -> Option<u64> {
        let policy = RoundingPolicy::new(2, mode).expect("policy");
        policy
            .round_to_minor(i128::from(v), exp + 2)
            .and_then(|q| u64::try_from(q).ok())
    }

    #[test]
    fn pow10_rounder_is_round_to_minor() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for mode in RoundingMode::ALL {
            let policy = RoundingPolicy::new(2, mode).expect("policy");
            for exp in 1..=19u32 {
                let r = Pow10Rounder::new(exp, mode).expect("rounder");
                let d = 10u64.pow(exp);
                let mut values = vec![0, 1, d / 2 - 1, d / 2, d / 2 + 1, d - 1, d, d + d / 2];
                values.extend(d.checked_mul(3).map(|t| t + d / 2));
                values.push(u64::MAX);
                for _ in 0..200 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    values.push(x >> (x % 64));
                }
                for v in values {
                    let expected = policy
                        .round_to_minor(i128::from(v), exp + 2)
                        .and_then(|q| u64::try_from(q).ok());
                    match r.round(v) {
                        Some(q) => assert_eq!(Some(q), expected, "{v} / 10^{exp} {mode:?}"),
                        None => assert!(v.checked_add(r.bias).is_none(), "{v} {exp} {mode:?}"),
                    }
                }
            }
        }
        assert!(Pow10Rounder::new(0, RoundingMode::HalfUp).is_none());
        assert!(Pow10Rounder::new(20, RoundingMode::HalfUp).is_none());
    }

    #[test]
    fn div_by_divides_like_the_hardware() {
        for d in [1, 2, 3, 7, 10, 1000, u64::MAX / 3, u64::MAX] {
            let div = DivBy::new(d).expect("divisor");
            for p in [0, 1, d - 1, d, d.saturating_add(1), u64::MAX / 2, u64::MAX] {
                assert_eq!(div.div_rem(p), (p / d, p % d), "{p} / {d}");
            }
        }
        assert!(DivBy::new(0).is_none());
    }

    #[test]
    fn compile_time_rounding_examples() {
        const HALF_UP: u8 = RoundingMode::HalfUp as u8;
        const HALF_EVEN: u8 = RoundingMode::HalfEven as u8;
        const DOWN: u8 = RoundingMode::Down as u8;
        const UP: u8 = RoundingMode::Up as u8;
        assert_eq!(round_pow10_unsigned::<2, HALF_UP>(250), 3);
        assert_eq!(round_pow10_unsigned::<2, HALF_EVEN>(250), 2);
        assert_eq!(round_pow10_unsigned::<2, HALF_EVEN>(350), 4);
        assert_eq!(round_pow10_unsigned::<2, DOWN>(299), 2);
        assert_eq!(round_pow10_unsigned::<2, UP>(201), 3);
    }

    macro_rules! each_mode {
        ($exp:literal, $v:expr) => {{
            const HALF_UP: u8 = RoundingMode::HalfUp as u8;
            const HALF_EVEN: u8 = RoundingMode::HalfEven as u8;
            const DOWN: u8 = RoundingMode::Down as u8;
            const UP: u8 = RoundingMode::Up as u8;
            [
                (
                    RoundingMode::HalfUp,
                    round_pow10_unsigned::<$exp, HALF_UP>($v),
                ),
                (
                    RoundingMode::HalfEven,
                    round_pow10_unsigned::<$exp, HALF_EVEN>($v),
                ),
                (RoundingMode::Down, round_pow10_unsigned::<$exp, DOWN>($v)),
                (RoundingMode::Up, round_pow10_unsigned::<$exp, UP>($v)),
            ]
        }};
    }

    proptest! {
        #[test]
        fn the_rounder_agrees_with_its_plain_twin(v in any::<u64>(), exp in 1u32..=19, m in 0usize..4) {
            let mode = RoundingMode::ALL[m];
            let r = Pow10Rounder::new(exp, mode).expect("rounder");
            match r.round(v) {
                Some(q) => prop_assert_eq!(Some(q), plain(v, exp, mode)),
                None => prop_assert!(v.checked_add(r.bias).is_none()),
            }
        }

        #[test]
        fn compile_time_rounding_agrees_with_its_plain_twin(v in 0..=i64::MAX as u64) {
            for (mode, q) in each_mode!(1, v) {
                prop_assert_eq!(Some(q), plain(v, 1, mode));
            }
            for (mode, q) in each_mode!(7, v) {
                prop_assert_eq!(Some(q), plain(v, 7, mode));
            }
            for (mode, q) in each_mode!(18, v) {
                prop_assert_eq!(Some(q), plain(v, 18, mode));
            }
        }

        #[test]
        fn div_by_agrees_with_the_hardware(p in any::<u64>(), d in 1..=u64::MAX) {
            let div = DivBy::new(d).expect("divisor");
            prop_assert_eq!(div.div_rem(p), (p / d, p % d));
        }
    }
}
