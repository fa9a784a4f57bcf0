//! External `$ref`s, offline: a mapping from URLs (or URL prefixes) to local files, and the
//! bundling of what they name into the document.
//!
//! Published ePayment documents refer to the Order Management API's `Receipt` schema by URL.
//! Nothing here fetches it: the team maps the URL to a copy it keeps (or a test names the copy
//! in `../shared`), and [`ExternalRefs::bundle`] copies each referenced schema into the
//! document's own `components` (with the schemas it refers to in turn), rewriting the `$ref`
//! to point there. Bundled components carry `x-bundled-from` with the URL they came from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::{Map, Value};

use crate::document::Document;

/// URL (or URL prefix ending in `/`) to local file (or folder, for a prefix).
#[derive(Clone, Debug, Default)]
pub struct ExternalRefs {
    entries: Vec<(String, PathBuf)>,
}

/// What [`ExternalRefs::bundle`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bundled {
    /// Components copied in, as `#/components/...` pointers, with the URL each came from.
    pub components: BTreeMap<String, String>,
    /// External references left as they were, because no mapping names their URL.
    pub unmapped: Vec<String>,
}

/// An external reference that no mapping names, where the document cannot do without it.
/// Its message names the URL and the flag to add; callers tell it from other failures by type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnmappedRef {
    /// The URL the document refers to.
    pub url: String,
}

impl std::fmt::Display for UnmappedRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = &self.url;
        write!(
            f,
            "the document refers to {url}, which is not mapped to a local file; add --external {url}=FILE (a copy of that document)"
        )
    }
}

impl std::error::Error for UnmappedRef {}

/// How to treat an external reference that no mapping names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unmapped {
    /// An [`UnmappedRef`] error (generation cannot go on without it).
    Error,
    /// Left in place for the caller to report (spec-diff compares such refs by URL).
    Keep,
}

impl ExternalRefs {
    /// No mappings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one `URL=FILE` mapping, as given on the command line.
    pub fn add_arg(&mut self, arg: &str) -> anyhow::Result<()> {
        let Some((url, file)) = arg.split_once('=') else {
            bail!("--external wants URL=FILE, got `{arg}`");
        };
        if url.is_empty() || file.is_empty() {
            bail!("--external wants URL=FILE, got `{arg}`");
        }
        self.entries.push((url.to_owned(), PathBuf::from(file)));
        Ok(())
    }

    /// Adds the mappings of a file the team keeps: one `"URL" = "FILE"` per line, TOML, under
    /// `[external]`; relative files are relative to the mapping file.
    pub fn add_file(&mut self, path: &Path) -> anyhow::Result<()> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let table: toml::Table =
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))?;
        let Some(Some(external)) = table.get("external").map(toml::Value::as_table) else {
            bail!("{}: expected an [external] table of \"URL\" = \"FILE\"", path.display());
        };
        let base = path.parent().unwrap_or(Path::new("."));
        for (url, file) in external {
            let Some(file) = file.as_str() else { bail!("{}: `{url}` must name a file", path.display()) };
            self.entries.push((url.clone(), base.join(file)));
        }
        Ok(())
    }

    /// Whether there are no mappings.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The local file for a URL: an exact mapping, else the longest prefix mapping.
    pub fn file_for(&self, url: &str) -> Option<PathBuf> {
        if let Some((_, file)) = self.entries.iter().find(|(u, _)| u == url) {
            return Some(file.clone());
        }
        self.entries
            .iter()
            .filter(|(u, _)| u.ends_with('/') && url.starts_with(u.as_str()))
            .max_by_key(|(u, _)| u.len())
            .map(|(u, dir)| dir.join(&url[u.len()..]))
    }

    /// Reads an OpenAPI 3.0 document (YAML or JSON) and bundles what its external `$ref`s name.
    pub fn load(&self, path: &Path, unmapped: Unmapped) -> anyhow::Result<Value> {
        let doc = Document::load(path)?;
        crate::document::check_version(path, &doc.value)?;
        let mut value = doc.value;
        self.bundle(&mut value, unmapped)?;
        Ok(value)
    }

    /// Copies what the document's external `$ref`s name into its components, and points the
    /// references there.
    pub fn bundle(&self, doc: &mut Value, unmapped: Unmapped) -> anyhow::Result<Bundled> {
        let mut bundler = Bundler {
            refs: self,
            documents: BTreeMap::new(),
            names: BTreeMap::new(),
            out: Bundled::default(),
            pending: Vec::new(),
        };
        let taken: Vec<(String, String)> = ["schemas", "parameters", "responses", "requestBodies", "headers"]
            .into_iter()
            .flat_map(|kind| {
                doc.pointer(&format!("/components/{kind}"))
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(move |m| m.keys().map(move |k| (kind.to_owned(), k.clone())))
            })
            .collect();
        bundler.rewrite(doc, None, &taken, unmapped)?;
        // A component copied in may refer to more: each is rewritten once, as it is copied.
        while let Some((kind, name, url, mut value)) = bundler.pending.pop() {
            bundler.rewrite(&mut value, Some(&url), &taken, unmapped)?;
            insert(doc, &kind, &name, value);
        }
        Ok(bundler.out)
    }
}

