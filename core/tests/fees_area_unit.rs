//! Issue 20: the estate's area unit (m² by default, 坪 or sq ft) in bill explanations.
#![allow(clippy::unwrap_used)]

use estatekit::estate::{AreaUnit, Estate};
use estatekit::fees::billing::{BillingInputs, BillingPeriod, BillingRun, bill_estate};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::i18n::Lang;

fn estate(unit: &str, currency: &str, scale: u32, area: &str) -> Estate {
    Estate::from_json(&format!(
        r#"{{"id": "e", "name": "E", "currency": "{currency}", "area_unit": "{unit}",
            "rounding": {{"scale": {scale}}}, "buildings": [{{"id": "B", "name": "B"}}],
            "units": [{{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
              "gross_area": "{area}", "status": "occupied", "delivered_on": "2024-01-01", "status_since": "2024-01-01"}}]}}"#
    ))
    .unwrap()
}

fn october(estate: &Estate, rate: &str) -> BillingRun {
    let schedule = FeeSchedule::from_json(&format!(
        r#"{{"items": [{{"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
           "rule": {{"area": {{"rate": "{rate}"}}}}, "effective_from": "2020-01-01"}}]}}"#
    ))
    .unwrap();
    bill_estate(
        estate,
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &BillingInputs::default(),
    )
    .unwrap()
}

/// A Taipei flat of 32.50 坪 at NT$60 per 坪 a month (management fees there are
/// published per 坪): 32.50 × 60 = 1950, at the dollar (scale 0).
#[test]
fn a_ping_estate_names_ping_in_its_explanations() {
    let e = estate("ping", "TWD", 0, "32.50");
    assert_eq!(e.area_unit(), AreaUnit::Ping);
    let run = october(&e, "60");
    let bill = run.bill("A").unwrap();
    assert_eq!(bill.total.to_string(), "1950");
    assert_eq!(
        bill.explain(Lang::En)[0],
        "Management fee: 32.50 ping × 60/ping/month × 1 month = 1950"
    );
    assert_eq!(
        bill.explain(Lang::ZhCn)[0],
        "物业服务费：32.50 坪 × 60/坪/月 × 1 月 = 1950"
    );
    // The run's JSON keeps the unit, and reads back equal.
    let json = run.to_json();
    assert!(json.contains(r#""area_unit": "ping""#), "{json}");
    assert_eq!(BillingRun::from_json(&json).unwrap(), run);
    // The estate writes it back too; an m² estate writes nothing.
    assert!(e.to_json().contains(r#""area_unit": "ping""#));
    assert!(!Estate::demo().to_json().contains("area_unit"));
}

/// A Hong Kong flat of 650 sq ft at HK$3.20 per sq ft a month: 650 × 3.20 = 2080.00.
#[test]
fn a_square_foot_estate_names_sq_ft() {
    let run = october(&estate("sq_ft", "HKD", 2, "650"), "3.20");
    let bill = run.bill("A").unwrap();
    assert_eq!(
        bill.explain(Lang::En)[0],
        "Management fee: 650 sq ft × 3.20/sq ft/month × 1 month = 2080.00"
    );
    assert_eq!(
        bill.explain(Lang::ZhCn)[0],
        "物业服务费：650 平方英尺 × 3.20/平方英尺/月 × 1 月 = 2080.00"
    );
}

/// An unknown unit is a typed error naming the field.
#[test]
fn an_unknown_area_unit_is_refused() {
    let e = Estate::from_json(
        r#"{"id": "e", "name": "E", "currency": "CNY", "area_unit": "acre", "buildings": []}"#,
    )
    .unwrap_err();
    assert_eq!((e.code(), e.path()), ("json", "area_unit"));
}
