//! `cargo xtask`: the project's automation. Run `cargo xtask --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::regen;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Automation for the ePayment toolkit")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate crates/epayment-api from openapi/ and its overlays.
    Regen {
        /// Do not write; exit 1 with a unified diff if the committed code is not what the
        /// documents give.
        #[arg(long)]
        check: bool,
        /// Generate the ePayment client from this document instead of openapi/epayment.yaml.
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// Write a standalone crate to DIR instead of updating crates/epayment-api.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        external: ExternalArgs,
    },
    /// Run the Gherkin scenarios under features/ (cucumber, epayment client, simulator), or
    /// with --check-steps only check that every step matches one step of the library.
    /// Everything after `--` goes to cucumber's command line (e.g. `-- --fail-fast -vv`).
    Contract(ContractOptions),
    /// Write features/STEPS.md: every step the scenarios may use, with an example.
    Steps,
    /// Write the document schemathesis tests the sandbox against: the effective document
    /// (crates/epayment-openapi/epayment.json) with openapi/overlays/testing/ applied.
    TestDocument {
        /// Where to write it.
        #[arg(long, value_name = "FILE", default_value = "target/schemathesis/epayment.json")]
        out: PathBuf,
    },
    /// What a newly published ePayment document means for this project, in one report
    /// (target/spec-update/report.md): spec-diff, overlay statuses, the generated client's
    /// public surface, whether the epayment crate compiles against it, and the contract suite
    /// against it. Changes no committed file. Exit 0: nothing breaks; 1: something does;
    /// 2: it could not run.
    SpecUpdate {
        /// The new document (YAML or JSON).
        new: PathBuf,
        /// Compare with this document instead of openapi/epayment.yaml.
        #[arg(long, value_name = "OLD")]
        base: Option<PathBuf>,
        /// Skip running the contract suite against the new document.
        #[arg(long)]
        no_contract: bool,
        #[command(flatten)]
        external: ExternalArgs,
    },
    /// Tell what changed between two OpenAPI documents and whether it breaks clients.
    /// Exit 0: nothing that --fail-on names; 1: something it names; 2: usage or read error.
    SpecDiff {
        /// The older document (YAML or JSON).
        old: PathBuf,
        /// The newer document.
        new: PathBuf,
        /// Apply openapi/overlays/epayment/ to both first.
        #[arg(long)]
        overlays: bool,
        /// Report format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit 1 when there is a change of this severity (or any change).
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Show doc changes (descriptions, summaries, examples) too.
        #[arg(long)]
        all: bool,
        /// Check severities and accepted findings [default: openapi/spec-diff.toml when it exists].
        #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// Every check at its default severity, nothing ignored.
        #[arg(long)]
        no_config: bool,
        #[command(flatten)]
        external: ExternalArgs,
    },
}

/// Where external `$ref`s are read from, offline.
#[derive(clap::Args, Clone, Debug, Default)]
struct ExternalArgs {
    /// Read the document at URL (or under a URL prefix ending in `/`) from FILE (or a folder).
    /// Repeatable.
    #[arg(long = "external", value_name = "URL=FILE")]
    mappings: Vec<String>,
    /// A TOML file of such mappings: `[external]` then `"URL" = "FILE"` lines.
    #[arg(long = "external-map", value_name = "FILE")]
    map: Option<PathBuf>,
}

