use facet::Facet;
use serde::{Deserialize, Serialize};

use super::StaffMember;

/// The station opens: checklist done and members present.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningReport {
    /// Ids of the checklist items ticked off.
    pub checklist_done: Vec<String>,
    /// Everyone present at opening, chair included.
    pub members_present: Vec<StaffMember>,
}
