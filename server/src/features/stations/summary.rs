//! The compact state of one station, as dashboards see it: snapshots are lists of
//! these, and every committed change carries the station's new one.

use serde::{Deserialize, Serialize};
use shared::domain::{IncidentStatus, QueueState, StationPhase};

use crate::store::stations::StationRecord;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StationSummary {
    pub station_id: String,
    pub municipality_code: String,
    pub number: u32,
    pub name: String,
    pub district: Option<String>,
    pub subarea: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// setup, open, closed or result_submitted.
    pub phase: String,
    pub turnout: Option<u32>,
    pub expected_voters: Option<u32>,
    pub ballots_remaining: Option<u32>,
    pub members_present: u32,
    pub open_incidents: u32,
    /// Ballot papers asked for, in total.
    pub resupply_requested: u32,
    /// Asked for and not yet sent by the control room: the station needs attention.
    #[serde(default)]
    pub resupply_outstanding: u32,
    /// Sent and not yet reported received by the station: on its way ("onderweg").
    #[serde(default)]
    pub resupply_in_transit: u32,
    /// The queue the chair last reported, and when, while the station is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueState>,
    pub last_seen_at: Option<i64>,
    /// The event sequence number of the station's last change.
    pub last_event_seq: i64,
}

#[must_use]
pub fn phase_name(phase: StationPhase) -> &'static str {
    match phase {
        StationPhase::Setup => "setup",
        StationPhase::Open => "open",
        StationPhase::Closed => "closed",
        StationPhase::ResultSubmitted => "result_submitted",
    }
}

impl From<&StationRecord> for StationSummary {
    fn from(record: &StationRecord) -> Self {
        let station = &record.station;
        let day = &record.day;
        Self {
            station_id: station.id.clone(),
            municipality_code: station.municipality_code.clone(),
            number: station.number,
            name: station.name.clone(),
            district: station.district.clone(),
            subarea: station.subarea.clone(),
            latitude: station.location.latitude,
            longitude: station.location.longitude,
            phase: phase_name(day.phase).to_owned(),
            turnout: day.latest_turnout_count(),
            expected_voters: station.expected_voters,
            ballots_remaining: day.ballot_stock.as_ref().map(|s| s.remaining),
            members_present: u32::try_from(day.members_present.len()).unwrap_or(u32::MAX),
            open_incidents: u32::try_from(
                day.incidents
                    .iter()
                    .filter(|i| i.status != IncidentStatus::Resolved)
                    .count(),
            )
            .unwrap_or(u32::MAX),
            resupply_requested: day.resupply_requested,
            resupply_outstanding: day.resupply_outstanding(),
            resupply_in_transit: day.resupply_in_transit,
            // Only while open: a closed station's last queue is history.
            queue: day.queue.filter(|_| day.phase == StationPhase::Open),
            last_seen_at: record.last_seen_at,
            last_event_seq: record.last_event_seq,
        }
    }
}
