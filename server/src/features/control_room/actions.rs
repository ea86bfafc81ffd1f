//! The control room's actions on stations (incident status, messages, resupply dispatch): each is
//! an event in the election's log with an audit entry and the station's new state, in
//! one transaction, and reaches dashboards and the station's device like any change.

use shared::domain::{AlertHandling, AlertStatus, Timestamp};
use shared::protocol::{EventPayload, ServerMessage};

use std::collections::HashMap;

use crate::db::{self, Db};
use crate::realtime::event_log::{self, Entry};
use crate::realtime::hub::Change;
use crate::store::{self, StoreError, stations::StationRecord};

/// What the control room did, as stored in the event's payload (a shared protocol type,
/// so that clients read it as the server writes it).
pub use shared::protocol::ControlRoomAction;

/// Why an action cannot be taken.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("{0}")]
    Refused(String),
    /// Not stored now (free space under the margin, the writer overloaded or
    /// stopped); taking it again later may succeed.
    #[error("not stored now: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for ActionError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::Db(e))
    }
}

/// Records `action` on each station, in one transaction, through the event log;
/// returns the changes, to publish once committed. The server calls it on the writer
/// (`Committer::act`), like every operation.
///
/// # Errors
/// `Refused` when the action does not fit a station (an unknown incident).
pub fn record(
    db: &mut Db,
    actor: &str,
    stations: &[String],
    action: &ControlRoomAction,
) -> Result<Vec<Change>, ActionError> {
    db::write_transaction(db, |db| {
        let now = db::now_ms();
        let mut records = Vec::with_capacity(stations.len());
        for id in stations {
            let mut record = store::stations::get(db, id)?;
            match action {
                ControlRoomAction::IncidentStatus {
                    incident_id,
                    status,
                    ..
                } => {
                    if record.day.incident(incident_id).is_none() {
                        return Err(ActionError::Refused(format!(
                            "station {id} has no incident {incident_id}"
                        )));
                    }
                    record.day.set_incident_status(incident_id, *status);
                }
                ControlRoomAction::ResupplyDispatched { quantity, .. } => {
                    record.day.record_resupply_dispatched(*quantity);
                }
                ControlRoomAction::AlertHandled {
                    kind,
                    status,
                    detail,
                    by,
                } => {
                    if *status == AlertStatus::Resolved && kind.settled_by_action() {
                        return Err(ActionError::Refused(format!(
                            "{} is settled by resolving the incidents or sending the \
                             ballots, not by marking it resolved",
                            kind.name()
                        )));
                    }
                    // Only the alert the coordinator saw: not one that has gone, nor
                    // one that reads differently now (a new situation).
                    let Some((peers, election)) =
                        store::stations::with_election(db, &record.station.municipality_code)?
                    else {
                        return Err(ActionError::Refused(format!(
                            "station {id} has no election"
                        )));
                    };
                    let rules = store::elections::alert_rules(db, &election.id)?;
                    let current = super::alerts::for_station(
                        &record,
                        &election,
                        &rules,
                        &super::alerts::Peers::of(&peers),
                        Timestamp(now),
                    )
                    .into_iter()
                    .find(|a| a.kind == *kind);
                    match current {
                        None => {
                            return Err(ActionError::Refused(format!(
                                "station {id} has no alert {} now",
                                kind.name()
                            )));
                        }
                        Some(alert) if alert.detail != *detail => {
                            return Err(ActionError::Refused(format!(
                                "the alert of station {id} now reads \"{}\"; look again",
                                alert.detail
                            )));
                        }
                        Some(alert) => record.day.record_alert_handling(AlertHandling {
                            kind: *kind,
                            status: *status,
                            by: by.clone(),
                            at: Timestamp(now),
                            detail: detail.clone(),
                            situation: alert.situation,
                        }),
                    }
                }
                ControlRoomAction::Message { .. } => {}
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
        // A finished election records nothing more: its record is closed, and once
        // purged no name may enter it again.
        if store::elections::lifecycle(db, &election_id)?
            .finished_at
            .is_some()
        {
            return Err(ActionError::Refused(format!(
                "election {election_id} is finished; nothing more is recorded for it"
            )));
        }
        let entries: Vec<Entry> = records
            .iter()
            .map(|record| Entry {
                election_id: election_id.clone(),
                station_id: record.station.id.clone(),
                kind: action.kind().into(),
                payload: EventPayload::Action(action.clone()),
                recorded_at: now,
                actor: actor.into(),
                audit_action: format!("control_room.{}", action.kind()),
            })
            .collect();
        let mut stations: HashMap<String, StationRecord> = records
            .into_iter()
            .map(|record| (record.station.id.clone(), record))
            .collect();
        Ok(event_log::append(db, &entries, &mut stations, now)?)
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
        .filter(events::kind.eq_any(ControlRoomAction::DEVICE_KINDS))
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
