//! Reading OpenAPI and overlay documents from disk, with errors that name the file and line.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// A YAML or JSON document read from disk, kept with the digest of its text.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it was read from, as given.
    pub path: PathBuf,
    /// Lowercase hex SHA-256 of the file's text with CRLF line endings read as LF, so that a
    /// checkout or an editor that writes CRLF does not make the generated code look stale.
    pub sha256: String,
    /// The parsed tree.
    pub value: Value,
}

impl Document {
    /// Reads and parses `path`. JSON files (by extension or a leading `{`) go through the JSON
    /// parser for its sharper messages; anything else is read as YAML.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| anyhow!("{}: cannot read: {e}", path.display()))?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| anyhow!("{}: not UTF-8 text (byte {})", path.display(), e.valid_up_to()))?;
        let value = parse_text(path, text)?;
        let sha256 = sha256_hex(text.replace("\r\n", "\n").as_bytes());
        Ok(Self { path: path.to_owned(), sha256, value })
    }
}

/// Parses `text` as JSON or YAML; `path` only names the source in errors.
pub fn parse_text(path: &Path, text: &str) -> Result<Value> {
    let is_json =
        path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) || text.trim_start().starts_with('{');
    if is_json {
        return serde_json::from_str(text).map_err(|e| {
            anyhow!("{}:{}:{}: invalid JSON: {}", path.display(), e.line(), e.column(), strip_position(&e.to_string()))
        });
    }
    serde_norway::from_str::<Value>(text).map_err(|e| match e.location() {
        Some(at) => anyhow!(
            "{}:{}:{}: invalid YAML: {}",
            path.display(),
            at.line(),
            at.column(),
            strip_position(&e.to_string())
        ),
        None => anyhow!("{}: invalid YAML: {e}", path.display()),
    })
}

/// Parser messages carry the error's position as " at line L column C" (at the end, or before
/// a comma and more context); it is already in our prefix, so its first mention is taken out.
/// A later one (YAML's "while parsing a flow sequence at line 1 column 6") says where something
/// began, and stays.
fn strip_position(message: &str) -> String {
    let Some(start) = message.find(" at line ") else { return message.to_owned() };
    let rest = &message[start + " at line ".len()..];
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let line = digits(rest);
    if line == 0 {
        return message.to_owned();
    }
    let end = match rest[line..].strip_prefix(" column ") {
        Some(column) => rest.len() - column.len() + digits(column),
        None => line,
    };
    format!("{}{}", &message[..start], &rest[end..])
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks that `value` declares OpenAPI 3.0.x, the only version the generator reads.
pub fn check_version(path: &Path, value: &Value) -> Result<()> {
    let version = match value.get("openapi") {
        Some(Value::String(v)) => v.as_str(),
        Some(other) => bail!("{}: `openapi` must be a version string, found {other}", path.display()),
        None if value.get("swagger").is_some() => {
            bail!("{}: this is a Swagger 2.0 document; OpenAPI 3.0.x is required", path.display())
        }
        None => bail!("{}: not an OpenAPI document (no `openapi` field)", path.display()),
    };
    if !version.starts_with("3.0.") {
        bail!("{}: declares OpenAPI {version}; OpenAPI 3.0.x is required", path.display());
    }
    Ok(())
}

/// Checks the version and converts `value` to the typed model.
pub fn to_openapi(path: &Path, value: &Value) -> Result<openapiv3::OpenAPI> {
    check_version(path, value)?;
    serde_json::from_value(value.clone())
        .with_context(|| format!("{}: not a valid OpenAPI 3.0 document", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_errors_carry_the_line() {
        let err = parse_text(Path::new("a.yaml"), "a: 1\nb: [\n").unwrap_err().to_string();
        assert!(err.starts_with("a.yaml:"), "{err}");
        assert!(err.contains("invalid YAML"), "{err}");
        let line: usize = err.split(':').nth(1).and_then(|l| l.parse().ok()).unwrap_or(0);
        assert!(line >= 2, "{err}");
    }

    #[test]
    fn the_position_is_said_once_in_front() {
        let err = parse_text(Path::new("a.yaml"), "not: [valid\n").unwrap_err().to_string();
        assert!(err.starts_with("a.yaml:2:1: invalid YAML: "), "{err}");
        // The error's own position is in front; where the sequence began stays in the text.
        assert!(
            err.ends_with("did not find expected ',' or ']', while parsing a flow sequence at line 1 column 6"),
            "{err}"
        );
        assert_eq!(strip_position("expected value at line 2 column 8"), "expected value");
        assert_eq!(strip_position("bad at line 3, then"), "bad, then");
        assert_eq!(strip_position("no position here"), "no position here");
        assert_eq!(strip_position("odd at line x"), "odd at line x");
    }

    #[test]
    fn json_errors_carry_line_and_column() {
        let err = parse_text(Path::new("a.json"), "{\n  \"a\": ,\n}").unwrap_err().to_string();
        assert!(err.starts_with("a.json:2:8: invalid JSON"), "{err}");
    }

    #[test]
    fn openapi_31_is_refused_by_name() {
        let v = serde_json::json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}});
        let err = to_openapi(Path::new("x.yaml"), &v).unwrap_err().to_string();
        assert_eq!(err, "x.yaml: declares OpenAPI 3.1.0; OpenAPI 3.0.x is required");
    }

    #[test]
    fn swagger_2_and_non_documents_are_refused() {
        let err = to_openapi(Path::new("x"), &serde_json::json!({"swagger": "2.0"})).unwrap_err();
        assert!(err.to_string().contains("Swagger 2.0"));
        let err = to_openapi(Path::new("x"), &serde_json::json!({"a": 1})).unwrap_err();
        assert!(err.to_string().contains("no `openapi` field"));
    }

    #[test]
    fn digest_is_hex_sha256() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn a_document_with_crlf_line_endings_has_the_digest_of_its_lf_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (lf, crlf) = (dir.path().join("lf.yaml"), dir.path().join("crlf.yaml"));
        std::fs::write(&lf, "openapi: 3.0.3\ninfo:\n  title: t\n").expect("write");
        std::fs::write(&crlf, "openapi: 3.0.3\r\ninfo:\r\n  title: t\r\n").expect("write");
        let (lf, crlf) = (Document::load(&lf).expect("lf"), Document::load(&crlf).expect("crlf"));
        assert_eq!(crlf.sha256, lf.sha256);
        assert_eq!(crlf.value, lf.value);
        assert_eq!(lf.sha256, sha256_hex(b"openapi: 3.0.3\ninfo:\n  title: t\n"));
    }
}
