//! Check-in template JSON: typed error with a path, or a template that round-trips,
//! has unique codes, known and acyclic dependencies, and can start a checklist.
#![no_main]
use estatekit::checkin::{CheckinTemplate, Checklist, Mode};
use estatekit_fuzz::{assert_round_trip, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    match CheckinTemplate::from_json(&text) {
        Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
        Ok(t) => {
            assert_round_trip!(t, CheckinTemplate::to_json, |s: &str| {
                CheckinTemplate::from_json(s)
            });
            let mut codes = std::collections::BTreeSet::new();
            for (step, item) in t.items() {
                assert!(
                    codes.insert(item.code.clone()),
                    "duplicate item code {}",
                    item.code
                );
                assert_eq!(t.step_of(&item.code).map(|s| &s.code), Some(&step.code));
                for d in &step.depends_on {
                    assert!(t.step(d).is_some(), "unknown dependency {d}");
                }
            }
            let c = Checklist::start(
                &t,
                "U1",
                "owner",
                "2026-11-02".parse().unwrap(),
                Mode::Ordinary,
            )
            .expect("a valid template starts a checklist");
            assert_eq!(c.items().len(), codes.len());
            // Something is always actionable at the start: the graph is acyclic.
            assert!(!c.actionable().is_empty() || c.missing().is_empty());
            let back = Checklist::from_json(&c.to_json(), &t).expect("restores");
            assert_eq!(back, c);
        }
    }
});
