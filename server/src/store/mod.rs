//! Reads and writes, one module per table group. Every function takes the connection
//! (inside a transaction where the caller needs one) and speaks domain types.

pub mod audit;
pub mod codes;
pub mod devices;
pub mod elections;
pub mod events;
pub mod stations;
pub mod users;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("stored document {what} is unreadable: {reason}")]
    Corrupt { what: String, reason: String },
    #[error("{0} not found")]
    NotFound(String),
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
        reason: e.to_string(),
    })
}

pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
