//! Candidates and their convocations, per election (`features::convocation`).

use diesel::prelude::*;
use shared::domain::StaffRole;
use shared::domain::convocation::{Assignment, Candidate, ConvocationStatus};

use super::{StoreError, from_json, to_json};
use crate::db::{
    Db,
    schema::{candidates, convocations},
};

/// A candidate with the municipality that convokes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateRecord {
    pub municipality_code: String,
    pub candidate: Candidate,
}

/// Adds the candidates, or replaces those with the same id.
///
/// # Errors
/// A database error.
pub fn save_candidates(
    db: &mut Db,
    election_id: &str,
    records: &[CandidateRecord],
    now: i64,
) -> Result<(), StoreError> {
    for record in records {
        let person = to_json(&record.candidate);
        let updated = diesel::update(candidates::table.find((election_id, &record.candidate.id)))
            .set((
                candidates::person.eq(&person),
                candidates::municipality_code.eq(&record.municipality_code),
            ))
            .execute(db)?;
        if updated == 0 {
            diesel::insert_into(candidates::table)
                .values((
                    candidates::election_id.eq(election_id),
                    candidates::id.eq(&record.candidate.id),
                    candidates::municipality_code.eq(&record.municipality_code),
                    candidates::person.eq(&person),
                    candidates::created_at.eq(now),
                ))
                .execute(db)?;
        }
    }
    Ok(())
}

/// The election's candidates, of one municipality or all, by id.
///
/// # Errors
/// A database error, or a stored candidate that does not read.
pub fn candidates(
    db: &mut Db,
    election_id: &str,
    municipality: Option<&str>,
) -> Result<Vec<CandidateRecord>, StoreError> {
    let mut query = candidates::table
        .filter(candidates::election_id.eq(election_id))
        .select((candidates::municipality_code, candidates::person))
        .order(candidates::id.asc())
        .into_boxed();
    if let Some(code) = municipality {
        query = query.filter(candidates::municipality_code.eq(code));
    }
    let rows: Vec<(String, String)> = query.load(db)?;
    rows.into_iter()
        .map(|(municipality_code, person)| {
            Ok(CandidateRecord {
                municipality_code,
                candidate: from_json("candidate", &person)?,
            })
        })
        .collect()
}

/// One candidate of the election, with their municipality.
///
/// # Errors
/// A database error, or a stored candidate that does not read.
pub fn candidate(
    db: &mut Db,
    election_id: &str,
    id: &str,
) -> Result<Option<CandidateRecord>, StoreError> {
    let row: Option<(String, String)> = candidates::table
        .find((election_id, id))
        .select((candidates::municipality_code, candidates::person))
        .first(db)
        .optional()?;
    row.map(|(municipality_code, person)| {
        Ok(CandidateRecord {
            municipality_code,
            candidate: from_json("candidate", &person)?,
        })
    })
    .transpose()
}

/// A convocation: the assignment and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvocationRecord {
    pub assignment: Assignment,
    pub status: ConvocationStatus,
    pub decline_reason: Option<String>,
    /// When they said they are available, in their words (`AvailabilityStated`).
    pub availability: Option<String>,
    pub updated_at: i64,
}

fn role_of(text: &str) -> Result<StaffRole, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
        StoreError::Corrupt {
            what: "convocation role".into(),
            reason: "not a role".into(),
        }
    })
}

fn role_text(role: StaffRole) -> String {
    to_json(&role).trim_matches('"').to_owned()
}

/// The election's convocations, by station and candidate.
///
/// # Errors
/// A database error, or a stored row that does not read.
pub fn convocations(db: &mut Db, election_id: &str) -> Result<Vec<ConvocationRecord>, StoreError> {
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
    );
    let rows: Vec<Row> = convocations::table
        .filter(convocations::election_id.eq(election_id))
        .select((
            convocations::candidate_id,
            convocations::station_id,
            convocations::role,
            convocations::status,
            convocations::decline_reason,
            convocations::availability,
            convocations::updated_at,
        ))
        .order((
            convocations::station_id.asc(),
            convocations::candidate_id.asc(),
        ))
        .load(db)?;
    rows.into_iter()
        .map(
            |(candidate_id, station_id, role, status, decline_reason, availability, updated_at)| {
                Ok(ConvocationRecord {
                    assignment: Assignment {
                        candidate_id,
                        station_id,
                        role: role_of(&role)?,
                    },
                    status: ConvocationStatus::parse(&status).ok_or_else(|| {
                        StoreError::Corrupt {
                            what: "convocation status".into(),
                            reason: "not a status".into(),
                        }
                    })?,
                    decline_reason,
                    availability,
                    updated_at,
                })
            },
        )
        .collect()
}

