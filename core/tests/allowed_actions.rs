//! "Allowed actions" (to enable an app's buttons) and document versions (to order
//! saves): for tickets and checklists, in every state reached by random walks, the
//! allowed set contains an action exactly when performing it succeeds; a refused
//! action leaves the version alone; concurrent completions each saving a snapshot
//! leave the highest-version snapshot holding every completion.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use estatekit::checkin::{
    CheckinTemplate, Checklist, DefectAction, DefectInput, HandoverOutcome, ItemAction, ItemData,
    ItemKind, Mode, Responsible, Role, Severity,
};
use estatekit::tickets::{
    AccessPolicy, Action, ActionKind, Channel, Ticket, TicketClassifier, TicketFlow, TicketKind,
    TicketState, VisitMode,
};

/// A small deterministic generator (xorshift64*), so every run walks the same states.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap()
}

/// An action of `kind` with valid data (a satisfied or unsatisfied rating, a target).
fn ticket_action(kind: ActionKind, rng: &mut Rng) -> Option<Action> {
    let people = ["小张", "李工", "经理"];
    let to = people[rng.below(people.len())].to_owned();
    Some(match kind {
        ActionKind::Receive => return None,
        ActionKind::Assign => Action::Assign { to },
        ActionKind::Start => Action::Start,
        ActionKind::Pause => Action::Pause {
            reason: "等业主".into(),
        },
        ActionKind::Resume => Action::Resume,
        ActionKind::Resolve => Action::Resolve {
            note: "修好".into(),
        },
        ActionKind::ReturnVisit => Action::ReturnVisit {
            satisfied: rng.below(2) == 0,
            note: String::new(),
        },
        ActionKind::ReturnVisitReached => Action::ReturnVisitReached {
            mode: VisitMode::Phone,
            rating: 1 + rng.below(5) as u8,
            comment: String::new(),
        },
        ActionKind::ReturnVisitUnreachable => Action::ReturnVisitUnreachable {
            mode: VisitMode::Phone,
            note: "无人接听".into(),
        },
        ActionKind::Close => Action::Close,
        ActionKind::Escalate => Action::Escalate {
            to,
            reason: "超出权限".into(),
        },
    })
}

fn policies() -> Vec<AccessPolicy> {
    vec![
        AccessPolicy::default(),
        AccessPolicy::default().with_first_contact_ownership(true),
        AccessPolicy::default()
            .allow("assign", ["dispatcher"])
            .unwrap()
            .allow("close", ["manager"])
            .unwrap()
            .with_handler_may_record_return_visit(true),
    ]
}

/// Walks ticket flows at random; in every state, for every actor, role and action,
/// `allowed_actions` lists the action iff applying it succeeds, and a refusal leaves
/// the flow (and its version) as it was.
fn walk_tickets(texts: &[String], steps: usize) -> (usize, usize) {
    let clf = TicketClassifier::default_rules();
    let actors = ["小张", "李工", "经理", "客服小刘"];
    let roles = [None, Some("dispatcher"), Some("manager")];
    let (mut checked, mut applied) = (0, 0);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (n, text) in texts.iter().enumerate() {
        let c = clf.classify(text);
        let policy = policies().swap_remove(n % 3);
        let kinds = [
            TicketKind::RepairRequest,
            TicketKind::Complaint,
            TicketKind::Praise,
        ];
        let t = Ticket::new(
            format!("T{n}"),
            "1-101",
            Channel::Hotline,
            t0(),
            "业主",
            text,
            kinds[n % 3],
        );
        let mut flow =
            TicketFlow::with_policy(t, c.category, c.urgency, c.department, "小张", policy);
        let mut at = t0();
        for _ in 0..steps {
            at += Duration::minutes(7);
            let mut ok = Vec::new();
            for actor in actors {
                for role in roles {
                    let allowed = flow.allowed_actions(actor, role);
                    for &kind in ActionKind::ALL {
                        let Some(action) = ticket_action(kind, &mut rng) else {
                            assert!(!allowed.contains(&kind));
                            continue;
                        };
                        let mut trial = flow.clone();
                        let result = trial.apply_as(action.clone(), actor, role, at);
                        assert_eq!(
                            allowed.contains(&kind),
                            result.is_ok(),
                            "{} in {} by {actor} as {role:?}: allowed {allowed:?}, apply {result:?}",
                            kind,
                            flow.state()
                        );
                        if result.is_ok() {
                            assert_eq!(trial.version(), flow.version() + 1);
                            ok.push((action, actor, role));
                        } else {
                            assert_eq!(trial, flow);
                        }
                        checked += 1;
                    }
                }
            }
            if ok.is_empty() {
                break;
            }
            let (action, actor, role) = ok.swap_remove(rng.below(ok.len()));
            flow.apply_as(action, actor, role, at).unwrap();
            applied += 1;
            let back = TicketFlow::from_json_with_policy(&flow.to_json(), flow.policy()).unwrap();
            assert_eq!(back.version(), flow.version());
            assert_eq!(
                back.allowed_actions("客服小刘", None),
                flow.allowed_actions("客服小刘", None)
            );
        }
    }
    (checked, applied)
}

