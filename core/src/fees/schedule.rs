//! The fee schedule: fee items with their rules, the unit kinds and statuses they
//! apply to, frequency, due rule and effective dates. JSON, versioned with
//! `format_version`, so a schedule written by a Python script is read unchanged by a
//! phone, and any past period is recomputed with the schedule then in force.
//!
//! Format version 2 gives each item a [`DueRule`] relative to the bill's issue date
//! (`"due": {"days_after_issue": 15}` by default); version-1 documents, whose
//! `due_day` was a day of the billed month, still load (`due_day` becomes
//! [`DueRule::DayOfMonth`]) and are written back as version 2.
//!
//! ```
//! use estatekit::fees::schedule::FeeSchedule;
//! let s = FeeSchedule::demo();
//! assert_eq!(s.items()[0].code, "management");
//! assert_eq!(FeeSchedule::from_json(&s.to_json())?, s);
//! # Ok::<(), estatekit::fees::FeeError>(())
//! ```

use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use super::calc::{DayCount, LateFee, PenaltyPolicy, Tier, validate_tiers};
use super::pooled::{Adjustment, SplitMethod};
use super::{FeeError, non_negative};
use crate::estate::{MeterKind, UnitKind, UnitStatus};

/// The newest schedule JSON format version this library reads and writes. It reads
/// versions 1 to this one (version 1's `due_day` is read as [`DueRule::DayOfMonth`]).
/// A schedule is written in the lowest version from 2 that holds it: version 3 only
/// when an item uses a field or value version 3 added (`day_count: "annual_365"`, a
/// pooled item's `meter_kind` or `split_by`, an item's `late_fee`, `buildings` or
/// `units`, a metered item's `kind_tiers`, `tier_basis` (with `year_start_month`) or a
/// `frequency` other than monthly), so a schedule without them reads and writes as
/// before. (A reader of version 2 bills a metered item every month whatever its
/// frequency; version 3 bills it in its billing months.)
///
/// ```
/// assert_eq!(estatekit::fees::schedule::SCHEDULE_FORMAT_VERSION, 3);
/// ```
pub const SCHEDULE_FORMAT_VERSION: u32 = 3;

/// The version a schedule of `items` is written in (see [`SCHEDULE_FORMAT_VERSION`]).
fn written_version(items: &[FeeItem]) -> u32 {
    let v3 = items.iter().any(|i| {
        i.late_fee.is_some()
            || i.day_count == crate::fees::calc::DayCount::Annual365
            || matches!(&i.rule, Rule::Metered { kind_tiers, tier_basis, .. }
                if !kind_tiers.is_empty() || !tier_basis.is_period()
                    || i.frequency != Frequency::Monthly)
            || matches!(
                i.rule,
                Rule::Pooled {
                    meter_kind: Some(_),
                    ..
                }
            )
            || matches!(&i.rule, Rule::Pooled { split_by, .. } if !split_by.is_estate())
            || !i.buildings.is_empty()
            || !i.units.is_empty()
    });
    if v3 { 3 } else { 2 }
}

/// The most days a [`DueRule::DaysAfterIssue`] may give (ten years).
///
/// ```
/// assert_eq!(estatekit::fees::schedule::MAX_DAYS_AFTER_ISSUE, 3650);
/// ```
pub const MAX_DAYS_AFTER_ISSUE: u32 = 3650;

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
    #[serde(with = "crate::json::decimal")]
    pub rate: Decimal,
}

/// Block rates for one unit kind (a metered item's `kind_tiers`).
///
/// ```
/// use estatekit::fees::schedule::KindTiers;
/// let k: KindTiers = serde_json::from_str(
///     r#"{"kind": "commercial", "tiers": [{"price": "5.80"}]}"#).unwrap();
/// assert_eq!(k.tiers.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindTiers {
    /// The unit kind.
    pub kind: UnitKind,
    /// Its block rates.
    pub tiers: Vec<Tier>,
}

/// What a metered item's tier limits are for.
///
/// ```
/// use estatekit::fees::schedule::TierBasis;
/// assert!(TierBasis::default().is_period());
/// let b: TierBasis = serde_json::from_str(r#""per_day""#).unwrap();
/// assert_eq!(b, TierBasis::PerDay);
/// let y: TierBasis = serde_json::from_str(r#""year""#).unwrap();
/// assert_eq!(y, TierBasis::Year);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierBasis {
    /// The limits are for one billing period, whatever its length (the default).
    #[default]
    Period,
    /// The limits are for `reference_days` days and scale with the days between the
    /// two readings billed (a 31-day read gets 31/30 of each 30-day limit).
    PerDay,
    /// The limits are cumulative over a tier year (阶梯年度) starting on the first day
    /// of `year_start_month`: a bill's consumption is priced where it falls after the
    /// consumption already billed in the year (year to date), e.g. Beijing's residential
    /// water, 0–180 m³ a year at the first price.
    Year,
}

impl TierBasis {
    /// True for [`TierBasis::Period`].
    ///
    /// ```
    /// assert!(!estatekit::fees::schedule::TierBasis::PerDay.is_period());
    /// ```
    pub fn is_period(&self) -> bool {
        *self == Self::Period
    }
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
        /// The master (common) meter of a pool split over the estate (`split_by`
        /// `estate`); empty when the pool is split per building or group.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        meter_id: String,
        /// With `split_by` `building` or `groups`: the master meter of each building
        /// or group (`[{"group": "B1", "meter_id": "M-B1"}, ...]`). Format version 3.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        meters: Vec<GroupMeter>,
        /// Price per unit consumed.
        #[serde(with = "crate::json::decimal")]
        price: Decimal,
        /// Subtract the consumption of every unit meter of the same kind.
        #[serde(default)]
        subtract_sub_meters: bool,
    },
}

