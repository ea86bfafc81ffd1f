//! Personal texts kept out of the audit chain (`docs/privacy.md`, "Retention and
//! erasure"). Where an audited report or action holds a name or a free text, its audit
//! entry holds a reference instead: a keyed digest (HMAC-SHA256) of the text under the
//! key of the text's scope, an election. The text itself is kept in `personal_values`.
//! Erasing a scope deletes its values and its key: the chain, which hashes only the
//! references, still verifies, and a reference then leads to nobody (without the key it
//! cannot be tested against a guessed name).

use std::collections::HashMap;

use diesel::prelude::*;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use shared::domain::PersonalTexts;

use super::StoreError;
use crate::db::{
    Db,
    schema::{personal_keys, personal_values},
};

/// How a reference starts, in an audit entry's payload.
pub const REFERENCE_PREFIX: &str = "@personal:";

/// The scope of an election's personal texts.
#[must_use]
pub fn election_scope(election_id: &str) -> String {
    format!("election:{election_id}")
}

/// Whether `text` is a reference rather than a text.
#[must_use]
pub fn is_reference(text: &str) -> bool {
    text.strip_prefix(REFERENCE_PREFIX)
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The reference of `text` under `key`: 128 bits of its HMAC-SHA256, in hex.
#[must_use]
pub fn reference(key: &[u8], text: &str) -> String {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return format!("{REFERENCE_PREFIX}{}", "0".repeat(32));
    };
    mac.update(text.as_bytes());
    let digest = mac.finalize().into_bytes();
    format!("{REFERENCE_PREFIX}{}", hex::encode(&digest[..16]))
}

/// The key of `scope`, made when it has none yet and `create` says so.
///
/// # Errors
/// A database error, or a stored key that is not hex.
pub fn key(db: &mut Db, scope: &str, create: bool) -> Result<Option<Vec<u8>>, StoreError> {
    let stored: Option<String> = personal_keys::table
        .find(scope)
        .select(personal_keys::key_hex)
        .first(db)
        .optional()?;
    let stored = match stored {
        Some(hex) => Some(hex),
        None if create => {
            let mut bytes = [0_u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            let row = (
                personal_keys::scope.eq(scope),
                personal_keys::key_hex.eq(hex::encode(bytes)),
                personal_keys::created_at.eq(crate::db::now_ms()),
            );
            // Another instance may make the scope's key at the same moment: the first
            // one stays, and both use it.
            match db {
                Db::Sqlite(conn) => diesel::insert_or_ignore_into(personal_keys::table)
                    .values(row)
                    .execute(conn)?,
                Db::Postgres(conn) => diesel::insert_into(personal_keys::table)
                    .values(row)
                    .on_conflict_do_nothing()
                    .execute(conn)?,
            };
            personal_keys::table
                .find(scope)
                .select(personal_keys::key_hex)
                .first(db)
                .optional()?
        }
        None => None,
    };
    stored
        .map(|hex| {
            hex::decode(&hex).map_err(|e| StoreError::Corrupt {
                what: format!("personal key of {scope}"),
                reason: e.to_string(),
            })
        })
        .transpose()
}

/// Replaces each personal text in `value` with its reference under `scope`'s key, and
/// keeps the text in `personal_values`. Call inside the transaction that writes the
/// audit entry; texts already references are left as they are.
///
/// # Errors
/// A database error.
pub fn seal<T: PersonalTexts>(db: &mut Db, scope: &str, value: &mut T) -> Result<(), StoreError> {
    let mut texts = Vec::new();
    value.visit_personal_texts(&mut |text| {
        if !text.is_empty() && !is_reference(text) {
            texts.push(text.clone());
        }
    });
    if texts.is_empty() {
        return Ok(());
    }
    let Some(key) = key(db, scope, true)? else {
        return Err(StoreError::NotFound(format!("personal key of {scope}")));
    };
    let mut references: HashMap<String, String> = HashMap::new();
    for text in texts {
        let r = reference(&key, &text);
        references.insert(text, r);
    }
    value.visit_personal_texts(&mut |text| {
        if let Some(r) = references.get(text.as_str()) {
            r.clone_into(text);
        }
    });
    let rows: Vec<_> = references
        .into_iter()
        .map(|(text, r)| {
            (
                personal_values::scope.eq(scope.to_owned()),
                personal_values::reference.eq(r),
                personal_values::value.eq(text),
            )
        })
        .collect();
    for chunk in rows.chunks(300) {
        match db {
            Db::Sqlite(conn) => diesel::insert_or_ignore_into(personal_values::table)
                .values(chunk)
                .execute(conn)?,
            Db::Postgres(conn) => diesel::insert_into(personal_values::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(conn)?,
        };
    }
    Ok(())
}

/// What erasing a scope deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Erased {
    pub values: usize,
    pub keys: usize,
}

/// Deletes `scope`'s texts and key.
///
/// # Errors
/// A database error.
pub fn erase(db: &mut Db, scope: &str) -> Result<Erased, StoreError> {
    let values = diesel::delete(personal_values::table.filter(personal_values::scope.eq(scope)))
        .execute(db)?;
    let keys = diesel::delete(personal_keys::table.find(scope)).execute(db)?;
    Ok(Erased { values, keys })
}

/// Deletes every kept text that is exactly `text`, in any scope (an erased user's
/// username); returns how many.
///
/// # Errors
/// A database error.
pub fn erase_value(db: &mut Db, text: &str) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(personal_values::table.filter(personal_values::value.eq(text)))
            .execute(db)?,
    )
}

