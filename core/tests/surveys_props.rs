//! Properties of surveys: the results do not depend on the order in which responses
//! are keyed in, satisfaction is the top boxes over the scale answers and the response
//! rate the valid responses over the delivered units (4 places, half away from zero),
//! and every state round-trips through JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use estatekit::estate::Estate;
use estatekit::registry::{OccupantRole, Person, Registry, RoleRecord};
use estatekit::surveys::{Answer, AnswerValue, Response, Survey};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

const QUESTIONS: [&str; 4] = ["cleaning", "security", "repairs", "service"];

/// The demo estate's delivered units, and a registry with an owner `O-{unit}` on each.
fn population() -> (Estate, Registry, Vec<String>) {
    let estate = Estate::demo();
    let mut r = Registry::new(estate.id());
    let units: Vec<String> = estate
        .units()
        .iter()
        .filter(|u| u.is_delivered())
        .map(|u| u.id.clone())
        .collect();
    for u in &units {
        let p = format!("O-{u}");
        r.add_person(Person::new(p.as_str(), format!("业主{u}")))
            .unwrap();
        r.add_role(RoleRecord::new(
            u.as_str(),
            p.as_str(),
            OccupantRole::Owner,
            "2024-01-01".parse().unwrap(),
        ))
        .unwrap();
    }
    (estate, r, units)
}

fn collecting(estate: &Estate) -> Survey {
    let (mut s, _) = Survey::example_draft().unwrap();
    let opened: DateTime<Utc> = "2026-12-01T02:00:00Z".parse().unwrap();
    s.publish(estate, opened - Duration::hours(1)).unwrap();
    s.start_collecting(opened).unwrap();
    s
}

fn ratio(n: usize, d: usize) -> Option<Decimal> {
    (d > 0).then(|| {
        let mut r = (Decimal::from(n) / Decimal::from(d))
            .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(4);
        r
    })
}

/// Up to 34 responses: (unit index, minutes after the opening, four scores).
fn responses() -> impl Strategy<Value = Vec<(usize, u32, [u8; 4])>> {
    prop::collection::btree_map(
        0usize..34,
        (0u32..40_000, prop::array::uniform4(1u8..=5)),
        0..34,
    )
    .prop_map(|m| m.into_iter().map(|(u, (t, s))| (u, t, s)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn results_do_not_depend_on_the_keying_order(
        rs in responses().prop_shuffle(),
        top in 1u8..=4,
    ) {
        let (estate, registry, units) = population();
        let opened: DateTime<Utc> = "2026-12-01T02:00:00Z".parse().unwrap();
        let build = |order: &[(usize, u32, [u8; 4])]| {
            let (mut s, _) = Survey::example_draft().unwrap();
            s.set_top_boxes(top).unwrap();
            s.publish(&estate, opened - Duration::hours(1)).unwrap();
            s.start_collecting(opened).unwrap();
            for (u, t, scores) in order {
                let r = Response {
                    unit_id: units[*u].clone(),
                    person_id: format!("O-{}", units[*u]),
                    at: opened + Duration::minutes(i64::from(*t)),
                    answers: QUESTIONS
                        .iter()
                        .zip(scores)
                        .map(|(q, s)| Answer { question: (*q).into(), value: AnswerValue::Score(*s) })
                        .collect(),
                };
                prop_assert!(s.respond(&registry, r.clone()).unwrap());
                prop_assert!(!s.respond(&registry, r).unwrap(), "a retry is not recorded");
            }
            Ok(s)
        };
        let keyed = build(&rs)?;
        let mut sorted = rs.clone();
        sorted.sort_by_key(|(u, t, _)| (*t, *u));
        let in_time_order = build(&sorted)?;
        let a = keyed.results(None).unwrap();
        prop_assert_eq!(&a, &in_time_order.results(None).unwrap());
        prop_assert_eq!(Survey::from_json(&keyed.to_json()).unwrap(), keyed);

        let satisfied = rs
            .iter()
            .flat_map(|(_, _, s)| s.iter())
            .filter(|s| **s > 5 - top)
            .count();
        prop_assert_eq!((a.valid, a.distributed, a.scale_answers), (rs.len(), 34, 4 * rs.len()));
        prop_assert_eq!(a.satisfied, satisfied);
        prop_assert_eq!(a.survey_satisfaction, ratio(satisfied, 4 * rs.len()));
        prop_assert_eq!(a.response_rate, ratio(rs.len(), 34));
        prop_assert_eq!(a.by_dimension.iter().map(|b| b.answers).sum::<usize>(), 4 * rs.len());
        prop_assert_eq!(a.by_building.iter().map(|b| b.satisfied).sum::<usize>(), satisfied);
    }

    #[test]
    fn a_refused_response_changes_nothing(unit in 0usize..34, score in 0u8..=7, minutes in -600i64..600) {
        let (estate, registry, units) = population();
        let mut s = collecting(&estate);
        let opened: DateTime<Utc> = "2026-12-01T02:00:00Z".parse().unwrap();
        let before = s.clone();
        let r = Response {
            unit_id: units[unit].clone(),
            person_id: format!("O-{}", units[unit]),
            at: opened + Duration::minutes(minutes),
            answers: QUESTIONS
                .iter()
                .map(|q| Answer { question: (*q).into(), value: AnswerValue::Score(score) })
                .collect(),
        };
        match s.respond(&registry, r) {
            Ok(recorded) => {
                prop_assert!(recorded);
                prop_assert!((1..=5).contains(&score) && minutes >= 0);
            }
            Err(e) => {
                prop_assert_eq!(&s, &before);
                let want = if minutes < 0 { ("event_out_of_order", "at") } else { ("out_of_range", "answers[0].value") };
                prop_assert_eq!((e.code(), e.path()), want);
            }
        }
    }
}
