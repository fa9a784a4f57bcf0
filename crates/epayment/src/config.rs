//! Building a [`Client`](crate::Client): environment, keys, headers, timeouts and retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::error::InputError;
use crate::ids::{MerchantSerialNumber, check_header_text};
use crate::retry::RetryPolicy;
use crate::sleep::{AsyncSleep, TokioSleep};

/// Where the API lives.
///
/// A host serves the access token at `/accesstoken/get`, the ePayment API under `/epayment`
/// and the Webhooks API under `/webhooks`; [`Environment::Custom`] takes the root of any host
/// laid out the same way, such as a local `epayment-sim`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    /// `https://apitest.vipps.no`: test keys, the test app, force approve.
    Test,
    /// `https://api.vipps.no`: real money.
    Production,
    /// Another host root, e.g. `http://127.0.0.1:8085`.
    Custom(String),
}

impl Environment {
    /// The host root, without a trailing slash.
    pub fn host(&self) -> &str {
        match self {
            Environment::Test => "https://apitest.vipps.no",
            Environment::Production => "https://api.vipps.no",
            Environment::Custom(url) => url.trim_end_matches('/'),
        }
    }

    /// The base URL of the ePayment API (`{host}/epayment`): the document's paths start at `/v1`.
    pub fn epayment_url(&self) -> String {
        format!("{}/epayment", self.host())
    }
}

/// The API keys of a sales unit, as [`ClientBuilder::credentials`] keeps them. The secret and
/// the subscription key never show in `Debug` output, logs or errors.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) subscription_key: SecretString,
}

impl Credentials {
    /// Keys as found on the portal.
    pub(crate) fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        subscription_key: impl Into<String>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
            subscription_key: SecretString::from(subscription_key.into()),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("subscription_key", &"[REDACTED]")
            .finish()
    }
}

/// A configuration that cannot work, found by [`ClientBuilder::build`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required setting was not given.
    #[error("missing {what}: {hint}")]
    Missing {
        /// The setting.
        what: &'static str,
        /// How to give it.
        hint: &'static str,
    },
    /// A setting was given but is not valid.
    #[error("invalid configuration: {0}")]
    Invalid(#[from] InputError),
    /// An `https` host, but this build has no TLS.
    #[error("{0} needs TLS: enable the `rustls` feature of the epayment crate")]
    TlsRequired(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
}

/// Builds a [`Client`](crate::Client); see [`Client::builder`](crate::Client::builder).
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    environment: Environment,
    credentials: Option<Credentials>,
    msn: Option<String>,
    system: Option<(String, String)>,
    plugin: Option<(String, String)>,
    psp_id: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    max_response_bytes: usize,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    sleeper: Arc<dyn AsyncSleep>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            environment: Environment::Test,
            credentials: None,
            msn: None,
            system: None,
            plugin: None,
            psp_id: None,
            timeout: Some(ClientBuilder::DEFAULT_TIMEOUT),
            connect_timeout: ClientBuilder::DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: ClientBuilder::DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
            http: None,
            sleeper: Arc::new(TokioSleep),
        }
    }
}

/// The environment variables [`ClientBuilder::from_env`] reads.
pub mod env {
    /// `test` (the default), `production`, or a host root URL.
    pub const ENVIRONMENT: &str = "VIPPS_ENVIRONMENT";
    /// The client id.
    pub const CLIENT_ID: &str = "VIPPS_CLIENT_ID";
    /// The client secret.
    pub const CLIENT_SECRET: &str = "VIPPS_CLIENT_SECRET";
    /// The subscription key (`Ocp-Apim-Subscription-Key`).
    pub const SUBSCRIPTION_KEY: &str = "VIPPS_SUBSCRIPTION_KEY";
    /// The merchant serial number.
    pub const MERCHANT_SERIAL_NUMBER: &str = "VIPPS_MERCHANT_SERIAL_NUMBER";
    /// Optional `Vipps-System-Name`; needs [`SYSTEM_VERSION`] too.
    pub const SYSTEM_NAME: &str = "VIPPS_SYSTEM_NAME";
    /// Optional `Vipps-System-Version`.
    pub const SYSTEM_VERSION: &str = "VIPPS_SYSTEM_VERSION";
    /// Optional `Vipps-System-Plugin-Name`; needs [`PLUGIN_VERSION`] too.
    pub const PLUGIN_NAME: &str = "VIPPS_PLUGIN_NAME";
    /// Optional `Vipps-System-Plugin-Version`.
    pub const PLUGIN_VERSION: &str = "VIPPS_PLUGIN_VERSION";
    /// Optional `Psp-Id`: the payment service provider making the calls.
    pub const PSP_ID: &str = "VIPPS_PSP_ID";
}

