//! The batches that use every core (`late_penalty_batch_threads`,
//! `classify_batch_threads`, `predict_batch_threads`) give what the one-thread batch
//! gives, whatever the thread count: the same values, the same compact
//! representation, the same first error.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use estatekit::fees::calc::{
    PenaltyCap, PenaltyPolicy, late_penalties, late_penalty_batch, late_penalty_batch_threads,
};
use estatekit::money::{RoundingMode, RoundingPolicy};
use estatekit::tickets::{TicketClassifier, TrainOptions};
use rust_decimal::Decimal;

/// The counts every test runs: one thread, a few, more than the machine's cores, and
/// every core (0).
const COUNTS: [u32; 5] = [1, 2, 3, 7, 0];

/// A small deterministic generator (xorshift64*): no dependency, same items every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// 200,000 overdue items: mostly cents, some of other scales (the fast kernel restarts
/// after each), some zero, some so large that their penalty does not fit 32-bit minor
/// units (kept `wide`), a few beyond 64 bits (the exact decimal path).
fn items(n: usize, seed: u64) -> Vec<(Decimal, NaiveDate)> {
    let mut rng = Rng(seed);
    let base = d("2025-01-01");
    (0..n)
        .map(|_| {
            let due = base + chrono::Days::new(rng.below(600));
            let principal = match rng.below(1000) {
                0..=899 => Decimal::new(rng.below(5_000_000) as i64, 2),
                900..=949 => Decimal::new(rng.below(1_000_000) as i64, rng.below(5) as u32),
                950..=969 => Decimal::ZERO,
                970..=994 => Decimal::new(rng.below(1 << 40) as i64 + (1 << 40), 2),
                _ => Decimal::from_i128_with_scale(
                    i128::from(rng.next()) * 1000 + i128::from(rng.below(1000)),
                    3,
                ),
            };
            (principal, due)
        })
        .collect()
}

fn policies() -> Vec<(PenaltyPolicy, RoundingPolicy)> {
    let mut capped = PenaltyPolicy::daily("0.0005".parse().unwrap());
    capped.cap = Some(PenaltyCap::Fraction("0.1".parse().unwrap()));
    capped.grace_days = 10;
    vec![
        (
            PenaltyPolicy::daily("0.0005".parse().unwrap()),
            RoundingPolicy::default(),
        ),
        (
            PenaltyPolicy::daily("0.00033".parse().unwrap()),
            RoundingPolicy::new(3, RoundingMode::HalfEven).unwrap(),
        ),
        (capped, RoundingPolicy::default()),
    ]
}

#[test]
fn penalty_batch_is_the_same_whatever_the_thread_count() {
    let items = items(200_000, 0x9E37_79B9_7F4A_7C15);
    let as_of = d("2026-10-31");
    for (policy, rounding) in policies() {
        let one = late_penalty_batch(&items, as_of, &policy, &rounding).unwrap();
        let values = one.to_vec();
        // Wide values are there (more than 2^31 minor units), and they round-trip.
        let limit = Decimal::new(i64::from(i32::MAX), rounding.scale());
        let wide = values.iter().filter(|v| **v > limit).count();
        assert!(wide > 1000, "only {wide} wide penalties");
        assert_eq!(
            values,
            late_penalties(&items, as_of, &policy, &rounding).unwrap()
        );
        let total = one.total().unwrap();
        for threads in COUNTS {
            let batch =
                late_penalty_batch_threads(&items, as_of, &policy, &rounding, threads).unwrap();
            // The compact representation itself (minor units and wide entries), not
            // only the values.
            assert_eq!(batch, one, "threads = {threads}");
            assert_eq!(
                format!("{batch:?}"),
                format!("{one:?}"),
                "threads = {threads}"
            );
            assert_eq!(batch.total().unwrap(), total);
            assert_eq!(batch.get(199_999), one.get(199_999));
        }
    }
}

#[test]
fn penalty_batch_error_is_the_first_failing_item_in_input_order() {
    let mut items = items(200_000, 42);
    let as_of = d("2026-10-31");
    let (policy, rounding) = (
        PenaltyPolicy::daily("0.0005".parse().unwrap()),
        RoundingPolicy::default(),
    );
    // Two bad items in different chunks (of 2, 3 and 7 threads): the first is reported.
    items[123_457].0 = "-0.01".parse().unwrap();
    items[190_001].0 = "-5".parse().unwrap();
    let one = late_penalty_batch(&items, as_of, &policy, &rounding).unwrap_err();
    assert_eq!(
        (one.code(), one.path().to_string()),
        ("negative", "items[123457].principal".to_string())
    );
    for threads in COUNTS {
        let e = late_penalty_batch_threads(&items, as_of, &policy, &rounding, threads).unwrap_err();
        assert_eq!(
            (e.code(), e.path(), e.to_string()),
            (one.code(), one.path(), one.to_string()),
            "threads = {threads}"
        );
    }
    // A penalty too large for a decimal (the exact path's error; the later negative
    // item is not reached).
    items[123_457].0 = Decimal::MAX;
    let one = late_penalty_batch(&items, as_of, &policy, &rounding).unwrap_err();
    assert_eq!(one.code(), "overflow");
    assert!(one.to_string().contains(&Decimal::MAX.to_string()), "{one}");
    for threads in COUNTS {
        let e = late_penalty_batch_threads(&items, as_of, &policy, &rounding, threads).unwrap_err();
        assert_eq!(
            (e.code(), e.path(), e.to_string()),
            (one.code(), one.path(), one.to_string()),
            "threads = {threads}"
        );
    }
    // A bad policy: refused before any thread starts, as by one thread.
    let bad = PenaltyPolicy::daily("-0.1".parse().unwrap());
    let one = late_penalty_batch(&items, as_of, &bad, &rounding).unwrap_err();
    let e = late_penalty_batch_threads(&items, as_of, &bad, &rounding, 4).unwrap_err();
    assert_eq!((e.code(), e.path()), (one.code(), one.path()));
}

