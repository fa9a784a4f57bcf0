//! Escaping for the two reports written as markup (JUnit's XML and the HTML page).

/// Text escaped for XML, control characters other than tab and newline dropped (they are not
/// allowed in XML 1.0): the workspace's one escape, shared with spec-diff's JUnit output.
pub fn xml(text: &str) -> String {
    epayment_devkit::xml_escape(text)
}
