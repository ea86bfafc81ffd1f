//! The REST API in-process, on a fresh SQLite file: every endpoint against every kind
//! of caller (DESIGN.md invariant 7), municipality boundaries, and sign-in with bad
//! input (invariant 8).

use std::collections::BTreeSet;

use actix_web::http::{Method, StatusCode};
use actix_web::test::{self, TestRequest};
use diesel::prelude::*;

use super::session::TokenResponse;
use super::test_support::{Fixture, claims, election, in_an_hour, staff_token, station};
use super::{ALL_STAFF, ErrorBody, MAX_JSON_BYTES, endpoints};
use crate::auth::{Access, Role, TokenKeys, TokenKind, hash_password};
use crate::db::{
    now_ms,
    schema::{refresh_tokens, users},
};
use crate::features::stations::summary::StationSummary;
use crate::state::AppState;
use crate::store;

const MUNICIPALITY: &str = "GM0599";
const OTHER_MUNICIPALITY: &str = "GM0505";
const WEBSOCKETS: [&str; 2] = ["/ws/station", "/ws/dashboard"];
/// `{"alg":"none","typ":"JWT"}`, base64url without padding.
const ALG_NONE_HEADER: &str = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";

fn fixture() -> Fixture {
    Fixture::new("api", 4)
}

use super::test_support::app;

/// Sends `req`; the status and the body.
macro_rules! send {
    ($app:expr, $req:expr) => {{
        let response = test::call_service(&$app, $req.to_request()).await;
        let status = response.status();
        (status, test::read_body(response).await)
    }};
}

/// Every kind of caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Nobody,
    Staff(Role),
    /// A staff token of an allowed-looking role, expired ten seconds ago.
    Expired,
    /// A staff token signed with another secret.
    OtherSecret,
    /// A staff token whose header says `alg: none`, without a signature.
    AlgNone,
    /// A valid token of a station's device, which is no staff token.
    Device,
    /// An `Authorization` header that is not a bearer token.
    NotBearer,
}

fn everyone() -> Vec<Who> {
    let mut all = vec![Who::Nobody];
    all.extend(Role::ALL.into_iter().map(Who::Staff));
    all.extend([
        Who::Expired,
        Who::OtherSecret,
        Who::AlgNone,
        Who::Device,
        Who::NotBearer,
    ]);
    all
}

/// The `Authorization` header of `who`, for `municipality`.
fn authorization(state: &AppState, who: Who, municipality: &str) -> Option<String> {
    let admin = Some(Role::Administrator);
    let token = match who {
        Who::Nobody => return None,
        Who::NotBearer => return Some("Basic YWRtaW46YWRtaW4=".into()),
        Who::Staff(role) => staff_token(state, role, Some(municipality)),
        Who::Expired => {
            let expired = claims(TokenKind::Staff, admin, None, now_ms() / 1000 - 10);
            state.keys.sign(&expired).unwrap()
        }
        Who::OtherSecret => TokenKeys::new(b"another secret, not the server's one")
            .sign(&claims(TokenKind::Staff, admin, None, in_an_hour()))
            .unwrap(),
        Who::AlgNone => {
            let signed = state
                .keys
                .sign(&claims(TokenKind::Staff, admin, None, in_an_hour()))
                .unwrap();
            let payload = signed.split('.').nth(1).unwrap();
            format!("{ALG_NONE_HEADER}.{payload}.")
        }
        Who::Device => {
            let mut device = claims(TokenKind::Device, None, Some(municipality), in_an_hour());
            device.station = Some(format!("{municipality}-1"));
            device.election = Some("E1".into());
            state.keys.sign(&device).unwrap()
        }
    };
    Some(format!("Bearer {token}"))
}

