//! The pure formulas of the fee engine: day counts and proration, late penalties,
//! tiered (block) prices and meter consumption.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::penalty_batch::batch_fast;
use super::{FeeError, add, mul, non_negative};
use crate::money::RoundingPolicy;

/// How days are counted when a period is only partly served.
///
/// ```
/// use estatekit::fees::calc::DayCount;
/// assert_eq!("30/360".parse::<DayCount>()?, DayCount::Thirty360);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DayCount {
    /// Actual calendar days (the default).
    #[default]
    #[serde(rename = "actual")]
    Actual,
    /// Every month has 30 days and day 31 counts as day 30: a whole year is 360 days,
    /// every whole month (February too) 30.
    #[serde(rename = "30/360")]
    Thirty360,
    /// Actual calendar days, each worth a 365th of a year: a partly served span is
    /// charged `monthly amount × 12 ÷ 365` a day (the amount for the span × served
    /// days × 12 ÷ (365 × months)), exact, rounded once. A whole span is charged in full.
    #[serde(rename = "annual_365")]
    Annual365,
}

impl DayCount {
    /// The stable name: `"actual"`, `"30/360"` or `"annual_365"`.
    ///
    /// ```
    /// assert_eq!(estatekit::fees::calc::DayCount::Thirty360.as_str(), "30/360");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Actual => "actual",
            Self::Thirty360 => "30/360",
            Self::Annual365 => "annual_365",
        }
    }

    /// Days from `start` to `end`, both inclusive (0 when `end < start`).
    ///
    /// ```
    /// use estatekit::fees::calc::DayCount;
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// assert_eq!(DayCount::Actual.days(d("2026-10-20"), d("2026-10-31")), 12);
    /// assert_eq!(DayCount::Thirty360.days(d("2026-10-20"), d("2026-10-31")), 11);
    /// assert_eq!(DayCount::Thirty360.days(d("2026-01-01"), d("2026-12-31")), 360);
    /// ```
    pub fn days(self, start: NaiveDate, end: NaiveDate) -> i64 {
        if end < start {
            return 0;
        }
        match self {
            Self::Actual | Self::Annual365 => (end - start).num_days() + 1,
            // Every month has 30 days: an end date on the last day of its month (or on
            // day 31) is day 30, a start date keeps its day (day 31 starts after the
            // month's 30th). So counts add up when a range is split, and every whole
            // month, February included, is 30 days.
            Self::Thirty360 => {
                let serial = |d: NaiveDate, day: u32| {
                    360 * i64::from(d.year()) + 30 * i64::from(d.month0()) + i64::from(day)
                };
                let last_of_month = end
                    .succ_opt()
                    .is_none_or(|next| next.month() != end.month());
                let end_day = if last_of_month { 30 } else { end.day().min(30) };
                (serial(end, end_day) - serial(start, start.day()) + 1).max(0)
            }
        }
    }
}

impl fmt::Display for DayCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DayCount {
    type Err = FeeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "actual" => Ok(Self::Actual),
            "30/360" => Ok(Self::Thirty360),
            "annual_365" => Ok(Self::Annual365),
            _ => Err(FeeError::value(
                "unknown_value",
                "convention",
                format!(
                    "unknown day count {s:?}; expected \"actual\", \"30/360\" or \"annual_365\""
                ),
            )),
        }
    }
}

/// The fraction of a period served: `(served days, period days)`, the served range
/// being the intersection of `[service_start, service_end]` with the period.
///
/// # Errors
/// [`FeeError::InvalidValue`] when the period ends before it starts.
///
/// ```
/// use estatekit::fees::calc::{served_days, DayCount};
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let f = served_days(d("2026-10-01"), d("2026-10-31"), d("2026-10-20"), d("2027-01-01"), DayCount::Actual)?;
/// assert_eq!(f, (12, 31));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
pub fn served_days(
    period_start: NaiveDate,
    period_end: NaiveDate,
    service_start: NaiveDate,
    service_end: NaiveDate,
    convention: DayCount,
) -> Result<(i64, i64), FeeError> {
    if period_end < period_start {
        return Err(FeeError::value(
            "ends_before_starts",
            "period_end",
            format!("the period ends ({period_end}) before it starts ({period_start})"),
        ));
    }
    let start = period_start.max(service_start);
    let end = period_end.min(service_end);
    Ok((
        convention.days(start, end),
        convention.days(period_start, period_end),
    ))
}

/// `amount × served days ÷ period days`, rounded once with the policy. All ranges are
/// inclusive; a service range outside the period gives zero. With
/// [`DayCount::Annual365`], `amount` is a monthly amount and a partly served period is
/// charged `amount × served days × 12 ÷ 365`.
///
/// # Errors
/// [`FeeError::InvalidValue`] when a range ends before it starts.
///
/// ```
/// use estatekit::fees::calc::{prorate, DayCount};
/// use estatekit::money::RoundingPolicy;
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let p = RoundingPolicy::default();
/// let full = prorate("100".parse()?, d("2026-10-01"), d("2026-10-31"), d("2026-01-01"), d("2026-12-31"), DayCount::Actual, &p)?;
/// assert_eq!(full.to_string(), "100.00");
/// let part = prorate("100".parse()?, d("2026-10-01"), d("2026-10-31"), d("2026-10-20"), d("2026-10-31"), DayCount::Thirty360, &p)?;
/// assert_eq!(part.to_string(), "36.67"); // 11 of 30 days
/// let part = prorate("100".parse()?, d("2026-10-01"), d("2026-10-31"), d("2026-10-20"), d("2026-10-31"), DayCount::Annual365, &p)?;
/// assert_eq!(part.to_string(), "39.45"); // 100 × 12 × 12 ÷ 365 = 39.452…
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn prorate(
    amount: Decimal,
    period_start: NaiveDate,
    period_end: NaiveDate,
    service_start: NaiveDate,
    service_end: NaiveDate,
    convention: DayCount,
    policy: &RoundingPolicy,
) -> Result<Decimal, FeeError> {
    if service_end < service_start {
        return Err(FeeError::value(
            "ends_before_starts",
            "service_end",
            format!("the service ends ({service_end}) before it starts ({service_start})"),
        ));
    }
    let (served, total) = served_days(
        period_start,
        period_end,
        service_start,
        service_end,
        convention,
    )?;
    if convention == DayCount::Annual365 && served != total {
        // `amount` is a monthly amount: × 12 ÷ 365 a day.
        return Ok(policy.round(fraction_of(amount, served * 12, 365, "amount")?));
    }
    Ok(policy.round(fraction_of(amount, served, total, "amount")?))
}

/// `amount × num ÷ den` computed exactly as far as Decimal allows (multiply first).
pub(crate) fn fraction_of(
    amount: Decimal,
    num: i64,
    den: i64,
    path: &str,
) -> Result<Decimal, FeeError> {
    if den <= 0 {
        return Ok(Decimal::ZERO);
    }
    let product = mul(amount, Decimal::from(num), path)?;
    Ok(product / Decimal::from(den))
}

/// When penalty days start to count once the grace period is over.
///
/// ```
/// use estatekit::fees::calc::CountFrom;
/// assert_eq!("grace_end".parse::<CountFrom>()?, CountFrom::GraceEnd);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountFrom {
    /// Every day after the due date counts (the default).
    #[default]
    Due,
    /// Only the days after the grace period count.
    GraceEnd,
}

impl FromStr for CountFrom {
    type Err = FeeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "due" => Ok(Self::Due),
            "grace_end" => Ok(Self::GraceEnd),
            _ => Err(FeeError::value(
                "unknown_value",
                "count_from",
                format!("unknown value {s:?}; expected \"due\" or \"grace_end\""),
            )),
        }
    }
}

/// An upper bound on the penalty of one overdue item.
///
/// ```
/// use estatekit::fees::calc::PenaltyCap;
/// let cap: PenaltyCap = serde_json::from_str(r#"{"fraction": "1"}"#).unwrap();
/// assert_eq!(cap, PenaltyCap::Fraction(rust_decimal::Decimal::ONE));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyCap {
    /// At most this fraction of the item's original principal (1 = the principal).
    Fraction(#[serde(with = "crate::json::decimal")] Decimal),
    /// At most this amount.
    Amount(#[serde(with = "crate::json::decimal")] Decimal),
}

impl PenaltyCap {
    /// The cap as the bindings take it, two optional arguments (a fraction of the
    /// principal, an amount): at most one may be given.
    ///
    /// ```
    /// use estatekit::diagnostic::Diagnostic;
    /// use estatekit::fees::calc::PenaltyCap;
    /// use rust_decimal::Decimal;
    /// let one = Some(Decimal::ONE);
    /// assert_eq!(PenaltyCap::from_options(one, None)?, Some(PenaltyCap::Fraction(Decimal::ONE)));
    /// assert_eq!(PenaltyCap::from_options(None, None)?, None);
    /// let e = PenaltyCap::from_options(one, one).unwrap_err();
    /// assert_eq!((e.code(), e.to_string().as_str()), ("conflicting_fields", "cap: give a cap fraction or a cap amount, not both"));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn from_options(
        fraction: Option<Decimal>,
        amount: Option<Decimal>,
    ) -> Result<Option<Self>, FeeError> {
        match (fraction, amount) {
            (Some(_), Some(_)) => Err(FeeError::value(
                "conflicting_fields",
                "cap",
                "give a cap fraction or a cap amount, not both",
            )),
            (Some(f), None) => Ok(Some(Self::Fraction(f))),
            (None, Some(a)) => Ok(Some(Self::Amount(a))),
            (None, None) => Ok(None),
        }
    }
}

