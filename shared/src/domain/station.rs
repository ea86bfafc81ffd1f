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
    /// What the location offers voters with a disability (the open-data standard's
    /// columns); all unknown when not imported.
    #[serde(default)]
    pub accessibility: Accessibility,
}

/// The accessibility facts of a voting location, as the Dutch open-data standard for
/// polling stations (SODS v1.7) publishes them. `None`: the municipality did not say.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Accessibility {
    /// Accessible for people with a physical disability (wheelchair users).
    pub wheelchair: Option<bool>,
    /// An accessible public-transport stop nearby.
    pub accessible_transit_stop: Option<bool>,
    /// An accessible toilet.
    pub accessible_toilet: Option<bool>,
    /// A host who receives voters.
    pub host: Option<bool>,
    /// Tactile guidance lines for blind voters.
    pub guidance_lines: Option<bool>,
    /// A voting machine or booth with audio support.
    pub audio_support: Option<bool>,
    pub braille_candidate_list: Option<bool>,
    pub large_print_candidate_list: Option<bool>,
    /// A sign-language (NGT) interpreter: on site, remote (by video), or none.
    pub sign_language_interpreter: Option<Interpreter>,
    /// A member of the station who signs (NGT).
    pub signing_member: Option<bool>,
    /// Acoustics suited to the hard of hearing.
    pub hearing_friendly: Option<bool>,
    /// Low-stimulus (prikkelarm) hours or station.
    pub low_stimulus: Option<bool>,
    /// A low-stimulus companion (prokkelduo).
    pub low_stimulus_companion: Option<bool>,
    /// Further information in the municipality's words (Dutch), at most
    /// `MAX_ACCESSIBILITY_NOTES_CHARS`.
    pub notes: String,
}

/// The most characters of `Accessibility::notes` kept from an import.
pub const MAX_ACCESSIBILITY_NOTES_CHARS: usize = 500;

#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum Interpreter {
    OnSite,
    Remote,
    None,
}
