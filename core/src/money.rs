//! Money: the rounding policy and exact-sum allocation.
//!
//! Amounts are [`Decimal`], never floats. An estate rounds with one
//! [`RoundingPolicy`] (scale and mode); [`allocate`] splits an amount by weights so
//! that the parts add up to the amount exactly, to the last minor unit.
//!
//! ```
//! use estatekit::money::{allocate, RoundingPolicy};
//! use rust_decimal::Decimal;
//!
//! let split = allocate(Decimal::from(100), &[Decimal::from(1000), Decimal::from(500)],
//!                      &RoundingPolicy::default())?;
//! assert_eq!(split.parts, vec![Decimal::new(6667, 2), Decimal::new(3333, 2)]);
//! assert_eq!(split.adjusted, vec![0]); // part 0 took the leftover cent
//! # Ok::<(), estatekit::money::MoneyError>(())
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

mod pow10;
mod remainders;

pub(crate) use pow10::{Pow10Rounder, round_pow10_unsigned};
use remainders::split_narrow;

/// The largest scale (digits after the decimal point) a [`RoundingPolicy`] accepts.
pub const MAX_SCALE: u32 = 12;

/// Largest magnitude of a `Decimal` mantissa (2^96 - 1).
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;

/// How an amount is rounded to the policy's scale.
///
/// The names follow `java.math.RoundingMode`: `Down` goes toward zero, `Up` away
/// from zero, and the half modes decide only ties.
///
/// ```
/// use estatekit::money::RoundingMode;
/// assert_eq!("half_even".parse::<RoundingMode>()?, RoundingMode::HalfEven);
/// assert_eq!(RoundingMode::HalfUp.as_str(), "half_up");
/// # Ok::<(), estatekit::money::MoneyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Round to nearest; ties away from zero (2.345 → 2.35, −2.345 → −2.35). The default.
    #[default]
    HalfUp,
    /// Round to nearest; ties to the even neighbour (2.345 → 2.34, 2.355 → 2.36).
    HalfEven,
    /// Truncate toward zero (2.349 → 2.34, −2.349 → −2.34).
    Down,
    /// Away from zero (2.341 → 2.35, −2.341 → −2.35).
    Up,
}

impl RoundingMode {
    /// Every mode, in declaration order.
    pub const ALL: [RoundingMode; 4] = [Self::HalfUp, Self::HalfEven, Self::Down, Self::Up];

    /// The stable snake_case name used in JSON and by the bindings.
    ///
    /// ```
    /// assert_eq!(estatekit::money::RoundingMode::Down.as_str(), "down");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HalfUp => "half_up",
            Self::HalfEven => "half_even",
            Self::Down => "down",
            Self::Up => "up",
        }
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            Self::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Self::HalfEven => RoundingStrategy::MidpointNearestEven,
            Self::Down => RoundingStrategy::ToZero,
            Self::Up => RoundingStrategy::AwayFromZero,
        }
    }
}

impl fmt::Display for RoundingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RoundingMode {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| MoneyError::UnknownRoundingMode {
                value: s.to_owned(),
            })
    }
}

/// An estate's rounding rule: how many decimal places money keeps, and how it rounds.
///
/// The default is two places (0.01 yuan), half-up. Round each bill line once with
/// the policy; totals are sums of rounded lines.
///
/// ```
/// use estatekit::money::{RoundingMode, RoundingPolicy};
/// use rust_decimal::Decimal;
///
/// let p = RoundingPolicy::new(2, RoundingMode::HalfEven)?;
/// assert_eq!(p.round(Decimal::new(2345, 3)), Decimal::new(234, 2));
/// assert_eq!(RoundingPolicy::default().round(Decimal::new(2345, 3)), Decimal::new(235, 2));
/// # Ok::<(), estatekit::money::MoneyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawPolicy", deny_unknown_fields)]
pub struct RoundingPolicy {
    scale: u32,
    mode: RoundingMode,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default = "default_scale")]
    scale: u32,
    #[serde(default)]
    mode: RoundingMode,
}

fn default_scale() -> u32 {
    2
}

impl TryFrom<RawPolicy> for RoundingPolicy {
    type Error = MoneyError;
    fn try_from(raw: RawPolicy) -> Result<Self, Self::Error> {
        RoundingPolicy::new(raw.scale, raw.mode)
    }
}

impl Default for RoundingPolicy {
    fn default() -> Self {
        Self {
            scale: 2,
            mode: RoundingMode::HalfUp,
        }
    }
}

impl RoundingPolicy {
    /// A policy with `scale` decimal places (0 to [`MAX_SCALE`]) and a rounding mode.
    ///
    /// ```
    /// use estatekit::money::{MoneyError, RoundingMode, RoundingPolicy};
    /// assert!(RoundingPolicy::new(0, RoundingMode::Down).is_ok());
    /// assert_eq!(RoundingPolicy::new(13, RoundingMode::Down),
    ///            Err(MoneyError::InvalidScale { scale: 13, max: 12 }));
    /// ```
    pub fn new(scale: u32, mode: RoundingMode) -> Result<Self, MoneyError> {
        if scale > MAX_SCALE {
            return Err(MoneyError::InvalidScale {
                scale,
                max: MAX_SCALE,
            });
        }
        Ok(Self { scale, mode })
    }

    /// Decimal places kept.
    ///
    /// ```
    /// assert_eq!(estatekit::money::RoundingPolicy::default().scale(), 2);
    /// ```
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// The rounding mode.
    ///
    /// ```
    /// use estatekit::money::{RoundingMode, RoundingPolicy};
    /// assert_eq!(RoundingPolicy::default().mode(), RoundingMode::HalfUp);
    /// ```
    pub fn mode(&self) -> RoundingMode {
        self.mode
    }

    /// The smallest amount the policy keeps (0.01 at scale 2).
    ///
    /// ```
    /// use rust_decimal::Decimal;
    /// assert_eq!(estatekit::money::RoundingPolicy::default().minor_unit(), Decimal::new(1, 2));
    /// ```
    pub fn minor_unit(&self) -> Decimal {
        Decimal::new(1, self.scale)
    }

