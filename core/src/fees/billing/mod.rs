//! Billing a whole estate for a month, in one call: one bill per unit with one line
//! per fee item, each line rounded once with the estate's policy and carrying a
//! structured explanation that renders in zh-CN and en.
//!
//! ```
//! use estatekit::estate::Estate;
//! use estatekit::fees::billing::{bill_estate, BillingInputs, BillingPeriod};
//! use estatekit::fees::schedule::FeeSchedule;
//! use estatekit::i18n::Lang;
//!
//! let estate = Estate::demo();
//! let inputs = BillingInputs::default().with_pooled("common_electricity", "3943.20".parse()?);
//! let run = bill_estate(&estate, &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
//! let bill = run.bill("1-101").expect("billed");
//! assert_eq!(bill.lines[0].amount.to_string(), "331.15");
//! assert_eq!(bill.lines[0].explain(Lang::ZhCn), "89.50 m² × 3.70/m²/月 × 1 月 = 331.15");
//! assert_eq!(bill.lines[0].explain(Lang::En), "89.50 m² × 3.70/m²/month × 1 month = 331.15");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::calc::{MeterChange, TierUse, consumption, fraction_of, tiered_cost};
use super::pooled::{self, SplitMethod};
use super::schedule::{
    AreaBasis, FeeItem, FeeSchedule, Frequency, Participants, PooledSource, Rule,
};
use super::{FeeError, mul};
use crate::estate::{Estate, Meter, MeterKind, ReadingUpdate, UnitCore, UnitKind, UnitStatus};
use crate::i18n::{Label, Lang};
use crate::money::{self, RoundingPolicy};

/// A billing period: a calendar month, both ends inclusive.
///
/// ```
/// use estatekit::fees::billing::BillingPeriod;
/// let p = BillingPeriod::month(2026, 2)?;
/// assert_eq!((p.start.to_string(), p.end.to_string()), ("2026-02-01".into(), "2026-02-28".into()));
/// assert!(BillingPeriod::month(2026, 13).is_err());
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BillingPeriod {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

impl BillingPeriod {
    /// The calendar month `year`-`month`.
    ///
    /// # Errors
    /// [`FeeError::Invalid`] naming `year` for a year outside 1–9999 (the years every
    /// binding's date type holds, so no date of a run fails later), or `month` for a
    /// month outside 1–12.
    ///
    /// ```
    /// use estatekit::fees::billing::BillingPeriod;
    /// let p = BillingPeriod::month(2024, 2)?;
    /// assert_eq!(p.days(), 29);
    /// let e = BillingPeriod::month(0, 1).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("invalid", "year"));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn month(year: i32, month: u32) -> Result<Self, FeeError> {
        if !(1..=9999).contains(&year) {
            return Err(FeeError::invalid(
                "year",
                format!("{year} is outside the years 1–9999"),
            ));
        }
        let start = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| {
            FeeError::invalid("month", format!("{year}-{month} is not a valid month"))
        })?;
        let end =
            month_end(start, 1).ok_or_else(|| FeeError::invalid("month", "year out of range"))?;
        Ok(Self { start, end })
    }

    /// Days in the period.
    ///
    /// ```
    /// assert_eq!(estatekit::fees::billing::BillingPeriod::month(2026, 10)?.days(), 31);
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// The last day of the `months`-month span starting at `start`.
fn month_end(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))?.pred_opt()
}

/// The amount of a pooled item for this period (e.g. the utility's invoice).
///
/// ```
/// let p = estatekit::fees::billing::PooledAmount { code: "common_electricity".into(), amount: "3943.20".parse().unwrap() };
/// assert_eq!(p.code, "common_electricity");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PooledAmount {
    /// The pooled fee item's code.
    pub code: String,
    /// The amount to split.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
}

/// An extra meter reading supplied with a billing run (in addition to the estate's).
///
/// ```
/// let r = estatekit::fees::billing::ReadingInput { meter_id: "W-1-101".into(), date: "2026-10-31".parse().unwrap(), value: "160".parse().unwrap() };
/// assert_eq!(r.meter_id, "W-1-101");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingInput {
    /// Meter id.
    pub meter_id: String,
    /// Reading date.
    pub date: NaiveDate,
    /// Register value.
    #[serde(with = "crate::json::decimal")]
    pub value: Decimal,
}

/// A meter replacement or rollover during the billed period.
///
/// ```
/// use estatekit::fees::{billing::MeterChangeInput, calc::MeterChange};
/// let c = MeterChangeInput { meter_id: "E-1-101".into(), change: MeterChange::Rollover { wraps_at: 100000.into() } };
/// assert_eq!(c.meter_id, "E-1-101");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeterChangeInput {
    /// Meter id.
    pub meter_id: String,
    /// What happened.
    pub change: MeterChange,
}

/// The inputs of a billing run besides the estate and the schedule.
///
/// ```
/// let i = estatekit::fees::billing::BillingInputs::default().with_pooled("common_electricity", 100.into());
/// assert_eq!((i.pooled.len(), i.issued_on), (1, None));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingInputs {
    /// Amounts of pooled items whose source is `given`.
    #[serde(default)]
    pub pooled: Vec<PooledAmount>,
    /// Extra readings (e.g. this month's), merged with the estate's.
    #[serde(default)]
    pub readings: Vec<ReadingInput>,
    /// Meter replacements and rollovers during the period.
    #[serde(default)]
    pub meter_changes: Vec<MeterChangeInput>,
    /// The date the bills are issued (JSON `issued_on`); every line's due date is its
    /// item's [`DueRule`](super::schedule::DueRule) applied to it. `None` (the
    /// default): the day after the period ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<NaiveDate>,
    /// All or nothing (JSON `strict`, default false): a problem of one unit or meter
    /// (a missing reading, a reading below the previous one without a recorded
    /// change, a reading row naming an unknown meter or with a negative value) fails
    /// the whole run, as in earlier releases. By default it becomes one of the run's
    /// [`BillingRun::exceptions`] and every other unit is billed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    /// Estimate (估抄) a unit meter's missing reading (JSON `estimate`: the number of
    /// periods of history, e.g. 3; `None`, the default, or `Some(0)`: a missing reading
    /// stays missing). See [`bill_estate`], "Estimates". The run lists what it estimated in
    /// [`BillingRun::estimated_readings`]: store them with
    /// [`Estate::updated`](crate::estate::Estate::updated), so that the next real
    /// reading trues them up. `Some(0)` is refused (`invalid` at `estimate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<u32>,
}

/// A problem of one unit, meter or input row that a (non-strict) billing run set
/// aside instead of failing: the unit's bill, or the pooled item's lines for every
/// unit, are not in the run; every other bill is. Fix the input and run the month
/// again: posting the new run adds what was missing and leaves what was posted
/// ([`Receivables::post`](super::receivables::Receivables::post) is safe to retry).
///
/// ```
/// # use estatekit::fees::{FeeError, billing::BillingException};
/// let e = BillingException { unit_id: Some("1-101".into()), item_code: None, meter_id: Some("W-1-101".into()),
///     error: FeeError::MissingReading { path: "meters[W-1-101]".into(), meter_id: "W-1-101".into(), when: "between 2026-10-01 and 2026-10-31".into() } };
/// assert_eq!(e.code(), "missing_reading");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingException {
    /// The unit whose bill was set aside, when the problem is one unit's.
    pub unit_id: Option<String>,
    /// The pooled item not billed to anyone, when the problem is in its pool.
    pub item_code: Option<String>,
    /// The meter concerned, if any.
    pub meter_id: Option<String>,
    /// What went wrong (code, path, message).
    pub error: FeeError,
}

impl BillingException {
    /// The error's stable code (`missing_reading`, `reading_below_previous`,
    /// `unknown_reference`, `negative`).
    ///
    /// ```
    /// # use estatekit::fees::{FeeError, billing::BillingException};
    /// let e = BillingException { unit_id: None, item_code: None, meter_id: Some("X".into()),
    ///     error: FeeError::Unknown { path: "readings[0].meter_id".into(), what: "meter", id: "X".into() } };
    /// assert_eq!(e.code(), "unknown_reference");
    /// ```
    pub fn code(&self) -> &'static str {
        self.error.code()
    }

    /// The error message (naming the path).
    ///
    /// ```
    /// # use estatekit::fees::{FeeError, billing::BillingException};
    /// let e = BillingException { unit_id: None, item_code: None, meter_id: Some("X".into()),
    ///     error: FeeError::Unknown { path: "readings[0].meter_id".into(), what: "meter", id: "X".into() } };
    /// assert!(e.message().starts_with("readings[0].meter_id"));
    /// ```
    pub fn message(&self) -> String {
        self.error.to_string()
    }
}

/// Whether an error is a problem of one unit or meter (set aside by a non-strict
/// run) rather than of the schedule, the estate or the run.
fn unit_problem(e: &FeeError) -> Option<String> {
    match e {
        FeeError::MissingReading { meter_id, .. }
        | FeeError::ReadingBelowPrevious { meter_id, .. } => Some(meter_id.clone()),
        _ => None,
    }
}

impl BillingInputs {
    /// Adds a pooled amount.
    ///
    /// ```
    /// let i = estatekit::fees::billing::BillingInputs::default().with_pooled("x", 1.into());
    /// assert_eq!(i.pooled[0].code, "x");
    /// ```
    pub fn with_pooled(mut self, code: impl Into<String>, amount: Decimal) -> Self {
        self.pooled.push(PooledAmount {
            code: code.into(),
            amount,
        });
        self
    }

    /// Sets the issue date.
    ///
    /// ```
    /// let day: chrono::NaiveDate = "2026-12-01".parse().unwrap();
    /// let i = estatekit::fees::billing::BillingInputs::default().with_issued_on(day);
    /// assert_eq!(i.issued_on, Some(day));
    /// ```
    pub fn with_issued_on(mut self, issued_on: NaiveDate) -> Self {
        self.issued_on = Some(issued_on);
        self
    }

    /// The issue date of a run for `period`: [`BillingInputs::issued_on`], or the day
    /// after the period ends.
    ///
    /// # Errors
    /// [`FeeError::Invalid`] naming `issued_on` when the period ends on the last date
    /// the calendar holds.
    ///
    /// ```
    /// use estatekit::fees::billing::{BillingInputs, BillingPeriod};
    /// let nov = BillingPeriod::month(2026, 11)?;
    /// assert_eq!(BillingInputs::default().issue_date(&nov)?.to_string(), "2026-12-01");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn issue_date(&self, period: &BillingPeriod) -> Result<NaiveDate, FeeError> {
        match self.issued_on {
            Some(d) => Ok(d),
            None => period.end.succ_opt().ok_or_else(|| {
                FeeError::invalid(
                    "issued_on",
                    format!("no day after {} to issue the bills on", period.end),
                )
            }),
        }
    }
}

/// How a bill line was computed: the formula and its inputs.
///
/// ```
/// use estatekit::fees::billing::Explanation;
/// use estatekit::i18n::Lang;
/// let e = Explanation::Fixed { amount: "60.00".parse().unwrap(), served_days: 31, period_days: 31, factor: 1.into() };
/// assert_eq!(e.render(Lang::En, "60.00".parse().unwrap()), "60.00 per period = 60.00");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Explanation {
    /// `area × rate × months × served/period days × factor`.
    Area {
        /// Area charged, m².
        #[serde(with = "crate::json::decimal")]
        area: Decimal,
        /// Gross or internal.
        basis: AreaBasis,
        /// Rate per m² per month.
        #[serde(with = "crate::json::decimal")]
        rate: Decimal,
        /// Months billed.
        months: u32,
        /// Days served in the billed span.
        served_days: i64,
        /// Days in the billed span.
        period_days: i64,
        /// Share paid for the unit's status (vacancy discount).
        #[serde(with = "crate::json::decimal")]
        factor: Decimal,
    },
    /// `amount × served/period days × factor`.
    Fixed {
        /// Amount per period.
        #[serde(with = "crate::json::decimal")]
        amount: Decimal,
        /// Days served.
        served_days: i64,
        /// Days in the period.
        period_days: i64,
        /// Share paid for the unit's status.
        #[serde(with = "crate::json::decimal")]
        factor: Decimal,
    },
    /// `(current − previous) × multiplier`, priced by tiers.
    Metered(Box<MeteredExplanation>),
    /// `weight ÷ total weight × pooled amount`, with the rounding adjustment.
    Pooled {
        /// The amount split among the units (after deduction and admin fee).
        #[serde(with = "crate::json::decimal")]
        pool: Decimal,
        /// `area`, `usage`, `equal`, `occupants` or `hybrid`.
        method: Cow<'static, str>,
        /// This unit's weight.
        #[serde(with = "crate::json::decimal")]
        weight: Decimal,
        /// Sum of all weights.
        #[serde(with = "crate::json::decimal")]
        total_weight: Decimal,
        /// Units sharing.
        participants: usize,
        /// Minor unit added to this share to make the shares sum exactly (0 if none).
        #[serde(with = "crate::json::decimal")]
        adjustment: Decimal,
    },
}

