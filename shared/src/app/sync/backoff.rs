//! Jittered exponential backoff, so that thousands of devices that lost the server at
//! the same moment do not all come back at the same moment.

use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backoff {
    attempt: u32,
    /// State of a small xorshift generator, seeded per device; no I/O needed.
    seed: u64,
}

const BASE_MS: u64 = 500;
const CAP_MS: u64 = 60_000;

impl Backoff {
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self {
            attempt: 0,
            seed: seed | 1,
        }
    }

    /// The delay before the next attempt: a random point in the upper half of
    /// `min(cap, base * 2^attempt)`. Each call counts one failed attempt.
    pub fn next_delay(&mut self) -> Duration {
        let ceiling = BASE_MS
            .saturating_mul(1 << self.attempt.min(16))
            .min(CAP_MS);
        self.attempt = self.attempt.saturating_add(1);
        let half = ceiling / 2;
        Duration::from_millis(half + self.random() % (ceiling - half + 1))
    }

    /// A connection worked: start again from the shortest delay.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    #[must_use]
    pub const fn attempts(&self) -> u32 {
        self.attempt
    }

    fn random(&mut self) -> u64 {
        let mut x = self.seed;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.seed = x;
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_to_the_cap_with_jitter() {
        let mut b = Backoff::new(42);
        let delays: Vec<u64> = (0..12).map(|_| b.next_delay().as_millis() as u64).collect();
        assert!((250..=500).contains(&delays[0]), "{delays:?}");
        assert!((500..=1_000).contains(&delays[1]), "{delays:?}");
        assert!(delays.iter().all(|d| *d <= CAP_MS));
        assert!(delays[11] >= CAP_MS / 2);
        b.reset();
        assert!(b.next_delay() <= Duration::from_millis(BASE_MS));
    }

    #[test]
    fn devices_spread_out() {
        let firsts: std::collections::HashSet<u128> = (0..100)
            .map(|seed| Backoff::new(seed * 7919).next_delay().as_millis())
            .collect();
        assert!(firsts.len() > 50, "only {} distinct delays", firsts.len());
    }
}
