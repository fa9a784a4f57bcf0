//! Turning one OpenAPI document into formatted Rust with progenitor.
//!
//! Settings, chosen deliberately:
//! - **Builder interface.** Most ePayment operations take seven or eight header parameters, most
//!   of them optional; positional methods would be long lists of `Option`s that are easy to pass
//!   in the wrong order. Builders name every argument at the call site, and typify gives the
//!   body types builders too.
//! - **Merged tags.** One `Client` with every operation as a method. The API has a handful of
//!   operations; per-tag traits (`TagStyle::Separate`) would make callers import a trait per
//!   tag and buy nothing.
//! - **An inner `RequestContext` and a pre-hook.** Every generated `Client` carries an
//!   `epayment_api::RequestContext` whose headers the hook adds to each request. The access
//!   token lives there: the documents declare it as a security scheme, which progenitor does
//!   not turn into a parameter, and a per-client context lets the caller change the token for
//!   one call without rebuilding the `reqwest::Client` and its connection pool.
//!   A post-hook notes each answer's status and `Retry-After` for the call that got it
//!   (`RequestContext::noting`), because progenitor's error for an undecodable body keeps
//!   neither.
//! - **`Currency`, `State` and `PaymentEventName` replaced by `epayment_vocabulary`'s open
//!   `Currency`, `State` and `EventName`**: the document's closed enums would turn an answer
//!   with a value added later (a currency, a state, an event name) into a decode failure of the
//!   whole payment. The generated code names the vocabulary crate itself rather than a
//!   re-export, so that where the types come from is written where they are used.
//! - **An `operation_ids` module** beside progenitor's output: one constant per operationId
//!   (`CAPTURE_PAYMENT = "capturePayment"`), so that the client's logs and errors and the
//!   simulator's routing name operations from the document rather than by hand-typed strings
//!   (progenitor's own `OperationInfo` carries the snake-case method name, not the id).
//! - **`PartialEq` on every type**, besides typify's `Clone`, `Debug`, `Serialize` and
//!   `Deserialize`: the simulator and the tests compare bodies. Not `Eq` or `Hash`, which a
//!   document with a floating-point field would make impossible.

use std::panic::{self, AssertUnwindSafe};

use anyhow::{Result, anyhow};
use heck::ToShoutySnakeCase;
use openapiv3::{OpenAPI, ReferenceOr};
use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};

/// Extra derives on every generated type, besides typify's own.
pub const EXTRA_DERIVES: &[&str] = &["PartialEq"];

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::RequestContext))
        .with_pre_hook(quote::quote!(crate::RequestContext::apply))
        .with_post_hook(quote::quote!(crate::RequestContext::observe))
        // Enums the API may extend: open types that keep an unknown value instead of failing
        // the whole answer (crates/epayment-vocabulary).
        .with_replacement(
            "Currency",
            "::epayment_vocabulary::Currency",
            [TypeImpl::FromStr, TypeImpl::Display, TypeImpl::Default].into_iter(),
        )
        .with_replacement("State", "::epayment_vocabulary::State", [TypeImpl::FromStr, TypeImpl::Display].into_iter())
        .with_replacement(
            "PaymentEventName",
            "::epayment_vocabulary::EventName",
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        );
    for derive in EXTRA_DERIVES {
        settings.with_derive(*derive);
    }
    settings
}

/// Generates the client for `spec` and formats it. A failure names the operation or the
/// component schema that caused it when one can be singled out.
pub fn generate(spec: &OpenAPI) -> Result<String> {
    check_supported(spec)?;
    let mut tokens = try_generate(spec).map_err(|message| locate_failure(spec, message))?;
    tokens.extend(operation_ids(spec)?);
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| anyhow!("progenitor produced code that does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// `pub mod operation_ids`: a constant per operation of the document's paths, in its order,
/// named after the operationId in upper snake case.
fn operation_ids(spec: &OpenAPI) -> Result<proc_macro2::TokenStream> {
    let mut names: Vec<(String, &str)> = Vec::new();
    let mut constants = Vec::new();
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, operation) in item.iter() {
            let Some(id) = operation.operation_id.as_deref() else { continue };
            let name = id.to_shouty_snake_case();
            if let Some((_, other)) = names.iter().find(|(n, _)| *n == name) {
                return Err(anyhow!("operationIds `{other}` and `{id}` would both be the constant {name}"));
            }
            let ident = syn::parse_str::<syn::Ident>(&name)
                .map_err(|_| anyhow!("operationId `{id}` does not make a Rust constant name ({name})"))?;
            let summary = operation.summary.as_deref().map(|s| format!(": {s}")).unwrap_or_default();
            let doc = format!(" `{} {path}`{summary}", method.to_uppercase());
            constants.push(quote::quote! {
                #[doc = #doc]
                pub const #ident: &str = #id;
            });
            names.push((name, id));
        }
    }
    Ok(quote::quote! {
        /// The document's operationIds, one constant per operation, for naming an operation the
        /// way the API does (in logs, errors and routing).
        pub mod operation_ids {
            #(#constants)*
        }
    })
}

