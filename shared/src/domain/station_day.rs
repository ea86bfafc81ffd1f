//! The state of one station through the day, as a state machine whose transitions
//! return `Result`. The app keeps one for its own station; the server keeps one per
//! station as materialised current state.
//!
//! ```text
//! Setup --opening--> Open --closing--> Closed --provisional result--> ResultSubmitted
//!                                                   ^                        |
//!                                                   +---- corrected result --+
//! ```

use facet::Facet;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{
    AlertHandling, AlertKind, BallotStockReport, IncidentStatus, PresenceReport, ProvisionalResult,
    QueueState, Report, StaffMember, Timestamp, TurnoutMoment,
};

#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum StationPhase {
    /// Activated, working through the opening checklist.
    #[default]
    Setup,
    Open,
    Closed,
    ResultSubmitted,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TransitionError {
    #[error("the station is already open")]
    AlreadyOpen,
    #[error("the station is not open yet")]
    NotOpen,
    #[error("the station is already closed")]
    AlreadyClosed,
    #[error("the station has not closed yet")]
    NotClosed,
    #[error("unknown incident {0}")]
    UnknownIncident(String),
    #[error("incident {0} was already reported")]
    DuplicateIncident(String),
}

impl TransitionError {
    /// Stable code, shared with the wire protocol's reject codes.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::AlreadyOpen => "PHASE_ALREADY_OPEN",
            Self::NotOpen => "PHASE_NOT_OPEN",
            Self::AlreadyClosed => "PHASE_ALREADY_CLOSED",
            Self::NotClosed => "PHASE_NOT_CLOSED",
            Self::UnknownIncident(_) => "INCIDENT_UNKNOWN",
            Self::DuplicateIncident(_) => "INCIDENT_DUPLICATE",
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentState {
    pub incident_id: String,
    pub status: IncidentStatus,
    /// Messages the station sent about it (not their texts: those are events), so
    /// that validation can bound them (`MAX_MESSAGES_PER_INCIDENT`).
    #[serde(default)]
    pub messages: u32,
}

/// Materialised state of one station. Fields missing from an older record take
/// their defaults.
///
/// It is rewritten on every operation, so it keeps no history: only the latest of
/// each fact, and lists whose length `validation::validate` bounds before `apply` runs
/// (it must run first): `members_present` at most `MAX_MEMBERS_PRESENT` with names of
/// at most `MAX_NAME_CHARS`; `incidents` at most `MAX_INCIDENTS` (ids at most
/// `MAX_ID_CHARS`); `reported_moments` at most the election's turnout moments (an
/// unknown moment is refused, a repeated one not added again); the result's list
/// totals at most the election's lists; texts at most `MAX_TEXT_CHARS`. The texts of
/// messages and the turnout history live in the event log, not here.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct StationDay {
    pub phase: StationPhase,
    pub opened_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub members_present: Vec<StaffMember>,
    pub ballot_stock: Option<BallotStockReport>,
    /// When the ballot stock was last reported.
    pub ballot_stock_at: Option<Timestamp>,
    /// The latest cumulative turnout count and when it was recorded.
    pub latest_turnout: Option<(Timestamp, u32)>,
    /// The set moments for which turnout was reported.
    pub reported_moments: Vec<Timestamp>,
    /// The last downward correction of turnout: when, and the chair's reason.
    pub turnout_correction: Option<(Timestamp, String)>,
    pub incidents: Vec<IncidentState>,
    pub result: Option<ProvisionalResult>,
    /// Ballot papers the station asked for, in total.
    pub resupply_requested: u32,
    /// Ballot papers the control room sent, in total.
    pub resupply_dispatched: u32,
    /// Of those sent, how many the station has not yet reported as received: the
    /// delivery is on its way ("onderweg") until a stock report's `received` grows.
    pub resupply_in_transit: u32,
    /// What the control room did about the station's alerts: the latest handling of
    /// each kind (so at most one per `AlertKind`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alerts_handled: Vec<AlertHandling>,
    /// When who is present last changed (the opening, an arrival, a departure, a shift
    /// change): a new situation for the members' alert, without naming anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members_changed_at: Option<Timestamp>,
    /// The latest queue the chair reported, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueState>,
}

