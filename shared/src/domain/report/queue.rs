//! The queue of voters waiting outside the station (wachtrij), as the chair sees it:
//! reported with one tap, shown to the control room and, with its age, to citizens
//! choosing a station.

use facet::Facet;
use serde::{Deserialize, Serialize};

use crate::domain::Timestamp;

/// From this many minutes' wait a queue counts as long.
pub const LONG_QUEUE_MINUTES: u32 = 30;
/// The longest wait a chair may report, in minutes; more is a typing slip.
pub const MAX_QUEUE_MINUTES: u32 = 300;

/// How long the queue is.
#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum QueueLength {
    /// Nobody waiting.
    None,
    /// A few people; a short wait.
    Short,
    /// A long wait.
    Long,
    /// About this many minutes' wait.
    Minutes(u32),
}

impl QueueLength {
    /// Whether voters wait long: `Long`, or at least `LONG_QUEUE_MINUTES`.
    #[must_use]
    pub const fn is_long(self) -> bool {
        match self {
            Self::Long => true,
            Self::Minutes(minutes) => minutes >= LONG_QUEUE_MINUTES,
            Self::None | Self::Short => false,
        }
    }

    /// The queue in a few words, in Dutch or English.
    #[must_use]
    pub fn describe(self, dutch: bool) -> String {
        match (self, dutch) {
            (Self::None, true) => "geen wachtrij".to_owned(),
            (Self::None, false) => "no queue".to_owned(),
            (Self::Short, true) => "korte wachtrij".to_owned(),
            (Self::Short, false) => "short queue".to_owned(),
            (Self::Long, true) => "lange wachtrij".to_owned(),
            (Self::Long, false) => "long queue".to_owned(),
            (Self::Minutes(m), true) => format!("ongeveer {m} minuten wachten"),
            (Self::Minutes(m), false) => format!("about {m} minutes' wait"),
        }
    }
}

/// The queue now, reported by the chair.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueReport {
    pub length: QueueLength,
}

/// The latest queue report a station made, and when.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueState {
    pub length: QueueLength,
    pub reported_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_is_long_from_half_an_hour() {
        assert!(!QueueLength::None.is_long());
        assert!(!QueueLength::Short.is_long());
        assert!(QueueLength::Long.is_long());
        assert!(!QueueLength::Minutes(LONG_QUEUE_MINUTES - 1).is_long());
        assert!(QueueLength::Minutes(LONG_QUEUE_MINUTES).is_long());
    }
}