    /// Rounds `amount` to the policy's scale with its mode; the result always has
    /// exactly that many decimal places (`100` → `100.00`).
    ///
    /// ```
    /// use estatekit::money::{RoundingMode, RoundingPolicy};
    /// use rust_decimal::Decimal;
    /// let up = RoundingPolicy::new(2, RoundingMode::Up)?;
    /// assert_eq!(up.round(Decimal::new(-2341, 3)), Decimal::new(-235, 2));
    /// assert_eq!(up.round(Decimal::from(100)).to_string(), "100.00");
    /// # Ok::<(), estatekit::money::MoneyError>(())
    /// ```
    pub fn round(&self, amount: Decimal) -> Decimal {
        let mut rounded = amount.round_dp_with_strategy(self.scale, self.mode.strategy());
        // Money always shows the policy's scale: 100 → 100.00.
        rounded.rescale(self.scale);
        rounded
    }

    /// The product of `factors` rounded with the policy, computed exactly in 128-bit
    /// integers; `None` when an intermediate does not fit (callers then use
    /// `Decimal` arithmetic). Equal to `self.round(f1 * f2 * …)` whenever that product
    /// is exact in `Decimal`.
    ///
    /// ```
    /// use estatekit::money::RoundingPolicy;
    /// use rust_decimal::Decimal;
    /// let p = RoundingPolicy::default();
    /// let f = ["89.50", "3.70", "0.7"].map(|s| s.parse::<Decimal>().unwrap());
    /// assert_eq!(p.round_product(&f).unwrap().to_string(), "231.81"); // 231.805
    /// ```
    pub fn round_product(&self, factors: &[Decimal]) -> Option<Decimal> {
        let mut mantissa: i128 = 1;
        let mut scale: u32 = 0;
        for f in factors {
            mantissa = mantissa.checked_mul(f.mantissa())?;
            scale += f.scale();
        }
        self.round_mantissa(mantissa, scale)
    }

    /// `mantissa × 10^-scale` rounded to the policy's scale, in integers; `None` when
    /// the result does not fit a `Decimal`.
    #[inline]
    pub(crate) fn round_mantissa(&self, mantissa: i128, scale: u32) -> Option<Decimal> {
        let q = self.round_to_minor(mantissa, scale)?;
        Decimal::try_from_i128_with_scale(q, self.scale).ok()
    }

    /// `mantissa × 10^-scale` rounded to the policy's scale, as a count of minor units
    /// (the mantissa of the rounded amount at the policy's scale); `None` on overflow.
    #[inline]
    pub(crate) fn round_to_minor(&self, mantissa: i128, scale: u32) -> Option<i128> {
        let target = self.scale;
        if scale <= target {
            return mantissa.checked_mul(10i128.checked_pow(target - scale)?);
        }
        let exp = scale - target;
        // Usual case (amounts below 9.2e18 in the product's scale): 64-bit division
        // by a constant power of ten, which compiles to a multiplication.
        if let Ok(m) = i64::try_from(mantissa)
            && let Some((q, r, div)) = div_rem_pow10(m, exp)
        {
            let away = self
                .mode
                .away(u128::from(r.unsigned_abs()), u128::from(div), q % 2 != 0);
            return Some(i128::from(if away { q + m.signum() } else { q }));
        }
        let div = 10i128.checked_pow(exp)?;
        let (q, r) = (mantissa / div, mantissa % div);
        let away = self
            .mode
            .away(r.unsigned_abs(), div.unsigned_abs(), q % 2 != 0);
        Some(if away { q + mantissa.signum() } else { q })
    }

    /// `amount` (rounded with the policy) as a signed count of minor units.
    fn to_minor(self, amount: Decimal) -> Result<i128, MoneyError> {
        let rounded = self.round(amount);
        let factor = pow10(self.scale - rounded.scale());
        rounded
            .mantissa()
            .checked_mul(factor as i128)
            .filter(|m| m.unsigned_abs() <= MAX_MANTISSA)
            .ok_or_else(|| MoneyError::Overflow {
                context: format!("total {amount} cannot be expressed at scale {}", self.scale),
            })
    }
}

impl RoundingMode {
    /// Whether a truncated quotient (odd or not) with remainder `|r|` of divisor `div`
    /// rounds away from zero in this mode: the one rounding decision of the integer
    /// paths.
    #[inline(always)]
    fn away(self, r: u128, div: u128, q_odd: bool) -> bool {
        let twice = r * 2;
        match self {
            Self::HalfUp => twice >= div,
            Self::HalfEven => twice > div || (twice == div && q_odd),
            Self::Down => false,
            Self::Up => r != 0,
        }
    }
}

/// `(m / 10^exp, m % 10^exp, 10^exp)` for `1 ≤ exp ≤ 18`, each divisor a constant so
/// the division compiles to a multiplication; `None` for other exponents.
#[inline]
fn div_rem_pow10(m: i64, exp: u32) -> Option<(i64, i64, u64)> {
    macro_rules! arms {
        ($($e:literal),*) => {
            match exp {
                $($e => {
                    const D: i64 = 10i64.pow($e);
                    Some((m / D, m % D, D.unsigned_abs()))
                })*
                _ => None,
            }
        };
    }
    arms!(
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18
    )
}

fn pow10(exp: u32) -> u128 {
    10u128.pow(exp)
}

