use diesel::prelude::*;
use shared::domain::{Station, StationDay};

use super::{StoreError, from_json, to_json};
use crate::db::{
    Db,
    schema::{municipalities, stations},
};

/// A station with its materialised state.
#[derive(Debug, Clone)]
pub struct StationRecord {
    pub election_id: String,
    pub station: Station,
    pub day: StationDay,
    pub last_event_seq: i64,
    pub last_seen_at: Option<i64>,
}

type Row = (String, String, String, i64, Option<i64>);

/// The columns a `Row` is read from.
const ROW: (
    stations::election_id,
    stations::config,
    stations::day,
    stations::last_event_seq,
    stations::last_seen_at,
) = (
    stations::election_id,
    stations::config,
    stations::day,
    stations::last_event_seq,
    stations::last_seen_at,
);

fn record(row: Row) -> Result<StationRecord, StoreError> {
    let (election_id, config, day, last_event_seq, last_seen_at) = row;
    Ok(StationRecord {
        election_id,
        station: from_json("station", &config)?,
        day: from_json("station day", &day)?,
        last_event_seq,
        last_seen_at,
    })
}

/// # Errors
/// A database error.
pub fn upsert_municipality(db: &mut Db, code: &str, name: &str) -> Result<(), StoreError> {
    let updated = diesel::update(municipalities::table.find(code))
        .set(municipalities::name.eq(name))
        .execute(db)?;
    if updated == 0 {
        diesel::insert_into(municipalities::table)
            .values((municipalities::code.eq(code), municipalities::name.eq(name)))
            .execute(db)?;
    }
    Ok(())
}

/// The municipality's name, when an import gave one.
///
/// # Errors
/// A database error.
pub fn municipality_name(db: &mut Db, code: &str) -> Result<Option<String>, StoreError> {
    Ok(municipalities::table
        .find(code)
        .select(municipalities::name)
        .first::<String>(db)
        .optional()?)
}

/// Creates the station or updates its configuration; its state is kept.
///
/// # Errors
/// A database error.
pub fn upsert(db: &mut Db, election_id: &str, station: &Station) -> Result<(), StoreError> {
    let config = to_json(station);
    let number = i32::try_from(station.number).unwrap_or(i32::MAX);
    let updated = diesel::update(stations::table.find(&station.id))
        .set((
            stations::config.eq(&config),
            stations::number.eq(number),
            stations::district.eq(&station.district),
            stations::subarea.eq(&station.subarea),
        ))
        .execute(db)?;
    if updated == 0 {
        diesel::insert_into(stations::table)
            .values((
                stations::id.eq(&station.id),
                stations::election_id.eq(election_id),
                stations::municipality_code.eq(&station.municipality_code),
                stations::number.eq(number),
                stations::district.eq(&station.district),
                stations::subarea.eq(&station.subarea),
                stations::config.eq(&config),
                stations::day.eq(to_json(&StationDay::default())),
                stations::last_event_seq.eq(0),
            ))
            .execute(db)?;
    }
    Ok(())
}

/// # Errors
/// `NotFound` when there is no such station.
pub fn get(db: &mut Db, id: &str) -> Result<StationRecord, StoreError> {
    let row: Row = stations::table
        .find(id)
        .select(ROW)
        .first(db)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("station {id}")))?;
    record(row)
}

/// Stations of a municipality (optionally one district), by number.
///
/// # Errors
/// A database error.
pub fn list(
    db: &mut Db,
    municipality: &str,
    district: Option<&str>,
) -> Result<Vec<StationRecord>, StoreError> {
    let mut query = stations::table
        .filter(stations::municipality_code.eq(municipality))
        .order((stations::number.asc(), stations::id.asc()))
        .select(ROW)
        .into_boxed();
    if let Some(district) = district {
        query = query.filter(stations::district.eq(district));
    }
    let rows: Vec<Row> = query.load(db)?;
    rows.into_iter().map(record).collect()
}

/// A municipality's stations in its latest election (the one held last, by its
/// opening), by number, and that election; `None` when the municipality has no
/// stations. A database that kept an earlier election's stations (under other ids)
/// shows the current one, not a mixture.
///
/// # Errors
/// A database error.
pub fn with_election(
    db: &mut Db,
    municipality: &str,
) -> Result<Option<(Vec<StationRecord>, shared::domain::Election)>, StoreError> {
    let stations = list(db, municipality, None)?;
    let mut ids: Vec<&str> = stations.iter().map(|s| s.election_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut latest: Option<shared::domain::Election> = None;
    for id in ids {
        let election = super::elections::get(db, id)?;
        if latest
            .as_ref()
            .is_none_or(|l| (election.opens_at, &election.id) > (l.opens_at, &l.id))
        {
            latest = Some(election);
        }
    }
    let Some(election) = latest else {
        return Ok(None);
    };
    let stations = stations
        .into_iter()
        .filter(|s| s.election_id == election.id)
        .collect();
    Ok(Some((stations, election)))
}

/// Every station of an election.
///
/// # Errors
/// A database error.
pub fn of_election(db: &mut Db, election_id: &str) -> Result<Vec<StationRecord>, StoreError> {
    let rows: Vec<Row> = stations::table
        .filter(stations::election_id.eq(election_id))
        .order((stations::municipality_code.asc(), stations::number.asc()))
        .select(ROW)
        .load(db)?;
    rows.into_iter().map(record).collect()
}

/// # Errors
/// A database error.
pub fn count(db: &mut Db) -> Result<i64, StoreError> {
    Ok(stations::table.count().get_result(db)?)
}

/// # Errors
/// A database error.
pub fn save_day(
    db: &mut Db,
    id: &str,
    day: &StationDay,
    last_event_seq: i64,
    seen_at: Option<i64>,
) -> Result<(), StoreError> {
    diesel::update(stations::table.find(id))
        .set((
            stations::day.eq(to_json(day)),
            stations::last_event_seq.eq(last_event_seq),
        ))
        .execute(db)?;
    if let Some(at) = seen_at {
        touch(db, id, at)?;
    }
    Ok(())
}

/// Records that the station's device was heard from at `at` (a report, a heartbeat);
/// never moves the time back, so a late writer cannot undo a newer contact.
///
/// # Errors
/// A database error.
pub fn touch(db: &mut Db, id: &str, at: i64) -> Result<(), StoreError> {
    diesel::update(
        stations::table.find(id).filter(
            stations::last_seen_at
                .is_null()
                .or(stations::last_seen_at.lt(at)),
        ),
    )
    .set(stations::last_seen_at.eq(at))
    .execute(db)?;
    Ok(())
}
