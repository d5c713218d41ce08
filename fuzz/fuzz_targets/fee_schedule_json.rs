//! Fee schedule JSON: typed error with a path, or a schedule that round-trips; no two
//! versions of one code overlap; every item's own invariants hold.
#![no_main]
use estatekit::fees::schedule::FeeSchedule;
use estatekit_fuzz::{assert_round_trip, text};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    match FeeSchedule::from_json(&text) {
        Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
        Ok(s) => {
            assert_round_trip!(s, FeeSchedule::to_json, |t: &str| FeeSchedule::from_json(t));
            for (i, a) in s.items().iter().enumerate() {
                assert!(a.due.validate().is_ok(), "{:?}", a.due);
                assert!(a.effective_until.is_none_or(|u| u >= a.effective_from));
                for f in &a.status_factors {
                    assert!(f.factor >= Decimal::ZERO && f.factor <= Decimal::ONE);
                }
                for b in &s.items()[..i] {
                    if a.code == b.code {
                        let overlap = a.in_force(
                            b.effective_from,
                            b.effective_until.unwrap_or(chrono::NaiveDate::MAX),
                        );
                        assert!(!overlap, "overlapping versions of {}", a.code);
                    }
                }
            }
            let _ = s.in_force(chrono::NaiveDate::MIN, chrono::NaiveDate::MAX);
        }
    }
});