/// Refuses, with a clear message, the shapes progenitor would panic on.
fn check_supported(spec: &OpenAPI) -> Result<()> {
    for (path, item) in &spec.paths.paths {
        if let ReferenceOr::Reference { reference } = item {
            return Err(anyhow!("path `{path}` is a reference to `{reference}`; inline the path item"));
        }
    }
    Ok(())
}

fn try_generate(spec: &OpenAPI) -> Result<proc_macro2::TokenStream, String> {
    // progenitor and typify panic on some inputs; a panic here is a bad document, not a bug of
    // ours, so it becomes an error. No hook is touched here: library code must not swap a
    // process-wide hook (tests call this from parallel threads). The `xtask` binary quiets the
    // generator's panics once, in `main`.
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| Generator::new(&settings()).generate_tokens(spec)));
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(e.to_string()),
        Err(payload) => Err(payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("the generator panicked")
            .to_owned()),
    }
}

/// Finds what made generation fail: a component schema whose replacement by an open schema
/// makes the components generate, or else an operation that fails on its own.
fn locate_failure(spec: &OpenAPI, message: String) -> anyhow::Error {
    let mut no_paths = spec.clone();
    no_paths.paths.paths.clear();
    if try_generate(&no_paths).is_err() {
        let names = spec.components.iter().flat_map(|c| c.schemas.keys());
        for name in names {
            let mut without = no_paths.clone();
            if let Some(c) = without.components.as_mut() {
                c.schemas.insert(name.clone(), ReferenceOr::Item(open_schema()));
            }
            if try_generate(&without).is_ok() {
                return anyhow!("cannot generate schema `{name}`: {message}");
            }
        }
        return anyhow!("cannot generate the component schemas: {message}");
    }
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, operation) in item.iter() {
            let mut single = spec.clone();
            single.paths.paths = [(path.clone(), ReferenceOr::Item(only_method(item, method)))].into_iter().collect();
            if try_generate(&single).is_err() {
                let id = operation.operation_id.as_deref().unwrap_or("(no operationId)");
                return anyhow!("cannot generate operation `{id}` ({} {path}): {message}", method.to_uppercase());
            }
        }
    }
    anyhow!("cannot generate the client: {message}")
}

/// A schema that accepts anything, to stand in for one suspected of breaking generation.
fn open_schema() -> openapiv3::Schema {
    openapiv3::Schema { schema_data: Default::default(), schema_kind: openapiv3::SchemaKind::Any(Default::default()) }
}

/// `item` with every operation but `method` taken out.
fn only_method(item: &openapiv3::PathItem, method: &str) -> openapiv3::PathItem {
    let mut only = item.clone();
    for (m, slot) in [
        ("get", &mut only.get),
        ("put", &mut only.put),
        ("post", &mut only.post),
        ("delete", &mut only.delete),
        ("options", &mut only.options),
        ("head", &mut only.head),
        ("patch", &mut only.patch),
        ("trace", &mut only.trace),
    ] {
        if m != method {
            *slot = None;
        }
    }
    only
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(operation_ids: &[&str]) -> OpenAPI {
        let paths: serde_json::Map<String, serde_json::Value> = operation_ids
            .iter()
            .enumerate()
            .map(|(n, id)| {
                let operation = serde_json::json!({
                    "operationId": id,
                    "summary": format!("Operation {n}"),
                    "responses": {"204": {"description": "done"}}
                });
                (format!("/v1/things/{n}"), serde_json::json!({ "post": operation }))
            })
            .collect();
        let value = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": paths
        });
        serde_json::from_value(value).expect("a valid document")
    }

    #[test]
    fn each_operation_id_becomes_a_constant_named_after_it() {
        let code = generate(&document(&["capturePayment", "getMerchantDynamicExpressGroupsPOST"])).expect("generates");
        let module = &code[code.find("pub mod operation_ids").expect("the module")..];
        assert!(module.contains("/// `POST /v1/things/0`: Operation 0\n"), "{module}");
        assert!(module.contains("pub const CAPTURE_PAYMENT: &str = \"capturePayment\";"), "{module}");
        assert!(
            module.contains(
                "pub const GET_MERCHANT_DYNAMIC_EXPRESS_GROUPS_POST: &str = \"getMerchantDynamicExpressGroupsPOST\";"
            ),
            "{module}"
        );
    }

    #[test]
    fn operation_ids_that_would_share_a_constant_are_refused_by_name() {
        let error = operation_ids(&document(&["capturePayment", "capture_payment"])).expect_err("a clash");
        assert_eq!(
            error.to_string(),
            "operationIds `capturePayment` and `capture_payment` would both be the constant CAPTURE_PAYMENT"
        );
    }
}
