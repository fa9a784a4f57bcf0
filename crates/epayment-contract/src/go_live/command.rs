//! `epayment-go-live` (`cargo xtask go-live`): runs the go-live set against a target and
//! writes the checklist. Exit codes: 0 no item failed, 1 an item failed, 2 nothing ran (a
//! usage error, a key missing, a target that cannot be reached or refuses the keys).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use cucumber::gherkin::tagexpr::TagOperation;
use epayment::Amount;

use super::{Checklist, RunFacts, production};
use crate::cli::args::parse_target;
use crate::paths::{target_dir, workspace_root};
use crate::running::options::Options;
use crate::running::selection;
use crate::targets::{Approval, Remote, Target, controls};

/// The production host: the test set may not run there.
const PRODUCTION_HOST: &str = "api.vipps.no";

/// The go-live command line.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask go-live",
    about = "Fill in the ePayment go-live checklist from a run of features/go-live/ against a target",
    after_help = "Keys come from VIPPS_CLIENT_ID, VIPPS_CLIENT_SECRET, VIPPS_SUBSCRIPTION_KEY and \
                  VIPPS_MERCHANT_SERIAL_NUMBER (and VIPPS_TEST_PHONE_NUMBER for force approve). \
                  Exit codes: 0 no item failed, 1 an item failed, 2 nothing ran."
)]
pub struct Args {
    /// The API's host root: the test environment (https://apitest.vipps.no), a sandbox
    /// (http://127.0.0.1:8085) to rehearse, or production with --production.
    #[arg(long, value_name = "URL")]
    target: String,
    /// The production verification alone: one real order a person approves in the app, then
    /// captured, refunded and cancelled. Needs --confirm-real-money.
    #[arg(long)]
    production: bool,
    /// Confirms that --production moves real money (the amount, on the merchant's account).
    #[arg(long)]
    confirm_real_money: bool,
    /// The production order's amount (with --production).
    #[arg(long, value_name = "MONEY", default_value = production::DEFAULT_AMOUNT)]
    amount: String,
    /// How long a person has to approve the production order in the app, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    approve_within: u64,
    /// `Vipps-System-Name` (else VIPPS_SYSTEM_NAME): your system's name.
    #[arg(long, value_name = "NAME")]
    system_name: Option<String>,
    /// `Vipps-System-Version` (else VIPPS_SYSTEM_VERSION).
    #[arg(long, value_name = "VERSION")]
    system_version: Option<String>,
    /// `Vipps-System-Plugin-Name` (else VIPPS_SYSTEM_PLUGIN_NAME), for plugins and platforms.
    #[arg(long, value_name = "NAME")]
    plugin_name: Option<String>,
    /// `Vipps-System-Plugin-Version` (else VIPPS_SYSTEM_PLUGIN_VERSION).
    #[arg(long, value_name = "VERSION")]
    plugin_version: Option<String>,
    /// Where the checklist goes (relative to the current folder).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The go-live feature files.
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,
}

/// What `--help` prints: the options and the exit codes.
pub fn usage() -> String {
    <Args as clap::CommandFactory>::command().render_long_help().to_string()
}

/// What the command line asks for, checked: nothing has been sent yet.
struct Plan {
    remote: Remote,
    production: Option<Amount>,
    out: PathBuf,
    features: PathBuf,
    warnings: Vec<String>,
}

