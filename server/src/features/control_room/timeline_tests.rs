//! The station timeline and the incident queue's events: what they hold, and that
//! they stay within the caller's municipality and the control room.

use actix_web::http::StatusCode;
use actix_web::test;
use shared::domain::{Election, Timestamp};

use super::timeline::StationTimeline;
use crate::auth::Role;
use crate::db::now_ms;
use crate::features::control_room::actions::{self, ControlRoomAction};
use crate::http::test_support::{Fixture, app, election, get, staff_token, station};
use crate::realtime::dashboard_socket::ChangeView;
use crate::store;

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
    assert_eq!(
        timeline.events[0].payload.as_ref().unwrap()["text"],
        format!("Bericht voor {MUNICIPALITY}-2")
    );

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
