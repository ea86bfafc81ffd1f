//! Results per station, for the municipalities that publish per station: a Dutch
//! municipality every station's after closing, a Flemish digital-voting one only where
//! at least 500 voted (DOMAIN.md "The day (Flanders)"), under the same embargo as every
//! other unit (`embargo::may_see_result`). A Flemish paper-voting municipality's
//! stations have no count of their own: it publishes per counting office instead.

use serde::Serialize;
use shared::domain::{Election, Timestamp};

use super::embargo::may_see_result;
use super::results::{self, ResultTotals};
use crate::auth::Principal;
use crate::store::stations::StationRecord;

/// One station's result, or only whether it is in while under embargo for the caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StationResult {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub district: Option<String>,
    pub subarea: Option<String>,
    /// Its provisional result is in.
    pub result_in: bool,
    /// False while the embargo holds for this caller (before closing, or fewer voters
    /// than the publication threshold); then `totals` is absent.
    pub published: bool,
    pub totals: Option<ResultTotals>,
}

/// A municipality's results per station.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StationResultsReport {
    pub election_id: String,
    pub closes_at: i64,
    /// Smallest number of voters a station needs for its figures to be published.
    pub publication_threshold: u32,
    /// The municipality counts in counting offices (Flemish paper voting): its stations
    /// have no result of their own and `stations` is empty; the results report's
    /// `counting_offices` has the figures.
    pub counted_in_offices: bool,
    /// By number.
    pub stations: Vec<StationResult>,
}

/// The stations' results as `principal` may see them at `at`.
#[must_use]
pub fn report(
    principal: &Principal,
    stations: &[StationRecord],
    election: &Election,
    counted_in_offices: bool,
    at: Timestamp,
) -> StationResultsReport {
    let mut rows: Vec<StationResult> = if counted_in_offices {
        Vec::new()
    } else {
        stations
            .iter()
            .map(|record| {
                let totals = results::total(std::slice::from_ref(record));
                let result_in = record.day.result.is_some();
                let voters = u32::try_from(totals.votes_cast).unwrap_or(u32::MAX);
                let published =
                    result_in && may_see_result(principal, election, voters, at.millis());
                StationResult {
                    id: record.station.id.clone(),
                    number: record.station.number,
                    name: record.station.name.clone(),
                    district: record.station.district.clone(),
                    subarea: record.station.subarea.clone(),
                    result_in,
                    published,
                    totals: published.then_some(totals),
                }
            })
            .collect()
    };
    rows.sort_by_key(|r| r.number);
    StationResultsReport {
        election_id: election.id.clone(),
        closes_at: election.closes_at.millis(),
        publication_threshold: election.jurisdiction.rules().publication_threshold,
        counted_in_offices,
        stations: rows,
    }
}

#[cfg(test)]
mod tests {
    use shared::domain::{Jurisdiction, ProvisionalResult, StationDay};
    use shared::fixtures;

    use super::*;
    use crate::auth::Role;

    fn record(number: u32, result: Option<ProvisionalResult>) -> StationRecord {
        StationRecord {
            election_id: "E".into(),
            station: fixtures::station("GM0599", number),
            day: StationDay {
                result,
                ..StationDay::default()
            },
            last_event_seq: 0,
            last_seen_at: None,
        }
    }

    /// Polls from 0 to 1,000 ms.
    fn election(jurisdiction: Jurisdiction) -> Election {
        Election {
            opens_at: Timestamp(0),
            closes_at: Timestamp(1_000),
            ..fixtures::election(jurisdiction, 2)
        }
    }

    /// Three stations: 499 and 500 voters, and one without a result, listed out of order.
    fn stations() -> Vec<StationRecord> {
        vec![
            record(3, None),
            record(1, Some(fixtures::result((499, 0, 0), &[300, 199], 0, 0))),
            record(2, Some(fixtures::result((500, 0, 0), &[300, 200], 0, 0))),
        ]
    }

    fn published(report: &StationResultsReport) -> Vec<(u32, bool, Option<u64>)> {
        report
            .stations
            .iter()
            .map(|s| {
                (
                    s.number,
                    s.published,
                    s.totals.as_ref().map(|t| t.votes_cast),
                )
            })
            .collect()
    }

    #[test]
    fn a_flemish_station_is_published_only_where_500_voted_and_after_closing() {
        let be = election(Jurisdiction::Flanders);
        let stations = stations();
        let before = report(&Principal::Public, &stations, &be, false, Timestamp(999));
        assert_eq!(
            published(&before),
            [(1, false, None), (2, false, None), (3, false, None)]
        );
        let after = report(&Principal::Public, &stations, &be, false, Timestamp(1_000));
        assert_eq!(
            published(&after),
            [(1, false, None), (2, true, Some(500)), (3, false, None)]
        );
        assert_eq!(after.publication_threshold, 500);
        assert!(after.stations[0].result_in && !after.stations[2].result_in);
        // The control room works with every result during the count.
        let coordinator = Principal::Staff {
            user_id: "c".into(),
            role: Role::Coordinator,
            municipality: Some("GM0599".into()),
        };
        let during = report(&coordinator, &stations, &be, false, Timestamp(999));
        assert_eq!(
            published(&during),
            [(1, true, Some(499)), (2, true, Some(500)), (3, false, None)]
        );
    }

    #[test]
    fn a_dutch_station_is_published_at_closing_whatever_its_size() {
        let nl = election(Jurisdiction::Netherlands);
        let after = report(
            &Principal::Public,
            &stations(),
            &nl,
            false,
            Timestamp(1_000),
        );
        assert_eq!(
            published(&after),
            [(1, true, Some(499)), (2, true, Some(500)), (3, false, None)]
        );
    }

    #[test]
    fn a_municipality_counting_in_offices_lists_no_station() {
        let be = election(Jurisdiction::Flanders);
        let after = report(&Principal::Public, &stations(), &be, true, Timestamp(1_000));
        assert!(after.counted_in_offices);
        assert!(after.stations.is_empty());
    }
}
