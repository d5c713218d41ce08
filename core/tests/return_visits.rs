//! Return visits that count (issue 18.5): mode, 1..=5 rating, unreachable attempts,
//! the close rule, the deadline, statistics with coverage, and old documents.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use estatekit::tickets::{
    Action, Channel, ReturnVisitPolicy, SlaPolicy, Ticket, TicketError, TicketFlow, TicketKind,
    TicketState, Urgency, VisitMode, statistics, statistics_with_visits,
};
use serde_json::{Value, json};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

const T0: &str = "2026-11-02T01:00:00Z";

fn flow(id: &str, kind: TicketKind, channel: Channel) -> TicketFlow {
    let ticket = Ticket::new(id, "1-201", channel, t(T0), "王女士", "text", kind);
    TicketFlow::new(
        ticket,
        "repair.plumbing",
        Urgency::Normal,
        "engineering",
        "前台",
    )
}

/// A flow resolved by 李工 one hour after receipt.
fn resolved(id: &str, kind: TicketKind, channel: Channel) -> TicketFlow {
    let mut f = flow(id, kind, channel);
    f.apply(
        Action::Resolve {
            note: "修好".into(),
        },
        "李工",
        t(T0) + Duration::hours(1),
    )
    .unwrap();
    f
}

fn reached(rating: u8) -> Action {
    Action::ReturnVisitReached {
        mode: VisitMode::Phone,
        rating,
        comment: "回访".into(),
    }
}

fn miss() -> Action {
    Action::ReturnVisitUnreachable {
        mode: VisitMode::Phone,
        note: "无人接听".into(),
    }
}

fn at(hours: i64) -> DateTime<Utc> {
    t(T0) + Duration::hours(hours)
}

#[test]
fn rating_5_is_satisfied_and_closes() {
    let mut f = resolved("T1", TicketKind::RepairRequest, Channel::Hotline);
    assert_eq!(
        f.apply(reached(5), "回访员", at(24)).unwrap(),
        TicketState::ReturnVisited
    );
    assert_eq!(
        (f.satisfied(), f.rating(), f.reopened()),
        (Some(true), Some(5), 0)
    );
    assert_eq!(
        f.apply(reached(4), "回访员", at(24)).unwrap_err().code(),
        "invalid_transition"
    );
    assert_eq!(
        f.apply(Action::Close, "回访员", at(25)).unwrap(),
        TicketState::Closed
    );
    assert_eq!(f.events()[2].action.name(), "return_visit_reached");
}

#[test]
fn rating_4_is_satisfied_and_3_reopens() {
    let mut f = resolved("T1", TicketKind::Complaint, Channel::Hotline);
    assert_eq!(
        f.apply(reached(3), "回访员", at(24)).unwrap(),
        TicketState::Assigned
    );
    assert_eq!(
        (f.satisfied(), f.rating(), f.reopened()),
        (Some(false), Some(3), 1)
    );
    f.apply(
        Action::Resolve {
            note: "再次处理".into(),
        },
        "李工",
        at(30),
    )
    .unwrap();
    assert_eq!(
        f.apply(reached(4), "回访员", at(48)).unwrap(),
        TicketState::ReturnVisited
    );
    assert_eq!(
        (f.satisfied(), f.rating(), f.reopened()),
        (Some(true), Some(4), 1)
    );
}

#[test]
fn a_rating_outside_1_to_5_is_refused_and_changes_nothing() {
    let mut f = resolved("T1", TicketKind::RepairRequest, Channel::Hotline);
    for r in [0, 6] {
        let e = f.apply(reached(r), "回访员", at(24)).unwrap_err();
        assert_eq!((e.code(), e.path().as_str()), ("invalid_option", "rating"));
        assert_eq!(
            e.to_string(),
            format!("rating: a rating is 1 to 5, got {r}")
        );
    }
    assert_eq!((f.state(), f.events().len()), (TicketState::Resolved, 2));
}

#[test]
fn three_unreachable_attempts_then_close() {
    let mut f = resolved("T1", TicketKind::Complaint, Channel::Hotline);
    for i in 1..=3 {
        assert_eq!(
            f.apply(miss(), "回访员", at(24 * i)).unwrap(),
            TicketState::Resolved
        );
    }
    assert_eq!(
        (f.unreachable_attempts(), f.satisfied(), f.rating()),
        (3, None, None)
    );
    assert_eq!(
        f.apply(Action::Close, "回访员", at(80)).unwrap(),
        TicketState::Closed
    );
}

