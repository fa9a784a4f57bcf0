//! The client: one access token, the common headers, and the attempt-and-retry loop every
//! operation runs through.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use epayment_api::RequestContext;
use epayment_api::ResponseTooLarge;
use epayment_api::access_token;
use epayment_api::epayment as api;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER};
use secrecy::{ExposeSecret as _, SecretString};
use tracing::{Instrument as _, field};

use crate::config::{ClientBuilder, ConfigError, Credentials, Environment, Parts};
use crate::error::{Error, InputError, Problem, cut};
use crate::ids::{IdempotencyKey, MerchantSerialNumber, Reference};
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::sleep::{AsyncSleep, Stopwatch};
use crate::token::{Token, TokenCache};

/// A client of the ePayment API for one merchant serial number.
///
/// Cheap to clone (clones share the token, the connection pool and the configuration). Every
/// operation fetches the access token when needed, sends the common headers, and retries
/// retryable failures with the same idempotency key and body; see [`RetryPolicy`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    environment: Environment,
    epayment_url: String,
    credentials: Credentials,
    msn: MerchantSerialNumber,
    psp_id: Option<String>,
    system_headers: HeaderMap,
    timeout: Option<Duration>,
    max_response_bytes: usize,
    retry: RetryPolicy,
    sleeper: Arc<dyn AsyncSleep>,
    tokens: TokenCache,
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

/// Why one attempt failed: the API refused the token (worth one retry with a new one), or
/// anything else.
enum Failure {
    Unauthorized(Token, Error),
    Other(Error),
}

/// What an operation tells the loop about itself, for the tracing span.
pub(crate) struct Operation<'a> {
    pub(crate) id: &'static str,
    pub(crate) reference: Option<&'a Reference>,
    pub(crate) idempotency_key: Option<&'a IdempotencyKey>,
    /// The longest the whole call may take, retries included, where that is less than the
    /// retry budget (a read within [`Client::wait_for`]'s deadline).
    pub(crate) within: Option<Duration>,
}