/// The inputs of a metered line (boxed in [`Explanation::Metered`]: it is the largest).
///
/// ```
/// use estatekit::fees::billing::MeteredExplanation;
/// use estatekit::estate::MeterKind;
/// let m = MeteredExplanation { meter_id: "W-1".into(), meter_kind: MeterKind::Water, previous: 1.into(),
///     current: 3.into(), multiplier: 1.into(), change: None, consumption: 2.into(), tiers: vec![],
///     estimated: false, previous_estimated: false, estimate: None };
/// assert_eq!(m.consumption, 2.into());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeteredExplanation {
    /// Meter id.
    pub meter_id: String,
    /// Meter kind.
    pub meter_kind: MeterKind,
    /// Previous register value.
    #[serde(with = "crate::json::decimal")]
    pub previous: Decimal,
    /// Current register value.
    #[serde(with = "crate::json::decimal")]
    pub current: Decimal,
    /// Multiplier.
    #[serde(with = "crate::json::decimal")]
    pub multiplier: Decimal,
    /// Replacement or rollover recorded for the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<MeterChange>,
    /// Consumption.
    #[serde(with = "crate::json::decimal")]
    pub consumption: Decimal,
    /// Quantity and price per tier (negative for the credit of a true-up).
    pub tiers: Vec<TierUse>,
    /// The current register value is an estimate (估抄), made by this run (see
    /// `estimate`) or stored in the estate by an earlier one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
    /// The previous register value was an estimate: this consumption trues it up,
    /// and may be negative (a credit).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub previous_estimated: bool,
    /// How this run estimated the current register value, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<EstimateBasis>,
}

/// How a missing reading was estimated (估抄): the meter's consumption over its last
/// periods of real readings, scaled to the days since its previous reading.
///
/// Estimated consumption = `history_consumption × days ÷ history_days`, rounded
/// half-up to the reading precision (the most decimal places among the real readings
/// used); the estimated register value is the previous one plus it.
///
/// ```
/// use estatekit::fees::billing::EstimateBasis;
/// let b = EstimateBasis { periods: 3, history_consumption: 30.into(), history_days: 92, days: 30 };
/// assert_eq!(b.periods, 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimateBasis {
    /// Periods between real readings used (at most [`BillingInputs::estimate`]).
    pub periods: u32,
    /// Register consumption over those periods (before the multiplier).
    #[serde(with = "crate::json::decimal")]
    pub history_consumption: Decimal,
    /// Days those periods span.
    pub history_days: i64,
    /// Days from the previous reading to the estimated one.
    pub days: i64,
}

/// A weight for display: as given when short, trailing zeros trimmed when long
/// (hybrid weights carry 12 places).
fn tidy(d: Decimal) -> Decimal {
    if d.scale() > 4 { d.normalize() } else { d }
}

fn pct(f: Decimal) -> String {
    format!("{}%", (f * Decimal::ONE_HUNDRED).normalize())
}

fn method_label(method: &str, lang: Lang) -> &str {
    match (method, lang) {
        ("area", Lang::ZhCn) => "按面积",
        ("usage", Lang::ZhCn) => "按用量",
        ("equal", Lang::ZhCn) => "按户均摊",
        ("occupants", Lang::ZhCn) => "按人数",
        ("hybrid", Lang::ZhCn) => "按混合权重",
        ("area", Lang::En) => "by area",
        ("usage", Lang::En) => "by usage",
        ("equal", Lang::En) => "equally",
        ("occupants", Lang::En) => "by occupants",
        (_, Lang::En) => "by weighted mix",
        (_, Lang::ZhCn) => "按权重",
    }
}

impl Explanation {
    /// The explanation as one line of text in `lang`, ending with `= amount`.
    ///
    /// ```
    /// use estatekit::fees::billing::Explanation;
    /// use estatekit::fees::schedule::AreaBasis;
    /// use estatekit::i18n::Lang;
    /// let e = Explanation::Area { area: "89.50".parse().unwrap(), basis: AreaBasis::Gross, rate: "3.70".parse().unwrap(),
    ///     months: 1, served_days: 12, period_days: 31, factor: "0.7".parse().unwrap() };
    /// assert_eq!(e.render(Lang::En, "89.73".parse().unwrap()), "89.50 m² × 3.70/m²/month × 1 month × 12/31 days × 70% = 89.73");
    /// assert_eq!(e.render(Lang::ZhCn, "89.73".parse().unwrap()), "89.50 m² × 3.70/m²/月 × 1 月 × 12/31 天 × 70% = 89.73");
    /// ```
    pub fn render(&self, lang: Lang, amount: Decimal) -> String {
        let zh = lang == Lang::ZhCn;
        let mut s = String::new();
        let proration = |s: &mut String, served: i64, days: i64, factor: Decimal| {
            if served != days {
                let _ = write!(s, " × {served}/{days} {}", if zh { "天" } else { "days" });
            }
            if factor != Decimal::ONE {
                let _ = write!(s, " × {}", pct(factor));
            }
        };
        match self {
            Self::Area {
                area,
                basis,
                rate,
                months,
                served_days,
                period_days,
                factor,
            } => {
                let internal = match (basis, zh) {
                    (AreaBasis::Internal, true) => "（套内）",
                    (AreaBasis::Internal, false) => " (internal)",
                    _ => "",
                };
                let (per, unit) = if zh {
                    ("/m²/月", "月")
                } else {
                    ("/m²/month", if *months == 1 { "month" } else { "months" })
                };
                let _ = write!(s, "{area} m²{internal} × {rate}{per} × {months} {unit}");
                proration(&mut s, *served_days, *period_days, *factor);
            }
            Self::Fixed {
                amount,
                served_days,
                period_days,
                factor,
            } => {
                let _ = write!(s, "{amount}{}", if zh { "/期" } else { " per period" });
                proration(&mut s, *served_days, *period_days, *factor);
            }
            Self::Metered(m) => {
                let MeteredExplanation {
                    meter_id,
                    meter_kind,
                    previous,
                    current,
                    multiplier,
                    change,
                    consumption,
                    tiers,
                    estimated,
                    previous_estimated,
                    estimate,
                } = m.as_ref();
                let _ = write!(
                    s,
                    "{} {meter_id}{}",
                    meter_kind.label(lang),
                    if zh { "：" } else { ": " }
                );
                // An estimated register value is marked where it appears.
                let est = if zh { "估" } else { " est." };
                let current = format!("{current}{}", if *estimated { est } else { "" });
                let previous = format!("{previous}{}", if *previous_estimated { est } else { "" });
                match change {
                    None => {
                        let _ =
                            write!(s, "({current} − {previous}) × {multiplier} = {consumption}");
                    }
                    Some(MeterChange::Replacement {
                        old_final,
                        new_initial,
                    }) => {
                        let _ = write!(
                            s,
                            "(({old_final} − {previous}) + ({current} − {new_initial})) × {multiplier} = {consumption} {}",
                            if zh {
                                "（换表）"
                            } else {
                                "(meter replaced)"
                            }
                        );
                    }
                    Some(MeterChange::Rollover { wraps_at }) => {
                        let _ = write!(
                            s,
                            "(({wraps_at} − {previous}) + {current}) × {multiplier} = {consumption} {}",
                            if zh {
                                "（表码翻转）"
                            } else {
                                "(register rolled over)"
                            }
                        );
                    }
                }
                if let Some(b) = estimate {
                    let _ = if zh {
                        write!(
                            s,
                            "（估抄：前 {} 期用量 {} × {}/{} 天）",
                            b.periods, b.history_consumption, b.days, b.history_days
                        )
                    } else {
                        write!(
                            s,
                            " (estimated from the last {} period{}: {} × {}/{} days)",
                            b.periods,
                            if b.periods == 1 { "" } else { "s" },
                            b.history_consumption,
                            b.days,
                            b.history_days
                        )
                    };
                } else if *estimated {
                    s.push_str(if zh { "（估抄）" } else { " (estimated)" });
                }
                if *previous_estimated {
                    s.push_str(if zh {
                        "（实抄冲正估抄）"
                    } else {
                        " (trues up the estimate)"
                    });
                }
                s.push_str(if zh { "；" } else { "; " });
                let parts: Vec<String> = tiers
                    .iter()
                    .map(|t| format!("{} × {}", t.quantity, t.price))
                    .collect();
                s.push_str(&if parts.is_empty() {
                    "0".to_owned()
                } else {
                    parts.join(" + ")
                });
            }
            Self::Pooled {
                pool,
                method,
                weight,
                total_weight,
                participants,
                adjustment,
            } => {
                // A hybrid weight mixes normalised metrics: show the unit's share in %.
                let ratio = if method == "hybrid" && !total_weight.is_zero() {
                    let share = (*weight / *total_weight * Decimal::ONE_HUNDRED).round_dp(4);
                    format!("{}%", share.normalize())
                } else {
                    format!("{} / {}", tidy(*weight), tidy(*total_weight))
                };
                let label = method_label(method, lang);
                if zh {
                    let _ = write!(
                        s,
                        "公摊 {pool} {label}（{participants} 户）：{ratio} × {pool}"
                    );
                } else {
                    let _ = write!(
                        s,
                        "pool {pool} split {label} among {participants} units: {ratio} × {pool}"
                    );
                }
                if !adjustment.is_zero() {
                    let _ = write!(
                        s,
                        "{}{adjustment}",
                        if zh {
                            " 含尾差调整 "
                        } else {
                            " incl. rounding adjustment "
                        }
                    );
                }
            }
        }
        let _ = write!(s, " = {amount}");
        s
    }
}

/// One line of a bill.
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let line = &run.bill("P-01").expect("billed").lines[0];
/// assert_eq!((&*line.item_code, line.amount.to_string().as_str()), ("parking", "60.00"));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillLine {
    /// Fee item code.
    pub item_code: Arc<str>,
    /// Chinese name of the item.
    pub name_zh: Arc<str>,
    /// English name of the item.
    pub name_en: Arc<str>,
    /// Amount, rounded once with the estate's policy.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// Payment due date: the item's due rule applied to the bill's issue date (never
    /// before it).
    pub due: NaiveDate,
    /// How the amount was computed.
    pub explanation: Explanation,
    /// A metered line whose current reading is an estimate (估抄); its explanation
    /// says so. JSON: written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
}

impl Explanation {
    /// True for a metered line whose current register value is an estimate.
    fn is_estimated(&self) -> bool {
        matches!(self, Self::Metered(m) if m.estimated)
    }
}

impl BillLine {
    /// The explanation in `lang`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}, i18n::Lang};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.bill("P-01").unwrap().lines[0].explain(Lang::En), "60.00 per period = 60.00");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn explain(&self, lang: Lang) -> String {
        self.explanation.render(lang, self.amount)
    }

    /// The item name in `lang`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}, i18n::Lang};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.bill("1-101").unwrap().lines[0].name(Lang::ZhCn), "物业服务费");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.name_zh,
            Lang::En => &self.name_en,
        }
    }
}

/// A unit's bill for the period.
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let bill = run.bill("1-101").unwrap();
/// assert_eq!(bill.total, bill.lines.iter().map(|l| l.amount).sum());
/// // Issued the day after October ends; the demo items are due 15 days later.
/// assert_eq!((bill.issued_on.to_string(), bill.lines[0].due.to_string()), ("2026-11-01".into(), "2026-11-16".into()));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bill {
    /// Unit id.
    pub unit_id: String,
    /// The period billed.
    pub period: BillingPeriod,
    /// The date the bill is issued (its lines' due dates count from it).
    pub issued_on: NaiveDate,
    /// Lines, in schedule order.
    pub lines: Vec<BillLine>,
    /// Sum of the rounded lines.
    #[serde(with = "crate::json::decimal")]
    pub total: Decimal,
}

impl Bill {
    /// Every line as `name: explanation`, in `lang`, then the total with the issue
    /// and due dates. When the lines are due on different dates, each line ends with
    /// its own (`(due 2026-12-16)`, `（到期 2026-12-16）`) and the total line gives the
    /// issue date only.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}, i18n::Lang};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let text = run.bill("P-01").unwrap().explain(Lang::En);
    /// assert_eq!(text, ["Parking space management: 60.00 per period = 60.00",
    ///                   "Common-area electricity: pool 100.00 split by area among 34 units: 12.50 / 2833.00 × 100.00 = 0.44",
    ///                   "Total: 60.44, issued 2026-11-01, due 2026-11-16"]);
    /// let text = run.bill("P-01").unwrap().explain(Lang::ZhCn);
    /// assert_eq!(text[2], "合计：60.44，开票 2026-11-01，到期 2026-11-16");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn explain(&self, lang: Lang) -> Vec<String> {
        let zh = lang == Lang::ZhCn;
        let one_due = self
            .lines
            .first()
            .map(|l| l.due)
            .filter(|first| self.lines.iter().all(|l| l.due == *first));
        let mut out: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let mut s = format!(
                    "{}{}{}",
                    l.name(lang),
                    if zh { "：" } else { ": " },
                    l.explain(lang)
                );
                if one_due.is_none() {
                    let _ = if zh {
                        write!(s, "（到期 {}）", l.due)
                    } else {
                        write!(s, " (due {})", l.due)
                    };
                }
                s
            })
            .collect();
        let mut total = if zh {
            format!("合计：{}，开票 {}", self.total, self.issued_on)
        } else {
            format!("Total: {}, issued {}", self.total, self.issued_on)
        };
        if let Some(due) = one_due {
            let _ = write!(total, "{}{due}", if zh { "，到期 " } else { ", due " });
        }
        out.push(total);
        out
    }
}

/// What happened to one pooled item in a run.
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// # let inputs = BillingInputs::default().with_pooled("common_electricity", "3943.20".parse().unwrap());
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let pool = &run.pools[0];
/// assert_eq!(pool.split_amount, pool.shares_total);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSummary {
    /// Fee item code.
    pub code: String,
    /// The source amount (invoice, or master consumption × price), unrounded.
    #[serde(with = "crate::json::decimal")]
    pub source_amount: Decimal,
    /// Consumption of the master meter net of sub-meters, when metered.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub consumption: Option<Decimal>,
    /// Deducted before splitting.
    #[serde(with = "crate::json::decimal")]
    pub deduction: Decimal,
    /// Administration fee added.
    #[serde(with = "crate::json::decimal")]
    pub admin_fee: Decimal,
    /// The amount split, rounded.
    #[serde(with = "crate::json::decimal")]
    pub split_amount: Decimal,
    /// Sum of the shares: always equal to `split_amount`.
    #[serde(with = "crate::json::decimal")]
    pub shares_total: Decimal,
    /// Units sharing.
    pub participants: usize,
    /// Minor units handed out to make the sum exact.
    #[serde(with = "crate::json::decimal")]
    pub adjustment: Decimal,
    /// Number of units whose share was adjusted (listed by
    /// [`BillingRun::adjusted_units`]).
    pub adjusted_count: usize,
    /// The shares of units whose bills were set aside (see
    /// [`BillingRun::exceptions`]): not in this run's lines, so the pooled lines sum to
    /// `split_amount − set_aside`. Zero when no participant was set aside.
    #[serde(with = "crate::json::decimal")]
    pub set_aside: Decimal,
}

