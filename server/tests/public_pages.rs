//! The public turnout and results pages under load: served from memory with an entity
//! tag and `Cache-Control`, so that a conditional request gets 304 and a proxy can
//! absorb a crowd; made again after a change (at most a few times a second), never
//! per request; and still answered when every pooled connection is taken.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use shared::Event;
use shared::domain::TurnoutMoment;
use support::{
    MUNICIPALITY, election_open_now, fresh_database, open_station, seed, settled, start_server,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WAIT: Duration = Duration::from_secs(15);

/// A GET with extra header lines; the status, the header block and the body.
async fn get(server: &support::Server, path: &str, headers: &str) -> (u16, String, String) {
    let address = support::Address::address(server);
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\n{headers}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let response = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_owned())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .map(str::trim)
}

async fn report(station: &mut kiesdag_sim::Station, count: u32, confirmed: u64) {
    station.send(Event::ReportTurnout {
        count,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    station
        .wait_for(WAIT, |v| v.sync.confirmed >= confirmed && settled(v))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_page_is_kept_tagged_and_made_again_after_a_change() {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 1);
    let server = start_server(&database, dir);
    let mut station = open_station(&server.ws("/ws/station"), &codes[0]).await;
    report(&mut station, 100, 2).await;

    let turnout = format!("/api/public/municipalities/{MUNICIPALITY}/turnout");
    let (status, head, body) = get(&server, &turnout, "").await;
    assert_eq!(status, 200, "{head}");
    assert!(body.contains("\"voters\":100"), "{body}");
    assert_eq!(header(&head, "cache-control"), Some("public, max-age=2"));
    let etag = header(&head, "etag").expect("an entity tag").to_owned();

    // The browser holds this page: 304, no body.
    let (status, head, body) = get(&server, &turnout, &format!("If-None-Match: {etag}\r\n")).await;
    assert_eq!(status, 304, "{head}");
    assert!(body.is_empty());
    assert_eq!(header(&head, "etag"), Some(etag.as_str()));

    // A new report: the page is made again within moments, with a new tag; the old
    // tag gets the new page.
    report(&mut station, 250, 3).await;
    let started = Instant::now();
    let (head, body) = loop {
        let (status, head, body) =
            get(&server, &turnout, &format!("If-None-Match: {etag}\r\n")).await;
        if status == 200 {
            break (head, body);
        }
        assert_eq!(status, 304);
        // Within moments (a changed page is given out for 2 s at most); the margin is
        // for a loaded machine, not the promise.
        assert!(started.elapsed() < WAIT, "the change never showed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(body.contains("\"voters\":250"), "{body}");
    assert_ne!(header(&head, "etag"), Some(etag.as_str()));

    // Results: tagged too, and under embargo before closing in every form.
    let results = format!("/api/public/municipalities/{MUNICIPALITY}/results");
    let (status, head, body) = get(&server, &results, "").await;
    assert_eq!(status, 200);
    assert!(header(&head, "etag").is_some());
    assert!(!body.contains("list_votes"), "{body}");

    // An unknown or hostile code is not found (made-up codes are checked against the
    // municipalities that have stations, read at most every few seconds).
    for code in ["GM9999", "GM0599%00", &"G".repeat(100)] {
        let (status, _, _) = get(
            &server,
            &format!("/api/public/municipalities/{code}/results"),
            "",
        )
        .await;
        assert_eq!(status, 404, "{code}");
    }
}

/// With `KIESDAG_PUBLIC_LISTEN` the public pages have a listener of their own (the
/// one a proxy sends citizens to): it serves them, and nothing a chair or the control
/// room uses, so a crowd there cannot reach those.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_listener_serves_the_public_pages_and_nothing_else() {
    let (database, dir) = fresh_database();
    seed(&database, &election_open_now(), 1);
    let server = support::start_server_with(
        &database,
        dir,
        "127.0.0.1:0",
        &[("KIESDAG_PUBLIC_LISTEN", "127.0.0.1:0")],
    );
    let public = support::Server::attach(server.public.as_deref().expect("its address"));
    for page in ["turnout", "results", "finder"] {
        let path = format!("/api/public/municipalities/{MUNICIPALITY}/{page}");
        let (status, _) = support::http(&public, "GET", &path, "", &serde_json::Value::Null).await;
        assert_eq!(status, 200, "{page}");
    }
    let coordinator = support::staff_token(kiesdag::auth::Role::Coordinator, Some(MUNICIPALITY));
    for path in [
        "/health".to_owned(),
        format!("/api/municipalities/{MUNICIPALITY}/stations"),
        "/api/login".to_owned(),
        "/ws/station".to_owned(),
    ] {
        let (status, _) = support::http(
            &public,
            "GET",
            &path,
            &coordinator,
            &serde_json::Value::Null,
        )
        .await;
        assert_eq!(status, 404, "{path} is not on the public listener");
    }
    // The main port still has everything.
    let (status, _) = support::http(
        &server,
        "GET",
        &format!("/api/public/municipalities/{MUNICIPALITY}/results"),
        "",
        &serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 200);
}