impl StationDay {
    /// Applies a report made at `at`, or says why it cannot be applied in this phase.
    /// Validation of the figures themselves is `validation`'s job, done before this.
    ///
    /// # Errors
    /// A `TransitionError` when the report does not fit the station's phase.
    pub fn apply(&mut self, report: &Report, at: Timestamp) -> Result<(), TransitionError> {
        match report {
            Report::Opening(opening) => {
                match self.phase {
                    StationPhase::Setup => {}
                    StationPhase::Open => return Err(TransitionError::AlreadyOpen),
                    StationPhase::Closed | StationPhase::ResultSubmitted => {
                        return Err(TransitionError::AlreadyClosed);
                    }
                }
                self.phase = StationPhase::Open;
                self.opened_at = Some(at);
                self.members_present.clone_from(&opening.members_present);
                self.members_changed_at = Some(at);
            }
            Report::Presence(presence) => {
                self.apply_presence(presence);
                self.members_changed_at = Some(at);
            }
            Report::BallotStock(stock) => {
                let before = self.ballot_stock.as_ref().map_or(0, |s| s.received);
                let arrived = stock.received.saturating_sub(before);
                self.resupply_in_transit = self.resupply_in_transit.saturating_sub(arrived);
                self.ballot_stock = Some(stock.clone());
                self.ballot_stock_at = Some(at);
            }
            Report::ResupplyRequest(request) => {
                self.resupply_requested = self.resupply_requested.saturating_add(request.quantity);
            }
            Report::Turnout(turnout) => {
                if self.phase == StationPhase::Setup {
                    return Err(TransitionError::NotOpen);
                }
                if let Some(reason) = &turnout.correction_reason
                    && self
                        .latest_turnout_count()
                        .is_some_and(|previous| turnout.count < previous)
                {
                    self.turnout_correction = Some((at, reason.clone()));
                }
                self.latest_turnout = Some((at, turnout.count));
                if let TurnoutMoment::Scheduled(moment) = turnout.moment
                    && !self.reported_moments.contains(&moment)
                {
                    self.reported_moments.push(moment);
                }
            }
            Report::Incident(incident) => {
                if self.incident(&incident.incident_id).is_some() {
                    return Err(TransitionError::DuplicateIncident(
                        incident.incident_id.clone(),
                    ));
                }
                self.incidents.push(IncidentState {
                    incident_id: incident.incident_id.clone(),
                    status: IncidentStatus::New,
                    messages: 0,
                });
            }
            Report::IncidentMessage(message) => {
                let Some(incident) = self
                    .incidents
                    .iter_mut()
                    .find(|i| i.incident_id == message.incident_id)
                else {
                    return Err(TransitionError::UnknownIncident(
                        message.incident_id.clone(),
                    ));
                };
                incident.messages = incident.messages.saturating_add(1);
            }
            Report::Queue(queue) => {
                match self.phase {
                    StationPhase::Open => {}
                    StationPhase::Setup => return Err(TransitionError::NotOpen),
                    StationPhase::Closed | StationPhase::ResultSubmitted => {
                        return Err(TransitionError::AlreadyClosed);
                    }
                }
                self.queue = Some(QueueState {
                    length: queue.length,
                    reported_at: at,
                });
            }
            Report::Closing(_) => {
                match self.phase {
                    StationPhase::Open => {}
                    StationPhase::Setup => return Err(TransitionError::NotOpen),
                    StationPhase::Closed | StationPhase::ResultSubmitted => {
                        return Err(TransitionError::AlreadyClosed);
                    }
                }
                self.phase = StationPhase::Closed;
                self.closed_at = Some(at);
            }
            Report::ProvisionalResult(result) => {
                match self.phase {
                    StationPhase::Closed | StationPhase::ResultSubmitted => {}
                    StationPhase::Setup | StationPhase::Open => {
                        return Err(TransitionError::NotClosed);
                    }
                }
                self.phase = StationPhase::ResultSubmitted;
                self.result = Some(result.clone());
            }
        }
        Ok(())
    }

    /// Checks that `report` could be applied now, without changing anything.
    ///
    /// # Errors
    /// The `TransitionError` that `apply` would return.
    pub fn check(&self, report: &Report, at: Timestamp) -> Result<(), TransitionError> {
        self.clone().apply(report, at)
    }

    #[must_use]
    pub fn incident(&self, incident_id: &str) -> Option<&IncidentState> {
        self.incidents.iter().find(|i| i.incident_id == incident_id)
    }

