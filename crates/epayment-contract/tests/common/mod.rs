//! A standalone sandbox for the tests that run the harness against a remote target.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use epayment_contract::Remote;

/// Kills the sandbox when the test ends, however it ends.
pub struct Sandbox(Child);

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `target/debug/epayment-sim --port 0 ARGS`, building it first if needed, and
/// returns it with its base URL.
///
/// The binary is built as `cargo test --workspace` builds it (`--workspace --tests`): cargo
/// resolves dependencies' features from the packages selected, so `-p epayment-sim` alone
/// would build many of them again (more than a minute of CI on two cores) where this finds
/// everything built already.
pub fn start_sandbox(args: &[&str]) -> (Sandbox, String) {
    let root = epayment_contract::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--quiet", "--workspace", "--tests"])
        .current_dir(&root)
        .status()
        .expect("cargo runs");
    assert!(built.success(), "building epayment-sim");
    let binary = epayment_contract::target_dir().join("debug/epayment-sim");
    let mut child = Command::new(&binary)
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the URL line");
    let url = line.trim().strip_prefix("epayment-sim listening on ").expect("the URL line").to_owned();
    // Keep reading, or the sandbox's next line would hit a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    (Sandbox(child), url)
}

/// The sandbox's keys, as a team would give its own.
pub fn sandbox_keys(url: String) -> Remote {
    Remote {
        url,
        client_id: "sim-client-id".into(),
        client_secret: "sim-client-secret".into(),
        subscription_key: "sim-subscription-key".into(),
        msn: "123456".into(),
        test_phone: "4712345678".into(),
        settings: Box::default(),
    }
}
