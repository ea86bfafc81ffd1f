//! `kiesdag person show`: subject access.

use super::open;
use crate::db;
use crate::features::preparation::Preparer;
use crate::features::privacy;
use crate::store;

pub(crate) fn show(url: &str, query: &str, json: bool) -> Result<(), String> {
    let mut db = open(url)?;
    let found = privacy::find(&mut db, query).map_err(|e| e.to_string())?;
    // Who searched, and how much was found; not whom: neither the name nor a digest
    // of it, which a list of likely names would reverse.
    db::write_transaction(&mut db, |db| {
        Preparer::command_line().audit(
            db,
            "person.show",
            "",
            &serde_json::json!({ "found": found.len() }),
        )
    })
    .map_err(|e: store::StoreError| e.to_string())?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&found).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    if found.is_empty() {
        println!("nothing found for that query");
        return Ok(());
    }
    for f in &found {
        let at =
            f.at.and_then(chrono::DateTime::from_timestamp_millis)
                .map(|t| format!(" at {}", t.format("%Y-%m-%d %H:%M:%S UTC")))
                .unwrap_or_default();
        let station = f
            .station_id
            .as_deref()
            .map(|s| format!(" station {s}"))
            .unwrap_or_default();
        println!(
            "{} {} ({}){station}{at}: {}",
            f.place, f.id, f.kind, f.content
        );
    }
    println!("{} place(s)", found.len());
    Ok(())
}
