//! Ticket rule JSON: typed error with a path, or rules that round-trip and compile
//! into a classifier whose results are well-formed for a handful of texts, alone and
//! merged on top of built-in rules.
#![no_main]
use estatekit::tickets::{Phrases, RuleSet, TicketClassifier};
use estatekit_fuzz::{assert_round_trip, text};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

const TEXTS: [&str; 5] = [
    "厨房水管爆裂，水漫到客厅了，快来人！",
    "Loud music from the bar downstairs every night!!!",
    "",
    "停电了 no power 电梯 elevator stuck",
    "ａｂｃ ÄÖÜ ﷽ 🏠🔥 \u{0}\u{202e}",
];

/// The built-in rules cut down to two phrases per phrase set (the first and the last
/// in key order: an English and a Chinese one where both exist), with every category,
/// kind, urgency, temperament set and department kept: merging onto it takes the same
/// paths as merging onto the full set (known and new categories, a phrase in both, a
/// department replaced), and it compiles in a fraction of the time of the full set's
/// ~1000 phrases (tens of milliseconds here), which is used one input in 1024.
static BASE: LazyLock<RuleSet> = LazyLock::new(|| {
    fn cut(p: &mut Phrases) {
        let ends: Phrases = p
            .iter()
            .take(1)
            .chain(p.iter().rev().take(1))
            .map(|(k, w)| (k.clone(), *w))
            .collect();
        *p = ends;
    }
    let mut r = RuleSet::builtin();
    for c in &mut r.categories {
        cut(&mut c.phrases);
    }
    r.kinds.values_mut().for_each(cut);
    r.urgency.values_mut().for_each(cut);
    cut(&mut r.temperament.anger);
    cut(&mut r.temperament.comparison);
    cut(&mut r.temperament.explanation);
    r
});

/// FNV-1a: picks the inputs that get the checks run on a share of inputs only, spread
/// over inputs of every length (a length test would let the fuzzer keep choosing the
/// slow path).
fn hash(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Well-formed results, batch equal to single; with `round_trip`, the classifier's
/// own JSON reads back to a classifier with the same results.
fn check(clf: &TicketClassifier, round_trip: bool) {
    let batch = clf.classify_batch(&TEXTS);
    for (t, b) in TEXTS.iter().zip(&batch) {
        let c = clf.classify(t);
        assert_eq!(&c, b, "batch and single classification differ");
        assert!(
            c.confidence.is_finite() && (0.0..=1.0).contains(&c.confidence),
            "{c:?}"
        );
        assert!(!c.category.is_empty() && !c.department.is_empty());
        for e in &c.evidence {
            assert!(e.weight.is_finite(), "{e:?}");
        }
    }
    if round_trip {
        let again = TicketClassifier::from_json(&clf.to_json()).expect("own JSON re-reads");
        assert_eq!(again.classify_batch(&TEXTS), batch);
    }
}

/// What `RuleSet::merge` promises: a valid set, the base's categories first and in
/// order, then the new ones; every phrase and routing entry of `own` with its weight
/// (or department), replacing the base's.
fn check_merge(base: &RuleSet, own: &RuleSet, merged: &RuleSet) {
    if let Err(e) = merged.validate() {
        panic!("merge of two valid sets is invalid: {e}");
    }
    let codes = |r: &RuleSet| {
        r.categories
            .iter()
            .map(|c| c.code.clone())
            .collect::<Vec<_>>()
    };
    let (b, m) = (codes(base), codes(merged));
    assert_eq!(m[..b.len()], b[..], "base categories moved");
    let has = |phrases: &Phrases, own: &Phrases| own.iter().all(|(p, w)| phrases.get(p) == Some(w));
    for c in &own.categories {
        let Some(mc) = merged.categories.iter().find(|x| x.code == c.code) else {
            panic!("category {} lost", c.code);
        };
        assert!(has(&mc.phrases, &c.phrases), "phrases of {} lost", c.code);
    }
    for (k, p) in &own.kinds {
        assert!(merged.kinds.get(k).is_some_and(|m| has(m, p)), "kind {k:?}");
    }
    for (u, p) in &own.urgency {
        assert!(
            merged.urgency.get(u).is_some_and(|m| has(m, p)),
            "urgency {u:?}"
        );
    }
    let (t, o) = (&merged.temperament, &own.temperament);
    assert!(has(&t.anger, &o.anger) && has(&t.comparison, &o.comparison));
    assert!(has(&t.explanation, &o.explanation));
    for (c, d) in &own.departments {
        assert_eq!(merged.departments.get(c), Some(d), "department of {c}");
    }
}

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let rules = match RuleSet::from_json(&text) {
        Err(e) => {
            assert!(!e.path().is_empty(), "error without a path: {e}");
            return;
        }
        Ok(r) => r,
    };
    assert_round_trip!(rules.clone(), RuleSet::to_json, |s: &str| {
        RuleSet::from_json(s)
    });
    // Compiling is most of the time of a valid input (the Aho-Corasick DFA takes
    // milliseconds for a few hundred phrases of fuzzed bytes) and cannot be shared
    // between inputs, so: the set alone on every input; its classifier's JSON round
    // trip (which compiles it again, same code path) one input in 8; merged on top of
    // built-in rules, as an estate's own file is used, checked as a rule set on every
    // input and compiled one input in 8, onto the full built-in set one in 1024.
    let h = hash(data);
    if let Ok(clf) = TicketClassifier::with_rules(rules.clone()) {
        check(&clf, h % 8 == 0);
    }
    let full = (h >> 3) % 1024 == 0;
    let base = if full {
        RuleSet::builtin()
    } else {
        BASE.clone()
    };
    let merged = base.clone().merge(rules.clone());
    check_merge(&base, &rules, &merged);
    if full || (h >> 13) % 8 == 0 {
        if let Ok(clf) = TicketClassifier::with_rules(merged) {
            check(&clf, false);
        }
    }
});
