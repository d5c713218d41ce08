//! `allocate` at 1k, 100k and 1M parts (weights like unit areas, 50.00–139.99 m²).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use estatekit::money::{RoundingPolicy, allocate};
use rust_decimal::Decimal;

fn weights(n: u32) -> Vec<Decimal> {
    (0..n)
        .map(|i| Decimal::new(i64::from(5000 + (i * 7919) % 9000), 2))
        .collect()
}

fn bench_allocate(c: &mut Criterion) {
    let policy = RoundingPolicy::default();
    let total = Decimal::new(987_654_321, 2);
    let mut group = c.benchmark_group("allocate");
    for n in [1_000u32, 100_000, 1_000_000] {
        let w = weights(n);
        group.throughput(Throughput::Elements(u64::from(n)));
        if n >= 100_000 {
            group.sample_size(20);
        }
        group.bench_with_input(BenchmarkId::from_parameter(n), &w, |b, w| {
            b.iter(|| allocate(black_box(total), black_box(w), &policy))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_allocate);
criterion_main!(benches);
