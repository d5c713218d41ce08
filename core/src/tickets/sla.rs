//! Service-level targets: response and resolution deadlines in calendar or business
//! time, paused while waiting for the owner.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::{TicketError, Urgency, ticket_enum};

/// One working period of a day, local time (`start < end`).
///
/// ```
/// let h = estatekit::tickets::WorkingHours::new("09:00".parse()?, "12:00".parse()?);
/// assert_eq!(h.start.to_string(), "09:00:00");
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingHours {
    /// Start, local time.
    pub start: NaiveTime,
    /// End, local time (exclusive).
    pub end: NaiveTime,
}

impl WorkingHours {
    /// Builds a period.
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// let h = estatekit::tickets::WorkingHours::new(NaiveTime::MIN, NaiveTime::from_hms_opt(8, 0, 0).unwrap());
    /// assert_eq!(h.start, NaiveTime::MIN);
    /// ```
    pub fn new(start: NaiveTime, end: NaiveTime) -> Self {
        Self { start, end }
    }
}

/// A business calendar: working hours per weekday (Monday first), holidays, make-up
/// working days (调休补班, [`BusinessCalendar::with_workdays`]) and the offset of local
/// time from UTC. Always has working hours on at least one weekday.
///
/// ```
/// use estatekit::tickets::BusinessCalendar;
/// let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)?;
/// assert_eq!(cal.hours()[5].len(), 0); // Saturday
/// assert_eq!(BusinessCalendar::weekly("09:00", "18:00", &[], 0).unwrap_err().code(), "no_working_hours");
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BusinessCalendar {
    hours: Vec<Vec<WorkingHours>>,
    holidays: BTreeSet<NaiveDate>,
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    workdays: BTreeSet<NaiveDate>,
    utc_offset_minutes: i32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarData {
    hours: Vec<Vec<WorkingHours>>,
    #[serde(default)]
    holidays: BTreeSet<NaiveDate>,
    #[serde(default)]
    workdays: BTreeSet<NaiveDate>,
    #[serde(default)]
    utc_offset_minutes: i32,
}

impl<'de> Deserialize<'de> for BusinessCalendar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        CalendarData::deserialize(d)?
            .calendar()
            .map_err(serde::de::Error::custom)
    }
}

/// The last instant a deadline can fall on: 9999-12-31T23:59:59.999999999Z, the end
/// of the four-digit years every binding can represent (Python's `datetime`, ISO-8601
/// strings). [`BusinessCalendar::add_seconds`] and the SLA deadlines refuse a deadline
/// after it with [`TicketError::NoBusinessTime`] instead of returning a sentinel.
///
/// ```
/// assert_eq!(estatekit::tickets::calendar_horizon().to_rfc3339(), "9999-12-31T23:59:59.999999999+00:00");
/// ```
pub fn calendar_horizon() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 999_999_999))
        .map_or(DateTime::<Utc>::MAX_UTC, |t| t.and_utc())
}

/// Nanoseconds per second.
const NS: i128 = 1_000_000_000;

/// Nanoseconds of a duration that is at most a day (times of day apart).
fn nanos(d: Duration) -> i128 {
    i128::from(d.num_nanoseconds().unwrap_or(0))
}