/// The master meter of one building or group of a pooled item split per building or
/// group (an entry of a master-meter source's `meters`).
///
/// ```
/// use estatekit::fees::schedule::GroupMeter;
/// let m: GroupMeter = serde_json::from_str(r#"{"group": "B1", "meter_id": "E-LIFT-B1"}"#).unwrap();
/// assert_eq!((m.group.as_str(), m.meter_id.as_str()), ("B1", "E-LIFT-B1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupMeter {
    /// The building id (`split_by: "building"`) or group id.
    pub group: String,
    /// Its master meter.
    pub meter_id: String,
}

/// A named group of units with its own pool (`split_by: {"groups": [...]}`).
///
/// ```
/// use estatekit::fees::schedule::UnitGroup;
/// let g: UnitGroup = serde_json::from_str(r#"{"id": "east", "units": ["1-101", "1-102"]}"#).unwrap();
/// assert_eq!((g.id.as_str(), g.units.len()), ("east", 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitGroup {
    /// The group's id (unique within the item), e.g. `"east"`.
    pub id: String,
    /// The ids of its units; a unit is in at most one group of an item.
    pub units: Vec<String>,
}

/// Over which units a pooled amount is split: the whole estate (one pool), each
/// building separately (楼栋公摊: one pool per building, each with its own master
/// meter or invoice), or each of a list of groups of units. Each building or group
/// is split with the same method, adjustments and participants, and its shares sum
/// exactly to its own amount. Format version 3 for any but `estate`.
///
/// ```
/// use estatekit::fees::schedule::SplitBy;
/// assert_eq!(SplitBy::default(), SplitBy::Estate);
/// let b: SplitBy = serde_json::from_str(r#""building""#).unwrap();
/// assert_eq!(b, SplitBy::Building);
/// let g: SplitBy = serde_json::from_str(r#"{"groups": [{"id": "east", "units": ["1-101"]}]}"#).unwrap();
/// assert!(matches!(g, SplitBy::Groups(ref v) if v[0].id == "east"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitBy {
    /// One pool for the whole estate (the default).
    #[default]
    Estate,
    /// One pool per building of the estate that has a participant or a source.
    Building,
    /// One pool per group; units in no group do not share the item.
    Groups(Vec<UnitGroup>),
}

impl SplitBy {
    /// True for [`SplitBy::Estate`].
    ///
    /// ```
    /// assert!(estatekit::fees::schedule::SplitBy::Estate.is_estate());
    /// ```
    pub fn is_estate(&self) -> bool {
        *self == Self::Estate
    }

    /// The JSON name: `estate`, `building` or `groups`.
    ///
    /// ```
    /// assert_eq!(estatekit::fees::schedule::SplitBy::Building.name(), "building");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Self::Estate => "estate",
            Self::Building => "building",
            Self::Groups(_) => "groups",
        }
    }
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
        #[serde(with = "crate::json::decimal")]
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
        #[serde(with = "crate::json::decimal")]
        amount: Decimal,
    },
    /// `(current − previous reading) × multiplier`, priced by tiers.
    Metered {
        /// The kind of the unit's meter that is read.
        meter_kind: MeterKind,
        /// Block rates.
        tiers: Vec<Tier>,
        /// Block rates for particular unit kinds (residential and commercial prices
        /// in one item), overriding `tiers`. Format version 3.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        kind_tiers: Vec<KindTiers>,
        /// Whether the tier limits are per billing period as written (`period`, the
        /// default) or scale with the days between the two readings (`per_day`:
        /// each limit × days ÷ `reference_days`, to 0.01). Format version 3.
        #[serde(default, skip_serializing_if = "TierBasis::is_period")]
        tier_basis: TierBasis,
        /// The days the written limits are for, with `per_day` (e.g. 30).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference_days: Option<u32>,
        /// The month (1–12) the tier year starts in, with `year` tier limits (1 for a
        /// calendar year). Format version 3.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        year_start_month: Option<u32>,
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
        /// With a `given` source and a method that weighs usage: the kind of the
        /// participants' own meters whose consumption in the period is each unit's
        /// usage (a master-meter pool uses its master meter's kind, and refuses this
        /// field). Format version 3.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meter_kind: Option<MeterKind>,
        /// Split over the whole estate (the default), per building, or per group of
        /// units. Format version 3.
        #[serde(default, skip_serializing_if = "SplitBy::is_estate")]
        split_by: SplitBy,
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
    #[serde(with = "crate::json::decimal")]
    pub factor: Decimal,
}

