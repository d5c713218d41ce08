//! The built-in rule sets and the classifier on the labelled set.

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
