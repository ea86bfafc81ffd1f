//! Convocation of station staff: the candidates a municipality may call on, their
//! assignment to stations and roles (by hand, or with the suggestion of
//! `shared::domain::convocation`), and where each station stands. Every change is
//! audited; the audit names a candidate only by a reference that the election's
//! purge makes lead to nobody (`store::personal`). Candidates are personal data
//! (`docs/privacy.md`), visible to administrators and their own municipality, and
//! deleted by the election's purge.

pub mod answer;
pub mod history;
pub mod import;
pub mod letters;
pub mod mail;
pub mod routes;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;
use shared::domain::StaffRole;
use shared::domain::convocation::{
    self, Assignment, Candidate, ConvocationStatus, Gap, StaffingNeed, StationSlot, Suggestion,
};

use crate::db::Db;
use crate::features::preparation::Preparer;
use crate::store::{self, StoreError, convocation::CandidateRecord};

#[derive(Debug, thiserror::Error)]
pub enum ConvocationError {
    #[error("there is no candidate {0} in this election")]
    NoCandidate(String),
    #[error("there is no station {0} in this election")]
    NoStation(String),
    #[error(
        "candidate {candidate} is convoked by {theirs}, station {station} is of another municipality"
    )]
    OtherMunicipality {
        candidate: String,
        theirs: String,
        station: String,
    },
    #[error("candidate {candidate} may not be {role} (their roles: {roles})")]
    MayNotTake {
        candidate: String,
        role: String,
        roles: String,
    },
    #[error("station {station} already has {max} people, the most one station may have")]
    StationFull { station: String, max: u32 },
    #[error(
        "the staffing need is not plausible: at most 50 per role and per station, and at least one chair"
    )]
    ImplausibleNeed,
    #[error(
        "the training material's address must be an http(s) address of at most 500 characters: {0:?}"
    )]
    BadUrl(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for ConvocationError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::Db(e))
    }
}

fn role_name(role: StaffRole) -> String {
    store::to_json(&role).trim_matches('"').to_owned()
}

/// Audits `action` on `subject`, naming the candidate by a reference only.
fn audit_candidate(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    action: &str,
    subject: &str,
    candidate_id: &str,
    extra: serde_json::Value,
) -> Result<(), StoreError> {
    let mut reference = candidate_id.to_owned();
    store::personal::seal(
        db,
        &store::personal::election_scope(election_id),
        &mut reference,
    )?;
    let mut payload = json!({ "candidate": reference });
    if let (Some(fields), serde_json::Value::Object(more)) = (payload.as_object_mut(), extra) {
        fields.extend(more);
    }
    by.audit(db, action, subject, &payload)
}

/// Takes a confirmed person out of the planned staff of the station they were at
/// (before they are moved or taken off): one entry, their name in their role.
fn withdraw_confirmed(
    db: &mut Db,
    election_id: &str,
    candidate_id: &str,
) -> Result<(), ConvocationError> {
    let Some(before) = store::convocation::convocations(db, election_id)?
        .into_iter()
        .find(|c| c.assignment.candidate_id == candidate_id)
    else {
        return Ok(());
    };
    if before.status != ConvocationStatus::Confirmed {
        return Ok(());
    }
    let Some(person) = store::convocation::candidate(db, election_id, candidate_id)? else {
        return Ok(());
    };
    let mut station = store::stations::get(db, &before.assignment.station_id)?.station;
    if let Some(at) = station
        .planned_staff
        .iter()
        .position(|m| m.name == person.candidate.name && m.role == before.assignment.role)
    {
        station.planned_staff.remove(at);
        store::stations::upsert(db, election_id, &station)?;
    }
    Ok(())
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub added: usize,
    pub updated: usize,
}

