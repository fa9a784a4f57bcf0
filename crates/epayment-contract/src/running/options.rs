//! What to run: the command line (cucumber's options and the harness's) read into [`Options`],
//! or options built in code ([`Options::new`]). Nothing about a run is process-wide: the target
//! reaches each scenario's world through the run's `before` hook.

use std::path::PathBuf;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::{cli, writer};

use crate::paths::{target_dir, workspace_root};
use crate::running::verdict::snapshots::Policy;
use crate::targets::controls::TargetKind;
use crate::targets::{DEFAULT_TEST_PHONE, Remote, Target};

/// The harness's own options, beside cucumber's.
#[derive(clap::Args, Clone, Debug, Default)]
pub(crate) struct Args {
    /// `sim` (a fresh embedded simulator per scenario) or a host root URL such as
    /// http://127.0.0.1:8085; a URL takes its keys from VIPPS_CLIENT_ID, VIPPS_CLIENT_SECRET,
    /// VIPPS_SUBSCRIPTION_KEY and VIPPS_MERCHANT_SERIAL_NUMBER.
    #[arg(long, value_name = "sim|URL", default_value = "sim")]
    pub target: String,
    /// Run every scenario that can run on the host at URL twice, on it and on an embedded
    /// simulator, and report every difference between the two (`differences.md` beside the
    /// JUnit report). Keys as for `--target`, and VIPPS_TEST_PHONE_NUMBER for force approve.
    /// Exit codes: 0 no difference, 1 differences, 2 the host cannot be reached or refuses the keys.
    #[arg(long, value_name = "URL")]
    pub compare: Option<String>,
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
    /// Where the Cucumber JSON results go (for Xray, Allure, Jenkins), relative to the workspace
    /// root [default: cucumber.json beside the JUnit report].
    #[arg(long, value_name = "FILE")]
    pub cucumber_json: Option<PathBuf>,
    /// Write no Cucumber JSON results.
    #[arg(long, conflicts_with = "cucumber_json")]
    pub no_cucumber_json: bool,
    /// Where the Cucumber Messages (NDJSON, for cucumber's HTML formatter and ReportPortal) go,
    /// relative to the workspace root [default: messages.ndjson beside the JUnit report].
    #[arg(long, value_name = "FILE")]
    pub messages: Option<PathBuf>,
    /// Write no Cucumber Messages.
    #[arg(long, conflicts_with = "messages")]
    pub no_messages: bool,
    /// Check that every step of every feature matches exactly one step of the library, and
    /// that the tags are ones in use or documented, with hints for those that are not, and
    /// exit; starts no simulator.
    #[arg(long)]
    pub check_steps: bool,
    /// Let a filter that selects no scenario pass (by default that is an error, exit code 2:
    /// a run that tests nothing should not look green).
    #[arg(long)]
    pub allow_no_scenarios: bool,
    /// Write features/STEPS.md and exit.
    #[arg(long)]
    pub write_steps: bool,
    /// For each rule the simulator enforces (the FIDELITY.md rows its refusals name), run the
    /// selected scenarios against a simulator whose answer for that rule is swapped, and write
    /// which scenarios notice (target/contract/rules.md and rules.json); snapshots are neither
    /// read nor written.
    #[arg(long)]
    pub mutate: bool,
    /// With --mutate: fail (exit 1) when fewer than this share of the rule mutants are
    /// noticed, e.g. 0.8.
    #[arg(long, value_name = "SHARE", requires = "mutate")]
    pub min_score: Option<f64>,
    /// cucumber's `--input <glob>`, taken off the command line before cucumber's parser sees
    /// it (which keeps it where the harness cannot read it).
    #[arg(skip)]
    pub input: Option<String>,
}

/// The whole command line: cucumber's options and the harness's.
pub(crate) type Cli = cli::Opts<
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

/// What the command is called where people type it (the test binary's own name is cargo's
/// hash-suffixed file name).
const COMMAND: &str = "cargo xtask contract";

/// What the harness is, as `--help` says it.
const ABOUT: &str = "Run the Gherkin scenarios under features/ against the simulator or a remote target \
                     (--target URL), or compare a remote target with the simulator (--compare URL). \
                     Exit codes: 0 passed (no difference), 1 failed (differences), 2 the run could not run.";

