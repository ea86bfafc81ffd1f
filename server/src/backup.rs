//! Backups that restore (docs/operations.md, "Backups and restore").
//!
//! A backup is a consistent copy of the running election taken without stopping
//! anybody: on SQLite `VACUUM INTO` on a connection of its own (a read transaction:
//! in WAL mode the writer goes on committing while it runs), on PostgreSQL `pg_dump
//! --format=custom` inside a snapshot this module exports, so that what it prints
//! about the backup is what the dump holds. It is written under a temporary name
//! beside its place and renamed into place only when whole, so a half-written backup
//! is never taken for one.
//!
//! A restore goes only into an empty database (no core table with a row); anything
//! else is refused before a byte changes. SQLite: the backup is checked, copied beside
//! the target, migrated (an older backup is brought up to date), its audit chain
//! verified, and only then renamed into place. PostgreSQL: `pg_restore` in one
//! transaction (a failure leaves the database as it was), then the migrations and the
//! audit chain's check.
//!
//! `Schedule` takes one every so often for `kiesdag serve --backup-every`, on a thread
//! of its own, and keeps the newest N of its own files in its folder.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use thiserror::Error;

use crate::db::schema::{audit_log, events};
use crate::db::{self, Db, DbError};
use crate::metrics::Metrics;
use crate::store::StoreError;

/// The tables that hold an election: a database with a row in any of them is not
/// empty, and a restore into it is refused.
pub const CORE_TABLES: [&str; 7] = [
    "elections",
    "stations",
    "devices",
    "operations",
    "events",
    "audit_log",
    "users",
];

/// Every table a Kiesdag database has (`db::schema`, and diesel's record of the
/// migrations run): a database holding any other table is another application's, and
/// a restore into it is refused.
pub const KIESDAG_TABLES: [&str; 20] = [
    "__diesel_schema_migrations",
    "activation_codes",
    "audit_head",
    "audit_log",
    "candidates",
    "convocations",
    "counting_office_stations",
    "counting_offices",
    "devices",
    "elections",
    "events",
    "municipalities",
    "operations",
    "personal_keys",
    "personal_values",
    "refresh_tokens",
    "service_history",
    "settings",
    "stations",
    "users",
];

/// How a scheduled backup's file name starts; with `SQLITE_EXTENSION` or
/// `POSTGRES_EXTENSION` after its time, the schedule knows a file as its own.
pub const SCHEDULED_PREFIX: &str = "kiesdag-backup-";
pub const SQLITE_EXTENSION: &str = ".sqlite";
pub const POSTGRES_EXTENSION: &str = ".pgdump";
/// The time in a scheduled backup's name (UTC, to the millisecond).
const SCHEDULED_TIME: &str = "%Y%m%dT%H%M%S%.3fZ";
/// What a file being written is called until it is whole (never a backup's name).
const PARTIAL_SUFFIX: &str = ".partial";

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

#[derive(Debug, Error)]
pub enum BackupError {
    #[error("{0} exists; give --force to replace it")]
    Exists(PathBuf),
    #[error("there is no database at {0}")]
    NoDatabase(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "{tool} was not found ({searched}): install PostgreSQL's client tools of the server's \
         major version or newer (Debian: postgresql-client), or set KIESDAG_PG_BIN to the \
         folder that holds them"
    )]
    ToolMissing { tool: String, searched: String },
    #[error("{tool} failed ({status}): {stderr}")]
    ToolFailed {
        tool: String,
        status: String,
        stderr: String,
    },
    #[error(
        "the database is not empty ({0}): a backup is restored only into an empty database; \
         nothing was changed"
    )]
    NotEmpty(String),
    #[error(
        "the database holds tables that are not Kiesdag's ({0}); restore into an empty \
         database; nothing was changed"
    )]
    NotKiesdags(String),
    #[error("{path} is not a Kiesdag backup: {reason}")]
    NotABackup { path: PathBuf, reason: String },
    #[error("the backup's audit log is broken at entry {id}: {reason}; nothing was restored")]
    AuditBroken { id: i64, reason: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What a backup holds, read from the backup itself (SQLite) or from the snapshot the
/// dump was taken in (PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    pub events: i64,
    /// The latest event: its election, number and commit time (ms).
    pub last_event: Option<(String, i64, i64)>,
    pub audit_entries: i64,
}

