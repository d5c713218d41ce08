//! Scaling check of the bulk fee entry points, by counting: each is run on N and 10·N
//! inputs under `valgrind --tool=callgrind`, counting only the instructions of the call
//! itself (`--toggle-collect` on [`measured`]; building the inputs is not counted),
//! and 10× the input must cost at most 12× the instructions. Wall times (without
//! valgrind) are printed beside them.
//!
//! ```text
//! cargo build --release -p estatekit-benches --bin scaling_fees
//! target/release/scaling_fees                 # every case, N = 10000 (needs valgrind)
//! target/release/scaling_fees 20000 bill      # N and the cases to run
//! target/release/scaling_fees --time 1000000  # wall times only, at each size given
//! target/release/scaling_fees run bill 10000  # one measured call (what valgrind runs)
//! ```
//!
//! Cases: `bill` (`bill_estate` on the fee workload: area fee, pooled share, a water
//! and an electricity meter per unit at tiered prices, common water split by usage),
//! `bills` (materialising every bill of that run), `estate_from_json` (the workload's
//! estate document, meters included), `meters_of` (every unit's meters through the
//! public lookup), `allocate` (`money::allocate`, one weight per unit),
//! `pooled_split` (`fees::pooled::split`, hybrid by occupants and area) and
//! `late_penalty_batch` (six overdue items per unit). Exits non-zero when a ratio
//! exceeds 12.

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::calc::{PenaltyPolicy, late_penalty_batch};
use estatekit::fees::pooled::{Basis, BasisWeight, PoolUnit, SplitMethod, split};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::money::{RoundingPolicy, allocate};
use estatekit_benches::{
    SCHEDULE, estate_json, load_estate, overdue_items, pooled_amount, unit_params,
};
use rust_decimal::Decimal;

type Error = Box<dyn std::error::Error>;

const CASES: [&str; 7] = [
    "bill",
    "bills",
    "estate_from_json",
    "meters_of",
    "allocate",
    "pooled_split",
    "late_penalty_batch",
];

/// The measured call: callgrind counts from its entry to its exit only.
#[inline(never)]
fn measured<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Builds the inputs of `case` for `n` units, then times one measured call of it.
fn run(case: &str, n: u64) -> Result<f64, Error> {
    let policy = RoundingPolicy::default();
    let estate = || load_estate(n);
    let schedule = FeeSchedule::from_json(SCHEDULE)?;
    let inputs = BillingInputs::default().with_pooled("common", pooled_amount(n));
    let period = BillingPeriod::month(2026, 10)?;
    match case {
        "bill" => {
            let estate = estate()?;
            let t = Instant::now();
            let run = measured(|| bill_estate(&estate, &schedule, period, &inputs))?;
            let s = t.elapsed().as_secs_f64();
            black_box(run);
            Ok(s)
        }
        "bills" => {
            let estate = estate()?;
            let run = bill_estate(&estate, &schedule, period, &inputs)?;
            let t = Instant::now();
            let bills = measured(|| run.bills());
            let s = t.elapsed().as_secs_f64();
            black_box(bills);
            Ok(s)
        }
        "estate_from_json" => {
            let text = estate_json(n);
            let t = Instant::now();
            let estate = measured(|| Estate::from_json(&text))?;
            let s = t.elapsed().as_secs_f64();
            black_box(estate);
            Ok(s)
        }
        "meters_of" => {
            let estate = estate()?;
            let t = Instant::now();
            let found = measured(|| {
                estate
                    .units()
                    .iter()
                    .map(|u| estate.meters_of(&u.id).len())
                    .sum::<usize>()
            });
            let s = t.elapsed().as_secs_f64();
            assert_eq!(found, 2 * n as usize);
            Ok(s)
        }
        "allocate" => {
            let weights: Vec<Decimal> = (0..n).map(|i| Decimal::new(unit_params(i).0, 2)).collect();
            let total = pooled_amount(n);
            let t = Instant::now();
            let a = measured(|| allocate(total, &weights, &policy))?;
            let s = t.elapsed().as_secs_f64();
            black_box(a);
            Ok(s)
        }
        "pooled_split" => {
            let units: Vec<PoolUnit> = (0..n)
                .map(|i| {
                    let mut u = PoolUnit::new(format!("U{i}"), Decimal::new(unit_params(i).0, 2));
                    u.occupants = 1 + (i % 4) as u32;
                    u
                })
                .collect();
            let half = Decimal::new(5, 1);
            let method = SplitMethod::Hybrid(vec![
                BasisWeight {
                    basis: Basis::Occupants,
                    weight: half,
                },
                BasisWeight {
                    basis: Basis::Area,
                    weight: half,
                },
            ]);
            let total = pooled_amount(n);
            let t = Instant::now();
            let shares = measured(|| split(total, &units, &method, &policy))?;
            let s = t.elapsed().as_secs_f64();
            black_box(shares);
            Ok(s)
        }
        "late_penalty_batch" => {
            let items = overdue_items(n);
            let as_of = "2026-10-31".parse()?;
            let p = PenaltyPolicy::daily(Decimal::new(5, 4));
            let t = Instant::now();
            let batch = measured(|| late_penalty_batch(&items, as_of, &p, &policy))?;
            let s = t.elapsed().as_secs_f64();
            black_box(batch);
            Ok(s)
        }
        other => Err(format!("unknown case {other:?}; expected one of {CASES:?}").into()),
    }
}

