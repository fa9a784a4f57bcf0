//! The command line: cucumber's options and the harness's, parsed by the clap command
//! cucumber builds ([`parse`]), and read into [`Options`] ([`options`]). A relative path is
//! taken from the folder the command runs in, as any command takes it.

use std::path::{Path, PathBuf};

use cucumber::{cli, writer};

use crate::running::options::Options;
use crate::running::selection::InputGlob;
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
    /// The folder of .feature files [default: features/ in the workspace].
    #[arg(long, value_name = "DIR")]
    pub features: Option<PathBuf>,
    /// The folder of snapshots [default: features/snapshots/ in the workspace].
    #[arg(long, value_name = "DIR")]
    pub snapshots: Option<PathBuf>,
    /// Where the JUnit report goes [default: `contract/junit.xml` under the target
    /// directory].
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Where the HTML report goes [default: report.html beside the JUnit report].
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Where the Cucumber JSON results go (for Xray, Allure, Jenkins) [default: cucumber.json
    /// beside the JUnit report].
    #[arg(long, value_name = "FILE")]
    pub cucumber_json: Option<PathBuf>,
    /// Write no Cucumber JSON results.
    #[arg(long, conflicts_with = "cucumber_json")]
    pub no_cucumber_json: bool,
    /// Where the Cucumber Messages (NDJSON, for cucumber's HTML formatter and ReportPortal) go
    /// [default: messages.ndjson beside the JUnit report].
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
    /// For each rule the simulator enforces, run the selected scenarios against simulators
    /// with the rule broken one way at a time (its answer swapped, the rule switched off, its
    /// limit moved by one unit), a few runs at once, and write which scenarios notice each
    /// (target/contract/rules.md, rules.json, and a section on top of report.html); snapshots
    /// are neither read nor written. A mutant that crashes the simulator is a defect (exit 1).
    #[arg(long)]
    pub mutate: bool,
    /// With --mutate: fail (exit 1) when fewer than this share of the rule mutants are
    /// noticed, a share from 0 to 1, e.g. 0.8.
    #[arg(long, value_name = "SHARE", requires = "mutate", allow_hyphen_values = true, value_parser = share)]
    pub min_score: Option<f64>,
    /// cucumber's `--input <glob>`, taken off the command line before cucumber's parser sees
    /// it (which keeps it where the harness cannot read it).
    #[arg(skip)]
    pub input: Option<String>,
}

/// `--min-score`'s value: a share from 0 to 1 (above 1 every run would fail; below 0, or not a
/// number, every run would pass).
fn share(text: &str) -> Result<f64, String> {
    let bad = || format!("{text:?} is not a share from 0 to 1, e.g. 0.8");
    let share: f64 = text.trim().parse().map_err(|_| bad())?;
    if (0.0..=1.0).contains(&share) { Ok(share) } else { Err(bad()) }
}

/// The whole command line: cucumber's options and the harness's.
pub(crate) type Cli = cli::Opts<
    cucumber::parser::basic::Cli,
    cucumber::runner::basic::Cli,
    cli::Compose<writer::basic::Cli, cli::Empty>,
    Args,
>;

/// What the command is called where people type it (the binary's own name is
/// `epayment-contract`, which `cargo xtask contract` runs).
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

/// Parses a command line (the program name first). `--help`, or a usage error, comes back as
/// clap renders it, named `cargo xtask contract`.
pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Cli, Usage> {
    use clap::FromArgMatches as _;
    let (args, input) = take_input(args)?;
    let matches = command().try_get_matches_from(args).map_err(|e| Usage::of(&e))?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| Usage::of(&e))?;
    cli.custom.input = input;
    Ok(cli)
}

/// The command line without cucumber's `--input GLOB` (or `-i`, `--input=GLOB`), and the glob:
/// cucumber's parser would keep it where the harness cannot read it.
fn take_input(args: impl IntoIterator<Item = String>) -> Result<(Vec<String>, Option<String>), Usage> {
    let mut args = args.into_iter();
    let mut kept: Vec<String> = args.next().into_iter().collect();
    let mut input = None;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        if !matches!(flag, "--input" | "-i") {
            kept.push(arg);
            continue;
        }
        let Some(value) = inline.or_else(|| args.next()) else {
            let text = format!("error: {flag} needs a glob, e.g. {flag} 'features/refund.feature'\n");
            return Err(Usage { text, code: 2 });
        };
        input = Some(value);
    }
    Ok((kept, input))
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