impl BusinessCalendar {
    /// A calendar from working hours per weekday (7 lists, Monday first), holidays
    /// (local dates with no working hours) and the UTC offset of local time.
    ///
    /// # Errors
    /// [`TicketError::NoWorkingHours`] if no weekday has working hours;
    /// [`TicketError::InvalidSla`] for a wrong number of weekdays, a period whose end
    /// is not after its start, overlapping periods, or an offset beyond ±18 hours.
    ///
    /// ```
    /// use estatekit::tickets::{BusinessCalendar, WorkingHours};
    /// let h = WorkingHours::new("18:00".parse()?, "09:00".parse()?);
    /// let err = BusinessCalendar::new(vec![vec![h]; 7], Default::default(), 0).unwrap_err();
    /// assert_eq!(err.path(), "calendar.hours[0][0]");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        hours: Vec<Vec<WorkingHours>>,
        holidays: BTreeSet<NaiveDate>,
        utc_offset_minutes: i32,
    ) -> Result<Self, TicketError> {
        if hours.len() != 7 {
            return Err(TicketError::sla(
                "out_of_range",
                "calendar.hours",
                format!("7 weekdays (Monday first) expected, got {}", hours.len()),
            ));
        }
        if !(-18 * 60..=18 * 60).contains(&utc_offset_minutes) {
            return Err(TicketError::sla(
                "out_of_range",
                "calendar.utc_offset_minutes",
                format!("must be within ±1080, got {utc_offset_minutes}"),
            ));
        }
        let mut hours = hours;
        for (d, day) in hours.iter_mut().enumerate() {
            day.sort_by_key(|h| h.start);
            for (i, h) in day.iter().enumerate() {
                if h.end <= h.start {
                    return Err(TicketError::sla(
                        "ends_before_starts",
                        format!("calendar.hours[{d}][{i}]"),
                        format!("end {} is not after start {}", h.end, h.start),
                    ));
                }
                if i > 0 && day[i - 1].end > h.start {
                    return Err(TicketError::sla(
                        "overlapping_periods",
                        format!("calendar.hours[{d}][{i}]"),
                        "working periods overlap",
                    ));
                }
            }
        }
        if hours.iter().all(Vec::is_empty) {
            return Err(TicketError::NoWorkingHours);
        }
        Ok(Self {
            hours,
            holidays,
            workdays: BTreeSet::new(),
            utc_offset_minutes,
        })
    }

    /// The same hours `start`–`end` (`"HH:MM"`) on the given weekdays (0 = Monday).
    ///
    /// # Errors
    /// [`TicketError::InvalidSla`] for a bad time or weekday, [`TicketError::NoWorkingHours`]
    /// when `days` is empty.
    ///
    /// ```
    /// let cal = estatekit::tickets::BusinessCalendar::weekly("08:30", "17:30", &[0, 1, 2, 3, 4, 5, 6], 480)?;
    /// assert_eq!(cal.utc_offset_minutes(), 480);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn weekly(
        start: &str,
        end: &str,
        days: &[u32],
        utc_offset_minutes: i32,
    ) -> Result<Self, TicketError> {
        let time = |s: &str, path: &str| {
            NaiveTime::parse_from_str(s, "%H:%M").map_err(|e| {
                TicketError::sla(
                    "invalid_time",
                    path,
                    format!("{s:?} is not a time HH:MM: {e}"),
                )
            })
        };
        let h = WorkingHours::new(time(start, "start")?, time(end, "end")?);
        let mut hours = vec![Vec::new(); 7];
        for (i, d) in days.iter().enumerate() {
            let slot = hours.get_mut(*d as usize).ok_or_else(|| {
                TicketError::sla(
                    "out_of_range",
                    format!("days[{i}]"),
                    format!("weekday {d} is not in 0..=6 (0 = Monday)"),
                )
            })?;
            if slot.is_empty() {
                slot.push(h);
            }
        }
        Self::new(hours, BTreeSet::new(), utc_offset_minutes)
    }

    /// This calendar with these holidays added.
    ///
    /// ```
    /// use estatekit::tickets::BusinessCalendar;
    /// let day: chrono::NaiveDate = "2026-10-01".parse().unwrap();
    /// let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)?.with_holidays([day]);
    /// assert!(cal.holidays().contains(&day));
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn with_holidays(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.holidays.extend(days);
        self
    }

    /// This calendar with these make-up working days (调休补班) added: local dates on
    /// a weekday without working hours (e.g. a Saturday) that are worked, with the
    /// hours of the first weekday that has any (Monday in a Monday–Friday calendar).
    /// A make-up day on a weekday with hours changes nothing; a date that is also a
    /// holiday is a holiday. In JSON: `"workdays": ["2026-10-10"]` (absent: none).
    ///
    /// ```
    /// use estatekit::tickets::BusinessCalendar;
    /// let sat: chrono::NaiveDate = "2026-10-10".parse().unwrap();
    /// let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 0)?.with_workdays([sat]);
    /// let s = cal.seconds_between("2026-10-10T00:00:00Z".parse().unwrap(), "2026-10-11T00:00:00Z".parse().unwrap());
    /// assert_eq!(s, 9 * 3600);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn with_workdays(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.workdays.extend(days);
        self
    }

    /// Make-up working days (local dates).
    ///
    /// ```
    /// let cal = estatekit::tickets::BusinessCalendar::weekly("09:00", "18:00", &[0], 0)?;
    /// assert!(cal.workdays().is_empty());
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn workdays(&self) -> &BTreeSet<NaiveDate> {
        &self.workdays
    }

    /// The hours of a make-up working day: those of the first weekday that has any.
    fn makeup_hours(&self) -> &[WorkingHours] {
        self.hours
            .iter()
            .find(|d| !d.is_empty())
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `date` is a make-up day that adds working time (not a holiday, on a
    /// weekday without hours).
    fn adds_time(&self, date: NaiveDate) -> bool {
        self.workdays.contains(&date)
            && !self.holidays.contains(&date)
            && self.hours[date.weekday().num_days_from_monday() as usize].is_empty()
    }

    /// Working hours per weekday, Monday first.
    ///
    /// ```
    /// let cal = estatekit::tickets::BusinessCalendar::weekly("09:00", "18:00", &[0], 0)?;
    /// assert_eq!(cal.hours()[0].len(), 1);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn hours(&self) -> &[Vec<WorkingHours>] {
        &self.hours
    }

    /// Holidays (local dates).
    ///
    /// ```
    /// let cal = estatekit::tickets::BusinessCalendar::weekly("09:00", "18:00", &[0], 0)?;
    /// assert!(cal.holidays().is_empty());
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// Offset of local time from UTC, minutes.
    ///
    /// ```
    /// let cal = estatekit::tickets::BusinessCalendar::weekly("09:00", "18:00", &[0], -300)?;
    /// assert_eq!(cal.utc_offset_minutes(), -300);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn utc_offset_minutes(&self) -> i32 {
        self.utc_offset_minutes
    }

    // Within 18 hours of the ends of chrono's range (year ±262143) the shifted time is
    // not representable: it saturates at the end instead of panicking.
    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        crate::clock::local(t, self.utc_offset_minutes)
    }

    fn utc(&self, t: NaiveDateTime) -> DateTime<Utc> {
        let offset = Duration::minutes(i64::from(self.utc_offset_minutes));
        t.checked_sub_signed(offset)
            .unwrap_or(if offset > Duration::zero() {
                NaiveDateTime::MIN
            } else {
                NaiveDateTime::MAX
            })
            .and_utc()
    }

    fn periods(&self, date: NaiveDate) -> &[WorkingHours] {
        if self.holidays.contains(&date) {
            return &[];
        }
        if self.adds_time(date) {
            return self.makeup_hours();
        }
        &self.hours[date.weekday().num_days_from_monday() as usize]
    }

    /// Working nanoseconds of `periods` before local time `time` (all of them for `None`).
    fn periods_before(periods: &[WorkingHours], time: Option<NaiveTime>) -> i128 {
        periods
            .iter()
            .map(|p| match time {
                None => nanos(p.end - p.start),
                Some(t) => nanos(t.clamp(p.start, p.end) - p.start),
            })
            .sum()
    }

    /// Working nanoseconds the make-up days between local `a` and `b` add: one term per
    /// make-up day in range.
    fn workdays_between(&self, a: NaiveDateTime, b: NaiveDateTime) -> i128 {
        if b <= a {
            return 0;
        }
        let hours = self.makeup_hours();
        self.workdays
            .range(a.date()..=b.date())
            .filter(|d| self.adds_time(**d))
            .map(|d| {
                let hi = Self::periods_before(hours, (*d == b.date()).then(|| b.time()));
                let lo = if *d == a.date() {
                    Self::periods_before(hours, Some(a.time()))
                } else {
                    0
                };
                hi - lo
            })
            .sum()
    }

    /// Working nanoseconds of weekday `wd` (0 = Monday) before local time `time`,
    /// holidays not considered.
    fn day_before(&self, wd: usize, time: Option<NaiveTime>) -> i128 {
        Self::periods_before(&self.hours[wd], time)
    }

    /// Working nanoseconds from Monday 0001-01-01 00:00 (local) to the start of the day
    /// `days` days later (negative before it), holidays not considered: whole weeks
    /// times the week's hours, plus the days of the last week. Exact over chrono's
    /// whole range (at most ±2^63 ns a week × 2^24 weeks fits in an i128).
    fn before_day(&self, days: i64) -> i128 {
        let (weeks, wd) = (days.div_euclid(7), days.rem_euclid(7) as usize);
        let week: i128 = (0..7).map(|d| self.day_before(d, None)).sum();
        i128::from(weeks) * week + (0..wd).map(|d| self.day_before(d, None)).sum::<i128>()
    }

    /// Days from Monday 0001-01-01 to `date`.
    fn day_number(date: NaiveDate) -> i64 {
        i64::from(date.num_days_from_ce()) - 1
    }

    /// Working nanoseconds from the epoch to local `t`, holidays not considered.
    fn before(&self, t: NaiveDateTime) -> i128 {
        let days = Self::day_number(t.date());
        self.before_day(days) + self.day_before(days.rem_euclid(7) as usize, Some(t.time()))
    }

    /// Working nanoseconds of the holidays between local `a` and `b`: one term per
    /// holiday in range.
    fn holidays_between(&self, a: NaiveDateTime, b: NaiveDateTime) -> i128 {
        if b <= a {
            return 0;
        }
        self.holidays
            .range(a.date()..=b.date())
            .map(|h| {
                let wd = h.weekday().num_days_from_monday() as usize;
                let hi = if *h == b.date() {
                    self.day_before(wd, Some(b.time()))
                } else {
                    self.day_before(wd, None)
                };
                let lo = if *h == a.date() {
                    self.day_before(wd, Some(a.time()))
                } else {
                    0
                };
                hi - lo
            })
            .sum()
    }

    /// Working nanoseconds between local `a` and `b` (`a <= b`), holidays excluded and
    /// make-up days included.
    fn working_between(&self, a: NaiveDateTime, b: NaiveDateTime) -> i128 {
        self.before(b) - self.before(a) - self.holidays_between(a, b) + self.workdays_between(a, b)
    }

    /// Working seconds between two instants (0 if `to <= from`; fractions of a second
    /// are dropped from the total). Exact over any span: whole weeks are counted by
    /// multiplication and holidays one by one, not day by day.
    ///
    /// ```
    /// use estatekit::tickets::BusinessCalendar;
    /// let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 0)?;
    /// // Friday 17:00 to Monday 10:00 UTC: one hour on Friday, one on Monday.
    /// let s = cal.seconds_between("2026-11-06T17:00:00Z".parse().unwrap(), "2026-11-09T10:00:00Z".parse().unwrap());
    /// assert_eq!(s, 7200);
    /// // 200 years of weekdays (the count used to stop after 100 years).
    /// let s = cal.seconds_between("1900-01-01T00:00:00Z".parse().unwrap(), "2100-01-01T00:00:00Z".parse().unwrap());
    /// assert_eq!(s, 52_179 * 9 * 3600);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let ns = self.working_between(self.local(from), self.local(to));
        i64::try_from(ns / NS).expect("at most 2^44 seconds lie within chrono's range")
    }

    /// The instant `seconds` working seconds after `from`: the earliest instant by
    /// which that much working time has passed (for 0 seconds, `from` itself when it
    /// is working time, else the start of the next working period). Exact however far
    /// ahead (found by bisection over days, not by walking them).
    ///
    /// # Errors
    /// [`TicketError::InvalidSla`] (path `seconds`) for negative seconds;
    /// [`TicketError::NoBusinessTime`] when the calendar has less working time than
    /// that between `from` and the [`calendar_horizon`] (e.g. holidays on every working
    /// day ahead).
    ///
    /// ```
    /// use estatekit::tickets::BusinessCalendar;
    /// let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)?;
    /// // Friday 17:00 Beijing time (09:00Z) + 2 working hours = Monday 10:00 Beijing (02:00Z).
    /// let t = cal.add_seconds("2026-11-06T09:00:00Z".parse().unwrap(), 7200)?;
    /// assert_eq!(t.to_rfc3339(), "2026-11-09T02:00:00+00:00");
    /// let err = cal.add_seconds("2026-11-06T09:00:00Z".parse().unwrap(), -1).unwrap_err();
    /// assert_eq!((err.code(), err.path().as_str()), ("negative", "seconds"));
    /// let err = cal.add_seconds("9999-12-31T00:00:00Z".parse().unwrap(), 10 * 3600).unwrap_err();
    /// assert_eq!((err.code(), err.path().as_str()), ("no_business_time", "calendar"));
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn add_seconds(
        &self,
        from: DateTime<Utc>,
        seconds: i64,
    ) -> Result<DateTime<Utc>, TicketError> {
        if seconds < 0 {
            return Err(TicketError::sla(
                "negative",
                "seconds",
                format!("must not be negative, got {seconds}"),
            ));
        }
        let none_ahead = || TicketError::NoBusinessTime {
            path: "calendar".to_owned(),
            from,
            seconds,
        };
        // For 0 seconds: the first working nanosecond, then back to its start.
        let want: i128 = if seconds == 0 {
            1
        } else {
            i128::from(seconds) * NS
        };
        let a = self.local(from);
        let end = self.local(calendar_horizon());
        if end <= a || self.working_between(a, end) < want {
            return Err(none_ahead());
        }
        // Working time from `a` to the start of day number `d` (after a's day).
        let day_start = |d: i64| -> Option<NaiveDateTime> {
            let ce = i32::try_from(d + 1).ok()?;
            Some(NaiveDate::from_num_days_from_ce_opt(ce)?.and_time(NaiveTime::MIN))
        };
        let upto = |d: i64| -> i128 {
            match day_start(d) {
                Some(t) if t > a => self.working_between(a, t),
                Some(_) => 0,
                None => i128::MAX,
            }
        };
        // The day the deadline falls on: the last day whose start has less than
        // `want` behind it (bisection: upto is non-decreasing).
        let (mut lo, mut hi) = (Self::day_number(a.date()), Self::day_number(end.date()) + 1);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if upto(mid) < want { lo = mid } else { hi = mid }
        }
        let date = day_start(lo).map_or(a.date(), |t| t.date());
        let mut done = upto(lo);
        for p in self.periods(date) {
            let ps = date.and_time(p.start).max(a);
            let pe = date.and_time(p.end);
            if pe <= ps {
                continue;
            }
            let avail = nanos(pe - ps);
            if done + avail >= want {
                let rest = want - done - i128::from(seconds == 0);
                let rest = i64::try_from(rest).expect("less than a day of nanoseconds");
                let t = ps + Duration::nanoseconds(rest);
                return Ok(self.utc(t));
            }
            done += avail;
        }
        // Not reached: the bisection found a day with the rest of the time in it.
        Err(none_ahead())
    }

    /// Whether a local date is a working day: it has working hours (a weekday with
    /// hours, or a make-up working day) and is not a holiday.
    ///
    /// ```
    /// use estatekit::tickets::BusinessCalendar;
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)?
    ///     .with_holidays([d("2026-10-01")])
    ///     .with_workdays([d("2026-10-10")]);
    /// assert!(!cal.is_working_day(d("2026-10-01"))); // Thursday, a holiday
    /// assert!(cal.is_working_day(d("2026-10-10")));  // Saturday, worked (调休)
    /// assert!(!cal.is_working_day(d("2026-10-11"))); // Sunday
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.periods(date).is_empty()
    }

    /// Working days among the local dates after `after` up to and including `upto`:
    /// weekdays with hours counted by whole weeks, holidays and make-up days one by one.
    fn working_days_in(&self, after: NaiveDate, upto: NaiveDate) -> i64 {
        if upto <= after {
            return 0;
        }
        let has = |wd: usize| !self.hours[wd].is_empty();
        let per_week = (0..7).filter(|d| has(*d)).count() as i64;
        // Weekdays with hours among the day numbers [0, n).
        let regular = |n: i64| -> i64 {
            n.div_euclid(7) * per_week
                + (0..n.rem_euclid(7) as usize).filter(|d| has(*d)).count() as i64
        };
        let (a, b) = (Self::day_number(after) + 1, Self::day_number(upto) + 1);
        let range = (
            std::ops::Bound::Excluded(after),
            std::ops::Bound::Included(upto),
        );
        let off = self
            .holidays
            .range(range)
            .filter(|h| has(h.weekday().num_days_from_monday() as usize))
            .count() as i64;
        let on = self
            .workdays
            .range(range)
            .filter(|d| self.adds_time(**d))
            .count() as i64;
        regular(b) - regular(a) - off + on
    }

    /// The deadline of "`days` working days" (N 个工作日内) from `from`: the close of
    /// business (end of the last working period) of the `days`th working day after the
    /// local date of `from`. The day of receipt never counts, whatever the hour (as
    /// periods are counted in Chinese law, 民法典 art. 201: 开始的当日不计入), so with
    /// Monday–Friday 09:00–18:00 a ticket received Monday 10:00 with 1 working day is
    /// due Tuesday 18:00, one received Friday 16:30 or Saturday is due Monday 18:00.
    /// Holidays are skipped and make-up working days (调休) count. Exact however far
    /// ahead (working days are counted by whole weeks, found by bisection).
    ///
    /// # Errors
    /// [`TicketError::InvalidSla`] (path `days`) for 0 days;
    /// [`TicketError::NoWorkingDays`] when fewer working days than that lie between
    /// `from` and the [`calendar_horizon`].
    ///
    /// ```
    /// use estatekit::tickets::BusinessCalendar;
    /// let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)?;
    /// // Monday 2026-11-02 10:00 Beijing (02:00Z), 1 working day: Tuesday 18:00 Beijing.
    /// let due = cal.add_working_days("2026-11-02T02:00:00Z".parse().unwrap(), 1)?;
    /// assert_eq!(due.to_rfc3339(), "2026-11-03T10:00:00+00:00");
    /// // 8 working days from the same Monday: Thursday 11-12, 18:00 Beijing.
    /// let due = cal.add_working_days("2026-11-02T02:00:00Z".parse().unwrap(), 8)?;
    /// assert_eq!(due.to_rfc3339(), "2026-11-12T10:00:00+00:00");
    /// assert_eq!(cal.add_working_days(due, 0).unwrap_err().path(), "days");
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn add_working_days(
        &self,
        from: DateTime<Utc>,
        days: u32,
    ) -> Result<DateTime<Utc>, TicketError> {
        if days == 0 {
            return Err(TicketError::sla(
                "out_of_range",
                "days",
                "must be at least 1 working day, got 0",
            ));
        }
        let none_ahead = || TicketError::NoWorkingDays {
            path: "calendar".to_owned(),
            from,
            days,
        };
        let want = i64::from(days);
        let start = self.local(from).date();
        let last = self.local(calendar_horizon()).date();
        if self.working_days_in(start, last) < want {
            return Err(none_ahead());
        }
        let date = |n: i64| -> NaiveDate {
            i32::try_from(n + 1)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .expect("a day number between two representable dates")
        };
        // The first day with `want` working days after `start` up to it (bisection:
        // the count is non-decreasing; `lo` has fewer, `hi` enough).
        let (mut lo, mut hi) = (Self::day_number(start), Self::day_number(last));
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.working_days_in(start, date(mid)) >= want {
                hi = mid
            } else {
                lo = mid
            }
        }
        let day = date(hi);
        let close = self
            .periods(day)
            .last()
            .expect("the day the count reaches its total is a working day")
            .end;
        let due = self.utc(day.and_time(close));
        if due > calendar_horizon() {
            return Err(none_ahead());
        }
        Ok(due)
    }
}

