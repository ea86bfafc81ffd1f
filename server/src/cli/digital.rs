//! `kiesdag import digital-results`: a digital-voting municipality's results per
//! station, stored only under the SHA-256 the user confirms.

use shared::domain::{Jurisdiction, Timestamp};

use super::open;
use crate::db;
use std::io::Read;

use crate::features::digital_results::{self, DigitalResultsError, ImportOptions, MAX_BYTES};
use crate::features::preparation::Preparer;
use crate::store;

pub(crate) fn import(
    url: &str,
    file: &str,
    election_id: &str,
    municipality: &str,
    sha256: Option<&str>,
    options: ImportOptions,
) -> Result<(), String> {
    // At most one byte past the limit is read, whatever the file is (a pipe, a device).
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read {file}: {e}"))?;
    if bytes.len() > MAX_BYTES {
        return Err(DigitalResultsError::TooLarge.to_string());
    }
    let hash = digital_results::sha256_hex(&bytes);
    let Some(confirmed) = sha256 else {
        let counts = digital_results::parse(&bytes).map_err(|e| e.to_string())?;
        let voters: u64 = counts
            .iter()
            .map(|c| u64::from(c.result.voters.admitted_voters))
            .sum();
        println!("{file}: SHA-256 {hash}");
        println!("  {} stations, {voters} voters", counts.len());
        return Err(format!(
            "nothing was stored: compare the SHA-256 above with the one on the voting system's report, then run again with --sha256 {hash}"
        ));
    };
    digital_results::confirm(&bytes, confirmed).map_err(|e| e.to_string())?;
    let counts = digital_results::parse(&bytes).map_err(|e| e.to_string())?;
    let mut db = open(url)?;
    let election = store::elections::get(&mut db, election_id).map_err(|e| e.to_string())?;
    if election.jurisdiction != Jurisdiction::Flanders {
        return Err(format!(
            "{election_id} is not a Flemish election: digital voting results are Flanders'; nothing was stored"
        ));
    }
    let actor = Preparer::command_line();
    let imported = db::write_transaction(&mut db, |db| {
        digital_results::store(
            db,
            &election,
            municipality,
            &counts,
            options,
            &actor.0,
            Timestamp(db::now_ms()),
        )
    })
    .map_err(|e| e.to_string())?;
    println!(
        "{} station results stored, {} unchanged, from {file} (SHA-256 {hash})",
        imported.stored, imported.unchanged
    );
    Ok(())
}
