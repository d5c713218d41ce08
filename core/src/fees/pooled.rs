//! Pooled utilities (公摊, US: RUBS): a common-area or master-meter bill split among
//! units by area, usage, equal shares, occupants or a weighted hybrid, so that the
//! shares sum exactly to the amount (largest remainder, recorded adjustments).
//!
//! [`split`] is strict about what it is given, so that nothing changes a split
//! silently: an amount with more decimal places than the rounding scale, hybrid
//! weights that do not sum to 1 and (for the bindings' unit records, see
//! [`PoolField`]) unknown fields are typed errors naming the value.
//!
//! ```
//! use estatekit::fees::pooled::{split, PoolUnit, SplitMethod};
//! use estatekit::money::RoundingPolicy;
//! let units = [PoolUnit::new("A", 1000.into()), PoolUnit::new("B", 500.into())];
//! let s = split("100".parse()?, &units, &SplitMethod::Area, &RoundingPolicy::default())?;
//! assert_eq!(s.shares[0].amount.to_string(), "66.67");
//! assert_eq!(s.shares[1].amount.to_string(), "33.33");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::schedule::Participants;
use super::{FeeError, add_weight, mul, non_negative};
use crate::estate::{UnitKind, UnitStatus};
use crate::money::{self, RoundingPolicy};

/// One unit taking part in a pooled split, with its metrics.
///
/// ```
/// let u = estatekit::fees::pooled::PoolUnit::new("1-101", "89.50".parse().unwrap());
/// assert_eq!(u.occupants, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolUnit {
    /// Unit id.
    pub id: String,
    /// Area used by the `area` method, m².
    #[serde(with = "crate::json::decimal")]
    pub area: Decimal,
    /// Consumption used by the `usage` method.
    #[serde(default, with = "crate::json::decimal")]
    pub usage: Decimal,
    /// Occupants used by the `occupants` method.
    #[serde(default)]
    pub occupants: u32,
    /// Multiplier on the unit's weight, e.g. occupied days ÷ period days (1 = whole period).
    #[serde(default = "one", with = "crate::json::decimal")]
    pub fraction: Decimal,
}

fn one() -> Decimal {
    Decimal::ONE
}

impl PoolUnit {
    /// A unit with an area, no usage, no occupants, taking part the whole period.
    ///
    /// ```
    /// let u = estatekit::fees::pooled::PoolUnit::new("P-01", "12.50".parse().unwrap());
    /// assert_eq!(u.fraction, rust_decimal::Decimal::ONE);
    /// ```
    pub fn new(id: impl Into<String>, area: Decimal) -> Self {
        Self {
            id: id.into(),
            area,
            usage: Decimal::ZERO,
            occupants: 0,
            fraction: Decimal::ONE,
        }
    }
}

/// A field of a [`PoolUnit`] record, by the name it has in JSON and in the unit
/// records the bindings accept (Python dicts): `id`, `area`, `usage`, `occupants`,
/// `fraction`. Any other key is an error: ignoring it (a misspelt `"occupant": 3`)
/// would change the split silently.
///
/// ```
/// use estatekit::fees::pooled::PoolField;
/// assert_eq!(PoolField::of_unit(0, Some("A"), "occupants")?, PoolField::Occupants);
/// let e = PoolField::of_unit(1, Some("B"), "occupant").unwrap_err();
/// assert_eq!((e.code(), e.path()), ("unknown_value", "units[1].occupant"));
/// assert_eq!(e.to_string(), "units[1].occupant: unknown field \"occupant\" in unit \"B\"; \
///     expected id, area, usage, occupants or fraction");
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PoolField {
    /// `id`: the unit id.
    Id,
    /// `area`: [`PoolUnit::area`].
    Area,
    /// `usage`: [`PoolUnit::usage`].
    Usage,
    /// `occupants`: [`PoolUnit::occupants`].
    Occupants,
    /// `fraction`: [`PoolUnit::fraction`].
    Fraction,
}

impl PoolField {
    /// Every field, in declaration order.
    pub const ALL: [Self; 5] = [
        Self::Id,
        Self::Area,
        Self::Usage,
        Self::Occupants,
        Self::Fraction,
    ];

