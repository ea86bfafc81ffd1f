//! The database: an embedded SQLite file by default, PostgreSQL when the URL says so.
//! One code path for both through diesel's `MultiConnection`; each backend has its own
//! migrations, run at start.

pub mod schema;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use thiserror::Error;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum Db {
    Sqlite(diesel::SqliteConnection),
    Postgres(diesel::PgConnection),
}

#[derive(Debug, Error)]
pub enum DbError {
    #[error("cannot open the database {url}: {source}")]
    Connect {
        url: String,
        source: diesel::ConnectionError,
    },
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
}

/// Whether `url` names PostgreSQL; anything else is a SQLite file path.
#[must_use]
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens a connection. SQLite runs in WAL mode with a busy timeout, so the CLI and a
/// running server can share the file.
///
/// # Errors
/// `DbError::Connect` when the database cannot be opened.
pub fn connect(url: &str) -> Result<Db, DbError> {
    if is_postgres(url) {
        let conn = diesel::PgConnection::establish(url).map_err(|source| DbError::Connect {
            url: url.to_owned(),
            source,
        })?;
        Ok(Db::Postgres(conn))
    } else {
        let mut conn =
            diesel::SqliteConnection::establish(url).map_err(|source| DbError::Connect {
                url: url.to_owned(),
                source,
            })?;
        conn.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
        )?;
        Ok(Db::Sqlite(conn))
    }
}

/// The file a SQLite URL names: a plain path, or a `file:` URI without its query;
/// None for an in-memory database.
#[must_use]
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    let path = path.strip_prefix("file:").unwrap_or(path);
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// Runs the migrations not yet applied; returns how many ran.
///
/// # Errors
/// `DbError::Migration` when a migration fails.
pub fn migrate(db: &mut Db) -> Result<usize, DbError> {
    let applied = match db {
        Db::Sqlite(conn) => conn
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len()),
        Db::Postgres(conn) => conn
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    applied.map_err(|e| DbError::Migration(e.to_string()))
}

/// Opens and migrates.
///
/// # Errors
/// As `connect` and `migrate`.
pub fn open(url: &str) -> Result<Db, DbError> {
    let mut db = connect(url)?;
    migrate(&mut db)?;
    Ok(db)
}

/// Milliseconds since the epoch, now.
#[must_use]
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A multi-row insert. `MultiConnection` cannot express one generically (SQLite's
/// batch insert differs), so this runs it on the inner connection of either backend,
/// inside whatever transaction the caller has open.
#[macro_export]
macro_rules! insert_rows {
    ($db:expr, $table:expr, $rows:expr) => {
        match $db {
            $crate::db::Db::Sqlite(conn) => diesel::insert_into($table).values($rows).execute(conn),
            $crate::db::Db::Postgres(conn) => {
                diesel::insert_into($table).values($rows).execute(conn)
            }
        }
    };
}

/// Opens pooled connections through `connect`, so pooled SQLite connections get the
/// same pragmas and a PostgreSQL URL is never mistaken for a file name.
#[derive(Debug, Clone)]
pub struct Manager {
    pub url: String,
}

impl diesel::r2d2::ManageConnection for Manager {
    type Connection = Db;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Db, Self::Error> {
        connect(&self.url).map_err(|e| match e {
            DbError::Connect { source, .. } => diesel::r2d2::Error::ConnectionError(source),
            DbError::Query(q) => diesel::r2d2::Error::QueryError(q),
            DbError::Migration(m) => {
                diesel::r2d2::Error::QueryError(diesel::result::Error::QueryBuilderError(m.into()))
            }
        })
    }

    fn is_valid(&self, conn: &mut Db) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    /// A connection given back while its thread panics, or with a transaction still
    /// open or broken (a panic unwound past diesel's `transaction`, which then neither
    /// commits nor rolls back), is dropped, never handed to the next request: an open
    /// SQLite transaction would serve stale reads, hold the write lock and stop WAL
    /// checkpoints for everyone after it.
    fn has_broken(&self, conn: &mut Db) -> bool {
        std::thread::panicking() || !is_idle(conn)
    }
}

pub type Pool = diesel::r2d2::Pool<Manager>;

/// Whether the connection has no transaction open and none broken.
#[must_use]
pub fn is_idle(conn: &mut Db) -> bool {
    use diesel::connection::TransactionManager;
    let status = <Db as Connection>::TransactionManager::transaction_manager_status_mut(conn);
    matches!(status.transaction_depth(), Ok(None))
}

/// A pool of `size` connections to `url`.
///
/// # Errors
/// When no connection can be opened.
pub fn pool(url: &str, size: u32) -> Result<Pool, DbError> {
    diesel::r2d2::Pool::builder()
        .max_size(size)
        // A request waits at most this long for a connection (r2d2's default is 30 s):
        // with the database down, requests fail within seconds, and the database's
        // return is noticed as soon.
        .connection_timeout(std::time::Duration::from_secs(5))
        .build(Manager {
            url: url.to_owned(),
        })
        .map_err(|e| DbError::Migration(format!("cannot open the connection pool: {e}")))
}

/// A transaction that writes. Its first statement takes the write lock: in SQLite a
/// transaction that reads first cannot upgrade to writing while another connection
/// writes ("database is locked" at once, whatever the busy timeout), while one that
/// starts by writing waits its turn. In PostgreSQL the same statement locks the audit
/// chain's head, which every writing transaction appends to anyway.
///
/// # Errors
/// Whatever `f` returns, or a database error; the transaction then rolls back.
pub fn write_transaction<T, E, F>(db: &mut Db, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Db) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    db.transaction(|db| {
        use schema::audit_head;
        diesel::update(audit_head::table.find(1))
            .set(audit_head::last_id.eq(audit_head::last_id))
            .execute(db)?;
        f(db)
    })
}

