//! Ticket-flow documents that cannot lie: loading replays the event log through the
//! operations and checks the access policy; tampered documents are refused with the
//! code and path of the first contradiction.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use estatekit::tickets::{
    AccessPolicy, Action, Channel, SlaPolicy, Ticket, TicketError, TicketFlow, TicketKind,
    TicketState, Urgency, statistics,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn new_flow(policy: AccessPolicy) -> TicketFlow {
    let ticket = Ticket::new(
        "T1",
        "1-101",
        Channel::App,
        t("2026-11-06T09:00:00Z"),
        "王女士",
        "停电了",
        TicketKind::RepairRequest,
    );
    TicketFlow::with_policy(
        ticket,
        "repair.electrical",
        Urgency::Urgent,
        "engineering",
        "前台",
        policy,
    )
}

/// A real closed ticket: receive, assign, start, resolve, return visit, close.
fn closed() -> TicketFlow {
    let mut f = new_flow(AccessPolicy::default());
    let h = Duration::hours(1);
    let t0 = t("2026-11-06T09:00:00Z");
    f.apply(
        Action::Assign {
            to: "李工".into()
        },
        "前台",
        t0 + h,
    )
    .unwrap();
    f.apply(Action::Start, "李工", t0 + h * 2).unwrap();
    f.apply(
        Action::Resolve {
            note: "换了保险丝".into(),
        },
        "李工",
        t0 + h * 3,
    )
    .unwrap();
    f.apply(
        Action::ReturnVisit {
            satisfied: true,
            note: "满意".into(),
        },
        "回访员",
        t0 + h * 24,
    )
    .unwrap();
    f.apply(Action::Close, "回访员", t0 + h * 25).unwrap();
    f
}

fn doc(f: &TicketFlow) -> Value {
    serde_json::from_str(&f.to_json()).unwrap()
}

fn load(v: &Value) -> Result<TicketFlow, TicketError> {
    TicketFlow::from_json(&v.to_string())
}

fn refused(v: &Value, policy: &AccessPolicy) -> (String, String) {
    let e = TicketFlow::from_json_with_policy(&v.to_string(), policy).unwrap_err();
    (e.code().to_owned(), e.path())
}

fn code_path(v: &Value) -> (String, String) {
    refused(v, &AccessPolicy::default())
}

fn cp(code: &str, path: &str) -> (String, String) {
    (code.to_owned(), path.to_owned())
}

#[test]
fn a_real_document_loads_and_round_trips() {
    let f = closed();
    let text = f.to_json();
    let back = TicketFlow::from_json(&text).unwrap();
    assert_eq!(back, f);
    assert_eq!(back.to_json(), text);
    // Documents written before roles existed have no `role` key: still none written.
    assert!(!text.contains("\"role\""));
}

#[test]
fn closed_and_satisfied_with_only_a_receive_event_is_refused() {
    let mut v = doc(&closed());
    v["events"].as_array_mut().unwrap().truncate(1);
    let e = load(&v).unwrap_err();
    assert_eq!(
        (e.code(), e.path().as_str()),
        ("inconsistent_document", "state")
    );
    assert_eq!(
        e.to_string(),
        "state: the document says closed; its event log leads to received"
    );
    assert!(!e.is_state());
}

#[test]
fn a_resolution_before_receipt_is_refused() {
    // The receipt moved after the resolution (statistics said −60,033 hours to resolve).
    let mut v = doc(&closed());
    v["ticket"]["received_at"] = json!("2033-08-06T09:00:00Z");
    assert_eq!(code_path(&v), cp("inconsistent_document", "events[0].at"));
    v["events"][0]["at"] = json!("2033-08-06T09:00:00Z");
    assert_eq!(code_path(&v), cp("event_out_of_order", "events[1].at"));
    // The resolution dated before the start.
    let mut v = doc(&closed());
    v["events"][3]["at"] = json!("2026-11-06T08:00:00Z");
    let e = load(&v).unwrap_err();
    assert_eq!(
        (e.code(), e.path().as_str()),
        ("event_out_of_order", "events[3].at")
    );
    assert!(
        e.to_string()
            .starts_with("events[3].at: event at 2026-11-06 08:00:00 UTC is before")
    );
}

