//! Preparing an election before the day: the election itself, its municipalities and
//! stations, the stations' activation codes and the staff accounts. The one home of
//! these writes: the command line, the demo and the dashboard fixture all seed through
//! here, so every one of them leaves its audit entry.
//!
//! Each function writes inside the caller's transaction, so a caller that seeds
//! several things at once (the demo) gets all of them or none.

use std::collections::BTreeMap;

use serde_json::json;
use shared::domain::{Election, Station};

use crate::db::{Db, now_ms};
use crate::store::{self, StoreError, audit::AuditRecord, users::UserRecord};

/// Who prepares: `cli:<login>` for the command line, `demo`, `fixture`.
#[derive(Debug, Clone)]
pub struct Preparer(pub String);

impl Preparer {
    /// The operator at this machine's command line.
    #[must_use]
    pub fn command_line() -> Self {
        Self(format!(
            "cli:{}",
            std::env::var("USER").unwrap_or_else(|_| "unknown".into())
        ))
    }

    /// An audit entry by this preparer, now.
    ///
    /// # Errors
    /// When the database refuses the entry.
    pub fn audit(
        &self,
        db: &mut Db,
        action: &str,
        subject: &str,
        payload: &serde_json::Value,
    ) -> Result<(), StoreError> {
        store::audit::append(
            db,
            &[AuditRecord {
                at: now_ms(),
                actor: self.0.clone(),
                action: action.into(),
                subject: subject.into(),
                payload: payload.to_string(),
            }],
        )
    }
}

/// Creates or replaces the election.
///
/// # Errors
/// When the database refuses a write.
pub fn init_election(db: &mut Db, by: &Preparer, election: &Election) -> Result<(), StoreError> {
    store::elections::upsert(db, election)?;
    by.audit(
        db,
        "election.init",
        &election.id,
        &serde_json::to_value(election).unwrap_or_default(),
    )
}

/// Sets when the clock makes the election's alerts (overdue turnout, a silent device,
/// a missing result).
///
/// # Errors
/// When the database refuses a write.
pub fn set_alert_rules(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    rules: &shared::domain::AlertRules,
) -> Result<(), StoreError> {
    store::elections::set_alert_rules(db, election_id, rules)?;
    by.audit(
        db,
        "election.alert_rules",
        election_id,
        &serde_json::to_value(rules).unwrap_or_default(),
    )
}

/// Adds or updates `municipalities` (code to name) and `stations` of `election_id`;
/// `source` says where they came from (for the audit entry: a file and its rows, or
/// what generated them). `each` is called after each station is written.
///
/// # Errors
/// When the database refuses a write.
pub fn add_stations(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    municipalities: &BTreeMap<String, String>,
    stations: &[Station],
    source: serde_json::Value,
    mut each: impl FnMut(),
) -> Result<(), StoreError> {
    for (code, name) in municipalities {
        store::stations::upsert_municipality(db, code, name)?;
    }
    for station in stations {
        store::stations::upsert(db, election_id, station)?;
        each();
    }
    by.audit(
        db,
        "stations.import",
        election_id,
        &json!({ "source": source, "stations": stations.len() }),
    )
}

/// Issues an activation code to each of `stations` (id and name), valid from
/// `valid_from` until `valid_until` (ms since the epoch).
///
/// # Errors
/// When the database refuses a write.
pub fn issue_codes(
    db: &mut Db,
    by: &Preparer,
    stations: &[(String, String)],
    valid_from: i64,
    valid_until: i64,
) -> Result<Vec<(String, String, String)>, StoreError> {
    let mut issued = Vec::with_capacity(stations.len());
    for (id, name) in stations {
        let code = store::codes::issue(db, id, valid_from, valid_until)?;
        issued.push((id.clone(), name.clone(), code));
    }
    let subjects: Vec<&str> = issued.iter().map(|(id, _, _)| id.as_str()).collect();
    let hours = (valid_until - valid_from) / 3_600_000;
    by.audit(
        db,
        "codes.issue",
        &subjects.join(","),
        &json!({ "hours": hours }),
    )?;
    Ok(issued)
}

/// Creates a staff account.
///
/// # Errors
/// When the database refuses it (a taken username among others).
pub fn create_user(db: &mut Db, by: &Preparer, user: &UserRecord) -> Result<(), StoreError> {
    store::users::create(db, user, now_ms())?;
    by.audit(
        db,
        "user.create",
        // By id, not by name: the chain outlives the username (`user erase`).
        &format!("user:{}", user.id),
        &json!({ "role": user.role.as_str() }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;
    use crate::db::{self, write_transaction};
    use crate::http::test_support::{Fixture, election, station};

    /// Every way of seeding leaves its audit entries, and the chain still verifies.
    #[test]
    fn seeding_writes_audit_entries_that_verify() {
        let fixture = Fixture::new("preparation", 1);
        let url = fixture.dir.join("kiesdag.db").display().to_string();
        let mut db = db::open(&url).unwrap();
        let by = Preparer("fixture".into());
        let election = election();
        let stations = [station("GM0344", 1), station("GM0344", 2)];
        let municipalities = BTreeMap::from([("GM0344".to_owned(), "Utrecht".to_owned())]);
        let mut counted = 0;
        write_transaction(&mut db, |db| {
            init_election(db, &by, &election)?;
            add_stations(
                db,
                &by,
                &election.id,
                &municipalities,
                &stations,
                json!("test"),
                || counted += 1,
            )?;
            let ids: Vec<(String, String)> = stations
                .iter()
                .map(|s| (s.id.clone(), s.name.clone()))
                .collect();
            let codes = issue_codes(db, &by, &ids, 0, 3_600_000)?;
            assert_eq!(codes.len(), 2);
            create_user(
                db,
                &by,
                &UserRecord {
                    id: "u1".into(),
                    username: "fatima".into(),
                    password_hash: "x".into(),
                    role: Role::Coordinator,
                    municipality_code: Some("GM0344".into()),
                },
            )
        })
        .unwrap();
        assert_eq!(counted, 2);
        let entries = store::audit::verify(&mut db).unwrap().unwrap();
        assert_eq!(
            entries, 4,
            "one entry per seeding step, all by the preparer"
        );
        assert_eq!(store::stations::count(&mut db).unwrap(), 2);
    }
}
