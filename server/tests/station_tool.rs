//! The station test tool (`tests/src/bin/station.rs`: a real chair's core driven by
//! JSON lines, the simulated stations of the web dashboard's end-to-end tests) against
//! a real `kiesdag serve` (issue 19). A command answers ok only once the server has
//! confirmed its report, so a test reading the server right after finds it; a report
//! the core or the server refuses fails at once, naming the refusal's code; one the
//! server does not confirm in time fails when the time is up.
//!
//! The tool's source is compiled in here, and driven line by line through `answer`
//! exactly as its binary's `main` does, against this suite's server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[allow(dead_code)]
#[path = "../../tests/src/bin/station.rs"]
mod station_tool;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kiesdag::{db, store};
use kiesdag_sim::{Station, Storage};
use serde_json::{Value, json};
use shared::domain::{StationDay, StationPhase};
use support::{Server, fresh_database, server_with, start_server};

/// The tool's answer to `command`.
async fn send(station: &mut Station, command: &Value) -> Value {
    station_tool::answer(station, &command.to_string()).await
}

/// The tool's answer to `command`, which must be ok.
async fn ok(station: &mut Station, command: Value) -> Value {
    let answer = send(station, &command).await;
    assert_eq!(answer["ok"], true, "{command} answered {answer}");
    answer
}

/// The station's day as the server has stored it, read from its database.
fn stored_day(server: &Server, station: &str) -> StationDay {
    let mut conn = db::connect(&server.database).unwrap();
    store::stations::get(&mut conn, station).unwrap().day
}

