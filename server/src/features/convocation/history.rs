//! Who served in which election, across elections: recorded from the confirmed
//! convocations when an election is finished (`kiesdag election finish`), kept
//! through the election's purge, and read for the Flemish rule that who served twice
//! may refuse a third time (`convocation::may_refuse_further_service`).

use std::collections::BTreeMap;

use serde_json::json;
use shared::domain::convocation::{Candidate, ConvocationStatus, Service};

use crate::db::Db;
use crate::features::preparation::Preparer;
use crate::store::{self, StoreError};

/// Records a service for everyone confirmed in the election; returns how many.
///
/// # Errors
/// A database error.
pub fn record_services(db: &mut Db, election_id: &str) -> Result<usize, StoreError> {
    let election = store::elections::get(db, election_id)?;
    let numbers: BTreeMap<String, u32> = store::stations::of_election(db, election_id)?
        .into_iter()
        .map(|r| (r.station.id, r.station.number))
        .collect();
    let municipalities: BTreeMap<String, String> =
        store::convocation::candidates(db, election_id, None)?
            .into_iter()
            .map(|r| (r.candidate.id, r.municipality_code))
            .collect();
    let mut recorded = 0;
    for c in store::convocation::convocations(db, election_id)? {
        if c.status != ConvocationStatus::Confirmed {
            continue;
        }
        let Some(municipality) = municipalities.get(&c.assignment.candidate_id) else {
            continue;
        };
        let service = Service {
            election_id: election_id.to_owned(),
            election_name: election.name.clone(),
            date: election.opens_at.millis(),
            role: c.assignment.role,
            station_number: numbers
                .get(&c.assignment.station_id)
                .copied()
                .unwrap_or_default(),
        };
        store::service_history::record(db, &c.assignment.candidate_id, municipality, &service)?;
        recorded += 1;
    }
    Ok(recorded)
}

/// How many elections `candidate` served in before `election_id`: the history kept
/// here, or the experience the municipality imported if that says more (the two count
/// the same services; the larger one is the better known).
#[must_use]
pub fn services_before(candidate: &Candidate, history: &[Service], election_id: &str) -> u32 {
    let kept = history
        .iter()
        .filter(|s| s.election_id != election_id)
        .count();
    candidate
        .experience
        .max(u32::try_from(kept).unwrap_or(u32::MAX))
}

/// Forgets one person's services (on their request, or when the municipality no
/// longer may keep them); audited by count, not by whom.
///
/// # Errors
/// A database error.
pub fn forget(db: &mut Db, by: &Preparer, person_id: &str) -> Result<usize, StoreError> {
    let forgotten = store::service_history::forget(db, person_id)?;
    by.audit(
        db,
        "service_history.forget",
        "",
        &json!({ "services": forgotten }),
    )?;
    Ok(forgotten)
}

/// Forgets the services of elections held before `before`; audited.
///
/// # Errors
/// A database error.
pub fn prune(db: &mut Db, by: &Preparer, before: i64) -> Result<usize, StoreError> {
    let pruned = store::service_history::prune(db, before)?;
    by.audit(
        db,
        "service_history.prune",
        "",
        &json!({ "before": before, "services": pruned }),
    )?;
    Ok(pruned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::StaffRole;

    fn service(election: &str) -> Service {
        Service {
            election_id: election.into(),
            election_name: election.into(),
            date: 0,
            role: StaffRole::Member,
            station_number: 1,
        }
    }

    #[test]
    fn services_count_the_history_or_the_imported_experience_whichever_says_more() {
        let mut candidate = Candidate {
            id: "GM1:1".into(),
            name: "A".into(),
            email: None,
            phone: None,
            postcode: None,
            languages: vec![],
            experience: 1,
            roles: vec![],
            wishes: vec![],
            reserve: false,
        };
        let history = [service("E1"), service("E2"), service("E3")];
        // This election's own service does not count for it.
        assert_eq!(services_before(&candidate, &history, "E3"), 2);
        assert_eq!(services_before(&candidate, &[], "E3"), 1);
        candidate.experience = 6;
        assert_eq!(services_before(&candidate, &history, "E3"), 6);
    }
}
