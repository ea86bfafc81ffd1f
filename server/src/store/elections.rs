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
    let Some(json) = setting(db, &alert_rules_key(election_id))? else {
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
    put_setting(db, &alert_rules_key(election_id), &to_json(rules))
}

/// A setting's value.
fn setting(db: &mut Db, name: &str) -> Result<Option<String>, StoreError> {
    use crate::db::schema::settings;
    Ok(settings::table
        .find(name)
        .select(settings::value)
        .first(db)
        .optional()?)
}

/// Sets a setting.
fn put_setting(db: &mut Db, name: &str, value: &str) -> Result<(), StoreError> {
    use crate::db::schema::settings;
    diesel::delete(settings::table.find(name)).execute(db)?;
    diesel::insert_into(settings::table)
        .values((settings::name.eq(name), settings::value.eq(value)))
        .execute(db)?;
    Ok(())
}

fn staffing_need_key(election_id: &str) -> String {
    format!("staffing_need:{election_id}")
}

/// The roles each station of the election needs (convocation): as set, or the
/// jurisdiction's usual need.
///
/// # Errors
/// A database error, or a stored need that does not read.
pub fn staffing_need(
    db: &mut Db,
    election: &Election,
) -> Result<shared::domain::convocation::StaffingNeed, StoreError> {
    setting(db, &staffing_need_key(&election.id))?.map_or_else(
        || {
            Ok(shared::domain::convocation::StaffingNeed::usual(
                election.jurisdiction,
            ))
        },
        |json| from_json("staffing need", &json),
    )
}

/// Sets the roles each station of the election needs.
///
/// # Errors
/// A database error.
pub fn set_staffing_need(
    db: &mut Db,
    election_id: &str,
    need: &shared::domain::convocation::StaffingNeed,
) -> Result<(), StoreError> {
    put_setting(db, &staffing_need_key(election_id), &to_json(need))
}

fn training_url_key(election_id: &str, municipality: &str) -> String {
    format!("training_url:{election_id}:{municipality}")
}

/// Where the municipality's training material for station staff is, if it said.
///
/// # Errors
/// A database error.
pub fn training_url(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
) -> Result<Option<String>, StoreError> {
    setting(db, &training_url_key(election_id, municipality))
}

/// Sets where the training material is (checked by the caller).
///
/// # Errors
/// A database error.
pub fn set_training_url(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
    url: &str,
) -> Result<(), StoreError> {
    put_setting(db, &training_url_key(election_id, municipality), url)
}

fn strength_maximum_key(election_id: &str, municipality: &str) -> String {
    format!("strength_maximum:{election_id}:{municipality}")
}

/// The most voters the municipality allows one station (the strength list's check).
///
/// # Errors
/// A database error, or a stored value that does not read.
pub fn strength_maximum(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
) -> Result<Option<u32>, StoreError> {
    setting(db, &strength_maximum_key(election_id, municipality))?
        .map(|json| from_json("strength maximum", &json))
        .transpose()
}

/// Sets the most voters the municipality allows one station.
///
/// # Errors
/// A database error.
pub fn set_strength_maximum(
    db: &mut Db,
    election_id: &str,
    municipality: &str,
    maximum: u32,
) -> Result<(), StoreError> {
    put_setting(
        db,
        &strength_maximum_key(election_id, municipality),
        &to_json(&maximum),
    )
}

/// How long personal data is kept after an election is finished, unless set.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// Where an election is in its life after the day: finished, and purged of personal
/// data once its retention has run (`features::purge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Lifecycle {
    /// When it was declared finished (ms since the epoch): the retention starts here.
    pub finished_at: Option<i64>,
    /// Days personal data is kept after `finished_at`; `DEFAULT_RETENTION_DAYS` unset.
    pub retention_days: Option<u32>,
    /// When personal data was last purged.
    pub purged_at: Option<i64>,
}

impl Lifecycle {
    /// The days personal data is kept after the election is finished.
    #[must_use]
    pub fn retention_days(&self) -> u32 {
        self.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS)
    }

    /// From when personal data may be purged without force: never while unfinished.
    #[must_use]
    pub fn purgeable_from(&self) -> Option<i64> {
        let days = i64::from(self.retention_days());
        self.finished_at
            .map(|at| at.saturating_add(days.saturating_mul(86_400_000)))
    }
}

fn lifecycle_key(election_id: &str) -> String {
    format!("lifecycle:{election_id}")
}

/// The election's lifecycle (the default, nothing yet, until set).
///
/// # Errors
/// A database error, or a stored lifecycle that does not read.
pub fn lifecycle(db: &mut Db, election_id: &str) -> Result<Lifecycle, StoreError> {
    setting(db, &lifecycle_key(election_id))?.map_or(Ok(Lifecycle::default()), |json| {
        from_json("lifecycle", &json)
    })
}

/// Sets the election's lifecycle.
///
/// # Errors
/// A database error.
pub fn set_lifecycle(
    db: &mut Db,
    election_id: &str,
    lifecycle: &Lifecycle,
) -> Result<(), StoreError> {
    put_setting(db, &lifecycle_key(election_id), &to_json(lifecycle))
}