/// A read of several statements that sees one consistent state of the database
/// (SQLite: one read transaction; PostgreSQL: REPEATABLE READ).
///
/// # Errors
/// Whatever `f` returns, or a database error.
pub fn read_snapshot<T, E, F>(db: &mut Db, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Db) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    db.transaction(|db| {
        if matches!(db, Db::Postgres(_)) {
            db.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")?;
        }
        f(db)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migrations whose SQLite text must differ from PostgreSQL's beyond its first
    /// line, and why. Any other difference is a drift between the two databases.
    const DIALECT_SPECIFIC: [(&str, &str); 1] = [(
        "2026-12-03-000002_hardening",
        "SQLite cannot change a table's primary key: it copies the table instead",
    )];

    /// A migration's SQL without its first line (which names the dialect).
    fn body(dialect: &str, migration: &str, file: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dialect)
            .join(migration)
            .join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        text.lines().skip(1).collect::<Vec<_>>().join("\n")
    }

    fn names(dialect: &str) -> std::collections::BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dialect);
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect()
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn sqlite_and_postgresql_migrations_are_one_text_but_the_first_line() {
        let sqlite = names("sqlite");
        assert_eq!(
            sqlite,
            names("postgres"),
            "every migration in both dialects"
        );
        for migration in &sqlite {
            let specific = DIALECT_SPECIFIC.iter().any(|(name, _)| name == migration);
            for file in ["up.sql", "down.sql"] {
                let same = body("sqlite", migration, file) == body("postgres", migration, file);
                assert!(
                    same != specific,
                    "{migration}/{file}: {}",
                    if specific {
                        "listed as dialect-specific but the same: take it off the list"
                    } else {
                        "SQLite and PostgreSQL differ beyond line 1; make them one text or \
                         list the migration in DIALECT_SPECIFIC with the reason"
                    }
                );
            }
        }
    }

    fn file() -> (std::path::PathBuf, String) {
        let dir = std::env::temp_dir().join(format!("kiesdag-db-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let url = dir.join("t.db").to_string_lossy().into_owned();
        (dir, url)
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn a_connection_left_in_a_transaction_by_a_panic_is_not_pooled_again() {
        let (dir, url) = file();
        open(&url).unwrap();
        let pool = pool(&url, 1).unwrap();
        let unwound = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let mut conn = pool.get().unwrap();
                    conn.transaction(|conn| {
                        conn.batch_execute("SELECT 1")?;
                        // A panic unwinds past diesel's transaction: no rollback.
                        if conn.batch_execute("SELECT 1").is_ok() {
                            panic!("a fault inside the transaction");
                        }
                        Ok::<_, diesel::result::Error>(())
                    })
                })
                .join()
        });
        assert!(unwound.is_err());
        let mut next = pool.get().unwrap();
        assert!(
            is_idle(&mut next),
            "the next request gets a clean connection"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
