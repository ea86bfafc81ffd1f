//! In-process fan-out of committed changes: one message per committed batch, shared by
//! every subscriber. Each municipality has a stream of its own changes, so that a
//! dashboard wakes only for what it watches (with 1,000 dashboards over 50
//! municipalities, one whole stream woke every dashboard for every batch, 49 times in
//! 50 for nothing). The device pushes (the control room's actions, for the stations'
//! devices) have a stream of their own: it keeps only those, so a burst of reports does
//! not stay in its ring.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use serde::Serialize;
use tokio::sync::broadcast;

use crate::features::control_room::actions::ControlRoomAction;
use crate::features::stations::summary::StationSummary;
use crate::store::events::EventRecord;
use crate::store::stations::StationRecord;

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

/// Whether changes of `kind` are pushed to stations' devices: the control room's
/// actions that concern the station (`ControlRoomAction::DEVICE_KINDS`), never a
/// station's own reports nor how the control room handles its alerts.
#[must_use]
pub fn is_device_push(kind: &str) -> bool {
    ControlRoomAction::DEVICE_KINDS.contains(&kind)
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
    /// Without names and free texts, for those who may see figures but not people
    /// (managers, viewers); None when the payload holds none.
    pub redacted: Option<Arc<str>>,
    /// Votes cast in the station's current provisional result (the unit's size for
    /// the publication threshold); 0 for other changes.
    pub votes_cast: u32,
}

pub type Batch = Arc<Vec<Change>>;

#[derive(Clone, Debug)]
pub struct Hub {
    /// The control room's actions only (`is_device_push`).
    device_pushes: broadcast::Sender<Batch>,
    capacity: usize,
    municipalities: Arc<Mutex<Streams>>,
    snapshots: Arc<Mutex<HashMap<View, CachedSnapshot>>>,
    /// Batches published per municipality, for the public pages.
    newest: Arc<RwLock<HashMap<String, Arc<AtomicI64>>>>,
}

/// A dashboard's view: a municipality, or one of its districts.
type View = (String, Option<String>);

/// Each municipality's stream, and the newest change published for it.
#[derive(Debug, Default)]
struct Streams {
    senders: HashMap<String, broadcast::Sender<Batch>>,
    published: HashMap<String, i64>,
}

/// A snapshot message as a dashboard got it, for the next ones subscribing to the
/// same view (a hundred dashboards coming back at once read the stations once).
#[derive(Debug, Clone)]
pub struct CachedSnapshot {
    /// The election's last event number when it was read.
    pub seq: i64,
    pub election: shared::domain::Election,
    pub frame: Arc<str>,
    /// When it was read (ms since the epoch).
    pub read_at: i64,
}

/// How long a cached snapshot may be given out at most, even with no change of its
/// municipality since (what changes without an event, an import, shows within this).
pub const SNAPSHOT_TTL_MS: i64 = 2_000;

