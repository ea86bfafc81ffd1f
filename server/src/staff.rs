//! Staff actions on stations (incident status, messages, resupply dispatch): each is
//! an event in the election's log with an audit entry and the station's new state, in
//! one transaction, and reaches dashboards and the station's device like any change.

use shared::protocol::{EventPayload, ServerMessage};

use crate::db::{self, Db};
use crate::hub::Change;
use crate::store::{self, StoreError, audit::AuditRecord, events::EventRecord};

/// What a staff member did, as stored in the event's payload (a shared protocol type,
/// so that clients read it as the server writes it).
pub use shared::protocol::StaffAction;

/// Why an action cannot be taken.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for ActionError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::Db(e))
    }
}

/// Records `action` on each station, in one transaction; returns the changes, to
/// publish once committed (SQLite) — on PostgreSQL the notice publishes them.
///
/// # Errors
/// `Refused` when the action does not fit a station (an unknown incident).
pub fn record(
    db: &mut Db,
    actor: &str,
    stations: &[String],
    action: &StaffAction,
) -> Result<Vec<Change>, ActionError> {
    db::write_transaction(db, |db| {
        let now = db::now_ms();
        let mut records = Vec::with_capacity(stations.len());
        for id in stations {
            let mut record = store::stations::get(db, id)?;
            if let StaffAction::IncidentStatus {
                incident_id,
                status,
                ..
            } = action
            {
                if record.day.incident(incident_id).is_none() {
                    return Err(ActionError::Refused(format!(
                        "station {id} has no incident {incident_id}"
                    )));
                }
                record.day.set_incident_status(incident_id, *status);
            }
            records.push(record);
        }
        let Some(election_id) = records.first().map(|r| r.election_id.clone()) else {
            return Ok(Vec::new());
        };
        if records.iter().any(|r| r.election_id != election_id) {
            return Err(ActionError::Refused(
                "the stations belong to different elections; act per election".into(),
            ));
        }
        let count = i64::try_from(records.len()).unwrap_or(i64::MAX);
        let first = store::elections::take_sequence_numbers(db, &election_id, count)?;
        let payload = store::to_json(action);
        let mut events = Vec::with_capacity(records.len());
        let mut audit = Vec::with_capacity(records.len());
        for (n, record) in records.iter_mut().enumerate() {
            let seq = first + i64::try_from(n).unwrap_or(0);
            record.last_event_seq = seq;
            store::stations::save_day(
                db,
                &record.station.id,
                &record.day,
                seq,
                record.last_seen_at.unwrap_or(now),
            )?;
            events.push(EventRecord {
                election_id: election_id.clone(),
                seq,
                station_id: Some(record.station.id.clone()),
                kind: action.kind().into(),
                payload: payload.clone(),
                recorded_at: now,
                committed_at: now,
            });
            audit.push(AuditRecord {
                at: now,
                actor: actor.into(),
                action: format!("staff.{}", action.kind()),
                subject: record.station.id.clone(),
                payload: payload.clone(),
            });
        }
        store::events::insert(db, &events)?;
        store::audit::append(db, &audit)?;
        let newest = std::collections::HashMap::from([(election_id, first + count - 1)]);
        crate::fanout::notify(db, &newest)?;
        Ok(events
            .into_iter()
            .zip(&records)
            .map(|(event, record)| Change::of(event, Some(record)))
            .collect())
    })
}

/// The device messages recorded for `station` (to send again when a device connects).
///
/// # Errors
/// A database error.
pub fn device_messages(
    db: &mut Db,
    election_id: &str,
    station: &str,
) -> Result<Vec<ServerMessage>, StoreError> {
    use crate::db::schema::events;
    use diesel::prelude::*;
    let rows: Vec<(i64, String, String, i64)> = events::table
        .filter(events::election_id.eq(election_id))
        .filter(events::station_id.eq(station))
        .filter(events::kind.eq_any(StaffAction::KINDS))
        .order(events::seq.asc())
        .select((
            events::seq,
            events::kind,
            events::payload,
            events::committed_at,
        ))
        .load(db)?;
    Ok(rows
        .into_iter()
        .filter_map(|(seq, kind, payload, at)| {
            match store::events::payload(election_id, seq, &kind, &payload)? {
                EventPayload::Action(action) => action.to_device(at),
                EventPayload::Operation(_) => None,
            }
        })
        .collect())
}
