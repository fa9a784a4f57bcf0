//! The sandbox that several teams share: tokens that cannot be forged, tenants that cannot
//! reach each other's payments, time or quotas, memory bounded in bytes, webhook destinations
//! that never lead into the host's network, and connections shared out per client.

use std::time::Duration;

mod common;

use common::{Api, MSN, authorized, authorized_as};
use epayment_sim::{Limits, Retention, Simulator, Tenant, TestCredentials, WebhookDestinations};
use serde_json::{Value, json};
use tokio::net::TcpSocket;

const OTHER_MSN: &str = "654321";

fn tenant(name: &str, numbers: &[&str]) -> Tenant {
    Tenant {
        credentials: TestCredentials {
            client_id: format!("{name}-id"),
            client_secret: format!("{name}-secret"),
            subscription_key: format!("{name}-key"),
        },
        merchant_serial_numbers: numbers.iter().map(|n| (*n).to_owned()).collect(),
    }
}

/// A token for `tenant` from the sandbox's token endpoint.
async fn token_of(sim: &Simulator, http: &reqwest::Client, tenant: &Tenant) -> String {
    common::token_for(sim, http, &tenant.credentials).await
}

/// `request` as `tenant` with `token`, for sales unit `msn`.
fn as_tenant(tenant: &Tenant, token: &str, msn: &str, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    request
        .header("Authorization", format!("Bearer {token}"))
        .header("Ocp-Apim-Subscription-Key", &tenant.credentials.subscription_key)
        .header("Merchant-Serial-Number", msn)
}

fn payment(reference: &str) -> Value {
    json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
        "reference": reference, "userFlow": "QR"})
}

#[tokio::test]
async fn no_tag_shorter_than_the_whole_one_passes_over_http() {
    let api = Api::on(Simulator::start().await).await;
    let far_future = i64::from(i32::MAX) * 100;
    let url = format!("{}/v1/payments", api.sim.epayment_url());
    for byte in 0..=255u8 {
        let forged = format!("sim-token-{far_future}-0-forged-{byte:02x}");
        let answer = authorized(&api.sim, &forged, api.http.post(&url))
            .header("Idempotency-Key", format!("forged-{byte}"))
            .json(&payment(&format!("order-forged-{byte}")))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 401, "a one-byte tag {byte:02x}");
    }
}

