//! Billing at scale with meters: 20,000 units with a water and an electricity meter
//! each, billed for their metered consumption and a share of the common water split
//! by usage, in the normal (debug) test run. Looking up every unit's meters by
//! scanning all meters made this quadratic (2.4 billion meter comparisons here); the
//! operation count is checked in `estate::tests::billing_examines_meter_records_linearly`.
//! This file checks the results at that size, exactly, and that the meter index keeps
//! document order.
#![allow(clippy::unwrap_used)]

use estatekit::estate::{Building, Estate, EstateData, Meter, MeterKind, Reading, Unit};
use estatekit::estate::{UnitKind, UnitStatus};
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::money::{RoundingPolicy, allocate};
use rust_decimal::Decimal;

const SCHEDULE: &str = r#"{"format_version": 1, "items": [
  {"code": "water", "name_zh": "水费", "name_en": "Water", "effective_from": "2020-01-01",
   "rule": {"metered": {"meter_kind": "water", "tiers": [{"up_to": "15", "price": "3.45"}, {"price": "5.83"}]}}},
  {"code": "electricity", "name_zh": "电费", "name_en": "Electricity", "effective_from": "2020-01-01",
   "rule": {"metered": {"meter_kind": "electricity", "tiers": [{"up_to": "180", "price": "0.56"}, {"price": "0.86"}]}}},
  {"code": "common_water", "name_zh": "公共用水", "name_en": "Common water", "effective_from": "2020-01-01",
   "rule": {"pooled": {"source": {"master_meter": {"meter_id": "W-MASTER", "price": "3.45", "subtract_sub_meters": true}},
                       "method": "usage"}}}]}"#;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn water_used(i: u64) -> u64 {
    5 + i * 13 % 20
}

fn electricity_used(i: u64) -> u64 {
    100 + i * 37 % 250
}

fn reading(date: &str, value: u64) -> Reading {
    Reading::new(date.parse().unwrap(), Decimal::from(value))
}

fn unit(i: u64) -> Unit {
    Unit {
        id: format!("U{i}"),
        building_id: "B".into(),
        floor: 1,
        number: i.to_string(),
        kind: UnitKind::Residential,
        gross_area: Decimal::from(50 + i % 90),
        internal_area: None,
        occupants: 1 + (i % 4) as u32,
        status: UnitStatus::Occupied,
        status_since: "2024-06-01".parse().ok(),
        delivered_on: "2024-06-01".parse().ok(),
    }
}

fn meter(id: String, unit: Option<String>, kind: MeterKind, used: u64) -> Meter {
    Meter {
        id,
        unit_id: unit,
        kind,
        multiplier: Decimal::ONE,
        readings: vec![
            reading("2026-09-30", 1000),
            reading("2026-10-31", 1000 + used),
        ],
        changes: Vec::new(),
    }
}

fn estate(units: Vec<Unit>, meters: Vec<Meter>) -> Estate {
    Estate::new(EstateData {
        format_version: 1,
        id: "scale".into(),
        name: "Scale".into(),
        currency: "CNY".into(),
        rounding: RoundingPolicy::default(),
        area_unit: Default::default(),
        round: Default::default(),
        buildings: vec![Building {
            id: "B".into(),
            name: "B".into(),
        }],
        units,
        meters,
        status_history: Vec::new(),
    })
    .unwrap()
}

/// `n` units; every unit's electricity meter is listed after all the water meters
/// (so a unit's meters are not adjacent in the document), the master in the middle.
fn metered_estate(n: u64) -> Estate {
    let units = (0..n).map(unit).collect();
    let mut meters: Vec<Meter> = (0..n)
        .map(|i| {
            meter(
                format!("W-U{i}"),
                Some(format!("U{i}")),
                MeterKind::Water,
                water_used(i),
            )
        })
        .collect();
    meters.push(meter(
        "W-MASTER".into(),
        None,
        MeterKind::Water,
        30 * n - 1000,
    ));
    meters.extend((0..n).map(|i| {
        meter(
            format!("E-U{i}"),
            Some(format!("U{i}")),
            MeterKind::Electricity,
            electricity_used(i),
        )
    }));
    estate(units, meters)
}

/// The tiered cost of `used` in cents: `limit` at `low` cents, the rest at `high`.
fn tiered_cents(used: u64, limit: u64, low: u64, high: u64) -> u64 {
    used.min(limit) * low + used.saturating_sub(limit) * high
}