/// The result of [`bill_estate`]: every bill of the estate for the period.
///
/// Lines are stored contiguously, unit by unit; [`Bill`]s are built on demand by
/// [`BillingRun::bill`] and [`BillingRun::bills`].
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// assert_eq!(run.total(), run.bills().iter().map(|b| b.total).sum());
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct BillingRun {
    /// Estate id.
    pub estate_id: String,
    /// Currency.
    pub currency: String,
    /// The period.
    pub period: BillingPeriod,
    /// The date the bills are issued.
    pub issued_on: NaiveDate,
    /// One summary per pooled item, in schedule order.
    pub pools: Vec<PoolSummary>,
    items: Vec<ItemText>,
    /// The unit ids of the bills, one after the other (one buffer, not a `String` each).
    ids: String,
    /// One per bill, plus a last one marking the ends of the last bill.
    slots: Vec<BillSlot>,
    /// Totals of the bills with a line kept whole (`Kind::Other`), by bill index in
    /// ascending order; any other bill's total is the sum of its lines' minor units.
    odd_totals: Vec<(u32, Decimal)>,
    lines: Vec<Line>,
    /// Inputs shared by many area lines (rate, factor, months, basis).
    area_params: Vec<AreaParams>,
    /// Per item in force: the constants of its pooled lines.
    pool_params: Vec<Option<PoolParams>>,
    /// Sum of all bills (checked when the run was built).
    total: Decimal,
    /// Problems of single units, meters or input rows set aside (see
    /// [`BillingException`]); empty in a strict run.
    pub exceptions: Vec<BillingException>,
    /// The readings this run estimated (估抄, see [`BillingInputs::estimate`]), one
    /// per meter in estate order, each dated the period's last day with `estimated`
    /// true: store them with [`Estate::updated`](crate::estate::Estate::updated) so
    /// that the next real reading trues them up. Every estimate the run used is
    /// listed, including those of a unit whose bill was set aside or of a sub-meter
    /// subtracted from a master meter: billing the month again then uses the stored
    /// estimates as they are. Empty unless estimating.
    pub estimated_readings: Vec<ReadingUpdate>,
    /// Amounts and explanations of lines that are neither area nor pooled lines
    /// (or whose amount does not fit the compact form).
    others: Vec<(Decimal, Explanation)>,
    /// The scale of every compact line amount (the estate's rounding policy).
    scale: u32,
    index: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

/// Where a bill starts in the run: its unit id at `ids[id_start..]` and its lines at
/// `lines[start..]`. Both end where the next slot's begin.
#[derive(Debug, Clone, Copy)]
struct BillSlot {
    id_start: u32,
    start: u32,
}

/// A line as stored in the run: 24 bytes. The explanation of an area or pooled
/// line (nearly every line) is rebuilt from these numbers and the run's shared
/// tables when a bill is materialized.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// The amount in minor units of the run's scale (`Kind::Other`: in `others`).
    minor: i64,
    /// Area lines: the area; pooled lines: the unit's weight (mantissa of
    /// `value × 10^-value_scale`); otherwise unused.
    value: i64,
    /// `Kind::Area`: index in `area_params`; `Kind::Other`: index in `others`.
    idx: u32,
    item: u16,
    kind: Kind,
    value_scale: u8,
}

// The size is the point of the layout: 2 million lines for a million units.
const _: () = assert!(std::mem::size_of::<Line>() == 24);

/// `d` as the mantissa and scale of a [`Line`] value, when it fits.
#[inline]
fn compact_value(d: Decimal) -> Option<(i64, u8)> {
    let m = i64::try_from(d.mantissa()).ok()?;
    // A negative zero would come back positive: kept whole instead.
    if m == 0 && d.is_sign_negative() {
        return None;
    }
    // A decimal's scale is at most 28.
    Some((m, d.scale() as u8))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Area,
    /// A pooled share.
    Pooled,
    /// A pooled share that received a minor unit of the remainder.
    PooledAdjusted,
    /// Amount and explanation in `others`.
    Other,
    /// Amount and explanation in `others`, a pooled share that received a minor unit
    /// of the remainder (a weight that does not fit the compact form, or a line of a
    /// run read back with [`BillingRun::from_json`]).
    OtherAdjusted,
}

/// What an area line shares with the other lines of its item, kind, status and span.
#[derive(Debug, Clone, Copy)]
struct AreaParams {
    basis: AreaBasis,
    rate: Decimal,
    months: u32,
    served: i64,
    days: i64,
    factor: Decimal,
    /// `rate × months × factor` as an exact integer mantissa and scale, when it fits
    /// (and is not negative).
    coefficient: Option<(u64, u32)>,
}

/// What the pooled lines of an item share.
#[derive(Debug, Clone, Copy)]
struct PoolParams {
    pool: Decimal,
    method: &'static str,
    total_weight: Decimal,
    participants: usize,
    adjustment: Decimal,
}

impl PoolParams {
    fn explain(&self, weight: Decimal, adjusted: bool) -> Explanation {
        Explanation::Pooled {
            pool: self.pool,
            method: Cow::Borrowed(self.method),
            weight,
            total_weight: self.total_weight,
            participants: self.participants,
            adjustment: if adjusted {
                self.adjustment
            } else {
                Decimal::ZERO
            },
        }
    }
}

/// `n` as a `u32` index of the run, or an error naming what overflowed.
#[inline]
fn index_u32(n: usize, what: &str) -> Result<u32, FeeError> {
    match u32::try_from(n) {
        Ok(i) => Ok(i),
        Err(_) => Err(too_many(what)),
    }
}

#[cold]
#[inline(never)]
fn too_many(what: &str) -> FeeError {
    FeeError::invalid("units", format!("more than 4 billion {what} in one run"))
}

/// One bill line as a flat record (for pandas, spreadsheets).
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let rows = run.to_records();
/// assert_eq!(rows.len(), run.bills().iter().map(|b| b.lines.len()).sum::<usize>());
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillRecord {
    /// Unit id.
    pub unit_id: String,
    /// Period start.
    pub period_start: NaiveDate,
    /// Period end.
    pub period_end: NaiveDate,
    /// Fee item code.
    pub item_code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Amount.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// The bill's issue date.
    pub issued_on: NaiveDate,
    /// Due date.
    pub due: NaiveDate,
    /// Explanation in Chinese.
    pub explanation_zh: String,
    /// Explanation in English.
    pub explanation_en: String,
    /// A metered line billed on an estimated reading (估抄).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
}

impl BillingRun {
    /// The unit id of bill `i` (`i < bill_count()`).
    fn id_of(&self, i: usize) -> &str {
        let (a, b) = (self.slots[i].id_start, self.slots[i + 1].id_start);
        &self.ids[a as usize..b as usize]
    }

    /// The lines of bill `i` (`i < bill_count()`).
    fn lines_of(&self, i: usize) -> &[Line] {
        let (a, b) = (self.slots[i].start, self.slots[i + 1].start);
        &self.lines[a as usize..b as usize]
    }

    /// The total of bill `i` (`i < bill_count()`).
    fn total_of(&self, i: usize) -> Decimal {
        if let Ok(k) = self.odd_totals.binary_search_by_key(&i, |t| t.0 as usize) {
            return self.odd_totals[k].1;
        }
        // Compact lines only: fewer than 2^32 amounts below 2^63 in magnitude sum
        // below 2^95 (i128 does not overflow and the total fits a decimal).
        let minor: i128 = self.lines_of(i).iter().map(|l| i128::from(l.minor)).sum();
        Decimal::try_from_i128_with_scale(minor, self.scale).unwrap_or_default()
    }

    /// The value of an area or pooled line (see [`Line::value`]).
    fn value(line: &Line) -> Decimal {
        // The scale came from a decimal (at most 28): never an error.
        Decimal::try_new(line.value, u32::from(line.value_scale)).unwrap_or_default()
    }

    fn amount(&self, line: &Line) -> Decimal {
        match line.kind {
            Kind::Other | Kind::OtherAdjusted => self.others[line.idx as usize].0,
            _ => Decimal::new(line.minor, self.scale),
        }
    }

    fn explanation(&self, line: &Line) -> Explanation {
        match line.kind {
            Kind::Area => {
                let p = &self.area_params[line.idx as usize];
                Explanation::Area {
                    area: Self::value(line),
                    basis: p.basis,
                    rate: p.rate,
                    months: p.months,
                    served_days: p.served,
                    period_days: p.days,
                    factor: p.factor,
                }
            }
            Kind::Pooled | Kind::PooledAdjusted => {
                // Every pooled line was built from its item's parameters.
                let p = self.pool_params[usize::from(line.item)].unwrap_or(PoolParams {
                    pool: Decimal::ZERO,
                    method: "",
                    total_weight: Decimal::ZERO,
                    participants: 0,
                    adjustment: Decimal::ZERO,
                });
                p.explain(Self::value(line), line.kind == Kind::PooledAdjusted)
            }
            Kind::Other | Kind::OtherAdjusted => self.others[line.idx as usize].1.clone(),
        }
    }

    fn materialize(&self, i: usize) -> Bill {
        let lines = self
            .lines_of(i)
            .iter()
            .map(|l| {
                let t = &self.items[usize::from(l.item)];
                let explanation = self.explanation(l);
                BillLine {
                    item_code: t.code.clone(),
                    name_zh: t.zh.clone(),
                    name_en: t.en.clone(),
                    amount: self.amount(l),
                    due: t.due,
                    estimated: explanation.is_estimated(),
                    explanation,
                }
            })
            .collect();
        Bill {
            unit_id: self.id_of(i).to_owned(),
            period: self.period,
            issued_on: self.issued_on,
            lines,
            total: self.total_of(i),
        }
    }

    /// The bill of one unit (`None` when the unit was not charged).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert!(run.bill("1-603").is_none()); // unsold: not billed
    /// assert_eq!(run.bill("1-101").unwrap().lines[0].amount.to_string(), "331.15");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn bill(&self, unit_id: &str) -> Option<Bill> {
        let index = self.index.get_or_init(|| {
            (0..self.bill_count())
                .map(|i| (self.id_of(i).to_owned(), i))
                .collect()
        });
        index.get(unit_id).map(|&i| self.materialize(i))
    }

    /// Every bill, in estate order.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.bills()[0].unit_id, "1-101");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn bills(&self) -> Vec<Bill> {
        (0..self.bill_count())
            .map(|i| self.materialize(i))
            .collect()
    }

    /// Number of bills (units charged).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.bill_count(), 34);
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn bill_count(&self) -> usize {
        self.slots.len().saturating_sub(1)
    }

    /// Unit ids charged, in estate order.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.unit_ids().next(), Some("1-101"));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn unit_ids(&self) -> impl Iterator<Item = &str> {
        (0..self.bill_count()).map(|i| self.id_of(i))
    }

    /// Sum of all bills.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert!(run.total() > rust_decimal::Decimal::ZERO);
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn total(&self) -> Decimal {
        self.total
    }

    /// The units whose share of pooled item `code` received a minor unit of the
    /// remainder (so the shares sum exactly), in estate order.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// let inputs = BillingInputs::default().with_pooled("common_electricity", "100.00".parse()?);
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let adjusted = run.adjusted_units("common_electricity");
    /// assert_eq!(adjusted.len(), run.pools[0].adjusted_count);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn adjusted_units(&self, code: &str) -> Vec<&str> {
        let Some(item) = self.items.iter().position(|t| &*t.code == code) else {
            return Vec::new();
        };
        (0..self.bill_count())
            .filter(|&i| {
                self.lines_of(i).iter().any(|l| match l.kind {
                    Kind::PooledAdjusted => usize::from(l.item) == item,
                    // Kept whole (e.g. a run read back): any line of the item.
                    Kind::OtherAdjusted => &*self.items[usize::from(l.item)].code == code,
                    _ => false,
                })
            })
            .map(|i| self.id_of(i))
            .collect()
    }

    /// Every line as a flat record, in bill then line order.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let first = &run.to_records()[0];
    /// assert_eq!(first.explanation_en, "89.50 m² × 3.70/m²/month × 1 month = 331.15");
    /// assert_eq!((first.issued_on.to_string(), first.due.to_string()), ("2026-11-01".into(), "2026-11-16".into()));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn to_records(&self) -> Vec<BillRecord> {
        let mut out = Vec::with_capacity(self.lines.len());
        for i in 0..self.bill_count() {
            for l in self.lines_of(i) {
                let t = &self.items[usize::from(l.item)];
                let explanation = self.explanation(l);
                let amount = self.amount(l);
                out.push(BillRecord {
                    unit_id: self.id_of(i).to_owned(),
                    period_start: self.period.start,
                    period_end: self.period.end,
                    item_code: t.code.to_string(),
                    name_zh: t.zh.to_string(),
                    name_en: t.en.to_string(),
                    amount,
                    issued_on: self.issued_on,
                    due: t.due,
                    explanation_zh: explanation.render(Lang::ZhCn, amount),
                    explanation_en: explanation.render(Lang::En, amount),
                    estimated: explanation.is_estimated(),
                });
            }
        }
        out
    }
}

