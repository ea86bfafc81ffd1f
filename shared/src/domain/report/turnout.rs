use facet::Facet;
use serde::{Deserialize, Serialize};

use crate::domain::Timestamp;

#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
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
pub struct TurnoutReport {
    pub count: u32,
    pub moment: TurnoutMoment,
    /// Present when the count corrects an earlier, higher one: the reason why.
    pub correction_reason: Option<String>,
}
