//! Jittered backoff, so that thousands of devices that lost the server at the same
//! moment do not all come back at the same moment, and so that a server that says it
//! is overloaded is given room.
//!
//! Three paces:
//! - **Outage** (connection refused or closed, a server that stopped answering):
//!   short and fully jittered, so that every device is back within `FAST_CAP_MS` of
//!   the server, spread over that window: a random delay in
//!   `[FAST_FLOOR_MS, min(FAST_CAP_MS, FAST_BASE_MS * 2^n)]`.
//! - **Storage** (the server said `StorageUnavailable`: its disk is full or under its
//!   margin, its database is gone): medium, so that 10,000 devices do not hammer a
//!   server that answers but cannot store, yet each is back within seconds once it
//!   can: a random delay in the upper half of `min(STORAGE_CAP_MS,
//!   STORAGE_BASE_MS * 2^n)`, i.e. 1-2 s, 2-4 s, 4-8 s, then 5-10 s. Like the busy
//!   pace it holds until the server stores something of ours (`reset`): a server
//!   that cannot store still welcomes sessions.
//! - **Busy** (the server said `Overloaded` or `TooManyAttempts`): long and growing,
//!   so that a reconnect storm cannot keep an overloaded server down: a random delay
//!   in the upper half of `min(BUSY_CAP_MS, BUSY_BASE_MS * 2^n)`. Once the server
//!   said it is busy, every failure keeps this pace until the server shows it is
//!   storing again (`reset`), not merely when it accepts a session (`reset_outage`):
//!   an overloaded server may welcome a device and then refuse its operations.

use std::time::Duration;

/// Why the last connection ended, which sets the pace of the next attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// The network, a stopped or silent server.
    Outage,
    /// The server said it cannot store now (`StorageUnavailable`).
    Storage,
    /// The server said it is overloaded (or that there were too many attempts).
    Busy,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// Failed attempts at the outage pace since the last session was welcomed.
    attempt: u32,
    /// Attempts at the busy pace since the server last stored something of ours; 0
    /// when the server has not said it is busy.
    busy_attempt: u32,
    /// Attempts at the storage pace since the server last stored something of ours;
    /// 0 when the server has not said it cannot store.
    storage_attempt: u32,
    /// State of a small xorshift generator, seeded per device; no I/O needed.
    seed: u64,
}

/// The outage pace: the first ceiling, doubling up to the cap, never below the floor.
pub const FAST_BASE_MS: u64 = 250;
pub const FAST_CAP_MS: u64 = 1_500;
pub const FAST_FLOOR_MS: u64 = 100;
/// The busy pace: the first ceiling, doubling up to the cap (upper-half jitter).
pub const BUSY_BASE_MS: u64 = 5_000;
pub const BUSY_CAP_MS: u64 = 60_000;
/// The storage pace: the first ceiling, doubling up to the cap (upper-half jitter).
pub const STORAGE_BASE_MS: u64 = 2_000;
pub const STORAGE_CAP_MS: u64 = 10_000;