#[tokio::test]
async fn a_tenant_reaches_only_its_own_payments_time_and_registrations() {
    let (a, b) = (tenant("team-a", &[MSN]), tenant("team-b", &[OTHER_MSN]));
    let sim = Simulator::builder().tenants(vec![a.clone(), b.clone()]).start().await;
    let http = reqwest::Client::new();
    let (token_a, token_b) = (token_of(&sim, &http, &a).await, token_of(&sim, &http, &b).await);
    let payments = format!("{}/v1/payments", sim.epayment_url());
    let create = as_tenant(&a, &token_a, MSN, http.post(&payments)).header("Idempotency-Key", "create-1");
    assert_eq!(create.json(&payment("order-of-a")).send().await.unwrap().status().as_u16(), 201);

    // B with A's number: 403 for every operation, and the words say nothing of A's payment.
    let of_a = format!("{payments}/order-of-a");
    let nowhere = format!("{payments}/order-that-never-was");
    for (method, url) in [
        (reqwest::Method::GET, of_a.clone()),
        (reqwest::Method::GET, nowhere.clone()),
        (reqwest::Method::POST, format!("{of_a}/cancel")),
        (reqwest::Method::POST, format!("{}/sim/v1/payments/order-of-a/abort", sim.uri())),
        (reqwest::Method::GET, format!("{}/webhooks/v1/webhooks", sim.uri())),
    ] {
        let answer = as_tenant(&b, &token_b, MSN, http.request(method.clone(), &url)).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 403, "{method} {url}");
        let body: Value = answer.json().await.unwrap();
        // The same words whether A's payment exists or not.
        assert_eq!(body["detail"], "these credentials are not for this merchant serial number", "{body}");
        assert!(!body.to_string().contains("5090") && !body.to_string().contains("CREATED"), "{body}");
    }
    // A's token is A's: with B's subscription key it is no token at all.
    let mixed = http
        .get(&of_a)
        .header("Authorization", format!("Bearer {token_a}"))
        .header("Ocp-Apim-Subscription-Key", &b.credentials.subscription_key)
        .header("Merchant-Serial-Number", OTHER_MSN);
    assert_eq!(mixed.send().await.unwrap().status().as_u16(), 401);
    let read = as_tenant(&a, &token_a, MSN, http.get(&of_a)).send().await.unwrap();
    assert_eq!(read.json::<Value>().await.unwrap()["state"], "CREATED", "untouched by B");

    // B's clock moves alone: A's payment does not expire, A's token does not.
    let clock = format!("{}/sim/v1/clock", sim.uri());
    let read_clock = |tenant: &Tenant, token: &str| as_tenant(tenant, token, "", http.get(&clock)).send();
    let a_before: Value = read_clock(&a, &token_a).await.unwrap().json().await.unwrap();
    let moved = as_tenant(&b, &token_b, "", http.post(format!("{clock}/advance"))).json(&json!({"days": 3}));
    assert_eq!(moved.send().await.unwrap().status().as_u16(), 200);
    // B's token of an hour has expired on B's clock; A's has not on A's.
    let stale = as_tenant(&b, &token_b, OTHER_MSN, http.get(format!("{payments}/order-of-b"))).send().await.unwrap();
    assert_eq!(stale.status().as_u16(), 401);
    let token_b = token_of(&sim, &http, &b).await;
    let a_after: Value = read_clock(&a, &token_a).await.unwrap().json().await.unwrap();
    let b_after: Value = read_clock(&b, &token_b).await.unwrap().json().await.unwrap();
    assert_eq!(a_before["now"].as_str().map(|t| &t[..13]), a_after["now"].as_str().map(|t| &t[..13]));
    assert_ne!(a_after["now"], b_after["now"], "B's clock is three days on");
    let read = as_tenant(&a, &token_a, MSN, http.get(&of_a)).send().await.unwrap();
    assert_eq!(read.status().as_u16(), 200, "A's token still works");
    assert_eq!(read.json::<Value>().await.unwrap()["state"], "CREATED", "not expired by B's days");

    // Each tenant's own numbers work; registrations are each tenant's own.
    let register = |t: &Tenant, token: &str, msn: &str| {
        as_tenant(t, token, msn, http.post(format!("{}/webhooks/v1/webhooks", sim.uri())))
            .json(&json!({"url": "https://shop.example/hooks", "events": ["epayments.payment.captured.v1"]}))
            .send()
    };
    assert_eq!(register(&b, &token_b, OTHER_MSN).await.unwrap().status().as_u16(), 201);
    assert_eq!(register(&b, &token_b, MSN).await.unwrap().status().as_u16(), 403);
    assert_eq!(sim.webhooks().registrations().len(), 0, "B's registration is not in A's dispatcher");
}

#[tokio::test]
async fn tenants_that_a_request_could_not_tell_apart_are_not_served() {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let refused =
        Simulator::builder().tenants(vec![tenant("same", &[MSN]), tenant("same", &[OTHER_MSN])]).serve(listener);
    assert!(refused.is_err_and(|e| e.to_string().contains("client_id")));
}

