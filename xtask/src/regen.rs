//! `cargo xtask regen`: documents + overlays -> `crates/epayment-api/src/generated/*.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};

use crate::document::{self, Document};
use crate::external::Unmapped;
use crate::generate;
use crate::overlay::{ActionReport, Overlay};

/// One generated module: which document it comes from and where its overlays live.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Module name under `epayment_api`, and the file stem of the output.
    pub module: &'static str,
    /// The document, relative to the workspace root.
    pub spec: &'static str,
    /// Folder of overlays applied in file-name order, relative to the root. May be absent.
    pub overlays: &'static str,
}

/// Everything `regen` generates. The first target is the ePayment API, which `--spec` replaces.
pub const TARGETS: &[Target] = &[
    Target { module: "epayment", spec: "openapi/epayment.yaml", overlays: "openapi/overlays/epayment" },
    Target { module: "access_token", spec: "openapi/access-token.yaml", overlays: "openapi/overlays/access-token" },
];

/// The generated crate, relative to the workspace root.
pub const CRATE_DIR: &str = "crates/epayment-api";

/// The effective ePayment document (ours with its overlays), relative to the workspace root:
/// the crate that routes and validates with it embeds it, so nothing reads `openapi/` at
/// build time.
pub const EFFECTIVE_DOCUMENT: &str = "crates/epayment-openapi/epayment.json";

/// Where `--out` puts the effective document of the other ePayment document, in its crate.
pub const OUT_EFFECTIVE_DOCUMENT: &str = "epayment.effective.json";

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
    pub external: crate::external::ExternalRefs,
}

/// A generated file, not yet written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Path relative to the crate folder.
    pub relative: PathBuf,
    /// Full text.
    pub contents: String,
}

/// The outcome of a run, for the caller to print.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (or, with `check`, found current).
    pub current: Vec<PathBuf>,
    /// With `check`: files whose committed text differs, each with a unified diff.
    pub stale: Vec<(PathBuf, String)>,
    /// Without `check`: how the public surface of each rewritten module changed.
    pub surface: Vec<String>,
    /// Each overlay action's status on a document given with `--spec`.
    pub overlays: Vec<ActionReport>,
}

/// The workspace this command runs in, found at run time from the current directory (see
/// [`find_workspace`]): a binary built in one checkout and run in another (a shared target
/// folder, a copied `target/`) works on the checkout it is run in.
pub fn workspace_root() -> Result<PathBuf> {
    let here = std::env::current_dir().map_err(|e| anyhow!("cannot read the current directory: {e}"))?;
    find_workspace(&here)
}

/// The nearest folder at or above `from` whose `Cargo.toml` declares a workspace with an
/// `xtask` member: this project's workspace.
pub fn find_workspace(from: &Path) -> Result<PathBuf> {
    for dir in from.ancestors() {
        let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else { continue };
        let Ok(manifest) = text.parse::<toml::Table>() else { continue };
        let members = manifest.get("workspace").and_then(|w| w.get("members")).and_then(toml::Value::as_array);
        if members.is_some_and(|m| m.iter().any(|member| member.as_str() == Some("xtask"))) {
            return Ok(dir.to_owned());
        }
    }
    bail!("{} is not inside the ePayment toolkit's workspace: run cargo xtask in the checkout", from.display())
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
    pub external: &'a crate::external::ExternalRefs,
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
    let mut out = header(root, &doc, &overlays, generator);
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

/// The overlays in `dir`, in file-name order; none if the folder does not exist.
pub fn load_overlays(dir: &Path) -> Result<Vec<Overlay>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => bail!("{}: cannot list overlays: {e}", dir.display()),
    };
    let mut paths = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| anyhow!("{}: cannot list overlays: {e}", dir.display()))?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"));
    paths.sort();
    paths.iter().map(|p| Overlay::load(p)).collect()
}

fn header(root: &Path, doc: &Document, overlays: &[Overlay], generator: &str) -> String {
    let mut h = String::new();
    h.push_str("// @generated by `cargo xtask regen`. Do not edit: change the inputs and run it again.\n");
    h.push_str("//\n// Inputs (sha256):\n");
    let _ = writeln!(h, "//   {}  {}", display(root, &doc.path), doc.sha256);
    for o in overlays {
        let _ = writeln!(h, "//   {}  {}", display(root, &o.path), o.sha256);
    }
    let _ = writeln!(
        h,
        "// Generator: progenitor-impl {generator}; builder interface, merged tags, RequestContext hook, extra derives: {}\n",
        generate::EXTRA_DERIVES.join(", ")
    );
    h
}

/// `path` relative to the root with `/` separators when it lies inside, as given otherwise.
pub fn display(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(inside) => inside.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        Err(_) => path.display().to_string(),
    }
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

