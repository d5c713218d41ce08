//! Ticket rule JSON: typed error with a path, or rules that round-trip and compile
//! into a classifier whose results are well-formed for a handful of texts.
#![no_main]
use estatekit::tickets::{RuleSet, TicketClassifier};
use estatekit_fuzz::{assert_round_trip, text};
use libfuzzer_sys::fuzz_target;

const TEXTS: [&str; 5] = [
    "厨房水管爆裂，水漫到客厅了，快来人！",
    "Loud music from the bar downstairs every night!!!",
    "",
    "停电了 no power 电梯 elevator stuck",
    "ａｂｃ ÄÖÜ ﷽ 🏠🔥 \u{0}\u{202e}",
];

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    // Alone, then on top of the built-in rules (as an estate's own file is used).
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
    // On top of the built-in rules for one input in eight: compiling those is slow.
    let mut sets = vec![rules.clone()];
    if data.len() % 8 == 0 {
        sets.push(RuleSet::builtin().merge(rules));
    }
    for set in sets {
        let Ok(clf) = TicketClassifier::with_rules(set) else {
            continue;
        };
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
        let again = TicketClassifier::from_json(&clf.to_json()).expect("own JSON re-reads");
        assert_eq!(again.classify_batch(&TEXTS), batch);
    }
});
