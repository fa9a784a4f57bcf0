//! A client that sends garbage, holds connections, or tries another merchant's data: the
//! simulator refuses it, keeps serving everyone else, and holds no more than it chooses to.

use std::time::Duration;

mod common;

use common::{Api, MSN, authorized, authorized_as};
use epayment_sim::{Limits, Retention, Scope, Simulator};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const OTHER_MSN: &str = "654321";
const CAPTURED: &str = "epayments.payment.captured.v1";

#[tokio::test]
async fn a_clock_advance_past_the_end_of_time_is_400_and_the_sandbox_keeps_serving() {
    let api = Api::on(Simulator::start().await).await;
    let http = reqwest::Client::new();
    let advance = format!("{}/sim/v1/clock/advance", api.sim.uri());
    for body in [json!({"days": 100_000_000}), json!({"seconds": u64::MAX}), json!({"days": u64::MAX / 86_400})] {
        let refused = authorized(&api.sim, &api.token, http.post(&advance)).json(&body).send().await.unwrap();
        assert_eq!(refused.status().as_u16(), 400, "{body}");
        let problem: Value = refused.json().await.unwrap();
        let problem = problem.to_string();
        assert!(problem.contains("cannot move past") && problem.contains("9999-12-31"), "{problem}");
    }
    let clock = authorized(&api.sim, &api.token, http.get(format!("{}/sim/v1/clock", api.sim.uri())));
    let now: Value = clock.send().await.unwrap().json().await.unwrap();
    assert!(now["now"].as_str().unwrap().starts_with("20"), "{now}");
    let body = json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
        "reference": "order-after-the-end", "userFlow": "QR"});
    let created = api.send(MSN, reqwest::Method::POST, "/v1/payments", Some("k1"), Some(body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
}

/// Registers `url` for captured events as sales unit `msn` through the Webhooks API.
async fn register(api: &Api, msn: &str, url: &str) -> (u16, Value) {
    let request =
        authorized_as(&api.sim, &api.token, msn, api.http.post(format!("{}/webhooks/v1/webhooks", api.sim.uri())));
    let answer = request.json(&json!({"url": url, "events": [CAPTURED]})).send().await.unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_webhooks_api_shows_and_deletes_a_merchants_own_registrations_alone() {
    let api = Api::on(Simulator::start().await).await;
    let (status, mine) = register(&api, MSN, "https://shop.example/mine").await;
    assert_eq!(status, 201);
    let (status, theirs) = register(&api, OTHER_MSN, "https://other.example/theirs").await;
    assert_eq!(status, 201);
    let list = |msn: &'static str| {
        let request =
            authorized_as(&api.sim, &api.token, msn, api.http.get(format!("{}/webhooks/v1/webhooks", api.sim.uri())));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let seen = list(MSN).await;
    assert_eq!(seen["webhooks"].as_array().unwrap().len(), 1, "{seen}");
    assert_eq!(seen["webhooks"][0]["id"], mine["id"]);
    // Deleting another merchant's registration is 404, as if it did not exist.
    let other_id = theirs["id"].as_str().unwrap();
    let delete = authorized_as(
        &api.sim,
        &api.token,
        MSN,
        api.http.delete(format!("{}/webhooks/v1/webhooks/{other_id}", api.sim.uri())),
    );
    assert_eq!(delete.send().await.unwrap().status().as_u16(), 404);
    assert_eq!(list(OTHER_MSN).await["webhooks"].as_array().unwrap().len(), 1, "still there");

    // No subscription key: 401. No merchant serial number: 400. An unknown event: 400.
    let url = format!("{}/webhooks/v1/webhooks", api.sim.uri());
    let body = json!({"url": "https://shop.example/h", "events": [CAPTURED]});
    let no_key = api
        .http
        .post(&url)
        .header("Authorization", format!("Bearer {}", api.token))
        .header("Merchant-Serial-Number", MSN);
    assert_eq!(no_key.json(&body).send().await.unwrap().status().as_u16(), 401);
    let no_msn = api
        .http
        .post(&url)
        .header("Authorization", format!("Bearer {}", api.token))
        .header("Ocp-Apim-Subscription-Key", api.sim.credentials().subscription_key);
    assert_eq!(no_msn.json(&body).send().await.unwrap().status().as_u16(), 400);
    let unknown = authorized_as(&api.sim, &api.token, MSN, api.http.post(&url));
    let unknown = unknown.json(&json!({"url": "https://shop.example/h", "events": ["epayments.payment.disputed.v1"]}));
    assert_eq!(unknown.send().await.unwrap().status().as_u16(), 400);
    assert_eq!(api.sim.webhooks().registrations().len(), 2, "nothing refused was registered");
}

#[tokio::test]
async fn a_delivery_that_is_redirected_fails_and_the_signed_body_goes_nowhere_else() {
    let elsewhere = common::receiver().await;
    let redirecting = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", format!("{}/stolen", elsewhere.uri()).as_str()),
        )
        .mount(&redirecting)
        .await;
    let sim = Simulator::builder().rate_limits(false).webhook_retries(2, Duration::from_millis(5)).start().await;
    let api = Api::on(sim).await;
    let (status, _) = register(&api, MSN, &format!("{}/hooks", redirecting.uri())).await;
    assert_eq!(status, 201);
    api.create_authorized("order-redirect-1").await;
    api.capture_as(MSN, "order-redirect-1", "c1", 100).await;
    let deliveries = api.sim.webhooks().wait_for(1).await;
    assert_eq!((deliveries[0].status, deliveries[0].delivered, deliveries[0].attempts), (Some(307), false, 2));
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "the signed body followed the redirect");
}