/// `a × b × 10^-scale` rounded to the policy's scale with its mode, exactly, as a count
/// of minor units: the product is formed in 256 bits, so no digit is lost however many
/// the factors have (a daily rate such as 0.18 / 365 has 28). `None` when the rounded
/// result does not fit 128 bits.
///
/// This is how an accrual (a rate times a sum of amount-days) becomes money: rounded
/// once, never before.
pub(crate) fn round_wide_product(
    a: u128,
    b: u128,
    scale: u32,
    policy: &RoundingPolicy,
) -> Option<u128> {
    let mut n = mul_u128(a, b);
    let target = policy.scale();
    if scale <= target {
        let mut k = target - scale;
        while k > 0 {
            let step = k.min(19);
            n = mul_small(n, 10u64.pow(step))?;
            k -= step;
        }
        return to_u128(n);
    }
    // Divide by 10^(exp − 1), remembering whether anything non-zero was dropped,
    // then by 10: the last digit and the sticky flag decide the rounding.
    let mut k = scale - target - 1;
    let mut sticky = false;
    while k > 0 {
        let step = k.min(19);
        let (q, r) = div_small(n, 10u64.pow(step));
        sticky |= r != 0;
        n = q;
        k -= step;
    }
    let (q, digit) = div_small(n, 10);
    let q = to_u128(q)?;
    let away = match policy.mode() {
        RoundingMode::HalfUp => digit >= 5,
        RoundingMode::HalfEven => digit > 5 || (digit == 5 && (sticky || q % 2 == 1)),
        RoundingMode::Down => false,
        RoundingMode::Up => digit > 0 || sticky,
    };
    q.checked_add(u128::from(away))
}

/// A 256-bit unsigned integer, least significant limb first.
type U256 = [u64; 4];

fn mul_u128(a: u128, b: u128) -> U256 {
    let (a0, a1) = (a as u64, (a >> 64) as u64);
    let (b0, b1) = (b as u64, (b >> 64) as u64);
    let mut out = [0u64; 4];
    for (i, x) in [a0, a1].into_iter().enumerate() {
        let mut carry: u128 = 0;
        for (j, y) in [b0, b1].into_iter().enumerate() {
            let t = u128::from(x) * u128::from(y) + u128::from(out[i + j]) + carry;
            out[i + j] = t as u64;
            carry = t >> 64;
        }
        // out[i + 2] is still zero here: no carry out of the top limb.
        out[i + 2] = carry as u64;
    }
    out
}

fn mul_small(n: U256, m: u64) -> Option<U256> {
    let mut out = [0u64; 4];
    let mut carry: u128 = 0;
    for i in 0..4 {
        let t = u128::from(n[i]) * u128::from(m) + carry;
        out[i] = t as u64;
        carry = t >> 64;
    }
    (carry == 0).then_some(out)
}

fn div_small(n: U256, d: u64) -> (U256, u64) {
    let mut out = [0u64; 4];
    let mut rem: u128 = 0;
    for i in (0..4).rev() {
        let cur = (rem << 64) | u128::from(n[i]);
        out[i] = (cur / u128::from(d)) as u64;
        rem = cur % u128::from(d);
    }
    // rem < d ≤ u64::MAX.
    (out, rem as u64)
}

fn to_u128(n: U256) -> Option<u128> {
    (n[2] == 0 && n[3] == 0).then(|| u128::from(n[0]) | (u128::from(n[1]) << 64))
}

/// The result of [`allocate`]: parts that sum exactly to `total`.
///
/// Each part is its exact share rounded toward zero, plus one minor unit for the
/// parts listed in `adjusted` (those with the largest remainders; ties go to the
/// lower index).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The amount that was split, rounded to the policy's scale.
    pub total: Decimal,
    /// One part per weight, in the order of the weights; they sum exactly to `total`.
    pub parts: Vec<Decimal>,
    /// Indices (ascending) of the parts that received one extra minor unit
    /// (one unit more in magnitude, for a negative total) to make the sum exact.
    pub adjusted: Vec<usize>,
}

impl Allocation {
    /// The sum of the minor units handed out as adjustments (e.g. 0.02 when two
    /// parts received one cent each; negative for a negative total).
    ///
    /// ```
    /// use estatekit::money::{allocate, RoundingPolicy};
    /// use rust_decimal::Decimal;
    /// let a = allocate(Decimal::from(1), &[Decimal::ONE; 3], &RoundingPolicy::default())?;
    /// assert_eq!(a.parts, vec![Decimal::new(34, 2), Decimal::new(33, 2), Decimal::new(33, 2)]);
    /// assert_eq!(a.adjustment(), Decimal::new(1, 2));
    /// # Ok::<(), estatekit::money::MoneyError>(())
    /// ```
    pub fn adjustment(&self) -> Decimal {
        adjustment_of(self.total, self.adjusted.len())
    }
}

/// `count` minor units of `total`'s scale, with `total`'s sign.
fn adjustment_of(total: Decimal, count: usize) -> Decimal {
    // `total` carries the policy's scale, so its last digit is one minor unit.
    let units = count as i64;
    let signed = if total < Decimal::ZERO { -units } else { units };
    Decimal::new(signed, total.scale())
}

impl RawAllocation {
    /// As [`Allocation::adjustment`].
    pub(crate) fn adjustment(&self) -> Decimal {
        adjustment_of(self.total, self.adjusted.len())
    }

    /// The exact sum of the parts.
    pub(crate) fn parts_sum(&self) -> Result<Decimal, MoneyError> {
        match &self.parts {
            // Fewer than 2^64 parts below 2^63 in magnitude: the i128 sum is exact.
            Parts::Minor(v) => {
                let minor: i128 = v.iter().map(|&m| i128::from(m)).sum();
                Decimal::try_from_i128_with_scale(minor, self.total.scale())
                    .map_err(|_| overflow("the sum of the parts does not fit a decimal"))
            }
            Parts::Wide(v) => sum(v),
        }
    }
}

