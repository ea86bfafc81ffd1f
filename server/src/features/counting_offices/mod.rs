//! Counting offices (telbureaus) of Flemish paper-voting municipalities (issue 19;
//! DOMAIN.md, "The day (Flanders, local elections 2024)"). On the day the main office
//! (hoofdbureau) links each counting office to the stations whose ballots it counts
//! (`shared::domain::counting_office`), and its staff enter each office's result,
//! checked by the same shared rules as a station's result
//! (`shared::validation::counting_office_result`): errors block it, warnings are
//! confirmed, and an office whose figures equal another's asks "dubbele ingave van
//! eenzelfde telbureau?". One person at a time enters an office (`claims`); the main
//! office's chair locks an office against any further change. The offices' results
//! are the municipality's (`publication`), under the embargo like a station's.
//!
//! Every write is one transaction with its audit entry (DESIGN.md invariant 6),
//! including the refusal to change a locked office's result.

pub mod claims;
pub mod publication;
pub mod routes;

use serde_json::json;
use shared::domain::counting_office::{CountingOffice, LinkRefusal, check_link};
use shared::domain::{Election, ProvisionalResult};
use shared::validation::{
    CountingOfficeContext, Issue, Outcome, counting_office_result, same_as_offices,
};

use crate::auth::Role;
use crate::db::{self, Db};
use crate::store::counting_offices::{self as offices, CountingOfficeRecord, Entry, Lock};
use crate::store::{self, StoreError, audit::AuditRecord, stations::StationRecord};

/// Who acts on a counting office: a staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub role: Role,
}

impl Actor {
    /// As the audit log names staff: `user:<id>:<role>`.
    fn audit_name(&self) -> String {
        format!("user:{}:{}", self.user_id, self.role.as_str())
    }
}

/// A municipality's current election (`store::stations::current_election`), its
/// stations and its counting offices.
#[derive(Debug, Clone)]
pub struct Municipality {
    pub code: String,
    pub election: Election,
    pub stations: Vec<StationRecord>,
    pub offices: Vec<CountingOfficeRecord>,
}

impl Municipality {
    /// The municipality `code`, or `None` when it has no stations.
    ///
    /// # Errors
    /// A database error.
    pub fn read(db: &mut Db, code: &str) -> Result<Option<Self>, StoreError> {
        let Some((stations, election)) = store::stations::with_election(db, code)? else {
            return Ok(None);
        };
        let offices = offices::list(db, &election.id, code)?;
        Ok(Some(Self {
            code: code.to_owned(),
            election,
            stations,
            offices,
        }))
    }

    /// Office `number`.
    ///
    /// # Errors
    /// `NoSuchOffice` when there is none.
    pub fn office(&self, number: u32) -> Result<&CountingOfficeRecord, OfficeError> {
        self.offices
            .iter()
            .find(|o| o.office.number == number)
            .ok_or(OfficeError::NoSuchOffice(number))
    }

    /// The stations of `office` that are the municipality's, in the order of their
    /// numbers.
    #[must_use]
    pub fn stations_of(&self, office: &CountingOffice) -> Vec<&StationRecord> {
        self.stations
            .iter()
            .filter(|s| office.station_ids.contains(&s.station.id))
            .collect()
    }

    /// The voters assigned to `office`'s stations together; `None` when a station's
    /// are unknown.
    #[must_use]
    pub fn assigned_voters(&self, office: &CountingOffice) -> Option<u32> {
        let stations = self.stations_of(office);
        if stations.len() != office.station_ids.len() {
            return None;
        }
        stations.iter().try_fold(0u32, |total, s| {
            s.station
                .expected_voters
                .and_then(|voters| total.checked_add(voters))
        })
    }

    /// The results of the offices other than `number`, each with its number.
    #[must_use]
    pub fn other_results(&self, number: u32) -> Vec<(u32, ProvisionalResult)> {
        self.offices
            .iter()
            .filter(|o| o.office.number != number)
            .filter_map(|o| Some((o.office.number, o.entry.as_ref()?.result.clone())))
            .collect()
    }

    /// The refusal for an office locked by `lock`.
    #[must_use]
    pub fn locked(&self, lock: &Lock) -> OfficeError {
        OfficeError::Locked {
            at: lock.at,
            local: local_time(lock.at, &self.election),
        }
    }

