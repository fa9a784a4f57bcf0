//! Running the features: which ones, against what, and what counts as a failure.
//!
//! Options come from cucumber's own command line (`--tags`, `--name`, `--concurrency`,
//! `--fail-fast`, `--color`, `-v`) plus the harness's ([`Args`]: `--target`, `--junit`,
//! `--report`, `--check-steps`, `--write-steps`), or are built in code ([`Options::new`]).
//! Nothing about a run is process-wide: the target reaches each scenario's world through the
//! run's `before` hook.

use std::io;
use std::path::{Path, PathBuf};

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;
use cucumber::{World as _, WriterExt as _, cli, writer};

use crate::exchanges::{contract_violations, redacted, snapshot_name};
use crate::hints::{self, StepProblem};
use crate::record::{Problem, ProblemKind, Recorder, Records, ScenarioRecord, file_name};
use crate::world::{PaymentWorld, Remote, Target};

/// The harness's own options, beside cucumber's.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Args {
    /// `sim` (a fresh embedded simulator per scenario) or a host root URL such as
    /// http://127.0.0.1:8085; a URL takes its keys from VIPPS_CLIENT_ID, VIPPS_CLIENT_SECRET,
    /// VIPPS_SUBSCRIPTION_KEY and VIPPS_MERCHANT_SERIAL_NUMBER.
    #[arg(long, value_name = "sim|URL", default_value = "sim")]
    pub target: String,
    /// The folder of .feature files, relative to the workspace root [default: features/].
    #[arg(long, value_name = "DIR")]
    pub features: Option<PathBuf>,
    /// The folder of snapshots, relative to the workspace root [default: features/snapshots/].
    #[arg(long, value_name = "DIR")]
    pub snapshots: Option<PathBuf>,
    /// Where the JUnit report goes, relative to the workspace root [default:
    /// `contract/junit.xml` under the target directory].
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Where the HTML report goes, relative to the workspace root [default: report.html
    /// beside the JUnit report].
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Check that every step of every feature matches exactly one step of the library, with
    /// hints for those that do not, and exit; starts no simulator.
    #[arg(long)]
    pub check_steps: bool,
    /// Write features/STEPS.md and exit.
    #[arg(long)]
    pub write_steps: bool,
}

/// The whole command line: cucumber's options and the harness's.
pub type Cli = cli::Opts<
    cucumber::parser::basic::Cli,
    cucumber::runner::basic::Cli,
    cli::Compose<writer::basic::Cli, cli::Empty>,
    Args,
>;

/// libtest's flags, which `cargo test` may pass to every test binary (`cargo test --workspace
/// -- --nocapture`): the harness accepts and ignores them. Those that take a value, with it.
const LIBTEST_FLAGS: &[(&str, bool)] = &[
    ("--nocapture", false),
    ("--no-capture", false),
    ("--show-output", false),
    ("--quiet", false),
    ("-q", false),
    ("--ignored", false),
    ("--include-ignored", false),
    ("--exact", false),
    ("--list", false),
    ("--test", false),
    ("--bench", false),
    ("--test-threads", true),
    ("--format", true),
    ("--logfile", true),
    ("--skip", true),
    ("-Z", true),
];

/// Parses a command line (the program name first), leaving out libtest's flags and test-name
/// filters. A usage error comes back as clap renders it.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Cli, String> {
    use cli::Parser as _;
    let mut kept = Vec::new();
    let mut args = args.into_iter();
    kept.extend(args.next());
    while let Some(arg) = args.next() {
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, _)) => (flag, true),
            None => (arg.as_str(), false),
        };
        if let Some((_, takes_value)) = LIBTEST_FLAGS.iter().find(|(f, _)| *f == flag) {
            if *takes_value && !inline_value {
                args.next();
            }
            continue;
        }
        // A bare word is a libtest name filter; the harness takes none.
        if !arg.starts_with('-') && kept.last().is_none_or(|prev: &String| !takes_a_value(prev)) {
            continue;
        }
        kept.push(arg);
    }
    Cli::try_parse_from(kept).map_err(|e| e.render().to_string())
}

