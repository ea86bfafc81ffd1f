use diesel::prelude::*;
use shared::domain::{AlertRules, Election};

use super::{StoreError, from_json, to_json};
use crate::db::{Db, schema::elections};

/// Creates the election, or replaces its configuration.
///
/// # Errors
/// A database error.
pub fn upsert(db: &mut Db, election: &Election) -> Result<(), StoreError> {
    let config = to_json(election);
    let updated = diesel::update(elections::table.find(&election.id))
        .set(elections::config.eq(&config))
        .execute(db)?;
    if updated == 0 {
        diesel::insert_into(elections::table)
            .values((
                elections::id.eq(&election.id),
                elections::config.eq(&config),
                elections::last_seq.eq(0),
            ))
            .execute(db)?;
    }
    Ok(())
}

/// # Errors
/// `NotFound` when there is no such election.
pub fn get(db: &mut Db, id: &str) -> Result<Election, StoreError> {
    let config: String = elections::table
        .find(id)
        .select(elections::config)
        .first(db)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("election {id}")))?;
    from_json("election", &config)
}

/// # Errors
/// A database error.
pub fn all(db: &mut Db) -> Result<Vec<Election>, StoreError> {
    let configs: Vec<String> = elections::table
        .order(elections::id.asc())
        .select(elections::config)
        .load(db)?;
    configs.iter().map(|c| from_json("election", c)).collect()
}

/// Takes `count` sequence numbers for the election's event log and returns the first.
/// The update locks the election's row until the transaction ends, so numbers are
/// gap-free and never given twice, also across server instances.
///
/// # Errors
/// A database error.
pub fn take_sequence_numbers(
    db: &mut Db,
    election_id: &str,
    count: i64,
) -> Result<i64, StoreError> {
    let updated = diesel::update(elections::table.find(election_id))
        .set(elections::last_seq.eq(elections::last_seq + count))
        .execute(db)?;
    if updated == 0 {
        return Err(StoreError::NotFound(format!("election {election_id}")));
    }
    let last: i64 = elections::table
        .find(election_id)
        .select(elections::last_seq)
        .first(db)?;
    Ok(last - count + 1)
}

/// # Errors
/// A database error.
pub fn last_seq(db: &mut Db, election_id: &str) -> Result<i64, StoreError> {
    Ok(elections::table
        .find(election_id)
        .select(elections::last_seq)
        .first(db)
        .optional()?
        .unwrap_or(0))
}

/// The settings name of an election's alert rules.
fn alert_rules_key(election_id: &str) -> String {
    format!("alert_rules:{election_id}")
}

/// The election's alert rules: those set with `set_alert_rules`, the defaults until
/// then.
///
/// # Errors
/// A database error, or stored rules that do not read.
pub fn alert_rules(db: &mut Db, election_id: &str) -> Result<AlertRules, StoreError> {
    use crate::db::schema::settings;
    let stored: Option<String> = settings::table
        .find(alert_rules_key(election_id))
        .select(settings::value)
        .first(db)
        .optional()?;
    let Some(json) = stored else {
        return Ok(AlertRules::default());
    };
    let rules: AlertRules = from_json("alert rules", &json)?;
    if rules.is_plausible() {
        Ok(rules)
    } else {
        // Written by hand into the database: the day goes on with the defaults.
        tracing::warn!(
            election_id,
            ?rules,
            "implausible alert rules stored; using the defaults"
        );
        Ok(AlertRules::default())
    }
}

/// Sets the election's alert rules.
///
/// # Errors
/// A database error.
pub fn set_alert_rules(
    db: &mut Db,
    election_id: &str,
    rules: &AlertRules,
) -> Result<(), StoreError> {
    use crate::db::schema::settings;
    let key = alert_rules_key(election_id);
    diesel::delete(settings::table.find(&key)).execute(db)?;
    diesel::insert_into(settings::table)
        .values((settings::name.eq(&key), settings::value.eq(to_json(rules))))
        .execute(db)?;
    Ok(())
}