    /// What the shared rules say of `result` as office `number`'s, and the offices
    /// whose figures it equals.
    #[must_use]
    pub fn check(&self, number: u32, result: &ProvisionalResult) -> (Outcome, Vec<u32>) {
        let others = self.other_results(number);
        let assigned_voters = self
            .offices
            .iter()
            .find(|o| o.office.number == number)
            .and_then(|o| self.assigned_voters(&o.office));
        let outcome = counting_office_result(
            result,
            &CountingOfficeContext {
                election: &self.election,
                assigned_voters,
                others: &others,
            },
        );
        (outcome, same_as_offices(result, &others))
    }
}

/// Who holds an office, as a refusal names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub user_id: String,
    /// Their username now (the id when the user is not known).
    pub username: String,
    pub since: i64,
    /// `since` in the election's local time, "18-03-2026 21:14".
    pub since_local: String,
}

/// `at` (ms since the epoch) in the election's local time: "18-03-2026 21:14".
#[must_use]
pub fn local_time(at: i64, election: &Election) -> String {
    let at = shared::domain::Timestamp(at);
    format!(
        "{} {}",
        at.local_date(election.utc_offset_minutes),
        at.local_hh_mm(election.utc_offset_minutes)
    )
}

/// Why an action on a counting office was not taken; nothing was changed (a refused
/// change of a locked office's result is audited all the same).
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("the municipality has no stations")]
    NoStations,
    #[error("no counting office {0}")]
    NoSuchOffice(u32),
    #[error("the link is refused: {0:?}")]
    Link(LinkRefusal),
    /// Before the election day; linking opens at the local time given.
    #[error("linking opens at {0}")]
    NotOnTheDay(String),
    #[error("counting office held by {} since {}", .0.username, .0.since)]
    ClaimedByOther(Holder),
    #[error("the counting office is not held by the caller")]
    NotClaimed,
    /// Its result is entered: its stations cannot change under it.
    #[error("the counting office's result is entered; its stations cannot change")]
    HasResult,
    #[error("the counting office is locked since {local}")]
    Locked {
        at: i64,
        /// `at` in the election's local time.
        local: String,
    },
    #[error("the result has errors")]
    ResultInvalid(Vec<Issue>),
    /// The result is not the one the caller saw: entered at `entered_at` (none).
    #[error("the counting office's result changed since the caller saw it")]
    ResultChanged { entered_at: Option<i64> },
    #[error("the result has warnings not confirmed")]
    WarningsUnconfirmed {
        warnings: Vec<Issue>,
        same_as: Vec<u32>,
    },
    /// The election is finished (`kiesdag election finish`).
    #[error("election {0} is finished; nothing more is recorded for it")]
    Finished(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for OfficeError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::Db(e))
    }
}

/// What the audit log names an office by: `counting_office:<election>:<municipality>:<number>`.
fn subject(record: &CountingOfficeRecord) -> String {
    format!(
        "counting_office:{}:{}:{}",
        record.election_id, record.municipality_code, record.office.number
    )
}

fn audit(
    db: &mut Db,
    actor: &Actor,
    action: &str,
    subject: String,
    payload: &serde_json::Value,
    now: i64,
) -> Result<(), StoreError> {
    store::audit::append(
        db,
        &[AuditRecord {
            at: now,
            actor: actor.audit_name(),
            action: action.into(),
            subject,
            payload: payload.to_string(),
        }],
    )
}

/// Reads the municipality inside a write transaction; a finished election records
/// nothing more (its record is closed, as for the control room's actions).
fn municipality(db: &mut Db, code: &str) -> Result<Municipality, OfficeError> {
    let municipality = Municipality::read(db, code)?.ok_or(OfficeError::NoStations)?;
    let election_id = &municipality.election.id;
    if store::elections::lifecycle(db, election_id)?
        .finished_at
        .is_some()
    {
        return Err(OfficeError::Finished(election_id.clone()));
    }
    Ok(municipality)
}

/// The office as stored now.
fn reread(db: &mut Db, record: &CountingOfficeRecord) -> Result<CountingOfficeRecord, OfficeError> {
    offices::get(
        db,
        &record.election_id,
        &record.municipality_code,
        record.office.number,
    )?
    .ok_or(OfficeError::NoSuchOffice(record.office.number))
}

