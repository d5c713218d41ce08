//! SLA, lifecycle and statistics scenarios, and classifier invariants.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use estatekit::tickets::{
    Action, BusinessCalendar, Channel, SlaPolicy, Ticket, TicketClassifier, TicketError,
    TicketFlow, TicketKind, TicketState, Urgency, statistics,
};
use proptest::prelude::*;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn flow(
    id: &str,
    unit: &str,
    at: &str,
    kind: TicketKind,
    category: &str,
    urgency: Urgency,
) -> TicketFlow {
    let ticket = Ticket::new(id, unit, Channel::Hotline, t(at), "业主", "text", kind);
    TicketFlow::new(ticket, category, urgency, "engineering", "前台小张")
}

#[test]
fn business_calendar_deadlines_skip_nights_weekends_and_holidays() {
    // Beijing time (UTC+8), Mon–Fri 09:00–12:00 and 13:00–18:00.
    let day = vec![
        estatekit::tickets::WorkingHours::new("09:00".parse().unwrap(), "12:00".parse().unwrap()),
        estatekit::tickets::WorkingHours::new("13:00".parse().unwrap(), "18:00".parse().unwrap()),
    ];
    let mut hours = vec![day; 5];
    hours.extend([vec![], vec![]]);
    let cal = BusinessCalendar::new(hours, Default::default(), 480)
        .unwrap()
        .with_holidays(["2026-11-09".parse().unwrap()]);
    let policy = SlaPolicy::default().with_calendar(cal);
    // Received Friday 2026-11-06 17:00 Beijing (09:00Z); urgent: respond within 2 business hours.
    let s = policy
        .status(
            t("2026-11-06T09:00:00Z"),
            Urgency::Urgent,
            "repair.plumbing",
            None,
            None,
            &[],
            None,
            t("2026-11-06T09:30:00Z"),
        )
        .expect("deadlines within the horizon");
    // The urgent resolution target is 24 wall-clock hours: Saturday 17:00 Beijing (09:00Z).
    assert_eq!(s.resolution_due, Some(t("2026-11-07T09:00:00Z")));
    // 2 business hours: 1 h on Friday, Monday is a holiday, 1 h on Tuesday: Tuesday
    // 10:00 Beijing, after the resolution due, so brought forward to it (Saturday 09:00Z).
    assert_eq!(s.response_due, t("2026-11-07T09:00:00Z"));
    assert!(s.response_clamped);
    // 30 business minutes left on Friday (17:30–18:00), none on Saturday.
    assert_eq!(s.response_remaining_seconds, 1800);
    // Allowed to follow the resolution: Tuesday 10:00 Beijing, 1.5 business hours left.
    let s = policy
        .clone()
        .with_response_may_follow_resolution(true)
        .status(
            t("2026-11-06T09:00:00Z"),
            Urgency::Urgent,
            "repair.plumbing",
            None,
            None,
            &[],
            None,
            t("2026-11-06T09:30:00Z"),
        )
        .expect("deadlines within the horizon");
    assert_eq!(s.response_due, t("2026-11-10T02:00:00Z"));
    assert_eq!(s.response_remaining_seconds, 5400);
    assert!(!s.response_clamped);
    // Emergencies run on calendar time even with a business calendar.
    let e = policy
        .status(
            t("2026-11-06T09:00:00Z"),
            Urgency::Emergency,
            "other",
            None,
            None,
            &[],
            None,
            t("2026-11-06T09:00:00Z"),
        )
        .expect("deadlines within the horizon");
    assert_eq!(e.response_due, t("2026-11-06T09:15:00Z"));
}

#[test]
fn calendar_without_working_hours_is_a_typed_error() {
    let e = BusinessCalendar::new(vec![vec![]; 7], Default::default(), 0).unwrap_err();
    assert_eq!(e, TicketError::NoWorkingHours);
    assert_eq!(
        (e.code(), e.path().as_str()),
        ("no_working_hours", "calendar.hours")
    );
    let e = SlaPolicy::from_json(
        r#"{"by_urgency": {"emergency": {"response_minutes": 1, "resolution_minutes": 2}}}"#,
    )
    .unwrap_err();
    assert_eq!(e.path(), "by_urgency.urgent");
}

