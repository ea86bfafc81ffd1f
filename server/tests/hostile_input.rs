//! What a device, a staff member or a clock sends cannot break the server: each
//! finding of the attack on the running server (issue "Nothing a device, a staff
//! member or a clock can send breaks the server or the app"), against a real
//! `kiesdag serve`, and the server healthy for everyone afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kiesdag::auth::Role;
use kiesdag::http::ErrorReference;
use kiesdag::realtime::dashboard_socket::DashboardMessage;
use serde_json::{Value, json};
use shared::domain::{
    BallotStockReport, Report, StaffMember, StaffRole, Timestamp, TurnoutMoment, TurnoutReport,
};
use shared::protocol::{ClientMessage, Operation, RejectCode, ServerMessage, operation_id};
use support::{
    Dashboard, MUNICIPALITY, RawDevice, Server, cli, create_user, election_open_now,
    fresh_database, http, metrics, now, opening, operation, seed, server_with, staff_token,
    start_server, stored_counts,
};
use tokio_tungstenite::tungstenite::Message;

/// `report` as `device`'s `seq`-th operation, recorded at `recorded_at` (its id made
/// now, whatever the device claims).
fn operation_at(
    device: &RawDevice,
    seq: u64,
    station: &str,
    recorded_at: Timestamp,
    report: Report,
) -> ClientMessage {
    ClientMessage::Operation(Operation {
        id: operation_id(&device.device_id, seq, now()),
        ..shared::fixtures::operation(&device.device_id, seq, station, recorded_at, report)
    })
}

fn turnout(count: u32) -> Report {
    Report::Turnout(TurnoutReport {
        moment: TurnoutMoment::AdHoc,
        count,
        correction_reason: None,
    })
}

