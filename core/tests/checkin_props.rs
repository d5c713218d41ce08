//! Check-in invariants: no sequence of operations completes a checklist with a
//! mandatory item open (or a refused handover); save → restore is lossless.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use estatekit::checkin::*;
use estatekit::estate::Estate;
use proptest::prelude::*;

fn good_data(c: &Checklist, kind: ItemKind, flag: bool) -> ItemData {
    let mut d = ItemData::default();
    match kind {
        ItemKind::Signature => d.signature_ref = Some("SIG".into()),
        ItemKind::Payment => d.receipt_ref = Some("R".into()),
        ItemKind::MeterReading => d.reading = Some(rust_decimal::Decimal::new(5_000_000, 3)),
        ItemKind::KeyHandover => d.keys = Some(2),
        ItemKind::Inspection => {
            let open = c.defects().iter().any(|d| d.status != DefectStatus::Closed);
            d.outcome = Some(match (open, flag) {
                (_, false) if open => HandoverOutcome::AcceptedWithRectificationList,
                (true, _) => HandoverOutcome::Refused,
                (false, true) => HandoverOutcome::Refused,
                (false, false) => HandoverOutcome::Accepted,
            });
        }
        _ => {}
    }
    d
}

const ROLES: [Role; 3] = [Role::Receptionist, Role::Inspector, Role::Manager];

fn apply(c: &mut Checklist, estate: &Estate, step: usize, op: (u8, usize, bool, bool)) {
    let (kind, idx, flag, flag2) = op;
    let at: DateTime<Utc> =
        Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap() + Duration::minutes(step as i64);
    let items: Vec<(String, ItemKind, Vec<Role>)> = c
        .template()
        .items()
        .map(|(_, i)| (i.code.clone(), i.kind, i.roles.clone()))
        .collect();
    let (code, ikind, roles) = &items[idx % items.len()];
    let role = if flag2 { roles[0] } else { ROLES[idx % 3] };
    let _ = match kind % 7 {
        0 => {
            let data = if flag {
                good_data(c, *ikind, flag2)
            } else {
                ItemData::default()
            };
            c.complete(code, "a", role, at, data, Some(estate))
        }
        1 => c.undo(code, "a", role, at, "undo"),
        2 => c.finish("a", if flag { Role::Receptionist } else { role }, at),
        3 => {
            let d = DefectInput {
                location: "l".into(),
                description: "d".into(),
                category: "c".into(),
                severity: Severity::ALL[idx % 3],
                responsible: Responsible::ALL[idx % 3],
            };
            c.record_defect(d, "a", Role::Inspector, at).map(|_| ())
        }
        4 => {
            let id = format!("D{}", idx % 3 + 1);
            c.mark_rectified(&id, "a", Role::Inspector, at, None)
        }
        5 => {
            let id = format!("D{}", idx % 3 + 1);
            c.reinspect(&id, flag, "a", Role::Inspector, at, None)
        }
        _ => {
            // Drive progress: complete the first open item of an actionable step.
            let actionable = c.actionable();
            let next = items.iter().find(|(code, _, _)| {
                c.item(code)
                    .is_some_and(|s| !s.is_done() && actionable.contains(&s.step))
            });
            match next {
                Some((code, k, roles)) => {
                    let data = good_data(c, *k, flag);
                    c.complete(code, "a", roles[0], at, data, Some(estate))
                }
                None => Ok(()),
            }
        }
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn never_complete_with_a_mandatory_item_open(
        ops in prop::collection::vec((0u8..7, 0usize..64, any::<bool>(), any::<bool>()), 0..160),
        centralized in any::<bool>(),
    ) {
        let estate = Estate::demo();
        let t = CheckinTemplate::default_template();
        let mode = if centralized { Mode::Centralized } else { Mode::Ordinary };
        let mut c = Checklist::start(&t, "1-603", "o", "2026-11-02".parse().unwrap(), mode).unwrap();
        for (step, op) in ops.into_iter().enumerate() {
            let was_complete = c.is_complete();
            apply(&mut c, &estate, step, op);
            if c.is_complete() {
                prop_assert!(c.missing().is_empty());
                prop_assert_ne!(c.outcome(), Some(HandoverOutcome::Refused));
                prop_assert_eq!(c.progress().done, c.progress().total);
            }
            prop_assert!(!was_complete || c.is_complete());
            // every done item's step has its dependencies done
            for item in c.items().iter().filter(|i| i.is_done()) {
                let step = t.step(&item.step).unwrap();
                for dep in &step.depends_on {
                    prop_assert!(c.items().iter().filter(|i| &i.step == dep && i.mandatory).all(|i| i.is_done()));
                }
            }
        }
        let json = c.to_json();
        let back = Checklist::from_json(&json, &t).unwrap();
        prop_assert_eq!(back.to_json(), json);
        prop_assert_eq!(&back, &c);
    }
}

#[test]
fn driving_operations_reach_completion() {
    // The generator can complete a checklist: 30 "drive" steps then a finish.
    let estate = Estate::demo();
    let t = CheckinTemplate::default_template();
    let mut c = Checklist::start(
        &t,
        "1-603",
        "o",
        "2026-11-02".parse().unwrap(),
        Mode::Ordinary,
    )
    .unwrap();
    for step in 0..30 {
        apply(&mut c, &estate, step, (6, 0, false, true));
    }
    apply(&mut c, &estate, 30, (2, 0, true, true));
    assert!(c.is_complete());
}
