//! The append-only audit log. Each entry carries the hash of the one before, and is
//! written in the same transaction as the change it records (DESIGN.md invariant 6).

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::StoreError;
use crate::db::{
    Db,
    schema::{audit_head, audit_log},
};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What is recorded, before it gets its place in the chain.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub payload: String,
}

#[must_use]
pub fn entry_hash(prev_hash: &str, id: i64, record: &AuditRecord) -> String {
    let mut hasher = Sha256::new();
    for part in [
        prev_hash,
        &id.to_string(),
        &record.at.to_string(),
        &record.actor,
        &record.action,
        &record.subject,
        &record.payload,
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Appends records to the chain. Call inside the transaction of the change.
///
/// # Errors
/// A database error; the caller's transaction then rolls back.
pub fn append(db: &mut Db, records: &[AuditRecord]) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    // Touch the head first: in PostgreSQL this locks it until commit, so appends from
    // other connections or instances wait and the chain stays linear.
    diesel::update(audit_head::table.find(1))
        .set(audit_head::last_id.eq(audit_head::last_id))
        .execute(db)?;
    let (mut last_id, mut last_hash): (i64, String) = audit_head::table
        .find(1)
        .select((audit_head::last_id, audit_head::last_hash))
        .first(db)?;
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        let id = last_id + 1;
        let hash = entry_hash(&last_hash, id, record);
        rows.push((
            audit_log::id.eq(id),
            audit_log::at.eq(record.at),
            audit_log::actor.eq(record.actor.clone()),
            audit_log::action.eq(record.action.clone()),
            audit_log::subject.eq(record.subject.clone()),
            audit_log::payload.eq(record.payload.clone()),
            audit_log::prev_hash.eq(last_hash.clone()),
            audit_log::hash.eq(hash.clone()),
        ));
        last_id = id;
        last_hash = hash;
    }
    for chunk in rows.chunks(500) {
        crate::insert_rows!(db, audit_log::table, chunk)?;
    }
    diesel::update(audit_head::table.find(1))
        .set((
            audit_head::last_id.eq(last_id),
            audit_head::last_hash.eq(last_hash),
        ))
        .execute(db)?;
    Ok(())
}

/// id, at, actor, action, subject, payload, prev_hash, hash
type AuditRow = (i64, i64, String, String, String, String, String, String);

/// Where the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub id: i64,
    pub reason: String,
}

/// Recomputes the whole chain; returns the number of entries, or the first broken one.
///
/// # Errors
/// A database error.
pub fn verify(db: &mut Db) -> Result<Result<u64, ChainBreak>, StoreError> {
    let mut expected_prev = GENESIS_HASH.to_owned();
    let mut expected_id = 1;
    let mut after = 0;
    let mut count = 0;
    loop {
        let page: Vec<AuditRow> = audit_log::table
            .filter(audit_log::id.gt(after))
            .order(audit_log::id.asc())
            .limit(5_000)
            .load(db)?;
        if page.is_empty() {
            break;
        }
        for (id, at, actor, action, subject, payload, prev_hash, hash) in page {
            after = id;
            if id != expected_id {
                return Ok(Err(ChainBreak {
                    id,
                    reason: format!("expected entry {expected_id}: an entry is missing"),
                }));
            }
            if prev_hash != expected_prev {
                return Ok(Err(ChainBreak {
                    id,
                    reason: "does not carry the previous entry's hash".into(),
                }));
            }
            let record = AuditRecord {
                at,
                actor,
                action,
                subject,
                payload,
            };
            if entry_hash(&prev_hash, id, &record) != hash {
                return Ok(Err(ChainBreak {
                    id,
                    reason: "its content does not match its hash".into(),
                }));
            }
            expected_prev = hash;
            expected_id += 1;
            count += 1;
        }
    }
    let (head_id, head_hash): (i64, String) = audit_head::table
        .find(1)
        .select((audit_head::last_id, audit_head::last_hash))
        .first(db)?;
    if head_id != expected_id - 1 || head_hash != expected_prev {
        return Ok(Err(ChainBreak {
            id: head_id,
            reason: "the chain's head does not match its last entry".into(),
        }));
    }
    Ok(Ok(count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;

    fn record(n: i64) -> AuditRecord {
        AuditRecord {
            at: n,
            actor: "tester".into(),
            action: "test".into(),
            subject: format!("s{n}"),
            payload: "{}".into(),
        }
    }

    #[test]
    fn a_chain_verifies_and_tampering_is_found_at_its_entry() {
        let dir = std::env::temp_dir().join(format!("kiesdag-audit-{}", uuid::Uuid::new_v4()));
        let mut db = db::open(dir.to_str().unwrap()).unwrap();
        db.transaction(|db| append(db, &[record(1), record(2), record(3)]))
            .unwrap();
        db.transaction(|db| append(db, &[record(4)])).unwrap();
        assert_eq!(verify(&mut db).unwrap(), Ok(4));

        diesel::update(audit_log::table.find(3))
            .set(audit_log::payload.eq("{\"forged\":1}"))
            .execute(&mut db)
            .unwrap();
        let broken = verify(&mut db).unwrap().unwrap_err();
        assert_eq!(broken.id, 3);

        diesel::update(audit_log::table.find(3))
            .set(audit_log::payload.eq("{}"))
            .execute(&mut db)
            .unwrap();
        assert_eq!(verify(&mut db).unwrap(), Ok(4));
        diesel::delete(audit_log::table.find(2))
            .execute(&mut db)
            .unwrap();
        assert_eq!(
            verify(&mut db).unwrap().unwrap_err().id,
            3,
            "a deleted entry is found"
        );
        let _ = std::fs::remove_file(dir);
    }
}