/// Adds the candidates of `municipality`, or updates those already known: by their
/// `id` when the file gives one, else by the same name and e-mail address. A new one
/// without an id gets a random one (never derived from the person).
///
/// # Errors
/// A database error; nothing is then saved.
pub fn import_candidates(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    municipality: &str,
    candidates: Vec<Candidate>,
    now: i64,
) -> Result<Imported, ConvocationError> {
    store::elections::get(db, election_id)?;
    let known = store::convocation::candidates(db, election_id, Some(municipality))?;
    let mut imported = Imported::default();
    let mut records: BTreeMap<String, CandidateRecord> = BTreeMap::new();
    for mut candidate in candidates {
        // A municipality's own person numbers are its own: "1" in two municipalities
        // is two people.
        let prefix = format!("{municipality}:");
        if !candidate.id.is_empty() && !candidate.id.starts_with(&prefix) {
            candidate.id = format!("{prefix}{}", candidate.id);
        }
        if candidate.id.is_empty() {
            candidate.id = known
                .iter()
                .find(|k| {
                    k.candidate.name.eq_ignore_ascii_case(&candidate.name)
                        && k.candidate.email == candidate.email
                })
                .map_or_else(
                    || uuid::Uuid::new_v4().to_string(),
                    |k| k.candidate.id.clone(),
                );
        }
        if records.contains_key(&candidate.id) {
            // The same person twice in one file: the last row counts, once.
        } else if known.iter().any(|k| k.candidate.id == candidate.id) {
            imported.updated += 1;
        } else {
            imported.added += 1;
        }
        records.insert(
            candidate.id.clone(),
            CandidateRecord {
                municipality_code: municipality.to_owned(),
                candidate,
            },
        );
    }
    let records: Vec<CandidateRecord> = records.into_values().collect();
    store::convocation::save_candidates(db, election_id, &records, now)?;
    by.audit(
        db,
        "candidates.import",
        municipality,
        &json!({ "election": election_id, "added": imported.added, "updated": imported.updated }),
    )?;
    Ok(imported)
}

/// Sets the roles each station needs and the most people per station.
///
/// # Errors
/// `ImplausibleNeed`, or a database error.
pub fn set_need(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    need: &StaffingNeed,
) -> Result<(), ConvocationError> {
    let per_role = [
        need.chairs,
        need.secretaries,
        need.members,
        need.substitutes,
    ];
    if need.chairs == 0
        || per_role.iter().any(|n| *n > 50)
        || !(1..=50).contains(&need.max_per_station)
    {
        return Err(ConvocationError::ImplausibleNeed);
    }
    store::elections::get(db, election_id)?;
    store::elections::set_staffing_need(db, election_id, need)?;
    by.audit(
        db,
        "convocation.need",
        election_id,
        &serde_json::to_value(need).unwrap_or_default(),
    )?;
    Ok(())
}

/// What the suggestion works from, for one municipality.
struct Situation {
    stations: Vec<StationSlot>,
    candidates: Vec<Candidate>,
    /// Assignments that hold their place (not declined), at this municipality.
    holding: Vec<Assignment>,
    need: StaffingNeed,
    /// The stations' names, by id.
    names: BTreeMap<String, String>,
}

fn situation(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
) -> Result<Situation, ConvocationError> {
    let election = store::elections::get(db, election_id)?;
    let need = store::elections::staffing_need(db, &election)?;
    let records: Vec<_> = store::stations::of_election(db, election_id)?
        .into_iter()
        .filter(|r| r.station.municipality_code == municipality)
        .collect();
    let names = records
        .iter()
        .map(|r| (r.station.id.clone(), r.station.name.clone()))
        .collect();
    let stations: Vec<StationSlot> = records
        .into_iter()
        .map(|r| StationSlot {
            id: r.station.id,
            number: r.station.number,
            district: r.station.district,
        })
        .collect();
    let convocations = store::convocation::convocations(db, election_id)?;
    // Who declined is not asked again for this election.
    let declined: std::collections::BTreeSet<&str> = convocations
        .iter()
        .filter(|c| !c.status.holds_the_place())
        .map(|c| c.assignment.candidate_id.as_str())
        .collect();
    let candidates = store::convocation::candidates(db, election_id, Some(municipality))?
        .into_iter()
        .map(|r| r.candidate)
        .filter(|c| !declined.contains(c.id.as_str()))
        .collect();
    let holding = convocations
        .iter()
        .filter(|c| c.status.holds_the_place())
        .map(|c| c.assignment.clone())
        .filter(|a| stations.iter().any(|s| s.id == a.station_id))
        .collect();
    Ok(Situation {
        stations,
        candidates,
        holding,
        need,
        names,
    })
}

