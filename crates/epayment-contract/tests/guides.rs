//! Every `cargo xtask contract` and `cargo xtask go-live` command a guide shows uses options
//! the harness takes: its usage (what `--help` prints) is the source.

use epayment_contract::{go_live, usage, workspace_root};
use epayment_devkit::guides;

#[test]
fn every_harness_command_in_the_guides_uses_options_the_harness_takes() {
    let root = workspace_root();
    let usages = [("contract", usage()), ("go-live", go_live::usage())];
    let mut wrong = Vec::new();
    let mut checked = [0; 2];
    for file in guides::files(&root) {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = file.strip_prefix(&root).unwrap_or(&file).display().to_string();
        for command in guides::commands(&name, &text) {
            let Some(at) = usages.iter().position(|(sub, _)| *sub == command.subcommand) else { continue };
            checked[at] += 1;
            let (sub, usage) = &usages[at];
            for option in command.options.iter().filter(|o| !guides::lists(usage, o)) {
                wrong.push(format!("{}: `cargo xtask {sub}` takes no {option}", command.place));
            }
        }
    }
    assert!(checked[0] > 5, "only {} contract commands were found", checked[0]);
    assert!(checked[1] >= 2, "only {} go-live commands were found", checked[1]);
    assert!(wrong.is_empty(), "commands in the guides that the harness refuses:\n{}", wrong.join("\n"));
}