/// The contractual late-penalty clause (违约金): a simple (never compounding) daily rate.
///
/// ```
/// use estatekit::fees::calc::PenaltyPolicy;
/// let p = PenaltyPolicy::daily("0.0005".parse().unwrap()); // 每日万分之五
/// assert_eq!(p.grace_days, 0);
/// assert!(p.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltyPolicy {
    /// Daily rate, e.g. 0.0005 (0.05 % a day, 每日万分之五) or 0.003 (千分之三).
    #[serde(with = "crate::json::decimal")]
    pub daily_rate: Decimal,
    /// Days after the due date without penalty.
    #[serde(default)]
    pub grace_days: u32,
    /// Whether, once past the grace, days count from the due date or the grace end.
    #[serde(default)]
    pub count_from: CountFrom,
    /// Optional cap on the penalty of one item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<PenaltyCap>,
    /// No penalty accrues on a day when the outstanding principal is below this.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub min_balance: Option<Decimal>,
    /// Accept a daily rate above [`PenaltyPolicy::MAX_DAILY_RATE`] (1 % a day, 365 % a
    /// year): such a rate is almost always a yearly or monthly rate given as daily.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_high_rate: bool,
}

impl PenaltyPolicy {
    /// The highest daily rate accepted without [`PenaltyPolicy::allow_high_rate`]: 1 % a day.
    ///
    /// ```
    /// use estatekit::fees::calc::PenaltyPolicy;
    /// assert_eq!(PenaltyPolicy::MAX_DAILY_RATE.to_string(), "0.01");
    /// ```
    pub const MAX_DAILY_RATE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

    /// A policy with only a daily rate: no grace, no cap, no minimum.
    ///
    /// ```
    /// let p = estatekit::fees::calc::PenaltyPolicy::daily("0.003".parse().unwrap());
    /// assert_eq!(p.daily_rate.to_string(), "0.003");
    /// ```
    pub fn daily(daily_rate: Decimal) -> Self {
        Self {
            daily_rate,
            grace_days: 0,
            count_from: CountFrom::Due,
            cap: None,
            min_balance: None,
            allow_high_rate: false,
        }
    }

    /// Checks that the rate, cap and minimum are not negative, and that the daily rate
    /// is at most 1 % unless [`PenaltyPolicy::allow_high_rate`] is set.
    ///
    /// # Errors
    /// [`FeeError::Negative`] naming `daily_rate`, `cap` or `min_balance`;
    /// [`FeeError::InvalidValue`] naming `daily_rate` for a rate above 1 % a day.
    ///
    /// ```
    /// use estatekit::fees::calc::PenaltyPolicy;
    /// let yearly_as_daily = PenaltyPolicy::daily("0.18".parse().unwrap());
    /// assert_eq!(yearly_as_daily.validate().unwrap_err().path(), "daily_rate");
    /// let allowed = PenaltyPolicy { allow_high_rate: true, ..yearly_as_daily };
    /// assert!(allowed.validate().is_ok());
    /// ```
    ///
    /// ```
    /// use estatekit::fees::calc::{PenaltyCap, PenaltyPolicy};
    /// let mut p = PenaltyPolicy::daily("0.0005".parse().unwrap());
    /// p.cap = Some(PenaltyCap::Fraction("-1".parse().unwrap()));
    /// assert_eq!(p.validate().unwrap_err().path(), "cap");
    /// ```
    pub fn validate(&self) -> Result<(), FeeError> {
        non_negative(self.daily_rate, || "daily_rate".into())?;
        if self.daily_rate > Self::MAX_DAILY_RATE && !self.allow_high_rate {
            return Err(FeeError::value(
                "out_of_range",
                "daily_rate",
                format!(
                    "a daily rate of {} is above 1 % a day (a yearly rate divides by 365); \
                     set allow_high_rate to accept it",
                    self.daily_rate
                ),
            ));
        }
        match self.cap {
            Some(PenaltyCap::Fraction(v) | PenaltyCap::Amount(v)) => {
                non_negative(v, || "cap".into())?;
            }
            None => {}
        }
        if let Some(m) = self.min_balance {
            non_negative(m, || "min_balance".into())?;
        }
        Ok(())
    }

    /// The first day on which a penalty accrues for an item due on `due` (`None`
    /// past the last date `NaiveDate` represents: then no day accrues).
    fn first_counted_day(&self, due: NaiveDate) -> Option<NaiveDate> {
        let skip = match self.count_from {
            CountFrom::Due => 1,
            CountFrom::GraceEnd => i64::from(self.grace_days) + 1,
        };
        due.checked_add_signed(chrono::Duration::days(skip))
    }

    /// Days that accrue a penalty for an item due on `due`, as of `as_of`: none while
    /// the days overdue are within the grace; then every overdue day (count from the
    /// due date) or only those after the grace.
    fn counted_days(&self, due: NaiveDate, as_of: NaiveDate) -> i64 {
        self.counted_days_from(due, i64::from(as_of.num_days_from_ce()))
    }

    /// [`Self::counted_days`] with the as-of date as days from the common era.
    pub(super) fn counted_days_from(&self, due: NaiveDate, as_of_day: i64) -> i64 {
        let overdue = as_of_day - i64::from(due.num_days_from_ce());
        let grace = i64::from(self.grace_days);
        match self.count_from {
            _ if overdue <= grace => 0,
            CountFrom::Due => overdue,
            CountFrom::GraceEnd => overdue - grace,
        }
    }

    fn cap_amount(&self, principal: Decimal) -> Result<Option<Decimal>, FeeError> {
        Ok(match self.cap {
            None => None,
            Some(PenaltyCap::Fraction(f)) => Some(mul(principal, f, "cap")?),
            Some(PenaltyCap::Amount(a)) => Some(a),
        })
    }
}

/// A reduction of an item's principal on a date (a payment applied to it).
///
/// ```
/// use estatekit::fees::calc::PrincipalPayment;
/// let p = PrincipalPayment { date: "2026-11-20".parse().unwrap(), amount: "100".parse().unwrap() };
/// assert_eq!(p.amount.to_string(), "100");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalPayment {
    /// Day paid: from this day on, the principal is lower.
    pub date: NaiveDate,
    /// Principal paid.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
}

/// The late penalty on one item as of a date, before rounding, piecewise as
/// payments reduce its principal.
///
/// Days overdue = `as_of − due`. While that is at most `grace_days` there is no
/// penalty. Beyond it, each counted day accrues `daily_rate × principal outstanding
/// that day` (payments made before that day reduce it; a payment made on a day counts
/// from the next day), skipping days whose outstanding principal is below
/// `min_balance`. The total is capped. Never compounding.
///
/// # Errors
/// [`FeeError::Negative`] for a negative principal, rate, cap or minimum.
///
/// ```
/// use estatekit::fees::calc::{penalty_exact, PenaltyPolicy, PrincipalPayment};
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let p = PenaltyPolicy::daily("0.001".parse()?);
/// // 1000 due Oct 1; 600 paid Oct 11: 10 days on 1000 + 10 days on 400 (to Oct 21).
/// let pay = [PrincipalPayment { date: d("2026-10-11"), amount: "600".parse()? }];
/// let pen = penalty_exact("1000".parse()?, d("2026-10-01"), d("2026-10-21"), &p, &pay)?;
/// assert_eq!(pen.to_string(), "14.000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn penalty_exact(
    principal: Decimal,
    due: NaiveDate,
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    payments: &[PrincipalPayment],
) -> Result<Decimal, FeeError> {
    policy.validate()?;
    non_negative(principal, || "principal".into())?;
    accrue(principal, due, as_of, policy, payments)
}

/// The accrual of one item before its rate is applied: the sum, over the counted
/// days, of the principal outstanding that day (in "amount-days"), as an exact
/// integer `mantissa × 10^-scale`; `None` when no day counts. Simple interest makes
/// the penalty `daily_rate × amount-days`, so the rate is applied once, to an exact
/// sum, and no intermediate product of a long rate (0.18 / 365 has 28 digits) is ever
/// rounded or added.
fn amount_days(
    principal: Decimal,
    due: NaiveDate,
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    payments: &[PrincipalPayment],
) -> Result<Option<(u128, u32)>, FeeError> {
    let overflow = || accrual_overflow(principal);
    let mut total: u128 = 0;
    let scale = walk_segments(
        principal,
        due,
        as_of,
        policy,
        payments,
        |outstanding, _, days| {
            // outstanding > 0 and days ≥ 1: both casts are exact.
            let add = (outstanding as u128)
                .checked_mul(days as u128)
                .ok_or_else(overflow)?;
            total = total.checked_add(add).ok_or_else(overflow)?;
            Ok(())
        },
    )?;
    Ok(scale.map(|s| (total, s)))
}

fn accrual_overflow(principal: Decimal) -> FeeError {
    FeeError::Money {
        path: "penalty".into(),
        source: crate::money::MoneyError::Overflow {
            context: format!("the accrual on {principal} is too large to compute exactly"),
        },
    }
}