impl ClientBuilder {
    /// The timeout of each attempt unless [`ClientBuilder::timeout`] says otherwise.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

    /// How long a connection may take to open unless [`ClientBuilder::connect_timeout`] says
    /// otherwise.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// The longest answer body read unless [`ClientBuilder::max_response_bytes`] says
    /// otherwise: 4 MiB. The largest documented answer, a payment's event log, is a few
    /// hundred bytes an event.
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 << 20;

    /// Where to send requests; [`Environment::Test`] unless set.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The sales unit's API keys.
    pub fn credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        subscription_key: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials::new(client_id, client_secret, subscription_key));
        self
    }

    /// The merchant serial number every call is made for.
    pub fn merchant_serial_number(mut self, msn: impl Into<String>) -> Self {
        self.msn = Some(msn.into());
        self
    }

    /// `Vipps-System-Name` and `Vipps-System-Version`: your system (at most 30 characters each).
    pub fn system(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.system = Some((name.into(), version.into()));
        self
    }

    /// `Vipps-System-Plugin-Name` and `-Version`, if a plugin makes the calls.
    pub fn plugin(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.plugin = Some((name.into(), version.into()));
        self
    }

    /// `Psp-Id`: the payment service provider that makes the calls on the merchant's behalf,
    /// sent on every ePayment call (a header the API's changelog added after 1.8.1).
    pub fn psp_id(mut self, id: impl Into<String>) -> Self {
        self.psp_id = Some(id.into());
        self
    }

    /// The timeout of each attempt (the token fetch included); 20 s unless set. An attempt
    /// never runs past the retry policy's time budget either
    /// ([`RetryPolicy::max_elapsed`]): its timeout shrinks to what is left of it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No per-attempt timeout of this client's own: for callers that put their own deadline
    /// around each call, or whose [`http_client`](Self::http_client) has one. The retry
    /// policy's time budget still bounds every call; `RetryPolicy::default().max_elapsed(Duration::MAX)`
    /// lifts that too.
    pub fn without_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// How long opening a connection may take; 10 s unless set. Applies to the HTTP client
    /// this builder makes, not to one given with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest answer body the client reads, in bytes
    /// ([`DEFAULT_MAX_RESPONSE_BYTES`](Self::DEFAULT_MAX_RESPONSE_BYTES) unless set). A longer
    /// answer fails the call with [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge)
    /// as soon as the limit is passed, without reading the rest.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// How retryable failures are retried; [`RetryPolicy::default`] unless set.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How to wait between retries; tokio's sleep unless set. A test harness plugs in a
    /// sleeper on its simulated clock (see [`AsyncSleep`]).
    pub fn sleeper(mut self, sleeper: impl AsyncSleep + 'static) -> Self {
        self.sleeper = Arc::new(sleeper);
        self
    }

    /// Use this `reqwest::Client` (its connection pool, proxy and TLS settings).
    ///
    /// Its redirect policy and connect timeout are then yours. The client this builder makes
    /// follows no redirect, so that the keys it sends (the client secret and subscription key
    /// to the token endpoint, the subscription key on every call) never reach a host other
    /// than the configured one; build yours with `reqwest::redirect::Policy::none()` to keep
    /// that promise. The response size limit and the time budget apply either way.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// A builder filled from the environment variables in [`env`](mod@env); further calls may change it.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let required = |name: &'static str| {
            lookup(name)
                .filter(|v| !v.is_empty())
                .ok_or(ConfigError::Missing { what: name, hint: "set the environment variable" })
        };
        let environment = match lookup(env::ENVIRONMENT).as_deref() {
            None | Some("") | Some("test") => Environment::Test,
            Some("production") => Environment::Production,
            Some(url) => Environment::Custom(url.to_owned()),
        };
        let mut builder = Self::default()
            .environment(environment)
            .credentials(required(env::CLIENT_ID)?, required(env::CLIENT_SECRET)?, required(env::SUBSCRIPTION_KEY)?)
            .merchant_serial_number(required(env::MERCHANT_SERIAL_NUMBER)?);
        if let Some(name) = lookup(env::SYSTEM_NAME) {
            builder = builder.system(name, required(env::SYSTEM_VERSION)?);
        }
        if let Some(name) = lookup(env::PLUGIN_NAME) {
            builder = builder.plugin(name, required(env::PLUGIN_VERSION)?);
        }
        if let Some(id) = lookup(env::PSP_ID).filter(|id| !id.is_empty()) {
            builder = builder.psp_id(id);
        }
        Ok(builder)
    }

    /// Checks the configuration: what [`ClientBuilder::build`] makes the client of.
    pub(crate) fn into_parts(self) -> Result<Parts, ConfigError> {
        let credentials =
            self.credentials.ok_or(ConfigError::Missing { what: "credentials", hint: "call .credentials(..)" })?;
        if credentials.client_id.trim().is_empty() {
            return Err(InputError::new("client id", "", "must not be empty").into());
        }
        for (field, secret) in
            [("client secret", &credentials.client_secret), ("subscription key", &credentials.subscription_key)]
        {
            use secrecy::ExposeSecret as _;
            if secret.expose_secret().trim().is_empty() {
                return Err(InputError::new(field, "", "must not be empty").into());
            }
            if reqwest::header::HeaderValue::from_str(secret.expose_secret()).is_err() {
                return Err(InputError::new(field, "[REDACTED]", "must be printable ASCII").into());
            }
        }
        let msn = self
            .msn
            .ok_or(ConfigError::Missing { what: "merchant serial number", hint: "call .merchant_serial_number(..)" })?;
        let msn = MerchantSerialNumber::new(msn)?;
        for (fields, pair) in
            [(("system name", "system version"), &self.system), (("plugin name", "plugin version"), &self.plugin)]
        {
            if let Some((name, version)) = pair {
                check_header_text(fields.0, name, 30)?;
                check_header_text(fields.1, version, 30)?;
            }
        }
        if let Some(id) = &self.psp_id {
            check_header_text("PSP id", id, 100)?;
        }
        if self.timeout.is_some_and(|t| t.is_zero()) {
            return Err(InputError::new("timeout", "0s", "must be longer than zero").into());
        }
        if self.connect_timeout.is_zero() {
            return Err(InputError::new("connect timeout", "0s", "must be longer than zero").into());
        }
        if self.max_response_bytes == 0 {
            return Err(InputError::new("max response bytes", "0", "must be more than zero").into());
        }
        let host = self.environment.host().to_owned();
        let url = reqwest::Url::parse(&host).map_err(|e| InputError::new("environment URL", &host, &e.to_string()))?;
        match url.scheme() {
            "http" => {}
            "https" if cfg!(feature = "rustls") || self.http.is_some() => {}
            "https" => return Err(ConfigError::TlsRequired(host)),
            _ => return Err(InputError::new("environment URL", &host, "must start with http:// or https://").into()),
        }
        let http = match self.http {
            Some(client) => client,
            // No redirect is followed: a 3xx would otherwise carry the keys to wherever it
            // points, in clear text on an https-to-http redirect.
            None => reqwest::ClientBuilder::default()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|e| ConfigError::Http(e.to_string()))?,
        };
        Ok(Parts {
            http,
            environment: self.environment,
            credentials,
            msn,
            system: self.system,
            plugin: self.plugin,
            psp_id: self.psp_id,
            timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
            retry: self.retry,
            sleeper: self.sleeper,
        })
    }
}

