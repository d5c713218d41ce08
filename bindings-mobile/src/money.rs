//! Money: rounding policy and exact allocation.

use estatekit::money::{self, RoundingMode};
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use crate::EstateKitError;

#[uniffi::remote(Enum)]
pub enum RoundingMode {
    HalfUp,
    HalfEven,
    Down,
    Up,
}

/// Decimal places (0–12) and rounding mode. Default: 2, half-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct RoundingPolicy {
    /// Decimal places kept (0–12; another value is `invalid_scale`, a negative one
    /// `invalid_integer`).
    pub scale: i32,
    /// How to round.
    pub mode: RoundingMode,
}

impl From<money::RoundingPolicy> for RoundingPolicy {
    fn from(p: money::RoundingPolicy) -> Self {
        Self {
            scale: crate::ToMobile::to_mobile(p.scale()),
            mode: p.mode(),
        }
    }
}

pub(crate) fn core_policy(
    policy: Option<RoundingPolicy>,
) -> Result<money::RoundingPolicy, EstateKitError> {
    match policy {
        None => Ok(money::RoundingPolicy::default()),
        Some(p) => Ok(money::RoundingPolicy::new(
            crate::IntoCore::into_core(p.scale, "scale")?,
            p.mode,
        )?),
    }
}

/// The result of `allocateDetailed`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Allocation {
    /// The total, rounded to the policy's scale.
    pub total: Decimal,
    /// The parts, summing exactly to `total`.
    pub parts: Vec<Decimal>,
    /// Indexes of the parts that received a minor unit from the remainder.
    pub adjusted: Vec<i64>,
    /// What the remainder added to the parts' rounded-down sum.
    pub adjustment: Decimal,
}

/// Splits `total` by `weights` so the parts sum exactly to `total` rounded with the
/// policy (default: 2 places, half-up). Largest remainder, ties to the lower index.
#[guard(crate::panic_guard)]
#[uniffi::export(default(policy = None))]
pub fn allocate(
    total: Decimal,
    weights: Vec<Decimal>,
    policy: Option<RoundingPolicy>,
) -> Result<Vec<Decimal>, EstateKitError> {
    Ok(money::allocate(total, &weights, &core_policy(policy)?)?.parts)
}

/// Like [`allocate`], also returning the rounded total and the adjusted parts.
#[guard(crate::panic_guard)]
#[uniffi::export(default(policy = None))]
pub fn allocate_detailed(
    total: Decimal,
    weights: Vec<Decimal>,
    policy: Option<RoundingPolicy>,
) -> Result<Allocation, EstateKitError> {
    let a = money::allocate(total, &weights, &core_policy(policy)?)?;
    let adjustment = a.adjustment();
    Ok(Allocation {
        total: a.total,
        parts: a.parts,
        adjusted: crate::ToMobile::to_mobile(a.adjusted),
        adjustment,
    })
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl RoundingPolicy {
    /// `amount` rounded to this policy's scale and mode.
    pub fn round(&self, amount: Decimal) -> Result<Decimal, EstateKitError> {
        Ok(core_policy(Some(*self))?.round(amount))
    }
}