/// Walks the counted days of an item in segments of constant outstanding principal,
/// calling `segment(outstanding, scale, days)` for each segment that accrues
/// (outstanding above zero and not below the minimum balance), the outstanding
/// principal as an exact integer `outstanding × 10^-scale` (the scale is the largest
/// of the amounts', and is returned); `None` when no day counts.
fn walk_segments(
    principal: Decimal,
    due: NaiveDate,
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    payments: &[PrincipalPayment],
    mut segment: impl FnMut(i128, u32, i64) -> Result<(), FeeError>,
) -> Result<Option<u32>, FeeError> {
    if policy.counted_days(due, as_of) == 0 {
        return Ok(None);
    }
    let overflow = || accrual_overflow(principal);
    let scale = payments
        .iter()
        .map(|p| p.amount.scale())
        .fold(principal.scale(), u32::max);
    let at_scale = |d: Decimal| -> Option<i128> {
        d.mantissa()
            .checked_mul(10i128.checked_pow(scale - d.scale())?)
    };
    let mut outstanding = at_scale(principal).ok_or_else(overflow)?;
    // A minimum too large for the scale is above every outstanding principal.
    let min = policy.min_balance.map(|m| at_scale(m).unwrap_or(i128::MAX));
    let Some(mut day) = policy.first_counted_day(due) else {
        return Ok(None);
    };
    let mut sorted: Vec<PrincipalPayment> = payments.to_vec();
    sorted.sort_by_key(|p| p.date);
    let mut next = sorted.iter().peekable();
    // Walk the counted days [first, as_of] in segments of constant principal.
    while day <= as_of {
        // Payments dated before `day` have reduced the principal.
        while let Some(p) = next.next_if(|p| p.date < day) {
            let paid = at_scale(p.amount).ok_or_else(overflow)?;
            // A payment larger than what is left leaves nothing.
            outstanding = outstanding.saturating_sub(paid).max(0);
        }
        let segment_end = match next.peek() {
            Some(p) if p.date < as_of => p.date.max(day),
            _ => as_of,
        };
        let days = (segment_end - day).num_days() + 1;
        let below_min = min.is_some_and(|m| outstanding < m);
        if !below_min && outstanding > 0 {
            segment(outstanding, scale, days)?;
        }
        // The walk ends at `as_of`; past the last representable date there is none.
        match segment_end.succ_opt() {
            Some(next_day) => day = next_day,
            None => break,
        }
    }
    Ok(Some(scale))
}

/// [`penalty_exact`] for a validated policy and a non-negative principal: the rate
/// applied to the exact amount-days (a product of more than 28 significant digits is
/// rounded to 28), then the cap.
fn accrue(
    principal: Decimal,
    due: NaiveDate,
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    payments: &[PrincipalPayment],
) -> Result<Decimal, FeeError> {
    let Some((sum, scale)) = amount_days(principal, due, as_of, policy, payments)? else {
        return Ok(Decimal::ZERO);
    };
    let sum = i128::try_from(sum)
        .ok()
        .and_then(|m| crate::money::exact_decimal(m, scale))
        .ok_or_else(|| FeeError::Money {
            path: "penalty".into(),
            source: crate::money::MoneyError::Overflow {
                context: format!("the accrual on {principal} does not fit a decimal"),
            },
        })?;
    let total = mul(sum, policy.daily_rate, "daily_rate")?;
    Ok(match policy.cap_amount(principal)? {
        Some(cap) => total.min(cap),
        None => total,
    })
}

/// The penalty of one item rounded once, exactly: `daily_rate × amount-days` formed
/// in 256 bits and rounded to the policy's scale, then capped (rounding is monotonic,
/// so capping the rounded value equals rounding the capped one). The result must be
/// representable at the larger of the rounding scale and the amounts' scale: a
/// penalty that could not be added to the principal it is charged on is an error, not
/// a number.
pub(crate) fn accrue_rounded(
    principal: Decimal,
    due: NaiveDate,
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    payments: &[PrincipalPayment],
    rounding: &RoundingPolicy,
) -> Result<Decimal, FeeError> {
    let target = rounding.scale();
    let Some((sum, scale)) = amount_days(principal, due, as_of, policy, payments)? else {
        return Ok(Decimal::new(0, target));
    };
    let overflow = || FeeError::Money {
        path: "penalty".into(),
        source: crate::money::MoneyError::Overflow {
            context: format!(
                "the penalty on {principal} cannot be held exactly at scale {}",
                target.max(scale)
            ),
        },
    };
    let rate = policy.daily_rate;
    // The rate is validated non-negative: its mantissa is too.
    let mut q = crate::money::round_wide_product(
        rate.mantissa().unsigned_abs(),
        sum,
        scale + rate.scale(),
        rounding,
    )
    .ok_or_else(overflow)?;
    match policy.cap {
        None => {}
        Some(PenaltyCap::Fraction(f)) => {
            let cap = crate::money::round_wide_product(
                principal.mantissa().unsigned_abs(),
                f.mantissa().unsigned_abs(),
                principal.scale() + f.scale(),
                rounding,
            )
            .ok_or_else(overflow)?;
            q = q.min(cap);
        }
        Some(PenaltyCap::Amount(a)) => {
            let cap = rounding.round(a);
            let cap_minor = cap.mantissa().unsigned_abs() * 10u128.pow(target - cap.scale());
            q = q.min(cap_minor);
        }
    }
    // Held at the larger scale: q × 10^(scale − target) within a decimal mantissa.
    let widened = match scale.checked_sub(target) {
        Some(up) if up > 0 => 10u128.checked_pow(up).and_then(|f| q.checked_mul(f)),
        _ => Some(q),
    };
    if widened.is_none_or(|w| w >= 1u128 << 96) {
        return Err(overflow());
    }
    let q = i128::try_from(q).map_err(|_| overflow())?;
    Decimal::try_from_i128_with_scale(q, target).map_err(|_| overflow())
}

/// The late penalty on `principal` due on `due`, as of `as_of`, rounded once with
/// the policy (see [`penalty_exact`] for the rules).
///
/// # Errors
/// [`FeeError::Negative`] for a negative principal, rate, cap or minimum.
///
/// ```
/// use estatekit::fees::calc::{late_penalty, PenaltyPolicy};
/// use estatekit::money::RoundingPolicy;
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// // 500.00 overdue 30 days at 0.3 % a day = 45.00.
/// let p = PenaltyPolicy::daily("0.003".parse()?);
/// let pen = late_penalty("500".parse()?, d("2026-10-01"), d("2026-10-31"), &p, &RoundingPolicy::default())?;
/// assert_eq!(pen.to_string(), "45.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn late_penalty(
    principal: Decimal,
    due: NaiveDate,
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    rounding: &RoundingPolicy,
) -> Result<Decimal, FeeError> {
    policy.validate()?;
    non_negative(principal, || "principal".into())?;
    accrue_rounded(principal, due, as_of, policy, &[], rounding)
}

/// [`late_penalty`] with a yearly rate beside the daily one: `annual_rate` a
/// fraction (`0.12` = 12 % a year) counted by day on 365 ([`LateFee::from_annual_rate`]),
/// and with `round_daily` the daily amount rounded to the minor unit before it is
/// multiplied by the days. Without either it is [`late_penalty`].
///
/// # Errors
/// As [`late_penalty`]; [`FeeError::InvalidValue`] naming `annual_rate` outside 0–1.
///
/// ```
/// use estatekit::fees::calc::{late_penalty_with, PenaltyPolicy};
/// use estatekit::money::RoundingPolicy;
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// // LPR 3.45 % a year on 10,000.00 for 100 days: 10000 × 3.45 × 100 ÷ 36500 = 94.52.
/// let p = PenaltyPolicy::daily(0.into());
/// let pen = late_penalty_with("10000".parse()?, d("2026-01-01"), d("2026-04-11"), &p,
///     Some("0.0345".parse()?), false, &RoundingPolicy::default())?;
/// assert_eq!(pen.to_string(), "94.52");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn late_penalty_with(
    principal: Decimal,
    due: NaiveDate,
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    annual_rate: Option<Decimal>,
    round_daily: bool,
    rounding: &RoundingPolicy,
) -> Result<Decimal, FeeError> {
    if annual_rate.is_none() && !round_daily {
        return late_penalty(principal, due, as_of, policy, rounding);
    }
    let terms = LateFee::from_annual_rate(annual_rate.unwrap_or(Decimal::ZERO), round_daily)?;
    Ok(terms
        .charge(principal, due, as_of, Some(policy), rounding)?
        .total)
}

/// A one-off late fee charged once when an item becomes overdue (after the grace
/// days): a flat `amount`, or a `percent` of the overdue amount kept between `min`
/// and `max`. JSON `{"amount": "50.00"}` or `{"percent": "3", "min": "10.00", "max": "100.00"}`.
///
/// ```
/// use estatekit::fees::calc::OneOffFee;
/// let f: OneOffFee = serde_json::from_str(r#"{"percent": "3", "min": "10.00"}"#).unwrap();
/// assert!(f.validate().is_ok());
/// assert_eq!(f.amount, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneOffFee {
    /// A flat fee (give this or `percent`).
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// A percentage of the overdue amount, 0–100 (`"3"` = 3 %).
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub percent: Option<Decimal>,
    /// With `percent`: the fee is at least this.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub min: Option<Decimal>,
    /// With `percent`: the fee is at most this.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max: Option<Decimal>,
}

/// A percentage field: 0 to 100, else a typed error naming `path`.
fn percent_in_range(value: Decimal, path: &str) -> Result<(), FeeError> {
    if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        return Err(FeeError::value(
            "out_of_range",
            path,
            format!("a percentage must be between 0 and 100, got {value}"),
        ));
    }
    Ok(())
}

impl OneOffFee {
    /// Checks the fee: exactly one of `amount` and `percent`; a percent between 0 and
    /// 100; amounts not negative; `min` and `max` only with a percent, `min ≤ max`.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] or [`FeeError::Negative`] naming the field (`amount`,
    /// `percent`, `min`, `max`).
    ///
    /// ```
    /// use estatekit::fees::calc::OneOffFee;
    /// let f = OneOffFee { percent: Some("120".parse().unwrap()), ..Default::default() };
    /// let e = f.validate().unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("out_of_range", "percent"));
    /// ```
    pub fn validate(&self) -> Result<(), FeeError> {
        match (self.amount, self.percent) {
            (Some(a), None) => {
                non_negative(a, || "amount".into())?;
                if self.min.is_some() || self.max.is_some() {
                    let field = if self.min.is_some() { "min" } else { "max" };
                    return Err(FeeError::value(
                        "conflicting_fields",
                        field,
                        "a minimum or maximum applies to a percentage fee only",
                    ));
                }
            }
            (None, Some(p)) => percent_in_range(p, "percent")?,
            (Some(_), Some(_)) => {
                return Err(FeeError::value(
                    "conflicting_fields",
                    "percent",
                    "give a flat amount or a percent, not both",
                ));
            }
            (None, None) => {
                return Err(FeeError::value(
                    "missing_value",
                    "amount",
                    "a one-off fee needs a flat amount or a percent",
                ));
            }
        }
        if let Some(m) = self.min {
            non_negative(m, || "min".into())?;
        }
        if let Some(m) = self.max {
            non_negative(m, || "max".into())?;
        }
        if let (Some(lo), Some(hi)) = (self.min, self.max)
            && lo > hi
        {
            return Err(FeeError::value(
                "ends_before_starts",
                "max",
                format!("the maximum {hi} is below the minimum {lo}"),
            ));
        }
        Ok(())
    }

