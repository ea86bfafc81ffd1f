//! Behind a proxy every connection comes from the proxy. The proxies named in
//! `KIESDAG_TRUSTED_PROXIES` are believed about the caller (`X-Forwarded-For`), so a
//! per-address limit stops the one guessing codes, not everyone behind the proxy, and
//! `/metrics` is not open to whoever the proxy lets through. Nobody else's header is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use support::{fresh_database, start_server_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `method path` with `headers` (each ending in CRLF) and a JSON body: the status.
async fn send(
    server: &support::Server,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> u16 {
    let address = support::Address::address(server);
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let response = String::from_utf8_lossy(&bytes).into_owned();
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn from(address: &str) -> String {
    format!("X-Forwarded-For: {address}\r\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_caller_is_who_the_proxy_says() {
    let (database, dir) = fresh_database();
    let server = start_server_with(
        &database,
        dir,
        "127.0.0.1:0",
        &[("KIESDAG_TRUSTED_PROXIES", "127.0.0.1")],
    );
    // /metrics: the proxy's own request is local; a caller it forwards is not.
    assert_eq!(send(&server, "GET", "/metrics", "", "").await, 200);
    assert_eq!(
        send(&server, "GET", "/metrics", &from("203.0.113.5"), "").await,
        403
    );
    // One address guessing convocation codes is stopped; another behind the same
    // proxy is not.
    let wrong = json!({ "code": "WRONG-CODE-0000" }).to_string();
    let mut statuses = Vec::new();
    for _ in 0..31 {
        statuses.push(
            send(
                &server,
                "POST",
                "/api/convocation",
                &from("203.0.113.5"),
                &wrong,
            )
            .await,
        );
    }
    assert_eq!(statuses[0], 401, "a wrong code: {statuses:?}");
    assert_eq!(
        *statuses.last().unwrap(),
        429,
        "the guesser is stopped: {statuses:?}"
    );
    assert_eq!(
        send(
            &server,
            "POST",
            "/api/convocation",
            &from("198.51.100.7"),
            &wrong
        )
        .await,
        401,
        "another caller behind the proxy is still answered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_trusted_proxies_nobody_passes_for_another() {
    let (database, dir) = fresh_database();
    let server = start_server_with(&database, dir, "127.0.0.1:0", &[]);
    // The header is not read: this local caller stays local whatever it claims.
    assert_eq!(
        send(&server, "GET", "/metrics", &from("203.0.113.5"), "").await,
        200
    );
    // Changing the header does not escape the limit.
    let wrong = json!({ "code": "WRONG-CODE-0000" }).to_string();
    for n in 0..30 {
        send(
            &server,
            "POST",
            "/api/convocation",
            &from(&format!("203.0.113.{n}")),
            &wrong,
        )
        .await;
    }
    assert_eq!(
        send(
            &server,
            "POST",
            "/api/convocation",
            &from("198.51.100.7"),
            &wrong
        )
        .await,
        429
    );
}
