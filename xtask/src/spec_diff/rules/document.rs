//! The document as a whole: its version and its servers (where clients call); security is
//! [`super::security`]'s.
//!
//! Emits `version-not-bumped`, `server-changed`, `server-added` and `server-base-moved`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::super::checks::Check;
use super::super::schema::show;
use super::{Finding, finding, template};

/// Two documents that differ in anything but `info.version` while they say the same version:
/// the change a team that compares version numbers never sees.
pub fn version(old: &Value, new: &Value, out: &mut Vec<Finding>) {
    let (was, is) = (old.pointer("/info/version"), new.pointer("/info/version"));
    if was != is || equal_but_version(old, new) {
        return;
    }
    out.push(finding(
        Check::VersionNotBumped,
        "/info/version",
        format!("both documents say {} but differ: whoever compares version numbers misses this change", show(is)),
    ));
}

/// Whether two documents are equal once `info.version` is left out of both.
fn equal_but_version(old: &Value, new: &Value) -> bool {
    let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else { return old == new };
    let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    keys.into_iter().all(|key| match (o.get(key), n.get(key)) {
        (Some(Value::Object(oi)), Some(Value::Object(ni))) if key == "info" => {
            let others = |info: &serde_json::Map<String, Value>| info.keys().filter(|k| *k != "version").count();
            others(oi) == others(ni) && oi.iter().filter(|(k, _)| *k != "version").all(|(k, v)| ni.get(k) == Some(v))
        }
        (a, b) => a == b,
    })
}

/// An operation both documents have under the same key: (key, old path, new path).
pub type KeptOperation<'a> = (&'a str, &'a str, &'a str);

/// A server change breaks clients only when an operation is no longer at a URL it had: a host
/// that is gone, or a base path that moved without the paths following it.
pub fn servers(old: &Value, new: &Value, kept: &[KeptOperation<'_>], out: &mut Vec<Finding>) {
    let (o, n) = (server_urls(old), server_urls(new));
    if o == n {
        return;
    }
    let urls = |servers: &[(String, String)], path: &str| -> BTreeSet<String> {
        let servers = if servers.is_empty() { vec![(String::new(), String::new())] } else { servers.to_vec() };
        servers.iter().map(|(host, base)| template(&format!("{host}{base}{path}"))).collect()
    };
    let moved: Vec<&str> = kept
        .iter()
        .filter(|(_, old_path, new_path)| !urls(&o, old_path).is_subset(&urls(&n, new_path)))
        .map(|(key, _, _)| *key)
        .collect();
    let hosts = |s: &[(String, String)]| s.iter().map(|(h, _)| h.clone()).collect::<BTreeSet<_>>();
    let gone: Vec<String> = hosts(&o).difference(&hosts(&n)).cloned().collect();
    let join = |s: &[(String, String)]| s.iter().map(|(h, b)| format!("{h}{b}")).collect::<Vec<_>>().join(", ");
    let what = format!("[{}] -> [{}]", join(&o), join(&n));
    if !gone.is_empty() || !moved.is_empty() {
        let why = if gone.is_empty() {
            format!("{} operation(s) are no longer at their URL, e.g. {}", moved.len(), moved[0])
        } else {
            format!("{} is no longer served", gone.join(", "))
        };
        out.push(finding(
            Check::ServerChanged,
            "/servers",
            format!("{what}: {why}; clients configured with the old base URL call the wrong place"),
        ));
        return;
    }
    if o.iter().map(|s| &s.1).ne(n.iter().map(|s| &s.1).take(o.len())) {
        out.push(finding(
            Check::ServerBaseMoved,
            "/servers",
            format!("{what}: the base path moved into the paths; every operation keeps its URL"),
        ));
    }
    for added in hosts(&n).difference(&hosts(&o)) {
        out.push(finding(Check::ServerAdded, "/servers", format!("{added} is new; {what}")));
    }
}

/// The URLs of a document's servers as (scheme and host, base path).
fn server_urls(doc: &Value) -> Vec<(String, String)> {
    doc.get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("url")?.as_str())
        .map(|url| {
            let url = url.trim_end_matches('/');
            let after_scheme = url.find("://").map_or(0, |i| i + 3);
            match url[after_scheme..].find('/') {
                Some(i) => (url[..after_scheme + i].to_owned(), url[after_scheme + i..].to_owned()),
                None => (url.to_owned(), String::new()),
            }
        })
        .collect()
}
