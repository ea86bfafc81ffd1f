//! What an EML_NL import records beside the election (`features::eml`): which election
//! of the Kiesraad's the Kiesdag election is (its EML identity), and the candidates of
//! its lists. Kept as settings, one JSON document each, so no table is needed.

use diesel::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

use super::{StoreError, from_json, to_json};
use crate::db::{Db, schema::settings};

/// A document kept for an election.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The EML election identifier the election was imported as (e.g. GR2026_Assen).
    Identity,
    /// The candidates of each list, from the candidate lists (230b).
    Candidates,
}

impl Part {
    const fn prefix(self) -> &'static str {
        match self {
            Self::Identity => "eml_identity",
            Self::Candidates => "eml_candidates",
        }
    }

    fn key(self, election_id: &str) -> String {
        format!("{}:{election_id}", self.prefix())
    }
}

/// The election's document, if an import recorded one.
///
/// # Errors
/// A database error, or a stored document that does not read.
pub fn get<T: DeserializeOwned>(
    db: &mut Db,
    election_id: &str,
    part: Part,
) -> Result<Option<T>, StoreError> {
    let json: Option<String> = settings::table
        .find(part.key(election_id))
        .select(settings::value)
        .first(db)
        .optional()?;
    json.map(|json| from_json(part.prefix(), &json)).transpose()
}

/// Records the election's document, replacing the one before.
///
/// # Errors
/// A database error.
pub fn set<T: Serialize>(
    db: &mut Db,
    election_id: &str,
    part: Part,
    value: &T,
) -> Result<(), StoreError> {
    let key = part.key(election_id);
    diesel::delete(settings::table.find(&key)).execute(db)?;
    diesel::insert_into(settings::table)
        .values((settings::name.eq(&key), settings::value.eq(to_json(value))))
        .execute(db)?;
    Ok(())
}
