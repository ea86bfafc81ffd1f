use facet::Facet;
use serde::{Deserialize, Serialize};

/// Ballot papers received so far (including resupplies) and remaining unused.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotStockReport {
    pub received: u32,
    pub remaining: u32,
}

impl BallotStockReport {
    #[must_use]
    pub const fn issued(&self) -> u32 {
        self.received.saturating_sub(self.remaining)
    }
}

#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum Urgency {
    Normal,
    High,
    /// Ballots run out within the hour.
    Critical,
}

/// A request for more ballot papers (bijlevering).
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = StationResupplyRequest))]
pub struct ResupplyRequest {
    pub quantity: u32,
    pub urgency: Urgency,
    pub note: String,
}