    /// The fee on `overdue`, rounded with `rounding` (a percent's fee is rounded,
    /// then kept between the minimum and maximum).
    fn of(&self, overdue: Decimal, rounding: &RoundingPolicy) -> Result<Decimal, FeeError> {
        let Some(p) = self.percent else {
            return Ok(rounding.round(self.amount.unwrap_or(Decimal::ZERO)));
        };
        let mut fee = rounding.round(mul(overdue, p, "one_off.percent")? / Decimal::ONE_HUNDRED);
        if let Some(lo) = self.min {
            fee = fee.max(rounding.round(lo));
        }
        if let Some(hi) = self.max {
            fee = fee.min(rounding.round(hi));
        }
        Ok(fee)
    }
}

/// Late-fee terms as contracts write them, beside a [`PenaltyPolicy`]'s daily rate
/// (the schedule item's `late_fee`): a [`OneOffFee`] when the item becomes overdue,
/// a rate per year counted by day on 365, and whether the daily amount is rounded to
/// the minor unit before it is multiplied by the days. The penalty policy's grace
/// days, count-from rule, minimum balance and cap apply (the cap to the total).
///
/// ```
/// use estatekit::fees::calc::LateFee;
/// let t: LateFee = serde_json::from_str(
///     r#"{"one_off": {"amount": "70.00"}, "annual_percent": "12.25", "round_daily": true}"#).unwrap();
/// assert!(t.validate().is_ok());
/// assert!(t.round_daily);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateFee {
    /// A one-off fee when the item becomes overdue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off: Option<OneOffFee>,
    /// A rate per year in percent, 0–100 (`"12"` = 12 % a year), counted by day on
    /// 365 days: `principal × percent ÷ 100 × days ÷ 365`, added to the daily rate.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub annual_percent: Option<Decimal>,
    /// Round the daily amount to the minor unit, then multiply it by the days (as
    /// some contracts and published calculators do); by default the exact product is
    /// rounded once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub round_daily: bool,
}

/// What [`LateFee::charge`] gives: each part, rounded, and the total.
///
/// ```
/// use estatekit::fees::calc::LateCharge;
/// let c = LateCharge::default();
/// assert_eq!(c.total, rust_decimal::Decimal::ZERO);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LateCharge {
    /// The one-off fee.
    #[serde(with = "crate::json::decimal")]
    pub one_off: Decimal,
    /// Days that accrue (after the grace, by the count-from rule).
    pub days: i64,
    /// The daily amount, rounded, when the terms round it daily.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub daily: Option<Decimal>,
    /// The accrued interest (daily and yearly rates together).
    #[serde(with = "crate::json::decimal")]
    pub interest: Decimal,
    /// The cap cut the total.
    pub capped: bool,
    /// One-off fee + interest, capped.
    #[serde(with = "crate::json::decimal")]
    pub total: Decimal,
}

impl LateFee {
    /// Checks the terms: the one-off fee ([`OneOffFee::validate`], paths under
    /// `one_off.`) and an annual percentage between 0 and 100.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] naming `annual_percent`, or the one-off fee's field.
    ///
    /// ```
    /// use estatekit::fees::calc::LateFee;
    /// let t = LateFee { annual_percent: Some("-1".parse().unwrap()), ..Default::default() };
    /// assert_eq!(t.validate().unwrap_err().path(), "annual_percent");
    /// ```
    pub fn validate(&self) -> Result<(), FeeError> {
        if let Some(f) = &self.one_off {
            f.validate().map_err(|e| e.under("one_off"))?;
        }
        if let Some(p) = self.annual_percent {
            percent_in_range(p, "annual_percent")?;
        }
        Ok(())
    }

    /// Terms of a yearly rate given as a fraction (`0.12` = 12 % a year, the way a
    /// daily rate is given), counted by day on 365, the daily amount rounded first
    /// when `round_daily`.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] naming `annual_rate` for a rate below 0 or above 1.
    ///
    /// ```
    /// use estatekit::fees::calc::LateFee;
    /// let t = LateFee::from_annual_rate("0.0345".parse()?, false)?;
    /// assert_eq!(t.annual_percent.unwrap().to_string(), "3.45");
    /// assert_eq!(LateFee::from_annual_rate("1.2".parse()?, false).unwrap_err().path(), "annual_rate");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_annual_rate(rate: Decimal, round_daily: bool) -> Result<Self, FeeError> {
        if rate < Decimal::ZERO || rate > Decimal::ONE {
            return Err(FeeError::value(
                "out_of_range",
                "annual_rate",
                format!("a yearly rate must be between 0 and 1 (0.12 = 12 % a year), got {rate}"),
            ));
        }
        Ok(Self {
            one_off: None,
            annual_percent: Some(mul(rate, Decimal::ONE_HUNDRED, "annual_rate")?.normalize()),
            round_daily,
        })
    }

    /// The late charge on `principal` due on `due`, as of `as_of`, under these terms
    /// and `policy` (its daily rate, grace days, count-from rule, minimum balance and
    /// cap; `None`: no daily rate, grace or cap). Nothing is due while the days overdue
    /// are within the grace. Then the one-off fee, plus interest over the counted days
    /// at `daily_rate + annual_percent ÷ 100 ÷ 365` a day: the exact product rounded
    /// once, or with `round_daily` the daily amount rounded then multiplied by the
    /// days. The cap (of `policy`) bounds the total. The principal is taken as
    /// outstanding on every day (no part payments).
    ///
    /// # Errors
    /// Any error of [`LateFee::validate`] or [`PenaltyPolicy::validate`];
    /// [`FeeError::Negative`] naming `principal`; an overflow.
    ///
    /// ```
    /// use estatekit::fees::calc::{LateFee, OneOffFee};
    /// use estatekit::money::RoundingPolicy;
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// // 12 % a year on 1000.00 for 30 days: 1000 × 0.12 × 30 / 365 = 9.863… → 9.86, plus 50.00.
    /// let t = LateFee { one_off: Some(OneOffFee { amount: Some("50.00".parse()?), ..Default::default() }),
    ///     annual_percent: Some("12".parse()?), round_daily: false };
    /// let c = t.charge("1000.00".parse()?, d("2026-10-01"), d("2026-10-31"), None, &RoundingPolicy::default())?;
    /// assert_eq!((c.one_off.to_string(), c.interest.to_string(), c.total.to_string()),
    ///     ("50.00".into(), "9.86".into(), "59.86".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn charge(
        &self,
        principal: Decimal,
        due: NaiveDate,
        as_of: NaiveDate,
        policy: Option<&PenaltyPolicy>,
        rounding: &RoundingPolicy,
    ) -> Result<LateCharge, FeeError> {
        self.validate()?;
        let none = PenaltyPolicy::daily(Decimal::ZERO);
        let policy = policy.unwrap_or(&none);
        policy.validate()?;
        non_negative(principal, || "principal".into())?;
        self.accrue(principal, due, as_of, policy, &[], rounding)
    }

    /// [`LateFee::charge`] for validated terms, policy and principal, with the
    /// principal reduced by `payments` (a payment counts from the day after it is
    /// made, as in [`penalty_exact`]): the one-off fee is on the principal outstanding
    /// on the first counted day; the interest is `Σ outstanding × days` over the
    /// segments of constant principal × the day rate, rounded once (or, with
    /// `round_daily`, each segment's daily amount rounded, × its days; `daily` is the
    /// first segment's). Days below the minimum balance accrue nothing, and a one-off
    /// fee is not charged on a principal below it.
    pub(crate) fn accrue(
        &self,
        principal: Decimal,
        due: NaiveDate,
        as_of: NaiveDate,
        policy: &PenaltyPolicy,
        payments: &[PrincipalPayment],
        rounding: &RoundingPolicy,
    ) -> Result<LateCharge, FeeError> {
        let path = "principal";
        let zero = rounding.round(Decimal::ZERO);
        let annual = self.annual_percent.unwrap_or(Decimal::ZERO);
        // The interest of `amount` (an outstanding principal, or amount-days) at
        // `daily_rate + annual ÷ 36500` a day, exact but for the last of 28 digits of
        // the yearly part (which cannot move a rounding to the minor unit: the
        // quotient by 36500 is either exact or not within 10⁻²⁰ of a half unit).
        let interest_of = |amount: Decimal| -> Result<Decimal, FeeError> {
            let daily = mul(amount, policy.daily_rate, path)?;
            if annual.is_zero() {
                return Ok(daily);
            }
            add(
                daily,
                mul(amount, annual, path)? / Decimal::from(36_500),
                path,
            )
        };
        let unscaled = |out: i128, scale: u32| {
            crate::money::exact_decimal(out, scale).ok_or_else(|| accrual_overflow(principal))
        };
        // Outstanding only falls, so the first segment that accrues starts on the
        // first counted day, or no day accrues.
        let mut first: Option<Decimal> = None;
        let mut amount_days = Decimal::ZERO;
        let mut interest = Decimal::ZERO;
        let mut daily: Option<Decimal> = None;
        let walked = walk_segments(
            principal,
            due,
            as_of,
            policy,
            payments,
            |out, scale, days| {
                let out = unscaled(out, scale)?;
                let days_d = Decimal::from(days);
                first.get_or_insert(out);
                if self.round_daily {
                    let d = rounding.round(interest_of(out)?);
                    daily.get_or_insert(d);
                    interest = add(interest, mul(d, days_d, path)?, path)?;
                } else {
                    amount_days = add(amount_days, mul(out, days_d, path)?, path)?;
                }
                Ok(())
            },
        )?;
        let Some(first) = first.filter(|_| walked.is_some()) else {
            return Ok(LateCharge {
                one_off: zero,
                interest: zero,
                total: zero,
                ..LateCharge::default()
            });
        };
        let one_off = match &self.one_off {
            Some(f) => f.of(first, rounding)?,
            None => zero,
        };
        if !self.round_daily {
            interest = rounding.round(interest_of(amount_days)?);
        }
        let mut total = add(one_off, interest, path)?;
        let mut capped = false;
        if let Some(cap) = policy.cap_amount(principal)? {
            let cap = rounding.round(cap);
            if total > cap {
                total = cap;
                capped = true;
            }
        }
        Ok(LateCharge {
            one_off,
            days: policy.counted_days(due, as_of),
            daily,
            interest,
            capped,
            total,
        })
    }
}

