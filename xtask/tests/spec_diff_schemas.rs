//! spec-diff's comparison of schemas, on small documents built in the test: `allOf` merged,
//! `oneOf` branches matched, `additionalProperties`, constraints, defaults, read- and write-only
//! properties, parameters, servers, external and recursive `$ref`s.

use xtask::spec_diff::{self, Severity};

/// spec-diff on a pair built by [`doc`], whose newer side says a newer `info.version`, as a
/// published one does (`version-not-bumped` has a fixture of its own).
fn diff(old: &serde_json::Value, new: &serde_json::Value) -> Vec<spec_diff::Change> {
    let mut new = new.clone();
    new["info"]["version"] = "2".into();
    spec_diff::diff(old, &new)
}

/// A document with one operation that sends `request` and receives `response`, plus `schemas`.
fn doc(request: serde_json::Value, response: serde_json::Value, schemas: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": {
            "operationId": "postThing",
            "requestBody": {"required": true, "content": {"application/json": {"schema": request}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}
        }}},
        "components": {"schemas": schemas}
    })
}

/// (check id, location) of every finding, locations cut after the media type.
fn found(old: &serde_json::Value, new: &serde_json::Value) -> Vec<(&'static str, String)> {
    diff(old, new)
        .into_iter()
        .map(|c| (c.kind.id(), c.location.replace("/content/application/json/schema", "")))
        .collect()
}

fn sorted(mut v: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    v.sort();
    v
}

fn expect(items: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    sorted(items.iter().map(|(k, l)| (*k, (*l).to_owned())).collect())
}