#[test]
fn pauses_stop_the_resolution_clock() {
    let mut f = flow(
        "T1",
        "1-201",
        "2026-11-02T00:00:00Z",
        TicketKind::RepairRequest,
        "repair.plumbing",
        Urgency::Urgent,
    );
    f.apply(
        Action::Assign {
            to: "李工".into()
        },
        "前台小张",
        t("2026-11-02T00:10:00Z"),
    )
    .unwrap();
    f.apply(Action::Start, "李工", t("2026-11-02T01:00:00Z"))
        .unwrap();
    f.apply(
        Action::Pause {
            reason: "业主不在家".into(),
        },
        "李工",
        t("2026-11-02T02:00:00Z"),
    )
    .unwrap();
    let policy = SlaPolicy::default();
    let s = f
        .sla(&policy, t("2026-11-03T12:00:00Z"))
        .expect("deadlines within the horizon");
    assert!(s.paused);
    assert_eq!(s.resolution_due, None);
    assert_eq!(s.resolution_remaining_seconds, 22 * 3600);
    assert!(!s.resolution_breached);
    f.apply(Action::Resume, "李工", t("2026-11-04T02:00:00Z"))
        .unwrap();
    let s = f
        .sla(&policy, t("2026-11-04T02:00:00Z"))
        .expect("deadlines within the horizon");
    assert_eq!(s.resolution_due, Some(t("2026-11-05T00:00:00Z")));
    f.apply(
        Action::Resolve {
            note: "修好".into(),
        },
        "李工",
        t("2026-11-05T01:00:00Z"),
    )
    .unwrap();
    let s = f
        .sla(&policy, t("2026-11-06T00:00:00Z"))
        .expect("deadlines within the horizon");
    assert!(s.resolution_breached);
    assert_eq!(s.resolution_remaining_seconds, -3600);
    assert!(!s.response_breached);
}

