//! Shared workloads of the benchmarks (criterion benches, `fees_workload` binary and the
//! cross-language comparison in `fees_vs_python.py`).
//!
//! The fee workload per unit: an area fee of 3.70/m²/month on gross area, prorated by
//! days for units delivered mid-month, 70 % for vacant units; a share of a pooled
//! common-area bill split by gross area with exact sum; a water and an electricity
//! meter, each billed by its consumption at tiered prices (a check-in base reading for
//! units delivered mid-month, nothing consumed by vacant ones); a share of the common
//! water (a master meter less the units' meters) split by water usage; a 0.05 %/day
//! penalty on six overdue monthly fees. `fees_vs_python.py` generates the same estate
//! and mirrors the arithmetic in pure Python.

use chrono::NaiveDate;
use estatekit::estate::{Estate, EstateData};
use estatekit::fees::billing::{
    BillingInputs, BillingPeriod, BillingRun, bill_estate, bill_estate_threads,
};
use estatekit::fees::calc::{PenaltyPolicy, late_penalty_batch_threads};
use estatekit::fees::schedule::FeeSchedule;
use rust_decimal::Decimal;

/// The schedule of the fee workload (`fees_vs_python.py` reads it from this file: it
/// must stay the first raw string here).
pub const SCHEDULE: &str = r#"{"format_version": 1, "items": [
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
   "effective_from": "2020-01-01"},
  {"code": "common_water", "name_zh": "公共用水分摊", "name_en": "Common water",
   "rule": {"pooled": {"source": {"master_meter": {"meter_id": "W-MASTER", "price": "3.45", "subtract_sub_meters": true}},
            "method": "usage"}},
   "effective_from": "2020-01-01"}]}"#;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Unit `i` of the synthetic estate: (gross area in hundredths, vacant, delivery day in
/// October 2026 or `None` when delivered long before).
pub fn unit_params(i: u64) -> (i64, bool, Option<u32>) {
    let area = 5000 + (i * 7919 % 9000) as i64;
    let vacant = i % 10 == 3;
    let mid_month = (i % 25 == 7).then(|| 2 + (i % 27) as u32);
    (area, vacant, mid_month)
}

/// Unit `i`'s meters: (water register before, water used, electricity register
/// before, electricity used), in tenths of m³ and kWh. Vacant units use nothing.
pub fn meter_params(i: u64) -> (i64, i64, i64, i64) {
    let (_, vacant, _) = unit_params(i);
    let (water, electricity) = if vacant {
        (0, 0)
    } else {
        (50 + (i * 31 % 250) as i64, 1000 + (i * 37 % 3000) as i64)
    };
    (
        10_000 + (i * 7 % 5000) as i64,
        water,
        200_000 + (i * 11 % 90_000) as i64,
        electricity,
    )
}

/// The master water meter's October reading, in tenths of m³ (September's is 0): the
/// units' water plus 1 m³ a unit for the common areas.
pub fn master_water(n: u64) -> i64 {
    (0..n).map(|i| meter_params(i).1).sum::<i64>() + 10 * n as i64
}

/// The synthetic estate of `n` units as JSON (the same as `fees_vs_python.py` builds).
pub fn estate_json(n: u64) -> String {
    let mut units = Vec::with_capacity(n as usize);
    let mut meters = Vec::with_capacity(2 * n as usize + 1);
    let tenths = |v: i64| Decimal::new(v, 1);
    for i in 0..n {
        let (area, vacant, mid) = unit_params(i);
        let delivered = match mid {
            Some(day) => format!("2026-10-{day:02}"),
            None => "2024-06-01".to_owned(),
        };
        let (status, occupants) = if vacant {
            ("delivered", 0)
        } else {
            ("occupied", 1 + i % 4)
        };
        units.push(format!(
            r#"{{"id":"U{i}","building_id":"B","floor":1,"number":"{i}","kind":"residential","gross_area":"{}","occupants":{occupants},"status":"{status}","delivered_on":"{delivered}","status_since":"{delivered}"}}"#,
            Decimal::new(area, 2)
        ));
        // A unit delivered mid-month has a base reading from its check-in that day.
        let base = match mid {
            Some(day) => format!("2026-10-{day:02}"),
            None => "2026-09-30".to_owned(),
        };
        let (water_base, water, power_base, power) = meter_params(i);
        for (prefix, kind, start, used) in [
            ("W", "water", water_base, water),
            ("E", "electricity", power_base, power),
        ] {
            meters.push(format!(
                r#"{{"id":"{prefix}{i}","unit_id":"U{i}","kind":"{kind}","readings":[{{"date":"{base}","value":"{}"}},{{"date":"2026-10-31","value":"{}"}}]}}"#,
                tenths(start),
                tenths(start + used)
            ));
        }
    }
    meters.push(format!(
        r#"{{"id":"W-MASTER","kind":"water","readings":[{{"date":"2026-09-30","value":"0"}},{{"date":"2026-10-31","value":"{}"}}]}}"#,
        tenths(master_water(n))
    ));
    format!(
        r#"{{"id":"bench","name":"Bench","currency":"CNY","buildings":[{{"id":"B","name":"B"}}],"units":[{}],"meters":[{}]}}"#,
        units.join(","),
        meters.join(",")
    )
}