/// [`late_penalty`] for many items at once (one call for a whole estate's arrears):
/// `items` are `(principal, due)` pairs; the result is in the same order.
///
/// # Errors
/// [`FeeError::Negative`] naming `items[i].principal`, or a bad policy.
///
/// ```
/// use estatekit::fees::calc::{late_penalties, PenaltyPolicy};
/// use estatekit::money::RoundingPolicy;
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let items = [("500".parse()?, d("2026-10-01")), ("100".parse()?, d("2026-10-21"))];
/// let p = late_penalties(&items, d("2026-10-31"), &PenaltyPolicy::daily("0.003".parse()?), &RoundingPolicy::default())?;
/// assert_eq!(p.iter().map(|x| x.to_string()).collect::<Vec<_>>(), ["45.00", "3.00"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn late_penalties(
    items: &[(Decimal, NaiveDate)],
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    rounding: &RoundingPolicy,
) -> Result<Vec<Decimal>, FeeError> {
    policy.validate()?;
    let mut out = Vec::with_capacity(items.len());
    let target = rounding.scale();
    let mut i = 0;
    while i < items.len() {
        i += batch_fast(&items[i..], as_of, policy, rounding, |q| {
            // |q| < 2^63 and the target scale is at most 12: a valid `Decimal`.
            out.push(Decimal::new(q, target));
        });
        let Some(&(principal, due)) = items.get(i) else {
            break;
        };
        // The item the fast path could not take: exactly, in `Decimal`.
        non_negative(principal, || format!("items[{i}].principal"))?;
        out.push(
            accrue_rounded(principal, due, as_of, policy, &[], rounding)
                .map_err(|e| e.or_path(|| format!("items[{i}]")))?,
        );
        i += 1;
    }
    Ok(out)
}

/// The penalties of many items (see [`late_penalties`]), kept compactly: each is
/// rounded to the policy's scale, so it is stored as a 32-bit count of minor units
/// (4 bytes instead of 16, which matters for millions of items); the rare penalty
/// beyond ±2,147,483,647 minor units is kept aside whole.
///
/// ```
/// use estatekit::fees::calc::{late_penalty_batch, PenaltyPolicy};
/// use estatekit::money::RoundingPolicy;
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let items = [("500".parse()?, d("2026-10-01")), ("100".parse()?, d("2026-10-21"))];
/// let b = late_penalty_batch(&items, d("2026-10-31"), &PenaltyPolicy::daily("0.003".parse()?), &RoundingPolicy::default())?;
/// assert_eq!((b.len(), b.get(0).unwrap().to_string()), (2, "45.00".to_string()));
/// assert_eq!(b.total()?.to_string(), "48.00");
/// assert_eq!(b.to_vec()[1].to_string(), "3.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenaltyBatch {
    scale: u32,
    /// Minor units of each penalty (0 where the penalty is in `wide`).
    minor: Vec<i32>,
    /// Penalties too large for 32-bit minor units, by item index, in index order.
    wide: Vec<(usize, Decimal)>,
}

impl PenaltyBatch {
    /// The scale, each penalty's minor units (0 where it is in the wide list) and the
    /// penalties too large for 32-bit minor units by item index.
    #[cfg(feature = "arrow")]
    pub(crate) fn parts(&self) -> (u32, &[i32], &[(usize, Decimal)]) {
        (self.scale, &self.minor, &self.wide)
    }

    /// Number of items.
    ///
    /// ```
    /// # use estatekit::fees::calc::{late_penalty_batch, PenaltyPolicy};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let b = late_penalty_batch(&[], d("2026-10-31"), &PenaltyPolicy::daily("0.001".parse().unwrap()), &Default::default())?;
    /// assert!(b.is_empty() && b.len() == 0);
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.minor.len()
    }

    /// Whether there are no items.
    ///
    /// ```
    /// # use estatekit::fees::calc::{late_penalty_batch, PenaltyPolicy};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let b = late_penalty_batch(&[(1.into(), d("2026-01-01"))], d("2026-10-31"), &PenaltyPolicy::daily("0.001".parse().unwrap()), &Default::default())?;
    /// assert!(!b.is_empty());
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.minor.is_empty()
    }

    /// The penalty of item `i`.
    ///
    /// ```
    /// # use estatekit::fees::calc::{late_penalty_batch, PenaltyPolicy};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let b = late_penalty_batch(&[(100.into(), d("2026-10-30"))], d("2026-10-31"), &PenaltyPolicy::daily("0.01".parse()?), &Default::default())?;
    /// assert_eq!(b.get(0).map(|p| p.to_string()), Some("1.00".into()));
    /// assert_eq!(b.get(1), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, i: usize) -> Option<Decimal> {
        let m = *self.minor.get(i)?;
        Some(match self.wide.binary_search_by_key(&i, |w| w.0) {
            Ok(k) => self.wide[k].1,
            Err(_) => Decimal::new(i64::from(m), self.scale),
        })
    }

    /// Every penalty, in item order.
    ///
    /// ```
    /// # use estatekit::fees::calc::{late_penalty_batch, PenaltyPolicy};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let b = late_penalty_batch(&[(100.into(), d("2026-10-30"))], d("2026-10-31"), &PenaltyPolicy::daily("0.01".parse()?), &Default::default())?;
    /// assert_eq!(b.to_vec(), vec!["1.00".parse::<rust_decimal::Decimal>()?]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_vec(&self) -> Vec<Decimal> {
        let mut out: Vec<Decimal> = self
            .minor
            .iter()
            .map(|&m| Decimal::new(i64::from(m), self.scale))
            .collect();
        for &(i, v) in &self.wide {
            out[i] = v;
        }
        out
    }

    /// The exact sum of the penalties.
    ///
    /// # Errors
    /// [`FeeError::Money`] when the sum does not fit a `Decimal`.
    ///
    /// ```
    /// # use estatekit::fees::calc::{late_penalty_batch, PenaltyPolicy};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let items = [(100.into(), d("2026-10-30")), (200.into(), d("2026-10-30"))];
    /// let b = late_penalty_batch(&items, d("2026-10-31"), &PenaltyPolicy::daily("0.01".parse()?), &Default::default())?;
    /// assert_eq!(b.total()?.to_string(), "3.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total(&self) -> Result<Decimal, FeeError> {
        let overflow = || FeeError::Money {
            path: "penalties".into(),
            source: crate::money::MoneyError::Overflow {
                context: "the sum of the penalties does not fit a decimal".into(),
            },
        };
        // 2^31 values below 2^31 in magnitude sum below 2^62 in an i64 (which
        // vectorizes); the chunk sums are added in i128.
        let minor: i128 = self
            .minor
            .chunks(1 << 31)
            .map(|c| i128::from(c.iter().map(|&m| i64::from(m)).sum::<i64>()))
            .sum();
        let compact =
            Decimal::try_from_i128_with_scale(minor, self.scale).map_err(|_| overflow())?;
        if self.wide.is_empty() {
            return Ok(compact);
        }
        let mut all: Vec<Decimal> = Vec::with_capacity(self.wide.len() + 1);
        all.push(compact);
        all.extend(self.wide.iter().map(|w| w.1));
        let total = crate::money::sum(&all).map_err(|_| overflow())?;
        Ok(total)
    }
}

/// [`late_penalties`] into a compact [`PenaltyBatch`] (for millions of items).
///
/// # Errors
/// As [`late_penalties`].
///
/// ```
/// use estatekit::fees::calc::{late_penalties, late_penalty_batch, PenaltyPolicy};
/// use estatekit::money::RoundingPolicy;
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let items = [("500".parse()?, d("2026-10-01")), ("100".parse()?, d("2026-10-21"))];
/// let (p, r) = (PenaltyPolicy::daily("0.003".parse()?), RoundingPolicy::default());
/// let batch = late_penalty_batch(&items, d("2026-10-31"), &p, &r)?;
/// assert_eq!(batch.to_vec(), late_penalties(&items, d("2026-10-31"), &p, &r)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn late_penalty_batch(
    items: &[(Decimal, NaiveDate)],
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    rounding: &RoundingPolicy,
) -> Result<PenaltyBatch, FeeError> {
    policy.validate()?;
    penalty_batch_part(items, 0, as_of, policy, rounding)
}

/// The fewest items a thread of [`late_penalty_batch_threads`] is given (tens of
/// nanoseconds each: a thread costs about as much as a few thousand items).
const PENALTY_ITEMS_PER_THREAD: usize = 32 * 1024;

