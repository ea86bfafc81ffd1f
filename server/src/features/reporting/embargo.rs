//! The results embargo (DESIGN.md invariant 5): provisional results never reach public
//! or viewer scopes before the election's closing time, nor for a unit whose turnout
//! is under the publication threshold. The server enforces it; the UI only mirrors it.

use shared::domain::Election;

use crate::auth::{Principal, Role};

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

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{Jurisdiction, Timestamp};

    fn election(jurisdiction: Jurisdiction) -> Election {
        Election {
            id: "e".into(),
            name: "e".into(),
            jurisdiction,
            opens_at: Timestamp(0),
            closes_at: Timestamp(1_000),
            utc_offset_minutes: 60,
            turnout_moments: vec![],
            lists: vec![],
            opening_checklist: vec![],
            council: Default::default(),
            seats: None,
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
