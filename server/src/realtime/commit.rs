//! Group commit. One writer thread owns a database connection; operations from all
//! connections queue to it, are committed together in one transaction every few
//! milliseconds, and each is answered only after its transaction commits
//! (DESIGN.md invariant 2). Accepted operations get gap-free event numbers, their
//! station's materialised state, and an audit entry, all in that transaction.
//!
//! The control room's actions take the same queue (`Committer::act`): on SQLite this
//! one thread is the only writer of the event log, and it hands what it committed to
//! the publisher itself (`Fanout::committed`) instead of the publisher reading it back.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use shared::domain::Election;
use shared::protocol::{EventPayload, Operation, ServerRefusal};
use shared::validation::{self, Context, Issue, Language, message};
use tokio::sync::oneshot;

use crate::db::{self, Db, schema::operations};
use crate::features::control_room::actions::{self, ActionError, ControlRoomAction};
use crate::metrics::Metrics;
use crate::realtime::event_log::{self, Entry};
use crate::realtime::fanout::Fanout;
use crate::realtime::hub::Change;
use crate::store::{self, StoreError, devices::DeviceRecord, stations::StationRecord};

/// The answer to one operation, sent once its batch is committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ack {
        event_seq: i64,
    },
    /// Refused for good. `code` is a validation rule's, a transition's or a
    /// `ServerRefusal`'s; the device renders it in the chair's language. `message` is
    /// the English text (for logs, tools and devices that do not know the code);
    /// `fields` the report's field paths the rule concerns (kept with the outcome, so
    /// an operation sent again gets all three).
    Reject {
        code: String,
        message: String,
        fields: Vec<String>,
    },
    /// Not decided yet (an earlier operation of its device is missing); the device
    /// will send both again, in order.
    Failed(String),
    /// Not committed: the database would not store it (full disk, gone). The device
    /// is told so and sends it again later.
    Unavailable(String),
}

pub struct Submission {
    pub device_id: String,
    pub operation: Operation,
    pub reply: oneshot::Sender<Outcome>,
}

/// A control-room action on stations, for the writer.
pub struct ActionSubmission {
    /// `user:<id>:<role>`, the staff member who acts.
    pub actor: String,
    pub stations: Vec<String>,
    pub action: ControlRoomAction,
    /// The events' numbers once committed; refused (with why), or not stored.
    pub reply: oneshot::Sender<Result<Vec<i64>, ActionError>>,
}

/// What the writer takes: a device's operation or a control-room action.
enum Work {
    Operation(Submission),
    Action(ActionSubmission),
    /// Stations' devices heard from by heartbeats (`contacts`): when, per station.
    Contacts(Vec<(String, i64)>),
}

/// How the committer batches.
#[derive(Debug, Clone, Copy)]
pub struct CommitConfig {
    /// How long the first operation of a batch waits for others.
    pub max_wait: Duration,
    pub max_batch: usize,
    pub queue: usize,
}

impl Default for CommitConfig {
    fn default() -> Self {
        Self {
            max_wait: Duration::from_millis(2),
            max_batch: 1_000,
            queue: 20_000,
        }
    }
}

#[derive(Clone)]
pub struct Committer {
    sender: SyncSender<Work>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SubmitError {
    /// The queue is full: the server is overloaded; the device retries later.
    Overloaded,
    /// The writer has stopped.
    Stopped,
}

impl Committer {
    /// Starts the writer thread on its own connection to `url`.
    ///
    /// # Errors
    /// When the database cannot be opened.
    pub fn start(
        url: &str,
        config: CommitConfig,
        fanout: Fanout,
        metrics: Metrics,
    ) -> Result<(Self, JoinHandle<()>), db::DbError> {
        let db = db::connect(url)?;
        let (sender, receiver) = sync_channel(config.queue);
        let handle = std::thread::Builder::new()
            .name("group-commit".into())
            .spawn({
                let url = url.to_owned();
                move || run(db, &receiver, config, &url, &fanout, &metrics)
            })
            .map_err(|e| db::DbError::Migration(format!("cannot start the writer: {e}")))?;
        Ok((Self { sender }, handle))
    }