    /// Records a status change from the control room.
    pub fn set_incident_status(&mut self, incident_id: &str, status: IncidentStatus) {
        if let Some(incident) = self
            .incidents
            .iter_mut()
            .find(|i| i.incident_id == incident_id)
        {
            incident.status = status;
        }
    }

    /// Records ballot papers the control room sent: on their way until the station
    /// reports them received.
    pub fn record_resupply_dispatched(&mut self, quantity: u32) {
        self.resupply_dispatched = self.resupply_dispatched.saturating_add(quantity);
        self.resupply_in_transit = self.resupply_in_transit.saturating_add(quantity);
    }

    /// Records a coordinator's handling of an alert, replacing an earlier one of its kind.
    pub fn record_alert_handling(&mut self, handling: AlertHandling) {
        self.alerts_handled.retain(|h| h.kind != handling.kind);
        self.alerts_handled.push(handling);
    }

    /// The handling that holds for the alert of `kind` about `situation`: none when the
    /// alert was never handled, or was handled in another situation.
    #[must_use]
    pub fn alert_handling(&self, kind: AlertKind, situation: &str) -> Option<&AlertHandling> {
        self.alerts_handled
            .iter()
            .find(|h| h.kind == kind && !h.situation.is_empty() && h.situation == situation)
    }

    /// Ballot papers asked for and not yet sent.
    #[must_use]
    pub const fn resupply_outstanding(&self) -> u32 {
        self.resupply_requested
            .saturating_sub(self.resupply_dispatched)
    }

    /// When the ballots run out at the station's turnout rate so far, if before
    /// `closes_at` (see `validation::projected_run_out`).
    #[must_use]
    pub fn ballots_run_out(&self, closes_at: Timestamp) -> Option<Timestamp> {
        let stock = self.ballot_stock.as_ref()?;
        let (turnout_at, voters) = self.latest_turnout?;
        crate::validation::projected_run_out(
            stock.remaining,
            self.ballot_stock_at?,
            voters,
            self.opened_at?,
            turnout_at,
            closes_at,
        )
    }

    #[must_use]
    pub fn latest_turnout_count(&self) -> Option<u32> {
        self.latest_turnout.map(|(_, count)| count)
    }

