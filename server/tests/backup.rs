//! Backups that restore (docs/operations.md, "Backups and restore"): a backup taken
//! with `kiesdag backup` in the middle of a day while chairs report, restored with
//! `kiesdag restore` into a fresh database under a fresh server, holds every report
//! acknowledged before it, its audit chain verifies, and the stations that reconnect
//! send what came after it, each report exactly once. A restore into a database that
//! holds anything is refused and changes nothing; `serve --backup-every` keeps the
//! newest N of its own backups and counts its failures without stopping. On SQLite,
//! and on PostgreSQL (pg_dump, pg_restore) with KIESDAG_TEST_POSTGRES.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use kiesdag::db::{self, schema};
use kiesdag_sim::Station;
use shared::Event;
use support::{
    MUNICIPALITY, assert_exactly_once_in_order, cli, create_user, election_open_now, events_of,
    fresh_database, metrics, open_station, seed, settled, start_server_with, station_id,
    stored_counts, turnout,
};

const WAIT: Duration = Duration::from_secs(30);

/// A folder for backups that outlives the servers (their own folders go with them).
struct Folder(PathBuf);

impl Folder {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("kiesdag-backups-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A database the test made without a server: dropped (PostgreSQL) or removed with its
/// folder at the end.
struct Held {
    database: String,
    dir: PathBuf,
}

impl Held {
    fn new(database: &str, dir: PathBuf) -> Self {
        Self {
            database: database.to_owned(),
            dir,
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        support::drop_database(&self.database);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a database holds, to show that a refused restore changed nothing: its counts,
/// the audit chain's head, and (SQLite) the file's bytes.
fn fingerprint(database: &str) -> (i64, i64, i64, String, Option<Vec<u8>>) {
    use sha2::Digest;
    let (events, audit) = stored_counts(database);
    let mut conn = db::connect(database).unwrap();
    let stations: i64 = schema::stations::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    let head: String = schema::audit_head::table
        .select(schema::audit_head::last_hash)
        .first(&mut conn)
        .unwrap();
    drop(conn);
    let file = (!db::is_postgres(database))
        .then(|| sha2::Sha256::digest(std::fs::read(database).unwrap()).to_vec());
    (events, audit, stations, head, file)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The day: seven stations report; four lose their network and go on reporting
/// (kept on their devices), while three go on reporting to the server as the backup is
/// taken. The server is then lost with its database. The backup is restored into a
/// fresh database, a fresh server starts on it at the same address, and the four
/// come back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_mid_day_restores_and_stations_resend_what_came_after_exactly_once() {
    const OFFLINE: u32 = 4; // stations 1..=4
    const ONLINE: u32 = 3; // stations 5..=7
    const OFFLINE_REPORTS: u32 = 12;
    let folder = Folder::new();
    let backup = folder.0.join("mid-day.backup");
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), OFFLINE + ONLINE);
    // The signing keyring in the database (no KIESDAG_JWT_SECRET): the backup carries
    // it, so that the devices' tokens are good on the restored server.
    let keyring_in_database = [("KIESDAG_JWT_SECRET", "")];
    let first = start_server_with(&database, dir, "127.0.0.1:0", &keyring_in_database);
    let address = first.address();
    let url = first.ws("/ws/station");
    let mut stations: Vec<Station> = Vec::new();
    for code in &codes {
        stations.push(open_station(&url, code).await);
    }
    let (mut offline, mut online) = {
        let online = stations.split_off(OFFLINE as usize);
        (stations, online)
    };

    // The morning: everything reported and confirmed.
    for count in 1..=5 {
        for station in offline.iter().chain(&online) {
            station.send(turnout(count));
        }
    }
    for station in offline.iter_mut().chain(online.iter_mut()) {
        station
            .wait_for(WAIT, |v| settled(v) && v.sync.confirmed == 6)
            .await
            .unwrap();
    }

    // Four stations lose their network with reports in flight, and go on reporting.
    for count in 6..=8 {
        for station in &offline {
            station.send(turnout(count));
        }
    }
    for station in &offline {
        station.set_network(false);
    }
    for count in 9..=OFFLINE_REPORTS {
        for station in &offline {
            station.send(turnout(count));
        }
    }
    // The other three report throughout the backup.
    let mut next = 6;
    for station in &online {
        station.send(turnout(next));
    }
    next += 1;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let acknowledged: Vec<u64> = offline
        .iter()
        .chain(&online)
        .map(|s| s.view().sync.confirmed)
        .collect();

    let (database_for_backup, file) = (database.clone(), backup.clone());
    let started = Instant::now();
    let taking =
        tokio::task::spawn_blocking(move || cli(&database_for_backup, &["backup", path(&file)]));
    while !taking.is_finished() || next < 20 {
        for station in &online {
            station.send(turnout(next));
        }
        next += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (ok, said) = taking.await.unwrap();
    assert!(ok, "{said}");
    assert!(said.contains("backup written"), "{said}");
    eprintln!("backup in {:?}: {said}", started.elapsed());
    // The chairs were not stopped: the server confirmed all they sent meanwhile.
    for station in &mut online {
        let all = u64::from(next);
        let view = station
            .wait_for(WAIT, |v| settled(v) && v.sync.confirmed == all)
            .await;
        assert!(
            view.is_ok(),
            "opening and turnout 1..{next} confirmed: {:?}",
            station.view().sync
        );
    }

    // The server is lost, its database with it.
    for station in online {
        let _ = station.kill();
    }
    drop(first);
    assert!(backup.exists());

    let (restored, dir) = fresh_database();
    let (ok, said) = cli(&restored, &["restore", path(&backup)]);
    assert!(ok, "{said}");
    let (ok, said) = cli(&restored, &["audit", "verify"]);
    assert!(ok && said.contains("audit log intact"), "{said}");
    for (n, acknowledged) in (1..=OFFLINE + ONLINE).zip(&acknowledged) {
        let held = events_of(&restored, &station_id(n));
        assert!(
            held >= *acknowledged,
            "station {n}: the backup holds {held} of its reports, {acknowledged} were acknowledged before it"
        );
    }

    let second = start_server_with(&restored, dir, &address, &keyring_in_database);
    for station in &offline {
        station.set_network(true);
        station.send(Event::ReconnectNow);
    }
    for station in &mut offline {
        let all = u64::from(OFFLINE_REPORTS) + 1;
        let view = station
            .wait_for(WAIT, |v| settled(v) && v.sync.confirmed == all)
            .await;
        assert!(
            view.is_ok(),
            "every report confirmed: {:?}",
            station.view().sync
        );
        assert_eq!(station.view().sync.rejected, 0, "nothing refused");
    }
    // Each report of theirs exactly once, in order; event numbers gap-free; the chain
    // intact.
    assert_exactly_once_in_order(&second.database, OFFLINE, OFFLINE_REPORTS);
    for n in 1..=OFFLINE {
        assert_eq!(
            events_of(&second.database, &station_id(n)),
            u64::from(OFFLINE_REPORTS) + 1,
            "station {n}: its opening and each turnout once"
        );
    }
    let (ok, said) = cli(&second.database, &["audit", "verify"]);
    assert!(ok, "{said}");
}

#[test]
fn a_restore_into_a_database_that_holds_anything_is_refused_and_changes_nothing() {
    let folder = Folder::new();
    let (database, dir) = fresh_database();
    let _holder = Held::new(&database, dir);
    seed(&database, &election_open_now(), 3);
    create_user(
        &database,
        "coordinator",
        kiesdag::auth::Role::Coordinator,
        Some(MUNICIPALITY),
    );
    let backup = folder.0.join("election.backup");

    let (ok, said) = cli(&database, &["backup", path(&backup)]);
    assert!(ok, "{said}");
    // A backup is never written over unless asked.
    let (ok, said) = cli(&database, &["backup", path(&backup)]);
    assert!(!ok && said.contains("--force"), "{said}");
    let (ok, said) = cli(&database, &["backup", "--force", path(&backup)]);
    assert!(ok, "{said}");

    if db::is_postgres(&database) {
        // Without PostgreSQL's client tools it says so, and writes nothing.
        let missing = folder.0.join("missing-tools.backup");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_kiesdag"))
            .args(["--db", &database, "backup", path(&missing)])
            .env("KIESDAG_PG_BIN", folder.0.join("no-such-folder"))
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{said}");
        assert!(said.contains("pg_dump was not found"), "{said}");
        assert!(!missing.exists());
    }

    let before = fingerprint(&database);
    let (ok, said) = cli(&database, &["restore", path(&backup)]);
    assert!(!ok, "{said}");
    assert!(
        said.contains("not empty") && said.contains("nothing was changed"),
        "{said}"
    );
    assert_eq!(
        fingerprint(&database),
        before,
        "the refused restore changed nothing"
    );

    // A damaged backup is refused, and the empty database stays empty.
    let damaged = folder.0.join("damaged.backup");
    let bytes = std::fs::read(&backup).unwrap();
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    let (empty, dir) = fresh_database();
    let _empty = Held::new(&empty, dir);
    let (ok, said) = cli(&empty, &["restore", path(&damaged)]);
    assert!(!ok, "{said}");
    if !db::is_postgres(&empty) {
        assert!(!Path::new(&empty).exists(), "no file made");
    }
    // A backup of the other kind (a dump for SQLite, a SQLite file for PostgreSQL)
    // is refused by what it is, before anything is touched.
    let other_kind = folder.0.join("other-kind.backup");
    let (head, said_kind) = if db::is_postgres(&empty) {
        (&b"SQLite format 3\0"[..], "it is a SQLite backup")
    } else {
        (&b"PGDMP\x01\x0e\x00"[..], "it is a PostgreSQL dump")
    };
    let mut bytes = head.to_vec();
    bytes.resize(4096, 0);
    std::fs::write(&other_kind, bytes).unwrap();
    let (ok, said) = cli(&empty, &["restore", path(&other_kind)]);
    assert!(!ok && said.contains(said_kind), "{said}");
    if !db::is_postgres(&empty) {
        assert!(!Path::new(&empty).exists(), "no file made");
    }
    let (ok, said) = cli(&empty, &["migrate"]);
    assert!(ok, "{said}");
    assert_eq!(stored_counts(&empty), (0, 0), "nothing restored");

    // An empty database with Kiesdag's tables (after `migrate`) takes the backup.
    let (ok, said) = cli(&empty, &["restore", path(&backup)]);
    assert!(ok, "{said}");
    let (ok, said) = cli(&empty, &["audit", "verify"]);
    assert!(ok, "{said}");
    let restored = fingerprint(&empty);
    assert_eq!(
        (restored.0, restored.1, restored.2, &restored.3),
        (before.0, before.1, before.2, &before.3),
        "every event, audit entry and station, and the same chain head"
    );
}

/// A mistyped `--db` naming another application's database (a table of its own, a
/// row in it, none of Kiesdag's tables): the restore is refused and the database is
/// left as it was, byte for byte on SQLite.
#[test]
fn a_restore_into_another_applications_database_is_refused_and_leaves_it_as_it_was() {
    use diesel::connection::SimpleConnection;
    let folder = Folder::new();
    let (database, dir) = fresh_database();
    let _holder = Held::new(&database, dir);
    seed(&database, &election_open_now(), 1);
    let backup = folder.0.join("election.backup");
    let (ok, said) = cli(&database, &["backup", path(&backup)]);
    assert!(ok, "{said}");

    let (other, dir) = fresh_database();
    let _other = Held::new(&other, dir);
    let invoices = "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);\
                    INSERT INTO invoices (id, amount) VALUES (1, 100);";
    let postgres = db::is_postgres(&other);
    if postgres {
        let mut conn = diesel::PgConnection::establish(&other).unwrap();
        conn.batch_execute(invoices).unwrap();
    } else {
        let mut conn = diesel::SqliteConnection::establish(&other).unwrap();
        conn.batch_execute(invoices).unwrap();
    }
    let hash = |file: &str| {
        use sha2::Digest;
        sha2::Sha256::digest(std::fs::read(file).unwrap()).to_vec()
    };
    let before = (!postgres).then(|| hash(&other));

    let (ok, said) = cli(&other, &["restore", path(&backup)]);
    assert!(!ok, "{said}");
    assert!(
        said.contains("tables that are not Kiesdag's (invoices)")
            && said.contains("nothing was changed"),
        "{said}"
    );
    if postgres {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = diesel::PgConnection::establish(&other).unwrap();
        let count = |conn: &mut diesel::PgConnection, query: &str| {
            diesel::sql_query(query)
                .get_result::<Count>(conn)
                .unwrap()
                .n
        };
        assert_eq!(count(&mut conn, "SELECT COUNT(*) AS n FROM invoices"), 1);
        assert_eq!(
            count(
                &mut conn,
                "SELECT COUNT(*) AS n FROM information_schema.tables \
                 WHERE table_schema = current_schema()"
            ),
            1,
            "no table of Kiesdag's made"
        );
    } else {
        assert_eq!(Some(hash(&other)), before, "the file is unchanged");
    }
}

/// The scheduled backups of `database` in `dir`, by name.
fn own_backups(dir: &Path, database: &str, extension: &str) -> Vec<String> {
    let prefix = format!(
        "kiesdag-backup-{}-2",
        kiesdag::backup::Schedule::label(database)
    );
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(&prefix) && n.ends_with(extension))
        .collect();
    names.sort();
    names
}

fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_backups_keep_the_newest_n_of_their_own_and_count_failures() {
    let folder = Folder::new();
    let backups = folder.0.join("scheduled");
    std::fs::create_dir_all(&backups).unwrap();
    let (database, dir) = fresh_database();
    seed(&database, &election_open_now(), 2);
    let (own, other) = if db::is_postgres(&database) {
        (".pgdump", ".sqlite")
    } else {
        (".sqlite", ".pgdump")
    };
    let label = kiesdag::backup::Schedule::label(&database);
    // What else is in the folder stays; an old backup of the schedule's own goes first.
    let others = [
        "notes.txt".to_owned(),
        "kiesdag-backup-before-the-day.sqlite".to_owned(),
        format!("kiesdag-backup-{label}-20200101T000000.000Z{other}"),
        // Another election's server keeping its backups in the same folder.
        format!("kiesdag-backup-ps2027-20200101T000000.000Z{own}"),
    ];
    for name in &others {
        std::fs::write(backups.join(name), b"not ours").unwrap();
    }
    let oldest = format!("kiesdag-backup-{label}-20200101T000000.000Z{own}");
    std::fs::write(backups.join(&oldest), b"an old one").unwrap();
    // A backup of the schedule's own cut short by a stop left its partial file: gone
    // at start. Anyone else's partial file stays.
    let cut_short = format!(".kiesdag-backup-{label}-20200101T000500.000Z{own}.a1b2c3.partial");
    let not_ours = ".notes.txt.a1b2c3.partial";
    std::fs::write(backups.join(&cut_short), b"half").unwrap();
    std::fs::write(backups.join(not_ours), b"half of someone else's").unwrap();

    let server = start_server_with(
        &database,
        dir,
        "127.0.0.1:0",
        &[
            ("KIESDAG_BACKUP_EVERY", "1s"),
            ("KIESDAG_BACKUP_DIR", path(&backups)),
            ("KIESDAG_BACKUP_KEEP", "2"),
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let taken = metric(&metrics(&server).await, "kiesdag_backups_total");
        if taken >= 4 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "4 scheduled backups within 15 s; {taken}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let text = metrics(&server).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let last = metric(&text, "kiesdag_last_backup_timestamp_seconds");
    assert!(
        last <= now && now - last <= 30,
        "the last backup's time: {last}, now {now}"
    );
    assert!(metric(&text, "kiesdag_last_backup_bytes") > 0, "{text}");
    assert!(
        !backups.join(&cut_short).exists(),
        "its own partial file went"
    );
    assert!(
        backups.join(not_ours).exists(),
        "another's partial file stayed"
    );
    let kept = own_backups(&backups, &database, own);
    assert_eq!(kept.len(), 2, "the newest two: {kept:?}");
    assert!(!kept.contains(&oldest), "the oldest went: {kept:?}");
    for name in &others {
        assert_eq!(
            std::fs::read(backups.join(name)).unwrap(),
            b"not ours",
            "{name} kept"
        );
    }
    assert_eq!(
        metric(&metrics(&server).await, "kiesdag_backup_failures_total"),
        0
    );

    // The newest restores.
    let (restored, dir) = fresh_database();
    let _restored = Held::new(&restored, dir);
    let newest = backups.join(kept.last().unwrap());
    let (ok, said) = cli(&restored, &["restore", path(&newest)]);
    assert!(ok, "{said}");
    assert_eq!(
        fingerprint(&restored).2,
        2,
        "the stations are in the scheduled backup"
    );

    // The folder becomes a file: backups fail, are counted, and the server serves on.
    std::fs::remove_dir_all(&backups).unwrap();
    std::fs::write(&backups, b"in the way").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = metrics(&server).await;
        if metric(&text, "kiesdag_backup_failures_total") >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "failures counted: {text}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, _) = support::http(&server, "GET", "/health", "", &serde_json::Value::Null).await;
    assert_eq!(status, 200, "the server serves on");
}
