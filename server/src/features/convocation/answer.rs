//! The convoked person's own answer, through a personal link: no account, only a code
//! (16 characters, about 79 bits) that is stored as a hash, expires, and stops working
//! when a new one is issued or the election is finished. With it the person sees
//! their station, role and times, and accepts, or declines with a reason. An
//! acceptance puts them in the station's planned staff, which travels to its device;
//! a decline takes them out of it and proposes a substitute from the reserve.

use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::domain::convocation::{Assignment, ConvocationStatus};
use shared::domain::{StaffMember, StaffRole};

use super::{ConvocationError, audit_candidate};
use crate::db::Db;
use crate::features::preparation::Preparer;
use crate::store::{self, StoreError};

/// How long a personal link works unless said otherwise.
pub const DEFAULT_VALID_DAYS: u32 = 30;
/// The longest reason for declining.
pub const MAX_REASON_CHARS: usize = 500;

/// One invitation to send: to whom, where, and the personal code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invitation {
    pub candidate_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub station_id: String,
    pub role: StaffRole,
    /// The personal code; shown once, stored only as its hash.
    pub code: String,
    /// Where and when, as the person is told.
    pub details: super::mail::Details,
}

/// Gives everyone proposed at the municipality's stations a personal code, valid for
/// `valid_days`, and marks them invited; with `again: Some(days)` also everyone
/// invited who has not answered for at least that many days (a reminder, with a new
/// code that replaces the old one). Returns the invitations to send.
///
/// # Errors
/// A database error; nothing is then changed.
pub fn invite(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    municipality: &str,
    valid_days: u32,
    again: Option<u32>,
    now: i64,
) -> Result<Vec<Invitation>, ConvocationError> {
    let stations: std::collections::BTreeSet<String> =
        store::stations::of_election(db, election_id)?
            .into_iter()
            .filter(|r| r.station.municipality_code == municipality)
            .map(|r| r.station.id)
            .collect();
    let candidates = store::convocation::candidates(db, election_id, Some(municipality))?;
    let election = store::elections::get(db, election_id)?;
    let training = store::elections::training_url(db, election_id, municipality)?;
    let expires_at = now.saturating_add(i64::from(valid_days).saturating_mul(86_400_000));
    let mut invitations = Vec::new();
    for record in store::convocation::convocations(db, election_id)? {
        let wanted = record.status == ConvocationStatus::Proposed
            || again.is_some_and(|days| {
                record.status == ConvocationStatus::Invited
                    && now.saturating_sub(record.updated_at)
                        >= i64::from(days).saturating_mul(86_400_000)
            });
        if !wanted || !stations.contains(&record.assignment.station_id) {
            continue;
        }
        let Some(candidate) = candidates
            .iter()
            .find(|c| c.candidate.id == record.assignment.candidate_id)
        else {
            continue;
        };
        let station = store::stations::get(db, &record.assignment.station_id)?;
        let code = store::codes::generate_groups(4);
        store::convocation::set_answer_code(
            db,
            election_id,
            &record.assignment.candidate_id,
            &store::codes::hash(&code),
            expires_at,
            now,
        )?;
        invitations.push(Invitation {
            candidate_id: record.assignment.candidate_id.clone(),
            name: candidate.candidate.name.clone(),
            email: candidate.candidate.email.clone(),
            phone: candidate.candidate.phone.clone(),
            station_id: record.assignment.station_id.clone(),
            role: record.assignment.role,
            code,
            details: details(&election, &station.station, training.clone()),
        });
    }
    by.audit(
        db,
        "convocation.invite",
        municipality,
        &json!({ "election": election_id, "invited": invitations.len(), "valid_days": valid_days }),
    )?;
    Ok(invitations)
}

/// What the person sees through their link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ConvocationView {
    /// Their own name, so they know the link is theirs.
    pub name: String,
    pub election: String,
    /// The election day, local (DD-MM-YYYY).
    pub date: String,
    pub station_number: u32,
    pub station_name: String,
    /// Where: the building, its address and place.
    pub location: String,
    #[schema(value_type = String, example = "chair")]
    pub role: StaffRole,
    /// When the station opens and closes, local (HH:MM).
    pub opens: String,
    pub closes: String,
    #[schema(value_type = String, example = "invited")]
    pub status: ConvocationStatus,
    /// Elections the person served in before this one (the municipality's record).
    pub services: u32,
    /// Whether they may refuse without giving a reason: in Flanders after two services
    /// (`convocation::may_refuse_further_service`).
    pub may_refuse: bool,
    /// Where the municipality's training material for station staff is, if it said
    /// (`kiesdag staff training`).
    pub training_url: Option<String>,
}