/// The synthetic estate of `n` units (the document of [`estate_json`]), read without
/// `Estate::from_json`'s size limit ([`estatekit::MAX_ESTATE_DOCUMENT_BYTES`]: a million
/// units are about 490 MB of JSON) and validated by `Estate::new` as that would.
///
/// # Errors
/// Any JSON or estate error (none for the synthetic data).
pub fn load_estate(n: u64) -> Result<Estate, Box<dyn std::error::Error>> {
    let data: EstateData = serde_json::from_str(&estate_json(n))?;
    Ok(Estate::new(data)?)
}

/// The pooled common-area bill for `n` units: 5.55 a unit.
pub fn pooled_amount(n: u64) -> Decimal {
    Decimal::new(555, 2) * Decimal::from(n)
}

/// Six overdue monthly management fees per unit (April–September 2026, due the 15th):
/// the full-month fee of the unit.
pub fn overdue_items(n: u64) -> Vec<(Decimal, NaiveDate)> {
    let rate = Decimal::new(370, 2);
    let mut items = Vec::with_capacity(6 * n as usize);
    for i in 0..n {
        let (area, vacant, _) = unit_params(i);
        let mut fee = Decimal::new(area, 2) * rate;
        if vacant {
            fee *= Decimal::new(7, 1);
        }
        let fee =
            fee.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        for month in 4..=9 {
            items.push((fee, date(2026, month, 15)));
        }
    }
    items
}

/// Bills October 2026 and computes the penalties as of October 31; returns the sum of
/// all bills and penalties (to check that every implementation agrees).
///
/// # Errors
/// Any fee error (none for the synthetic data).
pub fn run_fee_workload(
    estate: &Estate,
    schedule: &FeeSchedule,
    items: &[(Decimal, NaiveDate)],
) -> Result<Decimal, estatekit::fees::FeeError> {
    run_fee_workload_threads(estate, schedule, items, 1)
}

/// [`run_fee_workload`] on `threads` threads (0: every core).
///
/// # Errors
/// Any fee error (none for the synthetic data).
pub fn run_fee_workload_threads(
    estate: &Estate,
    schedule: &FeeSchedule,
    items: &[(Decimal, NaiveDate)],
    threads: u32,
) -> Result<Decimal, estatekit::fees::FeeError> {
    let n = estate.units().len() as u64;
    let inputs = BillingInputs::default().with_pooled("common", pooled_amount(n));
    let run = bill_estate_threads(
        estate,
        schedule,
        BillingPeriod::month(2026, 10)?,
        &inputs,
        threads,
    )?;
    let penalties = late_penalty_batch_threads(
        items,
        date(2026, 10, 31),
        &PenaltyPolicy::daily(Decimal::new(5, 4)),
        estate.rounding(),
        threads,
    )?
    .total()?;
    Ok(run.total() + penalties)
}

/// The October 2026 run of the workload (untimed: for [`line_digest`]).
///
/// # Errors
/// Any fee error (none for the synthetic data).
pub fn bill_workload(
    estate: &Estate,
    schedule: &FeeSchedule,
) -> Result<BillingRun, estatekit::fees::FeeError> {
    let n = estate.units().len() as u64;
    let inputs = BillingInputs::default().with_pooled("common", pooled_amount(n));
    bill_estate(estate, schedule, BillingPeriod::month(2026, 10)?, &inputs)
}

/// A digest of every line amount of a run, in bill and line order: the sum of
/// `(k + 1) × amount in cents` over the lines `k`, modulo 2^61 − 1. `fees_vs_python.py`
/// computes the same over the pure-Python peer's lines, so the implementations agree
/// line by line, not only in total.
pub fn line_digest(run: &BillingRun) -> u64 {
    const M: i128 = (1 << 61) - 1;
    let mut digest: i128 = 0;
    let mut k: i128 = 0;
    for bill in run.bills() {
        for line in &bill.lines {
            k += 1;
            let mut cents = line.amount;
            cents.rescale(2);
            digest = (digest + k * cents.mantissa()).rem_euclid(M);
        }
    }
    digest as u64
}
