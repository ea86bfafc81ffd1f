//! EML_NL files onto a Kiesdag election: the election definition (110a) sets its name,
//! kind, day and seats (and creates it when it does not exist), the candidate lists
//! (230b) its lists and their candidates, the polling stations (110b) its stations and
//! their numbers of voters.
//!
//! `plan` decides everything from the files and what is stored, and writes nothing:
//! either every file can be taken, and the plan says what changes (nothing, for files
//! imported before), or the reasons why not are given and nothing is stored. `apply`
//! writes a plan in the caller's transaction, with its audit entry.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use eml_nl::documents::{
    candidate_lists::{CandidateLists, CandidateListsCandidate},
    election_definition::ElectionDefinition,
    polling_stations::PollingStations,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::domain::{
    Accessibility, CandidateList, CouncilKind, Election, Jurisdiction, Station, VotingLocation,
};

use super::identity::{Identity, election_day};
use super::read::Document;
use crate::db::Db;
use crate::features::preparation::Preparer;
use crate::store::{self, StoreError, eml::Part};

/// The candidates of one list, in their order on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCandidates {
    pub list: u32,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Their number on the list.
    pub number: u32,
    /// As the Kiesraad's results write it: "de Vries, P.M.J.".
    pub name: String,
}

/// What an election definition says of the election.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub name: String,
    pub day: NaiveDate,
    pub council: CouncilKind,
    /// The seats a municipal council election allocates; none for elections whose seats
    /// are not allocated from one municipality's votes (TK, PS, EP, ...).
    pub seats: Option<u32>,
}

/// What is stored that the files are compared with.
pub struct Current<'a> {
    pub election_id: &'a str,
    pub election: Option<&'a Election>,
    /// The EML election the Kiesdag election was imported as, if it was.
    pub identity: Option<&'a Identity>,
    pub candidates: &'a [ListCandidates],
    /// The election's stations, by id.
    pub stations: &'a BTreeMap<String, Station>,
    /// Stations of the files' ids that belong to another election: id to that election.
    pub elsewhere: &'a BTreeMap<String, String>,
    /// The names known of the files' municipalities, by code.
    pub municipalities: &'a BTreeMap<String, String>,
    /// The list numbers the stations' provisional results hold votes for.
    pub lists_with_votes: &'a BTreeSet<u32>,
}

/// What the caller looks up before planning: the station ids and municipality codes
/// the files name.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Needs {
    pub station_ids: Vec<String>,
    pub municipality_codes: Vec<String>,
}

/// What an import changes; empty when the files were imported before.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    /// The election, created or changed.
    pub election: Option<Election>,
    pub created: bool,
    /// The EML identity to record (the first import's, or one completed by a later file).
    pub identity: Option<Identity>,
    pub candidates: Option<Vec<ListCandidates>>,
    /// Municipalities not known before: code to name.
    pub municipalities: BTreeMap<String, String>,
    /// Stations added, or whose number of voters changed.
    pub stations: Vec<Station>,
    /// One line per part of the election the files speak of, changed or not.
    pub report: Vec<String>,
}

impl Plan {
    #[must_use]
    pub fn changes_nothing(&self) -> bool {
        self.election.is_none()
            && self.identity.is_none()
            && self.candidates.is_none()
            && self.municipalities.is_empty()
            && self.stations.is_empty()
    }
}

/// A file to import: its name (for the reasons) and its document.
pub type File<'a> = (&'a str, &'a Document);

fn definition<'a>(files: &[File<'a>]) -> Option<(&'a str, &'a ElectionDefinition)> {
    files.iter().find_map(|(name, d)| match d {
        Document::Definition(d) => Some((*name, d.as_ref())),
        _ => None,
    })
}

fn lists<'a>(files: &[File<'a>]) -> Option<(&'a str, &'a CandidateLists)> {
    files.iter().find_map(|(name, d)| match d {
        Document::Lists(l) => Some((*name, l.as_ref())),
        _ => None,
    })
}