/// `path` with each `{parameter}` filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{code}" | "{municipality}" => MUNICIPALITY,
            s if s.starts_with('{') => "x",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn request(state: &AppState, method: &str, path: &str, who: Who) -> TestRequest {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    // From this machine, as a scraper of /metrics would be; the other roles' access
    // does not depend on the address.
    let mut req = TestRequest::default()
        .method(method.clone())
        .uri(&concrete(path))
        .peer_addr(std::net::SocketAddr::from(([127, 0, 0, 1], 40_000)));
    if method == Method::POST || method == Method::PUT || method == Method::PATCH {
        // Empty but well-formed: enough to get past the guard, never enough to act.
        req = req.set_json(serde_json::json!({}));
    }
    if let Some(header) = authorization(state, who, MUNICIPALITY) {
        req = req.insert_header(("authorization", header));
    }
    req
}

fn error_body(body: &[u8]) -> ErrorBody {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not an error body ({e}): {}", String::from_utf8_lossy(body)))
}

#[test]
fn every_endpoint_declares_its_roles() {
    let all = endpoints();
    let mut seen = BTreeSet::new();
    for endpoint in &all {
        assert!(
            seen.insert((endpoint.method, endpoint.path)),
            "{} {} is declared twice",
            endpoint.method,
            endpoint.path
        );
        assert!(endpoint.path.starts_with('/'), "{}", endpoint.path);
        assert!(Method::from_bytes(endpoint.method.as_bytes()).is_ok());
        if let Access::Staff(roles) = endpoint.access {
            assert!(
                !roles.is_empty(),
                "{} {} admits no role; declare its roles or make it public",
                endpoint.method,
                endpoint.path
            );
        }
    }
    for path in WEBSOCKETS {
        assert!(
            all.iter().any(|e| e.method == "GET" && e.path == path),
            "{path} is not declared"
        );
    }
    assert_eq!(ALL_STAFF, Role::ALL.as_slice());
}

#[actix_web::test]
async fn every_endpoint_answers_every_caller_as_declared() {
    let fixture = fixture();
    let state = &fixture.state;
    let app = app!(state);
    let mut checked = 0;
    for endpoint in endpoints() {
        if WEBSOCKETS.contains(&endpoint.path) {
            continue;
        }
        for who in everyone() {
            let req = request(state, endpoint.method, endpoint.path, who);
            let (status, body) = send!(app, req);
            let what = format!(
                "{} {} as {who:?}: {status} {}",
                endpoint.method,
                endpoint.path,
                String::from_utf8_lossy(&body)
            );
            match (endpoint.access, who) {
                (Access::Public, _) => assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "a public endpoint refused: {what}"
                ),
                (Access::Staff(roles), Who::Staff(role)) if roles.contains(&role) => assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "an allowed role was refused: {what}"
                ),
                (Access::Staff(_), Who::Staff(_)) => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                    assert_eq!(error_body(&body).code, "forbidden", "{what}");
                }
                (Access::Staff(_), _) => {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
                    let expected = match who {
                        Who::Nobody => "missing_token",
                        Who::Expired => "expired_token",
                        _ => "invalid_token",
                    };
                    assert_eq!(error_body(&body).code, expected, "{what}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= (endpoints().len() - WEBSOCKETS.len()) * everyone().len());
}

fn seed_station(state: &AppState) {
    let mut db = state.pool.get().unwrap();
    let election = election();
    store::elections::upsert(&mut db, &election).unwrap();
    store::stations::upsert_municipality(&mut db, MUNICIPALITY, "Rotterdam").unwrap();
    store::stations::upsert_municipality(&mut db, OTHER_MUNICIPALITY, "Capelle").unwrap();
    store::stations::upsert(&mut db, &election.id, &station(MUNICIPALITY, 12)).unwrap();
}

#[actix_web::test]
async fn staff_see_only_their_own_municipality() {
    let fixture = fixture();
    let state = &fixture.state;
    seed_station(state);
    let app = app!(state);
    let uri = format!("/api/municipalities/{MUNICIPALITY}/stations");
    let get = |token: String| {
        TestRequest::get()
            .uri(&uri)
            .insert_header(("authorization", format!("Bearer {token}")))
    };

    for (role, municipality) in [
        (Role::Coordinator, Some(OTHER_MUNICIPALITY)),
        (Role::Viewer, Some(OTHER_MUNICIPALITY)),
        (Role::Administrator, Some(OTHER_MUNICIPALITY)),
        (Role::Coordinator, None),
    ] {
        let (status, body) = send!(app, get(staff_token(state, role, municipality)));
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{role:?} of {municipality:?}"
        );
        assert_eq!(error_body(&body).code, "forbidden");
    }

    for (role, municipality) in [
        (Role::Coordinator, Some(MUNICIPALITY)),
        (Role::Viewer, Some(MUNICIPALITY)),
        (Role::Administrator, None),
    ] {
        let (status, body) = send!(app, get(staff_token(state, role, municipality)));
        assert_eq!(status, StatusCode::OK, "{role:?} of {municipality:?}");
        let stations: Vec<StationSummary> = serde_json::from_slice(&body).unwrap();
        assert_eq!(stations.len(), 1);
        assert_eq!(stations[0].station_id, format!("{MUNICIPALITY}-12"));
        assert_eq!(stations[0].municipality_code, MUNICIPALITY);
    }

    // The other municipality's list is empty for its own coordinator, and closed to ours.
    let other = format!("/api/municipalities/{OTHER_MUNICIPALITY}/stations");
    let token = staff_token(state, Role::Coordinator, Some(OTHER_MUNICIPALITY));
    let req = TestRequest::get()
        .uri(&other)
        .insert_header(("authorization", format!("Bearer {token}")));
    let (status, body) = send!(app, req);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_ref(), b"[]");
    let token = staff_token(state, Role::Coordinator, Some(MUNICIPALITY));
    let req = TestRequest::get()
        .uri(&other)
        .insert_header(("authorization", format!("Bearer {token}")));
    assert_eq!(send!(app, req).0, StatusCode::FORBIDDEN);
}