/// Links counting office `office.number` of municipality `code` to its stations (a new
/// office, or new stations or name for one): refused before the election day, for a
/// station another office counts for, and for a locked office.
///
/// # Errors
/// `Link`, `Locked`, `NoStations`, or a database error.
pub fn link(
    db: &mut Db,
    actor: &Actor,
    code: &str,
    office: &CountingOffice,
    now: i64,
) -> Result<CountingOfficeRecord, OfficeError> {
    // The outer result commits (an audited refusal too); the inner one is the answer.
    db::write_transaction(db, |db| -> Result<_, OfficeError> {
        let municipality = municipality(db, code)?;
        let previous = municipality
            .offices
            .iter()
            .find(|o| o.office.number == office.number);
        if let Some((record, lock)) = previous.and_then(|o| o.lock.as_ref().map(|l| (o, l))) {
            audit(
                db,
                actor,
                "counting_office.link_refused",
                subject(record),
                &json!({
                    "number": office.number,
                    "reason": "locked",
                    "locked_by": format!("user:{}", lock.user_id),
                    "locked_at": lock.at,
                    "station_ids": office.station_ids,
                }),
                now,
            )?;
            return Ok(Err(municipality.locked(lock)));
        }
        // Its result was checked against these stations' voters and counts in their
        // subareas: other stations would need another count.
        if previous.is_some_and(|o| o.entry.is_some() && o.office.station_ids != office.station_ids)
        {
            return Ok(Err(OfficeError::HasResult));
        }
        let ids: Vec<&str> = municipality
            .stations
            .iter()
            .map(|s| s.station.id.as_str())
            .collect();
        let others: Vec<CountingOffice> = municipality
            .offices
            .iter()
            .map(|o| o.office.clone())
            .collect();
        let checked = check_link(
            &municipality.election,
            shared::domain::Timestamp(now),
            office,
            &ids,
            &others,
        )
        .map_err(|refusal| match refusal {
            LinkRefusal::NotOnTheDay { opens_at } => {
                OfficeError::NotOnTheDay(local_time(opens_at.millis(), &municipality.election))
            }
            refusal => OfficeError::Link(refusal),
        });
        if let Err(refused) = checked {
            return Ok(Err(refused));
        }
        let election_id = municipality.election.id.clone();
        offices::link(db, &election_id, code, office, now)?;
        let record = offices::get(db, &election_id, code, office.number)?
            .ok_or(OfficeError::NoSuchOffice(office.number))?;
        audit(
            db,
            actor,
            "counting_office.link",
            subject(&record),
            &json!({
                "number": office.number,
                "name": office.name,
                "station_ids": office.station_ids,
                "previous_station_ids": previous.map(|o| o.office.station_ids.clone()),
            }),
            now,
        )?;
        Ok(Ok(record))
    })?
}

/// What the user confirmed of a result's warnings: the codes, and for the duplicate
/// warning the offices it named.
#[derive(Debug, Clone, Default)]
pub struct Confirmed {
    pub warnings: Vec<String>,
    pub same_as_offices: Vec<u32>,
}

impl Confirmed {
    /// Whether every one of `warnings` was confirmed, the duplicate one for each office
    /// of `same_as` now.
    fn covers(&self, warnings: &[Issue], same_as: &[u32]) -> bool {
        warnings.iter().all(|w| {
            self.warnings.iter().any(|c| c == w.code())
                && (w.rule != shared::validation::Rule::CountingOfficeSameAsOther
                    || same_as.iter().all(|n| self.same_as_offices.contains(n)))
        })
    }
}