/// A command line that runs nothing: what to print, where, and the exit code.
#[derive(Debug)]
pub(crate) struct Usage {
    /// The text, as clap renders it (`--help`'s, or a usage error's).
    pub text: String,
    /// 0 for `--help` (printed on standard output), 2 for a usage error (on standard error).
    pub code: u8,
}

impl Usage {
    fn of(e: &clap::Error) -> Self {
        Self { text: e.render().to_string(), code: u8::try_from(e.exit_code()).unwrap_or(2) }
    }
}

/// Parses a command line (the program name first), leaving out libtest's flags and test-name
/// filters. `--help`, or a usage error, comes back as clap renders it, named
/// `cargo xtask contract`.
pub(crate) fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Cli, Usage> {
    use clap::FromArgMatches as _;
    let mut kept = Vec::new();
    let mut input = None;
    let mut args = args.into_iter();
    kept.extend(args.next());
    while let Some(arg) = args.next() {
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, _)) => (flag, true),
            None => (arg.as_str(), false),
        };
        if matches!(flag, "--input" | "-i") {
            let value = match arg.split_once('=') {
                Some((_, value)) => Some(value.to_owned()),
                None => args.next(),
            };
            let Some(value) = value else {
                return Err(Usage {
                    text: format!("error: {flag} needs a glob, e.g. {flag} 'features/refund.feature'\n"),
                    code: 2,
                });
            };
            input = Some(value);
            continue;
        }
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
    let matches = command().try_get_matches_from(kept).map_err(|e| Usage::of(&e))?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| Usage::of(&e))?;
    cli.custom.input = input;
    Ok(cli)
}

/// The harness's usage, as `cargo xtask contract --help` prints it: the source the guides'
/// commands are checked against.
pub fn usage() -> String {
    command().render_long_help().to_string()
}

/// The whole command line as clap knows it, named as the user types it.
fn command() -> clap::Command {
    use clap::CommandFactory as _;
    Cli::command().name(COMMAND).bin_name(COMMAND).about(ABOUT).long_about(ABOUT)
}

/// Whether a harness or cucumber flag reads the next argument as its value.
fn takes_a_value(flag: &str) -> bool {
    !flag.contains('=')
        && matches!(
            flag,
            "--target"
                | "--compare"
                | "--features"
                | "--snapshots"
                | "--junit"
                | "--report"
                | "--cucumber-json"
                | "--messages"
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
                | "--min-score"
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
    /// The Cucumber JSON results, if wanted. (The command line puts them beside `junit`; in
    /// code they stay where they are set when `junit` changes.)
    pub cucumber_json: Option<PathBuf>,
    /// The Cucumber Messages (NDJSON), if wanted; placed as [`Self::cucumber_json`] is.
    pub messages: Option<PathBuf>,
    /// Cucumber's runner options: concurrency, fail-fast, retries.
    pub runner: cucumber::runner::basic::Cli,
    /// Cucumber's console options: colour, and `-v` for every step.
    pub console: writer::basic::Cli,
    /// What happens to a snapshot that is new or changed (from `CI` and `INSTA_UPDATE`).
    pub snapshot_policy: Policy,
    /// Whether a filter may select no scenario.
    pub allow_no_scenarios: bool,
    /// Whether to compare the target with the simulator (`--compare`) rather than run on it.
    pub compare: bool,
    /// What the target is, instead of asking it (the simulator's side of a comparison runs as
    /// its target would).
    pub kind: Option<TargetKind>,
    /// Print nothing as the run goes.
    pub quiet: bool,
    /// `--input`: only the feature files this glob matches.
    pub input: Option<crate::running::selection::InputGlob>,
    /// The rule mutant of one run of `--mutate`; `None` on every other run.
    pub mutant: Option<epayment_sim::mutants::Mutant>,
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
            cucumber_json: Some(reports.join("cucumber.json")),
            messages: Some(reports.join("messages.ndjson")),
            snapshots: root.join("features/snapshots"),
            runner: cucumber::runner::basic::Cli::default(),
            console: writer::basic::Cli::default(),
            snapshot_policy: Policy::from_env(),
            allow_no_scenarios: false,
            compare: false,
            kind: None,
            quiet: false,
            input: None,
            mutant: None,
        }
    }

    /// The options a command line gives.
    pub(crate) fn from_cli(cli: Cli) -> Result<Self, String> {
        let env = |name: &str| std::env::var(name).ok();
        let target = match &cli.custom.compare {
            Some(_) if cli.custom.target != "sim" => {
                return Err("--compare and --target both name a target: give one".into());
            }
            Some(url) if !is_url(url) => {
                return Err(format!("--compare {url:?}: use a URL such as https://apitest.vipps.no"));
            }
            Some(url) => parse_target("--compare", url, env)?,
            None => parse_target("--target", &cli.custom.target, env)?,
        };
        let mut options = Self::new(target);
        options.compare = cli.custom.compare.is_some();
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
        // The result formats go beside the JUnit report, unless placed or turned off.
        let beside = |name: &str| options.junit.with_file_name(name);
        options.cucumber_json = (!cli.custom.no_cucumber_json)
            .then(|| cli.custom.cucumber_json.map_or_else(|| beside("cucumber.json"), from_root));
        options.messages =
            (!cli.custom.no_messages).then(|| cli.custom.messages.map_or_else(|| beside("messages.ndjson"), from_root));
        options.tags = cli.tags_filter;
        options.name = cli.re_filter;
        options.runner = cli.runner;
        options.console = cli.writer.left;
        options.allow_no_scenarios = cli.custom.allow_no_scenarios;
        if let Some(glob) = &cli.custom.input {
            options.input = Some(crate::running::selection::InputGlob::new(glob, &options.features)?);
        }
        Ok(options)
    }
}

