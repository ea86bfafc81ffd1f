//! Publishing committed changes to this instance's dashboards and devices, always in
//! event order, by reading the log after a notice of what was committed.
//!
//! On SQLite (one instance) the writer appends to the log (the control room's actions
//! go through it too) and hands each committed batch's changes to the publisher thread
//! through a channel, in commit order. Another process may append too (the command
//! line's `import digital-results`): every second the publisher reads back what the log
//! holds past what it published, and drops the writer's changes it has published
//! from the log already.
//! Several instances on one PostgreSQL: every committed batch sends one notice,
//! carrying only the election and its newest event number; every instance (the one
//! that committed included) listens, reads the events it has not published yet, in
//! order, and publishes them to its own dashboards. Numbers are taken under the
//! election's row lock, so they commit in order and a notice for N means every event
//! up to N is readable: reading in order leaves no gap.

use std::collections::HashMap;
use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;

use crate::db::{self, Db};
use crate::realtime::hub::{Change, Hub};
use crate::store::{self, StoreError};

pub const CHANNEL: &str = "kiesdag_events";
const POLL: Duration = Duration::from_millis(2);
/// The most events published in one message.
const READ_BACK: usize = 5_000;

/// Sends the notice for a committed batch (PostgreSQL only; it is delivered at commit).
///
/// # Errors
/// A database error; the batch's transaction then rolls back.
pub fn notify(db: &mut Db, newest: &HashMap<String, i64>) -> Result<(), StoreError> {
    if let Db::Postgres(conn) = db {
        for (election, seq) in newest {
            diesel::sql_query("SELECT pg_notify($1, $2)")
                .bind::<Text, _>(CHANNEL)
                .bind::<Text, _>(format!("{election}\t{seq}"))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// How committed changes get published on this instance.
#[derive(Debug, Clone)]
pub enum Fanout {
    /// PostgreSQL: notices travel through the database to every instance.
    Postgres,
    /// SQLite: the writer's committed changes, to this process's publisher thread.
    Local(std::sync::mpsc::Sender<Vec<Change>>),
}

impl Fanout {
    /// Starts the publisher for `url` (a listener on PostgreSQL, a local thread on
    /// SQLite).
    #[must_use]
    pub fn start(url: &str, hub: Hub) -> Self {
        if db::is_postgres(url) {
            start_listener(url.to_owned(), hub);
            Self::Postgres
        } else {
            let (sender, receiver) = std::sync::mpsc::channel::<Vec<Change>>();
            let url = url.to_owned();
            std::thread::Builder::new()
                .name("publisher".into())
                .spawn(move || publish_local(&url, &hub, &receiver))
                .map(|_| ())
                .unwrap_or_else(|e| tracing::error!(%e, "cannot start the publisher"));
            Self::Local(sender)
        }
    }

    /// Hands over what the writer just committed, in commit order (on PostgreSQL the
    /// notice already went with the transaction, and every instance reads the log).
    pub fn committed(&self, changes: Vec<Change>) {
        if let Self::Local(sender) = self
            && !changes.is_empty()
        {
            let _ = sender.send(changes);
        }
    }
}

/// How often the SQLite publisher looks in the log for events another process
/// appended (the command line's `import digital-results`): they reach the dashboards
/// and the public pages within this.
const OTHER_WRITERS_EVERY: Duration = Duration::from_secs(1);

fn publish_local(url: &str, hub: &Hub, committed: &std::sync::mpsc::Receiver<Vec<Change>>) {
    use std::sync::mpsc::RecvTimeoutError;
    // Published up to here, per election, by the writer's messages or from the log.
    let mut published: HashMap<String, i64> = HashMap::new();
    let mut log: Option<Db> = None;
    let mut first_look = true;
    let mut next_look = std::time::Instant::now() + OTHER_WRITERS_EVERY;
    loop {
        let wait = next_look.saturating_duration_since(std::time::Instant::now());
        match committed.recv_timeout(wait) {
            Ok(mut changes) => {
                // What came in meanwhile goes out in the same message, still in order,
                // up to the size the log is read back in on PostgreSQL.
                while changes.len() < READ_BACK {
                    match committed.try_recv() {
                        Ok(more) => changes.extend(more),
                        Err(_) => break,
                    }
                }
                // Already published from the log when another process's events were
                // read back after these were committed.
                changes.retain(|c| {
                    published
                        .get(&c.event.election_id)
                        .is_none_or(|done| c.event.seq > *done)
                });
                for change in &changes {
                    let done = published
                        .entry(change.event.election_id.clone())
                        .or_insert(0);
                    *done = (*done).max(change.event.seq);
                }
                if !changes.is_empty() {
                    hub.publish(changes);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if std::time::Instant::now() >= next_look {
            next_look = std::time::Instant::now() + OTHER_WRITERS_EVERY;
            match read_other_writers(url, hub, &mut log, &mut published, first_look) {
                Ok(()) => first_look = false,
                Err(error) => {
                    tracing::warn!(%error, "cannot look for other processes' events");
                    log = None;
                }
            }
        }
    }
}

/// Publishes what the log holds past what was published, per election. The first
/// look takes an election's events so far as history, unless the writer published
/// some of them already.
fn read_other_writers(
    url: &str,
    hub: &Hub,
    log: &mut Option<Db>,
    published: &mut HashMap<String, i64>,
    first: bool,
) -> Result<(), StoreError> {
    if log.is_none() {
        *log = Some(db::connect(url).map_err(|e| StoreError::NotFound(e.to_string()))?);
    }
    let Some(db) = log.as_mut() else {
        return Ok(());
    };
    for election in store::elections::all(db)? {
        let last = store::elections::last_seq(db, &election.id)?;
        if first && !published.contains_key(&election.id) {
            published.insert(election.id, last);
        } else {
            catch_up(db, hub, published, &election.id, last)?;
        }
    }
    Ok(())
}

/// Starts the listener thread of this instance.
pub fn start_listener(url: String, hub: Hub) {
    std::thread::Builder::new()
        .name("pg-listener".into())
        .spawn(move || listen(&url, &hub))
        .map(|_| ())
        .unwrap_or_else(|e| tracing::error!(%e, "cannot start the notice listener"));
}

fn listen(url: &str, hub: &Hub) {
    // Published up to here, per election: start from now, not from history.
    let mut published: HashMap<String, i64> = HashMap::new();
    let mut first = true;
    loop {
        match session(url, hub, &mut published, first) {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(%error, "notice listener lost its connection; reconnecting");
                std::thread::sleep(Duration::from_millis(500));
            }
        }
        first = false;
    }
}

fn session(
    url: &str,
    hub: &Hub,
    published: &mut HashMap<String, i64>,
    first: bool,
) -> Result<(), StoreError> {
    let mut db = db::connect(url).map_err(|e| StoreError::NotFound(e.to_string()))?;
    db.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    for election in store::elections::all(&mut db)? {
        let last = store::elections::last_seq(&mut db, &election.id)?;
        if first {
            published.insert(election.id, last);
        } else {
            // After a reconnect: catch up on what was missed while away.
            catch_up(&mut db, hub, published, &election.id, last)?;
        }
    }
    loop {
        let mut newest: HashMap<String, i64> = HashMap::new();
        if let Db::Postgres(conn) = &mut db {
            for notification in conn.notifications_iter() {
                let notification = notification?;
                if let Some((election, seq)) = notification.payload.split_once('\t')
                    && let Ok(seq) = seq.parse::<i64>()
                {
                    let entry = newest.entry(election.to_owned()).or_insert(seq);
                    *entry = (*entry).max(seq);
                }
            }
        }
        for (election, seq) in newest {
            catch_up(&mut db, hub, published, &election, seq)?;
        }
        std::thread::sleep(POLL);
    }
}

/// Publishes the events of `election` after the last published one, up to `until`.
fn catch_up(
    db: &mut Db,
    hub: &Hub,
    published: &mut HashMap<String, i64>,
    election: &str,
    until: i64,
) -> Result<(), StoreError> {
    let mut after = published.get(election).copied().unwrap_or(0);
    while after < until {
        let events = store::events::since(db, election, after, READ_BACK as i64)?;
        let Some(last) = events.last().map(|e| e.seq) else {
            break;
        };
        let mut stations: HashMap<String, store::stations::StationRecord> = HashMap::new();
        let mut changes = Vec::with_capacity(events.len());
        for event in events {
            let station = match &event.station_id {
                Some(id) => {
                    if !stations.contains_key(id) {
                        stations.insert(id.clone(), store::stations::get(db, id)?);
                    }
                    stations.get(id)
                }
                None => None,
            };
            changes.push(Change::of(event, station));
        }
        hub.publish(changes);
        after = last;
        published.insert(election.to_owned(), last);
    }
    Ok(())
}