/// A kept text that does not match its reference: changed after it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueMismatch {
    pub scope: String,
    pub reference: String,
}

/// Checks every kept text against its reference; returns how many were checked. A
/// scope whose key is gone has been erased and should hold no texts.
///
/// # Errors
/// A database error.
pub fn verify(db: &mut Db) -> Result<Result<u64, ValueMismatch>, StoreError> {
    let keys: Vec<(String, String)> = personal_keys::table
        .select((personal_keys::scope, personal_keys::key_hex))
        .load(db)?;
    let keys: HashMap<String, Vec<u8>> = keys
        .into_iter()
        .map(|(scope, hex)| (scope, hex::decode(hex).unwrap_or_default()))
        .collect();
    let mut checked = 0;
    let mut after = (String::new(), String::new());
    loop {
        let page: Vec<(String, String, String)> = personal_values::table
            .filter(
                personal_values::scope
                    .gt(&after.0)
                    .or(personal_values::scope
                        .eq(&after.0)
                        .and(personal_values::reference.gt(&after.1))),
            )
            .order((
                personal_values::scope.asc(),
                personal_values::reference.asc(),
            ))
            .limit(5_000)
            .load(db)?;
        let Some((scope, r, _)) = page.last() else {
            break;
        };
        after = (scope.clone(), r.clone());
        for (scope, r, text) in page {
            let matches = keys
                .get(&scope)
                .is_some_and(|key| reference(key, &text) == r);
            if !matches {
                return Ok(Err(ValueMismatch {
                    scope,
                    reference: r,
                }));
            }
            checked += 1;
        }
    }
    Ok(Ok(checked))
}

/// The kept texts containing `query` (lower case), as (scope, reference, text).
///
/// # Errors
/// A database error.
pub fn containing(db: &mut Db, query: &str) -> Result<Vec<(String, String, String)>, StoreError> {
    let all: Vec<(String, String, String)> = personal_values::table
        .order((
            personal_values::scope.asc(),
            personal_values::reference.asc(),
        ))
        .load(db)?;
    Ok(all
        .into_iter()
        .filter(|(_, _, text)| text.to_lowercase().contains(query))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;
    use shared::domain::{StaffMember, StaffRole};

    fn members(names: &[&str]) -> Vec<StaffMember> {
        names
            .iter()
            .map(|name| StaffMember {
                name: (*name).into(),
                role: StaffRole::Member,
            })
            .collect()
    }

    #[test]
    fn sealed_texts_are_references_kept_apart_until_their_scope_is_erased() {
        let path = std::env::temp_dir().join(format!("kiesdag-personal-{}", uuid::Uuid::new_v4()));
        let mut db = db::open(path.to_str().unwrap()).unwrap();
        let mut sealed = members(&["Anna de Vries", "Bram", "Anna de Vries", ""]);
        seal(&mut db, "election:E", &mut sealed).unwrap();
        let texts: Vec<String> = sealed.iter().map(|m| m.name.clone()).collect();
        assert!(texts[..3].iter().all(|t| is_reference(t)), "{texts:?}");
        assert_eq!(texts[0], texts[2], "one text, one reference");
        assert_eq!(texts[3], "", "an empty text stays empty");
        let again = sealed.clone();
        seal(&mut db, "election:E", &mut sealed).unwrap();
        assert_eq!(sealed, again, "a reference is not sealed twice");

        let mut other = members(&["Anna de Vries"]);
        seal(&mut db, "election:F", &mut other).unwrap();
        assert_ne!(other[0].name, texts[0], "each scope has its own key");

        assert_eq!(verify(&mut db).unwrap(), Ok(3));
        assert_eq!(containing(&mut db, "anna").unwrap().len(), 2);

        diesel::update(personal_values::table.filter(personal_values::value.eq("Bram")))
            .set(personal_values::value.eq("Bart"))
            .execute(&mut db)
            .unwrap();
        assert!(verify(&mut db).unwrap().is_err(), "a changed text is found");

        assert_eq!(
            erase(&mut db, "election:E").unwrap(),
            Erased { values: 2, keys: 1 }
        );
        assert_eq!(verify(&mut db).unwrap(), Ok(1));
        assert_eq!(containing(&mut db, "anna").unwrap().len(), 1);
        let _ = std::fs::remove_file(path);
    }
}
