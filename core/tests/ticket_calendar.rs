//! The business calendar is exact over the whole range: it used to stop counting after
//! 100 years (1900→2100 gave the same as year 1→9999), treated negative seconds as 0,
//! and returned `DateTime::MAX` when only holidays lay ahead.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use estatekit::tickets::{
    BusinessCalendar, Channel, SlaPolicy, Ticket, TicketFlow, TicketKind, Urgency,
    calendar_horizon, statistics,
};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Working seconds by walking every day (the reference).
fn walked(cal: &BusinessCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
    let mut total = 0;
    let mut d = from;
    while d < to {
        if !cal.holidays().contains(&d) {
            for p in &cal.hours()[d.weekday().num_days_from_monday() as usize] {
                total += (p.end - p.start).num_seconds();
            }
        }
        d = d.succ_opt().unwrap();
    }
    total
}

#[test]
fn seconds_between_is_exact_over_centuries() {
    let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 0).unwrap();
    // 1900-01-01 (a Monday) to 2100-01-01: 73,049 days, 52,179 weekdays.
    let two_centuries = cal.seconds_between(t("1900-01-01T00:00:00Z"), t("2100-01-01T00:00:00Z"));
    assert_eq!(two_centuries, 52_179 * 9 * 3600);
    // Year 1 to 9999: not the same (it was: both stopped after 100 years).
    let all = cal.seconds_between(t("0001-01-01T00:00:00Z"), t("9999-01-01T00:00:00Z"));
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    assert_eq!(all, walked(&cal, d("0001-01-01"), d("9999-01-01")));
    assert_eq!(all, 2_608_354 * 9 * 3600);
    // With holidays (every 1 October and 25 December from 1950 to 2149) and an offset.
    let holidays: Vec<NaiveDate> = (1950..2150)
        .flat_map(|y| {
            [
                NaiveDate::from_ymd_opt(y, 10, 1).unwrap(),
                NaiveDate::from_ymd_opt(y, 12, 25).unwrap(),
            ]
        })
        .collect();
    let cal = BusinessCalendar::weekly("08:30", "12:00", &[0, 1, 2, 3, 4, 5], 0)
        .unwrap()
        .with_holidays(holidays);
    let s = cal.seconds_between(t("1900-03-01T00:00:00Z"), t("2200-03-01T00:00:00Z"));
    assert_eq!(s, walked(&cal, d("1900-03-01"), d("2200-03-01")));
    assert_eq!(s, 93_577 * 12_600);
}

#[test]
fn add_seconds_inverts_seconds_between_over_centuries() {
    let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 0).unwrap();
    let due = cal
        .add_seconds(t("1900-01-01T00:00:00Z"), 52_179 * 9 * 3600)
        .unwrap();
    // The last working second is Thursday 2099-12-31 18:00.
    assert_eq!(due, t("2099-12-31T18:00:00Z"));
    let due = cal
        .add_seconds(t("1900-01-01T00:00:00Z"), 52_179 * 9 * 3600 + 1)
        .unwrap();
    assert_eq!(due, t("2100-01-01T09:00:01Z"));
    // 0 seconds: the start of the next working period (or `from` when working).
    assert_eq!(
        cal.add_seconds(t("2026-11-07T12:00:00Z"), 0).unwrap(),
        t("2026-11-09T09:00:00Z")
    );
    assert_eq!(
        cal.add_seconds(t("2026-11-09T12:34:56Z"), 0).unwrap(),
        t("2026-11-09T12:34:56Z")
    );
    assert_eq!(
        cal.add_seconds(t("2026-11-09T18:00:00Z"), 0).unwrap(),
        t("2026-11-10T09:00:00Z")
    );
}

#[test]
fn negative_seconds_are_refused() {
    let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480).unwrap();
    let err = cal.add_seconds(t("2026-11-06T09:00:00Z"), -60).unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str(), err.to_string()),
        (
            "negative",
            "seconds",
            "seconds: must not be negative, got -60".to_owned()
        )
    );
}

#[test]
fn holidays_for_more_than_a_century_then_work_again() {
    // Work on Mondays only; every Monday from 2026 to 2130 is a holiday. The deadline
    // is the first Monday after them (it was DateTime::MAX).
    let mondays: Vec<NaiveDate> = NaiveDate::from_ymd_opt(2026, 11, 2)
        .unwrap()
        .iter_weeks()
        .take_while(|d| d.year() <= 2130)
        .collect();
    assert_eq!(mondays.len(), 5_435);
    let cal = BusinessCalendar::weekly("09:00", "18:00", &[0], 0)
        .unwrap()
        .with_holidays(mondays);
    let due = cal.add_seconds(t("2026-11-01T00:00:00Z"), 3600).unwrap();
    assert_eq!(due, t("2131-01-01T10:00:00Z"));
    assert_eq!(cal.seconds_between(t("2026-11-01T00:00:00Z"), due), 3600);
}

