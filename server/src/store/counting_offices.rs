//! Counting offices (telbureaus) of Flemish paper-voting municipalities, the stations
//! each counts for, and per office its result, who holds it for entering and whether
//! it is locked (`features::counting_offices`). Every write here runs inside the
//! caller's write transaction, beside its audit entry.

use diesel::prelude::*;
use shared::domain::ProvisionalResult;
use shared::domain::counting_office::CountingOffice;

use super::{StoreError, from_json, to_json};
use crate::db::{
    Db,
    schema::{counting_office_stations, counting_offices},
};

/// Who holds an office for entering its result, and since when (ms since the epoch).
/// A claim never expires by itself: it ends when its holder releases it, someone takes
/// it over, or the office is locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub user_id: String,
    pub since: i64,
}

/// The main office's chair locked the office: its result cannot change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    pub user_id: String,
    pub at: i64,
}

/// An office's entered result, with the warnings confirmed with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub result: ProvisionalResult,
    pub confirmed_warnings: Vec<String>,
    pub by: String,
    pub at: i64,
}

/// One counting office as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountingOfficeRecord {
    pub election_id: String,
    pub municipality_code: String,
    /// Its number, name and stations (by id).
    pub office: CountingOffice,
    pub linked_at: i64,
    pub entry: Option<Entry>,
    pub claim: Option<Claim>,
    pub lock: Option<Lock>,
}