    /// The field's name.
    ///
    /// ```
    /// assert_eq!(estatekit::fees::pooled::PoolField::Fraction.as_str(), "fraction");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Area => "area",
            Self::Usage => "usage",
            Self::Occupants => "occupants",
            Self::Fraction => "fraction",
        }
    }

    /// The field named `key` of unit number `index` (whose id is `unit_id`, when
    /// known).
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] at `units[index].key`, naming the key and the unit, for
    /// any other key.
    pub fn of_unit(index: usize, unit_id: Option<&str>, key: &str) -> Result<Self, FeeError> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == key)
            .ok_or_else(|| {
                let unit = match unit_id {
                    Some(id) => format!(" in unit {id:?}"),
                    None => String::new(),
                };
                FeeError::value(
                    "unknown_value",
                    format!("units[{index}].{key}"),
                    format!(
                        "unknown field {key:?}{unit}; expected id, area, usage, occupants or fraction"
                    ),
                )
            })
    }
}

/// A metric a pooled bill can be split by.
///
/// ```
/// use estatekit::fees::pooled::Basis;
/// assert_eq!("occupants".parse::<Basis>()?, Basis::Occupants);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// By area.
    Area,
    /// By consumption.
    Usage,
    /// One equal share per unit.
    Equal,
    /// By number of occupants.
    Occupants,
}

impl Basis {
    /// The stable name.
    ///
    /// ```
    /// assert_eq!(estatekit::fees::pooled::Basis::Usage.as_str(), "usage");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Area => "area",
            Self::Usage => "usage",
            Self::Equal => "equal",
            Self::Occupants => "occupants",
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Basis {
    type Err = FeeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "area" => Ok(Self::Area),
            "usage" => Ok(Self::Usage),
            "equal" => Ok(Self::Equal),
            "occupants" => Ok(Self::Occupants),
            _ => Err(FeeError::value(
                "unknown_value",
                "method",
                format!(
                    "unknown split method {s:?}; expected area, usage, equal, occupants or hybrid"
                ),
            )),
        }
    }
}

/// A weight on one basis in a hybrid split.
///
/// ```
/// use estatekit::fees::pooled::{Basis, BasisWeight};
/// let w = BasisWeight { basis: Basis::Area, weight: "0.5".parse().unwrap() };
/// assert_eq!(w.basis, Basis::Area);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasisWeight {
    /// The metric.
    pub basis: Basis,
    /// Its weight (e.g. 0.5).
    #[serde(with = "crate::json::decimal")]
    pub weight: Decimal,
}

/// How a pooled amount is split.
///
/// ```
/// use estatekit::fees::pooled::SplitMethod;
/// let m: SplitMethod = serde_json::from_str(r#"{"hybrid": [{"basis": "occupants", "weight": "0.5"}, {"basis": "area", "weight": "0.5"}]}"#).unwrap();
/// assert!(matches!(m, SplitMethod::Hybrid(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitMethod {
    /// By area.
    Area,
    /// By consumption.
    Usage,
    /// Equal shares.
    Equal,
    /// By occupants.
    Occupants,
    /// A weighted mix: each unit's weight is Σ weightₘ × (its metric ÷ total of metric m).
    Hybrid(Vec<BasisWeight>),
}

impl SplitMethod {
    /// A single-basis method.
    ///
    /// ```
    /// use estatekit::fees::pooled::{Basis, SplitMethod};
    /// assert_eq!(SplitMethod::single(Basis::Area), SplitMethod::Area);
    /// ```
    pub fn single(basis: Basis) -> Self {
        match basis {
            Basis::Area => Self::Area,
            Basis::Usage => Self::Usage,
            Basis::Equal => Self::Equal,
            Basis::Occupants => Self::Occupants,
        }
    }

    /// The method for basis weights as a user lists them: one basis with weight 1 is
    /// that basis's plain split; anything else is a hybrid with its weights in basis
    /// order (so the shares do not depend on the order the weights were listed in).
    /// Not validated: [`split`] validates.
    ///
    /// ```
    /// use estatekit::fees::pooled::{Basis, BasisWeight, SplitMethod};
    /// let w = |basis, weight: &str| BasisWeight { basis, weight: weight.parse().unwrap() };
    /// assert_eq!(SplitMethod::from_weights(vec![w(Basis::Usage, "1")]), SplitMethod::Usage);
    /// assert_eq!(
    ///     SplitMethod::from_weights(vec![w(Basis::Occupants, "0.4"), w(Basis::Area, "0.6")]),
    ///     SplitMethod::Hybrid(vec![w(Basis::Area, "0.6"), w(Basis::Occupants, "0.4")]),
    /// );
    /// ```
    pub fn from_weights(mut weights: Vec<BasisWeight>) -> Self {
        match weights.as_slice() {
            [single] if single.weight == Decimal::ONE => Self::single(single.basis),
            _ => {
                weights.sort_by_key(|w| w.basis);
                Self::Hybrid(weights)
            }
        }
    }

