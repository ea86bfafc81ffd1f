//! The provisional result, after the Dutch official-report model N 10-1.
//! Field letters follow the form; the arithmetic lives in `validation::result`.

use facet::Facet;
use serde::{Deserialize, Serialize};

/// Voters admitted, by how they were admitted.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VotersCounts {
    /// A: valid poll cards (stempassen).
    pub poll_cards: u32,
    /// B: valid proxy certificates (volmachtbewijzen).
    pub proxy_certificates: u32,
    /// C: valid voter cards (kiezerspassen).
    pub voter_cards: u32,
    /// D: admitted voters (A + B + C).
    pub admitted_voters: u32,
}

/// Votes for one list (E.1, E.2, ...).
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListVotes {
    pub list_number: u32,
    pub votes: u32,
}

/// Votes counted.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VotesCounts {
    /// E.1 .. E.n: total per list.
    pub list_votes: Vec<ListVotes>,
    /// E: votes for candidates (sum of the list totals).
    pub votes_for_candidates: u32,
    /// F: blank votes.
    pub blank_votes: u32,
    /// G: invalid votes.
    pub invalid_votes: u32,
    /// H: votes cast (E + F + G).
    pub votes_cast: u32,
}

/// The provisional result of one station (voorlopige uitslag).
#[derive(Facet, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisionalResult {
    pub voters: VotersCounts,
    pub votes: VotesCounts,
    /// I: more ballots counted than voters admitted (H - D).
    pub more_ballots_counted: u32,
    /// J: fewer ballots counted than voters admitted (D - H).
    pub fewer_ballots_counted: u32,
    /// The explanation the form asks for when I or J is filled.
    pub explanation: String,
}