impl Serialize for BillingRun {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Pool<'a> {
            #[serde(flatten)]
            summary: &'a PoolSummary,
            adjusted_units: Vec<&'a str>,
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            estate_id: &'a str,
            currency: &'a str,
            period: BillingPeriod,
            issued_on: NaiveDate,
            bills: Vec<Bill>,
            pools: Vec<Pool<'a>>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            exceptions: Vec<ExceptionOut<'a>>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            estimated_readings: &'a [ReadingUpdate],
        }
        Doc {
            estate_id: &self.estate_id,
            currency: &self.currency,
            period: self.period,
            issued_on: self.issued_on,
            bills: self.bills(),
            pools: self
                .pools
                .iter()
                .map(|p| Pool {
                    summary: p,
                    adjusted_units: self.adjusted_units(&p.code),
                })
                .collect(),
            exceptions: self.exceptions.iter().map(ExceptionOut::of).collect(),
            estimated_readings: &self.estimated_readings,
        }
        .serialize(serializer)
    }
}

/// Readings of every meter: the estate's merged with the inputs', sorted by date.
struct MeterReadings<'a> {
    extra: BTreeMap<&'a str, Vec<(NaiveDate, Decimal)>>,
    /// The undated changes of the inputs, with their row.
    changes: BTreeMap<&'a str, (usize, MeterChange)>,
    /// [`BillingInputs::estimate`].
    estimate: Option<u32>,
    /// What this run estimated, by meter id (a meter's consumption may be asked for
    /// more than once: by its line, a usage split, a master meter's subtraction).
    estimated: RefCell<BTreeMap<String, ReadingUpdate>>,
}

/// A register value read (or estimated) on a day.
#[derive(Debug, Clone, Copy)]
struct Point {
    date: NaiveDate,
    value: Decimal,
    estimated: bool,
}

/// The consumption of a meter in a period and what it was computed from.
#[derive(Debug, Clone, Copy)]
struct Metered {
    previous: Point,
    current: Point,
    change: Option<MeterChange>,
    estimate: Option<EstimateBasis>,
    /// `(current − previous) × multiplier`, adjusted for the change: negative only
    /// when the previous value is an estimate (a true-up).
    used: Decimal,
}

/// `(current − previous)` adjusted for `change`, with no check that the change fits:
/// after an estimate (which may be above the real value) the result may be negative,
/// and the parts of consecutive intervals add up to the real consumption.
fn register_delta(
    meter_id: &str,
    previous: Decimal,
    current: Decimal,
    change: Option<MeterChange>,
) -> Result<Decimal, FeeError> {
    let path = format!("meters[{meter_id}]");
    let sub = |a: Decimal, b: Decimal| {
        a.checked_sub(b)
            .ok_or_else(|| FeeError::invalid(path.clone(), format!("{a} − {b} is too large")))
    };
    match change {
        None => sub(current, previous),
        Some(MeterChange::Replacement {
            old_final,
            new_initial,
        }) => super::add(sub(old_final, previous)?, sub(current, new_initial)?, &path),
        Some(MeterChange::Rollover { wraps_at }) => {
            super::add(sub(wraps_at, previous)?, current, &path)
        }
    }
}

impl<'a> MeterReadings<'a> {
    /// The readings and changes of `inputs`; a bad reading row fails (`strict`) or
    /// is left out and recorded in `exceptions`.
    fn new(
        estate: &Estate,
        inputs: &'a BillingInputs,
        exceptions: &mut Vec<BillingException>,
    ) -> Result<Self, FeeError> {
        let mut extra: BTreeMap<&str, Vec<(NaiveDate, Decimal)>> = BTreeMap::new();
        for (i, r) in inputs.readings.iter().enumerate() {
            let problem = if estate.meter(&r.meter_id).is_none() {
                Some(FeeError::Unknown {
                    path: format!("readings[{i}].meter_id"),
                    what: "meter",
                    id: r.meter_id.clone(),
                })
            } else if r.value < Decimal::ZERO {
                Some(FeeError::Negative {
                    path: format!("readings[{i}].value"),
                    value: r.value,
                })
            } else {
                None
            };
            if let Some(error) = problem {
                if inputs.strict {
                    return Err(error);
                }
                exceptions.push(BillingException {
                    unit_id: estate.meter(&r.meter_id).and_then(|m| m.unit_id.clone()),
                    item_code: None,
                    meter_id: Some(r.meter_id.clone()),
                    error,
                });
                continue;
            }
            extra
                .entry(&r.meter_id)
                .or_default()
                .push((r.date, r.value));
        }
        let mut changes = BTreeMap::new();
        for (i, c) in inputs.meter_changes.iter().enumerate() {
            if estate.meter(&c.meter_id).is_none() {
                return Err(FeeError::Unknown {
                    path: format!("meter_changes[{i}].meter_id"),
                    what: "meter",
                    id: c.meter_id.clone(),
                });
            }
            changes.insert(c.meter_id.as_str(), (i, c.change));
        }
        Ok(Self {
            extra,
            changes,
            estimate: inputs.estimate.filter(|&n| n > 0),
            estimated: RefCell::new(BTreeMap::new()),
        })
    }

    /// The readings of `meter` from the inputs.
    fn extra_of(&self, meter: &Meter) -> &[(NaiveDate, Decimal)] {
        self.extra
            .get(meter.id.as_str())
            .map_or(&[][..], Vec::as_slice)
    }

    /// `(previous, current)` for the period: the latest reading before the period (or
    /// the first within it, e.g. a check-in base reading) and the latest within it.
    /// Without a reading in the period, with [`BillingInputs::estimate`] set, the
    /// current value of a unit meter is estimated (see [`Self::estimated`]).
    fn pair(
        &self,
        meter: &Meter,
        period: &BillingPeriod,
    ) -> Result<(Point, Point, Option<EstimateBasis>), FeeError> {
        let extra = self.extra_of(meter);
        crate::estate::count_meter_records(meter.readings.len() + extra.len());
        let all = meter
            .readings
            .iter()
            .map(|r| Point {
                date: r.date,
                value: r.value,
                estimated: r.estimated,
            })
            .chain(extra.iter().map(|&(date, value)| Point {
                date,
                value,
                estimated: false,
            }));
        let mut before: Option<Point> = None;
        let mut first_in: Option<Point> = None;
        let mut last_in: Option<Point> = None;
        let mut later = false;
        for p in all {
            let date = p.date;
            if date < period.start {
                if before.is_none_or(|b| date >= b.date) {
                    before = Some(p);
                }
            } else if date <= period.end {
                if first_in.is_none_or(|f| date < f.date) {
                    first_in = Some(p);
                }
                if last_in.is_none_or(|l| date >= l.date) {
                    last_in = Some(p);
                }
            } else {
                later = true;
            }
        }
        let path = || format!("meters[{}]", meter.id);
        let Some(current) = last_in else {
            let missing = |why: Option<&str>| FeeError::MissingReading {
                path: path(),
                meter_id: meter.id.clone(),
                when: match why {
                    None => format!("between {} and {}", period.start, period.end),
                    Some(why) => format!(
                        "between {} and {} (not estimated: {why})",
                        period.start, period.end
                    ),
                },
            };
            let Some(periods) = self.estimate else {
                return Err(missing(None));
            };
            return match self.estimated(meter, period, before, later, periods) {
                Ok((previous, current, basis)) => Ok((previous, current, Some(basis))),
                Err(why) => Err(missing(Some(why))),
            };
        };
        let previous = match before {
            Some(b) => b,
            None => first_in.filter(|f| f.date < current.date).ok_or_else(|| {
                FeeError::MissingReading {
                    path: path(),
                    meter_id: meter.id.clone(),
                    when: format!(
                        "before {} (or a base reading earlier in the period)",
                        current.date
                    ),
                }
            })?,
        };
        Ok((previous, current, None))
    }

    /// The change applied between readings on `from` and `to`: the one the estate
    /// records on a day in `(from, to]`, or else the inputs' (undated) change of the
    /// meter.
    ///
    /// # Errors
    /// [`FeeError::Invalid`] naming `meter_changes[i]` when the estate records a
    /// change in the interval and the inputs give one too (a change is applied
    /// once), and naming `meters[id].changes` for two recorded changes in one interval.
    fn change_between(
        &self,
        meter: &Meter,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Option<MeterChange>, FeeError> {
        let mut stored = meter
            .changes
            .iter()
            .filter(|c| c.date > from && c.date <= to);
        let first = stored.next();
        if let (Some(a), Some(b)) = (first, stored.next()) {
            return Err(FeeError::invalid(
                format!("meters[{}].changes", meter.id),
                format!(
                    "two changes of meter {:?} between its readings of {from} and {to} (on {} and {}): \
                     one change per billed interval; record a reading between them",
                    meter.id, a.date, b.date
                ),
            ));
        }
        let input = self.changes.get(meter.id.as_str());
        match (first, input) {
            (Some(stored), Some(&(i, _))) => Err(FeeError::invalid(
                format!("meter_changes[{i}]"),
                format!(
                    "meter {:?} has a change recorded in the estate on {} (between its readings of \
                     {from} and {to}): a change is applied once; leave it out of the billing inputs",
                    meter.id, stored.date
                ),
            )),
            (Some(stored), None) => Ok(Some(stored.change)),
            (None, input) => Ok(input.map(|&(_, c)| c)),
        }
    }

    /// The estimated register value of `meter` on the period's last day, or why it
    /// cannot be estimated. See [`bill_estate`], "Estimates".
    fn estimated(
        &self,
        meter: &Meter,
        period: &BillingPeriod,
        before: Option<Point>,
        later: bool,
        periods: u32,
    ) -> Result<(Point, Point, EstimateBasis), &'static str> {
        if meter.unit_id.is_none() {
            return Err("a common or master meter is never estimated");
        }
        let previous = before.ok_or("no earlier reading")?;
        if later {
            return Err("the meter has a later reading");
        }
        if self.changes.contains_key(meter.id.as_str())
            || meter
                .changes
                .iter()
                .any(|c| c.date > previous.date && c.date <= period.end)
        {
            return Err("a meter change is recorded since its last reading: read the meter");
        }
        // Every reading before the period, in date order (an input's reading replaces
        // the estate's of the same day, as in `pair`).
        let mut history: Vec<Point> = meter
            .readings
            .iter()
            .filter(|r| r.date < period.start)
            .map(|r| Point {
                date: r.date,
                value: r.value,
                estimated: r.estimated,
            })
            .collect();
        let extra = self.extra_of(meter);
        if !extra.is_empty() {
            history.extend(extra.iter().map(|&(date, value)| Point {
                date,
                value,
                estimated: false,
            }));
            history.sort_by_key(|p| p.date);
            // Stable sort: the input's reading is the last of its day.
            let mut dedup: Vec<Point> = Vec::with_capacity(history.len());
            for p in history {
                match dedup.last_mut() {
                    Some(last) if last.date == p.date => *last = p,
                    _ => dedup.push(p),
                }
            }
            history = dedup;
        }
        let real: Vec<usize> = (0..history.len())
            .filter(|&i| history.get(i).is_some_and(|p| !p.estimated))
            .collect();
        // Periods between real readings: the last `periods`, or as many as there are.
        let used = (periods as usize).min(real.len().saturating_sub(1));
        let first_real = real.len().checked_sub(used + 1).and_then(|k| real.get(k));
        let (true, Some(&from), Some(&to)) = (used > 0, first_real, real.last()) else {
            return Err("fewer than two real readings");
        };
        let window = history
            .get(from..=to)
            .ok_or("fewer than two real readings")?;
        let mut consumption = Decimal::ZERO;
        let mut precision = 0;
        for pair in window.windows(2) {
            let [a, b] = pair else { continue };
            let change = self
                .change_between_stored(meter, a.date, b.date)
                .ok_or("two meter changes between two readings of its history")?;
            consumption = register_delta(&meter.id, a.value, b.value, change)
                .and_then(|d| super::add(consumption, d, ""))
                .map_err(|_| "its history does not fit a decimal")?;
        }
        for p in window.iter().filter(|p| !p.estimated) {
            precision = precision.max(p.value.scale());
        }
        if consumption < Decimal::ZERO {
            return Err("its history has a negative consumption");
        }
        let (Some(first), Some(last)) = (window.first(), window.last()) else {
            return Err("fewer than two real readings");
        };
        let history_days = (last.date - first.date).num_days();
        let days = (period.end - previous.date).num_days();
        let estimate = consumption
            .checked_mul(Decimal::from(days))
            .and_then(|x| x.checked_div(Decimal::from(history_days)))
            .map(|x| x.round_dp_with_strategy(precision, RoundingStrategy::MidpointAwayFromZero))
            .and_then(|x| previous.value.checked_add(x))
            .ok_or("the estimate does not fit a decimal")?;
        let current = Point {
            date: period.end,
            value: estimate,
            estimated: true,
        };
        self.estimated.borrow_mut().insert(
            meter.id.clone(),
            ReadingUpdate {
                meter_id: meter.id.clone(),
                date: current.date,
                value: current.value,
                estimated: true,
            },
        );
        Ok((
            previous,
            current,
            EstimateBasis {
                // At most `periods`, a u32.
                periods: u32::try_from(used).unwrap_or(periods),
                history_consumption: consumption,
                history_days,
                days,
            },
        ))
    }

