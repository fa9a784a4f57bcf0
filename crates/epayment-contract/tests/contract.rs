//! Runs every scenario under `features/` (the README's test command runs this too).
//!
//! Takes cucumber's command line (`--tags`, `--name`, `--concurrency`, ...) and the harness's
//! (`--target`, `--junit`, `--report`, `--check-steps`, `--write-steps`); libtest's flags,
//! which `cargo test` may pass, are ignored. `cargo xtask contract` passes them through.

fn main() -> std::process::ExitCode {
    epayment_contract::main(std::env::args())
}
