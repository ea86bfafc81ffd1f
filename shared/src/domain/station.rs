//! A polling station (stembureau) and its voting location (stemlocatie).

use facet::Facet;
use serde::{Deserialize, Serialize};

use super::{Election, StaffMember, Timestamp};

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Station {
    /// Stable id, e.g. "GM0599-12" (municipality code and station number).
    pub id: String,
    /// CBS municipality code, e.g. "GM0599" (Rotterdam).
    pub municipality_code: String,
    pub number: u32,
    pub name: String,
    pub location: VotingLocation,
    pub district: Option<String>,
    /// Flemish geographic subarea (at most 25 characters).
    pub subarea: Option<String>,
    /// Expected voters (NL) or assigned voters (Flanders); None when not known (the
    /// open-data standard does not carry it), and then no rule compares against it.
    pub expected_voters: Option<u32>,
    pub may_open_early: bool,
    /// The station's own hours when they differ from the election's (mobile and
    /// special stations).
    pub opens_at: Option<Timestamp>,
    pub closes_at: Option<Timestamp>,
    /// Further stops of a mobile station, after `location`.
    pub extra_stops: Vec<VotingLocation>,
    /// The staff the municipality planned for this station (imported), offered to
    /// the chair when registering who is present; empty when not known.
    #[serde(default)]
    pub planned_staff: Vec<StaffMember>,
}

impl Station {
    /// When this station opens: its own time, or the election's.
    #[must_use]
    pub fn opening_time(&self, election: &Election) -> Timestamp {
        self.opens_at.unwrap_or(election.opens_at)
    }

    /// When this station closes: its own time, or the election's.
    #[must_use]
    pub fn closing_time(&self, election: &Election) -> Timestamp {
        self.closes_at.unwrap_or(election.closes_at)
    }
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VotingLocation {
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}
