//! The election's event log: the one place events are appended. A device's operation
//! (`commit`) and a control-room action (`features::control_room::actions`) both end
//! here, inside the writer's transaction: gap-free sequence numbers per election,
//! taken under the election's row lock, in the order given; the event rows; the
//! stations' new state with their newest event; an audit entry per event; and, on
//! PostgreSQL, the notice every instance publishes from.

use std::collections::HashMap;

use crate::db::Db;
use crate::realtime::fanout;
use crate::realtime::hub::Change;
use crate::store::{
    self, StoreError, audit::AuditRecord, events::EventRecord, stations::StationRecord,
};
use shared::protocol::EventPayload;

/// One event to append, about one station.
#[derive(Debug, Clone)]
pub struct Entry {
    pub election_id: String,
    pub station_id: String,
    /// The report's or the action's kind (`turnout`, `message`, ...).
    pub kind: String,
    /// The operation or action. The event stores it as it is; its audit entry holds
    /// references where it holds personal texts (`store::personal`).
    pub payload: EventPayload,
    /// When it happened where it was made (the device's clock for an operation).
    pub recorded_at: i64,
    /// Who: `device:<id>`, or `user:<id>:<role>` for the control room.
    pub actor: String,
    /// The audit action (`operation.turnout`, `control_room.message`, ...).
    pub audit_action: String,
}

/// Appends `entries` in order, at `now`. `stations` holds the state of every station
/// an entry is about, already changed by it; each gets its newest event number and is
/// saved. Returns the committed changes, in order, each with its station's state.
///
/// # Errors
/// A database error; the caller's transaction then rolls back.
pub fn append(
    db: &mut Db,
    entries: &[Entry],
    stations: &mut HashMap<String, StationRecord>,
    now: i64,
) -> Result<Vec<Change>, StoreError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut next_seq: HashMap<&str, i64> = HashMap::new();
    for entry in entries {
        *next_seq.entry(entry.election_id.as_str()).or_default() += 1;
    }
    for (election_id, count) in &mut next_seq {
        *count = store::elections::take_sequence_numbers(db, election_id, *count)?;
    }
    let mut events = Vec::with_capacity(entries.len());
    let mut audit = Vec::with_capacity(entries.len());
    let mut newest: HashMap<String, i64> = HashMap::new();
    for entry in entries {
        let Some(seq) = next_seq.get_mut(entry.election_id.as_str()) else {
            continue;
        };
        events.push(EventRecord {
            election_id: entry.election_id.clone(),
            seq: *seq,
            station_id: Some(entry.station_id.clone()),
            kind: entry.kind.clone(),
            payload: store::to_json(&entry.payload),
            recorded_at: entry.recorded_at,
            committed_at: now,
        });
        let mut audited = entry.payload.clone();
        store::personal::seal(
            db,
            &store::personal::election_scope(&entry.election_id),
            &mut audited,
        )?;
        audit.push(AuditRecord {
            at: now,
            actor: entry.actor.clone(),
            action: entry.audit_action.clone(),
            subject: entry.station_id.clone(),
            payload: store::to_json(&audited),
        });
        if let Some(station) = stations.get_mut(&entry.station_id) {
            station.last_event_seq = *seq;
        }
        newest.insert(entry.election_id.clone(), *seq);
        *seq += 1;
    }
    store::events::insert(db, &events)?;
    let mut saved = std::collections::HashSet::new();
    for entry in entries {
        if !saved.insert(entry.station_id.as_str()) {
            continue;
        }
        if let Some(station) = stations.get(&entry.station_id) {
            store::stations::save_day(
                db,
                &station.station.id,
                &station.day,
                station.last_event_seq,
                // A control-room action is no contact with the device: only a report
                // (which set it) moves the time the station was last heard from.
                station.last_seen_at,
            )?;
        }
    }
    store::audit::append(db, &audit)?;
    fanout::notify(db, &newest)?;
    Ok(events
        .into_iter()
        .map(|event| {
            let station = event.station_id.as_ref().and_then(|id| stations.get(id));
            Change::of(event, station)
        })
        .collect())
}