#[tokio::test]
async fn the_clock_endpoint_leaves_every_rule_room_to_end_and_the_sandbox_goes_on() {
    // A token that outlives the jump, so that only the clock's own rule is tried.
    let api = Api::on(Simulator::builder().token_lifetime(Duration::MAX).start().await).await;
    let advance = format!("{}/sim/v1/clock/advance", api.sim.uri());
    let move_by = |seconds: i64| {
        authorized(&api.sim, &api.token, api.http.post(&advance)).json(&json!({"seconds": seconds})).send()
    };
    let last = epayment_sim::clock::LATEST - chrono::TimeDelta::days(400);
    let to_a_day_before = (last - chrono::Utc::now()).num_seconds() - 86_400;
    assert_eq!(move_by(to_a_day_before).await.unwrap().status().as_u16(), 200);
    let refused = move_by(2 * 86_400).await.unwrap();
    assert_eq!(refused.status().as_u16(), 400, "less than a year would be left");
    // Time still passes: a minute's rate-limit window can still empty.
    assert_eq!(move_by(61).await.unwrap().status().as_u16(), 200);
    let created = api.send(MSN, reqwest::Method::POST, "/v1/payments", Some("k1"), Some(payment("order-late"))).await;
    assert_eq!(created.status, 201, "{}", created.body);
}

#[tokio::test]
async fn what_a_caller_sends_is_not_what_the_sandbox_keeps() {
    // A sales unit may hold a tenth of either maximum: 1,000 payments and about 200 KiB.
    let retention = Retention { max_payments: Some(10_000), max_bytes: Some(2 << 20), ..Retention::default() };
    let api = Api::on(Simulator::builder().retention(retention).rate_limits(false).start().await).await;
    let large = "m".repeat(200_000);
    let metadata: serde_json::Map<String, Value> = (0..5).map(|n| (format!("k{n}"), json!(large))).collect();
    for n in 0..20 {
        let mut body = payment(&format!("order-large-{n}"));
        body["metadata"] = Value::Object(metadata.clone());
        let created = api.send(MSN, reqwest::Method::POST, "/v1/payments", Some(&format!("k{n}")), Some(body)).await;
        assert_eq!(created.status, 201, "{}", created.body);
        // A capture of a payment that does not exist, with a large field of its own.
        let capture = json!({"modificationAmount": {"currency": "NOK", "value": 100}, "extra": large.repeat(4)});
        let path = format!("/v1/payments/order-missing-{n}/capture");
        let refused = api.send(MSN, reqwest::Method::POST, &path, Some("c1"), Some(capture)).await;
        assert_eq!(refused.status, 404, "{}", refused.body);
    }
    assert_eq!(api.sim.held_payments(), 40, "every one kept: the byte bound is not reached");
    let per_call = api.sim.held_bytes() / 40;
    assert!(per_call < 4 << 10, "{per_call} bytes held per call: the bodies (1 MB each) are not kept");
    // Past the bound in bytes, the oldest go.
    for n in 0..200 {
        let key = format!("small-{n}");
        api.send(MSN, reqwest::Method::POST, "/v1/payments", Some(&key), Some(payment(&format!("order-small-{n}"))))
            .await;
    }
    assert!(api.sim.held_bytes() <= (2 << 20) / 10, "{} bytes held", api.sim.held_bytes());
    assert!(api.sim.payment(MSN, "order-large-0").is_none(), "the least recently active went first");
}

#[tokio::test]
async fn one_sales_units_flood_evicts_its_own_payments_not_anothers() {
    // A sales unit may hold a tenth of the maximum: 10 payments.
    let retention = Retention { max_payments: Some(100), ..Retention::default() };
    let api = Api::on(Simulator::builder().retention(retention).rate_limits(false).start().await).await;
    api.create_authorized_as(OTHER_MSN, "order-of-the-victim").await;
    for n in 0..100 {
        let created = api
            .send(
                MSN,
                reqwest::Method::POST,
                "/v1/payments",
                Some(&format!("f{n}")),
                Some(payment(&format!("order-flood-{n}"))),
            )
            .await;
        assert_eq!(created.status, 201);
    }
    assert!(api.sim.payment(OTHER_MSN, "order-of-the-victim").is_some(), "the victim's payment stays");
    assert_eq!(api.sim.held_payments(), 11, "the victim's one and the flood's last ten");
}

