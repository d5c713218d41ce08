//! The billing period and what a run is given besides the estate and the schedule:
//! pooled amounts, extra readings, meter changes, the issue date, strictness and
//! estimates; and the problems a non-strict run sets aside.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::fees::FeeError;
use crate::fees::calc::MeterChange;

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
    /// [`FeeError::InvalidValue`] `out_of_range` naming `year` for a year outside
    /// 1–9999 (the years every binding's date type holds, so no date of a run fails
    /// later); [`FeeError::InvalidValue`] naming `month` for a month outside 1–12.
    ///
    /// ```
    /// use estatekit::fees::billing::BillingPeriod;
    /// let p = BillingPeriod::month(2024, 2)?;
    /// assert_eq!(p.days(), 29);
    /// let e = BillingPeriod::month(0, 1).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("out_of_range", "year"));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn month(year: i32, month: u32) -> Result<Self, FeeError> {
        if !(1..=9999).contains(&year) {
            return Err(FeeError::value(
                "out_of_range",
                "year",
                format!("{year} is outside the years 1–9999"),
            ));
        }
        let start = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| {
            FeeError::value(
                "out_of_range",
                "month",
                format!("{year}-{month} is not a valid month"),
            )
        })?;
        let end = month_end(start, 1)
            .ok_or_else(|| FeeError::value("out_of_range", "month", "year out of range"))?;
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
pub(super) fn month_end(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))?.pred_opt()
}

/// The amount of a pooled item for this period (e.g. the utility's invoice).
///
/// ```
/// let p = estatekit::fees::billing::PooledAmount { code: "common_electricity".into(), group: None, amount: "3943.20".parse().unwrap() };
/// assert_eq!(p.code, "common_electricity");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PooledAmount {
    /// The pooled fee item's code.
    pub code: String,
    /// For an item split per building or group (`split_by`): the building or group
    /// whose amount this is (JSON `group`); `None` for an item split over the estate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
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
    /// item's [`DueRule`](crate::fees::schedule::DueRule) applied to it. `None` (the
    /// default): the day after the period ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<NaiveDate>,
    /// All or nothing (JSON `strict`, default false): a problem of one unit or meter
    /// (a missing reading, a reading below the previous one without a recorded
    /// change, a reading row naming an unknown meter or with a negative value) fails
    /// the whole run, as in earlier releases. By default it becomes one of the run's
    /// [`BillingRun::exceptions`](super::BillingRun::exceptions) and every other unit is billed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    /// Estimate (估抄) a unit meter's missing reading (JSON `estimate`: the number of
    /// periods of history, e.g. 3; `None`, the default, or `Some(0)`: a missing reading
    /// stays missing). See [`bill_estate`](super::bill_estate), "Estimates". The run lists what it estimated in
    /// [`BillingRun::estimated_readings`](super::BillingRun::estimated_readings): store them with
    /// [`Estate::updated`](crate::estate::Estate::updated), so that the next real
    /// reading trues them up. `Some(0)` is refused (`invalid` at `estimate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<u32>,
    /// The consumption of a meter so far in its tier year, before the billed readings
    /// (JSON `year_to_date`: `{"W-1-101": "172"}`), for a metered item with `year`
    /// tier limits when the estate's readings do not reach back to the tier year's
    /// start (see [`bill_estate`](super::bill_estate), "Annual tiers"). Used only for such
    /// a meter; a meter whose readings cover the year is priced from them. A
    /// negative value or an unknown meter fails the run (`negative` /
    /// `unknown_reference` at `year_to_date[meter id]`), strict or not.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "decimal_map"
    )]
    pub year_to_date: BTreeMap<String, Decimal>,
    /// Bill back to this date (JSON `since`, default none): a unit delivered on or
    /// after it and before the period is billed its area and fixed items from its
    /// delivery, in one line per item (a move-in on 20 August billed with September,
    /// when no earlier run billed it). Each billing period's part is priced by the
    /// item version in force in it, and the line is rounded by the estate's
    /// [`round`](crate::estate::EstateData::round) policy; its explanation lists the
    /// parts ([`Explanation::Spanning`](super::Explanation::Spanning)). A unit
    /// delivered before `since` is billed the period only, as without it. A date
    /// after the period's first day is refused (`invalid` at `since`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
}

/// A map of strings to decimals written as strings.
mod decimal_map {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct D(#[serde(with = "crate::json::decimal")] Decimal);

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<String, Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(map.iter().map(|(k, v)| (k, D(*v))))
    }

    pub(super) fn deserialize<'de, De: Deserializer<'de>>(
        d: De,
    ) -> Result<BTreeMap<String, Decimal>, De::Error> {
        let map = BTreeMap::<String, D>::deserialize(d)?;
        Ok(map.into_iter().map(|(k, D(v))| (k, v)).collect())
    }
}

