//! Properties of goods release: the guard's check accepts exactly the loads the permit
//! allows (every item on it, none beyond its count, the same plate however it is
//! written), once; a refused check changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use estatekit::release::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn the_gate_lets_out_what_the_permit_allows(
        fridges in 0u32..3,
        boxes in 0u32..15,
        sofa in any::<bool>(),
        spaces in 0usize..3,
        lower in any::<bool>(),
    ) {
        let (mut g, _) = GoodsRelease::example().unwrap();
        let mut load = vec![Item::new("冰箱", fridges), Item::new("纸箱", boxes)];
        if sofa {
            load.push(Item::new("沙发", 1));
        }
        let mut plate = format!("浙A{}12345", " ".repeat(spaces));
        if lower {
            plate = plate.replace('A', "a");
        }
        let before = g.clone();
        let at = "2026-12-05T02:00:00Z".parse().unwrap();
        let allowed = fridges <= 1 && boxes <= 12 && !sofa;
        match g.verify("GR-001", Some(&plate), &load, "保安 刘", at) {
            Ok(p) => {
                prop_assert!(allowed);
                prop_assert_eq!(p.state, PermitState::Used);
                let again = g.verify("GR-001", Some("浙A12345"), &[], "保安 王", at).unwrap_err();
                prop_assert_eq!(again.code(), "permit_state");
                prop_assert_eq!(GoodsRelease::from_json(&g.to_json()).unwrap(), g);
            }
            Err(e) => {
                prop_assert!(!allowed);
                prop_assert_eq!(e.code(), "mismatch");
                prop_assert_eq!(&g, &before);
            }
        }
    }
}
