//! The append-only event log, numbered without gaps per election.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use shared::protocol::EventPayload;

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

impl EventRecord {
    /// The payload, typed (see `payload`).
    #[must_use]
    pub fn parsed_payload(&self) -> Option<EventPayload> {
        payload(&self.election_id, self.seq, &self.kind, &self.payload)
    }
}

/// The typed payload of the stored event `seq` of `kind`: what every reader of events
/// (dashboards, timeline, reports, devices) goes through. A payload that does not read
/// as its kind (a row older than its type) is `None`, with a warning naming the event:
/// the event is still shown, without its details.
#[must_use]
pub fn payload(election_id: &str, seq: i64, kind: &str, json: &str) -> Option<EventPayload> {
    EventPayload::parse(kind, json)
        .inspect_err(|error| {
            tracing::warn!(election_id, seq, kind, %error, "unreadable event payload, shown without it");
        })
        .ok()
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

/// Rewrites an event's payload: only for erasing its personal texts
/// (`features::purge`); the event log is otherwise never changed.
///
/// # Errors
/// A database error.
pub fn set_payload(
    db: &mut Db,
    election_id: &str,
    seq: i64,
    payload: &str,
) -> Result<(), StoreError> {
    diesel::update(events::table.find((election_id, seq)))
        .set(events::payload.eq(payload))
        .execute(db)?;
    Ok(())
}

/// The whole log, every election's, by number: for the runs that verify it
/// (`delivery::check`).
///
/// # Errors
/// A database error.
pub fn log(db: &mut Db) -> Result<Vec<EventRecord>, StoreError> {
    let rows: Vec<EventRow> = events::table.order(events::seq.asc()).load(db)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use shared::protocol::ControlRoomAction;

    fn event(kind: &str, payload: &str) -> EventRecord {
        EventRecord {
            election_id: "TK2026".into(),
            seq: 4,
            kind: kind.into(),
            payload: payload.into(),
            ..EventRecord::default()
        }
    }

    #[test]
    fn a_stored_action_reads_back_typed() {
        let action = ControlRoomAction::ResupplyDispatched {
            quantity: 100,
            note: String::new(),
        };
        let stored = event("resupply_dispatched", &crate::store::to_json(&action));
        assert_eq!(stored.parsed_payload(), Some(EventPayload::Action(action)));
    }

    #[test]
    fn a_payload_that_does_not_read_as_its_kind_is_none() {
        let action = crate::store::to_json(&ControlRoomAction::ResupplyDispatched {
            quantity: 100,
            note: String::new(),
        });
        for (kind, payload) in [
            ("turnout", "{}"),
            ("turnout", "not json"),
            ("message", r#"{"action":"message"}"#),
            ("message", action.as_str()),
            ("turnout", action.as_str()),
        ] {
            assert_eq!(
                event(kind, payload).parsed_payload(),
                None,
                "{kind} {payload}"
            );
        }
    }
}
