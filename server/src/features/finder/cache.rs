//! The finder's answers, kept a few seconds per municipality: a crowd of citizens
//! reloading the page costs one database read per municipality every few seconds,
//! not one each, so it never takes the connections the chairs' reports need.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;

/// How long an answer is served again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);
/// Most municipalities kept at once (a country has a few hundred).
const MAX_ENTRIES: usize = 1_000;

#[derive(Default)]
pub struct FinderCache {
    entries: Mutex<HashMap<String, (Instant, Bytes)>>,
}

impl FinderCache {
    /// The answer for `code` made less than `FRESH_FOR` ago.
    pub fn fresh(&self, code: &str, now: Instant) -> Option<Bytes> {
        // Nothing in here can panic while the lock is held; a poisoned lock would
        // still hold whole entries.
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(code)
            .filter(|(made, _)| now.saturating_duration_since(*made) < FRESH_FOR)
            .map(|(_, body)| body.clone())
    }

    /// Keeps `body` as the answer for `code`, made at `made`.
    pub fn keep(&self, code: &str, made: Instant, body: Bytes) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(code) {
            entries.retain(|_, (at, _)| made.saturating_duration_since(*at) < FRESH_FOR);
            if entries.len() >= MAX_ENTRIES {
                return;
            }
        }
        entries.insert(code.to_owned(), (made, body));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_served_again_only_while_fresh() {
        let cache = FinderCache::default();
        let start = Instant::now();
        cache.keep("GM1", start, Bytes::from_static(b"a"));
        assert_eq!(cache.fresh("GM1", start), Some(Bytes::from_static(b"a")));
        assert_eq!(cache.fresh("GM2", start), None);
        assert_eq!(cache.fresh("GM1", start + FRESH_FOR), None);
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = FinderCache::default();
        let start = Instant::now();
        for n in 0..MAX_ENTRIES + 10 {
            cache.keep(&format!("GM{n}"), start, Bytes::from_static(b"x"));
        }
        let kept = cache.entries.lock().unwrap().len();
        assert_eq!(kept, MAX_ENTRIES);
        // Once they are stale, room is made.
        cache.keep("late", start + FRESH_FOR, Bytes::from_static(b"y"));
        assert!(cache.fresh("late", start + FRESH_FOR).is_some());
    }
}