/// A backup written or restored: its size and what it holds.
#[derive(Debug, Clone)]
pub struct Summary {
    pub path: PathBuf,
    pub bytes: u64,
    pub contents: Contents,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} bytes; {} events, {} audit entries",
            self.path.display(),
            self.bytes,
            self.contents.events,
            self.contents.audit_entries
        )?;
        match &self.contents.last_event {
            Some((election, seq, at)) => {
                let at = chrono::DateTime::from_timestamp_millis(*at)
                    .map_or_else(|| at.to_string(), |t| t.to_rfc3339());
                write!(
                    f,
                    "; the last event is number {seq} of election {election}, committed at {at}"
                )
            }
            None => write!(f, "; no events yet"),
        }
    }
}

fn read_contents(db: &mut Db) -> Result<Contents, diesel::result::Error> {
    let count: i64 = events::table.count().get_result(db)?;
    let last_event = events::table
        .select((events::election_id, events::seq, events::committed_at))
        .order((events::committed_at.desc(), events::seq.desc()))
        .first::<(String, i64, i64)>(db)
        .optional()?;
    let audit_entries: i64 = audit_log::table.count().get_result(db)?;
    Ok(Contents {
        events: count,
        last_event,
        audit_entries,
    })
}

/// A SQLite file as a URI (so that `mode=ro` can be asked for).
fn sqlite_uri(path: &Path, mode: &str) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?mode=");
    uri.push_str(mode);
    uri
}

/// A SQLite file opened read-only: nothing about it changes, not even its journal mode.
fn open_read_only(path: &Path) -> Result<Db, BackupError> {
    let uri = sqlite_uri(path, "ro");
    let mut conn = diesel::SqliteConnection::establish(&uri).map_err(|source| {
        BackupError::Db(DbError::Connect {
            url: path.display().to_string(),
            source,
        })
    })?;
    conn.batch_execute("PRAGMA busy_timeout = 10000;")?;
    Ok(Db::Sqlite(conn))
}

/// A name beside `path` for the file being written until it is whole.
fn partial_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "backup".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(
        ".{name}.{}{PARTIAL_SUFFIX}",
        uuid::Uuid::new_v4().simple()
    ))
}

/// Removes a file that may not be there.
fn remove_if_there(path: &Path) {
    if let Err(e) = std::fs::remove_file(path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %path.display(), error = %e, "cannot remove");
    }
}

/// Flushes `file` to disk, renames it to `to` and flushes the folder, so that once this
/// returns the backup is there whole after a power cut too.
fn settle(file: &Path, to: &Path) -> Result<u64, BackupError> {
    let handle = File::open(file).map_err(io(file))?;
    handle.sync_all().map_err(io(file))?;
    let bytes = handle.metadata().map_err(io(file))?.len();
    drop(handle);
    std::fs::rename(file, to).map_err(io(to))?;
    if let Some(dir) = to.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        // Not every filesystem can flush a folder; the rename itself has happened.
        if let Ok(handle) = File::open(dir) {
            let _ = handle.sync_all();
        }
    }
    Ok(bytes)
}

/// Takes a backup of the database at `url` into `to`. Refuses an existing `to` unless
/// `force` (then it is replaced only once the new backup is whole).
///
/// # Errors
/// `Exists`, `NoDatabase`, a database or file error, or for PostgreSQL `ToolMissing`
/// or `ToolFailed`.
pub fn backup(url: &str, to: &Path, force: bool) -> Result<Summary, BackupError> {
    if !force && to.exists() {
        return Err(BackupError::Exists(to.to_owned()));
    }
    let partial = partial_beside(to);
    let result = if db::is_postgres(url) {
        backup_postgres(url, &partial)
    } else {
        backup_sqlite(url, &partial)
    };
    let settled = result.and_then(|contents| {
        let bytes = settle(&partial, to)?;
        Ok(Summary {
            path: to.to_owned(),
            bytes,
            contents,
        })
    });
    if settled.is_err() {
        remove_if_there(&partial);
    }
    settled
}

fn backup_sqlite(url: &str, partial: &Path) -> Result<Contents, BackupError> {
    // `connect` would make a new, empty database where there is none.
    match std::fs::metadata(url) {
        Ok(meta) if meta.len() > 0 => {}
        _ => return Err(BackupError::NoDatabase(url.to_owned())),
    }
    let mut live = db::connect(url)?;
    let target = partial.to_string_lossy().into_owned();
    // One read transaction: a consistent snapshot, while the writer goes on.
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(&target)
        .execute(&mut live)?;
    drop(live);
    check_sqlite_file(partial)
}

