//! The access token: fetched once, shared, renewed before expiry and after a 401.

mod common;

use common::*;
use epayment::{Amount, Environment, Error};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn capture_ok(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(adjustment(1)))
        .with_priority(5)
        .mount(server)
        .await;
}

#[tokio::test]
async fn one_token_serves_many_calls() {
    let server = server().await;
    capture_ok(&server).await;
    let client = client(&server);
    for _ in 0..3 {
        client.capture(&reference(), Amount::nok(1)).await.unwrap();
    }
    assert_eq!(requests_to(&server, "/accesstoken/get").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_calls_cause_exactly_one_token_fetch() {
    let server = server().await;
    capture_ok(&server).await;
    let client = client(&server);
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.capture(&reference(), Amount::nok(1)).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(requests_to(&server, CAPTURE_PATH).await.len(), 50);
    assert_eq!(requests_to(&server, "/accesstoken/get").await.len(), 1);
}

/// A token endpoint that hands out `first`, then `second`.
async fn two_tokens(first_lifetime: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accesstoken/get"))
        .respond_with(token_answer("token-one", first_lifetime))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/accesstoken/get"))
        .respond_with(token_answer("token-two", 3600))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_401_drops_the_token_and_tries_once_more_with_a_new_one() {
    let server = two_tokens(3600).await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .and(header("authorization", "Bearer token-one"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    capture_ok(&server).await;
    let done = client(&server).capture(&reference(), Amount::nok(1)).await.unwrap();
    assert_eq!(done.aggregate.captured, Amount::nok(1));
    assert_eq!(requests_to(&server, "/accesstoken/get").await.len(), 2);
    let captures = requests_to(&server, CAPTURE_PATH).await;
    assert_eq!(captures.len(), 2);
    assert_eq!(captures[1].headers["authorization"], "Bearer token-two");
    assert_eq!(captures[0].headers["idempotency-key"], captures[1].headers["idempotency-key"]);
}

#[tokio::test]
async fn a_second_401_is_an_auth_error() {
    let server = two_tokens(3600).await;
    Mock::given(method("POST")).and(path(CAPTURE_PATH)).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let err = client(&server).capture(&reference(), Amount::nok(1)).await.unwrap_err();
    assert!(matches!(err, Error::Auth { status: Some(401), .. }), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(requests_to(&server, "/accesstoken/get").await.len(), 2);
    assert_eq!(requests_to(&server, CAPTURE_PATH).await.len(), 2);
}

#[tokio::test]
async fn a_token_close_to_expiry_is_renewed_before_use() {
    // A token with no lifetime is renewed before its next use.
    let server = two_tokens(0).await;
    capture_ok(&server).await;
    let client = client(&server);
    client.capture(&reference(), Amount::nok(1)).await.unwrap();
    client.capture(&reference(), Amount::nok(1)).await.unwrap();
    let captures = requests_to(&server, CAPTURE_PATH).await;
    assert_eq!(captures[0].headers["authorization"], "Bearer token-one");
    assert_eq!(captures[1].headers["authorization"], "Bearer token-two");
}

#[tokio::test]
async fn refused_keys_are_an_auth_error_naming_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accesstoken/get"))
        .respond_with(ResponseTemplate::new(401).set_body_string("{\"error\":\"invalid_client\"}"))
        .mount(&server)
        .await;
    let err = client(&server).capture(&reference(), Amount::nok(1)).await.unwrap_err();
    assert!(matches!(err, Error::Auth { status: Some(401), .. }), "{err}");
    let shown = format!("{err} {err:?}");
    assert!(shown.contains(CLIENT_ID), "{shown}");
    assert!(!shown.contains(CLIENT_SECRET) && !shown.contains(SUBSCRIPTION_KEY), "{shown}");
    assert_eq!(requests_to(&server, "/accesstoken/get").await.len(), 1, "a refusal is not retried");
    assert!(requests_to(&server, CAPTURE_PATH).await.is_empty());
}

#[tokio::test]
async fn an_undecodable_token_answer_never_shows_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accesstoken/get"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!("{{\"access_token\": \"{TOKEN}\"}}")))
        .mount(&server)
        .await;
    let err = client(&server).capture(&reference(), Amount::nok(1)).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn the_token_endpoint_is_on_the_host_root_and_the_api_under_epayment() {
    let server = server().await;
    capture_ok(&server).await;
    let client = builder(&server).environment(Environment::Custom(format!("{}/", server.uri()))).build().unwrap();
    client.capture(&reference(), Amount::nok(1)).await.unwrap();
    assert_eq!(requests_to(&server, "/accesstoken/get").await.len(), 1);
    assert_eq!(requests_to(&server, CAPTURE_PATH).await.len(), 1);
}
