//! The catalogue of checks: every kind of finding spec-diff reports, with its stable id, its
//! default severity and what it means. Ids are what `openapi/spec-diff.toml` and CI outputs
//! name, so one is renamed only with a reason (and a note in the README).

use serde::Serialize;

/// How a change affects a client of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Existing clients may fail.
    Breaking,
    /// Existing clients keep working.
    NonBreaking,
    /// Only prose changed.
    Doc,
}

impl Severity {
    /// As written in reports and in `spec-diff.toml`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::NonBreaking => "non-breaking",
            Severity::Doc => "doc",
        }
    }

    /// The severity a label names.
    pub fn parse(label: &str) -> Option<Self> {
        [Severity::Breaking, Severity::NonBreaking, Severity::Doc].into_iter().find(|s| s.label() == label)
    }
}

macro_rules! checks {
    ($($variant:ident => $id:literal, $severity:ident, $doc:literal;)*) => {
        /// One kind of finding. See [`Check::ALL`] for the catalogue.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Check {
            $(#[doc = $doc] $variant,)*
        }

        impl Check {
            /// Every check, in the order the README lists them.
            pub const ALL: &[Check] = &[$(Check::$variant,)*];

            /// The stable id, e.g. `request-property-made-required`.
            pub fn id(self) -> &'static str {
                match self { $(Check::$variant => $id,)* }
            }

            /// The severity a finding of this check has unless the project's configuration
            /// says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Check::$variant => Severity::$severity,)* }
            }

            /// What a finding of this check means, in one sentence.
            pub fn description(self) -> &'static str {
                match self { $(Check::$variant => $doc,)* }
            }
        }
    };
}