fn insert(doc: &mut Value, kind: &str, name: &str, value: Value) {
    if !doc.is_object() {
        return;
    }
    let components = doc.as_object_mut().map(|d| d.entry("components").or_insert_with(|| Value::Object(Map::new())));
    if let Some(Value::Object(components)) = components
        && let Value::Object(group) = components.entry(kind.to_owned()).or_insert_with(|| Value::Object(Map::new()))
    {
        group.insert(name.to_owned(), value);
    }
}

struct Bundler<'a> {
    refs: &'a ExternalRefs,
    /// Loaded external documents by URL (without fragment).
    documents: BTreeMap<String, Value>,
    /// `URL#pointer` to (kind, local name).
    names: BTreeMap<String, (String, String)>,
    out: Bundled,
    /// Components named but not yet rewritten and inserted: (kind, name, source URL, value).
    pending: Vec<(String, String, String, Value)>,
}

impl Bundler<'_> {
    /// Rewrites the `$ref`s in `node`. `base` is the URL of the document `node` came from
    /// (`None` for the main document, whose local refs stay as they are).
    fn rewrite(
        &mut self,
        node: &mut Value,
        base: Option<&str>,
        taken: &[(String, String)],
        unmapped: Unmapped,
    ) -> anyhow::Result<()> {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let absolute = absolute(r, base);
                    if let Some(absolute) = absolute {
                        match self.local_name(&absolute, taken, unmapped)? {
                            Some((kind, name)) => {
                                map.insert("$ref".into(), Value::String(format!("#/components/{kind}/{name}")));
                            }
                            None => {
                                if !self.out.unmapped.contains(&absolute) {
                                    self.out.unmapped.push(absolute.clone());
                                }
                            }
                        }
                    }
                }
                for (key, value) in map.iter_mut() {
                    if key != "$ref" {
                        self.rewrite(value, base, taken, unmapped)?;
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.rewrite(item, base, taken, unmapped)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The local component an absolute `URL#pointer` is bundled as, copying it in on first use.
    fn local_name(
        &mut self,
        absolute: &str,
        taken: &[(String, String)],
        unmapped: Unmapped,
    ) -> anyhow::Result<Option<(String, String)>> {
        if let Some(found) = self.names.get(absolute) {
            return Ok(Some(found.clone()));
        }
        let (url, pointer) = absolute.split_once('#').unwrap_or((absolute, ""));
        let Some(file) = self.refs.file_for(url) else {
            return match unmapped {
                Unmapped::Keep => Ok(None),
                Unmapped::Error => Err(UnmappedRef { url: url.to_owned() }.into()),
            };
        };
        if !self.documents.contains_key(url) {
            let doc = Document::load(&file).with_context(|| format!("{url} (mapped to {})", file.display()))?;
            self.documents.insert(url.to_owned(), doc.value);
        }
        let target = self.documents[url]
            .pointer(pointer)
            .cloned()
            .with_context(|| format!("{absolute}: {} has nothing at `{pointer}`", file.display()))?;
        let segments: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
        let kind = match segments.as_slice() {
            ["components", kind, _] => (*kind).to_owned(),
            _ => "schemas".to_owned(),
        };
        let stem = segments
            .last()
            .copied()
            .filter(|s| !s.is_empty())
            .unwrap_or("External")
            .replace("~1", "_")
            .replace("~0", "_");
        let mut name = stem.clone();
        let mut n = 2;
        while taken.iter().any(|(k, t)| *k == kind && *t == name)
            || self.names.values().any(|(k, t)| *k == kind && *t == name)
        {
            name = format!("{stem}{n}");
            n += 1;
        }
        self.names.insert(absolute.to_owned(), (kind.clone(), name.clone()));
        self.out.components.insert(format!("#/components/{kind}/{name}"), absolute.to_owned());
        let mut value = target;
        if let Value::Object(map) = &mut value {
            // typify names a nullable enum's inner type after its title; a title equal to the
            // component's name then defines the type twice. The name says it already.
            if map.get("title").and_then(Value::as_str) == Some(stem.as_str()) {
                map.remove("title");
            }
            map.insert("x-bundled-from".into(), Value::String(absolute.to_owned()));
        }
        self.pending.push((kind.clone(), name.clone(), url.to_owned(), value));
        Ok(Some((kind, name)))
    }
}

/// The other documents `doc`'s `$ref`s name, as absolute URLs without their fragment; `base`
/// is the URL of `doc` (relative references are read against it).
pub fn referenced_documents(doc: &Value, base: Option<&str>) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    let mut stack = vec![doc];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(absolute) = absolute(r, base)
                {
                    let url = absolute.split_once('#').map_or(absolute.as_str(), |(url, _)| url);
                    if Some(url) != base && !url.is_empty() {
                        found.insert(url.to_owned());
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// `reference` as an absolute `URL#pointer`, read from the document at `base`; `None` for a
/// local reference of the main document.
fn absolute(reference: &str, base: Option<&str>) -> Option<String> {
    let (target, pointer) = reference.split_once('#').unwrap_or((reference, ""));
    match (target, base) {
        ("", None) => None,
        ("", Some(base)) => Some(format!("{base}#{pointer}")),
        (t, _) if t.contains("://") => Some(format!("{t}#{pointer}")),
        (t, Some(base)) => {
            let dir = base.rsplit_once('/').map_or(base, |(d, _)| d);
            Some(format!("{dir}/{}#{pointer}", t.trim_start_matches("./")))
        }
        (t, None) => Some(format!("{t}#{pointer}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_are_made_absolute_against_the_document_they_are_in() {
        assert_eq!(absolute("#/components/schemas/A", None), None);
        assert_eq!(
            absolute("#/components/schemas/A", Some("https://x/a/doc.yaml")).as_deref(),
            Some("https://x/a/doc.yaml#/components/schemas/A")
        );
        assert_eq!(
            absolute("./other.yaml#/B", Some("https://x/a/doc.yaml")).as_deref(),
            Some("https://x/a/other.yaml#/B")
        );
        assert_eq!(absolute("https://y/z.yaml#/C", None).as_deref(), Some("https://y/z.yaml#/C"));
    }

    #[test]
    fn the_documents_a_document_refers_to() {
        let doc = json!({"a": {"$ref": "#/components/schemas/A"},
            "b": [{"$ref": "https://x/om/2.3.24/swagger.yaml#/components/schemas/Receipt"}],
            "c": {"$ref": "./common.yaml#/C"}, "d": {"$ref": "https://x/main.yaml#/D"}});
        let found: Vec<String> = referenced_documents(&doc, Some("https://x/main.yaml")).into_iter().collect();
        assert_eq!(found, ["https://x/common.yaml", "https://x/om/2.3.24/swagger.yaml"]);
        assert!(referenced_documents(&json!({"$ref": "#/x"}), None).is_empty());
    }

    #[test]
    fn bad_mappings_are_refused() {
        let mut refs = ExternalRefs::new();
        assert!(refs.add_arg("no-equals-sign").is_err());
        assert!(refs.add_arg("=file.yaml").is_err());
        assert!(refs.add_arg("https://x/y.yaml=").is_err());
        assert!(refs.is_empty());
    }

    #[test]
    fn a_prefix_maps_a_folder_and_nested_refs_are_bundled_under_free_names() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("om.yaml"),
            "components:\n  schemas:\n    Receipt:\n      type: object\n      properties:\n        line: {$ref: '#/components/schemas/Line'}\n    Line:\n      type: string\n",
        )
        .expect("write");
        let mut refs = ExternalRefs::new();
        refs.add_arg(&format!("https://example.com/om/={}/", dir.path().display())).expect("mapping");
        let mut doc = json!({
            "components": {"schemas": {"Line": {"type": "integer"}}},
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {"schema":
                {"$ref": "https://example.com/om/om.yaml#/components/schemas/Receipt"}}}}}}}
        });
        let bundled = refs.bundle(&mut doc, Unmapped::Error).expect("bundle");
        assert_eq!(
            doc.pointer("/paths/~1a/post/requestBody/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/Receipt"))
        );
        // The document's own Line is kept; the external one gets a free name.
        assert_eq!(doc.pointer("/components/schemas/Line/type"), Some(&json!("integer")));
        assert_eq!(
            doc.pointer("/components/schemas/Receipt/properties/line/$ref"),
            Some(&json!("#/components/schemas/Line2"))
        );
        assert_eq!(doc.pointer("/components/schemas/Line2/type"), Some(&json!("string")));
        assert_eq!(bundled.components.len(), 2);
        assert!(bundled.unmapped.is_empty());
    }
}