/// [`late_penalty_batch`] on `threads` threads (`0`: every core, see
/// [`crate::parallel::resolve`]): the items are cut into contiguous chunks, each
/// billed on its own thread, and the pieces put back in order, so the batch is the
/// same whatever the count; a batch of fewer than 65,536 items runs on the caller's
/// thread.
///
/// # Errors
/// As [`late_penalty_batch`], and the same error: the one of the first failing item in
/// input order (its path `items[i]` counts from the start of `items`).
///
/// ```
/// use estatekit::fees::calc::{late_penalty_batch, late_penalty_batch_threads, PenaltyPolicy};
/// use estatekit::money::RoundingPolicy;
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let items: Vec<_> = (0..200_000).map(|i| (rust_decimal::Decimal::new(i, 2), d("2026-09-01"))).collect();
/// let (p, r) = (PenaltyPolicy::daily("0.0005".parse()?), RoundingPolicy::default());
/// let every_core = late_penalty_batch_threads(&items, d("2026-10-31"), &p, &r, 0)?;
/// assert_eq!(every_core, late_penalty_batch(&items, d("2026-10-31"), &p, &r)?);
/// let mut bad = items.clone();
/// bad[150_000].0 = "-1".parse()?;
/// let e = late_penalty_batch_threads(&bad, d("2026-10-31"), &p, &r, 2).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("negative", "items[150000].principal"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn late_penalty_batch_threads(
    items: &[(Decimal, NaiveDate)],
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    rounding: &RoundingPolicy,
    threads: u32,
) -> Result<PenaltyBatch, FeeError> {
    policy.validate()?;
    let parts = crate::parallel::map_chunks(
        items,
        crate::parallel::resolve(threads),
        PENALTY_ITEMS_PER_THREAD,
        |offset, chunk| penalty_batch_part(chunk, offset, as_of, policy, rounding),
    );
    let mut parts = parts.into_iter();
    // The first chunk's error is the first failing item's: the chunks before it passed.
    let mut batch = match parts.next() {
        Some(first) => first?,
        None => return penalty_batch_part(items, 0, as_of, policy, rounding),
    };
    batch.minor.reserve_exact(items.len() - batch.minor.len());
    for part in parts {
        let part = part?;
        let offset = batch.minor.len();
        batch.minor.extend_from_slice(&part.minor);
        batch
            .wide
            .extend(part.wide.into_iter().map(|(i, v)| (offset + i, v)));
    }
    Ok(batch)
}

/// The penalties of `items`, the first of which is item `offset` of the whole batch
/// (an error names `items[offset + i]`); the policy is already validated.
fn penalty_batch_part(
    items: &[(Decimal, NaiveDate)],
    offset: usize,
    as_of: NaiveDate,
    policy: &PenaltyPolicy,
    rounding: &RoundingPolicy,
) -> Result<PenaltyBatch, FeeError> {
    let scale = rounding.scale();
    let mut minor: Vec<i32> = Vec::with_capacity(items.len());
    let mut wide = Vec::new();
    let mut i = 0;
    while i < items.len() {
        i += batch_fast(&items[i..], as_of, policy, rounding, |q| {
            match i32::try_from(q) {
                Ok(m) => minor.push(m),
                // |q| < 2^63 and the scale is at most 12: a valid `Decimal`.
                Err(_) => keep_wide(&mut minor, &mut wide, Decimal::new(q, scale)),
            }
        });
        let Some(&(principal, due)) = items.get(i) else {
            break;
        };
        non_negative(principal, || format!("items[{}].principal", offset + i))?;
        let v = accrue_rounded(principal, due, as_of, policy, &[], rounding)
            .map_err(|e| e.or_path(|| format!("items[{}]", offset + i)))?;
        match i64::try_from(v.mantissa())
            .ok()
            .filter(|_| v.scale() == scale)
            .and_then(|m| i32::try_from(m).ok())
        {
            Some(m) => minor.push(m),
            None => keep_wide(&mut minor, &mut wide, v),
        }
        i += 1;
    }
    Ok(PenaltyBatch { scale, minor, wide })
}

/// Records a penalty that does not fit the 32-bit minor units of a [`PenaltyBatch`].
#[cold]
#[inline(never)]
fn keep_wide(minor: &mut Vec<i32>, wide: &mut Vec<(usize, Decimal)>, v: Decimal) {
    wide.push((minor.len(), v));
    minor.push(0);
}

/// One block of a tiered (阶梯) price: units up to `up_to` (cumulative; `None` = no
/// upper bound) cost `price` each.
///
/// ```
/// use estatekit::fees::calc::Tier;
/// let t = Tier { up_to: Some("180".parse().unwrap()), price: "0.56".parse().unwrap() };
/// assert_eq!(t.price.to_string(), "0.56");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Cumulative upper bound of this block, or `None` for the last block.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub up_to: Option<Decimal>,
    /// Price per unit within the block.
    #[serde(with = "crate::json::decimal")]
    pub price: Decimal,
}

/// How much of a consumption fell in one tier, and its cost.
///
/// ```
/// use estatekit::fees::calc::{tiered_cost, Tier};
/// let tiers = [Tier { up_to: Some(10.into()), price: 2.into() }, Tier { up_to: None, price: 3.into() }];
/// let (cost, uses) = tiered_cost(15.into(), &tiers, "tiers")?;
/// assert_eq!(cost, rust_decimal::Decimal::from(35));
/// assert_eq!(uses[1].quantity, rust_decimal::Decimal::from(5));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierUse {
    /// Units billed in this tier.
    #[serde(with = "crate::json::decimal")]
    pub quantity: Decimal,
    /// Price per unit.
    #[serde(with = "crate::json::decimal")]
    pub price: Decimal,
    /// `quantity × price`, unrounded.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
}

/// Checks tiers: at least one, prices ≥ 0, bounds increasing, only the last unbounded.
pub(crate) fn validate_tiers(tiers: &[Tier], path: &str) -> Result<(), FeeError> {
    if tiers.is_empty() {
        return Err(FeeError::value(
            "missing_value",
            path,
            "at least one tier is required",
        ));
    }
    let mut previous = Decimal::ZERO;
    for (i, t) in tiers.iter().enumerate() {
        non_negative(t.price, || format!("{path}[{i}].price"))?;
        match t.up_to {
            Some(b) if b <= previous => {
                return Err(FeeError::value(
                    "not_increasing",
                    format!("{path}[{i}].up_to"),
                    format!("tier bounds must increase: {b} is not above {previous}"),
                ));
            }
            Some(b) => previous = b,
            None if i + 1 != tiers.len() => {
                return Err(FeeError::value(
                    "not_increasing",
                    format!("{path}[{i}].up_to"),
                    "only the last tier may be unbounded",
                ));
            }
            None => {}
        }
    }
    Ok(())
}

/// The cost of `quantity` under tiered prices (unrounded), with the use of each tier.
/// Consumption beyond the last bounded tier is priced at the last tier's price.
///
/// # Errors
/// [`FeeError::InvalidValue`] for empty or unordered tiers, [`FeeError::Negative`] for a
/// negative quantity or price.
///
/// ```
/// use estatekit::fees::calc::{tiered_cost, Tier};
/// let tiers = [Tier { up_to: None, price: "0.62".parse().unwrap() }];
/// assert_eq!(tiered_cost(100.into(), &tiers, "tiers")?.0.to_string(), "62.00");
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
pub fn tiered_cost(
    quantity: Decimal,
    tiers: &[Tier],
    path: &str,
) -> Result<(Decimal, Vec<TierUse>), FeeError> {
    validate_tiers(tiers, path)?;
    non_negative(quantity, || "quantity".into())?;
    let mut uses = Vec::new();
    let cost = tiered_walk(quantity, tiers, path, |u| uses.push(u))?;
    Ok((cost, uses))
}

/// The cost of a non-negative `quantity` under valid `tiers` (checked by the caller),
/// handing each block used to `on_use`: the arithmetic of [`tiered_cost`], which calls
/// it, so a caller that keeps only the cost (billing's compact metered lines, whose
/// blocks are priced again when a bill is materialized) gets the same amount.
pub(crate) fn tiered_walk(
    quantity: Decimal,
    tiers: &[Tier],
    path: &str,
    mut on_use: impl FnMut(TierUse),
) -> Result<Decimal, FeeError> {
    let mut cost = Decimal::ZERO;
    let mut lower = Decimal::ZERO;
    for (i, t) in tiers.iter().enumerate() {
        let last = i + 1 == tiers.len();
        let upper = if last { None } else { t.up_to };
        let in_tier = match upper {
            Some(u) => (quantity.min(u) - lower).max(Decimal::ZERO),
            None => (quantity - lower).max(Decimal::ZERO),
        };
        if in_tier > Decimal::ZERO {
            let amount = mul(in_tier, t.price, path)?;
            cost = add(cost, amount, path)?;
            on_use(TierUse {
                quantity: in_tier,
                price: t.price,
                amount,
            });
        }
        if let Some(u) = upper {
            lower = u;
        }
        if quantity <= lower {
            break;
        }
    }
    Ok(cost)
}

/// `current − previous` for two readings at the same scale with
/// `0 ≤ previous ≤ current` (signs as stored: a negative zero takes the general path),
/// from their mantissas; `None` otherwise.
#[inline]
fn plain_difference(previous: Decimal, current: Decimal) -> Option<Decimal> {
    if previous.scale() != current.scale()
        || previous.is_sign_negative()
        || current.is_sign_negative()
    {
        return None;
    }
    let (p, c) = (previous.mantissa(), current.mantissa());
    if c < p {
        return None;
    }
    Some(
        Decimal::try_from_i128_with_scale(c - p, current.scale())
            .expect("0 ≤ c − p ≤ c, which is a Decimal's mantissa at a valid scale"),
    )
}

/// Tiered prices as integers, for pricing many quantities exactly without `Decimal`
/// arithmetic: every bound at the bounds' largest scale, every price at the prices'
/// largest scale. [`IntTiers::cost_minor`] equals
/// `policy.round(tiered_walk(quantity, tiers, ..))` wherever it answers.
#[derive(Debug, Clone)]
pub(crate) struct IntTiers {
    /// The upper bounds of the blocks but the last (whose bound is ignored), at
    /// `bound_scale`, increasing.
    bounds: Vec<i128>,
    bound_scale: u32,
    /// The price of each block, at `price_scale`.
    prices: Vec<i128>,
    price_scale: u32,
}

