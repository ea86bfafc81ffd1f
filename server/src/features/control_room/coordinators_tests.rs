//! The list an incident is assigned from: the municipality's own coordinators and
//! administrators, no one else's, and only for the control room.

use actix_web::http::StatusCode;
use actix_web::test;

use super::coordinators::Coordinator;
use crate::auth::Role;
use crate::db::now_ms;
use crate::http::test_support::{Fixture, app, get, staff_token};
use crate::store::{self, users::UserRecord};

const MUNICIPALITY: &str = "GM0599";
const OTHER: &str = "GM0505";

/// Staff of every role in our municipality, a coordinator of another, and an
/// administrator of every municipality.
fn fixture() -> Fixture {
    let fixture = Fixture::new("coordinators", 2);
    let state = &fixture.state;
    let mut db = state.pool.get().unwrap();
    store::stations::upsert_municipality(&mut db, MUNICIPALITY, "Rotterdam").unwrap();
    store::stations::upsert_municipality(&mut db, OTHER, "Capelle").unwrap();
    for (username, role, municipality) in [
        ("sanne", Role::Coordinator, Some(MUNICIPALITY)),
        ("beheer-rotterdam", Role::Administrator, Some(MUNICIPALITY)),
        ("ahmed", Role::Coordinator, Some(MUNICIPALITY)),
        ("manager", Role::Manager, Some(MUNICIPALITY)),
        ("kijker", Role::Viewer, Some(MUNICIPALITY)),
        ("capelle-regie", Role::Coordinator, Some(OTHER)),
        ("landelijk", Role::Administrator, None),
    ] {
        let user = UserRecord {
            id: format!("user-{username}"),
            username: username.into(),
            password_hash: "not used".into(),
            role,
            municipality_code: municipality.map(Into::into),
        };
        store::users::create(&mut db, &user, now_ms()).unwrap();
    }
    drop(db);
    fixture
}

fn coordinator(username: &str, role: Role) -> Coordinator {
    Coordinator {
        username: username.into(),
        role,
    }
}

#[actix_web::test]
async fn a_coordinator_can_assign_to_the_municipality_s_control_room_staff_only() {
    let fixture = fixture();
    let state = &fixture.state;
    let app = app!(state);
    let uri = format!("/api/municipalities/{MUNICIPALITY}/coordinators");
    let ours = [
        coordinator("ahmed", Role::Coordinator),
        coordinator("beheer-rotterdam", Role::Administrator),
        coordinator("sanne", Role::Coordinator),
    ];

    // Our coordinators and administrator, by name; no manager, viewer, other
    // municipality's coordinator or administrator of every municipality.
    let ours_token = staff_token(state, Role::Coordinator, Some(MUNICIPALITY));
    let response = test::call_service(&app, get(&uri, &ours_token).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let listed: Vec<Coordinator> = test::read_body_json(response).await;
    assert_eq!(listed, ours);

    // An administrator of every municipality sees the same list.
    let national = staff_token(state, Role::Administrator, None);
    let response = test::call_service(&app, get(&uri, &national).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let listed: Vec<Coordinator> = test::read_body_json(response).await;
    assert_eq!(listed, ours);

    // Another municipality's coordinator does not learn our names, nor do our
    // manager and viewer.
    for refused in [
        staff_token(state, Role::Coordinator, Some(OTHER)),
        staff_token(state, Role::Manager, Some(MUNICIPALITY)),
        staff_token(state, Role::Viewer, Some(MUNICIPALITY)),
    ] {
        let response = test::call_service(&app, get(&uri, &refused).to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }

    // The other municipality's list is its own.
    let theirs = format!("/api/municipalities/{OTHER}/coordinators");
    let response = test::call_service(&app, get(&theirs, &national).to_request()).await;
    let listed: Vec<Coordinator> = test::read_body_json(response).await;
    assert_eq!(listed, [coordinator("capelle-regie", Role::Coordinator)]);
}