    /// The change the estate records between readings on `from` and `to` (`None`
    /// when it records two).
    fn change_between_stored(
        &self,
        meter: &Meter,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Option<Option<MeterChange>> {
        let mut stored = meter
            .changes
            .iter()
            .filter(|c| c.date > from && c.date <= to);
        match (stored.next(), stored.next()) {
            (first, None) => Some(first.map(|c| c.change)),
            _ => None,
        }
    }

    /// The meter's consumption in the period. After an estimated previous value the
    /// consumption is `current − estimate` (adjusted for a change), which may be
    /// negative; otherwise [`consumption`]'s rules hold (a reading below the previous
    /// one needs a recorded change).
    fn consumption(&self, meter: &Meter, period: &BillingPeriod) -> Result<Metered, FeeError> {
        let (previous, current, estimate) = self.pair(meter, period)?;
        let change = self.change_between(meter, previous.date, current.date)?;
        let used = if previous.estimated {
            let path = format!("meters[{}]", meter.id);
            mul(
                register_delta(&meter.id, previous.value, current.value, change)?,
                meter.multiplier,
                &path,
            )?
        } else {
            consumption(
                &meter.id,
                previous.value,
                current.value,
                meter.multiplier,
                change,
            )?
        };
        Ok(Metered {
            previous,
            current,
            change,
            estimate,
            used,
        })
    }

    /// What the run estimated, in the estate's meter order.
    fn estimated_readings(&self, estate: &Estate) -> Vec<ReadingUpdate> {
        let mut estimated = self.estimated.take();
        if estimated.is_empty() {
            return Vec::new();
        }
        estate
            .meters()
            .iter()
            .filter_map(|m| estimated.remove(&m.id))
            .collect()
    }
}

/// The part of the billed span a unit is served, for an item version.
struct Span {
    months: u32,
    served: i64,
    days: i64,
}

/// What a non-pooled item bills in a period, the same for every unit: computed once
/// per item and run.
#[derive(Debug, Clone, Copy)]
struct ItemSpan {
    months: u32,
    one_off: bool,
    /// First day billable (the period start or the version's effective date).
    start: NaiveDate,
    /// Last day billable.
    end: NaiveDate,
    /// Days in the billed span (the denominator of proration).
    days: i64,
    /// Days from `start` to `end`: the served days of a unit delivered before `start`.
    served: i64,
}

impl ItemSpan {
    /// `None` when the item bills nothing in `period` (not due this month).
    fn new(item: &FeeItem, period: &BillingPeriod) -> Option<Self> {
        let months = item.frequency.months();
        let billed = match item.frequency {
            Frequency::Monthly => true,
            Frequency::Quarterly => period.start.month() % 3 == 1,
            Frequency::Yearly => period.start.month() == 1,
            Frequency::OneOff => (period.start..=period.end).contains(&item.effective_from),
        };
        if !billed {
            return None;
        }
        let span_end = if months == 0 {
            period.end
        } else {
            month_end(period.start, months)?
        };
        let start = period.start.max(item.effective_from);
        let end = span_end.min(item.effective_until.unwrap_or(span_end));
        Some(Self {
            months,
            one_off: item.frequency == Frequency::OneOff,
            start,
            end,
            days: item.day_count.days(period.start, span_end),
            served: item.day_count.days(start, end),
        })
    }

    /// The span billed to a unit delivered on `delivered_on`: from that date when it
    /// is later.
    fn for_unit(&self, item: &FeeItem, delivered_on: Option<NaiveDate>) -> Option<Span> {
        let (start, served) = match delivered_on {
            Some(d) if d > self.start => (d, None),
            _ => (self.start, Some(self.served)),
        };
        if self.one_off {
            return (start <= self.end).then_some(Span {
                months: 1,
                served: 1,
                days: 1,
            });
        }
        let served = served.unwrap_or_else(|| item.day_count.days(start, self.end));
        (served > 0).then_some(Span {
            months: self.months,
            served,
            days: self.days,
        })
    }
}

fn prorated(base: Decimal, span: &Span, factor: Decimal, path: &str) -> Result<Decimal, FeeError> {
    let mut v = base;
    if span.served != span.days {
        v = fraction_of(v, span.served, span.days, path)?;
    }
    if factor != Decimal::ONE {
        v = mul(v, factor, path)?;
    }
    Ok(v)
}

/// `date` (the issue date or a due date of a run issued on `issued_on`) when its year
/// is one a ledger holds (1–9999), else an error naming `issued_on`.
fn supported(date: NaiveDate, issued_on: NaiveDate) -> Result<NaiveDate, FeeError> {
    if (1..=9999).contains(&date.year()) {
        return Ok(date);
    }
    Err(FeeError::invalid(
        "issued_on",
        if date == issued_on {
            format!("{issued_on} is outside the supported years 1–9999")
        } else {
            format!(
                "bills issued on {issued_on} would be due on {date}, outside the supported years 1–9999"
            )
        },
    ))
}

/// Per-item constants shared by its lines.
#[derive(Debug, Clone)]
struct ItemText {
    code: Arc<str>,
    zh: Arc<str>,
    en: Arc<str>,
    due: NaiveDate,
}

fn is_occupied(status: UnitStatus) -> bool {
    matches!(status, UnitStatus::Occupied | UnitStatus::Rented)
}

/// Bills every unit of `estate` for `period` with the items of `schedule` in force.
///
/// Per unit and item version in force: area and fixed charges are prorated by days
/// from the delivery date (and the version's effective dates) with the item's
/// day-count convention and multiplied by the status factor (vacancy discount);
/// metered charges price the consumption between the reading before the period (or
/// a base reading within it) and the last reading in it; pooled amounts are split
/// among participants so the shares sum exactly. Every line is rounded once with the
/// estate's policy. Units without any line get no bill; unsold units are charged only
/// by items that list `unsold` explicitly. The bills are issued on
/// [`BillingInputs::issued_on`] (by default the day after the period ends) and each
/// line is due on its item's [`DueRule`](super::schedule::DueRule) applied to that date.
///
/// # Meter changes
/// A replacement or rollover kept in the estate ([`Meter::changes`]) applies to the
/// consumption between the two readings around its day: the previous reading's day
/// excluded, the current one's included. A change given in
/// [`BillingInputs::meter_changes`] (undated) applies to the billed interval as
/// before. The same interval never gets both: when the estate records a change in it
/// and the inputs give one for the meter too, the run fails with
/// [`FeeError::Invalid`] naming `meter_changes[i]` (a change is applied once; store
/// changes with [`Estate::updated`](crate::estate::Estate::updated) and stop passing
/// them). Two recorded changes in one interval fail it too (`meters[id].changes`).
///
/// # Estimates (估抄)
/// With [`BillingInputs::estimate`] = `Some(n)`, a **unit** meter without a reading in
/// the period is estimated instead of missing: its consumption over the last `n`
/// periods between real readings before the month (as many as there are when fewer,
/// at least one; estimated readings in between are skipped, recorded changes
/// applied), scaled to the days from its previous reading to the period's last day:
/// `history consumption × days ÷ history days`, computed in decimals and rounded
/// half-up to the reading precision (the most decimal places among the real readings
/// used). The estimated register value is the previous one plus that, dated the
/// period's last day; the line says "estimated" ([`BillLine::estimated`], and its
/// explanation in both languages), and the estimate is listed in
/// [`BillingRun::estimated_readings`] for the caller to store. A meter is **not**
/// estimated, and its reading stays missing (an exception, or the run's error when
/// strict, the message saying why), when it is a common or master meter (a pool's
/// source is never estimated), has fewer than two real readings before the period,
/// has a reading after the period, or has a change recorded since its last reading.
///
/// The next real reading **trues up** an estimate: when the previous value is an
/// estimate, consumption = real − estimate (adjusted for a recorded change), which
/// may be negative: a credit priced at the tier prices from the first tier, and a
/// weight of zero in a usage split. Only then is a reading below the previous one
/// accepted; otherwise [`FeeError::ReadingBelowPrevious`] stands. Over the months the
/// consumption billed adds up to the real consumption between real readings.
///
/// Linear in the estate: O((units + meters + readings) × items in force), plus
/// O(r log r) for the r readings and meter changes of `inputs`. A unit's meters are
/// found through the estate's index of meters by unit, never by scanning the others.
///
/// # Errors
/// [`FeeError::MissingPooledAmount`], [`FeeError::MissingReading`],
/// [`FeeError::ReadingBelowPrevious`] (no replacement or rollover recorded),
/// [`FeeError::Unknown`] for a reading or change naming an unknown meter or a
/// pooled amount naming an unknown item, [`FeeError::Money`] on overflow,
/// [`FeeError::Invalid`] naming `issued_on` when the issue date or a due date falls
/// outside the years 1–9999 (the years a [`Ledger`](super::ledger::Ledger) holds), or
/// naming `meter_changes[i]` for a change the estate already records (see above).
///
/// ```
/// use estatekit::estate::Estate;
/// use estatekit::fees::billing::{bill_estate, BillingInputs, BillingPeriod};
/// use estatekit::fees::schedule::FeeSchedule;
/// let err = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &BillingInputs::default())
///     .unwrap_err();
/// assert_eq!(err.path(), "pooled[common_electricity]");
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
pub fn bill_estate(
    estate: &Estate,
    schedule: &FeeSchedule,
    period: BillingPeriod,
    inputs: &BillingInputs,
) -> Result<BillingRun, FeeError> {
    let policy = *estate.rounding();
    for (i, p) in inputs.pooled.iter().enumerate() {
        if !schedule
            .items()
            .iter()
            .any(|it| it.code == p.code && matches!(it.rule, Rule::Pooled { .. }))
        {
            return Err(FeeError::Unknown {
                path: format!("pooled[{i}].code"),
                what: "pooled fee item",
                id: p.code.clone(),
            });
        }
    }
    if inputs.estimate == Some(0) {
        return Err(FeeError::invalid(
            "estimate",
            "the periods of history must be a whole number from 1, got 0",
        ));
    }
    let issued_on = inputs.issue_date(&period)?;
    supported(issued_on, issued_on)?;
    let mut exceptions = Vec::new();
    let readings = MeterReadings::new(estate, inputs, &mut exceptions)?;
    let units = estate.unit_cores();
    let in_force = schedule.in_force(period.start, period.end);
    let items: Vec<ItemText> = in_force
        .iter()
        .map(|item| {
            Ok(ItemText {
                code: item.code.as_str().into(),
                zh: item.name_zh.as_str().into(),
                en: item.name_en.as_str().into(),
                due: supported(item.due.due_date(issued_on)?, issued_on)?,
            })
        })
        .collect::<Result<_, FeeError>>()?;
    // Pooled items are split first (they need every participant); lines are then
    // built unit by unit so each bill's lines are contiguous.
    let mut pools = Vec::new();
    let mut shares: Vec<Option<PoolShares>> = Vec::with_capacity(in_force.len());
    // Pooled items whose pool could not be split (a participant's meter without a
    // reading): billed to no one in a non-strict run.
    let mut set_aside = vec![false; in_force.len()];
    // Per item in force: the pooled shares of units set aside.
    let mut pool_set_aside = vec![Decimal::ZERO; in_force.len()];
    for (k, item) in in_force.iter().enumerate() {
        match bill_pooled(estate, item, &period, inputs, &readings, &policy) {
            Ok(Some((summary, split))) => {
                pools.push(summary);
                shares.push(Some(split));
            }
            Ok(None) => shares.push(None),
            Err(e) => match unit_problem(&e) {
                Some(meter) if !inputs.strict => {
                    exceptions.push(BillingException {
                        unit_id: None,
                        item_code: Some(item.code.clone()),
                        meter_id: Some(meter),
                        error: e,
                    });
                    set_aside[k] = true;
                    shares.push(None);
                }
                _ => return Err(e),
            },
        }
    }
    let mut b = RunBuilder {
        scale: policy.scale(),
        spans: in_force.iter().map(|i| ItemSpan::new(i, &period)).collect(),
        lines: Vec::with_capacity(units.len() * in_force.len()),
        area_params: Vec::new(),
        area_cache: Vec::new(),
        others: Vec::new(),
        compact_minor: 0,
        odd_total: Decimal::ZERO,
        odd_totals: Vec::new(),
        rounders: std::array::from_fn(|exp| money::Pow10Rounder::new(exp as u32, policy.mode())),
    };
    if in_force.len() > usize::from(u16::MAX) + 1 {
        return Err(FeeError::invalid(
            "items",
            "more than 65536 fee items in force",
        ));
    }
    // The estate's ids fit u32 offsets (checked when it was built), so do these.
    let mut ids = String::with_capacity(units.last().map_or(0, |u| u.id_end as usize));
    let mut slots = Vec::with_capacity(units.len() + 1);
    let (mut start, mut others_start) = (0, 0);
    for (u, unit) in units.iter().enumerate() {
        let mut failed = None;
        for (k, item) in in_force.iter().enumerate() {
            // Checked above: fewer than 65537 items.
            let k16 = k as u16;
            let done = match &shares[k] {
                Some(pool) => pool.push_share(u, k16, &mut b),
                None if set_aside[k] => Ok(()),
                None if item.applies_to(unit.kind, unit.status) => unit_line(
                    estate, item, u, unit, &period, &readings, &policy, k16, &mut b,
                ),
                None => Ok(()),
            };
            if let Err(e) = done {
                failed = Some(e);
                break;
            }
        }
        if let Some(e) = failed {
            match unit_problem(&e) {
                Some(meter) if !inputs.strict => {
                    // The unit's bill is set aside whole: no partial bill. Its shares of
                    // the pools (all computed before) are counted as set aside.
                    b.lines.truncate(start);
                    b.others.truncate(others_start);
                    for (k, pool) in shares.iter().enumerate() {
                        let Some(pool) = pool else { continue };
                        // Checked above: fewer than 65537 items.
                        pool.push_share(u, k as u16, &mut b)?;
                    }
                    for l in &b.lines[start..] {
                        let amount = match l.kind {
                            Kind::Other | Kind::OtherAdjusted => b.others[l.idx as usize].0,
                            _ => Decimal::new(l.minor, b.scale),
                        };
                        let slot = &mut pool_set_aside[usize::from(l.item)];
                        *slot = money::sum(&[*slot, amount])
                            .map_err(|_| total_overflow("a pool's set-aside shares"))?;
                    }
                    b.lines.truncate(start);
                    b.others.truncate(others_start);
                    exceptions.push(BillingException {
                        unit_id: Some(estate.unit_id_at(u).to_owned()),
                        item_code: None,
                        meter_id: Some(meter),
                        error: e,
                    });
                    continue;
                }
                _ => return Err(e),
            }
        }
        if b.lines.len() > start {
            slots.push(BillSlot {
                // At most the estate's id bytes, which fit u32.
                id_start: ids.len() as u32,
                start: index_u32(start, "lines")?,
            });
            ids.push_str(estate.unit_id_at(u));
            b.finish_bill(start, others_start, slots.len() - 1)?;
            (start, others_start) = (b.lines.len(), b.others.len());
        }
    }
    slots.push(BillSlot {
        id_start: ids.len() as u32,
        start: index_u32(start, "lines")?,
    });
    let total = b.total()?;
    // Pools are in the order of their items in force.
    let mut next_pool = pools.iter_mut();
    for (k, share) in shares.iter().enumerate() {
        if share.is_some() {
            let pool = next_pool
                .next()
                .expect("one pool summary per item whose shares were computed");
            pool.set_aside = money::sum(&[pool.set_aside, pool_set_aside[k]])
                .map_err(|_| total_overflow("a pool's set-aside shares"))?;
        }
    }
    Ok(BillingRun {
        total,
        estate_id: estate.id().to_owned(),
        currency: estate.currency().to_owned(),
        period,
        issued_on,
        pools,
        items,
        ids,
        slots,
        odd_totals: b.odd_totals,
        lines: b.lines,
        area_params: b.area_params,
        pool_params: shares
            .iter()
            .map(|s| s.as_ref().map(|s| s.params))
            .collect(),
        others: b.others,
        scale: b.scale,
        index: std::sync::OnceLock::new(),
        exceptions,
        estimated_readings: readings.estimated_readings(estate),
    })
}

/// The cost of a consumption under tiered prices; a negative one (the true-up of an
/// estimate) is credited at the tier prices of its size, from the first tier.
fn priced(used: Decimal, tiers: &[super::calc::Tier]) -> Result<(Decimal, Vec<TierUse>), FeeError> {
    if used >= Decimal::ZERO {
        return tiered_cost(used, tiers, "tiers");
    }
    let (cost, uses) = tiered_cost(-used, tiers, "tiers")?;
    Ok((
        -cost,
        uses.into_iter()
            .map(|t| TierUse {
                quantity: -t.quantity,
                price: t.price,
                amount: -t.amount,
            })
            .collect(),
    ))
}

/// An overflow of a total, naming `total`.
#[cold]
fn total_overflow(context: &str) -> FeeError {
    FeeError::Money {
        path: "total".into(),
        source: money::MoneyError::Overflow {
            context: context.into(),
        },
    }
}

/// The lines of a run being built, and the tables they refer to.
struct RunBuilder {
    /// The scale of compact line amounts.
    scale: u32,
    /// Per item in force: what it bills this period.
    spans: Vec<Option<ItemSpan>>,
    lines: Vec<Line>,
    area_params: Vec<AreaParams>,
    /// `(item, kind, status, served days) → area_params` index, for the
    /// combinations seen so far.
    area_cache: Vec<(u16, UnitKind, UnitStatus, i64, u32)>,
    others: Vec<(Decimal, Explanation)>,
    /// Sum of the bills made of compact lines only, in minor units (below 2^127:
    /// fewer than 2^64 lines below 2^63).
    compact_minor: i128,
    /// Sum of the other bills (each in `odd_totals`).
    odd_total: Decimal,
    odd_totals: Vec<(u32, Decimal)>,
    /// Rounding to the run's scale from `scale + exp`, by `exp` (1 to 19).
    rounders: [Option<money::Pow10Rounder>; 20],
}

impl RunBuilder {
    /// `a × c × 10^-scale` rounded to minor units of the run's scale, in 64-bit
    /// integers; `None` when an intermediate does not fit (the decimal path then runs).
    #[inline]
    fn area_minor(&self, a: u64, c: u64, scale: u32) -> Option<i64> {
        let v = a.checked_mul(c)?;
        let q = match scale.checked_sub(self.scale)? {
            0 => v,
            exp => self.rounders.get(exp as usize)?.as_ref()?.round(v)?,
        };
        i64::try_from(q).ok()
    }

