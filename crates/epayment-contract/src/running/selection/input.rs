//! `--input <glob>`: which feature files a run reads, as a glob over their paths (`*` and `?`
//! within one folder, `**` across folders). A file is selected when the glob matches its path
//! from the workspace root (`features/refund.feature`), from the features folder
//! (`refund.feature`), or whole (an absolute glob).

use std::path::{Path, PathBuf};

/// A glob over feature files' paths.
#[derive(Clone, Debug)]
pub struct InputGlob {
    /// As written, for messages.
    pub text: String,
    pattern: regex::Regex,
    /// The folder the features are read from.
    features: PathBuf,
}

impl InputGlob {
    /// The glob `text` over the files read from `features`, or why it cannot be one.
    pub fn new(text: &str, features: &Path) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("--input needs a glob such as 'features/refund.feature' or 'features/*.feature'".into());
        }
        let mut re = String::from("^");
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    // `**/` is any number of folders, none included; a trailing `**` anything.
                    if chars.peek() == Some(&'/') {
                        chars.next();
                        re.push_str("(?:.*/)?");
                    } else {
                        re.push_str(".*");
                    }
                }
                '*' => re.push_str("[^/]*"),
                '?' => re.push_str("[^/]"),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        let pattern = regex::Regex::new(&re).map_err(|e| format!("--input {text:?} is not a glob: {e}"))?;
        Ok(Self { text: text.to_owned(), pattern, features: features.to_path_buf() })
    }

    /// Whether the file at `path` is selected.
    pub fn selects(&self, path: &Path) -> bool {
        let root = crate::paths::workspace_root();
        let text = |p: &Path| p.to_string_lossy().replace('\\', "/");
        let candidates =
            [path.strip_prefix(&root).ok(), path.strip_prefix(&self.features).ok(), Some(path)].into_iter().flatten();
        candidates.map(text).any(|p| self.pattern.is_match(&p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glob_matches_from_the_workspace_root_the_features_folder_or_whole() {
        let root = crate::paths::workspace_root();
        let features = root.join("features");
        let refund = features.join("refund.feature");
        let nested = features.join("qa/late.feature");
        let glob = |text: &str| InputGlob::new(text, &features).expect("a glob");
        assert!(glob("features/refund.feature").selects(&refund));
        assert!(glob("refund.feature").selects(&refund));
        assert!(glob("features/*.feature").selects(&refund));
        assert!(!glob("features/*.feature").selects(&nested), "* stays within a folder");
        assert!(glob("features/**/*.feature").selects(&nested));
        assert!(glob("features/**/*.feature").selects(&refund), "** may be no folder");
        assert!(glob("ref?nd.*").selects(&refund));
        assert!(glob(&refund.display().to_string()).selects(&refund));
        assert!(!glob("nonexistent*.feature").selects(&refund));
        assert!(!glob("features/refund.feature.bak").selects(&refund));
        assert!(InputGlob::new(" ", &features).is_err());
    }
}