/// The largest mantissa the integer paths keep (`10^27`, below `Decimal`'s 2^96): a
/// cost at most this large is exact in `Decimal` too, so both paths agree.
const INT_TIERS_MAX: i128 = 1_000_000_000_000_000_000_000_000_000;

/// `10^i` for the scales a `Decimal` has (0 to 28).
const POW10_I128: [i128; 29] = {
    let mut t = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

impl IntTiers {
    /// The integer form of valid `tiers` (see [`validate_tiers`]); `None` when a scale
    /// is too large for the integer path (callers then use [`tiered_walk`]).
    pub(crate) fn new(tiers: &[Tier]) -> Option<Self> {
        let bounded = tiers.get(..tiers.len().saturating_sub(1))?;
        let bound_scale = bounded
            .iter()
            .filter_map(|t| t.up_to.map(|b| b.scale()))
            .max()
            .unwrap_or(0);
        let price_scale = tiers.iter().map(|t| t.price.scale()).max()?;
        if bound_scale > 12 || price_scale > 12 {
            return None;
        }
        let at = |d: Decimal, scale: u32| -> Option<i128> {
            d.mantissa()
                .checked_mul(10i128.checked_pow(scale - d.scale())?)
                .filter(|m| m.abs() <= INT_TIERS_MAX)
        };
        let bounds = bounded
            .iter()
            .map(|t| t.up_to.and_then(|b| at(b, bound_scale)))
            .collect::<Option<Vec<_>>>()?;
        let prices = tiers
            .iter()
            .map(|t| at(t.price, price_scale))
            .collect::<Option<Vec<_>>>()?;
        Some(Self {
            bounds,
            bound_scale,
            prices,
            price_scale,
        })
    }

    /// The cost of `quantity` (≥ 0) rounded with `policy`, in minor units of its scale;
    /// `None` for a negative quantity, a scale beyond the integer path or a cost above
    /// [`INT_TIERS_MAX`] (callers then use [`tiered_walk`]).
    #[inline]
    pub(crate) fn cost_minor(&self, quantity: Decimal, policy: &RoundingPolicy) -> Option<i64> {
        if quantity.is_sign_negative() {
            return None;
        }
        let q_scale = quantity.scale().max(self.bound_scale);
        let scale = q_scale + self.price_scale;
        if scale > 28 {
            return None;
        }
        let q = quantity
            .mantissa()
            .checked_mul(POW10_I128[(q_scale - quantity.scale()) as usize])?;
        let lift = POW10_I128[(q_scale - self.bound_scale) as usize];
        let mut cost: i128 = 0;
        let mut lower: i128 = 0;
        for (i, &price) in self.prices.iter().enumerate() {
            let upper = match self.bounds.get(i) {
                Some(&b) => b.checked_mul(lift)?.min(q),
                None => q,
            };
            if upper > lower {
                cost = cost.checked_add((upper - lower).checked_mul(price)?)?;
            }
            if upper >= q {
                break;
            }
            lower = upper;
        }
        if cost > INT_TIERS_MAX {
            return None;
        }
        i64::try_from(policy.round_to_minor(cost, scale)?).ok()
    }
}

/// The cost of `quantity` consumed after `already` under **cumulative** tiered prices
/// (annual tiers, 年度阶梯): the part of `[already, already + quantity]` within each
/// block × its price, unrounded, with the use of each block. Equal to
/// `tiered_cost(already + quantity) − tiered_cost(already)`, block by block; with
/// `already = 0` it is [`tiered_cost`].
///
/// # Errors
/// As [`tiered_cost`]; [`FeeError::Negative`] naming `year_to_date` for a negative
/// `already`.
///
/// ```
/// use estatekit::fees::calc::{tiered_cost_after, Tier};
/// // Beijing residential water (北京市居民用水阶梯水价), per year: 0–180 m³ at 5.00,
/// // 181–260 m³ at 7.00, above at 9.00. 172 m³ so far this year, 18 m³ this month:
/// // 8 × 5.00 + 10 × 7.00 = 110.00.
/// let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
/// let tiers = [Tier { up_to: Some(d("180")), price: d("5.00") },
///              Tier { up_to: Some(d("260")), price: d("7.00") },
///              Tier { up_to: None, price: d("9.00") }];
/// let (cost, uses) = tiered_cost_after(d("172"), d("18"), &tiers, "tiers")?;
/// assert_eq!(cost.to_string(), "110.00");
/// assert_eq!((uses[0].quantity, uses[1].quantity), (d("8"), d("10")));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
pub fn tiered_cost_after(
    already: Decimal,
    quantity: Decimal,
    tiers: &[Tier],
    path: &str,
) -> Result<(Decimal, Vec<TierUse>), FeeError> {
    validate_tiers(tiers, path)?;
    non_negative(already, || "year_to_date".into())?;
    non_negative(quantity, || "quantity".into())?;
    let hi = add(already, quantity, path)?;
    blocks_between(already, hi, tiers, path)
}

/// The part of `[lo, hi]` (`lo ≤ hi`) within each block × its price, the first block
/// reaching down below zero (so a credit below a year's start is priced at the first
/// price) and the last one up without a bound; the tiers are valid.
pub(crate) fn blocks_between(
    lo: Decimal,
    hi: Decimal,
    tiers: &[Tier],
    path: &str,
) -> Result<(Decimal, Vec<TierUse>), FeeError> {
    let mut uses = Vec::new();
    let mut cost = Decimal::ZERO;
    let mut lower: Option<Decimal> = None;
    for (i, t) in tiers.iter().enumerate() {
        let upper = if i + 1 == tiers.len() { None } else { t.up_to };
        let from = lower.map_or(lo, |l| l.max(lo));
        let to = upper.map_or(hi, |u| u.min(hi));
        if to > from {
            let quantity = to.checked_sub(from).ok_or_else(|| {
                FeeError::value("overflow", path, format!("{to} − {from} is too large"))
            })?;
            let amount = mul(quantity, t.price, path)?;
            cost = add(cost, amount, path)?;
            uses.push(TierUse {
                quantity,
                price: t.price,
                amount,
            });
        }
        match upper {
            Some(u) if u < hi => lower = Some(u),
            _ => break,
        }
    }
    Ok((cost, uses))
}

/// What happened to a meter between two readings, recorded explicitly.
///
/// ```
/// use estatekit::fees::calc::MeterChange;
/// let c: MeterChange = serde_json::from_str(r#"{"rollover": {"wraps_at": "100000"}}"#).unwrap();
/// assert!(matches!(c, MeterChange::Rollover { .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MeterChange {
    /// The meter was replaced: the old one's final reading and the new one's first.
    Replacement {
        /// Final register value of the old meter.
        #[serde(with = "crate::json::decimal")]
        old_final: Decimal,
        /// Initial register value of the new meter.
        #[serde(with = "crate::json::decimal")]
        new_initial: Decimal,
    },
    /// The register passed its maximum and restarted from zero.
    Rollover {
        /// The value at which the register returns to zero (e.g. 100000 for 5 digits).
        #[serde(with = "crate::json::decimal")]
        wraps_at: Decimal,
    },
}

