//! In-process fan-out of committed changes to dashboards: one message per committed
//! batch, shared by every subscriber.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::store::events::EventRecord;
use crate::summary::StationSummary;

/// One committed event with the station's state after it.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub event: EventRecord,
    pub municipality_code: String,
    pub station: Option<StationSummary>,
}

pub type Batch = Arc<Vec<Change>>;

#[derive(Clone, Debug)]
pub struct Hub {
    sender: broadcast::Sender<Batch>,
}

impl Hub {
    /// `capacity` batches are kept for slow subscribers; one that falls further
    /// behind is told so and resynchronises from a snapshot.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        Self { sender }
    }

    pub fn publish(&self, batch: Vec<Change>) {
        if !batch.is_empty() {
            // No subscribers is fine: nobody is watching.
            let _ = self.sender.send(Arc::new(batch));
        }
    }

    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<Batch> {
        self.sender.subscribe()
    }
}