/// Enters office `number`'s result: only by who holds the office (`claims`), never
/// into a locked office (refused, and the refusal audited), and only without errors
/// and with every warning confirmed (`Confirmed`: each code, and the duplicate warning
/// for each office it names now, once the first answer listed them). The result replaces any before it; the audit entry keeps both.
///
/// # Errors
/// `Locked`, `ClaimedByOther`, `NotClaimed`, `ResultInvalid`, `WarningsUnconfirmed`,
/// `NoSuchOffice`, `NoStations`, or a database error.
pub fn enter_result(
    db: &mut Db,
    actor: &Actor,
    code: &str,
    number: u32,
    result: &ProvisionalResult,
    confirmed: &Confirmed,
    now: i64,
) -> Result<CountingOfficeRecord, OfficeError> {
    // The outer result commits (an audited refusal too); the inner one is the answer.
    db::write_transaction(db, |db| -> Result<_, OfficeError> {
        let municipality = municipality(db, code)?;
        let record = municipality.office(number)?.clone();
        if let Some(lock) = &record.lock {
            audit(
                db,
                actor,
                "counting_office.result_refused",
                subject(&record),
                &json!({
                    "number": number,
                    "reason": "locked",
                    "locked_by": format!("user:{}", lock.user_id),
                    "locked_at": lock.at,
                    "result": result,
                }),
                now,
            )?;
            return Ok(Err(municipality.locked(lock)));
        }
        if let Err(refusal) = claims::require_holder(db, &municipality, &record, actor) {
            return Ok(Err(refusal));
        }
        let (outcome, same_as) = municipality.check(number, result);
        let errors: Vec<Issue> = outcome.errors().cloned().collect();
        if !errors.is_empty() {
            return Ok(Err(OfficeError::ResultInvalid(errors)));
        }
        let warnings: Vec<Issue> = outcome.warnings().cloned().collect();
        if !confirmed.covers(&warnings, &same_as) {
            return Ok(Err(OfficeError::WarningsUnconfirmed { warnings, same_as }));
        }
        let entry = Entry {
            result: result.clone(),
            confirmed_warnings: warnings.iter().map(|w| w.code().to_owned()).collect(),
            by: actor.user_id.clone(),
            at: now,
        };
        offices::set_entry(db, &record, &entry)?;
        audit(
            db,
            actor,
            "counting_office.result",
            subject(&record),
            &json!({
                "number": number,
                "result": result,
                "confirmed_warnings": entry.confirmed_warnings,
                "same_as_offices": same_as,
                "replaces": record.entry.as_ref().map(|e| &e.result),
            }),
            now,
        )?;
        Ok(Ok(reread(db, &record)?))
    })?
}

/// Unlinks office `number` (the main office's chair): one made by mistake goes, and
/// its stations can be linked to another. Refused for a locked office (audited, as a
/// refused relink is) and for one whose result is entered (its figures were counted
/// from those stations). Answers the office as it was.
///
/// # Errors
/// `Locked`, `HasResult`, `NoSuchOffice`, `NoStations`, or a database error.
pub fn unlink(
    db: &mut Db,
    actor: &Actor,
    code: &str,
    number: u32,
    now: i64,
) -> Result<CountingOfficeRecord, OfficeError> {
    // The outer result commits (an audited refusal too); the inner one is the answer.
    db::write_transaction(db, |db| -> Result<_, OfficeError> {
        let municipality = municipality(db, code)?;
        let record = municipality.office(number)?.clone();
        if let Some(lock) = &record.lock {
            audit(
                db,
                actor,
                "counting_office.unlink_refused",
                subject(&record),
                &json!({
                    "number": number,
                    "reason": "locked",
                    "locked_by": format!("user:{}", lock.user_id),
                    "locked_at": lock.at,
                }),
                now,
            )?;
            return Ok(Err(municipality.locked(lock)));
        }
        if record.entry.is_some() {
            return Ok(Err(OfficeError::HasResult));
        }
        offices::unlink(db, &municipality.election.id, code, number)?;
        audit(
            db,
            actor,
            "counting_office.unlink",
            subject(&record),
            &json!({
                "number": number,
                "name": record.office.name,
                "station_ids": record.office.station_ids,
                "claim_ended": record.claim.as_ref().map(|c| format!("user:{}", c.user_id)),
            }),
            now,
        )?;
        Ok(Ok(record))
    })?
}