const USERNAME: &str = "coordinator-rotterdam";
const PASSWORD: &str = "correct horse battery staple";

fn create_user(state: &AppState) {
    let mut db = state.pool.get().unwrap();
    store::stations::upsert_municipality(&mut db, MUNICIPALITY, "Rotterdam").unwrap();
    let user = store::users::UserRecord {
        id: uuid::Uuid::new_v4().to_string(),
        username: USERNAME.into(),
        password_hash: hash_password(PASSWORD).unwrap(),
        role: Role::Coordinator,
        municipality_code: Some(MUNICIPALITY.into()),
    };
    store::users::create(&mut db, &user, now_ms()).unwrap();
}

/// How many users and refresh tokens exist.
fn rows(state: &AppState) -> (i64, i64) {
    let mut db = state.pool.get().unwrap();
    let users: i64 = users::table.count().get_result(&mut *db).unwrap();
    let tokens: i64 = refresh_tokens::table.count().get_result(&mut *db).unwrap();
    (users, tokens)
}

fn login(username: &str, password: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/login")
        .set_json(serde_json::json!({ "username": username, "password": password }))
}

fn refresh(token: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/refresh")
        .set_json(serde_json::json!({ "refresh_token": token }))
}

#[actix_web::test]
async fn login_gives_tokens_for_the_right_password_only() {
    let fixture = fixture();
    let state = &fixture.state;
    create_user(state);
    let app = app!(state);

    let (status, body) = send!(app, login(USERNAME, PASSWORD));
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let tokens: TokenResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(tokens.role, Role::Coordinator);
    assert_eq!(tokens.municipality.as_deref(), Some(MUNICIPALITY));
    assert!(tokens.expires_in > 0);
    assert!(!tokens.refresh_token.is_empty());
    let claims = state.keys.verify(&tokens.access_token).unwrap();
    assert_eq!(claims.kind, TokenKind::Staff);
    assert_eq!(claims.role, Some(Role::Coordinator));
    // The access token opens what the role allows.
    let req = TestRequest::get()
        .uri(&format!("/api/municipalities/{MUNICIPALITY}/stations"))
        .insert_header(("authorization", format!("Bearer {}", tokens.access_token)));
    assert_eq!(send!(app, req).0, StatusCode::OK);

    let before = rows(state);
    let (wrong_status, wrong_body) = send!(app, login(USERNAME, "Correct horse battery staple"));
    let (unknown_status, unknown_body) = send!(app, login("nobody-here", PASSWORD));
    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_body(&wrong_body).code, "invalid_credentials");
    assert_eq!(
        (unknown_status, unknown_body),
        (wrong_status, wrong_body),
        "an unknown user and a wrong password must look the same"
    );
    assert_eq!(rows(state), before, "a refused login stores nothing");
}

