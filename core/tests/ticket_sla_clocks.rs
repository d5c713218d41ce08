//! SLA clocks that agree (issue 18.4): each target names its clock, a response is
//! never due after the resolution, working days count holidays and make-up days, and
//! a promised reply time replaces the response target. Every deadline is computed by
//! hand in the comments (Beijing time, UTC+8).
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, NaiveDate, Utc};
use estatekit::tickets::{
    BusinessCalendar, Channel, SlaClock, SlaPolicy, SlaTarget, SlaTargets, Ticket, TicketFlow,
    TicketKind, Urgency, statistics,
};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Monday–Friday 09:00–18:00 Beijing time.
fn weekdays() -> BusinessCalendar {
    BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480).unwrap()
}

/// The State Council's 2026 arrangement around National Day (国办发明电〔2025〕7号):
/// Mid-Autumn 09-25 (Fri) to 09-27 and National Day 10-01 (Thu) to 10-07 off; Sunday
/// 09-20 and Saturday 10-10 worked (调休补班).
fn china_2026() -> BusinessCalendar {
    let off = [
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
    ];
    weekdays()
        .with_holidays(off.map(d))
        .with_workdays([d("2026-09-20"), d("2026-10-10")])
}

fn policy_json(normal_resolution: &str, calendar: &BusinessCalendar) -> String {
    format!(
        r#"{{"by_urgency": {{
            "emergency": {{"response": {{"minutes": 15}}, "resolution": {{"minutes": 240}}}},
            "urgent": {{"response": {{"business_minutes": 120}}, "resolution": {{"minutes": 1440}}}},
            "normal": {{"response": {{"business_minutes": 120}}, "resolution": {normal_resolution}}}}},
            "calendar": {}}}"#,
        serde_json::to_string(calendar).unwrap()
    )
}