    /// The stable name (`"hybrid"` for a mix).
    ///
    /// ```
    /// assert_eq!(estatekit::fees::pooled::SplitMethod::Equal.name(), "equal");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Self::Area => "area",
            Self::Usage => "usage",
            Self::Equal => "equal",
            Self::Occupants => "occupants",
            Self::Hybrid(_) => "hybrid",
        }
    }

    /// Checks a hybrid's weights: at least one, none negative, and summing to exactly
    /// 1 (they are the shares of the amount each basis carries; weights summing to
    /// anything else were once normalised silently). Single-basis methods are valid.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] at `weights` for no weights or a sum other than 1 (the
    /// message lists the weights and their sum); [`FeeError::Negative`] at
    /// `weights[i].weight`.
    ///
    /// ```
    /// use estatekit::fees::pooled::{Basis, BasisWeight, SplitMethod};
    /// let w = |basis, weight: &str| BasisWeight { basis, weight: weight.parse().unwrap() };
    /// assert!(SplitMethod::Hybrid(vec![w(Basis::Area, "0.3"), w(Basis::Occupants, "0.7")]).validate().is_ok());
    /// let e = SplitMethod::Hybrid(vec![w(Basis::Area, "0.5"), w(Basis::Occupants, "0.3")]).validate().unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("weights_sum", "weights"));
    /// assert_eq!(e.to_string(), "weights: hybrid weights must sum to 1, got area 0.5 + occupants 0.3 = 0.8");
    /// ```
    pub fn validate(&self) -> Result<(), FeeError> {
        let Self::Hybrid(ws) = self else {
            return Ok(());
        };
        if ws.is_empty() {
            return Err(FeeError::value(
                "missing_value",
                "weights",
                "a hybrid split needs at least one basis weight",
            ));
        }
        for (i, w) in ws.iter().enumerate() {
            non_negative(w.weight, || format!("weights[{i}].weight"))?;
            if ws[..i].iter().any(|v| v.basis == w.basis) {
                return Err(FeeError::value(
                    "duplicate_id",
                    format!("weights[{i}].basis"),
                    format!("{} is weighted twice", w.basis),
                ));
            }
        }
        let listed = || {
            ws.iter()
                .map(|w| format!("{} {}", w.basis, w.weight))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        // Exact: weights with more digits than a sum can hold do not sum to 1 either.
        match money::sum(&ws.iter().map(|w| w.weight).collect::<Vec<_>>()) {
            Ok(sum) if sum == Decimal::ONE => Ok(()),
            Ok(sum) => Err(FeeError::value(
                "weights_sum",
                "weights",
                format!("hybrid weights must sum to 1, got {} = {sum}", listed()),
            )),
            Err(_) => Err(FeeError::value(
                "weights_sum",
                "weights",
                format!("hybrid weights must sum to 1, got {} (too large)", listed()),
            )),
        }
    }

    /// Whether the split weighs units by their consumption (the usage basis, alone or
    /// in a hybrid).
    ///
    /// ```
    /// use estatekit::fees::pooled::{Basis, BasisWeight, SplitMethod};
    /// assert!(SplitMethod::Usage.uses_usage());
    /// let w = |basis, weight: &str| BasisWeight { basis, weight: weight.parse().unwrap() };
    /// assert!(SplitMethod::Hybrid(vec![w(Basis::Area, "0.5"), w(Basis::Usage, "0.5")]).uses_usage());
    /// assert!(!SplitMethod::Area.uses_usage());
    /// ```
    pub fn uses_usage(&self) -> bool {
        match self {
            Self::Usage => true,
            Self::Hybrid(ws) => ws.iter().any(|w| w.basis == Basis::Usage),
            _ => false,
        }
    }

    /// The basis of a single-basis method (`None` for a hybrid).
    pub(crate) fn basis(&self) -> Option<Basis> {
        match self {
            Self::Area => Some(Basis::Area),
            Self::Usage => Some(Basis::Usage),
            Self::Equal => Some(Basis::Equal),
            Self::Occupants => Some(Basis::Occupants),
            Self::Hybrid(_) => None,
        }
    }

    fn parts(&self) -> Vec<BasisWeight> {
        let single = |basis| {
            vec![BasisWeight {
                basis,
                weight: Decimal::ONE,
            }]
        };
        match self {
            Self::Area => single(Basis::Area),
            Self::Usage => single(Basis::Usage),
            Self::Equal => single(Basis::Equal),
            Self::Occupants => single(Basis::Occupants),
            Self::Hybrid(w) => w.clone(),
        }
    }
}

