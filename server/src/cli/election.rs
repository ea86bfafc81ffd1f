//! `kiesdag election`: set up an election, list them.

use super::support::ElectionSpec;
use super::{CouncilArg, ElectionCommand, JurisdictionArg, open, support};
use crate::db;
use crate::features::preparation::{self, Preparer};
use crate::features::purge;
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
        ElectionCommand::Alerts {
            election,
            moment_grace_minutes,
            silent_after_minutes,
            result_after_minutes,
        } => {
            store::elections::get(&mut db, &election).map_err(|e| e.to_string())?;
            let mut rules =
                store::elections::alert_rules(&mut db, &election).map_err(|e| e.to_string())?;
            let ms = |minutes: u32| i64::from(minutes) * 60_000;
            let changed = [
                moment_grace_minutes,
                silent_after_minutes,
                result_after_minutes,
            ]
            .iter()
            .any(Option::is_some);
            if let Some(m) = moment_grace_minutes {
                rules.moment_grace_ms = ms(m);
            }
            if let Some(m) = silent_after_minutes {
                rules.silent_after_ms = ms(m);
            }
            if let Some(m) = result_after_minutes {
                rules.result_after_ms = ms(m);
            }
            if changed {
                db::write_transaction(&mut db, |db| {
                    preparation::set_alert_rules(db, &Preparer::command_line(), &election, &rules)
                })
                .map_err(|e: store::StoreError| e.to_string())?;
            }
            // Whole minutes as set here; a demo's shortened rules in seconds.
            let say = |ms: i64| {
                if ms % 60_000 == 0 {
                    format!("{} min", ms / 60_000)
                } else {
                    format!("{} s", ms / 1_000)
                }
            };
            println!(
                "alerts of {election}: turnout overdue {} after a moment, a device silent \
                 after {}, a result missing {} after closing",
                say(rules.moment_grace_ms),
                say(rules.silent_after_ms),
                say(rules.result_after_ms)
            );
            Ok(())
        }
        ElectionCommand::Finish { election } => {
            let lifecycle = db::write_transaction(&mut db, |db| {
                purge::finish(db, &Preparer::command_line(), &election, db::now_ms())
            })
            .map_err(|e| e.to_string())?;
            print_lifecycle(&election, &lifecycle);
            Ok(())
        }
        ElectionCommand::Retention { election, days } => {
            let lifecycle = match days {
                Some(days) => db::write_transaction(&mut db, |db| {
                    purge::set_retention(db, &Preparer::command_line(), &election, days)
                }),
                None => store::elections::get(&mut db, &election)
                    .and_then(|_| store::elections::lifecycle(&mut db, &election))
                    .map_err(purge::PurgeError::from),
            }
            .map_err(|e| e.to_string())?;
            print_lifecycle(&election, &lifecycle);
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

fn print_lifecycle(election: &str, lifecycle: &store::elections::Lifecycle) {
    let date = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default()
    };
    let days = lifecycle.retention_days();
    match (lifecycle.finished_at, lifecycle.purgeable_from()) {
        (Some(at), Some(from)) => println!(
            "{election}: finished {}; personal data kept {days} days, purgeable from {}",
            date(at),
            date(from)
        ),
        _ => println!(
            "{election}: not finished; personal data is kept until {days} days after it is"
        ),
    }
    if let Some(at) = lifecycle.purged_at {
        println!("{election}: purged {}", date(at));
    }
}
