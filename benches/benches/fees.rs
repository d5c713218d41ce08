//! The fee workload (see `estatekit_benches`) at 10k and 100k units.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use estatekit::fees::schedule::FeeSchedule;
use estatekit_benches::{SCHEDULE, load_estate, overdue_items, run_fee_workload};

fn bench_fees(c: &mut Criterion) {
    let schedule = FeeSchedule::from_json(SCHEDULE).expect("schedule");
    let mut group = c.benchmark_group("fee_workload");
    group.sample_size(10);
    for n in [10_000u64, 100_000] {
        let estate = load_estate(n).expect("estate");
        let items = overdue_items(n);
        group.throughput(Throughput::Elements(n));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| run_fee_workload(black_box(&estate), &schedule, &items))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_fees);
criterion_main!(benches);