/// One unit's share of a pooled amount.
///
/// ```
/// use estatekit::fees::pooled::{split, PoolUnit, SplitMethod};
/// let s = split(1.into(), &[PoolUnit::new("A", 1.into())], &SplitMethod::Equal,
///               &estatekit::money::RoundingPolicy::default())?;
/// assert_eq!(s.shares[0].unit_id, "A");
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// Unit id.
    pub unit_id: String,
    /// The unit's weight in the split (before normalisation).
    #[serde(with = "crate::json::decimal")]
    pub weight: Decimal,
    /// The share, rounded; shares sum exactly to the split amount.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// True when this share received one extra minor unit to make the sum exact.
    pub adjusted: bool,
}

/// The result of [`split`].
///
/// ```
/// use estatekit::fees::pooled::{split, PoolUnit, SplitMethod};
/// let units = [PoolUnit::new("A", 1.into()), PoolUnit::new("B", 1.into()), PoolUnit::new("C", 1.into())];
/// let s = split(1.into(), &units, &SplitMethod::Equal, &estatekit::money::RoundingPolicy::default())?;
/// assert_eq!(s.total.to_string(), "1.00");
/// assert_eq!(s.adjustment.to_string(), "0.01");
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSplit {
    /// The amount split (rounded to the policy).
    #[serde(with = "crate::json::decimal")]
    pub total: Decimal,
    /// Sum of the weights.
    #[serde(with = "crate::json::decimal")]
    pub total_weight: Decimal,
    /// Minor units handed out to make the sum exact.
    #[serde(with = "crate::json::decimal")]
    pub adjustment: Decimal,
    /// One share per unit, in input order.
    pub shares: Vec<Share>,
}

/// Digits kept in hybrid weights (normalised metrics); ample for any split to the cent.
const WEIGHT_SCALE: u32 = 12;

/// Each unit's weight under `method`, multiplied by its participation fraction.
///
/// # Errors
/// [`FeeError::Negative`] for a negative metric, fraction or hybrid weight;
/// [`FeeError::InvalidValue`] for a hybrid with no weights or a basis whose total is zero.
///
/// ```
/// use estatekit::fees::pooled::{weights, PoolUnit, SplitMethod};
/// let w = weights(&[PoolUnit::new("A", 3.into())], &SplitMethod::Area)?;
/// assert_eq!(w, vec![rust_decimal::Decimal::from(3)]);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
pub fn weights(units: &[PoolUnit], method: &SplitMethod) -> Result<Vec<Decimal>, FeeError> {
    let metrics: Vec<Metrics> = units
        .iter()
        .map(|u| Metrics {
            area: u.area,
            usage: u.usage,
            occupants: u.occupants,
            fraction: u.fraction,
        })
        .collect();
    weights_of(&metrics, method)
}

/// The metrics of one participant, without its id (billing uses these directly).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    pub(crate) area: Decimal,
    pub(crate) usage: Decimal,
    pub(crate) occupants: u32,
    pub(crate) fraction: Decimal,
}

impl Basis {
    pub(crate) fn of(self, m: &Metrics) -> Decimal {
        match self {
            Self::Area => m.area,
            Self::Usage => m.usage,
            Self::Equal => Decimal::ONE,
            Self::Occupants => Decimal::from(m.occupants),
        }
    }
}

