//! `kiesdag strength`: the strength list's checks and export.

use serde_json::json;

use super::{StrengthCommand, open};
use crate::db;
use crate::features::preparation::Preparer;
use crate::features::stations::strength;
use crate::store;

fn stations_of(
    db: &mut db::Db,
    election: &str,
    municipality: &str,
) -> Result<Vec<shared::domain::Station>, String> {
    let mut stations: Vec<shared::domain::Station> = store::stations::of_election(db, election)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|r| r.station)
        .filter(|s| s.municipality_code == municipality)
        .collect();
    if stations.is_empty() {
        return Err(format!("no stations of {municipality} in {election}"));
    }
    stations.sort_by_key(|s| s.number);
    Ok(stations)
}

/// Prints the check of one municipality; whether it passed.
fn report(db: &mut db::Db, election: &str, municipality: &str) -> Result<bool, String> {
    let stations = stations_of(db, election, municipality)?;
    let maximum = store::elections::strength_maximum(db, election, municipality)
        .map_err(|e| e.to_string())?;
    let found = strength::check(&stations, maximum);
    println!(
        "{municipality}: {} stations, {} voters{}",
        found.stations,
        found.voters,
        maximum.map_or_else(String::new, |m| format!(", at most {m} per station"))
    );
    for id in &found.without_voters {
        println!("  {id}: no voters assigned");
    }
    for (id, n) in &found.over_maximum {
        println!("  {id}: {n} voters, more than the maximum");
    }
    if found.passed() {
        println!(
            "  every station has voters{}",
            if maximum.is_some() {
                ", none over the maximum"
            } else {
                ""
            }
        );
    }
    Ok(found.passed())
}

/// The check of every municipality of the election, after an import.
pub(crate) fn check_all(url: &str, election: &str) -> Result<(), String> {
    let mut db = open(url)?;
    let municipalities: std::collections::BTreeSet<String> =
        store::stations::of_election(&mut db, election)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|r| r.station.municipality_code)
            .collect();
    for municipality in municipalities {
        report(&mut db, election, &municipality)?;
    }
    Ok(())
}

pub(crate) fn strength(url: &str, command: StrengthCommand) -> Result<(), String> {
    let mut db = open(url)?;
    match command {
        StrengthCommand::Check {
            election,
            municipality,
            max,
        } => {
            if let Some(max) = max {
                db::write_transaction(&mut db, |db| {
                    store::elections::set_strength_maximum(db, &election, &municipality, max)?;
                    Preparer::command_line().audit(
                        db,
                        "strength.maximum",
                        &municipality,
                        &json!({ "election": election, "maximum": max }),
                    )
                })
                .map_err(|e: store::StoreError| e.to_string())?;
            }
            if report(&mut db, &election, &municipality)? {
                Ok(())
            } else {
                Err("the strength list does not pass its checks (listed above)".into())
            }
        }
        StrengthCommand::Export {
            election,
            municipality,
            out,
        } => {
            let stations = stations_of(&mut db, &election, &municipality)?;
            let bytes = match out.extension().and_then(|e| e.to_str()) {
                Some("csv") => strength::csv(&stations)
                    .map_err(|e| e.to_string())?
                    .into_bytes(),
                Some("pdf") => {
                    let name = store::stations::municipality_name(&mut db, &municipality)
                        .map_err(|e| e.to_string())?
                        .unwrap_or_else(|| municipality.clone());
                    strength::pdf(&format!("Sterktelijst {name}"), &stations)
                }
                _ => return Err("give a file ending in .csv or .pdf".into()),
            };
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&out)
                .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
                .map_err(|e| {
                    format!(
                        "cannot write {} (it must be a new file): {e}",
                        out.display()
                    )
                })?;
            println!("{} stations written to {}", stations.len(), out.display());
            Ok(())
        }
    }
}
