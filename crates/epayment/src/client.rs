//! The client: its configuration, what every request of it carries, and the generated
//! clients it sends through.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use epayment_api::epayment::{self as api, types};
use epayment_api::{RequestContext, access_token};
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};

use crate::config::{ClientBuilder, ConfigError, Credentials, Environment, Parts};
use crate::deadline::AttemptTimer;
use crate::ids::{MerchantSerialNumber, generated};
use crate::retry::RetryPolicy;
use crate::sleep::AsyncSleep;
use crate::token::TokenCache;

/// A client of the ePayment API for one merchant serial number.
///
/// Cheap to clone (clones share the token, the connection pool and the configuration). Every
/// operation fetches the access token when needed, sends the common headers, and retries
/// retryable failures with the same idempotency key and body; see [`RetryPolicy`].
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// What clones of a client share.
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    environment: Environment,
    pub(crate) epayment_url: String,
    /// What every ePayment request carries besides the token: the system headers, Psp-Id and
    /// the body limit.
    pub(crate) epayment_context: RequestContext,
    /// The access-token API, with the system headers and the body limit.
    pub(crate) access_token: access_token::Client,
    pub(crate) credentials: Credentials,
    pub(crate) msn: MerchantSerialNumber,
    /// The merchant serial number as the generated builders take it, checked once.
    generated_msn: types::Msn,
    pub(crate) timeout: Option<Duration>,
    /// The timer each attempt's timeout runs on, kept from one attempt to the next.
    pub(crate) attempt_timer: AttemptTimer,
    pub(crate) retry: RetryPolicy,
    sleeper: Arc<dyn AsyncSleep>,
    pub(crate) tokens: TokenCache<Session>,
}

/// What the requests of one access token are sent through: the generated ePayment client with
/// the token in its context.
pub(crate) struct Session {
    pub(crate) token: SecretString,
    pub(crate) epayment: api::Client,
}

/// Who a request is made for, as every operation's generated builder takes it.
#[derive(Clone, Copy)]
pub(crate) struct SalesUnit<'a> {
    /// `Merchant-Serial-Number`.
    pub(crate) msn: &'a types::Msn,
    /// `Ocp-Apim-Subscription-Key`.
    pub(crate) subscription_key: &'a str,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("environment", &self.inner.environment)
            .field("merchant_serial_number", &self.inner.msn)
            .field("credentials", &self.inner.credentials)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a configuration; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment variables in [`crate::env`].
    pub fn from_env() -> Result<Client, ConfigError> {
        ClientBuilder::from_env()?.build()
    }

    fn from_parts(parts: Parts) -> Result<Self, ConfigError> {
        let mut context = RequestContext::new().with_body_limit(parts.max_response_bytes);
        let pairs = [
            ("vipps-system-name", "vipps-system-version", parts.system),
            ("vipps-system-plugin-name", "vipps-system-plugin-version", parts.plugin),
        ];
        for (name_header, version_header, pair) in pairs {
            if let Some((name, version)) = pair {
                // Both were checked to be printable ASCII by the builder.
                for (header, value) in [(name_header, name), (version_header, version)] {
                    if let Ok(value) = HeaderValue::from_str(&value) {
                        context = context.with_header(HeaderName::from_static(header), value);
                    }
                }
            }
        }
        let access_token =
            access_token::Client::new_with_client(parts.environment.host(), parts.http.clone(), context.clone());
        // Every ePayment operation takes an optional Psp-Id; the client sends it with each,
        // as it sends the system headers.
        if let Some(psp_id) = parts.psp_id.as_deref().and_then(|id| HeaderValue::from_str(id).ok()) {
            context = context.with_header(HeaderName::from_static("psp-id"), psp_id);
        }
        Ok(Self {
            inner: Arc::new(Inner {
                epayment_url: parts.environment.epayment_url(),
                http: parts.http,
                environment: parts.environment,
                epayment_context: context,
                access_token,
                credentials: parts.credentials,
                generated_msn: generated("merchant serial number", &parts.msn)?,
                msn: parts.msn,
                timeout: parts.timeout,
                attempt_timer: AttemptTimer::default(),
                retry: parts.retry,
                sleeper: parts.sleeper,
                tokens: TokenCache::default(),
            }),
        })
    }

    /// Where requests go.
    pub fn environment(&self) -> &Environment {
        &self.inner.environment
    }

    /// The merchant serial number every call is made for.
    pub fn merchant_serial_number(&self) -> &MerchantSerialNumber {
        &self.inner.msn
    }

    /// What the client waits on between retries and polls.
    pub(crate) fn sleeper(&self) -> &dyn AsyncSleep {
        self.inner.sleeper.as_ref()
    }

    /// The merchant serial number and subscription key, for a generated builder.
    pub(crate) fn sales_unit(&self) -> SalesUnit<'_> {
        SalesUnit {
            msn: &self.inner.generated_msn,
            subscription_key: self.inner.credentials.subscription_key.expose_secret(),
        }
    }

    /// What a server's words must not carry into an error: the client secret, the
    /// subscription key, and the token in use.
    pub(crate) fn secrets<'a>(&'a self, session: Option<&'a Session>) -> Vec<&'a str> {
        let credentials = &self.inner.credentials;
        let mut secrets = vec![credentials.client_secret.expose_secret(), credentials.subscription_key.expose_secret()];
        secrets.extend(session.map(|s| s.token.expose_secret()));
        secrets
    }
}

impl ClientBuilder {
    /// Checks the configuration and builds the client. Nothing is sent yet: the first call
    /// fetches the access token.
    pub fn build(self) -> Result<Client, ConfigError> {
        self.into_parts().and_then(Client::from_parts)
    }
}