#[test]
fn lifecycle_reopen_escalate_and_invalid_transitions() {
    let mut f = flow(
        "T2",
        "2-301",
        "2026-11-02T00:00:00Z",
        TicketKind::Complaint,
        "noise",
        Urgency::Normal,
    );
    assert_eq!(f.owner(), "前台小张"); // first-contact responsibility
    let e = f
        .apply(Action::Start, "前台小张", t("2026-11-02T00:01:00Z"))
        .unwrap_err();
    assert_eq!(
        e,
        TicketError::InvalidTransition {
            ticket: "T2".into(),
            state: TicketState::Received,
            action: "start"
        }
    );
    assert!(e.is_state());
    f.apply(
        Action::Assign {
            to: "客服小刘".into(),
        },
        "前台小张",
        t("2026-11-02T00:05:00Z"),
    )
    .unwrap();
    f.apply(
        Action::Escalate {
            to: "客服经理".into(),
            reason: "超出权限".into(),
        },
        "客服小刘",
        t("2026-11-02T01:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        (f.owner(), f.escalations(), f.state()),
        ("客服经理", 1, TicketState::Assigned)
    );
    f.apply(Action::Start, "客服经理", t("2026-11-02T02:00:00Z"))
        .unwrap();
    f.apply(
        Action::Resolve {
            note: "已协调".into(),
        },
        "客服经理",
        t("2026-11-02T05:00:00Z"),
    )
    .unwrap();
    f.apply(
        Action::ReturnVisit {
            satisfied: false,
            note: "还是吵".into(),
        },
        "回访员",
        t("2026-11-03T05:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        (f.state(), f.reopened(), f.satisfied()),
        (TicketState::Assigned, 1, Some(false))
    );
    assert_eq!(f.resolved_at(), None);
    f.apply(Action::Start, "客服经理", t("2026-11-03T06:00:00Z"))
        .unwrap();
    f.apply(
        Action::Resolve {
            note: "再次协调".into(),
        },
        "客服经理",
        t("2026-11-04T05:00:00Z"),
    )
    .unwrap();
    f.apply(
        Action::ReturnVisit {
            satisfied: true,
            note: "好了".into(),
        },
        "回访员",
        t("2026-11-05T05:00:00Z"),
    )
    .unwrap();
    f.apply(Action::Close, "回访员", t("2026-11-05T05:00:00Z"))
        .unwrap();
    assert_eq!(f.state(), TicketState::Closed);
    assert_eq!(f.resolved_at(), Some(t("2026-11-04T05:00:00Z")));
    assert_eq!(f.responded_at(), Some(t("2026-11-02T02:00:00Z")));
    let names: Vec<&str> = f.events().iter().map(|e| e.action.name()).collect();
    assert_eq!(
        names,
        [
            "receive",
            "assign",
            "escalate",
            "start",
            "resolve",
            "return_visit",
            "start",
            "resolve",
            "return_visit",
            "close"
        ]
    );
    let e = f
        .apply(Action::Close, "x", t("2026-11-01T00:00:00Z"))
        .unwrap_err();
    assert_eq!(e.code(), "event_out_of_order");
    for a in [
        Action::Resume,
        Action::Start,
        Action::Close,
        Action::Pause {
            reason: String::new(),
        },
    ] {
        assert_eq!(
            f.apply(a, "x", t("2026-11-06T00:00:00Z"))
                .unwrap_err()
                .code(),
            "invalid_transition"
        );
    }
    let back = TicketFlow::from_json(&f.to_json()).unwrap();
    assert_eq!(back, f);
}

#[test]
fn statistics_of_a_month() {
    let start = t("2026-11-01T00:00:00Z");
    let end = t("2026-12-01T00:00:00Z");
    let mut flows = vec![
        flow(
            "A",
            "1-101",
            "2026-11-02T00:00:00Z",
            TicketKind::RepairRequest,
            "repair.plumbing",
            Urgency::Urgent,
        ),
        flow(
            "B",
            "1-101",
            "2026-11-20T00:00:00Z",
            TicketKind::Complaint,
            "repair.plumbing",
            Urgency::Normal,
        ),
        flow(
            "C",
            "2-202",
            "2026-11-03T00:00:00Z",
            TicketKind::Complaint,
            "noise",
            Urgency::Normal,
        ),
        flow(
            "D",
            "2-202",
            "2026-10-25T00:00:00Z",
            TicketKind::Complaint,
            "noise",
            Urgency::Normal,
        ),
        flow(
            "E",
            "",
            "2026-11-04T00:00:00Z",
            TicketKind::Praise,
            "other",
            Urgency::Normal,
        ),
    ];
    // A: responded in 1 h, resolved in 10 h, satisfied.
    let a = &mut flows[0];
    a.apply(
        Action::Assign {
            to: "李工".into()
        },
        "小张",
        t("2026-11-02T00:30:00Z"),
    )
    .unwrap();
    a.apply(Action::Start, "李工", t("2026-11-02T01:00:00Z"))
        .unwrap();
    a.apply(
        Action::Resolve {
            note: String::new(),
        },
        "李工",
        t("2026-11-02T10:00:00Z"),
    )
    .unwrap();
    a.apply(
        Action::ReturnVisit {
            satisfied: true,
            note: String::new(),
        },
        "回访",
        t("2026-11-03T00:00:00Z"),
    )
    .unwrap();
    // C: responded late (3 h), resolved after 30 h, not satisfied: reopened.
    let c = &mut flows[2];
    c.apply(
        Action::Assign {
            to: "小刘".into()
        },
        "小张",
        t("2026-11-03T00:10:00Z"),
    )
    .unwrap();
    c.apply(Action::Start, "小刘", t("2026-11-03T03:00:00Z"))
        .unwrap();
    c.apply(
        Action::Resolve {
            note: String::new(),
        },
        "小刘",
        t("2026-11-04T06:00:00Z"),
    )
    .unwrap();
    c.apply(
        Action::ReturnVisit {
            satisfied: false,
            note: String::new(),
        },
        "回访",
        t("2026-11-05T00:00:00Z"),
    )
    .unwrap();
    // E: a praise answered at once by the receiver.
    let e = &mut flows[4];
    e.apply(
        Action::Resolve {
            note: "已转达".into(),
        },
        "小张",
        t("2026-11-04T00:20:00Z"),
    )
    .unwrap();

    let s = statistics(&flows, start, end, 40, &SlaPolicy::default()).unwrap();

    assert_eq!(s.total, 4);
    let pairs = |v: &[estatekit::tickets::Count]| {
        v.iter()
            .map(|c| (c.key.clone(), c.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pairs(&s.by_category),
        [
            ("noise".into(), 1),
            ("other".into(), 1),
            ("repair.plumbing".into(), 2)
        ]
    );
    assert_eq!(
        s.by_kind.iter().map(|c| c.count).collect::<Vec<_>>(),
        [2, 1, 0, 0, 1, 0]
    );
    assert_eq!(s.by_channel[0].count, 4);
    assert_eq!(pairs(&s.by_department), [("engineering".into(), 4)]);
    // Responses known: A (met), C (late), E (met), B (not responded, 2 h passed: breached).
    assert_eq!((s.sla.response_evaluated, s.sla.response_met), (4, 2));
    assert_eq!(s.sla.response_rate, Some(0.5));
    // Resolutions known: A and E resolved in time; B (8 days from 11-20 → 11-28) and
    // C (reopened by the unsatisfied visit, due 11-11) overdue.
    assert_eq!((s.sla.resolution_evaluated, s.sla.resolution_met), (4, 2));
    assert_eq!(s.resolved, 2);
    assert_eq!(s.mean_hours_to_resolve, Some(5.1667));
    assert_eq!(s.median_hours_to_resolve, Some(5.1667));
    assert_eq!(
        (s.return_visits, s.satisfied, s.satisfaction_rate),
        (2, 1, Some(0.5))
    );
    assert!(!s.meets_satisfaction_target);
    assert_eq!(s.complaints, 2);
    assert_eq!(s.complaints_per_100_units, Some(5.0));
    assert_eq!(s.repeat_tickets, ["C", "B"]);
}

static CLASSIFIER: std::sync::LazyLock<TicketClassifier> =
    std::sync::LazyLock::new(TicketClassifier::default_rules);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn classification_never_panics_and_is_deterministic(text in "\\PC{0,200}") {
        let clf = &*CLASSIFIER;
        let a = clf.classify(&text);
        let b = clf.classify(&text);
        prop_assert_eq!(&a, &b);
        prop_assert!((0.0..=1.0).contains(&a.confidence));
        prop_assert!(!a.department.is_empty());
    }

    #[test]
    fn emergency_phrases_are_never_below_urgent(prefix in "[a-z ]{0,30}", i in 0usize..6) {
        let phrases = ["燃气泄漏", "着火了", "水管爆裂", "电梯困人", "gas leak", "someone is trapped"];
        let c = CLASSIFIER.classify(&format!("{prefix} {}", phrases[i]));
        prop_assert_eq!(c.urgency, Urgency::Emergency);
    }

    #[test]
    fn business_deadline_inverts_business_seconds(offset in 0i64..(14 * 86_400), secs in 0i64..(100 * 3600)) {
        let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480).unwrap();
        let start = t("2026-11-02T00:00:00Z") + Duration::seconds(offset);
        let due = cal.add_seconds(start, secs).unwrap();
        prop_assert_eq!(cal.seconds_between(start, due), secs);
    }
}

/// The estate's time zone is stored in the flow document (issue 18.3); documents
/// written before it load as UTC.
#[test]
fn flow_documents_store_the_estate_offset() {
    let f = flow(
        "T1",
        "1-101",
        "2026-11-02T23:30:00Z",
        TicketKind::RepairRequest,
        "repair.plumbing",
        Urgency::Normal,
    )
    .with_utc_offset_minutes(480)
    .unwrap();
    assert_eq!(
        f.local_date(t("2026-11-02T23:30:00Z")),
        "2026-11-03".parse::<chrono::NaiveDate>().unwrap()
    );
    let json = f.to_json();
    assert!(json.contains(r#""utc_offset_minutes":480"#), "{json}");
    let back = TicketFlow::from_json(&json).unwrap();
    assert_eq!((back.utc_offset_minutes(), &back), (480, &f));

    let old = flow(
        "T2",
        "1-101",
        "2026-11-02T23:30:00Z",
        TicketKind::RepairRequest,
        "repair.plumbing",
        Urgency::Normal,
    );
    let old_json = old.to_json();
    assert!(!old_json.contains("utc_offset_minutes"));
    let back = TicketFlow::from_json(&old_json).unwrap();
    assert_eq!(back.utc_offset_minutes(), 0);
    assert_eq!(
        back.local_date(t("2026-11-02T23:30:00Z")),
        "2026-11-02".parse::<chrono::NaiveDate>().unwrap()
    );

    let bad = json.replace(
        r#""utc_offset_minutes":480"#,
        r#""utc_offset_minutes":1081"#,
    );
    let err = TicketFlow::from_json(&bad).unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("invalid_document", "utc_offset_minutes")
    );
    let err = old.with_utc_offset_minutes(-1081).unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("invalid_option", "utc_offset_minutes")
    );
}
