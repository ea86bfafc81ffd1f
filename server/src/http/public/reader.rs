//! The public pages' own database connection: a public read never waits for, nor
//! holds, one of the pooled connections the chairs' and the control room's requests
//! use, nor one of their slots (`AppState::db_slots`).

use std::sync::{Arc, Mutex, PoisonError};

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
        tokio::task::spawn_blocking(move || {
            // Only a panic in `f` could poison it, and the slot is emptied then.
            let mut slot = connection.lock().unwrap_or_else(PoisonError::into_inner);
            let db = match slot.take() {
                Some(db) => db,
                None => db::connect(&url).map_err(|e| ServiceError::Pool(e.to_string()))?,
            };
            let mut db = db;
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
        })
        .await
        .map_err(|e| ServiceError::Blocking(e.to_string()))?
    }
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
