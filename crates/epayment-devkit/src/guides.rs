//! The guides as tests read them: the files (README.md and `docs/*.md`), the `cargo xtask`
//! commands they show, and the links they hold. Kept here because two crates check them:
//! xtask its own commands and every link, the contract harness the options of
//! `cargo xtask contract` (its command line is the harness's).

use std::path::{Path, PathBuf};

/// README.md and every guide under `docs/`, in name order.
pub fn files(root: &Path) -> Vec<PathBuf> {
    let mut guides: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .map(|dir| {
            dir.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "md")).collect()
        })
        .unwrap_or_default();
    guides.sort();
    guides.insert(0, root.join("README.md"));
    guides
}

/// A `cargo xtask` command a guide shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The guide, and the line the command starts on (from 1).
    pub place: String,
    /// The subcommand, e.g. `spec-diff`.
    pub subcommand: String,
    /// The options it gives, e.g. `--format`, `-t` (a value after `=` left out).
    pub options: Vec<String>,
}

/// Every `cargo xtask` command in `text` (a guide named `name`): in code blocks, where a line
/// (or a `$ ` prompt) starts with it and a trailing `\` continues it, and in inline code.
/// Comments (`# ...`) are left out; so is what follows a `--` that ends the options of a
/// command other than `contract` (whose `--` only separates cucumber's options).
pub fn commands(name: &str, text: &str) -> Vec<Command> {
    let mut found = Vec::new();
    let mut fenced = false;
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let start = i + 1;
        i += 1;
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            let trimmed = line.trim_start().trim_start_matches("$ ");
            if trimmed.starts_with("cargo xtask ") {
                let mut joined = without_comment(trimmed).to_owned();
                while joined.trim_end().ends_with('\\') && i < lines.len() {
                    joined = format!("{} {}", joined.trim_end().trim_end_matches('\\'), without_comment(lines[i]));
                    i += 1;
                }
                found.extend(parse(&format!("{name}:{start}"), &joined));
            }
            continue;
        }
        for (n, span) in line.split('`').enumerate() {
            if n % 2 == 1 && span.starts_with("cargo xtask ") {
                found.extend(parse(&format!("{name}:{start}"), span));
            }
        }
    }
    found
}

fn without_comment(line: &str) -> &str {
    line.find(" #").map_or(line, |at| &line[..at])
}

fn parse(place: &str, command: &str) -> Option<Command> {
    let mut words = command.split_whitespace().skip(2);
    let subcommand = words.next()?.to_owned();
    if !subcommand.chars().all(|c| c.is_ascii_lowercase() || c == '-') || subcommand.starts_with('-') {
        return None;
    }
    let mut options = Vec::new();
    for word in words {
        if word == "--" && subcommand != "contract" {
            break;
        }
        let word = word.trim_start_matches(['[', '(']);
        let flag = word.split(['=', ']', ')', '|', ',']).next().unwrap_or_default();
        let long = flag.len() > 2
            && flag.starts_with("--")
            && flag[2..].chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let short = flag.len() == 2 && flag.starts_with('-') && flag.as_bytes()[1].is_ascii_alphabetic();
        if long || short {
            options.push(flag.to_owned());
        }
    }
    Some(Command { place: place.to_owned(), subcommand, options })
}

/// Whether `help` (a command's `--help`) lists `option`.
pub fn lists(help: &str, option: &str) -> bool {
    help.match_indices(option).any(|(at, _)| {
        let before = help[..at].chars().next_back();
        let after = help[at + option.len()..].chars().next();
        before.is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-')
            && after.is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-')
    })
}

/// The lines of `text` outside fenced code blocks, with their numbers (from 1).
fn prose_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut fenced = false;
    text.lines().enumerate().filter_map(move |(n, line)| {
        let fence = line.trim_start().starts_with("```");
        fenced ^= fence;
        (!fence && !fenced).then_some((n + 1, line))
    })
}

/// Every link target in `text` outside code: `[label](target)`, images included.
pub fn links(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in prose_lines(text) {
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            found.push((n, after[..end].to_owned()));
            rest = &after[end..];
        }
    }
    found
}

/// The anchors a Markdown file's headings get on GitHub: lower case, spaces to `-`, all but
/// letters, digits, `-` and `_` dropped, a repeated one numbered (`-1`, `-2`).
pub fn anchors(text: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (_, line) in prose_lines(text) {
        let Some(heading) = line.strip_prefix('#') else { continue };
        let heading = heading.trim_start_matches('#').trim();
        let slug: String = heading
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let count = counts.entry(slug.clone()).or_default();
        seen.push(if *count == 0 { slug } else { format!("{slug}-{count}") });
        *count += 1;
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_from_blocks_and_inline_code_with_their_options() {
        let text = "Run `cargo xtask contract --tags @x -n name`.\n```sh\n$ cargo xtask spec-diff OLD NEW \\\n  --format=json   # a comment --not\ncargo xtask regen --check -- --ignored\n```\n`cargo test` is not one.\n";
        let found = commands("g.md", text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            (found[0].subcommand.as_str(), found[0].options.clone()),
            ("contract", vec!["--tags".into(), "-n".into()])
        );
        assert_eq!(found[1].options, ["--format"]);
        assert_eq!(found[1].place, "g.md:3");
        assert_eq!(found[2].options, ["--check"], "what follows `--` is not regen's");
        let synopsis = commands("g.md", "```\ncargo xtask spec-diff OLD NEW [--overlays] [--format text|json]\n```\n");
        assert_eq!(synopsis[0].options, ["--overlays", "--format"]);
    }

    #[test]
    fn help_lists_whole_options_only() {
        assert!(lists("  --format <F>\n  -t, --tags", "--format"));
        assert!(lists("  --format <F>\n  -t, --tags", "-t"));
        assert!(!lists("  --format-version", "--format"));
        assert!(!lists("  --tags", "--tag"));
    }

    #[test]
    fn links_outside_code_and_anchors_as_github_makes_them() {
        let text = "See [a](docs/a.md#one) and `[not](x.md)`.\n```\n[no](y.md)\n```\n![pic](p.png)\n";
        assert_eq!(links(text), [(1, "docs/a.md#one".to_owned()), (5, "p.png".to_owned())]);
        let headings = "# The `cargo xtask regen` step\n## What CI runs\n## What CI runs\n```\n# not a heading\n```\n";
        assert_eq!(anchors(headings), ["the-cargo-xtask-regen-step", "what-ci-runs", "what-ci-runs-1"]);
    }
}
