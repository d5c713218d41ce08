//! Scenario tests of the estate model: the demo estate, JSON round trips, and a
//! table of bad documents, each with the exact error code and field path.
#![allow(clippy::unwrap_used)]

use estatekit::estate::{Estate, EstateError, UnitKind, UnitStatus};
use estatekit::money::allocate;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn demo_estate_summary() {
    let estate = Estate::demo();
    assert_eq!(estate.id(), "lakeside");
    assert_eq!(estate.currency(), "CNY");
    let s = estate.summary();
    assert_eq!((s.buildings, s.units, s.meters), (2, 40, 85));
    assert_eq!(
        s.by_kind,
        vec![
            (UnitKind::Residential, 30),
            (UnitKind::Commercial, 2),
            (UnitKind::Parking, 6),
            (UnitKind::Storage, 2)
        ]
    );
    assert_eq!(
        s.by_status,
        vec![
            (UnitStatus::Unsold, 6),
            (UnitStatus::Delivered, 5),
            (UnitStatus::Occupied, 24),
            (UnitStatus::Decorating, 2),
            (UnitStatus::Rented, 3),
        ]
    );
    assert_eq!(s.total_gross_area, d("3096.60"));
    assert_eq!(s.total_internal_area, d("2461.80"));
    assert_eq!(s.occupants, 55);
}

#[test]
fn demo_pooled_bill_split_by_gross_area_is_exact() {
    let estate = Estate::demo();
    let delivered: Vec<_> = estate.units().iter().filter(|u| u.is_delivered()).collect();
    assert_eq!(delivered.len(), 34);
    let areas: Vec<Decimal> = delivered.iter().map(|u| u.gross_area).collect();
    assert_eq!(areas.iter().sum::<Decimal>(), d("2833.00"));
    let a = allocate(d("3540.00"), &areas, estate.rounding()).unwrap();
    assert_eq!(a.parts.iter().sum::<Decimal>(), d("3540.00"));
    // 89.50 / 2833 × 3540 = 111.8390…; 12.50 / 2833 × 3540 = 15.6195…
    assert_eq!(a.parts[0], d("111.84"));
    let parking = delivered
        .iter()
        .position(|u| u.kind == UnitKind::Parking)
        .unwrap();
    assert_eq!(a.parts[parking], d("15.62"));
}

#[test]
fn json_round_trip_is_exact() {
    let estate = Estate::demo();
    let again = Estate::from_json(&estate.to_json()).unwrap();
    assert_eq!(again, estate);
    assert_eq!(again.to_json(), estate.to_json());
    // serde through the Estate type itself validates too.
    let via_serde: Estate = serde_json::from_str(&serde_json::to_string(&estate).unwrap()).unwrap();
    assert_eq!(via_serde, estate);
}

fn minimal() -> serde_json::Value {
    serde_json::json!({
        "id": "e1", "name": "Test Estate", "currency": "CNY",
        "buildings": [{"id": "B1", "name": "1号楼"}],
        "units": [
            {"id": "1-101", "building_id": "B1", "floor": 1, "number": "101", "kind": "residential",
             "gross_area": "89.50", "internal_area": "72.36", "occupants": 3, "status": "occupied",
             "delivered_on": "2024-06-01", "status_since": "2024-08-01"},
            {"id": "1-102", "building_id": "B1", "floor": 1, "number": "102", "kind": "parking",
             "gross_area": "12.50", "status": "unsold"}
        ],
        "meters": [{"id": "W1", "unit_id": "1-101", "kind": "water", "multiplier": "1",
                    "readings": [{"date": "2026-09-30", "value": "10.5"}, {"date": "2026-10-31", "value": "18.0"}]}]
    })
}

fn error_for(edit: impl FnOnce(&mut serde_json::Value)) -> EstateError {
    let mut doc = minimal();
    edit(&mut doc);
    Estate::from_json(&doc.to_string()).unwrap_err()
}

#[test]
fn minimal_document_is_valid() {
    let e = Estate::from_json(&minimal().to_string()).unwrap();
    assert_eq!(e.unit("1-101").unwrap().area(true), d("72.36"));
    assert_eq!(e.unit("1-102").unwrap().area(true), d("12.50"));
    assert_eq!(e.rounding().scale(), 2);
}

