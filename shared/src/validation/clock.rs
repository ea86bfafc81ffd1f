//! Whether a report's `recorded_at`, stamped by the device's clock, is plausible.

use super::{Issue, Rule};
use crate::domain::{Election, Timestamp};

/// How far ahead of the server's clock a `recorded_at` may be: 15 minutes (a device
/// clock a little fast, and the corrected time the app stamps when it is not).
pub const RECORDED_AT_MAX_AHEAD_MS: i64 = 15 * 60_000;
/// How far behind the server's clock a `recorded_at` may be: 24 hours (a device that
/// was offline queues its reports for hours and sends them when it is back).
pub const RECORDED_AT_MAX_BEHIND_MS: i64 = 24 * 3_600_000;
/// How far before the election's opening and after its closing a `recorded_at` may
/// be: 24 hours (setting up the day before, counting into the night).
pub const RECORDED_AT_MARGIN_MS: i64 = 24 * 3_600_000;

/// Decides whether a report's `recorded_at` is plausible, for the server to call with
/// its own clock before validating the report (whose time rules use `recorded_at`).
///
/// The policy: `recorded_at` is plausible when it is
/// - at most `RECORDED_AT_MAX_AHEAD_MS` (15 minutes) ahead of `server_now`,
/// - at most `RECORDED_AT_MAX_BEHIND_MS` (24 hours) behind `server_now`, and
/// - inside the election's window, from `opens_at` − `RECORDED_AT_MARGIN_MS` to
///   `closes_at` + `RECORDED_AT_MARGIN_MS` (24 hours either side), both ends included.
///
/// Otherwise it is `Rule::RecordedAtImplausible` (`CLOCK_E01_IMPLAUSIBLE_TIME`, an
/// error) on the field `recorded_at`. Every instant may be anything an `i64` holds:
/// the bounds saturate at the ends of the range, and nothing overflows.
#[must_use]
pub fn check_recorded_at(
    recorded_at: Timestamp,
    server_now: Timestamp,
    election: &Election,
) -> Option<Issue> {
    let earliest = server_now
        .plus_millis(-RECORDED_AT_MAX_BEHIND_MS)
        .max(election.opens_at.plus_millis(-RECORDED_AT_MARGIN_MS));
    let latest = server_now
        .plus_millis(RECORDED_AT_MAX_AHEAD_MS)
        .min(election.closes_at.plus_millis(RECORDED_AT_MARGIN_MS));
    (recorded_at < earliest || recorded_at > latest)
        .then(|| Issue::new(Rule::RecordedAtImplausible, ["recorded_at"]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Jurisdiction;
    use crate::validation::fixtures::{self, CLOSES, OPENS};

    const MINUTE: i64 = 60_000;
    const HOUR: i64 = 60 * MINUTE;

    fn plausible(recorded_at: i64, server_now: i64) -> bool {
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let issue = check_recorded_at(Timestamp(recorded_at), Timestamp(server_now), &election);
        if let Some(issue) = &issue {
            assert_eq!(issue.code(), "CLOCK_E01_IMPLAUSIBLE_TIME");
            assert_eq!(issue.fields, ["recorded_at"]);
        }
        issue.is_none()
    }

    #[test]
    fn at_most_fifteen_minutes_ahead_of_the_server() {
        let now = OPENS + 2 * HOUR;
        assert!(plausible(now, now));
        assert!(plausible(now + 15 * MINUTE, now));
        assert!(!plausible(now + 15 * MINUTE + 1, now));
        assert!(!plausible(now + 3 * HOUR, now), "a clock 3 hours fast");
    }

    #[test]
    fn at_most_a_day_behind_the_server() {
        // The server's clock late in the night after the election.
        let now = CLOSES + 20 * HOUR;
        assert!(plausible(now - 24 * HOUR, now));
        assert!(!plausible(now - 24 * HOUR - 1, now));
    }

    #[test]
    fn inside_the_election_window() {
        // Server and device agree, but the day is wrong.
        let first = OPENS - 24 * HOUR;
        assert!(plausible(first, first));
        assert!(!plausible(first - 1, first - 1));
        let last = CLOSES + 24 * HOUR;
        assert!(plausible(last, last));
        assert!(!plausible(last + 1, last + 1));
    }

    #[test]
    fn extreme_instants_are_implausible_not_a_panic() {
        let now = OPENS;
        for at in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            assert!(!plausible(at, now), "{at}");
        }
        // A server clock at the ends of the range: the bounds saturate.
        assert!(!plausible(OPENS, i64::MAX));
        assert!(!plausible(OPENS, i64::MIN));
        assert!(!plausible(i64::MAX, i64::MAX));
        assert!(!plausible(i64::MIN, i64::MIN));
        // An election at the ends of the range.
        let mut election = fixtures::election(Jurisdiction::Netherlands, 2);
        election.opens_at = Timestamp(i64::MIN);
        election.closes_at = Timestamp(i64::MAX);
        for at in [i64::MIN, i64::MAX] {
            assert!(check_recorded_at(Timestamp(at), Timestamp(at), &election).is_none());
        }
    }
}
