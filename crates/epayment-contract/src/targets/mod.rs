//! Where scenarios run ([`Target`], of a [`TargetKind`]): the embedded simulator, or a remote
//! API and the keys to use it; and what the harness reaches each with: the simulator's webhook
//! [`receiver`] and [`clock_sleep`], a remote target's recording [`proxy`] (both servers on a
//! [`loopback`] port), and a standalone sandbox's [`controls`].

pub(crate) mod clock_sleep;
pub(crate) mod controls;
pub(crate) mod loopback;
pub(crate) mod person;
pub(crate) mod proxy;
pub(crate) mod receiver;

use std::time::Duration;

/// What kind of target a run has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TargetKind {
    /// A fresh embedded simulator per scenario.
    #[default]
    Simulator,
    /// A standalone `epayment-sim`: it acts as the customer and moves its clock on request.
    Sandbox,
    /// A real environment (the Vipps test environment): force approve, and real time.
    Environment,
}

/// Where scenarios run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A fresh embedded simulator per scenario.
    Sim,
    /// A running API (a standalone `epayment-sim`, or the Vipps test environment).
    Remote(Remote),
}

/// A running API and the keys to use it.
#[derive(Clone, PartialEq, Eq)]
pub struct Remote {
    /// The host root, e.g. `http://127.0.0.1:8085`.
    pub url: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Subscription key.
    pub subscription_key: String,
    /// Merchant serial number.
    pub msn: String,
    /// The test user force approve approves as (a real environment knows only its own test
    /// users; a sandbox takes any valid number).
    pub test_phone: String,
    /// How the run presents itself and has a payment approved.
    pub settings: Box<RemoteSettings>,
}

/// How a remote run presents itself (its `Vipps-System-*` headers) and has a payment approved.
/// Contract runs take the default; `cargo xtask go-live` gives the merchant's system, and
/// with `--production` a person's approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteSettings {
    /// `Vipps-System-Name` and `-Version`; none are sent when `None`.
    pub system: Option<(String, String)>,
    /// `Vipps-System-Plugin-Name` and `-Version`, if a plugin makes the calls.
    pub plugin: Option<(String, String)>,
    /// How "the customer approves" is played.
    pub approval: Approval,
}

impl Default for RemoteSettings {
    /// The harness's own name as the system, and force approve (or a sandbox's customer).
    fn default() -> Self {
        Self {
            system: Some(("epayment-contract".to_owned(), env!("CARGO_PKG_VERSION").to_owned())),
            plugin: None,
            approval: Approval::Forced,
        }
    }
}

/// How a remote target's payment gets the customer's approval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Approval {
    /// Force approve, the test environment's endpoint (a sandbox has it too).
    #[default]
    Forced,
    /// A person approves in the app, as in production: the run prints the payment's link and
    /// waits (reading the payment back) up to `within`.
    Person {
        /// How long the person has.
        within: Duration,
    },
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .field("msn", &self.msn)
            .field("test_phone", &self.test_phone)
            .finish()
    }
}

/// The test user's phone number unless `VIPPS_TEST_PHONE_NUMBER` gives one.
pub const DEFAULT_TEST_PHONE: &str = "4712345678";