#[test]
fn an_owner_never_assigned_is_refused() {
    let mut v = doc(&closed());
    v["owner"] = json!("王经理");
    assert_eq!(code_path(&v), cp("inconsistent_document", "owner"));
    // Removing the assignment instead: starting a received ticket is impossible.
    let mut v = doc(&closed());
    v["events"].as_array_mut().unwrap().remove(1);
    let e = load(&v).unwrap_err();
    assert_eq!(
        (e.code(), e.path().as_str()),
        ("inconsistent_document", "events[1].action")
    );
    assert_eq!(
        e.to_string(),
        "events[1].action: cannot start a ticket that is received"
    );
}

#[test]
fn every_summary_field_is_checked() {
    let base = doc(&closed());
    let cases: Vec<(&str, Value, &str)> = vec![
        ("escalations", json!(2), "escalations"),
        ("reopened", json!(1), "reopened"),
        ("satisfied", json!(false), "satisfied"),
        ("satisfied", Value::Null, "satisfied"),
        ("state", json!("return_visited"), "state"),
        ("receiver", json!("保安"), "events[0].actor"),
    ];
    for (field, value, path) in cases {
        let mut v = base.clone();
        v[field] = value;
        assert_eq!(code_path(&v), cp("inconsistent_document", path), "{field}");
    }
    let mut v = base.clone();
    v["events"][2]["to_state"] = json!("resolved");
    assert_eq!(
        code_path(&v),
        cp("inconsistent_document", "events[2].to_state")
    );
    let mut v = base.clone();
    v["events"][4]["from_state"] = json!("closed");
    assert_eq!(
        code_path(&v),
        cp("inconsistent_document", "events[4].from_state")
    );
    let mut v = base.clone();
    v["events"][0]["action"] = json!("start");
    assert_eq!(
        code_path(&v),
        cp("inconsistent_document", "events[0].action")
    );
    let mut v = base.clone();
    v["events"][5] = v["events"][0].clone();
    v["events"][5]["at"] = json!("2026-11-07T10:00:00Z");
    assert_eq!(
        code_path(&v),
        cp("inconsistent_document", "events[5].action")
    );
    let mut v = base.clone();
    v["events"] = json!([]);
    assert_eq!(code_path(&v), cp("inconsistent_document", "events"));
    // A malformed document is still invalid_document, not inconsistent.
    let mut v = base;
    v["events"][1]["action"] = json!("teleport");
    assert_eq!(code_path(&v).0, "invalid_document");
}

#[test]
fn default_policy_refuses_the_handlers_own_return_visit() {
    let mut f = new_flow(AccessPolicy::default());
    let t0 = t("2026-11-06T09:00:00Z");
    f.apply(
        Action::Assign {
            to: "李工".into()
        },
        "前台",
        t0,
    )
    .unwrap();
    f.apply(
        Action::Resolve {
            note: "好了".into(),
        },
        "李工",
        t0,
    )
    .unwrap();
    let before = f.clone();
    let visit = || Action::ReturnVisit {
        satisfied: true,
        note: "满意".into(),
    };
    let e = f.apply(visit(), "李工", t0).unwrap_err();
    assert_eq!((e.code(), e.path().as_str()), ("not_permitted", "actor"));
    assert_eq!(f, before, "a refused operation changes nothing");
    // Whoever resolved it is a handler too, even when someone else owns it.
    let mut g = new_flow(AccessPolicy::default());
    g.apply(
        Action::Assign {
            to: "李工".into()
        },
        "前台",
        t0,
    )
    .unwrap();
    g.apply(
        Action::Resolve {
            note: "好了".into(),
        },
        "王工",
        t0,
    )
    .unwrap();
    assert_eq!(
        g.apply(visit(), "王工", t0).unwrap_err().code(),
        "not_permitted"
    );
    assert_eq!(
        g.apply(visit(), "回访员", t0).unwrap(),
        TicketState::ReturnVisited
    );

    // The same in a document: the handler's visit is refused on load...
    let mut v = doc(&closed());
    v["events"][4]["actor"] = json!("李工");
    assert_eq!(code_path(&v), cp("not_permitted", "events[4].actor"));
    // ... unless the policy allows it.
    let lenient = AccessPolicy::default().with_handler_may_record_return_visit(true);
    let back = TicketFlow::from_json_with_policy(&v.to_string(), &lenient).unwrap();
    assert_eq!(back.events()[4].actor, "李工");
    let mut f = new_flow(lenient);
    f.apply(
        Action::Resolve {
            note: String::new(),
        },
        "前台",
        t0,
    )
    .unwrap();
    f.apply(visit(), "前台", t0).unwrap();
}

