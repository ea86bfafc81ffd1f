//! Retention and erasure (`docs/privacy.md`): an election is declared finished, its
//! personal data is kept for its retention after that, and `kiesdag purge` then erases
//! the people from it while keeping its evidence. Names and free texts in the event log
//! and the stations' state become "[gewist]"; the texts the audit chain refers to, and
//! the key of those references, are deleted, and so are the candidates for
//! convocation with their convocations. Figures, ids and times are never
//! personal and never touched, so every turnout, count and result stays as it was and
//! the audit chain still verifies. Afterwards the database is compacted so that the
//! erased bytes do not linger in free pages (SQLite) or dead rows (PostgreSQL).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;
use shared::domain::PersonalTexts;

use crate::db::Db;
use crate::features::preparation::Preparer;
use crate::store::{self, StoreError, elections::Lifecycle};

/// Events rewritten per read.
const PAGE: i64 = 2_000;
/// The longest retention that may be set: ten years.
pub const MAX_RETENTION_DAYS: u32 = 3_650;

/// Why a purge, or a step before it, was not done. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error("there is no election {0}")]
    NoElection(String),
    #[error(
        "election {0} is not finished: declare it finished first (`kiesdag election finish`), or purge with --force and a --reason"
    )]
    NotFinished(String),
    #[error(
        "election {election} keeps personal data until {until} (retention {days} days after it was finished); purge with --force and a --reason to erase it sooner"
    )]
    Retained {
        election: String,
        until: String,
        days: u32,
    },
    #[error("election {election} is not over: it closes {closes}")]
    NotOver { election: String, closes: String },
    #[error("a forced purge needs a --reason, which the audit log keeps")]
    NoReason,
    #[error("a retention of {0} days is not plausible: give 0 to {MAX_RETENTION_DAYS}")]
    ImplausibleRetention(u32),
    #[error(
        "event {seq} of election {election} cannot be read, so its personal texts cannot be found; nothing was purged"
    )]
    Unreadable { election: String, seq: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for PurgeError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::Db(e))
    }
}

