//! What a regeneration changed, for a reader: the public surface of generated code compared
//! item by item (types, fields, variants, functions, constants), and unified diffs of text.

use std::collections::BTreeMap;

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
    text_diff(&format!("{name} (committed)"), &format!("{name} (regenerated)"), old, new)
}

/// A unified diff between two texts, each side named.
pub fn text_diff(old_name: &str, new_name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(old_name, new_name).to_string()
}

/// The public items of generated code (types, their public fields and variants, public
/// functions and methods, constants), each with what it declares: a field's type, a
/// function's signature, a constant's value.
/// Code that does not parse has no items, which shows as every item removed.
fn public_items(code: &str) -> BTreeMap<String, String> {
    let mut items = BTreeMap::new();
    if let Ok(file) = syn::parse_file(code) {
        collect_items(&file.items, &mut items);
    }
    items
}

fn collect_items(items: &[syn::Item], out: &mut BTreeMap<String, String>) {
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
