//! `kiesdag purge`: erase the people from a finished election (`features::purge`).

use std::io::BufRead;

use super::open;
use crate::db;
use crate::features::preparation::Preparer;
use crate::features::purge::{self, Compacted, Force, PurgeError, Purged};

/// A dry run's outcome, carried out of the transaction it rolls back.
enum DryRun {
    Would(Purged),
    Refused(PurgeError),
}

impl From<diesel::result::Error> for DryRun {
    fn from(e: diesel::result::Error) -> Self {
        Self::Refused(PurgeError::from(e))
    }
}

pub(crate) fn purge(
    url: &str,
    election: &str,
    force: bool,
    reason: Option<String>,
    yes: bool,
) -> Result<(), String> {
    let force = match (force, reason) {
        (true, Some(reason)) => Some(Force { reason }),
        (true, None) => return Err(PurgeError::NoReason.to_string()),
        (false, Some(_)) => return Err("--reason goes with --force".into()),
        (false, None) => None,
    };
    let mut db = open(url)?;
    purge::prepare(&mut db).map_err(|e| e.to_string())?;
    let by = Preparer::command_line();
    let now = db::now_ms();

    // What it would erase: the purge itself, rolled back.
    // A write transaction, as the purge itself: it takes the write lock first, so a
    // running server's commits wait instead of making the dry run fail.
    let would = match db::write_transaction(&mut db, |db| -> Result<(), DryRun> {
        let purged =
            purge::purge(db, &by, election, force.as_ref(), now).map_err(DryRun::Refused)?;
        Err(DryRun::Would(purged))
    }) {
        Err(DryRun::Would(purged)) => purged,
        Err(DryRun::Refused(e)) => return Err(e.to_string()),
        Ok(()) => return Err("the dry run did not report".into()),
    };
    println!(
        "Purging election {election}{} erases {} names and texts in {} events and {} stations, \
         deletes {} texts the audit log refers to and {} candidates for convocation. Every \
         turnout, count and result is kept.",
        if would.forced { " (forced)" } else { "" },
        would.texts,
        would.events,
        would.stations,
        would.referenced_texts,
        would.candidates
    );
    if !yes {
        println!("Type the election's id ({election}) to purge it:");
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        if line.trim() != election {
            return Err("not confirmed; nothing was purged".into());
        }
    }

    let purged = db::write_transaction(&mut db, |db| {
        purge::purge(db, &by, election, force.as_ref(), now)
    })
    .map_err(|e| e.to_string())?;
    println!(
        "purged {election}: {} texts erased in {} events and {} stations, {} referenced texts and {} candidates deleted",
        purged.texts, purged.events, purged.stations, purged.referenced_texts, purged.candidates
    );
    match purge::compact(&mut db).map_err(|e| e.to_string())? {
        Compacted::Complete => println!("database compacted: no erased byte remains in it"),
        Compacted::WalInUse => println!(
            "database compacted, but its write-ahead log is in use by the running server: \
             the erased bytes leave it at the server's next checkpoint, or when the server \
             stops"
        ),
    }
    Ok(())
}
