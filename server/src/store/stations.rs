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

/// The codes of every municipality that has stations (of any election).
///
/// # Errors
/// A database error.
pub fn municipality_codes(db: &mut Db) -> Result<Vec<String>, StoreError> {
    Ok(stations::table
        .select(stations::municipality_code)
        .distinct()
        .load::<String>(db)?)
}

/// Creates the station or updates its configuration; its state is kept.
///
/// # Errors
/// `OtherElection` when another election's station has its id (nothing changed), or a
/// database error.
pub fn upsert(db: &mut Db, election_id: &str, station: &Station) -> Result<(), StoreError> {
    let config = to_json(station);
    let number = i32::try_from(station.number).unwrap_or(i32::MAX);
    let owner: Option<String> = stations::table
        .find(&station.id)
        .select(stations::election_id)
        .first(db)
        .optional()?;
    if let Some(owner) = owner
        && owner != election_id
    {
        return Err(StoreError::OtherElection {
            station: station.id.clone(),
            election: owner,
        });
    }
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

/// Stations of a municipality (optionally one district) in its current election
/// (`current_election`), by number. Every view of a municipality (the live snapshot,
/// the station list, alerts, turnout, results, messages to all, the public finder)
/// reads its stations here, so they agree on one election.
///
/// # Errors
/// A database error.
pub fn list(
    db: &mut Db,
    municipality: &str,
    district: Option<&str>,
) -> Result<Vec<StationRecord>, StoreError> {
    let Some(election) = current_election(db, municipality)? else {
        return Ok(Vec::new());
    };
    let mut query = stations::table
        .filter(stations::municipality_code.eq(municipality))
        .filter(stations::election_id.eq(&election.id))
        .order((stations::number.asc(), stations::id.asc()))
        .select(ROW)
        .into_boxed();
    if let Some(district) = district {
        query = query.filter(stations::district.eq(district));
    }
    let rows: Vec<Row> = query.load(db)?;
    rows.into_iter().map(record).collect()
}

/// The election a municipality's views are about, of those its stations are in: an
/// unfinished one that is under way or coming (the earliest, by its day; a day ends a
/// week after closing, for the count and the night after), else the latest unfinished
/// one, else the latest. So the next election's stations, imported weeks ahead, do
/// not take over the day of the current one, and an old election kept in the
/// database does not hide the new one. Two elections of one municipality on the same
/// day: the one with the lower id (its stations are shown, the other's are not).
///
/// # Errors
/// A database error.
pub fn current_election(
    db: &mut Db,
    municipality: &str,
) -> Result<Option<shared::domain::Election>, StoreError> {
    const WEEK_MS: i64 = 7 * 86_400_000;
    let ids: Vec<String> = stations::table
        .filter(stations::municipality_code.eq(municipality))
        .select(stations::election_id)
        .distinct()
        .load(db)?;
    let now = crate::db::now_ms();
    let mut elections = Vec::new();
    for id in ids {
        let election = super::elections::get(db, &id)?;
        let finished = super::elections::lifecycle(db, &id)?.finished_at.is_some();
        elections.push((election, finished));
    }
    let by_day = |a: &shared::domain::Election, b: &shared::domain::Election| {
        (a.opens_at, &a.id).cmp(&(b.opens_at, &b.id))
    };
    let coming = elections
        .iter()
        .filter(|(e, finished)| !finished && e.closes_at.millis().saturating_add(WEEK_MS) >= now)
        .map(|(e, _)| e)
        .min_by(|a, b| by_day(a, b));
    let unfinished = || {
        elections
            .iter()
            .filter(|(_, finished)| !finished)
            .map(|(e, _)| e)
            .max_by(|a, b| by_day(a, b))
    };
    let latest = || elections.iter().map(|(e, _)| e).max_by(|a, b| by_day(a, b));
    Ok(coming.or_else(unfinished).or_else(latest).cloned())
}

/// A municipality's stations in its current election (`current_election`), by
/// number, and that election; `None` when the municipality has no stations.
///
/// # Errors
/// A database error.
pub fn with_election(
    db: &mut Db,
    municipality: &str,
) -> Result<Option<(Vec<StationRecord>, shared::domain::Election)>, StoreError> {
    let Some(election) = current_election(db, municipality)? else {
        return Ok(None);
    };
    let stations = list(db, municipality, None)?;
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
