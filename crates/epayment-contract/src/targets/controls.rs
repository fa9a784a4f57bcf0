//! What a scenario does on its target besides calling the API: act as the customer, and let
//! time pass. The embedded simulator does both at once; a standalone sandbox through its own
//! `/sim/v1` endpoints; a real test environment only approves (force approve) and waits short
//! periods for real. A scenario that needs more is tagged `@sandbox` (skipped on a real
//! environment) or `@sim-only` (skipped on any remote target).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::targets::{Remote, TargetKind};

/// The longest wait a scenario may ask of a real environment's clock: a customer's ten minutes
/// to act fit, a capture deadline does not.
pub const LONGEST_REAL_WAIT: Duration = Duration::from_secs(15 * 60);

/// Whether `remote` is a standalone sandbox: it answers its clock endpoint (which, like an
/// API call, wants the token and the subscription key).
pub async fn probe(remote: &Remote) -> TargetKind {
    let sandbox = SandboxControls::new(remote);
    let read = tokio::time::timeout(Duration::from_secs(10), sandbox.now()).await;
    if matches!(read, Ok(Ok(_))) { TargetKind::Sandbox } else { TargetKind::Environment }
}

/// Whether `remote` can be reached and takes its keys: its token endpoint gives a token. When
/// not, one line saying which (the keys' names, never their values).
pub async fn check_access(remote: &Remote) -> Result<(), String> {
    let url = &remote.url;
    let answer = http()
        .post(format!("{url}/accesstoken/get"))
        .header("client_id", &remote.client_id)
        .header("client_secret", &remote.client_secret)
        .header("Ocp-Apim-Subscription-Key", &remote.subscription_key)
        .header("Merchant-Serial-Number", &remote.msn)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| format!("{url} cannot be reached: {}", reqwest_cause(&e)))?;
    let status = answer.status().as_u16();
    if status == 401 || status == 403 {
        return Err(format!(
            "{url} refuses the credentials: HTTP {status} from /accesstoken/get (check VIPPS_CLIENT_ID, \
             VIPPS_CLIENT_SECRET and VIPPS_SUBSCRIPTION_KEY)"
        ));
    }
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    if (200..300).contains(&status) && body.get("access_token").is_some_and(Value::is_string) {
        return Ok(());
    }
    Err(format!("{url} gave no access token: HTTP {status} from /accesstoken/get (is it the API's host root?)"))
}

/// What went wrong, with its causes (reqwest's own text is only "error sending request").
fn reqwest_cause(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// One client for the controls of every scenario; it follows no redirect (the keys go along).
fn http() -> reqwest::Client {
    static POOL: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("the sandbox controls' HTTP client: {e}"))
    })
    .clone()
}

/// A standalone sandbox's controls, with the merchant's keys (its customer endpoints want
/// them, as an API call does).
#[derive(Clone, Debug)]
pub struct SandboxControls {
    remote: Remote,
}

impl SandboxControls {
    /// The controls of the sandbox at `remote`.
    pub fn new(remote: &Remote) -> Self {
        Self { remote: remote.clone() }
    }

    /// The customer acts on the payment: `approve`, `abort`, `expire` or `refuse-consent`.
    /// A refusal comes back as the API's problem.
    pub async fn customer(&self, msn: &str, reference: &str, action: &str) -> Result<(), epayment::Error> {
        let token = self.token().await?;
        let url = format!("{}/sim/v1/payments/{reference}/{action}", self.remote.url);
        let answer = http()
            .post(url)
            .header("Authorization", format!("Bearer {token}"))
            .header("Ocp-Apim-Subscription-Key", &self.remote.subscription_key)
            .header("Merchant-Serial-Number", msn)
            .send()
            .await
            .map_err(|e| transport(&e))?;
        let status = answer.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(());
        }
        let body = answer.bytes().await.unwrap_or_default();
        Err(epayment::Error::Api(Box::new(epayment::Problem::from_body(status, &body))))
    }

    /// Moves the sandbox's clock (its tenant's, for these keys) forward by `by` (whole
    /// seconds, rounded up).
    pub async fn advance(&self, by: Duration) -> Result<(), String> {
        let seconds = by.as_secs() + u64::from(by.subsec_nanos() > 0);
        let request =
            http().post(format!("{}/sim/v1/clock/advance", self.remote.url)).json(&json!({"seconds": seconds}));
        let answer = self.authorized(request).await?.send().await.map_err(|e| e.to_string())?;
        if answer.status().is_success() {
            Ok(())
        } else {
            Err(format!("the sandbox refused: HTTP {}", answer.status()))
        }
    }

    /// The sandbox's time (its tenant's, for these keys).
    pub async fn now(&self) -> Result<DateTime<Utc>, String> {
        let request = http().get(format!("{}/sim/v1/clock", self.remote.url));
        let answer = self.authorized(request).await?.send().await.map_err(|e| e.to_string())?;
        if !answer.status().is_success() {
            return Err(format!("the sandbox's clock answered HTTP {}", answer.status()));
        }
        let body: Value = answer.json().await.map_err(|e| e.to_string())?;
        let now = body.get("now").and_then(Value::as_str).ok_or("the sandbox's clock answered without `now`")?;
        DateTime::parse_from_rfc3339(now).map(|t| t.to_utc()).map_err(|e| e.to_string())
    }

    /// `request` with the token and the subscription key, as the clock endpoints want them.
    async fn authorized(&self, request: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, String> {
        let token = self.token().await.map_err(|e| e.to_string())?;
        Ok(request
            .header("Authorization", format!("Bearer {token}"))
            .header("Ocp-Apim-Subscription-Key", &self.remote.subscription_key))
    }

    /// A token for the customer and clock endpoints, from the sandbox's own token endpoint.
    async fn token(&self) -> Result<String, epayment::Error> {
        let r = &self.remote;
        let answer = http()
            .post(format!("{}/accesstoken/get", r.url))
            .header("client_id", &r.client_id)
            .header("client_secret", &r.client_secret)
            .header("Ocp-Apim-Subscription-Key", &r.subscription_key)
            .send()
            .await
            .map_err(|e| transport(&e))?;
        let status = answer.status().as_u16();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        body.get("access_token").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| epayment::Error::Auth {
            status: Some(status),
            message: "the sandbox gave no token for the customer's actions".into(),
        })
    }
}

