//! Refusals as RFC 7807 problem documents, in the document's `Problem` shape.

use epayment_api::epayment::types;
use serde_json::Value;

use super::reply::Reply;
use crate::model::ApiError;

/// Where the `type` of each problem points.
const TYPE_BASE: &str = "https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/errors";

/// The problem document for `error` on a request to `path`, with the rule's row in
/// [`ApiError::RULE_HEADER`] where the refusal knows it.
pub(super) fn render(error: &ApiError, path: &str, trace_id: String) -> Reply {
    let mut extra: Vec<types::ExtraDetail> = Vec::new();
    if let Some(code) = error.code {
        extra.push(types::ExtraDetail { name: "ErrorCode".into(), reason: code.to_string() });
    }
    extra.extend(
        error.fields.iter().map(|(name, reason)| types::ExtraDetail { name: name.clone(), reason: reason.clone() }),
    );
    let problem = types::Problem {
        type_: format!("{TYPE_BASE}#{}", error.code.unwrap_or(u32::from(error.status))),
        title: error.title().to_owned(),
        status: i64::from(error.status),
        detail: Some(error.detail.clone()),
        trace_id,
        extra_details: (!extra.is_empty()).then_some(extra),
    };
    let mut body = serde_json::to_value(&problem).unwrap_or(Value::Null);
    // The API's problems also carry `instance`, which the document's schema does not declare.
    if let Value::Object(map) = &mut body {
        map.insert("instance".into(), Value::String(path.to_owned()));
    }
    let mut reply = Reply::json(error.status, &body);
    // fidelity: sim-rule-header
    if let Some(rule) = error.rule {
        reply.headers.push((ApiError::RULE_HEADER, rule.to_owned()));
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use epayment_openapi::ApiDocument;
    use epayment_vocabulary::ErrorCode;

    #[test]
    fn problems_fit_the_schema_and_carry_the_code() {
        let answer = render(
            &ApiError::rule(ErrorCode::CaptureAmountTooHigh, "too much"),
            "/v1/payments/x/capture",
            "t-1".into(),
        );
        let body: Value = serde_json::from_slice(&answer.body.unwrap()).unwrap();
        assert_eq!(ApiDocument::epayment().check_component("Problem", &body), []);
        assert_eq!(body["title"], "Capture amount is more than what is left of the reservation");
        assert_eq!(body["extraDetails"][0]["reason"], "6090");
        assert_eq!(body["instance"], "/v1/payments/x/capture");
        let locked: Value =
            serde_json::from_slice(&render(&ApiError::status(423, "busy"), "/", "t-2".into()).body.unwrap()).unwrap();
        assert_eq!((locked["title"].as_str(), locked.get("extraDetails")), (Some("Locked"), None));
    }

    #[test]
    fn a_refusal_by_a_rule_names_its_row_in_a_header_and_others_name_none() {
        let by_rule = render(
            &ApiError::rule(ErrorCode::CaptureAmountTooHigh, "too much").fidelity("capture-amount"),
            "/",
            "t".into(),
        );
        assert_eq!(by_rule.headers, [(ApiError::RULE_HEADER, "capture-amount".to_owned())]);
        let unnamed = render(&ApiError::status(429, "slow down"), "/", "t".into());
        assert!(unnamed.headers.is_empty(), "{:?}", unnamed.headers);
    }
}
