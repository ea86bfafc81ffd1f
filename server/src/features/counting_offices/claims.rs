//! One person at a time enters a counting office's result. Several people at the main
//! office enter at once, each in an office of their own: who claims an office holds it
//! (their user id and since when), the others are refused with who holds it and since
//! when, and taking it over is an explicit act (`take_over`), audited with the
//! previous holder. A claim never expires by itself (a holder who went home keeps it
//! until someone takes it over or the office is locked): no entry is ever lost to a
//! timer while someone types. Releasing is explicit too.

use serde_json::json;

use super::{
    Actor, Holder, Municipality, OfficeError, audit, local_time, municipality, reread, subject,
};
use crate::db::{self, Db};
use crate::store::counting_offices::{self as offices, Claim, CountingOfficeRecord};
use crate::store::{self, StoreError};

/// Who holds `claim` (an office of `municipality`), with their username now.
///
/// # Errors
/// A database error.
pub fn holder(
    db: &mut Db,
    municipality: &Municipality,
    claim: &Claim,
) -> Result<Holder, StoreError> {
    Ok(Holder {
        username: store::users::username_of(db, &claim.user_id)?
            .unwrap_or_else(|| claim.user_id.clone()),
        user_id: claim.user_id.clone(),
        since: claim.since,
        since_local: local_time(claim.since, &municipality.election),
    })
}

/// Whether `actor` holds `record`'s office: `ClaimedByOther` naming the holder, or
/// `NotClaimed` when nobody does.
///
/// # Errors
/// As said, or a database error.
pub(super) fn require_holder(
    db: &mut Db,
    municipality: &Municipality,
    record: &CountingOfficeRecord,
    actor: &Actor,
) -> Result<(), OfficeError> {
    match &record.claim {
        Some(claim) if claim.user_id == actor.user_id => Ok(()),
        Some(claim) => Err(OfficeError::ClaimedByOther(holder(
            db,
            municipality,
            claim,
        )?)),
        None => Err(OfficeError::NotClaimed),
    }
}

/// `actor` claims office `number` for entering its result. Refused while someone
/// else holds it, unless `take_over_from` is that holder's username (recorded as a
/// take-over, naming the previous holder; another name takes nothing over); refused
/// for a locked office. Claiming an office one holds already changes
/// nothing.
///
/// # Errors
/// `ClaimedByOther`, `Locked`, `NoSuchOffice`, `NoStations`, or a database error.
pub fn claim(
    db: &mut Db,
    actor: &Actor,
    code: &str,
    number: u32,
    take_over_from: Option<&str>,
    now: i64,
) -> Result<CountingOfficeRecord, OfficeError> {
    db::write_transaction(db, |db| {
        let municipality = municipality(db, code)?;
        let record = municipality.office(number)?.clone();
        if let Some(lock) = &record.lock {
            return Err(municipality.locked(lock));
        }
        let action = match &record.claim {
            Some(claim) if claim.user_id == actor.user_id => return Ok(record),
            Some(claim) => {
                let current = holder(db, &municipality, claim)?;
                if take_over_from != Some(current.username.as_str()) {
                    return Err(OfficeError::ClaimedByOther(current));
                }
                "counting_office.take_over"
            }
            None => "counting_office.claim",
        };
        offices::set_claim(
            db,
            &record,
            Some(&Claim {
                user_id: actor.user_id.clone(),
                since: now,
            }),
        )?;
        audit(
            db,
            actor,
            action,
            subject(&record),
            &json!({
                "number": number,
                "previous_holder": record.claim.as_ref().map(|c| format!("user:{}", c.user_id)),
                "previous_since": record.claim.as_ref().map(|c| c.since),
            }),
            now,
        )?;
        reread(db, &record)
    })
}

/// `actor` releases office `number`, which they hold. Releasing an office nobody
/// holds changes nothing; someone else's claim is theirs to release (or to take over).
///
/// # Errors
/// `ClaimedByOther`, `NoSuchOffice`, `NoStations`, or a database error.
pub fn release(
    db: &mut Db,
    actor: &Actor,
    code: &str,
    number: u32,
    now: i64,
) -> Result<CountingOfficeRecord, OfficeError> {
    db::write_transaction(db, |db| {
        let municipality = municipality(db, code)?;
        let record = municipality.office(number)?.clone();
        let Some(claim) = &record.claim else {
            return Ok(record);
        };
        if claim.user_id != actor.user_id {
            return Err(OfficeError::ClaimedByOther(holder(
                db,
                &municipality,
                claim,
            )?));
        }
        offices::set_claim(db, &record, None)?;
        audit(
            db,
            actor,
            "counting_office.release",
            subject(&record),
            &json!({ "number": number, "held_since": claim.since }),
            now,
        )?;
        reread(db, &record)
    })
}