#[actix_web::test]
async fn malformed_login_bodies_are_refused_and_change_nothing() {
    let fixture = fixture();
    let state = &fixture.state;
    create_user(state);
    let app = app!(state);
    let before = rows(state);

    let bad_bodies: [&str; 7] = [
        "",
        "not json",
        r#"{"username": "coordinator-rotterdam", "password": "#,
        "[]",
        r#"{"username": "coordinator-rotterdam"}"#,
        r#"{"username": 5, "password": "x"}"#,
        "null",
    ];
    for body in bad_bodies {
        let req = TestRequest::post()
            .uri("/api/login")
            .insert_header(("content-type", "application/json"))
            .set_payload(body);
        let (status, answer) = send!(app, req);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(error_body(&answer).code, "invalid_json", "{body:?}");
    }

    let oversized = serde_json::json!({
        "username": USERNAME,
        "password": "x".repeat(MAX_JSON_BYTES + 1),
    });
    let (status, answer) = send!(
        app,
        TestRequest::post().uri("/api/login").set_json(oversized)
    );
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_body(&answer).code, "payload_too_large");

    let req = TestRequest::post()
        .uri("/api/refresh")
        .insert_header(("content-type", "application/json"))
        .set_payload("{");
    let (status, answer) = send!(app, req);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_body(&answer).code, "invalid_json");

    assert_eq!(rows(state), before, "bad input stores nothing");
}

#[actix_web::test]
async fn a_refresh_token_works_once() {
    let fixture = fixture();
    let state = &fixture.state;
    create_user(state);
    let app = app!(state);

    let (status, body) = send!(app, login(USERNAME, PASSWORD));
    assert_eq!(status, StatusCode::OK);
    let first: TokenResponse = serde_json::from_slice(&body).unwrap();

    // A client that still sends its (expired) access token can refresh all the same.
    let mut stale = claims(
        TokenKind::Staff,
        Some(Role::Coordinator),
        Some(MUNICIPALITY),
        now_ms() / 1000 - 10,
    );
    stale.iat -= 3_600;
    let stale = state.keys.sign(&stale).unwrap();
    let req =
        refresh(&first.refresh_token).insert_header(("authorization", format!("Bearer {stale}")));
    let (status, body) = send!(app, req);
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let second: TokenResponse = serde_json::from_slice(&body).unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.role, Role::Coordinator);
    assert!(state.keys.verify(&second.access_token).is_ok());

    let (status, body) = send!(app, refresh(&first.refresh_token));
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a refresh token is spent once used"
    );
    assert_eq!(error_body(&body).code, "invalid_token");

    // The spent token came back: someone holds a copy of it. Its whole sign-in ends,
    // so the token it was exchanged for refreshes no more either.
    let (status, _) = send!(app, refresh(&second.refresh_token));
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a reused token revokes its descendants"
    );

    // Another sign-in is not affected, and its chain works token after token.
    let (_, body) = send!(app, login(USERNAME, PASSWORD));
    let other: TokenResponse = serde_json::from_slice(&body).unwrap();
    let (status, body) = send!(app, refresh(&other.refresh_token));
    assert_eq!(status, StatusCode::OK);
    let next: TokenResponse = serde_json::from_slice(&body).unwrap();
    let (status, _) = send!(app, refresh(&next.refresh_token));
    assert_eq!(status, StatusCode::OK, "the new refresh token works");

    let (status, body) = send!(app, refresh("made-up"));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_body(&body).code, "invalid_token");
}

