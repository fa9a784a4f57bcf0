//! The access token a request carries: fetched from the access-token API (the request built
//! here, in one place), cached, and made into the session its requests are sent through.

use std::sync::Arc;
use std::time::Duration;

use epayment_api::RequestContext;
use epayment_api::access_token::operation_ids::FETCH_AUTHORIZATION_TOKEN_USING_POST;
use epayment_api::epayment as api;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};

use crate::answer::{Body, WITHHELD, translate};
use crate::client::{Client, Session};
use crate::error::{Error, cut};

impl Client {
    /// The session of the current token, with a token fetched first when there is none or it
    /// runs out soon.
    pub(crate) async fn session(&self) -> Result<Arc<Session>, Error> {
        self.inner
            .tokens
            .get(|| {
                // Boxed: a fetch is rare, and inline it would make every call's future larger.
                Box::pin(async {
                    let (token, lifetime) = self.fetch_token().await?;
                    Ok((self.session_for(token)?, lifetime))
                })
            })
            .await
    }

    /// One call to the access-token API: the keys in its headers, the token and its lifetime
    /// in the answer.
    async fn fetch_token(&self) -> Result<(SecretString, Duration), Error> {
        let credentials = &self.inner.credentials;
        let fetch = self
            .inner
            .access_token
            .fetch_authorization_token_using_post()
            .client_id(credentials.client_id.clone())
            .client_secret(credentials.client_secret.expose_secret())
            .ocp_apim_subscription_key(credentials.subscription_key.expose_secret())
            .merchant_serial_number(self.inner.msn.as_str())
            .send();
        let (answer, answered) = RequestContext::noting(fetch).await;
        let body = match answer {
            Ok(answer) => answer.into_inner(),
            Err(e) => {
                let error = translate(FETCH_AUTHORIZATION_TOKEN_USING_POST, e, answered, Body::Withhold).await;
                return Err(match error.without_secrets(&self.secrets(None)) {
                    Error::Api(p) if matches!(p.status, 400 | 401 | 403) => Error::Auth {
                        status: Some(p.status),
                        message: format!(
                            "the access-token endpoint refused client id {:?} with its secret and subscription key{}",
                            credentials.client_id,
                            p.detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
                        ),
                    },
                    other => other,
                });
            }
        };
        let seconds = body.expires_in.trim().parse::<u64>().map_err(|_| Error::Decode {
            operation: FETCH_AUTHORIZATION_TOKEN_USING_POST,
            status: 200,
            message: format!("expires_in is not a number of seconds: {:?}", cut(&body.expires_in, 20)),
            body: WITHHELD.into(),
        })?;
        Ok((SecretString::from(body.access_token), Duration::from_secs(seconds)))
    }

    /// The session of a freshly fetched `token`: the generated client that sends it.
    fn session_for(&self, token: SecretString) -> Result<Session, Error> {
        let bearer = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())).map_err(|_| Error::Auth {
            status: None,
            message: "the access token is not a valid header value".into(),
        })?;
        let context = self.inner.epayment_context.clone().with_sensitive_header(AUTHORIZATION, bearer);
        let epayment = api::Client::new_with_client(&self.inner.epayment_url, self.inner.http.clone(), context);
        Ok(Session { token, epayment })
    }
}
