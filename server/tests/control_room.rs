//! The control room's actions reach the station at once, and a station that was
//! offline gets them when it reconnects.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use kiesdag::auth::Role;
use serde_json::json;
use shared::Event;
use shared::app::Screen;
use shared::app::view::{ConnectionState, Page};
use shared::domain::{IncidentCategory, IncidentSeverity, IncidentStatus};
use shared::validation::Language;
use support::{
    MUNICIPALITY, election_open_now, fresh_database, http, open_station, seed, staff_token,
    start_server,
};

const WAIT: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_goes_round_trip_and_messages_reach_every_station() {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 2);
    support::create_user(&database, "Fatima", Role::Coordinator, Some(MUNICIPALITY));
    let server = start_server(&database, dir);
    let url = server.ws("/ws/station");
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let mut one = open_station(&url, &codes[0]).await;
    let mut two = open_station(&url, &codes[1]).await;

    one.send(Event::ReportIncident {
        category: IncidentCategory::Accessibility,
        severity: IncidentSeverity::High,
        text: "Geen hellingbaan".into(),
    });
    one.send(Event::Navigate(Screen::Incidents));
    let view = one
        .wait_for(WAIT, |v| matches!(&v.page, Page::Incidents(p) if p.incidents.first().is_some_and(|i| i.state == shared::app::sync::OperationState::Confirmed)))
        .await
        .unwrap();
    let Page::Incidents(page) = view.page else {
        unreachable!()
    };
    let incident = page.incidents[0].incident_id.clone();

    // An open incident is settled by resolving it, not by marking its alert resolved;
    // it can be marked seen.
    let (_, alerts) = http(
        &server,
        "GET",
        &format!("/api/municipalities/{MUNICIPALITY}/alerts"),
        &coordinator,
        &json!(null),
    )
    .await;
    let open = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "open_incidents")
        .cloned()
        .unwrap();
    let handle = format!("/api/stations/{MUNICIPALITY}-1/alerts");
    let (status, body) = http(
        &server,
        "POST",
        &handle,
        &coordinator,
        &json!({"kind": "open_incidents", "status": "resolved", "detail": open["detail"]}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.to_string().contains("resolving the incidents"),
        "{body}"
    );
    let (status, _) = http(
        &server,
        "POST",
        &handle,
        &coordinator,
        &json!({"kind": "open_incidents", "status": "acknowledged", "detail": open["detail"]}),
    )
    .await;
    assert_eq!(status, 200);

    // The coordinator takes it and answers.
    let (status, body) = http(
        &server,
        "POST",
        &format!("/api/stations/{MUNICIPALITY}-1/incidents/{incident}/status"),
        &coordinator,
        &json!({"status": "in_progress", "assignee": "Fatima"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = http(&server, "POST", &format!("/api/municipalities/{MUNICIPALITY}/messages"), &coordinator, &json!({"station_ids": [format!("{MUNICIPALITY}-1")], "incident_id": incident, "text": "Gemeentewerken komt eraan"})).await;
    assert_eq!(status, 200);
    let view = one
        .wait_for(WAIT, |v| matches!(&v.page, Page::Incidents(p) if p.incidents[0].status == IncidentStatus::InProgress && !p.incidents[0].messages.is_empty()))
        .await
        .unwrap();
    let Page::Incidents(page) = view.page else {
        unreachable!()
    };
    assert_eq!(
        page.incidents[0].messages[0].text,
        "Gemeentewerken komt eraan"
    );

    // A message to all stations, while station two is offline: it arrives when it is back.
    two.set_network(false);
    two.wait_for(WAIT, |v| v.connection.state != ConnectionState::Online)
        .await
        .unwrap();
    let (status, body) = http(
        &server,
        "POST",
        &format!("/api/municipalities/{MUNICIPALITY}/messages"),
        &coordinator,
        &json!({"all_stations": true, "text": "Denk aan de opkomst van 13:00"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["event_seqs"].as_array().unwrap().len(),
        2,
        "one event per station"
    );
    two.set_network(true);
    two.send(Event::ReconnectNow);
    two.send(Event::Navigate(Screen::Day));
    two.wait_for(WAIT, |v| matches!(&v.page, Page::Day(d) if d.messages.iter().any(|m| m.text == "Denk aan de opkomst van 13:00")))
        .await
        .unwrap();

    // Bad requests change nothing.
    let (status, _) = http(
        &server,
        "POST",
        &format!("/api/stations/{MUNICIPALITY}-1/incidents/nope/status"),
        &coordinator,
        &json!({"status": "resolved"}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = http(
        &server,
        "POST",
        &format!("/api/municipalities/{MUNICIPALITY}/messages"),
        &coordinator,
        &json!({"all_stations": true, "text": "   "}),
    )
    .await;
    assert_eq!(status, 400);
    let other = staff_token(Role::Coordinator, Some("GM0505"));
    let (status, _) = http(
        &server,
        "POST",
        &format!("/api/stations/{MUNICIPALITY}-1/resupply"),
        &other,
        &json!({"quantity": 200}),
    )
    .await;
    assert_eq!(
        status, 403,
        "a coordinator of another municipality cannot act here"
    );
    let viewer = staff_token(Role::Viewer, Some(MUNICIPALITY));
    let (status, _) = http(
        &server,
        "POST",
        &format!("/api/stations/{MUNICIPALITY}-1/resupply"),
        &viewer,
        &json!({"quantity": 200}),
    )
    .await;
    assert_eq!(status, 403, "a viewer cannot act");
    // The station asks for ballots: it needs attention until the control room sends them.
    one.send(Event::RequestResupply {
        quantity: 200,
        urgency: shared::domain::Urgency::High,
        note: String::new(),
    });
    one.wait_for(WAIT, |v| {
        v.sync.pending == 0 && v.sync.sent == 0 && v.sync.saving == 0
    })
    .await
    .unwrap();
    let resupply = |body: serde_json::Value| {
        let list = body.get("stations").cloned().unwrap_or(body);
        let one = list
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["station_id"] == format!("{MUNICIPALITY}-1"))
            .cloned()
            .unwrap();
        (
            one["resupply_outstanding"].as_u64().unwrap(),
            one["resupply_in_transit"].as_u64().unwrap(),
        )
    };
    let stations = format!("/api/municipalities/{MUNICIPALITY}/stations");
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let (_, body) = http(&server, "GET", &stations, &coordinator, &json!(null)).await;
        let seen = resupply(body);
        if seen == (200, 0) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "asked, not yet sent: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, _) = http(
        &server,
        "POST",
        &format!("/api/stations/{MUNICIPALITY}-1/resupply"),
        &coordinator,
        &json!({"quantity": 200, "note": "Koerier 14:10"}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = http(&server, "GET", &stations, &coordinator, &json!(null)).await;
    assert_eq!(
        resupply(body),
        (0, 200),
        "sent: on its way, no longer a problem"
    );
    one.send(Event::Navigate(Screen::Day));
    one.wait_for(WAIT, |v| matches!(&v.page, Page::Day(d) if d.messages.iter().any(|m| m.text == "200 stembiljetten zijn onderweg. Koerier 14:10" && m.from == "Regiekamer")))
        .await
        .unwrap();
    // The server sends the dispatch, not a text: an English chair reads it in English.
    one.send(Event::SetLanguage(Language::English));
    one.wait_for(WAIT, |v| matches!(&v.page, Page::Day(d) if d.messages.iter().any(|m| m.text == "200 ballot papers are on their way. Koerier 14:10" && m.from == "Control room")))
        .await
        .unwrap();
}

/// A coordinator sees an alert (named beside it), then resolves it (no longer a
/// problem); both are in the audit log with who and when. An alert the station does
/// not have, or one that reads differently now, is refused and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_is_seen_and_resolved_with_who_and_when_in_the_audit_log() {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 2);
    let fatima = support::create_user(&database, "Fatima", Role::Coordinator, Some(MUNICIPALITY));
    let server = start_server(&database, dir);
    let coordinator = support::staff_token_for(&fatima, Role::Coordinator, Some(MUNICIPALITY));
    let alerts_url = format!("/api/municipalities/{MUNICIPALITY}/alerts");
    let station = format!("{MUNICIPALITY}-2");
    let not_open = |alerts: &serde_json::Value| {
        alerts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["station_id"] == station && a["kind"] == "not_open")
            .cloned()
            .unwrap()
    };
    // Neither station opened at opening time.
    let (status, alerts) = http(&server, "GET", &alerts_url, &coordinator, &json!(null)).await;
    assert_eq!(status, 200);
    let alert = not_open(&alerts);
    assert_eq!(alert["handled"], json!(null));
    let detail = alert["detail"].as_str().unwrap().to_owned();
    let handle = format!("/api/stations/{station}/alerts");

    // Refused, and nothing recorded: another reading, an alert it does not have, a
    // viewer, a coordinator of another municipality.
    let (status, body) = http(
        &server,
        "POST",
        &handle,
        &coordinator,
        &json!({"kind": "not_open", "status": "resolved", "detail": "Niet open om 03:00"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.to_string().contains(&detail),
        "says how it reads now: {body}"
    );
    let (status, _) = http(
        &server,
        "POST",
        &handle,
        &coordinator,
        &json!({"kind": "device_silent", "status": "resolved", "detail": detail}),
    )
    .await;
    assert_eq!(status, 422);
    let viewer = staff_token(Role::Viewer, Some(MUNICIPALITY));
    let (status, _) = http(
        &server,
        "POST",
        &handle,
        &viewer,
        &json!({"kind": "not_open", "status": "resolved", "detail": detail}),
    )
    .await;
    assert_eq!(status, 403);
    let other = staff_token(Role::Coordinator, Some("GM0505"));
    let (status, _) = http(
        &server,
        "POST",
        &handle,
        &other,
        &json!({"kind": "not_open", "status": "resolved", "detail": detail}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = http(
        &server,
        "POST",
        &handle,
        &coordinator,
        &json!({"kind": "not_open", "status": "gone", "detail": detail}),
    )
    .await;
    assert_eq!(status, 400);
    let (_, alerts) = http(&server, "GET", &alerts_url, &coordinator, &json!(null)).await;
    assert_eq!(not_open(&alerts)["handled"], json!(null));

    // Seen: still a problem, with her name beside it.
    let (status, body) = http(
        &server,
        "POST",
        &handle,
        &coordinator,
        &json!({"kind": "not_open", "status": "acknowledged", "detail": detail}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, alerts) = http(&server, "GET", &alerts_url, &coordinator, &json!(null)).await;
    let seen = not_open(&alerts);
    assert_eq!(seen["handled"]["status"], "acknowledged");
    assert_eq!(seen["handled"]["by"], "Fatima");
    // A viewer sees that it was seen, not by whom.
    let (_, for_viewer) = http(&server, "GET", &alerts_url, &viewer, &json!(null)).await;
    assert_eq!(not_open(&for_viewer)["handled"]["status"], "acknowledged");
    assert_eq!(not_open(&for_viewer)["handled"]["by"], "");
    assert!(seen["handled"]["at"].as_i64().unwrap() > 0);

    // Resolved: listed after the alerts that still need the control room.
    let (status, _) = http(
        &server,
        "POST",
        &handle,
        &coordinator,
        &json!({"kind": "not_open", "status": "resolved", "detail": detail}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, alerts) = http(&server, "GET", &alerts_url, &coordinator, &json!(null)).await;
    assert_eq!(not_open(&alerts)["handled"]["status"], "resolved");
    let list = alerts.as_array().unwrap();
    assert_eq!(list.last().unwrap()["station_id"], station);
    assert_eq!(
        list[0]["handled"],
        json!(null),
        "station 1's alert comes first"
    );

    // Who and when, in the audit log, and the chain still verifies.
    let mut conn = kiesdag::db::open(&database).unwrap();
    let audited: Vec<(String, String)> = {
        use diesel::prelude::*;
        use kiesdag::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq("control_room.alert_handled"))
            .select((audit_log::actor, audit_log::subject))
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(audited.len(), 2, "{audited:?}");
    assert!(
        audited
            .iter()
            .all(|(actor, subject)| actor.contains(&fatima) && subject.contains(&station)),
        "{audited:?}"
    );
    assert!(kiesdag::store::audit::verify(&mut conn).unwrap().is_ok());

    // The station's device is told nothing of it: its welcome's day has no handlings.
    let mut device = support::RawDevice::connect(&server).await;
    let token = device.activate(&codes[1]).await;
    let mut again = support::RawDevice::connect_as(&server, device.device_id).await;
    let shared::protocol::ServerMessage::Welcome { day, .. } = again.hello(&token).await else {
        panic!("a welcome")
    };
    assert!(day.alerts_handled.is_empty(), "{:?}", day.alerts_handled);
}

/// A device that is connected but has nothing to report is heard from through its
/// heartbeats, so it is not "silent" between turnout moments; a message from the
/// control room is no contact, and leaves a station never heard from unheard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_count_as_contact_and_control_room_messages_do_not() {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 2);
    let server = start_server(&database, dir);
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let url = server.ws("/ws/station");
    let _one = open_station(&url, &codes[0]).await;
    let seen = |body: &serde_json::Value, n: u32| {
        body.as_array()
            .unwrap()
            .iter()
            .find(|s| s["station_id"] == format!("{MUNICIPALITY}-{n}"))
            .unwrap()["last_seen_at"]
            .as_i64()
    };
    let stations = format!("/api/municipalities/{MUNICIPALITY}/stations");
    // The opening, once stored, was a contact.
    let deadline = std::time::Instant::now() + WAIT;
    let opened = loop {
        let (_, body) = http(&server, "GET", &stations, &coordinator, &json!(null)).await;
        assert_eq!(seen(&body, 2), None);
        if let Some(at) = seen(&body, 1) {
            break at;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the opening was not stored"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let (status, _) = http(
        &server,
        "POST",
        &format!("/api/municipalities/{MUNICIPALITY}/messages"),
        &coordinator,
        &json!({"all_stations": true, "text": "Goedemorgen"}),
    )
    .await;
    assert_eq!(status, 200);
    // The device sends a heartbeat every 20 s (shared::app::session::TICK), and the
    // server writes what it heard every 15 s (contacts::FLUSH_EVERY).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (_, body) = http(&server, "GET", &stations, &coordinator, &json!(null)).await;
        assert_eq!(
            seen(&body, 2),
            None,
            "a message is no contact with station 2"
        );
        if seen(&body, 1).is_some_and(|at| at > opened) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no heartbeat recorded as contact"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Managers and viewers see the day's figures on the live feed, not its people: the
/// members' names and the incident's text reach the coordinator's dashboard only
/// (docs/privacy.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_and_texts_reach_the_control_room_and_not_managers_or_viewers() {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 1);
    let server = start_server(&database, dir);
    let (mut coordinator, _) = support::Dashboard::subscribe(
        &server,
        &staff_token(Role::Coordinator, Some(MUNICIPALITY)),
        None,
        None,
    )
    .await;
    let (mut viewer, _) = support::Dashboard::subscribe(
        &server,
        &staff_token(Role::Viewer, Some(MUNICIPALITY)),
        None,
        None,
    )
    .await;
    let (mut manager, _) = support::Dashboard::subscribe(
        &server,
        &staff_token(Role::Manager, Some(MUNICIPALITY)),
        None,
        None,
    )
    .await;
    let station = open_station(&server.ws("/ws/station"), &codes[0]).await;
    station.send(Event::ReportIncident {
        category: IncidentCategory::Accessibility,
        severity: IncidentSeverity::High,
        text: "Mevrouw Jansen kan niet naar binnen".into(),
    });
    station.send(Event::ReportTurnout {
        count: 42,
        moment: shared::domain::TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    let quiet = Duration::from_secs(3);
    let seen = coordinator.changes(3, quiet).await;
    let text = serde_json::to_string(&seen).unwrap();
    assert!(
        text.contains("Anna") && text.contains("Mevrouw Jansen"),
        "{text}"
    );
    for feed in [&mut viewer, &mut manager] {
        let seen = feed.changes(3, quiet).await;
        assert_eq!(
            seen.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>(),
            ["opening", "incident", "turnout"]
        );
        let text = serde_json::to_string(&seen).unwrap();
        assert!(!text.contains("Anna") && !text.contains("Jansen"), "{text}");
        assert!(
            text.contains("\"count\":42"),
            "the figures are there: {text}"
        );
    }

    // A downward correction's reason is the chair's own words: the control room reads
    // it with the alert, managers and viewers get the alert without it.
    let mut station = station;
    station.send(Event::ReportTurnout {
        count: 40,
        moment: shared::domain::TurnoutMoment::AdHoc,
        correction_reason: Some("Mevrouw Jansen dubbel geteld".into()),
    });
    let view = station
        .wait_for(WAIT, |v| v.confirmation.is_some() || support::settled(v))
        .await
        .unwrap();
    if view.confirmation.is_some() {
        station.send(Event::ConfirmWarnings);
    }
    station
        .wait_for(WAIT, |v| {
            v.confirmation.is_none() && v.sync.confirmed >= 4 && support::settled(v)
        })
        .await
        .unwrap();
    let alerts = format!("/api/municipalities/{MUNICIPALITY}/alerts");
    let decrease = |alerts: &serde_json::Value| {
        alerts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["kind"] == "turnout_decrease")
            .cloned()
            .unwrap_or_else(|| panic!("no turnout_decrease in {alerts}"))
    };
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (_, seen) = http(&server, "GET", &alerts, &coordinator, &json!(null)).await;
    assert_eq!(decrease(&seen)["reason"], "Mevrouw Jansen dubbel geteld");
    for role in [Role::Manager, Role::Viewer] {
        let token = staff_token(role, Some(MUNICIPALITY));
        let (status, seen) = http(&server, "GET", &alerts, &token, &json!(null)).await;
        assert_eq!(status, 200);
        assert!(decrease(&seen)["reason"].is_null(), "{seen}");
        assert!(!seen.to_string().contains("Jansen"), "{role:?}: {seen}");
    }
}