/// Errors of the money module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// No weights were given.
    #[error("weights: at least one weight is required")]
    EmptyWeights,
    /// A weight is below zero.
    #[error("weights[{index}]: weight must not be negative, got {value}")]
    NegativeWeight {
        /// Position of the weight.
        index: usize,
        /// The weight.
        value: Decimal,
    },
    /// Every weight is zero, so there is nothing to split by.
    #[error("weights: all {count} weights are zero; at least one must be positive")]
    AllZeroWeights {
        /// Number of weights.
        count: usize,
    },
    /// An amount or intermediate product is too large to compute exactly.
    #[error("overflow: {context}")]
    Overflow {
        /// What overflowed.
        context: String,
    },
    /// The policy's scale is out of range.
    #[error("scale: {scale} is out of range 0..={max}")]
    InvalidScale {
        /// The scale asked for.
        scale: u32,
        /// The largest scale allowed.
        max: u32,
    },
    /// A rounding mode name is not known.
    #[error("rounding: unknown rounding mode {value:?}; expected half_up, half_even, down or up")]
    UnknownRoundingMode {
        /// The name given.
        value: String,
    },
    /// A decimal text is not written strictly (`[-]digits[.digits][e[+|-]digits]`) or
    /// is beyond ±7.9e28 (see [`parse_decimal`]).
    #[error("{}: {:?} is not a decimal: {}", .0.path, .0.text, .0.reason)]
    InvalidDecimal(Box<BadDecimal>),
    /// A decimal text has more significant digits than a `Decimal` holds (28 after
    /// the point, 96 bits in all): reading it would round it (see [`parse_decimal`]).
    #[error("{}: {:?} has more digits than can be held exactly (28 after the point, ±7.9e28 in all); round it first", .0.path, .0.text)]
    InexactDecimal(Box<BadDecimal>),
}

/// The decimal text [`parse_decimal`] refused, and why.
///
/// ```
/// use estatekit::money::{parse_decimal, MoneyError};
/// let MoneyError::InvalidDecimal(bad) = parse_decimal("+5", "amount").unwrap_err() else { panic!() };
/// assert_eq!((bad.path.as_str(), bad.text.as_str()), ("amount", "+5"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDecimal {
    /// The field the text was given for.
    pub path: String,
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl MoneyError {
    /// A stable snake_case code for the error kind (e.g. `"negative_weight"`).
    ///
    /// ```
    /// assert_eq!(estatekit::money::MoneyError::EmptyWeights.code(), "empty_weights");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyWeights => "empty_weights",
            Self::NegativeWeight { .. } => "negative_weight",
            Self::AllZeroWeights { .. } => "all_zero_weights",
            Self::Overflow { .. } => "overflow",
            Self::InvalidScale { .. } => "invalid_scale",
            Self::UnknownRoundingMode { .. } => "unknown_rounding_mode",
            Self::InvalidDecimal(_) => "invalid_decimal",
            Self::InexactDecimal(_) => "inexact_decimal",
        }
    }

    /// The input field the error is about (e.g. `"weights[1]"`, `"total"`, `"scale"`).
    ///
    /// ```
    /// use estatekit::money::MoneyError;
    /// use rust_decimal::Decimal;
    /// let e = MoneyError::NegativeWeight { index: 1, value: Decimal::NEGATIVE_ONE };
    /// assert_eq!(e.path(), "weights[1]");
    /// ```
    pub fn path(&self) -> String {
        match self {
            Self::EmptyWeights | Self::AllZeroWeights { .. } => "weights".to_owned(),
            Self::NegativeWeight { index, .. } => format!("weights[{index}]"),
            Self::Overflow { .. } => "total".to_owned(),
            Self::InvalidScale { .. } => "scale".to_owned(),
            Self::UnknownRoundingMode { .. } => "rounding".to_owned(),
            Self::InvalidDecimal(bad) | Self::InexactDecimal(bad) => bad.path.clone(),
        }
    }
}

