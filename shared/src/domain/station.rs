//! A polling station (stembureau) and its voting location (stemlocatie).

use facet::Facet;
use serde::{Deserialize, Serialize};

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq)]
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
    /// Expected voters (NL) or assigned voters (Flanders).
    pub expected_voters: u32,
    pub may_open_early: bool,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VotingLocation {
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}