/// A problem of one unit, meter or input row that a (non-strict) billing run set
/// aside instead of failing: the unit's bill, or the pooled item's lines for every
/// unit, are not in the run; every other bill is. Fix the input and run the month
/// again: posting the new run adds what was missing and leaves what was posted
/// ([`Receivables::post`](crate::fees::receivables::Receivables::post) is safe to retry).
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
pub(super) fn unit_problem(e: &FeeError) -> Option<String> {
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
            group: None,
            amount,
        });
        self
    }

    /// Adds the pooled amount of one building or group of an item split per building
    /// or group (`split_by`).
    ///
    /// ```
    /// let i = estatekit::fees::billing::BillingInputs::default()
    ///     .with_pooled_in("lift_power", "B1", "300.00".parse().unwrap());
    /// assert_eq!(i.pooled[0].group.as_deref(), Some("B1"));
    /// ```
    pub fn with_pooled_in(
        mut self,
        code: impl Into<String>,
        group: impl Into<String>,
        amount: Decimal,
    ) -> Self {
        self.pooled.push(PooledAmount {
            code: code.into(),
            group: Some(group.into()),
            amount,
        });
        self
    }

    /// Sets the year-to-date consumption of a meter (see
    /// [`BillingInputs::year_to_date`]).
    ///
    /// ```
    /// let i = estatekit::fees::billing::BillingInputs::default().with_year_to_date("W-1-101", 172.into());
    /// assert_eq!(i.year_to_date["W-1-101"], 172.into());
    /// ```
    pub fn with_year_to_date(mut self, meter_id: impl Into<String>, consumption: Decimal) -> Self {
        self.year_to_date.insert(meter_id.into(), consumption);
        self
    }

    /// Bills units delivered on or after `since` from their delivery (see
    /// [`BillingInputs::since`]).
    ///
    /// ```
    /// let day: chrono::NaiveDate = "2026-08-01".parse().unwrap();
    /// let i = estatekit::fees::billing::BillingInputs::default().with_since(day);
    /// assert_eq!(i.since, Some(day));
    /// ```
    pub fn with_since(mut self, since: NaiveDate) -> Self {
        self.since = Some(since);
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
    /// [`FeeError::InvalidValue`] naming `issued_on` when the period ends on the last date
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
                FeeError::value(
                    "out_of_range",
                    "issued_on",
                    format!("no day after {} to issue the bills on", period.end),
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn a_span_of_months_ends_the_day_before_the_next_starts() {
        assert_eq!(month_end(day("2026-01-01"), 1), Some(day("2026-01-31")));
        assert_eq!(month_end(day("2026-01-01"), 3), Some(day("2026-03-31")));
        assert_eq!(month_end(day("2024-02-01"), 1), Some(day("2024-02-29")));
        assert_eq!(month_end(day("9999-12-01"), 1), Some(day("9999-12-31")));
        assert_eq!(month_end(NaiveDate::MAX, 1), None);
    }

    #[test]
    fn the_last_month_of_the_calendar_has_no_issue_day() {
        let december = BillingPeriod::month(9999, 12).expect("period");
        let next = BillingInputs::default().issue_date(&december);
        assert_eq!(next.map(|d| d.to_string()), Ok("+10000-01-01".into()));
        let last = BillingPeriod {
            start: NaiveDate::MAX,
            end: NaiveDate::MAX,
        };
        let e = BillingInputs::default().issue_date(&last).unwrap_err();
        assert_eq!((e.code(), e.path()), ("out_of_range", "issued_on"));
        assert_eq!(
            e.to_string(),
            format!(
                "issued_on: no day after {} to issue the bills on",
                NaiveDate::MAX
            )
        );
        let given = BillingInputs::default().with_issued_on(day("9999-12-31"));
        assert_eq!(given.issue_date(&last), Ok(day("9999-12-31")));
        let e = BillingPeriod::month(2026, 0).unwrap_err();
        assert_eq!(e.to_string(), "month: 2026-0 is not a valid month");
    }

    #[test]
    fn only_a_meter_problem_is_set_aside() {
        let missing = FeeError::MissingReading {
            path: "meters[W]".into(),
            meter_id: "W".into(),
            when: "between 2026-10-01 and 2026-10-31".into(),
        };
        assert_eq!(unit_problem(&missing), Some("W".into()));
        let below = FeeError::ReadingBelowPrevious {
            path: "meters[E]".into(),
            meter_id: "E".into(),
            previous: 10.into(),
            current: 9.into(),
        };
        assert_eq!(unit_problem(&below), Some("E".into()));
        assert_eq!(
            unit_problem(&FeeError::value("out_of_range", "issued_on", "x")),
            None
        );
    }

    #[test]
    fn inputs_read_strictly_from_json() {
        let i: BillingInputs =
            serde_json::from_str(r#"{"pooled": [{"code": "c", "amount": "1.50"}], "estimate": 3}"#)
                .expect("inputs");
        assert_eq!(
            (i.pooled[0].amount.to_string(), i.estimate, i.strict),
            ("1.50".into(), Some(3), false)
        );
        let i: BillingInputs =
            serde_json::from_str(r#"{"year_to_date": {"W-1": "172.5"}}"#).expect("inputs");
        assert_eq!(i.year_to_date["W-1"].to_string(), "172.5");
        assert_eq!(
            serde_json::to_string(&i).expect("json"),
            r#"{"pooled":[],"readings":[],"meter_changes":[],"year_to_date":{"W-1":"172.5"}}"#
        );
        let e =
            serde_json::from_str::<BillingInputs>(r#"{"pooled": [], "strikt": true}"#).unwrap_err();
        assert!(e.to_string().starts_with("unknown field `strikt`"), "{e}");
    }
}