#[test]
fn bad_documents_name_the_field() {
    type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;
    let cases: Vec<(&str, &str, Edit)> = vec![
        (
            "non_positive_area",
            "units[0].gross_area",
            Box::new(|v| v["units"][0]["gross_area"] = "-1".into()),
        ),
        (
            "non_positive_area",
            "units[1].gross_area",
            Box::new(|v| v["units"][1]["gross_area"] = "0".into()),
        ),
        (
            "non_positive_area",
            "units[0].internal_area",
            Box::new(|v| v["units"][0]["internal_area"] = "0".into()),
        ),
        (
            "internal_area_exceeds_gross",
            "units[0].internal_area",
            Box::new(|v| v["units"][0]["internal_area"] = "90".into()),
        ),
        (
            "duplicate_id",
            "units[1].id",
            Box::new(|v| v["units"][1]["id"] = "1-101".into()),
        ),
        (
            "duplicate_id",
            "buildings[1].id",
            Box::new(|v| {
                v["buildings"] =
                    serde_json::json!([{"id": "B1", "name": "a"}, {"id": "B1", "name": "b"}])
            }),
        ),
        (
            "unknown_building",
            "units[1].building_id",
            Box::new(|v| v["units"][1]["building_id"] = "B9".into()),
        ),
        (
            "unknown_unit",
            "meters[0].unit_id",
            Box::new(|v| v["meters"][0]["unit_id"] = "9-999".into()),
        ),
        (
            "invalid_currency",
            "currency",
            Box::new(|v| v["currency"] = "cny".into()),
        ),
        (
            "unsupported_format_version",
            "format_version",
            Box::new(|v| v["format_version"] = 2.into()),
        ),
        ("empty_field", "id", Box::new(|v| v["id"] = " ".into())),
        (
            "missing_value",
            "units[0].delivered_on",
            Box::new(|v| {
                v["units"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("delivered_on");
            }),
        ),
        (
            "conflicting_fields",
            "units[1].delivered_on",
            Box::new(|v| v["units"][1]["delivered_on"] = "2024-01-01".into()),
        ),
        (
            "ends_before_starts",
            "units[0].status_since",
            Box::new(|v| v["units"][0]["status_since"] = "2024-05-01".into()),
        ),
        (
            "conflicting_fields",
            "units[0].occupants",
            Box::new(|v| v["units"][0]["status"] = "delivered".into()),
        ),
        (
            "out_of_range",
            "meters[0].multiplier",
            Box::new(|v| v["meters"][0]["multiplier"] = "0".into()),
        ),
        (
            "not_increasing",
            "meters[0].readings[1].date",
            Box::new(|v| v["meters"][0]["readings"][1]["date"] = "2026-09-30".into()),
        ),
        (
            "negative_reading",
            "meters[0].readings[0].value",
            Box::new(|v| v["meters"][0]["readings"][0]["value"] = "-3".into()),
        ),
        (
            "json",
            "units[0].gross_area",
            Box::new(|v| v["units"][0]["gross_area"] = serde_json::json!(89.5)),
        ),
        (
            "json",
            "units[0].gross_area",
            Box::new(|v| v["units"][0]["gross_area"] = "NaN".into()),
        ),
        (
            "json",
            "units[0].gross_area",
            Box::new(|v| v["units"][0]["gross_area"] = "1e30".into()),
        ),
        (
            "json",
            "units[0].kind",
            Box::new(|v| v["units"][0]["kind"] = "castle".into()),
        ),
        (
            "json",
            "units[0].colour",
            Box::new(|v| v["units"][0]["colour"] = "red".into()),
        ),
        (
            "json",
            "units[1].status",
            Box::new(|v| {
                v["units"][1].as_object_mut().unwrap().remove("status");
            }),
        ),
        (
            "json",
            "meters[0].readings[0].date",
            Box::new(|v| v["meters"][0]["readings"][0]["date"] = "2026-02-30".into()),
        ),
        (
            "json",
            "rounding.scale",
            Box::new(|v| v["rounding"] = serde_json::json!({"scale": -1})),
        ),
        (
            "json",
            "rounding",
            Box::new(|v| v["rounding"] = serde_json::json!({"scale": 40})),
        ),
        (
            "json",
            "rounding.mode",
            Box::new(|v| v["rounding"] = serde_json::json!({"mode": "banker"})),
        ),
        (
            "json",
            "name",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("name");
            }),
        ),
    ];
    let n = cases.len();
    for (code, path, edit) in cases {
        let err = error_for(edit);
        assert_eq!((err.code(), err.path()), (code, path), "{err}");
        assert!(
            err.to_string().starts_with(path),
            "message names the path: {err}"
        );
    }
    assert_eq!(n, 29);
}

#[test]
fn malformed_json_is_an_error_not_a_panic() {
    for text in ["", "{", "[]", "null", "{\"id\": 1}", "\u{0}"] {
        let err = Estate::from_json(text).unwrap_err();
        assert_eq!(err.code(), "json", "{text:?}");
    }
}

#[test]
fn error_messages_are_readable() {
    let err = error_for(|v| v["units"][0]["internal_area"] = "90".into());
    assert_eq!(
        err.to_string(),
        "units[0].internal_area: internal area 90 exceeds gross area 89.50"
    );
    let err = error_for(|v| v["units"][1]["building_id"] = "B9".into());
    assert_eq!(
        err.to_string(),
        "units[1].building_id: unknown building \"B9\""
    );
}
