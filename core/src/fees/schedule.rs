//! The fee schedule: fee items with their rules, the unit kinds and statuses they
//! apply to, frequency, due day and effective dates. JSON, versioned with
//! `format_version`, so a schedule written by a Python script is read unchanged by a
//! phone, and any past period is recomputed with the schedule then in force.
//!
//! ```
//! use estatekit::fees::schedule::FeeSchedule;
//! let s = FeeSchedule::demo();
//! assert_eq!(s.items()[0].code, "management");
//! assert_eq!(FeeSchedule::from_json(&s.to_json())?, s);
//! # Ok::<(), estatekit::fees::FeeError>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::calc::{DayCount, PenaltyPolicy, Tier, validate_tiers};
use super::pooled::{Adjustment, SplitMethod};
use super::{FeeError, non_negative};
use crate::estate::{MeterKind, UnitKind, UnitStatus};

/// The schedule JSON format version this library reads and writes.
pub const SCHEDULE_FORMAT_VERSION: u32 = 1;

const DEMO_SCHEDULE: &str = include_str!("../../data/demo_fee_schedule.json");

/// Which area a charge is computed on.
///
/// ```
/// assert_eq!(estatekit::fees::schedule::AreaBasis::default(), estatekit::fees::schedule::AreaBasis::Gross);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaBasis {
    /// Gross floor area (建筑面积), the default.
    #[default]
    Gross,
    /// Internal area (套内面积); units without one fall back to gross.
    Internal,
}

/// A rate for one unit kind, overriding the item's default rate.
///
/// ```
/// use estatekit::fees::schedule::KindRate;
/// use estatekit::estate::UnitKind;
/// let r = KindRate { kind: UnitKind::Commercial, rate: "6.50".parse().unwrap() };
/// assert_eq!(r.kind, UnitKind::Commercial);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindRate {
    /// The unit kind.
    pub kind: UnitKind,
    /// Its rate.
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
}

/// Where a pooled amount comes from.
///
/// ```
/// use estatekit::fees::schedule::PooledSource;
/// let s: PooledSource = serde_json::from_str(r#""given""#).unwrap();
/// assert_eq!(s, PooledSource::Given);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PooledSource {
    /// The amount is a billing input (the utility's invoice).
    Given,
    /// Master-meter consumption in the period (optionally minus the unit sub-meters of
    /// the same kind) × price.
    MasterMeter {
        /// The master (common) meter.
        meter_id: String,
        /// Price per unit consumed.
        #[serde(with = "rust_decimal::serde::str")]
        price: Decimal,
        /// Subtract the consumption of every unit meter of the same kind.
        #[serde(default)]
        subtract_sub_meters: bool,
    },
}

/// Which units share a pooled amount.
///
/// ```
/// assert_eq!(estatekit::fees::schedule::Participants::default(), estatekit::fees::schedule::Participants::Delivered);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Participants {
    /// Occupied and rented units only.
    Occupied,
    /// Every delivered unit (the default); unsold units never take part.
    #[default]
    Delivered,
    /// Every unit of the kinds the item applies to, unsold included.
    All,
}

/// How a fee item computes its amount.
///
/// ```
/// use estatekit::fees::schedule::Rule;
/// let r: Rule = serde_json::from_str(r#"{"fixed": {"amount": "10.00"}}"#).unwrap();
/// assert!(matches!(r, Rule::Fixed { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// `rate per m² per month × area × months`.
    Area {
        /// Default rate per m² per month.
        #[serde(with = "rust_decimal::serde::str")]
        rate: Decimal,
        /// Rates for particular unit kinds.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        kind_rates: Vec<KindRate>,
        /// Gross (default) or internal area.
        #[serde(default)]
        basis: AreaBasis,
    },
    /// A fixed amount per unit per billing period (e.g. parking, garbage).
    Fixed {
        /// Amount per period.
        #[serde(with = "rust_decimal::serde::str")]
        amount: Decimal,
    },
    /// `(current − previous reading) × multiplier`, priced by tiers.
    Metered {
        /// The kind of the unit's meter that is read.
        meter_kind: MeterKind,
        /// Block rates.
        tiers: Vec<Tier>,
    },
    /// A pooled (公摊) amount split among participating units.
    Pooled {
        /// Where the amount comes from.
        source: PooledSource,
        /// How it is split.
        method: SplitMethod,
        /// Deducted before splitting (e.g. the share the property company bears).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deduction: Option<Adjustment>,
        /// Added before splitting (an administration fee).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        admin_fee: Option<Adjustment>,
        /// Which units take part.
        #[serde(default)]
        participants: Participants,
        /// Weight each unit by the fraction of the period it was delivered (occupied,
        /// for `occupied` participants).
        #[serde(default)]
        occupied_day_fraction: bool,
    },
}

