//! Times the fee workload of `estatekit_benches` in Rust for each unit count given:
//! `fees_workload 10000 100000 1000000` prints one JSON line per count.

use std::time::Instant;

use estatekit::estate::Estate;
use estatekit::fees::schedule::FeeSchedule;
use estatekit_benches::{SCHEDULE, estate_json, overdue_items, run_fee_workload};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let schedule = FeeSchedule::from_json(SCHEDULE)?;
    for arg in std::env::args().skip(1) {
        let n: u64 = arg.parse()?;
        let estate = Estate::from_json(&estate_json(n))?;
        let items = overdue_items(n);
        let mut best = f64::INFINITY;
        let mut total = rust_decimal::Decimal::ZERO;
        let repeats = if n >= 1_000_000 { 3 } else { 5 };
        for _ in 0..repeats {
            let t = Instant::now();
            total = run_fee_workload(&estate, &schedule, &items)?;
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            r#"{{"n": {n}, "seconds": {best:.6}, "ns_per_unit": {:.1}, "total": "{total}"}}"#,
            best * 1e9 / n as f64
        );
    }
    Ok(())
}