/// The server still serves everyone: a station's report is acknowledged and shown by
/// REST, the alerts and the turnout export answer, and nothing panicked.
async fn healthy(server: &Server, device: &mut RawDevice, seq: u64, count: u32) {
    device
        .send(&operation_at(
            device,
            seq,
            "GM0599-1",
            now(),
            turnout(count),
        ))
        .await;
    let reply = next_answer(device).await;
    assert!(
        matches!(reply, ServerMessage::Ack { .. }),
        "a good report after bad ones: {reply:?}"
    );
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (status, body) = http(
        server,
        "GET",
        &format!("/api/municipalities/{MUNICIPALITY}/stations"),
        &coordinator,
        &Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let shown = body
        .as_array()
        .and_then(|s| s.iter().find(|s| s["station_id"] == "GM0599-1"))
        .map(|s| s["turnout"].clone());
    assert_eq!(
        shown,
        Some(json!(count)),
        "REST shows the newest state: {body}"
    );
    for path in ["alerts", "turnout.csv", "turnout", "results"] {
        let (status, _) = http(
            server,
            "GET",
            &format!("/api/municipalities/{MUNICIPALITY}/{path}"),
            &coordinator,
            &Value::Null,
        )
        .await;
        assert_eq!(status, 200, "GET {path}");
    }
    let metrics = metrics(server).await;
    assert!(
        metrics.contains("\nkiesdag_panics_total 0\n"),
        "no panic anywhere: {metrics}"
    );
}

async fn next_answer(device: &mut RawDevice) -> ServerMessage {
    loop {
        let message = device.recv().await.expect("an answer");
        if matches!(
            message,
            ServerMessage::Ack { .. } | ServerMessage::Reject { .. } | ServerMessage::Error { .. }
        ) {
            return message;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_figures_and_clocks_are_refused_and_the_server_stays_healthy() {
    let (server, codes) = server_with(1);
    let mut device = RawDevice::connect(&server).await;
    device.activate(&codes[0]).await;
    device
        .send(&operation_at(&device, 1, "GM0599-1", now(), opening()))
        .await;
    assert!(matches!(
        next_answer(&mut device).await,
        ServerMessage::Ack { .. }
    ));
    device
        .send(&operation_at(&device, 2, "GM0599-1", now(), turnout(10)))
        .await;
    assert!(matches!(
        next_answer(&mut device).await,
        ServerMessage::Ack { .. }
    ));

    let mut seq = 3;
    // Five names of 2,000 characters each way, well inside one frame.
    let long_names: Vec<String> = (0..5)
        .map(|n| format!("{n}{}", "x".repeat(2_000)))
        .collect();
    let hostile = [
        // 150 such shift changes grew the station's state to 9 MB.
        (
            now(),
            Report::Presence(shared::domain::PresenceReport::ShiftChange {
                leaving: long_names.clone(),
                arriving: long_names
                    .iter()
                    .map(|name| StaffMember {
                        name: name.clone(),
                        role: StaffRole::Member,
                    })
                    .collect(),
            }),
        ),
        (
            now(),
            Report::BallotStock(BallotStockReport {
                received: u32::MAX,
                remaining: u32::MAX,
            }),
        ),
        (Timestamp(i64::MAX), turnout(20)),
        (Timestamp(i64::MIN), turnout(20)),
        (Timestamp(0), turnout(20)),
        (Timestamp(now().millis() + 3 * 3_600_000), turnout(20)),
        (
            Timestamp(i64::MAX),
            Report::BallotStock(BallotStockReport {
                received: 100,
                remaining: 1,
            }),
        ),
    ];
    for (recorded_at, report) in hostile {
        device
            .send(&operation_at(
                &device,
                seq,
                "GM0599-1",
                recorded_at,
                report.clone(),
            ))
            .await;
        let reply = next_answer(&mut device).await;
        assert!(
            matches!(reply, ServerMessage::Reject { .. }),
            "{report:?} at {recorded_at:?} must be refused: {reply:?}"
        );
        seq += 1;
    }
    healthy(&server, &mut device, seq, 40).await;
}

/// A dashboard's refusals are the REST API's: the same codes and texts, in the
/// language the browser asks for, Dutch when it names none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_dashboard_is_told_why_in_its_own_language() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let (server, _) = server_with(1);
    for (accept_language, expected) in [
        (
            None,
            "Het verzoek is geen geldige JSON van de verwachte vorm.",
        ),
        (
            Some("en-GB,en;q=0.9"),
            "The request is not JSON of the expected shape.",
        ),
        (
            Some("nl-BE"),
            "Het verzoek is geen geldige JSON van de verwachte vorm.",
        ),
    ] {
        let mut request = server.ws("/ws/dashboard").into_client_request().unwrap();
        if let Some(value) = accept_language {
            request
                .headers_mut()
                .insert("accept-language", value.parse().unwrap());
        }
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        socket
            .send(Message::text(r#"{"type":"unsubscribe"}"#))
            .await
            .unwrap();
        let told = loop {
            let frame = tokio::time::timeout(Duration::from_secs(5), socket.next())
                .await
                .expect("an answer")
                .expect("a frame")
                .unwrap();
            if let Message::Text(text) = frame {
                break serde_json::from_str::<DashboardMessage>(&text).unwrap();
            }
        };
        let DashboardMessage::Error { code, message } = told else {
            panic!("{accept_language:?}: {told:?}");
        };
        assert_eq!(code, ErrorReference::InvalidJson, "{accept_language:?}");
        assert!(
            message.starts_with(expected),
            "{accept_language:?}: {message}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_resume_from_an_impossible_number_is_refused() {
    let (server, _) = server_with(1);
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    for since in [i64::MIN, -1] {
        let (_, first) = Dashboard::subscribe(&server, &coordinator, None, Some(since)).await;
        assert!(
            matches!(&first, DashboardMessage::Error { code, .. } if *code == ErrorReference::InvalidSinceSeq),
            "{first:?}"
        );
    }
    // i64::MAX is in the future of this log: a snapshot, as after a restored backup.
    let (_, first) = Dashboard::subscribe(&server, &coordinator, None, Some(i64::MAX)).await;
    assert!(
        matches!(first, DashboardMessage::Snapshot { .. }),
        "{first:?}"
    );
    let metrics = metrics(&server).await;
    assert!(metrics.contains("\nkiesdag_panics_total 0\n"), "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_that_keeps_failing_is_closed() {
    let (server, _) = server_with(1);
    let (mut socket, _) = tokio_tungstenite::connect_async(server.ws("/ws/dashboard"))
        .await
        .unwrap();
    let mut refusals = 0;
    let mut closed = false;
    for _ in 0..10 {
        if socket
            .send(Message::text(
                r#"{"type":"subscribe","token":"forged","municipality":"GM0599"}"#,
            ))
            .await
            .is_err()
        {
            closed = true;
            break;
        }
        match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
            Ok(Some(Ok(Message::Text(_)))) => refusals += 1,
            _ => {
                closed = true;
                break;
            }
        }
    }
    assert!(closed, "the socket is closed after a few refusals");
    assert!(refusals <= 4, "{refusals} refusals before closing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_cut_off_at_once() {
    let (server, codes) = server_with(1);
    let mut device = RawDevice::connect(&server).await;
    device.activate(&codes[0]).await;
    let (ok, output) = cli(
        &server.database,
        &["codes", "revoke", "--station", "GM0599-1"],
    );
    assert!(ok, "{output}");
    // The control room writes to the station right away.
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (status, body) = http(
        &server,
        "POST",
        &format!("/api/municipalities/{MUNICIPALITY}/messages"),
        &coordinator,
        &json!({"station_ids": ["GM0599-1"], "text": "Niet voor een ingetrokken apparaat"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The device hears that it was revoked, and nothing else, then the session ends.
    let mut heard = Vec::new();
    while let Some(message) = device.recv().await {
        heard.push(message);
    }
    assert!(
        heard
            .iter()
            .all(|m| !matches!(m, ServerMessage::Message(_))),
        "nothing more reaches a revoked device: {heard:?}"
    );
    assert!(
        heard.iter().any(|m| matches!(
            m,
            ServerMessage::Error {
                code: RejectCode::RevokedToken,
                ..
            }
        )),
        "the device is told: {heard:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_activation_never_takes_over_another_stations_device() {
    let (server, codes) = server_with(2);
    let mut device = RawDevice::connect(&server).await;
    let token = device.activate(&codes[0]).await;
    // The same device id with station two's code.
    let mut thief = RawDevice::connect_as(&server, device.device_id).await;
    thief
        .send(&ClientMessage::Activate {
            activation_code: codes[1].clone(),
            device_id: thief.device_id,
        })
        .await;
    let reply = thief.recv().await;
    assert!(
        matches!(
            reply,
            Some(ServerMessage::Error {
                code: RejectCode::InvalidActivationCode,
                ..
            })
        ),
        "{reply:?}"
    );
    // Station one's device still works, and station two's code is still unused.
    let mut again = RawDevice::connect_as(&server, device.device_id).await;
    assert!(matches!(
        again.hello(&token).await,
        ServerMessage::Welcome { .. }
    ));
    let mut two = RawDevice::connect(&server).await;
    two.activate(&codes[1]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_racing_on_many_sockets_stay_within_the_address_limit() {
    let (server, _) = server_with(1);
    let mut tasks = Vec::new();
    for n in 0..120 {
        let url = server.ws("/ws/station");
        tasks.push(tokio::spawn(async move {
            let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
            let activate = ClientMessage::Activate {
                activation_code: format!("WRNG-{n:04}"),
                device_id: uuid::Uuid::new_v4(),
            };
            socket
                .send(Message::text(shared::protocol::encode(&activate)))
                .await
                .unwrap();
            loop {
                match socket.next().await {
                    Some(Ok(Message::Text(text))) => {
                        return shared::protocol::decode_server(&text).unwrap();
                    }
                    Some(Ok(_)) => {}
                    other => panic!("{other:?}"),
                }
            }
        }));
    }
    let mut checked = 0;
    for task in tasks {
        match task.await.unwrap() {
            ServerMessage::Error {
                code: RejectCode::InvalidActivationCode,
                ..
            } => checked += 1,
            ServerMessage::Error {
                code: RejectCode::TooManyAttempts,
                ..
            } => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(
        checked <= 30,
        "{checked} codes were checked; the limit is 30"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_room_inputs_are_checked_and_bounded() {
    let (server, _) = server_with(2);
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let before = stored_counts(&server.database);
    let messages = format!("/api/municipalities/{MUNICIPALITY}/messages");
    let refused = [
        (
            "/api/stations/GM0599-1/incidents/x/status".to_owned(),
            json!({"status": "acknowledged", "assignee": "x".repeat(200 * 1024)}),
            422,
            "unknown_assignee",
        ),
        (
            "/api/stations/GM0599-1/incidents/x/status".to_owned(),
            json!({"status": "acknowledged", "assignee": "nobody"}),
            422,
            "unknown_assignee",
        ),
        (
            messages.clone(),
            json!({"station_ids": [], "text": "hallo"}),
            400,
            "no_recipients",
        ),
        (
            messages.clone(),
            json!({"text": "hallo"}),
            400,
            "no_recipients",
        ),
        (
            messages.clone(),
            json!({"station_ids": ["GM0599-1"], "all_stations": true, "text": "hallo"}),
            400,
            "ambiguous_recipients",
        ),
        (
            messages.clone(),
            json!({"station_ids": ["GM0599-1", "GM0599-99", "GM0505-1"], "text": "hallo"}),
            422,
            "unknown_stations",
        ),
        (
            messages.clone(),
            json!({"station_ids": (0..1_001).map(|n| format!("GM0599-{n}")).collect::<Vec<_>>(), "text": "hallo"}),
            400,
            "too_many_recipients",
        ),
    ];
    for (path, body, status, code) in refused {
        let (got, answer) = http(&server, "POST", &path, &coordinator, &body).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
        if code == "unknown_stations" {
            let text = answer["message"].as_str().unwrap_or_default();
            assert!(
                text.contains("GM0599-99")
                    && text.contains("GM0505-1")
                    && !text.contains("GM0599-1,"),
                "the unknown stations are named: {text}"
            );
        }
    }
    assert_eq!(
        stored_counts(&server.database),
        before,
        "nothing was stored"
    );

    // One station named 5,000 times gets the message once.
    let (status, answer) = http(
        &server,
        "POST",
        &messages,
        &coordinator,
        &json!({"station_ids": vec!["GM0599-1"; 5_000], "text": "hallo"}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["event_seqs"].as_array().map(Vec::len), Some(1));
    // All stations, when said so.
    let (status, answer) = http(
        &server,
        "POST",
        &messages,
        &coordinator,
        &json!({"all_stations": true, "text": "aan allen"}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["event_seqs"].as_array().map(Vec::len), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_disabled_on_the_command_line_is_shut_out_at_once() {
    let (database, dir) = fresh_database();
    seed(&database, &election_open_now(), 1);
    create_user(&database, "erik", Role::Coordinator, Some(MUNICIPALITY));
    let server = start_server(&database, dir);
    let login = json!({"username": "erik", "password": "a long password"});
    let (status, tokens) = http(&server, "POST", "/api/login", "", &login).await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (mut live, first) = Dashboard::subscribe(&server, &access, None, None).await;
    assert!(matches!(first, DashboardMessage::Snapshot { .. }));

    let (ok, output) = cli(&database, &["user", "disable", "--username", "erik"]);
    assert!(ok, "{output}");
    // The open dashboard is told and closed within a few seconds.
    let told = live.next(Duration::from_secs(5)).await;
    assert!(
        matches!(&told, Some(DashboardMessage::Error { code, .. }) if *code == ErrorReference::AccountDisabled),
        "{told:?}"
    );
    let stations = format!("/api/municipalities/{MUNICIPALITY}/stations");
    let (status, body) = http(&server, "GET", &stations, &access, &Value::Null).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("account_disabled"))
    );
    let (status, _) = http(&server, "POST", "/api/login", "", &login).await;
    assert_eq!(status, 403, "a disabled user cannot sign in");
    let (status, _) = http(
        &server,
        "POST",
        "/api/refresh",
        "",
        &json!({"refresh_token": refresh}),
    )
    .await;
    assert_eq!(status, 401, "nor refresh");

    let (ok, output) = cli(&database, &["user", "enable", "--username", "erik"]);
    assert!(ok, "{output}");
    let mut signed_in = false;
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (status, _) = http(&server, "POST", "/api/login", "", &login).await;
        if status == 200 {
            signed_in = true;
            break;
        }
    }
    assert!(signed_in, "enabled again, erik signs in");
    let (status, _) = http(&server, "GET", &stations, &access, &Value::Null).await;
    assert_eq!(status, 401, "tokens from before the disabling stay refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_device_cannot_make_anothers_report_vanish() {
    let (server, codes) = server_with(2);
    let mut one = RawDevice::connect(&server).await;
    one.activate(&codes[0]).await;
    let mut two = RawDevice::connect(&server).await;
    two.activate(&codes[1]).await;
    // Device one sends first, with the id device two will use.
    let taken = operation_id(&two.device_id, 1, now());
    let with_id = |station: &str| {
        ClientMessage::Operation(Operation {
            id: taken,
            device_seq: 1,
            station_id: station.into(),
            recorded_at: now(),
            report: opening(),
            confirmed_warnings: vec![],
        })
    };
    one.send(&with_id("GM0599-1")).await;
    assert!(matches!(
        next_answer(&mut one).await,
        ServerMessage::Ack { .. }
    ));
    two.send(&with_id("GM0599-2")).await;
    assert!(matches!(
        next_answer(&mut two).await,
        ServerMessage::Ack { .. }
    ));
    // Station two's opening was applied, not taken for a repeat of station one's.
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (_, body) = http(
        &server,
        "GET",
        &format!("/api/municipalities/{MUNICIPALITY}/stations"),
        &coordinator,
        &Value::Null,
    )
    .await;
    let phases: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["phase"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(phases, ["open", "open"], "{body}");
}

/// SIGTERM: the server answers what it was sent, tells every socket it is going away
/// (1001, so that devices and dashboards reconnect at once, to the other instance
/// where there are two), exits 0 within seconds, and what it acknowledged is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_soon_after_sigterm_with_stations_connected() {
    let (mut server, codes) = server_with(1);
    let mut device = RawDevice::connect(&server).await;
    device.activate(&codes[0]).await;
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (mut live, _) = Dashboard::subscribe(&server, &coordinator, None, None).await;
    // A dashboard that has connected but not yet subscribed.
    let (mut subscribing, _) = tokio_tungstenite::connect_async(server.ws("/ws/dashboard"))
        .await
        .unwrap();
    device
        .send(&operation(&device, 1, "GM0599-1", opening()))
        .await;
    assert!(matches!(
        next_answer(&mut device).await,
        ServerMessage::Ack { .. }
    ));
    let pid = server.child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let started = std::time::Instant::now();
    assert_eq!(
        device.closed_with(Duration::from_secs(5)).await,
        Some(1001),
        "the station is told the server is going away"
    );
    assert_eq!(
        live.closed_with(Duration::from_secs(5)).await,
        Some(1001),
        "the dashboard too"
    );
    assert_eq!(
        support::close_code(&mut subscribing, Duration::from_secs(5)).await,
        Some(1001),
        "and one still subscribing"
    );
    let mut exited = None;
    while started.elapsed() < Duration::from_secs(12) {
        if let Some(status) = server.child.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = exited.expect("kiesdag serve still running 12 s after SIGTERM");
    assert!(status.success(), "{status:?}");

    // Started again on the same database: the acknowledged opening is there.
    let server = server.crash_and_restart();
    let (_, body) = http(
        &server,
        "GET",
        &format!("/api/municipalities/{MUNICIPALITY}/stations"),
        &coordinator,
        &Value::Null,
    )
    .await;
    assert_eq!(body[0]["phase"], "open", "{body}");
}
