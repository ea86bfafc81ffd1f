//! When each station's device was last heard from by a heartbeat: kept in memory and
//! handed to the one writer (`Committer::contacts`) every `FLUSH_EVERY`, `CHUNK`
//! stations at a time, so that a heartbeat is answered at once, thousands of devices
//! cost a few short writes, and no second writer waits on SQLite's lock (whose busy
//! handler sleeps in steps of up to 100 ms, which the reports would feel). Reports set
//! the time themselves, in the writer's transaction. The control room's "silent
//! device" is about minutes (two at the least), so a contact recorded up to
//! `FLUSH_EVERY` late is on time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::state::AppState;

/// How often heard contacts are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(15);
/// Stations written in one transaction (the writer takes reports between two).
const CHUNK: usize = 500;

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
        flush(&state);
    }
}

/// Hands what was heard to the writer, `CHUNK` stations at a time; what it cannot take
/// now (its queue full) is kept for the next time.
pub fn flush(state: &AppState) {
    let heard: Vec<(String, i64)> = state.contacts.take().into_iter().collect();
    for chunk in heard.chunks(CHUNK) {
        if state.committer.contacts(chunk.to_vec()).is_err() {
            state.contacts.restore(chunk.iter().cloned().collect());
        }
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