/// The person's answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "answer")]
pub enum Answer {
    Accept,
    Decline {
        reason: String,
    },
    /// When they can come instead (a shift, part of the day), in their words.
    Availability {
        note: String,
    },
}

/// Why an answer or a look was refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// Unknown, expired, replaced, or of a finished election: one answer for all, so
    /// that a guess learns nothing.
    #[error("this code is unknown or no longer valid")]
    Invalid,
    #[error("say why you decline, in at most {MAX_REASON_CHARS} characters")]
    Reason,
    #[error("say when you are available, in at most {MAX_REASON_CHARS} characters")]
    Availability,
    /// Declined before, and the place has been given to someone else since.
    #[error("your place has been given to someone else; please contact your municipality")]
    Filled,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Convocation(#[from] ConvocationError),
}

impl From<diesel::result::Error> for AnswerError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::Db(e))
    }
}

struct Found {
    election_id: String,
    record: store::convocation::ConvocationRecord,
    station: store::stations::StationRecord,
    election: shared::domain::Election,
    name: String,
    municipality: String,
    services: u32,
    training: Option<String>,
}

fn find(db: &mut Db, code: &str, now: i64) -> Result<Found, AnswerError> {
    if code.len() > 64 {
        return Err(AnswerError::Invalid);
    }
    let Some((election_id, record, expires_at)) =
        store::convocation::by_answer_code(db, &store::codes::hash(code))?
    else {
        return Err(AnswerError::Invalid);
    };
    if now >= expires_at
        || store::elections::lifecycle(db, &election_id)?
            .finished_at
            .is_some()
    {
        return Err(AnswerError::Invalid);
    }
    let election = store::elections::get(db, &election_id)?;
    let station = store::stations::get(db, &record.assignment.station_id)?;
    let candidate =
        store::convocation::candidate(db, &election_id, &record.assignment.candidate_id)?
            .ok_or(AnswerError::Invalid)?;
    let history = store::service_history::of_person(db, &candidate.candidate.id)?;
    let services = super::history::services_before(&candidate.candidate, &history, &election);
    let training = store::elections::training_url(db, &election_id, &candidate.municipality_code)?;
    Ok(Found {
        training,
        election_id,
        record,
        station,
        election,
        name: candidate.candidate.name,
        municipality: candidate.municipality_code,
        services,
    })
}

/// Where and when, in the election's local time.
fn details(
    election: &shared::domain::Election,
    station: &shared::domain::Station,
    training: Option<String>,
) -> super::mail::Details {
    let offset = election.utc_offset_minutes;
    let location = &station.location;
    super::mail::Details {
        election: election.name.clone(),
        date: station.opening_time(election).local_date(offset),
        station: format!("{} ({})", station.number, station.name),
        location: [&location.name, &location.address, &location.city]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        opens: station.opening_time(election).local_hh_mm(offset),
        closes: station.closing_time(election).local_hh_mm(offset),
        training,
    }
}

fn view_of(found: &Found) -> ConvocationView {
    let station = &found.station.station;
    let details = details(&found.election, station, found.training.clone());
    ConvocationView {
        name: found.name.clone(),
        election: details.election,
        date: details.date,
        station_number: station.number,
        station_name: station.name.clone(),
        location: details.location,
        role: found.record.assignment.role,
        opens: details.opens,
        closes: details.closes,
        status: found.record.status,
        services: found.services,
        may_refuse: may_refuse(found),
        training_url: details.training,
    }
}

fn may_refuse(found: &Found) -> bool {
    shared::domain::convocation::may_refuse_further_service(
        found.election.jurisdiction,
        found.services,
    )
}

/// What the code's holder may see.
///
/// # Errors
/// `Invalid` for a code that does not hold; a database error.
pub fn view(db: &mut Db, code: &str, now: i64) -> Result<ConvocationView, AnswerError> {
    Ok(view_of(&find(db, code, now)?))
}