fn transport(e: &reqwest::Error) -> epayment::Error {
    epayment::Error::Transport { operation: "simCustomerAction", source: e.to_string().into() }
}

/// The client's waits on a sandbox: a `Retry-After: 60` moves the sandbox's clock by a minute
/// and costs no real time, as on the embedded simulator. Waits under a second (backoff), and
/// any the sandbox would not take, are waited for real.
#[derive(Clone, Debug)]
pub struct SandboxSleep(pub SandboxControls);

impl epayment::AsyncSleep for SandboxSleep {
    fn sleep(&self, duration: Duration) -> epayment::Sleep {
        let sandbox = self.0.clone();
        Box::pin(async move {
            if duration < Duration::from_secs(1) || sandbox.advance(duration).await.is_err() {
                tokio::time::sleep(duration).await;
            }
        })
    }

    fn is_real_time(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::loopback::{LoopbackServer, respond};

    fn remote(url: String) -> Remote {
        Remote {
            url,
            client_id: "id".into(),
            client_secret: "secret".into(),
            subscription_key: "key".into(),
            msn: "123456".into(),
            test_phone: crate::targets::DEFAULT_TEST_PHONE.into(),
            settings: Box::default(),
        }
    }

    #[tokio::test]
    async fn a_target_is_a_sandbox_when_it_answers_its_clock_and_a_real_environment_otherwise() {
        let sandbox = epayment_sim::Simulator::start().await;
        let c = sandbox.credentials();
        let mut keys = remote(sandbox.uri());
        (keys.client_id, keys.client_secret, keys.subscription_key) =
            (c.client_id, c.client_secret, c.subscription_key);
        assert_eq!(probe(&keys).await, TargetKind::Sandbox);
        let not_found = LoopbackServer::start(|_| async { respond(404, bytes::Bytes::new()) }).await.expect("a server");
        assert_eq!(probe(&remote(not_found.uri())).await, TargetKind::Environment);
        let lying = LoopbackServer::start(|_| async { respond(200, bytes::Bytes::from_static(b"<html>")) })
            .await
            .expect("a server");
        assert_eq!(probe(&remote(lying.uri())).await, TargetKind::Environment, "a 200 that is not the clock");
    }

    #[tokio::test]
    async fn access_is_checked_at_the_token_endpoint_and_a_refusal_names_no_secret() {
        let sandbox = epayment_sim::Simulator::start().await;
        let c = sandbox.credentials();
        let mut keys = remote(sandbox.uri());
        (keys.client_id, keys.client_secret, keys.subscription_key) =
            (c.client_id.clone(), c.client_secret.clone(), c.subscription_key.clone());
        assert_eq!(check_access(&keys).await, Ok(()));
        let mut wrong_keys = remote(sandbox.uri());
        (wrong_keys.client_secret, wrong_keys.subscription_key) = ("s3cr3t-value".into(), "k3y-value".into());
        let wrong = check_access(&wrong_keys).await.expect_err("wrong keys");
        assert!(wrong.contains("refuses the credentials: HTTP 401"), "{wrong}");
        assert!(!wrong.contains("s3cr3t") && !wrong.contains("k3y"), "{wrong}");
        let closed = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a port");
        let url = format!("http://{}", closed.local_addr().expect("its address"));
        drop(closed);
        let unreachable = check_access(&remote(url.clone())).await.expect_err("nothing listens");
        assert!(unreachable.starts_with(&format!("{url} cannot be reached")), "{unreachable}");
        let page = LoopbackServer::start(|_| async { respond(200, bytes::Bytes::from_static(b"<html>")) })
            .await
            .expect("a server");
        assert!(check_access(&remote(page.uri())).await.is_err_and(|e| e.contains("gave no access token")));
    }
}
