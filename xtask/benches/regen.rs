//! How long `cargo xtask regen` spends on each stage, side by side in one run:
//! reading the document, applying the overlays, progenitor generation, and the whole render
//! (both documents, formatting and headers included). Figures go in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use xtask::document::{self, Document};
use xtask::regen::{self, Options, TARGETS};

fn stages(c: &mut Criterion) {
    let root = regen::workspace_root().expect("run in the workspace");
    let spec_path = root.join(TARGETS[0].spec);
    let overlays = regen::load_overlays(&root.join(TARGETS[0].overlays)).expect("overlays");
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
        b.iter(|| xtask::generate::generate(black_box(&openapi)))
    });
    group.bench_function("render all (both documents)", |b| {
        b.iter(|| regen::render_all(black_box(&root), &Options::default()))
    });
    group.finish();
}

/// `doc` with its paths and schemas repeated `times` times under new names, to see how
/// spec-diff scales with the size of a document.
fn scaled(doc: &serde_json::Value, times: usize) -> serde_json::Value {
    let mut out = doc.clone();
    let text = serde_json::to_string(doc).expect("json");
    for i in 1..times {
        let copy: serde_json::Value =
            serde_json::from_str(&text.replace("#/components/schemas/", &format!("#/components/schemas/C{i}")))
                .expect("json");
        for (key, prefix) in [("paths", format!("/c{i}")), ("schemas", format!("C{i}"))] {
            let from = if key == "paths" { &copy["paths"] } else { &copy["components"]["schemas"] };
            let entries: Vec<_> =
                from.as_object().into_iter().flatten().map(|(k, v)| (format!("{prefix}{k}"), v.clone())).collect();
            let into = if key == "paths" { &mut out["paths"] } else { &mut out["components"]["schemas"] };
            if let Some(map) = into.as_object_mut() {
                for (k, mut v) in entries {
                    if key == "paths" {
                        for op in v.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                            if let Some(id) =
                                op.get("operationId").and_then(|i| i.as_str()).map(|i| format!("{i}{prefix}"))
                            {
                                op["operationId"] = id.into();
                            }
                        }
                    }
                    map.insert(k, v);
                }
            }
        }
    }
    out
}

fn spec_diff(c: &mut Criterion) {
    let root = regen::workspace_root().expect("run in the workspace");
    let ours = Document::load(&root.join("openapi/epayment.yaml")).expect("ours").value;
    let upstream_path = root.join("../shared/upstream/epayment-openapi.yaml");
    let theirs = Document::load(&upstream_path).map(|d| d.value).unwrap_or_else(|_| ours.clone());
    let mut group = c.benchmark_group("spec-diff");
    group.sample_size(20);
    group.bench_function("openapi/epayment.yaml vs upstream 1.8.1 (1,425 vs 2,244 lines)", |b| {
        b.iter(|| xtask::spec_diff::diff(black_box(&theirs), black_box(&ours)))
    });
    for times in [1, 2, 4, 8] {
        let (old, new) = (scaled(&theirs, times), scaled(&ours, times));
        group.bench_function(format!("scaled x{times}"), |b| {
            b.iter(|| xtask::spec_diff::diff(black_box(&old), black_box(&new)))
        });
    }
    group.finish();
}

criterion_group!(benches, stages, spec_diff);
criterion_main!(benches);
