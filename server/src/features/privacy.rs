//! Subject access: everything Kiesdag holds that names one person, found by a name,
//! an e-mail address or a phone number (`kiesdag person show`). The register of what
//! is kept is `docs/privacy.md`.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::{Db, schema};
use crate::store::{self, StoreError};

/// The shortest query searched for: shorter ones would find half the database.
pub const MIN_QUERY_CHARS: usize = 3;
/// Events read at a time.
const PAGE: i64 = 5_000;

/// One place that holds the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `user`, `planned_staff`, `station_day`, `event`, `candidate` (for
    /// convocation), `service_history` (an election they served in, found through a
    /// candidate row), `audited_text` (a text an audit entry refers to) or `audit`.
    pub place: &'static str,
    /// The row: a user id, a station id, an event's `election/seq`, an audit entry's id.
    pub id: String,
    pub station_id: Option<String>,
    /// When it was recorded (ms since the epoch), where known.
    pub at: Option<i64>,
    /// What it is: a role, an event's kind, an audit action.
    pub kind: String,
    /// What is held there, as stored.
    pub content: String,
}

/// Why a search was not made.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("give at least {MIN_QUERY_CHARS} characters to search for")]
    TooShort,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for SearchError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::Db(e))
    }
}

/// Everything that contains `query` (case-insensitively): staff users, planned staff,
/// the stations' days, the event log, the candidates for convocation, the texts the
/// audit log refers to and the audit entries that hold or refer to it, in that order.
///
/// # Errors
/// `TooShort` for a query under `MIN_QUERY_CHARS`; a database error.
pub fn find(db: &mut Db, query: &str) -> Result<Vec<Finding>, SearchError> {
    let query = query.trim().to_lowercase();
    if query.chars().count() < MIN_QUERY_CHARS {
        return Err(SearchError::TooShort);
    }
    let holds = |text: &str| text.to_lowercase().contains(&query);
    let mut found = Vec::new();

    let users: Vec<(String, String, String, Option<String>)> = schema::users::table
        .select((
            schema::users::id,
            schema::users::username,
            schema::users::role,
            schema::users::municipality_code,
        ))
        .load(db)?;
    for (id, username, role, municipality) in users {
        if holds(&username) {
            found.push(Finding {
                place: "user",
                id,
                station_id: None,
                at: None,
                kind: role,
                content: format!("{username} ({})", municipality.unwrap_or_default()),
            });
        }
    }

    for election in store::elections::all(db)? {
        for record in store::stations::of_election(db, &election.id)? {
            for member in &record.station.planned_staff {
                if holds(&member.name) {
                    found.push(Finding {
                        place: "planned_staff",
                        id: record.station.id.clone(),
                        station_id: Some(record.station.id.clone()),
                        at: None,
                        kind: store::to_json(&member.role).trim_matches('"').to_owned(),
                        content: member.name.clone(),
                    });
                }
            }
            let day = store::to_json(&record.day);
            if holds(&day) {
                found.push(Finding {
                    place: "station_day",
                    id: record.station.id.clone(),
                    station_id: Some(record.station.id.clone()),
                    at: record.last_seen_at,
                    kind: "state".into(),
                    content: day,
                });
            }
        }
        let mut after = 0_i64;
        loop {
            let page: Vec<(i64, Option<String>, String, String, i64)> = schema::events::table
                .filter(schema::events::election_id.eq(&election.id))
                .filter(schema::events::seq.gt(after))
                .order(schema::events::seq.asc())
                .limit(PAGE)
                .select((
                    schema::events::seq,
                    schema::events::station_id,
                    schema::events::kind,
                    schema::events::payload,
                    schema::events::recorded_at,
                ))
                .load(db)?;
            let Some(last) = page.last().map(|row| row.0) else {
                break;
            };
            after = last;
            for (seq, station_id, kind, payload, recorded_at) in page {
                if holds(&payload) {
                    found.push(Finding {
                        place: "event",
                        id: format!("{}/{seq}", election.id),
                        station_id,
                        at: Some(recorded_at),
                        kind,
                        content: payload,
                    });
                }
            }
        }
    }

    let mut histories: Vec<String> = Vec::new();
    for election in store::elections::all(db)? {
        let convocations = store::convocation::convocations(db, &election.id)?;
        for record in store::convocation::candidates(db, &election.id, None)? {
            let person = store::to_json(&record.candidate);
            if holds(&person) {
                // Their convocation with it: where, in which role, their answer and
                // their reason for declining.
                let convocation = convocations
                    .iter()
                    .find(|c| c.assignment.candidate_id == record.candidate.id);
                found.push(Finding {
                    place: "candidate",
                    id: format!("{}/{}", election.id, record.candidate.id),
                    station_id: convocation.map(|c| c.assignment.station_id.clone()),
                    at: convocation.map(|c| c.updated_at),
                    kind: record.municipality_code,
                    content: match convocation {
                        Some(c) => format!(
                            "{person} convoked as {} ({}{})",
                            store::to_json(&c.assignment.role).trim_matches('"'),
                            c.status.as_str(),
                            c.decline_reason
                                .as_deref()
                                .or(c.availability.as_deref())
                                .map(|r| format!(": {r}"))
                                .unwrap_or_default()
                        ),
                        None => person,
                    },
                });
                if !histories.contains(&record.candidate.id) {
                    histories.push(record.candidate.id.clone());
                }
            }
        }
    }
    // The elections they served in, kept under their person number across elections:
    // found through a candidate row that names them, or by the number itself (after
    // the purges no row names them).
    for person_id in store::service_history::people(db)? {
        if holds(&person_id) && !histories.contains(&person_id) {
            histories.push(person_id);
        }
    }
    for person_id in &histories {
        for service in store::service_history::of_person(db, person_id)? {
            found.push(Finding {
                place: "service_history",
                id: format!("{person_id}/{}", service.election_id),
                station_id: None,
                at: Some(service.date),
                kind: store::to_json(&service.role).trim_matches('"').to_owned(),
                content: format!(
                    "served in {} at station {}",
                    service.election_name, service.station_number
                ),
            });
        }
    }

    // The audit log holds references where a report held a personal text: the texts
    // themselves are kept apart (`store::personal`), and found here with the entries
    // that refer to them.
    let kept = store::personal::containing(db, &query)?;
    for (scope, reference, text) in &kept {
        found.push(Finding {
            place: "audited_text",
            id: reference.clone(),
            station_id: None,
            at: None,
            kind: scope.clone(),
            content: text.clone(),
        });
    }
    let refers = |payload: &str| kept.iter().any(|(_, r, _)| payload.contains(r.as_str()));

    let mut after = 0_i64;
    loop {
        let page: Vec<(i64, i64, String, String, String, String)> = schema::audit_log::table
            .filter(schema::audit_log::id.gt(after))
            .order(schema::audit_log::id.asc())
            .limit(PAGE)
            .select((
                schema::audit_log::id,
                schema::audit_log::at,
                schema::audit_log::actor,
                schema::audit_log::action,
                schema::audit_log::subject,
                schema::audit_log::payload,
            ))
            .load(db)?;
        let Some(last) = page.last().map(|row| row.0) else {
            break;
        };
        after = last;
        for (id, at, actor, action, subject, payload) in page {
            if holds(&payload) || holds(&subject) || holds(&actor) || refers(&payload) {
                found.push(Finding {
                    place: "audit",
                    id: id.to_string(),
                    station_id: None,
                    at: Some(at),
                    kind: action,
                    content: format!("{actor} on {subject}: {payload}"),
                });
            }
        }
    }
    Ok(found)
}
