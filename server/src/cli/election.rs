//! `kiesdag election`: set up an election, list them.

use super::support::ElectionSpec;
use super::{CouncilArg, ElectionCommand, JurisdictionArg, open, support};
use crate::db;
use crate::features::preparation::{self, Preparer};
use crate::store;
use shared::domain::{CouncilKind, Jurisdiction};

pub(crate) fn election(url: &str, command: ElectionCommand) -> Result<(), String> {
    let mut db = open(url)?;
    match command {
        ElectionCommand::Init {
            id,
            name,
            date,
            jurisdiction,
            opens,
            closes,
            moments,
            lists,
            council,
            seats,
            phone,
        } => {
            let jurisdiction = match jurisdiction {
                JurisdictionArg::Nl => Jurisdiction::Netherlands,
                JurisdictionArg::Be => Jurisdiction::Flanders,
            };
            let spec = ElectionSpec {
                id: &id,
                name: &name,
                date: &date,
                jurisdiction,
                opens: &opens,
                closes: &closes,
                moments: &moments,
                lists: &lists,
                council: match council {
                    CouncilArg::Municipal => CouncilKind::Municipal,
                    CouncilArg::Provincial => CouncilKind::Provincial,
                    CouncilArg::District => CouncilKind::District,
                },
                seats,
                control_room_phone: phone.as_deref(),
            };
            let election = support::election(&spec)?;
            db::write_transaction(&mut db, |db| {
                preparation::init_election(db, &Preparer::command_line(), &election)
            })
            .map_err(|e: store::StoreError| e.to_string())?;
            println!("election {id} ready: {} to {}", opens, closes);
            Ok(())
        }
        ElectionCommand::List => {
            for e in store::elections::all(&mut db).map_err(|e| e.to_string())? {
                println!(
                    "{}\t{}\t{} lists\t{} turnout moments",
                    e.id,
                    e.name,
                    e.lists.len(),
                    e.turnout_moments.len()
                );
            }
            Ok(())
        }
    }
}