ticket_enum! {
    /// The clock a target counts in. In JSON a target is an object with one of these
    /// as its only key: `{"business_minutes": 120}`, `{"working_days": 8}`.
    ///
    /// ```
    /// use estatekit::tickets::SlaClock;
    /// assert_eq!("working_days".parse::<SlaClock>()?, SlaClock::WorkingDays);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    SlaClock {
        /// Wall-clock minutes, day and night.
        Minutes => "minutes",
        /// Working minutes of the policy's calendar; wall-clock minutes when the policy
        /// has no calendar, and for emergencies (on site at once, day or night).
        BusinessMinutes => "business_minutes",
        /// Calendar days of 24 hours, day and night.
        CalendarDays => "calendar_days",
        /// Working days of the policy's calendar (N 个工作日内): due at the close of
        /// business of the Nth working day after the day of receipt
        /// ([`BusinessCalendar::add_working_days`]). Resolution targets only; needs a
        /// calendar.
        WorkingDays => "working_days",
    }
}

/// One target: an amount of a [`SlaClock`]. JSON: `{"working_days": 8}`.
///
/// ```
/// use estatekit::tickets::{SlaClock, SlaTarget};
/// let t = SlaTarget::working_days(8);
/// assert_eq!((t.clock, t.amount), (SlaClock::WorkingDays, 8));
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"working_days":8}"#);
/// assert_eq!(t.to_string(), "8 working_days");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SlaTarget {
    /// The clock.
    pub clock: SlaClock,
    /// How many minutes or days of it.
    pub amount: u32,
}

