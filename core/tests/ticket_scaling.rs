//! Scaling of the ticket bulk entry points, checked by counting operations (never by
//! timing): ten times the input must cost at most about ten times the work. Also the
//! equivalence of the fast paths with the plain definitions they replaced.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use estatekit::tickets::ops::{self, Op};
use estatekit::tickets::{Channel, SlaPolicy, Ticket, TicketFlow, TicketKind, Urgency, statistics};
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    "2026-11-01T00:00:00Z".parse().unwrap()
}

fn flow(id: &str, unit: &str, at: DateTime<Utc>, category: &str) -> TicketFlow {
    let ticket = Ticket::new(
        id,
        unit,
        Channel::Hotline,
        at,
        "业主",
        "text",
        TicketKind::Complaint,
    );
    TicketFlow::new(ticket, category, Urgency::Normal, "engineering", "前台")
}

/// The definition of a repeat, pair by pair (the implementation before it was made
/// n log n): a flow received in the period whose unit is not empty, with an earlier
/// flow (any given, `(received_at, id)` order) of the same unit and category received
/// at most 30 days before; in (received_at, id) order.
fn repeats_pairwise(flows: &[TicketFlow], start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<String> {
    let mut in_period: Vec<&TicketFlow> = flows
        .iter()
        .filter(|f| f.ticket().received_at >= start && f.ticket().received_at < end)
        .collect();
    in_period.sort_by(|a, b| {
        (a.ticket().received_at, &a.ticket().id).cmp(&(b.ticket().received_at, &b.ticket().id))
    });
    in_period
        .iter()
        .filter(|f| {
            let t = f.ticket();
            !t.unit.is_empty()
                && flows.iter().any(|g| {
                    let u = g.ticket();
                    u.unit == t.unit
                        && g.category() == f.category()
                        && (u.received_at, &u.id) < (t.received_at, &t.id)
                        && t.received_at - u.received_at <= Duration::days(30)
                })
        })
        .map(|f| f.ticket().id.clone())
        .collect()
}

/// `n` flows over 3 units (one empty), 2 categories and ~200 days, ids reused, times
/// often equal: many groups, ties and window edges.
fn random_flows(spec: &[(u8, u8, u16, u8)]) -> Vec<TicketFlow> {
    spec.iter()
        .map(|&(unit, cat, minutes, id)| {
            // Times on a coarse grid (hours × 12) so that equal times and the exact
            // 30-day edge occur.
            let at = t0() + Duration::hours(12 * i64::from(minutes % 400));
            let unit = ["", "1-101", "1-102"][usize::from(unit % 3)];
            let cat = ["noise", "repair.plumbing"][usize::from(cat % 2)];
            flow(&format!("T{}", id % 40), unit, at, cat)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn repeats_match_the_pairwise_definition(
        spec in proptest::collection::vec((0u8..3, 0u8..2, 0u16..400, 0u8..40), 0..60),
        from in 0i64..200,
        days in 1i64..200,
    ) {
        let flows = random_flows(&spec);
        let start = t0() + Duration::days(from);
        let end = start + Duration::days(days);
        let s = statistics(&flows, start, end, 10, &SlaPolicy::default()).unwrap();
        prop_assert_eq!(s.repeat_tickets, repeats_pairwise(&flows, start, end));
    }
}

#[test]
fn repeats_at_the_window_edge_and_on_ties() {
    let day = Duration::days(1);
    let flows = [
        flow("B", "1-101", t0(), "noise"),
        flow("A", "1-101", t0(), "noise"), // same instant, smaller id: A is earlier
        flow("A", "1-101", t0(), "noise"), // identical (time, id): not earlier than A
        flow("C", "1-101", t0() + day * 30, "noise"), // exactly 30 days after A and B
        flow("D", "1-101", t0() + day * 61, "noise"), // 31 days after C
        flow("E", "1-102", t0() + day * 61, "noise"), // other unit
        flow("F", "", t0() + day * 61, "noise"), // no unit: never a repeat
        flow("G", "", t0() + day * 62, "noise"),
        flow("H", "1-101", t0() + day * 62, "cleaning"), // other category
    ];
    let s = statistics(&flows, t0(), t0() + day * 90, 10, &SlaPolicy::default()).unwrap();
    assert_eq!(s.repeat_tickets, ["B", "C"]);
    assert_eq!(
        s.repeat_tickets,
        repeats_pairwise(&flows, t0(), t0() + day * 90)
    );
}

/// `n` flows: 50 units, 5 categories, one every 10 minutes.
fn bulk_flows(n: usize) -> Vec<TicketFlow> {
    let cats = ["noise", "repair.plumbing", "cleaning", "parking", "fees"];
    (0..n)
        .map(|i| {
            let at = t0() + Duration::minutes(10 * i as i64);
            flow(
                &format!("T{i:06}"),
                &format!("1-{:03}", i % 50),
                at,
                cats[i / 50 % 5],
            )
        })
        .collect()
}

fn statistics_ops(n: usize) -> (u64, u64, usize) {
    let flows = bulk_flows(n);
    let end = t0() + Duration::days(3650);
    ops::reset();
    let s = statistics(&flows, t0(), end, 50, &SlaPolicy::default()).unwrap();
    (
        ops::get(Op::RepeatChecks),
        ops::get(Op::RepeatSortCompares),
        s.repeat_tickets.len(),
    )
}

#[test]
fn statistics_repeat_detection_is_n_log_n() {
    let (checks_n, sort_n, repeats_n) = statistics_ops(4_000);
    let (checks_10n, sort_10n, repeats_10n) = statistics_ops(40_000);
    // Every flow of a (unit, category) group but the first is a repeat: each group
    // gets a flow every 250 × 10 minutes.
    assert_eq!((repeats_n, repeats_10n), (4_000 - 250, 40_000 - 250));
    // One check per flow (the pairwise definition made 16 million and 1.6 billion).
    assert_eq!((checks_n, checks_10n), (4_000, 40_000));
    // A comparison sort: within 1.25 n ⌈log2 n⌉ comparisons.
    assert!(sort_n * 4 <= 5 * 4_000 * 12, "{sort_n}");
    assert!(sort_10n * 4 <= 5 * 40_000 * 16, "{sort_10n}");
    assert!(
        checks_10n + sort_10n <= 14 * (checks_n + sort_n),
        "{checks_n} {sort_n} {checks_10n} {sort_10n}"
    );
}

/// Custom phrases `哈`, `哈哈`, … (`depth` of them, weight 1) and `a`, `aa`, … (weight
/// -1: word-start phrases), classifying `哈` × n then `a` × n.
fn nested_classify(depth: usize, n: usize) -> (u64, estatekit::tickets::Classification) {
    use estatekit::tickets::{CategoryRule, RuleSet, TicketClassifier};
    let mut phrases = estatekit::tickets::Phrases::new();
    for k in 1..=depth {
        phrases.insert("哈".repeat(k), 1.0);
        phrases.insert("a".repeat(k), -1.0);
    }
    let rules = RuleSet {
        categories: vec![CategoryRule {
            code: "laugh".into(),
            phrases,
        }],
        ..RuleSet::default()
    };
    let clf = TicketClassifier::with_rules(rules).unwrap();
    let text = format!("{} {}", "哈".repeat(n), "a".repeat(n));
    ops::reset();
    let c = clf.classify(&text);
    (ops::get(Op::RuleMatchWork), c)
}

#[test]
fn nested_custom_phrases_classify_in_linear_work() {
    let depth = 50;
    let (small, c) = nested_classify(depth, 100_000);
    let (large, c10) = nested_classify(depth, 1_000_000);
    assert_eq!(
        (c.category.as_str(), c10.category.as_str()),
        ("laugh", "laugh")
    );
    // Evidence: every phrase, first found first; `哈` × k occurs n - k + 1 times,
    // `a` × k once (at the start of the word only).
    let ev: Vec<(&str, f64)> = c
        .evidence
        .iter()
        .map(|e| (e.phrase.as_str(), e.weight))
        .collect();
    assert_eq!(ev.len(), 2 * depth);
    assert_eq!(ev[0], ("哈", 100_000.0));
    assert_eq!(
        ev[depth - 1],
        ("哈".repeat(depth).as_str(), (100_000 - depth + 1) as f64)
    );
    assert_eq!(ev[depth], ("a", -1.0));
    assert_eq!(c10.evidence[0].weight, 1_000_000.0);
    // One unit per match-state visit and per distinct phrase (every occurrence one by
    // one was 50 per character: 5 million and 50 million).
    assert!(small <= 2 * 100_000 + 4 * depth as u64, "{small}");
    assert!(large <= 11 * small, "{small} {large}");
}

mod model {
    use super::{Op, ops};
    use estatekit::tickets::{MAX_CLASSES, TicketError, TicketModel, TrainOptions};

    /// `n` texts of 8 words: 5 from their label's own 40, 3 from 400 shared ones.
    fn training_set(n: usize, classes: usize) -> (Vec<String>, Vec<String>) {
        let mut x: u64 = 7;
        let mut next = |m: usize| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((x >> 33) % m as u64) as usize
        };
        let mut texts = Vec::new();
        let mut labels = Vec::new();
        for _ in 0..n {
            let label = next(classes);
            let mut words: Vec<String> = (0..5).map(|_| format!("w{label}x{}", next(40))).collect();
            words.extend((0..3).map(|_| format!("c{}", next(400))));
            texts.push(words.join(" "));
            labels.push(format!("L{label}"));
        }
        (texts, labels)
    }

    #[test]
    fn one_label_per_text_is_refused_before_any_work() {
        let texts: Vec<String> = (0..5_000).map(|i| format!("ticket number {i}")).collect();
        ops::reset();
        let err = TicketModel::train(&texts, &texts, 0, &TrainOptions::default()).unwrap_err();
        assert_eq!(
            err,
            TicketError::TooManyClasses {
                classes: 5_000,
                max: 1_000
            }
        );
        assert_eq!(
            (err.code(), err.path().as_str()),
            ("too_many_classes", "labels")
        );
        assert_eq!(
            err.to_string(),
            "labels: 5000 distinct labels; a model is trained with at most 1000 classes"
        );
        assert_eq!(ops::get(Op::TrainWork), 0);
        // One over the limit (the limit itself trains: 1,000 one-vs-rest problems).
        let err = TicketModel::train(
            &texts[..=MAX_CLASSES],
            &texts[..=MAX_CLASSES],
            0,
            &TrainOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            TicketError::TooManyClasses {
                classes: 1_001,
                max: 1_000
            }
        );
    }

    fn train_work(n: usize) -> u64 {
        let (texts, labels) = training_set(n, 17);
        ops::reset();
        let m = TicketModel::train(&texts, &labels, 0, &TrainOptions::default()).unwrap();
        assert_eq!(m.labels().len(), 17);
        assert_eq!(m.predict(&texts[0]), labels[0]);
        ops::get(Op::TrainWork)
    }

    #[test]
    fn training_with_a_fixed_label_set_is_linear_in_the_texts() {
        let small = train_work(1_000);
        let large = train_work(10_000);
        assert!(large <= 12 * small, "{small} {large}");
    }

    #[test]
    fn the_model_is_the_same_whatever_the_thread_count() {
        let (texts, labels) = training_set(2_000, 17);
        let train = |threads: u32| {
            let o = TrainOptions {
                threads,
                ..TrainOptions::default()
            };
            TicketModel::train(&texts, &labels, 5, &o)
                .unwrap()
                .to_json()
        };
        let one = train(1);
        assert_eq!(train(1), one);
        assert_eq!(train(2), one);
        assert_eq!(train(3), one);
        assert_eq!(train(64), one);
        let mut o = TrainOptions::default();
        let err = o.set("threads", 0.0).unwrap_err();
        assert_eq!(
            (err.code(), err.path().as_str()),
            ("invalid_option", "threads")
        );
        assert_eq!(o.set("threads", 257.0).unwrap_err().path(), "threads");
    }

    #[test]
    fn a_trained_model_is_its_saved_form() {
        let (texts, labels) = training_set(500, 17);
        let m = TicketModel::train(&texts, &labels, 3, &TrainOptions::default()).unwrap();
        let back = TicketModel::from_json(&m.to_json()).unwrap();
        assert_eq!(back.to_json(), m.to_json());
        for t in &texts[..50] {
            assert_eq!(back.decision(t), m.decision(t));
        }
    }
}

#[test]
fn many_categories_validate_and_merge_by_code() {
    use estatekit::tickets::{CategoryRule, RuleSet};
    let cats = |n: usize, from: usize| -> Vec<CategoryRule> {
        (from..from + n)
            .map(|i| CategoryRule {
                code: format!("c{i}"),
                phrases: Default::default(),
            })
            .collect()
    };
    let mut a = RuleSet {
        categories: cats(50_000, 0),
        ..RuleSet::default()
    };
    let b = RuleSet {
        categories: cats(50_000, 25_000),
        ..RuleSet::default()
    };
    let merged = a.clone().merge(b);
    assert_eq!(merged.categories.len(), 75_000);
    assert_eq!(merged.categories[74_999].code, "c74999");
    assert!(merged.validate().is_ok());
    // The first repeated code is the one reported.
    a.categories.push(CategoryRule {
        code: "c7".into(),
        phrases: Default::default(),
    });
    a.categories.push(CategoryRule {
        code: "c3".into(),
        phrases: Default::default(),
    });
    let err = a.validate().unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("invalid_rules", "categories[50000].code")
    );
    assert_eq!(
        err.to_string(),
        "rules: categories[50000].code: category \"c7\" is listed twice"
    );
}