#[test]
fn metrics_are_for_this_machine_or_the_token() {
    use crate::http::routes::may_read_metrics;
    assert!(may_read_metrics(true, None, None));
    assert!(!may_read_metrics(false, None, None));
    assert!(!may_read_metrics(false, None, Some("anything")));
    let token = "0123456789abcdef";
    assert!(may_read_metrics(false, Some(token), Some(token)));
    assert!(!may_read_metrics(
        false,
        Some(token),
        Some("0123456789abcdeX")
    ));
    assert!(
        !may_read_metrics(false, Some("short"), Some("short")),
        "a token too short to be a secret is not one"
    );
}

/// The control room's messages and dispatches are checked by the shared rules: the
/// same limits and texts as a station's reports, the rule's code named, nothing sent.
#[actix_web::test]
async fn control_room_actions_are_refused_by_the_shared_rules_with_their_codes() {
    use shared::validation::{Language, MAX_ID_CHARS, MAX_TEXT_CHARS, Rule};
    let fixture = fixture();
    let state = &fixture.state;
    seed_station(state);
    let app = app!(state);
    let token = staff_token(state, Role::Coordinator, Some(MUNICIPALITY));
    let post = |uri: String, body: serde_json::Value| {
        TestRequest::post()
            .uri(&uri)
            .insert_header(("authorization", format!("Bearer {token}")))
            .set_json(body)
    };
    let messages = format!("/api/municipalities/{MUNICIPALITY}/messages");
    let resupply = format!("/api/stations/{MUNICIPALITY}-12/resupply");
    let cases = [
        (
            (
                messages.clone(),
                serde_json::json!({"all_stations": true, "text": "  "}),
            ),
            "invalid_text",
            Rule::TextMissing,
        ),
        (
            (
                messages.clone(),
                serde_json::json!({"all_stations": true, "text": "é".repeat(MAX_TEXT_CHARS + 1)}),
            ),
            "invalid_text",
            Rule::TextTooLong,
        ),
        (
            (
                messages.clone(),
                serde_json::json!({"all_stations": true, "text": "ok", "incident_id": "i".repeat(MAX_ID_CHARS + 1)}),
            ),
            "invalid_incident",
            Rule::IdTooLong,
        ),
        (
            (
                resupply.clone(),
                serde_json::json!({"quantity": 0, "note": ""}),
            ),
            "invalid_quantity",
            Rule::ResupplyQuantityZero,
        ),
        (
            (
                resupply.clone(),
                serde_json::json!({"quantity": 10, "note": "n".repeat(MAX_TEXT_CHARS + 1)}),
            ),
            "invalid_text",
            Rule::TextTooLong,
        ),
    ];
    for ((uri, json), code, rule) in cases {
        // Dutch unless English is asked for: the rule's text in the caller's language.
        for (accept, language) in [
            (None, Language::Dutch),
            (Some("nl-NL,nl;q=0.9"), Language::Dutch),
            (Some("en-GB,en;q=0.9,nl;q=0.5"), Language::English),
        ] {
            let mut request = post(uri.clone(), json.clone());
            if let Some(accept) = accept {
                request = request.insert_header(("accept-language", accept));
            }
            let (status, body) = send!(app, request);
            assert_eq!(status, StatusCode::BAD_REQUEST);
            let body: ErrorBody = serde_json::from_slice(&body).unwrap();
            assert_eq!(body.code, code);
            let text = shared::validation::message(rule, language);
            assert_eq!(
                body.message,
                format!("{text} ({})", rule.code()),
                "{accept:?}"
            );
        }
    }
    let events: i64 = crate::db::schema::events::table
        .count()
        .get_result(&mut state.pool.get().unwrap())
        .unwrap();
    assert_eq!(events, 0, "nothing was sent");
}

