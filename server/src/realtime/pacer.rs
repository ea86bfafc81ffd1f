//! How often a dashboard gets a frame: a token bucket. A change goes out at once
//! while the viewer has frames to spare; under a stream of changes the frames come at
//! most `rate` a second, each carrying everything that arrived meanwhile. The small
//! burst lets a change that follows another closely still go out without waiting,
//! which keeps latency low at ordinary rates without raising the sustained rate.

use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct FramePacer {
    rate_per_second: f64,
    burst: f64,
    tokens: f64,
    at: Instant,
}

impl FramePacer {
    #[must_use]
    pub fn new(rate_per_second: u32, burst: u32, now: Instant) -> Self {
        Self {
            rate_per_second: f64::from(rate_per_second.max(1)),
            burst: f64::from(burst.max(1)),
            tokens: f64::from(burst.max(1)),
            at: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate_per_second).min(self.burst);
        self.at = now;
    }

    /// When the next frame may go out: `now` if one is to spare.
    #[must_use]
    pub fn next_frame_at(&self, now: Instant) -> Instant {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        let tokens = (self.tokens + elapsed * self.rate_per_second).min(self.burst);
        if tokens >= 1.0 {
            now
        } else {
            now + Duration::from_secs_f64((1.0 - tokens) / self.rate_per_second)
        }
    }

    /// Frames a second from now on (the tokens saved so far stay).
    pub fn set_rate(&mut self, rate_per_second: u32, now: Instant) {
        self.refill(now);
        self.rate_per_second = f64::from(rate_per_second.max(1));
    }

    /// A frame went out at `now`.
    pub fn sent(&mut self, now: Instant) {
        self.refill(now);
        self.tokens = (self.tokens - 1.0).max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drives the pacer with a change every `every`, for `for_`; counts the frames and
    /// the longest wait of a change.
    fn drive(every: Duration, for_: Duration) -> (usize, Duration) {
        let start = Instant::now();
        let mut pacer = FramePacer::new(10, 3, start);
        let mut frames = 0;
        let mut longest = Duration::ZERO;
        let mut waiting_since: Option<Instant> = None;
        let mut now = start;
        let step = Duration::from_millis(1);
        let mut next_change = start;
        while now < start + for_ {
            if now >= next_change {
                waiting_since.get_or_insert(now);
                next_change += every;
            }
            if let Some(since) = waiting_since
                && pacer.next_frame_at(now) <= now
            {
                pacer.sent(now);
                frames += 1;
                longest = longest.max(now - since);
                waiting_since = None;
            }
            now += step;
        }
        (frames, longest)
    }

    #[test]
    fn a_stream_of_changes_gets_at_most_about_ten_frames_a_second() {
        let (frames, longest) = drive(Duration::from_millis(2), Duration::from_secs(10));
        // 10 a second plus the initial burst of 3.
        assert!(frames <= 103, "{frames} frames in 10 s");
        assert!(frames >= 95, "{frames} frames in 10 s");
        assert!(longest <= Duration::from_millis(101), "{longest:?}");
    }

    /// A lower rate set under way holds from then on.
    #[test]
    fn a_lower_rate_spaces_the_frames_further() {
        let start = Instant::now();
        let mut pacer = FramePacer::new(10, 1, start);
        pacer.sent(start);
        assert_eq!(
            pacer.next_frame_at(start),
            start + Duration::from_millis(100)
        );
        pacer.set_rate(2, start);
        assert_eq!(
            pacer.next_frame_at(start),
            start + Duration::from_millis(500)
        );
    }

    #[test]
    fn occasional_changes_go_out_at_once() {
        let (frames, longest) = drive(Duration::from_millis(150), Duration::from_secs(5));
        assert_eq!(frames, 34);
        assert_eq!(longest, Duration::ZERO);
    }

    #[test]
    fn two_changes_close_together_both_go_out_at_once_after_a_quiet_spell() {
        let start = Instant::now();
        let mut pacer = FramePacer::new(10, 3, start);
        let later = start + Duration::from_secs(2);
        assert_eq!(pacer.next_frame_at(later), later);
        pacer.sent(later);
        let soon = later + Duration::from_millis(5);
        assert_eq!(pacer.next_frame_at(soon), soon);
        pacer.sent(soon);
        pacer.sent(soon);
        // The burst is spent: the next waits for the bucket to refill.
        let next = pacer.next_frame_at(soon);
        assert!(next > soon && next <= soon + Duration::from_millis(100));
    }
}