    /// Adds a line of `minor` units of the run's scale, compact when `value` fits
    /// (always, in practice), else with `explain()` in `others`.
    #[inline]
    fn push_minor(
        &mut self,
        minor: i64,
        value: Decimal,
        item: u16,
        kind: Kind,
        idx: u32,
        explain: impl FnOnce() -> Explanation,
    ) -> Result<(), FeeError> {
        match compact_value(value) {
            Some((value, value_scale)) if kind != Kind::Other => {
                self.lines.push(Line {
                    minor,
                    value,
                    idx,
                    item,
                    kind,
                    value_scale,
                });
                Ok(())
            }
            _ => {
                self.push_other(Decimal::new(minor, self.scale), item, explain())?;
                self.keep_adjusted(kind);
                Ok(())
            }
        }
    }

    /// Marks the line just kept whole as a pooled share that received a minor unit,
    /// when `kind` says so (so that [`BillingRun::adjusted_units`] lists its unit).
    fn keep_adjusted(&mut self, kind: Kind) {
        if kind == Kind::PooledAdjusted
            && let Some(l) = self.lines.last_mut()
        {
            l.kind = Kind::OtherAdjusted;
        }
    }

    /// Adds a line: compact when the amount is in minor units of the run's scale
    /// that fit 64 bits (always, in practice), else with `explain()` in `others`.
    #[inline]
    fn push(
        &mut self,
        amount: Decimal,
        value: Decimal,
        item: u16,
        kind: Kind,
        idx: u32,
        explain: impl FnOnce() -> Explanation,
    ) -> Result<(), FeeError> {
        let minor = (amount.scale() == self.scale)
            .then(|| i64::try_from(amount.mantissa()).ok())
            .flatten()
            // A negative zero would come back positive: kept whole instead.
            .filter(|&m| m != 0 || !amount.is_sign_negative());
        match minor {
            Some(minor) if kind != Kind::Other => {
                self.push_minor(minor, value, item, kind, idx, explain)
            }
            _ => {
                self.push_other(amount, item, explain())?;
                self.keep_adjusted(kind);
                Ok(())
            }
        }
    }

    /// Adds a line whose amount and explanation are kept whole.
    fn push_other(&mut self, amount: Decimal, item: u16, e: Explanation) -> Result<(), FeeError> {
        let idx = index_u32(self.others.len(), "explanations")?;
        self.others.push((amount, e));
        self.lines.push(Line {
            minor: 0,
            value: 0,
            idx,
            item,
            kind: Kind::Other,
            value_scale: 0,
        });
        Ok(())
    }

    /// Ends bill number `bill`, whose lines start at `start` (and its explanations
    /// kept whole at `others_start`): adds its total to the run's, and records it when
    /// the bill has a line kept whole.
    #[inline(always)]
    fn finish_bill(
        &mut self,
        start: usize,
        others_start: usize,
        bill: usize,
    ) -> Result<(), FeeError> {
        if self.others.len() == others_start {
            for l in &self.lines[start..] {
                self.compact_minor += i128::from(l.minor);
            }
            return Ok(());
        }
        let total = self.odd_bill_total(start)?;
        self.odd_total = money::sum(&[self.odd_total, total])
            .map_err(|_| total_overflow("the run total does not fit a decimal"))?;
        self.odd_totals.push((index_u32(bill, "bills")?, total));
        Ok(())
    }

    /// The exact total of a bill with a line kept whole.
    fn odd_bill_total(&self, start: usize) -> Result<Decimal, FeeError> {
        let amounts: Vec<Decimal> = self.lines[start..]
            .iter()
            .map(|l| match l.kind {
                Kind::Other | Kind::OtherAdjusted => self.others[l.idx as usize].0,
                _ => Decimal::new(l.minor, self.scale),
            })
            .collect();
        money::sum(&amounts).map_err(|_| total_overflow("a bill total does not fit a decimal"))
    }

    /// The run total: every bill's, checked.
    fn total(&self) -> Result<Decimal, FeeError> {
        Decimal::try_from_i128_with_scale(self.compact_minor, self.scale)
            .ok()
            .and_then(|t| money::sum(&[t, self.odd_total]).ok())
            .ok_or_else(|| total_overflow("the run total does not fit a decimal"))
    }