/// Assigns a candidate (replacing an assignment they had), with `status`.
///
/// # Errors
/// A database error (a candidate or station that does not exist).
pub fn assign(
    db: &mut Db,
    election_id: &str,
    assignment: &Assignment,
    status: ConvocationStatus,
    now: i64,
) -> Result<(), StoreError> {
    unassign(db, election_id, &assignment.candidate_id)?;
    diesel::insert_into(convocations::table)
        .values((
            convocations::election_id.eq(election_id),
            convocations::candidate_id.eq(&assignment.candidate_id),
            convocations::station_id.eq(&assignment.station_id),
            convocations::role.eq(role_text(assignment.role)),
            convocations::status.eq(status.as_str()),
            convocations::updated_at.eq(now),
        ))
        .execute(db)?;
    Ok(())
}

/// Removes a candidate's assignment; whether there was one.
///
/// # Errors
/// A database error.
pub fn unassign(db: &mut Db, election_id: &str, candidate_id: &str) -> Result<bool, StoreError> {
    Ok(diesel::delete(convocations::table.find((election_id, candidate_id))).execute(db)? > 0)
}

/// Gives a convocation a new answer code (its hash) until `expires_at`, and marks it
/// invited. The code it had before stops working.
///
/// # Errors
/// A database error.
pub fn set_answer_code(
    db: &mut Db,
    election_id: &str,
    candidate_id: &str,
    code_hash: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    diesel::update(convocations::table.find((election_id, candidate_id)))
        .set((
            convocations::answer_code_hash.eq(code_hash),
            convocations::answer_code_expires_at.eq(expires_at),
            convocations::status.eq(ConvocationStatus::Invited.as_str()),
            convocations::updated_at.eq(now),
        ))
        .execute(db)?;
    Ok(())
}

/// Marks a convocation lapsed (no answer in time): its code stops working.
///
/// # Errors
/// A database error.
pub fn lapse(
    db: &mut Db,
    election_id: &str,
    candidate_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    diesel::update(convocations::table.find((election_id, candidate_id)))
        .set((
            convocations::answer_code_hash.eq(None::<String>),
            convocations::answer_code_expires_at.eq(None::<i64>),
            convocations::status.eq(ConvocationStatus::Lapsed.as_str()),
            convocations::updated_at.eq(now),
        ))
        .execute(db)?;
    Ok(())
}

/// The convocation an answer code belongs to: its election, the record, and until
/// when the code holds.
///
/// # Errors
/// A database error, or a stored row that does not read.
pub fn by_answer_code(
    db: &mut Db,
    code_hash: &str,
) -> Result<Option<(String, ConvocationRecord, i64)>, StoreError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
        Option<i64>,
    );
    let row: Option<Row> = convocations::table
        .filter(convocations::answer_code_hash.eq(code_hash))
        .select((
            convocations::election_id,
            convocations::candidate_id,
            convocations::station_id,
            convocations::role,
            convocations::status,
            convocations::decline_reason,
            convocations::availability,
            convocations::updated_at,
            convocations::answer_code_expires_at,
        ))
        .first(db)
        .optional()?;
    let Some((
        election_id,
        candidate_id,
        station_id,
        role,
        status,
        decline_reason,
        availability,
        updated_at,
        expires,
    )) = row
    else {
        return Ok(None);
    };
    let record = ConvocationRecord {
        assignment: Assignment {
            candidate_id,
            station_id,
            role: role_of(&role)?,
        },
        status: ConvocationStatus::parse(&status).ok_or_else(|| StoreError::Corrupt {
            what: "convocation status".into(),
            reason: "not a status".into(),
        })?,
        decline_reason,
        availability,
        updated_at,
    };
    Ok(Some((election_id, record, expires.unwrap_or(0))))
}

/// Records a person's answer: confirmed, or declined with their reason.
///
/// # Errors
/// A database error.
pub fn record_answer(
    db: &mut Db,
    election_id: &str,
    candidate_id: &str,
    status: ConvocationStatus,
    decline_reason: Option<&str>,
    availability: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    diesel::update(convocations::table.find((election_id, candidate_id)))
        .set((
            convocations::status.eq(status.as_str()),
            convocations::decline_reason.eq(decline_reason),
            convocations::availability.eq(availability),
            convocations::answered_at.eq(now),
            convocations::updated_at.eq(now),
        ))
        .execute(db)?;
    Ok(())
}

/// Deletes the election's candidates and convocations (its purge); how many people.
///
/// # Errors
/// A database error.
pub fn erase(db: &mut Db, election_id: &str) -> Result<usize, StoreError> {
    diesel::delete(convocations::table.filter(convocations::election_id.eq(election_id)))
        .execute(db)?;
    Ok(
        diesel::delete(candidates::table.filter(candidates::election_id.eq(election_id)))
            .execute(db)?,
    )
}