/// A tag expression as written: `@qa-3 and not (@sim-only or @slow)`.
pub fn tag_expression(op: &TagOperation) -> String {
    let inner = |op: &TagOperation| match op {
        TagOperation::Tag(_) | TagOperation::Not(_) => tag_expression(op),
        _ => format!("({})", tag_expression(op)),
    };
    match op {
        TagOperation::Tag(t) => format!("@{}", t.trim_start_matches('@')),
        TagOperation::Not(a) => format!("not {}", inner(a)),
        TagOperation::And(a, b) => format!("{} and {}", inner(a), inner(b)),
        TagOperation::Or(a, b) => format!("{} or {}", inner(a), inner(b)),
    }
}

/// `sim` (or nothing) or a URL, given as `flag`, whose keys `env` gives: all of them, and a
/// merchant serial number the `epayment` crate takes, or one line saying what is wrong.
pub(crate) fn parse_target(flag: &str, text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Target, String> {
    match text {
        "" | "sim" => Ok(Target::Sim),
        url if is_url(url) => {
            let need = |name: &str| {
                env(name).filter(|v| !v.is_empty()).ok_or_else(|| format!("{flag} is a URL, so {name} must be set"))
            };
            let (client_id, client_secret, subscription_key) =
                (need("VIPPS_CLIENT_ID")?, need("VIPPS_CLIENT_SECRET")?, need("VIPPS_SUBSCRIPTION_KEY")?);
            let msn = epayment::MerchantSerialNumber::new(need("VIPPS_MERCHANT_SERIAL_NUMBER")?)
                .map_err(|e| format!("VIPPS_MERCHANT_SERIAL_NUMBER: {e}"))?;
            Ok(Target::Remote(Remote {
                url: url.to_owned(),
                client_id,
                client_secret,
                subscription_key,
                msn: msn.as_str().to_owned(),
                test_phone: env("VIPPS_TEST_PHONE_NUMBER")
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| DEFAULT_TEST_PHONE.to_owned()),
            }))
        }
        other => Err(format!("{flag} {other:?}: use `sim` or a URL such as http://127.0.0.1:8085")),
    }
}

