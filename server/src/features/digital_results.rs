//! Results of a digital-voting municipality (Flanders), per station, from the voting
//! system's count file. Nothing in it is stored unless the file's SHA-256 is the one
//! the user confirms (read off the voting system's own report, DOMAIN.md "The day
//! (Flanders)"): a file changed on its way, or the wrong file, stores nothing. Every
//! station's result is then checked by the same shared rules as a chair's, and the
//! whole file is refused when one station's is wrong. Publication per station follows
//! the embargo's threshold: a station where fewer than 500 voted is not published.
//!
//! The file is CSV (`,` or `;`), one row per station:
//! `station,voters,blank,invalid,1,2,3,...`: the station's number, the voters who cast a
//! ballot, the blank and invalid ballots, and one column per list number with its votes.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};
use shared::domain::{
    Election, ListVotes, ProvisionalResult, Report, Timestamp, VotersCounts, VotesCounts,
};
use shared::protocol::{EventPayload, Operation};
use shared::validation::{self, Context, Language};

use crate::db::Db;
use crate::realtime::event_log::{self, Entry};
use crate::store::{self, StoreError, stations::StationRecord};

/// The largest file read (a municipality has at most a few hundred stations).
pub const MAX_BYTES: usize = 1024 * 1024;

/// Why nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum DigitalResultsError {
    #[error(
        "the file's SHA-256 is {actual}, not the {confirmed} that was confirmed: nothing was stored"
    )]
    HashMismatch { actual: String, confirmed: String },
    #[error("the file is larger than {MAX_BYTES} bytes")]
    TooLarge,
    #[error(
        "the first row must name the columns station, voters, blank, invalid and one column per list number: {0}"
    )]
    Header(String),
    #[error("{} problem(s), nothing was stored:\n{}", .0.len(), .0.join("\n"))]
    Rows(Vec<String>),
    #[error("{0} needs --confirm-warnings: {1}")]
    Warnings(String, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for DigitalResultsError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

/// The file's SHA-256, in lowercase hexadecimal.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `confirmed` (hexadecimal, any case, spaces allowed) is the file's SHA-256.
///
/// # Errors
/// `HashMismatch` when it is not.
pub fn confirm(bytes: &[u8], confirmed: &str) -> Result<(), DigitalResultsError> {
    let actual = sha256_hex(bytes);
    let given: String = confirmed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if given == actual {
        Ok(())
    } else {
        Err(DigitalResultsError::HashMismatch {
            actual,
            confirmed: confirmed.trim().to_owned(),
        })
    }
}

/// One station's count from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationCount {
    /// The station's number in its municipality.
    pub number: u32,
    pub result: ProvisionalResult,
}

/// Reads the file's rows; every problem of every row, by line, when any.
///
/// # Errors
/// `TooLarge`, `Header` or `Rows`.
pub fn parse(bytes: &[u8]) -> Result<Vec<StationCount>, DigitalResultsError> {
    if bytes.len() > MAX_BYTES {
        return Err(DigitalResultsError::TooLarge);
    }
    let delimiter = if bytes
        .split(|b| *b == b'\n')
        .next()
        .is_some_and(|l| l.contains(&b';'))
    {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| DigitalResultsError::Header(e.to_string()))?
        .clone();
    let names: Vec<String> = header.iter().map(str::to_ascii_lowercase).collect();
    let fixed = ["station", "voters", "blank", "invalid"];
    if names.len() < fixed.len() + 1 || names[..fixed.len()] != fixed {
        return Err(DigitalResultsError::Header(
            header.iter().collect::<Vec<_>>().join(","),
        ));
    }
    let mut lists = Vec::new();
    for name in &names[fixed.len()..] {
        match name.parse::<u32>() {
            Ok(n) if n > 0 && !lists.contains(&n) => lists.push(n),
            _ => {
                return Err(DigitalResultsError::Header(format!(
                    "{name:?} is not a list number"
                )));
            }
        }
    }
    let mut counts = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<u32, u64> = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        let line = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(2);
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let figures: Result<Vec<u32>, String> = record
            .iter()
            .zip(&names)
            .map(|(cell, name)| {
                cell.parse::<u32>()
                    .map_err(|_| format!("{name} {cell:?} is not a whole number"))
            })
            .collect();
        let figures = match figures {
            Ok(f) if f.len() == names.len() => f,
            Ok(_) => {
                problems.push(format!(
                    "line {line}: {} columns, not {}",
                    record.len(),
                    names.len()
                ));
                continue;
            }
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let number = figures[0];
        if let Some(first) = seen.insert(number, line) {
            problems.push(format!(
                "line {line}: station {number} again (first on line {first})"
            ));
            continue;
        }
        match result_of(figures[1], figures[2], figures[3], &lists, &figures[4..]) {
            Some(result) => counts.push(StationCount { number, result }),
            None => problems.push(format!(
                "line {line}: the figures add up to more than a count can hold"
            )),
        }
    }
    if problems.is_empty() {
        Ok(counts)
    } else {
        Err(DigitalResultsError::Rows(problems))
    }
}

