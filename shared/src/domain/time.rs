//! Instants on the wire and in storage: milliseconds since the Unix epoch (UTC).
//! Local wall-clock display uses the election's UTC offset for the day.

use facet::Facet;
use serde::{Deserialize, Serialize};

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(
    Facet, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_DAY: i64 = 86_400_000;

impl Timestamp {
    #[must_use]
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    #[must_use]
    pub const fn millis(self) -> i64 {
        self.0
    }

    #[must_use]
    pub const fn plus_minutes(self, minutes: i64) -> Self {
        Self(self.0 + minutes * MS_PER_MINUTE)
    }

    /// Minutes elapsed from `earlier` to `self` (negative when `self` is before it).
    #[must_use]
    pub const fn minutes_since(self, earlier: Self) -> i64 {
        (self.0 - earlier.0).div_euclid(MS_PER_MINUTE)
    }

    /// "HH:MM" local wall-clock time, given the day's offset from UTC in minutes.
    #[must_use]
    pub fn local_hh_mm(self, utc_offset_minutes: i32) -> String {
        let local = self.0 + i64::from(utc_offset_minutes) * MS_PER_MINUTE;
        let minute_of_day = local.rem_euclid(MS_PER_DAY) / MS_PER_MINUTE;
        format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_local_time_with_offset() {
        // 2026-03-18T06:30:00Z is 07:30 in the Netherlands (UTC+1 in March).
        let t = Timestamp(1_773_815_400_000);
        assert_eq!(t.local_hh_mm(60), "07:30");
        assert_eq!(t.local_hh_mm(0), "06:30");
    }

    #[test]
    fn minutes_since_rounds_down() {
        let a = Timestamp(0);
        assert_eq!(Timestamp(119_999).minutes_since(a), 1);
        assert_eq!(Timestamp(-1).minutes_since(a), -1);
    }
}
