//! Counting offices (telbureaus) of Flemish paper-voting municipalities (DOMAIN.md,
//! "The day (Flanders, local elections 2024)"): on the day the main office
//! (hoofdbureau) links each counting office to the stations whose ballots it counts,
//! normally three; a station's ballots go to one counting office at most. The main
//! office enters each office's result (the same figures as a station's provisional
//! result, checked by the same rules, `validation::counting_office_result`), and the
//! municipality's results are the offices' results added up.
//!
//! Pure: which links are allowed, from when, and whether two results are the same
//! figures. Who links, holds or locks an office is the server's.

use serde::{Deserialize, Serialize};

use super::{Election, ProvisionalResult, Timestamp};

/// Most stations one counting office counts for (normally three).
pub const MAX_STATIONS_PER_OFFICE: usize = 10;
/// Longest name of a counting office, in characters.
pub const MAX_OFFICE_NAME_CHARS: usize = 100;
/// Highest number of a counting office.
pub const MAX_OFFICE_NUMBER: u32 = 9_999;

const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_DAY: i64 = 86_400_000;

/// A counting office as the main office linked it: its number in the municipality, its
/// name, and the stations whose ballots it counts.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountingOffice {
    /// 1, 2, ... within the municipality.
    pub number: u32,
    /// "Telbureau 1", or the name the main office gives it.
    pub name: String,
    /// Ids of the stations whose ballots it counts, as given.
    pub station_ids: Vec<String>,
}

/// Why a link is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkRefusal {
    /// Not a Flemish election: counting offices are Flemish paper voting's, and one
    /// office would make the municipality's totals come from offices only.
    NotFlemish,
    /// Before local midnight of the election day; linking opens at `opens_at`.
    NotOnTheDay { opens_at: Timestamp },
    /// A number of 0 or above `MAX_OFFICE_NUMBER`.
    InvalidNumber,
    /// An empty name, or one over `MAX_OFFICE_NAME_CHARS`.
    InvalidName,
    /// No stations, or more than `MAX_STATIONS_PER_OFFICE`.
    InvalidStationCount,
    /// The same station named twice.
    StationTwice(String),
    /// Stations that are not the municipality's.
    UnknownStations(Vec<String>),
    /// A station already linked to another counting office: (station, office number).
    InOtherOffice(Vec<(String, u32)>),
}

/// The moment linking opens: local midnight of the election day (the day of
/// `opens_at` in the election's `utc_offset_minutes`).
#[must_use]
pub fn linking_opens_at(election: &Election) -> Timestamp {
    let offset = i64::from(election.utc_offset_minutes).saturating_mul(MS_PER_MINUTE);
    let local = election.opens_at.millis().saturating_add(offset);
    let midnight = local.div_euclid(MS_PER_DAY).saturating_mul(MS_PER_DAY);
    Timestamp(midnight.saturating_sub(offset))
}

