//! Metered lines kept compact in a billing run (their readings and consumption stored,
//! the tier blocks priced again when a bill is materialized) bill exactly as lines kept
//! whole: on a large random estate, every metered line's amount and explanation equals
//! the public `tiered_cost` of its consumption, and the run equals its own JSON read
//! back (where every line is kept whole, as runs were built before compact metered
//! lines).
#![allow(clippy::unwrap_used)]

use estatekit::estate::{Estate, UnitKind};
use estatekit::fees::billing::{
    BillingInputs, BillingPeriod, BillingRun, Explanation, bill_estate,
};
use estatekit::fees::calc::{Tier, tiered_cost};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::money::RoundingPolicy;
use rust_decimal::Decimal;

const SCHEDULE: &str = r#"{"format_version": 1, "items": [
  {"code": "management", "name_zh": "物业服务费", "name_en": "Management fee",
   "rule": {"area": {"rate": "3.70"}}, "status_factors": [{"status": "delivered", "factor": "0.7"}],
   "effective_from": "2020-01-01"},
  {"code": "water", "name_zh": "水费", "name_en": "Water",
   "rule": {"metered": {"meter_kind": "water",
            "tiers": [{"up_to": "15", "price": "3.45"}, {"up_to": "22", "price": "4.83"}, {"price": "5.83"}],
            "kind_tiers": [{"kind": "commercial", "tiers": [{"up_to": "7.5", "price": "6.125"}, {"price": "7.9"}]}]}},
   "effective_from": "2020-01-01"},
  {"code": "electricity", "name_zh": "电费", "name_en": "Electricity",
   "rule": {"metered": {"meter_kind": "electricity",
            "tiers": [{"up_to": "180", "price": "0.56"}, {"up_to": "280", "price": "0.61"}, {"price": "0.86"}]}},
   "effective_from": "2020-01-01"}]}"#;

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

/// `n` units, shops (commercial) and flats, each with a water and an electricity meter read at
/// random precisions (0–3 decimals), random multipliers, some read from a mid-month
/// check-in, some with a stuck meter (no consumption).
fn estate_json(n: u64, seed: u64) -> String {
    let mut rng = Lcg(seed);
    let mut units = Vec::new();
    let mut meters = Vec::new();
    for i in 0..n {
        let kind = if rng.below(5) == 0 {
            "commercial"
        } else {
            "residential"
        };
        let area = Decimal::new(3000 + rng.below(20_000) as i64, 2);
        let mid = (rng.below(8) == 0).then(|| 2 + rng.below(27));
        let delivered = mid.map_or("2024-06-01".to_owned(), |d| format!("2026-10-{d:02}"));
        units.push(format!(
            r#"{{"id":"U{i}","building_id":"B","floor":1,"number":"{i}","kind":"{kind}","gross_area":"{area}","occupants":1,"status":"occupied","delivered_on":"{delivered}","status_since":"{delivered}"}}"#
        ));
        let base = mid.map_or("2026-09-30".to_owned(), |d| format!("2026-10-{d:02}"));
        for (prefix, mkind) in [("W", "water"), ("E", "electricity")] {
            let scale = rng.below(4) as u32;
            let start = Decimal::new(rng.below(1_000_000) as i64, scale);
            let used = if rng.below(10) == 0 {
                0
            } else {
                rng.below(600 * 10i64.pow(scale) as u64) as i64
            };
            let end = start + Decimal::new(used, scale);
            let multiplier = ["1", "1", "1", "2", "0.5", "40"][rng.below(6) as usize];
            meters.push(format!(
                r#"{{"id":"{prefix}-{i}-{}","unit_id":"U{i}","kind":"{mkind}","multiplier":"{multiplier}","readings":[{{"date":"{base}","value":"{start}"}},{{"date":"2026-10-31","value":"{end}"}}]}}"#,
                "x".repeat(rng.below(12) as usize)
            ));
        }
    }
    format!(
        r#"{{"id":"rand","name":"Rand","currency":"CNY","buildings":[{{"id":"B","name":"B"}}],"units":[{}],"meters":[{}]}}"#,
        units.join(","),
        meters.join(",")
    )
}

fn tiers(json: &str) -> Vec<Tier> {
    serde_json::from_str(json).unwrap()
}

fn run(n: u64, seed: u64) -> (Estate, BillingRun) {
    let estate = Estate::from_json(&estate_json(n, seed)).unwrap();
    let schedule = FeeSchedule::from_json(SCHEDULE).unwrap();
    let run = bill_estate(
        &estate,
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &BillingInputs::default(),
    )
    .unwrap();
    (estate, run)
}

#[test]
fn every_metered_line_is_priced_as_tiered_cost_prices_it() {
    let (estate, run) = run(20_000, 7);
    let policy = RoundingPolicy::default();
    let water = tiers(
        r#"[{"up_to": "15", "price": "3.45"}, {"up_to": "22", "price": "4.83"}, {"price": "5.83"}]"#,
    );
    let shop_water = tiers(r#"[{"up_to": "7.5", "price": "6.125"}, {"price": "7.9"}]"#);
    let power = tiers(
        r#"[{"up_to": "180", "price": "0.56"}, {"up_to": "280", "price": "0.61"}, {"price": "0.86"}]"#,
    );
    let mut metered = 0;
    let mut total = Decimal::ZERO;
    for bill in run.bills() {
        let unit = estate.unit(&bill.unit_id).unwrap();
        for line in &bill.lines {
            total += line.amount;
            let Explanation::Metered(m) = &line.explanation else {
                continue;
            };
            metered += 1;
            let meter = estate
                .meters_of(&bill.unit_id)
                .into_iter()
                .find(|x| x.id == m.meter_id)
                .unwrap();
            assert_eq!(m.multiplier, meter.multiplier);
            assert_eq!(m.consumption, (m.current - m.previous) * meter.multiplier);
            let t = match (&*line.item_code, unit.kind) {
                ("water", UnitKind::Commercial) => &shop_water,
                ("water", _) => &water,
                _ => &power,
            };
            let (cost, uses) = tiered_cost(m.consumption, t, "tiers").unwrap();
            assert_eq!(line.amount, policy.round(cost), "{}", m.meter_id);
            assert_eq!(m.tiers, uses, "{}", m.meter_id);
            assert!(m.change.is_none() && !m.estimated && !m.previous_estimated);
        }
    }
    assert_eq!(metered, 40_000);
    assert_eq!(total, run.total());
}

#[test]
fn a_run_equals_its_json_read_back_with_every_line_kept_whole() {
    let (_, run) = run(5_000, 11);
    let back = BillingRun::from_json(&run.to_json()).unwrap();
    assert_eq!(back.total(), run.total());
    assert_eq!(back.bills(), run.bills());
    assert!(back == run);
    // And the JSON of the compact run is the JSON of the run read back.
    assert_eq!(back.to_json(), run.to_json());
}
