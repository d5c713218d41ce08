//! Classification of arbitrary text (any bytes, any script, any length): never panics,
//! is deterministic, batch equals single, evidence is well-formed, confidence in [0, 1].
#![no_main]
use estatekit::tickets::TicketClassifier;
use estatekit_fuzz::text;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CLF: LazyLock<TicketClassifier> = LazyLock::new(TicketClassifier::default_rules);
static CATEGORIES: LazyLock<Vec<String>> = LazyLock::new(|| {
    CLF.rules()
        .categories
        .iter()
        .map(|c| c.code.clone())
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let c = CLF.classify(&text);
    assert!(
        CATEGORIES.contains(&c.category) || c.category == "other",
        "{}",
        c.category
    );
    assert!(
        c.confidence.is_finite() && (0.0..=1.0).contains(&c.confidence),
        "{c:?}"
    );
    assert_eq!(c.department, CLF.department(&c.category));
    for e in &c.evidence {
        assert!(e.weight.is_finite() && !e.phrase.is_empty(), "{e:?}");
    }
    assert_eq!(CLF.classify(&text), c, "not deterministic");
    let (a, b) = text.split_at(
        text.char_indices()
            .nth(text.chars().count() / 2)
            .map_or(0, |(i, _)| i),
    );
    let batch = CLF.classify_batch(&[text.as_ref(), a, b]);
    assert_eq!(batch[0], c);
    assert_eq!(batch[1], CLF.classify(a));
    assert_eq!(
        CLF.predict_batch(&[text.as_ref()]),
        vec![c.category.clone()]
    );
});
