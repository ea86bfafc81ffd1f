//! The election-day domain: pure data and rules, shared by the chair's app and the server.
//! Names follow the glossary in DOMAIN.md (English in code).

pub mod alert;
pub mod convocation;
pub mod counting_office;
pub mod election;
pub mod jurisdiction;
pub mod personal;
pub mod report;
pub mod seats;
pub mod station;
pub mod station_day;
pub mod time;

pub use alert::{AlertHandling, AlertKind, AlertRules, AlertStatus};
pub use election::{CandidateList, ChecklistItem, Election};
pub use jurisdiction::{Jurisdiction, JurisdictionRules};
pub use personal::PersonalTexts;
pub use report::*;
pub use seats::{Allocation, CouncilKind, SeatMethod};
pub use station::{
    Accessibility, Interpreter, MAX_ACCESSIBILITY_NOTES_CHARS, Station, VotingLocation,
};
pub use station_day::{StationDay, StationPhase, TransitionError};
pub use time::Timestamp;