fn is_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, String> {
        parse_args(std::iter::once("contract").chain(args.iter().copied()).map(str::to_owned)).map_err(|u| u.text)
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
        assert_eq!(cli.tags_filter.as_ref().map(tag_expression).as_deref(), Some("@sim-only and not @slow"));
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

    /// Every key, the merchant serial number `msn`, the test user's number unless `phone` is
    /// false.
    fn keys(msn: &'static str, phone: bool) -> impl Fn(&str) -> Option<String> {
        move |name: &str| match name {
            "VIPPS_MERCHANT_SERIAL_NUMBER" => Some(msn.to_owned()),
            "VIPPS_TEST_PHONE_NUMBER" if !phone => None,
            _ => Some(format!("{name}-value")),
        }
    }

    #[test]
    fn a_remote_target_needs_its_keys_and_a_valid_merchant_serial_number() {
        let none = |_: &str| None;
        let err = parse_target("--target", "http://127.0.0.1:8085", none).expect_err("keys missing");
        assert_eq!(err, "--target is a URL, so VIPPS_CLIENT_ID must be set");
        let missing_id = |name: &str| (name != "VIPPS_CLIENT_ID").then(|| "123456".to_owned());
        let err = parse_target("--compare", "http://127.0.0.1:8085", missing_id).expect_err("no client id");
        assert_eq!(err, "--compare is a URL, so VIPPS_CLIENT_ID must be set", "names the flag typed");
        let Ok(Target::Remote(remote)) = parse_target("--target", "https://apitest.vipps.no", keys("123456", true))
        else {
            panic!("remote")
        };
        assert_eq!(remote.msn, "123456");
        assert_eq!(remote.test_phone, "VIPPS_TEST_PHONE_NUMBER-value");
        let Ok(Target::Remote(remote)) = parse_target("--target", "https://apitest.vipps.no", keys("123456", false))
        else {
            panic!("remote")
        };
        assert_eq!(remote.test_phone, DEFAULT_TEST_PHONE);
        for bad in ["12", "12345678901", "12a456"] {
            let leaked = |name: &str| (name != "VIPPS_MERCHANT_SERIAL_NUMBER").then(|| "s3cr3t".to_owned());
            let with_bad = move |name: &str| leaked(name).or_else(|| Some(bad.to_owned()));
            let err = parse_target("--compare", "http://127.0.0.1:1", with_bad).expect_err(bad);
            assert!(err.starts_with("VIPPS_MERCHANT_SERIAL_NUMBER: invalid merchant serial number"), "{err}");
            assert!(!err.contains("s3cr3t") && !err.contains('\n'), "one line, no key: {err}");
        }
        assert!(parse_target("--target", "ftp://x", none).is_err());
        assert_eq!(parse_target("--target", "sim", none), Ok(Target::Sim));
    }

    #[test]
    fn help_is_the_harnesss_own_under_the_name_people_type_and_exits_0() {
        let help = parse_args(["contract-18f938c599188e18", "--help"].map(str::to_owned)).expect_err("help");
        assert_eq!(help.code, 0);
        assert!(help.text.contains("Usage: cargo xtask contract"), "{}", help.text);
        assert!(help.text.contains("--compare <URL>") && !help.text.contains("pet a dog"), "{}", help.text);
        assert!(!help.text.contains("18f938c599188e18"));
        let wrong = parse_args(["contract", "--no-such-flag"].map(str::to_owned)).expect_err("a usage error");
        assert_eq!(wrong.code, 2);
    }

    #[test]
    fn the_result_formats_go_beside_the_junit_report_unless_placed_or_turned_off() {
        let beside = Options::from_cli(parse(&["--junit", "out/j.xml"]).expect("parses")).expect("options");
        assert_eq!(beside.cucumber_json, Some(workspace_root().join("out/cucumber.json")));
        assert_eq!(beside.messages, Some(workspace_root().join("out/messages.ndjson")));
        let placed = Options::from_cli(parse(&["--cucumber-json", "x/c.json", "--no-messages"]).expect("parses"))
            .expect("options");
        assert_eq!(placed.cucumber_json, Some(workspace_root().join("x/c.json")));
        assert_eq!(placed.messages, None);
        let off = Options::from_cli(parse(&["--no-cucumber-json"]).expect("parses")).expect("options");
        assert_eq!((off.cucumber_json, off.messages.is_some()), (None, true));
        assert!(parse(&["--messages", "m.ndjson", "--no-messages"]).is_err(), "both is a usage error");
    }

    #[test]
    fn compare_takes_a_url_and_no_second_target() {
        let both = parse(&["--compare", "http://127.0.0.1:1", "--target", "http://127.0.0.1:2"]).expect("parses");
        assert!(Options::from_cli(both).is_err_and(|e| e.contains("give one")));
        let word = parse(&["--compare", "apitest"]).expect("parses");
        assert!(Options::from_cli(word).is_err_and(|e| e.contains("use a URL")));
        let plain = Options::from_cli(parse(&["--tags", "@x"]).expect("parses")).expect("options");
        assert!(!plain.compare);
    }
}