    /// The index of the area parameters of `item` for a unit of `kind` and `status`
    /// served `span`.
    fn area_params(
        &mut self,
        item_idx: u16,
        item: &FeeItem,
        unit: &UnitCore,
        span: &Span,
    ) -> Result<u32, FeeError> {
        if let Some(&(.., i)) = self.area_cache.iter().find(|(it, k, st, served, _)| {
            *it == item_idx && *k == unit.kind && *st == unit.status && *served == span.served
        }) && {
            let p = &self.area_params[i as usize];
            p.months == span.months && p.days == span.days
        } {
            return Ok(i);
        }
        let Rule::Area {
            rate,
            kind_rates,
            basis,
        } = &item.rule
        else {
            return Err(FeeError::invalid("rule", "not an area rule"));
        };
        let rate = kind_rates
            .iter()
            .find(|k| k.kind == unit.kind)
            .map_or(*rate, |k| k.rate);
        let factor = item.status_factor(unit.status);
        let coefficient = [rate, Decimal::from(span.months), factor]
            .iter()
            .try_fold((1i128, 0u32), |(m, s), f| {
                Some((m.checked_mul(f.mantissa())?, s.checked_add(f.scale())?))
            })
            .and_then(|(m, s)| Some((u64::try_from(m).ok()?, s)));
        let i = index_u32(self.area_params.len(), "area parameters")?;
        self.area_params.push(AreaParams {
            basis: *basis,
            rate,
            months: span.months,
            served: span.served,
            days: span.days,
            factor,
            coefficient,
        });
        self.area_cache
            .push((item_idx, unit.kind, unit.status, span.served, i));
        Ok(i)
    }
}

/// One pooled item's split: which units share, and each one's weight and amount.
struct PoolShares {
    /// For each estate unit, its position among the members (`u32::MAX`: not a member).
    member_of: Vec<u32>,
    weights: Vec<Decimal>,
    amounts: money::Parts,
    adjusted: Vec<bool>,
    params: PoolParams,
}

impl PoolShares {
    /// Adds the line of the estate's unit `unit` for item `item`, if it shares.
    #[inline]
    fn push_share(&self, unit: usize, item: u16, b: &mut RunBuilder) -> Result<(), FeeError> {
        let Some(&m) = self.member_of.get(unit) else {
            return Ok(());
        };
        if m == u32::MAX {
            return Ok(());
        }
        let m = m as usize;
        let (weight, adjusted) = (self.weights[m], self.adjusted[m]);
        let kind = if adjusted {
            Kind::PooledAdjusted
        } else {
            Kind::Pooled
        };
        let explain = || self.params.explain(weight, adjusted);
        match &self.amounts {
            // Minor units of the policy's scale, which is the run's.
            money::Parts::Minor(v) => b.push_minor(v[m], weight, item, kind, 0, explain),
            money::Parts::Wide(v) => b.push(v[m], weight, item, kind, 0, explain),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn unit_line(
    estate: &Estate,
    item: &FeeItem,
    u: usize,
    unit: &UnitCore,
    period: &BillingPeriod,
    readings: &MeterReadings<'_>,
    policy: &RoundingPolicy,
    item_idx: u16,
    b: &mut RunBuilder,
) -> Result<(), FeeError> {
    // Computed with an empty path; the field is named only if something fails.
    let path = "";
    let result = (|| -> Result<(), FeeError> {
        match &item.rule {
            Rule::Area { basis, .. } => {
                let Some(span) = b.spans[usize::from(item_idx)]
                    .and_then(|s| s.for_unit(item, unit.delivered_on))
                else {
                    return Ok(());
                };
                let params = b.area_params(item_idx, item, unit, &span)?;
                let p = b.area_params[params as usize];
                let area = match basis {
                    AreaBasis::Gross => unit.gross_area,
                    AreaBasis::Internal => estate.units()[u].area(true),
                };
                let full = span.served == span.days;
                let explain = || Explanation::Area {
                    area,
                    basis: *basis,
                    rate: p.rate,
                    months: span.months,
                    served_days: span.served,
                    period_days: span.days,
                    factor: p.factor,
                };
                // Usual case: a whole period, area × (rate × months × factor) in integers.
                if let (true, Some((c, cs)), Ok(a)) =
                    (full, p.coefficient, u64::try_from(area.mantissa()))
                    && let Some(minor) = b.area_minor(a, c, area.scale() + cs)
                {
                    return b.push_minor(minor, area, item_idx, Kind::Area, params, explain);
                }
                let base = mul(mul(area, p.rate, path)?, Decimal::from(span.months), path)?;
                let amount = policy.round(prorated(base, &span, p.factor, path)?);
                b.push(amount, area, item_idx, Kind::Area, params, explain)
            }
            Rule::Fixed { amount } => {
                let Some(span) = b.spans[usize::from(item_idx)]
                    .and_then(|s| s.for_unit(item, unit.delivered_on))
                else {
                    return Ok(());
                };
                let factor = item.status_factor(unit.status);
                let value = policy.round(prorated(*amount, &span, factor, path)?);
                let e = Explanation::Fixed {
                    amount: *amount,
                    served_days: span.served,
                    period_days: span.days,
                    factor,
                };
                b.push_other(value, item_idx, e)
            }
            Rule::Metered { meter_kind, tiers } => {
                for meter in estate.meters_at(u).filter(|m| m.kind == *meter_kind) {
                    let m = readings.consumption(meter, period)?;
                    let (cost, uses) = priced(m.used, tiers)?;
                    let e = Explanation::Metered(Box::new(MeteredExplanation {
                        meter_id: meter.id.clone(),
                        meter_kind: *meter_kind,
                        previous: m.previous.value,
                        current: m.current.value,
                        multiplier: meter.multiplier,
                        change: m.change,
                        consumption: m.used,
                        tiers: uses,
                        estimated: m.current.estimated,
                        previous_estimated: m.previous.estimated,
                        estimate: m.estimate,
                    }));
                    b.push_other(policy.round(cost), item_idx, e)?;
                }
                Ok(())
            }
            Rule::Pooled { .. } => Ok(()),
        }
    })();
    result.map_err(|e: FeeError| {
        e.or_path(|| format!("units[{}].{}", estate.unit_id_at(u), item.code))
    })
}

fn bill_pooled(
    estate: &Estate,
    item: &FeeItem,
    period: &BillingPeriod,
    inputs: &BillingInputs,
    readings: &MeterReadings<'_>,
    policy: &RoundingPolicy,
) -> Result<Option<(PoolSummary, PoolShares)>, FeeError> {
    let Rule::Pooled {
        source,
        method,
        deduction,
        admin_fee,
        participants,
        occupied_day_fraction,
    } = &item.rule
    else {
        return Ok(None);
    };
    let path = format!("pooled[{}]", item.code);
    let (source_amount, consumption, usage_kind) = match source {
        PooledSource::Given => {
            let amount = inputs
                .pooled
                .iter()
                .find(|p| p.code == item.code)
                .ok_or_else(|| FeeError::MissingPooledAmount {
                    path: path.clone(),
                    code: item.code.clone(),
                })?
                .amount;
            (amount, None, None)
        }
        PooledSource::MasterMeter {
            meter_id,
            price,
            subtract_sub_meters,
        } => {
            let master = estate.meter(meter_id).ok_or_else(|| FeeError::Unknown {
                path: format!("{path}.source.meter_id"),
                what: "meter",
                id: meter_id.clone(),
            })?;
            let mut used = readings.consumption(master, period)?.used;
            if *subtract_sub_meters {
                crate::estate::count_meter_records(estate.meters().len());
                for m in estate
                    .meters()
                    .iter()
                    .filter(|m| m.kind == master.kind && m.unit_id.is_some())
                {
                    used -= readings.consumption(m, period)?.used;
                }
                if used < Decimal::ZERO {
                    return Err(FeeError::invalid(
                        format!("{path}.source"),
                        format!(
                            "the sub-meters consumed {} more than master meter {meter_id}",
                            -used
                        ),
                    ));
                }
            }
            (mul(used, *price, &path)?, Some(used), Some(master.kind))
        }
    };
    let deducted = deduction.map_or(Decimal::ZERO, |d| d.of(source_amount));
    let fee = admin_fee.map_or(Decimal::ZERO, |a| a.of(source_amount));
    let split_amount = policy.round(super::add(
        source_amount
            .checked_sub(deducted)
            .ok_or_else(|| FeeError::Money {
                path: format!("{path}.deduction"),
                source: money::MoneyError::Overflow {
                    context: format!("{source_amount} − {deducted} is too large"),
                },
            })?,
        fee,
        &format!("{path}.admin_fee"),
    )?);
    if split_amount < Decimal::ZERO {
        return Err(FeeError::Negative {
            path: format!("{path}.amount"),
            value: split_amount,
        });
    }

    // Participants, in estate order, with their metrics.
    let units = estate.unit_cores();
    let mut member_of = vec![u32::MAX; units.len()];
    let mut members = 0usize;
    // Single-basis methods: the weights directly; hybrid: every metric, then weights.
    let hybrid = matches!(method, SplitMethod::Hybrid(_));
    let mut metrics = Vec::with_capacity(if hybrid { units.len() } else { 0 });
    let mut direct = Vec::with_capacity(if hybrid { 0 } else { units.len() });
    for (u, unit) in units.iter().enumerate() {
        let kind_ok = item.unit_kinds.is_empty() || item.unit_kinds.contains(&unit.kind);
        let status_ok = match participants {
            Participants::Occupied => is_occupied(unit.status),
            Participants::Delivered => unit.status != UnitStatus::Unsold,
            Participants::All => true,
        } && (item.statuses.is_empty() || item.statuses.contains(&unit.status));
        if !(kind_ok && status_ok) {
            continue;
        }
        let mut m = pooled::Metrics {
            area: unit.gross_area,
            usage: Decimal::ZERO,
            occupants: unit.occupants,
            fraction: Decimal::ONE,
        };
        let mut partial = false;
        if let Some(kind) = usage_kind {
            for meter in estate.meters_at(u).filter(|x| x.kind == kind) {
                m.usage += readings.consumption(meter, period)?.used;
            }
            // A true-up may be negative: a unit weighs nothing in a usage split then.
            m.usage = m.usage.max(Decimal::ZERO);
        }
        if *occupied_day_fraction {
            let since = match participants {
                Participants::Occupied => unit.status_since,
                _ => unit.delivered_on,
            };
            if let Some(since) = since.filter(|s| *s > period.start) {
                let served = (period.end - since).num_days() + 1;
                m.fraction = Decimal::from(served.max(0)) / Decimal::from(period.days());
                partial = true;
            }
        }
        member_of[u] = u32::try_from(members).map_err(|_| {
            FeeError::invalid(format!("{path}.participants"), "more than 4 billion units")
        })?;
        if hybrid {
            metrics.push(m);
        } else {
            let metric = match method {
                SplitMethod::Usage => m.usage,
                SplitMethod::Equal => Decimal::ONE,
                SplitMethod::Occupants => Decimal::from(m.occupants),
                _ => m.area,
            };
            let w = if !partial {
                metric
            } else {
                mul(metric, m.fraction, "units")?
            };
            if w.is_sign_negative() && !w.is_zero() {
                return Err(FeeError::Negative {
                    path: format!("{path}.participants[{}]", members),
                    value: w,
                });
            }
            direct.push(w);
        }
        members += 1;
    }
    let weights = if hybrid {
        pooled::weights_of(&metrics, method)?
    } else {
        direct
    };
    let split = money::allocate_raw(split_amount, &weights, policy)
        .map_err(FeeError::money(format!("{path}.participants")))?;
    let mut adjusted = vec![false; members];
    for &a in &split.adjusted {
        adjusted[a] = true;
    }
    let adjustment = split.adjustment();
    let minor = if split.total < Decimal::ZERO {
        -policy.minor_unit()
    } else {
        policy.minor_unit()
    };
    let summary = PoolSummary {
        code: item.code.clone(),
        source_amount,
        consumption,
        deduction: deducted,
        admin_fee: fee,
        split_amount: split.total,
        shares_total: split
            .parts_sum()
            .map_err(FeeError::money(format!("{path}.shares")))?,
        participants: members,
        adjustment,
        adjusted_count: split.adjusted.len(),
        set_aside: Decimal::new(0, policy.scale()),
    };
    // Shown in explanations only: exact when a decimal holds it, else rounded to the
    // 28 digits a decimal holds (occupied-day fractions give weights of 28 digits).
    let total_weight = match split.weight_sum {
        Some(w) => w,
        None => {
            let at = format!("{path}.participants");
            weights
                .iter()
                .try_fold(Decimal::ZERO, |a, w| super::add_weight(a, *w, &at))?
        }
    };
    let shares = PoolShares {
        member_of,
        weights,
        amounts: split.parts,
        adjusted,
        params: PoolParams {
            pool: split.total,
            method: method.name(),
            total_weight,
            participants: members,
            adjustment: minor,
        },
    };
    Ok(Some((summary, shares)))
}

/// A [`BillingException`] as the run's JSON writes it: the error's code, path and
/// message with the fields it was made of, so that reading it back rebuilds it.
#[derive(Serialize)]
struct ExceptionOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    unit_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meter_id: Option<&'a str>,
    error: ErrorOut<'a>,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    code: &'static str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    meter_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<&'a str>,
    #[serde(
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    previous: Option<Decimal>,
    #[serde(
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    current: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    what: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    value: Option<Decimal>,
    message: String,
}

impl<'a> ExceptionOut<'a> {
    fn of(e: &'a BillingException) -> Self {
        let mut error = ErrorOut {
            code: e.error.code(),
            path: e.error.path(),
            meter_id: None,
            when: None,
            previous: None,
            current: None,
            what: None,
            id: None,
            value: None,
            message: e.error.to_string(),
        };
        match &e.error {
            FeeError::MissingReading { meter_id, when, .. } => {
                error.meter_id = Some(meter_id);
                error.when = Some(when);
            }
            FeeError::ReadingBelowPrevious {
                meter_id,
                previous,
                current,
                ..
            } => {
                error.meter_id = Some(meter_id);
                error.previous = Some(*previous);
                error.current = Some(*current);
            }
            FeeError::Unknown { what, id, .. } => {
                error.what = Some(what);
                error.id = Some(id);
            }
            FeeError::Negative { value, .. } => error.value = Some(*value),
            // A run makes exceptions of the four errors above only.
            _ => {}
        }
        Self {
            unit_id: e.unit_id.as_deref(),
            item_code: e.item_code.as_deref(),
            meter_id: e.meter_id.as_deref(),
            error,
        }
    }
}

/// The document [`BillingRun::from_json`] reads (what its `Serialize` writes).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunDoc {
    estate_id: String,
    currency: String,
    period: PeriodDoc,
    issued_on: NaiveDate,
    bills: Vec<BillDoc>,
    pools: Vec<PoolDoc>,
    #[serde(default)]
    exceptions: Vec<ExceptionDoc>,
    #[serde(default)]
    estimated_readings: Vec<ReadingUpdate>,
}

#[derive(Deserialize, Clone, Copy, PartialEq)]
#[serde(deny_unknown_fields)]
struct PeriodDoc {
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BillDoc {
    unit_id: String,
    period: PeriodDoc,
    issued_on: NaiveDate,
    lines: Vec<LineDoc>,
    #[serde(with = "crate::json::decimal")]
    total: Decimal,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineDoc {
    item_code: String,
    name_zh: String,
    name_en: String,
    #[serde(with = "crate::json::decimal")]
    amount: Decimal,
    due: NaiveDate,
    explanation: Explanation,
    #[serde(default)]
    estimated: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolDoc {
    code: String,
    #[serde(with = "crate::json::decimal")]
    source_amount: Decimal,
    #[serde(default, with = "crate::json::decimal_opt")]
    consumption: Option<Decimal>,
    #[serde(with = "crate::json::decimal")]
    deduction: Decimal,
    #[serde(with = "crate::json::decimal")]
    admin_fee: Decimal,
    #[serde(with = "crate::json::decimal")]
    split_amount: Decimal,
    #[serde(with = "crate::json::decimal")]
    shares_total: Decimal,
    participants: usize,
    #[serde(with = "crate::json::decimal")]
    adjustment: Decimal,
    adjusted_count: usize,
    #[serde(with = "crate::json::decimal")]
    set_aside: Decimal,
    #[expect(
        dead_code,
        reason = "rebuilt from the lines' explanations and compared with the document"
    )]
    adjusted_units: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionDoc {
    #[serde(default)]
    unit_id: Option<String>,
    #[serde(default)]
    item_code: Option<String>,
    #[serde(default)]
    meter_id: Option<String>,
    error: ErrorDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorDoc {
    code: String,
    path: String,
    #[serde(default)]
    meter_id: Option<String>,
    #[serde(default)]
    when: Option<String>,
    #[serde(default, with = "crate::json::decimal_opt")]
    previous: Option<Decimal>,
    #[serde(default, with = "crate::json::decimal_opt")]
    current: Option<Decimal>,
    #[serde(default)]
    what: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default, with = "crate::json::decimal_opt")]
    value: Option<Decimal>,
    message: String,
}

impl ErrorDoc {
    /// The error this entry describes; `at` is its path in the document.
    fn rebuild(self, at: &str) -> Result<FeeError, FeeError> {
        fn need<T>(v: Option<T>, at: &str, field: &str) -> Result<T, FeeError> {
            v.ok_or_else(|| FeeError::Json {
                path: format!("{at}.{field}"),
                message: format!("missing field `{field}`"),
            })
        }
        let path = self.path;
        let error = match self.code.as_str() {
            "missing_reading" => FeeError::MissingReading {
                path,
                meter_id: need(self.meter_id, at, "meter_id")?,
                when: need(self.when, at, "when")?,
            },
            "reading_below_previous" => FeeError::ReadingBelowPrevious {
                path,
                meter_id: need(self.meter_id, at, "meter_id")?,
                previous: need(self.previous, at, "previous")?,
                current: need(self.current, at, "current")?,
            },
            "unknown_reference" => FeeError::Unknown {
                path,
                what: match need(self.what, at, "what")?.as_str() {
                    "meter" => "meter",
                    other => {
                        return Err(FeeError::invalid(
                            format!("{at}.what"),
                            format!("a billing run sets aside unknown meters only, not {other:?}"),
                        ));
                    }
                },
                id: need(self.id, at, "id")?,
            },
            "negative" => FeeError::Negative {
                path,
                value: need(self.value, at, "value")?,
            },
            other => {
                return Err(FeeError::invalid(
                    format!("{at}.code"),
                    format!(
                        "{other:?} is not a problem a billing run sets aside (missing_reading, \
                         reading_below_previous, unknown_reference, negative)"
                    ),
                ));
            }
        };
        if error.to_string() != self.message {
            return Err(FeeError::Inconsistent {
                path: format!("{at}.message"),
                reason: format!(
                    "the error's fields give {:?}, the document {:?}",
                    error.to_string(),
                    self.message
                ),
            });
        }
        Ok(error)
    }
}

impl BillingRun {
    /// The run as JSON (pretty-printed, decimals as strings): `estate_id`,
    /// `currency`, `period`, `issued_on`, `bills` (every line with its explanation),
    /// `pools` (each with its `adjusted_units`), and, when not empty, `exceptions` and
    /// `estimated_readings`. [`BillingRun::from_json`] reads it back.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert!(run.to_json().starts_with("{\n  \"estate_id\": \"lakeside\""));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("a billing run serializes: string keys, decimals as strings")
    }

