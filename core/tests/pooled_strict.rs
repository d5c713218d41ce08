//! `pooled::split` is strict: nothing it is given changes a split silently. A total
//! with more decimal places than the rounding scale, hybrid weights that do not sum to
//! 1 and unknown fields of a unit record (JSON, or the bindings' dicts through
//! `PoolField`) are typed errors naming the value; before, they were rounded,
//! normalised and ignored.
#![allow(clippy::unwrap_used)]

use estatekit::fees::FeeError;
use estatekit::fees::pooled::{Basis, BasisWeight, PoolField, PoolUnit, SplitMethod, split};
use estatekit::money::{RoundingMode, RoundingPolicy};
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn units() -> Vec<PoolUnit> {
    let mut a = PoolUnit::new("A", dec("100"));
    a.occupants = 1;
    let mut b = PoolUnit::new("B", dec("100"));
    b.occupants = 3;
    vec![a, b]
}

fn hybrid(weights: &[(Basis, &str)]) -> SplitMethod {
    SplitMethod::Hybrid(
        weights
            .iter()
            .map(|&(basis, w)| BasisWeight {
                basis,
                weight: dec(w),
            })
            .collect(),
    )
}

fn error(r: Result<impl std::fmt::Debug, FeeError>) -> (String, String, String) {
    let e = r.unwrap_err();
    (e.code().to_owned(), e.path().to_owned(), e.to_string())
}

fn amounts(total: &str, method: &SplitMethod, policy: &RoundingPolicy) -> Vec<Decimal> {
    split(dec(total), &units(), method, policy)
        .unwrap()
        .shares
        .iter()
        .map(|s| s.amount)
        .collect()
}

#[test]
fn a_total_finer_than_the_scale_is_refused_not_rounded() {
    let p = RoundingPolicy::default();
    assert_eq!(
        error(split(dec("100.005"), &units(), &SplitMethod::Area, &p)),
        (
            "too_many_decimals".into(),
            "total".into(),
            "total: 100.005 has more decimal places than the rounding scale 2".into()
        )
    );
    let e = error(split(dec("-0.001"), &units(), &SplitMethod::Equal, &p));
    assert_eq!((e.0.as_str(), e.1.as_str()), ("too_many_decimals", "total"));
    // At scale 0 (whole yuan), cents are too fine.
    let yuan = RoundingPolicy::new(0, RoundingMode::HalfUp).unwrap();
    assert_eq!(
        error(split(dec("100.50"), &units(), &SplitMethod::Area, &yuan)).2,
        "total: 100.50 has more decimal places than the rounding scale 0"
    );
    // Trailing zeros are not extra precision; amounts at or below the scale split.
    assert_eq!(
        amounts("100.000", &SplitMethod::Area, &p),
        [dec("50.00"), dec("50.00")]
    );
    assert_eq!(
        amounts("100.01", &SplitMethod::Area, &p),
        [dec("50.01"), dec("50.00")]
    );
    assert_eq!(
        amounts("101", &SplitMethod::Area, &yuan),
        [dec("51"), dec("50")]
    );
    // A finer scale accepts the same amount.
    let mills = RoundingPolicy::new(3, RoundingMode::HalfUp).unwrap();
    assert_eq!(
        amounts("100.005", &SplitMethod::Area, &mills),
        [dec("50.003"), dec("50.002")]
    );
}