/// Runs `regen` as the options say.
pub fn run(root: &Path, options: &Options) -> Result<Report> {
    let (crate_dir, mut files) = match &options.out {
        Some(dir) => (dir.clone(), crate::preview::crate_files(root)?),
        None => (root.join(CRATE_DIR), Vec::new()),
    };
    let (rendered, overlays) = render_all_reporting(root, options)?;
    files.extend(rendered);
    if options.out.is_some() {
        crate::preview::add_format_dependencies(&mut files)?;
    }
    let mut report = Report { overlays, ..Report::default() };
    for file in &files {
        let path = if file.relative == Path::new(EFFECTIVE_DOCUMENT) {
            root.join(&file.relative)
        } else {
            crate_dir.join(&file.relative)
        };
        if options.check {
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            if same_text(&committed, &file.contents) {
                report.current.push(path);
            } else {
                let diff = unified_diff(&display(root, &path), &committed, &file.contents);
                report.stale.push((path, diff));
            }
        } else {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| anyhow!("{}: cannot create: {e}", parent.display()))?;
            }
            let before = std::fs::read_to_string(&path).unwrap_or_default();
            if file.relative.starts_with("src/generated") && before != file.contents {
                let name = display(root, &path);
                report
                    .surface
                    .extend(surface_changes(&before, &file.contents).into_iter().map(|c| format!("{name}: {c}")));
            }
            std::fs::write(&path, &file.contents).map_err(|e| anyhow!("{}: cannot write: {e}", path.display()))?;
            report.current.push(path);
        }
    }
    Ok(report)
}

/// Whether a committed file holds the generated text. Line endings do not count: a checkout
/// that turns LF into CRLF (git's `core.autocrlf` on Windows) holds current code too.
fn same_text(committed: &str, generated: &str) -> bool {
    committed == generated || committed.replace("\r\n", "\n") == generated
}

/// The public items of generated code (types, their public fields and variants, public
/// functions and methods, constants), each with what it declares: a field's type, a
/// function's signature, a constant's value.
/// Code that does not parse has no items, which shows as every item removed.
fn public_items(code: &str) -> std::collections::BTreeMap<String, String> {
    let mut items = std::collections::BTreeMap::new();
    if let Ok(file) = syn::parse_file(code) {
        collect_items(&file.items, &mut items);
    }
    items
}

fn collect_items(items: &[syn::Item], out: &mut std::collections::BTreeMap<String, String>) {
    let public = |v: &syn::Visibility| matches!(v, syn::Visibility::Public(_));
    let text = |t: &dyn quote::ToTokens| t.to_token_stream().to_string();
    for item in items {
        match item {
            syn::Item::Mod(m) if public(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    collect_items(inner, out);
                }
            }
            syn::Item::Struct(s) if public(&s.vis) => {
                let name = s.ident.to_string();
                out.insert(format!("type {name}"), format!("struct {}", text(&s.generics)));
                for field in s.fields.iter().filter(|f| public(&f.vis)) {
                    if let Some(field_name) = &field.ident {
                        out.insert(format!("field {name}.{field_name}"), text(&field.ty));
                    }
                }
            }
            syn::Item::Enum(e) if public(&e.vis) => {
                let name = e.ident.to_string();
                out.insert(format!("type {name}"), format!("enum {}", text(&e.generics)));
                for variant in &e.variants {
                    out.insert(format!("variant {name}::{}", variant.ident), text(&variant.fields));
                }
            }
            syn::Item::Fn(f) if public(&f.vis) => {
                out.insert(format!("fn {}", f.sig.ident), text(&f.sig));
            }
            // The operation ids: their value is what callers log and match on.
            syn::Item::Const(c) if public(&c.vis) => {
                out.insert(format!("const {}", c.ident), text(&c.expr));
            }
            syn::Item::Impl(i) => {
                let owner = text(&i.self_ty).replace(' ', "");
                for f in i.items.iter().filter_map(|m| match m {
                    syn::ImplItem::Fn(f) if public(&f.vis) => Some(f),
                    _ => None,
                }) {
                    out.insert(format!("fn {owner}::{}", f.sig.ident), text(&f.sig));
                }
            }
            _ => {}
        }
    }
}

/// What a regeneration changed in the public surface: items added, removed, changed.
pub fn surface_changes(before: &str, after: &str) -> Vec<String> {
    let (old, new) = (public_items(before), public_items(after));
    let mut out = Vec::new();
    for (name, line) in &new {
        match old.get(name) {
            None => out.push(format!("added {name}")),
            Some(was) if was != line => out.push(format!("changed {name}: {was} -> {line}")),
            Some(_) => {}
        }
    }
    out.extend(old.keys().filter(|k| !new.contains_key(*k)).map(|k| format!("removed {k}")));
    out
}

/// A unified diff from the committed text to the fresh one.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name} (committed)"), &format!("{name} (regenerated)"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkout_with_crlf_line_endings_holds_current_code() {
        let generated = "//! generated\npub mod x {}\n";
        assert!(same_text(generated, generated));
        assert!(same_text("//! generated\r\npub mod x {}\r\n", generated));
        assert!(!same_text("//! generated\r\npub mod y {}\r\n", generated), "other text is still stale");
        assert!(!same_text("", generated));
    }
}
