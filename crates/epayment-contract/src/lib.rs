//! The contract harness: Gherkin scenarios under `features/`, run by cucumber through the
//! `epayment` client against a fresh `epayment-sim` per scenario (or a remote target). After
//! each scenario every exchange it caused is checked against the effective document of
//! `epayment-openapi` and compared with its snapshot in `features/snapshots/`.
//!
//! Where to look, by question:
//! - what a scenario may say: `steps/` (one file per concept, each step beside its example),
//!   `params` (the words inside them), `catalog` (STEPS.md from both);
//! - what a scenario has: `world` (its simulator, client and payment), `receiver` (its
//!   webhook receiver), `sleep` (the client waiting on the scenario's clock), `controls`
//!   (the customer and the clock on a remote target);
//! - how a run goes: `options` (the command line), `selection` (the files read, the filter,
//!   the tags), `runner` (cucumber, hooks, reports), `trail` (which step made which exchange),
//!   `verdict` (what is found after the steps: `exchanges` for the document and redaction,
//!   `snapshots` for the snapshots), `command` (the `contract` binary);
//! - what a run tells: `record` (each scenario as it ran), `recorder` and `console` (the
//!   output as it goes), `summary` (the block it ends with), `junit`, `html`, `xml`, and
//!   `writer` (Cucumber JSON and Cucumber Messages, for QA tools);
//! - help for a step that does not match: `hints`;
//! - how the simulator and another target differ (`--compare`): `compare`.
#![deny(missing_docs)]

mod catalog;
mod command;
mod compare;
mod console;
mod controls;
mod exchanges;
mod hints;
mod html;
mod junit;
mod loopback;
mod mutate;
mod options;
mod params;
mod paths;
mod proxy;
mod receiver;
mod record;
mod recorder;
mod runner;
mod selection;
mod sleep;
mod snapshots;
mod steps;
mod summary;
mod target;
mod trail;
mod verdict;
mod world;
mod writer;
mod xml;

pub use command::main;
pub use compare::{ByRow, Compared, Comparison, Difference, Differences, Kind as DifferenceKind, NotCompared, compare};
pub use controls::TargetKind;
pub use mutate::{Coverage, RuleLine, mutate};
pub use options::{Options, usage};
pub use paths::{target_dir, workspace_root};
pub use record::{ScenarioRecord, StepStatus};
pub use runner::{RunError, run};
pub use sleep::ClockSleep;
pub use snapshots::Policy as SnapshotPolicy;
pub use summary::Summary;
pub use target::{Remote, Target};
