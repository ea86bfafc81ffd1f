//! Whether the event log holds exactly what the devices sent: each station's turnout
//! reports counted 1 up to `reports`, each once and in the device's order; event
//! numbers without gaps; the audit chain intact. What the fault and crash tests assert
//! and the benchmarks report, read in one place.

use std::collections::{BTreeMap, HashMap};

use shared::domain::Report;
use shared::protocol::EventPayload;

use super::StoreError;
use super::audit::{self, ChainBreak};
use super::events;
use crate::db::Db;

/// What the log holds against what every station sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryCheck {
    /// Events in the log, every kind.
    pub events: usize,
    /// Turnout reports found for the stations asked about.
    pub found: usize,
    /// Stations whose reports are exactly 1 up to `reports`, in order.
    pub exact: usize,
    /// Reports sent but not in the log.
    pub missing: usize,
    /// Reports in the log more than once (each extra copy counts).
    pub doubled: usize,
    /// Stations with every report once, but not in the device's order.
    pub out_of_order: usize,
    /// The stations that are not exact, with the counts the log holds, by id.
    pub wrong: BTreeMap<String, Vec<u32>>,
    /// Event numbers run 1, 2, 3, … without a gap.
    pub gap_free: bool,
    /// The audit chain's entries, or where it breaks.
    pub audit: Result<u64, ChainBreak>,
    /// The last event number of each municipality (a station id's part before `-`).
    pub last_seq: BTreeMap<String, i64>,
}

impl DeliveryCheck {
    /// Nothing lost, doubled or reordered, numbers gap-free, the chain intact.
    #[must_use]
    pub fn holds(&self) -> bool {
        self.wrong.is_empty() && self.gap_free && self.audit.is_ok()
    }
}

/// Checks the log of the database (one election) for `stations`, each of which sent
/// turnout reports counted 1 up to `reports`.
///
/// # Errors
/// A database error.
pub fn check(db: &mut Db, stations: &[String], reports: u32) -> Result<DeliveryCheck, StoreError> {
    let log = events::log(db)?;
    let mut turnout: HashMap<&str, Vec<u32>> = HashMap::new();
    let mut last_seq: BTreeMap<String, i64> = BTreeMap::new();
    for event in &log {
        let Some(station) = event.station_id.as_deref() else {
            continue;
        };
        if let Some((municipality, _)) = station.split_once('-') {
            let last = last_seq.entry(municipality.to_owned()).or_insert(0);
            *last = (*last).max(event.seq);
        }
        if let Some(EventPayload::Operation(operation)) = event.parsed_payload()
            && let Report::Turnout(report) = operation.report
        {
            turnout.entry(station).or_default().push(report.count);
        }
    }
    let expected: Vec<u32> = (1..=reports).collect();
    let mut check = DeliveryCheck {
        events: log.len(),
        found: 0,
        exact: 0,
        missing: 0,
        doubled: 0,
        out_of_order: 0,
        wrong: BTreeMap::new(),
        gap_free: log.iter().zip(1..).all(|(event, n)| event.seq == n),
        audit: audit::verify(db)?,
        last_seq,
    };
    for id in stations {
        let counts = turnout.get(id.as_str()).cloned().unwrap_or_default();
        check.found += counts.len();
        if counts == expected {
            check.exact += 1;
            continue;
        }
        let mut sorted = counts.clone();
        sorted.sort_unstable();
        let mut unique = sorted.clone();
        unique.dedup();
        check.doubled += sorted.len() - unique.len();
        check.missing += expected.iter().filter(|c| !unique.contains(c)).count();
        if sorted == expected && counts != sorted {
            check.out_of_order += 1;
        }
        check.wrong.insert(id.clone(), counts);
    }
    Ok(check)
}

#[cfg(test)]
mod tests {
    use shared::domain::{Timestamp, TurnoutMoment, TurnoutReport};
    use shared::fixtures;

    use super::*;
    use crate::http::test_support::{Fixture, election, station};
    use crate::store::{self, events::EventRecord};

    fn turnout(election: &str, seq: i64, station: &str, count: u32) -> EventRecord {
        let report = Report::Turnout(TurnoutReport {
            count,
            moment: TurnoutMoment::AdHoc,
            correction_reason: None,
        });
        let operation = fixtures::operation(
            &uuid::Uuid::nil(),
            seq.unsigned_abs(),
            station,
            Timestamp(seq),
            report,
        );
        EventRecord {
            election_id: election.into(),
            seq,
            station_id: Some(station.into()),
            kind: "turnout".into(),
            payload: store::to_json(&operation),
            recorded_at: seq,
            committed_at: seq,
        }
    }

    /// Each way a delivery can go wrong is counted, and the station named; a log
    /// that is right holds.
    #[test]
    fn a_lost_a_doubled_and_a_reordered_report_are_each_found() {
        let fixture = Fixture::new("delivery", 1);
        let mut db = fixture.state.pool.get().unwrap();
        let election = election();
        store::elections::upsert(&mut db, &election).unwrap();
        store::stations::upsert_municipality(&mut db, "GM0599", "Rotterdam").unwrap();
        for n in 1..=5 {
            store::stations::upsert(&mut db, &election.id, &station("GM0599", n)).unwrap();
        }
        let sent: [(&str, &[u32]); 5] = [
            ("GM0599-1", &[1, 2, 3]),
            ("GM0599-2", &[1, 3, 2]),
            ("GM0599-3", &[1, 2, 2, 3]),
            ("GM0599-4", &[1, 3]),
            ("GM0599-5", &[1, 2, 3, 2]),
        ];
        let mut log = Vec::new();
        for (station, counts) in sent {
            for count in counts {
                let seq = i64::try_from(log.len()).unwrap() + 1;
                log.push(turnout(&election.id, seq, station, *count));
            }
        }
        store::events::insert(&mut db, &log).unwrap();
        let ids: Vec<String> = sent.iter().map(|(id, _)| (*id).to_owned()).collect();
        let outcome = check(&mut db, &ids, 3).unwrap();
        assert_eq!(outcome.events, 16);
        assert_eq!(outcome.found, 16);
        assert_eq!(outcome.exact, 1);
        // A late copy ([1, 2, 3, 2]) is a doubled report, not one out of order.
        assert_eq!(
            (outcome.missing, outcome.doubled, outcome.out_of_order),
            (1, 2, 1)
        );
        assert_eq!(
            outcome.wrong.keys().collect::<Vec<_>>(),
            ["GM0599-2", "GM0599-3", "GM0599-4", "GM0599-5"]
        );
        assert!(outcome.gap_free);
        assert_eq!(outcome.last_seq.get("GM0599"), Some(&16));
        assert!(!outcome.holds());

        let right = check(&mut db, &ids[..1], 3).unwrap();
        assert!(right.holds(), "{right:?}");
    }
}
