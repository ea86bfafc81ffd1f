//! No provisional result reaches public or viewer scopes, by REST or WebSocket,
//! before the election's closing time; after it, it does (DESIGN.md invariant 5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use kiesdag::auth::Role;
use kiesdag::realtime::dashboard_socket::DashboardMessage;
use serde_json::{Value, json};
use shared::Event;
use shared::domain::{ProvisionalResult, StationPhase, Timestamp};
use support::{
    Dashboard, MUNICIPALITY, fresh_database, http, open_station, seed, staff_token, start_server,
};

const WAIT: Duration = Duration::from_secs(15);
const CLOSES_IN_MS: i64 = 6_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_stay_under_embargo_for_viewers_and_the_public_until_closing() {
    let (database, dir) = fresh_database();
    let mut election = support::election_open_now();
    election.closes_at = Timestamp(kiesdag::db::now_ms() + CLOSES_IN_MS);
    election.seats = Some(9);
    let codes = seed(&database, &election, 1);
    let server = start_server(&database, dir);

    let mut station = open_station(&server.ws("/ws/station"), &codes[0]).await;
    close_and_submit(
        &mut station,
        shared::fixtures::result((600, 0, 0), &[300, 200, 96], 2, 2),
    )
    .await;
    assert!(
        kiesdag::db::now_ms() < election.closes_at.millis(),
        "the test must reach here before closing"
    );

    let viewer = staff_token(Role::Viewer, Some(MUNICIPALITY));
    let manager = staff_token(Role::Manager, Some(MUNICIPALITY));
    let results = format!("/api/municipalities/{MUNICIPALITY}/results");
    let public = format!("/api/public/municipalities/{MUNICIPALITY}/results");

    // Before closing.
    let (status, body) = http(&server, "GET", &results, &viewer, &Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["municipality"]["stations_in"], 1,
        "completeness is not under embargo"
    );
    assert_eq!(body["municipality"]["published"], false);
    assert!(
        body["municipality"]["totals"].is_null(),
        "no figures for a viewer: {body}"
    );
    assert!(
        body["seat_allocation"].is_null(),
        "no seats for a viewer: {body}"
    );
    let (_, body) = http(&server, "GET", &public, "", &Value::Null).await;
    assert!(
        body["municipality"]["totals"].is_null(),
        "no figures for the public: {body}"
    );
    assert!(
        body["seat_allocation"].is_null(),
        "no seats for the public: {body}"
    );
    assert!(!body.to_string().contains("\"list_votes\""));
    let (_, body) = http(
        &server,
        "GET",
        &format!("{public}/stations"),
        "",
        &Value::Null,
    )
    .await;
    assert_eq!(body["stations"][0]["result_in"], true, "{body}");
    assert_eq!(body["stations"][0]["published"], false, "{body}");
    assert!(!body.to_string().contains("\"list_votes\""), "{body}");
    let (status, _) = http(
        &server,
        "GET",
        &format!("{results}.csv"),
        &viewer,
        &Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    let (_, body) = http(&server, "GET", &results, &manager, &Value::Null).await;
    assert_eq!(
        body["municipality"]["totals"]["votes_cast"], 600,
        "managers work with results during the count"
    );
    // 9 seats on 300/200/96 votes: full seats 4/3/1, the residual seat by largest
    // remainder to list 1 (Kieswet P 8).
    let seats = &body["seat_allocation"];
    assert_eq!(seats["method"], "quota_largest_remainders", "{body}");
    assert_eq!(seats["complete"], true);
    assert_eq!(
        seats["lists"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["seats"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [5, 3, 1]
    );

    let (_, first) = Dashboard::subscribe(&server, &viewer, None, Some(0)).await;
    let DashboardMessage::Changes { changes } = first else {
        panic!("{first:?}")
    };
    let result = changes
        .iter()
        .find(|c| c.kind == "provisional_result")
        .expect("the result's change is there");
    assert!(result.payload.is_none(), "its figures are not");
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (_, first) = Dashboard::subscribe(&server, &coordinator, None, Some(0)).await;
    let DashboardMessage::Changes { changes } = first else {
        panic!()
    };
    assert!(
        changes
            .iter()
            .find(|c| c.kind == "provisional_result")
            .unwrap()
            .payload
            .is_some()
    );

    // After closing.
    let wait = election.closes_at.millis() - kiesdag::db::now_ms() + 300;
    tokio::time::sleep(Duration::from_millis(u64::try_from(wait.max(0)).unwrap())).await;
    let (_, body) = http(&server, "GET", &results, &viewer, &Value::Null).await;
    assert_eq!(body["municipality"]["totals"]["votes_cast"], 600);
    let (_, body) = http(&server, "GET", &public, "", &Value::Null).await;
    assert_eq!(body["municipality"]["totals"]["list_votes"]["1"], 300);
    assert_eq!(body["seat_allocation"]["lists"][0]["seats"], 5);
    let (status, csv) = http(
        &server,
        "GET",
        &format!("{results}.csv"),
        &viewer,
        &json!(null),
    )
    .await;
    assert_eq!(status, 200, "{csv}");
    let (_, first) = Dashboard::subscribe(&server, &viewer, None, Some(0)).await;
    let DashboardMessage::Changes { changes } = first else {
        panic!()
    };
    assert!(
        changes
            .iter()
            .find(|c| c.kind == "provisional_result")
            .unwrap()
            .payload
            .is_some()
    );
}

/// Closes a station (before closing time, confirmed) and submits `result`.
async fn close_and_submit(station: &mut kiesdag_sim::Station, result: ProvisionalResult) {
    station.tap_closing_checklist();
    station.send(Event::CloseStation {
        voters_in_queue_at_close: 0,
    });
    station
        .wait_for(WAIT, |v| v.confirmation.is_some())
        .await
        .unwrap();
    station.send(Event::ConfirmWarnings);
    station
        .wait_for(WAIT, |v| v.phase == StationPhase::Closed)
        .await
        .unwrap();
    station.send(Event::EditResult(result));
    station.send(Event::SubmitResult);
    let view = station
        .wait_for(WAIT, |v| {
            v.confirmation.is_some() || v.phase == StationPhase::ResultSubmitted
        })
        .await
        .unwrap();
    if view.confirmation.is_some() {
        station.send(Event::ConfirmWarnings);
    }
    station
        .wait_for(WAIT, |v| {
            v.phase == StationPhase::ResultSubmitted
                && v.sync.pending + v.sync.sent + v.sync.saving == 0
        })
        .await
        .unwrap();
}

/// In Flanders a unit's figures are published only where at least 500 voted, also
/// after closing; while one unit is withheld, so is the municipality's total.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flemish_units_under_500_voters_stay_withheld_after_closing() {
    let (database, dir) = fresh_database();
    let mut election = support::election_open_now();
    election.jurisdiction = shared::domain::Jurisdiction::Flanders;
    // Four stations report before closing: more time than the other test.
    election.closes_at = Timestamp(kiesdag::db::now_ms() + 2 * CLOSES_IN_MS);
    let codes = seed(&database, &election, 4);
    // Station n, its subarea and its votes cast.
    let plan = [
        (1, "Binnenstad", 600),
        (2, "Tereken", 300),
        (3, "Centrum", 700),
        (4, "Binnenstad", 300),
    ];
    {
        let mut conn = kiesdag::db::open(&database).unwrap();
        for (n, subarea, _) in plan {
            let mut station = support::station(n);
            station.subarea = Some(subarea.into());
            kiesdag::store::stations::upsert(&mut conn, &election.id, &station).unwrap();
        }
    }
    let server = start_server(&database, dir);
    // Watching live while the results come in: the coordinator's dashboard and a
    // viewer's share one rendering of each change, and must not share its figures.
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let viewer = staff_token(Role::Viewer, Some(MUNICIPALITY));
    let (mut coordinator_live, _) = Dashboard::subscribe(&server, &coordinator, None, None).await;
    let (mut viewer_live, _) = Dashboard::subscribe(&server, &viewer, None, None).await;
    for ((_, _, votes), code) in plan.iter().zip(&codes) {
        let mut station = open_station(&server.ws("/ws/station"), code).await;
        close_and_submit(
            &mut station,
            kiesdag_sim::consistent_result(*votes, &[3, 2, 1], 0),
        )
        .await;
    }
    let results_seen = |changes: Vec<kiesdag::realtime::dashboard_socket::ChangeView>| {
        changes
            .into_iter()
            .filter(|c| c.kind == "provisional_result")
            .collect::<Vec<_>>()
    };
    let seen = results_seen(
        coordinator_live
            .changes(usize::MAX, Duration::from_secs(1))
            .await,
    );
    assert_eq!(seen.len(), 4);
    assert!(
        seen.iter().all(|c| c.payload.is_some()),
        "the count's staff see figures"
    );
    let seen = results_seen(
        viewer_live
            .changes(usize::MAX, Duration::from_secs(1))
            .await,
    );
    assert_eq!(seen.len(), 4);
    assert!(
        seen.iter().all(|c| c.payload.is_none()),
        "before closing a viewer sees no figures"
    );

    let wait = election.closes_at.millis() - kiesdag::db::now_ms() + 300;
    tokio::time::sleep(Duration::from_millis(u64::try_from(wait.max(0)).unwrap())).await;
    let public = format!("/api/public/municipalities/{MUNICIPALITY}/results");
    let results = format!("/api/municipalities/{MUNICIPALITY}/results");
    // The public page and a viewer alike.
    for (path, token) in [(public.as_str(), ""), (results.as_str(), viewer.as_str())] {
        let (status, body) = http(&server, "GET", path, token, &Value::Null).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["publication_threshold"], 500);
        let subarea = |name: &str| {
            body["subareas"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["unit"] == name)
                .cloned()
                .unwrap()
        };
        let centrum = subarea("Centrum");
        assert_eq!(centrum["published"], true, "{body}");
        assert_eq!(centrum["totals"]["votes_cast"], 700);
        let tereken = subarea("Tereken");
        assert_eq!(tereken["published"], false, "{body}");
        assert!(tereken["totals"].is_null());
        assert_eq!(tereken["stations_in"], 1, "completeness is still shown");
        let binnenstad = subarea("Binnenstad");
        assert_eq!(
            binnenstad["published"], false,
            "900 voted, but its total minus station 1 (published) would give station 4: {body}"
        );
        assert!(binnenstad["totals"].is_null());
        assert_eq!(body["municipality"]["published"], false);
        assert!(
            body["municipality"]["totals"].is_null(),
            "the total would give Tereken's figures by subtraction: {body}"
        );
    }
    // Per station, the public page and a viewer alike: the figures of stations where
    // at least 500 voted, and no others (completeness of every one).
    for (path, token) in [
        (format!("{public}/stations"), ""),
        (format!("{results}/stations"), viewer.as_str()),
    ] {
        let (status, body) = http(&server, "GET", &path, token, &Value::Null).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["counted_in_offices"], false);
        let rows: Vec<(u64, bool, bool, Value)> = body["stations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["number"].as_u64().unwrap(),
                    s["result_in"].as_bool().unwrap(),
                    s["published"].as_bool().unwrap(),
                    s["totals"]["votes_cast"].clone(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (1, true, true, json!(600)),
                (2, true, false, Value::Null),
                (3, true, true, json!(700)),
                (4, true, false, Value::Null),
            ],
            "{body}"
        );
    }
    // After closing, a viewer's dashboard gets the figures of stations where at least
    // 500 voted, and no others.
    let (_, first) = Dashboard::subscribe(&server, &viewer, None, Some(0)).await;
    let DashboardMessage::Changes { changes } = first else {
        panic!("{first:?}")
    };
    let mut figures: Vec<(String, bool)> = results_seen(changes)
        .into_iter()
        .map(|c| (c.station_id.unwrap_or_default(), c.payload.is_some()))
        .collect();
    figures.sort();
    let shown: Vec<bool> = figures.iter().map(|(_, shown)| *shown).collect();
    assert_eq!(shown, [true, false, true, false], "{figures:?}");
    // The count's own staff see every figure.
    let manager = staff_token(Role::Manager, Some(MUNICIPALITY));
    let (_, body) = http(&server, "GET", &results, &manager, &Value::Null).await;
    assert_eq!(body["municipality"]["totals"]["votes_cast"], 1_900);
}