impl Hub {
    /// `capacity` batches are kept for slow subscribers; one that falls further
    /// behind is told so and resynchronises from a snapshot.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self::with_capacities(capacity, capacity)
    }

    /// `pushes` batches kept on the device pushes' stream (its forwarder waits on the
    /// database between batches: it must not skip control-room messages),
    /// `per_municipality` on each municipality's (dashboards, which skip forward to a
    /// snapshot when they fall further behind).
    #[must_use]
    pub fn with_capacities(pushes: usize, per_municipality: usize) -> Self {
        let (device_pushes, _) = broadcast::channel(pushes.max(1));
        Self {
            device_pushes,
            capacity: per_municipality.max(1),
            municipalities: Arc::default(),
            snapshots: Arc::default(),
            newest: Arc::default(),
        }
    }

    /// Publishes a committed batch, in commit order, to each watched municipality's
    /// stream (its changes, in the same order) and its control-room actions to the
    /// device pushes' stream.
    pub fn publish(&self, batch: Vec<Change>) {
        if batch.is_empty() {
            return;
        }
        {
            // The code under this lock does not panic; were it poisoned all the same,
            // its maps are still whole (each update is one insert).
            let mut streams = self
                .municipalities
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let mut parts: Vec<(&str, Vec<Change>)> = Vec::new();
            for change in &batch {
                let code = change.municipality_code.as_str();
                // Before it is sent, under the lock a subscriber takes: a cached
                // snapshot older than this change is not given out any more.
                match streams.published.get_mut(code) {
                    Some(seq) => *seq = (*seq).max(change.event.seq),
                    None => {
                        streams.published.insert(code.to_owned(), change.event.seq);
                    }
                }
                if streams
                    .senders
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
                if let Some(sender) = streams.senders.get(code) {
                    let _ = sender.send(Arc::new(changes));
                }
            }
        }
        let mut counted: Vec<&str> = Vec::new();
        for change in &batch {
            let code = change.municipality_code.as_str();
            if !counted.contains(&code) {
                counted.push(code);
                self.count_published(code);
            }
        }
        let pushes: Vec<Change> = batch
            .into_iter()
            .filter(|change| is_device_push(&change.event.kind))
            .collect();
        // No subscribers is fine: nobody is watching.
        if !pushes.is_empty() {
            let _ = self.device_pushes.send(Arc::new(pushes));
        }
    }

    /// The changes of one municipality, from now on, and the number of the newest
    /// change of it published before (0 if none): a snapshot read at that number or
    /// later misses nothing that the stream does not bring.
    #[must_use]
    pub fn subscribe_municipality(&self, code: &str) -> (broadcast::Receiver<Batch>, i64) {
        let mut streams = self
            .municipalities
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Streams nobody watches any more go (a subscription to a code with no
        // stations leaves one behind).
        streams
            .senders
            .retain(|_, sender| sender.receiver_count() > 0);
        let published = streams.published.get(code).copied().unwrap_or(0);
        let receiver = streams
            .senders
            .entry(code.to_owned())
            .or_insert_with(|| broadcast::channel(self.capacity).0)
            .subscribe();
        (receiver, published)
    }

    /// How many batches with changes of municipality `code` were published (0 if none):
    /// what the public pages' answers are checked against. A count, not an event
    /// number: event numbers are per election, and a municipality can have several
    /// (Flemish councils on one day, a rehearsal before the day). A crowd of public
    /// readers asking this shares a read lock, never the lock the publisher holds.
    #[must_use]
    pub fn changes_published(&self, code: &str) -> i64 {
        self.newest
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(code)
            .map_or(0, |count| count.load(Ordering::Acquire))
    }

    /// Counts a change of municipality `code` that is no event (a counting office's
    /// link, result or lock), so that its public pages are made again at once (on
    /// this instance; other instances' within their `fresh_for`).
    pub fn count_change_without_event(&self, code: &str) {
        self.count_published(code);
    }

    /// Counts one more published batch with changes of `code` (after the streams
    /// have it).
    fn count_published(&self, code: &str) {
        let known = self
            .newest
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(code)
            .map(|count| count.fetch_add(1, Ordering::AcqRel))
            .is_some();
        if !known {
            self.newest
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .entry(code.to_owned())
                .or_default()
                .fetch_add(1, Ordering::AcqRel);
        }
    }

    /// The snapshot of a view read last, if nothing of its municipality was published
    /// after it (`published`, from `subscribe_municipality`) and it is fresh.
    #[must_use]
    pub fn cached_snapshot(
        &self,
        municipality: &str,
        district: Option<&str>,
        published: i64,
        now_ms: i64,
    ) -> Option<CachedSnapshot> {
        let snapshots = self.snapshots.lock().ok()?;
        let cached = snapshots.get(&(municipality.to_owned(), district.map(str::to_owned)))?;
        (cached.seq >= published && now_ms.saturating_sub(cached.read_at) < SNAPSHOT_TTL_MS)
            .then(|| cached.clone())
    }

    /// Keeps a view's snapshot for the next subscribers (one per view: bounded by the
    /// views that have stations). A later read replaces it; so does any read of another
    /// election (event numbers are per election: the municipality's next election,
    /// at its first events, must not stay behind its previous one's last number).
    pub fn keep_snapshot(
        &self,
        municipality: &str,
        district: Option<&str>,
        snapshot: CachedSnapshot,
    ) {
        if let Ok(mut snapshots) = self.snapshots.lock() {
            let key = (municipality.to_owned(), district.map(str::to_owned));
            if snapshots.get(&key).is_none_or(|old| {
                old.seq <= snapshot.seq || old.election.id != snapshot.election.id
            }) {
                snapshots.insert(key, snapshot);
            }
        }
    }

    /// The control room's actions on stations, from now on, for their devices.
    #[must_use]
    pub fn subscribe_device_pushes(&self) -> broadcast::Receiver<Batch> {
        self.device_pushes.subscribe()
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
        let (mut rotterdam, _) = hub.subscribe_municipality("GM0599");
        let (mut utrecht, _) = hub.subscribe_municipality("GM0344");
        let mut pushes = hub.subscribe_device_pushes();
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
        assert!(pushes.try_recv().is_err(), "no control-room action");
    }

    /// The device pushes' stream keeps the control room's actions only, so a burst of
    /// reports does not stay in its ring (it kept every batch before).
    #[test]
    fn the_device_pushes_stream_carries_control_room_actions_only() {
        let hub = Hub::new(16);
        let mut pushes = hub.subscribe_device_pushes();
        let of_kind = |seq: i64, kind: &str| {
            let mut c = change(seq, "GM0599");
            c.event.kind = kind.into();
            c
        };
        hub.publish(vec![of_kind(1, "turnout"), of_kind(2, "message")]);
        hub.publish(vec![of_kind(3, "result"), of_kind(4, "ballot_stock")]);
        hub.publish(vec![
            of_kind(5, "incident_status"),
            of_kind(6, "resupply_dispatched"),
            of_kind(7, "alert_handled"),
        ]);
        assert_eq!(seqs(&pushes.try_recv().unwrap()), [2]);
        assert_eq!(seqs(&pushes.try_recv().unwrap()), [5, 6]);
        assert!(pushes.try_recv().is_err());
    }

    #[test]
    fn a_cached_snapshot_is_given_out_only_while_nothing_of_its_municipality_followed() {
        let hub = Hub::new(16);
        let snapshot = |seq: i64, read_at: i64| CachedSnapshot {
            seq,
            election: crate::http::test_support::election(),
            frame: Arc::from(format!("snapshot at {seq}")),
            read_at,
        };
        let (_first, published) = hub.subscribe_municipality("GM0599");
        assert_eq!(published, 0);
        hub.keep_snapshot("GM0599", None, snapshot(10, 1_000));
        let seq_of = |published: i64, now: i64| {
            hub.cached_snapshot("GM0599", None, published, now)
                .map(|c| c.seq)
        };
        assert_eq!(seq_of(0, 1_500), Some(10));
        assert_eq!(
            hub.cached_snapshot("GM0599", Some("Zuid"), 0, 1_500)
                .map(|c| c.seq),
            None,
            "a district is a view of its own"
        );
        // Another municipality's change does not make it stale.
        hub.publish(vec![change(11, "GM0344")]);
        let (_second, published) = hub.subscribe_municipality("GM0599");
        assert_eq!(seq_of(published, 1_500), Some(10));
        // Its own does, from the moment it is published.
        hub.publish(vec![change(12, "GM0599")]);
        let (_third, published) = hub.subscribe_municipality("GM0599");
        assert_eq!(published, 12);
        assert_eq!(seq_of(published, 1_500), None);
        // A newer read replaces it; an older one does not.
        hub.keep_snapshot("GM0599", None, snapshot(12, 1_600));
        hub.keep_snapshot("GM0599", None, snapshot(11, 1_700));
        assert_eq!(seq_of(published, 1_700), Some(12));
        // And none is older than its time to live.
        assert_eq!(seq_of(published, 1_600 + SNAPSHOT_TTL_MS), None);
        // The municipality's next election starts its numbers anew: its first snapshot
        // replaces the previous election's, whose numbers are higher.
        let mut next = snapshot(3, 5_000);
        next.election.id = "NEXT".into();
        hub.keep_snapshot("GM0599", None, next);
        assert_eq!(
            hub.cached_snapshot("GM0599", None, 0, 5_100)
                .map(|c| (c.election.id, c.seq)),
            Some(("NEXT".to_owned(), 3))
        );
    }
}