/// How often an item is billed.
///
/// ```
/// assert_eq!(estatekit::fees::schedule::Frequency::Quarterly.months(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every month (the default).
    #[default]
    Monthly,
    /// In January, April, July and October, for three months.
    Quarterly,
    /// In January, for the year.
    Yearly,
    /// Once, in the month it becomes effective.
    OneOff,
}

impl Frequency {
    /// Months a bill covers (0 for one-off).
    ///
    /// ```
    /// assert_eq!(estatekit::fees::schedule::Frequency::Yearly.months(), 12);
    /// ```
    pub fn months(self) -> u32 {
        match self {
            Self::Monthly => 1,
            Self::Quarterly => 3,
            Self::Yearly => 12,
            Self::OneOff => 0,
        }
    }
}

/// A share of the charge paid by units in a status, e.g. 0.7 for delivered-but-vacant.
///
/// ```
/// use estatekit::fees::schedule::StatusFactor;
/// use estatekit::estate::UnitStatus;
/// let f = StatusFactor { status: UnitStatus::Delivered, factor: "0.7".parse().unwrap() };
/// assert_eq!(f.status, UnitStatus::Delivered);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusFactor {
    /// The status.
    pub status: UnitStatus,
    /// The share paid (0 to 1).
    #[serde(with = "rust_decimal::serde::str")]
    pub factor: Decimal,
}

/// One fee item (收费项目), in force from `effective_from` to `effective_until`.
///
/// ```
/// let s = estatekit::fees::schedule::FeeSchedule::demo();
/// let m = &s.items()[0];
/// assert_eq!((m.name_zh.as_str(), m.name_en.as_str()), ("物业服务费", "Management fee"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeItem {
    /// Code, stable across versions, e.g. "management".
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// How the amount is computed.
    pub rule: Rule,
    /// Unit kinds charged (empty = all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unit_kinds: Vec<UnitKind>,
    /// Unit statuses charged (empty = every delivered status; unsold units are never
    /// charged unless listed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<UnitStatus>,
    /// Share paid per status (vacancy discount); statuses not listed pay 100 %.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_factors: Vec<StatusFactor>,
    /// Billing frequency.
    #[serde(default)]
    pub frequency: Frequency,
    /// Day of the billed month on which payment is due (1–28).
    #[serde(default = "default_due_day")]
    pub due_day: u32,
    /// Day-count convention for partial periods.
    #[serde(default)]
    pub day_count: DayCount,
    /// Late-penalty clause for this item, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<PenaltyPolicy>,
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Last day in force, if it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<NaiveDate>,
}

fn default_due_day() -> u32 {
    15
}

impl FeeItem {
    /// Whether the item charges a unit of this kind and status.
    ///
    /// ```
    /// use estatekit::estate::{UnitKind, UnitStatus};
    /// let schedule = estatekit::fees::schedule::FeeSchedule::demo();
    /// let item = &schedule.items()[0];
    /// assert!(item.applies_to(UnitKind::Residential, UnitStatus::Occupied));
    /// assert!(!item.applies_to(UnitKind::Residential, UnitStatus::Unsold));
    /// ```
    pub fn applies_to(&self, kind: UnitKind, status: UnitStatus) -> bool {
        let kind_ok = self.unit_kinds.is_empty() || self.unit_kinds.contains(&kind);
        let status_ok = if self.statuses.is_empty() {
            status != UnitStatus::Unsold
        } else {
            self.statuses.contains(&status)
        };
        kind_ok && status_ok
    }

    /// The share a unit in `status` pays (1 unless a status factor says otherwise).
    ///
    /// ```
    /// use estatekit::estate::UnitStatus;
    /// let schedule = estatekit::fees::schedule::FeeSchedule::demo();
    /// let item = &schedule.items()[0];
    /// assert_eq!(item.status_factor(UnitStatus::Delivered).to_string(), "0.7");
    /// assert_eq!(item.status_factor(UnitStatus::Occupied), rust_decimal::Decimal::ONE);
    /// ```
    pub fn status_factor(&self, status: UnitStatus) -> Decimal {
        self.status_factors
            .iter()
            .find(|f| f.status == status)
            .map_or(Decimal::ONE, |f| f.factor)
    }

