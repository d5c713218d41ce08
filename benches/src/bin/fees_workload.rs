//! Times the fee workload of `estatekit_benches` in Rust for each unit count given:
//! `fees_workload 10000 100000 1000000` prints one JSON line per count, with the best
//! wall time and the best CPU time of the thread (user and system time, page faults
//! included; robust when the machine is shared), the run's total and a digest of its
//! line amounts (see `estatekit_benches::line_digest`, computed outside the timing).
//! `--threads N` (before the counts) bills on N threads (0: every core; default 1);
//! the CPU time is then the calling thread's only, so compare wall times.

use std::time::Instant;

use estatekit::fees::schedule::FeeSchedule;
use estatekit_benches::{
    SCHEDULE, bill_workload, line_digest, load_estate, overdue_items, run_fee_workload_threads,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let schedule = FeeSchedule::from_json(SCHEDULE)?;
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut threads = 1u32;
    if args.first().map(String::as_str) == Some("--threads") {
        threads = args.get(1).ok_or("--threads needs a count")?.parse()?;
        args.drain(..2);
    }
    for arg in args {
        let n: u64 = arg.parse()?;
        let estate = load_estate(n)?;
        let items = overdue_items(n);
        let mut best = f64::INFINITY;
        let mut best_cpu = f64::INFINITY;
        let mut total = rust_decimal::Decimal::ZERO;
        let repeats = if n >= 1_000_000 { 3 } else { 5 };
        for _ in 0..repeats {
            let (t, c) = (Instant::now(), thread_cpu_seconds());
            total = run_fee_workload_threads(&estate, &schedule, &items, threads)?;
            best = best.min(t.elapsed().as_secs_f64());
            if let (Some(c0), Some(c1)) = (c, thread_cpu_seconds()) {
                best_cpu = best_cpu.min(c1 - c0);
            }
        }
        let digest = line_digest(&bill_workload(&estate, &schedule)?);
        println!(
            r#"{{"n": {n}, "threads": {threads}, "seconds": {best:.6}, "cpu_seconds": {best_cpu:.6}, "ns_per_unit": {:.1}, "total": "{total}", "digest": {digest}}}"#,
            best * 1e9 / n as f64
        );
    }
    Ok(())
}

/// CPU time of this thread so far (user and system, page faults included), in
/// seconds, from `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`.
fn thread_cpu_seconds() -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes to it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9)
}
