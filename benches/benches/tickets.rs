//! Ticket classification throughput: the rule classifier on 20–200-character texts
//! (the labelled set, zh and en), and the trained model's training and prediction on
//! a labelled CSV of real messages named by `ESTATEKIT_TICKETS_CSV` (columns
//! `title, text, label`; skipped when unset: such data sets are not redistributed with
//! the project). Besides criterion's wall-clock figures, throughput per CPU-second of the
//! benchmarking thread is printed: on a machine shared with other work it is the
//! figure per core.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use estatekit::tickets::{TicketClassifier, TicketModel, TrainOptions};

fn labelled_texts() -> Vec<String> {
    include_str!("../../core/tests/data/tickets_labelled.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .filter(|t| (20..=200).contains(&t.chars().count()))
        .collect()
}

// The quoting-aware CSV reader the core's tests use for the same files.
#[path = "../../core/tests/common/mod.rs"]
mod common;

/// `(title + " " + text, label)` rows of the CSV named by `ESTATEKIT_TICKETS_CSV`.
fn zh_dev_data() -> Option<(Vec<String>, Vec<String>)> {
    let path = std::env::var_os("ESTATEKIT_TICKETS_CSV")?;
    let text = std::fs::read_to_string(path).ok()?;
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    for r in common::read_csv(&text).into_iter().skip(1) {
        if let [_, title, body, label] = r.as_slice() {
            texts.push(format!("{title} {body}"));
            labels.push(label.clone());
        }
    }
    Some((texts, labels))
}

/// CPU time of this thread in nanoseconds (`/proc/thread-self/schedstat`, Linux), so
/// that throughput per core can be measured on a machine shared with other work.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Items per CPU-second of `f` (which handles `items` items per call), over at least
/// `secs` seconds of CPU time; `None` where thread CPU time is not available.
fn per_cpu_second(items: usize, secs: f64, mut f: impl FnMut()) -> Option<f64> {
    f();
    let start = thread_cpu_ns()?;
    let mut calls = 0u64;
    loop {
        for _ in 0..16 {
            f();
        }
        calls += 16;
        let spent = thread_cpu_ns()? - start;
        if spent as f64 >= secs * 1e9 {
            return Some((calls as f64 * items as f64) / (spent as f64 / 1e9));
        }
    }
}

fn bench_rules(c: &mut Criterion) {
    let clf = TicketClassifier::default_rules();
    let texts = labelled_texts();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    println!(
        "rule classifier: {} texts of 20-200 chars, mean {} chars",
        texts.len(),
        chars / texts.len().max(1)
    );
    if let Some(rate) = per_cpu_second(texts.len(), 3.0, || {
        black_box(clf.classify_batch(black_box(&texts)));
    }) {
        println!("rule classifier: {rate:.0} texts per CPU-second (one thread, CPU time)");
    }
    // The workload of `benches/tickets_vs_sklearn.py`'s Python batch measurement, to
    // read the Python `classify_batch` overhead against.
    let python_batch: Vec<&str> = [
        "厨房水管爆裂，水漫到客厅了，快来人！",
        "5号楼2单元楼道灯不亮已经一周了。",
        "Loud music from the bar downstairs every night until 2 am.",
        "How much is the management fee per square meter?",
    ]
    .repeat(25_000);
    if let Some(rate) = per_cpu_second(python_batch.len(), 3.0, || {
        black_box(clf.classify_batch(black_box(&python_batch)));
    }) {
        println!(
            "rule classifier, the Python script's 100,000 texts: {rate:.0} texts per CPU-second"
        );
    }
    let mut group = c.benchmark_group("tickets_rules");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("classify_batch", |b| {
        b.iter(|| clf.classify_batch(black_box(&texts)))
    });
    group.finish();
}

fn bench_model(c: &mut Criterion) {
    let Some((texts, labels)) = zh_dev_data() else {
        eprintln!(
            "skipped: ESTATEKIT_TICKETS_CSV (a labelled CSV: title, text, label) not set or unreadable"
        );
        return;
    };
    let o = TrainOptions::default();
    let mut group = c.benchmark_group("tickets_model");
    group.sample_size(10);
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("train_zh_gov_477", |b| {
        b.iter(|| TicketModel::train(black_box(&texts), &labels, 0, &o))
    });
    if let Ok(model) = TicketModel::train(&texts, &labels, 0, &o) {
        println!(
            "model: {} features, JSON {} bytes",
            model.feature_count(),
            model.to_json().len()
        );
        group.bench_function("predict_zh_gov_477", |b| {
            b.iter(|| model.predict_batch(black_box(&texts)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_rules, bench_model);
criterion_main!(benches);
