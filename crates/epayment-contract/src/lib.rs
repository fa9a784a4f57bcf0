//! The contract harness: Gherkin scenarios under `features/`, run by cucumber through the
//! `epayment` client against a fresh `epayment-sim` per scenario (or a remote target). After
//! each scenario every exchange it caused is checked against the effective document of
//! `epayment-openapi` and compared with its snapshot in `features/snapshots/`.
//!
//! Where to look, by question:
//! - what a scenario may say: `steps/` (one file per concept, each step beside its example),
//!   with `steps::params` (the words inside them), `steps::catalog` (STEPS.md from both) and
//!   `steps::hints` (help for a step that does not match);
//! - what a scenario has: `world/` (its backend, client and payment, and the `trail` of what
//!   it did);
//! - where it runs and how the harness reaches it: `targets/` (the embedded simulator's
//!   webhook `receiver` and `clock_sleep`, a remote target's recording `proxy`, a sandbox's
//!   `controls`);
//! - how a run goes: `running/` (`options`, `selection` of files, filter and tags, cucumber
//!   and its hooks, the `verdict` after each scenario with its `exchanges` and `snapshots`
//!   checks, and `mutate`);
//! - what a run tells: `reports/` (each scenario's `record`, the `console` and `summary`,
//!   `junit`, `html`, and `cucumber` for QA tools: Cucumber JSON and Messages);
//! - how the simulator and another target differ (`--compare`): `compare/`;
//! - the command line: `cli/` (the `epayment-contract` binary, which `cargo xtask contract`
//!   runs, is [`main`] and nothing else);
//! - the go-live checklist (`cargo xtask go-live`, the `epayment-go-live` binary):
//!   [`go_live`], its items, the evidence a run gives each, and the checklist it writes.
#![deny(missing_docs)]

mod cli;
mod compare;
pub mod go_live;
mod paths;
mod reports;
mod running;
mod steps;
mod targets;
mod world;

pub use cli::{main, usage};
pub use compare::{ByRow, Compared, Comparison, Difference, Differences, Kind as DifferenceKind, NotCompared, compare};
pub use paths::{target_dir, workspace_root};
pub use reports::coverage::{Coverage, MutantLine, RuleLine};
pub use reports::record::{ScenarioRecord, StepStatus};
pub use reports::summary::Summary;
pub use running::mutate::mutate;
pub use running::options::Options;
pub use running::verdict::snapshots::Policy as SnapshotPolicy;
pub use running::{RunError, run};
pub use targets::clock_sleep::ClockSleep;
pub use targets::{Approval, Remote, RemoteSettings, Target, TargetKind};