#[tokio::test]
async fn webhooks_never_go_to_link_local_or_metadata_addresses_and_local_ones_only_where_allowed() {
    let register = |api: &Api, url: &str| {
        authorized_as(&api.sim, &api.token, MSN, api.http.post(format!("{}/webhooks/v1/webhooks", api.sim.uri())))
            .json(&json!({"url": url, "events": ["epayments.payment.captured.v1"]}))
            .send()
    };
    // On loopback (one developer's machine): loopback in any spelling, and private ranges.
    let local = Api::on(Simulator::start().await).await;
    for ok in ["http://127.1:9/h", "http://0x7f000001:9/h", "http://2130706433:9/h"] {
        assert_eq!(register(&local, ok).await.unwrap().status().as_u16(), 201, "{ok}");
    }
    for never in ["https://169.254.169.254/latest/meta-data", "https://[fe80::1]/h", "https://[::ffff:a9fe:a9fe]/"] {
        assert_eq!(register(&local, never).await.unwrap().status().as_u16(), 400, "{never}");
    }
    // A shared host: public addresses only.
    let shared =
        Api::on(Simulator::builder().webhook_destinations(WebhookDestinations::PublicOnly).start().await).await;
    for refused in [
        "http://127.0.0.1:9/h",
        "http://127.1:9/h",
        "http://0x7f000001:9/h",
        "http://2130706433:9/h",
        "http://[::1]:9/h",
        "http://localhost:9/h",
        "https://169.254.169.254/",
        "https://10.0.0.1:6379/",
        "https://192.168.1.1:22/",
    ] {
        let answer = register(&shared, refused).await.unwrap();
        assert_eq!(answer.status().as_u16(), 400, "{refused}");
    }
    assert_eq!(register(&shared, "https://shop.example/hooks").await.unwrap().status().as_u16(), 201);
}

#[tokio::test]
async fn a_client_that_holds_every_connection_it_can_leaves_room_for_another() {
    let limits = Limits { max_connections: 4, max_connections_per_client: 2, ..Limits::default() };
    let api = Api::on(Simulator::builder().limits(limits).start().await).await;
    // Another client, from another loopback address, opens ten connections and sends nothing.
    let mut held = Vec::new();
    for _ in 0..10 {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        held.push(socket.connect(api.sim.addr()).await.unwrap());
    }
    // A new connection (the token's is still in `api.http`'s pool, and would be reused).
    let fresh = reqwest::Client::new();
    let read = authorized(&api.sim, &api.token, fresh.get(format!("{}/sim/v1/clock", api.sim.uri()))).send();
    let served = tokio::time::timeout(Duration::from_secs(10), read).await.expect("served while the other holds on");
    assert_eq!(served.unwrap().status().as_u16(), 200);
    drop(held);
}

#[tokio::test]
async fn a_tenants_token_needs_its_secret_not_only_the_seed() {
    // Anyone can start a sandbox with the same (public) seed and the built-in keys; its token
    // must not open a shared sandbox's tenant, nor a token of a tenant with another secret.
    let open = Simulator::start().await;
    let http = reqwest::Client::new();
    let open_token = common::token(&open, &http).await;
    let a = tenant("team-a", &[MSN]);
    let shared = Simulator::builder().tenants(vec![a.clone()]).start().await;
    let mut guessed = a.clone();
    guessed.credentials.client_secret = "a-guess".into();
    let lookalike = Simulator::builder().tenants(vec![guessed.clone()]).start().await;
    let lookalike_token = token_of(&lookalike, &http, &guessed).await;
    let url = format!("{}/v1/payments/order-that-is-missing", shared.epayment_url());
    for token in [&open_token, &lookalike_token] {
        let answer = as_tenant(&a, token, MSN, http.get(&url)).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 401, "a token signed without team-a's secret");
    }
    let own = token_of(&shared, &http, &a).await;
    assert_eq!(as_tenant(&a, &own, MSN, http.get(&url)).send().await.unwrap().status().as_u16(), 404);
}
