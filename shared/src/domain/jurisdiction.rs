//! Netherlands or Flanders: the rules that differ between them.

use facet::Facet;
use serde::{Deserialize, Serialize};

#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum Jurisdiction {
    Netherlands,
    Flanders,
}

/// The jurisdiction's rules, as the validation reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JurisdictionRules {
    /// Members (chair included) that must be present before a station may open.
    pub min_members_to_open: u32,
    /// Whether voters are assigned to one station (Flanders). Then counts above the
    /// station's voters are errors; in the Netherlands a voter may vote at any station
    /// of the municipality, so they are only warnings.
    pub voters_assigned_to_station: bool,
    /// Smallest number of voters in a unit for its results to be published
    /// (Flanders: 500 per station); 0 means no threshold.
    pub publication_threshold: u32,
}

impl Jurisdiction {
    #[must_use]
    pub const fn rules(self) -> JurisdictionRules {
        match self {
            // StembureauApp requires 3 present to open (DOMAIN.md).
            Self::Netherlands => JurisdictionRules {
                min_members_to_open: 3,
                voters_assigned_to_station: false,
                publication_threshold: 0,
            },
            // Chair, secretary and at least one assessor; results per unit only
            // where at least 500 voters voted.
            Self::Flanders => JurisdictionRules {
                min_members_to_open: 3,
                voters_assigned_to_station: true,
                publication_threshold: 500,
            },
        }
    }
}