/// name, linked_at, result, confirmed_warnings, entered_by, entered_at, claimed_by,
/// claimed_at, locked_by, locked_at, number
type Row = (
    i32,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

const ROW: (
    counting_offices::number,
    counting_offices::name,
    counting_offices::linked_at,
    counting_offices::result,
    counting_offices::confirmed_warnings,
    counting_offices::entered_by,
    counting_offices::entered_at,
    counting_offices::claimed_by,
    counting_offices::claimed_at,
    counting_offices::locked_by,
    counting_offices::locked_at,
) = (
    counting_offices::number,
    counting_offices::name,
    counting_offices::linked_at,
    counting_offices::result,
    counting_offices::confirmed_warnings,
    counting_offices::entered_by,
    counting_offices::entered_at,
    counting_offices::claimed_by,
    counting_offices::claimed_at,
    counting_offices::locked_by,
    counting_offices::locked_at,
);

fn number_column(number: u32) -> i32 {
    i32::try_from(number).unwrap_or(i32::MAX)
}

fn record(
    election_id: &str,
    municipality: &str,
    row: Row,
    station_ids: Vec<String>,
) -> Result<CountingOfficeRecord, StoreError> {
    let (
        number,
        name,
        linked_at,
        result,
        confirmed,
        entered_by,
        entered_at,
        claimed_by,
        claimed_at,
        locked_by,
        locked_at,
    ) = row;
    let entry = match (result, entered_by, entered_at) {
        (Some(result), Some(by), Some(at)) => Some(Entry {
            result: from_json("counting office result", &result)?,
            confirmed_warnings: match confirmed {
                Some(codes) => from_json("confirmed warnings", &codes)?,
                None => Vec::new(),
            },
            by,
            at,
        }),
        _ => None,
    };
    Ok(CountingOfficeRecord {
        election_id: election_id.to_owned(),
        municipality_code: municipality.to_owned(),
        office: CountingOffice {
            number: u32::try_from(number).unwrap_or_default(),
            name,
            station_ids,
        },
        linked_at,
        entry,
        claim: claimed_by
            .zip(claimed_at)
            .map(|(user_id, since)| Claim { user_id, since }),
        lock: locked_by
            .zip(locked_at)
            .map(|(user_id, at)| Lock { user_id, at }),
    })
}

/// The municipality's counting offices in `election_id`, by number, each with its
/// stations (by id).
///
/// # Errors
/// A database error, or a stored result that cannot be read.
pub fn list(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
) -> Result<Vec<CountingOfficeRecord>, StoreError> {
    let rows: Vec<Row> = counting_offices::table
        .filter(counting_offices::election_id.eq(election_id))
        .filter(counting_offices::municipality_code.eq(municipality))
        .order(counting_offices::number.asc())
        .select(ROW)
        .load(db)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let links: Vec<(i32, String)> = counting_office_stations::table
        .filter(counting_office_stations::election_id.eq(election_id))
        .filter(counting_office_stations::municipality_code.eq(municipality))
        .order((
            counting_office_stations::office_number.asc(),
            counting_office_stations::station_id.asc(),
        ))
        .select((
            counting_office_stations::office_number,
            counting_office_stations::station_id,
        ))
        .load(db)?;
    rows.into_iter()
        .map(|row| {
            let stations = links
                .iter()
                .filter(|(number, _)| *number == row.0)
                .map(|(_, id)| id.clone())
                .collect();
            record(election_id, municipality, row, stations)
        })
        .collect()
}

/// One counting office, or `None` when the municipality has none of that number.
///
/// # Errors
/// A database error, or a stored result that cannot be read.
pub fn get(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
    number: u32,
) -> Result<Option<CountingOfficeRecord>, StoreError> {
    let row: Option<Row> = counting_offices::table
        .find((election_id, municipality, number_column(number)))
        .select(ROW)
        .first(db)
        .optional()?;
    let Some(row) = row else {
        return Ok(None);
    };
    let stations: Vec<String> = counting_office_stations::table
        .filter(counting_office_stations::election_id.eq(election_id))
        .filter(counting_office_stations::municipality_code.eq(municipality))
        .filter(counting_office_stations::office_number.eq(number_column(number)))
        .order(counting_office_stations::station_id.asc())
        .select(counting_office_stations::station_id)
        .load(db)?;
    record(election_id, municipality, row, stations).map(Some)
}

/// Creates the office or changes its name and stations (its result, claim and lock
/// stay). A station linked to another office is refused by the table's key, so check
/// first (`shared::domain::counting_office::check_link`).
///
/// # Errors
/// A database error.
pub fn link(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
    office: &CountingOffice,
    now: i64,
) -> Result<(), StoreError> {
    let number = number_column(office.number);
    let updated = diesel::update(counting_offices::table.find((election_id, municipality, number)))
        .set((
            counting_offices::name.eq(&office.name),
            counting_offices::linked_at.eq(now),
        ))
        .execute(db)?;
    if updated == 0 {
        diesel::insert_into(counting_offices::table)
            .values((
                counting_offices::election_id.eq(election_id),
                counting_offices::municipality_code.eq(municipality),
                counting_offices::number.eq(number),
                counting_offices::name.eq(&office.name),
                counting_offices::linked_at.eq(now),
            ))
            .execute(db)?;
    }
    diesel::delete(
        counting_office_stations::table
            .filter(counting_office_stations::election_id.eq(election_id))
            .filter(counting_office_stations::municipality_code.eq(municipality))
            .filter(counting_office_stations::office_number.eq(number)),
    )
    .execute(db)?;
    for station in &office.station_ids {
        diesel::insert_into(counting_office_stations::table)
            .values((
                counting_office_stations::election_id.eq(election_id),
                counting_office_stations::station_id.eq(station),
                counting_office_stations::municipality_code.eq(municipality),
                counting_office_stations::office_number.eq(number),
            ))
            .execute(db)?;
    }
    Ok(())
}

/// Deletes the office and its links to its stations (check first that it has no
/// result and no lock).
///
/// # Errors
/// A database error.
pub fn unlink(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
    office_number: u32,
) -> Result<(), StoreError> {
    let number = number_column(office_number);
    diesel::delete(
        counting_office_stations::table
            .filter(counting_office_stations::election_id.eq(election_id))
            .filter(counting_office_stations::municipality_code.eq(municipality))
            .filter(counting_office_stations::office_number.eq(number)),
    )
    .execute(db)?;
    diesel::delete(counting_offices::table.find((election_id, municipality, number)))
        .execute(db)?;
    Ok(())
}

/// Sets who holds the office (`None`: nobody).
///
/// # Errors
/// A database error.
pub fn set_claim(
    db: &mut Db,
    record: &CountingOfficeRecord,
    claim: Option<&Claim>,
) -> Result<(), StoreError> {
    diesel::update(counting_offices::table.find(key(record)))
        .set((
            counting_offices::claimed_by.eq(claim.map(|c| c.user_id.clone())),
            counting_offices::claimed_at.eq(claim.map(|c| c.since)),
        ))
        .execute(db)?;
    Ok(())
}

/// Locks the office (`Some`) or unlocks it (`None`).
///
/// # Errors
/// A database error.
pub fn set_lock(
    db: &mut Db,
    record: &CountingOfficeRecord,
    lock: Option<&Lock>,
) -> Result<(), StoreError> {
    diesel::update(counting_offices::table.find(key(record)))
        .set((
            counting_offices::locked_by.eq(lock.map(|l| l.user_id.clone())),
            counting_offices::locked_at.eq(lock.map(|l| l.at)),
        ))
        .execute(db)?;
    Ok(())
}

/// Stores the office's result.
///
/// # Errors
/// A database error.
pub fn set_entry(
    db: &mut Db,
    record: &CountingOfficeRecord,
    entry: &Entry,
) -> Result<(), StoreError> {
    diesel::update(counting_offices::table.find(key(record)))
        .set((
            counting_offices::result.eq(Some(to_json(&entry.result))),
            counting_offices::confirmed_warnings.eq(Some(to_json(&entry.confirmed_warnings))),
            counting_offices::entered_by.eq(Some(entry.by.clone())),
            counting_offices::entered_at.eq(Some(entry.at)),
        ))
        .execute(db)?;
    Ok(())
}

fn key(record: &CountingOfficeRecord) -> (String, String, i32) {
    (
        record.election_id.clone(),
        record.municipality_code.clone(),
        number_column(record.office.number),
    )
}
