//! Prose: what a reader sees, never what a client decodes.
//!
//! Emits `description-changed` and `example-changed`.

use serde_json::Value;

use super::super::checks::Check;
use super::{Finding, finding};

/// Doc findings for changed summaries, descriptions and examples of any part.
pub fn compare(at: &str, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    for key in ["summary", "description", "example", "examples"] {
        if old.get(key) != new.get(key) {
            let check = if key.starts_with("example") { Check::ExampleChanged } else { Check::DescriptionChanged };
            out.push(finding(check, &format!("{at}/{key}"), format!("the {key} changed")));
        }
    }
}