/// Runs the command line `args` (the program name first) and says how it went.
pub fn main(args: impl IntoIterator<Item = String>) -> ExitCode {
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let plan = match plan(args, &env) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for warning in &plan.warnings {
        eprintln!("warning: {warning}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(plan)) {
        Ok((checklist, written)) => {
            println!(
                "go-live: {} evidenced, {} failed, {} need a person ({})",
                checklist.count(super::Status::Evidenced),
                checklist.count(super::Status::Failed),
                checklist.count(super::Status::NeedsPerson),
                written.join("checklist.md").display()
            );
            for item in checklist.items.iter().filter(|i| i.status == super::Status::Failed) {
                println!("  failed: {}: {}", item.text, item.detail);
            }
            if checklist.failed() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The run the arguments ask for, or the usage error that stops it before anything is sent.
fn plan(args: Args, env: &dyn Fn(&str) -> Option<String>) -> Result<Plan, String> {
    let Target::Remote(mut remote) = parse_target("--target", &args.target, env)? else {
        return Err("--target must be a URL: the test environment, a sandbox or production".into());
    };
    remote.url = host_root(&remote.url)?;
    let is_production = reqwest::Url::parse(&remote.url)
        .ok()
        .and_then(|url| url.host_str().map(|h| h.trim_end_matches('.').eq_ignore_ascii_case(PRODUCTION_HOST)))
        .unwrap_or(false);
    if is_production && !args.production {
        return Err(format!(
            "{} is production: the go-live test set uses force approve and test amounts, which production has not; \
             run the production verification with --production --confirm-real-money",
            remote.url
        ));
    }
    if args.production && args.approve_within == 0 {
        return Err("--approve-within 0 leaves a person no time to approve: give seconds, 300 unless set".into());
    }
    let production = if args.production {
        if !args.confirm_real_money {
            return Err(format!(
                "--production moves real money ({} on merchant {}): add --confirm-real-money to run it",
                args.amount, remote.msn
            ));
        }
        let amount: Amount = args.amount.parse().map_err(|e| format!("--amount: {e}"))?;
        if let Some(why) = production::refusal(&amount) {
            return Err(format!("--amount: {why}"));
        }
        Some(amount)
    } else if args.amount != production::DEFAULT_AMOUNT {
        return Err("--amount is the production order's: give it with --production".into());
    } else {
        None
    };
    let pair = |flag: Option<String>, var: &str| flag.filter(|v| !v.is_empty()).or_else(|| env(var));
    let system = (pair(args.system_name, "VIPPS_SYSTEM_NAME"), pair(args.system_version, "VIPPS_SYSTEM_VERSION"));
    let plugin =
        (pair(args.plugin_name, "VIPPS_SYSTEM_PLUGIN_NAME"), pair(args.plugin_version, "VIPPS_SYSTEM_PLUGIN_VERSION"));
    let mut warnings = Vec::new();
    if !matches!(system, (Some(_), Some(_))) {
        warnings.push(
            "Vipps-System-Name and -Version are not configured (--system-name and --system-version, or \
             VIPPS_SYSTEM_NAME and VIPPS_SYSTEM_VERSION): the review asks for them on every request, so that \
             item will fail"
                .to_owned(),
        );
    }
    if plugin.0.is_some() != plugin.1.is_some() {
        warnings.push("only one of the plugin's name and version is configured: neither is sent".to_owned());
    }
    warnings.push(
        "no webhook receiver is configured: the checklist asks for webhooks and polling both; this run shows \
         polling, so register your receiver (Webhooks API) and attach a delivery it verified"
            .to_owned(),
    );
    if args.production && !is_production {
        warnings.push(format!("{} is not production: this is a rehearsal, not the verification", remote.url));
    }
    remote.settings.system = zip(system);
    remote.settings.plugin = zip(plugin);
    if args.production {
        remote.settings.approval = Approval::Person { within: Duration::from_secs(args.approve_within) };
    }
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let out = args.out.map_or_else(|| target_dir().join("go-live"), |dir| cwd.join(dir));
    if out.exists() && !out.is_dir() {
        return Err(format!("--out {}: a file, not a folder", out.display()));
    }
    let features = args.features.map_or_else(|| workspace_root().join("features/go-live"), |dir| cwd.join(dir));
    Ok(Plan { remote, production, out, features, warnings })
}

/// `url` as the API's host root: a scheme, a host and a port, nothing else (a trailing `/` is
/// dropped); a user, path, query or fragment is refused, since the keys would go with it.
fn host_root(url: &str) -> Result<String, String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("--target {url:?}: {e}"))?;
    let extra = !parsed.username().is_empty()
        || parsed.password().is_some()
        || parsed.path() != "/"
        || parsed.query().is_some()
        || parsed.fragment().is_some();
    if extra || parsed.host_str().is_none() {
        return Err(format!("--target {url:?}: give the host root alone, such as https://apitest.vipps.no"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn zip((name, version): (Option<String>, Option<String>)) -> Option<(String, String)> {
    name.zip(version)
}

/// Runs the plan: the keys checked, the set run, the checklist written (and returned, with
/// its folder).
async fn run(plan: Plan) -> Result<(Checklist, PathBuf), String> {
    controls::check_access(&plan.remote).await?;
    let reports = plan.out.join("run");
    let (features, tag) = match &plan.production {
        Some(amount) => {
            // The order as it will run, written where QA can read it.
            let dir = reports.join("features");
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let file = dir.join("production.feature");
            std::fs::write(&file, production::feature(amount)).map_err(|e| format!("{}: {e}", file.display()))?;
            (dir, production::TAG)
        }
        None => (plan.features.clone(), "go-live"),
    };
    let mut options = Options::new(Target::Remote(plan.remote.clone()));
    options.features = features.clone();
    options.tags = Some(format!("@{tag}").parse::<TagOperation>().map_err(|e| format!("the tag @{tag}: {e:?}"))?);
    options.junit = reports.join("junit.xml");
    options.report = reports.join("report.html");
    options.cucumber_json = Some(reports.join("cucumber.json"));
    options.messages = Some(reports.join("messages.ndjson"));
    let summary = crate::running::run(&options).await.map_err(|e| e.to_string())?;
    let loaded = selection::load(&features)?;
    let facts = RunFacts {
        target: plan.remote.url.clone(),
        merchant_serial_number: plan.remote.msn.clone(),
        production: plan.production.is_some(),
        warnings: plan.warnings,
    };
    let checklist = Checklist::of(facts, &loaded, &summary.records, chrono::Utc::now());
    checklist.write(&plan.out)?;
    Ok((checklist, plan.out))
}
