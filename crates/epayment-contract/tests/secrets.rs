//! The whole contract suite with tracing at TRACE: no client secret, subscription key, access
//! token or webhook secret shows in the logs, the snapshots, the run's ending, the JUnit report,
//! the HTML report, the Cucumber JSON (its embeddings decoded) or the Cucumber Messages.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use epayment_contract::{Options, Target};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let mut options = Options::new(Target::Sim);
    options.junit = options.junit.with_file_name("junit-secrets.xml");
    options.report = options.junit.with_file_name("report-secrets.html");
    options.cucumber_json = Some(options.junit.with_file_name("cucumber-secrets.json"));
    options.messages = Some(options.junit.with_file_name("messages-secrets.ndjson"));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let summary = runtime.block_on(epayment_contract::run(&options)).expect("the run");
    assert!(!summary.failed(), "the suite must pass to prove anything: {summary:?}");

    // The simulator's keys, and the webhook secret every scenario's registration gets (the
    // simulator's ids are seeded, so a registration on a fresh simulator gives the same one).
    let webhook_secret = runtime.block_on(async {
        let sim = epayment_sim::Simulator::start().await;
        sim.webhooks()
            .register(
                epayment_sim::Scope::Every,
                "http://127.0.0.1:9/hooks",
                vec!["epayments.payment.captured.v1".into()],
            )
            .expect("a loopback URL")
            .secret
    });
    let secrets = ["sim-client-secret", "sim-subscription-key", "sim-token-", webhook_secret.as_str()];

    let logs = String::from_utf8_lossy(&logs.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned();
    assert!(logs.contains("capturePayment"), "TRACE logs were captured");
    let mut places = vec![("the TRACE logs".to_owned(), logs)];
    // The console's lines are made from the records the reports are; its ending is checked too.
    places.push(("the run's ending".to_owned(), summary.ending(&options.junit, &options.report)));
    places.push(("the JUnit report".to_owned(), std::fs::read_to_string(&options.junit).unwrap_or_default()));
    let html = std::fs::read_to_string(&options.report).unwrap_or_default();
    assert!(html.contains("capturePayment"), "the HTML report shows the exchanges");
    places.push(("the HTML report".to_owned(), html));
    let json = options.cucumber_json.as_deref().and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
    // The exchanges are in base64 there: each is decoded and searched too.
    let embedded = embeddings(&json);
    assert!(embedded.contains("capturePayment"), "the Cucumber JSON carries the exchanges");
    places.push(("the Cucumber JSON".to_owned(), json));
    places.push(("the Cucumber JSON's embeddings".to_owned(), embedded));
    let messages = options.messages.as_deref().and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
    assert!(messages.contains("\"attachment\"") && messages.contains("capturePayment"), "the messages carry them");
    places.push(("the Cucumber Messages".to_owned(), messages));
    for entry in std::fs::read_dir(&options.snapshots).expect("the snapshots").flatten() {
        places.push((entry.path().display().to_string(), std::fs::read_to_string(entry.path()).unwrap_or_default()));
    }
    let mut leaks = Vec::new();
    for (place, text) in &places {
        for secret in secrets {
            if text.contains(secret) {
                leaks.push(format!("{secret} in {place}"));
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked: {leaks:?}");
    println!("secrets: {} passed, 0 failed", places.len());
}

/// Every embedding's data in a Cucumber JSON file, decoded, one after another.
fn embeddings(json: &str) -> String {
    use base64::Engine as _;
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let mut out = String::new();
    let features = value.as_array().cloned().unwrap_or_default();
    for step in features
        .iter()
        .flat_map(|f| f["elements"].as_array().cloned().unwrap_or_default())
        .flat_map(|e| e["steps"].as_array().cloned().unwrap_or_default())
    {
        for embedding in step["embeddings"].as_array().cloned().unwrap_or_default() {
            let data = embedding["data"].as_str().unwrap_or_default();
            let bytes = base64::engine::general_purpose::STANDARD.decode(data).expect("base64");
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    out
}