impl SlaTarget {
    /// Wall-clock minutes.
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::SlaTarget::minutes(15).amount, 15);
    /// ```
    pub fn minutes(amount: u32) -> Self {
        Self {
            clock: SlaClock::Minutes,
            amount,
        }
    }

    /// Working minutes of the policy's calendar (see [`SlaClock::BusinessMinutes`]).
    ///
    /// ```
    /// use estatekit::tickets::{SlaClock, SlaTarget};
    /// assert_eq!(SlaTarget::business_minutes(120).clock, SlaClock::BusinessMinutes);
    /// ```
    pub fn business_minutes(amount: u32) -> Self {
        Self {
            clock: SlaClock::BusinessMinutes,
            amount,
        }
    }

    /// Calendar days of 24 hours.
    ///
    /// ```
    /// use estatekit::tickets::{SlaClock, SlaTarget};
    /// assert_eq!(SlaTarget::calendar_days(8).clock, SlaClock::CalendarDays);
    /// ```
    pub fn calendar_days(amount: u32) -> Self {
        Self {
            clock: SlaClock::CalendarDays,
            amount,
        }
    }

    /// Working days of the policy's calendar (see [`SlaClock::WorkingDays`]).
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::SlaTarget::working_days(3).amount, 3);
    /// ```
    pub fn working_days(amount: u32) -> Self {
        Self {
            clock: SlaClock::WorkingDays,
            amount,
        }
    }

    /// Seconds of its clock, for the clocks counted in seconds (not working days).
    fn seconds(self) -> Option<i64> {
        match self.clock {
            SlaClock::Minutes | SlaClock::BusinessMinutes => Some(i64::from(self.amount) * 60),
            SlaClock::CalendarDays => Some(i64::from(self.amount) * 86_400),
            SlaClock::WorkingDays => None,
        }
    }
}

impl std::fmt::Display for SlaTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.amount, self.clock)
    }
}

impl Serialize for SlaTarget {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(self.clock.as_str(), &self.amount)?;
        m.end()
    }
}

/// Response and resolution targets, each in its own clock.
///
/// JSON: `{"response": {"business_minutes": 120}, "resolution": {"working_days": 8}}`.
/// The older form `{"response_minutes": 120, "resolution_minutes": 11520}` keeps
/// loading with its old meaning: both are `business_minutes` (working minutes with a
/// calendar, wall-clock minutes without one or for emergencies).
///
/// ```
/// use estatekit::tickets::{SlaTarget, SlaTargets};
/// let t = SlaTargets { response: SlaTarget::business_minutes(120), resolution: SlaTarget::working_days(8) };
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"response":{"business_minutes":120},"resolution":{"working_days":8}}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlaTargets {
    /// Time to first response (handling begins): `minutes` or `business_minutes`.
    pub response: SlaTarget,
    /// Time to resolution (pauses excluded): `minutes`, `business_minutes`,
    /// `calendar_days` or `working_days`.
    pub resolution: SlaTarget,
}

/// An SLA policy: targets per urgency and, optionally, per category, each target in
/// its own clock ([`SlaClock`]), and an optional business calendar for the
/// `business_minutes` and `working_days` clocks.
///
/// - Targets: a category's targets replace the urgency's for normal tickets; for
///   urgent and emergency tickets the stricter of the two applies, field by field: the
///   one whose deadline, counted from the receipt, comes first (equal: the urgency's).
///   Emergencies count `business_minutes` in wall-clock time (on site at once, day or
///   night); `working_days` are refused for them.
/// - Response before resolution: a ticket's response due is never after its
///   resolution due (counted from the receipt, before pauses, which only move the
///   resolution due later): a later one is brought forward to it
///   ([`SlaStatus::response_clamped`]), unless `response_may_follow_resolution` is set.
/// - A promised reply time (承诺回复时间) of a ticket replaces the response due
///   (see [`SlaPolicy::status`]).
///
/// Defaults ([`SlaPolicy::default`]; [`SlaPolicy::with_calendar`] keeps the targets
/// and only makes `business_minutes` working minutes): emergency 15 minutes / 240
/// minutes (wall clock); urgent 120 business minutes / 1440 minutes; normal 120
/// business minutes / 8 calendar days; `house_quality` and `planning_design` 120
/// business minutes / 45 calendar days. So a normal ticket received on Monday
/// 2026-11-02 is due on Tuesday 2026-11-10 at the same time, calendar or not; for "8
/// working days" give `{"working_days": 8}` with a calendar.
///
/// JSON (unknown fields refused, errors name the field, e.g.
/// `by_urgency.normal.resolution.working_days`):
/// `{"by_urgency": {"normal": {"response": {"business_minutes": 120}, "resolution":
/// {"working_days": 8}}, ...}, "by_category": {...}, "calendar": {...},
/// "response_may_follow_resolution": false}`.
///
/// ```
/// use estatekit::tickets::{SlaPolicy, SlaTarget, Urgency};
/// let p = SlaPolicy::default();
/// let at = "2026-11-02T02:00:00Z".parse().unwrap();
/// assert_eq!(p.targets(Urgency::Normal, "noise", at)?.resolution, SlaTarget::calendar_days(8));
/// assert_eq!(p.targets(Urgency::Normal, "house_quality", at)?.resolution, SlaTarget::calendar_days(45));
/// assert_eq!(p.targets(Urgency::Emergency, "house_quality", at)?.resolution, SlaTarget::minutes(240));
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlaPolicy {
    /// Targets per urgency (all three required).
    pub by_urgency: BTreeMap<Urgency, SlaTargets>,
    /// Targets per category code.
    pub by_category: BTreeMap<String, SlaTargets>,
    /// Business calendar; `None`: `business_minutes` are wall-clock minutes and
    /// `working_days` are refused.
    pub calendar: Option<BusinessCalendar>,
    /// Let a response due fall after the resolution due (default `false`: it is
    /// brought forward to it). Left out of the JSON when `false`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub response_may_follow_resolution: bool,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        let t = |response, resolution| SlaTargets {
            response,
            resolution,
        };
        let business = SlaTarget::business_minutes;
        Self {
            by_urgency: [
                (
                    Urgency::Emergency,
                    t(SlaTarget::minutes(15), SlaTarget::minutes(240)),
                ),
                (
                    Urgency::Urgent,
                    t(business(120), SlaTarget::minutes(24 * 60)),
                ),
                (
                    Urgency::Normal,
                    t(business(120), SlaTarget::calendar_days(8)),
                ),
            ]
            .into_iter()
            .collect(),
            by_category: [
                (
                    "house_quality".to_owned(),
                    t(business(120), SlaTarget::calendar_days(45)),
                ),
                (
                    "planning_design".to_owned(),
                    t(business(120), SlaTarget::calendar_days(45)),
                ),
            ]
            .into_iter()
            .collect(),
            calendar: None,
            response_may_follow_resolution: false,
        }
    }
}

