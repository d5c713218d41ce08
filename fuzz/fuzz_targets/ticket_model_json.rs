//! Trained model (or whole classifier) JSON: typed error with a path, or a classifier
//! that round-trips (saving what it read: same JSON, same scores) and predicts one of
//! its labels for any text, deterministically.
#![no_main]
use estatekit::tickets::{TicketClassifier, TicketModel};
use estatekit_fuzz::text;
use libfuzzer_sys::fuzz_target;

const TEXTS: [&str; 4] = [
    "no heat in apartment",
    "楼上噪音太大",
    "",
    "🔥🔥🔥 loud party !!!",
];

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    match TicketModel::from_json(&text) {
        Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
        Ok(m) => {
            let json = m.to_json();
            let again = TicketModel::from_json(&json).expect("own JSON re-reads");
            assert_eq!(again.to_json(), json, "JSON not stable");
            assert!(m.labels().len() >= 2);
            for t in TEXTS {
                let label = m.predict(t);
                assert!(
                    m.labels().iter().any(|l| l == label),
                    "{label:?} not a label"
                );
                assert_eq!(again.predict(t), label);
                let d = m.decision(t);
                assert_eq!(d.len(), m.labels().len());
                assert!(d.iter().all(|x| x.is_finite()), "{d:?}");
                assert_eq!(again.decision(t), d, "saved model scores differ");
            }
            assert_eq!(
                m.predict_batch(&TEXTS),
                TEXTS.map(|t| m.predict(t)).to_vec()
            );
        }
    }
    // Whole classifier documents only: a bare model gets the built-in rules, and its
    // classifier's JSON round trip would compile them (milliseconds) on every input;
    // the model itself is covered above.
    if !text.contains("estatekit.ticket_classifier") {
        return;
    }
    if let Ok(clf) = TicketClassifier::from_json(&text) {
        let batch = clf.classify_batch(&TEXTS);
        for (t, b) in TEXTS.iter().zip(&batch) {
            let c = clf.classify(t);
            assert!(c.confidence.is_finite(), "{c:?}");
            assert_eq!(&c, b, "batch and single classification differ");
        }
        // A loaded model saves the quantised weights and scale it was read with, so the
        // first save is already the fixed point and the saved classifier is the same.
        let json = clf.to_json();
        let again = TicketClassifier::from_json(&json).expect("own JSON re-reads");
        assert_eq!(again.to_json(), json, "JSON not stable");
        assert_eq!(
            again.classify_batch(&TEXTS),
            batch,
            "saved classifier differs"
        );
    }
});
