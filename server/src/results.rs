//! Provisional results added up per unit (municipality, district, subarea), with how
//! complete each unit is. Who may see them, and when, is `embargo`'s decision.

use std::collections::BTreeMap;

use serde::Serialize;
use shared::domain::ProvisionalResult;

use crate::store::stations::StationRecord;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ResultTotals {
    /// Stations in the unit.
    pub stations: u32,
    /// Stations whose provisional result is in.
    pub stations_in: u32,
    pub poll_cards: u64,
    pub proxy_certificates: u64,
    pub voter_cards: u64,
    pub admitted_voters: u64,
    pub votes_for_candidates: u64,
    pub blank_votes: u64,
    pub invalid_votes: u64,
    pub votes_cast: u64,
    pub more_ballots_counted: u64,
    pub fewer_ballots_counted: u64,
    /// Votes per list number.
    pub list_votes: BTreeMap<u32, u64>,
}

impl ResultTotals {
    fn add(&mut self, result: &ProvisionalResult) {
        let v = &result.voters;
        let w = &result.votes;
        self.stations_in += 1;
        self.poll_cards += u64::from(v.poll_cards);
        self.proxy_certificates += u64::from(v.proxy_certificates);
        self.voter_cards += u64::from(v.voter_cards);
        self.admitted_voters += u64::from(v.admitted_voters);
        self.votes_for_candidates += u64::from(w.votes_for_candidates);
        self.blank_votes += u64::from(w.blank_votes);
        self.invalid_votes += u64::from(w.invalid_votes);
        self.votes_cast += u64::from(w.votes_cast);
        self.more_ballots_counted += u64::from(result.more_ballots_counted);
        self.fewer_ballots_counted += u64::from(result.fewer_ballots_counted);
        for list in &w.list_votes {
            *self.list_votes.entry(list.list_number).or_default() += u64::from(list.votes);
        }
    }

    #[must_use]
    pub const fn complete(&self) -> bool {
        self.stations_in == self.stations
    }
}

/// Totals of `stations`, as one unit.
#[must_use]
pub fn total(stations: &[StationRecord]) -> ResultTotals {
    let mut totals = ResultTotals::default();
    for record in stations {
        totals.stations += 1;
        if let Some(result) = &record.day.result {
            totals.add(result);
        }
    }
    totals
}

/// Totals per district (stations without one under "").
#[must_use]
pub fn by_district(stations: &[StationRecord]) -> BTreeMap<String, ResultTotals> {
    group(stations, |r| r.station.district.clone().unwrap_or_default())
}

/// Totals per Flemish subarea (stations without one under "").
#[must_use]
pub fn by_subarea(stations: &[StationRecord]) -> BTreeMap<String, ResultTotals> {
    group(stations, |r| r.station.subarea.clone().unwrap_or_default())
}

fn group(
    stations: &[StationRecord],
    key: impl Fn(&StationRecord) -> String,
) -> BTreeMap<String, ResultTotals> {
    let mut groups: BTreeMap<String, Vec<StationRecord>> = BTreeMap::new();
    for record in stations {
        groups.entry(key(record)).or_default().push(record.clone());
    }
    groups.into_iter().map(|(k, v)| (k, total(&v))).collect()
}
