//! Shared workloads of the benchmarks (criterion benches, `fees_workload` binary and the
//! cross-language comparison in `fees_vs_python.py`).
//!
//! The fee workload per unit: an area fee of 3.70/m²/month on gross area, prorated by
//! days for units delivered mid-month, 70 % for vacant units; a share of a pooled
//! common-area bill split by gross area with exact sum; a 0.05 %/day penalty on six
//! overdue monthly fees. `fees_vs_python.py` generates the same estate and mirrors the
//! arithmetic in pure Python.

use chrono::NaiveDate;
use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::calc::{PenaltyPolicy, late_penalty_batch};
use estatekit::fees::schedule::FeeSchedule;
use rust_decimal::Decimal;

/// The schedule of the fee workload.
pub const SCHEDULE: &str = r#"{"format_version": 1, "items": [
  {"code": "management", "name_zh": "物业服务费", "name_en": "Management fee",
   "rule": {"area": {"rate": "3.70"}}, "status_factors": [{"status": "delivered", "factor": "0.7"}],
   "effective_from": "2020-01-01"},
  {"code": "common", "name_zh": "公摊电费", "name_en": "Common-area electricity",
   "rule": {"pooled": {"source": "given", "method": "area"}}, "effective_from": "2020-01-01"}]}"#;

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

/// The synthetic estate of `n` units as JSON (the same as `fees_vs_python.py` builds).
pub fn estate_json(n: u64) -> String {
    let mut units = Vec::with_capacity(n as usize);
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
    }
    format!(
        r#"{{"id":"bench","name":"Bench","currency":"CNY","buildings":[{{"id":"B","name":"B"}}],"units":[{}]}}"#,
        units.join(",")
    )
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
    let n = estate.units().len() as u64;
    let inputs = BillingInputs::default().with_pooled("common", pooled_amount(n));
    let run = bill_estate(estate, schedule, BillingPeriod::month(2026, 10)?, &inputs)?;
    let penalties = late_penalty_batch(
        items,
        date(2026, 10, 31),
        &PenaltyPolicy::daily(Decimal::new(5, 4)),
        estate.rounding(),
    )?
    .total()?;
    Ok(run.total() + penalties)
}