fn stations<'a>(files: &[File<'a>]) -> Option<(&'a str, &'a PollingStations)> {
    files.iter().find_map(|(name, d)| match d {
        Document::Stations(s) => Some((*name, s.as_ref())),
        _ => None,
    })
}

/// The municipality (CBS code and name) whose stations a 110b lists: its reporting
/// unit, whose id ends in the municipality's four digits ("0106", "HSB1::0106").
fn municipality_of(document: &PollingStations) -> Option<(String, String)> {
    let contest = document.election_event.election.contests.first()?;
    let unit = &contest.reporting_unit.identifier;
    let raw = unit.id.raw();
    let digits = raw.rsplit("::").next()?.trim();
    (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (format!("GM{digits}"), unit.name.trim().to_owned()))
}

/// The station ids and municipality codes the files name.
#[must_use]
pub fn needs(files: &[File<'_>]) -> Needs {
    let mut needs = Needs::default();
    if let Some((_, document)) = stations(files)
        && let Some((code, _)) = municipality_of(document)
    {
        for contest in &document.election_event.election.contests {
            for place in &contest.polling_places {
                // The id `stations_of` gives it ("01" and "1" are station 1), so that a
                // station of another election is found under the same id.
                let raw = place.physical_location.polling_station.id.raw();
                if let Some(number) = number(&raw) {
                    needs.station_ids.push(format!("{code}-{number}"));
                }
            }
        }
        needs.municipality_codes.push(code);
    }
    needs
}

/// A candidate's name as the Kiesraad's results write it: prefix, last name, initials.
fn candidate_name(candidate: &CandidateListsCandidate) -> String {
    let person = &candidate.full_name.person_name;
    let last = match person.get_name_prefix() {
        Some(prefix) => format!("{prefix} {}", person.get_last_name()),
        None => person.get_last_name().to_owned(),
    };
    match person.get_initials() {
        Some(initials) => format!("{last}, {initials}"),
        None => last,
    }
}

fn number(raw: &str) -> Option<u32> {
    raw.trim().parse::<u32>().ok().filter(|n| *n > 0)
}

/// The lists and candidates of a 230b; a list without a registered name is called by
/// its first candidate, as the Kiesraad does ("Blanco (Jansen, J.)").
fn lists_of(
    file: &str,
    document: &CandidateLists,
    reasons: &mut Vec<String>,
) -> (Vec<CandidateList>, Vec<ListCandidates>) {
    let mut lists = Vec::new();
    let mut candidates = Vec::new();
    let mut seen = BTreeSet::new();
    for contest in &document.candidate_list.election.contests {
        for affiliation in &contest.affiliations {
            let raw = affiliation.identifier.id.raw();
            let Some(list) = number(&raw) else {
                reasons.push(format!("{file}: list number {raw:?} is not a number"));
                continue;
            };
            if !seen.insert(list) {
                reasons.push(format!("{file}: list {list} is in the file twice"));
                continue;
            }
            let people: Vec<Candidate> = affiliation
                .candidates
                .iter()
                .filter_map(|c| {
                    let raw = c.identifier.id.raw();
                    let found = number(&raw);
                    if found.is_none() {
                        reasons.push(format!(
                            "{file}: list {list}: candidate number {raw:?} is not a number"
                        ));
                    }
                    found.map(|number| Candidate {
                        number,
                        name: candidate_name(c),
                    })
                })
                .collect();
            let registered = affiliation
                .identifier
                .registered_name
                .as_deref()
                .map(str::trim)
                .unwrap_or_default();
            let name = if registered.is_empty() {
                people.first().map_or_else(
                    || format!("Lijst {list}"),
                    |first| format!("Blanco ({})", first.name),
                )
            } else {
                registered.to_owned()
            };
            lists.push(CandidateList { number: list, name });
            candidates.push(ListCandidates {
                list,
                candidates: people,
            });
        }
    }
    lists.sort_by_key(|l| l.number);
    candidates.sort_by_key(|l| l.list);
    (lists, candidates)
}

fn facts_of(definition: &ElectionDefinition, identity: &Identity) -> Result<Facts, String> {
    let election = &definition.election_event.election;
    let seats = election
        .number_of_seats
        .copied_value()
        .ok()
        .and_then(|s| u32::try_from(s).ok())
        .filter(|s| *s > 0)
        .ok_or_else(|| {
            format!(
                "its number of seats, {}, is not a number",
                election.number_of_seats.raw()
            )
        })?;
    let municipal = identity.category == "GR";
    Ok(Facts {
        name: identity
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| identity.id.clone()),
        day: identity.date,
        council: if identity.category == "PS" {
            CouncilKind::Provincial
        } else {
            CouncilKind::Municipal
        },
        seats: municipal.then_some(seats),
    })
}