#[test]
fn penalty_batch_small_and_empty() {
    let as_of = d("2026-10-31");
    let p = PenaltyPolicy::daily("0.003".parse().unwrap());
    let r = RoundingPolicy::default();
    let empty = late_penalty_batch_threads(&[], as_of, &p, &r, 0).unwrap();
    assert!(empty.is_empty());
    let items = [
        ("500".parse().unwrap(), d("2026-10-01")),
        ("100".parse().unwrap(), d("2026-10-21")),
    ];
    let b = late_penalty_batch_threads(&items, as_of, &p, &r, 8).unwrap();
    assert_eq!(
        b.to_vec()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["45.00", "3.00"]
    );
}

/// The labelled texts of the repository, repeated (with a varying prefix, so the texts
/// differ) to at least `n`.
fn labelled_texts(n: usize) -> Vec<String> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/tickets_labelled.jsonl"
    ))
    .unwrap();
    let base: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_owned()
        })
        .collect();
    assert!(base.len() > 300);
    (0..n)
        .map(|i| {
            let t = &base[i % base.len()];
            match (i / base.len()) % 3 {
                0 => t.clone(),
                1 => format!("{}号楼 {t}", i % 40),
                _ => format!("{t}!!"),
            }
        })
        .collect()
}

#[test]
fn classify_batch_is_the_same_whatever_the_thread_count() {
    let texts = labelled_texts(6_000);
    let clf = TicketClassifier::default_rules();
    let one = clf.classify_batch(&texts);
    assert_eq!(one[0].category, "repair.plumbing");
    for threads in COUNTS {
        assert_eq!(
            clf.classify_batch_threads(&texts, threads),
            one,
            "threads = {threads}"
        );
        assert_eq!(
            clf.predict_batch_threads(&texts, threads),
            one.iter().map(|c| c.category.clone()).collect::<Vec<_>>()
        );
    }
    // Fewer texts than a thread's share, and none.
    assert_eq!(clf.classify_batch_threads(&texts[..5], 4), one[..5]);
    assert!(clf.classify_batch_threads::<&str>(&[], 0).is_empty());
}

#[test]
fn predict_batch_with_a_model_is_the_same_whatever_the_thread_count() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/tickets_labelled.jsonl"
    ))
    .unwrap();
    let (mut train, mut labels) = (Vec::new(), Vec::new());
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        train.push(v["text"].as_str().unwrap().to_owned());
        labels.push(v["category"].as_str().unwrap().to_owned());
    }
    let clf = TicketClassifier::train(&train, &labels, 7, &TrainOptions::default()).unwrap();
    let texts = labelled_texts(5_000);
    let one = clf.predict_batch(&texts);
    let model = clf.model().unwrap();
    assert_eq!(one, model.predict_batch(&texts));
    let classified = clf.classify_batch(&texts);
    for threads in COUNTS {
        assert_eq!(
            clf.predict_batch_threads(&texts, threads),
            one,
            "threads = {threads}"
        );
        assert_eq!(clf.classify_batch_threads(&texts, threads), classified);
    }
}

/// From outside the project: the public messages and NYC 311 descriptors of
/// `../shared/data/` (skipped when missing), classified by the rules, and a model
/// trained on the labelled development set.
#[test]
fn shared_data_batches_are_the_same_whatever_the_thread_count() {
    let (Some(gov), Some(nyc), Some(dev)) = (
        common::dev_data("zh_gov_messages_labelled.csv"),
        common::dev_data("en_nyc311_types.csv"),
        common::dev_data("zh_dev_labelled.csv"),
    ) else {
        return;
    };
    let mut texts: Vec<String> = gov.iter().map(|r| format!("{} {}", r[1], r[2])).collect();
    texts.extend(nyc.iter().map(|r| format!("{} {}", r[2], r[3])));
    assert!(texts.len() > 2_500);
    let clf = TicketClassifier::default_rules();
    let one = clf.classify_batch(&texts);
    for threads in COUNTS {
        assert_eq!(clf.classify_batch_threads(&texts, threads), one);
    }
    let (train, labels): (Vec<String>, Vec<String>) = dev
        .iter()
        .map(|r| (format!("{} {}", r[1], r[2]), r[5].clone()))
        .unzip();
    let model = TicketClassifier::train(&train, &labels, 3, &TrainOptions::default()).unwrap();
    let one = model.predict_batch(&texts);
    for threads in COUNTS {
        assert_eq!(model.predict_batch_threads(&texts, threads), one);
    }
}
