//! Whatever status, headers and body a server sends, no call panics, none hangs past its
//! budget, and no error text holds a key.

mod common;

use std::time::Duration;

use common::*;
use epayment::{Amount, RetryPolicy};
use proptest::prelude::*;

/// Header values a hostile server might send: numbers of any size, dates, text, nothing.
fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        Just("18446744073709551616999".to_owned()),
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_owned()),
        Just("Thu, 01 Jan 1970 00:00:00 GMT".to_owned()),
        "[ -~]{0,40}",
        Just("http://127.0.0.1:1/elsewhere".to_owned()),
        Just(String::new()),
    ]
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("retry-after".to_owned()),
        Just("content-type".to_owned()),
        Just("content-length".to_owned()),
        Just("location".to_owned()),
        Just("transfer-encoding".to_owned()),
        "[a-z-]{1,12}",
    ]
}

/// Bodies: raw bytes, or JSON shaped like the answers the client expects, with wrong parts.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let json_value = prop_oneof![
        Just("null".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("1e999".to_owned()),
        "\"[ -~]{0,20}\"",
        Just("\"AUTHORIZED\"".to_owned()),
        Just(r#"{"currency":"NOK","value":250}"#.to_owned()),
        Just("[]".to_owned()),
    ];
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        (json_value.clone(), json_value.clone(), json_value).prop_map(|(a, b, c)| {
            format!(
                r#"{{"amount":{a},"state":{b},"aggregate":{{"authorizedAmount":{c},"capturedAmount":{a}}},"pspReference":{b},"reference":"order-1234-abcd","extraDetails":[{{"name":"ErrorCode","reason":{c}}}],"expires_in":{a},"access_token":{b}}}"#
            )
            .into_bytes()
        }),
    ]
}

/// A whole answer: a status line (a real status of any value, or garbage), headers, a body.
fn answer() -> impl Strategy<Value = Vec<u8>> {
    // The statuses the client treats differently, most often; any other now and then.
    let interesting =
        prop::sample::select(vec![200u16, 201, 204, 301, 302, 307, 400, 401, 404, 409, 423, 429, 500, 503]);
    let status_line = prop_oneof![
        4 => interesting.prop_map(|s| format!("HTTP/1.1 {s} X\r\n")),
        2 => (100u16..=999).prop_map(|s| format!("HTTP/1.1 {s} X\r\n")),
        1 => "[ -~]{0,30}\r\n",
    ];
    let headers = prop::collection::vec((header_name(), header_value()), 0..4);
    // Half the answers say how long to wait: that value decides what the retry loop does.
    let retry_after = prop::option::of(header_value());
    (status_line, headers, retry_after, body(), any::<bool>()).prop_map(
        |(line, mut headers, retry_after, body, declare_length)| {
            headers.extend(retry_after.map(|value| ("retry-after".to_owned(), value)));
            let mut out = line.into_bytes();
            for (name, value) in headers {
                out.extend(format!("{name}: {value}\r\n").into_bytes());
            }
            if declare_length {
                out.extend(format!("content-length: {}\r\n", body.len()).into_bytes());
            }
            out.extend(b"\r\n");
            out.extend(body);
            out
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_answer_makes_a_call_panic_hang_or_leak(
        token in prop_oneof![header_value().prop_map(|lifetime| raw_token("t", &lifetime)), answer()],
        others in prop::collection::vec(answer(), 1..4),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let uri = raw_server(in_turn(vec![token]), in_turn(others)).await;
            let client = epayment::Client::builder()
                .environment(epayment::Environment::Custom(uri))
                .credentials(CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION_KEY)
                .merchant_serial_number(MSN)
                .timeout(Duration::from_secs(2))
                .retry(RetryPolicy::default().max_attempts(3))
                .sleeper(SimulatedSleep::default())
                .build()
                .unwrap();
            let calls = async {
                let capture = client.capture(&reference(), Amount::nok(250)).await.err();
                let payment = client.payment(&reference()).await.err();
                let events = client.events(&reference()).await.err();
                [capture, payment, events]
            };
            let errors = tokio::time::timeout(Duration::from_secs(20), calls).await.expect("a call hung past its budget");
            for error in errors.into_iter().flatten() {
                let shown = every_text(&error);
                assert!(!shown.contains(CLIENT_SECRET) && !shown.contains(SUBSCRIPTION_KEY), "{shown}");
            }
        });
    }
}
