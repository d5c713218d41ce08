//! Inputs that used to abort the process: a trained model took ~100 bytes of memory per
//! byte of text (a 40 MB text: 4.1 GB, SIGABRT), and a large rule set made the
//! automaton builder try one 4.2 GB allocation (a DFA). Memory is measured here with a
//! counting allocator: the peak of live heap bytes during the call.
#![allow(unsafe_code)] // the counting allocator below only forwards to `System`
#![allow(clippy::unwrap_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use estatekit::tickets::{
    MAX_PHRASE_BYTES, MAX_PHRASES, MAX_RULES_JSON_BYTES, RuleSet, TicketClassifier, TrainOptions,
};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The counts are process-wide: each test holds this for its whole run, so that no
/// other test allocates while one measures.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// `f()` and the most heap it had live at once beyond what was live before, bytes.
fn peak_of<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = f();
    (r, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

/// `n` pseudo-random phrases of 16 lowercase letters (few shared prefixes).
fn phrases(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let mut x = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            (0..16)
                .map(|_| {
                    x ^= x >> 29;
                    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
                    char::from(b'a' + (x >> 59) as u8 % 26)
                })
                .collect()
        })
        .collect()
}

fn rules_json(phrases: &[String]) -> String {
    let body: Vec<String> = phrases.iter().map(|p| format!("\"{p}\": 1")).collect();
    format!(
        r#"{{"categories": [{{"code": "big", "phrases": {{{}}}}}], "departments": {{"big": "desk"}}}}"#,
        body.join(", ")
    )
}

#[test]
fn a_trained_model_classifies_a_long_text_in_constant_memory() {
    let _serial = serial();
    let clf = TicketClassifier::train(
        &[
            "no heat in apartment",
            "heating not working",
            "loud music next door",
            "水管漏水",
        ],
        &["HEATING", "HEATING", "NOISE", "WATER"],
        0,
        &TrainOptions::default(),
    )
    .expect("a valid training set");
    // 8 MB of short words and Chinese: 27 M n-grams. Before: 41 bytes per byte of
    // text (330 MB here, 4.1 GB for 100 MB); now the n-grams are streamed.
    let unit = "no heat at all 暖气不热 ab c ";
    let text = unit.repeat((8 << 20) / unit.len());
    // The built-in rules' automaton is built on first use (once per process, about
    // 13 MB): built before the measure, which is of the text.
    clf.classify("warm-up");
    let (c, peak) = peak_of(|| clf.classify(&text));
    assert_eq!(
        (c.category.as_str(), c.department.as_str()),
        ("HEATING", "customer_service")
    );
    let top: Vec<(&str, f64)> = c
        .evidence
        .iter()
        .filter(|e| e.field.as_str() == "category")
        .map(|e| (e.phrase.as_str(), e.weight))
        .collect();
    assert_eq!(top[..2], [("a", 0.0395), ("at", 0.0241)]);
    assert!(
        peak < 1 << 20,
        "classifying 8 MB took {peak} bytes of heap at its peak"
    );
    // The same for the bare model.
    let model = clf.model().expect("trained");
    let (label, peak) = peak_of(|| model.predict(&text).to_owned());
    assert_eq!(label, "HEATING");
    assert!(
        peak < 1 << 20,
        "predicting 8 MB took {peak} bytes of heap at its peak"
    );
}

#[test]
fn a_rule_set_over_the_phrase_limit_is_a_typed_error_before_any_automaton() {
    let _serial = serial();
    // The reproduction: 500,000 custom phrases (9.5 MB as JSON); the DFA builder asked
    // for 4.2 GB at once.
    let doc = rules_json(&phrases(500_000));
    let rules = RuleSet::from_json(&doc).expect("valid JSON under the document limit");
    let (err, peak) = peak_of(|| TicketClassifier::with_rules(rules).unwrap_err());
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("rules_too_large", "phrases")
    );
    assert_eq!(
        err.to_string(),
        format!("rules: phrases: 500000 distinct phrases; a rule set has at most {MAX_PHRASES}")
    );
    assert!(peak < 200 << 20, "refusing took {peak} bytes");
    // The same document as a classifier document.
    let clf = format!(r#"{{"format": "estatekit.ticket_classifier", "rules": {doc}}}"#);
    let err = TicketClassifier::from_json(&clf).unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("rules_too_large", "rules.phrases")
    );
}

