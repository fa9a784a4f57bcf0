//! The cost of the wrapper: a capture through `epayment` against a hand-written reqwest POST
//! with the same headers and body, side by side in one run, against the same local server.
//! Both decode the answer into the same generated type. The third side sends the two headers
//! the generated client adds (`accept`, `api-version`) too. The ratios go in BENCHMARKS.md.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn side_by_side(c: &mut Criterion) {
    let capture = common::Capture::new();
    let mut group = c.benchmark_group("capture");
    group.bench_function("epayment client", |b| b.iter(|| capture.through_the_client()));
    group.bench_function("hand-written reqwest", |b| b.iter(|| capture.by_hand()));
    group.bench_function("hand-written, the client's headers", |b| {
        b.iter(|| capture.by_hand_with_the_generated_headers())
    });
    group.finish();
}

criterion_group!(benches, side_by_side);
criterion_main!(benches);
