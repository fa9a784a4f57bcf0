//! Running the features: which ones, against what, and what counts as a failure.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;
use cucumber::{World as _, WriterExt as _, cli, event, writer};

use crate::exchanges::{contract_violations, redacted, snapshot_name};
use crate::world::{PaymentWorld, Remote, Target, set_target, target};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The folder of `.feature` files.
    pub features: PathBuf,
    /// A tag expression, e.g. `@capture and not @slow`.
    pub tags: Option<String>,
    /// Where to run.
    pub target: Target,
    /// The JUnit report.
    pub junit: PathBuf,
    /// Where snapshots live.
    pub snapshots: PathBuf,
    /// How many scenarios run at once (`None`: cucumber's default).
    pub concurrency: Option<usize>,
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|_| PathBuf::from("."))
}

impl Options {
    /// Reads `EPAYMENT_TARGET` (`sim`, the default, or a host root URL; a URL needs
    /// `VIPPS_CLIENT_ID`, `VIPPS_CLIENT_SECRET`, `VIPPS_SUBSCRIPTION_KEY` and
    /// `VIPPS_MERCHANT_SERIAL_NUMBER`), `EPAYMENT_TAGS` and `EPAYMENT_CONCURRENCY`.
    pub fn from_env() -> Result<Self, String> {
        let root = workspace_root();
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let target = match var("EPAYMENT_TARGET").as_deref() {
            None | Some("sim") => Target::Sim,
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                let need =
                    |name: &str| var(name).ok_or_else(|| format!("EPAYMENT_TARGET is a URL, so {name} must be set"));
                Target::Remote(Remote {
                    url: url.to_owned(),
                    client_id: need("VIPPS_CLIENT_ID")?,
                    client_secret: need("VIPPS_CLIENT_SECRET")?,
                    subscription_key: need("VIPPS_SUBSCRIPTION_KEY")?,
                    msn: need("VIPPS_MERCHANT_SERIAL_NUMBER")?,
                })
            }
            Some(other) => {
                return Err(format!("EPAYMENT_TARGET={other:?}: use `sim` or a URL such as http://127.0.0.1:8085"));
            }
        };
        let concurrency = match std::env::var("EPAYMENT_CONCURRENCY").ok().filter(|v| !v.is_empty()) {
            Some(n) => Some(n.parse().map_err(|_| format!("EPAYMENT_CONCURRENCY={n:?} is not a number"))?),
            None => None,
        };
        Ok(Self {
            features: root.join("features"),
            tags: std::env::var("EPAYMENT_TAGS").ok().filter(|t| !t.is_empty()),
            target,
            junit: root.join("target/contract/junit.xml"),
            snapshots: root.join("features/snapshots"),
            concurrency,
        })
    }
}

/// How a run went.
#[derive(Debug, Default)]
pub struct Summary {
    /// Scenarios that passed their steps, snapshot and contract check.
    pub passed: usize,
    /// Scenarios that failed any of them.
    pub failed: usize,
    /// `@sim-only` scenarios left out of a remote run.
    pub skipped_sim_only: usize,
    /// Snapshot and contract failures, one line each.
    pub problems: Vec<String>,
    /// Whether cucumber itself reported a failure (a step, a parse error, a skipped step).
    pub steps_failed: bool,
}

impl Summary {
    /// Whether the run failed.
    pub fn failed(&self) -> bool {
        self.failed > 0 || self.steps_failed || !self.problems.is_empty()
    }
}

