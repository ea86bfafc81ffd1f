//! `kiesdag import eml` and `kiesdag export eml`: the Kiesraad's EML_NL files in and
//! out (`features::eml`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;

use shared::domain::{Election, Jurisdiction};

use super::open;
use super::support::{self, ElectionSpec};
use crate::db::{self, Db};
use crate::features::eml::{
    Identity, export,
    import::{self, Current, Facts, ListCandidates},
    read,
};
use crate::features::preparation::Preparer;
use crate::store::{self, StoreError, eml::Part};

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The Kiesdag election whose recorded EML identity is `id`.
fn election_imported_as(db: &mut Db, id: &str) -> Result<Option<String>, String> {
    for election in store::elections::all(db).map_err(text)? {
        let identity: Option<Identity> =
            store::eml::get(db, &election.id, Part::Identity).map_err(text)?;
        if identity.is_some_and(|i| i.id == id) {
            return Ok(Some(election.id));
        }
    }
    Ok(None)
}

/// A new election from a definition, with the usual Dutch day (07:30 to 21:00,
/// turnout at 10, 13, 16 and 19 o'clock), as `election init` makes it.
fn new_election(id: &str, facts: &Facts) -> Result<Election, String> {
    let date = facts.day.format("%Y-%m-%d").to_string();
    support::election(&ElectionSpec {
        id,
        name: &facts.name,
        date: &date,
        jurisdiction: Jurisdiction::Netherlands,
        opens: "07:30",
        closes: "21:00",
        moments: "10:00,13:00,16:00,19:00",
        lists: "",
        council: facts.council,
        seats: facts.seats,
        control_room_phone: None,
    })
}

/// The largest EML file read: a country's candidate lists are a few megabytes.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A file's text, at most `limit` bytes (a pipe or a device is read no further).
fn read_bounded(file: &str, limit: u64) -> Result<String, String> {
    use std::io::Read;
    let mut input = String::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(limit + 1).read_to_string(&mut input))
        .map_err(|e| format!("cannot read {file}: {e}"))?;
    if input.len() as u64 > limit {
        return Err(format!(
            "{file} is larger than {limit} bytes; nothing was stored"
        ));
    }
    Ok(input)
}

