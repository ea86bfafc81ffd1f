//! The public pages' answers, kept per municipality: a crowd of citizens reloading a
//! page costs one database read per municipality per change (at most a few a
//! second), or per few seconds, not one read each, so it never takes what the
//! chairs' reports need.
//!
//! Misses are read one at a time: each kind of page never holds more than one
//! database connection. While one request reads, a municipality whose answer has
//! just gone stale is served that answer (at most `STALE_AT_MOST` old) instead of
//! waiting; anything else waits at most `WAIT_AT_MOST` and is then told to come back.
//! Real municipalities' answers are kept apart from unknown codes, so a flood of
//! made-up codes can neither push them out nor make them wait.
//!
//! An answer goes stale when it is older than its policy's `fresh_for`, when its
//! municipality published a change after it was read (for pages that follow
//! changes, but not more often than `rebuilt_at_most_every`), or when the moment
//! it was made for has passed (the closing time, when the embargo lifts: a page
//! made before closing shows fewer figures, never more, so serving it stale is safe).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use sha2::{Digest, Sha256};

/// The oldest answer served while another request reads a new one, or when the
/// database cannot be read.
pub const STALE_AT_MOST: Duration = Duration::from_secs(300);
/// The oldest answer served after a change of its municipality, while another
/// request reads or when the read fails.
pub const CHANGED_AT_MOST: Duration = Duration::from_secs(2);
/// How long a request waits for its turn to read.
pub const WAIT_AT_MOST: Duration = Duration::from_secs(3);
/// Most municipalities kept at once (a country has a few hundred).
const MAX_FOUND: usize = 1_000;
/// Most unknown codes kept as unknown at once.
const MAX_UNKNOWN: usize = 256;

/// When a kept answer is served again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The longest an answer is served again, changes or not (what changes without an
    /// event, an import or the clock, shows within this).
    pub fresh_for: Duration,
    /// Whether a change published for the municipality after the read makes the
    /// answer stale.
    pub follows_changes: bool,
    /// The shortest time between two reads of one municipality's answer, however
    /// many changes come in.
    pub rebuilt_at_most_every: Duration,
}

impl Policy {
    /// The finder: addresses, hours and queues, a few seconds old at most.
    pub const FINDER: Self = Self {
        fresh_for: Duration::from_secs(5),
        follows_changes: false,
        rebuilt_at_most_every: Duration::ZERO,
    };
    /// Turnout and results: read again after each change, at most four times a second.
    pub const REPORTS: Self = Self {
        fresh_for: Duration::from_secs(10),
        follows_changes: true,
        rebuilt_at_most_every: Duration::from_millis(250),
    };
}

/// One page's body as sent, with its entity tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub body: Bytes,
    /// A strong entity tag, quoted: the body's SHA-256, shortened.
    pub etag: Arc<str>,
    /// The moment (ms since the epoch) after which the page is no longer right even
    /// without a change: the closing time, for a page made before it.
    pub holds_until_ms: Option<i64>,
}

impl Page {
    #[must_use]
    pub fn new(body: Bytes, holds_until_ms: Option<i64>) -> Self {
        let digest = Sha256::digest(&body);
        let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        Self {
            body,
            etag: format!("\"{tag}\"").into(),
            holds_until_ms,
        }
    }
}

/// What a public page answers for a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Found(Page),
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

/// The moment an answer is looked up or read at.
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    pub at: Instant,
    /// Now, in ms since the epoch (for `Page::holds_until_ms`).
    pub ms: i64,
    /// How many changes of the municipality were published (`Hub::changes_published`).
    pub seq: i64,
}

#[derive(Debug)]
struct Entry {
    made: Instant,
    /// The municipality's published changes when the read began.
    seq: i64,
    page: Page,
}

#[derive(Default)]
struct Kept {
    found: HashMap<String, Entry>,
    unknown: HashMap<String, Instant>,
}

pub struct PublicCache {
    policy: Policy,
    kept: Mutex<Kept>,
    /// Held while a miss is read from the database.
    refill: tokio::sync::Mutex<()>,
}

