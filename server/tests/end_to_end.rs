//! A real chair's core, over real WebSockets, against a real `kiesdag serve`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use kiesdag::auth::Role;
use kiesdag::realtime::dashboard_socket::DashboardMessage;
use kiesdag_sim::{Station, Storage};
use shared::Event;
use shared::app::view::ConnectionState;
use shared::domain::{Report, StaffRole, StationPhase};
use shared::protocol::{EventPayload, Operation};
use support::{
    Dashboard, MUNICIPALITY, election_open_now, fresh_database, seed, server_with, settled,
    staff_token, start_server, turnout,
};

const WAIT: Duration = Duration::from_secs(15);

async fn activate_and_open(station: &mut Station, url: &str, code: &str) {
    station.send(Event::Activate {
        server_url: url.into(),
        activation_code: code.into(),
    });
    station
        .wait_for(WAIT, |v| {
            v.station.is_some() && v.connection.state == ConnectionState::Online
        })
        .await
        .unwrap();
    station.tap_opening();
    station
        .wait_for(WAIT, |v| v.phase == StationPhase::Open && settled(v))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_station_day_reaches_the_dashboard_once_in_order_through_drops_on_both_sides() {
    let (server, codes) = server_with(2);
    let token = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (mut dashboard, first) = Dashboard::subscribe(&server, &token, None, None).await;
    let DashboardMessage::Snapshot {
        seq: snapshot_seq,
        stations,
        ..
    } = first
    else {
        panic!("{first:?}")
    };
    assert_eq!(stations.len(), 2);
    assert_eq!(snapshot_seq, 0);

    // A wrong code is refused; the right one activates.
    let mut station = Station::start(Storage::default());
    station.send(Event::Activate {
        server_url: server.ws("/ws/station"),
        activation_code: "WRNG-CODE".into(),
    });
    station
        .wait_for(WAIT, |v| v.notice.as_ref().is_some_and(|n| n.is_error))
        .await
        .unwrap();
    assert!(station.view().station.is_none());
    activate_and_open(&mut station, &server.ws("/ws/station"), &codes[0]).await;

    station.send(turnout(120));
    station.wait_for(WAIT, settled).await.unwrap();
    let seen = dashboard.changes(2, Duration::from_secs(5)).await;
    assert_eq!(
        seen.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>(),
        ["opening", "turnout"]
    );
    assert_eq!(seen[1].station.as_ref().unwrap().turnout, Some(120));

    // The station loses its network: reports queue on the device.
    station.set_network(false);
    station
        .wait_for(WAIT, |v| v.connection.state != ConnectionState::Online)
        .await
        .unwrap();
    for count in [200, 260, 300] {
        station.send(turnout(count));
    }
    // Kept on the device, unconfirmed: pending, or (when the core had not yet seen the
    // network go) sent on a connection that is gone.
    station
        .wait_for(WAIT, |v| {
            v.sync.saving + v.sync.pending + v.sync.sent == 3 && v.sync.confirmed == 2
        })
        .await
        .unwrap();

    // The dashboard drops too; it will resume from the last number it saw.
    let last_seen = seen.last().unwrap().seq;
    drop(dashboard);
    station.set_network(true);
    station.send(Event::ReconnectNow);
    station.wait_for(WAIT, settled).await.unwrap();
    station.send(Event::ReportBallotStock {
        received: 1_000,
        remaining: 700,
    });
    station.wait_for(WAIT, settled).await.unwrap();

    let (mut dashboard, resumed) =
        Dashboard::subscribe(&server, &token, None, Some(last_seen)).await;
    let DashboardMessage::Changes {
        changes: mut missed,
    } = resumed
    else {
        panic!("{resumed:?}")
    };
    missed.extend(
        dashboard
            .changes(4usize.saturating_sub(missed.len()), Duration::from_secs(2))
            .await,
    );
    let seqs: Vec<i64> = missed.iter().map(|c| c.seq).collect();
    assert_eq!(
        seqs,
        (last_seen + 1..=last_seen + 4).collect::<Vec<_>>(),
        "every change once, in order, no gap"
    );
    let counts: Vec<Option<u32>> = missed
        .iter()
        .filter(|c| c.kind == "turnout")
        .map(
            |c| match c.payload.as_ref().and_then(EventPayload::operation) {
                Some(Operation {
                    report: Report::Turnout(turnout),
                    ..
                }) => Some(turnout.count),
                _ => None,
            },
        )
        .collect();
    assert_eq!(counts, [Some(200), Some(260), Some(300)]);

    // Live again: a new report arrives once.
    station.send(Event::MemberArrived {
        name: "Dirk".into(),
        role: StaffRole::Counter,
    });
    let live = dashboard.changes(1, Duration::from_secs(5)).await;
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].seq, last_seen + 5);
    assert_eq!(live[0].kind, "presence");

    // Turnout for the manager: the latest count, over the day, as a chart and a CSV.
    let manager = staff_token(Role::Manager, Some(MUNICIPALITY));
    let path = format!("/api/municipalities/{MUNICIPALITY}/turnout");
    let (status, body) =
        support::http(&server, "GET", &path, &manager, &serde_json::Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(body["municipality"]["voters"], 300);
    assert_eq!(body["municipality"]["expected_voters"], 4_000);
    assert_eq!(
        body["municipality"]["over_time"]
            .as_array()
            .unwrap()
            .last()
            .unwrap(),
        300
    );
    for chart in ["/chart", "/chart?format=png"] {
        let (status, _) = support::http(
            &server,
            "GET",
            &format!("{path}{chart}"),
            &manager,
            &serde_json::Value::Null,
        )
        .await;
        assert_eq!(status, 200, "{chart}");
    }
    let (status, _) = support::http(
        &server,
        "GET",
        &format!("{path}.csv"),
        &manager,
        &serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    let (_, public) = support::http(
        &server,
        "GET",
        &format!("/api/public/municipalities/{MUNICIPALITY}/turnout"),
        "",
        &serde_json::Value::Null,
    )
    .await;
    assert_eq!(public["municipality"]["voters"], 300);
    // Named for its title: the municipality and the election, not a code.
    assert_eq!(public["municipality_name"], "Rotterdam");
    assert_eq!(public["election_name"], "Testverkiezing");
    let (_, results) = support::http(
        &server,
        "GET",
        &format!("/api/public/municipalities/{MUNICIPALITY}/results"),
        "",
        &serde_json::Value::Null,
    )
    .await;
    assert_eq!(results["municipality_name"], "Rotterdam");
    assert_eq!(results["lists"][0]["number"], 1);
    assert!(
        results["lists"][0]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty()),
        "the lists by name: {}",
        results["lists"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_of_another_municipality_gets_nothing() {
    let (database, dir) = fresh_database();
    seed(&database, &election_open_now(), 1);
    let server = start_server(&database, dir);
    let token = staff_token(Role::Coordinator, Some("GM0505"));
    let (_, first) = Dashboard::subscribe(&server, &token, None, None).await;
    let DashboardMessage::Error { code, .. } = first else {
        panic!("{first:?}")
    };
    assert_eq!(code, "forbidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_dashboard_hears_a_heartbeat_so_a_dead_connection_shows() {
    let (database, dir) = fresh_database();
    seed(&database, &election_open_now(), 1);
    let server = start_server(&database, dir);
    let token = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (mut dashboard, first) = Dashboard::subscribe(&server, &token, None, None).await;
    assert!(
        matches!(first, DashboardMessage::Snapshot { .. }),
        "{first:?}"
    );
    let interval = kiesdag::realtime::dashboard_socket::HEARTBEAT_INTERVAL;
    let before = kiesdag::db::now_ms();
    let frame = dashboard
        .next_frame(interval + Duration::from_secs(3))
        .await
        .expect("a frame within the heartbeat interval");
    let DashboardMessage::Heartbeat { server_time } = frame else {
        panic!("expected a heartbeat, got {frame:?}")
    };
    assert!(server_time >= before, "the server's clock at sending");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_longer_than_a_fragment_arrives_whole_in_fragments() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{Message, protocol::WebSocketConfig};

    let (database, dir) = fresh_database();
    let election = election_open_now();
    seed(&database, &election, 40);
    {
        // Names with two-byte characters, so that fragments end inside characters.
        let mut conn = kiesdag::db::open(&database).unwrap();
        for n in 1..=40 {
            let mut station = support::station(n);
            station.name = format!("Stembureau {n} ëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëë");
            kiesdag::store::stations::upsert(&mut conn, &election.id, &station).unwrap();
        }
    }
    let server = start_server(&database, dir);
    let token = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    // A client that refuses any frame longer than one fragment (plus its header).
    let config =
        WebSocketConfig::default().max_frame_size(Some(kiesdag::realtime::FRAGMENT_BYTES + 14));
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(
        server.ws("/ws/dashboard"),
        Some(config),
        false,
    )
    .await
    .unwrap();
    let subscribe = serde_json::json!({
        "type": "subscribe", "token": token, "municipality": MUNICIPALITY,
    });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    let text = match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => text,
        other => panic!("expected the snapshot, got {other:?}"),
    };
    assert!(
        text.len() > 4 * kiesdag::realtime::FRAGMENT_BYTES,
        "the snapshot must span several fragments for this test to mean anything"
    );
    let first: DashboardMessage = serde_json::from_str(&text).unwrap();
    let DashboardMessage::Snapshot { stations, .. } = &first else {
        panic!("{first:?}")
    };
    assert_eq!(stations.len(), 40);
    assert!(stations.iter().all(|s| s.name.ends_with('ë')));
    let mut numbers: Vec<u32> = stations.iter().map(|s| s.number).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=40).collect::<Vec<_>>());
}