#[test]
fn hybrid_weights_must_sum_to_one() {
    let p = RoundingPolicy::default();
    assert_eq!(
        error(split(
            dec("100"),
            &units(),
            &hybrid(&[(Basis::Area, "0.5"), (Basis::Occupants, "0.3")]),
            &p
        )),
        (
            "weights_sum".into(),
            "weights".into(),
            "weights: hybrid weights must sum to 1, got area 0.5 + occupants 0.3 = 0.8".into()
        )
    );
    // 1 : 1 used to be normalised to 0.5 : 0.5.
    assert_eq!(
        error(split(
            dec("100"),
            &units(),
            &hybrid(&[(Basis::Occupants, "1"), (Basis::Area, "1")]),
            &p
        ))
        .2,
        "weights: hybrid weights must sum to 1, got occupants 1 + area 1 = 2"
    );
    // A single basis at less than 1.
    assert_eq!(
        error(split(
            dec("100"),
            &units(),
            &hybrid(&[(Basis::Area, "0.5")]),
            &p
        ))
        .2,
        "weights: hybrid weights must sum to 1, got area 0.5 = 0.5"
    );
    // Thirds written to 28 places sum to 0.999…9: refused, not rounded up to 1.
    let third = "0.3333333333333333333333333333";
    let e = error(split(
        dec("100"),
        &units(),
        &hybrid(&[
            (Basis::Area, third),
            (Basis::Occupants, third),
            (Basis::Equal, third),
        ]),
        &p,
    ));
    assert_eq!((e.0.as_str(), e.1.as_str()), ("weights_sum", "weights"));
    assert!(e.2.ends_with("= 0.9999999999999999999999999999"), "{}", e.2);
    // A negative weight is named as before, an empty hybrid too.
    let e = error(split(
        dec("100"),
        &units(),
        &hybrid(&[(Basis::Area, "1.5"), (Basis::Occupants, "-0.5")]),
        &p,
    ));
    assert_eq!(
        (e.0.as_str(), e.1.as_str()),
        ("negative", "weights[1].weight")
    );
    let e = error(split(dec("100"), &units(), &hybrid(&[]), &p));
    assert_eq!((e.0.as_str(), e.1.as_str()), ("missing_value", "weights"));
    // Weights summing to exactly 1 split as before, whatever their scale.
    let half = hybrid(&[(Basis::Occupants, "0.5"), (Basis::Area, "0.50")]);
    assert_eq!(amounts("100", &half, &p), [dec("37.50"), dec("62.50")]);
    let uneven = hybrid(&[
        (Basis::Area, "0.25"),
        (Basis::Occupants, "0.7"),
        (Basis::Equal, "0.05"),
    ]);
    // A: 0.25 × 1/2 + 0.7 × 1/4 + 0.05 × 1/2 = 0.325.
    assert_eq!(amounts("100", &uneven, &p), [dec("32.50"), dec("67.50")]);
    // Single-basis methods have no weights to check.
    assert!(SplitMethod::Area.validate().is_ok());
}

#[test]
fn unknown_unit_fields_are_refused() {
    // The names the bindings' unit records may use.
    for f in PoolField::ALL {
        assert_eq!(PoolField::of_unit(0, Some("A"), f.as_str()).unwrap(), f);
    }
    assert_eq!(
        error(PoolField::of_unit(1, Some("B"), "occupant")),
        (
            "unknown_value".into(),
            "units[1].occupant".into(),
            "units[1].occupant: unknown field \"occupant\" in unit \"B\"; expected id, area, usage, occupants or fraction".into()
        )
    );
    assert_eq!(
        error(PoolField::of_unit(0, None, "Area")).2,
        "units[0].Area: unknown field \"Area\"; expected id, area, usage, occupants or fraction"
    );
    // The JSON form of a unit refuses them too.
    let e = serde_json::from_str::<PoolUnit>(r#"{"id": "A", "area": "10", "occupant": "3"}"#)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("unknown field `occupant`"), "{e}");
    let u: PoolUnit =
        serde_json::from_str(r#"{"id": "A", "area": "10", "occupants": 3, "fraction": "0.5"}"#)
            .unwrap();
    assert_eq!((u.occupants, u.fraction), (3, dec("0.5")));
}

#[test]
fn duplicate_units_and_bases_are_refused() {
    let a = PoolUnit::new("A", dec("1"));
    let policy = RoundingPolicy::default();
    assert_eq!(
        error(split(
            dec("100"),
            &[a.clone(), PoolUnit::new("B", dec("1")), a],
            &SplitMethod::Area,
            &policy
        )),
        (
            "duplicate_id".into(),
            "units".into(),
            "units: duplicate id \"A\"".into()
        )
    );
    let w = |basis, weight: &str| BasisWeight {
        basis,
        weight: dec(weight),
    };
    assert_eq!(
        error(split(
            dec("100"),
            &units(),
            &SplitMethod::Hybrid(vec![w(Basis::Area, "0.5"), w(Basis::Area, "0.5")]),
            &policy
        )),
        (
            "duplicate_id".into(),
            "weights[1].basis".into(),
            "weights[1].basis: area is weighted twice".into()
        )
    );
    // From weights as listed: a lone weight of 1 is the plain split; the order listed
    // does not matter.
    let hybrid = |ws| amounts("100", &SplitMethod::from_weights(ws), &policy);
    assert_eq!(
        SplitMethod::from_weights(vec![w(Basis::Occupants, "1")]),
        SplitMethod::Occupants
    );
    assert_eq!(
        hybrid(vec![w(Basis::Occupants, "0.7"), w(Basis::Area, "0.3")]),
        hybrid(vec![w(Basis::Area, "0.3"), w(Basis::Occupants, "0.7")])
    );
    assert_eq!(
        hybrid(vec![w(Basis::Occupants, "0.7"), w(Basis::Area, "0.3")]),
        [dec("32.50"), dec("67.50")]
    );
}