/// [`weights`] over id-free metrics.
pub(crate) fn weights_of(
    units: &[Metrics],
    method: &SplitMethod,
) -> Result<Vec<Decimal>, FeeError> {
    for (i, u) in units.iter().enumerate() {
        non_negative(u.area, || format!("units[{i}].area"))?;
        non_negative(u.usage, || format!("units[{i}].usage"))?;
        non_negative(u.fraction, || format!("units[{i}].fraction"))?;
    }
    let parts = method.parts();
    if parts.is_empty() {
        return Err(FeeError::value(
            "missing_value",
            "weights",
            "a hybrid split needs at least one basis weight",
        ));
    }
    if let SplitMethod::Hybrid(ws) = method {
        for (i, w) in ws.iter().enumerate() {
            non_negative(w.weight, || format!("weights[{i}].weight"))?;
        }
        if ws.iter().all(|w| w.weight.is_zero()) {
            return Err(FeeError::value(
                "weights_sum",
                "weights",
                "all hybrid weights are zero",
            ));
        }
        let mut out = vec![Decimal::ZERO; units.len()];
        for (k, w) in ws.iter().enumerate() {
            let total = units.iter().try_fold(Decimal::ZERO, |acc, u| {
                add_weight(acc, w.basis.of(u), "units")
            })?;
            if total.is_zero() {
                if w.weight.is_zero() {
                    continue;
                }
                return Err(FeeError::value(
                    "all_zero_weights",
                    format!("weights[{k}].basis"),
                    format!(
                        "every unit has zero {}, so it cannot carry weight {}",
                        w.basis, w.weight
                    ),
                ));
            }
            for (o, u) in out.iter_mut().zip(units) {
                // metric ≤ total (all metrics are ≥ 0, total is their sum, ≠ 0), so the
                // quotient is about the weight at most; but the product is rounded to 28
                // digits, and with a weight near Decimal::MAX the quotient can exceed it
                // (found by fuzzing): checked.
                let share = mul(w.weight, w.basis.of(u), "weights")?
                    .checked_div(total)
                    .ok_or_else(|| FeeError::Money {
                        path: format!("weights[{k}].weight"),
                        source: crate::money::MoneyError::Overflow {
                            context: format!("weight {} is too large", w.weight),
                        },
                    })?;
                *o = add_weight(*o, share, "weights")?;
            }
        }
        let weights = units
            .iter()
            .zip(out)
            .map(|(u, w)| Ok(mul(w, u.fraction, "units")?.round_dp(WEIGHT_SCALE)))
            .collect::<Result<Vec<_>, FeeError>>()?;
        return total_fits(weights);
    }
    // Not a hybrid (returned above): a single basis.
    let Some(basis) = method.basis() else {
        return Err(FeeError::value(
            "missing_value",
            "weights",
            "no basis to split by",
        ));
    };
    let weights = units
        .iter()
        .map(|u| u.weight(basis))
        .collect::<Result<Vec<_>, FeeError>>()?;
    total_fits(weights)
}

impl Metrics {
    /// The weight of a participant in a single-basis split: its metric on `basis`,
    /// times its participation fraction unless that is 1 (so a whole-period weight
    /// keeps the metric's digits).
    pub(crate) fn weight(&self, basis: Basis) -> Result<Decimal, FeeError> {
        let metric = basis.of(self);
        if self.fraction == Decimal::ONE {
            Ok(metric)
        } else {
            mul(metric, self.fraction, "units")
        }
    }
}

/// Whether a unit of `kind` in `status` shares a pooled item with these
/// `participants`, restricted to `unit_kinds` and `statuses` (each: any when empty).
/// Occupied participants are occupied or rented units; delivered ones any unit but
/// an unsold one; all of them, every unit.
pub(crate) fn takes_part(
    participants: Participants,
    unit_kinds: &[UnitKind],
    statuses: &[UnitStatus],
    kind: UnitKind,
    status: UnitStatus,
) -> bool {
    let kind_ok = unit_kinds.is_empty() || unit_kinds.contains(&kind);
    let status_ok = match participants {
        Participants::Occupied => matches!(status, UnitStatus::Occupied | UnitStatus::Rented),
        Participants::Delivered => status != UnitStatus::Unsold,
        Participants::All => true,
    } && (statuses.is_empty() || statuses.contains(&status));
    kind_ok && status_ok
}

/// The occupied-day fraction of a participant that took part from `since` in a
/// period `start..=end` of `days` days: the days from `since` to `end` over `days`
/// (zero when `since` is after the end), with the served days, or `None` when it took
/// part the whole period (no date, or a date not after `start`).
pub(crate) fn part_of_period(
    since: Option<NaiveDate>,
    start: NaiveDate,
    end: NaiveDate,
    days: i64,
) -> Option<(Decimal, i64)> {
    let since = since.filter(|s| *s > start)?;
    let served = ((end - since).num_days() + 1).max(0);
    Some((Decimal::from(served) / Decimal::from(days), served))
}

