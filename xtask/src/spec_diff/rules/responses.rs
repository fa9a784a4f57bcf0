//! Answer statuses: which are documented, and a success status renumbered; what an answer
//! holds is compared by the walker as a schema.
//!
//! Emits `response-added`, `response-removed`, `response-success-status-changed` and
//! `response-success-status-removed`.

use super::super::checks::Check;
use super::{Finding, finding};

/// The statuses only one side documents: judged, and a renumbered success status returned as
/// (old, new) when there is exactly one of each, for the walker to compare what they hold.
pub fn statuses<'s>(
    removed: &[&'s String],
    added: &[&'s String],
    out: &mut Vec<Finding>,
) -> Option<(&'s str, &'s str)> {
    let success = |s: &&String| s.starts_with('2');
    let removed_ok: Vec<&String> = removed.iter().copied().filter(success).collect();
    let added_ok: Vec<&String> = added.iter().copied().filter(success).collect();
    // A success status renumbered is one change: generated clients decode only the
    // documented statuses, so the old one's clients fail on the new one.
    let renumbered = !removed_ok.is_empty() && !added_ok.is_empty();
    if renumbered {
        let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
        let (was, is) = (list(&removed_ok), list(&added_ok));
        out.push(finding(
            Check::ResponseSuccessStatusChanged,
            "/responses",
            format!("success {was} -> {is}: clients that expect {was} fail on {is}"),
        ));
    }
    for status in removed {
        let at = format!("/responses/{status}");
        if !success(status) {
            out.push(finding(Check::ResponseRemoved, &at, format!("the {status} answer is no longer documented")));
        } else if !renumbered {
            out.push(finding(
                Check::ResponseSuccessStatusRemoved,
                &at,
                format!("the {status} answer is no longer documented"),
            ));
        }
    }
    for status in added.iter().filter(|s| !(renumbered && success(s))) {
        out.push(finding(
            Check::ResponseAdded,
            &format!("/responses/{status}"),
            format!("a {status} answer is documented"),
        ));
    }
    match (removed_ok.as_slice(), added_ok.as_slice()) {
        ([was], [is]) => Some((was.as_str(), is.as_str())),
        _ => None,
    }
}
