//! The trained category model: typed errors, determinism, JSON round trip, and
#![allow(clippy::unwrap_used)]
//! cross-validated accuracy on the development data (skipped when it is missing).

mod common;

use common::dev_data;
use estatekit::tickets::{TicketClassifier, TicketError, TicketModel, TrainOptions};
use proptest::prelude::*;

/// Stratified k-fold split: fold of each row (by label, in order of appearance).
fn folds(labels: &[String], k: usize) -> Vec<usize> {
    let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
    labels
        .iter()
        .map(|l| {
            let n = seen.entry(l.as_str()).or_default();
            *n += 1;
            (*n - 1) % k
        })
        .collect()
}

#[test]
fn zh_gov_messages_cross_validation() {
    let Some(rows) = dev_data("zh_gov_messages_labelled.csv") else {
        return;
    };
    let texts: Vec<String> = rows.iter().map(|r| format!("{} {}", r[1], r[2])).collect();
    let labels: Vec<String> = rows.iter().map(|r| r[3].clone()).collect();
    assert_eq!(texts.len(), 477);
    let fold = folds(&labels, 5);
    let mut correct = 0;
    for f in 0..5 {
        let (mut tx, mut ty, mut vx, mut vy) = (vec![], vec![], vec![], vec![]);
        for i in 0..texts.len() {
            if fold[i] == f {
                vx.push(texts[i].as_str());
                vy.push(labels[i].as_str());
            } else {
                tx.push(texts[i].as_str());
                ty.push(labels[i].as_str());
            }
        }
        let m = TicketModel::train(&tx, &ty, 0, &TrainOptions::default()).unwrap();
        correct += m
            .predict_batch(&vx)
            .iter()
            .zip(&vy)
            .filter(|(p, y)| *p == *y)
            .count();
    }
    let acc = correct as f64 / texts.len() as f64;
    println!("zh_gov_messages 5-fold accuracy: {acc:.4}");
    // 386 (0.809) with the options before the automatic hash space (2^20 buckets).
    assert_eq!(correct, 389, "accuracy {acc}");
}

#[test]
fn nyc311_types_from_descriptor() {
    let Some(rows) = dev_data("en_nyc311_types.csv") else {
        return;
    };
    let texts: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    let labels: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    let m = TicketModel::train(&texts, &labels, 0, &TrainOptions::default()).unwrap();
    let train_acc = m
        .predict_batch(&texts)
        .iter()
        .zip(&labels)
        .filter(|(p, y)| *p == *y)
        .count() as f64
        / texts.len() as f64;
    println!("nyc311 training accuracy (descriptor -> complaint_type): {train_acc:.4}");
    // 2,361 of the 2,386 descriptors.
    assert_eq!((train_acc * texts.len() as f64).round() as usize, 2361);
}

#[test]
fn training_errors_are_typed() {
    let o = TrainOptions::default();
    assert_eq!(
        TicketModel::train::<&str, &str>(&[], &[], 0, &o).unwrap_err(),
        TicketError::EmptyTrainingSet
    );
    assert_eq!(
        TicketModel::train(&["a", "b"], &["x"], 0, &o).unwrap_err(),
        TicketError::LengthMismatch {
            texts: 2,
            labels: 1
        }
    );
    assert_eq!(
        TicketModel::train(&["a", "b"], &["x", "x"], 0, &o).unwrap_err(),
        TicketError::SingleClass { label: "x".into() }
    );
    let bad = TrainOptions {
        c: -1.0,
        ..TrainOptions::default()
    };
    let e = TicketModel::train(&["a", "b"], &["x", "y"], 0, &bad).unwrap_err();
    assert_eq!((e.code(), e.path().as_str()), ("invalid_option", "c"));
    assert_eq!(e.to_string(), "c: must be > 0 (or 0: automatic), got -1");
}