#[test]
fn two_unreachable_attempts_then_close_is_a_state_error() {
    let mut f = resolved("T1", TicketKind::Complaint, Channel::Hotline);
    f.apply(miss(), "回访员", at(24)).unwrap();
    f.apply(miss(), "回访员", at(48)).unwrap();
    let e = f.apply(Action::Close, "回访员", at(50)).unwrap_err();
    assert_eq!(
        e,
        TicketError::ReturnVisitRequired {
            ticket: "T1".into(),
            kind: TicketKind::Complaint,
            attempts: 2,
            max: 3
        }
    );
    assert_eq!(
        (e.code(), e.path().as_str(), e.is_state()),
        ("return_visit_required", "ticket.T1.return_visit", true)
    );
    assert_eq!(
        e.to_string(),
        "ticket T1: a complaint must be return-visited before it is closed; no visit reached the owner and 2 of 3 unreachable attempts were made"
    );
    assert_eq!((f.state(), f.events().len()), (TicketState::Resolved, 4));
    // Without any attempt, the same error with 0 attempts.
    let mut g = resolved("T2", TicketKind::RepairRequest, Channel::App);
    assert_eq!(
        g.apply(Action::Close, "回访员", at(2))
            .unwrap_err()
            .to_string(),
        "ticket T2: a repair_request must be return-visited before it is closed; no visit reached the owner and 0 of 3 unreachable attempts were made"
    );
}

#[test]
fn a_reopening_starts_the_attempts_again() {
    let mut f = resolved("T1", TicketKind::Complaint, Channel::Hotline);
    f.apply(miss(), "回访员", at(24)).unwrap();
    f.apply(miss(), "回访员", at(25)).unwrap();
    f.apply(reached(2), "回访员", at(26)).unwrap();
    f.apply(
        Action::Resolve {
            note: "再修".into(),
        },
        "李工",
        at(27),
    )
    .unwrap();
    assert_eq!(f.unreachable_attempts(), 0);
    f.apply(miss(), "回访员", at(28)).unwrap();
    assert_eq!(
        f.apply(Action::Close, "回访员", at(29)).unwrap_err().code(),
        "return_visit_required"
    );
}

#[test]
fn exempt_tickets_close_without_a_visit() {
    for (kind, channel) in [
        (TicketKind::Complaint, Channel::Patrol),
        (TicketKind::RepairRequest, Channel::Patrol),
        (TicketKind::Praise, Channel::Hotline),
        (TicketKind::ServiceRequest, Channel::App),
        (TicketKind::Consultation, Channel::FrontDesk),
        (TicketKind::Suggestion, Channel::Email),
    ] {
        let mut f = resolved("T1", kind, channel);
        assert!(!f.return_visit_required());
        assert_eq!(f.return_visit_due(), None);
        assert_eq!(
            f.apply(Action::Close, "主管", at(2)).unwrap(),
            TicketState::Closed,
            "{kind} {channel}"
        );
    }
}

