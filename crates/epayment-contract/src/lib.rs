//! The contract harness: Gherkin scenarios under `features/`, run by cucumber through the
//! `epayment` client against a fresh `epayment-sim` per scenario (or a remote target).
//!
//! After each scenario every exchange it caused is checked against `openapi/epayment.yaml`
//! (the effective document of `epayment-openapi`; a violation names the operation and the JSON pointer) and compared with its snapshot in
//! `features/snapshots/`, redacted of secrets and random values. The step vocabulary is in
//! [`catalog`] and `features/STEPS.md`.
#![deny(missing_docs)]

pub mod catalog;
pub mod exchanges;
pub mod hints;
pub mod html;
pub mod junit;
pub mod params;
pub mod receiver;
pub mod record;
pub mod runner;
pub mod sleep;
mod steps;
pub mod world;

pub use runner::{Args, Cli, Options, Summary, parse_args, run};
pub use world::{PaymentWorld, Remote, Target};
