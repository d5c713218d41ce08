//! A patrol book loaded from arbitrary JSON, or the example book driven by a fuzzed
//! sequence of operations (generating days, visits in any order with any results,
//! closing findings). A document that loads re-serializes to a document that loads to
//! the same book; every failed operation leaves the book unchanged; the same visit
//! again changes nothing; every state reached round-trips; statistics add up.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use estatekit::patrols::{ItemResult, PatrolBook, PatrolStats, Visit};
use estatekit::tickets::TicketClassifier;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const MAX_STEPS: usize = 48;
const CHECKPOINTS: [&str; 4] = ["CP-GATE", "CP-B1-ROOF", "CP-PUMP", "CP-NOPE"];
const ITEMS: [&str; 6] = [
    "门岗在岗",
    "道闸正常",
    "天台门已锁",
    "消防通道畅通",
    "水泵运行正常",
    "x",
];

fn stats_ok(s: &PatrolStats) {
    assert!(s.completed + s.absent <= s.tasks);
    assert!(s.on_time <= s.visits);
    assert!(s.findings_closed <= s.findings);
    for r in [s.completion_rate, s.on_time_rate].into_iter().flatten() {
        assert!(
            r >= Decimal::ZERO && r <= Decimal::ONE,
            "rate {r} outside [0, 1]"
        );
    }
}

fn checked(b: &PatrolBook) {
    let json = b.to_json();
    let back = PatrolBook::from_json(&json).expect("own JSON loads");
    assert_eq!(&back, b);
    assert_eq!(back.to_json(), json, "JSON not stable");
    for t in b.tasks() {
        assert!(
            t.visits.windows(2).all(|w| w[0].at <= w[1].at),
            "visits out of order"
        );
    }
    let as_of: DateTime<Utc> = "2027-01-01T00:00:00Z".parse().expect("a literal time");
    let all = b.statistics(as_of);
    stats_ok(&all);
    assert_eq!(all.findings, b.findings().len());
    let routes = b.statistics_by_route(as_of);
    routes.iter().for_each(stats_ok);
    assert_eq!(routes.iter().map(|s| s.tasks).sum::<usize>(), all.tasks);
    assert_eq!(routes.iter().map(|s| s.visits).sum::<usize>(), all.visits);
    for s in b.statistics_by_person(as_of) {
        stats_ok(&s);
    }
    for t in b.tasks().iter().take(8) {
        b.task_status(&t.id, as_of)
            .expect("a task of the book has a status");
        b.point_timings(&t.id, as_of)
            .expect("a task of the book has timings");
    }
}

fn visit(u: &mut Unstructured<'_>, at: DateTime<Utc>) -> arbitrary::Result<Visit> {
    let results = (0..u.int_in_range(0u8..=3)?)
        .map(|_| {
            Ok(ItemResult {
                item: (*u.choose(&ITEMS)?).into(),
                ok: u.ratio(3u8, 4)?,
            })
        })
        .collect::<arbitrary::Result<_>>()?;
    Ok(Visit {
        checkpoint_id: (*u.choose(&CHECKPOINTS)?).into(),
        at,
        by: (*u.choose(&["刘保安", "王保安", " "])?).into(),
        results,
        note: if bool::arbitrary(u)? {
            Some(String::arbitrary(u)?)
        } else {
            None
        },
    })
}

fn step(
    b: &mut PatrolBook,
    classifier: &TicketClassifier,
    u: &mut Unstructured<'_>,
) -> arbitrary::Result<()> {
    let start: DateTime<Utc> = "2026-11-02T00:00:00Z".parse().expect("a literal time");
    let at = start + Duration::minutes(i64::from(u.int_in_range(0u32..=10 * 24 * 60)?));
    let before = b.clone();
    let r = match u.int_in_range(0u8..=9)? {
        0 => {
            let from = NaiveDate::from_ymd_opt(2026, 11, u.int_in_range(1..=12)?)
                .expect("a day of November");
            let to = from + Duration::days(i64::from(u.int_in_range(0u8..=3)?));
            b.generate(from, to).map(|_| ())
        }
        1 => {
            let f = format!("F{}", u.int_in_range(1u8..=4)?);
            b.close_finding(&f, at)
        }
        2 => {
            // A visit already recorded, sent again: a retry changes nothing.
            let again = b
                .tasks()
                .iter()
                .find_map(|t| t.visits.first().map(|v| (t.id.clone(), v.clone())));
            if let Some((task, v)) = again {
                b.record_visit(&task, v).expect("a retry is accepted");
                assert_eq!(&before, b, "a retried visit changed the book");
            }
            Ok(())
        }
        3 => {
            if let Some(f) = b.findings().first() {
                let (t, _) = b
                    .finding_ticket(&f.id, classifier)
                    .expect("a finding of the book makes a ticket");
                assert_eq!(t.channel.as_str(), "patrol");
            }
            Ok(())
        }
        _ => {
            let n = b.tasks().len();
            let task = if n == 0 || u.ratio(1u8, 16)? {
                "NIGHT/2026-12-01/0".to_owned()
            } else {
                b.tasks()[u.choose_index(n)?].id.clone()
            };
            b.record_visit(&task, visit(u, at)?).map(|_| ())
        }
    };
    match r {
        Ok(()) => checked(b),
        Err(e) => {
            assert!(!e.path().is_empty(), "error without a path: {e}");
            assert_eq!(&before, b, "a failed operation ({e}) changed the book");
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&b'{') {
        let text = estatekit_fuzz::text(data);
        match PatrolBook::from_json(&text) {
            Ok(b) => checked(&b),
            Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
        }
        return;
    }
    let Ok(mut b) = PatrolBook::example() else {
        panic!("the example builds");
    };
    let classifier = TicketClassifier::default_rules();
    let mut u = Unstructured::new(data);
    for _ in 0..MAX_STEPS {
        if u.is_empty() || step(&mut b, &classifier, &mut u).is_err() {
            break;
        }
    }
    checked(&b);
});
