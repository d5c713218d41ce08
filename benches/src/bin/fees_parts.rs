//! Times the parts of the fee workload separately (profiling aid).
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::calc::{PenaltyPolicy, late_penalty_batch};
use estatekit::fees::schedule::FeeSchedule;
use estatekit_benches::{SCHEDULE, load_estate, overdue_items, pooled_amount};
use std::time::Instant;
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args().nth(1).map_or(Ok(200_000), |a| a.parse())?;
    let schedule = FeeSchedule::from_json(SCHEDULE)?;
    let estate = load_estate(n)?;
    let items = overdue_items(n);
    let inputs = BillingInputs::default().with_pooled("common", pooled_amount(n));
    let period = BillingPeriod::month(2026, 10)?;
    for _ in 0..3 {
        let t = Instant::now();
        let run = bill_estate(&estate, &schedule, period, &inputs)?;
        let t1 = t.elapsed();
        let t = Instant::now();
        let total = run.total();
        let t2 = t.elapsed();
        let t = Instant::now();
        drop(run);
        let t3 = t.elapsed();
        let t = Instant::now();
        let p = late_penalty_batch(
            &items,
            "2026-10-31".parse()?,
            &PenaltyPolicy::daily("0.0005".parse()?),
            estate.rounding(),
        )?;
        let t4 = t.elapsed();
        println!(
            "bill {:?} ({:.0} ns/unit) total {:?} drop {:?} penalties {:?} ({:.0} ns/item) {}",
            t1,
            t1.as_nanos() as f64 / n as f64,
            t2,
            t3,
            t4,
            t4.as_nanos() as f64 / (6 * n) as f64,
            total + p.total()?
        );
    }
    Ok(())
}