/// A station's result from the voting system's figures: the voters are the admitted
/// voters; a difference with the ballots counted shows as I or J, as on a chair's form.
fn result_of(
    voters: u32,
    blank: u32,
    invalid: u32,
    lists: &[u32],
    votes: &[u32],
) -> Option<ProvisionalResult> {
    let for_candidates = votes.iter().try_fold(0u32, |sum, v| sum.checked_add(*v))?;
    let cast = for_candidates.checked_add(blank)?.checked_add(invalid)?;
    Some(ProvisionalResult {
        voters: VotersCounts {
            poll_cards: voters,
            proxy_certificates: 0,
            voter_cards: 0,
            admitted_voters: voters,
        },
        votes: VotesCounts {
            list_votes: lists
                .iter()
                .zip(votes)
                .map(|(&list_number, &votes)| ListVotes { list_number, votes })
                .collect(),
            votes_for_candidates: for_candidates,
            blank_votes: blank,
            invalid_votes: invalid,
            votes_cast: cast,
        },
        more_ballots_counted: cast.saturating_sub(voters),
        fewer_ballots_counted: voters.saturating_sub(cast),
        explanation: if cast == voters {
            String::new()
        } else {
            "Telling van het digitale stemsysteem / the digital voting system's count".into()
        },
    })
}

/// What an import stored.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub stored: usize,
    /// Stations whose result was already this one.
    pub unchanged: usize,
}

/// What the user allowed beyond a whole file of new results.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Store stations whose results have warnings.
    pub confirm_warnings: bool,
    /// Replace a station's different result (its chair's, or an earlier file's).
    pub replace: bool,
    /// Store a file that leaves out some of the municipality's stations.
    pub partial: bool,
}

