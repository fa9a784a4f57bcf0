//! The remote mode against a standalone simulator process: the same features, through a real
//! port, with the `@sim-only` scenarios skipped and said so.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use epayment_contract::{Options, Remote, Target};

/// Kills the sandbox when the test ends, however it ends.
struct Sandbox(Child);

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `target/<profile>/epayment-sim --port 0`, building it first if needed, and returns
/// it with its base URL.
fn start_sandbox() -> (Sandbox, String) {
    let root = epayment_contract::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--quiet", "-p", "epayment-sim", "--bin", "epayment-sim"])
        .current_dir(&root)
        .status()
        .expect("cargo runs");
    assert!(built.success(), "building epayment-sim");
    let target_dir =
        std::env::var("CARGO_TARGET_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| root.join("target"));
    let binary = target_dir.join("debug/epayment-sim");
    let mut child = Command::new(&binary)
        .args(["--port", "0"])
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

fn main() {
    let (_sandbox, url) = start_sandbox();
    let mut options = Options::new(Target::Remote(Remote {
        url,
        client_id: "sim-client-id".into(),
        client_secret: "sim-client-secret".into(),
        subscription_key: "sim-subscription-key".into(),
        msn: "123456".into(),
    }));
    options.junit = options.junit.with_file_name("junit-remote.xml");
    options.report = options.junit.with_file_name("report-remote.html");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let summary = runtime.block_on(epayment_contract::run(&options)).expect("the run");
    for problem in &summary.problems {
        println!("FAILED {problem}");
    }
    assert!(!summary.failed(), "the remote run failed: {summary:?}");
    assert!(summary.passed >= 35, "too few scenarios ran remotely: {summary:?}");
    assert!(summary.skipped_sim_only >= 10, "the @sim-only scenarios must be skipped: {summary:?}");
    assert_eq!(summary.skipped_sandbox, 0, "a sandbox runs the @sandbox scenarios");
    // The four failure paths Vipps MobilePay asks every integration to test ran here, as they
    // would against the test environment, and so did scenarios that move the sandbox's clock.
    for name in [
        "A card with insufficient funds is declined, and the payment waits for the customer",
        "An expired card is declined",
        "A payment the customer aborts ends aborted",
        "A payment nobody approves expires after 10 minutes",
        "A refund 365 days after approval is refused",
        "A sixth capture within a minute waits for the rate limit",
    ] {
        let ran = summary.records.iter().find(|r| r.scenario == name);
        assert!(ran.is_some_and(|r| r.passed()), "{name}: {:?}", ran.map(|r| r.failure()));
    }
    // Its exchanges were recorded through the proxy and checked against the document.
    // (Only a scenario whose call the client refused before sending has none.)
    let without: Vec<&str> = summary
        .records
        .iter()
        .filter(|r| !r.not_run && r.exchanges.as_array().is_none_or(|e| e.is_empty()))
        .map(|r| r.scenario.as_str())
        .collect();
    assert_eq!(without, ["A reference the API cannot take is refused before sending"]);
    println!("remote: {} passed, {} failed, {} skipped", summary.passed, summary.failed, summary.skipped_sim_only);
}