pub(crate) fn import(url: &str, files: &[String], election: Option<&str>) -> Result<(), String> {
    // Every file read first: one the library refuses is named with its reasons.
    let mut documents = Vec::new();
    let mut refused = 0;
    for file in files {
        let input = read_bounded(file, MAX_FILE_BYTES)?;
        match read::read(&input) {
            Ok(read) => {
                for warning in &read.warnings {
                    eprintln!("{file}: warning: {warning}");
                }
                documents.push((file.as_str(), read.document));
            }
            Err(read::ReadError::Refused(reasons)) => {
                refused += 1;
                eprintln!("{file}: the EML_NL library refuses it:");
                for reason in reasons {
                    eprintln!("{file}: {reason}");
                }
            }
            Err(other) => {
                refused += 1;
                eprintln!("{file}: {other}");
            }
        }
    }
    if refused > 0 {
        return Err(format!(
            "{refused} of {} files refused (reasons above); nothing was imported",
            files.len()
        ));
    }
    let files: Vec<import::File<'_>> = documents.iter().map(|(f, d)| (*f, d)).collect();

    let mut db = open(url)?;
    let election_id = match election {
        Some(id) => id.to_owned(),
        None => {
            let (_, first) = files.first().ok_or("no file to import")?;
            let identity = Identity::of(first).map_err(text)?;
            election_imported_as(&mut db, &identity.id)?.unwrap_or(identity.id)
        }
    };
    let existing = match store::elections::get(&mut db, &election_id) {
        Ok(e) => Some(e),
        Err(StoreError::NotFound(_)) => None,
        Err(e) => return Err(e.to_string()),
    };
    let identity: Option<Identity> =
        store::eml::get(&mut db, &election_id, Part::Identity).map_err(text)?;
    let candidates: Vec<ListCandidates> = store::eml::get(&mut db, &election_id, Part::Candidates)
        .map_err(text)?
        .unwrap_or_default();
    let records = store::stations::of_election(&mut db, &election_id).map_err(text)?;
    let lists_with_votes: BTreeSet<u32> = records
        .iter()
        .filter_map(|r| r.day.result.as_ref())
        .flat_map(|r| &r.votes.list_votes)
        .filter(|v| v.votes > 0)
        .map(|v| v.list_number)
        .collect();
    let stations: BTreeMap<String, shared::domain::Station> = records
        .into_iter()
        .map(|r| (r.station.id.clone(), r.station))
        .collect();
    let needs = import::needs(&files);
    let mut elsewhere = BTreeMap::new();
    for id in needs.station_ids {
        if stations.contains_key(&id) {
            continue;
        }
        match store::stations::get(&mut db, &id) {
            Ok(record) => {
                elsewhere.insert(id, record.election_id);
            }
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    let mut municipalities = BTreeMap::new();
    for code in needs.municipality_codes {
        if let Some(name) = store::stations::municipality_name(&mut db, &code).map_err(text)? {
            municipalities.insert(code, name);
        }
    }
    let current = Current {
        election_id: &election_id,
        election: existing.as_ref(),
        identity: identity.as_ref(),
        candidates: &candidates,
        stations: &stations,
        elsewhere: &elsewhere,
        municipalities: &municipalities,
        lists_with_votes: &lists_with_votes,
    };
    let plan = match import::plan(&files, &current, &|facts| new_election(&election_id, facts)) {
        Ok(plan) => plan,
        Err(reasons) => {
            for reason in &reasons {
                eprintln!("{reason}");
            }
            return Err(format!(
                "{} reason(s) above; nothing was imported",
                reasons.len()
            ));
        }
    };
    for line in &plan.report {
        println!("{line}");
    }
    if plan.changes_nothing() {
        println!("nothing changed: election {election_id} is as the files say already");
        return Ok(());
    }
    let names: Vec<&str> = files.iter().map(|(f, _)| *f).collect();
    db::write_transaction(&mut db, |db| {
        import::apply(db, &Preparer::command_line(), &election_id, &plan, &names)
    })
    .map_err(|e: StoreError| e.to_string())?;
    println!("imported into election {election_id}");
    Ok(())
}

/// The municipality to export: the one named, else the municipal election's own, else
/// the only one the election has stations in.
fn municipality(
    db: &mut Db,
    election_id: &str,
    named: Option<&str>,
    identity: Option<&Identity>,
) -> Result<String, String> {
    if let Some(code) = named {
        return Ok(code.to_owned());
    }
    if let Some(code) = identity.and_then(Identity::municipality_code) {
        return Ok(code);
    }
    let codes: BTreeSet<String> = store::stations::of_election(db, election_id)
        .map_err(text)?
        .into_iter()
        .map(|r| r.station.municipality_code)
        .collect();
    match codes.len() {
        1 => Ok(codes.into_iter().next().unwrap_or_default()),
        0 => Err(format!("election {election_id} has no stations")),
        _ => Err(format!(
            "election {election_id} has stations in {} municipalities; name one with --municipality",
            codes.len()
        )),
    }
}

pub(crate) fn export(
    url: &str,
    election_id: &str,
    named_municipality: Option<&str>,
    out: Option<&Path>,
    partial: bool,
) -> Result<(), String> {
    let mut db = open(url)?;
    let election = store::elections::get(&mut db, election_id).map_err(text)?;
    let stored: Option<Identity> =
        store::eml::get(&mut db, election_id, Part::Identity).map_err(text)?;
    let code = municipality(&mut db, election_id, named_municipality, stored.as_ref())?;
    let name = store::stations::municipality_name(&mut db, &code)
        .map_err(text)?
        .or_else(|| stored.as_ref().and_then(|i| i.domain_name.clone()))
        .unwrap_or_else(|| code.clone());
    let identity = match stored {
        Some(identity) => identity,
        None => Identity::derived(&election, &code, &name)?,
    };
    if let Some(expected) = identity.municipality_code()
        && expected != code
    {
        return Err(format!(
            "election {election_id} is {}, the election of {expected}, not of {code}",
            identity.describe()
        ));
    }
    let stations: Vec<_> = store::stations::of_election(&mut db, election_id)
        .map_err(text)?
        .into_iter()
        .filter(|r| r.station.municipality_code == code)
        .collect();
    if stations.is_empty() {
        return Err(format!("election {election_id} has no stations of {code}"));
    }
    let exported = export::count(&export::Count {
        election: &election,
        identity: &identity,
        municipality_code: &code,
        municipality_name: &name,
        stations: &stations,
        partial,
        created_at: chrono::Utc::now(),
    })
    .map_err(text)?;
    let path = out.map_or_else(|| Path::new(&exported.file_name).to_owned(), Path::to_owned);
    if path == Path::new("-") {
        std::io::stdout()
            .write_all(exported.xml.as_bytes())
            .map_err(|e| format!("cannot write the count: {e}"))?;
    } else {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        file.write_all(exported.xml.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!(
        "count (510b) of {code} {name} for {} on {}: {} stations{}{}",
        identity.id,
        identity.date,
        exported.stations,
        if exported.left_out.is_empty() {
            String::new()
        } else {
            format!(
                "; left out for want of a result: {}",
                exported.left_out.join(", ")
            )
        },
        if exported.without_voters.is_empty() {
            String::new()
        } else {
            format!(
                "; without a number of voters (0 eligible voters in the count): {}",
                exported.without_voters.join(", ")
            )
        }
    );
    if path != Path::new("-") {
        eprintln!("written to {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An endless input (a device, a pipe) is read up to the limit and refused.
    #[test]
    fn an_endless_file_is_refused_at_the_limit() {
        let refused = read_bounded("/dev/zero", 1024).unwrap_err();
        assert!(refused.contains("larger than 1024 bytes"), "{refused}");
    }
}