/// A policy document as written, before it is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyData {
    by_urgency: BTreeMap<String, TargetsData>,
    #[serde(default)]
    by_category: BTreeMap<String, TargetsData>,
    /// Read as written and checked in [`PolicyData::policy`], so that a calendar's
    /// error keeps its code (`calendar.hours[0][0]`, `ends_before_starts`).
    #[serde(default)]
    calendar: Option<CalendarData>,
    #[serde(default)]
    response_may_follow_resolution: bool,
}

/// Targets as written: the new form (`response`, `resolution`) or the older one
/// (`response_minutes`, `resolution_minutes`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsData {
    #[serde(default)]
    response: Option<TargetData>,
    #[serde(default)]
    resolution: Option<TargetData>,
    #[serde(default)]
    response_minutes: Option<i64>,
    #[serde(default)]
    resolution_minutes: Option<i64>,
}

/// One target as written: one clock and its amount.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetData {
    #[serde(default)]
    minutes: Option<i64>,
    #[serde(default)]
    business_minutes: Option<i64>,
    #[serde(default)]
    calendar_days: Option<i64>,
    #[serde(default)]
    working_days: Option<i64>,
}

/// An amount of a clock: not negative, at most `u32::MAX`; days at least 1.
fn amount(path: &str, value: i64, days: bool) -> Result<u32, TicketError> {
    if days && value < 1 {
        return Err(TicketError::sla(
            "out_of_range",
            path,
            format!("must be at least 1 day, got {value}"),
        ));
    }
    if value < 0 {
        return Err(TicketError::sla(
            "negative",
            path,
            format!("must not be negative, got {value}"),
        ));
    }
    u32::try_from(value).map_err(|_| {
        TicketError::sla(
            "out_of_range",
            path,
            format!("must be at most {}, got {value}", u32::MAX),
        )
    })
}

impl TargetData {
    /// The one clock given, checked (`path`: `...response` or `...resolution`).
    fn target(&self, path: &str, response: bool) -> Result<SlaTarget, TicketError> {
        let given: Vec<(SlaClock, i64)> = [
            (SlaClock::Minutes, self.minutes),
            (SlaClock::BusinessMinutes, self.business_minutes),
            (SlaClock::CalendarDays, self.calendar_days),
            (SlaClock::WorkingDays, self.working_days),
        ]
        .into_iter()
        .filter_map(|(c, v)| v.map(|v| (c, v)))
        .collect();
        let (clock, value) = match given.as_slice() {
            [one] => *one,
            [] => {
                return Err(TicketError::sla(
                    "missing_value",
                    path,
                    "no clock: give one of minutes, business_minutes, calendar_days, working_days",
                ));
            }
            many => {
                let names: Vec<&str> = many.iter().map(|(c, _)| c.as_str()).collect();
                return Err(TicketError::sla(
                    "conflicting_fields",
                    path,
                    format!("one clock per target, got {}", names.join(" and ")),
                ));
            }
        };
        let here = format!("{path}.{clock}");
        if response && matches!(clock, SlaClock::CalendarDays | SlaClock::WorkingDays) {
            return Err(TicketError::sla(
                "conflicting_fields",
                here,
                "a response target is minutes or business_minutes",
            ));
        }
        let days = matches!(clock, SlaClock::CalendarDays | SlaClock::WorkingDays);
        Ok(SlaTarget {
            clock,
            amount: amount(&here, value, days)?,
        })
    }
}

impl TargetsData {
    /// The targets, checked (`base`: `by_urgency.normal`, `by_category.noise`).
    fn targets(&self, base: &str) -> Result<SlaTargets, TicketError> {
        let one = |new: &Option<TargetData>, old: Option<i64>, name: &str, response: bool| {
            let path = format!("{base}.{name}");
            match (new, old) {
                (Some(_), Some(_)) => Err(TicketError::sla(
                    "conflicting_fields",
                    path,
                    format!("given twice: {name} and {name}_minutes; give one"),
                )),
                (Some(t), None) => t.target(&path, response),
                (None, Some(m)) => {
                    let p = format!("{path}_minutes");
                    Ok(SlaTarget::business_minutes(amount(&p, m, false)?))
                }
                (None, None) => Err(TicketError::sla(
                    "missing_value",
                    path,
                    format!("missing: give {name}, e.g. {{\"business_minutes\": 120}}"),
                )),
            }
        };
        Ok(SlaTargets {
            response: one(&self.response, self.response_minutes, "response", true)?,
            resolution: one(
                &self.resolution,
                self.resolution_minutes,
                "resolution",
                false,
            )?,
        })
    }
}

impl CalendarData {
    fn calendar(self) -> Result<BusinessCalendar, TicketError> {
        BusinessCalendar::new(self.hours, self.holidays, self.utc_offset_minutes)
            .map(|c| c.with_workdays(self.workdays))
    }
}

impl PolicyData {
    fn policy(self) -> Result<SlaPolicy, TicketError> {
        let calendar = self.calendar.map(CalendarData::calendar).transpose()?;
        let mut by_urgency = BTreeMap::new();
        for (key, data) in &self.by_urgency {
            let base = format!("by_urgency.{key}");
            let urgency: Urgency = key.parse().map_err(|_| {
                TicketError::sla(
                    "unknown_value",
                    &base,
                    "unknown urgency; expected emergency, urgent or normal",
                )
            })?;
            let t = data.targets(&base)?;
            if urgency == Urgency::Emergency && t.resolution.clock == SlaClock::WorkingDays {
                return Err(TicketError::sla(
                    "conflicting_fields",
                    format!("{base}.resolution.working_days"),
                    "emergencies run on the wall clock: give minutes or calendar_days",
                ));
            }
            by_urgency.insert(urgency, t);
        }
        for u in Urgency::ALL {
            if !by_urgency.contains_key(u) {
                return Err(TicketError::sla(
                    "missing_value",
                    format!("by_urgency.{u}"),
                    "targets for every urgency are required",
                ));
            }
        }
        let mut by_category = BTreeMap::new();
        for (key, data) in &self.by_category {
            by_category.insert(key.clone(), data.targets(&format!("by_category.{key}"))?);
        }
        if calendar.is_none() {
            let all = by_urgency
                .iter()
                .map(|(u, t)| (format!("by_urgency.{u}"), t))
                .chain(
                    by_category
                        .iter()
                        .map(|(c, t)| (format!("by_category.{c}"), t)),
                );
            for (base, t) in all {
                if t.resolution.clock == SlaClock::WorkingDays {
                    return Err(TicketError::sla(
                        "missing_value",
                        format!("{base}.resolution.working_days"),
                        "working days need a calendar (the policy's \"calendar\")",
                    ));
                }
            }
        }
        Ok(SlaPolicy {
            by_urgency,
            by_category,
            calendar,
            response_may_follow_resolution: self.response_may_follow_resolution,
        })
    }
}