/// The automatic C and `min_df` of a large training set (10,000 texts or more) are
/// 0.5 and 2; below, C is 1.0 and `min_df` follows the share of features seen once.
#[test]
fn a_large_training_set_trains_with_c_half_and_min_df_two() {
    let mut state = 0x9e37_79b9_u64;
    let mut word = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        format!("w{}", (state >> 40) % 5000)
    };
    let texts: Vec<String> = (0..10_000)
        .map(|_| (0..3).map(|_| word()).collect::<Vec<_>>().join(" "))
        .collect();
    let labels: Vec<String> = (0..10_000).map(|i| format!("c{}", i % 3)).collect();
    let with = |c: f64, min_df: u32| TrainOptions {
        c,
        min_df,
        ..TrainOptions::default()
    };
    let json = |n: usize, o: &TrainOptions| {
        TicketModel::train(&texts[..n], &labels[..n], 0, o)
            .unwrap()
            .to_json()
    };
    let auto = TrainOptions::default();
    assert_eq!((auto.c, auto.min_df, auto.buckets_bits), (0.0, 0, 0));
    assert_eq!(json(10_000, &auto), json(10_000, &with(0.5, 2)));
    assert_ne!(json(10_000, &auto), json(10_000, &with(1.0, 2)));
    assert_ne!(json(10_000, &auto), json(10_000, &with(0.5, 1)));
    assert_eq!(json(9_999, &auto), json(9_999, &with(1.0, 0)));
    assert_ne!(json(9_999, &auto), json(9_999, &with(0.5, 0)));
}

#[test]
fn malformed_model_json_names_the_field() {
    let m = TicketModel::train(
        &["水管漏水", "电梯坏了"],
        &["w", "e"],
        0,
        &TrainOptions::default(),
    )
    .unwrap();
    let json = m.to_json();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["weights"][1] = serde_json::json!([1, 2]);
    let e = TicketModel::from_json(&v.to_string()).unwrap_err();
    assert_eq!(
        (e.code(), e.path().as_str()),
        ("invalid_model", "weights[1]")
    );
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["labels"] = serde_json::json!(["b", "a"]);
    assert_eq!(
        TicketModel::from_json(&v.to_string()).unwrap_err().path(),
        "labels[1]"
    );
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["df"][0] = serde_json::json!("x");
    assert_eq!(
        TicketModel::from_json(&v.to_string()).unwrap_err().path(),
        "df[0]"
    );
    assert_eq!(TicketModel::from_json("").unwrap_err().path(), "$");
}

#[test]
fn same_seed_same_model() {
    let texts = [
        "no heat",
        "heating broken",
        "loud party",
        "music too loud",
        "leak under sink",
        "pipe leaking",
    ];
    let labels = ["heat", "heat", "noise", "noise", "leak", "leak"];
    let a = TicketModel::train(&texts, &labels, 42, &TrainOptions::default()).unwrap();
    let b = TicketModel::train(&texts, &labels, 42, &TrainOptions::default()).unwrap();
    assert_eq!(a.to_json(), b.to_json());
    let clf = TicketClassifier::default_rules().with_model(a);
    let c = clf.classify("the party music is loud");
    assert_eq!(c.category, "noise");
    assert_eq!(c.department, "customer_service"); // not a routing-table category
    assert!(
        c.evidence
            .iter()
            .any(|e| e.label == "noise" && !e.phrase.is_empty())
    );
    let back = TicketClassifier::from_json(&clf.to_json()).unwrap();
    assert_eq!(
        back.classify("pipe is leaking again"),
        clf.classify("pipe is leaking again")
    );
}

/// Batch prediction (which scores each distinct short text once) equals one call per
/// text, for repeated, short, long, empty and unseen texts.
#[test]
fn predict_batch_equals_predict() {
    let texts = [
        "no heat",
        "heating broken",
        "loud party",
        "music too loud",
        "leak under sink",
        "pipe leaking",
    ];
    let labels = ["heat", "heat", "noise", "noise", "leak", "leak"];
    let m = TicketModel::train(&texts, &labels, 7, &TrainOptions::default()).unwrap();
    let long = "the radiator is cold and the pipe under the sink leaks, ".repeat(8);
    let probe: Vec<&str> = vec![
        "no heat",
        "music",
        "no heat",
        "",
        long.as_str(),
        "漏水",
        "music",
        long.as_str(),
        "LOUD Party!!",
    ];
    let one: Vec<&str> = probe.iter().map(|t| m.predict(t)).collect();
    assert_eq!(m.predict_batch(&probe), one);
    let idx = m.predict_indices(&probe);
    let by_index: Vec<&str> = idx.iter().map(|i| m.labels()[*i].as_str()).collect();
    assert_eq!(by_index, one);
}

/// Models of format version 1 split texts differently: they are refused, not misread.
#[test]
fn older_model_versions_are_refused() {
    let m = TicketModel::train(&["ab", "cd"], &["x", "y"], 0, &TrainOptions::default()).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
    v["version"] = serde_json::json!(1);
    let e = TicketModel::from_json(&v.to_string()).unwrap_err();
    assert_eq!((e.code(), e.path().as_str()), ("invalid_model", "version"));
    assert!(e.to_string().contains("train again"), "{e}");
}

