//! A billing run on several threads is the run on one: on a 20,000-unit estate (area
//! fees with a delivered-but-empty factor and mid-month deliveries, a pooled share by area, water and
//! electricity meters at tiered prices, common water split by usage), and on one with
//! missing readings (units set aside, or estimated, or the strict run's error), every
//! thread count gives the same bills, totals, exceptions, estimates and errors.
#![allow(clippy::unwrap_used)]

use estatekit::estate::Estate;
use estatekit::fees::billing::{
    BillingContext, BillingInputs, BillingPeriod, bill_estate, bill_estate_threads,
};
use estatekit::fees::schedule::FeeSchedule;
use rust_decimal::Decimal;

const SCHEDULE: &str = r#"{"format_version": 1, "items": [
  {"code": "management", "name_zh": "物业服务费", "name_en": "Management fee",
   "rule": {"area": {"rate": "3.70"}}, "status_factors": [{"status": "delivered", "factor": "0.7"}],
   "effective_from": "2020-01-01"},
  {"code": "common", "name_zh": "公摊电费", "name_en": "Common-area electricity",
   "rule": {"pooled": {"source": "given", "method": "area"}}, "effective_from": "2020-01-01"},
  {"code": "water", "name_zh": "水费", "name_en": "Water",
   "rule": {"metered": {"meter_kind": "water",
            "tiers": [{"up_to": "15", "price": "3.45"}, {"up_to": "22", "price": "4.83"}, {"price": "5.83"}]}},
   "effective_from": "2020-01-01"},
  {"code": "electricity", "name_zh": "电费", "name_en": "Electricity",
   "rule": {"metered": {"meter_kind": "electricity",
            "tiers": [{"up_to": "180", "price": "0.56"}, {"up_to": "280", "price": "0.61"}, {"price": "0.86"}]}},
   "effective_from": "2020-01-01"}USAGE]}"#;

const USAGE: &str = r#",
  {"code": "common_water", "name_zh": "公共用水分摊", "name_en": "Common water",
   "rule": {"pooled": {"source": {"master_meter": {"meter_id": "W-MASTER", "price": "3.45", "subtract_sub_meters": true}},
            "method": "usage"}},
   "effective_from": "2020-01-01"}"#;