/// When payment of a bill line is due, relative to the bill's **issue date** (a
/// month's metered lines use readings taken at its end, so a bill is issued after
/// its period; no rule can make a line due before its bill is issued).
///
/// In schedule JSON, an item's `due` is one of:
///
/// - `{"days_after_issue": n}`: `n` days after the issue date (0–3650; 0 is due on
///   issue). `{"days_after_issue": 15}` is the default when an item says nothing.
/// - `{"day_of_next_month": d}`: day `d` (1–31) of the month after the issue date's
///   month, clamped to that month's last day (31 → 30 April, 28 or 29 February).
/// - `{"day_of_month": d}`: the first day `d` (1–31) on or after the issue date: day
///   `d` of the issue date's month if that is not before the issue date, else of the
///   next month; clamped to the month's last day (31 → 30 April). The version-1
///   field `"due_day": d` (1–28) is read as this rule.
///
/// ```
/// use estatekit::fees::schedule::DueRule;
/// use chrono::NaiveDate;
/// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
/// let issued = d("2026-12-01");
/// assert_eq!(DueRule::DaysAfterIssue(15).due_date(issued)?, d("2026-12-16"));
/// assert_eq!(DueRule::DayOfNextMonth(10).due_date(issued)?, d("2027-01-10"));
/// assert_eq!(DueRule::DayOfMonth(15).due_date(issued)?, d("2026-12-15"));
/// assert_eq!(DueRule::DayOfMonth(1).due_date(d("2026-12-02"))?, d("2027-01-01"));
/// assert_eq!(DueRule::DayOfNextMonth(31).due_date(d("2027-01-20"))?, d("2027-02-28"));
/// let rule: DueRule = serde_json::from_str(r#"{"day_of_next_month": 10}"#).unwrap();
/// assert_eq!(rule, DueRule::DayOfNextMonth(10));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DueRule {
    /// Due this many days after the issue date (0–3650).
    #[serde(deserialize_with = "count")]
    DaysAfterIssue(u32),
    /// Due on this day (1–31, clamped to the month's last day) of the month after the
    /// issue date's month.
    #[serde(deserialize_with = "count")]
    DayOfNextMonth(u32),
    /// Due on the first such day (1–31, clamped to the month's last day) on or after
    /// the issue date.
    #[serde(deserialize_with = "count")]
    DayOfMonth(u32),
}

impl Default for DueRule {
    /// Fifteen days after issue.
    ///
    /// ```
    /// use estatekit::fees::schedule::DueRule;
    /// assert_eq!(DueRule::default(), DueRule::DaysAfterIssue(15));
    /// ```
    fn default() -> Self {
        Self::DaysAfterIssue(15)
    }
}

/// A whole number of days, refusing negatives with a message saying why.
fn count<'de, D: Deserializer<'de>>(de: D) -> Result<u32, D::Error> {
    let n = i64::deserialize(de)?;
    u32::try_from(n).map_err(|_| {
        serde::de::Error::custom(if n < 0 {
            format!("must not be negative (a bill cannot be due before it is issued), got {n}")
        } else {
            format!("{n} is out of range")
        })
    })
}

/// Day `day` of the month starting on `first`, clamped to the month's last day.
fn clamped_day(first: NaiveDate, day: u32) -> Option<NaiveDate> {
    // December always has 31 days (and the calendar's last month is a December).
    let last = match first.month() {
        12 => 31,
        m => NaiveDate::from_ymd_opt(first.year(), m + 1, 1)?
            .pred_opt()?
            .day(),
    };
    first.with_day(day.min(last))
}

impl DueRule {
    /// The JSON name of the rule, e.g. `days_after_issue`.
    ///
    /// ```
    /// assert_eq!(estatekit::fees::schedule::DueRule::DayOfMonth(15).name(), "day_of_month");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Self::DaysAfterIssue(_) => "days_after_issue",
            Self::DayOfNextMonth(_) => "day_of_next_month",
            Self::DayOfMonth(_) => "day_of_month",
        }
    }

    /// Checks the rule's number: days 0–3650, day of month 1–31.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] naming `due.<rule>`, e.g. `due.day_of_month`.
    ///
    /// ```
    /// use estatekit::fees::schedule::DueRule;
    /// assert!(DueRule::DaysAfterIssue(3650).validate().is_ok());
    /// let err = DueRule::DayOfMonth(0).validate().unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("out_of_range", "due.day_of_month"));
    /// ```
    pub fn validate(&self) -> Result<(), FeeError> {
        let path = || format!("due.{}", self.name());
        match *self {
            Self::DaysAfterIssue(n) if n > MAX_DAYS_AFTER_ISSUE => Err(FeeError::value(
                "out_of_range",
                path(),
                format!("days after issue must be 0–{MAX_DAYS_AFTER_ISSUE}, got {n}"),
            )),
            Self::DayOfNextMonth(d) | Self::DayOfMonth(d) if !(1..=31).contains(&d) => {
                Err(FeeError::value(
                    "out_of_range",
                    path(),
                    format!("day of month must be 1–31, got {d}"),
                ))
            }
            _ => Ok(()),
        }
    }

    /// The due date of a bill issued on `issued_on`; never before `issued_on`.
    ///
    /// # Errors
    /// Any error of [`DueRule::validate`]; [`FeeError::InvalidValue`] naming `issued_on`
    /// when the due date would be past the last date the calendar holds.
    ///
    /// ```
    /// use estatekit::fees::schedule::DueRule;
    /// use chrono::NaiveDate;
    /// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// assert_eq!(DueRule::DayOfMonth(31).due_date(d("2028-02-10"))?, d("2028-02-29"));
    /// assert_eq!(DueRule::DaysAfterIssue(0).due_date(d("2026-12-01"))?, d("2026-12-01"));
    /// let err = DueRule::DaysAfterIssue(15).due_date(NaiveDate::MAX).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("out_of_range", "issued_on"));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn due_date(&self, issued_on: NaiveDate) -> Result<NaiveDate, FeeError> {
        self.validate()?;
        let month = issued_on.with_day(1);
        let next_month = || month?.checked_add_months(Months::new(1));
        let due = match *self {
            Self::DaysAfterIssue(n) => issued_on.checked_add_days(Days::new(u64::from(n))),
            Self::DayOfNextMonth(d) => next_month().and_then(|m| clamped_day(m, d)),
            Self::DayOfMonth(d) => match month.and_then(|m| clamped_day(m, d)) {
                Some(this) if this >= issued_on => Some(this),
                _ => next_month().and_then(|m| clamped_day(m, d)),
            },
        };
        due.filter(|due| *due >= issued_on).ok_or_else(|| {
            FeeError::value(
                "out_of_range",
                "issued_on",
                format!(
                    "a bill issued on {issued_on} would be due past the last date the calendar holds"
                ),
            )
        })
    }
}