fn existing(db: &mut Db, election_id: &str) -> Result<Lifecycle, PurgeError> {
    match store::elections::get(db, election_id) {
        Ok(_) => {}
        Err(StoreError::NotFound(_)) => {
            return Err(PurgeError::NoElection(election_id.to_owned()));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(store::elections::lifecycle(db, election_id)?)
}

/// Declares the election finished at `at`: its retention starts, and its record is
/// closed: the stations' activation codes and devices are revoked, and the control
/// room can record nothing more. Refused before the election has closed. Declaring
/// it again keeps the first moment.
///
/// # Errors
/// `NoElection`, `NotOver`, or a database error.
pub fn finish(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    at: i64,
) -> Result<Lifecycle, PurgeError> {
    let mut lifecycle = existing(db, election_id)?;
    if lifecycle.finished_at.is_some() {
        return Ok(lifecycle);
    }
    let election = store::elections::get(db, election_id)?;
    if at < election.closes_at.millis() {
        return Err(PurgeError::NotOver {
            election: election_id.to_owned(),
            closes: chrono::DateTime::from_timestamp_millis(election.closes_at.millis())
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default(),
        });
    }
    let mut devices = 0;
    for record in store::stations::of_election(db, election_id)? {
        store::codes::revoke_for_station(db, &record.station.id)?;
        devices += store::devices::revoke_station(db, &record.station.id)?.len();
    }
    // Who served, for the Flemish rule at the next elections: kept past the purge.
    let services = crate::features::convocation::history::record_services(db, election_id)?;
    lifecycle.finished_at = Some(at);
    store::elections::set_lifecycle(db, election_id, &lifecycle)?;
    by.audit(
        db,
        "election.finish",
        election_id,
        &json!({ "at": at, "devices_revoked": devices, "services_recorded": services }),
    )?;
    Ok(lifecycle)
}

/// Sets how many days personal data is kept after the election is finished.
///
/// # Errors
/// `ImplausibleRetention`, `NoElection`, or a database error.
pub fn set_retention(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    days: u32,
) -> Result<Lifecycle, PurgeError> {
    if days > MAX_RETENTION_DAYS {
        return Err(PurgeError::ImplausibleRetention(days));
    }
    let mut lifecycle = existing(db, election_id)?;
    lifecycle.retention_days = Some(days);
    store::elections::set_lifecycle(db, election_id, &lifecycle)?;
    by.audit(
        db,
        "election.retention",
        election_id,
        &json!({ "days": days }),
    )?;
    Ok(lifecycle)
}

/// A purge before its time, and why.
#[derive(Debug, Clone)]
pub struct Force {
    pub reason: String,
}

/// What a purge erased.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    pub election_id: String,
    /// Events whose personal texts were erased.
    pub events: usize,
    /// Stations whose state or planned staff held personal texts.
    pub stations: usize,
    /// Texts erased in the event log and the stations.
    pub texts: usize,
    /// Texts the audit chain referred to, deleted.
    pub referenced_texts: usize,
    /// Candidates for convocation deleted, with their convocations.
    pub candidates: usize,
    pub forced: bool,
}

/// Erases the people from the election, inside the caller's write transaction:
/// refused while its retention runs unless `force` (whose reason is audited).
///
/// # Errors
/// `NotFinished` or `Retained` without force, `NoReason` for a force without one,
/// `Unreadable` for an event whose texts cannot be found, a database error. The
/// transaction then rolls back and nothing is erased.
pub fn purge(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    force: Option<&Force>,
    now: i64,
) -> Result<Purged, PurgeError> {
    let mut lifecycle = existing(db, election_id)?;
    match force {
        Some(force) if force.reason.trim().is_empty() => return Err(PurgeError::NoReason),
        Some(_) => {}
        None => match lifecycle.purgeable_from() {
            None => return Err(PurgeError::NotFinished(election_id.to_owned())),
            Some(from) if now < from => {
                return Err(PurgeError::Retained {
                    election: election_id.to_owned(),
                    until: chrono::DateTime::from_timestamp_millis(from)
                        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_default(),
                    days: lifecycle.retention_days(),
                });
            }
            Some(_) => {}
        },
    }
    let mut purged = Purged {
        election_id: election_id.to_owned(),
        forced: force.is_some(),
        ..Purged::default()
    };
    // A forced purge of an election held but never finished: who served is recorded
    // first (as `finish` does), before the convocations go.
    if lifecycle.finished_at.is_none()
        && now >= store::elections::get(db, election_id)?.closes_at.millis()
    {
        crate::features::convocation::history::record_services(db, election_id)?;
    }

    let mut after = 0;
    loop {
        let page = store::events::since(db, election_id, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for event in page {
            let Some(mut payload) = event.parsed_payload() else {
                return Err(PurgeError::Unreadable {
                    election: election_id.to_owned(),
                    seq: event.seq,
                });
            };
            let erased = payload.erase_personal_texts();
            if erased > 0 {
                store::events::set_payload(db, election_id, event.seq, &store::to_json(&payload))?;
                purged.events += 1;
                purged.texts += erased;
            }
        }
    }

    for mut record in store::stations::of_election(db, election_id)? {
        let in_day = record.day.erase_personal_texts();
        let in_config = record.station.erase_personal_texts();
        if in_day > 0 {
            store::stations::save_day(
                db,
                &record.station.id,
                &record.day,
                record.last_event_seq,
                None,
            )?;
        }
        if in_config > 0 {
            store::stations::upsert(db, election_id, &record.station)?;
        }
        if in_day + in_config > 0 {
            purged.stations += 1;
            purged.texts += in_day + in_config;
        }
    }

    purged.candidates = store::convocation::erase(db, election_id)?;
    purged.referenced_texts =
        store::personal::erase(db, &store::personal::election_scope(election_id))?.values;
    lifecycle.purged_at = Some(now);
    store::elections::set_lifecycle(db, election_id, &lifecycle)?;
    by.audit(
        db,
        "election.purge",
        election_id,
        &json!({
            "forced": purged.forced,
            "reason": force.map(|f| f.reason.as_str()),
            "events": purged.events,
            "stations": purged.stations,
            "texts": purged.texts,
            "referenced_texts": purged.referenced_texts,
            "candidates": purged.candidates,
        }),
    )?;
    Ok(purged)
}

/// What erasing a staff user changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UserErased {
    pub user_id: String,
    /// Events and stations that named the user (as an incident's assignee, or
    /// who handled an alert), now naming `gewist-<id>`.
    pub events: usize,
    pub stations: usize,
    /// Texts the audit log referred to that were the username, deleted.
    pub referenced_texts: usize,
}

/// Erases a staff user (one who left, or asked), inside the caller's write
/// transaction: the account (`store::users::erase`), and the username wherever the
/// elections' records name the user (an incident's assignee, who handled an alert);
/// the texts the audit log refers to that are the username are deleted. Until the
/// election's own purge deletes its key, a guessed username can still be tested
/// against those references; a username inside a free text (a message that mentions
/// a colleague) is erased with its election's purge.
///
/// # Errors
/// `Store(NotFound)` when there is no such user; a database error.
pub fn erase_user(
    db: &mut Db,
    by: &Preparer,
    username: &str,
    now: i64,
) -> Result<UserErased, PurgeError> {
    let Some(user_id) = store::users::erase(db, username, now)? else {
        return Err(StoreError::NotFound(format!("user {username}")).into());
    };
    let replacement = store::users::erased_username(&user_id);
    let mut erased = UserErased {
        user_id: user_id.clone(),
        ..UserErased::default()
    };
    let rename = |text: &mut String| {
        if text == username {
            replacement.clone_into(text);
            true
        } else {
            false
        }
    };
    for election in store::elections::all(db)? {
        let mut after = 0;
        loop {
            let page = store::events::since(db, &election.id, after, PAGE)?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for event in page {
                let Some(mut payload) = event.parsed_payload() else {
                    continue;
                };
                let mut changed = false;
                payload.visit_usernames(&mut |text| changed |= rename(text));
                if changed {
                    store::events::set_payload(
                        db,
                        &election.id,
                        event.seq,
                        &store::to_json(&payload),
                    )?;
                    erased.events += 1;
                }
            }
        }
        for mut record in store::stations::of_election(db, &election.id)? {
            let mut changed = false;
            record
                .day
                .visit_usernames(&mut |text| changed |= rename(text));
            if changed {
                store::stations::save_day(
                    db,
                    &record.station.id,
                    &record.day,
                    record.last_event_seq,
                    None,
                )?;
                erased.stations += 1;
            }
        }
    }
    erased.referenced_texts = store::personal::erase_value(db, username)?;
    by.audit(
        db,
        "user.erase",
        &format!("user:{user_id}"),
        &json!({
            "events": erased.events,
            "stations": erased.stations,
            "referenced_texts": erased.referenced_texts,
        }),
    )?;
    Ok(erased)
}

/// Whether the compaction after a purge left nothing of the erased bytes behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compacted {
    /// Every page rewritten and the write-ahead log emptied (SQLite), or the tables
    /// rewritten (PostgreSQL).
    Complete,
    /// SQLite's write-ahead log could not be emptied: a reader (the running server)
    /// still used it. It is emptied at the server's next checkpoint, or when the
    /// server stops (SQLite checkpoints its log as the last connection closes).
    WalInUse,
}