/// A small deterministic generator (64-bit LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// `n` units with a water and an electricity meter each, read on Aug 31 and Sep 30 and
/// (except the units in `unread`) on Oct 31; some delivered and empty, some delivered in October.
fn estate(n: u64, unread: &[u64]) -> Estate {
    let mut rng = Lcg(22);
    let (mut units, mut meters) = (Vec::new(), Vec::new());
    let mut master = Decimal::ZERO;
    for i in 0..n {
        let area = Decimal::new(3000 + rng.below(20_000) as i64, 2);
        let (status, occupants) = if rng.below(9) == 0 {
            ("delivered", 0)
        } else {
            ("occupied", 2)
        };
        let delivered = match rng.below(12) {
            0 => format!("2026-10-{:02}", 2 + rng.below(27)),
            _ => "2024-06-01".to_owned(),
        };
        units.push(format!(
            r#"{{"id":"U{i}","building_id":"B{}","floor":1,"number":"{i}","kind":"residential","gross_area":"{area}","occupants":{occupants},"status":"{status}","delivered_on":"{delivered}","status_since":"{delivered}"}}"#,
            i % 7
        ));
        for (prefix, kind) in [("W", "water"), ("E", "electricity")] {
            let scale = rng.below(3) as u32;
            let a = Decimal::new(rng.below(1_000_000) as i64, scale);
            let b = a + Decimal::new(rng.below(40 * 10i64.pow(scale) as u64) as i64, scale);
            let c = b + Decimal::new(rng.below(400 * 10i64.pow(scale) as u64) as i64, scale);
            if prefix == "W" {
                master += c - b;
            }
            let october = if unread.contains(&i) {
                String::new()
            } else {
                format!(r#",{{"date":"2026-10-31","value":"{c}"}}"#)
            };
            meters.push(format!(
                r#"{{"id":"{prefix}{i}","unit_id":"U{i}","kind":"{kind}","readings":[{{"date":"2026-08-31","value":"{a}"}},{{"date":"2026-09-30","value":"{b}"}}{october}]}}"#
            ));
        }
    }
    meters.push(format!(
        r#"{{"id":"W-MASTER","kind":"water","readings":[{{"date":"2026-09-30","value":"0"}},{{"date":"2026-10-31","value":"{}"}}]}}"#,
        master + Decimal::from(2_500)
    ));
    let json = format!(
        r#"{{"id":"threads","name":"Threads","currency":"CNY","buildings":[{}],"units":[{}],"meters":[{}]}}"#,
        (0..7)
            .map(|b| format!(r#"{{"id":"B{b}","name":"B{b}"}}"#))
            .collect::<Vec<_>>()
            .join(","),
        units.join(","),
        meters.join(",")
    );
    Estate::from_json(&json).unwrap()
}

fn october() -> BillingPeriod {
    BillingPeriod::month(2026, 10).unwrap()
}

#[test]
fn every_thread_count_bills_the_same_run() {
    let estate = estate(20_000, &[]);
    let schedule = FeeSchedule::from_json(&SCHEDULE.replace("USAGE", USAGE)).unwrap();
    let inputs = BillingInputs::default().with_pooled("common", Decimal::new(1_234_567, 2));
    let one = bill_estate(&estate, &schedule, october(), &inputs).unwrap();
    assert_eq!(one.bill_count(), 20_000);
    assert!(one.exceptions.is_empty());
    let json = one.to_json();
    let context = BillingContext::new(&estate);
    for threads in [1, 2, 3, 4, 7, 0] {
        let run = context
            .bill_threads(&schedule, october(), &inputs, threads)
            .unwrap();
        assert_eq!(run, one, "{threads} threads");
        assert_eq!(run.total(), one.total());
        assert_eq!(run.to_json(), json, "{threads} threads");
    }
    // The pooled shares add up to the amounts given, whatever the count.
    let run = bill_estate_threads(&estate, &schedule, october(), &inputs, 4).unwrap();
    let common = run.pools.iter().find(|p| p.code == "common").unwrap();
    assert_eq!(common.split_amount, Decimal::new(1_234_567, 2));
}

#[test]
fn units_set_aside_estimates_and_errors_do_not_depend_on_the_count() {
    let unread = [3_000, 9_001, 15_000, 19_999];
    let estate = estate(20_000, &unread);
    let schedule = FeeSchedule::from_json(&SCHEDULE.replace("USAGE", "")).unwrap();
    let inputs = BillingInputs::default().with_pooled("common", Decimal::new(99_999, 2));
    // Not strict: the four units are set aside, their shares of the pool counted.
    let one = bill_estate(&estate, &schedule, october(), &inputs).unwrap();
    let set_aside: Vec<_> = one
        .exceptions
        .iter()
        .map(|e| e.unit_id.clone().unwrap())
        .collect();
    assert_eq!(set_aside, ["U3000", "U9001", "U15000", "U19999"]);
    assert_eq!(one.bill_count(), 19_996);
    let common = one
        .pools
        .iter()
        .find(|p| p.code == "common")
        .unwrap()
        .clone();
    assert!(common.set_aside > Decimal::ZERO);
    // Estimated: every unit billed, the four readings estimated.
    let mut estimating = inputs.clone();
    estimating.estimate = Some(2);
    let estimated = bill_estate(&estate, &schedule, october(), &estimating).unwrap();
    assert_eq!(estimated.bill_count(), 20_000);
    let meters: Vec<&str> = estimated
        .estimated_readings
        .iter()
        .map(|r| r.meter_id.as_str())
        .collect();
    assert_eq!(
        meters,
        [
            "W3000", "E3000", "W9001", "E9001", "W15000", "E15000", "W19999", "E19999"
        ]
    );
    // Strict: the first unit in estate order fails the run.
    let mut strict = inputs.clone();
    strict.strict = true;
    let error = bill_estate(&estate, &schedule, october(), &strict).unwrap_err();
    assert_eq!(
        (error.code(), error.path()),
        ("missing_reading", "meters[W3000]")
    );
    for threads in [2, 3, 5, 0] {
        let run = bill_estate_threads(&estate, &schedule, october(), &inputs, threads).unwrap();
        assert_eq!(run, one, "{threads} threads");
        assert_eq!(run.pools.iter().find(|p| p.code == "common"), Some(&common));
        let run = bill_estate_threads(&estate, &schedule, october(), &estimating, threads).unwrap();
        assert_eq!(run, estimated, "{threads} threads");
        assert_eq!(run.to_json(), estimated.to_json());
        let e = bill_estate_threads(&estate, &schedule, october(), &strict, threads).unwrap_err();
        assert_eq!(e, error, "{threads} threads");
    }
}

/// A pool whose sub-meters' consumption does not fit a decimal fails the run with
/// `overflow` (it panicked before), the same error whatever the thread count: the
/// master meter less two unit meters of 5·10^28 each (over the estate, and per
/// building), and a unit's two meters summed as its usage weight.
#[test]
fn a_consumption_beyond_a_decimal_is_an_error_not_a_panic() {
    let big = "50000000000000000000000000000";
    let estate = |master: &str| {
        Estate::from_json(&format!(
            r#"{{"id": "e", "name": "E", "currency": "CNY", "buildings": [{{"id": "B", "name": "B"}}],
                "units": [{{"id": "U1", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
                           "gross_area": "80", "occupants": 2, "status": "occupied",
                           "delivered_on": "2024-01-01", "status_since": "2024-01-01"}}],
                "meters": [
                  {{"id": "W-M", "kind": "water", "readings": [{{"date": "2026-09-30", "value": "0"}}, {{"date": "2026-10-31", "value": "{master}"}}]}},
                  {{"id": "W1", "unit_id": "U1", "kind": "water", "readings": [{{"date": "2026-09-30", "value": "0"}}, {{"date": "2026-10-31", "value": "{big}"}}]}},
                  {{"id": "W2", "unit_id": "U1", "kind": "water", "readings": [{{"date": "2026-09-30", "value": "0"}}, {{"date": "2026-10-31", "value": "{big}"}}]}}]}}"#
        ))
        .unwrap()
    };
    let schedule = |source: &str, split_by: &str| {
        FeeSchedule::from_json(&format!(
            r#"{{"format_version": 3, "items": [
              {{"code": "common_water", "name_zh": "公共用水分摊", "name_en": "Common water",
               "rule": {{"pooled": {{"source": {{"master_meter": {source}}},
                        "method": "usage"{split_by}}}}},
               "effective_from": "2020-01-01"}}]}}"#
        ))
        .unwrap()
    };
    let whole = |subtract: bool| {
        format!(r#"{{"meter_id": "W-M", "price": "3.45", "subtract_sub_meters": {subtract}}}"#)
    };
    let by_building = r#"{"meters": [{"group": "B", "meter_id": "W-M"}], "price": "3.45", "subtract_sub_meters": true}"#;
    let cases = [
        (estate("0"), schedule(&whole(true), "")),
        (
            estate("0"),
            schedule(by_building, r#", "split_by": "building""#),
        ),
        (estate("1"), schedule(&whole(false), "")),
    ];
    let mut errors = Vec::new();
    for (estate, schedule) in &cases {
        let one = bill_estate(estate, schedule, october(), &BillingInputs::default()).unwrap_err();
        for threads in [2, 0] {
            let e = bill_estate_threads(
                estate,
                schedule,
                october(),
                &BillingInputs::default(),
                threads,
            )
            .unwrap_err();
            assert_eq!(e, one);
        }
        errors.push((one.code().to_owned(), one.path().to_owned()));
    }
    let expected = [
        "pooled[common_water].source",
        "pooled[common_water@B].source",
        "pooled[common_water].participants[0]",
    ];
    assert_eq!(
        errors,
        expected.map(|p| ("overflow".to_owned(), p.to_owned()))
    );
}
