//! Every scenario under `features/` passes on the embedded simulator, its exchanges within the
//! document and as their snapshots hold them (the README's test command runs this too).
//!
//! It runs the harness's binary as `cargo xtask contract` does, with no option, so that its
//! console (each scenario, then the block naming every failure and the counts) shows here as
//! it goes: `cargo xtask spec-update` reads that block from this test's output.

#[test]
fn every_scenario_passes_on_the_embedded_simulator() {
    let harness = env!("CARGO_BIN_EXE_epayment-contract");
    let status = std::process::Command::new(harness).status().unwrap_or_else(|e| panic!("{harness}: {e}"));
    assert!(status.success(), "the contract suite failed ({status}): its failures are listed above");
}