/// Checks a SQLite backup (whole, Kiesdag's) and reads what it holds.
fn check_sqlite_file(path: &Path) -> Result<Contents, BackupError> {
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        quick_check: String,
    }
    let not_a_backup = |reason: String| BackupError::NotABackup {
        path: path.to_owned(),
        reason,
    };
    let mut db = open_read_only(path)?;
    let check: Vec<Check> = diesel::sql_query("PRAGMA quick_check")
        .load(&mut db)
        .map_err(|e| not_a_backup(e.to_string()))?;
    if check.len() != 1 || check[0].quick_check != "ok" {
        let problems: Vec<_> = check.into_iter().map(|c| c.quick_check).collect();
        return Err(not_a_backup(format!("damaged: {}", problems.join("; "))));
    }
    if !crate::store::has_tables(&mut db)? {
        return Err(not_a_backup("it has no Kiesdag tables".into()));
    }
    read_contents(&mut db).map_err(|e| not_a_backup(e.to_string()))
}

/// Where PostgreSQL's client tools are: `KIESDAG_PG_BIN` (a folder), else the PATH.
fn pg_tool(tool: &str) -> (PathBuf, String) {
    match std::env::var_os("KIESDAG_PG_BIN").filter(|d| !d.is_empty()) {
        Some(dir) => {
            let path = Path::new(&dir).join(tool);
            let searched = format!("KIESDAG_PG_BIN={}", Path::new(&dir).display());
            (path, searched)
        }
        None => (PathBuf::from(tool), "on the PATH".to_owned()),
    }
}

/// Runs one of PostgreSQL's client tools; its standard error on failure.
fn run_pg_tool(tool: &str, args: &[&str]) -> Result<String, BackupError> {
    let (program, searched) = pg_tool(tool);
    let output = Command::new(&program)
        .args(args)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => BackupError::ToolMissing {
                tool: tool.to_owned(),
                searched,
            },
            _ => BackupError::Io {
                path: program.clone(),
                source: e,
            },
        })?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(BackupError::ToolFailed {
            tool: tool.to_owned(),
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

fn backup_postgres(url: &str, partial: &Path) -> Result<Contents, BackupError> {
    let mut db = db::connect(url)?;
    let file = partial.to_string_lossy().into_owned();
    // pg_dump takes the snapshot exported here, so what is printed about the backup is
    // what it holds; the transaction stays open until the dump is done.
    db.transaction(|db| {
        db.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        let snapshot: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
            "pg_export_snapshot()",
        ))
        .get_result(db)?;
        let contents = read_contents(db)?;
        run_pg_tool(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                &format!("--snapshot={snapshot}"),
                &format!("--file={file}"),
                &format!("--dbname={url}"),
            ],
        )?;
        Ok(contents)
    })
}

/// The first bytes of a file, to tell a SQLite backup from a PostgreSQL dump.
fn magic(path: &Path) -> Result<Vec<u8>, BackupError> {
    let mut head = Vec::with_capacity(16);
    File::open(path)
        .map_err(io(path))?
        .take(16)
        .read_to_end(&mut head)
        .map_err(io(path))?;
    Ok(head)
}

/// Refuses a database that is not empty: one holding a table that is not Kiesdag's
/// (`NotKiesdags`, a mistyped `--db` naming another application's database), or a
/// row in a core table (`NotEmpty`).
fn refuse_unless_empty(db: &mut Db) -> Result<(), BackupError> {
    let foreign = tables_not_kiesdags(db)?;
    if !foreign.is_empty() {
        return Err(BackupError::NotKiesdags(foreign.join(", ")));
    }
    match rows_in_core_tables(db)? {
        Some(held) => Err(BackupError::NotEmpty(held)),
        None => Ok(()),
    }
}

/// The tables and views of the database (PostgreSQL: of its current schema) that are
/// not Kiesdag's, by name; SQLite's own (`sqlite_…`) aside.
fn tables_not_kiesdags(db: &mut Db) -> Result<Vec<String>, BackupError> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let query = match db {
        Db::Postgres(_) => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() ORDER BY 1"
        }
        Db::Sqlite(_) => {
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"
        }
    };
    Ok(diesel::sql_query(query)
        .load::<Name>(db)?
        .into_iter()
        .map(|t| t.name)
        .filter(|name| !KIESDAG_TABLES.contains(&name.as_str()))
        .collect())
}

