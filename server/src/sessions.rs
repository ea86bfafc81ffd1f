//! The station devices connected to this instance, so that the control room's
//! messages and incident statuses reach them at once. Fed from the hub, so an action
//! taken on any instance reaches a device connected to any instance.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use shared::protocol::ServerMessage;
use tokio::sync::mpsc;

use crate::hub::Hub;
use crate::staff::StaffAction;

/// Boxed: a channel holds its slots inline, and a message can be large.
type Sender = mpsc::UnboundedSender<Box<ServerMessage>>;
/// Per station: the sessions connected here, each with its id.
type Registry = HashMap<String, Vec<(u64, Sender)>>;

#[derive(Debug, Default, Clone)]
pub struct DeviceSessions {
    by_station: Arc<Mutex<Registry>>,
    next_id: Arc<std::sync::atomic::AtomicU64>,
}

impl DeviceSessions {
    /// Registers a session; the returned id unregisters it.
    pub fn register(&self, station: &str, sender: Sender) -> u64 {
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut map) = self.by_station.lock() {
            map.entry(station.to_owned())
                .or_default()
                .push((id, sender));
        }
        id
    }

    pub fn unregister(&self, station: &str, id: u64) {
        if let Ok(mut map) = self.by_station.lock()
            && let Some(list) = map.get_mut(station)
        {
            list.retain(|(i, _)| *i != id);
        }
    }

    fn push(&self, station: &str, message: &ServerMessage) {
        if let Ok(mut map) = self.by_station.lock()
            && let Some(list) = map.get_mut(station)
        {
            list.retain(|(_, sender)| sender.send(Box::new(message.clone())).is_ok());
        }
    }

    /// Forwards staff actions from the hub to the devices connected here, until the
    /// hub closes.
    pub async fn forward_from(self, hub: Hub) {
        let mut receiver = hub.subscribe();
        loop {
            match receiver.recv().await {
                Ok(batch) => {
                    for change in batch.iter() {
                        let Some(station) = &change.event.station_id else {
                            continue;
                        };
                        let Ok(action) = serde_json::from_str::<StaffAction>(&change.event.payload)
                        else {
                            continue;
                        };
                        if let Some(message) = action.to_device(change.event.committed_at) {
                            self.push(station, &message);
                        }
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
