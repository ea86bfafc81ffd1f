//! The finder's answers, kept a few seconds per municipality: a crowd of citizens
//! reloading the page costs one database read per municipality every few seconds,
//! not one each, so it never takes the connections the chairs' reports need. Misses
//! are read one at a time (`refill`): while one request reads a municipality, the
//! others wait for its answer instead of reading too, and the finder never holds more
//! than one database connection. An unknown code is kept as unknown just as long.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;

/// How long an answer is served again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);
/// Most municipalities kept at once (a country has a few hundred).
const MAX_ENTRIES: usize = 1_000;

/// What the finder answers for a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Found(Bytes),
    /// No stations for that code.
    Unknown,
}

#[derive(Default)]
pub struct FinderCache {
    entries: Mutex<HashMap<String, (Instant, Answer)>>,
    /// Held while a miss is read from the database.
    refill: tokio::sync::Mutex<()>,
}

impl FinderCache {
    /// The answer for `code` made less than `FRESH_FOR` ago.
    pub fn fresh(&self, code: &str, now: Instant) -> Option<Answer> {
        // Nothing in here can panic while the lock is held; a poisoned lock would
        // still hold whole entries.
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(code)
            .filter(|(made, _)| now.saturating_duration_since(*made) < FRESH_FOR)
            .map(|(_, answer)| answer.clone())
    }

    /// Keeps `answer` for `code`, made at `made`.
    pub fn keep(&self, code: &str, made: Instant, answer: Answer) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(code) {
            entries.retain(|_, (at, _)| made.saturating_duration_since(*at) < FRESH_FOR);
            if entries.len() >= MAX_ENTRIES {
                return;
            }
        }
        entries.insert(code.to_owned(), (made, answer));
    }

    /// The answer for `code`: a fresh one kept, or else `read`'s, read by one request
    /// at a time (a request that waited finds the answer the one before it kept).
    ///
    /// # Errors
    /// `read`'s error; nothing is then kept.
    pub async fn get_or_read<E, F, Fut>(&self, code: &str, read: F) -> Result<Answer, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Answer, E>>,
    {
        if let Some(answer) = self.fresh(code, Instant::now()) {
            return Ok(answer);
        }
        let _reading = self.refill.lock().await;
        if let Some(answer) = self.fresh(code, Instant::now()) {
            return Ok(answer);
        }
        let answer = read().await?;
        self.keep(code, Instant::now(), answer.clone());
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn found(text: &'static str) -> Answer {
        Answer::Found(Bytes::from_static(text.as_bytes()))
    }

    #[test]
    fn an_answer_is_served_again_only_while_fresh() {
        let cache = FinderCache::default();
        let start = Instant::now();
        cache.keep("GM1", start, found("a"));
        assert_eq!(cache.fresh("GM1", start), Some(found("a")));
        assert_eq!(cache.fresh("GM2", start), None);
        assert_eq!(cache.fresh("GM1", start + FRESH_FOR), None);
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = FinderCache::default();
        let start = Instant::now();
        for n in 0..MAX_ENTRIES + 10 {
            cache.keep(&format!("GM{n}"), start, Answer::Unknown);
        }
        let kept = cache.entries.lock().unwrap().len();
        assert_eq!(kept, MAX_ENTRIES);
        // Once they are stale, room is made.
        cache.keep("late", start + FRESH_FOR, found("y"));
        assert!(cache.fresh("late", start + FRESH_FOR).is_some());
    }

    /// A crowd arriving on an empty cache costs one read, not one each.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_crowd_on_a_miss_reads_once() {
        let cache = Arc::new(FinderCache::default());
        let reads = Arc::new(AtomicUsize::new(0));
        let mut crowd = Vec::new();
        for _ in 0..50 {
            let (cache, reads) = (cache.clone(), reads.clone());
            crowd.push(tokio::spawn(async move {
                cache
                    .get_or_read("GM1", || async {
                        reads.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, ()>(found("stations"))
                    })
                    .await
            }));
        }
        for visitor in crowd {
            assert_eq!(visitor.await.unwrap(), Ok(found("stations")));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }
}
