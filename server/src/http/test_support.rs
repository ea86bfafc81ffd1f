//! What the API's unit tests share: a fresh database with the server's state, the
//! app, staff tokens, requests, and the canonical election and station
//! (`shared::fixtures`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::test::TestRequest;
use shared::domain::{Election, Timestamp};
use shared::fixtures;
/// Station `number` of `municipality`, with 2,000 expected voters.
pub use shared::fixtures::station;

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
            secret_file: None,
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

/// The canonical election (`shared::fixtures`) open now: an hour ago until six hours
/// from now, one list.
pub fn election() -> Election {
    fixtures::election_open_at(Timestamp(now_ms()))
}

/// The app as `server::serve` assembles it, on `$state`, ready for `test::call_service`.
macro_rules! app {
    ($state:expr) => {
        actix_web::test::init_service(
            actix_web::App::new()
                .app_data(actix_web::web::Data::new($state.clone()))
                .app_data(actix_web::web::JsonConfig::default().limit($crate::http::MAX_JSON_BYTES))
                .configure($crate::http::configure),
        )
        .await
    };
}
pub(crate) use app;