#[tokio::test]
async fn a_receiver_that_hangs_does_not_delay_another_merchants_webhooks() {
    let hanging = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .mount(&hanging)
        .await;
    let prompt = common::receiver().await;
    let api = Api::on(Simulator::builder().rate_limits(false).start().await).await;
    assert_eq!(register(&api, OTHER_MSN, &format!("{}/hangs", hanging.uri())).await.0, 201);
    assert_eq!(register(&api, MSN, &format!("{}/prompt", prompt.uri())).await.0, 201);
    // Three captures for the merchant whose receiver hangs, then one for the other.
    api.create_authorized_as(OTHER_MSN, "order-hangs-1").await;
    for key in ["h1", "h2", "h3"] {
        api.capture_as(OTHER_MSN, "order-hangs-1", key, 10).await;
    }
    api.create_authorized("order-prompt-1").await;
    api.capture_as(MSN, "order-prompt-1", "p1", 10).await;
    let delivered = tokio::time::timeout(Duration::from_secs(1), api.sim.webhooks().wait_for(1)).await;
    let delivered = delivered.expect("the other merchant's webhook waited for the hanging receiver");
    assert_eq!(delivered.len(), 1);
    assert_eq!(prompt.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn large_bodies_sent_without_a_token_or_to_nowhere_are_not_kept() {
    let api = Api::on(Simulator::start().await).await;
    let big = vec![b'x'; 512 << 10];
    for n in 0..40 {
        let nowhere = api.http.post(format!("{}/nothing/here/{n}", api.sim.uri())).body(big.clone());
        assert_eq!(nowhere.send().await.unwrap().status().as_u16(), 404);
        let capture = format!("{}/v1/payments/order-1234-abcd/capture", api.sim.epayment_url());
        let no_token = api.http.post(capture).header("Merchant-Serial-Number", MSN).body(big.clone());
        assert_eq!(no_token.send().await.unwrap().status().as_u16(), 401);
    }
    assert_eq!(api.sim.exchanges().len(), 81, "every exchange is logged (with the token's)");
    assert!(api.sim.logged_bytes() < 256 << 10, "{} bytes kept of 40 MiB sent", api.sim.logged_bytes());
    let last = api.sim.exchanges().pop().unwrap();
    assert_eq!(last.request.body, Some(Value::String(format!("[{} bytes, not kept]", 512 << 10))));
}

/// Opens a connection and sends the start of a request, one byte, then nothing more.
async fn slow_sender(sim: &Simulator) -> TcpStream {
    let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
    stream.write_all(b"G").await.unwrap();
    stream
}

/// Reads until the server closes the connection; how long that took.
async fn until_closed(mut stream: TcpStream) -> Duration {
    let start = std::time::Instant::now();
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => panic!("the connection was still open after 10 s"),
        }
    }
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed_and_never_crowd_out_a_request() {
    let limits = Limits { header_timeout: Duration::from_millis(300), max_connections: 4, ..Limits::default() };
    let api = Api::on(Simulator::builder().limits(limits).start().await).await;
    // As many slow senders as the simulator takes connections: the next request waits for one
    // of them to be closed, then is served.
    let mut slow = Vec::new();
    for _ in 0..4 {
        slow.push(slow_sender(&api.sim).await);
    }
    let served = authorized(&api.sim, &api.token, api.http.get(format!("{}/sim/v1/clock", api.sim.uri()))).send();
    let served = tokio::time::timeout(Duration::from_secs(10), served).await.expect("served once a slot freed");
    assert_eq!(served.unwrap().status().as_u16(), 200);
    for stream in slow {
        assert!(until_closed(stream).await < Duration::from_secs(10));
    }
    // An idle keep-alive connection is closed too.
    let mut idle = TcpStream::connect(api.sim.addr()).await.unwrap();
    idle.write_all(b"GET /sim/v1/clock HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
    until_closed(idle).await;
}

/// Pipelines requests on a connection with a small receive window and reads no answer, until
/// the server closes it.
async fn reads_nothing(sim: std::net::SocketAddr) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    let mut stream = socket.connect(sim).await.unwrap();
    let requests = "GET /sim/v1/clock HTTP/1.1\r\nhost: x\r\n\r\n".repeat(1_000);
    while stream.write_all(requests.as_bytes()).await.is_ok() {}
}

#[tokio::test]
async fn a_client_that_reads_no_answer_is_closed_and_never_crowds_out_a_request() {
    let limits = Limits { write_timeout: Duration::from_millis(300), max_connections: 2, ..Limits::default() };
    let sim = Simulator::builder().limits(limits).start().await;
    let hogs: Vec<_> = (0..2).map(|_| tokio::spawn(reads_nothing(sim.addr()))).collect();
    while sim.open_connections() < 2 {
        tokio::task::yield_now().await;
    }
    // Both places are taken by clients that read nothing: the request waits for one to be
    // closed, then is served.
    let served = reqwest::Client::new().get(format!("{}/sim/v1/clock", sim.uri())).send();
    let served = tokio::time::timeout(Duration::from_secs(10), served).await.expect("served once a place freed");
    assert_eq!(served.unwrap().status().as_u16(), 401, "answered (without a token, a clock read is 401)");
    for hog in hogs {
        tokio::time::timeout(Duration::from_secs(10), hog).await.expect("its connection was closed").unwrap();
    }
}

#[tokio::test]
async fn a_shutdown_finishes_the_answers_in_flight() {
    let api = Api::on(Simulator::start().await).await;
    api.sim.inject(epayment_sim::Endpoint::ReadClock, epayment_sim::Fault::Delay(Duration::from_millis(300)), 1);
    let in_flight =
        tokio::spawn(authorized(&api.sim, &api.token, api.http.get(format!("{}/sim/v1/clock", api.sim.uri()))).send());
    // The request is in flight once the fault has been taken.
    while api.sim.pending_faults(epayment_sim::Endpoint::ReadClock) > 0 {
        tokio::task::yield_now().await;
    }
    let Api { sim, .. } = api;
    assert!(sim.shutdown(Duration::from_secs(5)).await, "every connection finished");
    let answer = in_flight.await.unwrap().expect("the answer in flight arrived");
    assert_eq!(answer.status().as_u16(), 200);
}

#[tokio::test]
async fn a_retention_setting_forgets_the_least_recently_active_payments() {
    let sim = Simulator::builder()
        .retention(Retention {
            after_inactivity: Some(Duration::from_secs(3_600)),
            max_payments: Some(3),
            max_bytes: None,
        })
        .start_at(chrono::DateTime::from_timestamp(1_767_268_800, 0).unwrap())
        .token_lifetime(Duration::from_secs(86_400))
        .start()
        .await;
    let api = Api::on(sim).await;
    for n in 1..=5 {
        api.create_authorized(&format!("order-kept-{n}")).await;
    }
    // The next call catches up: past three, the least recently active went first.
    api.create_authorized("order-kept-6").await;
    assert_eq!(api.sim.held_payments(), 3);
    assert!(api.sim.payment(MSN, "order-kept-1").is_none() && api.sim.payment(MSN, "order-kept-3").is_none());
    assert!(api.sim.payment(MSN, "order-kept-6").is_some());
    let gone = api.send(MSN, reqwest::Method::GET, "/v1/payments/order-kept-1", None, None).await;
    assert_eq!((gone.status, gone.code()), (404, Some("5090")));
    // An hour without activity on the clock: all of them.
    api.sim.advance_clock(Duration::from_secs(3_601)).unwrap();
    assert_eq!(api.sim.held_payments(), 0);
    assert!(api.sim.payment(MSN, "order-kept-6").is_none());
    // Nothing is forgotten by default.
    let keep_all = Api::on(Simulator::start().await).await;
    keep_all.create_authorized("order-kept-1").await;
    keep_all.sim.advance_clock(Duration::from_secs(400 * 86_400)).unwrap();
    assert!(keep_all.sim.payment(MSN, "order-kept-1").is_some());
}

#[tokio::test]
async fn a_registration_is_the_merchants_and_a_harness_may_hear_every_unit() {
    let receiver = common::receiver().await;
    let api = Api::on(Simulator::builder().rate_limits(false).start().await).await;
    api.sim.webhooks().register(Scope::Every, &format!("{}/all", receiver.uri()), vec![CAPTURED.into()]).unwrap();
    // The harness's registration is nobody's through the Webhooks API.
    let list =
        authorized_as(&api.sim, &api.token, MSN, api.http.get(format!("{}/webhooks/v1/webhooks", api.sim.uri())));
    assert_eq!(list.send().await.unwrap().json::<Value>().await.unwrap()["webhooks"], json!([]));
    api.create_authorized_as(OTHER_MSN, "order-every-1").await;
    api.capture_as(OTHER_MSN, "order-every-1", "c1", 10).await;
    assert_eq!(api.sim.webhooks().wait_for(1).await[0].event_type, CAPTURED);
}
