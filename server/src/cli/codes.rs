//! `kiesdag codes`: activation codes for station devices.

use serde_json::json;

use super::{CodesCommand, open, support};
use crate::db::{self, now_ms};
use crate::features::preparation::{self, Preparer};
use crate::store;

pub(crate) fn codes(url: &str, command: CodesCommand) -> Result<(), String> {
    let mut db = open(url)?;
    match command {
        CodesCommand::Issue {
            station,
            municipality,
            hours,
            sheet,
            app_url,
        } => {
            let app_url = app_url.map(|u| support::app_url(&u)).transpose()?;
            let stations = match (station, municipality) {
                (Some(id), _) => {
                    vec![store::stations::get(&mut db, &id).map_err(|e| e.to_string())?]
                }
                (None, Some(code)) => {
                    store::stations::list(&mut db, &code, None).map_err(|e| e.to_string())?
                }
                (None, None) => return Err("name a --station or a --municipality".into()),
            };
            if stations.is_empty() {
                return Err("no stations found".into());
            }
            let now = now_ms();
            let stations: Vec<(String, String)> = stations
                .into_iter()
                .map(|r| (r.station.id, r.station.name))
                .collect();
            let by = Preparer::command_line();
            let issued = db::write_transaction(&mut db, |db| {
                preparation::issue_codes(db, &by, &stations, now, now + hours * 3_600_000)
            })
            .map_err(|e: store::StoreError| e.to_string())?;
            for (id, name, code) in &issued {
                println!("{id}\t{code}\t{name}");
            }
            if let Some(path) = sheet {
                std::fs::write(
                    &path,
                    support::code_sheet(
                        "Activeringscodes stembureaus",
                        &issued,
                        app_url.as_deref(),
                    ),
                )
                .map_err(|e| format!("cannot write {path}: {e}"))?;
                eprintln!("sheet written to {path}");
            }
            Ok(())
        }
        CodesCommand::List => {
            for c in store::codes::list(&mut db).map_err(|e| e.to_string())? {
                let state = if c.revoked {
                    "revoked"
                } else if c.used_at.is_some() {
                    "used"
                } else if c.expires_at <= now_ms() {
                    "expired"
                } else {
                    "valid"
                };
                println!("{}\t{state}", c.station_id);
            }
            Ok(())
        }
        CodesCommand::Revoke { station } => {
            let (codes, devices) = db::write_transaction(&mut db, |db| {
                let codes = store::codes::revoke_for_station(db, &station)?;
                let devices = store::devices::revoke_station(db, &station)?;
                Preparer::command_line().audit(
                    db,
                    "codes.revoke",
                    &station,
                    &json!({ "devices": devices.len() }),
                )?;
                Ok((codes, devices))
            })
            .map_err(|e: store::StoreError| e.to_string())?;
            println!(
                "revoked {codes} unused code(s) and {} device activation(s) of {station}",
                devices.len()
            );
            Ok(())
        }
    }
}