impl Backoff {
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self {
            attempt: 0,
            busy_attempt: 0,
            storage_attempt: 0,
            seed: seed | 1,
        }
    }

    /// The delay before the next attempt at `pace` (see the module); each call counts
    /// one failed attempt. The busy pace holds once the server said it is busy, the
    /// storage pace once it said it cannot store (busy wins: it is the slower).
    pub fn next_delay(&mut self, pace: Pace) -> Duration {
        if pace == Pace::Busy || self.busy_attempt > 0 {
            let ceiling = BUSY_BASE_MS
                .saturating_mul(1 << self.busy_attempt.min(16))
                .min(BUSY_CAP_MS);
            self.busy_attempt = self.busy_attempt.saturating_add(1);
            return self.upper_half(ceiling);
        }
        if pace == Pace::Storage || self.storage_attempt > 0 {
            let ceiling = STORAGE_BASE_MS
                .saturating_mul(1 << self.storage_attempt.min(16))
                .min(STORAGE_CAP_MS);
            self.storage_attempt = self.storage_attempt.saturating_add(1);
            return self.upper_half(ceiling);
        }
        let ceiling = FAST_BASE_MS
            .saturating_mul(1 << self.attempt.min(16))
            .min(FAST_CAP_MS);
        self.attempt = self.attempt.saturating_add(1);
        Duration::from_millis(FAST_FLOOR_MS + self.random() % (ceiling - FAST_FLOOR_MS + 1))
    }

    /// A session was welcomed: outage attempts start again from the shortest delay.
    /// A busy server, or one that cannot store, keeps its pace (see `reset`).
    pub fn reset_outage(&mut self) {
        self.attempt = 0;
    }

    /// The server stored something of ours (or had nothing to store): it is neither
    /// down nor busy; start again from the shortest delay.
    pub fn reset(&mut self) {
        self.attempt = 0;
        self.busy_attempt = 0;
        self.storage_attempt = 0;
    }

    /// Whether the server said it is busy and has not stored anything of ours since.
    #[must_use]
    pub const fn busy(&self) -> bool {
        self.busy_attempt > 0
    }

    #[must_use]
    pub const fn attempts(&self) -> u32 {
        self.attempt
            .saturating_add(self.busy_attempt)
            .saturating_add(self.storage_attempt)
    }

    /// A random delay in the upper half of `ceiling` (ms).
    fn upper_half(&mut self, ceiling: u64) -> Duration {
        let half = ceiling / 2;
        Duration::from_millis(half + self.random() % (ceiling - half + 1))
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

    fn ms(d: Duration) -> u64 {
        u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
    }

    #[test]
    fn an_outage_is_retried_within_the_fast_cap_with_full_jitter() {
        let mut b = Backoff::new(42);
        let delays: Vec<u64> = (0..50).map(|_| ms(b.next_delay(Pace::Outage))).collect();
        assert!(
            (FAST_FLOOR_MS..=FAST_BASE_MS).contains(&delays[0]),
            "{delays:?}"
        );
        assert!(
            delays
                .iter()
                .all(|d| (FAST_FLOOR_MS..=FAST_CAP_MS).contains(d)),
            "{delays:?}"
        );
        // Full jitter: late attempts land all over the window, not only its top half.
        assert!(
            delays[10..].iter().any(|d| *d < FAST_CAP_MS / 2),
            "{delays:?}"
        );
        assert!(
            delays[10..].iter().any(|d| *d > FAST_CAP_MS / 2),
            "{delays:?}"
        );
        b.reset_outage();
        assert!(ms(b.next_delay(Pace::Outage)) <= FAST_BASE_MS);
    }

    #[test]
    fn a_busy_server_gets_a_long_growing_backoff_until_it_stores_again() {
        let mut b = Backoff::new(7);
        b.next_delay(Pace::Outage);
        let delays: Vec<u64> = (0..8).map(|_| ms(b.next_delay(Pace::Busy))).collect();
        assert!(
            (BUSY_BASE_MS / 2..=BUSY_BASE_MS).contains(&delays[0]),
            "{delays:?}"
        );
        assert!(
            (BUSY_BASE_MS..=2 * BUSY_BASE_MS).contains(&delays[1]),
            "{delays:?}"
        );
        assert!(delays.iter().all(|d| *d <= BUSY_CAP_MS), "{delays:?}");
        assert!(delays[7] >= BUSY_CAP_MS / 2, "{delays:?}");
        // A refused connection after the server said it is busy does not speed up.
        assert!(ms(b.next_delay(Pace::Outage)) >= BUSY_CAP_MS / 2);
        // Being welcomed is not enough; storing is.
        b.reset_outage();
        assert!(b.busy());
        assert!(ms(b.next_delay(Pace::Outage)) >= BUSY_CAP_MS / 2);
        b.reset();
        assert!(!b.busy());
        assert!(ms(b.next_delay(Pace::Outage)) <= FAST_BASE_MS);
    }

    #[test]
    fn a_server_that_cannot_store_is_retried_at_a_medium_pace_until_it_stores() {
        let mut b = Backoff::new(11);
        let delays: Vec<u64> = (0..12).map(|_| ms(b.next_delay(Pace::Storage))).collect();
        // 1-2 s, 2-4 s, 4-8 s, then 5-10 s: slower than an outage, far quicker than busy.
        assert!((1_000..=2_000).contains(&delays[0]), "{delays:?}");
        assert!((2_000..=4_000).contains(&delays[1]), "{delays:?}");
        assert!((4_000..=8_000).contains(&delays[2]), "{delays:?}");
        assert!(
            delays[3..]
                .iter()
                .all(|d| (STORAGE_CAP_MS / 2..=STORAGE_CAP_MS).contains(d)),
            "{delays:?}"
        );
        // Jittered: the capped attempts do not all wait the same.
        let distinct: std::collections::HashSet<&u64> = delays[3..].iter().collect();
        assert!(distinct.len() > 5, "{delays:?}");
        // A refused connection meanwhile (the server restarting) keeps the pace, and so
        // does a welcome: a server that cannot store still takes sessions.
        assert!(ms(b.next_delay(Pace::Outage)) >= STORAGE_CAP_MS / 2);
        b.reset_outage();
        assert!(ms(b.next_delay(Pace::Outage)) >= STORAGE_CAP_MS / 2);
        // It stored something of ours: the next outage is short again.
        b.reset();
        assert!(ms(b.next_delay(Pace::Outage)) <= FAST_BASE_MS);
        assert!(ms(b.next_delay(Pace::Storage)) <= STORAGE_BASE_MS);
    }

    #[test]
    fn busy_wins_over_cannot_store() {
        let mut b = Backoff::new(5);
        b.next_delay(Pace::Storage);
        assert!(ms(b.next_delay(Pace::Busy)) >= BUSY_BASE_MS / 2);
        assert!(ms(b.next_delay(Pace::Storage)) >= BUSY_BASE_MS);
    }

    #[test]
    fn devices_that_cannot_store_spread_out() {
        // 10,000 devices refused at the same moment: their first retries spread over a
        // second, not one millisecond.
        let firsts: std::collections::HashSet<u128> = (0..1_000)
            .map(|seed| {
                Backoff::new(seed * 7919)
                    .next_delay(Pace::Storage)
                    .as_millis()
            })
            .collect();
        assert!(firsts.len() > 500, "only {} distinct delays", firsts.len());
    }

    #[test]
    fn devices_spread_out() {
        let firsts: std::collections::HashSet<u128> = (0..100)
            .map(|seed| {
                Backoff::new(seed * 7919)
                    .next_delay(Pace::Outage)
                    .as_millis()
            })
            .collect();
        assert!(firsts.len() > 50, "only {} distinct delays", firsts.len());
        let capped: std::collections::HashSet<u128> = (0..100)
            .map(|seed| {
                let mut b = Backoff::new(seed * 7919);
                for _ in 0..5 {
                    b.next_delay(Pace::Outage);
                }
                b.next_delay(Pace::Outage).as_millis()
            })
            .collect();
        assert!(capped.len() > 50, "only {} distinct delays", capped.len());
    }
}