/// Reads a decimal written strictly and exactly, for documents and API arguments.
///
/// The form is `[-]digits[.digits][(e|E)[+|-]digits]`, ASCII only: no `+` sign, no
/// spaces, no `_` or thousands separators, no `NaN` or `Infinity` (the table importers
/// normalise spreadsheet cells before they get here). The value must be held exactly:
/// trailing zeros beyond what a `Decimal` holds are dropped (`0E-30` is zero,
/// `1.000…0` with 30 zeros is one), but a significant digit that would be rounded away
/// is refused as [`MoneyError::InexactDecimal`] (code `inexact_decimal`), so an
/// amount is rounded once, by the policy, never on the way in. The scale written is
/// kept when it fits (`"100.00"` has scale 2). Beyond ±7.9e28, or not a decimal:
/// [`MoneyError::InvalidDecimal`] (code `invalid_decimal`). `path` names the field in
/// the error.
///
/// ```
/// use estatekit::money::parse_decimal;
/// use rust_decimal::Decimal;
/// assert_eq!(parse_decimal("100.00", "amount")?.to_string(), "100.00");
/// assert_eq!(parse_decimal("1.5E+3", "amount")?, Decimal::from(1500));
/// assert_eq!(parse_decimal("0E-30", "amount")?, Decimal::ZERO);
/// let e = parse_decimal("100.000000000000000000000000001", "amount").unwrap_err();
/// assert_eq!((e.code(), e.path().as_str()), ("inexact_decimal", "amount"));
/// for loose in ["1_0.0_0", " 12 ", "+5", "12\u{a0}", "1e30", "NaN", "", "."] {
///     assert_eq!(parse_decimal(loose, "amount").unwrap_err().code(), "invalid_decimal");
/// }
/// # Ok::<(), estatekit::money::MoneyError>(())
/// ```
pub fn parse_decimal(text: &str, path: &str) -> Result<Decimal, MoneyError> {
    let bad = |reason: &'static str| {
        Box::new(BadDecimal {
            path: path.to_owned(),
            text: text.to_owned(),
            reason,
        })
    };
    let invalid = |reason: &'static str| MoneyError::InvalidDecimal(bad(reason));
    let inexact = || MoneyError::InexactDecimal(bad("inexact"));
    const FORM: &str = "expected [-]digits[.digits][e[+|-]digits], ASCII, no spaces, no + sign";
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    // The usual case, a positive `digits[.digits]` in at most 28 characters, holds
    // exactly as rust_decimal reads it (fewer than 29 digits, scale at most 27).
    let b = body.as_bytes();
    if !negative
        && (1..=28).contains(&b.len())
        && b[0].is_ascii_digit()
        && b[b.len() - 1].is_ascii_digit()
        && b.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && b.iter().filter(|c| **c == b'.').count() <= 1
    {
        if let Ok(d) = Decimal::from_str_exact(text) {
            return Ok(d);
        }
    }
    let (number, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match number.split_once('.') {
        Some((i, f)) => (i, f),
        None => (number, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || !all_digits(int)
        || !all_digits(frac)
        || (number.contains('.') && frac.is_empty())
    {
        return Err(invalid(FORM));
    }
    let exp: i64 = match exponent {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !all_digits(digits) {
                return Err(invalid(FORM));
            }
            // Beyond a million the value is zero, out of range or inexact anyway.
            let magnitude: i64 = digits
                .trim_start_matches('0')
                .parse::<i64>()
                .map_or(1_000_000, |m| m.min(1_000_000));
            if e.starts_with('-') {
                -magnitude
            } else {
                magnitude
            }
        }
    };
    // The value is `digits × 10^-scale`.
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    let mut scale: i64 = i64::try_from(frac.len()).unwrap_or(i64::MAX) - exp;
    let lead = digits.iter().take_while(|d| **d == 0).count();
    digits.drain(..lead);
    if digits.is_empty() {
        return Ok(Decimal::new(
            0,
            u32::try_from(scale.clamp(0, 28)).unwrap_or(0),
        ));
    }
    const MAX_DIGITS: &[u8] = &[
        7, 9, 2, 2, 8, 1, 6, 2, 5, 1, 4, 2, 6, 4, 3, 3, 7, 5, 9, 3, 5, 4, 3, 9, 5, 0, 3, 3, 5,
    ];
    let fits = |d: &[u8], scale: i64| {
        (0..=28).contains(&scale) && (d.len() < 29 || (d.len() == 29 && d <= MAX_DIGITS))
    };
    // Drop trailing zeros (never a significant digit) until the value fits.
    while !fits(&digits, scale) && scale > 0 && digits.last() == Some(&0) {
        digits.pop();
        scale -= 1;
    }
    if scale < 0 {
        if digits.len() as i64 - scale > 29 {
            return Err(invalid("beyond ±7.9e28"));
        }
        digits.extend(std::iter::repeat_n(0, usize::try_from(-scale).unwrap_or(0)));
        scale = 0;
    }
    if !fits(&digits, scale) {
        return Err(if scale > 0 && digits.len() as i64 > scale {
            // Digits before the point too: too large unless the fraction is dropped.
            let whole = digits.len() as i64 - scale;
            if whole > 29 || (whole == 29 && &digits[..29] > MAX_DIGITS) {
                invalid("beyond ±7.9e28")
            } else {
                inexact()
            }
        } else if scale > 0 {
            inexact()
        } else {
            invalid("beyond ±7.9e28")
        });
    }
    let mantissa = digits.iter().fold(0i128, |m, d| m * 10 + i128::from(*d));
    let signed = if negative { -mantissa } else { mantissa };
    Decimal::try_from_i128_with_scale(signed, u32::try_from(scale).unwrap_or(0))
        .map_err(|_| invalid("beyond ±7.9e28"))
}

/// Weights as integers at one common scale, with their sum.
struct IntWeights {
    values: Vec<u128>,
    sum: u128,
}

fn overflow(context: &str) -> MoneyError {
    MoneyError::Overflow {
        context: context.to_owned(),
    }
}

fn integer_weights(weights: &[Decimal], normalize: bool) -> Result<IntWeights, MoneyError> {
    let norm = |w: Decimal| if normalize { w.normalize() } else { w };
    let scale = weights.iter().map(|w| norm(*w).scale()).max().unwrap_or(0);
    let mut values = Vec::with_capacity(weights.len());
    let mut sum: u128 = 0;
    for w in weights {
        let w = norm(*w);
        let v = w
            .mantissa()
            .unsigned_abs()
            .checked_mul(pow10(scale - w.scale()))
            .ok_or_else(|| overflow("weights are too large or too precise to combine exactly"))?;
        sum = sum
            .checked_add(v)
            .ok_or_else(|| overflow("the sum of the weights is too large"))?;
        values.push(v);
    }
    Ok(IntWeights { values, sum })
}

/// The exact sum of `amounts`: integer addition of the mantissas, aligned to the
/// largest scale when the scales differ (amounts rounded with one policy share one).
/// Never rounds: a sum that a `Decimal` cannot hold exactly is an error.
///
/// # Errors
/// [`MoneyError::Overflow`] when the sum does not fit a `Decimal` exactly.
///
/// ```
/// use estatekit::money::sum;
/// use rust_decimal::Decimal;
/// let v = ["0.10", "0.20", "1.5"].map(|s| s.parse::<Decimal>().unwrap());
/// assert_eq!(sum(&v)?.to_string(), "1.80");
/// assert_eq!(sum(&[])?, Decimal::ZERO);
/// assert!(sum(&[Decimal::MAX, Decimal::MAX]).is_err());
/// // Too many digits at scale 12, exact once a trailing zero is dropped: kept.
/// let (a, b) = ("55047298579610353.139111541300", "28513654072152815.444747623920");
/// assert_eq!(sum(&[a.parse()?, b.parse()?])?.to_string(), "83560952651763168.58385916522");
/// // 29 significant digits: `Decimal` addition would round this, `sum` refuses.
/// let big = "30000000000000000000000000000".parse::<Decimal>()?;
/// assert!(sum(&[big, "0.5".parse()?]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sum(amounts: &[Decimal]) -> Result<Decimal, MoneyError> {
    let overflow = || MoneyError::Overflow {
        context: format!(
            "the sum of {} amounts does not fit a decimal exactly",
            amounts.len()
        ),
    };
    let scale = amounts.first().map_or(0, Decimal::scale);
    let mut total: i128 = 0;
    for a in amounts {
        if a.scale() != scale {
            return sum_mixed(amounts).ok_or_else(overflow);
        }
        // Each mantissa is below 2^96 in magnitude: 2^31 of them cannot overflow.
        total = total.checked_add(a.mantissa()).ok_or_else(overflow)?;
    }
    exact_decimal(total, scale).ok_or_else(overflow)
}

