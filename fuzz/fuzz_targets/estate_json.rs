//! Estate JSON: any text either fails with a typed error naming a path, or parses to
//! an estate that re-serializes to an equal estate; the summary never panics and its
//! counts add up.
#![no_main]
use estatekit::estate::{Estate, UnitKind, UnitStatus};
use estatekit_fuzz::{assert_round_trip, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    match Estate::from_json(&text) {
        Err(e) => {
            assert!(!e.path().is_empty(), "error without a path: {e}");
            assert!(!e.code().is_empty());
        }
        Ok(estate) => {
            assert_round_trip!(estate, Estate::to_json, |s: &str| Estate::from_json(s));
            let s = estate.summary();
            assert_eq!(s.units, estate.units().len());
            assert_eq!(s.by_kind.iter().map(|(_, n)| n).sum::<usize>(), s.units);
            assert_eq!(s.by_status.iter().map(|(_, n)| n).sum::<usize>(), s.units);
            assert_eq!(s.by_status.len(), UnitStatus::ALL.len());
            assert_eq!(s.by_kind.len(), UnitKind::ALL.len());
            for u in estate.units() {
                assert_eq!(estate.unit(&u.id).map(|x| &x.id), Some(&u.id));
                assert!(u.gross_area > rust_decimal::Decimal::ZERO);
            }
            for m in estate.meters() {
                assert!(m.readings.windows(2).all(|w| w[0].date < w[1].date));
            }
        }
    }
});