/// What a non-empty database holds, in words (`None` when it is empty): its core
/// tables' rows.
fn rows_in_core_tables(db: &mut Db) -> Result<Option<String>, BackupError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut held = Vec::new();
    for table in CORE_TABLES {
        let exists = match db {
            Db::Postgres(_) => format!(
                "SELECT COUNT(*) AS n FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
            Db::Sqlite(_) => format!(
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
            ),
        };
        if diesel::sql_query(exists).get_result::<Count>(db)?.n == 0 {
            continue;
        }
        let rows = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<Count>(db)?
            .n;
        if rows > 0 {
            held.push(format!("{table}: {rows} rows"));
        }
    }
    Ok((!held.is_empty()).then(|| held.join(", ")))
}

/// Restores the backup `from` into the database at `url`, which must be empty.
///
/// # Errors
/// `NotEmpty` (nothing changed), `NotABackup`, `AuditBroken`, a database or file
/// error, or for PostgreSQL `ToolMissing` or `ToolFailed` (`pg_restore` runs in one
/// transaction: nothing changed).
pub fn restore(url: &str, from: &Path) -> Result<Summary, BackupError> {
    let head = magic(from)?;
    let postgres = db::is_postgres(url);
    let kind_mismatch = |what: &str| BackupError::NotABackup {
        path: from.to_owned(),
        reason: what.to_owned(),
    };
    match (
        postgres,
        head.starts_with(SQLITE_MAGIC),
        head.starts_with(PG_DUMP_MAGIC),
    ) {
        (false, true, _) | (true, _, true) => {}
        (true, true, _) => {
            return Err(kind_mismatch(
                "it is a SQLite backup and the database is PostgreSQL; restore it into a SQLite file",
            ));
        }
        (false, _, true) => {
            return Err(kind_mismatch(
                "it is a PostgreSQL dump and the database is a SQLite file; restore it into PostgreSQL",
            ));
        }
        _ => {
            return Err(kind_mismatch(
                "neither a SQLite file nor a PostgreSQL custom-format dump",
            ));
        }
    }
    if postgres {
        restore_postgres(url, from)
    } else {
        restore_sqlite(Path::new(url), from)
    }
}

/// Refuses a SQLite file that holds anything: a table that is not Kiesdag's, or a row
/// in a core table. A missing or zero-length file is empty.
fn sqlite_target_is_empty(target: &Path) -> Result<(), BackupError> {
    match std::fs::metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(target)(e)),
        Ok(meta) if meta.len() == 0 => return Ok(()),
        Ok(_) => {}
    }
    let mut db = open_read_only(target)?;
    refuse_unless_empty(&mut db)
}

fn restore_sqlite(target: &Path, from: &Path) -> Result<Summary, BackupError> {
    sqlite_target_is_empty(target)?;
    check_sqlite_file(from)?;
    let partial = partial_beside(target);
    let result = (|| {
        std::fs::copy(from, &partial).map_err(io(&partial))?;
        let contents = {
            let mut db = db::open(&partial.to_string_lossy())?;
            verify_audit(&mut db)?;
            let contents = read_contents(&mut db)?;
            // Everything into the main file, so that it is whole without its log.
            db.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?;
            contents
        };
        for log in ["-wal", "-shm"] {
            remove_if_there(&PathBuf::from(format!("{}{log}", partial.display())));
        }
        // Checked again just before: nobody made it non-empty meanwhile.
        sqlite_target_is_empty(target)?;
        // An empty database's logs must not be applied to the restored file.
        for log in ["-wal", "-shm"] {
            remove_if_there(&PathBuf::from(format!("{}{log}", target.display())));
        }
        let bytes = settle(&partial, target)?;
        Ok(Summary {
            path: target.to_owned(),
            bytes,
            contents,
        })
    })();
    if result.is_err() {
        for suffix in ["", "-wal", "-shm"] {
            remove_if_there(&PathBuf::from(format!("{}{suffix}", partial.display())));
        }
    }
    result
}

fn verify_audit(db: &mut Db) -> Result<(), BackupError> {
    match crate::store::audit::verify(db)? {
        Ok(_) => Ok(()),
        Err(broken) => Err(BackupError::AuditBroken {
            id: broken.id,
            reason: broken.reason,
        }),
    }
}