/// A result corrected under the threshold stays withheld in every replay: the embargo
/// is decided on the station's current result, not on the figures of the event
/// replayed (1,444 votes first, then corrected to 444: neither is shown).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_corrected_under_the_threshold_is_withheld_in_replays() {
    let (database, dir) = fresh_database();
    let mut election = support::election_open_now();
    election.jurisdiction = shared::domain::Jurisdiction::Flanders;
    election.closes_at = Timestamp(kiesdag::db::now_ms() + CLOSES_IN_MS);
    let codes = seed(&database, &election, 1);
    let server = start_server(&database, dir);
    let mut station = open_station(&server.ws("/ws/station"), &codes[0]).await;
    close_and_submit(
        &mut station,
        kiesdag_sim::consistent_result(1_444, &[3, 2, 1], 0),
    )
    .await;
    station.send(Event::EditResult(kiesdag_sim::consistent_result(
        444,
        &[3, 2, 1],
        0,
    )));
    station.send(Event::SubmitResult);
    let view = station
        .wait_for(WAIT, |v| {
            v.confirmation.is_some() || v.sync.pending + v.sync.sent + v.sync.saving == 0
        })
        .await
        .unwrap();
    if view.confirmation.is_some() {
        station.send(Event::ConfirmWarnings);
    }
    station
        .wait_for(WAIT, |v| {
            v.sync.pending + v.sync.sent + v.sync.saving == 0 && v.confirmation.is_none()
        })
        .await
        .unwrap();

    let wait = election.closes_at.millis() - kiesdag::db::now_ms() + 300;
    tokio::time::sleep(Duration::from_millis(u64::try_from(wait.max(0)).unwrap())).await;
    let results = |first: DashboardMessage| {
        let DashboardMessage::Changes { changes } = first else {
            panic!("{first:?}")
        };
        changes
            .into_iter()
            .filter(|c| c.kind == "provisional_result")
            .collect::<Vec<_>>()
    };
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (_, first) = Dashboard::subscribe(&server, &coordinator, None, Some(0)).await;
    let seen = results(first);
    assert_eq!(seen.len(), 2, "the result and its correction");
    assert!(seen.iter().all(|c| c.payload.is_some()));
    let viewer = staff_token(Role::Viewer, Some(MUNICIPALITY));
    let (_, first) = Dashboard::subscribe(&server, &viewer, None, Some(0)).await;
    let seen = results(first);
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter().all(|c| c.payload.is_none()),
        "444 voted there now: no figures, not even the superseded ones: {seen:?}"
    );
}