/// The options a command line gives, its relative paths taken from `cwd`.
pub(crate) fn options(cli: Cli, cwd: &Path) -> Result<Options, String> {
    let env = |name: &str| std::env::var(name).ok();
    // A remote target carries no mutant and notes no rule it checks: every mutant would go
    // unnoticed there, after the scenarios had been sent to it for nothing.
    let remote = match &cli.custom.compare {
        Some(_) => Some("--compare"),
        None => is_url(&cli.custom.target).then_some("--target"),
    };
    if let (true, Some(flag)) = (cli.custom.mutate, remote) {
        return Err(format!(
            "--mutate breaks the embedded simulator's rules, so it runs on `sim` only: leave out {flag}"
        ));
    }
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
    let mut options = Options::new(target);
    options.compare = cli.custom.compare.is_some();
    let here = |path: PathBuf| from(cwd, path);
    if let Some(features) = cli.custom.features {
        options.features = here(features);
    }
    if let Some(snapshots) = cli.custom.snapshots {
        options.snapshots = here(snapshots);
    }
    if let Some(junit) = cli.custom.junit.map(here) {
        options.report = junit.with_file_name("report.html");
        options.junit = junit;
    }
    if let Some(report) = cli.custom.report {
        options.report = here(report);
    }
    // The result formats go beside the JUnit report, unless placed or turned off.
    let beside = |name: &str| options.junit.with_file_name(name);
    options.cucumber_json =
        (!cli.custom.no_cucumber_json).then(|| cli.custom.cucumber_json.map_or_else(|| beside("cucumber.json"), here));
    options.messages =
        (!cli.custom.no_messages).then(|| cli.custom.messages.map_or_else(|| beside("messages.ndjson"), here));
    options.tags = cli.tags_filter;
    options.name = cli.re_filter;
    options.runner = cli.runner;
    options.console = cli.writer.left;
    options.allow_no_scenarios = cli.custom.allow_no_scenarios;
    if let Some(glob) = &cli.custom.input {
        options.input = Some(InputGlob::new(glob, &options.features)?);
    }
    Ok(options)
}