/// Whether a harness or cucumber flag reads the next argument as its value.
fn takes_a_value(flag: &str) -> bool {
    !flag.contains('=')
        && matches!(
            flag,
            "--target"
                | "--features"
                | "--snapshots"
                | "--junit"
                | "--report"
                | "--tags"
                | "-t"
                | "--name"
                | "-n"
                | "--scenario-name"
                | "--concurrency"
                | "-c"
                | "--retry"
                | "--retry-after"
                | "--retry-tag-filter"
                | "--color"
                | "--input"
                | "-i"
        )
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The folder of `.feature` files.
    pub features: PathBuf,
    /// Only scenarios whose tags (a feature's and a rule's included) match.
    pub tags: Option<TagOperation>,
    /// Only scenarios whose name matches.
    pub name: Option<regex::Regex>,
    /// Where to run.
    pub target: Target,
    /// The JUnit report.
    pub junit: PathBuf,
    /// The HTML report.
    pub report: PathBuf,
    /// Where snapshots live.
    pub snapshots: PathBuf,
    /// Cucumber's runner options: concurrency, fail-fast, retries.
    pub runner: cucumber::runner::basic::Cli,
    /// Cucumber's console options: colour, verbosity.
    pub console: writer::basic::Cli,
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|_| PathBuf::from("."))
}

/// Where cargo builds: `CARGO_TARGET_DIR` if set, else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    epayment_devkit::target_dir(&workspace_root())
}

impl Options {
    /// Every feature under `features/`, on `target`, reports under `<target dir>/contract/`.
    pub fn new(target: Target) -> Self {
        let root = workspace_root();
        let reports = target_dir().join("contract");
        Self {
            features: root.join("features"),
            tags: None,
            name: None,
            target,
            junit: reports.join("junit.xml"),
            report: reports.join("report.html"),
            snapshots: root.join("features/snapshots"),
            runner: cucumber::runner::basic::Cli::default(),
            console: writer::basic::Cli::default(),
        }
    }

    /// The options a command line gives.
    pub fn from_cli(cli: Cli) -> Result<Self, String> {
        let target = parse_target(&cli.custom.target, |name| std::env::var(name).ok())?;
        let mut options = Self::new(target);
        // cargo runs the binary in its crate's folder, which no one means: a relative path is
        // taken from the workspace root, like the defaults (`cargo xtask contract` passes
        // paths absolute, taken from where it was run).
        let root = workspace_root();
        let from_root = |path: PathBuf| if path.is_relative() { root.join(path) } else { path };
        if let Some(features) = cli.custom.features {
            options.features = from_root(features);
        }
        if let Some(snapshots) = cli.custom.snapshots {
            options.snapshots = from_root(snapshots);
        }
        if let Some(junit) = cli.custom.junit.map(from_root) {
            options.report = junit.with_file_name("report.html");
            options.junit = junit;
        }
        if let Some(report) = cli.custom.report {
            options.report = from_root(report);
        }
        options.tags = cli.tags_filter;
        options.name = cli.re_filter;
        options.runner = cli.runner;
        options.console = cli.writer.left;
        Ok(options)
    }
}

