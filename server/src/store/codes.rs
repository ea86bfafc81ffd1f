//! Station activation codes: one-time, expiring, stored only as hashes. A code is
//! shown once, when issued (for the printable sheet).

use diesel::prelude::*;
use rand::Rng;
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::StoreError;
use crate::db::{
    Db,
    schema::{activation_codes, devices},
};

/// No 0/O, 1/I/L: codes are read off paper and typed on a phone.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CodeError {
    #[error("unknown activation code")]
    Unknown,
    #[error("activation code has expired")]
    Expired,
    #[error("activation code was already used")]
    Used,
    #[error("activation code was revoked")]
    Revoked,
    /// The device id is bound to another station: a device id is bound once, and an
    /// activation never rebinds or revokes another station's device.
    #[error("this device is already activated for another station")]
    DeviceBoundElsewhere,
}

/// A new random code, "ABCD-EFGH".
#[must_use]
pub fn generate() -> String {
    generate_groups(2)
}

/// A new random code of `groups` groups of four ("ABCD-EFGH-..."); 16 characters
/// hold about 79 bits.
#[must_use]
pub fn generate_groups(groups: usize) -> String {
    let mut rng = rand::rng();
    (0..groups)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Case, spaces and dashes do not matter when typing a code.
#[must_use]
pub fn hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

/// Issues a code for the station, valid until `expires_at`; returns the code itself.
///
/// # Errors
/// A database error.
pub fn issue(
    db: &mut Db,
    station_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<String, StoreError> {
    let code = generate();
    diesel::insert_into(activation_codes::table)
        .values((
            activation_codes::code_hash.eq(hash(&code)),
            activation_codes::station_id.eq(station_id),
            activation_codes::created_at.eq(now),
            activation_codes::expires_at.eq(expires_at),
            activation_codes::revoked.eq(0),
        ))
        .execute(db)?;
    Ok(code)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeStatus {
    pub station_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked: bool,
}

/// # Errors
/// A database error.
pub fn list(db: &mut Db) -> Result<Vec<CodeStatus>, StoreError> {
    let rows: Vec<(String, i64, i64, Option<i64>, i32)> = activation_codes::table
        .order((
            activation_codes::station_id.asc(),
            activation_codes::created_at.asc(),
        ))
        .select((
            activation_codes::station_id,
            activation_codes::created_at,
            activation_codes::expires_at,
            activation_codes::used_at,
            activation_codes::revoked,
        ))
        .load(db)?;
    Ok(rows
        .into_iter()
        .map(
            |(station_id, created_at, expires_at, used_at, revoked)| CodeStatus {
                station_id,
                created_at,
                expires_at,
                used_at,
                revoked: revoked != 0,
            },
        )
        .collect())
}

/// Revokes every unused code of the station; returns how many.
///
/// # Errors
/// A database error.
pub fn revoke_for_station(db: &mut Db, station_id: &str) -> Result<usize, StoreError> {
    Ok(diesel::update(
        activation_codes::table
            .filter(activation_codes::station_id.eq(station_id))
            .filter(activation_codes::used_at.is_null()),
    )
    .set(activation_codes::revoked.eq(1))
    .execute(db)?)
}

/// The device redeems a code: the code is used up and the device is bound to the
/// station with a new token id. A device activated before for the same station keeps
/// its processed sequence number, so its queued operations still count in order; a
/// device bound to another station is refused and the code stays unused.
///
/// # Errors
/// `Ok(Err(CodeError))` when the code cannot be used; `Err` on a database error.
pub fn redeem(
    db: &mut Db,
    code: &str,
    device_id: &str,
    token_id: &str,
    now: i64,
) -> Result<Result<String, CodeError>, StoreError> {
    let row: Option<(String, i64, Option<i64>, i32)> = activation_codes::table
        .find(hash(code))
        .select((
            activation_codes::station_id,
            activation_codes::expires_at,
            activation_codes::used_at,
            activation_codes::revoked,
        ))
        .first(db)
        .optional()?;
    let Some((station_id, expires_at, used_at, revoked)) = row else {
        return Ok(Err(CodeError::Unknown));
    };
    if revoked != 0 {
        return Ok(Err(CodeError::Revoked));
    }
    if used_at.is_some() {
        return Ok(Err(CodeError::Used));
    }
    if expires_at <= now {
        return Ok(Err(CodeError::Expired));
    }
    let bound_to: Option<String> = devices::table
        .find(device_id)
        .select(devices::station_id)
        .first(db)
        .optional()?;
    if bound_to.is_some_and(|bound| bound != station_id) {
        return Ok(Err(CodeError::DeviceBoundElsewhere));
    }
    diesel::update(activation_codes::table.find(hash(code)))
        .set(activation_codes::used_at.eq(now))
        .execute(db)?;
    let updated = diesel::update(devices::table.find(device_id))
        .set((
            devices::station_id.eq(&station_id),
            devices::token_id.eq(token_id),
            devices::revoked.eq(0),
        ))
        .execute(db)?;
    if updated == 0 {
        diesel::insert_into(devices::table)
            .values((
                devices::id.eq(device_id),
                devices::station_id.eq(&station_id),
                devices::token_id.eq(token_id),
                devices::revoked.eq(0),
                devices::last_processed_seq.eq(0),
                devices::activated_at.eq(now),
            ))
            .execute(db)?;
    }
    Ok(Ok(station_id))
}
