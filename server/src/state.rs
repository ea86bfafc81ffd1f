//! What every handler shares.

use std::sync::Arc;

use crate::auth::{AttemptLimiter, TokenKeys};
use crate::db::Pool;
use crate::metrics::Metrics;
use crate::realtime::commit::Committer;
use crate::realtime::hub::Hub;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub committer: Committer,
    pub hub: Hub,
    pub keys: Arc<TokenKeys>,
    /// Activation attempts per device (every attempt counts).
    pub activation_limiter: Arc<AttemptLimiter>,
    /// Failed activation attempts per remote address: one office activating all its
    /// tablets is fine; one address guessing codes is stopped.
    pub failed_activation_limiter: Arc<AttemptLimiter>,
    pub metrics: Metrics,
    /// Publishes committed changes in event order (see `fanout`).
    pub fanout: crate::realtime::fanout::Fanout,
    /// Devices connected to this instance, for pushes from the control room.
    pub sessions: crate::realtime::device_sessions::DeviceSessions,
    /// Disabled staff users and ended sessions, read from the database every second.
    pub revocations: crate::auth::revocations::Revocations,
    /// How long a device token lasts (an election day and the night after).
    pub device_token_hours: i64,
    /// One permit per pooled connection: a request waits here, not on a blocking
    /// thread of its own, so that a crowd of requests does not start hundreds of
    /// threads that each wait for one of the few connections.
    pub db_slots: Arc<tokio::sync::Semaphore>,
    /// Set when the server is stopping: sockets close with 1001 ("going away").
    pub shutdown: crate::realtime::shutdown::Shutdown,
    /// Heartbeats heard, written every few seconds (`contacts::flush_periodically`).
    pub contacts: crate::realtime::contacts::Contacts,
    /// The public pages' answers, kept in memory, and their own connections.
    pub public: Arc<crate::http::public::PublicPages>,
    /// The proxies believed about the caller's address (`http::client`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
}

impl AppState {
    /// The caller's address (`http::client::address`), as text; empty when unknown.
    #[must_use]
    pub fn caller_address(&self, req: &actix_web::HttpRequest) -> String {
        crate::http::client::address(req, &self.trusted_proxies)
            .map(|ip| ip.to_string())
            .unwrap_or_default()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("database unavailable: {0}")]
    Pool(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("worker failed: {0}")]
    Blocking(String),
    /// The work panicked: this request fails alone; its connection is dropped, not
    /// pooled again (`db::Manager::has_broken`).
    #[error("internal error; the request was not completed")]
    Panicked,
}

impl AppState {
    /// Runs `f` with a pooled connection on the blocking thread pool.
    ///
    /// # Errors
    /// When no connection can be had, or `f` fails.
    pub async fn with_db<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&mut crate::db::Db) -> Result<T, crate::store::StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        // The permit goes with the blocking work, so that it is held as long as the
        // connection is in use, even if the caller stops waiting.
        let slot = self
            .db_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ServiceError::Pool(e.to_string()))?;
        actix_web::web::block(move || {
            let _slot = slot;
            let mut conn = pool.get().map_err(|e| ServiceError::Pool(e.to_string()))?;
            // A panic in `f` fails this request only. The pooled connection is dropped
            // during the unwind (`has_broken` sees the panic), so an open transaction
            // never reaches another request.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                f(&mut conn).map_err(ServiceError::from)
            }))
            .unwrap_or(Err(ServiceError::Panicked))
        })
        .await
        .map_err(|e| ServiceError::Blocking(e.to_string()))?
    }
}