/// `sim` (or nothing) or a URL, whose keys `env` gives.
pub fn parse_target(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Target, String> {
    match text {
        "" | "sim" => Ok(Target::Sim),
        url if url.starts_with("http://") || url.starts_with("https://") => {
            let need = |name: &str| {
                env(name).filter(|v| !v.is_empty()).ok_or_else(|| format!("--target is a URL, so {name} must be set"))
            };
            Ok(Target::Remote(Remote {
                url: url.to_owned(),
                client_id: need("VIPPS_CLIENT_ID")?,
                client_secret: need("VIPPS_CLIENT_SECRET")?,
                subscription_key: need("VIPPS_SUBSCRIPTION_KEY")?,
                msn: need("VIPPS_MERCHANT_SERIAL_NUMBER")?,
            }))
        }
        other => Err(format!("--target {other:?}: use `sim` or a URL such as http://127.0.0.1:8085")),
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
    /// Steps that match no step of the library, or more than one, with hints.
    pub step_problems: Vec<StepProblem>,
    /// Whether cucumber itself reported a failure (a step, a parse error, a skipped step).
    pub steps_failed: bool,
    /// Every scenario as it ran.
    pub records: Vec<ScenarioRecord>,
}

impl Summary {
    /// Whether the run failed.
    pub fn failed(&self) -> bool {
        self.failed > 0 || self.steps_failed || !self.problems.is_empty() || !self.step_problems.is_empty()
    }
}

/// The text of a panic's payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Runs the features, then writes the JUnit and HTML reports.
pub async fn run(options: &Options) -> Result<Summary, String> {
    let remote = matches!(options.target, Target::Remote(_));
    // Steps that cannot run are explained before the run, where cucumber only says that they
    // match nothing.
    let step_problems = hints::check_features(&options.features)?;
    if !step_problems.is_empty() {
        println!("Steps the library cannot run as written:\n{}", hints::render(&step_problems));
    }
    for path in [&options.junit, &options.report] {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }

    let records = Records::default();
    let writer = writer::Basic::raw(io::stdout(), writer::Coloring::Auto, 0)
        .summarized()
        .tee::<PaymentWorld, _>(Recorder::new(records.clone()).discard_stats_writes().discard_arbitrary_writes())
        .normalized();
    let cli = Cli {
        re_filter: None,
        tags_filter: None,
        parser: cucumber::parser::basic::Cli::default(),
        runner: options.runner.clone(),
        writer: cli::Compose { left: options.console, right: cli::Empty },
        custom: Args::default(),
    };
    let target = options.target.clone();
    let (after_records, snapshots) = (records.clone(), options.snapshots.clone());
    let cucumber = PaymentWorld::cucumber()
        .with_writer(writer)
        .fail_on_skipped()
        .with_cli(cli)
        .before(move |_, _, _, world| {
            let target = target.clone();
            Box::pin(async move { world.start(&target).await })
        })
        .after(move |feature, _rule, scenario, finished, world| {
            let (records, snapshots) = (after_records.clone(), snapshots.clone());
            Box::pin(async move {
                let steps_passed = matches!(finished, cucumber::event::ScenarioFinished::StepPassed);
                let Some(world) = world.as_deref() else { return };
                let Some(sim) = &world.sim else { return };
                let exchanges = sim.take_exchanges();
                let file = file_name(feature);
                let place = format!("{file} / {}", scenario.name);
                let mut problems: Vec<Problem> = contract_violations(&exchanges)
                    .into_iter()
                    .map(|v| Problem {
                        kind: ProblemKind::Contract,
                        message: format!("{place}: contract: {v}"),
                        diff: None,
                        exchange: Some(v.exchange),
                    })
                    .collect();
                let value = redacted(&exchanges, &world.written_keys);
                if steps_passed {
                    let outline = (!scenario.examples.is_empty()).then_some(scenario.position.line);
                    let name =
                        snapshot_name(feature.path.as_deref().unwrap_or(Path::new("feature")), &scenario.name, outline);
                    if let Err(why) = check_snapshot(&snapshots, &name, &value, &place) {
                        let diff = crate::exchanges::snapshot_diff(&snapshots, &name, &value);
                        problems.push(Problem {
                            kind: ProblemKind::Snapshot,
                            message: format!("{place}: snapshot {name}: {why}"),
                            diff,
                            exchange: None,
                        });
                    }
                }
                let deliveries = world
                    .receiver
                    .as_ref()
                    .map(|r| r.server.received())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|d| {
                        let body: serde_json::Value = serde_json::from_slice(&d.body).unwrap_or_default();
                        (body["name"].as_str().unwrap_or("(unreadable)").to_owned(), d.status)
                    })
                    .collect();
                records.update(&file, scenario.position.line, move |r| {
                    r.problems.extend(problems);
                    r.exchanges = value;
                    r.deliveries = deliveries;
                });
            })
        });

    let skipped_sim_only = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let skipped = skipped_sim_only.clone();
    let (tags, name) = (options.tags.clone(), options.name.clone());
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
                skipped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return false;
            }
            name.as_ref().is_none_or(|re| re.is_match(&scenario.name))
                && tags.as_ref().is_none_or(|expr| expr.eval(scenario_tags().collect::<Vec<_>>()))
        })
        .await;
    use cucumber::writer::Stats as _;
    let steps_failed = written.execution_has_failed();

    let mut all = records.all();
    for problem in &step_problems {
        attach_hint(&mut all, problem);
    }
    let write = |path: &Path, text: String| std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()));
    write(&options.junit, crate::junit::junit(&all))?;
    write(&options.report, crate::html::report(&all))?;
    let problems = all.iter().flat_map(|r| r.problems.iter().map(|p| p.message.clone())).collect();
    Ok(Summary {
        passed: all.iter().filter(|r| r.passed()).count(),
        failed: all.iter().filter(|r| !r.passed()).count(),
        skipped_sim_only: skipped_sim_only.load(std::sync::atomic::Ordering::Relaxed),
        problems,
        step_problems,
        steps_failed,
        records: all,
    })
}

