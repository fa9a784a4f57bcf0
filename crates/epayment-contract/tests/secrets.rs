//! The whole contract suite with tracing at TRACE: no client secret, subscription key, access
//! token or webhook secret shows in the logs, the snapshots, the run's ending, the JUnit report
//! or the HTML report.

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
