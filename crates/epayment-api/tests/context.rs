//! Concurrent calls on one generated client each get the note of their own answer.

use std::sync::Arc;
use std::time::Duration;

use epayment_api::epayment::Client;
use epayment_api::{Answer, RequestContext};
use tokio::sync::Notify;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An answer whose body is not JSON, so that the generated client's error keeps neither its
/// status nor its headers: only the note has them.
fn undecodable(status: u16, retry_after: &str, delay: Duration) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("retry-after", retry_after)
        .set_body_raw("not json", "application/json")
        .set_delay(delay)
}

fn summary((failed, note): (bool, Option<Answer>)) -> (u16, String) {
    assert!(failed, "the body does not decode");
    let note = note.expect("a note of the answer");
    (note.status.as_u16(), note.retry_after.expect("its Retry-After").to_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_on_one_client_each_note_their_own_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/epayment/v1/payments/order-slow-0001"))
        .respond_with(undecodable(503, "30", Duration::from_millis(200)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/epayment/v1/payments/order-fast-0001"))
        .respond_with(undecodable(429, "7", Duration::ZERO))
        .mount(&server)
        .await;
    let url = format!("{}/epayment", server.uri());
    let client = Client::new_with_client(&url, reqwest::Client::new(), RequestContext::new());
    // Each call owns a clone of the client, so that it can run on a task of its own.
    let send = |reference: &'static str| {
        let client = client.clone();
        async move {
            client
                .get_payment()
                .reference(reference)
                .ocp_apim_subscription_key("key")
                .merchant_serial_number("123456")
                .send()
                .await
        }
    };

    // The fast call reads its note only after the slow call's answer was noted: with one note
    // shared by the client (or by the process) it would read the slow call's 503.
    let slow_noted = Arc::new(Notify::new());
    let slow = tokio::spawn({
        let (call, slow_noted) = (send("order-slow-0001"), slow_noted.clone());
        async move {
            let (outcome, note) = RequestContext::noting(call).await;
            slow_noted.notify_one();
            (outcome.is_err(), note)
        }
    });
    let fast = tokio::spawn({
        let call = send("order-fast-0001");
        async move {
            let late = async move {
                let outcome = call.await;
                slow_noted.notified().await;
                outcome
            };
            let (outcome, note) = RequestContext::noting(late).await;
            (outcome.is_err(), note)
        }
    });
    assert_eq!(summary(fast.await.unwrap()), (429, "7".to_owned()));
    assert_eq!(summary(slow.await.unwrap()), (503, "30".to_owned()));

    // Outside `noting` a call works as before; there is just no note.
    assert!(send("order-fast-0001").await.is_err());
}
