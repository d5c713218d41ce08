//! A ticket-flow document from arbitrary bytes, loaded under one of four access
//! policies, then driven by fuzzed operations. Input: an optional first byte 0–3
//! choosing the policy (else the default policy), the document, and after a NUL byte
//! the operations. A document that loads equals the flow rebuilt here from its history
//! (its event log replayed through the public operations under the same policy),
//! re-serializes to a document that loads as itself and writes the same bytes, and
//! keeps the invariants (events in time order, the first the receipt at `received_at`,
//! no resolution before receipt). A failed operation changes nothing; after every
//! operation the flow still round-trips.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use chrono::Duration;
use estatekit::tickets::{AccessPolicy, Action, ReturnVisitPolicy, TicketFlow, VisitMode};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static POLICIES: LazyLock<Vec<AccessPolicy>> = LazyLock::new(|| {
    vec![
        AccessPolicy::default(),
        AccessPolicy::default().with_first_contact_ownership(true),
        AccessPolicy::default()
            .allow("resolve", ["engineer"])
            .and_then(|p| p.allow("close", ["manager"]))
            .expect("a valid policy"),
        AccessPolicy::default().with_handler_may_record_return_visit(true),
    ]
});
const ACTORS: [&str; 4] = ["前台", "李工", "回访员", ""];
const ROLES: [Option<&str>; 3] = [None, Some("engineer"), Some("manager")];
/// Operations per input at most (each one re-serializes and reloads the flow).
const MAX_STEPS: usize = 32;

fn check(f: &TicketFlow, policy: &AccessPolicy) {
    let text = f.to_json();
    let back = TicketFlow::from_json_with_policy(&text, policy)
        .unwrap_or_else(|e| panic!("a flow's own document is refused: {e}\n{text}"));
    assert_eq!(&back, f);
    assert_eq!(back.to_json(), text);
    // Rebuilt from its history through the public operations.
    let ev = f.events();
    assert_eq!(ev[0].action, Action::Receive);
    assert_eq!(
        (ev[0].at, ev[0].actor.as_str()),
        (f.ticket().received_at, f.receiver())
    );
    let mut rebuilt = TicketFlow::with_policy(
        f.ticket().clone(),
        f.category(),
        f.urgency(),
        f.department(),
        f.receiver(),
        policy.clone(),
    );
    // The flow's return-visit rules; a document without any (older versions)
    // requires no visit, as a policy requiring no kind does.
    let visits = f
        .return_visit_policy()
        .cloned()
        .unwrap_or_else(|| ReturnVisitPolicy::new([], [], 1, 0, 0.0, 0.0).expect("a valid policy"));
    rebuilt = rebuilt
        .with_return_visit_policy(visits)
        .expect("a flow with only its receipt takes any policy");
    for (i, e) in ev.iter().enumerate().skip(1) {
        assert!(e.at >= ev[i - 1].at, "events out of order");
        rebuilt
            .apply_as(e.action.clone(), &e.actor, e.role.as_deref(), e.at)
            .unwrap_or_else(|err| panic!("event {i} does not replay: {err}"));
    }
    let mut rebuilt_events = rebuilt.events().to_vec();
    rebuilt_events[0].role.clone_from(&ev[0].role);
    assert_eq!(rebuilt_events, ev);
    assert_eq!(
        (
            rebuilt.state(),
            rebuilt.owner(),
            rebuilt.escalations(),
            rebuilt.reopened(),
            rebuilt.satisfied()
        ),
        (
            f.state(),
            f.owner(),
            f.escalations(),
            f.reopened(),
            f.satisfied()
        )
    );
    if let Some(r) = f.resolved_at() {
        assert!(r >= f.ticket().received_at);
    }
}

fn action(u: &mut Unstructured<'_>) -> arbitrary::Result<Action> {
    let who = || -> String { ACTORS[1].to_owned() };
    Ok(match u.int_in_range(0u8..=10)? {
        0 => Action::Assign {
            to: (*u.choose(&ACTORS)?).to_owned(),
        },
        1 => Action::Start,
        2 => Action::Pause {
            reason: String::arbitrary(u)?,
        },
        3 => Action::Resume,
        4 => Action::Resolve {
            note: String::arbitrary(u)?,
        },
        5 => Action::ReturnVisit {
            satisfied: bool::arbitrary(u)?,
            note: String::new(),
        },
        6 => Action::Close,
        7 => Action::Escalate {
            to: who(),
            reason: String::new(),
        },
        8 => Action::ReturnVisitReached {
            mode: *u.choose(VisitMode::ALL)?,
            rating: u.int_in_range(0u8..=6)?,
            comment: String::new(),
        },
        9 => Action::ReturnVisitUnreachable {
            mode: *u.choose(VisitMode::ALL)?,
            note: String::new(),
        },
        _ => Action::Receive,
    })
}

fuzz_target!(|data: &[u8]| {
    let (policy, rest) = match data.first() {
        Some(&b) if b < 4 => (&POLICIES[b as usize], &data[1..]),
        _ => (&POLICIES[0], data),
    };
    let (doc, ops) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(doc) else {
        return;
    };
    let Ok(mut flow) = TicketFlow::from_json_with_policy(text, policy) else {
        return;
    };
    check(&flow, policy);
    let mut u = Unstructured::new(ops);
    for _ in 0..MAX_STEPS {
        if u.is_empty() {
            break;
        }
        let Ok(a) = action(&mut u) else { break };
        let Ok(actor) = u.choose(&ACTORS) else { break };
        let Ok(role) = u.choose(&ROLES) else { break };
        let Ok(secs) = u.int_in_range(-3600i64..=200_000) else {
            break;
        };
        let last = flow
            .events()
            .last()
            .map(|e| e.at)
            .unwrap_or(flow.ticket().received_at);
        let at = last
            .checked_add_signed(Duration::seconds(secs))
            .unwrap_or(last);
        let before = flow.clone();
        if flow.apply_as(a, actor, *role, at).is_err() {
            assert_eq!(flow, before, "a failed operation changed the flow");
            assert_eq!(flow.to_json(), before.to_json());
        }
        check(&flow, policy);
    }
});