/// Deserializing checks the document like [`SlaPolicy::from_json`].
impl<'de> Deserialize<'de> for SlaPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PolicyData::deserialize(d)?
            .policy()
            .map_err(serde::de::Error::custom)
    }
}

/// Where a ticket stands against its SLA as of a time.
///
/// Remaining times are in the clock of their due: working seconds for
/// `business_minutes` with a calendar and for `working_days`, wall-clock seconds
/// otherwise (and for a promised reply time); negative when overdue.
///
/// ```
/// use estatekit::tickets::{SlaClock, SlaPolicy, Urgency};
/// let p = SlaPolicy::default();
/// let at = "2026-11-02T08:00:00Z".parse().unwrap();
/// let s = p.status(at, Urgency::Urgent, "repair.plumbing", None, None, &[], None, "2026-11-02T11:00:00Z".parse().unwrap())?;
/// assert!(s.response_breached);
/// assert_eq!(s.response_remaining_seconds, -3600);
/// // No calendar: business minutes are wall-clock minutes.
/// assert_eq!(s.targets.response.clock, SlaClock::Minutes);
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlaStatus {
    /// The targets applied, each with the clock its due was counted in
    /// (`business_minutes` is reported as `minutes` when counted on the wall clock).
    pub targets: SlaTargets,
    /// Respond by: the promised reply time if there is one, else the response target's
    /// due, brought forward to the resolution due if later (see
    /// [`SlaStatus::response_clamped`]).
    pub response_due: DateTime<Utc>,
    /// Resolve by (pauses added); `None` while paused.
    pub resolution_due: Option<DateTime<Utc>>,
    /// Response time left (at the response if responded), seconds.
    pub response_remaining_seconds: i64,
    /// Resolution time left (at the resolution if resolved), seconds.
    pub resolution_remaining_seconds: i64,
    /// Responded late, or not yet and overdue.
    pub response_breached: bool,
    /// Resolved late, or not yet and overdue.
    pub resolution_breached: bool,
    /// Paused (waiting for the owner) as of the time asked.
    pub paused: bool,
    /// The response due is the ticket's promised reply time (承诺回复时间).
    pub response_promised: bool,
    /// The response target's due fell after the resolution due and was brought
    /// forward to it.
    pub response_clamped: bool,
}

/// Signed seconds from `a` to `b` on a clock (negative when `b` is before `a`).
fn signed(cal: Option<&BusinessCalendar>, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    if a <= b {
        between(cal, a, b)
    } else {
        -between(cal, b, a)
    }
}

/// Seconds between two instants on a clock (a calendar's working time, or the wall
/// clock), 0 if `b <= a`.
fn between(cal: Option<&BusinessCalendar>, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    match cal {
        Some(c) => c.seconds_between(a, b),
        None => (b - a).num_seconds().max(0),
    }
}

/// The instant `secs` seconds of a clock after `a`.
fn add(
    cal: Option<&BusinessCalendar>,
    a: DateTime<Utc>,
    secs: i64,
) -> Result<DateTime<Utc>, TicketError> {
    match cal {
        Some(c) => c.add_seconds(a, secs),
        None => a
            .checked_add_signed(Duration::seconds(secs))
            .filter(|t| *t <= calendar_horizon())
            .ok_or(TicketError::NoBusinessTime {
                path: "calendar".to_owned(),
                from: a,
                seconds: secs,
            }),
    }
}

/// Effective (unpaused) seconds of a clock from `from` to `to`.
fn effective(
    cal: Option<&BusinessCalendar>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
) -> i64 {
    let mut s = between(cal, from, to);
    for (ps, pe) in pauses {
        let a = (*ps).max(from);
        let b = pe.unwrap_or(to).min(to);
        if b > a {
            s -= between(cal, a, b);
        }
    }
    s.max(0)
}

impl SlaPolicy {
    /// Parses and validates a policy (see [`SlaPolicy`] for the format).
    ///
    /// # Errors
    /// [`TicketError::NoWorkingHours`] for a calendar without working hours;
    /// [`TicketError::InvalidSla`] naming the field for: malformed JSON or an unknown
    /// field; a missing urgency (`by_urgency.urgent`) or an unknown one; a target
    /// missing (`by_urgency.normal.response`), given twice (`response` and
    /// `response_minutes`), with no clock or two clocks at once
    /// (`by_urgency.normal.resolution`); a negative amount, or 0 days
    /// (`by_urgency.normal.resolution.working_days`); a response in days
    /// (`by_urgency.normal.response.calendar_days`); working days without a calendar
    /// or for emergencies (`by_urgency.emergency.resolution.working_days`).
    ///
    /// ```
    /// use estatekit::tickets::{SlaPolicy, SlaTarget, Urgency};
    /// let err = SlaPolicy::from_json(r#"{"by_urgency": {}, "calendar": {"hours": [[],[],[],[],[],[],[]]}}"#).unwrap_err();
    /// assert_eq!(err.code(), "no_working_hours");
    /// let t = r#"{"response": {"business_minutes": 120}, "resolution": {"working_days": 0}}"#;
    /// let doc = format!(r#"{{"by_urgency": {{"emergency": {t}, "urgent": {t}, "normal": {t}}}}}"#);
    /// let err = SlaPolicy::from_json(&doc).unwrap_err();
    /// assert_eq!(err.to_string(), "by_urgency.emergency.resolution.working_days: must be at least 1 day, got 0");
    /// // The older form keeps loading, as business minutes.
    /// let old = r#"{"response_minutes": 120, "resolution_minutes": 11520}"#;
    /// let p = SlaPolicy::from_json(&format!(r#"{{"by_urgency": {{"emergency": {old}, "urgent": {old}, "normal": {old}}}}}"#))?;
    /// assert_eq!(p.by_urgency[&Urgency::Normal].resolution, SlaTarget::business_minutes(11520));
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, TicketError> {
        crate::json::within_limit(text).map_err(|(size, limit)| TicketError::DocumentTooLarge {
            path: "$".to_owned(),
            size,
            limit,
        })?;
        let data: PolicyData =
            crate::json::parse(text).map_err(|f| TicketError::sla("json", f.path, f.message))?;
        data.policy()
    }