/// Records the holder's answer, in the caller's write transaction; returns what they
/// see now. Answering again changes the answer (a decline after an acceptance takes
/// them out of the planned staff again).
///
/// # Errors
/// `Invalid`, `Reason` for a decline without a reason or with a too long one,
/// `Filled` for taking back a place given to someone else; a database error.
pub fn answer(
    db: &mut Db,
    code: &str,
    answer: &Answer,
    now: i64,
) -> Result<ConvocationView, AnswerError> {
    let mut found = find(db, code, now)?;
    let by = Preparer("candidate".into());
    let role = found.record.assignment.role;
    let before = found.record.status;
    let need = store::elections::staffing_need(db, &found.election)?;
    // The others holding a place in this role at this station now.
    let others = store::convocation::convocations(db, &found.election_id)?
        .into_iter()
        .filter(|c| {
            c.assignment.station_id == found.station.station.id
                && c.assignment.role == role
                && c.assignment.candidate_id != found.record.assignment.candidate_id
                && c.status.holds_the_place()
        })
        .count();
    let others = u32::try_from(others).unwrap_or(u32::MAX);
    let plain = |text: &str| {
        text.chars().count() <= MAX_REASON_CHARS
            && !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r')
    };
    // Who declined and was replaced cannot take the place back, by accepting or by
    // stating availability: never more people than the station needs.
    let filled = !before.holds_the_place() && need.of(role) > 0 && others >= need.of(role);
    let (status, reason, availability) = match answer {
        Answer::Accept => {
            if filled {
                return Err(AnswerError::Filled);
            }
            (ConvocationStatus::Confirmed, None, None)
        }
        Answer::Availability { note } => {
            let note = note.trim();
            if note.is_empty() || !plain(note) {
                return Err(AnswerError::Availability);
            }
            if filled {
                return Err(AnswerError::Filled);
            }
            (
                ConvocationStatus::AvailabilityStated,
                None,
                Some(note.to_owned()),
            )
        }
        Answer::Decline { reason } => {
            let reason = reason.trim();
            // Who may refuse need not say why; a reason given is still checked.
            if (reason.is_empty() && !may_refuse(&found)) || !plain(reason) {
                return Err(AnswerError::Reason);
            }
            (
                ConvocationStatus::Declined,
                Some(reason.to_owned()).filter(|r| !r.is_empty()),
                None,
            )
        }
    };
    // The planned staff holds the person once while confirmed, and not otherwise.
    let member = StaffMember {
        name: found.name.clone(),
        role,
    };
    let mut station = found.station.station.clone();
    let listed = station.planned_staff.iter().position(|m| *m == member);
    match (status, listed) {
        (ConvocationStatus::Confirmed, None) => station.planned_staff.push(member),
        // Who was confirmed and now declines or states other availability is no
        // longer expected.
        (ConvocationStatus::Declined | ConvocationStatus::AvailabilityStated, Some(at))
            if before == ConvocationStatus::Confirmed =>
        {
            station.planned_staff.remove(at);
        }
        _ => {}
    }
    if station != found.station.station {
        store::stations::upsert(db, &found.election_id, &station)?;
    }
    store::convocation::record_answer(
        db,
        &found.election_id,
        &found.record.assignment.candidate_id,
        status,
        reason.as_deref(),
        availability.as_deref(),
        now,
    )?;
    audit_candidate(
        db,
        &by,
        &found.election_id,
        "convocation.answer",
        &station.id,
        &found.record.assignment.candidate_id,
        json!({ "status": status.as_str() }),
    )?;
    if status == ConvocationStatus::Declined
        && before != ConvocationStatus::Declined
        && others < need.of(role)
    {
        propose_substitute(
            db,
            &Place {
                election_id: &found.election_id,
                election: &found.election,
                municipality: &found.municipality,
                station: &found.station.station,
                role,
            },
            now,
        )?;
    }
    found.record.status = status;
    found.station.station = station;
    Ok(view_of(&found))
}

