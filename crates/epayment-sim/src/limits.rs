//! The simulator's bounds on itself, in one settings type: how long it waits for a client and
//! how much it keeps, so that what callers send never decides what it holds. The builder takes
//! them whole ([`crate::SimulatorBuilder::limits`]); the sandbox's flags start from
//! [`Limits::default`]. FIDELITY.md (`front-limits`, `sandbox-retention`) and RELIABILITY.md
//! quote the defaults.
//!
//! What the API itself limits (25 registrations per event type, 5 captures a minute, the
//! periods of its rules) is not here: those are rules, beside the code that applies them.

use std::time::Duration;

/// How long the simulator waits for a client, and how much it keeps (per tenant where it
/// serves tenants: payments' answers, webhooks). Start from [`Limits::default`] and change
/// what a test or a sandbox needs:
///
/// ```
/// use epayment_sim::Limits;
/// let limits = Limits { body_bytes: 64 << 10, record_limit: 100, ..Limits::default() };
/// # let _ = limits;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    // ---- the HTTP front ------------------------------------------------------------------
    /// The largest request body, in bytes; a larger one gets 413 before it is read whole
    /// (1 MiB).
    pub body_bytes: usize,
    /// The most bytes of request line and headers (hyper's read buffer; at least 8 KiB are
    /// taken whatever this says; 64 KiB).
    pub header_bytes: usize,
    /// How long a request's headers may take to arrive, counted from when the connection is
    /// ready for them: a slow sender, and an idle keep-alive connection, are closed after it
    /// (30 s).
    pub header_timeout: Duration,
    /// How long a request's body may take to arrive; a slower one ends the connection (30 s).
    pub body_timeout: Duration,
    /// How long an answer may wait to be written, because the client reads nothing, before
    /// the connection is closed (30 s).
    pub write_timeout: Duration,
    /// Connections served at once; more wait to be accepted (1,024).
    pub max_connections: usize,
    /// Connections served at once for one client (an IPv4 address, or an IPv6 /64, the block
    /// one host is usually given) once half of `max_connections` are in use: past it, one more
    /// from that client is closed as soon as it is accepted, so that a client that holds or
    /// reopens connections cannot keep another client unserved, while a load test from one
    /// host still has the whole front when nobody else wants it (64).
    pub max_connections_per_client: usize,

    // ---- the exchange log ----------------------------------------------------------------
    /// How many exchanges the log keeps; older ones are dropped (10,000).
    pub record_limit: usize,
    /// About how many bytes the kept exchanges may hold; older ones are dropped (64 MiB).
    pub record_bytes: usize,
    /// The longest body (request or reply) the log keeps; a longer one is noted by its size
    /// (64 KiB).
    pub kept_body_bytes: usize,
    /// The longest body kept of a request refused for its credentials: a client's real request
    /// fits, a flood of large bodies without a token does not (4 KiB).
    pub unauthorized_body_bytes: usize,

    // ---- webhooks, per tenant ------------------------------------------------------------
    /// Registrations in all: the sandbox's own bound, so that registrations under ever new
    /// merchant serial numbers cannot grow it without end. A sales unit has at most 200 (25
    /// for each of the 8 event types), so filling it takes 50 of them (10,000).
    pub max_registrations: usize,
    /// The longest URL a registration may have (the Webhooks API's documents name no limit;
    /// this is what browsers and proxies commonly take; 2,048 bytes).
    pub max_url_bytes: usize,
    /// Events that may wait for one registration; past it, a new event is given up at once,
    /// so that a receiver that never answers cannot make the simulator hold events without
    /// end (10,000).
    pub max_waiting_events: usize,
    /// Events of one sales unit that may wait, for all its registrations together: what one
    /// merchant serial number's failing receivers hold back, so that they cannot fill the room
    /// all registrations share and starve another merchant's webhooks (10,000).
    pub max_waiting_events_per_sales_unit: usize,
    /// Events that may wait for all registrations together; each is a few hundred bytes
    /// (100,000).
    pub max_waiting_events_in_all: usize,
    /// Finished deliveries kept for [`crate::WebhookDispatcher::deliveries`]; older ones are
    /// dropped, and still counted by [`crate::WebhookDispatcher::wait_for`] (10,000).
    pub delivery_log_limit: usize,

    // ---- idempotency ---------------------------------------------------------------------
    /// Idempotency keys kept per payment; the oldest is forgotten past it. The API allows five
    /// calls of each operation a minute, so a real client's retry always finds its key; only a
    /// flood of fresh keys on one payment (with the rate limits off) reaches it (1,000).
    pub max_keys_per_payment: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_bytes: 1 << 20,
            header_bytes: 64 << 10,
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            max_connections: 1_024,
            max_connections_per_client: 64,
            record_limit: 10_000,
            record_bytes: 64 << 20,
            kept_body_bytes: 64 << 10,
            unauthorized_body_bytes: 4 << 10,
            max_registrations: 10_000,
            max_url_bytes: 2_048,
            max_waiting_events: 10_000,
            max_waiting_events_per_sales_unit: 10_000,
            max_waiting_events_in_all: 100_000,
            delivery_log_limit: 10_000,
            max_keys_per_payment: 1_000,
        }
    }
}