/// Weights whose sum fits a decimal: callers (the split, billing's pool summary) sum
/// them, and that sum must not overflow.
fn total_fits(weights: Vec<Decimal>) -> Result<Vec<Decimal>, FeeError> {
    weights
        .iter()
        .try_fold(Decimal::ZERO, |acc, w| add_weight(acc, *w, "weights"))?;
    Ok(weights)
}

/// Splits `total` among `units` by `method`; the shares sum exactly to `total`.
///
/// Strict: `total` must have no more decimal places than the policy's scale (trailing
/// zeros aside: `100.000` is `100.00`), and hybrid weights must sum to exactly 1
/// ([`SplitMethod::validate`]); neither is rounded or normalised silently.
///
/// O(n) in the number of units (plus O(n log n) to hand out the remainder's minor
/// units, as [`money::allocate`]).
///
/// # Errors
/// [`FeeError::InvalidValue`] `too_many_decimals` at `total` for more decimal places
/// than the policy's scale;
/// [`FeeError::DuplicateId`] at `units` for a unit id given twice;
/// as [`SplitMethod::validate`] and [`weights`]; [`FeeError::Money`] when there are no
/// units, every weight is zero (e.g. usage split with no consumption), or the amounts
/// overflow.
///
/// ```
/// use estatekit::fees::pooled::{split, PoolUnit, SplitMethod};
/// use estatekit::money::RoundingPolicy;
/// let units = [PoolUnit::new("A", 1.into())];
/// let e = split("100.005".parse()?, &units, &SplitMethod::Area, &RoundingPolicy::default()).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("too_many_decimals", "total"));
/// assert_eq!(e.to_string(), "total: 100.005 has more decimal places than the rounding scale 2");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// ```
/// use estatekit::fees::pooled::{split, Basis, BasisWeight, PoolUnit, SplitMethod};
/// use estatekit::money::RoundingPolicy;
/// let mut a = PoolUnit::new("A", 100.into()); a.occupants = 1;
/// let mut b = PoolUnit::new("B", 100.into()); b.occupants = 3;
/// let hybrid = SplitMethod::Hybrid(vec![
///     BasisWeight { basis: Basis::Occupants, weight: "0.5".parse()? },
///     BasisWeight { basis: Basis::Area, weight: "0.5".parse()? }]);
/// let s = split(100.into(), &[a, b], &hybrid, &RoundingPolicy::default())?;
/// assert_eq!((s.shares[0].amount.to_string(), s.shares[1].amount.to_string()), ("37.50".into(), "62.50".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn split(
    total: Decimal,
    units: &[PoolUnit],
    method: &SplitMethod,
    policy: &RoundingPolicy,
) -> Result<PoolSplit, FeeError> {
    let scale = policy.scale();
    if total.normalize().scale() > scale {
        return Err(FeeError::value(
            "too_many_decimals",
            "total",
            format!("{total} has more decimal places than the rounding scale {scale}"),
        ));
    }
    method.validate()?;
    if let Some(id) = crate::ids::first_duplicate(units.iter().map(|u| u.id.as_str())) {
        return Err(FeeError::DuplicateId {
            path: "units".to_owned(),
            id: id.to_owned(),
        });
    }
    let w = weights(units, method)?;
    let a = money::allocate(total, &w, policy).map_err(FeeError::money(if units.is_empty() {
        "units"
    } else {
        "weights"
    }))?;
    let adjustment = a.adjustment();
    let mut adjusted = a.adjusted.iter().peekable();
    let shares = units
        .iter()
        .zip(w.iter().zip(a.parts))
        .enumerate()
        .map(|(i, (u, (weight, amount)))| Share {
            unit_id: u.id.clone(),
            weight: *weight,
            amount,
            adjusted: adjusted.next_if(|&&j| j == i).is_some(),
        })
        .collect();
    // allocate() summed the same weights without overflow; checked all the same.
    let total_weight = w
        .iter()
        .try_fold(Decimal::ZERO, |acc, x| add_weight(acc, *x, "weights"))?;
    Ok(PoolSplit {
        total: a.total,
        total_weight,
        adjustment,
        shares,
    })
}