    /// The policy as JSON (targets in the new form).
    ///
    /// ```
    /// use estatekit::tickets::SlaPolicy;
    /// let p = SlaPolicy::default();
    /// assert_eq!(SlaPolicy::from_json(&p.to_json())?, p);
    /// assert!(p.to_json().contains(r#""calendar_days": 8"#));
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a policy has string keys and no floats")
    }

    /// This policy on `calendar`: `business_minutes` become working minutes and
    /// `working_days` can be used. The targets are unchanged.
    ///
    /// ```
    /// use estatekit::tickets::{BusinessCalendar, SlaPolicy};
    /// let p = SlaPolicy::default().with_calendar(BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)?);
    /// assert!(p.calendar.is_some());
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn with_calendar(mut self, calendar: BusinessCalendar) -> Self {
        self.calendar = Some(calendar);
        self
    }

    /// This policy with `response_may_follow_resolution` set: a response due after
    /// the resolution due is kept instead of being brought forward.
    ///
    /// ```
    /// let p = estatekit::tickets::SlaPolicy::default().with_response_may_follow_resolution(true);
    /// assert!(p.response_may_follow_resolution);
    /// ```
    pub fn with_response_may_follow_resolution(mut self, allow: bool) -> Self {
        self.response_may_follow_resolution = allow;
        self
    }

    /// The targets for a ticket of this urgency and category received at
    /// `received_at` (the time decides which of two targets in different clocks is
    /// stricter), each with the clock it is counted in: `business_minutes` are
    /// reported as `minutes` when counted on the wall clock (no calendar, or an
    /// emergency).
    ///
    /// # Errors
    /// [`TicketError::InvalidSla`] (path `calendar`) for a `working_days` target of a
    /// policy without a calendar (built in code; [`SlaPolicy::from_json`] refuses it);
    /// [`TicketError::NoBusinessTime`] or [`TicketError::NoWorkingDays`] when comparing
    /// needs a deadline after the [`calendar_horizon`].
    ///
    /// ```
    /// use estatekit::tickets::{SlaPolicy, SlaTarget, Urgency};
    /// let at = "2026-11-02T02:00:00Z".parse().unwrap();
    /// assert_eq!(SlaPolicy::default().targets(Urgency::Emergency, "other", at)?.response, SlaTarget::minutes(15));
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn targets(
        &self,
        urgency: Urgency,
        category: &str,
        received_at: DateTime<Utc>,
    ) -> Result<SlaTargets, TicketError> {
        // A policy built in code may lack an urgency: the default normal targets.
        let by_u = self
            .by_urgency
            .get(&urgency)
            .copied()
            .unwrap_or(SlaTargets {
                response: SlaTarget::business_minutes(120),
                resolution: SlaTarget::calendar_days(8),
            });
        let chosen = match (self.by_category.get(category), urgency) {
            (None, _) => by_u,
            (Some(c), Urgency::Normal) => *c,
            (Some(c), _) => SlaTargets {
                response: self.stricter(urgency, received_at, c.response, by_u.response)?,
                resolution: self.stricter(urgency, received_at, c.resolution, by_u.resolution)?,
            },
        };
        Ok(SlaTargets {
            response: self.as_counted(chosen.response, urgency),
            resolution: self.as_counted(chosen.resolution, urgency),
        })
    }

    /// Of a category's and an urgency's target, the one due first (equal: the urgency's).
    fn stricter(
        &self,
        urgency: Urgency,
        from: DateTime<Utc>,
        category: SlaTarget,
        by_urgency: SlaTarget,
    ) -> Result<SlaTarget, TicketError> {
        if category == by_urgency {
            return Ok(by_urgency);
        }
        let c = self.due(category, urgency, from)?;
        let u = self.due(by_urgency, urgency, from)?;
        Ok(if c < u { category } else { by_urgency })
    }

    /// The target with the clock it is counted in (business minutes on the wall clock
    /// are minutes).
    fn as_counted(&self, t: SlaTarget, urgency: Urgency) -> SlaTarget {
        if t.clock == SlaClock::BusinessMinutes && self.calendar_for(urgency).is_none() {
            SlaTarget::minutes(t.amount)
        } else {
            t
        }
    }

    fn calendar_for(&self, urgency: Urgency) -> Option<&BusinessCalendar> {
        if urgency == Urgency::Emergency {
            None
        } else {
            self.calendar.as_ref()
        }
    }

    /// The calendar `working_days` are counted on.
    fn working_calendar(&self) -> Result<&BusinessCalendar, TicketError> {
        self.calendar.as_ref().ok_or_else(|| {
            TicketError::sla(
                "missing_value",
                "calendar",
                "working_days targets need a calendar; the policy has none",
            )
        })
    }

    /// The clock a target counts in: a calendar's working time, or the wall clock.
    fn clock(
        &self,
        t: SlaTarget,
        urgency: Urgency,
    ) -> Result<Option<&BusinessCalendar>, TicketError> {
        match t.clock {
            SlaClock::Minutes | SlaClock::CalendarDays => Ok(None),
            SlaClock::BusinessMinutes => Ok(self.calendar_for(urgency)),
            SlaClock::WorkingDays => self.working_calendar().map(Some),
        }
    }

    /// The due of a target counted from `from`, without pauses.
    fn due(
        &self,
        t: SlaTarget,
        urgency: Urgency,
        from: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, TicketError> {
        match t.seconds() {
            Some(secs) => add(self.clock(t, urgency)?, from, secs),
            None => self.working_calendar()?.add_working_days(from, t.amount),
        }
    }

    /// The status of a ticket as of `as_of`. `pauses` are (start, end) intervals
    /// waiting for the owner, `end = None` while still paused; they stop the
    /// resolution clock only (a `working_days` due moves by the working time paused).
    /// `promised_reply_at`, the reply time promised to the owner (承诺回复时间),
    /// replaces the response due, earlier or later than the policy's (a later one is
    /// allowed: the owner agreed to it) and is not brought forward to the resolution
    /// due; its remaining time is wall-clock seconds.
    ///
    /// # Errors
    /// [`TicketError::InvalidOption`] (`promised_reply_at`) for a promise before
    /// `received_at`; [`TicketError::NoBusinessTime`] or [`TicketError::NoWorkingDays`]
    /// when a deadline would fall after the [`calendar_horizon`]; see also
    /// [`SlaPolicy::targets`].
    ///
    /// ```
    /// use estatekit::tickets::{SlaPolicy, Urgency};
    /// let t = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    /// let p = SlaPolicy::default();
    /// let pauses = [(t("2026-11-02T10:00:00Z"), Some(t("2026-11-03T10:00:00Z")))];
    /// let s = p.status(t("2026-11-02T08:00:00Z"), Urgency::Urgent, "repair.plumbing",
    ///                  Some(t("2026-11-02T09:00:00Z")), None, &pauses, None, t("2026-11-03T12:00:00Z"))?;
    /// assert_eq!(s.resolution_due, Some(t("2026-11-04T08:00:00Z"))); // 24 h + a 24 h pause
    /// assert!(!s.response_breached && !s.resolution_breached);
    /// // A reply promised for 12:00 replaces the 2-hour target (10:00).
    /// let s = p.status(t("2026-11-02T08:00:00Z"), Urgency::Urgent, "noise", None, None, &[],
    ///                  Some(t("2026-11-02T12:00:00Z")), t("2026-11-02T11:00:00Z"))?;
    /// assert_eq!((s.response_due, s.response_promised, s.response_breached), (t("2026-11-02T12:00:00Z"), true, false));
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn status(
        &self,
        received_at: DateTime<Utc>,
        urgency: Urgency,
        category: &str,
        responded_at: Option<DateTime<Utc>>,
        resolved_at: Option<DateTime<Utc>>,
        pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
        promised_reply_at: Option<DateTime<Utc>>,
        as_of: DateTime<Utc>,
    ) -> Result<SlaStatus, TicketError> {
        if let Some(p) = promised_reply_at.filter(|p| *p < received_at) {
            return Err(TicketError::InvalidOption {
                name: "promised_reply_at".to_owned(),
                reason: format!("{p} is before the receipt at {received_at}"),
            });
        }
        let targets = self.targets(urgency, category, received_at)?;

        // Resolution: its clock, its due before pauses and that due in seconds of it.
        let res_cal = self.clock(targets.resolution, urgency)?;
        let nominal_resolution_due = self.due(targets.resolution, urgency, received_at)?;
        let res_target = match targets.resolution.seconds() {
            Some(secs) => secs,
            None => between(res_cal, received_at, nominal_resolution_due),
        };

        // Only pauses that began by `as_of` are known.
        let mut known: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = pauses
            .iter()
            .filter(|(s, _)| *s <= as_of)
            .map(|(s, e)| (*s, e.filter(|e| *e <= as_of)))
            .collect();
        known.sort_by_key(|p| p.0);
        let paused = resolved_at.is_none_or(|r| r > as_of)
            && known.iter().any(|(s, e)| *s <= as_of && e.is_none());
        let res_end = resolved_at.map_or(as_of, |r| r.min(as_of).max(received_at));
        let resolution_remaining_seconds =
            res_target - effective(res_cal, received_at, res_end, &known);
        // Deadline: walk the unpaused stretches.
        let mut resolution_due = None;
        let mut left = res_target;
        let mut cursor = received_at;
        let mut open = false;
        for (ps, pe) in &known {
            if *ps > cursor {
                let seg = between(res_cal, cursor, *ps);
                if seg >= left {
                    break;
                }
                left -= seg;
            }
            match pe {
                Some(e) => cursor = cursor.max(*e),
                None => {
                    open = true;
                    break;
                }
            }
        }
        if !open {
            resolution_due = Some(if cursor == received_at {
                nominal_resolution_due
            } else {
                add(res_cal, cursor, left)?
            });
        }
        let resolution_breached = match resolved_at.filter(|r| *r <= as_of) {
            Some(_) => resolution_remaining_seconds < 0,
            None => resolution_remaining_seconds < 0 || resolution_due.is_some_and(|d| as_of > d),
        };

        // Response: the promise, or the target's due brought forward to the resolution's.
        let resp_cal = self.clock(targets.response, urgency)?;
        let target_due = self.due(targets.response, urgency, received_at)?;
        let response_clamped = promised_reply_at.is_none()
            && !self.response_may_follow_resolution
            && target_due > nominal_resolution_due;
        let (response_due, resp_cal) = match promised_reply_at {
            Some(p) => (p, None),
            None if response_clamped => (nominal_resolution_due, resp_cal),
            None => (target_due, resp_cal),
        };
        let resp_end = responded_at.map_or(as_of, |r| r.min(as_of).max(received_at));
        let response_remaining_seconds = signed(resp_cal, resp_end, response_due);
        let response_breached = match responded_at {
            Some(r) => r > response_due,
            None => as_of > response_due,
        };
        Ok(SlaStatus {
            targets,
            response_due,
            resolution_due,
            response_remaining_seconds,
            resolution_remaining_seconds,
            response_breached,
            resolution_breached,
            paused,
            response_promised: promised_reply_at.is_some(),
            response_clamped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().expect("an instant")
    }

    /// Beijing, Monday–Friday 09:00–18:00; 2026 Mid-Autumn (09-25..27) and National
    /// Day (10-01..07) holidays, make-up Sunday 09-20 and Saturday 10-10.
    fn china_2026() -> BusinessCalendar {
        let holidays = [
            "2026-09-25",
            "2026-09-26",
            "2026-09-27",
            "2026-10-01",
            "2026-10-02",
            "2026-10-03",
            "2026-10-04",
            "2026-10-05",
            "2026-10-06",
            "2026-10-07",
        ]
        .map(d);
        BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)
            .expect("a valid calendar")
            .with_holidays(holidays)
            .with_workdays([d("2026-09-20"), d("2026-10-10")])
    }

    /// The Nth working day after `from`'s local date, by walking day by day.
    fn walked(cal: &BusinessCalendar, from: DateTime<Utc>, n: u32) -> NaiveDate {
        let mut day = cal.local(from).date();
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().expect("a next day");
            if cal.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    #[test]
    fn working_days_agree_with_a_day_by_day_walk() {
        let cal = china_2026();
        let mut from = t("2026-09-10T20:00:00Z");
        while from < t("2026-10-20T00:00:00Z") {
            for n in 1..=30 {
                let due = cal.add_working_days(from, n).expect("within the horizon");
                let day = walked(&cal, from, n);
                assert_eq!(
                    due,
                    cal.utc(day.and_hms_opt(18, 0, 0).expect("a time")),
                    "{from} + {n}"
                );
            }
            from += Duration::hours(7);
        }
    }

    #[test]
    fn working_days_count_whole_weeks_exactly() {
        let cal =
            BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 0).expect("a calendar");
        // 52,179 weekdays from 1900-01-01 to 2099-12-31 (seconds_between's doctest):
        // the 52,179th working day after Sunday 1899-12-31 is Thursday 2099-12-31.
        let due = cal
            .add_working_days(t("1899-12-31T12:00:00Z"), 52_179)
            .expect("in range");
        assert_eq!(due, t("2099-12-31T18:00:00Z"));
        let err = cal
            .add_working_days(t("9999-12-30T12:00:00Z"), 2)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "calendar: fewer than 2 working days after 9999-12-30 12:00:00 UTC up to the calendar's horizon 9999-12-31"
        );
        assert_eq!(
            (err.code(), err.path().as_str()),
            ("no_working_days", "calendar")
        );
        // West of UTC the close of business of 9999-12-31 is in year 10000 UTC.
        let west =
            BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], -600).expect("a calendar");
        assert_eq!(
            west.add_working_days(t("9999-12-30T12:00:00Z"), 1)
                .unwrap_err()
                .code(),
            "no_working_days"
        );
    }

    #[test]
    fn every_clock_round_trips_through_json() {
        let cal = china_2026();
        let mut p = SlaPolicy::default()
            .with_calendar(cal)
            .with_response_may_follow_resolution(true);
        p.by_urgency.insert(
            Urgency::Normal,
            SlaTargets {
                response: SlaTarget::minutes(30),
                resolution: SlaTarget::working_days(8),
            },
        );
        p.by_category.insert(
            "noise".to_owned(),
            SlaTargets {
                response: SlaTarget::business_minutes(60),
                resolution: SlaTarget::business_minutes(600),
            },
        );
        let json = p.to_json();
        assert!(json.contains("\"response_may_follow_resolution\": true"));
        assert!(json.contains("\"working_days\": 8"));
        assert_eq!(SlaPolicy::from_json(&json).expect("its own JSON"), p);
        // Deserializing (e.g. inside another document) checks the same way.
        let back: SlaPolicy = serde_json::from_str(&json).expect("its own JSON");
        assert_eq!(back, p);
        let bad = json.replace("\"working_days\": 8", "\"working_days\": 0");
        let err = serde_json::from_str::<SlaPolicy>(&bad).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "by_urgency.normal.resolution.working_days: must be at least 1 day, got 0"
            ),
            "{err}"
        );
        assert!(
            !SlaPolicy::default()
                .to_json()
                .contains("response_may_follow_resolution")
        );
    }

    #[test]
    fn the_older_form_means_business_minutes() {
        let old = r#"{"response_minutes": 120, "resolution_minutes": 11520}"#;
        let doc = format!(
            r#"{{"by_urgency": {{"emergency": {old}, "urgent": {old}, "normal": {old}}}, "by_category": {{"noise": {old}}}}}"#
        );
        let p = SlaPolicy::from_json(&doc).expect("the older form");
        let want = SlaTargets {
            response: SlaTarget::business_minutes(120),
            resolution: SlaTarget::business_minutes(11520),
        };
        assert_eq!(p.by_urgency[&Urgency::Normal], want);
        assert_eq!(p.by_category["noise"], want);
        assert!(!p.response_may_follow_resolution);
        // Without a calendar they are counted (and reported) as wall-clock minutes.
        let at = t("2026-11-02T02:00:00Z");
        assert_eq!(
            p.targets(Urgency::Normal, "other", at).expect("targets"),
            SlaTargets {
                response: SlaTarget::minutes(120),
                resolution: SlaTarget::minutes(11520),
            }
        );
    }

    #[test]
    fn working_days_of_a_policy_built_without_a_calendar_are_a_typed_error() {
        let mut p = SlaPolicy::default();
        p.by_urgency.insert(
            Urgency::Normal,
            SlaTargets {
                response: SlaTarget::business_minutes(120),
                resolution: SlaTarget::working_days(3),
            },
        );
        let at = t("2026-11-02T02:00:00Z");
        let err = p
            .status(at, Urgency::Normal, "other", None, None, &[], None, at)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "calendar: working_days targets need a calendar; the policy has none"
        );
        assert_eq!(err.code(), "missing_value");
    }

    #[test]
    fn a_missing_urgency_of_a_policy_built_in_code_gets_the_default_normal_targets() {
        let mut p = SlaPolicy::default();
        p.by_urgency.clear();
        let at = t("2026-11-02T02:00:00Z");
        assert_eq!(
            p.targets(Urgency::Urgent, "other", at).expect("targets"),
            SlaTargets {
                response: SlaTarget::minutes(120),
                resolution: SlaTarget::calendar_days(8),
            }
        );
    }
}
