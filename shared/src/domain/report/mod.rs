//! Every report a chair makes during the day. A report travels inside an operation
//! (see `protocol::operation`) and is validated by `validation` on device and server.

mod ballot_stock;
mod closing;
mod incident;
mod opening;
mod presence;
mod queue;
mod result;
mod turnout;

pub use ballot_stock::{BallotStockReport, ResupplyRequest, Urgency};
pub use closing::ClosingReport;
pub use incident::{
    IncidentCategory, IncidentMessage, IncidentReport, IncidentSeverity, IncidentStatus,
};
pub use opening::OpeningReport;
pub use presence::{PresenceReport, StaffMember, StaffRole};
pub use queue::{LONG_QUEUE_MINUTES, MAX_QUEUE_MINUTES, QueueLength, QueueReport, QueueState};
pub use result::{ListVotes, ProvisionalResult, VotersCounts, VotesCounts};
pub use turnout::{TurnoutMoment, TurnoutReport, turnout_percent};

use facet::Facet;
use serde::{Deserialize, Serialize};

/// One report from a station.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum Report {
    Opening(OpeningReport),
    Presence(PresenceReport),
    BallotStock(BallotStockReport),
    ResupplyRequest(ResupplyRequest),
    Turnout(TurnoutReport),
    Incident(IncidentReport),
    IncidentMessage(IncidentMessage),
    ProvisionalResult(ProvisionalResult),
    Closing(ClosingReport),
    /// The queue outside the station now.
    Queue(QueueReport),
}

impl Report {
    /// A stable short name for logs, the audit trail and the UI.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Opening(_) => "opening",
            Self::Presence(_) => "presence",
            Self::BallotStock(_) => "ballot_stock",
            Self::ResupplyRequest(_) => "resupply_request",
            Self::Turnout(_) => "turnout",
            Self::Incident(_) => "incident",
            Self::IncidentMessage(_) => "incident_message",
            Self::ProvisionalResult(_) => "provisional_result",
            Self::Closing(_) => "closing",
            Self::Queue(_) => "queue",
        }
    }
}