/// Decides what importing `files` changes.
///
/// # Errors
/// Every reason a file cannot be taken: a value the library left unread, a file for
/// another election than the others or than the stored one, a second file of one
/// kind, a list or station the file names twice, a number of voters that is no
/// number, a station of another election, lists that would drop a list the results
/// already hold votes for, or no election to import into.
#[allow(clippy::too_many_lines)]
pub fn plan(
    files: &[File<'_>],
    current: &Current<'_>,
    new_election: &dyn Fn(&Facts) -> Result<Election, String>,
) -> Result<Plan, Vec<String>> {
    let mut reasons = Vec::new();
    let mut identities = Vec::new();
    let mut kinds = BTreeMap::new();
    for (file, document) in files {
        if let Some(first) = kinds.insert(document.kind(), *file) {
            reasons.push(format!(
                "{file}: a second {} besides {first}; import one at a time",
                document.kind()
            ));
        }
        match Identity::of(document) {
            Ok(identity) => identities.push((*file, identity)),
            Err(e) => reasons.push(format!("{file}: {e}")),
        }
    }
    let Some((first_file, first)) = identities.first().cloned() else {
        reasons.push("no file to import".into());
        return Err(reasons);
    };
    for (file, identity) in &identities[1..] {
        if !identity.same_election(&first) {
            reasons.push(format!(
                "{file} is for {}, but {first_file} is for {}",
                identity.describe(),
                first.describe()
            ));
        }
    }
    if !reasons.is_empty() {
        return Err(reasons);
    }
    // The definition names the election best, then the lists, then the stations.
    let mut ordered: Vec<&Identity> = Vec::new();
    for kind in [0, 1, 2] {
        for ((_, document), (_, identity)) in files.iter().zip(&identities) {
            let rank = match document {
                Document::Definition(_) => 0,
                Document::Lists(_) => 1,
                Document::Stations(_) => 2,
            };
            if rank == kind {
                ordered.push(identity);
            }
        }
    }
    let combined = ordered
        .iter()
        .skip(1)
        .fold(ordered[0].clone(), |acc, next| acc.completed_with(next));
    let election_id = current.election_id;
    let mut plan = Plan::default();

    // Which election, and whether the files are for it.
    match (current.identity, current.election) {
        (Some(stored), _) if !stored.same_election(&combined) => {
            return Err(vec![format!(
                "the files are for {}, but election {election_id} is {}",
                combined.describe(),
                stored.describe()
            )]);
        }
        (None, Some(election)) if election.jurisdiction != Jurisdiction::Netherlands => {
            return Err(vec![format!(
                "election {election_id} is Flemish; EML_NL files are for Dutch elections"
            )]);
        }
        (None, Some(election)) if election_day(election) != Some(combined.date) => {
            return Err(vec![format!(
                "the files are for {}, but election {election_id} is held on {}",
                combined.describe(),
                election_day(election).map_or_else(|| "no day".to_owned(), |d| d.to_string())
            )]);
        }
        (_, None) if definition(files).is_none() => {
            return Err(vec![format!(
                "there is no election {election_id}: import its election definition (110a) \
                 with these files, or create it with `kiesdag election init`"
            )]);
        }
        _ => {}
    }
    let identity = current.identity.map_or_else(
        || combined.clone(),
        |stored| stored.clone().completed_with(&combined),
    );
    if current.identity != Some(&identity) {
        plan.identity = Some(identity.clone());
    }

    // The election definition.
    let mut election = match (definition(files), current.election) {
        (Some((file, document)), existing) => {
            let facts = facts_of(document, &identity).map_err(|e| vec![format!("{file}: {e}")])?;
            if let Some(existing) = existing {
                let mut changed = existing.clone();
                changed.name.clone_from(&facts.name);
                changed.council = facts.council;
                changed.seats = facts.seats;
                plan.report.push(if changed == *existing {
                    format!("election {election_id}: as in {file} already")
                } else {
                    format!(
                        "election {election_id}: name, kind and seats set from {file} ({}, {})",
                        facts.name,
                        facts
                            .seats
                            .map_or_else(|| "no seats here".to_owned(), |s| format!("{s} seats"))
                    )
                });
                changed
            } else {
                let created = new_election(&facts).map_err(|e| vec![format!("{file}: {e}")])?;
                plan.created = true;
                plan.report.push(format!(
                    "election {election_id} created from {file}: {}, {} on {}, {}",
                    facts.name,
                    identity.category,
                    facts.day,
                    facts
                        .seats
                        .map_or_else(|| "no seats here".to_owned(), |s| format!("{s} seats"))
                ));
                created
            }
        }
        (None, Some(existing)) => existing.clone(),
        // Refused above.
        (None, None) => return Err(vec![format!("there is no election {election_id}")]),
    };

    // The candidate lists.
    if let Some((file, document)) = lists(files) {
        let (lists, candidates) = lists_of(file, document, &mut reasons);
        let numbers: BTreeSet<u32> = lists.iter().map(|l| l.number).collect();
        let dropped: Vec<String> = current
            .lists_with_votes
            .difference(&numbers)
            .map(u32::to_string)
            .collect();
        if !dropped.is_empty() {
            reasons.push(format!(
                "{file}: stations' results hold votes for list(s) {}, which the file does not have",
                dropped.join(", ")
            ));
        }
        let people: usize = candidates.iter().map(|l| l.candidates.len()).sum();
        if election.lists == lists && current.candidates == candidates.as_slice() {
            plan.report.push(format!(
                "lists: {} lists with {people} candidates, as in {file} already",
                lists.len()
            ));
        } else {
            plan.report.push(format!(
                "lists: {} lists with {people} candidates from {file} (before: {} lists)",
                lists.len(),
                election.lists.len()
            ));
        }
        election.lists = lists;
        if current.candidates != candidates.as_slice() {
            plan.candidates = Some(candidates);
        }
    }

    // The polling stations.
    if let Some((file, document)) = stations(files) {
        match municipality_of(document) {
            None => reasons.push(format!(
                "{file}: its reporting unit is not a municipality (four digits of its CBS code)"
            )),
            Some((code, name)) => {
                if let Some(expected) = identity.municipality_code()
                    && expected != code
                {
                    reasons.push(format!(
                        "{file}: its stations are of {code}, but {} is the election of {expected}",
                        identity.id
                    ));
                }
                let (added, updated, same) = stations_of(
                    file,
                    document,
                    &code,
                    &name,
                    current,
                    &mut plan,
                    &mut reasons,
                );
                if !current.municipalities.contains_key(&code) {
                    plan.municipalities.insert(code.clone(), name.clone());
                }
                plan.report.push(format!(
                    "stations of {code} {name}: {added} added, {updated} with a new number of voters, {same} as in {file} already"
                ));
            }
        }
    }
    if !reasons.is_empty() {
        return Err(reasons);
    }
    if plan.created || current.election != Some(&election) {
        plan.election = Some(election);
    }
    Ok(plan)
}

/// The stations of a 110b into `plan`: new ones whole, known ones their number of
/// voters. Returns how many were added, updated and left as they were.
fn stations_of(
    file: &str,
    document: &PollingStations,
    code: &str,
    municipality: &str,
    current: &Current<'_>,
    plan: &mut Plan,
    reasons: &mut Vec<String>,
) -> (usize, usize, usize) {
    let (mut added, mut updated, mut same) = (0, 0, 0);
    let mut seen = BTreeSet::new();
    for contest in &document.election_event.election.contests {
        for place in &contest.polling_places {
            let station = &place.physical_location.polling_station;
            let raw = station.id.raw();
            let Some(number) = number(&raw) else {
                reasons.push(format!("{file}: station number {raw:?} is not a number"));
                continue;
            };
            if !seen.insert(number) {
                reasons.push(format!("{file}: station {number} is in the file twice"));
                continue;
            }
            let Ok(voters) = station.data.trim().parse::<u32>() else {
                reasons.push(format!(
                    "{file}: station {number}: its number of voters, {:?}, is not a number",
                    station.data
                ));
                continue;
            };
            let id = format!("{code}-{number}");
            if let Some(other) = current.elsewhere.get(&id) {
                reasons.push(format!(
                    "{file}: station {id} belongs to election {other}, not {}",
                    current.election_id
                ));
                continue;
            }
            if let Some(existing) = current.stations.get(&id) {
                if existing.expected_voters == Some(voters) {
                    same += 1;
                } else {
                    let mut changed = existing.clone();
                    changed.expected_voters = Some(voters);
                    plan.stations.push(changed);
                    updated += 1;
                }
                continue;
            }
            let locality = &place.physical_location.address.locality;
            let name = locality.locality_name.name.trim().to_owned();
            let postcode = locality
                .postal_code
                .as_ref()
                .map(|p| p.number.number.trim().to_owned())
                .unwrap_or_default();
            plan.stations.push(Station {
                id,
                municipality_code: code.to_owned(),
                number,
                name: name.clone(),
                location: VotingLocation {
                    name,
                    address: String::new(),
                    postcode,
                    city: municipality.to_owned(),
                    latitude: None,
                    longitude: None,
                    accessibility: Accessibility::default(),
                },
                district: None,
                subarea: None,
                expected_voters: Some(voters),
                may_open_early: false,
                opens_at: None,
                closes_at: None,
                extra_stops: Vec::new(),
                planned_staff: Vec::new(),
            });
            added += 1;
        }
    }
    (added, updated, same)
}

/// Writes `plan` inside the caller's transaction, with one audit entry (counts and
/// files only: the candidates are named by their lists, not in the audit log).
///
/// # Errors
/// When the database refuses a write.
pub fn apply(
    db: &mut Db,
    by: &Preparer,
    election_id: &str,
    plan: &Plan,
    files: &[&str],
) -> Result<(), StoreError> {
    if let Some(election) = &plan.election {
        store::elections::upsert(db, election)?;
    }
    if let Some(identity) = &plan.identity {
        store::eml::set(db, election_id, Part::Identity, identity)?;
    }
    if let Some(candidates) = &plan.candidates {
        store::eml::set(db, election_id, Part::Candidates, candidates)?;
    }
    for (code, name) in &plan.municipalities {
        store::stations::upsert_municipality(db, code, name)?;
    }
    for station in &plan.stations {
        store::stations::upsert(db, election_id, station)?;
    }
    by.audit(
        db,
        "eml.import",
        election_id,
        &json!({
            "files": files,
            "eml_election": plan.identity.as_ref().map(|i| i.id.clone()),
            "election_created": plan.created,
            "lists": plan.election.as_ref().map(|e| e.lists.len()),
            "candidates": plan.candidates.as_ref().map(|c| c.iter().map(|l| l.candidates.len()).sum::<usize>()),
            "stations": plan.stations.len(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::eml::read::read;

    fn data(file: &str) -> String {
        std::fs::read_to_string(format!("{}/../data/eml/{file}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    }

    fn document(text: &str) -> Document {
        read(text).unwrap().document
    }

    fn lists_document(text: &str) -> CandidateLists {
        let Document::Lists(lists) = document(text) else {
            panic!("a 230b")
        };
        *lists
    }

    /// A Kiesdag election for the definition's facts (what `election init` would make).
    fn made(facts: &Facts) -> Result<Election, String> {
        let mut election = shared::fixtures::election(Jurisdiction::Netherlands, 0);
        election.id = "GR2022_Test".into();
        election.name.clone_from(&facts.name);
        election.council = facts.council;
        election.seats = facts.seats;
        Ok(election)
    }

    struct Stored {
        election: Option<Election>,
        identity: Option<Identity>,
        candidates: Vec<ListCandidates>,
        stations: BTreeMap<String, Station>,
        elsewhere: BTreeMap<String, String>,
        municipalities: BTreeMap<String, String>,
        votes: BTreeSet<u32>,
    }

    impl Stored {
        fn empty() -> Self {
            Self {
                election: None,
                identity: None,
                candidates: Vec::new(),
                stations: BTreeMap::new(),
                elsewhere: BTreeMap::new(),
                municipalities: BTreeMap::new(),
                votes: BTreeSet::new(),
            }
        }

        fn current(&self) -> Current<'_> {
            Current {
                election_id: "GR2022_Test",
                election: self.election.as_ref(),
                identity: self.identity.as_ref(),
                candidates: &self.candidates,
                stations: &self.stations,
                elsewhere: &self.elsewhere,
                municipalities: &self.municipalities,
                lists_with_votes: &self.votes,
            }
        }

        /// What `apply` would leave stored.
        fn after(mut self, plan: Plan) -> Self {
            if let Some(e) = plan.election {
                self.election = Some(e);
            }
            if let Some(i) = plan.identity {
                self.identity = Some(i);
            }
            if let Some(c) = plan.candidates {
                self.candidates = c;
            }
            self.municipalities.extend(plan.municipalities);
            for s in plan.stations {
                self.stations.insert(s.id.clone(), s);
            }
            self
        }
    }

    #[test]
    fn assens_lists_are_numbered_and_named_as_the_kiesraad_does() {
        let mut reasons = Vec::new();
        let (lists, candidates) = lists_of(
            "assen",
            &lists_document(&data("Kandidatenlijsten_GR2026_Assen.eml.xml")),
            &mut reasons,
        );
        assert!(reasons.is_empty(), "{reasons:?}");
        assert_eq!(lists.len(), 13);
        assert_eq!(
            (lists[0].number, lists[0].name.as_str()),
            (1, "GROENLINKS / Partij van de Arbeid (PvdA)")
        );
        assert_eq!(
            candidates.iter().map(|l| l.candidates.len()).sum::<usize>(),
            228
        );
        let first = &candidates[0].candidates;
        assert_eq!(first[0].name, "Bouwmeester, W.");
        assert_eq!(first[2].name, "de Vries, P.M.J.");
        assert_eq!(first[4].name, "van der Kolk - Kruithof, P.R.");
    }

    #[test]
    fn a_list_without_a_name_is_called_by_its_first_candidate() {
        let text = data("Kandidatenlijsten_GR2026_Assen.eml.xml").replace(
            "<RegisteredName>Stadspartij PLOP</RegisteredName>",
            "<RegisteredName></RegisteredName>",
        );
        let mut reasons = Vec::new();
        let (lists, candidates) = lists_of("assen", &lists_document(&text), &mut reasons);
        assert!(reasons.is_empty(), "{reasons:?}");
        assert_eq!(
            lists[1].name,
            format!("Blanco ({})", candidates[1].candidates[0].name)
        );
    }

    #[test]
    fn a_definition_makes_the_election_and_the_same_files_again_change_nothing() {
        let definition = document(&data("eml110a_GR2022_Test.eml.xml"));
        let stations = document(&data("eml110b_GR2022_Test.eml.xml"));
        let files = [("110a", &definition), ("110b", &stations)];

        // The stations alone have no election to go to.
        let stored = Stored::empty();
        let refused = plan(&files[1..], &stored.current(), &made).unwrap_err();
        assert!(
            refused[0].contains("there is no election GR2022_Test"),
            "{refused:?}"
        );

        let first = plan(&files, &stored.current(), &made).unwrap();
        assert!(first.created);
        let election = first.election.clone().unwrap();
        assert_eq!(election.name, "Gemeenteraad Test 2022");
        assert_eq!(election.seats, Some(45));
        assert_eq!(first.identity.as_ref().unwrap().id, "GR2022_Test");
        assert_eq!(first.stations.len(), 420);
        assert_eq!(
            first.municipalities,
            BTreeMap::from([("GM0000".to_owned(), "Test".to_owned())])
        );
        let needs = needs(&files);
        assert_eq!(needs.station_ids.len(), 420);
        assert_eq!(needs.municipality_codes, ["GM0000"]);

        let stored = stored.after(first);
        let again = plan(&files, &stored.current(), &made).unwrap();
        assert!(again.changes_nothing(), "{again:?}");

        // A new number of voters for one station is the only change.
        let mut stored = stored;
        stored.stations.get_mut("GM0000-1").unwrap().expected_voters = Some(1);
        let corrected = plan(&files[1..], &stored.current(), &made).unwrap();
        assert_eq!(corrected.stations.len(), 1);
        assert_eq!(corrected.stations[0].expected_voters, Some(1273));
        assert!(corrected.election.is_none() && corrected.identity.is_none());
    }

    /// "01" and "1" are the same station: the ids looked up (for a station of
    /// another election) are those the stations are stored under.
    #[test]
    fn a_station_numbered_with_a_leading_zero_is_looked_up_as_stored() {
        let text = data("eml110b_GR2022_Test.eml.xml")
            .replace("<PollingStation Id=\"1\">", "<PollingStation Id=\"01\">");
        let stations = document(&text);
        let files = [("110b", &stations)];
        let needs = needs(&files);
        assert!(
            needs.station_ids.contains(&"GM0000-1".to_owned()),
            "{:?}",
            &needs.station_ids[..3]
        );
        assert!(!needs.station_ids.iter().any(|id| id.ends_with("-01")));
    }

    #[test]
    fn another_elections_file_or_station_is_refused_with_nothing_planned() {
        let definition = document(&data("eml110a_GR2022_Test.eml.xml"));
        let stations = document(&data("eml110b_GR2022_Test.eml.xml"));
        let european = document(&data("eml110b_EP2024_Test.eml.xml"));
        let stored = Stored::empty();
        let refused = plan(
            &[("110a", &definition), ("ep", &european)],
            &stored.current(),
            &made,
        )
        .unwrap_err();
        assert_eq!(
            refused,
            [
                "ep is for EP2024 (Europees Parlement 2024, 2024-06-06), but 110a is for GR2022_Test (Gemeenteraad Test 2022, 2022-03-16)"
            ]
        );
        let twice = plan(
            &[("a", &definition), ("b", &definition)],
            &stored.current(),
            &made,
        )
        .unwrap_err();
        assert!(twice[0].starts_with("b: a second 110a"), "{twice:?}");

        let mut stored = stored;
        stored.elsewhere.insert("GM0000-3".into(), "GR2026".into());
        let refused = plan(
            &[("110a", &definition), ("110b", &stations)],
            &stored.current(),
            &made,
        )
        .unwrap_err();
        assert_eq!(
            refused,
            ["110b: station GM0000-3 belongs to election GR2026, not GR2022_Test"]
        );
    }

    #[test]
    fn lists_that_drop_a_list_with_votes_are_refused() {
        let lists = document(&data("Kandidatenlijsten_GR2026_Assen.eml.xml"));
        let mut stored = Stored::empty();
        let mut election = shared::fixtures::election(Jurisdiction::Netherlands, 2);
        election.id = "GR2022_Test".into();
        stored.election = Some(election);
        stored.votes = BTreeSet::from([2, 14, 15]);
        let refused = plan(&[("230b", &lists)], &stored.current(), &made).unwrap_err();
        assert_eq!(
            refused,
            ["230b: stations' results hold votes for list(s) 14, 15, which the file does not have"]
        );
        stored.votes = BTreeSet::from([2, 13]);
        let taken = plan(&[("230b", &lists)], &stored.current(), &made).unwrap();
        assert_eq!(taken.election.unwrap().lists.len(), 13);
        assert_eq!(taken.candidates.unwrap().len(), 13);
    }
}