impl ExternalArgs {
    fn refs(&self) -> anyhow::Result<xtask::external::ExternalRefs> {
        let mut refs = xtask::external::ExternalRefs::new();
        if let Some(file) = &self.map {
            refs.add_file(file)?;
        }
        for m in &self.mappings {
            refs.add_arg(m)?;
        }
        Ok(refs)
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
    /// JUnit XML, one test case per check.
    Junit,
    /// GitHub Actions annotations.
    Github,
}

/// `cargo xtask contract`'s options, passed on to the harness's command line.
#[derive(clap::Args)]
struct ContractOptions {
    /// Only scenarios matching this tag expression, e.g. "@sim-only" or "not @slow".
    #[arg(long, value_name = "EXPR")]
    tags: Option<String>,
    /// Only scenarios whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    name: Option<String>,
    /// How many scenarios run at once.
    #[arg(long, value_name = "N")]
    concurrency: Option<usize>,
    /// `sim` (a fresh embedded simulator per scenario) or a host root URL such as
    /// http://127.0.0.1:8085; a URL takes its keys from the VIPPS_* variables.
    #[arg(long, value_name = "sim|URL", default_value = "sim")]
    target: String,
    /// Check every step of every feature (no match, or more than one, with hints) and
    /// exit; starts no simulator.
    #[arg(long)]
    check_steps: bool,
    /// The folder of .feature files [default: features/].
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,
    /// The folder of snapshots [default: features/snapshots/].
    #[arg(long, value_name = "DIR")]
    snapshots: Option<PathBuf>,
    /// Where the JUnit report goes [default: contract/junit.xml under the target directory].
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Where the HTML report goes [default: report.html beside the JUnit report].
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// More of cucumber's options.
    #[arg(last = true)]
    rest: Vec<String>,
}

impl ContractOptions {
    /// The harness's arguments. cargo runs the test binary in its crate's folder, so paths the
    /// user gave relative to where they stand are passed on absolute.
    fn harness_args(self) -> anyhow::Result<Vec<String>> {
        let mut args = vec!["--target".to_owned(), self.target];
        let values =
            [("--tags", self.tags), ("--name", self.name), ("--concurrency", self.concurrency.map(|n| n.to_string()))];
        for (flag, value) in values {
            if let Some(value) = value {
                args.extend([flag.to_owned(), value]);
            }
        }
        let paths = [
            ("--features", self.features),
            ("--snapshots", self.snapshots),
            ("--junit", self.junit),
            ("--report", self.report),
        ];
        for (flag, path) in paths {
            if let Some(path) = path {
                // Resolved where it exists (a folder to read); made absolute where it does not
                // (a report to write).
                let absolute = path
                    .canonicalize()
                    .or_else(|_| std::path::absolute(&path))
                    .map_err(|e| anyhow::anyhow!("{flag} {}: {e}", path.display()))?;
                args.extend([flag.to_owned(), absolute.display().to_string()]);
            }
        }
        if self.check_steps {
            args.push("--check-steps".to_owned());
        }
        args.extend(self.rest);
        Ok(args)
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Breaking,
    Any,
}

/// The generator's own panics (progenitor and typify panic on documents they cannot generate)
/// become one-line errors in `generate`; their default report, with its backtrace hint, would
/// only bury that line. Any other panic is reported as usual.
fn quiet_generator_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let file = info.location().map(|l| l.file()).unwrap_or_default();
        if !["progenitor", "typify"].iter().any(|generator| file.contains(generator)) {
            default(info);
        }
    }));
}

fn main() -> ExitCode {
    quiet_generator_panics();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Regen { check, spec, out, external } => match external.refs() {
            Ok(external) => regen_command(regen::Options { spec, out, check, external }),
            Err(e) => Err(e),
        },
        Command::Contract(options) => options.harness_args().and_then(|args| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cargo_test_contract(&args)
        }),
        Command::Steps => cargo_test_contract(&["--write-steps"]),
        Command::TestDocument { out } => test_document(&out),
        Command::SpecUpdate { new, base, no_contract, external } => {
            return match spec_update_command(new, base, no_contract, &external) {
                Ok(code) => code,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(2)
                }
            };
        }
        Command::SpecDiff { old, new, overlays, format, fail_on, all, config, no_config, external } => {
            let config = match (config, no_config) {
                (_, true) => ConfigChoice::None,
                (Some(path), _) => ConfigChoice::File(path),
                (None, false) => ConfigChoice::Default,
            };
            let options = SpecDiffOptions { overlays, format, fail_on, all, config, external };
            return match spec_diff_command(&old, &new, options) {
                Ok(code) => code,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(2)
                }
            };
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // One line, the causes joined: an on-call reader wants the message, not a backtrace.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn test_document(out: &std::path::Path) -> anyhow::Result<ExitCode> {
    let root = regen::workspace_root()?;
    // The effective document the simulator serves, plus the testing overlays: one document,
    // not a third variant of it.
    let effective = root.join(regen::EFFECTIVE_DOCUMENT);
    let mut doc = xtask::document::Document::load(&effective)?.value;
    for overlay in regen::load_overlays(&root.join("openapi/overlays/testing"))? {
        overlay.apply(&mut doc)?;
    }
    let out = if out.is_absolute() { out.to_owned() } else { root.join(out) };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&out, serde_json::to_vec_pretty(&doc)?).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

enum ConfigChoice {
    Default,
    File(PathBuf),
    None,
}

struct SpecDiffOptions {
    overlays: bool,
    format: Format,
    fail_on: Option<FailOn>,
    all: bool,
    config: ConfigChoice,
    external: ExternalArgs,
}