#[test]
fn all_of_is_merged_before_comparing() {
    use serde_json::json;
    let schemas = json!({"Base": {"type": "object", "properties": {"a": {"type": "string"}}}});
    let old = doc(
        json!({"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"b": {"type": "string"}}}]}),
        json!({}),
        schemas.clone(),
    );
    let new = doc(
        json!({"allOf": [{"$ref": "#/components/schemas/Base"}, {"required": ["b"], "properties": {"b": {"type": "string", "maxLength": 5}}}]}),
        json!({}),
        schemas,
    );
    assert_eq!(
        sorted(found(&old, &new)),
        expect(&[
            ("request-constraint-tightened", "/requestBody/properties/b"),
            ("request-property-made-required", "/requestBody/properties/b"),
        ])
    );
}

#[test]
fn one_of_branches_match_by_ref_then_by_shape() {
    use serde_json::json;
    let schemas = json!({
        "Phone": {"type": "object", "properties": {"phoneNumber": {"type": "string"}}},
        "Token": {"type": "object", "properties": {"CustomerToken": {"type": "string"}}},
        "Token2": {"type": "object", "properties": {"customerToken": {"type": "string"}}}
    });
    let branches = |token: &str| json!({"oneOf": [{"$ref": "#/components/schemas/Phone"}, {"$ref": format!("#/components/schemas/{token}")}]});
    // Same ref names: the renamed property inside the Token branch is found.
    let mut renamed = schemas.clone();
    renamed["Token"] = json!({"type": "object", "properties": {"customerToken": {"type": "string"}}});
    assert_eq!(
        sorted(found(&doc(branches("Token"), json!({}), schemas.clone()), &doc(branches("Token"), json!({}), renamed))),
        expect(&[
            ("request-property-added", "/requestBody/oneOf/1/properties/customerToken"),
            ("request-property-removed", "/requestBody/oneOf/1/properties/CustomerToken"),
        ])
    );
    // A branch under another name but of the same shape is matched by shape, not removed and added.
    let inline = json!({"oneOf": [{"$ref": "#/components/schemas/Phone"}, {"type": "object", "properties": {"CustomerToken": {"type": "string", "maxLength": 9}}}]});
    assert_eq!(
        found(&doc(branches("Token"), json!({}), schemas.clone()), &doc(inline, json!({}), schemas.clone())),
        expect(&[("request-constraint-tightened", "/requestBody/oneOf/1/properties/CustomerToken")])
    );
    // A branch added to an answer is breaking; to a request it is not.
    let three = json!({"oneOf": [{"$ref": "#/components/schemas/Phone"}, {"$ref": "#/components/schemas/Token"}, {"type": "string"}]});
    let changes =
        diff(&doc(branches("Token"), branches("Token"), schemas.clone()), &doc(three.clone(), three, schemas));
    let kinds: Vec<_> = changes.iter().map(|c| (c.kind.id(), c.severity)).collect();
    assert_eq!(kinds, [("response-branch-added", Severity::Breaking), ("request-branch-added", Severity::NonBreaking)]);
}

#[test]
fn a_schema_that_becomes_one_of_is_compared_with_the_union_of_its_branches() {
    use serde_json::json;
    let old = doc(
        json!({"type": "object", "properties": {"phoneNumber": {"type": "string"}, "personalQr": {"type": "string"}}}),
        json!({}),
        json!({}),
    );
    let new = doc(
        json!({"oneOf": [
            {"type": "object", "properties": {"phoneNumber": {"type": "string"}}},
            {"type": "object", "properties": {"personalQr": {"type": "string", "minLength": 5}}}
        ]}),
        json!({}),
        json!({}),
    );
    assert_eq!(
        sorted(found(&old, &new)),
        expect(&[
            ("composition-changed", "/requestBody"),
            ("request-constraint-tightened", "/requestBody/properties/personalQr"),
        ])
    );
}

#[test]
fn additional_properties_are_compared_as_schemas_in_the_direction_of_flow() {
    use serde_json::json;
    let map = |limit: Option<u64>| {
        let mut value = json!({"type": "string"});
        if let Some(l) = limit {
            value["maxLength"] = l.into();
        }
        json!({"type": "object", "additionalProperties": value})
    };
    let changes = diff(&doc(map(Some(500)), map(Some(500)), json!({})), &doc(map(None), map(None), json!({})));
    let kinds: Vec<_> =
        changes.iter().map(|c| (c.kind.id(), c.severity, c.location.ends_with("/additionalProperties"))).collect();
    assert_eq!(
        kinds,
        [
            ("response-constraint-loosened", Severity::Breaking, true),
            ("request-constraint-loosened", Severity::NonBreaking, true)
        ]
    );
}

#[test]
fn constraints_it_reads() {
    use serde_json::json;
    let cases = [
        (json!({"type": "object"}), json!({"type": "object", "maxProperties": 5}), "maxProperties"),
        (json!({"type": "object", "minProperties": 1}), json!({"type": "object", "minProperties": 2}), "minProperties"),
        (
            json!({"type": "integer", "minimum": 0}),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true}),
            "exclusiveMinimum",
        ),
        (
            json!({"type": "integer", "maximum": 9}),
            json!({"type": "integer", "maximum": 9, "exclusiveMaximum": true}),
            "exclusiveMaximum",
        ),
        (
            json!({"type": "integer", "exclusiveMinimum": 0}),
            json!({"type": "integer", "exclusiveMinimum": 1}),
            "exclusiveMinimum",
        ),
        (json!({"type": "integer", "multipleOf": 5}), json!({"type": "integer", "multipleOf": 10}), "multipleOf"),
        (json!({"type": "string"}), json!({"type": "string", "enum": ["A", "B"]}), "enum"),
    ];
    for (old, new, keyword) in cases {
        let changes = diff(&doc(old.clone(), json!({}), json!({})), &doc(new.clone(), json!({}), json!({})));
        assert_eq!(changes.len(), 1, "{keyword}: {changes:?}");
        assert_eq!(changes[0].kind.id(), "request-constraint-tightened", "{keyword}");
        assert!(changes[0].message.starts_with(keyword), "{keyword}: {}", changes[0].message);
        // The same change the other way round loosens.
        let back = diff(&doc(new, json!({}), json!({})), &doc(old, json!({}), json!({})));
        assert_eq!(back.iter().map(|c| c.kind.id()).collect::<Vec<_>>(), ["request-constraint-loosened"], "{keyword}");
    }
}