/// What [`ClientBuilder::build`] makes the client of, once everything is checked.
pub(crate) struct Parts {
    pub(crate) http: reqwest::Client,
    pub(crate) environment: Environment,
    pub(crate) credentials: Credentials,
    pub(crate) msn: MerchantSerialNumber,
    pub(crate) system: Option<(String, String)>,
    pub(crate) plugin: Option<(String, String)>,
    pub(crate) psp_id: Option<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_response_bytes: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) sleeper: Arc<dyn AsyncSleep>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> ClientBuilder {
        ClientBuilder::default().credentials("id", "secret", "key").merchant_serial_number("123456")
    }

    #[test]
    fn a_complete_configuration_builds() {
        let client = complete().environment(Environment::Custom("http://127.0.0.1:1/".into())).build().unwrap();
        assert_eq!(client.environment().host(), "http://127.0.0.1:1");
        assert_eq!(client.environment().epayment_url(), "http://127.0.0.1:1/epayment");
    }

    #[test]
    fn each_invalid_setting_is_a_typed_error() {
        let missing = ClientBuilder::default().merchant_serial_number("123456").build().unwrap_err();
        assert!(matches!(missing, ConfigError::Missing { what: "credentials", .. }), "{missing}");
        let no_msn = ClientBuilder::default().credentials("id", "s", "k").build().unwrap_err();
        assert!(matches!(no_msn, ConfigError::Missing { what: "merchant serial number", .. }), "{no_msn}");
        let cases = [
            complete().merchant_serial_number("12"),
            complete().credentials("", "s", "k"),
            complete().credentials("id", " ", "k"),
            complete().credentials("id", "s", "bad\nkey"),
            complete().system("x".repeat(31), "1"),
            complete().plugin("p", ""),
            complete().psp_id(""),
            complete().psp_id("psp\nid"),
            complete().timeout(Duration::ZERO),
            complete().connect_timeout(Duration::ZERO),
            complete().max_response_bytes(0),
            complete().environment(Environment::Custom("not a url".into())),
            complete().environment(Environment::Custom("ftp://host".into())),
        ];
        for builder in cases {
            let err = builder.clone().build().unwrap_err();
            assert!(matches!(err, ConfigError::Invalid(_)), "{builder:?}: {err}");
        }
    }

    #[test]
    fn errors_and_debug_output_hold_no_secret() {
        let builder =
            ClientBuilder::default().credentials("my-id", "TOPSECRET-1", "SUBKEY-2").merchant_serial_number("1");
        let debug = format!("{builder:?}");
        assert!(debug.contains("my-id") && !debug.contains("TOPSECRET-1") && !debug.contains("SUBKEY-2"), "{debug}");
        let err =
            ClientBuilder::default().credentials("id", "s", "SUB\nKEY-2").merchant_serial_number("123456").build();
        let shown = err.unwrap_err().to_string();
        assert!(!shown.contains("SUB"), "{shown}");
    }

    #[test]
    fn environment_variables_fill_the_builder() {
        let vars = [
            (env::CLIENT_ID, "id"),
            (env::CLIENT_SECRET, "secret"),
            (env::SUBSCRIPTION_KEY, "key"),
            (env::MERCHANT_SERIAL_NUMBER, "123456"),
            (env::ENVIRONMENT, "http://127.0.0.1:9"),
            (env::SYSTEM_NAME, "shop"),
            (env::SYSTEM_VERSION, "1.0"),
        ];
        let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
        let client = ClientBuilder::from_lookup(lookup).unwrap().build().unwrap();
        assert_eq!(client.environment(), &Environment::Custom("http://127.0.0.1:9".into()));
        let missing = ClientBuilder::from_lookup(|name| lookup(name).filter(|_| name != env::CLIENT_SECRET));
        assert!(matches!(missing, Err(ConfigError::Missing { what: env::CLIENT_SECRET, .. })));
        let half = ClientBuilder::from_lookup(|name| lookup(name).filter(|_| name != env::SYSTEM_VERSION));
        assert!(matches!(half, Err(ConfigError::Missing { what: env::SYSTEM_VERSION, .. })));
    }
}