/// Instructions of the measured call of `case` at `n`, counted by callgrind.
fn instructions(case: &str, n: u64) -> Result<u64, Error> {
    let exe = std::env::current_exe()?;
    let out = std::env::temp_dir().join(format!(
        "scaling_fees.{}.{case}.{n}.out",
        std::process::id()
    ));
    let status = Command::new("valgrind")
        .args(["--tool=callgrind", "--toggle-collect=*measured*", "-q"])
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(&exe)
        .args(["run", case, &n.to_string()])
        .stdout(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        return Err(format!("valgrind failed on {case} {n}: {status}").into());
    }
    let text = std::fs::read_to_string(&out)?;
    let _ = std::fs::remove_file(&out);
    let total = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or("no totals in the callgrind output")?;
    Ok(total)
}

/// Best wall time of `case` at `n` over a few runs, in this process.
fn best_time(case: &str, n: u64) -> Result<f64, Error> {
    let repeats = if n >= 1_000_000 { 2 } else { 3 };
    let mut best = f64::INFINITY;
    for _ in 0..repeats {
        best = best.min(run(case, n)?);
    }
    Ok(best)
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => {
            let (case, n) = match (args.get(1), args.get(2)) {
                (Some(c), Some(n)) => (c.as_str(), n.parse()?),
                _ => return Err("usage: scaling_fees run <case> <n>".into()),
            };
            println!("{:.6}", run(case, n)?);
            Ok(())
        }
        Some("--time") => {
            let sizes: Vec<u64> = args[1..]
                .iter()
                .map(|a| a.parse())
                .collect::<Result<_, _>>()?;
            println!(
                "{:>20} {:>9} {:>12} {:>10}",
                "case", "n", "seconds", "ns/unit"
            );
            for case in CASES {
                for &n in &sizes {
                    let s = best_time(case, n)?;
                    println!("{case:>20} {n:>9} {s:>12.6} {:>10.1}", s * 1e9 / n as f64);
                }
            }
            Ok(())
        }
        _ => {
            let n: u64 = args.first().map_or(Ok(10_000), |a| a.parse())?;
            let cases: Vec<&str> = if args.len() > 1 {
                args[1..].iter().map(String::as_str).collect()
            } else {
                CASES.to_vec()
            };
            let big = 10 * n;
            println!(
                "{:>20} {:>14} {:>14} {:>7} {:>12} {:>12} {:>7}",
                "case",
                format!("Ir n={n}"),
                format!("Ir n={big}"),
                "Ir x",
                "wall n",
                "wall 10n",
                "wall x"
            );
            let mut worst: f64 = 0.0;
            for case in cases {
                let (small, large) = (instructions(case, n)?, instructions(case, big)?);
                let ratio = large as f64 / small.max(1) as f64;
                worst = worst.max(ratio);
                let (ts, tl) = (best_time(case, n)?, best_time(case, big)?);
                println!(
                    "{case:>20} {small:>14} {large:>14} {ratio:>7.2} {ts:>12.6} {tl:>12.6} {:>7.2}",
                    tl / ts
                );
            }
            if worst > 12.0 {
                return Err(
                    format!("10x the input cost {worst:.2}x the instructions (limit 12x)").into(),
                );
            }
            println!("every case: 10x the input costs at most 12x the instructions ({worst:.2}x)");
            Ok(())
        }
    }
}
