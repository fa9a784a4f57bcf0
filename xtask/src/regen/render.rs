//! Rendering: each target's document read, its external refs bundled and its overlays applied,
//! progenitor's module generated under a header naming its inputs, and the effective document
//! written beside it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::generate;
use crate::document::{self, Document};
use crate::external::{ExternalRefs, Unmapped};
use crate::overlay::{ActionReport, Overlay};
use crate::project::{EFFECTIVE_DOCUMENT, OUT_EFFECTIVE_DOCUMENT, Rendered, TARGETS, Target, display, load_overlays};

/// What to generate and what to do with it.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Use this ePayment document instead of `openapi/epayment.yaml`.
    pub spec: Option<PathBuf>,
    /// Write a standalone crate here instead of updating `crates/epayment-api`.
    pub out: Option<PathBuf>,
    /// Compare with what is on disk instead of writing.
    pub check: bool,
    /// Where external `$ref`s are read from (an unmapped one is an error naming the flag).
    pub external: ExternalRefs,
}

/// Renders every target's module for the given options, and (last) the effective ePayment
/// document. Paths are relative to the crate folder, except the effective document's, which
/// is relative to the workspace root unless `--out` is given.
pub fn render_all(root: &Path, options: &Options) -> Result<Vec<Rendered>> {
    render_all_reporting(root, options).map(|(files, _)| files)
}

/// [`render_all`], with the status of each overlay action on another document (`--spec`);
/// on the committed documents an action that matches nothing is an error, so there are none.
pub fn render_all_reporting(root: &Path, options: &Options) -> Result<(Vec<Rendered>, Vec<ActionReport>)> {
    let generator = generator_version(root);
    let mut out = Vec::new();
    let mut statuses = Vec::new();
    let mut effective = None;
    for (i, target) in TARGETS.iter().enumerate() {
        let spec = match (&options.spec, i) {
            (Some(spec), 0) => spec.clone(),
            _ => root.join(target.spec),
        };
        let strict = options.spec.is_none() || i > 0;
        let rendered = render(root, target, &spec, &generator, Inputs { external: &options.external, strict })?;
        statuses.extend(rendered.overlays.iter().cloned());
        out.push(Rendered {
            relative: PathBuf::from(format!("src/generated/{}.rs", target.module)),
            contents: rendered.code,
        });
        if i == 0 {
            effective = Some(rendered.effective);
        }
    }
    if let Some(contents) = effective {
        let relative = if options.out.is_some() { OUT_EFFECTIVE_DOCUMENT } else { EFFECTIVE_DOCUMENT };
        out.push(Rendered { relative: PathBuf::from(relative), contents });
    }
    Ok((out, statuses))
}

/// How [`render`] treats its inputs.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    /// Where external `$ref`s are read from.
    pub external: &'a ExternalRefs,
    /// Whether an overlay action that matches nothing is an error (the committed documents)
    /// or a status (another document).
    pub strict: bool,
}

/// One target, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedTarget {
    /// The generated module, header included.
    pub code: String,
    /// The document with the overlays applied, as pretty JSON with an `x-generated` note of
    /// its inputs.
    pub effective: String,
    /// Each overlay action's status (only when not strict).
    pub overlays: Vec<ActionReport>,
}

/// Applies a target's overlays to `spec` and generates its module, header included.
pub fn render(
    root: &Path,
    target: &Target,
    spec: &Path,
    generator: &str,
    inputs: Inputs<'_>,
) -> Result<RenderedTarget> {
    let doc = Document::load(spec)?;
    document::check_version(spec, &doc.value)?;
    let overlays = load_overlays(&root.join(target.overlays))?;
    let mut value = doc.value.clone();
    inputs.external.bundle(&mut value, Unmapped::Error).with_context(|| display(root, spec))?;
    let mut statuses = Vec::new();
    for overlay in &overlays {
        if inputs.strict {
            overlay.apply(&mut value)?;
        } else {
            statuses.extend(overlay.apply_reporting(&mut value));
        }
    }
    let openapi = document::to_openapi(spec, &value)?;
    let code = generate::generate(&openapi).with_context(|| display(root, spec))?;
    let mut out = header(root, &doc, &overlays, generator)?;
    out.push_str(&code);
    Ok(RenderedTarget { code: out, effective: effective_json(root, &doc, &overlays, value)?, overlays: statuses })
}

fn effective_json(root: &Path, doc: &Document, overlays: &[Overlay], value: serde_json::Value) -> Result<String> {
    let mut inputs = serde_json::Map::new();
    inputs.insert(display(root, &doc.path), doc.sha256.clone().into());
    for o in overlays {
        inputs.insert(display(root, &o.path), o.sha256.clone().into());
    }
    let mut out = serde_json::Map::new();
    out.insert(
        "x-generated".into(),
        serde_json::json!({"by": "cargo xtask regen", "note": "Do not edit: change the inputs and run it again.", "inputs-sha256": inputs}),
    );
    if let serde_json::Value::Object(map) = value {
        out.extend(map.into_iter().filter(|(k, _)| k != "x-generated"));
    }
    let mut text = serde_json::to_string_pretty(&serde_json::Value::Object(out))?;
    text.push('\n');
    Ok(text)
}

fn header(root: &Path, doc: &Document, overlays: &[Overlay], generator: &str) -> Result<String, std::fmt::Error> {
    let mut h = String::new();
    h.push_str("// @generated by `cargo xtask regen`. Do not edit: change the inputs and run it again.\n");
    h.push_str("//\n// Inputs (sha256):\n");
    writeln!(h, "//   {}  {}", display(root, &doc.path), doc.sha256)?;
    for o in overlays {
        writeln!(h, "//   {}  {}", display(root, &o.path), o.sha256)?;
    }
    writeln!(
        h,
        "// Generator: progenitor-impl {generator}; builder interface, merged tags, RequestContext hook, extra derives: {}\n",
        generate::EXTRA_DERIVES.join(", ")
    )?;
    Ok(h)
}

/// The progenitor-impl version in `Cargo.lock`; the generated code depends on it as much as on
/// the documents.
fn generator_version(root: &Path) -> String {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let parsed: toml::Table = lock.parse().unwrap_or_default();
    parsed
        .get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(toml::Value::as_str) == Some("progenitor-impl"))
        .and_then(|p| p.get("version").and_then(toml::Value::as_str))
        .map_or_else(|| "(unknown version)".to_owned(), str::to_owned)
}
