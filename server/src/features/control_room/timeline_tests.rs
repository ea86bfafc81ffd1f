//! The station timeline and the incident queue's events: what they hold, and that
//! they stay within the caller's municipality and the control room.

use actix_web::http::StatusCode;
use actix_web::test;
use actix_web::{App, web};
use shared::domain::{Election, Timestamp};
use shared::protocol::EventPayload;

use super::timeline::StationTimeline;
use crate::auth::Role;
use crate::db::now_ms;
use crate::features::control_room::actions::{self, ControlRoomAction};
use crate::http::test_support::{Fixture, app, election, get, staff_token, station};
use crate::realtime::dashboard_socket::ChangeView;
use crate::store::{self, events::EventRecord};

const MUNICIPALITY: &str = "GM0599";
const OTHER: &str = "GM0505";

/// Two stations of ours and one of another municipality; a message to each.
fn fixture() -> Fixture {
    let fixture = Fixture::new("timeline", 2);
    let state = &fixture.state;
    // Open since an hour ago, closing in an hour.
    let election = Election {
        closes_at: Timestamp(now_ms() + 3_600_000),
        ..election()
    };
    let mut db = state.pool.get().unwrap();
    store::elections::upsert(&mut db, &election).unwrap();
    store::stations::upsert_municipality(&mut db, MUNICIPALITY, "Rotterdam").unwrap();
    store::stations::upsert_municipality(&mut db, OTHER, "Capelle").unwrap();
    for s in [
        station(MUNICIPALITY, 1),
        station(MUNICIPALITY, 2),
        station(OTHER, 1),
    ] {
        store::stations::upsert(&mut db, &election.id, &s).unwrap();
        let action = ControlRoomAction::Message {
            message_id: format!("m-{}", s.id),
            incident_id: None,
            from: "Regiekamer".into(),
            text: format!("Bericht voor {}", s.id),
        };
        actions::record(&mut db, "test", std::slice::from_ref(&s.id), &action).unwrap();
    }
    drop(db);
    fixture
}

#[actix_web::test]
async fn a_station_timeline_holds_its_own_events_only() {
    let fixture = fixture();
    let state = &fixture.state;
    let app = app!(state);
    let coordinator = staff_token(state, Role::Coordinator, Some(MUNICIPALITY));
    let uri = format!("/api/stations/{MUNICIPALITY}-2/timeline");
    let response = test::call_service(&app, get(&uri, &coordinator).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let timeline: StationTimeline = test::read_body_json(response).await;
    assert_eq!(timeline.station.station_id, format!("{MUNICIPALITY}-2"));
    assert_eq!(timeline.events.len(), 1, "{:?}", timeline.events);
    assert_eq!(timeline.events[0].kind, "message");
    let Some(EventPayload::Action(ControlRoomAction::Message { text, .. })) =
        &timeline.events[0].payload
    else {
        panic!("a message: {:?}", timeline.events[0].payload);
    };
    assert_eq!(text, &format!("Bericht voor {MUNICIPALITY}-2"));

    // Another municipality's station is closed to us; an unknown one is not found.
    let other = format!("/api/stations/{OTHER}-1/timeline");
    let response = test::call_service(&app, get(&other, &coordinator).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let unknown = format!("/api/stations/{MUNICIPALITY}-99/timeline");
    let response = test::call_service(&app, get(&unknown, &coordinator).to_request()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // A viewer does not get the control room's detail.
    let viewer = staff_token(state, Role::Viewer, Some(MUNICIPALITY));
    let response = test::call_service(&app, get(&uri, &viewer).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn the_incident_events_are_the_municipality_s_own() {
    let fixture = fixture();
    let state = &fixture.state;
    let app = app!(state);
    let uri = format!("/api/municipalities/{MUNICIPALITY}/incidents");
    let coordinator = staff_token(state, Role::Coordinator, Some(MUNICIPALITY));
    let response = test::call_service(&app, get(&uri, &coordinator).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let events: Vec<ChangeView> = test::read_body_json(response).await;
    let stations: Vec<_> = events
        .iter()
        .map(|e| e.station_id.clone().unwrap())
        .collect();
    assert_eq!(
        stations,
        [format!("{MUNICIPALITY}-1"), format!("{MUNICIPALITY}-2")]
    );
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
    let theirs = staff_token(state, Role::Coordinator, Some(OTHER));
    let response = test::call_service(&app, get(&uri, &theirs).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn an_event_whose_payload_no_longer_reads_is_listed_without_it() {
    let fixture = fixture();
    let state = &fixture.state;
    let station = format!("{MUNICIPALITY}-2");
    // An incident as an older version might have stored it, without the fields the
    // report has now.
    let mut db = state.pool.get().unwrap();
    let seq = store::elections::take_sequence_numbers(&mut db, "E1", 1).unwrap();
    store::events::insert(
        &mut db,
        &[EventRecord {
            election_id: "E1".into(),
            seq,
            station_id: Some(station.clone()),
            kind: "incident".into(),
            payload: r#"{"report":{"incident":{"text":"oud formaat"}}}"#.into(),
            recorded_at: now_ms(),
            committed_at: now_ms(),
        }],
    )
    .unwrap();
    drop(db);
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(state.clone()))
            .configure(crate::http::configure),
    )
    .await;
    let coordinator = staff_token(state, Role::Coordinator, Some(MUNICIPALITY));

    let uri = format!("/api/stations/{station}/timeline");
    let response = test::call_service(&app, get(&uri, &coordinator).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let timeline: StationTimeline = test::read_body_json(response).await;
    let shown: Vec<_> = timeline
        .events
        .iter()
        .map(|e| (e.kind.as_str(), e.payload.is_some()))
        .collect();
    assert_eq!(shown, [("message", true), ("incident", false)]);

    let uri = format!("/api/municipalities/{MUNICIPALITY}/incidents");
    let response = test::call_service(&app, get(&uri, &coordinator).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let events: Vec<ChangeView> = test::read_body_json(response).await;
    let old = events.iter().find(|e| e.seq == seq).unwrap();
    assert_eq!(old.kind, "incident");
    assert!(old.payload.is_none());
    assert_eq!(events.iter().filter(|e| e.payload.is_some()).count(), 2);
}
