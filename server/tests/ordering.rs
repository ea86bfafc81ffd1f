//! Order under pressure: a device's operations commit only in its order, and
//! dashboards get changes in order and never twice, ending with every station as
//! stored, while operations and control-room actions commit concurrently; a snapshot
//! is never newer than its own sequence number.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use kiesdag::auth::Role;
use kiesdag::realtime::dashboard_socket::DashboardMessage;
use serde_json::json;
use shared::domain::{Report, StaffMember, StaffRole, Timestamp};
use shared::protocol::{ClientMessage, Operation, ServerMessage, operation_id};
use support::{
    Dashboard, MUNICIPALITY, RawDevice, assert_ends_as_stored, election_open_now, fresh_database,
    http, open_station, seed, settled, staff_token, start_server, turnout,
};

fn op(device: &RawDevice, seq: u64, report: Report) -> ClientMessage {
    let now = Timestamp(kiesdag::db::now_ms());
    ClientMessage::Operation(Operation {
        id: operation_id(&device.device_id, seq, now),
        device_seq: seq,
        station_id: format!("{MUNICIPALITY}-1"),
        recorded_at: now,
        report,
        confirmed_warnings: vec![],
    })
}

fn arrival(name: &str) -> Report {
    Report::Presence(shared::domain::PresenceReport::Arrived(StaffMember {
        name: name.into(),
        role: StaffRole::Member,
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_ahead_of_a_missing_one_is_not_committed() {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 1);
    let server = start_server(&database, dir);
    let mut device = RawDevice::connect(&server).await;
    let token = device.activate(&codes[0]).await;
    device.send(&op(&device, 1, arrival("a"))).await;
    assert!(matches!(
        device.recv().await,
        Some(ServerMessage::Ack { device_seq: 1, .. })
    ));
    // Operation 2 never arrives (say it was refused as overloaded); 3 comes.
    let three = op(&device, 3, arrival("c"));
    device.send(&three).await;
    assert_eq!(
        device.recv().await,
        None,
        "not acknowledged: the session ends instead"
    );
    assert_eq!(
        support::stored_counts(&server.database).0,
        1,
        "3 was not committed"
    );
    // The device resumes and sends 2, then 3 again: both commit, in order.
    let (mut resumed, last_processed_seq) =
        RawDevice::resume(&server, device.device_id, &token).await;
    assert_eq!(last_processed_seq, 1);
    resumed.send(&op(&resumed, 2, arrival("b"))).await;
    resumed.send(&three).await;
    assert!(matches!(
        resumed.recv().await,
        Some(ServerMessage::Ack {
            device_seq: 2,
            event_seq: 2,
            ..
        })
    ));
    assert!(matches!(
        resumed.recv().await,
        Some(ServerMessage::Ack {
            device_seq: 3,
            event_seq: 3,
            ..
        })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboards_end_with_every_station_as_stored_while_reports_and_actions_commit_together() {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 4);
    let server = start_server(&database, dir);
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (mut dashboard, first) = Dashboard::subscribe(&server, &coordinator, None, None).await;
    let DashboardMessage::Snapshot { seq: start, .. } = first else {
        panic!()
    };

    let url = server.ws("/ws/station");
    let mut one = open_station(&url, &codes[0]).await;
    let mut two = open_station(&url, &codes[1]).await;
    const REPORTS: u32 = 60;
    const MESSAGES: usize = 20;
    for count in 1..=REPORTS {
        for station in [&one, &two] {
            station.send(turnout(count));
        }
    }
    let mut senders = Vec::new();
    for n in 0..MESSAGES {
        let base = server.base.clone();
        let token = coordinator.clone();
        senders.push(tokio::spawn(async move {
            let server = support::Server::attach(&base);
            let (status, _) = http(
                &server,
                "POST",
                &format!("/api/municipalities/{MUNICIPALITY}/messages"),
                &token,
                &json!({"all_stations": true, "text": format!("bericht {n}")}),
            )
            .await;
            assert_eq!(status, 200);
        }));
    }
    // Snapshots taken meanwhile are never newer than their number.
    for _ in 0..15 {
        let (_, snapshot) = Dashboard::subscribe(&server, &coordinator, None, None).await;
        let DashboardMessage::Snapshot { seq, stations, .. } = snapshot else {
            panic!()
        };
        let newest = stations.iter().map(|s| s.last_event_seq).max().unwrap_or(0);
        assert!(
            newest <= seq,
            "a snapshot at {seq} holds a station at {newest}"
        );
    }
    for sender in senders {
        sender.await.unwrap();
    }
    one.wait_for(Duration::from_secs(30), settled)
        .await
        .unwrap();
    two.wait_for(Duration::from_secs(30), settled)
        .await
        .unwrap();

    // Changes arrive in order and never twice; a station's changes that a later one
    // superseded before the next frame may be left out (a frame carries each station's
    // latest), so the dashboard ends with every station exactly as stored.
    let seen = dashboard.changes(usize::MAX, Duration::from_secs(3)).await;
    let seqs: Vec<i64> = seen.iter().map(|c| c.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]) && seqs.first().is_some_and(|s| *s > start),
        "in order, never twice: {seqs:?}"
    );
    let (_, now) = Dashboard::subscribe(&server, &coordinator, None, None).await;
    let DashboardMessage::Snapshot { seq, stations, .. } = now else {
        panic!()
    };
    assert_eq!(seq, support::stored_counts(&server.database).0);
    assert_eq!(
        seqs.last(),
        Some(&seq),
        "the last change reached the dashboard"
    );
    assert_ends_as_stored(&seen, &stations);
}
