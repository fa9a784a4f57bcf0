//! Every `cargo xtask contract` command a guide shows uses options the harness takes: its
//! usage (what `cargo xtask contract --help` prints) is the source.

use epayment_contract::{usage, workspace_root};
use epayment_devkit::guides;

#[test]
fn every_contract_command_in_the_guides_uses_options_the_harness_takes() {
    let root = workspace_root();
    let usage = usage();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in guides::files(&root) {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = file.strip_prefix(&root).unwrap_or(&file).display().to_string();
        for command in guides::commands(&name, &text).into_iter().filter(|c| c.subcommand == "contract") {
            checked += 1;
            for option in command.options.iter().filter(|o| !guides::lists(&usage, o)) {
                wrong.push(format!("{}: `cargo xtask contract` takes no {option}", command.place));
            }
        }
    }
    assert!(checked > 5, "only {checked} commands were found");
    assert!(wrong.is_empty(), "commands in the guides that the harness refuses:\n{}", wrong.join("\n"));
}