/// The suggestion for what is still open at the municipality's stations.
///
/// # Errors
/// A database error.
pub fn suggest(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
) -> Result<Suggestion, ConvocationError> {
    let s = situation(db, election_id, municipality)?;
    Ok(convocation::suggest(
        &s.stations,
        &s.candidates,
        &s.holding,
        s.need,
    ))
}

/// Records the suggestion's assignments as proposed; how many.
///
/// # Errors
/// A database error; nothing is then recorded.
pub fn apply(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    municipality: &str,
    suggestion: &Suggestion,
    now: i64,
) -> Result<usize, ConvocationError> {
    for assignment in &suggestion.assignments {
        store::convocation::assign(
            db,
            election_id,
            assignment,
            ConvocationStatus::Proposed,
            now,
        )?;
    }
    by.audit(
        db,
        "convocation.suggest",
        municipality,
        &json!({
            "election": election_id,
            "assigned": suggestion.assignments.len(),
            "gaps": suggestion.gaps.iter().map(|g| g.missing).sum::<u32>(),
        }),
    )?;
    Ok(suggestion.assignments.len())
}

/// Assigns a candidate by hand (replacing where they were), as proposed: refused for
/// a role they may not take, a station of another municipality, or a full station.
///
/// # Errors
/// As above, or a database error.
pub fn assign(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    assignment: &Assignment,
    now: i64,
) -> Result<(), ConvocationError> {
    let candidate = store::convocation::candidate(db, election_id, &assignment.candidate_id)?
        .ok_or_else(|| ConvocationError::NoCandidate(assignment.candidate_id.clone()))?;
    let station = store::stations::of_election(db, election_id)?
        .into_iter()
        .find(|r| r.station.id == assignment.station_id)
        .ok_or_else(|| ConvocationError::NoStation(assignment.station_id.clone()))?;
    if station.station.municipality_code != candidate.municipality_code {
        return Err(ConvocationError::OtherMunicipality {
            candidate: assignment.candidate_id.clone(),
            theirs: candidate.municipality_code,
            station: assignment.station_id.clone(),
        });
    }
    if !candidate.candidate.may_take(assignment.role) {
        return Err(ConvocationError::MayNotTake {
            candidate: assignment.candidate_id.clone(),
            role: role_name(assignment.role),
            roles: if candidate.candidate.roles.is_empty() {
                "member, counter or substitute".into()
            } else {
                candidate
                    .candidate
                    .roles
                    .iter()
                    .map(|r| role_name(*r))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        });
    }
    let s = situation(db, election_id, &candidate.municipality_code)?;
    let others = s
        .holding
        .iter()
        .filter(|a| {
            a.station_id == assignment.station_id && a.candidate_id != assignment.candidate_id
        })
        .count();
    if u32::try_from(others).unwrap_or(u32::MAX) >= s.need.max_per_station {
        return Err(ConvocationError::StationFull {
            station: assignment.station_id.clone(),
            max: s.need.max_per_station,
        });
    }
    withdraw_confirmed(db, election_id, &assignment.candidate_id)?;
    store::convocation::assign(
        db,
        election_id,
        assignment,
        ConvocationStatus::Proposed,
        now,
    )?;
    audit_candidate(
        db,
        by,
        election_id,
        "convocation.assign",
        &assignment.station_id,
        &assignment.candidate_id,
        json!({ "role": role_name(assignment.role) }),
    )?;
    Ok(())
}

/// Takes a candidate off their station; whether they had one.
///
/// # Errors
/// A database error.
pub fn unassign(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    candidate_id: &str,
) -> Result<bool, ConvocationError> {
    withdraw_confirmed(db, election_id, candidate_id)?;
    let had = store::convocation::unassign(db, election_id, candidate_id)?;
    if had {
        audit_candidate(
            db,
            by,
            election_id,
            "convocation.unassign",
            election_id,
            candidate_id,
            json!({}),
        )?;
    }
    Ok(had)
}

/// One person at a station, as the follow-up shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Staffed {
    pub candidate_id: String,
    pub name: String,
    pub role: StaffRole,
    pub status: ConvocationStatus,
    /// Why they declined, in their words.
    pub decline_reason: Option<String>,
    /// When they said they are available instead, in their words.
    pub availability: Option<String>,
    /// When the status last changed (ms since the epoch).
    pub since: i64,
    /// Elections served in before this one (the history kept, or the experience
    /// imported if that says more).
    pub services: u32,
    /// Whether they may refuse without a reason (Flanders, after two services).
    pub may_refuse: bool,
    /// The elections they served in, as kept across elections, oldest first.
    pub history: Vec<convocation::Service>,
}