#[test]
fn twenty_thousand_units_with_two_meters_each_bill_exactly() {
    let n = 20_000;
    let estate = metered_estate(n);
    // The index keeps document order: water before electricity for every unit.
    for i in [0, 1, n / 2, n - 1] {
        let ids: Vec<&str> = estate
            .meters_of(&format!("U{i}"))
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(ids, [format!("W-U{i}"), format!("E-U{i}")]);
    }
    assert!(estate.meters_of("W-MASTER").is_empty());

    let schedule = FeeSchedule::from_json(SCHEDULE).unwrap();
    let period = BillingPeriod::month(2026, 10).unwrap();
    let run = bill_estate(&estate, &schedule, period, &BillingInputs::default()).unwrap();
    assert_eq!(run.bill_count(), n as usize);

    // The common water: the master's consumption less the units', at 3.45, by usage.
    let units_water: u64 = (0..n).map(water_used).sum();
    let common = 30 * n - 1000 - units_water;
    let pool = &run.pools[0];
    assert_eq!(pool.consumption, Some(Decimal::from(common)));
    assert_eq!(pool.split_amount, Decimal::from(common) * dec("3.45"));
    assert_eq!(pool.shares_total, pool.split_amount);
    assert_eq!(pool.participants, n as usize);
    let weights: Vec<Decimal> = (0..n).map(|i| Decimal::from(water_used(i))).collect();
    let shares = allocate(pool.split_amount, &weights, &RoundingPolicy::default())
        .unwrap()
        .parts;

    let mut expected_total = Decimal::ZERO;
    for i in 0..n {
        let water = Decimal::new(tiered_cents(water_used(i), 15, 345, 583) as i64, 2);
        let electricity = Decimal::new(tiered_cents(electricity_used(i), 180, 56, 86) as i64, 2);
        expected_total += water + electricity + shares[i as usize];
        if i % 997 == 0 {
            let bill = run.bill(&format!("U{i}")).unwrap();
            let amounts: Vec<Decimal> = bill.lines.iter().map(|l| l.amount).collect();
            assert_eq!(
                amounts,
                [water, electricity, shares[i as usize]],
                "unit U{i}"
            );
        }
    }
    assert_eq!(run.total(), expected_total);
    // One unit in full: 18 m³ of water (15 × 3.45 + 3 × 5.83) and 137 kWh.
    let bill = run.bill("U1").unwrap();
    assert_eq!(
        bill.lines[0].explain(estatekit::i18n::Lang::En),
        "water meter W-U1: (1018 − 1000) × 1 = 18; 15 × 3.45 + 3 × 5.83 = 69.24"
    );
    assert_eq!(
        bill.lines[1].explain(estatekit::i18n::Lang::En),
        "electricity meter E-U1: (1137 − 1000) × 1 = 137; 137 × 0.56 = 76.72"
    );
}

/// `meters_of` equals a scan of every meter in document order, for meters listed in
/// a scrambled order, common meters among them.
#[test]
fn meter_index_matches_a_scan_in_document_order() {
    let n = 50u64;
    let units: Vec<Unit> = (0..n).map(unit).collect();
    let mut meters = Vec::new();
    let mut x = 12345u64;
    for k in 0..400u64 {
        // A small linear congruential generator: deterministic, scrambled.
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let owner = (x >> 33) % (n + 5);
        let unit_id = (owner < n).then(|| format!("U{owner}"));
        let kind = MeterKind::ALL[(x >> 20) as usize % MeterKind::ALL.len()];
        meters.push(meter(format!("M{k}"), unit_id, kind, k % 7));
    }
    let estate = estate(units, meters);
    for u in estate.units() {
        let indexed: Vec<&str> = estate
            .meters_of(&u.id)
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        let scanned: Vec<&str> = estate
            .meters()
            .iter()
            .filter(|m| m.unit_id.as_deref() == Some(u.id.as_str()))
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(indexed, scanned, "unit {}", u.id);
    }
    let indexed: usize = estate
        .units()
        .iter()
        .map(|u| estate.meters_of(&u.id).len())
        .sum();
    let owned = estate
        .meters()
        .iter()
        .filter(|m| m.unit_id.is_some())
        .count();
    assert_eq!(indexed, owned);
    // A round trip through JSON builds the same index.
    let again = Estate::from_json(&estate.to_json()).unwrap();
    assert_eq!(again, estate);
    assert_eq!(again.meters_of("U7"), estate.meters_of("U7"));
}
