//! Instants on the wire and in storage: milliseconds since the Unix epoch (UTC).
//! Local wall-clock display uses the election's UTC offset for the day.

use facet::Facet;
use serde::{Deserialize, Serialize};

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(
    Facet, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

    /// `minutes` later (earlier when negative), saturating at the ends of the range:
    /// instants arrive from devices and may be anything an `i64` holds.
    #[must_use]
    pub const fn plus_minutes(self, minutes: i64) -> Self {
        Self(self.0.saturating_add(minutes.saturating_mul(MS_PER_MINUTE)))
    }

    /// `ms` milliseconds later (earlier when negative), saturating at the ends of the
    /// range.
    #[must_use]
    pub const fn plus_millis(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    /// Milliseconds from `earlier` to `self` (negative when `self` is before it),
    /// saturating at the ends of the `i64` range.
    #[must_use]
    pub const fn millis_since(self, earlier: Self) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Minutes elapsed from `earlier` to `self` (negative when `self` is before it),
    /// rounded down; saturating like `millis_since`.
    #[must_use]
    pub const fn minutes_since(self, earlier: Self) -> i64 {
        self.millis_since(earlier).div_euclid(MS_PER_MINUTE)
    }

    /// "HH:MM" local wall-clock time, given the day's offset from UTC in minutes.
    /// Exact for every instant: the offset is added to the time of day, not to the
    /// instant, so that nothing can overflow.
    #[must_use]
    pub fn local_hh_mm(self, utc_offset_minutes: i32) -> String {
        let offset = i64::from(utc_offset_minutes) * MS_PER_MINUTE;
        let local = self.0.rem_euclid(MS_PER_DAY) + offset.rem_euclid(MS_PER_DAY);
        let minute_of_day = local.rem_euclid(MS_PER_DAY) / MS_PER_MINUTE;
        format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60)
    }

    /// "DD-MM-YYYY" local date, given the day's offset from UTC in minutes (the
    /// proleptic Gregorian calendar, by days since 1970-01-01).
    #[must_use]
    pub fn local_date(self, utc_offset_minutes: i32) -> String {
        let offset = i64::from(utc_offset_minutes) * MS_PER_MINUTE;
        let days = self.0.saturating_add(offset).div_euclid(MS_PER_DAY);
        // Howard Hinnant's civil_from_days; |days| < 2^37, so nothing overflows.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        format!("{day:02}-{month:02}-{year}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_local_date_with_offset() {
        // 2026-03-18T23:30:00Z is already the 19th in the Netherlands.
        let t = Timestamp(1_773_876_600_000);
        assert_eq!(t.local_date(0), "18-03-2026");
        assert_eq!(t.local_date(60), "19-03-2026");
        assert_eq!(Timestamp(0).local_date(0), "01-01-1970");
        assert_eq!(Timestamp(-1).local_date(0), "31-12-1969");
        // 2024-02-29 (a leap day).
        assert_eq!(Timestamp(1_709_164_800_000).local_date(0), "29-02-2024");
        assert!(!Timestamp(i64::MAX).local_date(i32::MAX).is_empty());
        assert!(!Timestamp(i64::MIN).local_date(i32::MIN).is_empty());
    }

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

    /// Instants from a device may be anything an `i64` holds; none of the helpers may
    /// overflow (each of these panicked in a debug build before).
    #[test]
    fn extreme_instants_do_not_overflow() {
        let (min, max) = (Timestamp(i64::MIN), Timestamp(i64::MAX));
        assert_eq!(max.plus_minutes(1), max);
        assert_eq!(min.plus_minutes(-1), min);
        assert_eq!(Timestamp(0).plus_minutes(i64::MAX), max);
        assert_eq!(max.plus_millis(1), max);
        assert_eq!(min.plus_millis(i64::MIN), min);
        assert_eq!(max.millis_since(min), i64::MAX);
        assert_eq!(min.millis_since(max), i64::MIN);
        assert_eq!(max.minutes_since(min), i64::MAX / 60_000);
        assert!(min.minutes_since(max) < 0);
        // i64::MAX ms falls at 07:12 UTC of its day, i64::MIN ms at 16:47.
        assert_eq!(max.local_hh_mm(0), "07:12");
        assert_eq!(max.local_hh_mm(60), "08:12");
        assert_eq!(min.local_hh_mm(0), "16:47");
        assert_eq!(min.local_hh_mm(-60), "15:47");
        assert_eq!(max.local_hh_mm(i32::MAX).len(), 5);
        assert_eq!(min.local_hh_mm(i32::MIN).len(), 5);
    }
}
