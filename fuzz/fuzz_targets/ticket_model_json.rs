//! Trained model (or whole classifier) JSON: typed error with a path, or a classifier
//! that round-trips and predicts one of its labels for any text, deterministically.
#![no_main]
use estatekit::tickets::{TicketClassifier, TicketModel};
use estatekit_fuzz::text;
use libfuzzer_sys::fuzz_target;

const TEXTS: [&str; 4] = ["no heat in apartment", "楼上噪音太大", "", "🔥🔥🔥 loud party !!!"];

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    match TicketModel::from_json(&text) {
        Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
        Ok(m) => {
            let again = TicketModel::from_json(&m.to_json()).expect("own JSON re-reads");
            assert_eq!(again.to_json(), m.to_json());
            assert!(m.labels().len() >= 2);
            for t in TEXTS {
                let label = m.predict(t);
                assert!(m.labels().iter().any(|l| l == label), "{label:?} not a label");
                assert_eq!(again.predict(t), label);
                let d = m.decision(t);
                assert_eq!(d.len(), m.labels().len());
                assert!(d.iter().all(|x| x.is_finite()), "{d:?}");
            }
            assert_eq!(m.predict_batch(&TEXTS), TEXTS.map(|t| m.predict(t)).to_vec());
        }
    }
    if let Ok(clf) = TicketClassifier::from_json(&text) {
        for t in TEXTS {
            let c = clf.classify(t);
            assert!(c.confidence.is_finite());
        }
        let again = TicketClassifier::from_json(&clf.to_json()).expect("own JSON re-reads");
        assert_eq!(again.classify_batch(&TEXTS), clf.classify_batch(&TEXTS));
    }
});
