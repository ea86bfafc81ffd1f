//! The public polling-station finder and the queue, end to end: a chair reports the
//! queue with one tap, the control room gets an alert for a long one, and citizens see
//! it with its age, and nothing else of the station's state.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use kiesdag::auth::Role;
use serde_json::json;
use shared::Event;
use shared::domain::QueueLength;
use support::{
    MUNICIPALITY, election_open_now, fresh_database, http, open_station, seed, settled,
    staff_token, start_server,
};

const WAIT: Duration = Duration::from_secs(15);

/// What the finder may say of a station; anything else is the station's state.
const PUBLIC_FIELDS: [&str; 10] = [
    "closes_at",
    "district",
    "extra_stops",
    "id",
    "location",
    "name",
    "number",
    "opens_at",
    "queue",
    "status",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_reported_with_one_tap_alerts_the_control_room_and_reaches_the_finder() {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 2);
    let server = start_server(&database, dir);
    let mut station = open_station(&server.ws("/ws/station"), &codes[0]).await;
    station.send(Event::ReportQueue {
        length: QueueLength::Minutes(45),
    });
    // Sent is not yet handled: wait until the server confirmed the opening and this.
    station
        .wait_for(WAIT, |v| v.sync.confirmed >= 2 && settled(v))
        .await
        .unwrap();

    // The control room: a long-queue alert for the station, and none for the other.
    let alerts = format!("/api/municipalities/{MUNICIPALITY}/alerts");
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (status, seen) = http(&server, "GET", &alerts, &coordinator, &json!(null)).await;
    assert_eq!(status, 200);
    let long: Vec<&serde_json::Value> = seen
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "long_queue")
        .collect();
    assert_eq!(long.len(), 1, "{seen}");
    assert_eq!(long[0]["station_id"], format!("{MUNICIPALITY}-1"));
    assert!(
        long[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("Ongeveer 45 minuten wachten"),
        "{seen}"
    );

    // The public: no sign-in, the queue with its age, and only the public fields.
    let finder = format!("/api/public/municipalities/{MUNICIPALITY}/finder");
    let (status, seen) = http(&server, "GET", &finder, "", &json!(null)).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["any_station"], true);
    let stations = seen["stations"].as_array().unwrap();
    assert_eq!(stations.len(), 2);
    for s in stations {
        let mut keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, PUBLIC_FIELDS, "{s}");
    }
    assert_eq!(stations[0]["status"], "open");
    assert_eq!(stations[0]["queue"]["length"], json!({"minutes": 45}));
    assert_eq!(stations[0]["queue"]["age_minutes"], 0);
    assert_eq!(stations[1]["status"], "not_open");
    assert!(stations[1]["queue"].is_null());
    let text = seen.to_string();
    for private in ["Anna", "members", "turnout", "incident", "ballot", "device"] {
        assert!(!text.contains(private), "{private} in {text}");
    }

    // The chair says the queue is gone: the alert goes at once, the finder within the
    // few seconds it keeps an answer.
    station.send(Event::ReportQueue {
        length: QueueLength::None,
    });
    station
        .wait_for(WAIT, |v| v.sync.confirmed >= 3 && settled(v))
        .await
        .unwrap();
    let (_, seen) = http(&server, "GET", &alerts, &coordinator, &json!(null)).await;
    assert!(
        !seen.to_string().contains("long_queue"),
        "the alert is gone: {seen}"
    );
    tokio::time::sleep(kiesdag::http::public::cache::Policy::FINDER.fresh_for).await;
    let (_, seen) = http(&server, "GET", &finder, "", &json!(null)).await;
    assert_eq!(seen["stations"][0]["queue"]["length"], "none", "{seen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_finder_names_no_station_for_an_unknown_or_hostile_code() {
    let (database, dir) = fresh_database();
    seed(&database, &election_open_now(), 1);
    let server = start_server(&database, dir);
    for code in ["GM9999", "GM0599%00", "..%2F..%2Fetc", &"G".repeat(4_000)] {
        let path = format!("/api/public/municipalities/{code}/finder");
        let (status, seen) = http(&server, "GET", &path, "", &json!(null)).await;
        assert_eq!(status, 404, "{code}: {seen}");
    }
    // The server still answers the right code.
    let path = format!("/api/public/municipalities/{MUNICIPALITY}/finder");
    let (status, _) = http(&server, "GET", &path, "", &json!(null)).await;
    assert_eq!(status, 200);
}

/// A database that kept an earlier election's stations, or holds the next one's
/// already, shows citizens and the control room the current election's stations: not
/// the old one's (all "closed"), not the next one's, and not a mixture.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_finder_shows_the_latest_election_not_an_old_one_kept_in_the_database() {
    use shared::domain::{Election, Timestamp};
    let (database, dir) = fresh_database();
    let now = kiesdag::db::now_ms();
    let old = Election {
        id: "OLD".into(),
        name: "Verkiezing vorig jaar".into(),
        opens_at: Timestamp(now - 365 * 86_400_000),
        closes_at: Timestamp(now - 365 * 86_400_000 + 13 * 3_600_000),
        ..election_open_now()
    };
    let mut conn = kiesdag::db::open(&database).unwrap();
    kiesdag::store::elections::upsert(&mut conn, &old).unwrap();
    kiesdag::store::stations::upsert_municipality(&mut conn, MUNICIPALITY, "Rotterdam").unwrap();
    kiesdag::store::stations::upsert(&mut conn, "OLD", &support::station(1)).unwrap();
    kiesdag::store::elections::upsert(&mut conn, &election_open_now()).unwrap();
    for n in [2, 3] {
        kiesdag::store::stations::upsert(&mut conn, &election_open_now().id, &support::station(n))
            .unwrap();
    }
    // The next election's stations, imported a month ahead, do not take over the day.
    let next = Election {
        id: "NEXT".into(),
        name: "Volgende verkiezing".into(),
        opens_at: Timestamp(now + 30 * 86_400_000),
        closes_at: Timestamp(now + 30 * 86_400_000 + 13 * 3_600_000),
        ..election_open_now()
    };
    kiesdag::store::elections::upsert(&mut conn, &next).unwrap();
    kiesdag::store::stations::upsert(&mut conn, "NEXT", &support::station(4)).unwrap();
    // Another election's station with the same id is not moved into this one: its
    // day and result stay where they are.
    let moved = kiesdag::store::stations::upsert(&mut conn, "NEXT", &support::station(2));
    assert!(
        matches!(moved, Err(kiesdag::store::StoreError::OtherElection { .. })),
        "{moved:?}"
    );
    assert_eq!(
        kiesdag::store::stations::get(&mut conn, "GM0599-2")
            .unwrap()
            .election_id,
        election_open_now().id
    );
    let server = start_server(&database, dir);
    let finder = format!("/api/public/municipalities/{MUNICIPALITY}/finder");
    let (status, seen) = http(&server, "GET", &finder, "", &json!(null)).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["election_name"], election_open_now().name, "{seen}");
    // The control room's station list agrees.
    let (status, listed) = http(
        &server,
        "GET",
        &format!("/api/municipalities/{MUNICIPALITY}/stations"),
        &support::staff_token(Role::Coordinator, Some(MUNICIPALITY)),
        &json!(null),
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    let listed: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["station_id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["GM0599-2", "GM0599-3"]);
    let numbers: Vec<u64> = seen["stations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 3]);
}
