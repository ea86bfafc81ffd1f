//! The station devices connected to this instance, so that the control room's
//! messages and incident statuses reach them at once, and a revoked device's session
//! ends at once. Fed from the hub, so an action taken on any instance reaches a device
//! connected to any instance.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use shared::protocol::{EventPayload, ServerMessage};
use tokio::sync::mpsc;

use crate::realtime::hub::Hub;
use crate::state::AppState;
use crate::store;

/// What a device session is handed from outside its connection.
#[derive(Debug)]
pub enum Push {
    /// Boxed: a channel holds its slots inline, and a message can be large.
    Message(Box<ServerMessage>),
    /// The device's activation was revoked: say so and end the session; nothing more
    /// is sent to it.
    Revoked,
}

type Sender = mpsc::UnboundedSender<Push>;

#[derive(Debug)]
struct Entry {
    id: u64,
    device_id: String,
    sender: Sender,
}

/// Per station: the sessions connected here.
type Registry = HashMap<String, Vec<Entry>>;

#[derive(Debug, Default, Clone)]
pub struct DeviceSessions {
    by_station: Arc<Mutex<Registry>>,
    next_id: Arc<std::sync::atomic::AtomicU64>,
}

impl DeviceSessions {
    /// The registry; nothing panics while holding it, and a poisoned lock still holds
    /// a consistent map (every change is one call on it).
    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.by_station
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a session; the returned id unregisters it.
    pub fn register(&self, station: &str, device_id: &str, sender: Sender) -> u64 {
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.registry()
            .entry(station.to_owned())
            .or_default()
            .push(Entry {
                id,
                device_id: device_id.to_owned(),
                sender,
            });
        id
    }

    pub fn unregister(&self, station: &str, id: u64) {
        let mut map = self.registry();
        if let Some(list) = map.get_mut(station) {
            list.retain(|entry| entry.id != id);
            if list.is_empty() {
                map.remove(station);
            }
        }
    }

    /// Ends every session of these devices here: each is told it was revoked, and
    /// nothing more reaches it.
    pub fn revoke(&self, devices: &[String]) {
        if devices.is_empty() {
            return;
        }
        let mut map = self.registry();
        for list in map.values_mut() {
            list.retain(|entry| {
                if devices.contains(&entry.device_id) {
                    let _ = entry.sender.send(Push::Revoked);
                    false
                } else {
                    true
                }
            });
        }
    }

    /// The stations with a session here, of those given.
    fn connected(&self, stations: &[&String]) -> Vec<String> {
        let map = self.registry();
        stations
            .iter()
            .filter(|s| map.contains_key(s.as_str()))
            .map(|s| (*s).clone())
            .collect()
    }

    fn push(&self, station: &str, message: &ServerMessage) {
        if let Some(list) = self.registry().get_mut(station) {
            list.retain(|entry| {
                entry
                    .sender
                    .send(Push::Message(Box::new(message.clone())))
                    .is_ok()
            });
        }
    }

    /// Forwards control-room actions from the hub to the devices connected here, until the
    /// hub closes. Before a push reaches a station, the station's revoked devices are
    /// read from the database and their sessions ended, so a device revoked by
    /// another process (the CLI) gets nothing more even before the revocation watch
    /// (`watch_revocations`) sees it.
    pub async fn forward_from(self, hub: Hub, state: AppState) {
        let mut receiver = hub.subscribe_device_pushes();
        loop {
            match receiver.recv().await {
                Ok(batch) => {
                    let mut pushes = Vec::new();
                    for change in batch.iter() {
                        let Some(station) = &change.event.station_id else {
                            continue;
                        };
                        // The stream carries the control room's actions only.
                        let Some(EventPayload::Action(action)) = change.event.parsed_payload()
                        else {
                            continue;
                        };
                        if let Some(message) = action.to_device(change.event.committed_at) {
                            pushes.push((station, message));
                        }
                    }
                    let stations: Vec<&String> = pushes.iter().map(|(s, _)| *s).collect();
                    let connected = self.connected(&stations);
                    if connected.is_empty() {
                        continue;
                    }
                    match state
                        .with_db(move |db| store::devices::revoked_of(db, &connected))
                        .await
                    {
                        Ok(revoked) => self.revoke(&revoked),
                        // Connected devices must not miss the control room's message
                        // because the database hiccuped; the revocation watch still
                        // ends a revoked session within a second.
                        Err(error) => tracing::warn!(%error, "revocation check failed"),
                    }
                    for (station, message) in &pushes {
                        self.push(station, message);
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    // Devices get everything again when they next connect.
                    tracing::warn!(missed, "device pushes fell behind");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}
