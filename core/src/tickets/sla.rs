//! Service-level targets: response and resolution deadlines in calendar or business
//! time, paused while waiting for the owner.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::{TicketError, Urgency};

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
        let data = CalendarData::deserialize(d)?;
        BusinessCalendar::new(data.hours, data.holidays, data.utc_offset_minutes)
            .map(|c| c.with_workdays(data.workdays))
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
            return Err(TicketError::InvalidSla {
                path: "calendar.hours".to_owned(),
                reason: format!("7 weekdays (Monday first) expected, got {}", hours.len()),
            });
        }
        if !(-18 * 60..=18 * 60).contains(&utc_offset_minutes) {
            return Err(TicketError::InvalidSla {
                path: "calendar.utc_offset_minutes".to_owned(),
                reason: format!("must be within ±1080, got {utc_offset_minutes}"),
            });
        }
        let mut hours = hours;
        for (d, day) in hours.iter_mut().enumerate() {
            day.sort_by_key(|h| h.start);
            for (i, h) in day.iter().enumerate() {
                if h.end <= h.start {
                    return Err(TicketError::InvalidSla {
                        path: format!("calendar.hours[{d}][{i}]"),
                        reason: format!("end {} is not after start {}", h.end, h.start),
                    });
                }
                if i > 0 && day[i - 1].end > h.start {
                    return Err(TicketError::InvalidSla {
                        path: format!("calendar.hours[{d}][{i}]"),
                        reason: "working periods overlap".to_owned(),
                    });
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
            NaiveTime::parse_from_str(s, "%H:%M").map_err(|e| TicketError::InvalidSla {
                path: path.to_owned(),
                reason: format!("{s:?} is not a time HH:MM: {e}"),
            })
        };
        let h = WorkingHours::new(time(start, "start")?, time(end, "end")?);
        let mut hours = vec![Vec::new(); 7];
        for (i, d) in days.iter().enumerate() {
            let slot = hours
                .get_mut(*d as usize)
                .ok_or_else(|| TicketError::InvalidSla {
                    path: format!("days[{i}]"),
                    reason: format!("weekday {d} is not in 0..=6 (0 = Monday)"),
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
        let offset = Duration::minutes(i64::from(self.utc_offset_minutes));
        t.naive_utc()
            .checked_add_signed(offset)
            .unwrap_or(if offset > Duration::zero() {
                NaiveDateTime::MAX
            } else {
                NaiveDateTime::MIN
            })
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
    /// assert_eq!((err.code(), err.path().as_str()), ("invalid_sla", "seconds"));
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
            return Err(TicketError::InvalidSla {
                path: "seconds".to_owned(),
                reason: format!("must not be negative, got {seconds}"),
            });
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
}

/// Response and resolution targets, minutes.
///
/// ```
/// let t = estatekit::tickets::SlaTargets { response_minutes: 120, resolution_minutes: 1440 };
/// assert_eq!(t.response_minutes, 120);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTargets {
    /// Time to first response (handling begins), minutes.
    pub response_minutes: u32,
    /// Time to resolution, minutes (pauses excluded).
    pub resolution_minutes: u32,
}

/// An SLA policy: targets per urgency and, optionally, per category, measured in
/// calendar time or in the business time of a calendar.
///
/// Targets are minutes of the policy's clock: with a calendar, working minutes (a
/// 2-hour response is 2 working hours; a resolution target of 8 × 1440 minutes is 192
/// working hours, so give business-time policies targets in working time, e.g. 8
/// working days of 9 hours = 4320 minutes).
///
/// Targets: a category's targets replace the urgency's for normal tickets; for urgent
/// and emergency tickets the stricter of the two applies, field by field. Emergencies
/// are always measured in calendar time (on-site at once, day or night).
///
/// Defaults: emergency 15 min / 4 h; urgent 2 h / 24 h; normal 2 h / 8
/// days; `house_quality` and `planning_design` 2 h / 45 days; calendar time.
///
/// ```
/// use estatekit::tickets::{SlaPolicy, Urgency};
/// let p = SlaPolicy::default();
/// assert_eq!(p.targets(Urgency::Normal, "noise").resolution_minutes, 8 * 24 * 60);
/// assert_eq!(p.targets(Urgency::Normal, "house_quality").resolution_minutes, 45 * 24 * 60);
/// assert_eq!(p.targets(Urgency::Emergency, "house_quality").resolution_minutes, 240);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    /// Targets per urgency (all three required).
    pub by_urgency: BTreeMap<Urgency, SlaTargets>,
    /// Targets per category code.
    #[serde(default)]
    pub by_category: BTreeMap<String, SlaTargets>,
    /// Business calendar; `None` counts calendar time.
    #[serde(default)]
    pub calendar: Option<BusinessCalendar>,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        let t = |r, s| SlaTargets {
            response_minutes: r,
            resolution_minutes: s,
        };
        Self {
            by_urgency: [
                (Urgency::Emergency, t(15, 240)),
                (Urgency::Urgent, t(120, 24 * 60)),
                (Urgency::Normal, t(120, 8 * 24 * 60)),
            ]
            .into_iter()
            .collect(),
            by_category: [
                ("house_quality".to_owned(), t(120, 45 * 24 * 60)),
                ("planning_design".to_owned(), t(120, 45 * 24 * 60)),
            ]
            .into_iter()
            .collect(),
            calendar: None,
        }
    }
}

/// Where a ticket stands against its SLA as of a time. Remaining times are in the
/// policy's clock (business seconds with a calendar), negative when overdue.
///
/// ```
/// use estatekit::tickets::{SlaPolicy, Urgency};
/// let p = SlaPolicy::default();
/// let at = "2026-11-02T08:00:00Z".parse().unwrap();
/// let s = p.status(at, Urgency::Urgent, "repair.plumbing", None, None, &[], "2026-11-02T11:00:00Z".parse().unwrap())?;
/// assert!(s.response_breached);
/// assert_eq!(s.response_remaining_seconds, -3600);
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlaStatus {
    /// The targets applied.
    pub targets: SlaTargets,
    /// Respond by.
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
}

impl SlaPolicy {
    /// Parses and validates a policy.
    ///
    /// # Errors
    /// [`TicketError::InvalidSla`] (naming the field) for malformed JSON or a missing
    /// urgency; [`TicketError::NoWorkingHours`] for a calendar without working hours.
    ///
    /// ```
    /// use estatekit::tickets::SlaPolicy;
    /// let err = SlaPolicy::from_json(r#"{"by_urgency": {}, "calendar": {"hours": [[],[],[],[],[],[],[]]}}"#).unwrap_err();
    /// assert_eq!(err.code(), "no_working_hours");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, TicketError> {
        crate::json::within_limit(text).map_err(|(size, limit)| TicketError::DocumentTooLarge {
            path: "$".to_owned(),
            size,
            limit,
        })?;
        let p: SlaPolicy = crate::json::parse(text).map_err(|f| {
            if f.message
                .starts_with("calendar.hours: the calendar has no working hours")
            {
                TicketError::NoWorkingHours
            } else {
                TicketError::InvalidSla {
                    path: f.path,
                    reason: f.message,
                }
            }
        })?;
        for u in Urgency::ALL {
            if !p.by_urgency.contains_key(u) {
                return Err(TicketError::InvalidSla {
                    path: format!("by_urgency.{u}"),
                    reason: "targets for every urgency are required".to_owned(),
                });
            }
        }
        Ok(p)
    }

    /// The policy as JSON.
    ///
    /// ```
    /// use estatekit::tickets::SlaPolicy;
    /// let p = SlaPolicy::default();
    /// assert_eq!(SlaPolicy::from_json(&p.to_json())?, p);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// This policy counting business time on `calendar`.
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

    /// The targets for a ticket of this urgency and category.
    ///
    /// ```
    /// use estatekit::tickets::{SlaPolicy, Urgency};
    /// assert_eq!(SlaPolicy::default().targets(Urgency::Emergency, "other").response_minutes, 15);
    /// ```
    pub fn targets(&self, urgency: Urgency, category: &str) -> SlaTargets {
        let by_u = self
            .by_urgency
            .get(&urgency)
            .copied()
            .unwrap_or(SlaTargets {
                response_minutes: 120,
                resolution_minutes: 8 * 24 * 60,
            });
        match (self.by_category.get(category), urgency) {
            (None, _) => by_u,
            (Some(c), Urgency::Normal) => *c,
            (Some(c), _) => SlaTargets {
                response_minutes: c.response_minutes.min(by_u.response_minutes),
                resolution_minutes: c.resolution_minutes.min(by_u.resolution_minutes),
            },
        }
    }

    fn calendar_for(&self, urgency: Urgency) -> Option<&BusinessCalendar> {
        if urgency == Urgency::Emergency {
            None
        } else {
            self.calendar.as_ref()
        }
    }

    /// Seconds between two instants on the policy's clock for this urgency.
    fn between(&self, cal: Option<&BusinessCalendar>, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        match cal {
            Some(c) => c.seconds_between(a, b),
            None => (b - a).num_seconds().max(0),
        }
    }

    fn add(
        &self,
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

    /// Effective (unpaused) clock seconds from `from` to `to`.
    fn effective(
        &self,
        cal: Option<&BusinessCalendar>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
    ) -> i64 {
        let mut s = self.between(cal, from, to);
        for (ps, pe) in pauses {
            let a = (*ps).max(from);
            let b = pe.unwrap_or(to).min(to);
            if b > a {
                s -= self.between(cal, a, b);
            }
        }
        s.max(0)
    }

    /// The status of a ticket as of `as_of`. `pauses` are (start, end) intervals
    /// waiting for the owner, `end = None` while still paused; they stop the
    /// resolution clock only.
    ///
    /// # Errors
    /// [`TicketError::NoBusinessTime`] when a deadline would fall after the
    /// [`calendar_horizon`].
    ///
    /// ```
    /// use estatekit::tickets::{SlaPolicy, Urgency};
    /// let t = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    /// let p = SlaPolicy::default();
    /// let pauses = [(t("2026-11-02T10:00:00Z"), Some(t("2026-11-03T10:00:00Z")))];
    /// let s = p.status(t("2026-11-02T08:00:00Z"), Urgency::Urgent, "repair.plumbing",
    ///                  Some(t("2026-11-02T09:00:00Z")), None, &pauses, t("2026-11-03T12:00:00Z"))?;
    /// assert_eq!(s.resolution_due, Some(t("2026-11-04T08:00:00Z"))); // 24 h + a 24 h pause
    /// assert!(!s.response_breached && !s.resolution_breached);
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
        as_of: DateTime<Utc>,
    ) -> Result<SlaStatus, TicketError> {
        let targets = self.targets(urgency, category);
        let cal = self.calendar_for(urgency);
        let resp_target = i64::from(targets.response_minutes) * 60;
        let res_target = i64::from(targets.resolution_minutes) * 60;
        let response_due = self.add(cal, received_at, resp_target)?;
        let resp_end = responded_at.map_or(as_of, |r| r.min(as_of).max(received_at));
        let response_remaining_seconds = resp_target - self.between(cal, received_at, resp_end);
        let response_breached = match responded_at {
            Some(r) => r > response_due,
            None => as_of > response_due,
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
            res_target - self.effective(cal, received_at, res_end, &known);
        // Deadline: walk the unpaused stretches.
        let mut resolution_due = None;
        let mut left = res_target;
        let mut cursor = received_at;
        let mut open = false;
        for (ps, pe) in &known {
            if *ps > cursor {
                let seg = self.between(cal, cursor, *ps);
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
            resolution_due = Some(self.add(cal, cursor, left)?);
        }
        let resolution_breached = match resolved_at.filter(|r| *r <= as_of) {
            Some(_) => resolution_remaining_seconds < 0,
            None => resolution_remaining_seconds < 0 || resolution_due.is_some_and(|d| as_of > d),
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
        })
    }
}