/// Automatic `min_df`: features seen in one text only are kept for short, repetitive
/// texts (there they are the evidence of rare classes) and dropped for long texts full
/// of n-grams of their own.
#[test]
fn automatic_min_df_follows_the_share_of_features_seen_once() {
    let auto = TrainOptions::default();
    let with = |min_df: u32| TrainOptions {
        min_df,
        ..TrainOptions::default()
    };
    // Short: 120 texts, 4 templates repeated, and one text of its own.
    let mut texts: Vec<String> = (0..119)
        .map(|i| ["no heat", "loud music", "leak", "no hot water"][i % 4].to_owned())
        .collect();
    texts.push("branch cracked".to_owned());
    let labels: Vec<String> = (0..120)
        .map(|i| {
            if i == 119 {
                "tree".to_owned()
            } else {
                format!("c{}", i % 4)
            }
        })
        .collect();
    let n = |o: &TrainOptions| {
        TicketModel::train(&texts, &labels, 0, o)
            .unwrap()
            .feature_count()
    };
    assert_eq!(n(&auto), n(&with(1)));
    assert!(n(&with(1)) > n(&with(2)));
    // Long: 120 texts of 30 pseudo-random words each.
    let mut state = 0x2545_f491_u64;
    let mut letter = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        char::from(b'a' + ((state >> 33) % 26) as u8)
    };
    let texts: Vec<String> = (0..120)
        .map(|_| {
            (0..30)
                .map(|_| (0..7).map(|_| letter()).collect::<String>())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let labels: Vec<String> = (0..120).map(|i| format!("c{}", i % 3)).collect();
    let n = |o: &TrainOptions| {
        TicketModel::train(&texts, &labels, 0, o)
            .unwrap()
            .feature_count()
    };
    assert_eq!(n(&auto), n(&with(2)));
    assert!(n(&with(1)) > n(&with(2)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn model_json_round_trip_predicts_the_same(texts in prop::collection::vec("[a-z漏水电梯 ]{1,20}", 2..12), probe in "\\PC{0,40}") {
        let labels: Vec<String> = (0..texts.len()).map(|i| format!("c{}", i % 3)).collect();
        let m = TicketModel::train(&texts, &labels, 1, &TrainOptions::default()).unwrap();
        let back = TicketModel::from_json(&m.to_json()).unwrap();
        prop_assert_eq!(back.to_json(), m.to_json());
        prop_assert_eq!(back.predict(&probe), m.predict(&probe));
    }
}

/// The automatic hash space has 64 buckets or more per distinct n-gram (2^16 to
/// 2^24), and the model is the one trained with that space given explicitly.
#[test]
fn the_automatic_hash_space_follows_the_distinct_n_grams() {
    let texts = ["no heat", "loud music", "leak in bathroom", "no hot water"];
    let labels = ["heat", "noise", "leak", "heat"];
    let bits = |o: &TrainOptions| -> (u64, String) {
        let m = TicketModel::train(&texts, &labels, 0, o).unwrap();
        let json = m.to_json();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        (v["buckets_bits"].as_u64().unwrap(), json)
    };
    let with = |b: u32| TrainOptions {
        buckets_bits: b,
        ..TrainOptions::default()
    };
    // A few dozen n-grams: the smallest automatic space, 2^16.
    let (auto_bits, auto_json) = bits(&TrainOptions::default());
    assert_eq!(auto_bits, 16);
    assert_eq!(auto_json, bits(&with(16)).1);
    assert_ne!(auto_json, bits(&with(24)).1);
    // 2,000 distinct words of 7 letters: some 20,000 n-grams, 64 × that is over 2^20.
    let mut state = 0x51ed_270b_u64;
    let mut letter = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        char::from(b'a' + ((state >> 33) % 26) as u8)
    };
    let many: Vec<String> = (0..2000)
        .map(|_| (0..7).map(|_| letter()).collect())
        .collect();
    let labels: Vec<String> = (0..2000).map(|i| format!("c{}", i % 2)).collect();
    let m = TicketModel::train(&many, &labels, 0, &TrainOptions::default()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
    let b = v["buckets_bits"].as_u64().unwrap();
    assert_eq!(b, 21);
    let explicit = TicketModel::train(&many, &labels, 0, &with(b as u32)).unwrap();
    assert_eq!(m.to_json(), explicit.to_json());
    // 0 is automatic, 1-9 and 25 are refused.
    for bad in [1.0, 9.0, 25.0] {
        let e = TrainOptions::default()
            .set("buckets_bits", bad)
            .unwrap_err();
        assert_eq!(
            (e.code(), e.path().as_str()),
            ("invalid_option", "buckets_bits")
        );
    }
}
