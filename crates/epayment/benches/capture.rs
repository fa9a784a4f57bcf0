//! The cost of the wrapper: a capture through `epayment` against a hand-written reqwest POST
//! with the same headers and body, side by side in one run, against the same local server.
//! Both decode the answer into the same generated type. The ratio goes in BENCHMARKS.md.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn side_by_side(c: &mut Criterion) {
    let capture = common::Capture::new();
    let mut group = c.benchmark_group("capture");
    group.bench_function("epayment client", |b| b.iter(|| capture.through_the_client()));
    group.bench_function("hand-written reqwest", |b| b.iter(|| capture.by_hand()));
    group.finish();
}

criterion_group!(benches, side_by_side);
criterion_main!(benches);
