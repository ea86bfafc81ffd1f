//! The elections each person served in, kept across elections
//! (`features::convocation::history`).

use std::collections::BTreeMap;

use diesel::prelude::*;
use shared::domain::convocation::Service;

use super::{StoreError, from_json, to_json};
use crate::db::{Db, schema::service_history};

/// Records that `person_id` served in the election of `service`; a second record of
/// the same election replaces the first.
///
/// # Errors
/// A database error.
pub fn record(
    db: &mut Db,
    person_id: &str,
    municipality: &str,
    service: &Service,
) -> Result<(), StoreError> {
    let json = to_json(service);
    let updated = diesel::update(service_history::table.find((person_id, &service.election_id)))
        .set((
            service_history::service.eq(&json),
            service_history::served_at.eq(service.date),
        ))
        .execute(db)?;
    if updated == 0 {
        diesel::insert_into(service_history::table)
            .values((
                service_history::person_id.eq(person_id),
                service_history::municipality_code.eq(municipality),
                service_history::election_id.eq(&service.election_id),
                service_history::service.eq(&json),
                service_history::served_at.eq(service.date),
            ))
            .execute(db)?;
    }
    Ok(())
}

/// Every person's services in `municipality`, oldest first.
///
/// # Errors
/// A database error, or a stored service that does not read.
pub fn of_municipality(
    db: &mut Db,
    municipality: &str,
) -> Result<BTreeMap<String, Vec<Service>>, StoreError> {
    let rows: Vec<(String, String)> = service_history::table
        .filter(service_history::municipality_code.eq(municipality))
        .order((service_history::person_id, service_history::served_at))
        .select((service_history::person_id, service_history::service))
        .load(db)?;
    let mut by_person: BTreeMap<String, Vec<Service>> = BTreeMap::new();
    for (person, json) in rows {
        by_person
            .entry(person)
            .or_default()
            .push(from_json("service", &json)?);
    }
    Ok(by_person)
}

/// One person's services, oldest first.
///
/// # Errors
/// A database error, or a stored service that does not read.
pub fn of_person(db: &mut Db, person_id: &str) -> Result<Vec<Service>, StoreError> {
    let rows: Vec<String> = service_history::table
        .filter(service_history::person_id.eq(person_id))
        .order(service_history::served_at)
        .select(service_history::service)
        .load(db)?;
    rows.iter().map(|json| from_json("service", json)).collect()
}

/// Forgets one person's services; returns how many.
///
/// # Errors
/// A database error.
pub fn forget(db: &mut Db, person_id: &str) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(service_history::table.filter(service_history::person_id.eq(person_id)))
            .execute(db)?,
    )
}

/// Forgets the services of elections held before `before` (ms since the epoch);
/// returns how many.
///
/// # Errors
/// A database error.
pub fn prune(db: &mut Db, before: i64) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(service_history::table.filter(service_history::served_at.lt(before)))
            .execute(db)?,
    )
}

/// Every person id with a history kept.
///
/// # Errors
/// A database error.
pub fn people(db: &mut Db) -> Result<Vec<String>, StoreError> {
    Ok(service_history::table
        .select(service_history::person_id)
        .distinct()
        .load(db)?)
}
