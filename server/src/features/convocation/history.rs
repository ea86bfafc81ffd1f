//! Who served in which election, across elections: recorded from the confirmed
//! convocations when an election is finished (`kiesdag election finish`), kept
//! through the election's purge, and read for the Flemish rule that who served twice
//! may refuse a third time (`convocation::may_refuse_further_service`).

use std::collections::BTreeMap;

use serde_json::json;
use shared::domain::StaffRole;
use shared::domain::convocation::{Candidate, ConvocationStatus, Service};

use crate::db::Db;
use crate::features::preparation::Preparer;
use crate::store::{self, StoreError};

/// Records a service for everyone confirmed in the election who sat on the station: a
/// chair, secretary, member or counter; a substitute only when the station had them
/// present at some time of the day (at the opening, an arrival or a shift change, or
/// at closing: called on, not only kept in reserve). Recording again replaces;
/// returns how many.
///
/// # Errors
/// A database error.
pub fn record_services(db: &mut Db, election_id: &str) -> Result<usize, StoreError> {
    let election = store::elections::get(db, election_id)?;
    let stations: BTreeMap<String, store::stations::StationRecord> =
        store::stations::of_election(db, election_id)?
            .into_iter()
            .map(|r| (r.station.id.clone(), r))
            .collect();
    let candidates: BTreeMap<String, (String, String)> =
        store::convocation::candidates(db, election_id, None)?
            .into_iter()
            .map(|r| (r.candidate.id, (r.municipality_code, r.candidate.name)))
            .collect();
    let present = present_during_the_day(db, election_id)?;
    let mut recorded = 0;
    for c in store::convocation::convocations(db, election_id)? {
        if c.status != ConvocationStatus::Confirmed {
            continue;
        }
        let (Some((municipality, name)), Some(station)) = (
            candidates.get(&c.assignment.candidate_id),
            stations.get(&c.assignment.station_id),
        ) else {
            continue;
        };
        if c.assignment.role == StaffRole::Substitute
            && !present
                .get(&c.assignment.station_id)
                .is_some_and(|names| names.contains(&same_name(name)))
            && !station
                .day
                .members_present
                .iter()
                .any(|m| same_name(&m.name) == same_name(name))
        {
            continue;
        }
        let service = Service {
            election_id: election_id.to_owned(),
            election_name: election.name.clone(),
            date: election.opens_at.millis(),
            role: c.assignment.role,
            station_number: station.station.number,
        };
        store::service_history::record(db, &c.assignment.candidate_id, municipality, &service)?;
        recorded += 1;
    }
    Ok(recorded)
}

/// A name as compared across reports: case and spacing aside.
fn same_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Per station, everyone its reports had present at some time of the day: at the
/// opening, arriving, or arriving at a shift change.
fn present_during_the_day(
    db: &mut Db,
    election_id: &str,
) -> Result<BTreeMap<String, std::collections::BTreeSet<String>>, StoreError> {
    use shared::domain::{PresenceReport, Report};
    use shared::protocol::EventPayload;
    let mut present: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for kind in ["opening", "presence"] {
        for event in store::events::of_kind(db, election_id, kind)? {
            let (Some(station), Some(EventPayload::Operation(op))) =
                (event.station_id.clone(), event.parsed_payload())
            else {
                continue;
            };
            let names: Vec<String> = match op.report {
                Report::Opening(o) => o.members_present.into_iter().map(|m| m.name).collect(),
                Report::Presence(PresenceReport::Arrived(m)) => vec![m.name],
                Report::Presence(PresenceReport::ShiftChange { arriving, .. }) => {
                    arriving.into_iter().map(|m| m.name).collect()
                }
                _ => Vec::new(),
            };
            present
                .entry(station)
                .or_default()
                .extend(names.iter().map(|n| same_name(n)));
        }
    }
    Ok(present)
}

/// How many election days `candidate` served on before `election` (a day before its
/// own; two elections held on one day, as Flemish municipal and provincial ones, are
/// one service): the history kept here, or the experience the municipality imported
/// if that says more (the two count the same services; the larger one is the better
/// known).
#[must_use]
pub fn services_before(
    candidate: &Candidate,
    history: &[Service],
    election: &shared::domain::Election,
) -> u32 {
    const DAY_MS: i64 = 86_400_000;
    let mut days: Vec<i64> = history
        .iter()
        .filter(|s| {
            s.election_id != election.id && s.date <= election.opens_at.millis() - DAY_MS / 2
        })
        .map(|s| (s.date + i64::from(election.utc_offset_minutes) * 60_000).div_euclid(DAY_MS))
        .collect();
    days.sort_unstable();
    days.dedup();
    let kept = days.len();
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

    const DAY: i64 = 86_400_000;

    fn service(election: &str, day: i64) -> Service {
        Service {
            election_id: election.into(),
            election_name: election.into(),
            date: day * DAY + 7 * 3_600_000,
            role: StaffRole::Member,
            station_number: 1,
        }
    }

    fn election(id: &str, day: i64) -> shared::domain::Election {
        shared::domain::Election {
            id: id.into(),
            opens_at: shared::domain::Timestamp(day * DAY + 7 * 3_600_000),
            ..shared::fixtures::election(shared::domain::Jurisdiction::Flanders, 1)
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
        let history = [
            service("E1", 100),
            service("E2", 2_000),
            service("E3", 4_000),
            service("E4", 6_000),
        ];
        // Neither this election's own service nor a later one counts for it.
        assert_eq!(
            services_before(&candidate, &history, &election("E3", 4_000)),
            2
        );
        assert_eq!(services_before(&candidate, &[], &election("E3", 4_000)), 1);
        candidate.experience = 6;
        assert_eq!(
            services_before(&candidate, &history, &election("E3", 4_000)),
            6
        );
    }

    #[test]
    fn two_elections_on_one_day_are_one_service() {
        let candidate = Candidate {
            id: "GM1:1".into(),
            name: "A".into(),
            email: None,
            phone: None,
            postcode: None,
            languages: vec![],
            experience: 0,
            roles: vec![],
            wishes: vec![],
            reserve: false,
        };
        // Municipal and provincial on one day, then the third election on another.
        let history = [
            service("GR2024", 100),
            service("PR2024", 100),
            service("GR2030", 2_000),
        ];
        assert_eq!(
            services_before(&candidate, &history, &election("TK2031", 3_000)),
            2
        );
        // The sibling election of the same day does not count as before it.
        assert_eq!(
            services_before(&candidate, &history, &election("PR2024", 100)),
            0
        );
    }
}
