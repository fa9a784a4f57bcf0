//! `epayment-go-live`: the go-live checklist as a command, which `cargo xtask go-live` builds
//! and runs (`--help` lists its options, and the exit codes).

fn main() -> std::process::ExitCode {
    epayment_contract::go_live::main(std::env::args_os().map(|arg| arg.to_string_lossy().into_owned()))
}