impl PublicCache {
    #[must_use]
    pub fn new(policy: Policy) -> Self {
        Self {
            policy,
            kept: Mutex::default(),
            refill: tokio::sync::Mutex::new(()),
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        // Nothing in here can panic while the lock is held; a poisoned lock would
        // still hold whole entries.
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer for `code` that is still right at `now`.
    #[must_use]
    pub fn fresh(&self, code: &str, now: Moment) -> Option<Answer> {
        let kept = self.kept();
        let policy = self.policy;
        if let Some(entry) = kept.found.get(code) {
            let age = now.at.saturating_duration_since(entry.made);
            let current = !policy.follows_changes
                || entry.seq >= now.seq
                || age < policy.rebuilt_at_most_every;
            let holds = entry.page.holds_until_ms.is_none_or(|until| now.ms < until);
            return (age < policy.fresh_for && current && holds)
                .then(|| Answer::Found(entry.page.clone()));
        }
        kept.unknown
            .get(code)
            .filter(|made| now.at.saturating_duration_since(**made) < policy.fresh_for)
            .map(|_| Answer::Unknown)
    }

    /// A municipality's answer to give while another request reads, or when the read
    /// fails: one no older than `STALE_AT_MOST` when nothing of the municipality changed
    /// since it was read (only time passed: a results page from before closing shows
    /// fewer figures, never more), else one no older than `CHANGED_AT_MOST` (a
    /// superseded figure shows that long at most, as long as a proxy may keep it).
    fn recent(&self, code: &str, now: Moment) -> Option<Answer> {
        let follows_changes = self.policy.follows_changes;
        self.kept()
            .found
            .get(code)
            .filter(|entry| {
                let age = now.at.saturating_duration_since(entry.made);
                let unchanged = !follows_changes || entry.seq >= now.seq;
                age < STALE_AT_MOST && (unchanged || age < CHANGED_AT_MOST)
            })
            .map(|entry| Answer::Found(entry.page.clone()))
    }

    /// Keeps `answer` for `code`, read from `made` on.
    pub fn keep(&self, code: &str, made: Moment, answer: Answer) {
        let mut kept = self.kept();
        let fresh_for = self.policy.fresh_for;
        let fresh = |at: &Instant| made.at.saturating_duration_since(*at) < fresh_for;
        match answer {
            Answer::Found(page) => {
                kept.unknown.remove(code);
                if kept.found.len() >= MAX_FOUND && !kept.found.contains_key(code) {
                    kept.found.retain(|_, entry| fresh(&entry.made));
                    if kept.found.len() >= MAX_FOUND {
                        return;
                    }
                }
                kept.found.insert(
                    code.to_owned(),
                    Entry {
                        made: made.at,
                        seq: made.seq,
                        page,
                    },
                );
            }
            Answer::Unknown => {
                kept.found.remove(code);
                if kept.unknown.len() >= MAX_UNKNOWN && !kept.unknown.contains_key(code) {
                    kept.unknown.retain(|_, at| fresh(at));
                    if kept.unknown.len() >= MAX_UNKNOWN {
                        return;
                    }
                }
                kept.unknown.insert(code.to_owned(), made.at);
            }
        }
    }

    /// The answer for `code`: a fresh one kept, or else `read`'s, read by one request
    /// at a time (a request that waited finds the answer the one before it kept).
    /// `now` tells the moment (it is asked again after a wait).
    ///
    /// # Errors
    /// `Busy` after waiting `WAIT_AT_MOST` for its turn; `Read` with `read`'s error
    /// when there is no recent answer to give instead. Nothing is kept then.
    pub async fn get_or_read<E, N, F, Fut>(
        &self,
        code: &str,
        now: N,
        read: F,
    ) -> Result<Answer, Unanswered<E>>
    where
        N: Fn() -> Moment,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Answer, E>>,
    {
        if let Some(answer) = self.fresh(code, now()) {
            return Ok(answer);
        }
        let _reading = if let Ok(turn) = self.refill.try_lock() {
            turn
        } else {
            if let Some(answer) = self.recent(code, now()) {
                return Ok(answer);
            }
            tokio::time::timeout(WAIT_AT_MOST, self.refill.lock())
                .await
                .map_err(|_| Unanswered::Busy)?
        };
        let before = now();
        if let Some(answer) = self.fresh(code, before) {
            return Ok(answer);
        }
        match read().await {
            Ok(answer) => {
                self.keep(code, before, answer.clone());
                Ok(answer)
            }
            Err(e) => self.recent(code, now()).ok_or(Unanswered::Read(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn found(text: &'static str) -> Answer {
        Answer::Found(Page::new(Bytes::from_static(text.as_bytes()), None))
    }

    fn at(at: Instant, seq: i64) -> Moment {
        Moment { at, ms: 0, seq }
    }

    #[test]
    fn an_answer_is_served_again_only_while_fresh() {
        let cache = PublicCache::new(Policy::FINDER);
        let start = Instant::now();
        cache.keep("GM1", at(start, 0), found("a"));
        assert_eq!(cache.fresh("GM1", at(start, 0)), Some(found("a")));
        assert_eq!(
            cache.fresh("GM1", at(start, 9)),
            Some(found("a")),
            "the finder does not follow changes"
        );
        assert_eq!(cache.fresh("GM2", at(start, 0)), None);
        assert_eq!(
            cache.fresh("GM1", at(start + Policy::FINDER.fresh_for, 0)),
            None
        );
    }

    /// A report page is read again after a change, but not more than four times a
    /// second however many changes come in; and not at all while nothing changes.
    #[test]
    fn a_report_goes_stale_with_a_change_at_most_four_times_a_second() {
        let cache = PublicCache::new(Policy::REPORTS);
        let start = Instant::now();
        cache.keep("GM1", at(start, 5), found("a"));
        let later = start + Duration::from_secs(9);
        assert_eq!(
            cache.fresh("GM1", at(later, 5)),
            Some(found("a")),
            "nothing changed"
        );
        let soon = start + Duration::from_millis(100);
        assert_eq!(
            cache.fresh("GM1", at(soon, 6)),
            Some(found("a")),
            "read 100 ms ago"
        );
        let quarter = start + Policy::REPORTS.rebuilt_at_most_every;
        assert_eq!(cache.fresh("GM1", at(quarter, 6)), None, "changed since");
        assert_eq!(
            cache.fresh("GM1", at(start + Policy::REPORTS.fresh_for, 5)),
            None
        );
    }

    /// A page made before closing is not served as fresh once the polls have closed:
    /// the embargo lifts at once, not when the page happens to expire.
    #[test]
    fn a_page_made_before_closing_is_read_again_at_closing() {
        let cache = PublicCache::new(Policy::REPORTS);
        let start = Instant::now();
        let page = Answer::Found(Page::new(Bytes::from_static(b"embargoed"), Some(1_000)));
        cache.keep("GM1", at(start, 0), page.clone());
        let before = Moment {
            at: start,
            ms: 999,
            seq: 0,
        };
        assert_eq!(cache.fresh("GM1", before), Some(page));
        let closed = Moment {
            at: start,
            ms: 1_000,
            seq: 0,
        };
        assert_eq!(cache.fresh("GM1", closed), None);
    }

    #[test]
    fn the_entity_tag_follows_the_body() {
        let a = Page::new(Bytes::from_static(b"a"), None);
        let b = Page::new(Bytes::from_static(b"b"), None);
        assert_ne!(a.etag, b.etag);
        assert_eq!(a.etag, Page::new(Bytes::from_static(b"a"), Some(1)).etag);
        assert!(a.etag.starts_with('"') && a.etag.ends_with('"'));
    }

    /// Made-up codes fill their own bounded space, never the municipalities'.
    #[test]
    fn a_flood_of_unknown_codes_pushes_out_no_municipality() {
        let cache = PublicCache::new(Policy::FINDER);
        let start = Instant::now();
        cache.keep("GM0599", at(start, 0), found("rotterdam"));
        for n in 0..10_000 {
            cache.keep(&format!("X{n}"), at(start, 0), Answer::Unknown);
        }
        assert_eq!(cache.kept().unknown.len(), MAX_UNKNOWN);
        assert_eq!(
            cache.fresh("GM0599", at(start, 0)),
            Some(found("rotterdam"))
        );
        for n in 0..MAX_FOUND + 10 {
            cache.keep(&format!("GM{n}"), at(start, 0), found("x"));
        }
        assert_eq!(cache.kept().found.len(), MAX_FOUND);
        // Once they are stale, room is made.
        let later = at(start + Policy::FINDER.fresh_for, 0);
        cache.keep("late", later, found("y"));
        assert!(cache.fresh("late", later).is_some());
    }

    fn now() -> Moment {
        at(Instant::now(), 0)
    }

    /// A crowd arriving on an empty cache costs one read, not one each.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_crowd_on_a_miss_reads_once() {
        let cache = Arc::new(PublicCache::new(Policy::FINDER));
        let reads = Arc::new(AtomicUsize::new(0));
        let mut crowd = Vec::new();
        for _ in 0..50 {
            let (cache, reads) = (cache.clone(), reads.clone());
            crowd.push(tokio::spawn(async move {
                cache
                    .get_or_read("GM1", now, || async {
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

    /// A change published while a page is read makes that page stale at once: the
    /// read may have missed it.
    #[tokio::test]
    async fn a_change_during_the_read_is_not_missed() {
        let cache = PublicCache::new(Policy::REPORTS);
        let seq = AtomicUsize::new(1);
        let moment = || {
            at(
                Instant::now(),
                i64::try_from(seq.load(Ordering::SeqCst)).unwrap(),
            )
        };
        let answer = cache
            .get_or_read("GM1", moment, || async {
                seq.store(2, Ordering::SeqCst);
                Ok::<_, ()>(found("before the change"))
            })
            .await;
        assert_eq!(answer, Ok(found("before the change")));
        // Kept as read at change 1: stale, once the shortest time between two reads
        // has passed, now that 2 is published.
        let a_bit_later = at(Instant::now() + Policy::REPORTS.rebuilt_at_most_every, 2);
        assert_eq!(cache.fresh("GM1", a_bit_later), None);
        let unchanged = at(Instant::now() + Policy::REPORTS.rebuilt_at_most_every, 1);
        assert!(
            cache.fresh("GM1", unchanged).is_some(),
            "had nothing changed"
        );
    }

    /// While the database hangs, a municipality's recent answer is still served, and
    /// a code with none is told to come back within `WAIT_AT_MOST`, not left waiting.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hanging_read_makes_nobody_wait_long() {
        let cache = Arc::new(PublicCache::new(Policy::FINDER));
        cache.keep(
            "GM1",
            at(Instant::now() - Policy::FINDER.fresh_for, 0),
            found("a minute ago"),
        );
        let hanging = {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache
                    .get_or_read("GM2", now, || async {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        Ok::<_, ()>(Answer::Unknown)
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let never = || async { Ok::<_, ()>(found("never read")) };
        assert_eq!(
            cache.get_or_read("GM1", now, never).await,
            Ok(found("a minute ago"))
        );
        let started = Instant::now();
        assert_eq!(
            cache.get_or_read("GM3", now, never).await,
            Err(Unanswered::Busy)
        );
        assert!(started.elapsed() < WAIT_AT_MOST + Duration::from_secs(1));
        hanging.abort();
    }

    /// While another read is under way, a page whose municipality changed since is
    /// given out for `CHANGED_AT_MOST` at most (a superseded figure, or one a
    /// correction put under the embargo's threshold, does not live on), one where only
    /// time passed for much longer.
    #[test]
    fn a_changed_page_is_not_given_out_long() {
        let cache = PublicCache::new(Policy::REPORTS);
        let start = Instant::now();
        cache.keep("GM1", at(start, 1), found("figures"));
        let a_minute = start + Duration::from_secs(60);
        assert_eq!(cache.recent("GM1", at(a_minute, 1)), Some(found("figures")));
        assert_eq!(cache.recent("GM1", at(a_minute, 2)), None);
        let soon = start + CHANGED_AT_MOST / 2;
        assert_eq!(cache.recent("GM1", at(soon, 2)), Some(found("figures")));
    }

    /// A failed read gives the recent answer if there is one, else the error; nothing
    /// is kept.
    #[tokio::test]
    async fn a_failed_read_keeps_nothing() {
        let cache = PublicCache::new(Policy::FINDER);
        cache.keep(
            "GM1",
            at(Instant::now() - Policy::FINDER.fresh_for, 0),
            found("old"),
        );
        let fail = || async { Err::<Answer, _>("down") };
        assert_eq!(cache.get_or_read("GM1", now, fail).await, Ok(found("old")));
        assert_eq!(
            cache.get_or_read("GM2", now, fail).await,
            Err(Unanswered::Read("down"))
        );
        assert_eq!(cache.fresh("GM2", now()), None);
    }
}