fn working_days_policy(days: u32, calendar: &BusinessCalendar) -> SlaPolicy {
    SlaPolicy::from_json(&policy_json(
        &format!(r#"{{"working_days": {days}}}"#),
        calendar,
    ))
    .unwrap()
}

fn status(policy: &SlaPolicy, received: &str, urgency: Urgency) -> estatekit::tickets::SlaStatus {
    policy
        .status(
            t(received),
            urgency,
            "other",
            None,
            None,
            &[],
            None,
            t(received),
        )
        .unwrap()
}

#[test]
fn a_friday_afternoon_urgent_ticket_is_to_be_answered_before_it_is_resolved() {
    // Friday 2026-11-06 16:30 Beijing (08:30Z), urgent, SlaPolicy::standard(calendar).
    let policy = SlaPolicy::default().with_calendar(weekdays());
    let s = status(&policy, "2026-11-06T08:30:00Z", Urgency::Urgent);
    assert_eq!(
        s.targets,
        SlaTargets {
            response: SlaTarget::business_minutes(120),
            resolution: SlaTarget::minutes(1440),
        }
    );
    // Resolve within 24 hours: Saturday 16:30 Beijing.
    assert_eq!(s.resolution_due, Some(t("2026-11-07T08:30:00Z")));
    // Respond within 2 working hours would be Monday 09:30 (90 min on Friday, 30 on
    // Monday), after the resolution due: brought forward to Saturday 16:30.
    assert_eq!(s.response_due, t("2026-11-07T08:30:00Z"));
    assert!(s.response_clamped && !s.response_promised);
    // 90 working minutes left (Friday 16:30–18:00).
    assert_eq!(s.response_remaining_seconds, 5400);
    // Configured so, the response may follow: Monday 09:30 Beijing.
    let allowed = policy.clone().with_response_may_follow_resolution(true);
    let s = status(&allowed, "2026-11-06T08:30:00Z", Urgency::Urgent);
    assert_eq!(s.response_due, t("2026-11-09T01:30:00Z"));
    assert!(!s.response_clamped);
    // The same ticket counted on the wall clock throughout (no calendar): 18:30, Saturday.
    let s = status(
        &SlaPolicy::default(),
        "2026-11-06T08:30:00Z",
        Urgency::Urgent,
    );
    assert_eq!(
        (s.response_due, s.resolution_due),
        (t("2026-11-06T10:30:00Z"), Some(t("2026-11-07T08:30:00Z")))
    );
    assert_eq!(s.targets.response, SlaTarget::minutes(120));
}

#[test]
fn a_normal_ticket_is_due_in_8_calendar_days_not_192_working_hours() {
    // Monday 2026-11-02 09:00 Beijing (01:00Z), the README's recipe.
    let policy = SlaPolicy::default().with_calendar(weekdays());
    let s = status(&policy, "2026-11-02T01:00:00Z", Urgency::Normal);
    assert_eq!(s.resolution_due, Some(t("2026-11-10T01:00:00Z")));
    assert_eq!(s.targets.resolution.clock, SlaClock::CalendarDays);
    assert_eq!(s.response_due, t("2026-11-02T03:00:00Z")); // 11:00 Beijing
    // The older document form keeps its meaning: 11520 working minutes = 192 working
    // hours = 21 days of 9 h (to Monday 11-30 18:00) + 3 h → Tuesday 12-01 12:00.
    let old = r#"{"response_minutes": 120, "resolution_minutes": 11520}"#;
    let doc = format!(
        r#"{{"by_urgency": {{"emergency": {old}, "urgent": {old}, "normal": {old}}}, "calendar": {}}}"#,
        serde_json::to_string(&weekdays()).unwrap()
    );
    let legacy = SlaPolicy::from_json(&doc).unwrap();
    let s = status(&legacy, "2026-11-02T01:00:00Z", Urgency::Normal);
    assert_eq!(s.resolution_due, Some(t("2026-12-01T04:00:00Z")));
    assert_eq!(s.targets.resolution, SlaTarget::business_minutes(11520));
    // Written back in the new form, it means the same.
    let again = SlaPolicy::from_json(&legacy.to_json()).unwrap();
    assert_eq!(again, legacy);
    assert!(legacy.to_json().contains("\"business_minutes\": 11520"));
}

#[test]
fn working_days_end_at_the_close_of_the_nth_working_day_after_the_receipt() {
    let one = working_days_policy(1, &weekdays());
    // Monday 11-02 10:00 → Tuesday 18:00 Beijing; before opening (07:00) the same: the
    // day of receipt never counts.
    for received in ["2026-11-02T02:00:00Z", "2026-11-01T23:00:00Z"] {
        let s = status(&one, received, Urgency::Normal);
        assert_eq!(
            s.resolution_due,
            Some(t("2026-11-03T10:00:00Z")),
            "{received}"
        );
        assert_eq!(s.targets.resolution, SlaTarget::working_days(1));
    }
    // Friday 16:30 and Saturday → Monday 18:00.
    for received in ["2026-11-06T08:30:00Z", "2026-11-07T04:00:00Z"] {
        let s = status(&one, received, Urgency::Normal);
        assert_eq!(
            s.resolution_due,
            Some(t("2026-11-09T10:00:00Z")),
            "{received}"
        );
    }
    // 8 working days from Monday 11-02: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9, Tue 10,
    // Wed 11, Thu 12 → Thursday 11-12 18:00 Beijing. Remaining: working seconds, 8 h
    // on Monday (10:00–18:00) + 8 × 9 h.
    let eight = working_days_policy(8, &weekdays());
    let s = status(&eight, "2026-11-02T02:00:00Z", Urgency::Normal);
    assert_eq!(s.resolution_due, Some(t("2026-11-12T10:00:00Z")));
    assert_eq!(s.resolution_remaining_seconds, (8 + 8 * 9) * 3600);
    // A 2-hour pause (Monday 14:00–16:00) moves the due by 2 working hours: Friday 11-13 11:00.
    let pauses = [(t("2026-11-02T06:00:00Z"), Some(t("2026-11-02T08:00:00Z")))];
    let s = eight
        .status(
            t("2026-11-02T02:00:00Z"),
            Urgency::Normal,
            "other",
            None,
            None,
            &pauses,
            None,
            t("2026-11-02T09:00:00Z"),
        )
        .unwrap();
    assert_eq!(s.resolution_due, Some(t("2026-11-13T03:00:00Z")));
    // Remaining at Monday 17:00: 80 h − (7 h elapsed − 2 h paused).
    assert_eq!(s.resolution_remaining_seconds, 75 * 3600);
}

#[test]
fn a_holiday_with_a_make_up_saturday() {
    let cal = china_2026();
    let policy = working_days_policy(3, &cal);
    // Business-time response, Friday 10-09 17:00 (09:00Z), 2 working hours: 1 h on
    // Friday, 1 h on the make-up Saturday 10-10 → Saturday 10:00.
    let s = status(&policy, "2026-10-09T09:00:00Z", Urgency::Normal);
    assert_eq!(s.response_due, t("2026-10-10T02:00:00Z"));
    // Wednesday 09-30 17:00: 1 h on 09-30, 10-01..07 off, 1 h on Thursday 10-08 → 10:00.
    let s = status(&policy, "2026-09-30T09:00:00Z", Urgency::Normal);
    assert_eq!(s.response_due, t("2026-10-08T02:00:00Z"));
    // Working-day resolution, Wednesday 09-30 10:00 (02:00Z), 3 working days: Thursday
    // 10-08 (1), Friday 10-09 (2), Saturday 10-10 (3, make-up) → Saturday 18:00.
    let s = status(&policy, "2026-09-30T02:00:00Z", Urgency::Normal);
    assert_eq!(s.resolution_due, Some(t("2026-10-10T10:00:00Z")));
    // Without the make-up day: Monday 10-12 18:00.
    let plain = working_days_policy(3, &weekdays().with_holidays(cal.holidays().iter().copied()));
    let s = status(&plain, "2026-09-30T02:00:00Z", Urgency::Normal);
    assert_eq!(s.resolution_due, Some(t("2026-10-12T10:00:00Z")));
    // 8 working days from 09-30: 10-08, 09, 10 (Sat), 12, 13, 14, 15, 16 → Friday 10-16 18:00.
    let s = status(
        &working_days_policy(8, &cal),
        "2026-09-30T02:00:00Z",
        Urgency::Normal,
    );
    assert_eq!(s.resolution_due, Some(t("2026-10-16T10:00:00Z")));
    // The make-up Sunday: Friday 09-18 15:00, 1 working day → Sunday 09-20 18:00.
    let one = working_days_policy(1, &cal);
    let s = status(&one, "2026-09-18T07:00:00Z", Urgency::Normal);
    assert_eq!(s.resolution_due, Some(t("2026-09-20T10:00:00Z")));
    // Mid-Autumn: Thursday 09-24 10:00, 2 working days: Friday 09-25 is a holiday →
    // Monday 09-28 (1), Tuesday 09-29 (2) → Tuesday 18:00.
    let two = working_days_policy(2, &cal);
    let s = status(&two, "2026-09-24T02:00:00Z", Urgency::Normal);
    assert_eq!(s.resolution_due, Some(t("2026-09-29T10:00:00Z")));
}

#[test]
fn the_stricter_of_two_targets_in_different_clocks_is_the_one_due_first() {
    // Urgent: 2 calendar days; elevators: 1 working day.
    let doc = policy_json(r#"{"calendar_days": 8}"#, &weekdays()).replace(
        r#""calendar":"#,
        r#""by_category": {"repair.elevator": {"response": {"minutes": 30}, "resolution": {"working_days": 1}}}, "calendar":"#,
    ).replace(r#""resolution": {"minutes": 1440}"#, r#""resolution": {"calendar_days": 2}"#);
    let p = SlaPolicy::from_json(&doc).unwrap();
    let at = |s: &str| {
        p.status(
            t(s),
            Urgency::Urgent,
            "repair.elevator",
            None,
            None,
            &[],
            None,
            t(s),
        )
        .unwrap()
    };
    // Monday 10:00: 1 working day (Tuesday 18:00) before 2 days (Wednesday 10:00).
    let s = at("2026-11-02T02:00:00Z");
    assert_eq!(s.targets.resolution, SlaTarget::working_days(1));
    assert_eq!(s.resolution_due, Some(t("2026-11-03T10:00:00Z")));
    // Friday 16:30: 2 days (Sunday 16:30) before 1 working day (Monday 18:00).
    let s = at("2026-11-06T08:30:00Z");
    assert_eq!(s.targets.resolution, SlaTarget::calendar_days(2));
    assert_eq!(s.resolution_due, Some(t("2026-11-08T08:30:00Z")));
    // Response: 30 wall-clock minutes before 2 working hours.
    assert_eq!(s.targets.response, SlaTarget::minutes(30));
    assert_eq!(s.response_due, t("2026-11-06T09:00:00Z"));
}

fn flow(received: &str) -> TicketFlow {
    let ticket = Ticket::new(
        "T-7",
        "3-502",
        Channel::Hotline,
        t(received),
        "李先生",
        "门禁刷卡没反应",
        TicketKind::RepairRequest,
    );
    TicketFlow::new(
        ticket,
        "repair.facility",
        Urgency::Normal,
        "engineering",
        "前台小张",
    )
    .with_utc_offset_minutes(480)
    .unwrap()
}

#[test]
fn a_promised_reply_time_replaces_the_response_target() {
    let policy = SlaPolicy::default().with_calendar(weekdays());
    // Friday 16:30 Beijing; the target would be Monday 09:30 (01:30Z). The owner agreed
    // to a call on Monday 11:00 (03:00Z), later than the target: allowed.
    let mut f = flow("2026-11-06T08:30:00Z");
    assert_eq!(
        f.sla(&policy, t("2026-11-06T08:30:00Z"))
            .unwrap()
            .response_due,
        t("2026-11-09T01:30:00Z")
    );
    f.promise_reply(t("2026-11-09T03:00:00Z")).unwrap();
    let s = f.sla(&policy, t("2026-11-09T02:00:00Z")).unwrap();
    assert_eq!(s.response_due, t("2026-11-09T03:00:00Z"));
    assert!(s.response_promised && !s.response_clamped && !s.response_breached);
    assert_eq!(s.response_remaining_seconds, 3600); // wall clock
    // The resolution target is unchanged: 8 calendar days.
    assert_eq!(s.resolution_due, Some(t("2026-11-14T08:30:00Z")));
    // Kept in the document; answered at 11:30, half an hour late.
    let mut back = TicketFlow::from_json(&f.to_json()).unwrap();
    assert!(
        f.to_json()
            .contains(r#""promised_reply_at":"2026-11-09T03:00:00Z""#)
    );
    assert_eq!(back, f);
    back.apply(
        estatekit::tickets::Action::Assign {
            to: "王工".into()
        },
        "前台小张",
        t("2026-11-09T03:10:00Z"),
    )
    .unwrap();
    back.apply(
        estatekit::tickets::Action::Start,
        "王工",
        t("2026-11-09T03:30:00Z"),
    )
    .unwrap();
    let s = back.sla(&policy, t("2026-11-09T04:00:00Z")).unwrap();
    assert!(s.response_breached);
    assert_eq!(s.response_remaining_seconds, -1800);
    // Statistics count it against the promise.
    let st = statistics(
        std::slice::from_ref(&back),
        t("2026-11-01T00:00:00Z"),
        t("2026-11-10T00:00:00Z"),
        10,
        &policy,
    )
    .unwrap();
    assert_eq!((st.sla.response_evaluated, st.sla.response_met), (1, 0));
    // An earlier promise, Friday 17:00 (09:00Z), is met by a start at 16:50.
    let mut early = flow("2026-11-06T08:30:00Z")
        .with_promised_reply_at(t("2026-11-06T09:00:00Z"))
        .unwrap();
    early
        .apply(
            estatekit::tickets::Action::Assign {
                to: "王工".into()
            },
            "前台小张",
            t("2026-11-06T08:40:00Z"),
        )
        .unwrap();
    early
        .apply(
            estatekit::tickets::Action::Start,
            "王工",
            t("2026-11-06T08:50:00Z"),
        )
        .unwrap();
    let st = statistics(
        std::slice::from_ref(&early),
        t("2026-11-01T00:00:00Z"),
        t("2026-11-10T00:00:00Z"),
        10,
        &policy,
    )
    .unwrap();
    assert_eq!((st.sla.response_evaluated, st.sla.response_met), (1, 1));
    // A promise before the receipt is refused, in an operation and in a document.
    let err = early.promise_reply(t("2026-11-06T08:00:00Z")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "promised_reply_at: 2026-11-06 08:00:00 UTC is before the receipt at 2026-11-06 08:30:00 UTC"
    );
    assert_eq!(early.promised_reply_at(), Some(t("2026-11-06T09:00:00Z")));
    let doc = early
        .to_json()
        .replace("2026-11-06T09:00:00Z", "2026-11-06T08:00:00Z");
    let err = TicketFlow::from_json(&doc).unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("invalid_document", "promised_reply_at")
    );
    assert_eq!(
        err.to_string(),
        "promised_reply_at: 2026-11-06 08:00:00 UTC is before the receipt at 2026-11-06 08:30:00 UTC"
    );
    // SlaPolicy::status refuses it too.
    let err = policy
        .status(
            t("2026-11-06T08:30:00Z"),
            Urgency::Normal,
            "other",
            None,
            None,
            &[],
            Some(t("2026-11-06T08:00:00Z")),
            t("2026-11-06T08:30:00Z"),
        )
        .unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("invalid_option", "promised_reply_at")
    );
}

#[test]
fn documents_without_a_promise_load_with_none() {
    let f = flow("2026-11-06T08:30:00Z");
    let json = f.to_json();
    assert!(!json.contains("promised_reply_at"));
    assert_eq!(
        TicketFlow::from_json(&json).unwrap().promised_reply_at(),
        None
    );
}

/// Every new typed error, with its path and message.
#[test]
fn each_malformed_target_is_a_typed_error_naming_the_field() {
    let cal = weekdays();
    let entry = |normal: &str, calendar: bool| {
        let doc = format!(
            r#"{{"by_urgency": {{
            "emergency": {{"response": {{"minutes": 15}}, "resolution": {{"minutes": 240}}}},
            "urgent": {{"response": {{"business_minutes": 120}}, "resolution": {{"minutes": 1440}}}},
            "normal": {normal}}}{}}}"#,
            if calendar {
                format!(r#", "calendar": {}"#, serde_json::to_string(&cal).unwrap())
            } else {
                String::new()
            }
        );
        let err = SlaPolicy::from_json(&doc).unwrap_err();
        (err.code(), err.to_string())
    };
    let r = r#""response": {"business_minutes": 120}"#;
    let cases = [
        (
            format!(r#"{{{r}, "resolution": {{"working_days": 0}}}}"#),
            true,
            "by_urgency.normal.resolution.working_days: must be at least 1 day, got 0",
            "out_of_range",
        ),
        (
            format!(r#"{{{r}, "resolution": {{"working_days": -3}}}}"#),
            true,
            "by_urgency.normal.resolution.working_days: must be at least 1 day, got -3",
            "out_of_range",
        ),
        (
            format!(r#"{{{r}, "resolution": {{"calendar_days": 0}}}}"#),
            true,
            "by_urgency.normal.resolution.calendar_days: must be at least 1 day, got 0",
            "out_of_range",
        ),
        (
            format!(r#"{{{r}, "resolution": {{"working_days": 8}}}}"#),
            false,
            "by_urgency.normal.resolution.working_days: working days need a calendar (the policy's \"calendar\")",
            "missing_value",
        ),
        (
            format!(r#"{{{r}, "resolution": {{"working_days": 8, "calendar_days": 8}}}}"#),
            true,
            "by_urgency.normal.resolution: one clock per target, got calendar_days and working_days",
            "conflicting_fields",
        ),
        (
            format!(r#"{{{r}, "resolution": {{}}}}"#),
            true,
            "by_urgency.normal.resolution: no clock: give one of minutes, business_minutes, calendar_days, working_days",
            "missing_value",
        ),
        (
            r#"{"response": {"working_days": 1}, "resolution": {"working_days": 8}}"#.to_owned(),
            true,
            "by_urgency.normal.response.working_days: a response target is minutes or business_minutes",
            "conflicting_fields",
        ),
        (
            r#"{"response": {"minutes": -5}, "resolution": {"working_days": 8}}"#.to_owned(),
            true,
            "by_urgency.normal.response.minutes: must not be negative, got -5",
            "negative",
        ),
        (
            format!(r#"{{{r}, "response_minutes": 60, "resolution": {{"working_days": 8}}}}"#),
            true,
            "by_urgency.normal.response: given twice: response and response_minutes; give one",
            "conflicting_fields",
        ),
        (
            r#"{"resolution": {"working_days": 8}}"#.to_owned(),
            true,
            "by_urgency.normal.response: missing: give response, e.g. {\"business_minutes\": 120}",
            "missing_value",
        ),
        (
            format!(r#"{{{r}, "resolution_minutes": -1}}"#),
            true,
            "by_urgency.normal.resolution_minutes: must not be negative, got -1",
            "negative",
        ),
        (
            format!(r#"{{{r}, "resolution": {{"minutes": 4294967296}}}}"#),
            true,
            "by_urgency.normal.resolution.minutes: must be at most 4294967295, got 4294967296",
            "out_of_range",
        ),
    ];
    for (normal, calendar, want, code) in cases {
        assert_eq!(
            entry(&normal, calendar),
            (code, want.to_owned()),
            "{normal}"
        );
    }
    // Unknown fields are refused, named.
    let err = SlaPolicy::from_json(&policy_json(r#"{"hours": 8}"#, &cal)).unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("json", "by_urgency.normal.resolution.hours")
    );
    let err = SlaPolicy::from_json(&policy_json(r#"{"days": 8}"#, &cal).replace(
        r#""calendar":"#,
        r#""response_may_follow": true, "calendar":"#,
    ))
    .unwrap_err();
    assert_eq!(err.code(), "json");
    // Emergencies run on the wall clock.
    let doc = policy_json(r#"{"working_days": 8}"#, &cal).replace(
        r#""resolution": {"minutes": 240}"#,
        r#""resolution": {"working_days": 1}"#,
    );
    assert_eq!(
        SlaPolicy::from_json(&doc).unwrap_err().to_string(),
        "by_urgency.emergency.resolution.working_days: emergencies run on the wall clock: give minutes or calendar_days"
    );
    // An unknown urgency.
    let doc = policy_json(r#"{"working_days": 8}"#, &cal).replace(r#""urgent":"#, r#""critical":"#);
    assert_eq!(
        SlaPolicy::from_json(&doc).unwrap_err().to_string(),
        "by_urgency.critical: unknown urgency; expected emergency, urgent or normal"
    );
}