    fn apply_presence(&mut self, presence: &PresenceReport) {
        match presence {
            PresenceReport::Arrived(member) => {
                if !self.members_present.iter().any(|m| m.name == member.name) {
                    self.members_present.push(member.clone());
                }
            }
            PresenceReport::Departed { name } => self.members_present.retain(|m| &m.name != name),
            PresenceReport::ShiftChange { leaving, arriving } => {
                self.members_present.retain(|m| !leaving.contains(&m.name));
                for member in arriving {
                    if !self.members_present.iter().any(|m| m.name == member.name) {
                        self.members_present.push(member.clone());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        ClosingReport, IncidentCategory, IncidentMessage, IncidentReport, IncidentSeverity,
        OpeningReport, QueueLength, StaffRole, TurnoutReport,
    };

    fn member(name: &str) -> StaffMember {
        StaffMember {
            name: name.into(),
            role: StaffRole::Member,
        }
    }

    fn opening() -> Report {
        Report::Opening(OpeningReport {
            checklist_done: vec![],
            members_present: vec![member("a"), member("b"), member("c")],
        })
    }

    fn closing() -> Report {
        Report::Closing(ClosingReport {
            voters_in_queue_at_close: 0,
        })
    }

    #[test]
    fn walks_through_the_day() {
        let mut day = StationDay::default();
        day.apply(&opening(), Timestamp(1)).unwrap();
        assert_eq!(day.phase, StationPhase::Open);
        assert_eq!(day.opened_at, Some(Timestamp(1)));
        day.apply(&closing(), Timestamp(2)).unwrap();
        assert_eq!(day.phase, StationPhase::Closed);
        day.apply(
            &Report::ProvisionalResult(ProvisionalResult::default()),
            Timestamp(3),
        )
        .unwrap();
        assert_eq!(day.phase, StationPhase::ResultSubmitted);
    }

    #[test]
    fn refuses_out_of_order_transitions() {
        let mut day = StationDay::default();
        assert_eq!(
            day.apply(&closing(), Timestamp(1)),
            Err(TransitionError::NotOpen)
        );
        assert_eq!(
            day.apply(
                &Report::ProvisionalResult(ProvisionalResult::default()),
                Timestamp(1)
            ),
            Err(TransitionError::NotClosed)
        );
        let turnout = Report::Turnout(TurnoutReport {
            count: 1,
            moment: TurnoutMoment::AdHoc,
            correction_reason: None,
        });
        assert_eq!(
            day.apply(&turnout, Timestamp(1)),
            Err(TransitionError::NotOpen)
        );
        day.apply(&opening(), Timestamp(1)).unwrap();
        assert_eq!(
            day.apply(&opening(), Timestamp(2)),
            Err(TransitionError::AlreadyOpen)
        );
        assert_eq!(
            day.phase,
            StationPhase::Open,
            "a refused report changes nothing"
        );
    }

    #[test]
    fn a_queue_is_reported_only_while_the_station_is_open() {
        let queue = |length| Report::Queue(crate::domain::QueueReport { length });
        let mut day = StationDay::default();
        assert_eq!(
            day.apply(&queue(QueueLength::Short), Timestamp(1)),
            Err(TransitionError::NotOpen)
        );
        day.apply(&opening(), Timestamp(2)).unwrap();
        day.apply(&queue(QueueLength::Minutes(40)), Timestamp(3))
            .unwrap();
        day.apply(&queue(QueueLength::None), Timestamp(4)).unwrap();
        assert_eq!(
            day.queue,
            Some(QueueState {
                length: QueueLength::None,
                reported_at: Timestamp(4)
            })
        );
        day.apply(&closing(), Timestamp(5)).unwrap();
        assert_eq!(
            day.apply(&queue(QueueLength::Long), Timestamp(6)),
            Err(TransitionError::AlreadyClosed)
        );
        assert_eq!(day.queue.map(|q| q.reported_at), Some(Timestamp(4)));
    }

    #[test]
    fn shift_change_replaces_members() {
        let mut day = StationDay::default();
        day.apply(&opening(), Timestamp(1)).unwrap();
        day.apply(
            &Report::Presence(PresenceReport::ShiftChange {
                leaving: vec!["a".into(), "b".into()],
                arriving: vec![member("d"), member("e")],
            }),
            Timestamp(2),
        )
        .unwrap();
        let names: Vec<_> = day
            .members_present
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(names, ["c", "d", "e"]);
    }

    #[test]
    fn incident_messages_need_a_known_incident() {
        let mut day = StationDay::default();
        let message = Report::IncidentMessage(IncidentMessage {
            incident_id: "x".into(),
            text: "hello".into(),
        });
        assert_eq!(
            day.apply(&message, Timestamp(1)),
            Err(TransitionError::UnknownIncident("x".into()))
        );
        let incident = Report::Incident(IncidentReport {
            incident_id: "x".into(),
            category: IncidentCategory::Equipment,
            severity: IncidentSeverity::Low,
            text: "printer".into(),
        });
        day.apply(&incident, Timestamp(1)).unwrap();
        day.apply(&message, Timestamp(2)).unwrap();
        assert_eq!(
            day.apply(&incident, Timestamp(3)),
            Err(TransitionError::DuplicateIncident("x".into()))
        );
    }

    #[test]
    fn incident_messages_are_counted_not_kept() {
        let mut day = StationDay::default();
        let incident = Report::Incident(IncidentReport {
            incident_id: "x".into(),
            category: IncidentCategory::Equipment,
            severity: IncidentSeverity::Low,
            text: "printer".into(),
        });
        day.apply(&incident, Timestamp(1)).unwrap();
        let message = Report::IncidentMessage(IncidentMessage {
            incident_id: "x".into(),
            text: "still broken".into(),
        });
        for _ in 0..3 {
            day.apply(&message, Timestamp(2)).unwrap();
        }
        assert_eq!(day.incident("x").map(|i| i.messages), Some(3));
        day.incidents[0].messages = u32::MAX;
        day.apply(&message, Timestamp(3)).unwrap();
        assert_eq!(day.incident("x").map(|i| i.messages), Some(u32::MAX));
        // A record written before the count existed still reads.
        let old: StationDay =
            serde_json::from_str(r#"{"incidents":[{"incident_id":"x","status":"new"}]}"#).unwrap();
        assert_eq!(old.incident("x").map(|i| i.messages), Some(0));
    }

    #[test]
    fn resupply_requests_saturate() {
        let mut day = StationDay::default();
        let request = Report::ResupplyRequest(crate::domain::ResupplyRequest {
            quantity: u32::MAX,
            urgency: crate::domain::Urgency::High,
            note: String::new(),
        });
        day.apply(&request, Timestamp(i64::MIN)).unwrap();
        day.apply(&request, Timestamp(i64::MAX)).unwrap();
        assert_eq!(day.resupply_requested, u32::MAX);
    }

    /// Asked, sent, on its way, received: a dispatched request no longer counts as
    /// outstanding, and the delivery is in transit until the stock report shows it.
    #[test]
    fn a_dispatched_resupply_is_on_its_way_until_the_stock_shows_it() {
        let mut day = StationDay::default();
        let stock = |received, remaining| {
            Report::BallotStock(crate::domain::BallotStockReport {
                received,
                remaining,
            })
        };
        day.apply(&stock(1_000, 100), Timestamp(1)).unwrap();
        day.apply(
            &Report::ResupplyRequest(crate::domain::ResupplyRequest {
                quantity: 500,
                urgency: crate::domain::Urgency::High,
                note: String::new(),
            }),
            Timestamp(2),
        )
        .unwrap();
        assert_eq!(
            (day.resupply_outstanding(), day.resupply_in_transit),
            (500, 0)
        );

        day.record_resupply_dispatched(300);
        assert_eq!(
            (day.resupply_outstanding(), day.resupply_in_transit),
            (200, 300)
        );
        day.record_resupply_dispatched(200);
        assert_eq!(
            (day.resupply_outstanding(), day.resupply_in_transit),
            (0, 500)
        );

        // A count of what is left changes nothing; a delivery of 300 arrives.
        day.apply(&stock(1_000, 60), Timestamp(3)).unwrap();
        assert_eq!(day.resupply_in_transit, 500);
        day.apply(&stock(1_300, 350), Timestamp(4)).unwrap();
        assert_eq!(day.resupply_in_transit, 200);
        day.apply(&stock(1_600, 620), Timestamp(5)).unwrap();
        assert_eq!(day.resupply_in_transit, 0);
        // More sent than asked never counts below zero.
        day.record_resupply_dispatched(u32::MAX);
        assert_eq!(day.resupply_outstanding(), 0);
        assert_eq!(day.resupply_dispatched, u32::MAX);
    }

    /// A coordinator's handling holds for the alert as it read: seen or resolved while
    /// the ballots run out at 17:40, the alert is new again when they run out at 16:10.
    /// A later handling of the same kind replaces the earlier one.
    #[test]
    fn an_alert_handling_holds_until_the_alert_reads_differently() {
        let mut day = StationDay::default();
        let handling = |status, detail: &str, at| AlertHandling {
            kind: AlertKind::BallotsRunningOut,
            status,
            by: "fatima".into(),
            at: Timestamp(at),
            detail: detail.into(),
            situation: format!("s-{detail}"),
        };
        assert!(
            day.alert_handling(AlertKind::BallotsRunningOut, "s-op rond 17:40")
                .is_none()
        );
        day.record_alert_handling(handling(
            crate::domain::AlertStatus::Acknowledged,
            "op rond 17:40",
            1,
        ));
        day.record_alert_handling(handling(
            crate::domain::AlertStatus::Resolved,
            "op rond 17:40",
            2,
        ));
        assert_eq!(day.alerts_handled.len(), 1);
        let held = day
            .alert_handling(AlertKind::BallotsRunningOut, "s-op rond 17:40")
            .map(|h| (h.status, h.at));
        assert_eq!(
            held,
            Some((crate::domain::AlertStatus::Resolved, Timestamp(2)))
        );
        assert!(
            day.alert_handling(AlertKind::BallotsRunningOut, "s-op rond 16:10")
                .is_none()
        );
        assert!(
            day.alert_handling(AlertKind::DeviceSilent, "s-op rond 17:40")
                .is_none()
        );
        // A handling stored without its situation holds for nothing.
        let mut old = handling(crate::domain::AlertStatus::Resolved, "x", 3);
        old.kind = AlertKind::DeviceSilent;
        old.situation.clear();
        day.record_alert_handling(old);
        assert!(day.alert_handling(AlertKind::DeviceSilent, "").is_none());
        // Stored and read back (the station's day is JSON in the database).
        let json = serde_json::to_string(&day).unwrap();
        assert_eq!(serde_json::from_str::<StationDay>(&json).unwrap(), day);
    }
}
