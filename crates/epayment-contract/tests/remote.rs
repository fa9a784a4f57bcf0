//! The remote mode against a standalone simulator process: the same features, through a real
//! port, with the `@sim-only` scenarios skipped and said so.

mod common;

use epayment_contract::{Options, Target};

fn main() {
    let (_sandbox, url) = common::start_sandbox(&[]);
    let mut options = Options::new(Target::Remote(common::sandbox_keys(url)));
    options.junit = options.junit.with_file_name("junit-remote.xml");
    options.report = options.junit.with_file_name("report-remote.html");
    options.cucumber_json = Some(options.junit.with_file_name("cucumber-remote.json"));
    options.messages = Some(options.junit.with_file_name("messages-remote.ndjson"));
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
    // The result formats for QA tools are written on a remote target too.
    for path in [&options.cucumber_json, &options.messages].into_iter().flatten() {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        assert!(text.contains("An expired card is declined"), "{} tells the remote run", path.display());
    }
    println!("remote: {} passed, {} failed, {} skipped", summary.passed, summary.failed, summary.skipped_sim_only);
}