/// Rewrites the database so that deleted and overwritten rows leave no bytes behind:
/// SQLite is vacuumed and its write-ahead log emptied; PostgreSQL's changed tables are
/// rewritten (`VACUUM FULL`, which locks each for the moment it takes). Outside any
/// transaction.
///
/// # Errors
/// A database error.
pub fn compact(db: &mut Db) -> Result<Compacted, StoreError> {
    #[derive(QueryableByName)]
    struct Checkpoint {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        busy: i32,
    }
    match db {
        Db::Postgres(conn) => {
            // One statement each: several in one string run as one transaction block,
            // where VACUUM cannot run.
            for table in [
                "events",
                "stations",
                "personal_values",
                "personal_keys",
                "users",
                "refresh_tokens",
                "candidates",
                "convocations",
            ] {
                conn.batch_execute(&format!("VACUUM FULL {table}"))?;
            }
            Ok(Compacted::Complete)
        }
        Db::Sqlite(conn) => {
            conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")?;
            let checkpoint: Checkpoint =
                diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").get_result(conn)?;
            Ok(if checkpoint.busy == 0 {
                Compacted::Complete
            } else {
                Compacted::WalInUse
            })
        }
    }
}

/// Opens a connection for a purge: on SQLite with `secure_delete`, so that what is
/// deleted is overwritten with zeros as it is freed.
///
/// # Errors
/// A database error.
pub fn prepare(db: &mut Db) -> Result<(), StoreError> {
    if let Db::Sqlite(conn) = db {
        conn.batch_execute("PRAGMA secure_delete = ON;")?;
    }
    Ok(())
}