/// Stores `counts` as the results of `municipality`'s stations of `election`, each
/// checked by the shared rules, in one transaction: all or nothing. A station whose
/// result is already this one is left; one with another result is refused unless
/// `options.replace`; a station of the municipality missing from the file refuses it
/// unless `options.partial`.
///
/// # Errors
/// `Rows` naming every station that is unknown, missing, holding another result,
/// refused by a rule, or not in a phase that takes a result; `Warnings` when warnings
/// were not confirmed; a database error.
pub fn store(
    db: &mut Db,
    election: &Election,
    municipality: &str,
    counts: &[StationCount],
    options: ImportOptions,
    actor: &str,
    now: Timestamp,
) -> Result<Imported, DigitalResultsError> {
    let stations: BTreeMap<u32, StationRecord> = store::stations::of_election(db, &election.id)?
        .into_iter()
        .filter(|record| record.station.municipality_code == municipality)
        .map(|record| (record.station.number, record))
        .collect();
    let mut problems = Vec::new();
    if !options.partial {
        let missing: Vec<String> = stations
            .keys()
            .filter(|number| !counts.iter().any(|c| c.number == **number))
            .map(u32::to_string)
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "stations {} of {municipality} are not in the file (--partial stores the others)",
                missing.join(", ")
            ));
        }
    }
    let mut warnings = Vec::new();
    let mut entries = Vec::new();
    let mut changed: HashMap<String, StationRecord> = HashMap::new();
    let mut imported = Imported::default();
    for count in counts {
        let Some(record) = stations.get(&count.number) else {
            problems.push(format!(
                "station {}: no such station of {municipality} in {}",
                count.number, election.id
            ));
            continue;
        };
        if record.day.result.as_ref() == Some(&count.result) {
            imported.unchanged += 1;
            continue;
        }
        if record.day.result.is_some() && !options.replace {
            problems.push(format!(
                "station {} already has another result (from its chair, or an earlier file); --replace stores this one instead",
                count.number
            ));
            continue;
        }
        let report = Report::ProvisionalResult(count.result.clone());
        let ctx = Context {
            election,
            station: &record.station,
            day: &record.day,
            now,
        };
        let outcome = validation::validate(&report, &ctx);
        let described = |issues: &mut dyn Iterator<Item = &validation::Issue>| -> Vec<String> {
            issues
                .map(|i| {
                    format!(
                        "{} ({})",
                        i.code(),
                        validation::message(i.rule, Language::English)
                    )
                })
                .collect()
        };
        let errors = described(&mut outcome.errors());
        if !errors.is_empty() {
            problems.push(format!("station {}: {}", count.number, errors.join("; ")));
            continue;
        }
        let station_warnings = described(&mut outcome.warnings());
        if !station_warnings.is_empty() && !options.confirm_warnings {
            warnings.push(format!(
                "station {}: {}",
                count.number,
                station_warnings.join("; ")
            ));
        }
        let mut after = record.clone();
        if let Err(e) = after.day.apply(&report, now) {
            problems.push(format!("station {}: {e}", count.number));
            continue;
        }
        entries.push(Entry {
            election_id: election.id.clone(),
            station_id: record.station.id.clone(),
            kind: report.kind().to_owned(),
            payload: EventPayload::Operation(Operation {
                id: uuid::Uuid::now_v7(),
                device_seq: 0,
                station_id: record.station.id.clone(),
                recorded_at: now,
                report,
                confirmed_warnings: outcome.warnings().map(|i| i.code().to_owned()).collect(),
            }),
            recorded_at: now.millis(),
            actor: actor.to_owned(),
            audit_action: "import.digital_result".into(),
        });
        changed.insert(record.station.id.clone(), after);
    }
    if !problems.is_empty() {
        return Err(DigitalResultsError::Rows(problems));
    }
    if !warnings.is_empty() {
        return Err(DigitalResultsError::Warnings(
            format!("{} station(s)", warnings.len()),
            warnings.join("\n"),
        ));
    }
    imported.stored = entries.len();
    event_log::append(db, &entries, &mut changed, now.millis())?;
    Ok(imported)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str =
        "station;voters;blank;invalid;1;2;3\n1;840;10;0;400;230;200\n2;1100;5;2;500;300;293\n";

    #[test]
    fn only_the_confirmed_hash_lets_the_file_in() {
        let hash = sha256_hex(FILE.as_bytes());
        assert_eq!(hash.len(), 64);
        assert!(confirm(FILE.as_bytes(), &hash).is_ok());
        assert!(confirm(FILE.as_bytes(), &hash.to_uppercase()).is_ok());
        let changed = FILE.replace("400", "401");
        assert!(matches!(
            confirm(changed.as_bytes(), &hash),
            Err(DigitalResultsError::HashMismatch { .. })
        ));
    }

    #[test]
    fn a_row_becomes_a_station_result_that_adds_up() {
        let counts = parse(FILE.as_bytes()).unwrap();
        assert_eq!(counts.len(), 2);
        let first = &counts[0].result;
        assert_eq!(first.voters.admitted_voters, 840);
        assert_eq!(first.votes.votes_for_candidates, 830);
        assert_eq!(first.votes.votes_cast, 840);
        assert_eq!(
            (first.more_ballots_counted, first.fewer_ballots_counted),
            (0, 0)
        );
        assert_eq!(
            first.votes.list_votes[2],
            ListVotes {
                list_number: 3,
                votes: 200
            }
        );
    }

    #[test]
    fn every_bad_row_is_named_and_none_is_taken() {
        let bad = "station,voters,blank,invalid,1,2\n1,10,0,0,5,5\n1,10,0,0,5,5\n2,ten,0,0,5,5\n3,10,0,0,4294967295,1\n4,1,1\n";
        let Err(DigitalResultsError::Rows(problems)) = parse(bad.as_bytes()) else {
            panic!("refused")
        };
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].starts_with("line 3: station 1 again"));
        assert!(problems[1].starts_with("line 4:") && problems[1].contains("ten"));
        assert!(problems[2].contains("more than a count can hold"));
        assert!(problems[3].starts_with("line 6:"));
        assert!(matches!(
            parse(b"number,voters\n1,2\n"),
            Err(DigitalResultsError::Header(_))
        ));
        assert!(matches!(
            parse(&vec![b'1'; MAX_BYTES + 1]),
            Err(DigitalResultsError::TooLarge)
        ));
    }
}
