//! A dashboard that falls behind costs its view, not its backlog: 10,000 changes for
//! one municipality reach a viewer that reads slowly; what the server holds for it stays
//! bounded by the stations it sees, and it ends with exactly every station's latest
//! state (nothing missing, nothing stale, nothing twice).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use kiesdag::auth::Role;
use kiesdag::realtime::dashboard_socket::DashboardMessage;
use serde_json::json;
use support::{
    Dashboard, MUNICIPALITY, election_open_now, fresh_database, http, open_station, seed, settled,
    staff_token, start_server, turnout,
};

const STATIONS: u32 = 100;
/// Control-room messages to every station: 100 × 100 = 10,000 changes.
const MESSAGES: u32 = 100;
const TURNOUTS: u32 = 50;

fn gauge(metrics: &str, name: &str) -> u64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} not in /metrics"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_dashboard_holds_one_change_per_station_and_ends_with_the_latest_state() {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), STATIONS);
    let server = start_server(&database, dir);
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let url = server.ws("/ws/station");
    let mut one = open_station(&url, &codes[0]).await;
    let mut two = open_station(&url, &codes[1]).await;
    let (mut slow, first) = Dashboard::subscribe(&server, &coordinator, None, None).await;
    let DashboardMessage::Snapshot { seq: start, .. } = first else {
        panic!("{first:?}")
    };

    // The burst: every station gets 100 messages while two report turnout 50 times,
    // and the viewer reads nothing at all meanwhile.
    for count in 1..=TURNOUTS {
        for station in [&one, &two] {
            station.send(turnout(count));
        }
    }
    for n in 0..MESSAGES {
        let (status, body) = http(
            &server,
            "POST",
            &format!("/api/municipalities/{MUNICIPALITY}/messages"),
            &coordinator,
            &json!({"all_stations": true, "text": format!("bericht {n}")}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    for station in [&mut one, &mut two] {
        station
            .wait_for(Duration::from_secs(60), settled)
            .await
            .unwrap();
    }
    let stored = support::stored_counts(&server.database).0;
    assert!(stored - start >= i64::from(STATIONS * MESSAGES + 2 * TURNOUTS));

    // Now it reads, slowly: a frame every 100 ms.
    let mut latest = BTreeMap::new();
    let mut last_seq = start;
    let mut received = 0;
    while let Some(message) = slow.next(Duration::from_secs(3)).await {
        let DashboardMessage::Changes { changes } = message else {
            continue;
        };
        let mut in_frame = HashSet::new();
        for change in changes {
            assert!(change.seq > last_seq, "in order, never twice");
            last_seq = change.seq;
            let station = change.station.unwrap();
            assert!(
                in_frame.insert((station.station_id.clone(), change.kind.clone())),
                "a frame carries each station's change of a kind at most once (the latest)"
            );
            latest.insert(
                station.station_id.clone(),
                serde_json::to_value(&station).unwrap(),
            );
            received += 1;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(last_seq, stored, "the last change reached the viewer");
    assert!(
        received < usize::try_from(stored - start).unwrap(),
        "the viewer was skipped forward, not sent the history ({received} changes)"
    );

    // Exactly the latest state of every station: what a fresh snapshot shows.
    let (_, now) = Dashboard::subscribe(&server, &coordinator, None, None).await;
    let DashboardMessage::Snapshot { stations, .. } = now else {
        panic!("{now:?}")
    };
    assert_eq!(
        latest.len(),
        stations.len(),
        "every station changed and arrived"
    );
    for station in &stations {
        assert_eq!(
            latest.get(&station.station_id),
            Some(&serde_json::to_value(station).unwrap()),
            "{} as stored",
            station.station_id
        );
    }
    let turnouts: Vec<_> = stations.iter().filter_map(|s| s.turnout).collect();
    assert_eq!(turnouts, [TURNOUTS, TURNOUTS]);

    // A viewer that was away for the whole burst resumes with the latest state (a
    // snapshot), not the 10,100 changes it missed.
    let (_, resumed) = Dashboard::subscribe(&server, &coordinator, None, Some(start)).await;
    let DashboardMessage::Snapshot {
        seq: resumed_at,
        stations: resumed,
        ..
    } = resumed
    else {
        panic!("{resumed:?}")
    };
    assert_eq!(resumed_at, stored);
    assert_eq!(
        serde_json::to_value(&resumed).unwrap(),
        serde_json::to_value(&stations).unwrap()
    );

    // What the server held for any viewer never exceeded one change per station.
    let metrics = support::metrics(&server).await;
    let held = gauge(&metrics, "kiesdag_dashboard_pending_changes_max");
    assert!(
        (1..=u64::from(STATIONS) * 2).contains(&held),
        "at most one pending change per station and kind: {held}"
    );
}
