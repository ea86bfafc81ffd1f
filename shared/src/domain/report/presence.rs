use facet::Facet;
use serde::{Deserialize, Serialize};

#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum StaffRole {
    Chair,
    /// Stembureaulid (NL) or bijzitter (BE).
    Member,
    /// Secretaris (BE).
    Secretary,
    /// Teller: counts after closing.
    Counter,
    Substitute,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub name: String,
    pub role: StaffRole,
}

/// Members arriving, leaving, or a shift change (dagploeg to avondploeg).
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum PresenceReport {
    Arrived(StaffMember),
    Departed {
        name: String,
    },
    ShiftChange {
        leaving: Vec<String>,
        arriving: Vec<StaffMember>,
    },
}
