//! The simulator's one HTTP front, for tests and for the standalone sandbox alike: hyper,
//! HTTP/1.1, keep-alive. It reads each request (refusing a body over the limit with 413
//! before reading it whole), hands it to [`SimulatedApi::answer`], and writes, delays or drops
//! the answer as the outcome says. It keeps nothing of a request: what is kept is the
//! simulator's own decision (payments, replays, the last exchanges up to the record limit).

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::watch;

use crate::api::{Answer, Outcome, SimulatedApi};

/// Accepts connections on `listener` until `stop` turns true.
pub(crate) async fn run(
    listener: tokio::net::TcpListener,
    api: Arc<SimulatedApi>,
    body_limit: usize,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A failed accept (out of file descriptors, say) loses that one connection only.
                Err(_) => continue,
            },
            _ = stop.wait_for(|stopped| *stopped) => return,
        };
        let api = api.clone();
        let mut stopped = stop.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| serve(api.clone(), body_limit, request));
            let connection = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            // A connection that breaks mid-request is the client's business; one still open
            // when the simulator stops is closed after its request in flight.
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = async { drop(stopped.wait_for(|stopped| *stopped).await) } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
}

/// Why a connection is closed without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("injected fault: applied, connection dropped")
    }
}

impl std::error::Error for Dropped {}

async fn serve(
    api: Arc<SimulatedApi>,
    body_limit: usize,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let declared = parts.headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let over_limit = |parts| {
        let request = http::Request::from_parts(parts, Bytes::new());
        Ok(response(api.too_large(&request, body_limit)))
    };
    // fidelity: body-limit-413
    // Refused on its declared length before a byte of it is read, or as soon as what arrives
    // passes the limit (a chunked body declares nothing).
    if declared.is_some_and(|n| n > body_limit as u64) {
        return over_limit(parts);
    }
    let body = match Limited::new(body, body_limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => return over_limit(parts),
        // The client went away mid-body: nothing to answer.
        Err(_) => return Err(Dropped),
    };
    let request = http::Request::from_parts(parts, body);
    match api.answer(&request) {
        Outcome::Respond(answer) => Ok(response(answer)),
        Outcome::RespondAfter(delay, answer) => {
            tokio::time::sleep(delay).await;
            Ok(response(answer))
        }
        Outcome::DropConnection => Err(Dropped),
    }
}

fn response(answer: Answer) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::new()));
    *response.status_mut() =
        http::StatusCode::from_u16(answer.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in &answer.headers {
        if let Ok(value) = http::HeaderValue::from_str(value) {
            headers.insert(*name, value);
        }
    }
    if let Some(content_type) = answer.content_type() {
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    }
    if let Some(body) = answer.body {
        *response.body_mut() = Full::new(body);
    }
    response
}