/// Locks office `number` (the main office's chair): its result cannot change any
/// more, and whoever held it for entering no longer does. Only the result the chair
/// saw is locked: `expected_entered_at` is when it was entered (`None`: no result).
/// Locking a locked office changes nothing.
///
/// # Errors
/// `ResultChanged`, `NoSuchOffice`, `NoStations`, or a database error.
pub fn lock(
    db: &mut Db,
    actor: &Actor,
    code: &str,
    number: u32,
    expected_entered_at: Option<i64>,
    now: i64,
) -> Result<CountingOfficeRecord, OfficeError> {
    db::write_transaction(db, |db| {
        let record = municipality(db, code)?.office(number)?.clone();
        if record.lock.is_some() {
            return Ok(record);
        }
        let entered_at = record.entry.as_ref().map(|e| e.at);
        if entered_at != expected_entered_at {
            return Err(OfficeError::ResultChanged { entered_at });
        }
        offices::set_lock(
            db,
            &record,
            Some(&Lock {
                user_id: actor.user_id.clone(),
                at: now,
            }),
        )?;
        offices::set_claim(db, &record, None)?;
        audit(
            db,
            actor,
            "counting_office.lock",
            subject(&record),
            &json!({
                "number": number,
                "complete": record.entry.is_some(),
                "claim_ended": record.claim.as_ref().map(|c| format!("user:{}", c.user_id)),
            }),
            now,
        )?;
        reread(db, &record)
    })
}

/// Unlocks office `number` (the main office's chair), audited with who locked it and
/// when. Unlocking an office that is not locked changes nothing.
///
/// # Errors
/// `NoSuchOffice`, `NoStations`, or a database error.
pub fn unlock(
    db: &mut Db,
    actor: &Actor,
    code: &str,
    number: u32,
    now: i64,
) -> Result<CountingOfficeRecord, OfficeError> {
    db::write_transaction(db, |db| {
        let record = municipality(db, code)?.office(number)?.clone();
        let Some(lock) = &record.lock else {
            return Ok(record);
        };
        offices::set_lock(db, &record, None)?;
        audit(
            db,
            actor,
            "counting_office.unlock",
            subject(&record),
            &json!({
                "number": number,
                "locked_by": format!("user:{}", lock.user_id),
                "locked_at": lock.at,
            }),
            now,
        )?;
        reread(db, &record)
    })
}

/// A paper municipality's stations send no result of their own: their count is their
/// counting office's. A station's "result missing" alert goes once its office's result
/// is entered, and stands while it is not (the count is still missing).
pub fn counted_in_offices(
    alerts: &mut Vec<crate::features::control_room::alerts::Alert>,
    offices: &[CountingOfficeRecord],
) {
    use crate::features::control_room::alerts::AlertKind;
    alerts.retain(|alert| {
        alert.kind != AlertKind::ResultMissing
            || !offices.iter().any(|office| {
                office.entry.is_some() && office.office.station_ids.contains(&alert.station_id)
            })
    });
}

#[cfg(test)]
mod alert_tests {
    use super::*;
    use crate::features::control_room::alerts::{Alert, AlertKind};

    fn missing(station: &str) -> Alert {
        Alert {
            kind: AlertKind::ResultMissing,
            station_id: station.into(),
            since: None,
            detail: String::new(),
            needs_action: true,
            resolvable: true,
            handled: None,
            reason: None,
            situation: String::new(),
        }
    }

    fn office(number: u32, stations: &[&str], entered: bool) -> CountingOfficeRecord {
        CountingOfficeRecord {
            election_id: "E".into(),
            municipality_code: "44021".into(),
            office: CountingOffice {
                number,
                name: format!("Telbureau {number}"),
                station_ids: stations.iter().map(|s| (*s).to_owned()).collect(),
            },
            linked_at: 0,
            entry: entered.then(|| Entry {
                result: ProvisionalResult::default(),
                confirmed_warnings: Vec::new(),
                by: "user".into(),
                at: 0,
            }),
            claim: None,
            lock: None,
        }
    }

    /// Three hours after closing, the stations of an office whose count is in have no
    /// "result missing" alert; those of an office still counting, and a station in no
    /// office, keep theirs.
    #[test]
    fn a_station_counted_in_an_entered_office_misses_no_result() {
        let offices = [
            office(1, &["s1", "s2", "s3"], true),
            office(2, &["s4", "s5", "s6"], false),
        ];
        let mut alerts: Vec<Alert> = ["s1", "s2", "s4", "s7"].into_iter().map(missing).collect();
        counted_in_offices(&mut alerts, &offices);
        let left: Vec<&str> = alerts.iter().map(|a| a.station_id.as_str()).collect();
        assert_eq!(left, ["s4", "s7"]);
    }
}