#[test]
fn a_configured_policy_is_stored_and_applied() {
    let p = ReturnVisitPolicy::new([TicketKind::Suggestion], [], 1, 7, 0.9, 0.5).unwrap();
    let ticket = Ticket::new(
        "S1",
        "1-201",
        Channel::Patrol,
        t(T0),
        "巡查员",
        "建议",
        TicketKind::Suggestion,
    );
    let mut f = TicketFlow::new(ticket, "other", Urgency::Normal, "cs", "前台")
        .with_return_visit_policy(p.clone())
        .unwrap();
    f.apply(
        Action::Resolve {
            note: "已采纳".into(),
        },
        "前台",
        at(1),
    )
    .unwrap();
    assert!(f.return_visit_required());
    assert_eq!(
        f.apply(Action::Close, "主管", at(2)).unwrap_err().code(),
        "return_visit_required"
    );
    f.apply(miss(), "回访员", at(3)).unwrap();
    f.apply(Action::Close, "主管", at(4)).unwrap();
    let text = f.to_json();
    assert!(text.contains(r#""return_visit_policy":{"required_kinds":["suggestion"],"exempt_channels":[],"max_unreachable_attempts":1,"deadline_days":7,"satisfaction_target":0.9,"min_coverage":0.5}"#));
    let back = TicketFlow::from_json(&text).unwrap();
    assert_eq!((back.return_visit_policy(), &back), (Some(&p), &f));
    // Setting a policy the history breaks is refused.
    let strict = ReturnVisitPolicy::new([TicketKind::Suggestion], [], 2, 7, 0.9, 0.5).unwrap();
    let e = f.clone().with_return_visit_policy(strict).unwrap_err();
    assert_eq!(
        (e.code(), e.path().as_str()),
        ("inconsistent_document", "events[3].action")
    );
}

#[test]
fn policy_values_are_checked() {
    let cases = [
        (
            r#"{"max_unreachable_attempts": 0}"#,
            "max_unreachable_attempts",
            "max_unreachable_attempts: must be at least 1, got 0",
        ),
        (
            r#"{"deadline_days": 367}"#,
            "deadline_days",
            "deadline_days: must be at most 366, got 367",
        ),
        (
            r#"{"satisfaction_target": 1.01}"#,
            "satisfaction_target",
            "satisfaction_target: must be a share within 0..=1, got 1.01",
        ),
        (
            r#"{"min_coverage": -0.1}"#,
            "min_coverage",
            "min_coverage: must be a share within 0..=1, got -0.1",
        ),
    ];
    for (json, path, message) in cases {
        let e = ReturnVisitPolicy::from_json(json).unwrap_err();
        assert_eq!(
            (e.code(), e.path().as_str(), e.to_string().as_str()),
            ("out_of_range", path, message)
        );
    }
    assert_eq!(
        ReturnVisitPolicy::from_json(r#"{"exempt_channels": ["pigeon"]}"#)
            .unwrap_err()
            .path(),
        "exempt_channels[0]"
    );
    assert_eq!(
        ReturnVisitPolicy::from_json(r#"{"target": 0.9}"#)
            .unwrap_err()
            .path(),
        "target"
    );
    assert_eq!(
        ReturnVisitPolicy::new([], [], 3, 3, f64::NAN, 0.8)
            .unwrap_err()
            .path(),
        "satisfaction_target"
    );
    let p = ReturnVisitPolicy::default();
    assert_eq!(ReturnVisitPolicy::from_json(&p.to_json()).unwrap(), p);
}

#[test]
fn the_visit_is_due_3_local_days_after_the_resolution() {
    // Beijing time; resolved 2026-11-02 09:00 local (01:00Z).
    let ticket = Ticket::new(
        "T1",
        "1-201",
        Channel::Hotline,
        t(T0),
        "王女士",
        "漏水",
        TicketKind::RepairRequest,
    );
    let mut f = TicketFlow::new(
        ticket,
        "repair.plumbing",
        Urgency::Normal,
        "engineering",
        "前台",
    )
    .with_utc_offset_minutes(480)
    .unwrap();
    f.apply(
        Action::Resolve {
            note: "修好".into(),
        },
        "李工",
        t(T0),
    )
    .unwrap();
    assert_eq!(f.return_visit_due().unwrap().to_string(), "2026-11-05");
    // The end of 11-05 Beijing time is 2026-11-05T16:00Z.
    assert!(!f.return_visit_overdue(t("2026-11-05T15:59:59Z")));
    assert!(f.return_visit_overdue(t("2026-11-05T16:00:00Z")));
    // Attempts short of the maximum leave it overdue; the maximum ends the obligation.
    f.apply(miss(), "回访员", t("2026-11-06T01:00:00Z"))
        .unwrap();
    f.apply(miss(), "回访员", t("2026-11-06T02:00:00Z"))
        .unwrap();
    assert!(f.return_visit_overdue(t("2026-11-06T03:00:00Z")));
    f.apply(miss(), "回访员", t("2026-11-06T04:00:00Z"))
        .unwrap();
    assert!(!f.return_visit_overdue(t("2026-11-06T05:00:00Z")));
    // A visit that reached the owner is not overdue either.
    let mut g = resolved("T2", TicketKind::Complaint, Channel::Hotline);
    assert_eq!(g.return_visit_due().unwrap().to_string(), "2026-11-05");
    g.apply(reached(5), "回访员", t("2026-11-07T00:00:00Z"))
        .unwrap();
    assert!(!g.return_visit_overdue(t("2026-11-08T00:00:00Z")));
}

#[test]
fn handler_may_not_record_any_visit() {
    let mut f = resolved("T1", TicketKind::RepairRequest, Channel::Hotline);
    for a in [reached(5), miss()] {
        let e = f.apply(a, "李工", at(24)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "actor: 李工 may not return_visit ticket T1: the handler of a ticket may not record its return visit"
        );
    }
}

/// 10 resolved must-visit tickets: 6 reached (5 satisfied), 2 unreachable-closed,
/// 2 not yet visited; plus a patrol complaint and a praise, not counted.
fn month() -> Vec<TicketFlow> {
    let mut flows = Vec::new();
    for (i, rating) in [5, 5, 4, 5, 4, 2].into_iter().enumerate() {
        let mut f = resolved(
            &format!("R{i}"),
            TicketKind::RepairRequest,
            Channel::Hotline,
        );
        f.apply(reached(rating), "回访员", at(24)).unwrap();
        if rating >= 4 {
            f.apply(Action::Close, "回访员", at(25)).unwrap();
        }
        flows.push(f);
    }
    for i in 0..2 {
        let mut f = resolved(&format!("U{i}"), TicketKind::Complaint, Channel::App);
        for h in 0..3 {
            f.apply(miss(), "回访员", at(24 + h)).unwrap();
        }
        f.apply(Action::Close, "回访员", at(30)).unwrap();
        flows.push(f);
    }
    for i in 0..2 {
        let mut f = resolved(&format!("P{i}"), TicketKind::Complaint, Channel::Hotline);
        f.apply(miss(), "回访员", at(24)).unwrap();
        flows.push(f);
    }
    let mut patrol = resolved("X1", TicketKind::Complaint, Channel::Patrol);
    patrol.apply(Action::Close, "主管", at(2)).unwrap();
    flows.push(patrol);
    let mut praise = resolved("X2", TicketKind::Praise, Channel::Hotline);
    praise.apply(Action::Close, "主管", at(2)).unwrap();
    flows.push(praise);
    // Received but not resolved: not required yet.
    flows.push(flow("X3", TicketKind::Complaint, Channel::Hotline));
    flows
}

#[test]
fn statistics_of_a_hand_built_month() {
    let start = t("2026-11-01T00:00:00Z");
    let end = t("2026-12-01T00:00:00Z");
    let sla = SlaPolicy::default();
    let s = statistics(&month(), start, end, 100, &sla).unwrap();
    assert_eq!(s.total, 13);
    assert_eq!(
        (
            s.visits_required,
            s.visits_reached,
            s.visits_satisfied,
            s.visits_unreachable
        ),
        (10, 6, 5, 2)
    );
    assert_eq!(s.return_visit_rate, Some(0.8));
    assert_eq!(s.unreachable_rate, Some(0.2));
    assert_eq!(s.return_visit_satisfaction, Some(0.8333));
    assert_eq!(s.return_visit_coverage, Some(0.6));
    assert_eq!((s.satisfaction_target, s.min_coverage), (0.95, 0.8));
    assert!(!s.meets_satisfaction_target);
    // Unchanged meaning: every reached visit, any kind.
    assert_eq!(
        (s.return_visits, s.satisfied, s.satisfaction_rate),
        (6, 5, Some(0.8333))
    );
    // A laxer policy: 80 % satisfied with 60 % coverage is met (5/6 ≥ 0.8, 0.6 ≥ 0.6).
    let lax = ReturnVisitPolicy::new(
        [TicketKind::Complaint, TicketKind::RepairRequest],
        [Channel::Patrol],
        3,
        3,
        0.8,
        0.6,
    )
    .unwrap();
    let s = statistics_with_visits(&month(), start, end, 100, &sla, &lax).unwrap();
    assert!(s.meets_satisfaction_target);
    // Coverage just short (0.6 < 0.61): not met.
    let short = ReturnVisitPolicy::new(
        [TicketKind::Complaint, TicketKind::RepairRequest],
        [Channel::Patrol],
        3,
        3,
        0.8,
        0.61,
    )
    .unwrap();
    assert!(
        !statistics_with_visits(&month(), start, end, 100, &sla, &short)
            .unwrap()
            .meets_satisfaction_target
    );
    // As of a time before the visits: 10 required, none visited.
    let early = statistics(&month(), start, at(2), 100, &sla).unwrap();
    assert_eq!(
        (
            early.visits_required,
            early.visits_reached,
            early.return_visit_rate,
            early.return_visit_satisfaction
        ),
        (10, 0, Some(0.0), None)
    );
}

#[test]
fn one_satisfied_visit_among_100_does_not_meet_the_target() {
    let mut flows: Vec<TicketFlow> = (0..100)
        .map(|i| resolved(&format!("C{i:03}"), TicketKind::Complaint, Channel::Hotline))
        .collect();
    flows[0].apply(reached(5), "回访员", at(24)).unwrap();
    let s = statistics(
        &flows,
        t("2026-11-01T00:00:00Z"),
        t("2026-12-01T00:00:00Z"),
        100,
        &SlaPolicy::default(),
    )
    .unwrap();
    assert_eq!(
        (s.visits_required, s.visits_reached, s.visits_satisfied),
        (100, 1, 1)
    );
    assert_eq!(
        (
            s.return_visit_satisfaction,
            s.return_visit_coverage,
            s.return_visit_rate
        ),
        (Some(1.0), Some(0.01), Some(0.01))
    );
    assert_eq!(s.satisfaction_rate, Some(1.0)); // visited tickets only
    assert!(!s.meets_satisfaction_target);
}

/// A document as written before return visits had modes and ratings.
fn legacy_doc(kind: &str, visit: Option<bool>) -> Value {
    let mut events = vec![
        json!({"at": "2026-11-06T09:00:00Z", "actor": "前台", "action": "receive", "from_state": "received", "to_state": "received"}),
        json!({"at": "2026-11-06T10:00:00Z", "actor": "李工", "action": "resolve", "note": "换了保险丝", "from_state": "received", "to_state": "resolved"}),
    ];
    let mut state = "resolved";
    if let Some(s) = visit {
        let to = if s { "return_visited" } else { "assigned" };
        events.push(json!({"at": "2026-11-07T09:00:00Z", "actor": "回访员", "action": "return_visit", "satisfied": s, "note": "满意", "from_state": "resolved", "to_state": to}));
        state = to;
    }
    if visit != Some(false) {
        events.push(json!({"at": "2026-11-07T09:05:00Z", "actor": "回访员", "action": "close", "from_state": state, "to_state": "closed"}));
        state = "closed";
    }
    json!({"ticket": {"id": "T1", "unit": "1-101", "channel": "app", "received_at": "2026-11-06T09:00:00Z",
        "reporter": "王女士", "text": "停电了", "kind": kind}, "category": "repair.electrical",
        "urgency": "urgent", "department": "engineering", "state": state, "receiver": "前台", "owner": "前台",
        "escalations": 0, "reopened": if visit == Some(false) { 1 } else { 0 }, "satisfied": visit, "events": events})
}

#[test]
fn old_documents_load() {
    for (kind, visit) in [
        ("repair_request", Some(true)),
        ("complaint", Some(false)),
        ("complaint", None), // closed without a visit, as older versions allowed
    ] {
        let doc = legacy_doc(kind, visit).to_string();
        let f = TicketFlow::from_json(&doc).unwrap_or_else(|e| panic!("{kind} {visit:?}: {e}"));
        assert_eq!(
            (
                f.return_visit_policy(),
                f.return_visit_required(),
                f.satisfied(),
                f.rating()
            ),
            (None, false, visit, None)
        );
        // Written back without a policy, and read back equal.
        assert!(!f.to_json().contains("return_visit_policy"));
        assert_eq!(TicketFlow::from_json(&f.to_json()).unwrap(), f);
    }
    // Legacy visits count as reached, satisfied or not as recorded.
    let flows: Vec<TicketFlow> = [Some(true), Some(false), None]
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let mut d = legacy_doc("complaint", v);
            d["ticket"]["id"] = json!(format!("L{i}"));
            TicketFlow::from_json(&d.to_string()).unwrap()
        })
        .collect();
    let s = statistics(
        &flows,
        t("2026-11-01T00:00:00Z"),
        t("2026-12-01T00:00:00Z"),
        10,
        &SlaPolicy::default(),
    )
    .unwrap();
    assert_eq!(
        (
            s.visits_required,
            s.visits_reached,
            s.visits_satisfied,
            s.visits_unreachable
        ),
        (3, 2, 1, 0)
    );
    assert_eq!(
        (s.return_visit_satisfaction, s.return_visit_coverage),
        (Some(0.5), Some(0.6667))
    );
}

fn new_doc() -> Value {
    let mut f = resolved("T1", TicketKind::Complaint, Channel::Hotline);
    f.apply(miss(), "回访员", at(24)).unwrap();
    f.apply(reached(4), "回访员", at(25)).unwrap();
    f.apply(Action::Close, "回访员", at(26)).unwrap();
    let text = f.to_json();
    assert_eq!(TicketFlow::from_json(&text).unwrap(), f);
    serde_json::from_str(&text).unwrap()
}

fn code_path(v: &Value) -> (&'static str, String) {
    let e = TicketFlow::from_json(&v.to_string()).unwrap_err();
    (e.code(), e.path())
}

#[test]
fn new_events_are_written_and_checked_on_load() {
    let v = new_doc();
    assert_eq!(
        v["events"][2],
        json!({"at": "2026-11-03T01:00:00Z", "actor": "回访员", "action": "return_visit_unreachable", "mode": "phone", "note": "无人接听", "from_state": "resolved", "to_state": "resolved"})
    );
    assert_eq!(
        v["events"][3],
        json!({"at": "2026-11-03T02:00:00Z", "actor": "回访员", "action": "return_visit_reached", "mode": "phone", "rating": 4, "comment": "回访", "from_state": "resolved", "to_state": "return_visited"})
    );
    // A rating out of range.
    let mut bad = v.clone();
    bad["events"][3]["rating"] = json!(7);
    assert_eq!(
        code_path(&bad),
        ("invalid_document", "events[3].rating".into())
    );
    // A rating of 3 reopens: the stated states and counters no longer hold.
    let mut bad = v.clone();
    bad["events"][3]["rating"] = json!(3);
    assert_eq!(
        code_path(&bad),
        ("inconsistent_document", "events[3].to_state".into())
    );
    // An unknown mode.
    let mut bad = v.clone();
    bad["events"][2]["mode"] = json!("pigeon");
    assert_eq!(code_path(&bad).0, "invalid_document");
    // Closed after one unreachable attempt and no reached visit.
    let mut bad = v.clone();
    let events = bad["events"].as_array_mut().unwrap();
    events.remove(3);
    events[3]["from_state"] = json!("resolved");
    bad["satisfied"] = Value::Null;
    let e = TicketFlow::from_json(&bad.to_string()).unwrap_err();
    assert_eq!(
        (e.code(), e.path().as_str()),
        ("inconsistent_document", "events[3].action")
    );
    assert_eq!(
        e.to_string(),
        "events[3].action: ticket T1: a complaint must be return-visited before it is closed; no visit reached the owner and 1 of 3 unreachable attempts were made"
    );
    // A stated satisfaction the history does not give.
    let mut bad = v.clone();
    bad["satisfied"] = json!(false);
    assert_eq!(
        code_path(&bad),
        ("inconsistent_document", "satisfied".into())
    );
    // A bad stored policy.
    let mut bad = v.clone();
    bad["return_visit_policy"]["max_unreachable_attempts"] = json!(0);
    assert_eq!(code_path(&bad).0, "invalid_document");
}

#[test]
fn a_document_without_events_rebuilds_the_attempts_that_let_it_close() {
    let mut v = new_doc();
    v.as_object_mut().unwrap().remove("events");
    v["satisfied"] = Value::Null;
    let f = TicketFlow::from_json(&v.to_string()).unwrap();
    assert_eq!(
        (f.state(), f.unreachable_attempts(), f.satisfied()),
        (TicketState::Closed, 3, None)
    );
    assert_eq!(
        f.events()
            .iter()
            .map(|e| e.action.name())
            .collect::<Vec<_>>(),
        [
            "receive",
            "resolve",
            "return_visit_unreachable",
            "return_visit_unreachable",
            "return_visit_unreachable",
            "close"
        ]
    );
}
