//! The rules: what each check judges, grouped by the part of a document it looks at. The
//! walker ([`super::walker`]) pairs the parts of two documents and hands each pair to the
//! rules of its area; a rule judges only that pair and pushes what it finds. Every file opens
//! with the check ids it emits, and no check is emitted outside this folder.
//!
//! | area | file |
//! | --- | --- |
//! | version and servers | [`document`] |
//! | security requirements and schemes | [`security`] |
//! | operations matched, renamed, moved | [`operations`] |
//! | deprecation, sunset dates, stability levels | [`lifecycle`] |
//! | parameters | [`parameters`] |
//! | request bodies and media types | [`bodies`] |
//! | answer statuses | [`responses`] |
//! | answer headers | [`headers`] |
//! | object properties | [`properties`] |
//! | readOnly / writeOnly transitions | [`mutability`] |
//! | a schema's own keywords (type, format, limits, enum, ...) | [`keywords`] |
//! | compositions and external references | [`schemas`] |
//! | discriminators | [`discriminator`] |
//! | descriptions and examples | [`prose`] |

pub(super) mod bodies;
pub(super) mod discriminator;
pub(super) mod document;
pub(super) mod headers;
pub(super) mod keywords;
pub(super) mod lifecycle;
pub(super) mod mutability;
pub(super) mod operations;
pub(super) mod parameters;
pub(super) mod properties;
pub(super) mod prose;
pub(super) mod responses;
pub(super) mod schemas;
pub(super) mod security;

use super::checks::Check;

/// Which way data flows through a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flow {
    /// The client sends it.
    Request,
    /// The client receives it.
    Response,
}

/// One finding, located relative to where the comparison of its part started.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The check.
    pub check: Check,
    /// A parameter's name or a JSON pointer, relative to the part compared.
    pub location: String,
    /// What changed, in words.
    pub message: String,
}

/// What a rule pushes.
pub fn finding(check: Check, location: &str, message: String) -> Finding {
    Finding { check, location: location.to_owned(), message }
}

/// A path with its parameter names blanked: `/a/{Reference}` and `/a/{reference}` are one URL.
pub fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push('{');
            }
            '}' => {
                in_name = false;
                out.push('}');
            }
            _ if in_name => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::checks::Check;

    /// Each rules file's source with its name.
    const FILES: &[(&str, &str)] = &[
        ("bodies.rs", include_str!("bodies.rs")),
        ("discriminator.rs", include_str!("discriminator.rs")),
        ("document.rs", include_str!("document.rs")),
        ("headers.rs", include_str!("headers.rs")),
        ("keywords.rs", include_str!("keywords.rs")),
        ("lifecycle.rs", include_str!("lifecycle.rs")),
        ("mutability.rs", include_str!("mutability.rs")),
        ("operations.rs", include_str!("operations.rs")),
        ("parameters.rs", include_str!("parameters.rs")),
        ("properties.rs", include_str!("properties.rs")),
        ("prose.rs", include_str!("prose.rs")),
        ("responses.rs", include_str!("responses.rs")),
        ("schemas.rs", include_str!("schemas.rs")),
        ("security.rs", include_str!("security.rs")),
    ];

    /// The check ids a file's opening doc comment lists (as `` `id` ``).
    fn listed(source: &str) -> Vec<String> {
        let doc: String = source.lines().take_while(|l| l.starts_with("//!")).collect::<Vec<_>>().join("\n");
        doc.split('`').skip(1).step_by(2).filter(|id| Check::from_id(id).is_some()).map(str::to_owned).collect()
    }

    /// The checks a file's code names (`Check::Variant`), as ids.
    fn emitted(source: &str) -> Vec<String> {
        let code: String = source.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let mut ids: Vec<String> = Check::ALL
            .iter()
            .filter(|c| {
                let variant = format!("Check::{:?}", c);
                code.match_indices(&variant)
                    .any(|(i, _)| !code[i + variant.len()..].starts_with(|ch: char| ch.is_alphanumeric() || ch == '_'))
            })
            .map(|c| c.id().to_owned())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn each_rules_file_lists_what_it_emits_and_every_check_has_one_home() {
        let mut home: BTreeMap<String, &str> = BTreeMap::new();
        for (name, source) in FILES {
            let mut listed = listed(source);
            listed.sort();
            assert_eq!(listed, emitted(source), "{name}: the opening doc comment lists the checks it emits");
            for id in listed {
                if let Some(other) = home.insert(id.clone(), name) {
                    panic!("{id} is emitted by both {other} and {name}");
                }
            }
        }
        let homeless: Vec<_> = Check::ALL.iter().map(|c| c.id()).filter(|id| !home.contains_key(*id)).collect();
        assert!(homeless.is_empty(), "checks no rules file emits: {homeless:?}");
    }
}