#[test]
fn ticket_allowed_actions_are_exactly_those_that_succeed() {
    let texts: Vec<String> = ["厨房水管爆裂", "楼上装修太吵", "感谢保安师傅", "电梯困人"]
        .map(String::from)
        .to_vec();
    let (checked, applied) = walk_tickets(&texts, 12);
    assert!(checked > 1_000, "{checked}");
    assert!(applied >= 12, "{applied}");
}

/// The same walk over the first 30 messages of a public government message board
/// (`../shared/data/zh_gov_messages_labelled.csv`, outside the repository; skipped
/// when missing) as ticket texts, triaged by the classifier.
#[test]
fn ticket_allowed_actions_hold_on_real_messages() {
    let Some(rows) = common::dev_data("zh_gov_messages_labelled.csv") else {
        return;
    };
    let texts: Vec<String> = rows.iter().take(30).map(|r| r[2].clone()).collect();
    assert_eq!(texts.len(), 30);
    let (checked, _) = walk_tickets(&texts, 10);
    assert!(checked > 10_000, "{checked}");
}

#[test]
fn the_lifecycle_shortcuts_the_readme_documents() {
    // resolve straight from received; close straight from resolved (after the
    // return visit the policy requires, or when none is required: a praise).
    let t = Ticket::new(
        "P1",
        "1-101",
        Channel::App,
        t0(),
        "业主",
        "谢谢",
        TicketKind::Praise,
    );
    let mut f = TicketFlow::new(
        t,
        "praise",
        estatekit::tickets::Urgency::Normal,
        "cs",
        "小张",
    );
    use ActionKind as K;
    assert_eq!(
        f.allowed_actions("小张", None),
        [K::Assign, K::Resolve, K::Escalate]
    );
    f.apply(
        Action::Resolve {
            note: "已转达".into(),
        },
        "小张",
        t0(),
    )
    .unwrap();
    assert!(!f.return_visit_required());
    assert_eq!(
        f.allowed_actions("客服小刘", None),
        [
            K::ReturnVisit,
            K::ReturnVisitReached,
            K::ReturnVisitUnreachable,
            K::Close
        ]
    );
    assert_eq!(f.allowed_actions("小张", None), [K::Close]);
    f.apply(Action::Close, "小张", t0()).unwrap();
    assert_eq!((f.state(), f.version()), (TicketState::Closed, 2));
    assert_eq!(f.allowed_actions("经理", Some("manager")), []);
}

/// Data that fits `kind` (and the defects: an inspection accepts with a list while a
/// defect is open).
fn item_data(c: &Checklist, code: &str) -> ItemData {
    let def = c.template().item(code).unwrap();
    let open = c
        .defects()
        .iter()
        .any(|d| d.status != estatekit::checkin::DefectStatus::Closed);
    let mut d = ItemData::default();
    match def.kind {
        ItemKind::Signature => d.signature_ref = Some("SIG-1".into()),
        ItemKind::Payment => d.receipt_ref = Some("R-1".into()),
        ItemKind::MeterReading => d.reading = Some("12.5".parse().unwrap()),
        ItemKind::KeyHandover => d.keys = Some(def.keys.unwrap_or(2)),
        ItemKind::Inspection => {
            d.outcome = Some(if open {
                HandoverOutcome::AcceptedWithRectificationList
            } else {
                HandoverOutcome::Accepted
            });
        }
        _ => {}
    }
    d
}

fn crack() -> DefectInput {
    DefectInput {
        location: "客厅".into(),
        description: "墙面裂缝".into(),
        category: "wall".into(),
        severity: Severity::Minor,
        responsible: Responsible::Developer,
    }
}

/// A move of the walk: its preference (higher first in greedy walks) and the move.
type Op = (u8, Box<dyn Fn(&mut Checklist) -> bool>);