/// The control room's actions are stored by the writer, like every operation, so the
/// free-space margin holds for them too: under it a message is refused as
/// `unavailable` and nothing is written; above it the same message is stored.
#[actix_web::test]
async fn control_room_actions_take_the_writer_and_respect_the_free_space_margin() {
    let fixture = fixture();
    let state = &fixture.state;
    seed_station(state);
    let app = app!(state);
    let token = staff_token(state, Role::Coordinator, Some(MUNICIPALITY));
    let message = || {
        TestRequest::post()
            .uri(&format!("/api/municipalities/{MUNICIPALITY}/messages"))
            .insert_header(("authorization", format!("Bearer {token}")))
            .set_json(
                serde_json::json!({"all_stations": true, "text": "Extra stembiljetten onderweg"}),
            )
    };
    let events = || -> i64 {
        crate::db::schema::events::table
            .count()
            .get_result(&mut state.pool.get().unwrap())
            .unwrap()
    };
    // 1 MiB free under a 64 MiB margin.
    state
        .metrics
        .free_space(1 << 20, 64 << 20, crate::db::now_ms());
    let (status, body) = send!(app, message());
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let body: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(body.code, "unavailable");
    assert_eq!(events(), 0, "nothing was stored under the margin");

    state
        .metrics
        .free_space(1 << 30, 64 << 20, crate::db::now_ms());
    let (status, _) = send!(app, message());
    assert_eq!(status, StatusCode::OK);
    assert_eq!(events(), 1, "stored once there is room again");
}

/// Every refusal's message is in the language the request asks for, whoever refuses:
/// the guard, the JSON reader, a handler. The code is the same in every language.
#[actix_web::test]
async fn refusals_are_in_the_language_asked_for() {
    use super::error::{ApiError, ErrorReference};
    use shared::validation::Language;
    let fixture = fixture();
    let state = &fixture.state;
    let app = app!(state);
    let token = staff_token(state, Role::Coordinator, Some(MUNICIPALITY));
    let other = format!("/api/municipalities/{OTHER_MUNICIPALITY}/stations");
    for (accept, language) in [
        (None, Language::Dutch),
        (Some("nl-BE,nl;q=0.9,en;q=0.8"), Language::Dutch),
        (Some("en-US,en;q=0.9"), Language::English),
        (Some("de-DE,en;q=0.5"), Language::English),
    ] {
        let cases = [
            (
                TestRequest::get().uri(&other),
                ApiError::from(ErrorReference::MissingToken),
            ),
            (
                TestRequest::get()
                    .uri(&other)
                    .insert_header(("authorization", format!("Bearer {token}"))),
                ApiError::not_your_municipality(),
            ),
            (
                TestRequest::get().uri("/metrics"),
                ApiError::metrics_forbidden(),
            ),
            (
                TestRequest::post()
                    .uri("/api/login")
                    .insert_header(("content-type", "application/json"))
                    .set_payload("{"),
                ApiError::from(ErrorReference::InvalidJson),
            ),
        ];
        for (mut request, expected) in cases {
            if let Some(accept) = accept {
                request = request.insert_header(("accept-language", accept));
            }
            let (status, body) = send!(app, request);
            let body = error_body(&body);
            assert_eq!(status, expected.reference.status(), "{body:?}");
            assert_eq!(body.code, expected.reference, "{accept:?}");
            assert!(
                body.message.starts_with(&*expected.message(language)),
                "{accept:?}: {}",
                body.message
            );
        }
    }
}
