//! `epayment-contract`: the contract harness as a command, which `cargo xtask contract` builds
//! and runs (`--help` lists its options, and the exit codes).

fn main() -> std::process::ExitCode {
    // Lossy rather than a panic on an argument that is not UTF-8: the harness then names what
    // it could not read.
    epayment_contract::main(std::env::args_os().map(|arg| arg.to_string_lossy().into_owned()))
}
