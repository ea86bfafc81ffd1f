//! A paper municipality's results come from its counting offices: its stations send no
//! result of their own. The results report (`reporting::routes`) then lists each
//! office with its figures, and adds up the municipality's, each subarea's and each
//! district's from the offices' results, under the same embargo as a station's
//! (`reporting::embargo`): nothing for the public and viewers before closing, no
//! office under the publication threshold, and no total that holds a withheld office.
//!
//! An office counts towards a subarea (or district) when all its stations are in it;
//! the ballots of an office whose stations lie in several cannot be told apart, so it
//! counts towards the municipality only and those units stay incomplete.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use shared::domain::{Election, Station, Timestamp};

use crate::auth::Principal;
use crate::features::reporting::embargo::{TotalsEmbargo, may_see_result};
use crate::features::reporting::results::ResultTotals;
use crate::store::counting_offices::CountingOfficeRecord;
use crate::store::stations::StationRecord;

/// A station a counting office counts for, with its subarea.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OfficeStation {
    pub id: String,
    pub number: u32,
    pub name: String,
    /// The Flemish geographic subarea (geografisch deelgebied), when known.
    pub subarea: Option<String>,
    pub district: Option<String>,
}

impl From<&Station> for OfficeStation {
    fn from(station: &Station) -> Self {
        Self {
            id: station.id.clone(),
            number: station.number,
            name: station.name.clone(),
            subarea: station.subarea.clone(),
            district: station.district.clone(),
        }
    }
}

/// One counting office in the results report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CountingOfficeResult {
    pub number: u32,
    pub name: String,
    /// The stations whose ballots it counts, by number.
    pub stations: Vec<OfficeStation>,
    /// Its result is entered: an intermediate result, published as soon as it is.
    pub complete: bool,
    /// Locked by the main office's chair: its result will not change any more.
    pub locked: bool,
    /// False while the embargo holds for this caller (before closing, or under the
    /// publication threshold); then `totals` is absent.
    pub published: bool,
    pub totals: Option<ResultTotals>,
}

/// A municipality's stations and the counting offices that count them.
pub struct PaperCount<'a> {
    stations: &'a [StationRecord],
    offices: &'a [CountingOfficeRecord],
}

impl<'a> PaperCount<'a> {
    /// `None` when the municipality has no counting offices (its stations report
    /// their own results).
    #[must_use]
    pub fn new(stations: &'a [StationRecord], offices: &'a [CountingOfficeRecord]) -> Option<Self> {
        (!offices.is_empty()).then_some(Self { stations, offices })
    }