#[test]
fn a_large_rule_set_gets_an_nfa_in_memory_linear_in_its_phrases() {
    let _serial = serial();
    // 60,000 phrases, 1 MB: with a DFA (states × 32 classes × 4 bytes) building took
    // 4 times as much; with the contiguous NFA about 130 bytes per phrase byte.
    let ps = phrases(60_000);
    let doc = rules_json(&ps);
    let rules = RuleSet::from_json(&doc).expect("valid rules");
    let (clf, peak) = peak_of(|| TicketClassifier::with_rules(rules).expect("within the limits"));
    assert!(
        peak < 160 << 20,
        "building took {peak} bytes of heap at its peak"
    );
    let c = clf.classify(&format!("{} and {}", ps[7], ps[59_999]));
    assert_eq!(
        (c.category.as_str(), c.department.as_str()),
        ("big", "desk")
    );
    let found: Vec<(&str, f64)> = c
        .evidence
        .iter()
        .map(|e| (e.phrase.as_str(), e.weight))
        .collect();
    assert_eq!(found, [(ps[7].as_str(), 1.0), (ps[59_999].as_str(), 1.0)]);
    // And through a classifier document.
    let back = TicketClassifier::from_json(&clf.to_json()).expect("round trip");
    assert_eq!(back.classify(&ps[123]).category, "big");
}

#[test]
fn phrase_bytes_and_documents_over_their_limits_are_typed_errors() {
    let _serial = serial();
    // 20 phrases of 300,000 bytes: few phrases, 6 MB of them.
    let mut rules = RuleSet::default();
    rules.urgency.insert(
        estatekit::tickets::Urgency::Urgent,
        (0..20)
            .map(|i| (format!("{}{i:02}", "0".repeat(299_998)), 1.0))
            .collect(),
    );
    let err = TicketClassifier::with_rules(rules).unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str(), err.to_string()),
        (
            "rules_too_large",
            "phrases",
            format!(
                "rules: phrases: 6000020 bytes of phrases; a rule set has at most {MAX_PHRASE_BYTES}"
            )
        )
    );
    // A rule-set document over 16 MiB is refused before it is parsed.
    let long = format!(r#"{{"language": "{}"}}"#, "x".repeat(MAX_RULES_JSON_BYTES));
    let (err, peak) = peak_of(|| RuleSet::from_json(&long).unwrap_err());
    assert_eq!((err.code(), err.path().as_str()), ("rules_too_large", "$"));
    assert!(peak < 1 << 20, "refusing took {peak} bytes");
    let clf = format!(r#"{{"format": "estatekit.ticket_classifier", "rules": {long}}}"#);
    let err = TicketClassifier::from_json(&clf).unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str(), err.to_string()),
        (
            "rules_too_large",
            "rules",
            "rules: rules: a rule-set document of 16777232 bytes; at most 16777216 are read"
                .to_owned()
        )
    );
}

#[test]
fn a_model_document_is_read_without_a_json_tree() {
    let _serial = serial();
    // A model of 2^20 features (every bucket) and two classes: 12 MB of JSON. It was
    // parsed into a JSON tree first (32 bytes and more per number) and then again;
    // now it is read into the model's own arrays.
    let f = 1usize << 20;
    let ones = vec!["1"; f - 1].join(",");
    let zeros = vec!["0"; f].join(",");
    let doc = format!(
        r#"{{"format":"estatekit.ticket_model","version":2,"buckets_bits":20,"ngram_max":4,"word_ngrams":0,"labels":["a","b"],"n_docs":1,"features":[0,{ones}],"df":[1,{ones}],"scale":1.0,"weights":[[{zeros}],[{zeros}]],"bias":[0.0,0.5]}}"#
    );
    let _ = TicketClassifier::default_rules(); // built once per process, not measured
    let (clf, peak) = peak_of(|| TicketClassifier::from_json(&doc).expect("a valid model"));
    let model = clf.model().expect("a model");
    assert_eq!((model.feature_count(), model.predict("anything")), (f, "b"));
    assert!(
        peak < 6 * doc.len(),
        "reading {} bytes took {peak}",
        doc.len()
    );
    // Inside a classifier document, the same.
    let wrapped = format!(
        r#"{{"format":"estatekit.ticket_classifier","rules":{{"departments":{{"a":"desk"}}}},"model":{doc}}}"#
    );
    let (clf, peak) =
        peak_of(|| TicketClassifier::from_json(&wrapped).expect("a valid classifier"));
    assert_eq!(
        (
            clf.department("a"),
            clf.classify("anything").category.as_str()
        ),
        ("desk".to_owned(), "b")
    );
    assert!(
        peak < 6 * doc.len(),
        "reading {} bytes took {peak}",
        wrapped.len()
    );
}