/// Puts a step's hints where the reports show that step.
fn attach_hint(records: &mut [ScenarioRecord], problem: &StepProblem) {
    let file = problem.feature.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for record in records.iter_mut().filter(|r| r.file == file) {
        for step in record.steps.iter_mut().filter(|s| s.line == problem.line) {
            step.error = Some(problem.to_string());
        }
    }
}

/// Compares `value` with the snapshot `name` (insta: with `CI=true` a missing or changed
/// snapshot fails; locally it writes `.snap.new` for `cargo insta review`).
///
/// A snapshot that holds exactly `value` passes without insta: insta lists the snapshot folder
/// on every assertion (to clear pending binary snapshots), which costs time in proportion to
/// the number of snapshots, for each scenario. Anything else (missing, different, unreadable)
/// goes to insta, which decides and reports as usual.
fn check_snapshot(dir: &Path, name: &str, value: &serde_json::Value, description: &str) -> Result<(), String> {
    if crate::exchanges::committed_snapshot(dir, name).as_ref() == Some(value) {
        return Ok(());
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, String> {
        parse_args(std::iter::once("contract").chain(args.iter().copied()).map(str::to_owned))
    }

    #[test]
    fn cucumber_and_harness_options_parse_and_libtest_flags_are_ignored() {
        let cli = parse(&[
            "--nocapture",
            "--test-threads",
            "2",
            "--format=terse",
            "some_test_name",
            "--tags",
            "@sim-only and not @slow",
            "--concurrency",
            "4",
            "--target",
            "sim",
            "--junit",
            "out/j.xml",
            "--check-steps",
        ])
        .expect("parses");
        assert!(cli.tags_filter.is_some());
        assert_eq!(cli.runner.concurrency, Some(4));
        assert!(cli.custom.check_steps);
        let options = Options::from_cli(cli).expect("options");
        assert_eq!(options.target, Target::Sim);
        assert_eq!(options.junit, workspace_root().join("out/j.xml"), "relative to the workspace, not the crate");
        assert_eq!(
            options.report,
            workspace_root().join("out/report.html"),
            "the HTML report goes beside the JUnit one"
        );
        let absolute = Options::from_cli(parse(&["--features", "/tmp/qa", "--report", "r.html"]).expect("parses"))
            .expect("options");
        assert_eq!(absolute.features, PathBuf::from("/tmp/qa"));
        assert_eq!(absolute.report, workspace_root().join("r.html"));
        let by_name = Options::from_cli(parse(&["--name", "øre"]).expect("parses")).expect("options");
        assert!(by_name.name.is_some_and(|re| re.is_match("Refunding one øre more")));
        assert!(parse(&["--no-such-flag"]).is_err_and(|e| e.contains("--no-such-flag")));
    }

    #[test]
    fn a_remote_target_needs_its_keys() {
        let none = |_: &str| None;
        let err = parse_target("http://127.0.0.1:8085", none).expect_err("keys missing");
        assert!(err.contains("VIPPS_CLIENT_ID"), "{err}");
        let all = |name: &str| Some(format!("{name}-value"));
        let Ok(Target::Remote(remote)) = parse_target("https://apitest.vipps.no", all) else { panic!("remote") };
        assert_eq!(remote.msn, "VIPPS_MERCHANT_SERIAL_NUMBER-value");
        assert!(parse_target("ftp://x", none).is_err());
        assert_eq!(parse_target("sim", none), Ok(Target::Sim));
    }
}