/// [`sum`] of amounts of different scales: aligned to the largest scale (as
/// `Decimal` addition keeps it), added in `i128`; if that overflows, again with
/// trailing zeros removed first; then trailing zeros are dropped until the result
/// fits. `None` when it cannot be represented exactly.
fn sum_mixed(amounts: &[Decimal]) -> Option<Decimal> {
    let aligned = |normalize: bool| -> Option<Decimal> {
        let view = |a: &Decimal| if normalize { a.normalize() } else { *a };
        let scale = amounts.iter().map(|a| view(a).scale()).max().unwrap_or(0);
        let mut total: i128 = 0;
        for a in amounts {
            let a = view(a);
            let m = a
                .mantissa()
                .checked_mul(10i128.checked_pow(scale - a.scale())?)?;
            total = total.checked_add(m)?;
        }
        exact_decimal(total, scale)
    };
    aligned(false).or_else(|| aligned(true))
}

/// `mantissa × 10^-scale` as a `Decimal`, dropping trailing zeros if it must;
/// `None` when it cannot be represented exactly.
pub(crate) fn exact_decimal(mut mantissa: i128, mut scale: u32) -> Option<Decimal> {
    loop {
        if let Ok(d) = Decimal::try_from_i128_with_scale(mantissa, scale) {
            return Some(d);
        }
        if scale == 0 || mantissa % 10 != 0 {
            return None;
        }
        mantissa /= 10;
        scale -= 1;
    }
}

/// Splits `total` into parts proportional to `weights`, exactly.
///
/// The total is first rounded to the policy's scale with its mode; the parts then
/// sum to that rounded total to the last minor unit (largest-remainder method):
/// every part is its exact share rounded toward zero, and the leftover minor units
/// go one each to the parts with the largest remainders, ties to the lower index.
/// A negative total (a refund) is split like its absolute value, with every part
/// negated. Zero weights are allowed (they receive zero) but not all of them.
///
/// Works in integer minor units, linear in the parts (see `benches/README.md`).
///
/// # Errors
/// [`MoneyError::EmptyWeights`], [`MoneyError::NegativeWeight`] (with its index),
/// [`MoneyError::AllZeroWeights`], or [`MoneyError::Overflow`] when the amounts are
/// too large to compute exactly.
///
/// ```
/// use estatekit::money::{allocate, MoneyError, RoundingPolicy};
/// use rust_decimal::Decimal;
///
/// let p = RoundingPolicy::default();
/// let refund = allocate(Decimal::new(-1000, 2), &[Decimal::ONE; 3], &p)?;
/// assert_eq!(refund.parts, vec![Decimal::new(-334, 2), Decimal::new(-333, 2), Decimal::new(-333, 2)]);
///
/// let err = allocate(Decimal::ONE, &[Decimal::ONE, Decimal::NEGATIVE_ONE], &p).unwrap_err();
/// assert_eq!(err, MoneyError::NegativeWeight { index: 1, value: Decimal::NEGATIVE_ONE });
/// # Ok::<(), MoneyError>(())
/// ```
pub fn allocate(
    total: Decimal,
    weights: &[Decimal],
    policy: &RoundingPolicy,
) -> Result<Allocation, MoneyError> {
    let raw = allocate_raw(total, weights, policy)?;
    let scale = policy.scale();
    let parts = match raw.parts {
        // |m| ≤ |total| in minor units < 2^63 and the scale is a policy's: valid.
        Parts::Minor(v) => v.into_iter().map(|m| Decimal::new(m, scale)).collect(),
        Parts::Wide(v) => v,
    };
    Ok(Allocation {
        total: raw.total,
        parts,
        adjusted: raw.adjusted,
    })
}

/// The parts of an allocation: minor units of the policy's scale when every part
/// fits 64 bits (a total below 9.2e18 minor units), else whole decimals.
#[derive(Debug)]
pub(crate) enum Parts {
    Minor(Vec<i64>),
    Wide(Vec<Decimal>),
}

/// [`allocate`]'s result before the parts become decimals (the billing run keeps
/// them in minor units), with the sum of the weights when it was computed exactly.
#[derive(Debug)]
pub(crate) struct RawAllocation {
    pub total: Decimal,
    pub parts: Parts,
    pub adjusted: Vec<usize>,
    pub weight_sum: Option<Decimal>,
}

/// [`allocate`] with the parts in minor units where they fit.
pub(crate) fn allocate_raw(
    total: Decimal,
    weights: &[Decimal],
    policy: &RoundingPolicy,
) -> Result<RawAllocation, MoneyError> {
    if weights.is_empty() {
        return Err(MoneyError::EmptyWeights);
    }
    if let Some((index, value)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| w.is_sign_negative() && !w.is_zero())
    {
        return Err(MoneyError::NegativeWeight {
            index,
            value: *value,
        });
    }
    let t_minor = policy.to_minor(total)?;
    let scale = policy.scale();
    let rounded_total = Decimal::from_i128_with_scale(t_minor, scale);
    let negative = t_minor < 0;
    if let Some(narrow) = split_narrow(t_minor.unsigned_abs(), weights, negative) {
        let (parts, adjusted, weight_sum) = narrow?;
        return Ok(RawAllocation {
            total: rounded_total,
            parts: Parts::Minor(parts),
            adjusted,
            weight_sum,
        });
    }
    // Exact scaling can overflow for weights with many digits; trailing zeros removed, it may not.
    let w = integer_weights(weights, false).or_else(|_| integer_weights(weights, true))?;
    if w.sum == 0 {
        return Err(MoneyError::AllZeroWeights {
            count: weights.len(),
        });
    }
    let parts_minor = split_minor(t_minor.unsigned_abs(), &w)?;
    let parts = parts_minor
        .magnitudes
        .iter()
        .map(|&m| {
            // m <= |t_minor| <= MAX_MANTISSA, so the cast and the Decimal are exact.
            let signed = if negative { -(m as i128) } else { m as i128 };
            Decimal::from_i128_with_scale(signed, scale)
        })
        .collect();
    Ok(RawAllocation {
        total: rounded_total,
        parts: Parts::Wide(parts),
        adjusted: parts_minor.adjusted,
        weight_sum: None,
    })
}