/// Runs the features.
pub async fn run(options: &Options) -> Result<Summary, String> {
    set_target(options.target.clone());
    let remote = matches!(target(), Target::Remote(_));
    let tags = match &options.tags {
        Some(expr) => Some(expr.parse::<TagOperation>().map_err(|e| format!("EPAYMENT_TAGS={expr:?}: {e}"))?),
        None => None,
    };
    if let Some(dir) = options.junit.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let junit = std::fs::File::create(&options.junit).map_err(|e| format!("{}: {e}", options.junit.display()))?;

    let problems: Arc<Mutex<Vec<String>>> = Arc::default();
    let passed = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let skipped_sim_only = Arc::new(AtomicUsize::new(0));
    let snapshots = options.snapshots.clone();

    let writer = writer::Basic::raw(io::stdout(), writer::Coloring::Auto, 0)
        .summarized()
        .tee::<PaymentWorld, _>(writer::JUnit::for_tee(junit, 0))
        .normalized();
    let (after_problems, after_passed, after_failed) = (problems.clone(), passed.clone(), failed.clone());
    let cucumber = PaymentWorld::cucumber()
        .with_writer(writer)
        .fail_on_skipped()
        .with_cli(cli::Opts::<_, _, _, cli::Empty>::default())
        .max_concurrent_scenarios(options.concurrency)
        .after(move |feature, _rule, scenario, finished, world| {
            let (problems, passed, failed, snapshots) =
                (after_problems.clone(), after_passed.clone(), after_failed.clone(), snapshots.clone());
            Box::pin(async move {
                let steps_passed = matches!(finished, event::ScenarioFinished::StepPassed);
                let mut found = Vec::new();
                if let Some(world) = world.as_deref()
                    && let Some(sim) = &world.sim
                {
                    let exchanges = sim.take_exchanges();
                    let place = format!("{} / {}", file_name(feature.path.as_deref()), scenario.name);
                    for v in contract_violations(&exchanges) {
                        found.push(format!("{place}: contract: {v}"));
                    }
                    if steps_passed {
                        let outline = (!scenario.examples.is_empty()).then_some(scenario.position.line);
                        let name = snapshot_name(
                            feature.path.as_deref().unwrap_or(Path::new("feature")),
                            &scenario.name,
                            outline,
                        );
                        let value = redacted(&exchanges, &world.written_keys);
                        if let Err(why) = check_snapshot(&snapshots, &name, &value, &place) {
                            found.push(format!("{place}: snapshot {name}: {why}"));
                        }
                    }
                }
                if steps_passed && found.is_empty() {
                    passed.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                problems.lock().unwrap_or_else(PoisonError::into_inner).extend(found);
            })
        });

    let skipped = skipped_sim_only.clone();
    let written = cucumber
        .filter_run(options.features.clone(), move |feature, rule, scenario| {
            // Tags are inherited: a feature's and a rule's apply to each of their scenarios.
            let scenario_tags = || {
                feature
                    .tags
                    .iter()
                    .chain(rule.into_iter().flat_map(|r| r.tags.iter()))
                    .chain(scenario.tags.iter())
                    .map(|t| t.trim_start_matches('@').to_owned())
            };
            if remote && scenario_tags().any(|t| t == "sim-only") {
                skipped.fetch_add(1, Ordering::Relaxed);
                return false;
            }
            tags.as_ref().is_none_or(|expr| expr.eval(scenario_tags().collect::<Vec<_>>()))
        })
        .await;
    use cucumber::writer::Stats as _;
    let steps_failed = written.execution_has_failed();
    let problems = std::mem::take(&mut *problems.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(Summary {
        passed: passed.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        skipped_sim_only: skipped_sim_only.load(Ordering::Relaxed),
        problems,
        steps_failed,
    })
}

fn file_name(path: Option<&Path>) -> String {
    path.and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Compares `value` with the snapshot `name` (insta: with `CI=true` a missing or changed
/// snapshot fails; locally it writes `.snap.new` for `cargo insta review`).
fn check_snapshot(dir: &Path, name: &str, value: &serde_json::Value, description: &str) -> Result<(), String> {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(description);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_yaml_snapshot!(name, value));
    }))
    .map_err(|_| "differs from the committed snapshot (see the diff above; `cargo insta review` to accept)".to_owned())
}
