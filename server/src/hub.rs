//! In-process fan-out of committed changes to dashboards: one message per committed
//! batch, shared by every subscriber. Besides the whole stream, each municipality has a
//! stream of its own changes, so that a dashboard wakes only for what it watches (with
//! 1,000 dashboards over 50 municipalities, the whole stream woke every dashboard for
//! every batch, 49 times in 50 for nothing).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;
use tokio::sync::broadcast;

use crate::store::events::EventRecord;
use crate::store::stations::StationRecord;
use crate::summary::StationSummary;

/// One committed event with the station's state after it.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub event: EventRecord,
    pub municipality_code: String,
    pub station: Option<StationSummary>,
    /// Votes cast in the station's current provisional result (0 without one): the
    /// unit's size for the publication threshold, decided on the station's state now,
    /// never on a superseded result's figures.
    #[serde(skip)]
    pub result_votes_cast: u32,
    /// The change as dashboard frames carry it, rendered by the first dashboard that
    /// sends it and shared by all the others watching (a batch is shared, not copied).
    #[serde(skip)]
    pub rendered: OnceLock<Rendered>,
}

impl Change {
    #[must_use]
    pub fn new(
        event: EventRecord,
        municipality_code: String,
        station: Option<StationSummary>,
    ) -> Self {
        Self {
            event,
            municipality_code,
            station,
            result_votes_cast: 0,
            rendered: OnceLock::new(),
        }
    }

    /// The change with its station's state after it (the summary dashboards get, and
    /// the current result's size for the embargo).
    #[must_use]
    pub fn of(event: EventRecord, station: Option<&StationRecord>) -> Self {
        let mut change = Self::new(
            event,
            station
                .map(|s| s.station.municipality_code.clone())
                .unwrap_or_default(),
            station.map(StationSummary::from),
        );
        change.result_votes_cast = station.map_or(0, result_votes_cast);
        change
    }
}

/// Votes cast in the station's current provisional result; 0 without one.
#[must_use]
pub fn result_votes_cast(record: &StationRecord) -> u32 {
    record.day.result.as_ref().map_or(0, |r| r.votes.votes_cast)
}

/// A change rendered as JSON, once in full and, for what an embargo may withhold,
/// once without its payload.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Shared, not copied, by every viewer's pending frame that holds it.
    pub full: Arc<str>,
    pub withheld: Option<Arc<str>>,
    /// Votes cast in the station's current provisional result (the unit's size for
    /// the publication threshold); 0 for other changes.
    pub votes_cast: u32,
}

pub type Batch = Arc<Vec<Change>>;

#[derive(Clone, Debug)]
pub struct Hub {
    sender: broadcast::Sender<Batch>,
    capacity: usize,
    municipalities: Arc<Mutex<HashMap<String, broadcast::Sender<Batch>>>>,
}

impl Hub {
    /// `capacity` batches are kept for slow subscribers; one that falls further
    /// behind is told so and resynchronises from a snapshot.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        Self {
            sender,
            capacity,
            municipalities: Arc::default(),
        }
    }

    /// Publishes a committed batch, in commit order, to the whole stream and to each
    /// watched municipality's stream (its changes, in the same order).
    pub fn publish(&self, batch: Vec<Change>) {
        if batch.is_empty() {
            return;
        }
        if let Ok(municipalities) = self.municipalities.lock() {
            let mut parts: Vec<(&str, Vec<Change>)> = Vec::new();
            for change in &batch {
                let code = change.municipality_code.as_str();
                if municipalities
                    .get(code)
                    .is_none_or(|s| s.receiver_count() == 0)
                {
                    continue;
                }
                match parts.iter_mut().find(|(c, _)| *c == code) {
                    Some((_, changes)) => changes.push(change.clone()),
                    None => parts.push((code, vec![change.clone()])),
                }
            }
            for (code, changes) in parts {
                if let Some(sender) = municipalities.get(code) {
                    let _ = sender.send(Arc::new(changes));
                }
            }
        }
        // No subscribers is fine: nobody is watching.
        let _ = self.sender.send(Arc::new(batch));
    }

    /// The changes of one municipality, from now on.
    #[must_use]
    pub fn subscribe_municipality(&self, code: &str) -> broadcast::Receiver<Batch> {
        match self.municipalities.lock() {
            Ok(mut municipalities) => {
                // Streams nobody watches any more go (a subscription to a code with no
                // stations leaves one behind).
                municipalities.retain(|_, sender| sender.receiver_count() > 0);
                municipalities
                    .entry(code.to_owned())
                    .or_insert_with(|| broadcast::channel(self.capacity).0)
                    .subscribe()
            }
            // A poisoned map: the whole stream still holds every change (the
            // subscriber filters by municipality anyway).
            Err(_) => self.sender.subscribe(),
        }
    }

    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<Batch> {
        self.sender.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(seq: i64, municipality: &str) -> Change {
        Change::new(
            EventRecord {
                seq,
                ..EventRecord::default()
            },
            municipality.into(),
            None,
        )
    }

    fn seqs(batch: &Batch) -> Vec<i64> {
        batch.iter().map(|c| c.event.seq).collect()
    }

    #[test]
    fn a_municipality_stream_gets_its_changes_in_order_and_nothing_else() {
        let hub = Hub::new(16);
        let mut rotterdam = hub.subscribe_municipality("GM0599");
        let mut utrecht = hub.subscribe_municipality("GM0344");
        let mut all = hub.subscribe();
        hub.publish(vec![
            change(1, "GM0599"),
            change(2, "GM0344"),
            change(3, "GM0599"),
        ]);
        hub.publish(vec![change(4, "GM0363")]);
        hub.publish(vec![change(5, "GM0599")]);
        assert_eq!(seqs(&rotterdam.try_recv().unwrap()), [1, 3]);
        assert_eq!(seqs(&rotterdam.try_recv().unwrap()), [5]);
        assert!(
            rotterdam.try_recv().is_err(),
            "nothing of other municipalities"
        );
        assert_eq!(seqs(&utrecht.try_recv().unwrap()), [2]);
        assert!(utrecht.try_recv().is_err());
        assert_eq!(seqs(&all.try_recv().unwrap()), [1, 2, 3]);
        assert_eq!(seqs(&all.try_recv().unwrap()), [4]);
        assert_eq!(seqs(&all.try_recv().unwrap()), [5]);
    }
}