struct MinorSplit {
    magnitudes: Vec<u128>,
    adjusted: Vec<usize>,
}

/// Largest-remainder split of `t` minor units by integer weights.
fn split_minor(t: u128, w: &IntWeights) -> Result<MinorSplit, MoneyError> {
    let n = w.values.len();
    let max_w = w.values.iter().copied().max().unwrap_or(0);
    let too_large = || overflow("the total times a weight is too large to compute exactly");
    t.checked_mul(max_w).ok_or_else(too_large)?;

    let mut magnitudes = Vec::with_capacity(n);
    let mut remainders: Vec<(u128, u32)> = Vec::new();
    let mut handed_out: u128 = 0;
    // Fast path in 64-bit arithmetic when every product fits (the usual case).
    let fits_u64 =
        t.checked_mul(max_w).is_some_and(|p| p <= u64::MAX as u128) && w.sum <= u64::MAX as u128;
    for (i, &wi) in w.values.iter().enumerate() {
        let (q, r) = if fits_u64 {
            let p = (t as u64) * (wi as u64);
            let s = w.sum as u64;
            ((p / s) as u128, (p % s) as u128)
        } else {
            let p = t * wi; // cannot overflow: wi <= max_w and t * max_w was checked
            (p / w.sum, p % w.sum)
        };
        handed_out += q;
        magnitudes.push(q);
        if r > 0 {
            // n parts fit in memory, so the index fits in u32 unless n > 4 billion.
            let idx = u32::try_from(i).map_err(|_| overflow("more than 4,294,967,295 parts"))?;
            remainders.push((r, idx));
        }
    }
    // Σ q ≤ t and the leftover is below n because each remainder is below the sum.
    let leftover = usize::try_from(t - handed_out).map_err(|_| too_large())?;
    let mut adjusted = Vec::with_capacity(leftover);
    if leftover > 0 {
        let by_priority =
            |a: &(u128, u32), b: &(u128, u32)| -> Ordering { b.0.cmp(&a.0).then(a.1.cmp(&b.1)) };
        if leftover < remainders.len() {
            remainders.select_nth_unstable_by(leftover - 1, by_priority);
        }
        for &(_, idx) in &remainders[..leftover] {
            let i = idx as usize;
            magnitudes[i] += 1;
            adjusted.push(i);
        }
        adjusted.sort_unstable();
    }
    Ok(MinorSplit {
        magnitudes,
        adjusted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("test decimal")
    }

    fn ds(v: &[&str]) -> Vec<Decimal> {
        v.iter().map(|s| d(s)).collect()
    }

    #[test]
    fn wide_product_rounds_like_exact_decimal_arithmetic() {
        // Small cases against Decimal (exact there), every mode.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for mode in RoundingMode::ALL {
            let policy = RoundingPolicy::new(2, mode).expect("policy");
            for _ in 0..2000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let a = u128::from(x % 10_000_000);
                let b = u128::from((x >> 24) % 1_000_000);
                let scale = (x >> 50) as u32 % 12;
                let exact = Decimal::from_i128_with_scale((a * b) as i128, scale);
                let want = policy.round(exact).mantissa() as u128;
                assert_eq!(
                    round_wide_product(a, b, scale, &policy),
                    Some(want),
                    "{a}×{b}e-{scale} {mode}"
                );
            }
        }
        // 28-digit rate × 30-digit sum: 0.18/365 × 3,000,000.00 amount-days = 1479.45…
        let rate = d("0.18") / d("365");
        let policy = RoundingPolicy::default();
        let q = round_wide_product(
            rate.mantissa() as u128,
            300_000_000,
            rate.scale() + 2,
            &policy,
        );
        assert_eq!(q, Some(147_945));
        // Ties decided on the dropped digits, not on a rounded intermediate.
        let half = RoundingPolicy::new(0, RoundingMode::HalfEven).expect("policy");
        assert_eq!(round_wide_product(25, 1, 1, &half), Some(2));
        assert_eq!(round_wide_product(251, 1, 2, &half), Some(3));
        assert_eq!(round_wide_product(35, 1, 1, &half), Some(4));
        // Scaling up, and overflow.
        assert_eq!(round_wide_product(7, 3, 0, &policy), Some(2100));
        assert_eq!(round_wide_product(u128::MAX, u128::MAX, 0, &policy), None);
    }

    #[test]
    fn two_thirds_one_third() {
        let a = allocate(d("100"), &ds(&["1000", "500"]), &RoundingPolicy::default()).expect("ok");
        assert_eq!(a.parts, ds(&["66.67", "33.33"]));
        assert_eq!(a.adjusted, vec![0]);
        assert_eq!(a.total, d("100"));
    }

    #[test]
    fn ties_go_to_lower_index() {
        let a = allocate(d("0.02"), &ds(&["1", "1", "1"]), &RoundingPolicy::default()).expect("ok");
        assert_eq!(a.parts, ds(&["0.01", "0.01", "0"]));
        assert_eq!(a.adjusted, vec![0, 1]);
    }

    #[test]
    fn zero_weights_get_zero_and_no_adjustment() {
        let a = allocate(
            d("10"),
            &ds(&["0", "1", "0", "2"]),
            &RoundingPolicy::default(),
        )
        .expect("ok");
        assert_eq!(a.parts, ds(&["0", "3.33", "0", "6.67"]));
        assert_eq!(a.adjusted, vec![3]);
    }

    #[test]
    fn total_is_rounded_with_the_policy_first() {
        let half_even = RoundingPolicy::new(2, RoundingMode::HalfEven).expect("policy");
        let a = allocate(d("0.125"), &ds(&["1"]), &half_even).expect("ok");
        assert_eq!(a.total, d("0.12"));
        let a = allocate(d("0.125"), &ds(&["1"]), &RoundingPolicy::default()).expect("ok");
        assert_eq!(a.parts, ds(&["0.13"]));
    }

    #[test]
    fn scale_zero_whole_yuan() {
        let p = RoundingPolicy::new(0, RoundingMode::Down).expect("policy");
        let a = allocate(d("10"), &ds(&["1", "1", "1"]), &p).expect("ok");
        assert_eq!(a.parts, ds(&["4", "3", "3"]));
    }

    #[test]
    fn negative_total_mirrors_positive() {
        let p = RoundingPolicy::default();
        let pos = allocate(d("100"), &ds(&["1000", "500"]), &p).expect("ok");
        let neg = allocate(d("-100"), &ds(&["1000", "500"]), &p).expect("ok");
        assert_eq!(neg.parts, ds(&["-66.67", "-33.33"]));
        assert_eq!(neg.adjusted, pos.adjusted);
        assert_eq!(neg.adjustment(), d("-0.01"));
    }

    #[test]
    fn errors_are_typed() {
        let p = RoundingPolicy::default();
        assert_eq!(allocate(d("1"), &[], &p), Err(MoneyError::EmptyWeights));
        assert_eq!(
            allocate(d("1"), &ds(&["0", "0"]), &p),
            Err(MoneyError::AllZeroWeights { count: 2 })
        );
        let e = allocate(d("1"), &ds(&["1", "2", "-0.5"]), &p).unwrap_err();
        assert_eq!(
            e,
            MoneyError::NegativeWeight {
                index: 2,
                value: d("-0.5")
            }
        );
        assert_eq!(
            e.to_string(),
            "weights[2]: weight must not be negative, got -0.5"
        );
        let huge = Decimal::MAX;
        let e = allocate(huge, &ds(&["1"]), &p).unwrap_err();
        assert_eq!(e.code(), "overflow");
    }

    #[test]
    fn precise_weights_fall_back_to_normalized_form() {
        // 1.0000…(27 zeros) has scale 27; combined with a huge integer weight it would
        // overflow unless trailing zeros are removed first.
        let precise = Decimal::from_i128_with_scale(10i128.pow(27), 27);
        let big = Decimal::from(10u64.pow(18));
        let a = allocate(d("3"), &[precise, big], &RoundingPolicy::default()).expect("ok");
        assert_eq!(a.parts.iter().sum::<Decimal>(), d("3"));
    }

    #[test]
    fn narrow_and_wide_paths_agree() {
        let weights: Vec<Decimal> = (0..2000u32)
            .map(|i| Decimal::new(i64::from(5000 + i * 7919 % 9000), 2))
            .collect();
        for total in ["0", "0.01", "123456.78", "-987.65", "1000000000.01"] {
            let p = RoundingPolicy::default();
            let narrow = allocate(d(total), &weights, &p).expect("narrow");
            let t = p.to_minor(d(total)).expect("minor");
            let w = integer_weights(&weights, false).expect("weights");
            let wide = split_minor(t.unsigned_abs(), &w).expect("wide");
            let wide_parts: Vec<Decimal> = wide
                .magnitudes
                .iter()
                .map(|&m| {
                    Decimal::from_i128_with_scale(if t < 0 { -(m as i128) } else { m as i128 }, 2)
                })
                .collect();
            assert_eq!(narrow.parts, wide_parts, "{total}");
            assert_eq!(narrow.adjusted, wide.adjusted, "{total}");
        }
    }

    #[test]
    fn large_products_use_the_wide_path() {
        let w = vec![Decimal::from(u64::MAX / 4), Decimal::from(u64::MAX / 2)];
        let a = allocate(d("1000000.01"), &w, &RoundingPolicy::default()).expect("ok");
        assert_eq!(a.parts.iter().sum::<Decimal>(), d("1000000.01"));
        assert_eq!(a.parts[0], d("333333.34"));
    }

    #[test]
    fn rounding_modes_parse_and_round() {
        for (name, value, want) in [
            ("half_up", "2.345", "2.35"),
            ("half_up", "-2.345", "-2.35"),
            ("half_even", "2.345", "2.34"),
            ("half_even", "2.355", "2.36"),
            ("down", "2.349", "2.34"),
            ("down", "-2.349", "-2.34"),
            ("up", "2.341", "2.35"),
            ("up", "-2.341", "-2.35"),
        ] {
            let mode: RoundingMode = name.parse().expect("mode");
            let p = RoundingPolicy::new(2, mode).expect("policy");
            assert_eq!(p.round(d(value)), d(want), "{name} {value}");
        }
        assert_eq!(
            "banker".parse::<RoundingMode>(),
            Err(MoneyError::UnknownRoundingMode {
                value: "banker".into()
            })
        );
    }

    #[test]
    fn round_product_matches_decimal_rounding() {
        let values = [
            "0",
            "1",
            "-1",
            "89.50",
            "3.70",
            "0.7",
            "0.0005",
            "2.345",
            "-2.345",
            "2.355",
            "331.15",
            "12.5",
            "-0.005",
            "99999.999",
        ];
        for mode in RoundingMode::ALL {
            for scale in [0, 2, 4] {
                let p = RoundingPolicy::new(scale, mode).expect("policy");
                for a in values {
                    for b in values {
                        for k in [1i64, 3, 30, 97] {
                            let (a, b) = (d(a), d(b));
                            let want = p.round(a * b * Decimal::from(k));
                            let got = p.round_product(&[a, b, Decimal::from(k)]).expect("fits");
                            assert_eq!(
                                (got, got.scale()),
                                (want, want.scale()),
                                "{a} × {b} × {k} {mode} {scale}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn policy_json_is_validated() {
        let p: RoundingPolicy =
            serde_json::from_str(r#"{"scale": 3, "mode": "down"}"#).expect("json");
        assert_eq!((p.scale(), p.mode()), (3, RoundingMode::Down));
        assert!(serde_json::from_str::<RoundingPolicy>(r#"{"scale": 40}"#).is_err());
        assert!(serde_json::from_str::<RoundingPolicy>(r#"{"scale": 2, "extra": 1}"#).is_err());
        assert_eq!(
            serde_json::to_string(&p).expect("ser"),
            r#"{"scale":3,"mode":"down"}"#
        );
    }
}