    /// Whether the item is in force on any day of `[start, end]`.
    ///
    /// ```
    /// let schedule = estatekit::fees::schedule::FeeSchedule::demo();
    /// let item = &schedule.items()[0];
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// assert!(item.in_force(d("2026-10-01"), d("2026-10-31")));
    /// ```
    pub fn in_force(&self, start: NaiveDate, end: NaiveDate) -> bool {
        self.effective_from <= end && self.effective_until.is_none_or(|u| u >= start)
    }

    fn validate(&self, i: usize) -> Result<(), FeeError> {
        let p = |f: &str| format!("items[{i}].{f}");
        if self.code.trim().is_empty() {
            return Err(FeeError::invalid(p("code"), "code must not be empty"));
        }
        if !(1..=28).contains(&self.due_day) {
            return Err(FeeError::invalid(
                p("due_day"),
                format!("due day must be 1–28, got {}", self.due_day),
            ));
        }
        if let Some(until) = self.effective_until {
            if until < self.effective_from {
                return Err(FeeError::invalid(
                    p("effective_until"),
                    format!("{until} is before effective_from {}", self.effective_from),
                ));
            }
        }
        for (j, f) in self.status_factors.iter().enumerate() {
            if f.factor < Decimal::ZERO || f.factor > Decimal::ONE {
                return Err(FeeError::invalid(
                    p(&format!("status_factors[{j}].factor")),
                    format!("a share must be between 0 and 1, got {}", f.factor),
                ));
            }
        }
        if let Some(pen) = &self.penalty {
            pen.validate().map_err(|e| {
                FeeError::invalid(p(&format!("penalty.{}", e.path())), e.to_string())
            })?;
        }
        match &self.rule {
            Rule::Area {
                rate, kind_rates, ..
            } => {
                non_negative(*rate, || p("rule.area.rate"))?;
                for (j, k) in kind_rates.iter().enumerate() {
                    non_negative(k.rate, || p(&format!("rule.area.kind_rates[{j}].rate")))?;
                }
            }
            Rule::Fixed { amount } => {
                non_negative(*amount, || p("rule.fixed.amount"))?;
            }
            Rule::Metered { tiers, .. } => validate_tiers(tiers, &p("rule.metered.tiers"))?,
            Rule::Pooled {
                source,
                deduction,
                admin_fee,
                method,
                ..
            } => {
                if let PooledSource::MasterMeter {
                    price, meter_id, ..
                } = source
                {
                    non_negative(*price, || p("rule.pooled.source.master_meter.price"))?;
                    if meter_id.trim().is_empty() {
                        return Err(FeeError::invalid(
                            p("rule.pooled.source.master_meter.meter_id"),
                            "meter id must not be empty",
                        ));
                    }
                }
                if let Some(d) = deduction {
                    d.validate(&p("rule.pooled.deduction"))?;
                }
                if let Some(a) = admin_fee {
                    a.validate(&p("rule.pooled.admin_fee"))?;
                }
                if let SplitMethod::Hybrid(ws) = method {
                    for (j, w) in ws.iter().enumerate() {
                        non_negative(w.weight, || {
                            p(&format!("rule.pooled.method.hybrid[{j}].weight"))
                        })?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A validated fee schedule.
///
/// ```
/// use estatekit::fees::schedule::FeeSchedule;
/// let err = FeeSchedule::from_json(r#"{"items": [{"code": "m"}]}"#).unwrap_err();
/// assert_eq!(err.path(), "items[0].name_zh");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeSchedule {
    format_version: u32,
    items: Vec<FeeItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleDoc {
    #[serde(default = "format_version")]
    format_version: u32,
    items: Vec<FeeItem>,
}

fn format_version() -> u32 {
    SCHEDULE_FORMAT_VERSION
}

impl FeeSchedule {
    /// Validates and builds a schedule.
    ///
    /// # Errors
    /// [`FeeError`] naming the first bad field: negative rates, amounts or prices,
    /// bad tiers, due days outside 1–28, shares outside 0–1, end before start, and
    /// two versions of the same code in force on the same day
    /// ([`FeeError::OverlappingEffectiveDates`]).
    ///
    /// ```
    /// use estatekit::fees::schedule::FeeSchedule;
    /// let mut items = FeeSchedule::demo().items().to_vec();
    /// items.push(items[0].clone());
    /// let err = FeeSchedule::new(items).unwrap_err();
    /// assert_eq!(err.code(), "overlapping_effective_dates");
    /// ```
    pub fn new(items: Vec<FeeItem>) -> Result<Self, FeeError> {
        for (i, item) in items.iter().enumerate() {
            item.validate(i)?;
        }
        for (i, a) in items.iter().enumerate() {
            for b in items[..i].iter().filter(|b| b.code == a.code) {
                let a_end = a.effective_until.unwrap_or(NaiveDate::MAX);
                let b_end = b.effective_until.unwrap_or(NaiveDate::MAX);
                if a.effective_from <= b_end && b.effective_from <= a_end {
                    return Err(FeeError::OverlappingEffectiveDates {
                        path: format!("items[{i}].effective_from"),
                        code: a.code.clone(),
                        from: a.effective_from,
                        other_from: b.effective_from,
                    });
                }
            }
        }
        Ok(Self {
            format_version: SCHEDULE_FORMAT_VERSION,
            items,
        })
    }

    /// Parses and validates a schedule JSON document (decimals as strings).
    ///
    /// # Errors
    /// [`FeeError::Json`] with the path of a malformed field; any error of [`FeeSchedule::new`].
    ///
    /// ```
    /// use estatekit::fees::schedule::FeeSchedule;
    /// let json = r#"{"format_version": 1, "items": [{"code": "garbage", "name_zh": "垃圾费", "name_en": "Garbage",
    ///   "rule": {"fixed": {"amount": "-5"}}, "effective_from": "2026-01-01"}]}"#;
    /// assert_eq!(FeeSchedule::from_json(json).unwrap_err().path(), "items[0].rule.fixed.amount");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, FeeError> {
        let doc: ScheduleDoc = crate::json::parse(text).map_err(|f| FeeError::Json {
            path: f.path,
            message: f.message,
        })?;
        if doc.format_version != SCHEDULE_FORMAT_VERSION {
            return Err(FeeError::invalid(
                "format_version",
                format!(
                    "format version {} is not supported (expected {SCHEDULE_FORMAT_VERSION})",
                    doc.format_version
                ),
            ));
        }
        Self::new(doc.items)
    }

    /// The schedule as pretty JSON; [`FeeSchedule::from_json`] reads it back unchanged.
    ///
    /// ```
    /// assert!(estatekit::fees::schedule::FeeSchedule::demo().to_json().contains("\"format_version\": 1"));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The demo schedule for the demo estate: management fee 3.70/m²/month (commercial
    /// 6.50, parking 60.00 fixed, vacant 70 %), water and electricity by tiers, pooled
    /// common-area electricity by gross area, garbage fee.
    ///
    /// ```
    /// assert!(estatekit::fees::schedule::FeeSchedule::demo().items().len() >= 5);
    /// ```
    pub fn demo() -> Self {
        // Checked by the test suite (`demo_schedule_is_valid`).
        Self::from_json(DEMO_SCHEDULE).expect("the embedded demo schedule is valid")
    }

    /// The items, in document order.
    ///
    /// ```
    /// assert_eq!(estatekit::fees::schedule::FeeSchedule::demo().items()[0].code, "management");
    /// ```
    pub fn items(&self) -> &[FeeItem] {
        &self.items
    }

    /// The items in force at some point in `[start, end]`, in document order.
    ///
    /// ```
    /// let s = estatekit::fees::schedule::FeeSchedule::demo();
    /// let d = |x: &str| x.parse::<chrono::NaiveDate>().unwrap();
    /// assert!(!s.in_force(d("2026-10-01"), d("2026-10-31")).is_empty());
    /// assert!(s.in_force(d("1990-01-01"), d("1990-01-31")).is_empty());
    /// ```
    pub fn in_force(&self, start: NaiveDate, end: NaiveDate) -> Vec<&FeeItem> {
        self.items
            .iter()
            .filter(|i| i.in_force(start, end))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_schedule_is_valid() {
        let s = FeeSchedule::from_json(DEMO_SCHEDULE).unwrap();
        assert_eq!(FeeSchedule::from_json(&s.to_json()).unwrap(), s);
    }

    #[test]
    fn versions_in_sequence_do_not_overlap() {
        let mut items = FeeSchedule::demo().items().to_vec();
        let mut next = items[0].clone();
        items[0].effective_until = Some("2026-12-31".parse().unwrap());
        next.effective_from = "2027-01-01".parse().unwrap();
        items.push(next.clone());
        assert!(FeeSchedule::new(items.clone()).is_ok());
        let last = items.len() - 1;
        items[last].effective_from = "2026-12-31".parse().unwrap();
        let e = FeeSchedule::new(items).unwrap_err();
        assert_eq!(e.path(), format!("items[{last}].effective_from"));
    }
}