/// What is left of the retry budget (`left`, if it has one) and of `within`, `elapsed` in.
fn left_within(left: Option<Duration>, within: Option<Duration>, elapsed: Duration) -> Option<Duration> {
    let within = within.map(|within| within.saturating_sub(elapsed));
    match (left, within) {
        (Some(left), Some(within)) => Some(left.min(within)),
        (left, within) => left.or(within),
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

    pub(crate) fn from_parts(parts: Parts) -> Self {
        let mut system_headers = HeaderMap::new();
        let pairs = [
            ("vipps-system-name", "vipps-system-version", parts.system),
            ("vipps-system-plugin-name", "vipps-system-plugin-version", parts.plugin),
        ];
        for (name_header, version_header, pair) in pairs {
            if let Some((name, version)) = pair {
                // Both were checked to be printable ASCII by the builder.
                for (header, value) in [(name_header, name), (version_header, version)] {
                    if let Ok(value) = HeaderValue::from_str(&value) {
                        system_headers.insert(HeaderName::from_static(header), value);
                    }
                }
            }
        }
        Self {
            inner: Arc::new(Inner {
                epayment_url: parts.environment.epayment_url(),
                http: parts.http,
                environment: parts.environment,
                credentials: parts.credentials,
                msn: parts.msn,
                psp_id: parts.psp_id,
                system_headers,
                timeout: parts.timeout,
                max_response_bytes: parts.max_response_bytes,
                retry: parts.retry,
                sleeper: parts.sleeper,
                tokens: TokenCache::default(),
            }),
        }
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

    /// `Psp-Id`, if configured.
    pub(crate) fn psp_id(&self) -> Option<&str> {
        self.inner.psp_id.as_deref()
    }

    pub(crate) fn subscription_key(&self) -> &str {
        self.inner.credentials.subscription_key.expose_secret()
    }

    /// A fresh context for one attempt: the system headers, the body limit, and `timeout`.
    fn context(&self, timeout: Option<Duration>) -> RequestContext {
        let mut context = RequestContext::new().with_body_limit(self.inner.max_response_bytes);
        if let Some(timeout) = timeout {
            context = context.with_timeout(timeout);
        }
        for (name, value) in &self.inner.system_headers {
            context = context.with_header(name.clone(), value.clone());
        }
        context
    }

    /// Runs `call` against the generated client until it succeeds, fails for good, or the
    /// retry policy is spent. `call` must send the same request each time: the same
    /// idempotency key and the same body.
    pub(crate) async fn execute<T, E, F, Fut>(&self, operation: Operation<'_>, mut call: F) -> Result<T, Error>
    where
        F: FnMut(api::Client) -> Fut,
        Fut: Future<Output = Result<api::ResponseValue<T>, api::Error<E>>>,
        E: serde::Serialize,
    {
        let span = tracing::info_span!(
            "epayment",
            operation = operation.id,
            reference = field::Empty,
            idempotency_key = field::Empty,
            attempt = field::Empty,
            status = field::Empty,
            trace_id = field::Empty,
        );
        if let Some(reference) = operation.reference {
            span.record("reference", reference.as_str());
        }
        if let Some(key) = operation.idempotency_key {
            span.record("idempotency_key", key.as_str());
        }
        let (id, within) = (operation.id, operation.within);
        async move {
            // The retry budget is a deadline, counted on the sleeper's clock.
            let mut clock = Stopwatch::start(self.sleeper());
            let mut attempt = 0;
            let mut renewed_token = false;
            loop {
                attempt += 1;
                tracing::Span::current().record("attempt", attempt);
                // Each attempt's timeout shrinks to what is left of the budget.
                let left = left_within(self.inner.retry.time_left(clock.elapsed()), within, clock.elapsed());
                let timeout = match (self.inner.timeout, left) {
                    (Some(own), Some(left)) => Some(own.min(left)),
                    (own, left) => own.or(left),
                };
                if timeout.is_some_and(|t| t.is_zero()) {
                    return Err(Error::Timeout { operation: id });
                }
                let error = match self.attempt(id, timeout, &mut call).await {
                    Ok(value) => return Ok(value),
                    Err(Failure::Unauthorized(token, error)) => {
                        self.inner.tokens.invalidate(&token).await;
                        if !renewed_token {
                            // The token may have expired early: fetch a new one and try once more.
                            renewed_token = true;
                            tracing::debug!("the API refused the token; fetching a new one");
                            attempt -= 1;
                            continue;
                        }
                        return Err(Error::Auth {
                            status: Some(401),
                            message: format!("{id} was refused with a freshly fetched token: {error}"),
                        });
                    }
                    Err(Failure::Other(error)) => error,
                };
                if !error.is_retryable() {
                    return Err(error);
                }
                let retry_after = error.problem().and_then(|p| p.retry_after);
                let Some(wait) = self.inner.retry.next_wait(attempt, clock.elapsed(), retry_after) else {
                    return Err(error);
                };
                if within.is_some_and(|within| clock.elapsed().saturating_add(wait) >= within) {
                    return Err(error);
                }
                tracing::warn!(%error, wait_ms = wait.as_millis() as u64, "retrying with the same idempotency key");
                clock.sleep(wait).await;
            }
        }
        .instrument(span)
        .await
    }

    async fn attempt<T, E, F, Fut>(
        &self,
        id: &'static str,
        timeout: Option<Duration>,
        call: &mut F,
    ) -> Result<T, Failure>
    where
        F: FnMut(api::Client) -> Fut,
        Fut: Future<Output = Result<api::ResponseValue<T>, api::Error<E>>>,
        E: serde::Serialize,
    {
        // Waiting for another call's fetch counts against this attempt too: however many
        // calls wait for one token, none outlives its budget.
        let token = match timeout {
            Some(limit) => tokio::time::timeout(limit, self.token(timeout))
                .await
                .map_err(|_| Failure::Other(Error::Timeout { operation: id }))?,
            None => self.token(timeout).await,
        }
        .map_err(Failure::Other)?;
        let bearer = HeaderValue::from_str(&format!("Bearer {}", token.secret().expose_secret())).map_err(|_| {
            Failure::Other(Error::Auth { status: None, message: "the access token is not a valid header value".into() })
        })?;
        let context = self.context(timeout).with_sensitive_header(AUTHORIZATION, bearer);
        let client = api::Client::new_with_client(&self.inner.epayment_url, self.inner.http.clone(), context.clone());
        let span = tracing::Span::current();
        let (outcome, answered) = RequestContext::noting(call(client)).await;
        match outcome {
            Ok(answer) => {
                span.record("status", answer.status().as_u16());
                Ok(answer.into_inner())
            }
            Err(e) => {
                let error = translate(id, e, answered, Body::Show).await.without_secrets(&self.secrets(Some(&token)));
                if let Some(status) = error.status() {
                    span.record("status", status);
                }
                if let Some(trace_id) = error.problem().and_then(|p| p.trace_id.as_deref()) {
                    span.record("trace_id", trace_id);
                }
                if error.status() == Some(401) {
                    Err(Failure::Unauthorized(token, error))
                } else {
                    Err(Failure::Other(error))
                }
            }
        }
    }

    /// What a server's words must not carry into an error: the client secret, the
    /// subscription key, and the token in use.
    fn secrets<'a>(&'a self, token: Option<&'a Token>) -> Vec<&'a str> {
        let mut secrets = vec![self.inner.credentials.client_secret.expose_secret(), self.subscription_key()];
        secrets.extend(token.map(|t| t.secret().expose_secret()));
        secrets
    }

    async fn token(&self, timeout: Option<Duration>) -> Result<Token, Error> {
        self.inner.tokens.get(|| self.fetch_token(timeout)).await
    }

    /// One call to the access-token API, within `timeout`.
    async fn fetch_token(&self, timeout: Option<Duration>) -> Result<(SecretString, Duration), Error> {
        const ID: &str = epayment_api::access_token::operation_ids::FETCH_AUTHORIZATION_TOKEN_USING_POST;
        let context = self.context(timeout);
        let client = access_token::Client::new_with_client(
            self.inner.environment.host(),
            self.inner.http.clone(),
            context.clone(),
        );
        let credentials = &self.inner.credentials;
        let fetch = client
            .fetch_authorization_token_using_post()
            .client_id(credentials.client_id.clone())
            .client_secret(credentials.client_secret.expose_secret().to_owned())
            .ocp_apim_subscription_key(self.subscription_key().to_owned())
            .merchant_serial_number(self.inner.msn.as_str())
            .send();
        let (answer, answered) = RequestContext::noting(fetch).await;
        let body = match answer {
            Ok(answer) => answer.into_inner(),
            Err(e) => {
                return Err(
                    match translate(ID, e, answered, Body::Withhold).await.without_secrets(&self.secrets(None)) {
                        Error::Api(p) if matches!(p.status, 400 | 401 | 403) => Error::Auth {
                            status: Some(p.status),
                            message: format!(
                                "the access-token endpoint refused client id {:?} with its secret and subscription key{}",
                                credentials.client_id,
                                p.detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
                            ),
                        },
                        other => other,
                    },
                );
            }
        };
        let seconds = body.expires_in.trim().parse::<u64>().map_err(|_| Error::Decode {
            operation: ID,
            status: 200,
            message: format!("expires_in is not a number of seconds: {:?}", cut(&body.expires_in, 20)),
            body: WITHHELD.into(),
        })?;
        Ok((SecretString::from(body.access_token), Duration::from_secs(seconds)))
    }
}

const WITHHELD: &str = "(withheld: an access-token answer may hold a token)";

/// Whether an undecodable body may be shown in an error.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    Show,
    Withhold,
}

/// Turns the generated client's error into ours.
async fn translate<E: serde::Serialize>(
    id: &'static str,
    error: api::Error<E>,
    answered: Option<epayment_api::Answer>,
    body: Body,
) -> Error {
    let shown = |bytes: &[u8]| match body {
        Body::Show => cut(&String::from_utf8_lossy(bytes), 512),
        Body::Withhold => WITHHELD.to_owned(),
    };
    let status_of = |answered: &Option<epayment_api::Answer>| answered.as_ref().map_or(0, |a| a.status.as_u16());
    match error {
        api::Error::ResponseBodyError(e) => match ResponseTooLarge::find(&e) {
            Some(too_large) => {
                Error::ResponseTooLarge { operation: id, status: status_of(&answered), limit: too_large.limit }
            }
            None => transport(id, &e),
        },
        api::Error::CommunicationError(e) | api::Error::InvalidUpgrade(e) => transport(id, &e),
        api::Error::ErrorResponse(answer) => {
            let status = answer.status().as_u16();
            let retry_after = retry_after(answer.headers());
            let bytes = serde_json::to_vec(&answer.into_inner()).unwrap_or_default();
            api_error(status, &bytes, retry_after)
        }
        api::Error::InvalidResponsePayload(bytes, e) => match answered {
            Some(answer) if !answer.status.is_success() => {
                api_error(answer.status.as_u16(), &bytes, retry_after(&answer.headers))
            }
            answer => Error::Decode {
                operation: id,
                status: answer.map_or(0, |a| a.status.as_u16()),
                message: e.to_string(),
                body: shown(&bytes),
            },
        },
        api::Error::UnexpectedResponse(response) if response.status().is_redirection() => {
            let location = response.headers().get(LOCATION).map(|v| cut(&String::from_utf8_lossy(v.as_bytes()), 200));
            Error::Redirect { operation: id, status: response.status().as_u16(), location }
        }
        api::Error::UnexpectedResponse(response) => {
            let status = response.status();
            let retry_after = retry_after(response.headers());
            match response.bytes().await {
                Ok(bytes) if status.is_success() => Error::Decode {
                    operation: id,
                    status: status.as_u16(),
                    message: "the document declares no such answer for this operation".into(),
                    body: shown(&bytes),
                },
                Ok(bytes) => api_error(status.as_u16(), &bytes, retry_after),
                Err(e) => match ResponseTooLarge::find(&e) {
                    Some(too_large) => {
                        Error::ResponseTooLarge { operation: id, status: status.as_u16(), limit: too_large.limit }
                    }
                    None => transport(id, &e),
                },
            }
        }
        api::Error::InvalidRequest(message) => Error::InvalidInput(InputError::new("request", "", &message)),
        api::Error::Custom(message) => Error::Transport { operation: id, message },
    }
}

fn api_error(status: u16, body: &[u8], retry_after: Option<Duration>) -> Error {
    let mut problem = Problem::from_body(status, body);
    problem.retry_after = retry_after;
    Error::Api(Box::new(problem))
}

fn transport(id: &'static str, e: &reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout { operation: id }
    } else {
        // The full chain: reqwest's own message is only "error sending request".
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Error::Transport { operation: id, message }
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

impl ClientBuilder {
    /// Checks the configuration and builds the client. Nothing is sent yet: the first call
    /// fetches the access token.
    pub fn build(self) -> Result<Client, ConfigError> {
        self.into_parts().map(Client::from_parts)
    }
}
