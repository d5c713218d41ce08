//! The built-in rule sets and the classifier on the labelled set.
#![allow(clippy::unwrap_used)]

mod common;

use common::dev_data;
use estatekit::tickets::{RuleSet, TicketClassifier};

#[test]
fn builtin_rule_sets_parse() {
    for (name, text) in [
        ("zh", include_str!("../data/ticket_rules_zh.json")),
        ("en", include_str!("../data/ticket_rules_en.json")),
    ] {
        let r = RuleSet::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(r.language, name);
        assert_eq!(r.categories.len(), 16);
    }
    let clf = TicketClassifier::default_rules();
    assert_eq!(clf.rules().categories.len(), 17);
}

#[derive(serde::Deserialize)]
struct Labelled {
    text: String,
    lang: String,
    category: String,
    kind: String,
    urgency: String,
    temperament: String,
}

fn labelled() -> Vec<Labelled> {
    include_str!("data/tickets_labelled.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Per-field accuracy and per-category precision/recall of the built-in rules on the
/// labelled set (`core/tests/data/tickets_labelled.jsonl`); run with `--nocapture`
/// to see the report.
#[test]
fn labelled_set_accuracy() {
    let data = labelled();
    assert!(data.len() >= 300);
    let clf = TicketClassifier::default_rules();
    let (mut cat, mut kind, mut urg, mut temp) = (0, 0, 0, 0);
    let mut per_cat: std::collections::BTreeMap<String, (u32, u32, u32)> = Default::default(); // tp, fp, fn
    let mut by_lang: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
    for d in &data {
        let c = clf.classify(&d.text);
        let ok = c.category == d.category;
        let e = by_lang.entry(d.lang.clone()).or_default();
        e.1 += 1;
        if ok {
            cat += 1;
            e.0 += 1;
            per_cat.entry(d.category.clone()).or_default().0 += 1;
        } else {
            per_cat.entry(c.category.clone()).or_default().1 += 1;
            per_cat.entry(d.category.clone()).or_default().2 += 1;
            if std::env::var_os("TICKETS_VERBOSE").is_some() {
                eprintln!("category {} -> {}: {}", d.category, c.category, d.text);
            }
        }
        kind += u32::from(c.kind.as_str() == d.kind);
        if c.kind.as_str() != d.kind && std::env::var_os("TICKETS_VERBOSE").is_some() {
            eprintln!("kind {} -> {}: {}", d.kind, c.kind, d.text);
        }
        urg += u32::from(c.urgency.as_str() == d.urgency);
        if c.urgency.as_str() != d.urgency && std::env::var_os("TICKETS_VERBOSE").is_some() {
            eprintln!("urgency {} -> {}: {}", d.urgency, c.urgency, d.text);
        }
        temp += u32::from(c.temperament.as_str() == d.temperament);
        if c.temperament.as_str() != d.temperament && std::env::var_os("TICKETS_VERBOSE").is_some()
        {
            eprintln!(
                "temperament {} -> {}: {}",
                d.temperament, c.temperament, d.text
            );
        }
        // Emergencies are never classified below urgent.
        if d.urgency == "emergency" {
            assert_ne!(
                c.urgency.as_str(),
                "normal",
                "emergency classified normal: {}",
                d.text
            );
        }
    }
    let n = data.len() as f64;
    let acc = |x: u32| f64::from(x) / n;
    println!("labelled set: {} texts", data.len());
    println!(
        "accuracy: category {:.3}, kind {:.3}, urgency {:.3}, temperament {:.3}",
        acc(cat),
        acc(kind),
        acc(urg),
        acc(temp)
    );
    for (lang, (ok, total)) in &by_lang {
        println!(
            "  category accuracy [{lang}]: {:.3} ({ok}/{total})",
            f64::from(*ok) / f64::from(*total)
        );
    }
    println!("{:<18} {:>9} {:>7}", "category", "precision", "recall");
    for (c, (tp, fp, fnn)) in &per_cat {
        let p = f64::from(*tp) / f64::from((tp + fp).max(1));
        let r = f64::from(*tp) / f64::from((tp + fnn).max(1));
        println!("{c:<18} {p:>9.3} {r:>7.3}");
        assert!(p >= 0.9 && r >= 0.9, "{c}: precision {p:.3}, recall {r:.3}");
    }
    // Floors we meet (the rules were developed against this set: it is a regression
    // guard, not an unbiased estimate).
    assert!(acc(cat) >= 0.97, "category accuracy {:.3}", acc(cat));
    assert!(acc(kind) >= 0.94, "kind accuracy {:.3}", acc(kind));
    assert!(acc(urg) >= 0.97, "urgency accuracy {:.3}", acc(urg));
    assert!(acc(temp) >= 0.97, "temperament accuracy {:.3}", acc(temp));
    assert_eq!(per_cat.len(), 17, "every category is in the set");
}

/// A held-out check of the English rules (not tuned on it): NYC 311 descriptors of
/// housing-related complaint types, mapped to the DOMAIN categories. Descriptors are
/// terse ("No Access", "CEILING"), so this is a floor, not a showcase. Skipped when the
/// development data is missing.
#[test]
fn nyc311_descriptors_held_out() {
    let Some(rows) = dev_data("en_nyc311_types.csv") else {
        return;
    };
    let map = [
        ("HEATING", "repair.plumbing"),
        ("PLUMBING", "repair.plumbing"),
        ("Water System", "repair.plumbing"),
        ("Sewer", "repair.plumbing"),
        ("Boilers", "repair.plumbing"),
        ("ELECTRIC", "repair.electrical"),
        ("Street Light Condition", "repair.electrical"),
        ("Elevator", "repair.elevator"),
        ("PAINT - PLASTER", "house_quality"),
        ("Blocked Driveway", "parking"),
        ("Illegal Parking", "parking"),
        ("Derelict Vehicle", "parking"),
        ("Derelict Vehicles", "parking"),
        ("Noise", "noise"),
        ("Noise - Commercial", "noise"),
        ("Noise - Street/Sidewalk", "noise"),
        ("Noise - Vehicle", "noise"),
        ("Dirty Conditions", "cleaning"),
        ("Sanitation Condition", "cleaning"),
        ("Rodent", "cleaning"),
        ("Missed Collection (All Materials)", "cleaning"),
        ("Damaged Tree", "greening"),
    ];
    let clf = TicketClassifier::default_rules();
    let (mut ok, mut total) = (0u32, 0u32);
    // id,agency,complaint_type,descriptor
    for row in &rows {
        let [_, _, kind, desc, ..] = &row[..] else {
            continue;
        };
        let Some((_, cat)) = map.iter().find(|(k, _)| k == kind) else {
            continue;
        };
        total += 1;
        ok += u32::from(clf.classify(desc).category == *cat);
    }
    let acc = f64::from(ok) / f64::from(total.max(1));
    println!("nyc311 descriptors (held out): {ok}/{total} = {acc:.3}");
    assert!(total > 1800);
    assert!(acc >= 0.80, "accuracy {acc}");
}

/// `classify_batch` scans texts in groups; its results are exactly those of `classify`
/// on each text, for any batch length (odd, even, one) and texts of any length.
#[test]
fn classify_batch_equals_classify() {
    let mut texts: Vec<String> = labelled().into_iter().map(|d| d.text).collect();
    texts.extend(
        [
            "",
            "!",
            "漏水",
            "Fire!!",
            "气死了！！！",
            "a",
            "no hot water?? again!!",
        ]
        .map(String::from),
    );
    let clf = TicketClassifier::default_rules();
    let one: Vec<_> = texts.iter().map(|t| clf.classify(t)).collect();
    for n in [0, 1, 2, 3, texts.len() - 1, texts.len()] {
        assert_eq!(clf.classify_batch(&texts[..n]), one[..n], "{n} texts");
    }
    // Short texts next to long ones.
    let mixed: Vec<&str> = texts.iter().rev().map(String::as_str).collect();
    let want: Vec<_> = one.iter().rev().cloned().collect();
    assert_eq!(clf.classify_batch(&mixed), want);
}

/// The real messages labelled by hand with the ticket taxonomy
/// (`../shared/data/zh_dev_labelled.csv`, not in the repository; skipped when missing):
/// category and kind accuracy on the messages relevant to a compound, and the recall
/// of urgency (a message labelled urgent or emergency must not come out normal) on
/// every message. A regression guard at the level measured when the rules changed,
/// not a tuning target (the rules were not written from these rows).
#[test]
fn zh_dev_messages() {
    let Some(rows) = dev_data("zh_dev_labelled.csv") else {
        return;
    };
    let clf = TicketClassifier::default_rules();
    let (mut n, mut cat, mut kind, mut urgent, mut urgent_found) = (0u32, 0u32, 0u32, 0u32, 0u32);
    let mut kinds: std::collections::BTreeMap<String, u32> = Default::default();
    // Nothing on the board is an emergency (LABELLING.md): each one found is a false alarm.
    let (mut emergencies, mut relevant_emergencies) = (0u32, 0u32);
    // id,title,text,gov_label,relevant,category,kind,urgency
    for row in rows {
        let [_, title, body, _, relevant, category, k, urgency] = &row[..] else {
            continue;
        };
        let c = clf.classify(&format!("{title}。{body}"));
        emergencies += u32::from(c.urgency.as_str() == "emergency");
        if urgency != "normal" {
            urgent += 1;
            urgent_found += u32::from(c.urgency.as_str() != "normal");
        }
        if relevant != "yes" {
            continue;
        }
        n += 1;
        relevant_emergencies += u32::from(c.urgency.as_str() == "emergency");
        cat += u32::from(c.category == *category);
        kind += u32::from(c.kind.as_str() == k);
        *kinds.entry(c.kind.as_str().to_owned()).or_default() += 1;
        if std::env::var_os("TICKETS_VERBOSE").is_some() {
            eprintln!(
                "{category}/{k}/{urgency} -> {}/{}/{}: {title}",
                c.category, c.kind, c.urgency
            );
        }
    }
    println!(
        "zh dev (relevant {n}): category {cat}/{n}, kind {kind}/{n} {kinds:?}; urgent recall {urgent_found}/{urgent}; false emergencies {emergencies} ({relevant_emergencies} relevant)"
    );
    // Floors at the level measured (19/32, 27/32, 12/12 before and after issue 18).
    assert!(n >= 30 && urgent >= 10);
    assert!(cat >= 19 && kind >= 27, "category {cat}, kind {kind}");
    assert_eq!(urgent_found, urgent);
}