#[test]
fn checklist_allowed_actions_are_exactly_those_that_succeed() {
    let template = CheckinTemplate::default_template();
    let roles = [Role::Receptionist, Role::Inspector, Role::Manager];
    let mut rng = Rng(42);
    let (mut checked, mut finished) = (0, 0);
    for walk in 0..6 {
        let mut c = Checklist::start(
            &template,
            "1-603",
            "张三",
            "2026-11-02".parse().unwrap(),
            Mode::Ordinary,
        )
        .unwrap();
        let mut at = t0();
        for _ in 0..120 {
            at += Duration::minutes(1);
            let mut ok: Vec<Op> = Vec::new();
            let codes: Vec<String> = c.items().iter().map(|i| i.code.clone()).collect();
            for code in &codes {
                for role in roles {
                    let allowed = c.allowed_item_actions(code, role).unwrap();
                    for &action in ItemAction::ALL {
                        let mut trial = c.clone();
                        let result = match action {
                            ItemAction::Complete => trial
                                .complete(code, "李四", role, at, item_data(&c, code), None)
                                .map(|_| ()),
                            ItemAction::Undo => trial.undo(code, "李四", role, at, "重做"),
                            ItemAction::RecordDefect => {
                                if c.template().item(code).unwrap().kind != ItemKind::Inspection {
                                    assert!(!allowed.contains(&action));
                                    continue;
                                }
                                trial.record_defect(crack(), "王五", role, at).map(|_| ())
                            }
                        };
                        assert_eq!(
                            allowed.contains(&action),
                            result.is_ok(),
                            "{action} {code} as {role}: {allowed:?} vs {result:?}"
                        );
                        if result.is_ok() {
                            assert_eq!(trial.version(), c.version() + 1);
                            let (code, data) = (code.clone(), item_data(&c, code));
                            ok.push(match action {
                                ItemAction::Complete => (
                                    2,
                                    Box::new(move |c: &mut Checklist| {
                                        c.complete(&code, "李四", role, at, data.clone(), None)
                                            .is_ok()
                                    }),
                                ),
                                ItemAction::Undo => (
                                    0,
                                    Box::new(move |c: &mut Checklist| {
                                        c.undo(&code, "李四", role, at, "重做").is_ok()
                                    }),
                                ),
                                ItemAction::RecordDefect => (
                                    1,
                                    Box::new(move |c: &mut Checklist| {
                                        c.record_defect(crack(), "王五", role, at).is_ok()
                                    }),
                                ),
                            });
                        } else {
                            assert_eq!(trial, c);
                        }
                        checked += 1;
                    }
                }
            }
            let ids: Vec<String> = c.defects().iter().map(|d| d.id.clone()).collect();
            for id in &ids {
                for role in roles {
                    let allowed = c.allowed_defect_actions(id, role).unwrap();
                    for &action in DefectAction::ALL {
                        let mut trial = c.clone();
                        let passed = rng.below(2) == 0;
                        let result = match action {
                            DefectAction::MarkRectified => {
                                trial.mark_rectified(id, "王五", role, at, None)
                            }
                            DefectAction::Reinspect => {
                                trial.reinspect(id, passed, "王五", role, at, None)
                            }
                        };
                        assert_eq!(
                            allowed.contains(&action),
                            result.is_ok(),
                            "{action} {id} as {role}"
                        );
                        if result.is_ok() {
                            let id = id.clone();
                            ok.push(match action {
                                DefectAction::MarkRectified => (
                                    1,
                                    Box::new(move |c: &mut Checklist| {
                                        c.mark_rectified(&id, "王五", role, at, None).is_ok()
                                    }),
                                ),
                                DefectAction::Reinspect => (
                                    1,
                                    Box::new(move |c: &mut Checklist| {
                                        c.reinspect(&id, passed, "王五", role, at, None).is_ok()
                                    }),
                                ),
                            });
                        }
                        checked += 1;
                    }
                }
            }
            // Finishing is one more move of the walk once it can succeed (the audit
            // item, the rectifications and re-inspections follow it).
            if !c.is_complete() && c.missing().is_empty() {
                ok.push((
                    3,
                    Box::new(move |c: &mut Checklist| {
                        c.finish("李四", Role::Receptionist, at).is_ok()
                    }),
                ));
            }
            if ok.is_empty() {
                break;
            }
            // Every other walk is greedy (finish, complete, defects, undo last), so
            // walks reach the finish and the audit after it.
            if walk % 2 == 1 {
                let best = ok.iter().map(|o| o.0).max().unwrap_or(0);
                ok.retain(|o| o.0 == best);
            }
            let pick = rng.below(ok.len());
            let before = c.version();
            assert!((ok[pick].1)(&mut c));
            assert_eq!(c.version(), before + 1);
            let back = Checklist::from_json(&c.to_json(), &template).unwrap();
            assert_eq!((back.version(), &back), (c.version(), &c));
        }
        finished += usize::from(c.is_complete());
    }
    assert!(checked > 10_000, "{checked}");
    assert!(finished >= 1, "no walk reached the finish");
}

