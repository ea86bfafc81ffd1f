//! `kiesdag import`: stations, districts and planned staff from CSV.

use serde_json::json;

use super::{StationFormat, open, support};
use crate::db;
use crate::features::preparation::{self, Preparer};
use crate::features::stations::import;
use crate::store;

pub(crate) fn import_stations(
    url: &str,
    file: &str,
    election_id: &str,
    format: StationFormat,
    skip_bad_rows: bool,
) -> Result<(), String> {
    let mut db = open(url)?;
    let election = store::elections::get(&mut db, election_id).map_err(|e| e.to_string())?;
    let input = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let parsed = match format {
        StationFormat::Sods => import::parse_sods(
            input.as_bytes(),
            &election,
            support::zone(election.jurisdiction),
        ),
        StationFormat::Flemish => import::parse_flemish(&input),
    }
    .map_err(|e| e.to_string())?;
    for problem in &parsed.problems {
        eprintln!("{file}:{}: {}", problem.line, problem.reason);
    }
    if !parsed.problems.is_empty() && !skip_bad_rows {
        return Err(format!(
            "{} of {} rows cannot be taken (listed above); nothing was imported. Fix them, or run with --skip-bad-rows",
            parsed.problems.len(),
            parsed.rows
        ));
    }
    // Importing the stations again (a corrected file) keeps what was assigned to them
    // since: their planned staff, and their district where the file gives none.
    let existing: std::collections::BTreeMap<String, shared::domain::Station> =
        store::stations::of_election(&mut db, election_id)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|r| (r.station.id.clone(), r.station))
            .collect();
    let mut parsed = parsed;
    for station in &mut parsed.stations {
        if let Some(before) = existing.get(&station.id) {
            if station.planned_staff.is_empty() {
                station.planned_staff.clone_from(&before.planned_staff);
            }
            if station.district.is_none() {
                station.district.clone_from(&before.district);
            }
        }
    }
    let progress =
        indicatif::ProgressBar::new(parsed.stations.len() as u64).with_message("stations");
    progress.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let by = Preparer::command_line();
    db::write_transaction(&mut db, |db| {
        preparation::add_stations(
            db,
            &by,
            election_id,
            &parsed.municipalities,
            &parsed.stations,
            json!({ "file": file, "rows": parsed.rows }),
            || progress.inc(1),
        )
    })
    .map_err(|e: store::StoreError| e.to_string())?;
    progress.finish_and_clear();
    println!(
        "imported {} stations of {} municipalities from {} rows ({} rows were further stops of mobile stations, {} rows skipped)",
        parsed.stations.len(),
        parsed.municipalities.len(),
        parsed.rows,
        parsed.extra_stops,
        parsed.problems.len()
    );
    Ok(())
}

#[derive(Clone, Copy)]
pub enum Roster {
    Districts,
    Staff,
    Strength,
}

/// Districts or planned staff for an election's stations: every row checked first,
/// then all written in one transaction (or nothing).
pub(crate) fn import_roster(
    url: &str,
    file: &str,
    election_id: &str,
    roster: Roster,
    skip_bad_rows: bool,
) -> Result<(), String> {
    let mut db = open(url)?;
    store::elections::get(&mut db, election_id).map_err(|e| e.to_string())?;
    let input = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let mut stations: std::collections::BTreeMap<String, shared::domain::Station> =
        store::stations::of_election(&mut db, election_id)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|r| (r.station.id.clone(), r.station))
            .collect();
    let known = stations.keys().cloned().collect();
    let (changed, rows, problems, what) = match roster {
        Roster::Districts => {
            let (rows, problems) =
                import::parse_districts(&input, &known).map_err(|e| e.to_string())?;
            let n = rows.len();
            let mut changed = std::collections::BTreeSet::new();
            for row in rows {
                if let Some(station) = stations.get_mut(&row.station_id) {
                    station.district = Some(row.value);
                    changed.insert(row.station_id);
                }
            }
            (changed, n, problems, "districts")
        }
        Roster::Staff => {
            let (rows, problems) =
                import::parse_staff(&input, &known).map_err(|e| e.to_string())?;
            let n = rows.len();
            let mut changed = std::collections::BTreeSet::new();
            for row in rows {
                if let Some(station) = stations.get_mut(&row.station_id) {
                    // The file replaces what was planned before, station by station.
                    if changed.insert(row.station_id.clone()) {
                        station.planned_staff.clear();
                    }
                    station.planned_staff.push(row.value);
                }
            }
            (changed, n, problems, "staff")
        }
        Roster::Strength => {
            let (rows, problems) =
                import::parse_strength(&input, &known).map_err(|e| e.to_string())?;
            let n = rows.len();
            let mut changed = std::collections::BTreeSet::new();
            for row in rows {
                if let Some(station) = stations.get_mut(&row.station_id) {
                    station.expected_voters = Some(row.value);
                    changed.insert(row.station_id);
                }
            }
            (changed, n, problems, "strength")
        }
    };
    for problem in &problems {
        eprintln!("{file}:{}: {}", problem.line, problem.reason);
    }
    if !problems.is_empty() && !skip_bad_rows {
        return Err(format!(
            "{} of {} rows cannot be taken (listed above); nothing was imported. Fix them, or run with --skip-bad-rows",
            problems.len(),
            problems.len() + rows
        ));
    }
    db::write_transaction(&mut db, |db| {
        for id in &changed {
            if let Some(station) = stations.get(id) {
                store::stations::upsert(db, election_id, station)?;
            }
        }
        Preparer::command_line().audit(
            db,
            &format!("{what}.import"),
            election_id,
            &json!({ "file": file, "stations": changed.len(), "rows": rows }),
        )
    })
    .map_err(|e: store::StoreError| e.to_string())?;
    println!(
        "imported {what} for {} stations from {rows} rows ({} rows skipped)",
        changed.len(),
        problems.len()
    );
    Ok(())
}
