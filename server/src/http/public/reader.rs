//! The public pages' own database connection: a public read never waits for, nor
//! holds, one of the pooled connections the chairs' and the control room's requests
//! use, nor one of their slots (`AppState::db_slots`).

use std::sync::{Arc, Mutex, TryLockError};
use std::time::Duration;

use diesel::connection::SimpleConnection;

use crate::db::{self, Db};
use crate::state::ServiceError;
use crate::store::StoreError;

/// One connection, opened when first needed and opened again after any failure (a
/// restarted PostgreSQL, a failover): a broken connection is never used twice.
#[derive(Clone)]
pub struct PublicReader {
    url: Arc<str>,
    connection: Arc<Mutex<Option<Db>>>,
}

impl PublicReader {
    #[must_use]
    pub fn new(url: &str) -> Self {
        Self {
            url: url.into(),
            connection: Arc::default(),
        }
    }

    /// Runs `f` on the reader's connection on a blocking thread.
    ///
    /// # Errors
    /// When the database cannot be opened, or `f` fails or panics.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db) -> Result<T, StoreError> + Send + 'static,
    {
        let url = self.url.clone();
        let connection = self.connection.clone();
        let work = tokio::task::spawn_blocking(move || {
            // A read still running (one that hangs, outlived by its caller) holds the
            // connection: this one fails at once rather than wait behind it.
            let mut slot = match connection.try_lock() {
                Ok(slot) => slot,
                // Only a panic in `f` could poison it, and the slot is emptied then.
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => {
                    return Err(ServiceError::Pool(
                        "the public pages' connection is still in use".into(),
                    ));
                }
            };
            let mut db = match slot.take() {
                Some(db) => db,
                None => open(&url)?,
            };
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut db)));
            match outcome {
                Ok(Ok(value)) => {
                    if db::is_idle(&mut db) {
                        *slot = Some(db);
                    }
                    Ok(value)
                }
                // Dropped: whatever failed may have broken it.
                Ok(Err(e)) => Err(ServiceError::from(e)),
                Err(_) => Err(ServiceError::Panicked),
            }
        });
        match tokio::time::timeout(READ_AT_MOST, work).await {
            Ok(done) => done.map_err(|e| ServiceError::Blocking(e.to_string()))?,
            Err(_) => Err(ServiceError::Blocking(
                "the public pages' read took too long".into(),
            )),
        }
    }
}

/// The longest a caller waits for a read (the statement itself is stopped by the
/// database after `STATEMENT_TIMEOUT` on PostgreSQL).
const READ_AT_MOST: Duration = Duration::from_secs(15);
/// PostgreSQL stops a public read's statement after this long, and gives up opening
/// the connection after `CONNECT_TIMEOUT_SECONDS`: after a failover that silently
/// dropped the connection, the next read opens a new one instead of waiting for TCP.
const STATEMENT_TIMEOUT: &str = "10s";
const CONNECT_TIMEOUT_SECONDS: u32 = 5;

/// Opens the reader's connection, with time limits on PostgreSQL.
fn open(url: &str) -> Result<Db, ServiceError> {
    let url = if db::is_postgres(url) && !url.contains("connect_timeout=") {
        let joint = if url.contains('?') { '&' } else { '?' };
        format!("{url}{joint}connect_timeout={CONNECT_TIMEOUT_SECONDS}")
    } else {
        url.to_owned()
    };
    let mut db = db::connect(&url).map_err(|e| ServiceError::Pool(e.to_string()))?;
    if let Db::Postgres(_) = db {
        db.batch_execute(&format!("SET statement_timeout = '{STATEMENT_TIMEOUT}'"))
            .map_err(|e| ServiceError::Pool(e.to_string()))?;
    }
    Ok(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> (std::path::PathBuf, String) {
        let dir = std::env::temp_dir().join(format!("kiesdag-reader-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = dir.join("kiesdag.db").to_string_lossy().into_owned();
        db::open(&url).unwrap();
        (dir, url)
    }

    /// A read that panics fails alone: the next read gets a new connection and works.
    #[tokio::test]
    async fn a_panicking_read_fails_alone() {
        let (dir, url) = database();
        let reader = PublicReader::new(&url);
        let failed = reader.read::<(), _>(|_| panic!("a bug in a page")).await;
        assert!(matches!(failed, Err(ServiceError::Panicked)), "{failed:?}");
        let stations = reader
            .read(|db| crate::store::stations::list(db, "GM0599", None))
            .await
            .unwrap();
        assert!(stations.is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }
}