/// One fee item (收费项目), in force from `effective_from` to `effective_until`.
///
/// ```
/// let s = estatekit::fees::schedule::FeeSchedule::demo();
/// let m = &s.items()[0];
/// assert_eq!((m.name_zh.as_str(), m.name_en.as_str()), ("物业服务费", "Management fee"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FeeItemDoc")]
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
    /// Buildings charged, by id (empty = all). Billing refuses an id the estate does
    /// not have. Format version 3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buildings: Vec<String>,
    /// Units charged, by id (empty = all; with `buildings` too, a unit must be in
    /// both). Billing refuses an id the estate does not have. Format version 3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Billing frequency.
    #[serde(default)]
    pub frequency: Frequency,
    /// When payment is due, relative to the bill's issue date (JSON `due`; 15 days
    /// after issue by default).
    pub due: DueRule,
    /// Day-count convention for partial periods.
    #[serde(default)]
    pub day_count: DayCount,
    /// Late-penalty clause for this item, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<PenaltyPolicy>,
    /// Late-fee terms beside the penalty's daily rate (a one-off fee, a yearly
    /// rate, daily rounding; see [`LateFee`]), if any. Format version 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_fee: Option<LateFee>,
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Last day in force, if it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<NaiveDate>,
}

/// The reason of an [`FeeError::InvalidValue`] or [`FeeError::InvalidValue`] (the whole message of any other error).
/// A fee item as written in JSON: the version-1 `due_day` beside `due`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeeItemDoc {
    code: String,
    name_zh: String,
    name_en: String,
    rule: Rule,
    #[serde(default)]
    unit_kinds: Vec<UnitKind>,
    #[serde(default)]
    statuses: Vec<UnitStatus>,
    #[serde(default)]
    status_factors: Vec<StatusFactor>,
    #[serde(default)]
    buildings: Vec<String>,
    #[serde(default)]
    units: Vec<String>,
    #[serde(default)]
    frequency: Frequency,
    #[serde(default)]
    due: Option<DueRule>,
    /// Version 1: a day of the month (1–28), read as [`DueRule::DayOfMonth`].
    #[serde(default)]
    due_day: Option<u32>,
    #[serde(default)]
    day_count: DayCount,
    #[serde(default)]
    penalty: Option<PenaltyPolicy>,
    #[serde(default)]
    late_fee: Option<LateFee>,
    effective_from: NaiveDate,
    #[serde(default)]
    effective_until: Option<NaiveDate>,
}

impl FeeItemDoc {
    /// The item, or an error naming the field relative to the item (`due_day`).
    fn into_item(self) -> Result<FeeItem, FeeError> {
        let due = match (self.due, self.due_day) {
            (Some(_), Some(_)) => {
                return Err(FeeError::value(
                    "conflicting_fields",
                    "due_day",
                    "give `due` or the version-1 `due_day`, not both",
                ));
            }
            (Some(rule), None) => rule,
            (None, Some(day)) if !(1..=28).contains(&day) => {
                return Err(FeeError::value(
                    "out_of_range",
                    "due_day",
                    format!("due day must be 1–28, got {day}"),
                ));
            }
            (None, Some(day)) => DueRule::DayOfMonth(day),
            (None, None) => DueRule::default(),
        };
        Ok(FeeItem {
            code: self.code,
            name_zh: self.name_zh,
            name_en: self.name_en,
            rule: self.rule,
            unit_kinds: self.unit_kinds,
            statuses: self.statuses,
            status_factors: self.status_factors,
            buildings: self.buildings,
            units: self.units,
            frequency: self.frequency,
            due,
            day_count: self.day_count,
            penalty: self.penalty,
            late_fee: self.late_fee,
            effective_from: self.effective_from,
            effective_until: self.effective_until,
        })
    }
}

impl TryFrom<FeeItemDoc> for FeeItem {
    type Error = FeeError;

    fn try_from(doc: FeeItemDoc) -> Result<Self, FeeError> {
        doc.into_item()
    }
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