fn restore_postgres(url: &str, from: &Path) -> Result<Summary, BackupError> {
    let file = from.to_string_lossy().into_owned();
    // Reads the dump's table of contents: a damaged file is refused before anything.
    run_pg_tool("pg_restore", &["--list", &file]).map_err(|e| match e {
        BackupError::ToolFailed { stderr, .. } => BackupError::NotABackup {
            path: from.to_owned(),
            reason: stderr,
        },
        other => other,
    })?;
    let mut db = db::connect(url)?;
    refuse_unless_empty(&mut db)?;
    // An empty database may have Kiesdag's tables already (`kiesdag migrate`): they
    // are dropped and made again from the dump, in the same transaction.
    let has_tables = crate::store::has_tables(&mut db)?;
    drop(db);
    let dbname = format!("--dbname={url}");
    let mut args = vec![
        dbname.as_str(),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ];
    if has_tables {
        args.extend(["--clean", "--if-exists"]);
    }
    args.push(&file);
    run_pg_tool("pg_restore", &args)?;
    let mut db = db::open(url)?;
    verify_audit(&mut db)?;
    let contents = read_contents(&mut db)?;
    let bytes = std::fs::metadata(from).map_err(io(from))?.len();
    Ok(Summary {
        path: from.to_owned(),
        bytes,
        contents,
    })
}

/// `kiesdag serve --backup-every`: a backup every `every` into `dir`, keeping the
/// newest `keep` of this schedule's own files.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub url: String,
    pub dir: PathBuf,
    pub every: Duration,
    pub keep: usize,
}

