//! A survey loaded from arbitrary JSON, or the example survey driven by a fuzzed
//! sequence of responses (any unit, person, time and answers) and a close. A document
//! that loads re-serializes to a document that loads to the same survey; every failed
//! operation leaves the survey unchanged; every state reached round-trips; the results
//! count each unit once, never more than the population, with rates in [0, 1].
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Duration, Utc};
use estatekit::registry::Registry;
use estatekit::surveys::{Answer, AnswerValue, Response, Survey, SurveyResults};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const MAX_STEPS: usize = 48;
const UNITS: [&str; 7] = [
    "1-101", "1-201", "1-202", "1-203", "1-301", "1-603", "9-999",
];
const QUESTIONS: [&str; 6] = [
    "cleaning", "security", "repairs", "service", "improve", "nope",
];
const OPTIONS: [&str; 4] = ["more_lights", "more_parking", "playground", "spa"];

fn rate_ok(r: Option<Decimal>) {
    if let Some(r) = r {
        assert!(
            r >= Decimal::ZERO && r <= Decimal::ONE,
            "rate {r} outside [0, 1]"
        );
    }
}

fn results_ok(s: &Survey, r: &SurveyResults) {
    assert_eq!(r.distributed, s.population().len());
    assert_eq!(r.valid, s.responses().len());
    assert!(r.valid <= r.distributed, "more responses than units");
    assert!(r.satisfied <= r.scale_answers);
    rate_ok(r.response_rate);
    rate_ok(r.survey_satisfaction);
    for b in r
        .by_dimension
        .iter()
        .chain(&r.by_building)
        .chain(&r.by_department)
    {
        assert!(b.satisfied <= b.answers);
        rate_ok(b.satisfaction);
    }
    let by_dim: usize = r.by_dimension.iter().map(|b| b.answers).sum();
    assert_eq!(by_dim, r.scale_answers, "dimensions do not add up");
    let by_building: usize = r.by_building.iter().map(|b| b.answers).sum();
    assert_eq!(by_building, r.scale_answers, "buildings do not add up");
}

fn checked(s: &Survey, previous: &SurveyResults) {
    let json = s.to_json();
    let back = Survey::from_json(&json).expect("own JSON loads");
    assert_eq!(&back, s);
    assert_eq!(back.to_json(), json, "JSON not stable");
    let mut units: Vec<&str> = s.responses().iter().map(|r| r.unit_id.as_str()).collect();
    units.sort_unstable();
    units.dedup();
    assert_eq!(units.len(), s.responses().len(), "a unit answered twice");
    if let Ok(r) = s.results(Some(previous)) {
        results_ok(s, &r);
    }
}

fn response(u: &mut Unstructured<'_>, t: DateTime<Utc>) -> arbitrary::Result<Response> {
    let unit = *u.choose(&UNITS)?;
    let person = if u.ratio(1u8, 8)? {
        "P-101".to_owned()
    } else {
        format!("P-{}", &unit[2..])
    };
    let mut answers = Vec::new();
    for _ in 0..u.int_in_range(0u8..=6)? {
        let question = (*u.choose(&QUESTIONS)?).to_owned();
        let value = match u.int_in_range(0u8..=5)? {
            0 => AnswerValue::Text(String::arbitrary(u)?),
            1 => AnswerValue::Choices(
                (0..u.int_in_range(0u8..=3)?)
                    .map(|_| u.choose(&OPTIONS).map(|o| (*o).to_owned()))
                    .collect::<arbitrary::Result<_>>()?,
            ),
            _ => AnswerValue::Score(u.int_in_range(0u8..=6)?),
        };
        answers.push(Answer { question, value });
    }
    Ok(Response {
        unit_id: unit.into(),
        person_id: person,
        at: t,
        answers,
    })
}

fn step(
    s: &mut Survey,
    registry: &Registry,
    previous: &SurveyResults,
    t: &mut DateTime<Utc>,
    u: &mut Unstructured<'_>,
) -> arbitrary::Result<()> {
    *t = match u.int_in_range(0u8..=5)? {
        0 => *t - Duration::hours(i64::from(u.int_in_range(1u16..=2000)?)),
        _ => *t + Duration::minutes(i64::from(u.int_in_range(0u32..=40_000)?)),
    };
    let before = s.clone();
    let r = match u.int_in_range(0u8..=9)? {
        0 => s.close(*t),
        1 => {
            // A response already recorded, sent again: a retry changes nothing.
            if let Some(again) = s.responses().first().cloned() {
                assert_eq!(s.respond(registry, again), Ok(false));
                assert_eq!(&before, s, "a retried response changed the survey");
            }
            Ok(())
        }
        _ => s.respond(registry, response(u, *t)?).map(|_| ()),
    };
    match r {
        Ok(()) => checked(s, previous),
        Err(e) => {
            assert!(!e.path().is_empty(), "error without a path: {e}");
            assert_eq!(&before, s, "a failed operation ({e}) changed the survey");
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let Ok((mut s, previous)) = Survey::example() else {
        panic!("the example builds");
    };
    if data.first() == Some(&b'{') {
        let text = estatekit_fuzz::text(data);
        match Survey::from_json(&text) {
            Ok(loaded) => checked(&loaded, &previous),
            Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
        }
        return;
    }
    let Ok((_, registry)) = Survey::example_registry() else {
        panic!("the example registry builds");
    };
    let mut u = Unstructured::new(data);
    let mut t: DateTime<Utc> = "2026-12-06T02:00:00Z".parse().expect("a literal time");
    for _ in 0..MAX_STEPS {
        if u.is_empty() || step(&mut s, &registry, &previous, &mut t, &mut u).is_err() {
            break;
        }
    }
    checked(&s, &previous);
});