/// Whether `office` may be linked as given at `now`: on the day, a plausible number
/// and name, one to `MAX_STATIONS_PER_OFFICE` stations, each once, each one of
/// `municipality_stations`, none linked to another of `others` (the municipality's
/// other counting offices; an office of the same number is this one, relinked).
///
/// # Errors
/// The first reason found, in the order above.
pub fn check_link(
    election: &Election,
    now: Timestamp,
    office: &CountingOffice,
    municipality_stations: &[&str],
    others: &[CountingOffice],
) -> Result<(), LinkRefusal> {
    if election.jurisdiction != crate::domain::Jurisdiction::Flanders {
        return Err(LinkRefusal::NotFlemish);
    }
    let opens_at = linking_opens_at(election);
    if now < opens_at {
        return Err(LinkRefusal::NotOnTheDay { opens_at });
    }
    if office.number == 0 || office.number > MAX_OFFICE_NUMBER {
        return Err(LinkRefusal::InvalidNumber);
    }
    let name = office.name.trim();
    // A name is shown on public pages: no control characters, no text-direction
    // overrides that would make it read as something else.
    let hidden = |c: char| {
        c.is_control()
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if name.is_empty()
        || office.name.chars().count() > MAX_OFFICE_NAME_CHARS
        || office.name.chars().any(hidden)
    {
        return Err(LinkRefusal::InvalidName);
    }
    if office.station_ids.is_empty() || office.station_ids.len() > MAX_STATIONS_PER_OFFICE {
        return Err(LinkRefusal::InvalidStationCount);
    }
    for (n, id) in office.station_ids.iter().enumerate() {
        if office.station_ids[..n].contains(id) {
            return Err(LinkRefusal::StationTwice(id.clone()));
        }
    }
    let unknown: Vec<String> = office
        .station_ids
        .iter()
        .filter(|id| !municipality_stations.contains(&id.as_str()))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(LinkRefusal::UnknownStations(unknown));
    }
    let elsewhere: Vec<(String, u32)> = office
        .station_ids
        .iter()
        .filter_map(|id| {
            others
                .iter()
                .filter(|other| other.number != office.number)
                .find(|other| other.station_ids.contains(id))
                .map(|other| (id.clone(), other.number))
        })
        .collect();
    if !elsewhere.is_empty() {
        return Err(LinkRefusal::InOtherOffice(elsewhere));
    }
    Ok(())
}