fn spec_diff_command(
    old: &std::path::Path,
    new: &std::path::Path,
    options: SpecDiffOptions,
) -> anyhow::Result<ExitCode> {
    use xtask::spec_diff::{self, Severity, report};
    let root = regen::workspace_root()?;
    let external = options.external.refs()?;
    let load = |path: &std::path::Path| -> anyhow::Result<serde_json::Value> {
        // Unmapped external refs stay, compared by URL.
        let mut value = external.load(path, xtask::external::Unmapped::Keep)?;
        if options.overlays {
            for overlay in regen::load_overlays(&root.join(regen::TARGETS[0].overlays))? {
                overlay.apply(&mut value)?;
            }
        }
        Ok(value)
    };
    let config = match &options.config {
        ConfigChoice::None => spec_diff::Config::default(),
        ConfigChoice::File(path) => spec_diff::Config::load(path)?,
        ConfigChoice::Default => {
            let path = root.join(spec_diff::config::DEFAULT_PATH);
            if path.exists() { spec_diff::Config::load(&path)? } else { spec_diff::Config::default() }
        }
    };
    let (old_doc, new_doc) = (load(old)?, load(new)?);
    let changes = spec_diff::diff_with(&old_doc, &new_doc, &config);
    let shown = report::visible(&changes, options.all);
    let output = match options.format {
        Format::Text => report::text(&shown),
        Format::Markdown => report::markdown(&shown),
        Format::Json => report::json(&shown),
        Format::Junit => report::junit(&shown),
        Format::Github => report::github(&shown, &new.to_string_lossy()),
    };
    print!("{output}");
    let failing = match options.fail_on {
        None => false,
        Some(FailOn::Breaking) => changes.iter().any(|c| c.counts() && c.severity == Severity::Breaking),
        Some(FailOn::Any) => changes.iter().any(|c| c.counts() && (options.all || c.severity != Severity::Doc)),
    };
    Ok(if failing { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn spec_update_command(
    new: PathBuf,
    base: Option<PathBuf>,
    no_contract: bool,
    external: &ExternalArgs,
) -> anyhow::Result<ExitCode> {
    use xtask::spec_update;
    let root = regen::workspace_root()?;
    let request = spec_update::Request { new, base, external: external.refs()?, no_contract };
    let outcome = spec_update::run(&root, &request)?;
    for status in outcome.overlays.iter().filter(|s| s.status != xtask::overlay::ActionStatus::Applied) {
        eprintln!("warning: overlay {status}");
    }
    let shown = |p: &std::path::Path| regen::display(&root, p);
    let base_name = request.base.as_deref().map_or_else(|| regen::TARGETS[0].spec.to_owned(), shown);
    let text = spec_update::markdown(&outcome, &base_name, &shown(&request.new));
    let path = spec_update::target_dir(&root).join("spec-update/report.md");
    std::fs::write(&path, text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    println!("{}", path.display());
    Ok(if outcome.breaking() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Runs the contract harness through cargo, so that it is built as the tests build it; `args`
/// go to its command line.
fn cargo_test_contract(args: &[&str]) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(regen::workspace_root()?)
        .args(["test", "--quiet", "-p", "epayment-contract", "--test", "contract", "--"])
        .args(args)
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run cargo: {e}"))?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn regen_command(options: regen::Options) -> anyhow::Result<ExitCode> {
    let root = regen::workspace_root()?;
    let report = regen::run(&root, &options)?;
    for status in report.overlays.iter().filter(|s| s.status != xtask::overlay::ActionStatus::Applied) {
        eprintln!("warning: overlay {status}");
    }
    if options.check {
        for (_, diff) in &report.stale {
            print!("{diff}");
        }
        if !report.stale.is_empty() {
            let names: Vec<_> = report.stale.iter().map(|(p, _)| regen::display(&root, p)).collect();
            eprintln!("error: stale generated code: {}; run `cargo xtask regen`", names.join(", "));
            return Ok(ExitCode::FAILURE);
        }
        eprintln!("generated code is current ({} files)", report.current.len());
    } else {
        for path in &report.current {
            eprintln!("wrote {}", regen::display(&root, path));
        }
        if report.surface.is_empty() {
            eprintln!("public surface: unchanged");
        } else {
            eprintln!("public surface:");
            for change in &report.surface {
                eprintln!("  {change}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(args: &[&str]) -> Vec<String> {
        let cli = Cli::try_parse_from([&["xtask", "contract"], args].concat()).expect("parses");
        let Command::Contract(options) = cli.command else { panic!("the contract command") };
        options.harness_args().expect("arguments")
    }

    #[test]
    fn contract_passes_its_options_on_and_makes_paths_absolute() {
        let here = std::env::current_dir().expect("cwd");
        let args = contract(&[
            "--tags",
            "@webhooks",
            "--check-steps",
            "--features",
            "my-features",
            "--junit",
            "/tmp/out/junit.xml",
            "--",
            "--fail-fast",
        ]);
        let features = here.join("my-features").display().to_string();
        let expected = [
            "--target",
            "sim",
            "--tags",
            "@webhooks",
            "--features",
            &features,
            "--junit",
            "/tmp/out/junit.xml",
            "--check-steps",
            "--fail-fast",
        ];
        assert_eq!(args, expected);
        assert_eq!(contract(&[]), ["--target", "sim"]);
    }
}
