//! The control room's alerts about a station (computed by the server from the station's
//! state and the clock), and what a coordinator did about one: seen it, or resolved it.

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// What an alert is about, most urgent first (the order in which the control room
/// lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    NotOpen,
    /// Incidents the control room has not resolved.
    OpenIncidents,
    /// Ballot papers the station asked for that the control room has not sent.
    BallotsRequested,
    TooFewMembers,
    BallotsRunningOut,
    TurnoutOverdue,
    DeviceSilent,
    TurnoutDecrease,
    ResultWithWarnings,
}

/// What a coordinator did about an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    /// Seen, and someone is on it: the station stays a problem, with a name beside it.
    Acknowledged,
    /// Dealt with: the alert no longer makes the station a problem, until its
    /// situation changes.
    Resolved,
}

/// A coordinator's handling of one alert of a station. It holds for the alert as it
/// read then (`detail`, e.g. "Stembiljetten op rond 17:40"): when the situation changes
/// the alert reads differently and is new, and needs the control room again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertHandling {
    pub kind: AlertKind,
    pub status: AlertStatus,
    /// Who in the control room (a username).
    pub by: String,
    /// When it was recorded.
    pub at: Timestamp,
    /// The alert's text when it was handled.
    pub detail: String,
}
