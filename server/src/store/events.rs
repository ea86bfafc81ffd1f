//! The append-only event log, numbered without gaps per election.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::db::{Db, schema::events};

/// One committed event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    pub election_id: String,
    pub seq: i64,
    pub station_id: Option<String>,
    pub kind: String,
    pub payload: String,
    pub recorded_at: i64,
    pub committed_at: i64,
}

/// # Errors
/// A database error.
pub fn insert(db: &mut Db, records: &[EventRecord]) -> Result<(), StoreError> {
    let rows: Vec<_> = records
        .iter()
        .map(|e| {
            (
                events::election_id.eq(&e.election_id),
                events::seq.eq(e.seq),
                events::station_id.eq(&e.station_id),
                events::kind.eq(&e.kind),
                events::payload.eq(&e.payload),
                events::recorded_at.eq(e.recorded_at),
                events::committed_at.eq(e.committed_at),
            )
        })
        .collect();
    for chunk in rows.chunks(500) {
        crate::insert_rows!(db, events::table, chunk)?;
    }
    Ok(())
}

/// election_id, seq, station_id, kind, payload, recorded_at, committed_at
type EventRow = (String, i64, Option<String>, String, String, i64, i64);

fn record(
    (election_id, seq, station_id, kind, payload, recorded_at, committed_at): EventRow,
) -> EventRecord {
    EventRecord {
        election_id,
        seq,
        station_id,
        kind,
        payload,
        recorded_at,
        committed_at,
    }
}

/// Events after `after`, in order, at most `limit`.
///
/// # Errors
/// A database error.
pub fn since(
    db: &mut Db,
    election_id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<EventRecord>, StoreError> {
    let rows: Vec<EventRow> = events::table
        .filter(events::election_id.eq(election_id))
        .filter(events::seq.gt(after))
        .order(events::seq.asc())
        .limit(limit)
        .load(db)?;
    Ok(rows.into_iter().map(record).collect())
}

/// The events of one kind, in order (for turnout over the day).
///
/// # Errors
/// A database error.
pub fn of_kind(db: &mut Db, election_id: &str, kind: &str) -> Result<Vec<EventRecord>, StoreError> {
    let rows: Vec<EventRow> = events::table
        .filter(events::election_id.eq(election_id))
        .filter(events::kind.eq(kind))
        .order(events::seq.asc())
        .load(db)?;
    Ok(rows.into_iter().map(record).collect())
}

/// One station's events, in order (for its timeline).
///
/// # Errors
/// A database error.
pub fn of_station(
    db: &mut Db,
    election_id: &str,
    station_id: &str,
) -> Result<Vec<EventRecord>, StoreError> {
    let rows: Vec<EventRow> = events::table
        .filter(events::election_id.eq(election_id))
        .filter(events::station_id.eq(station_id))
        .order(events::seq.asc())
        .load(db)?;
    Ok(rows.into_iter().map(record).collect())
}
