//! When each station's device was last heard from by a heartbeat: kept in memory and
//! written in one transaction every `FLUSH_EVERY`, so that a heartbeat is answered at
//! once and thousands of devices cost one write, not thousands. Reports set the time
//! themselves, in the writer's transaction. The control room's "silent device" is
//! about minutes (two at the least), so a contact recorded up to `FLUSH_EVERY` late
//! is on time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::db;
use crate::state::AppState;
use crate::store;

/// How often heard contacts are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(15);

/// Per station, when it was last heard from and not yet written.
#[derive(Debug, Default, Clone)]
pub struct Contacts {
    heard: Arc<Mutex<HashMap<String, i64>>>,
}

impl Contacts {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, i64>> {
        // A panic while holding the lock left a map of plain numbers: still usable.
        self.heard.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The station's device was heard from at `at`.
    pub fn heard(&self, station_id: &str, at: i64) {
        let mut heard = self.lock();
        match heard.get_mut(station_id) {
            Some(known) => *known = (*known).max(at),
            None => {
                heard.insert(station_id.to_owned(), at);
            }
        }
    }

    /// What was heard since the last call, and forgets it.
    #[must_use]
    pub fn take(&self) -> HashMap<String, i64> {
        std::mem::take(&mut *self.lock())
    }

    /// Puts back what could not be written, keeping anything newer heard meanwhile.
    pub fn restore(&self, unwritten: HashMap<String, i64>) {
        for (station, at) in unwritten {
            self.heard(&station, at);
        }
    }
}

/// Writes what was heard every `FLUSH_EVERY`, until the server stops.
pub async fn flush_periodically(state: AppState) {
    let mut ticks = tokio::time::interval(FLUSH_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        flush(&state).await;
    }
}

/// Writes what was heard, in one transaction; on failure keeps it for the next time.
pub async fn flush(state: &AppState) {
    let heard = state.contacts.take();
    if heard.is_empty() {
        return;
    }
    let written = heard.clone();
    let outcome = state
        .with_db(move |conn| {
            db::write_transaction(conn, |conn| {
                for (station, at) in &written {
                    store::stations::touch(conn, station, *at)?;
                }
                Ok::<_, store::StoreError>(())
            })
        })
        .await;
    if let Err(e) = outcome {
        tracing::warn!(error = %e, stations = heard.len(), "could not record heartbeats; will retry");
        state.contacts.restore(heard);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_contact_per_station_until_taken() {
        let contacts = Contacts::default();
        contacts.heard("GM1-1", 10);
        contacts.heard("GM1-1", 5);
        contacts.heard("GM1-2", 7);
        let taken = contacts.take();
        assert_eq!(taken.get("GM1-1"), Some(&10));
        assert_eq!(taken.get("GM1-2"), Some(&7));
        assert!(contacts.take().is_empty());
        // Put back after a failed write, with a newer contact heard meanwhile.
        contacts.heard("GM1-1", 20);
        contacts.restore(taken);
        let again = contacts.take();
        assert_eq!(again.get("GM1-1"), Some(&20));
        assert_eq!(again.get("GM1-2"), Some(&7));
    }
}
