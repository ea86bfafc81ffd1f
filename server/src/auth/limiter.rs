use std::collections::HashMap;
use std::sync::Mutex;

/// Limits attempts per key (a device id, a remote address) in a sliding window, so a
/// wrong activation code cannot be tried over and over.
#[derive(Debug)]
pub struct AttemptLimiter {
    max: usize,
    window_ms: i64,
    attempts: Mutex<HashMap<String, Vec<i64>>>,
}

impl AttemptLimiter {
    #[must_use]
    pub fn new(max: usize, window_ms: i64) -> Self {
        Self {
            max,
            window_ms,
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `key` may try now, without counting a try.
    pub fn allowed(&self, key: &str, now: i64) -> bool {
        let Ok(attempts) = self.attempts.lock() else {
            return false;
        };
        attempts.get(key).is_none_or(|times| {
            times.iter().filter(|t| now - **t < self.window_ms).count() < self.max
        })
    }

    /// Counts an attempt; false when the key has used up its attempts.
    pub fn attempt(&self, key: &str, now: i64) -> bool {
        let Ok(mut attempts) = self.attempts.lock() else {
            return false;
        };
        if attempts.len() > 100_000 {
            attempts.retain(|_, times| times.iter().any(|t| now - t < self.window_ms));
        }
        let times = attempts.entry(key.to_owned()).or_default();
        times.retain(|t| now - t < self.window_ms);
        if times.len() >= self.max {
            return false;
        }
        times.push(now);
        true
    }
}

impl AttemptLimiter {
    /// Gives back the latest attempt of `key` (one that turned out not to count, such
    /// as a reservation for a check that succeeded).
    pub fn refund(&self, key: &str) {
        if let Ok(mut attempts) = self.attempts.lock()
            && let Some(times) = attempts.get_mut(key)
        {
            times.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_the_limit_until_the_window_passes() {
        let limiter = AttemptLimiter::new(3, 60_000);
        assert!((0..3).all(|n| limiter.attempt("a", n)));
        assert!(!limiter.attempt("a", 10));
        assert!(limiter.attempt("b", 10), "other keys are not affected");
        assert!(limiter.attempt("a", 60_001));
    }

    #[test]
    fn a_refund_gives_the_attempt_back() {
        let limiter = AttemptLimiter::new(1, 60_000);
        assert!(limiter.attempt("a", 0));
        assert!(!limiter.attempt("a", 1));
        limiter.refund("a");
        assert!(limiter.attempt("a", 2));
    }

    #[test]
    fn concurrent_attempts_never_exceed_the_limit() {
        let limiter = std::sync::Arc::new(AttemptLimiter::new(30, 60_000));
        let granted = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..100 {
                        if limiter.attempt("peer", 0) {
                            granted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                });
            }
        });
        assert_eq!(granted.into_inner(), 30);
    }

    #[test]
    fn allowed_only_looks() {
        let limiter = AttemptLimiter::new(1, 60_000);
        assert!(limiter.allowed("a", 0));
        assert!(limiter.allowed("a", 0));
        assert!(limiter.attempt("a", 0));
        assert!(!limiter.allowed("a", 1));
    }
}
