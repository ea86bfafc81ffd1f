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
        self.add_counted(result, 1);
    }

    /// Adds `result`, counted for `stations` stations (a counting office's counts for
    /// the stations whose ballots it counted).
    pub(crate) fn add_counted(&mut self, result: &ProvisionalResult, stations: u32) {
        let v = &result.voters;
        let w = &result.votes;
        self.stations_in += stations;
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

/// How the seats are allocated (see `shared::domain::seats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeatMethodName {
    /// Flemish municipal councils: divisors 2, 3, 4, ...
    Imperiali,
    /// Flemish provincial and district councils: divisors 1, 2, 3, ...
    DHondt,
    /// Dutch councils of 19 seats or more: quota, full seats, largest averages (Kieswet P 5-P 7, P 9).
    QuotaLargestAverages,
    /// Dutch councils under 19 seats: quota, full seats, largest remainders for lists with
    /// at least 75 % of the quota (one each), then largest averages (one each) (Kieswet P 5, P 6, P 8, P 9).
    QuotaLargestRemainders,
}

/// How a seat after the full seats was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeatStageName {
    HighestAverage,
    LargestAverage,
    LargestRemainder,
    /// Kieswet P 9: moved to the list with more than half of the votes.
    AbsoluteMajority,
}

/// Who must decide a tie the rules leave open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TieRuleName {
    /// Kieswet: the lot decides (the central electoral committee draws).
    DrawingOfLots,
    /// Flanders: equal quotients and equal votes; the main office decides.
    EqualVotes,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ListSeatCount {
    pub list: u32,
    pub votes: u64,
    /// Dutch full seats (Kieswet P 6); 0 for the Flemish methods.
    pub full_seats: u32,
    /// All the list's seats, full seats included.
    pub seats: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SeatTie {
    pub stage: SeatStageName,
    pub rule: TieRuleName,
    /// The first seat concerned, counted over all the council's seats from 1.
    pub first_seat: u32,
    /// How many seats the tied lists compete for.
    pub seats: u32,
    pub lists: Vec<u32>,
}

/// A seat given after the full seats, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SeatAwardEntry {
    pub seat: u32,
    pub list: u32,
    pub stage: SeatStageName,
    /// For `absolute_majority`: the list the seat was taken from.
    pub taken_from: Option<u32>,
}

/// The council's seats allocated on the provisional totals, by shared's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SeatAllocation {
    pub method: SeatMethodName,
    pub seats: u32,
    pub total_votes: u64,
    /// The Dutch quota (kiesdeler) as numerator / denominator; absent for Flanders.
    pub quota_numerator: Option<u64>,
    pub quota_denominator: Option<u32>,
    pub lists: Vec<ListSeatCount>,
    pub awards: Vec<SeatAwardEntry>,
    /// Seats not given: those of a tie and any after it, or all when there are no votes.
    pub unassigned: u32,
    /// A tie that a person must decide (a drawing of lots in the Netherlands).
    pub tie: Option<SeatTie>,
    /// False while stations are still missing: the allocation is on partial figures.
    pub complete: bool,
}

/// The seat allocation on `totals`, when the election's seats are configured.
#[must_use]
pub fn seat_allocation(
    election: &shared::domain::Election,
    totals: &ResultTotals,
) -> Option<SeatAllocation> {
    use shared::domain::seats::{self, SeatMethod, SeatStage, TieRule};
    let method = election.seat_method()?;
    let seats = election.seats?;
    let mut numbers: Vec<u32> = election.lists.iter().map(|l| l.number).collect();
    numbers.extend(
        totals
            .list_votes
            .keys()
            .filter(|n| !numbers.contains(n))
            .collect::<Vec<_>>(),
    );
    let votes: Vec<seats::ListVotes> = numbers
        .iter()
        .map(|&list| seats::ListVotes {
            list,
            votes: totals.list_votes.get(&list).copied().unwrap_or(0),
        })
        .collect();
    let allocation = match seats::allocate(method, seats, &votes) {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(election = %election.id, error = %e, "no seat allocation");
            return None;
        }
    };
    let stage = |s: SeatStage| match s {
        SeatStage::HighestAverage => SeatStageName::HighestAverage,
        SeatStage::LargestAverage => SeatStageName::LargestAverage,
        SeatStage::LargestRemainder => SeatStageName::LargestRemainder,
        SeatStage::AbsoluteMajority => SeatStageName::AbsoluteMajority,
    };
    Some(SeatAllocation {
        method: match allocation.method {
            SeatMethod::Imperiali => SeatMethodName::Imperiali,
            SeatMethod::DHondt => SeatMethodName::DHondt,
            SeatMethod::QuotaLargestAverages => SeatMethodName::QuotaLargestAverages,
            SeatMethod::QuotaLargestRemainders => SeatMethodName::QuotaLargestRemainders,
        },
        seats: allocation.seats,
        total_votes: allocation.total_votes,
        quota_numerator: allocation.quota.map(|q| q.0),
        quota_denominator: allocation.quota.map(|q| q.1),
        lists: allocation
            .lists
            .iter()
            .map(|l| ListSeatCount {
                list: l.list,
                votes: l.votes,
                full_seats: l.full_seats,
                seats: l.seats,
            })
            .collect(),
        awards: allocation
            .awards
            .iter()
            .map(|a| SeatAwardEntry {
                seat: a.seat,
                list: a.list,
                stage: stage(a.stage),
                taken_from: a.taken_from,
            })
            .collect(),
        unassigned: allocation.unassigned,
        tie: allocation.tie.map(|t| SeatTie {
            stage: stage(t.stage),
            rule: match t.rule {
                TieRule::DrawingOfLots => TieRuleName::DrawingOfLots,
                TieRule::EqualVotes => TieRuleName::EqualVotes,
            },
            first_seat: t.first_seat,
            seats: t.seats,
            lists: t.lists,
        }),
        complete: totals.complete(),
    })
}