    /// The area rate of a unit of `kind`: its `kind_rates` entry, else the item's
    /// rate (zero for an item that is not an area rule).
    ///
    /// ```
    /// use estatekit::estate::UnitKind;
    /// let schedule = estatekit::fees::schedule::FeeSchedule::demo();
    /// assert_eq!(schedule.items()[0].rate_for(UnitKind::Commercial).to_string(), "6.50");
    /// assert_eq!(schedule.items()[0].rate_for(UnitKind::Residential).to_string(), "3.70");
    /// ```
    pub fn rate_for(&self, kind: UnitKind) -> Decimal {
        match &self.rule {
            Rule::Area {
                rate, kind_rates, ..
            } => kind_rates
                .iter()
                .find(|k| k.kind == kind)
                .map_or(*rate, |k| k.rate),
            _ => Decimal::ZERO,
        }
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
            return Err(FeeError::value(
                "empty_field",
                p("code"),
                "code must not be empty",
            ));
        }
        self.due
            .validate()
            .map_err(|e| e.under(&format!("items[{i}]")))?;
        if let Some(until) = self.effective_until {
            if until < self.effective_from {
                return Err(FeeError::value(
                    "ends_before_starts",
                    p("effective_until"),
                    format!("{until} is before effective_from {}", self.effective_from),
                ));
            }
        }
        for (j, f) in self.status_factors.iter().enumerate() {
            if f.factor < Decimal::ZERO || f.factor > Decimal::ONE {
                return Err(FeeError::value(
                    "out_of_range",
                    p(&format!("status_factors[{j}].factor")),
                    format!("a share must be between 0 and 1, got {}", f.factor),
                ));
            }
        }
        if let Some(pen) = &self.penalty {
            pen.validate()
                .map_err(|e| e.under(&format!("items[{i}].penalty")))?;
        }
        for (field, ids) in [("buildings", &self.buildings), ("units", &self.units)] {
            for (j, id) in ids.iter().enumerate() {
                if id.trim().is_empty() {
                    return Err(FeeError::value(
                        "empty_field",
                        p(&format!("{field}[{j}]")),
                        "an id must not be empty",
                    ));
                }
                if ids[..j].contains(id) {
                    return Err(FeeError::DuplicateId {
                        path: p(&format!("{field}[{j}]")),
                        id: id.clone(),
                    });
                }
            }
        }
        if let Some(terms) = &self.late_fee {
            terms
                .validate()
                .map_err(|e| e.under(&format!("items[{i}].late_fee")))?;
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
            Rule::Metered {
                tiers,
                kind_tiers,
                tier_basis,
                reference_days,
                year_start_month,
                ..
            } => {
                validate_tiers(tiers, &p("rule.metered.tiers"))?;
                for (j, k) in kind_tiers.iter().enumerate() {
                    validate_tiers(&k.tiers, &p(&format!("rule.metered.kind_tiers[{j}].tiers")))?;
                }
                match (tier_basis, reference_days) {
                    (TierBasis::PerDay, None) => {
                        return Err(FeeError::value(
                            "missing_value",
                            p("rule.metered.reference_days"),
                            "per-day tier limits need the days they are written for (e.g. 30)",
                        ));
                    }
                    (TierBasis::PerDay, Some(0)) => {
                        return Err(FeeError::value(
                            "out_of_range",
                            p("rule.metered.reference_days"),
                            "the reference length must be at least 1 day",
                        ));
                    }
                    (TierBasis::Period | TierBasis::Year, Some(_)) => {
                        return Err(FeeError::value(
                            "conflicting_fields",
                            p("rule.metered.reference_days"),
                            "a reference length applies to per_day tier limits only",
                        ));
                    }
                    _ => {}
                }
                match (tier_basis, year_start_month) {
                    (TierBasis::Year, None) => {
                        return Err(FeeError::value(
                            "missing_value",
                            p("rule.metered.year_start_month"),
                            "annual tier limits need the month the tier year starts in \
                             (1–12, e.g. 1 for a calendar year)",
                        ));
                    }
                    (TierBasis::Year, Some(m)) if !(1..=12).contains(m) => {
                        return Err(FeeError::value(
                            "out_of_range",
                            p("rule.metered.year_start_month"),
                            format!("the tier year's first month must be 1–12, got {m}"),
                        ));
                    }
                    (TierBasis::Period | TierBasis::PerDay, Some(_)) => {
                        return Err(FeeError::value(
                            "conflicting_fields",
                            p("rule.metered.year_start_month"),
                            "a year start applies to year tier limits only (\"tier_basis\": \"year\")",
                        ));
                    }
                    _ => {}
                }
            }
            Rule::Pooled {
                source,
                deduction,
                admin_fee,
                method,
                meter_kind,
                split_by,
                ..
            } => {
                validate_split_by(split_by, source, &p)?;
                match (source, meter_kind) {
                    (PooledSource::Given, None) if method.uses_usage() => {
                        return Err(FeeError::value(
                            "missing_value",
                            p("rule.pooled.meter_kind"),
                            "a given amount split by usage needs the kind of the units' meters \
                             whose consumption weighs them (e.g. \"meter_kind\": \"electricity\")",
                        ));
                    }
                    (PooledSource::MasterMeter { .. }, Some(kind)) => {
                        return Err(FeeError::value(
                            "conflicting_fields",
                            p("rule.pooled.meter_kind"),
                            format!(
                                "a master-meter pool weighs usage on its master meter's kind; \
                                 remove meter_kind ({kind})"
                            ),
                        ));
                    }
                    _ => {}
                }
                if let PooledSource::MasterMeter {
                    price, meter_id, ..
                } = source
                {
                    non_negative(*price, || p("rule.pooled.source.master_meter.price"))?;
                    if split_by.is_estate() && meter_id.trim().is_empty() {
                        return Err(FeeError::value(
                            "empty_field",
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
                    // Weights that do not sum to exactly 1 are refused, never normalised.
                    method
                        .validate()
                        .map_err(|e| e.with_path(p("rule.pooled.method.hybrid")))?;
                }
            }
        }
        Ok(())
    }
}

/// Checks a pooled rule's `split_by` against its source: groups with ids and units,
/// no unit in two groups; one `meter_id` over the estate, one meter per building or
/// group in `meters` otherwise. `p` makes an item's path.
fn validate_split_by(
    split_by: &SplitBy,
    source: &PooledSource,
    p: &dyn Fn(&str) -> String,
) -> Result<(), FeeError> {
    if let SplitBy::Groups(groups) = split_by {
        if groups.is_empty() {
            return Err(FeeError::value(
                "missing_value",
                p("rule.pooled.split_by.groups"),
                "a split by groups needs at least one group",
            ));
        }
        let mut group_of: std::collections::HashMap<&str, usize> = Default::default();
        for (j, g) in groups.iter().enumerate() {
            let at = |f: &str| p(&format!("rule.pooled.split_by.groups[{j}].{f}"));
            if g.id.trim().is_empty() {
                return Err(FeeError::value(
                    "empty_field",
                    at("id"),
                    "a group id must not be empty",
                ));
            }
            if groups[..j].iter().any(|h| h.id == g.id) {
                return Err(FeeError::DuplicateId {
                    path: at("id"),
                    id: g.id.clone(),
                });
            }
            if g.units.is_empty() {
                return Err(FeeError::value(
                    "missing_value",
                    at("units"),
                    format!("group {:?} has no unit", g.id),
                ));
            }
            for (k, unit) in g.units.iter().enumerate() {
                if unit.trim().is_empty() {
                    return Err(FeeError::value(
                        "empty_field",
                        at(&format!("units[{k}]")),
                        "a unit id must not be empty",
                    ));
                }
                if let Some(first) = group_of.insert(unit, j) {
                    let other = &groups[first].id;
                    return Err(FeeError::value(
                        "duplicate_id",
                        at(&format!("units[{k}]")),
                        if first == j {
                            format!("unit {unit:?} is listed twice in group {other:?}")
                        } else {
                            format!(
                                "unit {unit:?} is already in group {other:?} (groups[{first}]): \
                                 a unit shares one pool of an item"
                            )
                        },
                    ));
                }
            }
        }
    }
    let PooledSource::MasterMeter {
        meter_id, meters, ..
    } = source
    else {
        return Ok(());
    };
    let at = |f: &str| p(&format!("rule.pooled.source.master_meter.{f}"));
    match split_by {
        SplitBy::Estate if !meters.is_empty() => Err(FeeError::value(
            "conflicting_fields",
            at("meters"),
            "a pool split over the estate has one master meter (meter_id); \
             meters per building or group need split_by \"building\" or groups",
        )),
        SplitBy::Estate => Ok(()),
        SplitBy::Building | SplitBy::Groups(_) => {
            let per = match split_by {
                SplitBy::Building => "building",
                _ => "group",
            };
            if !meter_id.is_empty() {
                return Err(FeeError::value(
                    "conflicting_fields",
                    at("meter_id"),
                    format!(
                        "a pool split by {per} has one master meter per {per}, in meters \
                         ([{{\"group\": \"{per} id\", \"meter_id\": ...}}]), not one meter_id"
                    ),
                ));
            }
            if meters.is_empty() {
                return Err(FeeError::value(
                    "missing_value",
                    at("meters"),
                    format!("a pool split by {per} needs the master meter of each {per}"),
                ));
            }
            for (j, m) in meters.iter().enumerate() {
                if m.group.trim().is_empty() {
                    return Err(FeeError::value(
                        "empty_field",
                        at(&format!("meters[{j}].group")),
                        format!("the {per} id must not be empty"),
                    ));
                }
                if meters[..j].iter().any(|x| x.group == m.group) {
                    return Err(FeeError::DuplicateId {
                        path: at(&format!("meters[{j}].group")),
                        id: m.group.clone(),
                    });
                }
                if m.meter_id.trim().is_empty() {
                    return Err(FeeError::value(
                        "empty_field",
                        at(&format!("meters[{j}].meter_id")),
                        "meter id must not be empty",
                    ));
                }
            }
            if let SplitBy::Groups(groups) = split_by {
                if let Some((j, m)) = meters
                    .iter()
                    .enumerate()
                    .find(|(_, m)| !groups.iter().any(|g| g.id == m.group))
                {
                    return Err(FeeError::Unknown {
                        path: at(&format!("meters[{j}].group")),
                        what: "group",
                        id: m.group.clone(),
                    });
                }
                if let Some((j, g)) = groups
                    .iter()
                    .enumerate()
                    .find(|(_, g)| !meters.iter().any(|m| m.group == g.id))
                {
                    return Err(FeeError::value(
                        "missing_value",
                        at("meters"),
                        format!(
                            "group {:?} (split_by.groups[{j}]) has no master meter: \
                             every group needs its source",
                            g.id
                        ),
                    ));
                }
            }
            Ok(())
        }
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
    items: Vec<FeeItemDoc>,
}

fn format_version() -> u32 {
    SCHEDULE_FORMAT_VERSION
}

impl FeeSchedule {
    /// Validates and builds a schedule.
    ///
    /// # Errors
    /// [`FeeError`] naming the first bad field: negative rates, amounts or prices,
    /// bad tiers, due rules out of range ([`DueRule::validate`]), shares outside 0–1,
    /// end before start, and
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
            format_version: written_version(&items),
            items,
        })
    }

