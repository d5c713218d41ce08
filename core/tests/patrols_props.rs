//! Properties of patrol rounds: the same visits keyed in any order give the same
//! tasks, findings (up to their numbering, which follows arrival) and statistics; a
//! visit sent twice counts once; generating a period twice adds nothing; every state
//! round-trips through JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use estatekit::patrols::*;
use estatekit::tickets::WorkingHours;
use proptest::prelude::*;

fn book() -> PatrolBook {
    let cp = |id: &str, kind, items: &[&str]| Checkpoint {
        id: id.into(),
        name: id.into(),
        building_id: Some("B1".into()),
        kind,
        items: items.iter().map(|s| (*s).to_owned()).collect(),
    };
    let w = |a: &str, b: &str| WorkingHours::new(a.parse().unwrap(), b.parse().unwrap());
    let plan = Plan {
        id: "DAY".into(),
        route: vec!["LOBBY".into(), "PUMP".into(), "ROOF".into()],
        recurrence: Recurrence::Daily,
        windows: vec![w("09:00", "10:00"), w("15:00", "16:00")],
        staff: "甲".into(),
        deputy: Some("乙".into()),
    };
    let cps = vec![
        cp("LOBBY", CheckpointKind::Environment, &["地面清洁"]),
        cp(
            "PUMP",
            CheckpointKind::Equipment,
            &["水泵运行正常", "无漏水"],
        ),
        cp("ROOF", CheckpointKind::Security, &["天台门已锁"]),
    ];
    let mut b = PatrolBook::new(cps, vec![plan], 480).unwrap();
    let from: NaiveDate = "2026-11-02".parse().unwrap();
    assert_eq!(b.generate(from, from + Duration::days(2)).unwrap(), 6);
    b
}

/// Visits: (task index 0–5, checkpoint index 0–2, minutes from 08:00 local, all OK,
/// by the deputy), one per (task, checkpoint).
fn visits() -> impl Strategy<Value = Vec<(usize, usize, u32, bool, bool)>> {
    prop::collection::btree_map(
        (0usize..6, 0usize..3),
        (0u32..600, any::<bool>(), any::<bool>()),
        0..18,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|((t, c), (m, ok, d))| (t, c, m, ok, d))
            .collect()
    })
}

fn visit(
    b: &PatrolBook,
    (t, c, m, ok, deputy): (usize, usize, u32, bool, bool),
) -> (String, Visit) {
    let task = &b.tasks()[t];
    let cp = &b.checkpoints()[c];
    let start: DateTime<Utc> = task.date.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let v = Visit {
        checkpoint_id: cp.id.clone(),
        at: start + Duration::minutes(i64::from(m)),
        by: if deputy { "乙" } else { "甲" }.into(),
        results: cp
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| ItemResult {
                item: item.clone(),
                ok: ok || i > 0,
            })
            .collect(),
        note: (!ok).then(|| "异常".to_owned()),
    };
    (task.id.clone(), v)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn visits_in_any_order_give_the_same_book(vs in visits().prop_shuffle()) {
        let as_of: DateTime<Utc> = "2026-11-10T00:00:00Z".parse().unwrap();
        let record = |order: &[(usize, usize, u32, bool, bool)]| {
            let mut b = book();
            for x in order {
                let (task, v) = visit(&b, *x);
                let f = b.record_visit(&task, v.clone()).unwrap();
                prop_assert_eq!(f.is_some(), !x.3);
                // Sent twice: the same finding, nothing new.
                let before = b.clone();
                prop_assert_eq!(b.record_visit(&task, v).unwrap(), f);
                prop_assert_eq!(&b, &before);
            }
            Ok(b)
        };
        let keyed = record(&vs)?;
        let mut sorted = vs.clone();
        sorted.sort_by_key(|x| (x.2, x.0, x.1));
        let in_order = record(&sorted)?;
        prop_assert_eq!(keyed.tasks(), in_order.tasks());
        let strip = |b: &PatrolBook| {
            let mut f: Vec<Finding> = b.findings().iter().map(|f| Finding { id: String::new(), ..f.clone() }).collect();
            f.sort_by(|a, b| (&a.task_id, &a.checkpoint_id).cmp(&(&b.task_id, &b.checkpoint_id)));
            f
        };
        prop_assert_eq!(strip(&keyed), strip(&in_order));
        prop_assert_eq!(keyed.statistics(as_of), in_order.statistics(as_of));
        prop_assert_eq!(keyed.statistics_by_person(as_of), in_order.statistics_by_person(as_of));
        let s = keyed.statistics(as_of);
        prop_assert_eq!((s.tasks, s.visits, s.findings), (6, vs.len(), vs.iter().filter(|x| !x.3).count()));
        prop_assert_eq!(s.missed_points, 18 - vs.len());
        prop_assert_eq!(PatrolBook::from_json(&keyed.to_json()).unwrap(), keyed.clone());
        let mut again = keyed.clone();
        let from: NaiveDate = "2026-11-02".parse().unwrap();
        prop_assert_eq!(again.generate(from, from + Duration::days(2)).unwrap(), 0);
        prop_assert_eq!(again, keyed);
    }
}