/// Whether two results are the same figures: the voters block, blank, invalid and
/// votes cast, and every list's total (in whatever order the lists were given). Two
/// counting offices with the same figures are most likely one office entered twice.
#[must_use]
pub fn same_figures(a: &ProvisionalResult, b: &ProvisionalResult) -> bool {
    let lists = |r: &ProvisionalResult| {
        let mut lists: Vec<(u32, u32)> = r
            .votes
            .list_votes
            .iter()
            .filter(|l| l.votes > 0)
            .map(|l| (l.list_number, l.votes))
            .collect();
        lists.sort_unstable();
        lists
    };
    a.voters == b.voters
        && a.votes.votes_for_candidates == b.votes.votes_for_candidates
        && a.votes.blank_votes == b.votes.blank_votes
        && a.votes.invalid_votes == b.votes.invalid_votes
        && a.votes.votes_cast == b.votes.votes_cast
        && lists(a) == lists(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Jurisdiction;
    use crate::fixtures;

    fn office(number: u32, stations: &[&str]) -> CountingOffice {
        CountingOffice {
            number,
            name: format!("Telbureau {number}"),
            station_ids: stations.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// The fixtures' election: polls open 2026-03-18 07:30 local (UTC+1).
    fn election() -> Election {
        fixtures::election(Jurisdiction::Flanders, 3)
    }

    const STATIONS: [&str; 4] = ["B-1", "B-2", "B-3", "B-4"];

    #[test]
    fn linking_opens_at_local_midnight_of_the_election_day() {
        let election = election();
        // 2026-03-18 00:00 local is 2026-03-17 23:00 UTC: 7.5 hours before opening.
        let midnight = linking_opens_at(&election);
        assert_eq!(
            election.opens_at.millis() - midnight.millis(),
            450 * MS_PER_MINUTE
        );
        assert_eq!(midnight.local_hh_mm(60), "00:00");
        assert_eq!(midnight.local_date(60), "18-03-2026");
        let link = office(1, &STATIONS[..3]);
        assert_eq!(
            check_link(&election, midnight.plus_millis(-1), &link, &STATIONS, &[]),
            Err(LinkRefusal::NotOnTheDay { opens_at: midnight })
        );
        assert_eq!(
            check_link(&election, midnight, &link, &STATIONS, &[]),
            Ok(())
        );
        // West of Greenwich the local day starts later in UTC.
        let west = Election {
            utc_offset_minutes: -300,
            ..election
        };
        assert_eq!(linking_opens_at(&west).local_hh_mm(-300), "00:00");
        assert_eq!(linking_opens_at(&west).local_date(-300), "18-03-2026");
    }

    #[test]
    fn a_station_is_counted_by_one_office_at_most() {
        let election = election();
        let now = election.opens_at;
        let first = office(1, &["B-1", "B-2", "B-3"]);
        let second = office(2, &["B-3", "B-4"]);
        assert_eq!(
            check_link(
                &election,
                now,
                &second,
                &STATIONS,
                std::slice::from_ref(&first)
            ),
            Err(LinkRefusal::InOtherOffice(vec![("B-3".into(), 1)]))
        );
        // Relinking the same office is no conflict with itself.
        let relinked = office(1, &["B-1", "B-2"]);
        assert_eq!(
            check_link(&election, now, &relinked, &STATIONS, &[first]),
            Ok(())
        );
    }

    #[test]
    fn a_link_names_each_known_station_once() {
        let election = election();
        let now = election.opens_at;
        let check = |o: &CountingOffice| check_link(&election, now, o, &STATIONS, &[]);
        assert_eq!(
            check(&office(1, &["B-1", "B-1"])),
            Err(LinkRefusal::StationTwice("B-1".into()))
        );
        assert_eq!(
            check(&office(1, &["B-1", "X-9"])),
            Err(LinkRefusal::UnknownStations(vec!["X-9".into()]))
        );
        assert_eq!(
            check(&office(1, &[])),
            Err(LinkRefusal::InvalidStationCount)
        );
        let many: Vec<String> = (0..=MAX_STATIONS_PER_OFFICE)
            .map(|n| n.to_string())
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            check_link(&election, now, &office(1, &many), &many, &[]),
            Err(LinkRefusal::InvalidStationCount)
        );
        assert_eq!(check(&office(0, &["B-1"])), Err(LinkRefusal::InvalidNumber));
        let mut unnamed = office(1, &["B-1"]);
        unnamed.name = "  ".into();
        assert_eq!(check(&unnamed), Err(LinkRefusal::InvalidName));
        unnamed.name = "x".repeat(MAX_OFFICE_NAME_CHARS + 1);
        assert_eq!(check(&unnamed), Err(LinkRefusal::InvalidName));
    }

    #[test]
    fn the_same_figures_in_another_order_are_the_same() {
        let a = fixtures::result((1_000, 0, 0), &[500, 300, 190], 6, 4);
        let mut b = a.clone();
        b.votes.list_votes.reverse();
        b.explanation = "anders".into();
        assert!(same_figures(&a, &b));
        let mut c = a.clone();
        c.votes.list_votes[0].votes -= 1;
        c.votes.list_votes[1].votes += 1;
        assert!(!same_figures(&a, &c), "one vote moved between lists");
        let mut d = a.clone();
        d.voters.poll_cards -= 1;
        d.voters.proxy_certificates += 1;
        assert!(!same_figures(&a, &d));
    }

    /// A Dutch election has no counting offices: one linked by mistake would make the
    /// municipality's totals come from offices only.
    #[test]
    fn only_a_flemish_election_has_counting_offices() {
        let dutch = Election {
            jurisdiction: Jurisdiction::Netherlands,
            ..election()
        };
        let office = CountingOffice {
            number: 1,
            name: "Telbureau 1".into(),
            station_ids: vec!["a".into()],
        };
        assert_eq!(
            check_link(&dutch, dutch.opens_at, &office, &["a"], &[]),
            Err(LinkRefusal::NotFlemish)
        );
    }

    #[test]
    fn a_name_with_hidden_characters_is_refused() {
        let election = election();
        for name in ["Telbureau\u{0}1", "Telbureau \u{202E}1", "Tel\nbureau"] {
            let office = CountingOffice {
                number: 1,
                name: name.into(),
                station_ids: vec!["a".into()],
            };
            assert_eq!(
                check_link(&election, election.opens_at, &office, &["a"], &[]),
                Err(LinkRefusal::InvalidName),
                "{name:?}"
            );
        }
    }
}