/// Consumption between two register readings: `(current − previous) × multiplier`,
/// adjusted for a recorded replacement or rollover.
///
/// # Errors
/// [`FeeError::ReadingBelowPrevious`] when the current reading is lower than the
/// previous one and no change is recorded; [`FeeError::InvalidValue`] for a change that
/// does not fit the readings.
///
/// ```
/// use estatekit::fees::calc::{consumption, MeterChange};
/// let c = consumption("E-1", "99990".parse()?, "15".parse()?, 1.into(),
///                     Some(MeterChange::Rollover { wraps_at: "100000".parse()? }))?;
/// assert_eq!(c.to_string(), "25");
/// let err = consumption("E-1", 120.into(), 100.into(), 1.into(), None).unwrap_err();
/// assert_eq!(err.code(), "reading_below_previous");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn consumption(
    meter_id: &str,
    previous: Decimal,
    current: Decimal,
    multiplier: Decimal,
    change: Option<MeterChange>,
) -> Result<Decimal, FeeError> {
    // Usual case: no change, both readings at one scale, in order: the difference of
    // the mantissas (the same value and scale as `Decimal`'s subtraction).
    if change.is_none()
        && let Some(register) = plain_difference(previous, current)
        && !multiplier.is_sign_negative()
    {
        if multiplier == Decimal::ONE && multiplier.scale() == 0 {
            return Ok(register);
        }
        if let Some(used) = register.checked_mul(multiplier) {
            return Ok(used);
        }
    }
    let path = || format!("meters[{meter_id}]");
    for (value, field) in [
        (previous, "previous"),
        (current, "current"),
        (multiplier, "multiplier"),
    ] {
        non_negative(value, || format!("meters[{meter_id}].{field}"))?;
    }
    // Every reading is ≥ 0 from here on: a difference of two cannot overflow, a sum
    // of two can (checked).
    let register = match change {
        None if current < previous => {
            return Err(FeeError::ReadingBelowPrevious {
                path: path(),
                meter_id: meter_id.to_owned(),
                previous,
                current,
            });
        }
        None => current - previous,
        Some(MeterChange::Replacement {
            old_final,
            new_initial,
        }) => {
            if old_final < previous || current < new_initial {
                return Err(FeeError::value(
                    "inconsistent_readings",
                    path(),
                    format!(
                        "replacement does not fit the readings: old meter {previous}→{old_final}, new meter {new_initial}→{current}"
                    ),
                ));
            }
            non_negative(new_initial, || format!("meters[{meter_id}].new_initial"))?;
            add(old_final - previous, current - new_initial, &path())?
        }
        Some(MeterChange::Rollover { wraps_at }) => {
            if previous >= wraps_at || current >= wraps_at || current >= previous {
                return Err(FeeError::value(
                    "inconsistent_readings",
                    path(),
                    format!(
                        "rollover at {wraps_at} does not fit the readings {previous}→{current}"
                    ),
                ));
            }
            add(wraps_at - previous, current, &path())?
        }
    };
    match register.checked_mul(multiplier) {
        Some(used) => Ok(used),
        // The error names the meter: its path is made only when it is raised.
        None => mul(register, multiplier, &path()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Beijing residential water by year (5.00 to 180, 7.00 to 260, 9.00 above) and
    /// odd scales: the integer pricer equals the `Decimal` walk rounded, every mode.
    #[test]
    fn int_tiers_equal_the_decimal_walk() {
        use crate::money::RoundingMode;
        let t = |up: Option<&str>, price: &str| Tier {
            up_to: up.map(dec),
            price: dec(price),
        };
        let tables = [
            vec![
                t(Some("180"), "5.00"),
                t(Some("260"), "7.00"),
                t(None, "9.00"),
            ],
            vec![
                t(Some("0.5"), "1.2345"),
                t(Some("7.25"), "3"),
                t(Some("99"), "0.001"),
            ],
            vec![t(None, "0.485")],
        ];
        for tiers in &tables {
            let int = IntTiers::new(tiers).expect("small scales");
            for q in [
                "0", "0.001", "0.5", "17", "180", "180.7", "259.99", "260", "1000.125", "7.25",
            ] {
                for mode in RoundingMode::ALL {
                    let policy = RoundingPolicy::new(2, mode).expect("policy");
                    let walk = policy.round(tiered_walk(dec(q), tiers, "t", |_| {}).expect("walk"));
                    let minor = int.cost_minor(dec(q), &policy).expect("in range");
                    assert_eq!(Decimal::new(minor, 2), walk, "{q} {mode:?} {tiers:?}");
                }
            }
        }
        // Beijing: 200 m³ = 180 × 5 + 20 × 7 = 1,040.00.
        let int = IntTiers::new(&tables[0]).expect("tiers");
        assert_eq!(
            int.cost_minor(dec("200"), &RoundingPolicy::default()),
            Some(104_000)
        );
        assert_eq!(int.cost_minor(dec("-1"), &RoundingPolicy::default()), None);
    }

    proptest::proptest! {
        #[test]
        fn int_tiers_agree_with_the_walk(
            steps in proptest::collection::vec((1i64..100_000, 0u32..4), 0..4),
            prices in proptest::collection::vec((0i64..100_000, 0u32..5), 4),
            q in (0i64..10_000_000, 0u32..4),
            scale in 0u32..4,
            mode in 0usize..4,
        ) {
            let mut up = Decimal::ZERO;
            let mut tiers: Vec<Tier> = steps
                .iter()
                .zip(&prices)
                .map(|(&(step, s), &(p, ps))| {
                    up += Decimal::new(step, s);
                    Tier { up_to: Some(up), price: Decimal::new(p, ps) }
                })
                .collect();
            let (p, ps) = prices[tiers.len()];
            tiers.push(Tier { up_to: None, price: Decimal::new(p, ps) });
            let policy = RoundingPolicy::new(scale, crate::money::RoundingMode::ALL[mode]).expect("policy");
            let quantity = Decimal::new(q.0, q.1);
            let walk = policy.round(tiered_walk(quantity, &tiers, "t", |_| {}).expect("walk"));
            let minor = IntTiers::new(&tiers).and_then(|t| t.cost_minor(quantity, &policy));
            proptest::prop_assert_eq!(minor.map(|m| Decimal::new(m, scale)), Some(walk));
        }
    }
    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn worked_examples() {
        let p = RoundingPolicy::default();
        let pen = late_penalty(
            dec("500.00"),
            d("2026-10-01"),
            d("2026-10-31"),
            &PenaltyPolicy::daily(dec("0.003")),
            &p,
        );
        assert_eq!(pen.unwrap(), dec("45.00"));
        let pro = prorate(
            dec("100.00"),
            d("2026-10-01"),
            d("2026-10-31"),
            d("2026-10-20"),
            d("2026-10-31"),
            DayCount::Actual,
            &p,
        );
        assert_eq!(pro.unwrap().to_string(), "38.71");
    }

    #[test]
    fn grace_and_count_from() {
        let r = RoundingPolicy::default();
        let mut p = PenaltyPolicy::daily(dec("0.01"));
        p.grace_days = 5;
        let pen = |as_of: &str, p: &PenaltyPolicy| {
            late_penalty(dec("100"), d("2026-10-01"), d(as_of), p, &r).unwrap()
        };
        assert_eq!(pen("2026-10-06", &p), dec("0")); // 5 days overdue: within grace
        assert_eq!(pen("2026-10-07", &p), dec("6.00")); // 6 days, all counted
        p.count_from = CountFrom::GraceEnd;
        assert_eq!(pen("2026-10-07", &p), dec("1.00")); // only the day after grace
        assert_eq!(pen("2026-09-20", &p), dec("0")); // before due
    }

    #[test]
    fn caps_and_minimum() {
        let r = RoundingPolicy::default();
        let mut p = PenaltyPolicy::daily(dec("0.01"));
        p.cap = Some(PenaltyCap::Fraction(dec("0.1")));
        assert_eq!(
            late_penalty(dec("100"), d("2026-01-01"), d("2026-12-31"), &p, &r).unwrap(),
            dec("10.00")
        );
        p.cap = Some(PenaltyCap::Amount(dec("3")));
        assert_eq!(
            late_penalty(dec("100"), d("2026-01-01"), d("2026-12-31"), &p, &r).unwrap(),
            dec("3.00")
        );
        p.cap = None;
        p.min_balance = Some(dec("50"));
        let pay = [PrincipalPayment {
            date: d("2026-01-06"),
            amount: dec("60"),
        }];
        // Days Jan 2..=Jan 6 on 100 (5 days × 1.00); from Jan 7 the 40 left is below the minimum.
        assert_eq!(
            penalty_exact(dec("100"), d("2026-01-01"), d("2026-01-31"), &p, &pay).unwrap(),
            dec("5.00")
        );
    }

    #[test]
    fn payment_on_the_as_of_day_does_not_reduce_that_day() {
        let p = PenaltyPolicy::daily(dec("0.01"));
        let pay = [PrincipalPayment {
            date: d("2026-01-11"),
            amount: dec("100"),
        }];
        assert_eq!(
            penalty_exact(dec("100"), d("2026-01-01"), d("2026-01-11"), &p, &pay).unwrap(),
            dec("10.00")
        );
        assert_eq!(
            penalty_exact(dec("100"), d("2026-01-01"), d("2026-01-31"), &p, &pay).unwrap(),
            dec("10.00")
        );
    }

    #[test]
    fn negative_inputs_are_errors() {
        let mut p = PenaltyPolicy::daily(dec("-0.1"));
        assert_eq!(p.validate().unwrap_err().path(), "daily_rate");
        p.daily_rate = dec("0.001");
        let e = penalty_exact(dec("-1"), d("2026-01-01"), d("2026-01-31"), &p, &[]).unwrap_err();
        assert_eq!((e.code(), e.path()), ("negative", "principal"));
    }

    #[test]
    fn tiers() {
        let tiers = [
            Tier {
                up_to: Some(dec("180")),
                price: dec("0.56"),
            },
            Tier {
                up_to: Some(dec("280")),
                price: dec("0.61"),
            },
            Tier {
                up_to: None,
                price: dec("0.86"),
            },
        ];
        let (cost, uses) = tiered_cost(dec("300"), &tiers, "tiers").unwrap();
        assert_eq!(
            cost,
            dec("180") * dec("0.56") + dec("100") * dec("0.61") + dec("20") * dec("0.86")
        );
        assert_eq!(uses.len(), 3);
        let (cost, uses) = tiered_cost(dec("100"), &tiers, "tiers").unwrap();
        assert_eq!((cost, uses.len()), (dec("56.00"), 1));
        let bad = [
            Tier {
                up_to: Some(dec("10")),
                price: dec("1"),
            },
            Tier {
                up_to: Some(dec("5")),
                price: dec("1"),
            },
        ];
        assert_eq!(
            tiered_cost(dec("1"), &bad, "tiers").unwrap_err().path(),
            "tiers[1].up_to"
        );
    }

    #[test]
    fn meter_changes() {
        let repl = MeterChange::Replacement {
            old_final: dec("1050"),
            new_initial: dec("0"),
        };
        assert_eq!(
            consumption("W", dec("1000"), dec("20"), dec("1"), Some(repl)).unwrap(),
            dec("70")
        );
        assert_eq!(
            consumption("E", dec("10"), dec("12.5"), dec("40"), None).unwrap(),
            dec("100.0")
        );
        assert_eq!(
            consumption("E", dec("10"), dec("5"), dec("1"), None)
                .unwrap_err()
                .path(),
            "meters[E]"
        );
    }

    #[test]
    fn thirty_360_counts() {
        assert_eq!(
            DayCount::Thirty360.days(d("2026-10-01"), d("2026-10-31")),
            30
        );
        let t = |a: &str, b: &str| DayCount::Thirty360.days(d(a), d(b));
        assert_eq!(t("2026-02-01", "2026-02-28"), 30);
        assert_eq!(t("2026-02-01", "2026-02-27"), 27);
        assert_eq!(t("2026-03-31", "2026-03-31"), 0);
        assert_eq!(t("2026-03-22", "2026-03-31"), 9);
        assert_eq!(t("2026-01-31", "2026-02-01"), 1);
        assert_eq!(t("2026-01-01", "2026-12-31"), 360);
        assert_eq!(DayCount::Actual.days(d("2026-10-31"), d("2026-10-01")), 0);
        assert_eq!(DayCount::Actual.days(d("2024-01-01"), d("2024-12-31")), 366);
    }
}
