//! The standalone sandbox: serves any HTTP client, prints its URL and keys, stops cleanly on
//! Ctrl-C (SIGINT) and on SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

#[tokio::test]
async fn serves_a_curl_like_session_and_stops_cleanly_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_epayment-sim"))
        .args(["--port", "0", "--seed", "7", "--full-capture-only", "123456"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("a first line");
    let base = first.trim().strip_prefix("epayment-sim listening on ").expect("the URL line").to_owned();
    let mut banner = String::new();
    while !banner.contains("Ctrl-C") {
        if stdout.read_line(&mut banner).expect("the banner") == 0 {
            break;
        }
    }
    assert!(banner.contains("sim-client-secret") && banner.contains("Ctrl-C"), "{banner}");
    assert!(banner.contains("full capture only          123456"), "{banner}");

    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{base}/accesstoken/get"))
        .header("client_id", "sim-client-id")
        .header("client_secret", "sim-client-secret")
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let call = |method: reqwest::Method, path: &str, key: Option<&str>, body: Option<Value>| {
        let mut r = http
            .request(method, format!("{base}/epayment{path}"))
            .header("Authorization", &bearer)
            .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
            .header("Merchant-Serial-Number", "123456");
        if let Some(key) = key {
            r = r.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            r = r.json(&body);
        }
        r.send()
    };
    let created = call(
        reqwest::Method::POST,
        "/v1/payments",
        Some("k1"),
        Some(json!({"amount": {"currency": "NOK", "value": 1000},
        "paymentMethod": {"type": "WALLET"}, "reference": "order-1234-abcd", "userFlow": "QR"})),
    )
    .await
    .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let approved = call(
        reqwest::Method::POST,
        "/v1/test/payments/order-1234-abcd/approve",
        None,
        Some(json!({"customer": {"phoneNumber": "4712345678"}})),
    )
    .await
    .unwrap();
    assert_eq!(approved.status().as_u16(), 200);
    // The sales unit was started full-capture-only: a part is refused, the whole is taken.
    let capture = |key: &'static str, value: i64| {
        call(
            reqwest::Method::POST,
            "/v1/payments/order-1234-abcd/capture",
            Some(key),
            Some(json!({"modificationAmount": {"currency": "NOK", "value": value}})),
        )
    };
    let part: Value = capture("k2", 250).await.unwrap().json().await.unwrap();
    assert_eq!(part["status"], 400, "{part}");
    assert_eq!(part["extraDetails"][0]["reason"], "6140", "{part}");
    assert_eq!(capture("k3", 1000).await.unwrap().status().as_u16(), 200);
    let payment: Value =
        call(reqwest::Method::GET, "/v1/payments/order-1234-abcd", None, None).await.unwrap().json().await.unwrap();
    assert_eq!(payment["aggregate"]["capturedAmount"]["value"], 1000);
    assert_eq!(payment["state"], "AUTHORIZED");

    let stopped = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(stopped.success());
    let status = child.wait().expect("the sandbox exits");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("the rest of stdout");
    assert!(status.success(), "exit status {status:?}");
    assert!(rest.contains("SIGINT: stopping") && rest.contains("stopped"), "{rest}");
}

#[test]
fn stops_cleanly_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_epayment-sim"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    // At the banner's first line, as a supervisor that waits for the address would: the
    // handler must be in place before anything is printed (it once came after the banner, and
    // a SIGTERM sent in between ended the process with 143 and no word).
    let mut banner = String::new();
    stdout.read_line(&mut banner).expect("the banner");
    assert!(banner.starts_with("epayment-sim listening on"), "{banner}");
    let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill runs");
    assert!(sent.success());
    let status = child.wait().expect("the sandbox exits");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("the rest of stdout");
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(rest.contains("SIGTERM: stopping") && rest.contains("stopped"), "{rest}");
}

#[test]
fn a_port_in_use_is_a_one_line_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_epayment-sim")).args(["--port", &port]).output().expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: cannot listen on 127.0.0.1:") && stderr.lines().count() == 1, "{stderr}");
}

#[test]
fn a_sales_unit_setting_needs_a_merchant_serial_number() {
    let out = Command::new(env!("CARGO_BIN_EXE_epayment-sim")).args(["--late-capture", "12"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("'12' for '--late-capture <MSN>': not a merchant serial number: shorter than 4 characters"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_merchants_file_serves_its_tenants_and_names_no_key_and_a_bad_one_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("merchants.toml");
    std::fs::write(
        &file,
        "[[merchant]]\nclient_id = \"team-a\"\nclient_secret = \"secret-of-team-a\"\nsubscription_key = \"key-of-team-a\"\nmerchant_serial_numbers = [\"123456\"]\n\n[[merchant]]\nclient_id = \"team-b\"\nclient_secret = \"secret-of-team-b\"\nsubscription_key = \"key-of-team-b\"\nmerchant_serial_numbers = [\"654321\"]\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_epayment-sim"))
        .args(["--port", "0", "--merchants"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = String::new();
    while !banner.contains("Ctrl-C") {
        if stdout.read_line(&mut banner).expect("the banner") == 0 {
            break;
        }
    }
    let base = banner.lines().next().and_then(|l| l.strip_prefix("epayment-sim listening on ")).unwrap().to_owned();
    assert!(banner.contains("team-a") && banner.contains("654321"), "{banner}");
    for secret in ["secret-of-team", "key-of-team", "sim-client-secret"] {
        assert!(!banner.contains(secret), "the banner shows {secret}: {banner}");
    }
    let http = reqwest::Client::new();
    let token = |id: &'static str, secret: &'static str, key: &'static str| {
        http.post(format!("{base}/accesstoken/get"))
            .header("client_id", id)
            .header("client_secret", secret)
            .header("Ocp-Apim-Subscription-Key", key)
            .send()
    };
    assert_eq!(token("team-b", "secret-of-team-b", "key-of-team-b").await.unwrap().status().as_u16(), 200);
    let builtin = token("sim-client-id", "sim-client-secret", "sim-subscription-key").await.unwrap();
    assert_eq!(builtin.status().as_u16(), 401, "the built-in keys are not served beside tenants");
    child.kill().unwrap();
    child.wait().unwrap();

    std::fs::write(&file, "[[merchant]]\nclient_id = \"x\"\nclient_secret = \"leaked-if-shown\"\n").unwrap();
    let refused = Command::new(env!("CARGO_BIN_EXE_epayment-sim"))
        .args(["--port", "0", "--merchants"])
        .arg(&file)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("merchants") && !stderr.contains("leaked-if-shown"), "{stderr}");
}
