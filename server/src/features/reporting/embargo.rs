//! The results embargo (DESIGN.md invariant 5): provisional results never reach public
//! or viewer scopes before the election's closing time, nor for a unit whose turnout
//! is under the publication threshold. The server enforces it; the UI only mirrors it.

use std::collections::BTreeSet;

use shared::domain::{Election, Timestamp};

use crate::auth::{Principal, Role};
use crate::store::stations::StationRecord;

/// Whether `principal` may see result figures of a unit where `voters` voted, at `now`.
#[must_use]
pub fn may_see_result(
    principal: &Principal,
    election: &Election,
    voters: u32,
    now_ms: i64,
) -> bool {
    match principal {
        Principal::Staff {
            role: Role::Administrator | Role::Coordinator | Role::Manager,
            ..
        } => true,
        Principal::Staff {
            role: Role::Viewer, ..
        }
        | Principal::Public => {
            now_ms >= election.closes_at.millis()
                && voters >= election.jurisdiction.rules().publication_threshold
        }
        Principal::Device { .. } => false,
    }
}

/// The embargo over a municipality's result totals for one caller at one moment.
///
/// A unit's total is published when the caller may see a result of its size
/// (`may_see_result`) and it contains no station whose own result is withheld: else
/// the total minus the published stations would give the withheld station's figures.
/// The municipality's total is published only when every station, district and subarea
/// is: else it minus the published units would give a withheld one.
pub struct TotalsEmbargo<'a> {
    principal: &'a Principal,
    election: &'a Election,
    at: Timestamp,
    withheld_districts: BTreeSet<String>,
    withheld_subareas: BTreeSet<String>,
    any_station_withheld: bool,
}

/// The kinds of unit results are added up in below the municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    District,
    Subarea,
}

impl<'a> TotalsEmbargo<'a> {
    /// The embargo for `principal` at `at` over `stations` (one municipality's).
    #[must_use]
    pub fn new(
        principal: &'a Principal,
        election: &'a Election,
        stations: &[StationRecord],
        at: Timestamp,
    ) -> Self {
        let withheld: Vec<&StationRecord> = stations
            .iter()
            .filter(|record| {
                record.day.result.as_ref().is_some_and(|result| {
                    !may_see_result(principal, election, result.votes.votes_cast, at.millis())
                })
            })
            .collect();
        Self {
            principal,
            election,
            at,
            withheld_districts: withheld
                .iter()
                .filter_map(|r| r.station.district.clone())
                .collect(),
            withheld_subareas: withheld
                .iter()
                .filter_map(|r| r.station.subarea.clone())
                .collect(),
            any_station_withheld: !withheld.is_empty(),
        }
    }

    /// Also withholds the totals of `districts` and `subareas`, and the
    /// municipality's: those that hold a withheld result that is no station's own (a
    /// counting office's, `counting_offices::publication`).
    #[must_use]
    pub fn withholding(
        mut self,
        districts: impl IntoIterator<Item = String>,
        subareas: impl IntoIterator<Item = String>,
    ) -> Self {
        self.withheld_districts.extend(districts);
        self.withheld_subareas.extend(subareas);
        self.any_station_withheld = true;
        self
    }

    /// Whether the total of `unit` (a district or subarea named `name`), where `voters`
    /// voted, is published to the caller.
    #[must_use]
    pub fn unit_published(&self, unit: Unit, name: &str, voters: u32) -> bool {
        let contains_withheld = match unit {
            Unit::District => self.withheld_districts.contains(name),
            Unit::Subarea => self.withheld_subareas.contains(name),
        };
        !contains_withheld && self.size_published(voters)
    }

    /// Whether the municipality's total, where `voters` voted, is published to the
    /// caller, given whether every district and subarea total is.
    #[must_use]
    pub fn municipality_published(&self, voters: u32, every_unit_published: bool) -> bool {
        every_unit_published && !self.any_station_withheld && self.size_published(voters)
    }

    fn size_published(&self, voters: u32) -> bool {
        may_see_result(self.principal, self.election, voters, self.at.millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{Jurisdiction, Timestamp};

    /// Polls from 0 to 1,000 ms, no lists.
    fn election(jurisdiction: Jurisdiction) -> Election {
        Election {
            opens_at: Timestamp(0),
            closes_at: Timestamp(1_000),
            turnout_moments: vec![],
            ..shared::fixtures::election(jurisdiction, 0)
        }
    }

    #[test]
    fn viewers_and_the_public_wait_for_closing_and_the_threshold() {
        let nl = election(Jurisdiction::Netherlands);
        let be = election(Jurisdiction::Flanders);
        let viewer = Principal::Staff {
            user_id: "v".into(),
            role: Role::Viewer,
            municipality: Some("m".into()),
        };
        for who in [&viewer, &Principal::Public] {
            assert!(!may_see_result(who, &nl, 1_000, 999), "before closing");
            assert!(
                may_see_result(who, &nl, 1, 1_000),
                "at closing (no threshold in NL)"
            );
            assert!(
                !may_see_result(who, &be, 499, 5_000),
                "under 500 voters in Flanders"
            );
            assert!(may_see_result(who, &be, 500, 5_000));
        }
        for role in [Role::Administrator, Role::Coordinator, Role::Manager] {
            let staff = Principal::Staff {
                user_id: "s".into(),
                role,
                municipality: Some("m".into()),
            };
            assert!(
                may_see_result(&staff, &be, 1, 0),
                "{role:?} works with results during the count"
            );
        }
        for role in Role::ALL {
            let staff = Principal::Staff {
                user_id: "s".into(),
                role,
                municipality: Some("m".into()),
            };
            let expected = role != Role::Viewer;
            assert_eq!(
                may_see_result(&staff, &nl, 1_000, 0),
                expected,
                "{role:?} before closing"
            );
        }
    }
}