impl Schedule {
    /// Makes the folder (so that a wrong one is told at start) and starts the thread.
    /// A backup that fails is logged and counted on `/metrics`; the next is tried at
    /// its time.
    ///
    /// # Errors
    /// When the folder cannot be made or the thread cannot start.
    pub fn start(self, metrics: Metrics) -> Result<(), BackupError> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        self.remove_partials();
        let dir = self.dir.clone();
        std::thread::Builder::new()
            .name("kiesdag-backup".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(self.every);
                    // A panic in one backup must not end the schedule, nor the server.
                    let taken =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.take_one()));
                    match taken {
                        Ok(Ok(summary)) => {
                            metrics.backup_taken(db::now_ms(), summary.bytes);
                            tracing::info!(%summary, "backup taken");
                            self.rotate();
                        }
                        Ok(Err(error)) => {
                            metrics.backup_failed();
                            tracing::error!(%error, dir = %self.dir.display(), "backup failed");
                        }
                        Err(_) => {
                            metrics.backup_failed();
                            tracing::error!(dir = %self.dir.display(), "backup panicked");
                        }
                    }
                }
            })
            .map_err(io(&dir))?;
        Ok(())
    }

    /// The database's name in this schedule's file names, so that the schedules of
    /// two databases backing up into one folder (two elections' servers) never take
    /// each other's files for their own: the SQLite file's name without its extension,
    /// or the PostgreSQL database's name; letters, digits and `_` (anything else `_`).
    #[must_use]
    pub fn label(url: &str) -> String {
        let name = if db::is_postgres(url) {
            let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
            let path = after_scheme.split('?').next().unwrap_or_default();
            path.split_once('/')
                .map(|(_, name)| name.to_owned())
                .unwrap_or_default()
        } else {
            db::sqlite_path(url)
                .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .unwrap_or_default()
        };
        let name: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if name.is_empty() {
            "database".into()
        } else {
            name
        }
    }

    fn prefix(&self) -> String {
        format!("{SCHEDULED_PREFIX}{}-", Self::label(&self.url))
    }

    fn extension(&self) -> &'static str {
        if db::is_postgres(&self.url) {
            POSTGRES_EXTENSION
        } else {
            SQLITE_EXTENSION
        }
    }

    /// The next backup's path: the time now in its name.
    #[must_use]
    pub fn next_path(&self) -> PathBuf {
        let now = chrono::Utc::now().format(SCHEDULED_TIME);
        self.dir
            .join(format!("{}{now}{}", self.prefix(), self.extension()))
    }

    fn take_one(&self) -> Result<Summary, BackupError> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        backup(&self.url, &self.next_path(), false)
    }

    /// Whether `name` is one of this schedule's backups (its prefix with the
    /// database's label, a time that parses, its extension): nothing else in the
    /// folder is ever deleted.
    #[must_use]
    pub fn is_own(&self, name: &str) -> bool {
        name.strip_prefix(&self.prefix())
            .and_then(|rest| rest.strip_suffix(self.extension()))
            .is_some_and(|time| chrono::NaiveDateTime::parse_from_str(time, SCHEDULED_TIME).is_ok())
    }

    /// This schedule's backups in the folder, oldest first (their names sort by time).
    fn own_backups(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut own: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| self.is_own(&e.file_name().to_string_lossy()))
            .map(|e| e.path())
            .collect();
        own.sort();
        own
    }

    /// Deletes the oldest of this schedule's backups beyond `keep`.
    fn rotate(&self) {
        let own = self.own_backups();
        let beyond = own.len().saturating_sub(self.keep);
        for old in &own[..beyond] {
            match std::fs::remove_file(old) {
                Ok(()) => tracing::info!(path = %old.display(), "old backup deleted"),
                Err(error) => {
                    tracing::warn!(path = %old.display(), %error, "cannot delete an old backup");
                }
            }
        }
    }

    /// A backup cut short by a stop leaves its partial file: removed at start.
    fn remove_partials(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let own_partial = name
                .strip_prefix('.')
                .and_then(|rest| rest.strip_suffix(PARTIAL_SUFFIX))
                .and_then(|rest| rest.rsplit_once('.'))
                .is_some_and(|(backup, _)| self.is_own(backup));
            if own_partial {
                remove_if_there(&entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(url: &str) -> Schedule {
        Schedule {
            url: url.into(),
            dir: PathBuf::from("/nonexistent"),
            every: Duration::from_secs(60),
            keep: 3,
        }
    }

    #[test]
    fn a_schedule_knows_only_its_own_names() {
        let sqlite = schedule("/var/lib/kiesdag.db");
        let name = sqlite.next_path();
        let name = name.file_name().map(|n| n.to_string_lossy().into_owned());
        assert!(
            sqlite.is_own(name.as_deref().unwrap_or_default()),
            "{name:?}"
        );
        assert!(sqlite.is_own("kiesdag-backup-kiesdag-20261205T045300.123Z.sqlite"));
        for other in [
            "kiesdag-backup-kiesdag-20261205T045300.123Z.pgdump",
            "kiesdag-backup-kiesdag-latest.sqlite",
            "kiesdag-backup-kiesdag-20261205T045300.123Z.sqlite.bak",
            "my-kiesdag-backup-kiesdag-20261205T045300.123Z.sqlite",
            // Another database's schedule in the same folder.
            "kiesdag-backup-ps2027-20261205T045300.123Z.sqlite",
            "kiesdag-backup-kiesdag_b-20261205T045300.123Z.sqlite",
            "notes.txt",
        ] {
            assert!(!sqlite.is_own(other), "{other}");
        }
        let postgres = schedule("postgresql://kiesdag@db.internal:5432/gr2026?sslmode=require");
        assert!(postgres.is_own("kiesdag-backup-gr2026-20261205T045300.123Z.pgdump"));
        assert!(!postgres.is_own("kiesdag-backup-gr2026-20261205T045300.123Z.sqlite"));
        assert!(!postgres.is_own("kiesdag-backup-kiesdag-20261205T045300.123Z.pgdump"));
        // Two elections' servers backing up into one folder: neither takes the
        // other's backups for its own (and so never deletes them).
        let (gr, ps) = (schedule("/srv/gr2026.db"), schedule("/srv/ps2027.db"));
        for (one, other) in [(&gr, &ps), (&ps, &gr)] {
            let theirs = other.next_path();
            let theirs = theirs.file_name().unwrap_or_default().to_string_lossy();
            assert!(other.is_own(&theirs), "{theirs}");
            assert!(!one.is_own(&theirs), "{theirs}");
        }
        assert_eq!(
            Schedule::label("postgresql:///kiesdag_test?host=/run"),
            "kiesdag_test"
        );
        assert_eq!(Schedule::label("file:/srv/GR 2026.db?mode=rwc"), "GR_2026");
        assert_eq!(Schedule::label("postgresql://db.internal"), "database");
    }

    #[test]
    fn a_path_with_uri_characters_stays_one_file() {
        assert_eq!(
            sqlite_uri(Path::new("/tmp/a?b#c%d.db"), "ro"),
            "file:/tmp/a%3fb%23c%25d.db?mode=ro"
        );
    }
}
