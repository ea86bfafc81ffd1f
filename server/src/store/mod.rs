//! Reads and writes, one module per table group. Every function takes the connection
//! (inside a transaction where the caller needs one) and speaks domain types.

pub mod audit;
pub mod codes;
pub mod convocation;
pub mod counting_offices;
pub mod delivery;
pub mod devices;
pub mod elections;
pub mod eml;
pub mod events;
pub mod personal;
pub mod service_history;
pub mod stations;
pub mod users;

use thiserror::Error;

use crate::db::Db;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("stored document {what} is unreadable: {reason}")]
    Corrupt { what: String, reason: String },
    #[error("{0} not found")]
    NotFound(String),
    /// A station of another election has this id (ids are the municipality's code and
    /// the station's number): updating it would move that election's station, its
    /// day and its result, into this one.
    #[error(
        "station {station} already belongs to election {election}: a database keeps a station for one election (its id is the municipality's code and the station's number), so import another election's stations into a database of its own (--db)"
    )]
    OtherElection { station: String, election: String },
    /// The work panicked; it was rolled back and its connection dropped.
    #[error("internal error; nothing was stored")]
    Panicked,
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    what: &str,
    json: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        what: what.to_owned(),
        // Where, not what: the document may name a person, and this goes to the log.
        reason: shared::protocol::without_content(&e),
    })
}

pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The setting that marks a database as a demo's, and so as one a demo may recreate.
pub const DEMO_MARK: &str = "demo_database";

/// Marks the database as a demo's (`kiesdag demo` may recreate only such a one).
///
/// # Errors
/// A database error.
pub fn settings_mark_demo(db: &mut Db) -> Result<(), StoreError> {
    use crate::db::schema::settings;
    use diesel::prelude::*;
    diesel::delete(settings::table.find(DEMO_MARK)).execute(db)?;
    diesel::insert_into(settings::table)
        .values((settings::name.eq(DEMO_MARK), settings::value.eq("1")))
        .execute(db)?;
    Ok(())
}

/// Whether the database was made by `kiesdag demo`.
///
/// # Errors
/// A database error (a file that is no database, a database with no settings table).
pub fn is_marked_demo(db: &mut Db) -> Result<bool, StoreError> {
    use crate::db::schema::settings;
    use diesel::prelude::*;
    let found: Option<String> = settings::table
        .find(DEMO_MARK)
        .select(settings::value)
        .first(db)
        .optional()?;
    if found.is_some() {
        return Ok(true);
    }
    // Demos before the mark made only their own election, "DEMO".
    let elections = elections::all(db)?;
    Ok(!elections.is_empty() && elections.iter().all(|e| e.id == "DEMO"))
}

/// Whether the database already holds Kiesdag's tables (its migrations ran).
///
/// # Errors
/// A database error.
pub fn has_tables(db: &mut Db) -> Result<bool, StoreError> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let query = match db {
        Db::Postgres(_) => {
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = '__diesel_schema_migrations'"
        }
        Db::Sqlite(_) => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '__diesel_schema_migrations'"
        }
    };
    let found: Found = diesel::sql_query(query).get_result(db)?;
    Ok(found.n > 0)
}
