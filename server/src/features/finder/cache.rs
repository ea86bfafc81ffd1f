//! The finder's answers, kept a few seconds per municipality: a crowd of citizens
//! reloading the page costs one database read per municipality every few seconds,
//! not one each, so it never takes the connections the chairs' reports need.
//!
//! Misses are read one at a time: the finder never holds more than one database
//! connection. While one request reads, a municipality whose answer has just expired
//! is served that answer (at most `STALE_AT_MOST` old) instead of waiting; anything
//! else waits at most `WAIT_AT_MOST` and is then told to come back. Real
//! municipalities' answers are kept apart from unknown codes, so a flood of made-up
//! codes can neither push them out nor make them wait.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;

/// How long an answer is served again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);
/// The oldest answer served while another request reads a new one, or when the
/// database cannot be read.
pub const STALE_AT_MOST: Duration = Duration::from_secs(300);
/// How long a request waits for its turn to read.
pub const WAIT_AT_MOST: Duration = Duration::from_secs(3);
/// Most municipalities kept at once (a country has a few hundred).
const MAX_FOUND: usize = 1_000;
/// Most unknown codes kept as unknown at once.
const MAX_UNKNOWN: usize = 256;

/// What the finder answers for a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Found(Bytes),
    /// No stations for that code.
    Unknown,
}

/// Why no answer could be given.
#[derive(Debug, PartialEq, Eq)]
pub enum Unanswered<E> {
    /// Others are reading; come back in a moment.
    Busy,
    Read(E),
}

#[derive(Default)]
struct Kept {
    found: HashMap<String, (Instant, Bytes)>,
    unknown: HashMap<String, Instant>,
}

#[derive(Default)]
pub struct FinderCache {
    kept: Mutex<Kept>,
    /// Held while a miss is read from the database.
    refill: tokio::sync::Mutex<()>,
}

impl FinderCache {
    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        // Nothing in here can panic while the lock is held; a poisoned lock would
        // still hold whole entries.
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer for `code` no older than `age`.
    fn within(&self, code: &str, now: Instant, age: Duration) -> Option<Answer> {
        let kept = self.kept();
        let young = |made: &Instant| now.saturating_duration_since(*made) < age;
        if let Some((_, body)) = kept.found.get(code).filter(|(made, _)| young(made)) {
            return Some(Answer::Found(body.clone()));
        }
        kept.unknown
            .get(code)
            .filter(|made| young(made) && age <= FRESH_FOR)
            .map(|_| Answer::Unknown)
    }

    /// The answer for `code` made less than `FRESH_FOR` ago.
    pub fn fresh(&self, code: &str, now: Instant) -> Option<Answer> {
        self.within(code, now, FRESH_FOR)
    }

    /// Keeps `answer` for `code`, made at `made`.
    pub fn keep(&self, code: &str, made: Instant, answer: Answer) {
        let mut kept = self.kept();
        let fresh = |at: &Instant| made.saturating_duration_since(*at) < FRESH_FOR;
        match answer {
            Answer::Found(body) => {
                kept.unknown.remove(code);
                if kept.found.len() >= MAX_FOUND && !kept.found.contains_key(code) {
                    kept.found.retain(|_, (at, _)| fresh(at));
                    if kept.found.len() >= MAX_FOUND {
                        return;
                    }
                }
                kept.found.insert(code.to_owned(), (made, body));
            }
            Answer::Unknown => {
                kept.found.remove(code);
                if kept.unknown.len() >= MAX_UNKNOWN && !kept.unknown.contains_key(code) {
                    kept.unknown.retain(|_, at| fresh(at));
                    if kept.unknown.len() >= MAX_UNKNOWN {
                        return;
                    }
                }
                kept.unknown.insert(code.to_owned(), made);
            }
        }
    }

    /// The answer for `code`: a fresh one kept, or else `read`'s, read by one request
    /// at a time (a request that waited finds the answer the one before it kept).
    ///
    /// # Errors
    /// `Busy` after waiting `WAIT_AT_MOST` for its turn; `Read` with `read`'s error
    /// when there is no recent answer to give instead. Nothing is kept then.
    pub async fn get_or_read<E, F, Fut>(&self, code: &str, read: F) -> Result<Answer, Unanswered<E>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Answer, E>>,
    {
        if let Some(answer) = self.fresh(code, Instant::now()) {
            return Ok(answer);
        }
        let _reading = if let Ok(turn) = self.refill.try_lock() {
            turn
        } else {
            if let Some(answer) = self.within(code, Instant::now(), STALE_AT_MOST) {
                return Ok(answer);
            }
            tokio::time::timeout(WAIT_AT_MOST, self.refill.lock())
                .await
                .map_err(|_| Unanswered::Busy)?
        };
        if let Some(answer) = self.fresh(code, Instant::now()) {
            return Ok(answer);
        }
        match read().await {
            Ok(answer) => {
                self.keep(code, Instant::now(), answer.clone());
                Ok(answer)
            }
            Err(e) => self
                .within(code, Instant::now(), STALE_AT_MOST)
                .ok_or(Unanswered::Read(e)),
        }
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

    /// Made-up codes fill their own bounded space, never the municipalities'.
    #[test]
    fn a_flood_of_unknown_codes_pushes_out_no_municipality() {
        let cache = FinderCache::default();
        let start = Instant::now();
        cache.keep("GM0599", start, found("rotterdam"));
        for n in 0..10_000 {
            cache.keep(&format!("X{n}"), start, Answer::Unknown);
        }
        assert_eq!(cache.kept().unknown.len(), MAX_UNKNOWN);
        assert_eq!(cache.fresh("GM0599", start), Some(found("rotterdam")));
        for n in 0..MAX_FOUND + 10 {
            cache.keep(&format!("GM{n}"), start, found("x"));
        }
        assert_eq!(cache.kept().found.len(), MAX_FOUND);
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

    /// While the database hangs, a municipality's recent answer is still served, and
    /// a code with none is told to come back within `WAIT_AT_MOST`, not left waiting.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hanging_read_makes_nobody_wait_long() {
        let cache = Arc::new(FinderCache::default());
        cache.keep("GM1", Instant::now() - FRESH_FOR, found("a minute ago"));
        let hanging = {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache
                    .get_or_read("GM2", || async {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        Ok::<_, ()>(Answer::Unknown)
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let never = || async { Ok::<_, ()>(found("never read")) };
        assert_eq!(
            cache.get_or_read("GM1", never).await,
            Ok(found("a minute ago"))
        );
        let started = Instant::now();
        assert_eq!(cache.get_or_read("GM3", never).await, Err(Unanswered::Busy));
        assert!(started.elapsed() < WAIT_AT_MOST + Duration::from_secs(1));
        hanging.abort();
    }

    /// A failed read gives the recent answer if there is one, else the error; nothing
    /// is kept.
    #[tokio::test]
    async fn a_failed_read_keeps_nothing() {
        let cache = FinderCache::default();
        cache.keep("GM1", Instant::now() - FRESH_FOR, found("old"));
        let fail = || async { Err::<Answer, _>("down") };
        assert_eq!(cache.get_or_read("GM1", fail).await, Ok(found("old")));
        assert_eq!(
            cache.get_or_read("GM2", fail).await,
            Err(Unanswered::Read("down"))
        );
        assert_eq!(cache.fresh("GM2", Instant::now()), None);
    }
}
