//! The public polling-station finder: a municipality's stations with their addresses,
//! hours, accessibility facts and coordinates, and on the day whether each is open and
//! the queue its chair last reported. Nothing else of a station's state: no turnout,
//! no staff, no incidents.

pub mod routes;

use serde::Serialize;
use shared::domain::{
    Election, Jurisdiction, QueueLength, StationPhase, Timestamp, VotingLocation,
};

use crate::store::stations::StationRecord;

/// A queue report older than this is shown as outdated (its age is always shown).
pub const QUEUE_OUTDATED_AFTER_MINUTES: i64 = 60;

/// The finder's view of one municipality.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Finder {
    pub municipality_code: String,
    pub municipality_name: Option<String>,
    pub election_name: String,
    pub jurisdiction: Jurisdiction,
    /// Whether a voter may vote at any station of the municipality (the Netherlands),
    /// so that a quieter one will do; in Flanders each voter has one station.
    pub any_station: bool,
    /// The election's day (ms since the epoch) and its time zone's offset.
    pub opens_at: i64,
    pub closes_at: i64,
    pub utc_offset_minutes: i32,
    /// When this view was made (ms since the epoch); ages are measured from it.
    pub generated_at: i64,
    pub stations: Vec<FinderStation>,
}

/// One station as the public may see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FinderStation {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub district: Option<String>,
    /// Where it is, with its accessibility facts and coordinates.
    pub location: VotingLocation,
    /// A mobile station's further stops.
    pub extra_stops: Vec<VotingLocation>,
    pub opens_at: i64,
    pub closes_at: i64,
    pub status: FinderStatus,
    /// The queue the chair last reported, while the station is open.
    pub queue: Option<FinderQueue>,
}

/// Whether the station receives voters now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FinderStatus {
    /// Before its opening time.
    NotYetOpen,
    /// Opened by its chair, and before its closing time.
    Open,
    /// After its opening time, and its chair has not opened it (yet).
    NotOpen,
    /// Closed, or after its closing time.
    Closed,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FinderQueue {
    pub length: QueueLength,
    /// When the chair reported it (ms since the epoch).
    pub reported_at: i64,
    /// How old the report is, in whole minutes.
    pub age_minutes: i64,
    /// Older than `QUEUE_OUTDATED_AFTER_MINUTES`: shown, but as possibly out of date.
    pub outdated: bool,
}

/// The finder's view of `stations` (one municipality's) at `now`.
#[must_use]
pub fn view(
    code: &str,
    name: Option<String>,
    stations: &[StationRecord],
    election: &Election,
    now: Timestamp,
) -> Finder {
    let mut list: Vec<FinderStation> = stations
        .iter()
        .map(|record| station(record, election, now))
        .collect();
    list.sort_by_key(|s| s.number);
    Finder {
        municipality_code: code.to_owned(),
        municipality_name: name,
        election_name: election.name.clone(),
        jurisdiction: election.jurisdiction,
        any_station: election.jurisdiction == Jurisdiction::Netherlands,
        opens_at: election.opens_at.millis(),
        closes_at: election.closes_at.millis(),
        utc_offset_minutes: election.utc_offset_minutes,
        generated_at: now.millis(),
        stations: list,
    }
}

fn station(record: &StationRecord, election: &Election, now: Timestamp) -> FinderStation {
    let station = &record.station;
    let opens = station.opening_time(election);
    let closes = station.closing_time(election);
    let status = match record.day.phase {
        StationPhase::Closed | StationPhase::ResultSubmitted => FinderStatus::Closed,
        _ if now >= closes => FinderStatus::Closed,
        StationPhase::Open => FinderStatus::Open,
        StationPhase::Setup if now >= opens => FinderStatus::NotOpen,
        StationPhase::Setup => FinderStatus::NotYetOpen,
    };
    let queue = record
        .day
        .queue
        .filter(|_| status == FinderStatus::Open)
        .map(|q| {
            let age_minutes = now.millis().saturating_sub(q.reported_at.millis()).max(0) / 60_000;
            FinderQueue {
                length: q.length,
                reported_at: q.reported_at.millis(),
                age_minutes,
                outdated: age_minutes > QUEUE_OUTDATED_AFTER_MINUTES,
            }
        });
    FinderStation {
        id: station.id.clone(),
        number: station.number,
        name: station.name.clone(),
        district: station.district.clone(),
        location: station.location.clone(),
        extra_stops: station.extra_stops.clone(),
        opens_at: opens.millis(),
        closes_at: closes.millis(),
        status,
        queue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{QueueState, StationDay};
    use shared::fixtures::{self, CLOSES, OPENS};

    const MINUTE: i64 = 60_000;

    fn record(number: u32, day: StationDay) -> StationRecord {
        StationRecord {
            election_id: "e".into(),
            station: fixtures::station("GM1", number),
            day,
            last_event_seq: 0,
            last_seen_at: None,
        }
    }

    fn open_with_queue(length: QueueLength, at: i64) -> StationDay {
        StationDay {
            phase: StationPhase::Open,
            opened_at: Some(Timestamp(OPENS)),
            queue: Some(QueueState {
                length,
                reported_at: Timestamp(at),
            }),
            ..StationDay::default()
        }
    }

    #[test]
    fn open_stations_show_their_queue_with_its_age_and_others_none() {
        let election = fixtures::election(Jurisdiction::Netherlands, 1);
        let now = OPENS + 3 * 60 * MINUTE;
        let mut closed = open_with_queue(QueueLength::Long, OPENS + 60 * MINUTE);
        closed.phase = StationPhase::Closed;
        let stations = [
            record(3, closed),
            record(
                1,
                open_with_queue(QueueLength::Minutes(40), now - 5 * MINUTE),
            ),
            record(2, open_with_queue(QueueLength::Short, now - 90 * MINUTE)),
            record(4, StationDay::default()),
        ];
        let finder = view("GM1", None, &stations, &election, Timestamp(now));
        assert!(finder.any_station);
        let numbers: Vec<u32> = finder.stations.iter().map(|s| s.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4]);
        let statuses: Vec<FinderStatus> = finder.stations.iter().map(|s| s.status).collect();
        assert_eq!(
            statuses,
            [
                FinderStatus::Open,
                FinderStatus::Open,
                FinderStatus::Closed,
                FinderStatus::NotOpen
            ]
        );
        let fresh = finder.stations[0].queue.as_ref().unwrap();
        assert_eq!(
            (fresh.length, fresh.age_minutes, fresh.outdated),
            (QueueLength::Minutes(40), 5, false)
        );
        let old = finder.stations[1].queue.as_ref().unwrap();
        assert_eq!((old.age_minutes, old.outdated), (90, true));
        assert!(
            finder.stations[2].queue.is_none(),
            "a closed station has no queue"
        );
        // Before the day and after closing time, nothing is open.
        let before = view(
            "GM1",
            None,
            &stations[3..],
            &election,
            Timestamp(OPENS - MINUTE),
        );
        assert_eq!(before.stations[0].status, FinderStatus::NotYetOpen);
        let after = view(
            "GM1",
            None,
            &stations[..2],
            &election,
            Timestamp(CLOSES + MINUTE),
        );
        assert!(
            after
                .stations
                .iter()
                .all(|s| s.status == FinderStatus::Closed && s.queue.is_none())
        );
    }
}