#[test]
fn defaults_added_removed_or_changed_are_their_own_kind_by_direction() {
    use serde_json::json;
    let thing = |default: serde_json::Value| {
        let mut flag = json!({"type": "boolean"});
        if !default.is_null() {
            flag["default"] = default;
        }
        json!({"type": "object", "properties": {"cancelTransactionOnly": flag}})
    };
    let (no_default, off, on) = (thing(json!(null)), thing(json!(false)), thing(json!(true)));
    let in_request = |schema: &serde_json::Value| doc(schema.clone(), json!({}), json!({}));
    assert_eq!(
        diff(&in_request(&off), &in_request(&on)).iter().map(|c| (c.kind.id(), c.message.as_str())).collect::<Vec<_>>(),
        [("request-default-changed", "default false -> true: clients that leave it out get what the new default does")]
    );
    for (old, new) in [(&no_default, &off), (&off, &no_default)] {
        let found = found(&in_request(old), &in_request(new));
        assert_eq!(found, expect(&[("request-default-changed", "/requestBody/properties/cancelTransactionOnly")]));
    }
    let in_answer = |schema: &serde_json::Value| doc(json!({}), schema.clone(), json!({}));
    assert_eq!(
        found(&in_answer(&off), &in_answer(&on)),
        expect(&[("response-default-changed", "/responses/200/properties/cancelTransactionOnly")])
    );
    assert!(found(&in_request(&on), &in_request(&on)).is_empty(), "the same default is no change");
    // Parameters are compared as schemas too.
    let with_query = |default: i64| {
        let mut d = doc(json!({}), json!({}), json!({}));
        d["paths"]["/things"]["post"]["parameters"] =
            json!([{"name": "limit", "in": "query", "schema": {"type": "integer", "default": default}}]);
        d
    };
    let found = found(&with_query(10), &with_query(50));
    assert_eq!(found.iter().map(|(id, _)| *id).collect::<Vec<_>>(), ["request-default-changed"], "{found:?}");
}

#[test]
fn read_only_properties_do_not_count_in_requests_nor_write_only_in_answers() {
    use serde_json::json;
    let schema = |extra: bool| {
        let mut props = json!({"name": {"type": "string"}});
        if extra {
            props["pspReference"] = json!({"type": "string", "readOnly": true});
            props["secret"] = json!({"type": "string", "writeOnly": true});
        }
        json!({"type": "object", "properties": props})
    };
    let changes = diff(&doc(schema(true), schema(true), json!({})), &doc(schema(false), schema(false), json!({})));
    let found: Vec<_> =
        changes.iter().map(|c| (c.kind.id(), c.location.rsplit('/').next().unwrap_or_default().to_owned())).collect();
    assert_eq!(
        found,
        [("request-property-removed", "secret".to_owned()), ("response-property-removed", "pspReference".to_owned())]
    );
}

#[test]
fn query_parameters_keep_their_case_and_deprecation_is_its_own_kind() {
    use serde_json::json;
    let with_params = |params: serde_json::Value| {
        let mut d = doc(json!({}), json!({}), json!({}));
        d["paths"]["/things"]["post"]["parameters"] = params;
        d
    };
    let old = with_params(json!([{"in": "query", "name": "orderId", "required": true, "schema": {"type": "string"}},
                                 {"in": "header", "name": "X-Key", "schema": {"type": "string"}}]));
    let new = with_params(json!([{"in": "query", "name": "orderID", "required": true, "schema": {"type": "string"}},
                                 {"in": "header", "name": "x-key", "deprecated": true, "schema": {"type": "string"}}]));
    let kinds: Vec<_> = diff(&old, &new).into_iter().map(|c| (c.kind.id(), c.location)).collect();
    assert_eq!(
        kinds,
        [
            ("parameter-added-required", "query parameter orderID".to_owned()),
            ("parameter-removed", "query parameter orderId".to_owned()),
            ("parameter-deprecated", "header parameter X-Key".to_owned()),
        ]
    );
}