    fn stations_of(&self, office: &CountingOfficeRecord) -> Vec<&'a StationRecord> {
        self.stations
            .iter()
            .filter(|s| office.office.station_ids.contains(&s.station.id))
            .collect()
    }

    /// The office's own totals.
    fn office_totals(&self, office: &CountingOfficeRecord) -> ResultTotals {
        let stations = u32::try_from(self.stations_of(office).len()).unwrap_or(u32::MAX);
        let mut totals = ResultTotals {
            stations,
            ..ResultTotals::default()
        };
        if let Some(entry) = &office.entry {
            totals.add_counted(&entry.result, stations);
        }
        totals
    }

    /// Totals per unit (`unit` of a station; "" for none): its stations, and the
    /// results of the offices that lie wholly in it.
    fn group(&self, unit: impl Fn(&Station) -> Option<String>) -> BTreeMap<String, ResultTotals> {
        let mut groups: BTreeMap<String, ResultTotals> = BTreeMap::new();
        for record in self.stations {
            groups
                .entry(unit(&record.station).unwrap_or_default())
                .or_default()
                .stations += 1;
        }
        for office in self.offices {
            let Some(entry) = &office.entry else {
                continue;
            };
            let stations = self.stations_of(office);
            let units: BTreeSet<String> = stations
                .iter()
                .map(|s| unit(&s.station).unwrap_or_default())
                .collect();
            if let (Some(name), 1) = (units.first(), units.len()) {
                let count = u32::try_from(stations.len()).unwrap_or(u32::MAX);
                if let Some(totals) = groups.get_mut(name) {
                    totals.add_counted(&entry.result, count);
                }
            }
        }
        groups
    }

    /// Totals per district, from the offices.
    #[must_use]
    pub fn by_district(&self) -> BTreeMap<String, ResultTotals> {
        self.group(|s| s.district.clone())
    }

    /// Totals per subarea, from the offices.
    #[must_use]
    pub fn by_subarea(&self) -> BTreeMap<String, ResultTotals> {
        self.group(|s| s.subarea.clone())
    }

    /// The municipality's totals: every station, and every office's result.
    #[must_use]
    pub fn total(&self) -> ResultTotals {
        self.group(|_| None).remove("").unwrap_or_default()
    }

    /// Whether `principal` may see the figures of `office` at `at`.
    fn published(
        &self,
        office: &CountingOfficeRecord,
        principal: &Principal,
        election: &Election,
        at: Timestamp,
    ) -> bool {
        office.entry.as_ref().is_some_and(|entry| {
            may_see_result(
                principal,
                election,
                entry.result.votes.votes_cast,
                at.millis(),
            )
        })
    }

    /// `embargo`, also withholding every unit that holds an office whose figures are
    /// withheld from `principal` at `at`, and then the municipality's total: no
    /// withheld office follows by subtraction from a published total.
    #[must_use]
    pub fn embargo<'e>(
        &self,
        embargo: TotalsEmbargo<'e>,
        principal: &Principal,
        election: &Election,
        at: Timestamp,
    ) -> TotalsEmbargo<'e> {
        let withheld: Vec<&StationRecord> = self
            .offices
            .iter()
            .filter(|o| o.entry.is_some() && !self.published(o, principal, election, at))
            .flat_map(|o| self.stations_of(o))
            .collect();
        if withheld.is_empty() {
            return embargo;
        }
        embargo.withholding(
            withheld.iter().filter_map(|s| s.station.district.clone()),
            withheld.iter().filter_map(|s| s.station.subarea.clone()),
        )
    }

    /// Every office with its figures where the caller may see them.
    #[must_use]
    pub fn offices(
        &self,
        principal: &Principal,
        election: &Election,
        at: Timestamp,
    ) -> Vec<CountingOfficeResult> {
        self.offices
            .iter()
            .map(|office| {
                let published = self.published(office, principal, election, at);
                CountingOfficeResult {
                    number: office.office.number,
                    name: office.office.name.clone(),
                    stations: self
                        .stations_of(office)
                        .into_iter()
                        .map(|s| OfficeStation::from(&s.station))
                        .collect(),
                    complete: office.entry.is_some(),
                    locked: office.lock.is_some(),
                    published,
                    totals: published.then(|| self.office_totals(office)),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::reporting::embargo::Unit;
    use crate::store::counting_offices::Entry;
    use shared::domain::counting_office::CountingOffice;
    use shared::domain::{Jurisdiction, StationDay};

    const M: &str = "44021";

    fn station(number: u32, subarea: &str) -> StationRecord {
        let mut station = shared::fixtures::station(M, number);
        station.subarea = Some(subarea.into());
        StationRecord {
            election_id: "GR2024".into(),
            station,
            day: StationDay::default(),
            last_event_seq: 0,
            last_seen_at: None,
        }
    }

    /// Office `number` of `stations`, with `votes` for list 1 entered (when some).
    fn office(number: u32, stations: &[u32], votes: Option<u32>) -> CountingOfficeRecord {
        CountingOfficeRecord {
            election_id: "GR2024".into(),
            municipality_code: M.into(),
            office: CountingOffice {
                number,
                name: format!("Telbureau {number}"),
                station_ids: stations.iter().map(|n| format!("{M}-{n}")).collect(),
            },
            linked_at: 0,
            entry: votes.map(|votes| Entry {
                result: shared::fixtures::result((votes, 0, 0), &[votes], 0, 0),
                confirmed_warnings: Vec::new(),
                by: "u".into(),
                at: 0,
            }),
            claim: None,
            lock: None,
        }
    }

    fn stations() -> Vec<StationRecord> {
        vec![
            station(1, "Centrum"),
            station(2, "Centrum"),
            station(3, "Tereken"),
            station(4, "Tereken"),
        ]
    }

    #[test]
    fn an_office_across_two_subareas_counts_for_the_municipality_only() {
        let stations = stations();
        let offices = [
            office(1, &[1, 2], Some(700)),
            office(2, &[3], Some(600)),
            office(3, &[4], None),
        ];
        let paper = PaperCount::new(&stations, &offices).unwrap();
        let total = paper.total();
        assert_eq!((total.stations, total.stations_in), (4, 3));
        assert_eq!(total.votes_cast, 1_300);
        let subareas = paper.by_subarea();
        assert_eq!(subareas["Centrum"].votes_cast, 700);
        assert!(subareas["Centrum"].complete());
        assert_eq!(subareas["Tereken"].stations_in, 1, "office 3 is not in");

        let across = [office(1, &[2, 3], Some(700))];
        let paper = PaperCount::new(&stations, &across).unwrap();
        let subareas = paper.by_subarea();
        assert_eq!(subareas["Centrum"].stations_in, 0);
        assert_eq!(subareas["Tereken"].stations_in, 0);
        assert_eq!(paper.total().votes_cast, 700);
        assert!(PaperCount::new(&stations, &[]).is_none());
    }

    #[test]
    fn an_office_under_the_threshold_withholds_its_subarea_and_the_municipality() {
        let stations = stations();
        let offices = [office(1, &[1, 2], Some(400)), office(2, &[3, 4], Some(600))];
        let paper = PaperCount::new(&stations, &offices).unwrap();
        let election = shared::fixtures::election(Jurisdiction::Flanders, 1);
        let after = election.closes_at.plus_millis(1);
        let public = Principal::Public;
        let embargo = paper.embargo(
            TotalsEmbargo::new(&public, &election, &stations, after),
            &public,
            &election,
            after,
        );
        assert!(!embargo.unit_published(Unit::Subarea, "Centrum", 5_000));
        assert!(embargo.unit_published(Unit::Subarea, "Tereken", 600));
        assert!(!embargo.municipality_published(1_000, true));
        let shown = paper.offices(&public, &election, after);
        assert_eq!(
            shown.iter().map(|o| o.published).collect::<Vec<_>>(),
            [false, true]
        );
        assert!(shown[0].totals.is_none() && shown[0].complete);
        assert_eq!(shown[1].totals.as_ref().unwrap().votes_cast, 600);
        let before = election.closes_at.plus_millis(-1);
        assert!(
            paper
                .offices(&public, &election, before)
                .iter()
                .all(|o| o.totals.is_none()),
            "nothing before closing"
        );
    }
}
