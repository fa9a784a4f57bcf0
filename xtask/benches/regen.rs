//! How long `cargo xtask regen` spends on each stage, side by side in one run:
//! reading the document, applying the overlays, progenitor generation, and the whole render
//! (both documents, formatting and headers included). Figures go in BENCHMARKS.md.
//! spec-diff has its own bench, `spec_diff.rs`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use xtask::document::{self, Document};
use xtask::project::{self, TARGETS};
use xtask::regen::{self, Options};

fn stages(c: &mut Criterion) {
    let root = project::workspace_root().expect("run in the workspace");
    let spec_path = root.join(TARGETS[0].spec);
    let overlays = project::load_overlays(&root.join(TARGETS[0].overlays)).expect("overlays");
    let doc = Document::load(&spec_path).expect("spec");
    let mut patched = doc.value.clone();
    for o in &overlays {
        o.apply(&mut patched).expect("overlay");
    }
    let openapi = document::to_openapi(&spec_path, &patched).expect("openapi");

    let mut group = c.benchmark_group("regen");
    group.sample_size(20);
    group.bench_function("load epayment.yaml", |b| b.iter(|| Document::load(black_box(&spec_path))));
    group.bench_function("apply overlays", |b| {
        b.iter(|| {
            let mut v = doc.value.clone();
            for o in &overlays {
                o.apply(&mut v).expect("overlay");
            }
            v
        })
    });
    group.bench_function("generate epayment (progenitor + prettyplease)", |b| {
        b.iter(|| regen::generate::generate(black_box(&openapi)))
    });
    group.bench_function("render all (both documents)", |b| {
        b.iter(|| regen::render_all(black_box(&root), &Options::default()))
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