    /// Reads a run written by [`BillingRun::to_json`]: every view of the run read back
    /// (`bills`, `bill`, `to_records`, `total`, `pools`, `adjusted_units`,
    /// `exceptions`, `estimated_readings`, `to_json`) is the original's, and the two
    /// runs are equal. Nothing is recomputed from an estate or a schedule: the lines
    /// are taken as written, and what follows from them is checked.
    ///
    /// # Errors
    /// [`FeeError::Json`] naming the bad field (strict: no unknown fields, decimals as
    /// exact strings); [`FeeError::Invalid`] for a document no run can produce (a
    /// currency that is not three capital letters, a period ending before it starts,
    /// an empty or duplicate unit id, a bill without lines, line amounts of different
    /// scales, a date outside the years 1–9999, an exception that is not one of the
    /// four problems a run sets aside); [`FeeError::Inconsistent`] naming the first
    /// figure that contradicts the lines (a bill total that is not the sum of its
    /// lines, a pool whose lines do not sum to its shares less the set-aside ones, a
    /// line's `estimated` flag, a bill's period or issue date that is not the run's,
    /// a pool's `adjusted_units` that are not the units whose share's explanation
    /// shows an adjustment, an exception's message).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// let inputs = BillingInputs::default().with_pooled("common_electricity", "3943.20".parse()?);
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let back = BillingRun::from_json(&run.to_json())?;
    /// assert_eq!(back, run);
    /// assert_eq!((back.to_json(), back.to_records()), (run.to_json(), run.to_records()));
    /// // A line amount changed: its bill's total no longer adds up.
    /// let forged = run.to_json().replacen("\"amount\": \"331.15\"", "\"amount\": \"301.15\"", 1);
    /// let e = BillingRun::from_json(&forged).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("inconsistent_document", "bills[0].total"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, FeeError> {
        let json = |f: crate::json::JsonFailure| FeeError::Json {
            path: f.path,
            message: f.message,
        };
        let given: serde_json::Value = crate::json::parse(text).map_err(json)?;
        let doc: RunDoc = crate::json::from_value(&given).map_err(json)?;
        let run = Self::from_doc(doc)?;
        let rebuilt =
            serde_json::to_value(&run).expect("a billing run serializes: string keys, no floats");
        if let Some((path, reason)) = crate::json::first_contradiction(&given, &rebuilt) {
            return Err(FeeError::Inconsistent {
                path,
                reason: reason.replace("the history gives", "the lines give"),
            });
        }
        Ok(run)
    }

    fn from_doc(doc: RunDoc) -> Result<Self, FeeError> {
        let inconsistent = |path: String, reason: String| FeeError::Inconsistent { path, reason };
        let in_years = |d: NaiveDate, path: &str| {
            if (1..=9999).contains(&d.year()) {
                Ok(())
            } else {
                Err(FeeError::invalid(
                    path,
                    format!("{d} is outside the supported years 1–9999"),
                ))
            }
        };
        if doc.estate_id.trim().is_empty() {
            return Err(FeeError::invalid("estate_id", "a run needs an estate id"));
        }
        if !(doc.currency.len() == 3 && doc.currency.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(FeeError::invalid(
                "currency",
                format!(
                    "{:?} is not an ISO 4217 currency code (three capital letters)",
                    doc.currency
                ),
            ));
        }
        let period = BillingPeriod {
            start: doc.period.start,
            end: doc.period.end,
        };
        in_years(period.start, "period.start")?;
        in_years(period.end, "period.end")?;
        if period.end < period.start {
            return Err(FeeError::invalid(
                "period.end",
                format!("{} is before the start {}", period.end, period.start),
            ));
        }
        in_years(doc.issued_on, "issued_on")?;
        // The scale of every amount: the first line's.
        let scale = doc
            .bills
            .iter()
            .flat_map(|b| b.lines.first())
            .map(|l| l.amount.scale())
            .next()
            .or_else(|| doc.pools.first().map(|p| p.split_amount.scale()))
            .unwrap_or(2);
        let mut items: Vec<ItemText> = Vec::new();
        let mut item_of: std::collections::HashMap<(String, String, String, NaiveDate), u16> =
            std::collections::HashMap::new();
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut ids = String::new();
        let mut slots = Vec::with_capacity(doc.bills.len() + 1);
        let mut lines = Vec::new();
        let mut others = Vec::new();
        let mut odd_totals = Vec::with_capacity(doc.bills.len());
        let mut totals = vec![Decimal::new(0, scale)];
        // Per item code: the sum of its lines.
        let mut by_code: BTreeMap<&str, Decimal> = BTreeMap::new();
        for (i, bill) in doc.bills.iter().enumerate() {
            let at = |f: &str| format!("bills[{i}].{f}");
            if bill.unit_id.trim().is_empty() {
                return Err(FeeError::invalid(at("unit_id"), "a bill needs a unit id"));
            }
            if let Some(first) = seen.insert(&bill.unit_id, i) {
                return Err(FeeError::invalid(
                    at("unit_id"),
                    format!(
                        "unit {:?} is billed twice (also bills[{first}])",
                        bill.unit_id
                    ),
                ));
            }
            if bill.period != doc.period {
                return Err(inconsistent(
                    at("period"),
                    format!(
                        "the run's period is {}..{}, the bill's {}..{}",
                        period.start, period.end, bill.period.start, bill.period.end
                    ),
                ));
            }
            if bill.issued_on != doc.issued_on {
                return Err(inconsistent(
                    at("issued_on"),
                    format!(
                        "the run is issued on {}, the bill on {}",
                        doc.issued_on, bill.issued_on
                    ),
                ));
            }
            if bill.lines.is_empty() {
                return Err(FeeError::invalid(
                    at("lines"),
                    "a bill has at least one line (a unit not charged has no bill)",
                ));
            }
            let id_start = index_u32(ids.len(), "unit id bytes")?;
            ids.push_str(&bill.unit_id);
            slots.push(BillSlot {
                id_start,
                start: index_u32(lines.len(), "lines")?,
            });
            let mut amounts = Vec::with_capacity(bill.lines.len());
            for (j, l) in bill.lines.iter().enumerate() {
                let at = |f: &str| format!("bills[{i}].lines[{j}].{f}");
                if l.amount.scale() != scale {
                    return Err(FeeError::invalid(
                        at("amount"),
                        format!(
                            "{} has {} decimal places, the run's amounts {scale}",
                            l.amount,
                            l.amount.scale()
                        ),
                    ));
                }
                in_years(l.due, &at("due"))?;
                if l.estimated != l.explanation.is_estimated() {
                    return Err(inconsistent(
                        at("estimated"),
                        format!(
                            "the explanation gives {}, the document {}",
                            l.explanation.is_estimated(),
                            l.estimated
                        ),
                    ));
                }
                if let Explanation::Pooled { method, .. } = &l.explanation
                    && !["area", "usage", "equal", "occupants", "hybrid"].contains(&&**method)
                {
                    return Err(FeeError::invalid(
                        at("explanation.method"),
                        format!(
                            "{method:?} is not a split method (area, usage, equal, occupants, hybrid)"
                        ),
                    ));
                }
                let key = (
                    l.item_code.clone(),
                    l.name_zh.clone(),
                    l.name_en.clone(),
                    l.due,
                );
                let item = match item_of.get(&key) {
                    Some(&k) => k,
                    None => {
                        let k = u16::try_from(items.len()).map_err(|_| {
                            FeeError::invalid(at("item_code"), "more than 65536 fee items in a run")
                        })?;
                        items.push(ItemText {
                            code: l.item_code.as_str().into(),
                            zh: l.name_zh.as_str().into(),
                            en: l.name_en.as_str().into(),
                            due: l.due,
                        });
                        item_of.insert(key, k);
                        k
                    }
                };
                let slot = by_code.entry(&l.item_code).or_insert(Decimal::ZERO);
                *slot = super::add(*slot, l.amount, &at("amount"))?;
                amounts.push(l.amount);
                lines.push(Line {
                    minor: 0,
                    value: 0,
                    idx: index_u32(others.len(), "explanations")?,
                    item,
                    // A share that received a minor unit says so in its explanation.
                    kind: match &l.explanation {
                        Explanation::Pooled { adjustment, .. } if !adjustment.is_zero() => {
                            Kind::OtherAdjusted
                        }
                        _ => Kind::Other,
                    },
                    value_scale: 0,
                });
                others.push((l.amount, l.explanation.clone()));
            }
            let sum = money::sum(&amounts).map_err(FeeError::money(at("total")))?;
            if sum != bill.total || bill.total.scale() != scale {
                return Err(inconsistent(
                    at("total"),
                    format!("the lines sum to {sum}, the document says {}", bill.total),
                ));
            }
            odd_totals.push((index_u32(i, "bills")?, bill.total));
            totals.push(bill.total);
        }
        slots.push(BillSlot {
            id_start: index_u32(ids.len(), "unit id bytes")?,
            start: index_u32(lines.len(), "lines")?,
        });
        let total = money::sum(&totals).map_err(FeeError::money("bills"))?;
        // Pools: their lines (of every version of the item in force) sum to their
        // shares less those set aside; the adjusted units have a line of the pool.
        let mut pools = Vec::with_capacity(doc.pools.len());
        let mut expected: BTreeMap<&str, Decimal> = BTreeMap::new();
        for (k, p) in doc.pools.iter().enumerate() {
            let at = format!("pools[{k}].set_aside");
            let billed = p
                .shares_total
                .checked_sub(p.set_aside)
                .ok_or_else(|| FeeError::invalid(at.clone(), "too large"))?;
            let slot = expected.entry(&p.code).or_insert(Decimal::ZERO);
            *slot = super::add(*slot, billed, &at)?;
        }
        for (k, p) in doc.pools.iter().enumerate() {
            let lines_sum = by_code.get(p.code.as_str()).copied().unwrap_or_default();
            let want = expected[p.code.as_str()];
            if lines_sum != want {
                return Err(inconsistent(
                    format!("pools[{k}].shares_total"),
                    format!(
                        "the lines of {:?} sum to {lines_sum}, the pool's shares less those set aside to {want}",
                        p.code
                    ),
                ));
            }
            pools.push(PoolSummary {
                code: p.code.clone(),
                source_amount: p.source_amount,
                consumption: p.consumption,
                deduction: p.deduction,
                admin_fee: p.admin_fee,
                split_amount: p.split_amount,
                shares_total: p.shares_total,
                participants: p.participants,
                adjustment: p.adjustment,
                adjusted_count: p.adjusted_count,
                set_aside: p.set_aside,
            });
        }
        let mut exceptions = Vec::with_capacity(doc.exceptions.len());
        for (i, e) in doc.exceptions.into_iter().enumerate() {
            exceptions.push(BillingException {
                unit_id: e.unit_id,
                item_code: e.item_code,
                meter_id: e.meter_id,
                error: e.error.rebuild(&format!("exceptions[{i}].error"))?,
            });
        }
        for (i, r) in doc.estimated_readings.iter().enumerate() {
            in_years(r.date, &format!("estimated_readings[{i}].date"))?;
        }
        Ok(Self {
            estate_id: doc.estate_id,
            currency: doc.currency,
            period,
            issued_on: doc.issued_on,
            pools,
            pool_params: vec![None; items.len()],
            items,
            ids,
            slots,
            odd_totals,
            lines,
            area_params: Vec::new(),
            total,
            exceptions,
            estimated_readings: doc.estimated_readings,
            others,
            scale,
            index: std::sync::OnceLock::new(),
        })
    }
}

/// Runs are equal when every public view is: the same bills (lines, amounts,
/// explanations, due dates), pools with the same adjusted units, exceptions,
/// estimated readings and total; how the lines are stored does not matter (a run
/// read back with [`BillingRun::from_json`] equals the original).
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// let period = BillingPeriod::month(2026, 10)?;
/// let a = bill_estate(&Estate::demo(), &FeeSchedule::demo(), period, &BillingInputs::default().with_pooled("common_electricity", 100.into()))?;
/// let b = bill_estate(&Estate::demo(), &FeeSchedule::demo(), period, &BillingInputs::default().with_pooled("common_electricity", 101.into()))?;
/// assert!(a == a.clone() && a != b);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
impl PartialEq for BillingRun {
    fn eq(&self, other: &Self) -> bool {
        self.estate_id == other.estate_id
            && self.currency == other.currency
            && self.period == other.period
            && self.issued_on == other.issued_on
            && self.pools == other.pools
            && self.exceptions == other.exceptions
            && self.estimated_readings == other.estimated_readings
            && self.total == other.total
            && self.bill_count() == other.bill_count()
            && self
                .pools
                .iter()
                .all(|p| self.adjusted_units(&p.code) == other.adjusted_units(&p.code))
            && (0..self.bill_count()).all(|i| self.materialize(i) == other.materialize(i))
    }
}

impl Eq for BillingRun {}