#[test]
fn a_configured_policy_refuses_a_role() {
    let policy = AccessPolicy::from_json(
        r#"{"roles": {"resolve": ["engineer"], "close": ["manager", "supervisor"]}}"#,
    )
    .unwrap();
    // About roles: a policy that requires no return visit before closing.
    let no_visit = estatekit::tickets::ReturnVisitPolicy::new([], [], 3, 3, 0.95, 0.8).unwrap();
    let mut f = new_flow(policy.clone())
        .with_return_visit_policy(no_visit)
        .unwrap();
    let t0 = t("2026-11-06T09:00:00Z");
    f.apply(
        Action::Assign {
            to: "李工".into()
        },
        "前台",
        t0,
    )
    .unwrap(); // not restricted
    let e = f
        .apply_as(
            Action::Resolve {
                note: String::new(),
            },
            "李工",
            Some("receptionist"),
            t0,
        )
        .unwrap_err();
    assert_eq!((e.code(), e.path().as_str()), ("not_permitted", "role"));
    assert_eq!(
        e.to_string(),
        "role: 李工 may not resolve ticket T1: role \"receptionist\" may not resolve; allowed: engineer"
    );
    let e = f
        .apply(
            Action::Resolve {
                note: String::new(),
            },
            "李工",
            t0,
        )
        .unwrap_err();
    assert_eq!(e.path(), "role");
    f.apply_as(
        Action::Resolve {
            note: String::new(),
        },
        "李工",
        Some("engineer"),
        t0,
    )
    .unwrap();
    let e = f
        .apply_as(Action::Close, "客服", Some("engineer"), t0)
        .unwrap_err();
    assert_eq!(e.code(), "not_permitted");
    f.apply_as(Action::Close, "客服", Some("supervisor"), t0)
        .unwrap();
    // Saved with its roles, loaded under the policy: equal and byte-identical.
    let text = f.to_json();
    assert!(text.contains(r#""role":"engineer""#));
    let back = TicketFlow::from_json_with_policy(&text, &policy).unwrap();
    assert_eq!((back.to_json(), back.policy()), (text.clone(), &policy));
    // A document whose close was done in another role is refused.
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["events"][3]["role"] = json!("engineer");
    assert_eq!(refused(&v, &policy), cp("not_permitted", "events[3].role"));
    // The closed document of `closed()` names no roles: refused under this policy.
    assert_eq!(
        refused(&doc(&closed()), &policy),
        cp("not_permitted", "events[3].role")
    );
    // A flow switched to a stricter policy is checked over its whole history.
    let mut c = closed();
    assert_eq!(
        c.set_policy(policy.clone()).unwrap_err().path(),
        "events[3].role"
    );
    assert_eq!(c.policy(), &AccessPolicy::default());
}

#[test]
fn first_contact_ownership_when_configured() {
    let policy = AccessPolicy::default().with_first_contact_ownership(true);
    let mut f = new_flow(policy.clone());
    let t0 = t("2026-11-06T09:00:00Z");
    // Only the receiver (the owner) may hand the ticket on.
    let e = f
        .apply(
            Action::Assign {
                to: "李工".into()
            },
            "客服经理",
            t0,
        )
        .unwrap_err();
    assert_eq!((e.code(), e.path().as_str()), ("not_permitted", "actor"));
    assert_eq!(
        e.to_string(),
        "actor: 客服经理 may not assign ticket T1: first-contact ownership: only the owner \"前台\" may assign it"
    );
    f.apply(
        Action::Assign {
            to: "李工".into()
        },
        "前台",
        t0,
    )
    .unwrap();
    assert_eq!(
        f.apply(Action::Start, "王工", t0).unwrap_err().code(),
        "not_permitted"
    );
    f.apply(Action::Start, "李工", t0).unwrap();
    f.apply(
        Action::Escalate {
            to: "工程主管".into(),
            reason: "需要换管".into(),
        },
        "李工",
        t0,
    )
    .unwrap();
    assert_eq!(
        f.apply(Action::Start, "李工", t0).unwrap_err().path(),
        "actor"
    );
    f.apply(Action::Start, "工程主管", t0).unwrap();
    // Without the rule, anyone may (today's behaviour).
    let v = doc(&{
        let mut g = new_flow(AccessPolicy::default());
        g.apply(
            Action::Assign {
                to: "李工".into()
            },
            "客服经理",
            t0,
        )
        .unwrap();
        g
    });
    assert!(load(&v).is_ok());
    assert_eq!(refused(&v, &policy), cp("not_permitted", "events[1].actor"));
}

#[test]
fn policy_json_is_validated() {
    let cases = [
        (
            r#"{"roles": {"fly": ["pilot"]}}"#,
            "unknown_value",
            "roles.fly",
        ),
        (
            r#"{"roles": {"receive": ["pilot"]}}"#,
            "unknown_value",
            "roles.receive",
        ),
        (r#"{"roles": {"close": []}}"#, "empty_field", "roles.close"),
        (
            r#"{"roles": {"close": ["manager", " "]}}"#,
            "empty_field",
            "roles.close[1]",
        ),
        (r#"{"roles": {"close": "manager"}}"#, "json", "roles.close"),
        (
            r#"{"first_contact_ownership": 1}"#,
            "json",
            "first_contact_ownership",
        ),
        (r#"{"owner_only": true}"#, "json", "owner_only"),
    ];
    for (text, code, path) in cases {
        let e = AccessPolicy::from_json(text).unwrap_err();
        assert_eq!((e.code(), e.path().as_str()), (code, path), "{text}");
    }
    let p = AccessPolicy::from_json(
        r#"{"roles": {"assign": ["dispatcher", "manager"], "close": ["manager"]}, "handler_may_record_return_visit": true, "first_contact_ownership": true}"#,
    )
    .unwrap();
    assert_eq!(
        p.to_json(),
        r#"{"roles":{"assign":["dispatcher","manager"],"close":["manager"]},"handler_may_record_return_visit":true,"first_contact_ownership":true}"#
    );
    assert_eq!(AccessPolicy::from_json(&p.to_json()).unwrap(), p);
}

#[test]
fn documents_without_history_are_rebuilt_and_checked() {
    // Events without from_state/to_state (older documents) get them from the replay.
    let mut v = doc(&closed());
    for e in v["events"].as_array_mut().unwrap() {
        let o = e.as_object_mut().unwrap();
        o.remove("from_state");
        o.remove("to_state");
    }
    assert_eq!(load(&v).unwrap(), closed());

    // No events at all: the shortest history the fields imply.
    let mut v = doc(&closed());
    v.as_object_mut().unwrap().remove("events");
    let f = load(&v).unwrap();
    let names: Vec<&str> = f.events().iter().map(|e| e.action.name()).collect();
    assert_eq!(
        names,
        ["receive", "assign", "resolve", "return_visit", "close"]
    );
    assert!(f.events().iter().all(|e| e.at == f.ticket().received_at));
    assert_eq!(
        (f.state(), f.owner(), f.satisfied()),
        (TicketState::Closed, "李工", Some(true))
    );
    // Its to_json now carries the history and loads as itself.
    assert_eq!(TicketFlow::from_json(&f.to_json()).unwrap(), f);

    // Reopened and escalated, in progress.
    let mut v = doc(&closed());
    v.as_object_mut().unwrap().remove("events");
    v["state"] = json!("paused");
    v["escalations"] = json!(2);
    v["reopened"] = json!(1);
    v["satisfied"] = json!(false);
    let f = load(&v).unwrap();
    assert_eq!(
        (f.state(), f.escalations(), f.reopened()),
        (TicketState::Paused, 2, 1)
    );

    // Contradictory fields are refused just the same.
    let mut v = doc(&closed());
    v.as_object_mut().unwrap().remove("events");
    v["state"] = json!("received");
    assert_eq!(code_path(&v), cp("inconsistent_document", "state"));
    v["state"] = json!("closed");
    v["satisfied"] = Value::Null;
    v["reopened"] = json!(1);
    assert_eq!(code_path(&v), cp("inconsistent_document", "satisfied"));
    v["reopened"] = json!(u32::MAX);
    assert_eq!(code_path(&v), cp("inconsistent_document", "reopened"));
    // And against the policy: a rebuilt history names no roles.
    let mut v = doc(&closed());
    v.as_object_mut().unwrap().remove("events");
    let strict = AccessPolicy::default().allow("close", ["manager"]).unwrap();
    assert_eq!(refused(&v, &strict), cp("not_permitted", "events[4].role"));
}

#[test]
fn deserialize_checks_like_from_json() {
    let mut v = doc(&closed());
    v["state"] = json!("resolved");
    assert!(serde_json::from_value::<TicketFlow>(v).is_err());
    let f: TicketFlow = serde_json::from_value(doc(&closed())).unwrap();
    assert_eq!(f, closed());
}

/// An operation of the random sequences: (action index, actor index, role index,
/// minutes later).
type Op = (u8, u8, u8, u16);

const ACTORS: [&str; 4] = ["前台", "李工", "王工", "回访员"];
const ROLES: [Option<&str>; 3] = [None, Some("engineer"), Some("manager")];

fn action_of(i: u8, n: usize) -> Action {
    let who = ACTORS[n % ACTORS.len()].to_owned();
    match i % 9 {
        0 => Action::Assign { to: who },
        1 => Action::Start,
        2 => Action::Pause {
            reason: format!("等业主{n}"),
        },
        3 => Action::Resume,
        4 => Action::Resolve {
            note: format!("处理{n}"),
        },
        5 => Action::ReturnVisit {
            satisfied: true,
            note: String::new(),
        },
        6 => Action::ReturnVisit {
            satisfied: false,
            note: "不满意".into(),
        },
        7 => Action::Close,
        _ => Action::Escalate {
            to: who,
            reason: "升级".into(),
        },
    }
}

fn policies() -> Vec<AccessPolicy> {
    vec![
        AccessPolicy::default(),
        AccessPolicy::default().with_first_contact_ownership(true),
        AccessPolicy::default()
            .allow("resolve", ["engineer"])
            .unwrap()
            .allow("close", ["manager"])
            .unwrap(),
        AccessPolicy::default().with_handler_may_record_return_visit(true),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random operation sequences (the refused ones change nothing), saved and loaded
    /// under the same policy, equal the original and write the same bytes; the loaded
    /// statistics never see a resolution before its receipt.
    #[test]
    fn saved_and_loaded_flows_equal_the_original(
        ops in proptest::collection::vec((0u8..9, 0u8..4, 0u8..3, 0u16..600), 0..40),
        p in 0usize..4,
    ) {
        let policy = policies()[p].clone();
        let mut f = new_flow(policy.clone());
        let mut at = f.ticket().received_at;
        for (n, &(a, who, role, later)) in ops.iter().enumerate() {
            let op: Op = (a, who, role, later);
            at += Duration::minutes(i64::from(op.3));
            let before = f.clone();
            let r = f.apply_as(action_of(op.0, n), ACTORS[op.1 as usize], ROLES[op.2 as usize], at);
            if r.is_err() {
                prop_assert_eq!(&f, &before);
            }
        }
        let text = f.to_json();
        let back = TicketFlow::from_json_with_policy(&text, &policy).unwrap();
        prop_assert_eq!(&back, &f);
        prop_assert_eq!(back.to_json(), text);
        if let Some(r) = back.resolved_at() {
            prop_assert!(r >= back.ticket().received_at);
        }
        let end = back.ticket().received_at + Duration::days(400);
        let s = statistics(&[back], f.ticket().received_at, end, 10, &SlaPolicy::default()).unwrap();
        prop_assert!(s.mean_hours_to_resolve.is_none_or(|h| h >= 0.0));
    }
}