/// Proposes the best one of the reserve for the place a decline left open: someone
/// assigned nowhere who may take the role, who wished for the station if any did,
/// else the most experienced (the id settles ties). Nobody when the station already
/// has its most people.
pub(super) fn propose_substitute(
    db: &mut Db,
    place: &Place<'_>,
    now: i64,
) -> Result<Option<String>, StoreError> {
    let convocations = store::convocation::convocations(db, place.election_id)?;
    let station = place.station;
    let need = store::elections::staffing_need(db, place.election)?;
    let at_station = convocations
        .iter()
        .filter(|c| c.assignment.station_id == station.id && c.status.holds_the_place())
        .count();
    // Only while the role lacks someone, and the station has room.
    let in_role = convocations
        .iter()
        .filter(|c| {
            c.assignment.station_id == station.id
                && c.assignment.role == place.role
                && c.status.holds_the_place()
        })
        .count();
    // A role the station needs none of (counters) is bounded by the station's most.
    let role_need = need.of(place.role);
    if u32::try_from(at_station).unwrap_or(u32::MAX) >= need.max_per_station
        || (role_need > 0 && u32::try_from(in_role).unwrap_or(u32::MAX) >= role_need)
    {
        return Ok(None);
    }
    let assigned: std::collections::BTreeSet<&str> = convocations
        .iter()
        .map(|c| c.assignment.candidate_id.as_str())
        .collect();
    let role = place.role;
    let slot = shared::domain::convocation::StationSlot {
        id: station.id.clone(),
        number: station.number,
        district: station.district.clone(),
    };
    let chosen = store::convocation::candidates(db, place.election_id, Some(place.municipality))?
        .into_iter()
        .map(|r| r.candidate)
        .filter(|c| c.reserve && !assigned.contains(c.id.as_str()) && c.may_take(role))
        .max_by(|a, b| {
            a.wishes_for(&slot)
                .cmp(&b.wishes_for(&slot))
                .then(a.experience.cmp(&b.experience))
                .then(b.id.cmp(&a.id))
        });
    if let Some(chosen) = chosen {
        let assignment = Assignment {
            candidate_id: chosen.id,
            station_id: station.id.clone(),
            role,
        };
        store::convocation::assign(
            db,
            place.election_id,
            &assignment,
            ConvocationStatus::Proposed,
            now,
        )?;
        audit_candidate(
            db,
            &Preparer("candidate".into()),
            place.election_id,
            "convocation.substitute",
            &assignment.station_id,
            &assignment.candidate_id,
            json!({}),
        )?;
        return Ok(Some(assignment.candidate_id));
    }
    Ok(None)
}

/// A place at a station: who would fill it, in which election.
pub(super) struct Place<'a> {
    pub election_id: &'a str,
    pub election: &'a shared::domain::Election,
    pub municipality: &'a str,
    pub station: &'a shared::domain::Station,
    pub role: StaffRole,
}

/// One person who did not answer in time, and who was proposed in their place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lapse {
    pub candidate_id: String,
    pub station_id: String,
    pub role: StaffRole,
    /// The reserve candidate proposed instead; none when the reserve had nobody who
    /// may take the role, or the station has its most people.
    pub substitute: Option<String>,
}

/// Everyone invited at the municipality's stations who has not answered for
/// `silent_days` since their last invitation or reminder: their code stops working,
/// they are marked lapsed, and for each place the best of the reserve is proposed.
///
/// # Errors
/// A database error; nothing is then changed (the caller's transaction).
pub fn lapse_silent(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    municipality: &str,
    silent_days: u32,
    now: i64,
) -> Result<Vec<Lapse>, ConvocationError> {
    let election = store::elections::get(db, election_id)?;
    let stations: std::collections::BTreeMap<String, shared::domain::Station> =
        store::stations::of_election(db, election_id)?
            .into_iter()
            .filter(|r| r.station.municipality_code == municipality)
            .map(|r| (r.station.id.clone(), r.station))
            .collect();
    let cutoff = now.saturating_sub(i64::from(silent_days).saturating_mul(86_400_000));
    let silent: Vec<_> = store::convocation::convocations(db, election_id)?
        .into_iter()
        .filter(|c| {
            c.status == ConvocationStatus::Invited
                && c.updated_at <= cutoff
                && stations.contains_key(&c.assignment.station_id)
        })
        .collect();
    let mut lapses = Vec::new();
    for c in silent {
        store::convocation::lapse(db, election_id, &c.assignment.candidate_id, now)?;
        audit_candidate(
            db,
            by,
            election_id,
            "convocation.lapse",
            &c.assignment.station_id,
            &c.assignment.candidate_id,
            json!({ "silent_days": silent_days }),
        )?;
        let Some(station) = stations.get(&c.assignment.station_id) else {
            continue;
        };
        let substitute = propose_substitute(
            db,
            &Place {
                election_id,
                election: &election,
                municipality,
                station,
                role: c.assignment.role,
            },
            now,
        )?;
        lapses.push(Lapse {
            candidate_id: c.assignment.candidate_id,
            station_id: c.assignment.station_id,
            role: c.assignment.role,
            substitute,
        });
    }
    Ok(lapses)
}
