//! Scaling of the checklist queries, checked by counting operations (never by timing),
//! and their equivalence with the plain definitions they replaced.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};
use estatekit::checkin::ops::{self, Op};
use estatekit::checkin::*;
use proptest::prelude::*;

fn item(code: String, mandatory: bool) -> ItemDef {
    ItemDef {
        code,
        kind: ItemKind::RecordMade,
        name_zh: "记录".into(),
        name_en: "Record".into(),
        mandatory,
        roles: vec![Role::Receptionist],
        amount: None,
        nature: None,
        meter_kind: None,
        keys: None,
    }
}

/// Steps `s0..` with `deps[s]` (indices of earlier steps) and `items[s]` (mandatory
/// flags).
fn template(deps: &[Vec<usize>], items: &[Vec<bool>]) -> CheckinTemplate {
    let steps = deps
        .iter()
        .zip(items)
        .enumerate()
        .map(|(s, (d, it))| StepDef {
            code: format!("s{s}"),
            name_zh: "步".into(),
            name_en: "Step".into(),
            depends_on: d.iter().map(|d| format!("s{d}")).collect(),
            items: it
                .iter()
                .enumerate()
                .map(|(i, m)| item(format!("s{s}i{i}"), *m))
                .collect(),
        })
        .collect();
    CheckinTemplate::new(TemplateData {
        format_version: TEMPLATE_FORMAT_VERSION,
        id: "t".into(),
        version: 1,
        name_zh: "入住".into(),
        name_en: "Check-in".into(),
        rectification_days: RectificationDays::default(),
        audit_item: None,
        steps,
    })
    .unwrap()
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

fn done(c: &mut Checklist, code: &str) -> Result<(), CheckinError> {
    c.complete(
        code,
        "前台",
        Role::Receptionist,
        at(),
        ItemData::default(),
        None,
    )
}

/// A chain of `n` steps, each depending on the previous, one mandatory item each; the
/// first half done.
fn half_done_chain(n: usize) -> Checklist {
    let deps: Vec<Vec<usize>> = (0..n)
        .map(|s| if s == 0 { vec![] } else { vec![s - 1] })
        .collect();
    let t = template(&deps, &vec![vec![true]; n]);
    let mut c = Checklist::start(
        &t,
        "1-101",
        "张三",
        "2026-11-02".parse().unwrap(),
        Mode::Ordinary,
    )
    .unwrap();
    for s in 0..n / 2 {
        done(&mut c, &format!("s{s}i0")).unwrap();
    }
    c
}

fn chain_ops(n: usize) -> u64 {
    let c = half_done_chain(n);
    ops::reset();
    assert_eq!(c.actionable(), [format!("s{}", n / 2)]);
    let missing = c.missing();
    assert_eq!(
        (missing.len(), missing[0].as_str()),
        (n - n / 2, format!("s{}i0", n / 2).as_str())
    );
    // Undoing the first item: every later done item depends on it.
    let mut c = c;
    let err = c
        .undo("s0i0", "前台", Role::Receptionist, at(), "wrong")
        .unwrap_err();
    match err {
        CheckinError::HasDependents { dependents, .. } => {
            assert_eq!(dependents.len(), n / 2 - 1);
            assert_eq!(dependents[0], "s1i0");
        }
        e => panic!("{e:?}"),
    }
    ops::get(Op::ItemVisits) + ops::get(Op::StepVisits)
}

#[test]
fn chained_steps_queries_are_linear() {
    let small = chain_ops(3_200);
    let large = chain_ops(32_000);
    // About 2 visits per item and step (actionable, undo's traversal); the step-by-step
    // definition looked at every item for every step (≈ 1 billion at 32,000 steps).
    assert!(small <= 6 * 3_200, "{small}");
    assert!(large <= 12 * small, "{small} {large}");
}

#[test]
fn completing_every_item_of_a_long_chain_is_linear() {
    // Each completion looks at its step's dependencies only.
    let n = 20_000;
    let deps: Vec<Vec<usize>> = (0..n)
        .map(|s| if s == 0 { vec![] } else { vec![s - 1] })
        .collect();
    let t = template(&deps, &vec![vec![true, false]; n]);
    let mut c = Checklist::start(
        &t,
        "1-101",
        "张三",
        "2026-11-02".parse().unwrap(),
        Mode::Ordinary,
    )
    .unwrap();
    ops::reset();
    for s in 0..n {
        done(&mut c, &format!("s{s}i0")).unwrap();
    }
    assert!(ops::get(Op::ItemVisits) + ops::get(Op::StepVisits) <= 4 * n as u64);
    assert_eq!(c.progress().done, n);
    assert_eq!(c.actionable().len(), n); // every optional item is open
    // Restoring is a lookup per item, and exact.
    let back = Checklist::from_json(&c.to_json(), &t).unwrap();
    assert_eq!(back, c);
}

/// The definitions the queries had before they were made linear.
fn actionable_by_definition(c: &Checklist) -> Vec<String> {
    let step_done = |step: &str| {
        c.items()
            .iter()
            .filter(|i| i.step == step && i.mandatory)
            .all(ItemState::is_done)
    };
    let audit = c.template().audit_item();
    c.template()
        .steps()
        .iter()
        .filter(|s| {
            c.items().iter().any(|i| {
                i.step == s.code
                    && !i.is_done()
                    && (!c.is_complete() || Some(i.code.as_str()) == audit)
            })
        })
        .filter(|s| s.depends_on.iter().all(|d| step_done(d)))
        .map(|s| s.code.clone())
        .collect()
}

fn dependents_by_definition(c: &Checklist, item: &str) -> Vec<String> {
    let t = c.template();
    let step = t.step_of(item).unwrap().code.clone();
    let mut found: Vec<String> = Vec::new();
    let mut changed = true;
    while changed {
        changed = false;
        for s in t.steps() {
            if !found.contains(&s.code)
                && s.depends_on.iter().any(|d| *d == step || found.contains(d))
            {
                found.push(s.code.clone());
                changed = true;
            }
        }
    }
    c.items()
        .iter()
        .filter(|i| i.is_done() && found.contains(&i.step))
        .map(|i| i.code.clone())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn queries_match_their_definitions(
        shape in proptest::collection::vec(
            (proptest::collection::vec(any::<prop::sample::Index>(), 0..3),
             proptest::collection::vec(any::<bool>(), 1..4)),
            1..8),
        ops_ in proptest::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 0..40),
    ) {
        // A DAG: each step depends on earlier ones only.
        let deps: Vec<Vec<usize>> = shape.iter().enumerate().map(|(s, (d, _))| {
            if s == 0 { return vec![]; }
            let mut v: Vec<usize> = d.iter().map(|i| i.index(s)).collect();
            v.dedup();
            v
        }).collect();
        let items: Vec<Vec<bool>> = shape.iter().map(|(_, m)| m.clone()).collect();
        let t = template(&deps, &items);
        let codes: Vec<String> = t.items().map(|(_, i)| i.code.clone()).collect();
        let mut c = Checklist::start(&t, "1-101", "张三", "2026-11-02".parse().unwrap(), Mode::Ordinary).unwrap();
        for (idx, undo) in ops_ {
            let code = &codes[idx.index(codes.len())];
            prop_assert_eq!(c.actionable(), actionable_by_definition(&c));
            if undo {
                let want = dependents_by_definition(&c, code);
                match c.undo(code, "前台", Role::Receptionist, at(), "r") {
                    Err(CheckinError::HasDependents { dependents, .. }) => prop_assert_eq!(dependents, want),
                    Ok(()) => prop_assert!(want.is_empty() || !t.item(code).unwrap().mandatory),
                    Err(_) => {}
                }
            } else {
                let _ = done(&mut c, code);
            }
            prop_assert_eq!(c.item(code).map(|i| i.code.as_str()), Some(code.as_str()));
        }
        let back = Checklist::from_json(&c.to_json(), &t).unwrap();
        prop_assert_eq!(back, c);
    }
}
