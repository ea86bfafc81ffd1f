use facet::Facet;
use serde::{Deserialize, Serialize};

use crate::domain::Timestamp;

#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum TurnoutMoment {
    /// One of the election's set turnout moments.
    Scheduled(Timestamp),
    /// Reported at any other time.
    AdHoc,
}

/// The cumulative number of voters admitted so far (opkomst).
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = StationTurnoutReport))]
pub struct TurnoutReport {
    pub count: u32,
    pub moment: TurnoutMoment,
    /// Present when the count corrects an earlier, higher one: the reason why.
    pub correction_reason: Option<String>,
}

/// Turnout as a percentage of the voters expected: the one rule the turnout report,
/// its chart and its CSV export share. `None` when no voters are expected (no
/// percentage can be given then).
#[must_use]
#[allow(clippy::cast_precision_loss)] // voter counts are far below 2^52
pub fn turnout_percent(voters: u64, expected_voters: u64) -> Option<f64> {
    (expected_voters > 0).then(|| voters as f64 * 100.0 / expected_voters as f64)
}

#[cfg(test)]
mod percent_tests {
    use super::turnout_percent;

    #[test]
    fn turnout_is_a_share_of_the_expected_voters_and_none_without_any() {
        assert_eq!(turnout_percent(500, 2_000), Some(25.0));
        assert_eq!(
            turnout_percent(2_100, 2_000),
            Some(105.0),
            "more than expected"
        );
        assert_eq!(turnout_percent(0, 2_000), Some(0.0));
        assert_eq!(turnout_percent(10, 0), None);
        assert_eq!(
            turnout_percent(u64::from(u32::MAX), 1).map(f64::is_finite),
            Some(true)
        );
    }
}
