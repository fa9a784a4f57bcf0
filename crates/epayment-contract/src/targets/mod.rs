//! Where scenarios run ([`Target`], of a [`TargetKind`]): the embedded simulator, or a remote
//! API and the keys to use it; and what the harness reaches each with: the simulator's webhook
//! [`receiver`] and [`clock_sleep`], a remote target's recording [`proxy`] (both servers on a
//! [`loopback`] port), and a standalone sandbox's [`controls`].

pub(crate) mod clock_sleep;
pub(crate) mod controls;
pub(crate) mod loopback;
pub(crate) mod proxy;
pub(crate) mod receiver;

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
