//! What the API's unit tests share: a fresh database with the server's state, staff
//! tokens, and requests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::test::TestRequest;
use shared::domain::{CandidateList, Election, Jurisdiction, Station, Timestamp, VotingLocation};

use crate::auth::{Claims, Role, TokenKind};
use crate::db::now_ms;
use crate::http::app::ServerConfig;
use crate::realtime::commit::CommitConfig;
use crate::state::AppState;

/// A fresh database in its own folder, removed afterwards.
pub struct Fixture {
    pub state: AppState,
    pub dir: std::path::PathBuf,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Fixture {
    /// The server's state on a new, migrated SQLite file; `name` marks its folder.
    pub fn new(name: &str, pool_size: u32) -> Self {
        let dir = std::env::temp_dir().join(format!("kiesdag-{name}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = ServerConfig {
            database_url: dir.join("kiesdag.db").to_string_lossy().into_owned(),
            commit: CommitConfig::default(),
            pool_size,
            workers: 1,
            // No thread per fixture; `disk_space` has its own tests.
            min_free_mb: 0,
        };
        let state = crate::http::app::state(&config).unwrap();
        Self { state, dir }
    }
}

/// A staff token's claims, valid until `exp` (seconds).
pub fn claims(kind: TokenKind, role: Option<Role>, municipality: Option<&str>, exp: i64) -> Claims {
    let now = now_ms() / 1000;
    Claims {
        sub: uuid::Uuid::new_v4().to_string(),
        kind,
        role,
        municipality: municipality.map(str::to_owned),
        station: None,
        election: None,
        jti: uuid::Uuid::new_v4().to_string(),
        iat: now,
        exp,
    }
}

pub fn in_an_hour() -> i64 {
    now_ms() / 1000 + 3_600
}

/// A valid staff token of `role` in `municipality` (None: every municipality).
pub fn staff_token(state: &AppState, role: Role, municipality: Option<&str>) -> String {
    let claims = claims(TokenKind::Staff, Some(role), municipality, in_an_hour());
    state.keys.sign(&claims).unwrap()
}

/// A GET with a bearer token.
pub fn get(uri: &str, token: &str) -> TestRequest {
    TestRequest::get()
        .uri(uri)
        .insert_header(("authorization", format!("Bearer {token}")))
}

/// An election open now (an hour ago until six hours from now).
pub fn election() -> Election {
    let now = now_ms();
    Election {
        id: "E1".into(),
        name: "Testverkiezing".into(),
        jurisdiction: Jurisdiction::Netherlands,
        opens_at: Timestamp(now - 3_600_000),
        closes_at: Timestamp(now + 6 * 3_600_000),
        utc_offset_minutes: 60,
        turnout_moments: vec![],
        lists: vec![CandidateList {
            number: 1,
            name: "Lijst 1".into(),
        }],
        opening_checklist: Election::default_checklist(),
        council: Default::default(),
        seats: None,
    }
}

/// Station `number` of `municipality`, with 2,000 expected voters.
pub fn station(municipality: &str, number: u32) -> Station {
    Station {
        id: format!("{municipality}-{number}"),
        municipality_code: municipality.into(),
        number,
        name: format!("Stembureau {number}"),
        location: VotingLocation {
            name: "Wijkgebouw".into(),
            address: format!("Straat {number}"),
            postcode: "3011AA".into(),
            city: "Rotterdam".into(),
            latitude: None,
            longitude: None,
        },
        district: None,
        subarea: None,
        expected_voters: Some(2_000),
        may_open_early: false,
        opens_at: None,
        closes_at: None,
        extra_stops: vec![],
        planned_staff: vec![],
    }
}