#[test]
fn unknown_items_and_defects_are_typed_errors() {
    let c = Checklist::start(
        &CheckinTemplate::default_template(),
        "1-603",
        "张三",
        "2026-11-02".parse().unwrap(),
        Mode::Ordinary,
    )
    .unwrap();
    let e = c.allowed_item_actions("nope", Role::Manager).unwrap_err();
    assert_eq!((e.code(), e.path()), ("unknown_item", "item_code"));
    let e = c.allowed_defect_actions("D1", Role::Manager).unwrap_err();
    assert_eq!((e.code(), e.path()), ("unknown_defect", "defect_id"));
}

/// Four threads complete a step's documents concurrently, each saving the snapshot
/// its completion left (`saved()` under the same lock): the highest version is the
/// latest document, holds every completion and restores to that version.
#[test]
fn concurrent_completions_save_snapshots_ordered_by_version() {
    let template = CheckinTemplate::default_template();
    let mut c = Checklist::start(
        &template,
        "1-603",
        "张三",
        "2026-11-02".parse().unwrap(),
        Mode::Ordinary,
    )
    .unwrap();
    let r = Role::Receptionist;
    // Complete items one at a time until at least four that need no data are open
    // together.
    let open_plain = |c: &Checklist| -> Vec<String> {
        c.items()
            .iter()
            .filter(|i| {
                c.allowed_item_actions(&i.code, r).unwrap() == [ItemAction::Complete]
                    && item_data(c, &i.code) == ItemData::default()
            })
            .map(|i| i.code.clone())
            .collect()
    };
    let mut codes = open_plain(&c);
    while codes.len() < 4 {
        let next = c
            .items()
            .iter()
            .find(|i| c.allowed_item_actions(&i.code, r).unwrap() == [ItemAction::Complete])
            .map(|i| i.code.clone())
            .unwrap();
        let data = item_data(&c, &next);
        c.complete(&next, "李四", r, t0(), data, None).unwrap();
        codes = open_plain(&c);
    }
    let base = c.version();
    assert!(codes.len() >= 4, "{codes:?}");
    let shared = Arc::new(Mutex::new(c));
    let saves = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = codes
        .chunks(codes.len().div_ceil(4))
        .map(|chunk| {
            let (shared, saves, chunk) = (shared.clone(), saves.clone(), chunk.to_vec());
            std::thread::spawn(move || {
                for code in chunk {
                    let snapshot = {
                        let mut c = shared.lock().unwrap();
                        c.complete(
                            &code,
                            "李四",
                            Role::Receptionist,
                            t0(),
                            ItemData::default(),
                            None,
                        )
                        .unwrap();
                        c.saved()
                    };
                    saves.lock().unwrap().push(snapshot);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let saves = saves.lock().unwrap();
    assert_eq!(saves.len(), codes.len());
    let mut versions: Vec<u64> = saves.iter().map(|s| s.version).collect();
    versions.sort_unstable();
    assert_eq!(
        versions,
        (base + 1..=base + codes.len() as u64).collect::<Vec<_>>()
    );
    let latest = saves.iter().max_by_key(|s| s.version).unwrap();
    let back = Checklist::from_json(&latest.json, &template).unwrap();
    assert_eq!(back.version(), latest.version);
    for code in &codes {
        assert!(back.item(code).unwrap().is_done(), "{code}");
    }
    assert_eq!(back, *shared.lock().unwrap());
}

#[test]
fn old_documents_read_as_version_zero_and_versions_are_restored_exactly() {
    let template = CheckinTemplate::default_template();
    // The demo walk as written before versions: without its `"version": 31` line.
    let current = include_str!("data/checkin_walk.json");
    let walk = &current.replace("  \"version\": 31,\n", "");
    assert_ne!(walk, current);
    assert_eq!(
        Checklist::from_json(current, &template).unwrap().version(),
        31
    );
    let c = Checklist::from_json(walk, &template).unwrap();
    assert_eq!(c.version(), 0);
    assert_eq!(c.to_json(), walk.trim_end());
    let mut c2 = c.clone();
    let at = c.events().last().unwrap().at;
    let err = c2
        .undo("owner_registration", "李四", Role::Receptionist, at, "x")
        .unwrap_err();
    assert_eq!(err.code(), "checklist_finished");
    assert_eq!(c2.version(), 0);
    // A document whose saved version differs from its event count keeps its version.
    let text = c
        .to_json()
        .replacen("\"events\"", "\"version\": 7,\n  \"events\"", 1);
    assert_eq!(Checklist::from_json(&text, &template).unwrap().version(), 7);
}