/// A deduction or fee on a pooled amount: a percentage of it or a fixed amount.
///
/// ```
/// use estatekit::fees::pooled::Adjustment;
/// let a = Adjustment::Percent("10".parse().unwrap());
/// assert_eq!(a.of(200.into()).to_string(), "20");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjustment {
    /// This percentage of the amount (10 = 10 %).
    Percent(#[serde(with = "crate::json::decimal")] Decimal),
    /// This amount.
    Amount(#[serde(with = "crate::json::decimal")] Decimal),
}

impl Adjustment {
    /// The adjustment's value on `base` (unrounded).
    ///
    /// For a validated adjustment (a percentage within 0–100, as every fee schedule
    /// holds) the result never exceeds `|base|` or the amount, so it cannot overflow.
    /// An unvalidated percentage above 100 of an amount near `Decimal::MAX` saturates
    /// at `Decimal::MAX` / `Decimal::MIN`; use [`Adjustment::checked_of`] to detect it.
    ///
    /// ```
    /// use estatekit::fees::pooled::Adjustment;
    /// assert_eq!(Adjustment::Amount(5.into()).of(200.into()), 5.into());
    /// ```
    pub fn of(&self, base: Decimal) -> Decimal {
        self.checked_of(base)
            .unwrap_or(match (base.is_sign_negative(), self) {
                (true, Self::Percent(p)) if !p.is_sign_negative() => Decimal::MIN,
                (false, Self::Percent(p)) if p.is_sign_negative() => Decimal::MIN,
                _ => Decimal::MAX,
            })
    }

    /// The adjustment's value on `base`, or `None` when it does not fit a decimal.
    ///
    /// ```
    /// use estatekit::fees::pooled::Adjustment;
    /// assert_eq!(Adjustment::Percent("10".parse().unwrap()).checked_of(200.into()), Some(20.into()));
    /// assert_eq!(Adjustment::Percent(1000.into()).checked_of(rust_decimal::Decimal::MAX), None);
    /// ```
    pub fn checked_of(&self, base: Decimal) -> Option<Decimal> {
        match *self {
            // base / 100 first: with p ≤ 100 the product is at most |base|.
            Self::Percent(p) => (base / Decimal::ONE_HUNDRED).checked_mul(p),
            Self::Amount(a) => Some(a),
        }
    }

    pub(crate) fn validate(&self, path: &str) -> Result<(), FeeError> {
        match *self {
            Self::Percent(v) => {
                let v = non_negative(v, || format!("{path}.percent"))?;
                if v > Decimal::ONE_HUNDRED {
                    return Err(FeeError::value(
                        "out_of_range",
                        format!("{path}.percent"),
                        format!("a percentage must be between 0 and 100, got {v}"),
                    ));
                }
                Ok(())
            }
            Self::Amount(v) => non_negative(v, || format!("{path}.amount")).map(|_| ()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn methods() {
        let p = RoundingPolicy::default();
        let mut units = vec![
            PoolUnit::new("A", dec("100")),
            PoolUnit::new("B", dec("50")),
            PoolUnit::new("C", dec("50")),
        ];
        units[0].usage = dec("10");
        units[1].usage = dec("30");
        units[0].occupants = 2;
        units[2].occupants = 2;
        let amounts = |m: &SplitMethod| -> Vec<String> {
            split(dec("100"), &units, m, &p)
                .unwrap()
                .shares
                .iter()
                .map(|s| s.amount.to_string())
                .collect()
        };
        assert_eq!(amounts(&SplitMethod::Area), ["50.00", "25.00", "25.00"]);
        assert_eq!(amounts(&SplitMethod::Usage), ["25.00", "75.00", "0.00"]);
        assert_eq!(amounts(&SplitMethod::Equal), ["33.34", "33.33", "33.33"]);
        assert_eq!(amounts(&SplitMethod::Occupants), ["50.00", "0.00", "50.00"]);
    }

    #[test]
    fn occupied_day_fraction_scales_the_weight() {
        let mut b = PoolUnit::new("B", dec("100"));
        b.fraction = dec("0.5");
        let s = split(
            dec("90"),
            &[PoolUnit::new("A", dec("100")), b],
            &SplitMethod::Area,
            &RoundingPolicy::default(),
        )
        .unwrap();
        assert_eq!(s.shares[0].amount, dec("60.00"));
        assert_eq!(s.shares[1].amount, dec("30.00"));
    }

    #[test]
    fn hybrid_weight_near_the_limit_is_an_error_not_a_panic() {
        // Found by fuzzing: the rounded product weight × metric divided by the total
        // exceeded Decimal::MAX ("Division overflowed").
        let hybrid = SplitMethod::Hybrid(vec![BasisWeight {
            basis: Basis::Area,
            weight: Decimal::MAX,
        }]);
        for area in ["0.9", "0.6666666666666666666666666667", "1"] {
            let units = [PoolUnit::new("A", dec(area))];
            // The weights alone (split refuses a hybrid whose weights do not sum to 1).
            if let Ok(w) = weights(&units, &hybrid) {
                assert_eq!(w.len(), 1);
            }
            let e = split(dec("100"), &units, &hybrid, &RoundingPolicy::default()).unwrap_err();
            assert_eq!((e.code(), e.path()), ("weights_sum", "weights"));
        }
    }

    #[test]
    fn who_takes_part() {
        use UnitKind::{Parking, Residential};
        use UnitStatus::{Delivered, Occupied, Rented, Unsold};
        let any = |p, kind, status| takes_part(p, &[], &[], kind, status);
        assert!(any(Participants::Occupied, Residential, Rented));
        assert!(!any(Participants::Occupied, Residential, Delivered));
        assert!(any(Participants::Delivered, Residential, Delivered));
        assert!(!any(Participants::Delivered, Residential, Unsold));
        assert!(any(Participants::All, Residential, Unsold));
        assert!(!takes_part(
            Participants::All,
            &[Residential],
            &[],
            Parking,
            Occupied
        ));
        assert!(!takes_part(
            Participants::All,
            &[],
            &[Occupied],
            Residential,
            Rented
        ));
        assert!(takes_part(
            Participants::Delivered,
            &[Parking],
            &[Occupied],
            Parking,
            Occupied
        ));
    }

    #[test]
    fn part_of_the_period_counts_days_from_the_date() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let (start, end) = (day("2026-10-01"), day("2026-10-31"));
        assert_eq!(part_of_period(None, start, end, 31), None);
        assert_eq!(
            part_of_period(Some(day("2026-10-01")), start, end, 31),
            None
        );
        assert_eq!(
            part_of_period(Some(day("2026-10-21")), start, end, 31),
            Some((dec("11") / dec("31"), 11))
        );
        assert_eq!(
            part_of_period(Some(day("2026-11-02")), start, end, 31),
            Some((Decimal::ZERO, 0))
        );
    }

    #[test]
    fn a_weight_is_the_metric_times_the_fraction() {
        let m = Metrics {
            area: dec("89.50"),
            usage: dec("3"),
            occupants: 2,
            fraction: Decimal::ONE,
        };
        assert_eq!(m.weight(Basis::Area).unwrap().to_string(), "89.50");
        assert_eq!(m.weight(Basis::Occupants).unwrap(), dec("2"));
        assert_eq!(m.weight(Basis::Equal).unwrap(), Decimal::ONE);
        let half = Metrics {
            fraction: dec("0.5"),
            ..m
        };
        assert_eq!(half.weight(Basis::Usage).unwrap().to_string(), "1.5");
        assert_eq!(SplitMethod::Usage.basis(), Some(Basis::Usage));
        assert_eq!(SplitMethod::Hybrid(vec![]).basis(), None);
    }

    #[test]
    fn errors() {
        let p = RoundingPolicy::default();
        let e = split(dec("1"), &[], &SplitMethod::Area, &p).unwrap_err();
        assert_eq!((e.code(), e.path()), ("empty_weights", "units"));
        let e = split(
            dec("1"),
            &[PoolUnit::new("A", dec("-1"))],
            &SplitMethod::Area,
            &p,
        )
        .unwrap_err();
        assert_eq!(e.path(), "units[0].area");
        let e = split(
            dec("1"),
            &[PoolUnit::new("A", dec("1"))],
            &SplitMethod::Usage,
            &p,
        )
        .unwrap_err();
        assert_eq!(e.code(), "all_zero_weights");
        let hybrid = SplitMethod::Hybrid(vec![BasisWeight {
            basis: Basis::Occupants,
            weight: dec("1"),
        }]);
        let e = split(dec("1"), &[PoolUnit::new("A", dec("1"))], &hybrid, &p).unwrap_err();
        assert_eq!(e.path(), "weights[0].basis");
    }
}