#[test]
fn no_business_time_before_the_horizon_is_a_typed_error() {
    assert_eq!(calendar_horizon(), t("9999-12-31T23:59:59.999999999Z"));
    let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 0).unwrap();
    // 9999-12-31 is a Friday: 9 working hours are left, 10 are asked for.
    let from = t("9999-12-31T00:00:00Z");
    assert_eq!(
        cal.add_seconds(from, 9 * 3600).unwrap(),
        t("9999-12-31T18:00:00Z")
    );
    let err = cal.add_seconds(from, 10 * 3600).unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str(), err.to_string()),
        (
            "no_business_time",
            "calendar",
            "calendar: no business time for 36000 s after 9999-12-31 00:00:00 UTC up to the calendar's horizon 9999-12-31"
                .to_owned()
        )
    );
    // The SLA deadline of a ticket received then, its flow and the statistics.
    let policy = SlaPolicy::default().with_calendar(cal);
    let err = policy
        .status(from, Urgency::Normal, "noise", None, None, &[], None, from)
        .unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("no_business_time", "calendar")
    );
    let ticket = Ticket::new(
        "T-1",
        "1-201",
        Channel::App,
        from,
        "王女士",
        "太吵了",
        TicketKind::Complaint,
    );
    let flow = TicketFlow::new(ticket, "noise", Urgency::Normal, "customer_service", "前台");
    assert_eq!(
        flow.sla(&policy, from).unwrap_err().code(),
        "no_business_time"
    );
    let err = statistics(
        std::slice::from_ref(&flow),
        from,
        from + Duration::hours(1),
        10,
        &policy,
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("no_business_time", "calendar")
    );
    // Calendar time past the horizon: the same error, not a sentinel.
    let err = SlaPolicy::default()
        .status(from, Urgency::Normal, "noise", None, None, &[], None, from)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "calendar: no business time for 691200 s after 9999-12-31 00:00:00 UTC up to the calendar's horizon 9999-12-31"
    );
    // Emergencies (15 minutes, calendar time) still fit.
    let s = policy
        .status(
            from,
            Urgency::Emergency,
            "other",
            None,
            None,
            &[],
            None,
            from,
        )
        .unwrap();
    assert_eq!(s.response_due, t("9999-12-31T00:15:00Z"));
}

/// Make-up working days (调休): China's 2026 National Day week as the State Council
/// published it (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04): holidays
/// 1–7 October, Sunday 20 September and Saturday 10 October worked. Beijing time,
/// Monday–Friday 09:00–18:00.
#[test]
fn national_day_week_with_a_make_up_saturday() {
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let t = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let holidays = || (1..=7).map(|day| d(&format!("2026-10-{day:02}")));
    let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)
        .unwrap()
        .with_holidays(holidays())
        .with_workdays([d("2026-09-20"), d("2026-10-10")]);
    // Friday 10-09 17:00 Beijing (09:00Z) + 2 working hours: 1 on Friday, 1 on the
    // make-up Saturday → Saturday 10:00 Beijing (02:00Z); without it, Monday 10-12.
    assert_eq!(
        cal.add_seconds(t("2026-10-09T09:00:00Z"), 7200).unwrap(),
        t("2026-10-10T02:00:00Z")
    );
    let plain = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)
        .unwrap()
        .with_holidays(holidays());
    assert_eq!(
        plain.add_seconds(t("2026-10-09T09:00:00Z"), 7200).unwrap(),
        t("2026-10-12T02:00:00Z")
    );
    // The make-up Sunday before: Friday 09-18 17:00 Beijing + 2 h → Sunday 09-20 10:00.
    assert_eq!(
        cal.add_seconds(t("2026-09-18T09:00:00Z"), 7200).unwrap(),
        t("2026-09-20T02:00:00Z")
    );
    // Wednesday 09-30 17:00 Beijing to Monday 10-12 09:00 Beijing: 1 h (09-30) + 9 h
    // each on Thursday 10-08, Friday 10-09 and the make-up Saturday 10-10 = 28 h.
    assert_eq!(
        cal.seconds_between(t("2026-09-30T09:00:00Z"), t("2026-10-12T01:00:00Z")),
        28 * 3600
    );
    // Part of the make-up day: Saturday 09:00–11:30 Beijing.
    assert_eq!(
        cal.seconds_between(t("2026-10-10T01:00:00Z"), t("2026-10-10T03:30:00Z")),
        9000
    );
    // The inverse: 28 working hours from 09-30 17:00 end on Saturday 18:00 Beijing (10:00Z).
    assert_eq!(
        cal.add_seconds(t("2026-09-30T09:00:00Z"), 28 * 3600)
            .unwrap(),
        t("2026-10-10T10:00:00Z")
    );
    // A make-up day that is also a holiday is a holiday.
    let both = cal.clone().with_holidays([d("2026-10-10")]);
    assert_eq!(
        both.add_seconds(t("2026-10-09T09:00:00Z"), 7200).unwrap(),
        t("2026-10-12T02:00:00Z")
    );

    // JSON: "workdays" round-trips; a calendar document without it has none.
    let policy = SlaPolicy::default().with_calendar(cal.clone());
    let json = policy.to_json();
    assert!(
        json.contains("\"workdays\": [\n      \"2026-09-20\",\n      \"2026-10-10\"\n    ]"),
        "{json}"
    );
    assert_eq!(SlaPolicy::from_json(&json).unwrap(), policy);
    let old = SlaPolicy::default().with_calendar(plain).to_json();
    assert!(!old.contains("workdays"));
    let back = SlaPolicy::from_json(&old).unwrap();
    assert!(back.calendar.unwrap().workdays().is_empty());
}
