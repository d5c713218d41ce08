//! The batches that use every core (issue 22, point 2), timed by thread count:
//! `classify_batch_threads` and `predict_batch_threads` on N texts of the labelled set
//! (repeated and varied), and `late_penalty_batch_threads` on N overdue items (six a
//! unit, as in the fee workload). For each thread count it prints the best wall time,
//! the CPU time of the process over the same call (every thread's, user and system),
//! the speed-up on the one-thread wall time, and checks that the result is the
//! one-thread result.
//!
//! ```text
//! cargo build --release -p estatekit-benches --bin threads
//! target/release/threads classify 100000 1 2     # N, then the thread counts (0: every core)
//! target/release/threads penalties 1000000 1 2
//! target/release/threads run classify 10000 1    # one measured call (what valgrind runs):
//! valgrind --tool=callgrind "--toggle-collect=*measured*" --callgrind-out-file=/dev/null \
//!     target/release/threads run penalties 100000 1 2>&1 | grep refs
//! ```

use std::hint::black_box;
use std::time::Instant;

use estatekit::fees::calc::{PenaltyBatch, PenaltyPolicy, late_penalty_batch_threads};
use estatekit::money::RoundingPolicy;
use estatekit::tickets::{Classification, TicketClassifier};
use estatekit_benches::overdue_items;
use rust_decimal::Decimal;

type Error = Box<dyn std::error::Error>;

/// The measured call: callgrind counts from its entry to its exit only.
#[inline(never)]
fn measured<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// CPU time of the whole process so far (every thread, user and system), in seconds.
fn process_cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes to it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc == 0 {
        ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
    } else {
        f64::NAN
    }
}

/// `n` texts: the labelled set, repeated, every other pass with a building number
/// before the text and every third with exclamation marks after it.
fn texts(n: usize) -> Vec<String> {
    let all: Vec<String> = include_str!("../../../core/tests/data/tickets_labelled.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect();
    (0..n)
        .map(|i| {
            let t = &all[i % all.len()];
            let pass = i / all.len();
            let mut s = if pass % 2 == 1 {
                format!("{}号楼{}单元 {t}", 1 + pass % 30, 1 + i % 4)
            } else {
                t.clone()
            };
            if pass % 3 == 2 {
                s.push_str("！！");
            }
            s
        })
        .collect()
}

enum Out {
    Classified(Vec<Classification>),
    Predicted(Vec<String>),
    Penalties(PenaltyBatch),
}

impl Out {
    /// What the result comes to (compared across thread counts besides equality).
    fn summary(&self) -> String {
        match self {
            Out::Classified(c) => format!(
                "{} texts, {} evidence",
                c.len(),
                c.iter().map(|c| c.evidence.len()).sum::<usize>()
            ),
            Out::Predicted(p) => format!(
                "{} texts, {} bytes of labels",
                p.len(),
                p.iter().map(String::len).sum::<usize>()
            ),
            Out::Penalties(b) => format!(
                "{} items, total {}",
                b.len(),
                b.total().unwrap_or(Decimal::MAX)
            ),
        }
    }

    fn same(&self, other: &Out) -> bool {
        match (self, other) {
            (Out::Classified(a), Out::Classified(b)) => a == b,
            (Out::Predicted(a), Out::Predicted(b)) => a == b,
            (Out::Penalties(a), Out::Penalties(b)) => a == b,
            _ => false,
        }
    }
}

enum Input {
    Texts(Box<TicketClassifier>, Vec<String>, bool),
    Items(Vec<(Decimal, chrono::NaiveDate)>),
}

fn input(case: &str, n: usize) -> Result<Input, Error> {
    Ok(match case {
        "classify" | "predict" => Input::Texts(
            Box::new(TicketClassifier::default_rules()),
            texts(n),
            case == "predict",
        ),
        "penalties" => {
            let mut items = overdue_items((n as u64).div_ceil(6));
            items.truncate(n);
            Input::Items(items)
        }
        other => {
            return Err(format!("unknown case {other:?}: classify, predict or penalties").into());
        }
    })
}

/// One measured call on `threads` threads: (wall seconds, process CPU seconds, result).
fn call(input: &Input, threads: u32) -> Result<(f64, f64, Out), Error> {
    let as_of = "2026-10-31".parse()?;
    let policy = PenaltyPolicy::daily(Decimal::new(5, 4));
    let rounding = RoundingPolicy::default();
    let (cpu, t) = (process_cpu_seconds(), Instant::now());
    let out = measured(|| -> Result<Out, Error> {
        Ok(match input {
            Input::Texts(clf, texts, false) => {
                Out::Classified(clf.classify_batch_threads(texts, threads))
            }
            Input::Texts(clf, texts, true) => {
                Out::Predicted(clf.predict_batch_threads(texts, threads))
            }
            Input::Items(items) => Out::Penalties(late_penalty_batch_threads(
                items, as_of, &policy, &rounding, threads,
            )?),
        })
    })?;
    let wall = t.elapsed().as_secs_f64();
    let cpu = process_cpu_seconds() - cpu;
    Ok((wall, cpu, out))
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("run") {
        let (Some(case), Some(n), Some(t)) = (args.get(1), args.get(2), args.get(3)) else {
            return Err("usage: threads run classify|predict|penalties N THREADS".into());
        };
        let input = input(case, n.parse()?)?;
        let (wall, _, out) = call(&input, t.parse()?)?;
        println!("{case} n={n} threads={t} {wall:.4}s {}", out.summary());
        black_box(out);
        return Ok(());
    }
    let (Some(case), Some(n)) = (args.first(), args.get(1)) else {
        return Err("usage: threads classify|predict|penalties N [THREADS…]".into());
    };
    let n: usize = n.parse()?;
    let mut counts: Vec<u32> = args[2..]
        .iter()
        .map(|t| t.parse())
        .collect::<Result<_, _>>()?;
    if counts.is_empty() {
        counts = vec![1, 0];
    }
    let input = input(case, n)?;
    let repeats = if n >= 1_000_000 { 3 } else { 5 };
    let (_, _, reference) = call(&input, 1)?;
    println!(
        "{case} n={n} ({}; {} cores available)",
        reference.summary(),
        estatekit::parallel::available()
    );
    println!("threads  wall best  ns/item  process CPU  CPU/wall  speed-up  same");
    let mut one_thread = None;
    for t in counts {
        let mut best: Option<(f64, f64)> = None;
        let mut same = true;
        for _ in 0..repeats {
            let (wall, cpu, out) = call(&input, t)?;
            same &= out.same(&reference);
            if best.is_none_or(|b| wall < b.0) {
                best = Some((wall, cpu));
            }
        }
        let (wall, cpu) = best.unwrap_or_default();
        let base = *one_thread.get_or_insert(wall);
        println!(
            "{:>7}  {:>8.1} ms  {:>7.1}  {:>8.1} ms  {:>8.2}  {:>7.2}×  {}",
            if t == 0 {
                format!("0 ({})", estatekit::parallel::resolve(0))
            } else {
                t.to_string()
            },
            wall * 1e3,
            wall * 1e9 / n as f64,
            cpu * 1e3,
            cpu / wall,
            base / wall,
            if same { "yes" } else { "NO" }
        );
        if !same {
            return Err(format!("threads={t}: the result differs from one thread's").into());
        }
    }
    Ok(())
}
