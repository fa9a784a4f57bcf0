//! How long spec-diff takes, side by side in one run: each real history pair of
//! `../shared/spec-history/` (when it is there) and all of them in a row, our document against
//! upstream repeated x1 to x8, and a recursive document (a tree whose nodes refer to
//! themselves) repeated x1 to x8. The diff alone, on parsed documents. Figures go in
//! BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;
use xtask::document::Document;
use xtask::project;
use xtask::spec_diff;

/// `doc` with its paths and schemas repeated `times` times under new names.
fn scaled(doc: &Value, times: usize) -> Value {
    let mut out = doc.clone();
    let text = serde_json::to_string(doc).expect("json");
    for i in 1..times {
        let copy: Value =
            serde_json::from_str(&text.replace("#/components/schemas/", &format!("#/components/schemas/C{i}")))
                .expect("json");
        for (path, mut item) in copy["paths"].as_object().cloned().unwrap_or_default() {
            for op in item.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                if let Some(id) = op.get("operationId").and_then(Value::as_str).map(|id| format!("{id}C{i}")) {
                    op["operationId"] = id.into();
                }
            }
            out["paths"][format!("/c{i}{path}")] = item;
        }
        for (name, schema) in copy["components"]["schemas"].as_object().cloned().unwrap_or_default() {
            out["components"]["schemas"][format!("C{i}{name}")] = schema;
        }
    }
    out
}

/// A document whose one schema is a tree node referring to itself twice.
fn tree(max_length: u64) -> Value {
    let node_ref = json!({"$ref": "#/components/schemas/Node"});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "tree", "version": "1"},
        "paths": {"/nodes": {"post": {
            "operationId": "postNode",
            "requestBody": {"content": {"application/json": {"schema": node_ref}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": node_ref}}}}
        }}},
        "components": {"schemas": {"Node": {"type": "object", "properties": {
            "name": {"type": "string", "maxLength": max_length},
            "children": {"type": "array", "items": node_ref},
            "parent": node_ref
        }}}}
    })
}

fn spec_diff(c: &mut Criterion) {
    let root = project::workspace_root().expect("run in the workspace");
    let mut group = c.benchmark_group("spec-diff");
    group.sample_size(20);

    let history = root.join("../shared/spec-history");
    let mut pairs = Vec::new();
    for name in [
        "H01", "H02", "H03", "H04", "H05", "H06", "H07", "H08", "H09", "H10", "H11", "H12", "H13", "H14", "H15", "C01",
        "C02", "C03",
    ] {
        let ext = if name.starts_with('C') { "yaml" } else { "yml" };
        let load = |side: &str| Document::load(&history.join(name).join(format!("{side}.{ext}"))).map(|d| d.value);
        if let (Ok(old), Ok(new)) = (load("old"), load("new")) {
            pairs.push((name, old, new));
        }
    }
    for (name, old, new) in &pairs {
        group.bench_function(format!("history {name}"), |b| b.iter(|| spec_diff::diff(black_box(old), black_box(new))));
    }
    if !pairs.is_empty() {
        group.bench_function(format!("history, all {} pairs", pairs.len()), |b| {
            b.iter(|| pairs.iter().map(|(_, o, n)| spec_diff::diff(black_box(o), black_box(n)).len()).sum::<usize>())
        });
    }

    let ours = Document::load(&root.join("openapi/epayment.yaml")).expect("ours").value;
    let theirs = Document::load(&root.join("../shared/upstream/epayment-openapi.yaml"))
        .map(|d| d.value)
        .unwrap_or_else(|_| ours.clone());
    for times in [1, 2, 4, 8] {
        let (old, new) = (scaled(&theirs, times), scaled(&ours, times));
        group.bench_function(format!("upstream 1.8.1 vs ours, x{times}"), |b| {
            b.iter(|| spec_diff::diff(black_box(&old), black_box(&new)))
        });
    }
    for times in [1, 2, 4, 8] {
        let (old, new) = (scaled(&tree(10), times), scaled(&tree(20), times));
        group.bench_function(format!("recursive tree (2 self-references), x{times}"), |b| {
            b.iter(|| spec_diff::diff(black_box(&old), black_box(&new)))
        });
    }
    group.finish();
}

criterion_group!(benches, spec_diff);
criterion_main!(benches);
