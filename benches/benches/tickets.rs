//! Ticket classification throughput: the rule classifier on 20–200-character texts
//! (the labelled set, zh and en), and the trained model's training and prediction on
//! the development data (`../shared/data/zh_gov_messages_labelled.csv`, skipped when
//! missing).

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

/// `(title + " " + text, label)` rows of the Chinese development data.
fn zh_dev_data() -> Option<(Vec<String>, Vec<String>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/zh_gov_messages_labelled.csv"
    );
    let text = std::fs::read_to_string(path).ok()?;
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    let mut rdr_rows = Vec::new();
    let (mut row, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rdr_rows.push(std::mem::take(&mut row));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    for r in rdr_rows.into_iter().skip(1) {
        if let [_, title, body, label] = r.as_slice() {
            texts.push(format!("{title} {body}"));
            labels.push(label.clone());
        }
    }
    Some((texts, labels))
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
    let mut group = c.benchmark_group("tickets_rules");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("classify_batch", |b| {
        b.iter(|| clf.classify_batch(black_box(&texts)))
    });
    group.finish();
}

fn bench_model(c: &mut Criterion) {
    let Some((texts, labels)) = zh_dev_data() else {
        eprintln!("skipped: ../shared/data/zh_gov_messages_labelled.csv not found");
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
