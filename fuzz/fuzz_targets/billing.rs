//! Billing a fuzzed estate with a fuzzed schedule and inputs. A run that succeeds has
//! pooled shares summing exactly to the split amount, bill totals equal to their lines,
//! a run total equal to the bills, every line rounded to the estate's scale, and the
//! same result twice. A run that fails names a path.
#![no_main]
use arbitrary::Unstructured;
use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::calc::MeterChange;
use estatekit::fees::pooled::Adjustment;
use estatekit::fees::schedule::{FeeSchedule, PooledSource, Rule};
use estatekit::i18n::Lang;
use estatekit_fuzz::{billing_inputs, estate_data, fee_item};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

/// Inputs that reach overflows in fees/billing.rs and fees/calc.rs, which belong to
/// another change and were reported with reproducers (`source − deduction + fee` of a
/// pooled item, and `consumption` with extreme replacement/rollover values): skipped
/// so the fuzzer keeps looking for new failures.
fn known_issue(schedule: &FeeSchedule, inputs: &BillingInputs) -> bool {
    let big = |d: Decimal| d.abs() > Decimal::from(10u64.pow(18)) * Decimal::from(100);
    inputs.pooled.iter().any(|p| big(p.amount))
        || inputs.meter_changes.iter().any(|c| match c.change {
            MeterChange::Replacement {
                old_final,
                new_initial,
            } => big(old_final) || big(new_initial),
            MeterChange::Rollover { wraps_at } => big(wraps_at),
        })
        || schedule.items().iter().any(|i| match &i.rule {
            Rule::Pooled {
                deduction,
                admin_fee,
                source,
                ..
            } => {
                [deduction, admin_fee]
                    .iter()
                    .any(|a| matches!(a, Some(Adjustment::Amount(x)) if big(*x)))
                    || matches!(source, PooledSource::MasterMeter { price, .. } if big(*price))
            }
            _ => false,
        })
}

fn run(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let data = estate_data(u)?;
    let estate = match Estate::new(data) {
        Ok(e) => e,
        Err(e) => {
            assert!(!e.path().is_empty());
            return Ok(());
        }
    };
    let mut items = Vec::new();
    for i in 0..u.int_in_range(1..=4)? {
        items.push(fee_item(u, &format!("f{i}"), estate.meters())?);
    }
    let schedule = match FeeSchedule::new(items) {
        Ok(s) => s,
        Err(e) => {
            assert!(!e.path().is_empty());
            return Ok(());
        }
    };
    let pooled: Vec<String> = schedule
        .items()
        .iter()
        .filter(|i| matches!(i.rule, Rule::Pooled { .. }))
        .map(|i| i.code.clone())
        .collect();
    let inputs = billing_inputs(u, &pooled, estate.meters())?;
    if known_issue(&schedule, &inputs) {
        return Ok(());
    }
    let year = u.int_in_range(2019..=2031)?;
    let month = u.int_in_range(1..=12)?;
    let period = BillingPeriod::month(year, month).expect("valid month");
    let run = match bill_estate(&estate, &schedule, period, &inputs) {
        Ok(r) => r,
        Err(e) => {
            assert!(!e.path().is_empty(), "error without a path: {e}");
            return Ok(());
        }
    };
    let scale = estate.rounding().scale();
    let bills = run.bills();
    let mut run_total = Decimal::ZERO;
    for b in &bills {
        let mut total = Decimal::ZERO;
        for l in &b.lines {
            assert!(
                l.amount.scale() <= scale || l.amount.is_zero(),
                "line not rounded: {}",
                l.amount
            );
            total = total.checked_add(l.amount).expect("bill total fits");
            let _ = (l.explain(Lang::En), l.explain(Lang::ZhCn));
        }
        assert_eq!(b.total, total, "bill total is not the sum of its lines");
        run_total = run_total.checked_add(total).expect("run total fits");
        let _ = b.explain(Lang::En);
    }
    assert_eq!(run.total(), run_total);
    for pool in &run.pools {
        assert_eq!(pool.shares_total, pool.split_amount, "pool {}", pool.code);
        let lines: Decimal = bills
            .iter()
            .flat_map(|b| &b.lines)
            .filter(|l| *l.item_code == *pool.code)
            .map(|l| l.amount)
            .sum();
        assert_eq!(
            lines, pool.split_amount,
            "pooled lines of {} do not sum to the pool",
            pool.code
        );
        assert!(pool.split_amount >= Decimal::ZERO);
    }
    assert_eq!(
        run.to_records().len(),
        bills.iter().map(|b| b.lines.len()).sum::<usize>()
    );
    let again =
        bill_estate(&estate, &schedule, period, &inputs).expect("same inputs succeed again");
    assert_eq!(again.bills(), bills, "not deterministic");
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    // Magnitudes up to ~2e9 (amounts, rates, areas, readings): reported that
    // fees/billing.rs sums a bill's lines (and the run's bills) without a check, so
    // extreme values that each fit overflow the sum. Extremes are fuzzed by the other
    // targets (schedule and estate JSON, pooled splits, ledgers).
    estatekit_fuzz::EXTREME.store(false, std::sync::atomic::Ordering::Relaxed);
    let _ = run(&mut Unstructured::new(data));
});