/// A station's staffing: who is convoked, and what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StationStaffing {
    pub station_id: String,
    pub number: u32,
    pub name: String,
    pub people: Vec<Staffed>,
    pub gaps: Vec<Gap>,
}

/// Where the municipality's staffing stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub stations: Vec<StationStaffing>,
    /// Candidates assigned nowhere (the reserve included).
    pub unassigned: usize,
    pub reserve: usize,
}

/// Sets where the municipality's training material for station staff is: shown through
/// the personal link, in the e-mail and on the letter; audited.
///
/// # Errors
/// `BadUrl` for anything but a plain http(s) address; `NoElection`-like store errors.
pub fn set_training_url(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    municipality: &str,
    url: &str,
) -> Result<(), ConvocationError> {
    let url = url.trim();
    let plausible = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && url.chars().count() <= 500
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if !plausible {
        return Err(ConvocationError::BadUrl(url.chars().take(80).collect()));
    }
    store::elections::get(db, election_id)?;
    store::elections::set_training_url(db, election_id, municipality, url)?;
    by.audit(
        db,
        "convocation.training",
        municipality,
        &json!({ "election": election_id, "url": url }),
    )?;
    Ok(())
}

/// Per station who is convoked and what is missing, for one municipality.
///
/// # Errors
/// A database error.
pub fn overview(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
) -> Result<Overview, ConvocationError> {
    let s = situation(db, election_id, municipality)?;
    let all = store::convocation::convocations(db, election_id)?;
    // Everyone, who declined too (the suggestion leaves them out).
    let everyone: Vec<Candidate> =
        store::convocation::candidates(db, election_id, Some(municipality))?
            .into_iter()
            .map(|r| r.candidate)
            .collect();
    let name_of = |id: &str| {
        everyone
            .iter()
            .find(|c| c.id == id)
            .map_or_else(String::new, |c| c.name.clone())
    };
    let election = store::elections::get(db, election_id)?;
    let jurisdiction = election.jurisdiction;
    let histories = store::service_history::of_municipality(db, municipality)?;
    let staffed = |c: &store::convocation::ConvocationRecord| {
        let history = histories
            .get(&c.assignment.candidate_id)
            .cloned()
            .unwrap_or_default();
        let services = everyone
            .iter()
            .find(|p| p.id == c.assignment.candidate_id)
            .map_or(0, |p| history::services_before(p, &history, &election));
        Staffed {
            candidate_id: c.assignment.candidate_id.clone(),
            name: name_of(&c.assignment.candidate_id),
            role: c.assignment.role,
            status: c.status,
            decline_reason: c.decline_reason.clone(),
            availability: c.availability.clone(),
            since: c.updated_at,
            services,
            may_refuse: convocation::may_refuse_further_service(jurisdiction, services),
            history,
        }
    };
    // Gaps as the suggestion sees them, without suggesting anyone.
    let gaps = convocation::suggest(&s.stations, &[], &s.holding, s.need).gaps;
    let mut stations: Vec<StationStaffing> = s
        .stations
        .iter()
        .map(|station| StationStaffing {
            station_id: station.id.clone(),
            number: station.number,
            name: s.names.get(&station.id).cloned().unwrap_or_default(),
            people: all
                .iter()
                .filter(|c| c.assignment.station_id == station.id)
                .map(staffed)
                .collect(),
            gaps: gaps
                .iter()
                .filter(|g| g.station_id == station.id)
                .cloned()
                .collect(),
        })
        .collect();
    stations.sort_by_key(|s| s.number);
    let assigned: std::collections::BTreeSet<&str> = all
        .iter()
        .map(|c| c.assignment.candidate_id.as_str())
        .collect();
    Ok(Overview {
        stations,
        unassigned: everyone
            .iter()
            .filter(|c| !assigned.contains(c.id.as_str()))
            .count(),
        reserve: everyone.iter().filter(|c| c.reserve).count(),
    })
}
