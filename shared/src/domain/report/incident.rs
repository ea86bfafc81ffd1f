use facet::Facet;
use serde::{Deserialize, Serialize};

#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum IncidentCategory {
    Staffing,
    BallotPapers,
    Equipment,
    Accessibility,
    VoterDispute,
    Safety,
    Other,
}

#[derive(
    Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum IncidentSeverity {
    Low,
    Medium,
    High,
    /// Voting is stopped or at risk.
    Critical,
}

/// Where the control room is with an incident.
#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum IncidentStatus {
    New,
    Acknowledged,
    InProgress,
    Resolved,
}

/// A problem reported by the station. The id is made on the device so that messages
/// about the incident can be queued before the server has seen it.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentReport {
    pub incident_id: String,
    pub category: IncidentCategory,
    pub severity: IncidentSeverity,
    pub text: String,
}

/// A message from the station about one of its incidents.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentMessage {
    pub incident_id: String,
    pub text: String,
}