#[test]
fn servers_that_keep_every_url_are_not_breaking() {
    use serde_json::json;
    let mut old = doc(json!({}), json!({}), json!({}));
    old["servers"] = json!([{"url": "https://api.example.com/epayment"}]);
    let mut new = doc(json!({}), json!({}), json!({}));
    new["servers"] = json!([{"url": "https://api.example.com"}, {"url": "https://apitest.example.com"}]);
    let paths = new["paths"].as_object_mut().expect("paths");
    let item = paths.remove("/things").expect("item");
    paths.insert("/epayment/things".into(), item);
    let changes: Vec<_> = diff(&old, &new).into_iter().map(|c| (c.kind.id(), c.severity)).collect();
    assert_eq!(
        changes,
        [
            ("path-moved-under-server-base", Severity::NonBreaking),
            ("server-added", Severity::NonBreaking),
            ("server-base-moved", Severity::NonBreaking),
        ]
    );
    // Without the paths following, every operation moved: breaking.
    let mut moved = new.clone();
    moved["paths"] = old["paths"].clone();
    let kinds: Vec<_> = diff(&old, &moved).into_iter().map(|c| c.kind.id()).collect();
    assert_eq!(kinds, ["server-changed"]);
}

#[test]
fn external_refs_with_the_same_url_are_no_change_and_another_url_never_breaks() {
    use serde_json::json;
    let r = |tag: &str| json!({"type": "object", "properties": {"receipt": {"$ref": format!("https://example.com/{tag}/om.yaml#/components/schemas/Receipt")}}});
    assert_eq!(found(&doc(r("2.3.0"), json!({}), json!({})), &doc(r("2.3.0"), json!({}), json!({}))), []);
    let changes = diff(&doc(r("2.3.0"), json!({}), json!({})), &doc(r("2.3.17"), json!({}), json!({})));
    assert_eq!(
        changes.iter().map(|c| (c.kind.id(), c.severity)).collect::<Vec<_>>(),
        [("external-ref-changed", Severity::NonBreaking)]
    );
}

/// A tree: each node refers to itself `links` times.
fn tree(links: usize, max_length: u64) -> serde_json::Value {
    use serde_json::json;
    let mut props = json!({"name": {"type": "string", "maxLength": max_length}});
    for i in 0..links {
        props[format!("child{i}")] = json!({"type": "array", "items": {"$ref": "#/components/schemas/Node"}});
    }
    let node = json!({"Node": {"type": "object", "properties": props}});
    doc(json!({"$ref": "#/components/schemas/Node"}), json!({"$ref": "#/components/schemas/Node"}), node)
}

#[test]
fn recursive_schemas_are_compared_once_per_pair_and_direction() {
    for links in [1, 2, 3, 8] {
        assert_eq!(found(&tree(links, 10), &tree(links, 10)), [], "{links} self-references, no change");
        // One change is one finding per direction, not one per path through the tree.
        assert_eq!(
            sorted(found(&tree(links, 10), &tree(links, 20))),
            expect(&[
                ("request-constraint-loosened", "/requestBody/properties/name"),
                ("response-constraint-loosened", "/responses/200/properties/name"),
            ]),
            "{links} self-references"
        );
    }
}

#[test]
fn a_schema_whose_all_of_names_itself_ends() {
    use serde_json::json;
    let schemas =
        json!({"Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}, {"properties": {"a": {"type": "string"}}}]}});
    let d = doc(json!({"$ref": "#/components/schemas/Loop"}), json!({}), schemas);
    assert_eq!(found(&d, &d), []);
}