checks! {
    ServerChanged => "server-changed", Breaking,
        "A server URL changed so that operations are no longer where clients call them.";
    ServerAdded => "server-added", NonBreaking,
        "A server was added; the old ones still serve every operation at the same URL.";
    ServerBaseMoved => "server-base-moved", NonBreaking,
        "The servers' base path moved into the paths: every operation keeps its URL.";
    SecurityChanged => "security-changed", Breaking,
        "A security scheme that requirements name changed its type, location, name or flows (unused schemes are not compared).";
    SecurityAlternativeAdded => "security-alternative-added", NonBreaking,
        "A security requirement gained an alternative (`{}` needs nothing): clients keep sending what they sent.";
    SecurityAlternativeRemoved => "security-alternative-removed", Breaking,
        "A security alternative is gone and nothing that needs less replaces it: clients that used it are refused.";
    SecurityRequirementAdded => "security-requirement-added", Breaking,
        "An alternative needs another scheme as well (or security appears where there was none): clients lack the credential.";
    SecurityRequirementRemoved => "security-requirement-removed", NonBreaking,
        "An alternative needs fewer schemes (or security is dropped): what clients send still suffices.";
    SecurityScopesAdded => "security-scopes-added", Breaking,
        "An alternative needs more OAuth scopes: tokens granted today lack them.";
    SecurityScopesRemoved => "security-scopes-removed", NonBreaking, "An alternative needs fewer OAuth scopes.";
    VersionNotBumped => "version-not-bumped", NonBreaking,
        "The documents differ but say the same info.version: whoever watches version numbers misses the change.";
    OperationAdded => "operation-added", NonBreaking, "A new operation.";
    OperationRemoved => "operation-removed", Breaking, "An operation is gone.";
    OperationRemovedAfterSunset => "operation-removed-after-sunset", NonBreaking,
        "A deprecated operation whose sunset date (x-sunset) has passed is gone, as announced.";
    UnstableOperationRemoved => "unstable-operation-removed", NonBreaking,
        "An operation marked draft or alpha (x-stability-level) is gone: it promised no stability.";
    OperationDeprecated => "operation-deprecated", NonBreaking,
        "An operation is now deprecated (the message gives its sunset date when it has one).";
    StabilityDecreased => "stability-decreased", Breaking,
        "An operation, parameter or property has a lower x-stability-level (stable -> beta -> alpha -> draft).";
    MethodChanged => "method-changed", Breaking, "An operation (same operationId) has another HTTP method.";
    PathChanged => "path-changed", Breaking, "An operation (same operationId) is at another URL.";
    OperationIdChanged => "operation-id-changed", Breaking,
        "An operation (same method and URL) has another operationId: generated clients name their method after it.";
    PathMovedUnderServerBase => "path-moved-under-server-base", NonBreaking,
        "An operation's path changed, but with the new server base its URL is the same.";
    ParameterAdded => "parameter-added", NonBreaking, "A new optional parameter.";
    ParameterAddedRequired => "parameter-added-required", Breaking, "A new required parameter.";
    ParameterRemoved => "parameter-removed", Breaking,
        "A parameter is gone (query and cookie names are compared with their case; header names without).";
    ParameterMadeRequired => "parameter-made-required", Breaking, "An optional parameter is now required.";
    ParameterMadeOptional => "parameter-made-optional", NonBreaking, "A required parameter is now optional.";
    ParameterDeprecated => "parameter-deprecated", NonBreaking,
        "A parameter is now deprecated (the message gives its sunset date when it has one).";
    ParameterRemovedAfterSunset => "parameter-removed-after-sunset", NonBreaking,
        "A deprecated parameter whose sunset date has passed is gone, as announced.";
    RequestBodyAdded => "request-body-added", NonBreaking, "An operation takes an optional request body.";
    RequestBodyAddedRequired => "request-body-added-required", Breaking,
        "An operation that took no body requires one.";
    RequestBodyRemoved => "request-body-removed", Breaking, "An operation no longer takes a request body.";
    RequestBodyMadeRequired => "request-body-made-required", Breaking, "The request body is now required.";
    RequestBodyMadeOptional => "request-body-made-optional", NonBreaking, "The request body may now be left out.";
    RequestMediaTypeAdded => "request-media-type-added", NonBreaking,
        "A request body accepts another media type; clients keep sending the ones they send.";
    RequestMediaTypeRemoved => "request-media-type-removed", Breaking,
        "A request body no longer accepts a media type: clients that send it are refused.";
    ResponseMediaTypeAdded => "response-media-type-added", Breaking,
        "An answer may come in another media type: clients that parse only the old ones fail on it.";
    ResponseMediaTypeRemoved => "response-media-type-removed", NonBreaking, "An answer no longer comes in a media type.";
    ResponseAdded => "response-added", NonBreaking, "A new documented answer status.";
    ResponseRemoved => "response-removed", NonBreaking, "An error status is no longer documented.";
    ResponseSuccessStatusChanged => "response-success-status-changed", Breaking,
        "A success status was renumbered (202 -> 200): generated clients accept only documented statuses.";
    ResponseSuccessStatusRemoved => "response-success-status-removed", Breaking,
        "A success status is no longer documented, and none replaces it.";
    ResponseHeaderAdded => "response-header-added", NonBreaking, "An answer carries a new header.";
    ResponseHeaderRemoved => "response-header-removed", Breaking,
        "A required header of an answer is gone: clients that read it fail.";
    ResponseOptionalHeaderRemoved => "response-optional-header-removed", NonBreaking,
        "An optional header of an answer is gone; clients already cope without it.";
    ResponseHeaderMadeOptional => "response-header-made-optional", Breaking,
        "A header every answer carried may now be missing.";
    RequestPropertyAdded => "request-property-added", NonBreaking, "A new optional property clients may send.";
    RequestPropertyAddedRequired => "request-property-added-required", Breaking,
        "A new property clients must send.";
    RequestPropertyRemoved => "request-property-removed", Breaking,
        "A property clients send is gone (read-only properties are not counted).";
    RequestPropertyMadeRequired => "request-property-made-required", Breaking, "An optional request property is now required.";
    RequestPropertyMadeOptional => "request-property-made-optional", NonBreaking, "A required request property is now optional.";
    ResponsePropertyAdded => "response-property-added", NonBreaking, "A new property in an answer.";
    ResponsePropertyRemoved => "response-property-removed", Breaking,
        "A property of an answer is gone (write-only properties are not counted).";
    ResponsePropertyMadeOptional => "response-property-made-optional", Breaking,
        "A property that was always in the answer may now be missing.";
    ResponsePropertyMadeRequired => "response-property-made-required", NonBreaking,
        "A property of an answer is now always there.";
    RequestPropertyBecameReadOnly => "request-property-became-read-only", Breaking,
        "A property clients send became readOnly: the server now refuses or ignores it.";
    RequestOptionalPropertyBecameNotReadOnly => "request-optional-property-became-not-read-only", NonBreaking,
        "A readOnly property is now an optional one clients may send.";
    RequestRequiredPropertyBecameNotReadOnly => "request-required-property-became-not-read-only", Breaking,
        "A readOnly property is now a required one clients must send.";
    ResponseRequiredPropertyBecameWriteOnly => "response-required-property-became-write-only", Breaking,
        "A property that was always in the answer became writeOnly: answers no longer hold it.";
    ResponseOptionalPropertyBecameWriteOnly => "response-optional-property-became-write-only", NonBreaking,
        "An optional property of the answer became writeOnly: answers no longer hold it.";
    ResponsePropertyBecameNotWriteOnly => "response-property-became-not-write-only", NonBreaking,
        "A writeOnly property now appears in answers.";
    PropertyRemovedAfterSunset => "property-removed-after-sunset", NonBreaking,
        "A deprecated property whose sunset date has passed is gone, as announced.";
    PropertyDeprecated => "property-deprecated", NonBreaking,
        "A property is now deprecated (the message gives its sunset date when it has one).";
    TypeChanged => "type-changed", Breaking, "A schema's type changed.";
    RequestTypeWidened => "request-type-widened", NonBreaking,
        "A request schema accepts a wider type (integer -> number).";
    ResponseTypeNarrowed => "response-type-narrowed", NonBreaking,
        "An answer schema has a narrower type (number -> integer).";
    FormatChanged => "format-changed", Breaking,
        "A format was added to or changed in what clients send, or removed from or changed in what they receive.";
    RequestFormatRemoved => "request-format-removed", NonBreaking, "A request value no longer has a format.";
    RequestDefaultChanged => "request-default-changed", NonBreaking,
        "A default of something clients send was added, removed or changed: clients that leave it out get other behaviour.";
    ResponseDefaultChanged => "response-default-changed", NonBreaking,
        "A default in an answer was added, removed or changed: generated clients fill it in where the answer leaves it out.";
    ResponseFormatAdded => "response-format-added", NonBreaking, "An answer value now has a format.";
    RequestConstraintTightened => "request-constraint-tightened", Breaking,
        "A limit (length, range, items, properties, multipleOf, pattern, enum, additionalProperties) refuses values clients send today.";
    RequestConstraintLoosened => "request-constraint-loosened", NonBreaking, "A limit on what clients send is looser.";
    ResponseConstraintLoosened => "response-constraint-loosened", Breaking,
        "A limit on answers is looser: clients that check it (generated Rust clients do) may refuse answers.";
    ResponseConstraintTightened => "response-constraint-tightened", NonBreaking, "A limit on answers is stricter.";
    PatternChanged => "pattern-changed", Breaking,
        "A pattern changed in a way spec-diff cannot order (direction unknown).";
    RequestEnumValueAdded => "request-enum-value-added", NonBreaking, "A value clients may now send.";
    RequestEnumValueRemoved => "request-enum-value-removed", Breaking, "A value clients send is no longer accepted.";
    ResponseEnumValueAdded => "response-enum-value-added", Breaking,
        "A value answers may now hold: breaking for clients whose enum is closed.";
    ResponseEnumValueRemoved => "response-enum-value-removed", NonBreaking, "A value answers no longer hold.";
    RequestExtensibleEnumValueRemoved => "request-extensible-enum-value-removed", Breaking,
        "A value of an x-extensible-enum clients send is gone.";
    ResponseExtensibleEnumValueAdded => "response-extensible-enum-value-added", NonBreaking,
        "A value of an x-extensible-enum answers hold: clients of an extensible enum accept unknown values.";
    RequestNullableRemoved => "request-nullable-removed", Breaking, "null is no longer accepted.";
    RequestNullableAdded => "request-nullable-added", NonBreaking, "A request value may now be null.";
    ResponseNullableAdded => "response-nullable-added", Breaking, "An answer value may now be null.";
    ResponseNullableRemoved => "response-nullable-removed", NonBreaking, "An answer value is never null any more.";
    DiscriminatorAdded => "discriminator-added", NonBreaking,
        "A composition now names a discriminator: the values sent and received stay the same.";
    DiscriminatorRemoved => "discriminator-removed", NonBreaking,
        "A composition no longer names a discriminator: the values stay, told apart by their shape.";
    DiscriminatorChanged => "discriminator-changed", Breaking,
        "A discriminator names another property, or maps a value to another schema.";
    RequestDiscriminatorMappingAdded => "request-discriminator-mapping-added", NonBreaking,
        "A discriminator value clients may send.";
    RequestDiscriminatorMappingRemoved => "request-discriminator-mapping-removed", Breaking,
        "A discriminator value clients send is gone.";
    ResponseDiscriminatorMappingAdded => "response-discriminator-mapping-added", Breaking,
        "A discriminator value answers may hold, which clients do not decode.";
    ResponseDiscriminatorMappingRemoved => "response-discriminator-mapping-removed", NonBreaking,
        "A discriminator value answers no longer hold.";
    CompositionChanged => "composition-changed", Breaking,
        "A schema became (or stopped being) a oneOf/anyOf, so values must match other branches.";
    RequestBranchAdded => "request-branch-added", NonBreaking, "A oneOf/anyOf branch clients may send.";
    RequestBranchRemoved => "request-branch-removed", Breaking, "A oneOf/anyOf branch clients send is gone.";
    ResponseBranchAdded => "response-branch-added", Breaking, "A oneOf/anyOf branch answers may now hold.";
    ResponseBranchRemoved => "response-branch-removed", NonBreaking, "A oneOf/anyOf branch answers no longer hold.";
    ExternalRefChanged => "external-ref-changed", NonBreaking,
        "An external $ref names another URL; without a mapping (--external) what lies behind it is not compared.";
    DescriptionChanged => "description-changed", Doc, "A description or summary changed.";
    ExampleChanged => "example-changed", Doc, "An example changed.";
}

impl Check {
    /// The check an id names.
    pub fn from_id(id: &str) -> Option<Self> {
        Check::ALL.iter().copied().find(|c| c.id() == id)
    }
}

impl Serialize for Check {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for check in Check::ALL {
            assert!(seen.insert(check.id()), "{} twice", check.id());
            assert!(check.id().bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{}", check.id());
            assert_eq!(Check::from_id(check.id()), Some(*check));
        }
        assert_eq!(Check::from_id("no-such-check"), None);
    }
}
