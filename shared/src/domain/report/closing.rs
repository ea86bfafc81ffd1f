use facet::Facet;
use serde::{Deserialize, Serialize};

/// The station closes; voters still in the queue at closing time have voted.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosingReport {
    /// Voters who were in the queue at closing time and were still admitted.
    pub voters_in_queue_at_close: u32,
}