/// `path` as given in `cwd`: a folder or file that exists as it resolves (so that the console
/// names it from the workspace root when it is under it), one to be written made absolute.
fn from(cwd: &Path, path: PathBuf) -> PathBuf {
    let joined = cwd.join(path);
    joined.canonicalize().or_else(|_| std::path::absolute(&joined)).unwrap_or(joined)
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
                settings: Box::default(),
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

    use crate::paths::workspace_root;
    use crate::running::options::tag_expression;

    fn parse(args: &[&str]) -> Result<Cli, String> {
        super::parse(std::iter::once("contract").chain(args.iter().copied()).map(str::to_owned)).map_err(|u| u.text)
    }

    /// The options `args` give, run in the workspace's `features/` folder.
    fn options_in_features(args: &[&str]) -> Result<Options, String> {
        super::options(parse(args)?, &workspace_root().join("features"))
    }

    #[test]
    fn cucumber_and_harness_options_parse_and_paths_are_taken_from_where_the_command_runs() {
        let cli = parse(&[
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
        let here = workspace_root().join("features");
        let options = super::options(cli, &here).expect("options");
        assert_eq!(options.target, Target::Sim);
        assert_eq!(options.junit, here.join("out/j.xml"), "a report to write, from where the command runs");
        assert_eq!(options.report, here.join("out/report.html"), "the HTML report goes beside the JUnit one");
        let read = options_in_features(&["--features", "../features/", "--snapshots", "snapshots"]).expect("options");
        assert_eq!(read.features, here, "a folder to read, resolved");
        assert_eq!(read.snapshots, here.join("snapshots"));
        let absolute = options_in_features(&["--report", "/tmp/qa/r.html"]).expect("options");
        assert_eq!(absolute.report, PathBuf::from("/tmp/qa/r.html"));
        let by_name = options_in_features(&["--name", "øre"]).expect("options");
        assert!(by_name.name.is_some_and(|re| re.is_match("Refunding one øre more")));
        assert!(parse(&["--no-such-flag"]).is_err_and(|e| e.contains("--no-such-flag")));
    }

    #[test]
    fn input_is_taken_off_the_command_line_in_each_of_its_forms() {
        for args in [&["--input", "refund.feature"][..], &["--input=refund.feature"], &["-i", "refund.feature"]] {
            let cli = parse(args).expect("parses");
            assert_eq!(cli.custom.input.as_deref(), Some("refund.feature"), "{args:?}");
        }
        let missing = super::parse(["contract", "--input"].map(str::to_owned)).expect_err("no glob");
        assert_eq!(
            (missing.code, missing.text.as_str()),
            (2, "error: --input needs a glob, e.g. --input 'features/refund.feature'\n")
        );
    }

    #[test]
    fn a_test_runners_flags_and_words_are_not_the_harnesss() {
        // `cargo test` passed libtest's flags to the harness when it was a test target; the
        // binary takes its own options only, and says so.
        for args in [&["--nocapture"][..], &["--test-threads", "2"], &["some_test_name"]] {
            let err = super::parse(std::iter::once("contract").chain(args.iter().copied()).map(str::to_owned))
                .expect_err("not an option of the harness");
            assert_eq!(err.code, 2, "{args:?}: {}", err.text);
        }
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
        let help = super::parse(["epayment-contract", "--help"].map(str::to_owned)).expect_err("help");
        assert_eq!(help.code, 0);
        assert!(help.text.contains("Usage: cargo xtask contract"), "{}", help.text);
        assert!(help.text.contains("--compare <URL>") && !help.text.contains("pet a dog"), "{}", help.text);
        assert!(!help.text.contains("epayment-contract"), "{}", help.text);
        let wrong = super::parse(["contract", "--no-such-flag"].map(str::to_owned)).expect_err("a usage error");
        assert_eq!(wrong.code, 2);
    }

    #[test]
    fn the_result_formats_go_beside_the_junit_report_unless_placed_or_turned_off() {
        let here = workspace_root().join("features");
        let beside = options_in_features(&["--junit", "out/j.xml"]).expect("options");
        assert_eq!(beside.cucumber_json, Some(here.join("out/cucumber.json")));
        assert_eq!(beside.messages, Some(here.join("out/messages.ndjson")));
        let placed = options_in_features(&["--cucumber-json", "x/c.json", "--no-messages"]).expect("options");
        assert_eq!(placed.cucumber_json, Some(here.join("x/c.json")));
        assert_eq!(placed.messages, None);
        let off = options_in_features(&["--no-cucumber-json"]).expect("options");
        assert_eq!((off.cucumber_json, off.messages.is_some()), (None, true));
        assert!(parse(&["--messages", "m.ndjson", "--no-messages"]).is_err(), "both is a usage error");
    }

    #[test]
    fn compare_takes_a_url_and_no_second_target() {
        let both = options_in_features(&["--compare", "http://127.0.0.1:1", "--target", "http://127.0.0.1:2"]);
        assert!(both.is_err_and(|e| e.contains("give one")));
        assert!(options_in_features(&["--compare", "apitest"]).is_err_and(|e| e.contains("use a URL")));
        let plain = options_in_features(&["--tags", "@x"]).expect("options");
        assert!(!plain.compare);
    }

    #[test]
    fn min_score_is_a_share_from_0_to_1_or_a_usage_error() {
        for (given, read) in [("0.8", 0.8), ("0", 0.0), ("1", 1.0), ("1.0", 1.0)] {
            let cli = parse(&["--mutate", "--min-score", given]).expect(given);
            assert_eq!(cli.custom.min_score, Some(read), "{given}");
        }
        // 2 fails every run, -1 and NaN pass every run: none is a share.
        for given in ["2", "-1", "-0.5", "NaN", "nan", "inf", "80%", "abc"] {
            let err = parse(&["--mutate", "--min-score", given]).expect_err(given);
            assert!(err.contains("a share from 0 to 1, e.g. 0.8"), "{given}: {err}");
        }
        let err = parse(&["--mutate", "--min-score=-1"]).expect_err("-1");
        assert!(err.contains("a share from 0 to 1"), "{err}");
    }

    #[test]
    fn mutate_runs_on_the_embedded_simulator_only() {
        // A remote target carries no mutant and notes no rule: a run there said "0 of 70 rule
        // mutants noticed" and exited 0, after sending the scenarios to the remote target.
        for flag in ["--target", "--compare"] {
            let err = options_in_features(&["--mutate", flag, "http://127.0.0.1:1"]).expect_err(flag);
            assert!(err.contains("--mutate breaks the embedded simulator's rules"), "{flag}: {err}");
            assert!(err.contains(flag), "names the flag typed: {err}");
        }
        assert!(options_in_features(&["--mutate", "--target", "sim"]).is_ok());
    }
}