    /// Parses and validates a schedule JSON document (decimals as strings).
    ///
    /// Reads format versions 1 to 3 (version 1's `due_day` becomes
    /// [`DueRule::DayOfMonth`]); a missing `format_version` means the current one.
    ///
    /// # Errors
    /// [`FeeError::Json`] with the path of a malformed field (e.g. a negative
    /// `items[0].due.days_after_issue`); [`FeeError::InvalidValue`] naming `format_version`
    /// for any other version, or `items[i].due_day` when an item gives both `due` and
    /// `due_day`; any error of [`FeeSchedule::new`].
    ///
    /// ```
    /// use estatekit::fees::schedule::{DueRule, FeeSchedule};
    /// let json = r#"{"format_version": 2, "items": [{"code": "garbage", "name_zh": "垃圾费", "name_en": "Garbage",
    ///   "rule": {"fixed": {"amount": "-5"}}, "effective_from": "2026-01-01"}]}"#;
    /// assert_eq!(FeeSchedule::from_json(json).unwrap_err().path(), "items[0].rule.fixed.amount");
    /// // Version 1: `due_day` is a day of the month, on or after the issue date.
    /// let v1 = r#"{"format_version": 1, "items": [{"code": "garbage", "name_zh": "垃圾费", "name_en": "Garbage",
    ///   "rule": {"fixed": {"amount": "5"}}, "due_day": 20, "effective_from": "2026-01-01"}]}"#;
    /// assert_eq!(FeeSchedule::from_json(v1)?.items()[0].due, DueRule::DayOfMonth(20));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, FeeError> {
        crate::json::within_limit(text).map_err(|(size, limit)| FeeError::DocumentTooLarge {
            path: "$".to_owned(),
            size,
            limit,
        })?;
        let doc: ScheduleDoc = crate::json::parse(text).map_err(|f| FeeError::Json {
            path: f.path,
            message: f.message,
        })?;
        if !(1..=SCHEDULE_FORMAT_VERSION).contains(&doc.format_version) {
            return Err(FeeError::value(
                "unsupported_format_version",
                "format_version",
                format!(
                    "format version {} is not supported (expected 1 to {SCHEDULE_FORMAT_VERSION})",
                    doc.format_version
                ),
            ));
        }
        let items = doc
            .items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                item.into_item()
                    .map_err(|e| e.under(&format!("items[{i}]")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(items)
    }

    /// The schedule as pretty JSON, in the lowest format version from 2 that holds
    /// it (see [`SCHEDULE_FORMAT_VERSION`]); [`FeeSchedule::from_json`] reads it back
    /// unchanged.
    ///
    /// ```
    /// assert!(estatekit::fees::schedule::FeeSchedule::demo().to_json().contains("\"format_version\": 2"));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("a fee schedule serializes: plain data, string keys, decimals as strings")
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

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn due(rule: DueRule, issued: &str) -> String {
        rule.due_date(d(issued)).unwrap().to_string()
    }

    #[test]
    fn days_after_issue() {
        use DueRule::DaysAfterIssue as A;
        assert_eq!(due(A(15), "2026-12-01"), "2026-12-16");
        assert_eq!(due(A(0), "2026-12-01"), "2026-12-01");
        assert_eq!(due(A(15), "2026-12-20"), "2027-01-04"); // Dec → Jan
        assert_eq!(due(A(1), "2028-02-28"), "2028-02-29"); // leap year
        assert_eq!(due(A(1), "2026-02-28"), "2026-03-01");
        assert_eq!(due(A(3650), "2026-12-01"), "2036-11-28");
        assert_eq!(due(A(30), "2026-01-31"), "2026-03-02");
    }

    #[test]
    fn day_of_next_month() {
        use DueRule::DayOfNextMonth as N;
        assert_eq!(due(N(10), "2026-12-01"), "2027-01-10"); // Dec → Jan
        assert_eq!(due(N(10), "2026-11-30"), "2026-12-10");
        assert_eq!(due(N(31), "2026-01-31"), "2026-02-28"); // clamped
        assert_eq!(due(N(31), "2028-01-01"), "2028-02-29"); // leap February
        assert_eq!(due(N(29), "2100-01-15"), "2100-02-28"); // 2100 is not a leap year
        assert_eq!(due(N(31), "2026-03-15"), "2026-04-30");
        assert_eq!(due(N(31), "2026-06-30"), "2026-07-31");
        assert_eq!(due(N(1), "2026-12-31"), "2027-01-01");
    }

    #[test]
    fn day_of_month() {
        use DueRule::DayOfMonth as M;
        assert_eq!(due(M(15), "2026-12-01"), "2026-12-15");
        assert_eq!(due(M(15), "2026-12-15"), "2026-12-15"); // on the issue day itself
        assert_eq!(due(M(15), "2026-12-16"), "2027-01-15"); // Dec → Jan
        assert_eq!(due(M(31), "2026-04-10"), "2026-04-30"); // clamped
        assert_eq!(due(M(31), "2026-04-30"), "2026-04-30");
        assert_eq!(due(M(30), "2026-02-01"), "2026-02-28");
        assert_eq!(due(M(30), "2028-02-01"), "2028-02-29"); // leap February
        assert_eq!(due(M(29), "2026-01-30"), "2026-02-28"); // next month, clamped
        assert_eq!(due(M(1), "2026-12-02"), "2027-01-01");
        assert_eq!(due(M(1), "2026-12-01"), "2026-12-01");
        assert_eq!(due(M(31), "2026-01-31"), "2026-01-31");
    }

    #[test]
    fn out_of_range_rules_and_late_dates_are_typed_errors() {
        let err = |rule: DueRule, issued: NaiveDate| {
            let e = rule.due_date(issued).unwrap_err();
            (e.code(), e.path().to_owned())
        };
        let day = d("2026-12-01");
        assert_eq!(
            err(DueRule::DaysAfterIssue(3651), day),
            ("out_of_range", "due.days_after_issue".into())
        );
        assert_eq!(
            err(DueRule::DaysAfterIssue(u32::MAX), day),
            ("out_of_range", "due.days_after_issue".into())
        );
        for n in [0, 32, u32::MAX] {
            assert_eq!(
                err(DueRule::DayOfMonth(n), day),
                ("out_of_range", "due.day_of_month".into())
            );
            assert_eq!(
                err(DueRule::DayOfNextMonth(n), day),
                ("out_of_range", "due.day_of_next_month".into())
            );
        }
        let max = NaiveDate::MAX; // +262142-12-31
        for rule in [
            DueRule::DaysAfterIssue(1),
            DueRule::DaysAfterIssue(3650),
            DueRule::DayOfNextMonth(1),
            DueRule::DayOfMonth(1),
        ] {
            assert_eq!(
                err(rule, max),
                ("out_of_range", "issued_on".into()),
                "{rule:?}"
            );
        }
        // Within the last month the calendar holds, a rule that stays in it works.
        assert_eq!(DueRule::DaysAfterIssue(0).due_date(max).unwrap(), max);
        assert_eq!(DueRule::DayOfMonth(31).due_date(max).unwrap(), max);
        assert_eq!(
            DueRule::DayOfMonth(31)
                .due_date(d("+262142-12-01"))
                .unwrap(),
            max
        );
        assert_eq!(
            err(DueRule::DayOfNextMonth(31), d("+262142-12-01")),
            ("out_of_range", "issued_on".into())
        );
        // The earliest dates work too.
        let min = NaiveDate::MIN; // -262143-01-01
        assert_eq!(DueRule::DayOfMonth(1).due_date(min).unwrap(), min);
        assert_eq!(
            DueRule::DayOfNextMonth(31)
                .due_date(min)
                .unwrap()
                .to_string(),
            "-262143-02-28"
        );
    }

    fn item_json(due: &str) -> String {
        format!(
            r#"{{"format_version": 2, "items": [{{"code": "m", "name_zh": "物业费", "name_en": "Fee",
              "rule": {{"fixed": {{"amount": "1"}}}}, "effective_from": "2026-01-01"{due}}}]}}"#
        )
    }

    #[test]
    fn due_rules_in_json() {
        let rule = |due: &str| FeeSchedule::from_json(&item_json(due)).unwrap().items()[0].due;
        assert_eq!(rule(""), DueRule::DaysAfterIssue(15));
        assert_eq!(
            rule(r#", "due": {"days_after_issue": 0}"#),
            DueRule::DaysAfterIssue(0)
        );
        assert_eq!(
            rule(r#", "due": {"day_of_next_month": 31}"#),
            DueRule::DayOfNextMonth(31)
        );
        assert_eq!(
            rule(r#", "due": {"day_of_month": 1}"#),
            DueRule::DayOfMonth(1)
        );
        assert_eq!(rule(r#", "due_day": 28"#), DueRule::DayOfMonth(28));
        let err = |due: &str| {
            let e = FeeSchedule::from_json(&item_json(due)).unwrap_err();
            (e.code(), e.path().to_owned(), e.to_string())
        };
        let (code, path, msg) = err(r#", "due": {"days_after_issue": -1}"#);
        assert_eq!(
            (code, path.as_str()),
            ("json", "items[0].due.days_after_issue")
        );
        assert!(
            msg.contains("must not be negative (a bill cannot be due before it is issued), got -1"),
            "{msg}"
        );
        let cases = [
            (
                r#", "due": {"days_after_issue": 3651}"#,
                "out_of_range",
                "items[0].due.days_after_issue",
                "items[0].due.days_after_issue: days after issue must be 0–3650, got 3651",
            ),
            (
                r#", "due": {"day_of_month": 0}"#,
                "out_of_range",
                "items[0].due.day_of_month",
                "items[0].due.day_of_month: day of month must be 1–31, got 0",
            ),
            (
                r#", "due": {"day_of_next_month": 32}"#,
                "out_of_range",
                "items[0].due.day_of_next_month",
                "items[0].due.day_of_next_month: day of month must be 1–31, got 32",
            ),
            (
                r#", "due": {"days_after_issue": 15}, "due_day": 15"#,
                "conflicting_fields",
                "items[0].due_day",
                "items[0].due_day: give `due` or the version-1 `due_day`, not both",
            ),
            (
                r#", "due_day": 29"#,
                "out_of_range",
                "items[0].due_day",
                "items[0].due_day: due day must be 1–28, got 29",
            ),
        ];
        for (due, code, path, msg) in cases {
            assert_eq!(err(due), (code, path.to_owned(), msg.to_owned()), "{due}");
        }
        for due in [
            r#", "due": {"day_of_month": 1.5}"#,
            r#", "due": {"day_of_month": "1"}"#,
            r#", "due": {"day_of_month": 4294967296}"#,
        ] {
            let (code, path, _) = err(due);
            assert_eq!(
                (code, path.as_str()),
                ("json", "items[0].due.day_of_month"),
                "{due}"
            );
        }
        let (code, path, msg) = err(r#", "due": {"weekly": 1}"#);
        assert_eq!((code, path.as_str()), ("json", "items[0].due"));
        assert!(msg.contains("unknown variant `weekly`"), "{msg}");
        assert_eq!(err(r#", "due": 15"#).1, "items[0].due");
    }

    #[test]
    fn version_1_loads_and_is_written_as_version_2() {
        let v1 = r#"{"format_version": 1, "items": [
            {"code": "m", "name_zh": "物业费", "name_en": "Fee", "rule": {"fixed": {"amount": "1"}},
             "due_day": 15, "effective_from": "2026-01-01"},
            {"code": "g", "name_zh": "垃圾费", "name_en": "Garbage", "rule": {"fixed": {"amount": "1"}},
             "effective_from": "2026-01-01"}]}"#;
        let s = FeeSchedule::from_json(v1).unwrap();
        assert_eq!(s.items()[0].due, DueRule::DayOfMonth(15));
        assert_eq!(s.items()[1].due, DueRule::DaysAfterIssue(15));
        let json = s.to_json();
        assert!(json.contains("\"format_version\": 2"), "{json}");
        assert!(
            json.contains("\"due\": {\n        \"day_of_month\": 15\n      }"),
            "{json}"
        );
        assert!(!json.contains("due_day"), "{json}");
        assert_eq!(FeeSchedule::from_json(&json).unwrap(), s);
        for bad in [0, 4, 99] {
            let e = FeeSchedule::from_json(&v1.replace(
                "\"format_version\": 1",
                &format!("\"format_version\": {bad}"),
            ))
            .unwrap_err();
            assert_eq!(
                (e.code(), e.path()),
                ("unsupported_format_version", "format_version")
            );
        }
        // FeeItem read on its own takes the same fields.
        let item: FeeItem = serde_json::from_str(
            r#"{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}},
                "due_day": 10, "effective_from": "2026-01-01"}"#,
        )
        .unwrap();
        assert_eq!(item.due, DueRule::DayOfMonth(10));
    }

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
