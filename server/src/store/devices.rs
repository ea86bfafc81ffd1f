use diesel::prelude::*;

use super::StoreError;
use crate::db::{Db, schema::devices};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    pub id: String,
    pub station_id: String,
    pub token_id: String,
    pub revoked: bool,
    pub last_processed_seq: i64,
}

/// # Errors
/// A database error.
pub fn get(db: &mut Db, id: &str) -> Result<Option<DeviceRecord>, StoreError> {
    let row: Option<(String, String, String, i32, i64)> = devices::table
        .find(id)
        .select((
            devices::id,
            devices::station_id,
            devices::token_id,
            devices::revoked,
            devices::last_processed_seq,
        ))
        .first(db)
        .optional()?;
    Ok(row.map(
        |(id, station_id, token_id, revoked, last_processed_seq)| DeviceRecord {
            id,
            station_id,
            token_id,
            revoked: revoked != 0,
            last_processed_seq,
        },
    ))
}

/// # Errors
/// A database error.
pub fn set_last_processed(db: &mut Db, id: &str, seq: i64) -> Result<(), StoreError> {
    diesel::update(devices::table.find(id))
        .set(devices::last_processed_seq.eq(seq))
        .execute(db)?;
    Ok(())
}

/// Revokes the device's token at once; returns whether the device existed.
///
/// # Errors
/// A database error.
pub fn revoke(db: &mut Db, id: &str) -> Result<bool, StoreError> {
    Ok(diesel::update(devices::table.find(id))
        .set((
            devices::revoked.eq(1),
            devices::revoked_at.eq(crate::db::now_ms()),
        ))
        .execute(db)?
        > 0)
}

/// Revokes every device of a station; returns their ids.
///
/// # Errors
/// A database error.
pub fn revoke_station(db: &mut Db, station_id: &str) -> Result<Vec<String>, StoreError> {
    let ids: Vec<String> = devices::table
        .filter(devices::station_id.eq(station_id))
        .select(devices::id)
        .load(db)?;
    diesel::update(devices::table.filter(devices::station_id.eq(station_id)))
        .set((
            devices::revoked.eq(1),
            devices::revoked_at.eq(crate::db::now_ms()),
        ))
        .execute(db)?;
    Ok(ids)
}

/// The devices revoked at or after `since_ms`.
///
/// # Errors
/// A database error.
pub fn revoked_since(db: &mut Db, since_ms: i64) -> Result<Vec<String>, StoreError> {
    Ok(devices::table
        .filter(devices::revoked.ne(0))
        .filter(devices::revoked_at.ge(since_ms))
        .select(devices::id)
        .load(db)?)
}

/// The revoked devices of the given stations.
///
/// # Errors
/// A database error.
pub fn revoked_of(db: &mut Db, stations: &[String]) -> Result<Vec<String>, StoreError> {
    Ok(devices::table
        .filter(devices::revoked.ne(0))
        .filter(devices::station_id.eq_any(stations))
        .select(devices::id)
        .load(db)?)
}