/// A new device activated with `code` whose station the tool opened.
async fn opened(server: &Server, code: &str) -> Station {
    let mut station = Station::start(Storage::default());
    ok(
        &mut station,
        json!({ "cmd": "activate", "url": server.ws("/ws/station"), "code": code }),
    )
    .await;
    ok(&mut station, json!({ "cmd": "open" })).await;
    station
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turnout_lower_than_the_last_fails_at_once_with_the_cores_refusal() {
    let (server, codes) = server_with(1);
    let mut station = opened(&server, &codes[0]).await;
    ok(&mut station, json!({ "cmd": "turnout", "count": 300 })).await;

    let started = Instant::now();
    let answer = send(&mut station, &json!({ "cmd": "turnout", "count": 250 })).await;
    assert_eq!(answer["ok"], false, "{answer}");
    assert_eq!(answer["cmd"], "turnout");
    assert_eq!(answer["refused_by"], "core", "{answer}");
    assert_eq!(answer["codes"], json!(["TURNOUT_E01_DECREASE"]), "{answer}");
    let error = answer["error"].as_str().unwrap();
    assert!(error.contains("TURNOUT_E01_DECREASE"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a refusal does not wait for the server: {:?}",
        started.elapsed()
    );
    assert_eq!(
        stored_day(&server, "GM0599-1").latest_turnout_count(),
        Some(300),
        "nothing reached the server"
    );

    // The tool goes on; a lower count with the chair's reason is a correction.
    ok(
        &mut station,
        json!({ "cmd": "turnout", "count": 250, "correction_reason": "telfout" }),
    )
    .await;
    assert_eq!(
        stored_day(&server, "GM0599-1").latest_turnout_count(),
        Some(250)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ok_comes_only_once_the_server_has_the_report() {
    let (server, codes) = server_with(1);
    let mut station = opened(&server, &codes[0]).await;
    let day = stored_day(&server, "GM0599-1");
    assert_eq!(day.phase, StationPhase::Open, "the opening is stored");

    // Each read comes right after the answer: a tool answering before the server's
    // confirmation (in about 0.4 ms where that takes some 5 ms) fails here.
    for count in (10..=200).step_by(10) {
        ok(&mut station, json!({ "cmd": "turnout", "count": count })).await;
        assert_eq!(
            stored_day(&server, "GM0599-1").latest_turnout_count(),
            Some(count),
            "the server has turnout {count} when the tool says ok"
        );
    }
    ok(
        &mut station,
        json!({ "cmd": "stock", "received": 1500, "remaining": 1400 }),
    )
    .await;
    let stock = stored_day(&server, "GM0599-1").ballot_stock.unwrap();
    assert_eq!((stock.received, stock.remaining), (1500, 1400));
    let answer = ok(
        &mut station,
        json!({ "cmd": "incident", "text": "Geen hellingbaan bij de ingang" }),
    )
    .await;
    let id = answer["incident_id"].as_str().unwrap();
    assert!(!id.is_empty(), "{answer}");
    assert!(
        stored_day(&server, "GM0599-1")
            .incidents
            .iter()
            .any(|i| i.incident_id == id),
        "the server has incident {id}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_the_server_refuses_fails_with_the_servers_code() {
    let (server, codes) = server_with(1);
    let second_code = {
        let mut conn = db::open(&server.database).unwrap();
        store::codes::issue(
            &mut conn,
            "GM0599-1",
            db::now_ms(),
            db::now_ms() + 3_600_000,
        )
        .unwrap()
    };
    let mut first = opened(&server, &codes[0]).await;
    // A second device for the same station knows the station as it was when it came:
    // open, no turnout yet. Its core takes a count the server will find lower.
    let mut second = Station::start(Storage::default());
    ok(
        &mut second,
        json!({ "cmd": "activate", "url": server.ws("/ws/station"), "code": second_code }),
    )
    .await;
    ok(&mut first, json!({ "cmd": "turnout", "count": 500 })).await;

    let answer = send(&mut second, &json!({ "cmd": "turnout", "count": 400 })).await;
    assert_eq!(answer["ok"], false, "{answer}");
    assert_eq!(answer["refused_by"], "server", "{answer}");
    assert_eq!(answer["codes"], json!(["TURNOUT_E01_DECREASE"]), "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("TURNOUT_E01_DECREASE"),
        "{answer}"
    );
    assert_eq!(
        stored_day(&server, "GM0599-1").latest_turnout_count(),
        Some(500)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_not_confirmed_in_time_fails_and_a_later_command_waits_for_it() {
    let (server, codes) = server_with(1);
    let mut station = opened(&server, &codes[0]).await;
    ok(&mut station, json!({ "cmd": "network", "up": false })).await;

    let started = Instant::now();
    let answer = send(
        &mut station,
        &json!({ "cmd": "turnout", "count": 120, "timeout_ms": 1500 }),
    )
    .await;
    let waited = started.elapsed();
    assert_eq!(answer["ok"], false, "{answer}");
    assert_eq!(
        answer["refused_by"],
        Value::Null,
        "nobody refused it: {answer}"
    );
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("not confirmed by the server"),
        "{answer}"
    );
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
    assert_eq!(stored_day(&server, "GM0599-1").latest_turnout_count(), None);

    // The report stays on the device and goes when the network is back; the next
    // command's report goes after it, and ok means the server has both.
    ok(&mut station, json!({ "cmd": "network", "up": true })).await;
    ok(&mut station, json!({ "cmd": "turnout", "count": 130 })).await;
    assert_eq!(
        stored_day(&server, "GM0599-1").latest_turnout_count(),
        Some(130)
    );
}

/// What web-dashboard/e2e/run.mjs has its stations do (but the waits for the control
/// room's words, which need its browser), on a database seeded as there by
/// `dashboard-fixture`: every command passes now that ok means confirmed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_end_to_end_stations_pass_with_confirmed_reports() {
    let (database, dir) = fresh_database();
    let mut fixture = Command::new(env!("CARGO_BIN_EXE_dashboard-fixture"))
        .args(["--db", &database, "--stations", "8", "--closes-in", "60"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    fixture
        .stdin
        .take()
        .unwrap()
        .write_all(b"e2e-wachtwoord-lang-genoeg\n")
        .unwrap();
    let output = fixture.wait_with_output().unwrap();
    assert!(output.status.success());
    let seeded: Value = serde_json::from_slice(&output.stdout).unwrap();
    let server = start_server(&database, dir);
    let mut stations = Vec::new();
    for code in seeded["codes"].as_array().unwrap().iter().take(5) {
        let mut station = Station::start(Storage::default());
        ok(
            &mut station,
            json!({ "cmd": "activate", "url": server.ws("/ws/station"), "code": code }),
        )
        .await;
        stations.push(station);
    }
    for station in &mut stations[..4] {
        ok(station, json!({ "cmd": "open" })).await;
    }
    let script = [
        (
            0,
            json!({ "cmd": "stock", "received": 1500, "remaining": 1400 }),
        ),
        (3, json!({ "cmd": "turnout", "count": 620 })),
        (3, json!({ "cmd": "close" })),
        (3, json!({ "cmd": "result", "votes": [300, 200, 120] })),
        (0, json!({ "cmd": "turnout", "count": 321 })),
        (1, json!({ "cmd": "queue", "minutes": 45 })),
        (2, json!({ "cmd": "queue", "length": "none" })),
        (1, json!({ "cmd": "queue", "length": "short" })),
        (
            1,
            json!({ "cmd": "incident", "text": "Geen hellingbaan bij de ingang" }),
        ),
        (2, json!({ "cmd": "incident", "text": "Stembus klemt" })),
        (
            0,
            json!({ "cmd": "arrived", "name": "Dirk", "role": "member" }),
        ),
        (0, json!({ "cmd": "departed", "name": "Anna" })),
        (
            0,
            json!({ "cmd": "shift_change", "leaving": ["Bram", "Chris"],
                    "arriving": [{ "name": "Eva", "role": "chair" }, { "name": "Fenna", "role": "counter" }] }),
        ),
        (0, json!({ "cmd": "turnout", "count": 400 })),
        (0, json!({ "cmd": "turnout", "count": 450 })),
        (0, json!({ "cmd": "turnout", "count": 500 })),
        (2, json!({ "cmd": "incident", "text": "Printer kapot" })),
    ];
    let mut incident = String::new();
    for (index, command) in script {
        let answer = ok(&mut stations[index], command).await;
        if index == 1
            && let Some(id) = answer["incident_id"].as_str()
        {
            incident = id.to_owned();
        }
    }
    ok(
        &mut stations[1],
        json!({ "cmd": "incident_message", "incident_id": incident, "text": "Dank, we wachten" }),
    )
    .await;

    let day = stored_day(&server, "GM0599-4");
    assert_eq!(day.phase, StationPhase::ResultSubmitted);
    assert_eq!(day.latest_turnout_count(), Some(620));
    let day = stored_day(&server, "GM0599-1");
    assert_eq!(day.latest_turnout_count(), Some(500));
    assert!(day.members_present.iter().any(|m| m.name == "Fenna"));
}