    /// Queues an operation.
    ///
    /// # Errors
    /// `Overloaded` when the queue is full, `Stopped` when the writer is gone.
    pub fn submit(&self, submission: Submission) -> Result<(), SubmitError> {
        self.send(Work::Operation(submission))
    }

    /// Queues a control-room action.
    ///
    /// # Errors
    /// `Overloaded` when the queue is full, `Stopped` when the writer is gone.
    pub fn act(&self, action: ActionSubmission) -> Result<(), SubmitError> {
        self.send(Work::Action(action))
    }

    /// Queues contacts heard by heartbeats, to be written by the writer between
    /// batches (one writer: no second transaction waiting on SQLite's lock).
    ///
    /// # Errors
    /// `Overloaded` when the queue is full, `Stopped` when the writer is gone.
    pub fn contacts(&self, heard: Vec<(String, i64)>) -> Result<(), SubmitError> {
        self.send(Work::Contacts(heard))
    }

    fn send(&self, work: Work) -> Result<(), SubmitError> {
        self.sender.try_send(work).map_err(|e| match e {
            TrySendError::Full(_) => SubmitError::Overloaded,
            TrySendError::Disconnected(_) => SubmitError::Stopped,
        })
    }
}

fn run(
    mut db: Db,
    receiver: &Receiver<Work>,
    config: CommitConfig,
    url: &str,
    fanout: &Fanout,
    metrics: &Metrics,
) {
    loop {
        let first = if metrics.commits_failing() {
            // Commits fail: try storing on our own every half second, so that health
            // and the control room's alarm clear as soon as the database takes writes
            // again, not only when the next report comes in.
            match receiver.recv_timeout(PROBE_INTERVAL) {
                Ok(first) => first,
                Err(RecvTimeoutError::Timeout) => {
                    probe(&mut db, url, metrics);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match receiver.recv() {
                Ok(first) => first,
                Err(_) => return,
            }
        };
        let started = Instant::now();
        let mut batch = vec![first];
        let deadline = started + config.max_wait;
        while batch.len() < config.max_batch {
            let left = deadline.saturating_duration_since(Instant::now());
            match receiver.recv_timeout(left) {
                Ok(next) => batch.push(next),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        if let Some(reason) = metrics.low_space() {
            // Free space is under the margin (`disk_space`): nothing is written; each
            // device is told the server cannot store now and keeps its reports.
            for work in batch {
                match work {
                    Work::Operation(submission) => {
                        let _ = submission.reply.send(Outcome::Unavailable(reason.clone()));
                    }
                    Work::Action(action) => {
                        let _ = action
                            .reply
                            .send(Err(ActionError::Unavailable(reason.clone())));
                    }
                    // A contact is a hint, renewed within seconds: dropped.
                    Work::Contacts(_) => {}
                }
            }
            continue;
        }
        // Operations are committed together; an action between them on its own, so
        // that the log keeps the order they came in.
        let mut operations = Vec::with_capacity(batch.len());
        for work in batch {
            match work {
                Work::Operation(submission) => operations.push(submission),
                Work::Action(action) => {
                    commit_operations(
                        &mut db,
                        url,
                        std::mem::take(&mut operations),
                        fanout,
                        metrics,
                    );
                    commit_action(&mut db, url, action, fanout);
                }
                Work::Contacts(heard) => {
                    commit_operations(
                        &mut db,
                        url,
                        std::mem::take(&mut operations),
                        fanout,
                        metrics,
                    );
                    commit_contacts(&mut db, url, &heard);
                }
            }
        }
        commit_operations(&mut db, url, operations, fanout, metrics);
    }
}

/// Commits `batch` in one transaction and answers each operation.
fn commit_operations(
    db: &mut Db,
    url: &str,
    batch: Vec<Submission>,
    fanout: &Fanout,
    metrics: &Metrics,
) {
    if batch.is_empty() {
        return;
    }
    let started = Instant::now();
    let size = batch.len();
    let result = match commit_batch(db, url, &batch, false) {
        // One operation made the batch panic: commit the others each alone, so
        // that only the culprit is refused (INTERNAL_ERROR, for good: sending it
        // again would fail its batch again).
        Err(StoreError::Panicked) => Ok(commit_alone(db, url, &batch)),
        other => other,
    };
    match result {
        Ok((outcomes, changes)) => {
            metrics.commit_succeeded();
            for (submission, outcome) in batch.into_iter().zip(outcomes) {
                match &outcome {
                    Outcome::Ack { .. } => metrics.operation_accepted(),
                    Outcome::Reject { .. } => metrics.operation_rejected(),
                    Outcome::Failed(_) | Outcome::Unavailable(_) => {}
                }
                let _ = submission.reply.send(outcome);
            }
            fanout.committed(changes);
        }
        Err(error) => {
            tracing::error!(%error, size, "commit failed; operations will be re-sent");
            metrics.commit_failed(&error.to_string(), db::now_ms());
            for submission in batch {
                let _ = submission
                    .reply
                    .send(Outcome::Unavailable(error.to_string()));
            }
            // The connection may be gone (a restarted database): open a new one.
            if diesel::connection::SimpleConnection::batch_execute(db, "SELECT 1").is_err() {
                match db::connect(url) {
                    Ok(fresh) => *db = fresh,
                    Err(e) => tracing::error!(%e, "the writer cannot reconnect yet"),
                }
            }
        }
    }
    metrics.batch_committed(size, started.elapsed());
}

/// Commits a control-room action in its own transaction and answers it.
/// Writes when stations were last heard from; a failure only delays that.
fn commit_contacts(db: &mut Db, url: &str, heard: &[(String, i64)]) {
    let result = guarded(db, url, |db| {
        for (station, at) in heard {
            store::stations::touch(db, station, *at)?;
        }
        Ok(())
    });
    if let Err(error) = result {
        tracing::warn!(%error, stations = heard.len(), "heartbeats not recorded");
    }
}

fn commit_action(db: &mut Db, url: &str, work: ActionSubmission, fanout: &Fanout) {
    let ActionSubmission {
        actor,
        stations,
        action,
        reply,
    } = work;
    let result = guarded(db, url, |db| {
        match actions::record(db, &actor, &stations, &action) {
            Ok(changes) => Ok(Ok(changes)),
            Err(ActionError::Refused(reason)) => Ok(Err(ActionError::Refused(reason))),
            Err(ActionError::Unavailable(reason)) => Ok(Err(ActionError::Unavailable(reason))),
            Err(ActionError::Store(e)) => Err(e),
        }
    });
    let answer = match result {
        Ok(Ok(changes)) => {
            let seqs = changes.iter().map(|c| c.event.seq).collect();
            fanout.committed(changes);
            Ok(seqs)
        }
        Ok(Err(refused)) => Err(refused),
        Err(error) => {
            tracing::error!(%error, "a control-room action was not stored");
            Err(ActionError::Store(error))
        }
    };
    let _ = reply.send(answer);
}

/// The answers, in the batch's order, and the changes committed.
type Committed = (Vec<Outcome>, Vec<Change>);

/// How often a failing writer tries an empty write of its own.
const PROBE_INTERVAL: Duration = Duration::from_millis(500);

/// An empty write transaction (it takes the write lock, as every commit does) on a
/// fresh connection if need be; when it commits, storing works again.
fn probe(db: &mut Db, url: &str, metrics: &Metrics) {
    if diesel::connection::SimpleConnection::batch_execute(db, "SELECT 1").is_err() {
        match db::connect(url) {
            Ok(fresh) => *db = fresh,
            Err(_) => return,
        }
    }
    if guarded(db, url, |_| Ok(())).is_ok() {
        tracing::info!("the database takes writes again");
        metrics.commit_succeeded();
    }
}

/// Commits `batch` in one transaction. A fault inside it fails that batch, not the
/// writer. A panic unwinds past diesel's transaction without rolling it back: the
/// connection would keep the transaction open, every later "commit" would only
/// release a savepoint inside it (acknowledged, never durable), readers would see
/// stale state and the WAL would never be checkpointed. So after a panic, or whenever
/// a transaction is left open, the writer drops the connection (which rolls the
/// transaction back) and opens a new one.
fn commit_batch(
    db: &mut Db,
    url: &str,
    batch: &[Submission],
    poisoned: bool,
) -> Result<Committed, StoreError> {
    guarded(db, url, |db| process(db, batch, poisoned))
}

/// `f` in a write transaction that a panic cannot leave open (see `commit_batch`).
fn guarded<T>(
    db: &mut Db,
    url: &str,
    f: impl FnOnce(&mut Db) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        db::write_transaction(db, f)
    }))
    .unwrap_or(Err(StoreError::Panicked));
    if matches!(result, Err(StoreError::Panicked)) || !db::is_idle(db) {
        match db::connect(url) {
            Ok(fresh) => *db = fresh,
            Err(e) => tracing::error!(%e, "the writer cannot reconnect yet"),
        }
    }
    result
}

/// Commits each operation of a batch that panicked on its own; one that panics alone
/// is refused with `INTERNAL_ERROR`.
fn commit_alone(db: &mut Db, url: &str, batch: &[Submission]) -> Committed {
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut changes = Vec::new();
    for submission in batch {
        let one = std::slice::from_ref(submission);
        let result = match commit_batch(db, url, one, false) {
            Err(StoreError::Panicked) => commit_batch(db, url, one, true),
            other => other,
        };
        match result {
            Ok((mut answer, committed)) => {
                outcomes.push(answer.pop().unwrap_or(Outcome::Failed(String::new())));
                changes.extend(committed);
            }
            Err(error) => outcomes.push(Outcome::Unavailable(error.to_string())),
        }
    }
    (outcomes, changes)
}

/// What one transaction does: decide each operation in order, then write. `poisoned`:
/// this batch (of one) panicked before; its operation is refused, not decided again.
fn process(db: &mut Db, batch: &[Submission], poisoned: bool) -> Result<Committed, StoreError> {
    let now = db::now_ms();
    let mut devices: HashMap<String, Option<DeviceRecord>> = HashMap::new();
    let mut stations: HashMap<String, StationRecord> = HashMap::new();
    let mut elections: HashMap<String, Election> = HashMap::new();
    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(batch.len());
    // Accepted operations, in order: (index in batch, election, station id).
    let mut accepted: Vec<(usize, String, String)> = Vec::new();
    // Operation ids are the device's own: deduplicated per device, never across.
    let mut decided: HashMap<(&str, uuid::Uuid), usize> = HashMap::new();
    let mut new_rows = Vec::new();

    for (index, submission) in batch.iter().enumerate() {
        let op = &submission.operation;
        if let Some(&earlier) = decided.get(&(submission.device_id.as_str(), op.id)) {
            // The same operation twice in one batch: the same answer, applied once.
            outcomes.push(outcomes[earlier].clone());
            continue;
        }
        if let Some(stored) = stored_outcome(db, &submission.device_id, &op.id)? {
            outcomes.push(Some(stored));
            decided.insert((submission.device_id.as_str(), op.id), index);
            continue;
        }
        let device = match devices.get(&submission.device_id) {
            Some(d) => d.clone(),
            None => {
                let d = store::devices::get(db, &submission.device_id)?;
                devices.insert(submission.device_id.clone(), d.clone());
                d
            }
        };
        let Some(mut device) = device else {
            outcomes.push(Some(refuse(ServerRefusal::DeviceUnknown)));
            continue;
        };
        let outcome = decide(
            db,
            op,
            &device,
            &mut stations,
            &mut elections,
            now,
            poisoned,
        )?;
        if let Some(Outcome::Failed(_)) = &outcome {
            // Not decided: nothing about it is recorded; the device sends it again.
            outcomes.push(outcome);
            continue;
        }
        device.last_processed_seq = device
            .last_processed_seq
            .max(i64::try_from(op.device_seq).unwrap_or(i64::MAX));
        devices.insert(device.id.clone(), Some(device.clone()));
        if outcome.is_none() {
            let station = &stations[&op.station_id];
            accepted.push((index, station.election_id.clone(), op.station_id.clone()));
        }
        new_rows.push((index, outcome.clone()));
        decided.insert((submission.device_id.as_str(), op.id), index);
        outcomes.push(outcome);
    }

    // Accepted operations become events, in the order they were decided.
    let touched: std::collections::HashSet<&String> = accepted.iter().map(|(_, _, s)| s).collect();
    for station in stations.values_mut() {
        if touched.contains(&station.station.id) {
            station.last_seen_at = Some(now);
        }
    }
    let entries: Vec<Entry> = accepted
        .iter()
        .map(|(index, election_id, station_id)| {
            let op = &batch[*index].operation;
            Entry {
                election_id: election_id.clone(),
                station_id: station_id.clone(),
                kind: op.report.kind().to_owned(),
                payload: EventPayload::Operation(op.clone()),
                recorded_at: op.recorded_at.millis(),
                actor: format!("device:{}", batch[*index].device_id),
                audit_action: format!("operation.{}", op.report.kind()),
            }
        })
        .collect();
    let changes = event_log::append(db, &entries, &mut stations, now)?;
    let event_of: HashMap<usize, i64> = accepted
        .iter()
        .zip(&changes)
        .map(|((index, _, _), change)| (*index, change.event.seq))
        .collect();

    let mut outcome_rows = Vec::with_capacity(new_rows.len());
    for (index, outcome) in &new_rows {
        let op = &batch[*index].operation;
        let (accepted, event_seq, code, text, fields) = match outcome {
            None => (1, event_of.get(index).copied(), None, None, None),
            Some(Outcome::Reject {
                code,
                message,
                fields,
            }) => (
                0,
                None,
                Some(code.clone()),
                Some(message.clone()),
                Some(store::to_json(fields)),
            ),
            Some(_) => continue,
        };
        outcome_rows.push((
            operations::id.eq(op.id.to_string()),
            operations::device_id.eq(batch[*index].device_id.clone()),
            operations::device_seq.eq(i64::try_from(op.device_seq).unwrap_or(i64::MAX)),
            operations::station_id.eq(op.station_id.clone()),
            operations::accepted.eq(accepted),
            operations::event_seq.eq(event_seq),
            operations::reject_code.eq(code),
            operations::reject_message.eq(text),
            operations::reject_fields.eq(fields),
        ));
    }
    for chunk in outcome_rows.chunks(500) {
        crate::insert_rows!(db, operations::table, chunk)?;
    }
    for device in devices.values().flatten() {
        store::devices::set_last_processed(db, &device.id, device.last_processed_seq)?;
    }

    let outcomes = outcomes
        .into_iter()
        .enumerate()
        .map(|(index, o)| {
            o.unwrap_or(Outcome::Ack {
                event_seq: event_of.get(&index).copied().unwrap_or(0),
            })
        })
        .collect();
    Ok((outcomes, changes))
}

/// A refusal of the server's own.
fn refuse(refusal: ServerRefusal) -> Outcome {
    Outcome::Reject {
        code: refusal.code().to_owned(),
        message: refusal.message(Language::English).to_owned(),
        fields: Vec::new(),
    }
}

/// A refusal by a validation rule, with the fields it concerns.
fn refuse_issue(issue: &Issue) -> Outcome {
    Outcome::Reject {
        code: issue.code().to_owned(),
        message: message(issue.rule, Language::English).to_owned(),
        fields: issue.fields.clone(),
    }
}

/// Decides one new operation: None when it is accepted (and applied to the cached
/// station), or the rejection.
fn decide(
    db: &mut Db,
    op: &Operation,
    device: &DeviceRecord,
    stations: &mut HashMap<String, StationRecord>,
    elections: &mut HashMap<String, Election>,
    now: i64,
    poisoned: bool,
) -> Result<Option<Outcome>, StoreError> {
    if device.revoked {
        return Ok(Some(refuse(ServerRefusal::DeviceRevoked)));
    }
    if i64::try_from(op.device_seq).unwrap_or(i64::MAX) <= device.last_processed_seq {
        return Ok(Some(refuse(ServerRefusal::SequenceStale)));
    }
    // Checked: a stored number at the top of the range must fail this operation alone.
    let next = device.last_processed_seq.saturating_add(1);
    if i64::try_from(op.device_seq).unwrap_or(i64::MAX) > next {
        // An earlier operation of this device is missing (it was refused as overloaded,
        // or its batch failed): this one must wait for it, to keep the device's order.
        return Ok(Some(Outcome::Failed(format!(
            "expected operation {next} first"
        ))));
    }
    if op.station_id != device.station_id {
        return Ok(Some(refuse(ServerRefusal::WrongStation)));
    }
    if !stations.contains_key(&op.station_id) {
        let record = store::stations::get(db, &op.station_id)?;
        stations.insert(op.station_id.clone(), record);
    }
    let Some(station) = stations.get_mut(&op.station_id) else {
        return Ok(Some(refuse(ServerRefusal::StationUnknown)));
    };
    if !elections.contains_key(&station.election_id) {
        let election = store::elections::get(db, &station.election_id)?;
        elections.insert(station.election_id.clone(), election);
    }
    let Some(election) = elections.get(&station.election_id) else {
        return Ok(Some(refuse(ServerRefusal::ElectionUnknown)));
    };
    // The device's clock is not trusted: a report stamped far from the server's clock
    // or outside the election's day is refused before anything looks at its time.
    if let Some(issue) =
        validation::check_recorded_at(op.recorded_at, shared::domain::Timestamp(now), election)
    {
        return Ok(Some(refuse_issue(&issue)));
    }
    if poisoned {
        return Ok(Some(refuse(ServerRefusal::InternalError)));
    }
    let ctx = Context {
        election,
        station: &station.station,
        day: &station.day,
        now: op.recorded_at,
    };
    let outcome = validation::validate(&op.report, &ctx);
    if let Some(issue) = outcome.first_blocking(&op.confirmed_warnings) {
        return Ok(Some(refuse_issue(issue)));
    }
    if let Err(error) = station.day.apply(&op.report, op.recorded_at) {
        return Ok(Some(Outcome::Reject {
            code: error.code().to_owned(),
            message: error.to_string(),
            fields: Vec::new(),
        }));
    }
    Ok(None)
}

/// accepted, event_seq, reject_code, reject_message
type OutcomeRow = (
    i32,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn stored_outcome(
    db: &mut Db,
    device_id: &str,
    id: &uuid::Uuid,
) -> Result<Option<Outcome>, StoreError> {
    let row: Option<OutcomeRow> = operations::table
        .find((device_id, id.to_string()))
        .select((
            operations::accepted,
            operations::event_seq,
            operations::reject_code,
            operations::reject_message,
            operations::reject_fields,
        ))
        .first(db)
        .optional()?;
    Ok(row.map(|(accepted, event_seq, code, text, fields)| {
        if accepted != 0 {
            Outcome::Ack {
                event_seq: event_seq.unwrap_or(0),
            }
        } else {
            Outcome::Reject {
                code: code.unwrap_or_default(),
                message: text.unwrap_or_default(),
                // Refusals stored before the fields were kept have none.
                fields: fields
                    .and_then(|f| serde_json::from_str(&f).ok())
                    .unwrap_or_default(),
            }
        }
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::db::schema::settings;

    fn setting(db: &mut Db, name: &str) -> Result<(), StoreError> {
        diesel::insert_into(settings::table)
            .values((settings::name.eq(name), settings::value.eq("x")))
            .execute(db)?;
        Ok(())
    }

    #[test]
    fn after_a_panic_the_writer_commits_for_real_again() {
        let dir = std::env::temp_dir().join(format!("kiesdag-commit-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = dir.join("t.db").to_string_lossy().into_owned();
        let mut db = db::open(&url).unwrap();
        let panicked = guarded(&mut db, &url, |db| {
            setting(db, "lost")?;
            let figures: Vec<i64> = Vec::new();
            // An arithmetic or indexing slip on hostile input.
            let _ = figures[figures.len()];
            Ok(())
        });
        assert!(matches!(panicked, Err(StoreError::Panicked)));
        assert!(db::is_idle(&mut db), "no transaction left open");
        guarded(&mut db, &url, |db| setting(db, "kept")).unwrap();
        // Another connection sees what was acknowledged, and nothing of the batch that
        // failed: the commit was real, not a savepoint inside a transaction left open.
        let mut other = db::connect(&url).unwrap();
        let names: Vec<String> = settings::table
            .select(settings::name)
            .filter(settings::name.eq_any(["lost", "kept"]))
            .load(&mut other)
            .unwrap();
        assert_eq!(names, ["kept"]);
        let _ = std::fs::remove_dir_all(dir);
    }
}
