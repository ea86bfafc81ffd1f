//! Alerts for the control room, computed from each station's state, its peers and the
//! clock (with the election's `AlertRules`): not open at opening time, open incidents,
//! ballots asked for and not yet sent, too few members, ballots running out before
//! closing, a long queue, a turnout moment overdue, a silent device, a result missing after closing,
//! turnout far from the other stations', turnout corrected downward, and a result sent
//! with warnings the chair confirmed.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use shared::domain::{
    AlertRules, Election, Report, StaffMember, StaffRole, StationPhase, Timestamp,
};
use shared::validation::{self, Context, Language, message};

use crate::store::stations::StationRecord;

/// Turnout compared with peers only once their median share reaches this (5 %): in
/// the first hour every share is small and the ratios mean nothing.
const FAR_FROM_MIN_SHARE: f64 = 0.05;
/// Peers needed before a station is compared with them.
const FAR_FROM_MIN_PEERS: usize = 5;

/// What a station's turnout is compared with: per number of turnout moments reported,
/// the median share of expected voters of the stations that reported that many.
#[derive(Debug, Clone, Default)]
pub struct Peers {
    median_share: HashMap<usize, f64>,
}

impl Peers {
    /// The peers among `records` (a municipality's stations).
    #[must_use]
    pub fn of(records: &[StationRecord]) -> Self {
        let mut shares: HashMap<usize, Vec<f64>> = HashMap::new();
        for record in records {
            if let Some(share) = turnout_share(record) {
                shares
                    .entry(record.day.reported_moments.len())
                    .or_default()
                    .push(share);
            }
        }
        let median_share = shares
            .into_iter()
            .filter(|(_, v)| v.len() >= FAR_FROM_MIN_PEERS)
            .map(|(moments, mut v)| {
                v.sort_by(f64::total_cmp);
                (moments, v[v.len() / 2])
            })
            .collect();
        Self { median_share }
    }
}

/// The station's latest turnout as a share of its expected voters, once it reported a
/// set moment.
fn turnout_share(record: &StationRecord) -> Option<f64> {
    let expected = record.station.expected_voters.filter(|e| *e > 0)?;
    if record.day.reported_moments.is_empty() {
        return None;
    }
    let count = record.day.latest_turnout_count()?;
    Some(f64::from(count) / f64::from(expected))
}

/// What an alert is about (a shared domain type: it is also what a coordinator's
/// handling of the alert is recorded under).
pub use shared::domain::{AlertKind, AlertStatus};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Alert {
    pub kind: AlertKind,
    pub station_id: String,
    /// Since when, where known (ms since the epoch).
    pub since: Option<i64>,
    /// What the control room should know, in Dutch (the dashboard translates by kind).
    pub detail: String,
    /// Whether the alert asks the control room to act (`AlertKind::needs_action`), and
    /// so makes the station a problem until resolved; otherwise it is for information.
    pub needs_action: bool,
    /// Whether a coordinator can mark it resolved; open incidents and ballots asked
    /// for are settled by resolving the incidents or sending the ballots
    /// (`AlertKind::settled_by_action`). Every alert can be marked seen.
    pub resolvable: bool,
    /// What a coordinator did about the alert as it reads now: seen (and by whom), or
    /// resolved, so that it no longer makes the station a problem. None until then, and
    /// again in a new situation (the alert reads differently, or a new incident,
    /// request, departure or result stands behind the same text).
    pub handled: Option<AlertHandled>,
    /// The personal text behind the alert (a downward turnout correction's reason in
    /// the chair's words; who of the convoked did not come): apart from `detail`, and
    /// for the control room only (the alerts route leaves it out for managers and
    /// viewers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The situation's identity (`situation`), which a handling is recorded under.
    #[serde(skip)]
    pub situation: String,
}

/// A coordinator's handling of an alert, as the control room is shown it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlertHandled {
    pub status: AlertStatus,
    /// Who (a username).
    pub by: String,
    /// When (ms since the epoch).
    pub at: i64,
}

impl Alert {
    /// Whether the alert still asks the control room to act: not resolved.
    #[must_use]
    pub fn is_resolved(&self) -> bool {
        self.handled
            .as_ref()
            .is_some_and(|h| h.status == AlertStatus::Resolved)
    }
}

/// What identifies the situation an alert is about, beyond its text: the unresolved
/// incidents, the ballots asked for in total, the members present, the result. A
/// coordinator's handling holds for one situation; a new incident, request, departure
/// or result is a new situation even when the alert reads the same ("1 melding niet
/// opgelost").
fn situation(
    day: &shared::domain::StationDay,
    kind: AlertKind,
    since: Option<Timestamp>,
    detail: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let extra = match kind {
        AlertKind::OpenIncidents => day
            .incidents
            .iter()
            .filter(|i| i.status != shared::domain::IncidentStatus::Resolved)
            .map(|i| i.incident_id.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        AlertKind::BallotsRequested => day.resupply_requested.to_string(),
        // Never a name or a text: the situation outlives the purge that erases them
        // (a resolved alert stays resolved), and it is no pseudonym of anyone.
        AlertKind::TooFewMembers | AlertKind::PlannedStaffAbsent => format!(
            "{} {}",
            day.members_present.len(),
            day.members_changed_at.map_or(0, Timestamp::millis)
        ),
        AlertKind::ResultWithWarnings => day
            .result
            .as_ref()
            .map(|result| {
                let mut figures = result.clone();
                figures.explanation.clear();
                crate::store::to_json(&figures)
            })
            .unwrap_or_default(),
        _ => String::new(),
    };
    let mut hash = Sha256::new();
    for part in [
        crate::store::to_json(&kind),
        since.map_or(String::new(), |t| t.millis().to_string()),
        detail.to_owned(),
        extra,
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(&hash.finalize()[..8])
}

/// The alerts of one station at `now`.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn for_station(
    record: &StationRecord,
    election: &Election,
    rules: &AlertRules,
    peers: &Peers,
    now: Timestamp,
) -> Vec<Alert> {
    let station = &record.station;
    let day = &record.day;
    let alert = |kind: AlertKind, since: Option<Timestamp>, detail: String| {
        let situation = situation(day, kind, since, &detail);
        Alert {
            kind,
            needs_action: kind.needs_action(),
            resolvable: !kind.settled_by_action(),
            station_id: station.id.clone(),
            since: since.map(Timestamp::millis),
            handled: day.alert_handling(kind, &situation).map(|h| AlertHandled {
                status: h.status,
                by: h.by.clone(),
                at: h.at.millis(),
            }),
            detail,
            reason: None,
            situation,
        }
    };
    let opening = station.opening_time(election);
    let closing = station.closing_time(election);
    let mut alerts = Vec::new();
    if day.phase == StationPhase::Setup && now >= opening {
        alerts.push(alert(
            AlertKind::NotOpen,
            Some(opening),
            format!(
                "Niet open om {}",
                opening.local_hh_mm(election.utc_offset_minutes)
            ),
        ));
    }
    let open_incidents = day
        .incidents
        .iter()
        .filter(|i| i.status != shared::domain::IncidentStatus::Resolved)
        .count();
    if open_incidents > 0 {
        alerts.push(alert(
            AlertKind::OpenIncidents,
            None,
            if open_incidents == 1 {
                "1 melding niet opgelost".to_owned()
            } else {
                format!("{open_incidents} meldingen niet opgelost")
            },
        ));
    }
    let requested = day.resupply_outstanding();
    if requested > 0 && day.phase == StationPhase::Open {
        alerts.push(alert(
            AlertKind::BallotsRequested,
            None,
            format!("{requested} stembiljetten gevraagd, nog niet verstuurd"),
        ));
    }
    if day.phase == StationPhase::Open {
        let minimum = election.jurisdiction.rules().min_members_to_open as usize;
        if day.members_present.len() < minimum {
            alerts.push(alert(
                AlertKind::TooFewMembers,
                None,
                format!(
                    "{} van de minimaal {minimum} leden aanwezig",
                    day.members_present.len()
                ),
            ));
        }
        // The people convoked for the station who are not present (substitutes are
        // called on only when needed): who, for the control room only.
        let present: Vec<String> = day
            .members_present
            .iter()
            .map(|m| m.name.trim().to_lowercase())
            .collect();
        let expected: Vec<&StaffMember> = station
            .planned_staff
            .iter()
            .filter(|m| m.role != StaffRole::Substitute)
            .collect();
        let absent: Vec<&str> = expected
            .iter()
            .filter(|m| !present.contains(&m.name.trim().to_lowercase()))
            .map(|m| m.name.as_str())
            .collect();
        if !absent.is_empty() {
            alerts.push(Alert {
                reason: Some(absent.join(", ")),
                ..alert(
                    AlertKind::PlannedStaffAbsent,
                    day.members_changed_at,
                    format!(
                        "{} van de {} opgeroepen leden niet aanwezig",
                        absent.len(),
                        expected.len()
                    ),
                )
            });
        }
        // Ballots on their way answer the alert: the station is amber, not red.
        if let Some(at) = day
            .ballots_run_out(closing)
            .filter(|_| day.resupply_in_transit == 0)
        {
            alerts.push(alert(
                AlertKind::BallotsRunningOut,
                day.ballot_stock_at,
                format!(
                    "Stembiljetten op rond {}",
                    at.local_hh_mm(election.utc_offset_minutes)
                ),
            ));
        }
        if let Some(queue) = day.queue.filter(|q| q.length.is_long()) {
            alerts.push(alert(
                AlertKind::LongQueue,
                Some(queue.reported_at),
                format!(
                    "{} (gemeld om {})",
                    queue_words(queue.length),
                    queue.reported_at.local_hh_mm(election.utc_offset_minutes)
                ),
            ));
        }
        let overdue = election.overdue_turnout_moments(
            Timestamp(now.millis().saturating_sub(rules.moment_grace_ms)),
            &day.reported_moments,
        );
        if let Some(first) = overdue.first() {
            alerts.push(alert(
                AlertKind::TurnoutOverdue,
                Some(*first),
                format!(
                    "Opkomst van {} niet doorgegeven",
                    first.local_hh_mm(election.utc_offset_minutes)
                ),
            ));
        }
        let last = record.last_seen_at.or(day.opened_at.map(Timestamp::millis));
        if let Some(last) = last
            && now.millis().saturating_sub(last) > rules.silent_after_ms
        {
            alerts.push(alert(
                AlertKind::DeviceSilent,
                Some(Timestamp(last)),
                format!(
                    "Geen contact sinds {}",
                    Timestamp(last).local_hh_mm(election.utc_offset_minutes)
                ),
            ));
        }
    }
    if day.result.is_none()
        && matches!(day.phase, StationPhase::Open | StationPhase::Closed)
        && now.millis().saturating_sub(closing.millis()) > rules.result_after_ms
    {
        alerts.push(alert(
            AlertKind::ResultMissing,
            Some(closing),
            format!(
                "Geen voorlopige uitslag, sluiting was om {}",
                closing.local_hh_mm(election.utc_offset_minutes)
            ),
        ));
    }
    if let (Some(share), Some(median), Some((at, _))) = (
        turnout_share(record),
        peers.median_share.get(&day.reported_moments.len()),
        day.latest_turnout,
    ) && *median >= FAR_FROM_MIN_SHARE
        && (share < median / 2.0 || share > median * 2.0)
    {
        // The text says only the station's own figures, so that a resolved alert stays
        // resolved while others report, and comes back with the station's next report.
        let direction = if share < *median {
            "ver onder"
        } else {
            "ver boven"
        };
        alerts.push(alert(
            AlertKind::TurnoutFarFromExpected,
            Some(at),
            format!(
                "Opkomst {} % om {}, {direction} de andere stembureaus",
                format!("{:.1}", share * 100.0).replace('.', ","),
                at.local_hh_mm(election.utc_offset_minutes)
            ),
        ));
    }
    if let Some((at, reason)) = &day.turnout_correction {
        alerts.push(Alert {
            reason: Some(reason.clone()),
            ..alert(
                AlertKind::TurnoutDecrease,
                Some(*at),
                format!(
                    "Opkomst naar beneden bijgesteld om {}",
                    at.local_hh_mm(election.utc_offset_minutes)
                ),
            )
        });
    }
    if let Some(result) = &day.result {
        let ctx = Context {
            election,
            station,
            day,
            now,
        };
        let outcome = validation::validate(&Report::ProvisionalResult(result.clone()), &ctx);
        let warnings: Vec<&str> = outcome
            .warnings()
            .map(|w| message(w.rule, Language::Dutch))
            .collect();
        if !warnings.is_empty() {
            alerts.push(alert(
                AlertKind::ResultWithWarnings,
                None,
                warnings.join(" "),
            ));
        }
    }
    alerts
}

/// A long queue in the control room's words (Dutch, capitalised).
fn queue_words(length: shared::domain::QueueLength) -> String {
    let words = length.describe(true);
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The alerts of a municipality's stations, most urgent kinds first, the resolved ones
/// last.
#[must_use]
pub fn for_stations(
    records: &[StationRecord],
    election: &Election,
    rules: &AlertRules,
    now: Timestamp,
) -> Vec<Alert> {
    let peers = Peers::of(records);
    let mut alerts: Vec<Alert> = records
        .iter()
        .flat_map(|r| for_station(r, election, rules, &peers, now))
        .collect();
    alerts.sort_by_key(|a| (a.is_resolved(), a.kind as u8, a.since.unwrap_or(i64::MAX)));
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{
        BallotStockReport, Jurisdiction, StaffMember, StaffRole, Station, StationDay,
    };
    use shared::fixtures::{self, OPENS};

    const MINUTE: i64 = 60_000;

    /// A station's alerts with the default rules and no peers.
    fn for_station(record: &StationRecord, election: &Election, now: Timestamp) -> Vec<Alert> {
        super::for_station(
            record,
            election,
            &AlertRules::default(),
            &Peers::default(),
            now,
        )
    }

    /// A municipality's alerts with the default rules.
    fn for_stations(records: &[StationRecord], election: &Election, now: Timestamp) -> Vec<Alert> {
        super::for_stations(records, election, &AlertRules::default(), now)
    }

    /// The canonical election (`shared::fixtures`) with one list and one turnout
    /// moment.
    fn election() -> Election {
        Election {
            turnout_moments: vec![Timestamp(OPENS + 150 * MINUTE)],
            ..fixtures::election(Jurisdiction::Netherlands, 1)
        }
    }

    fn record(day: StationDay, last_seen: Option<i64>) -> StationRecord {
        StationRecord {
            election_id: "e".into(),
            station: Station {
                expected_voters: Some(1_000),
                ..fixtures::station("GM1", 1)
            },
            day,
            last_event_seq: 0,
            last_seen_at: last_seen,
        }
    }

    fn open_day(members: usize) -> StationDay {
        StationDay {
            phase: StationPhase::Open,
            opened_at: Some(Timestamp(OPENS)),
            members_present: (0..members)
                .map(|n| StaffMember {
                    name: format!("m{n}"),
                    role: StaffRole::Member,
                })
                .collect(),
            ..StationDay::default()
        }
    }

    fn kinds(record: &StationRecord, now: i64) -> Vec<AlertKind> {
        for_station(record, &election(), Timestamp(now))
            .into_iter()
            .map(|a| a.kind)
            .collect()
    }

    /// What makes a station red on the map is an alert with its reason, so that the
    /// panel explains every red dot: an open incident, ballots asked for and not sent.
    #[test]
    fn open_incidents_and_unsent_ballots_are_alerts_until_dealt_with() {
        let mut day = open_day(3);
        day.incidents
            .push(shared::domain::station_day::IncidentState {
                incident_id: "i1".into(),
                status: shared::domain::IncidentStatus::New,
                messages: 0,
            });
        day.resupply_requested = 500;
        let now = OPENS + 30 * MINUTE;
        let found = for_station(&record(day.clone(), Some(now)), &election(), Timestamp(now));
        let details: Vec<(AlertKind, &str)> =
            found.iter().map(|a| (a.kind, a.detail.as_str())).collect();
        assert_eq!(
            details,
            [
                (AlertKind::OpenIncidents, "1 melding niet opgelost"),
                (
                    AlertKind::BallotsRequested,
                    "500 stembiljetten gevraagd, nog niet verstuurd"
                ),
            ]
        );
        day.set_incident_status("i1", shared::domain::IncidentStatus::Resolved);
        day.record_resupply_dispatched(500);
        assert!(kinds(&record(day, Some(now)), now).is_empty());
    }

    /// A long queue is an alert while it is the station's latest report of the queue;
    /// a short one, or a long one the chair has since reported shorter, is not.
    #[test]
    fn a_long_queue_is_an_alert_until_the_chair_reports_it_shorter() {
        use shared::domain::{QueueLength, QueueState};
        let now = OPENS + 60 * MINUTE;
        let with_queue = |length| {
            let mut day = open_day(3);
            day.queue = Some(QueueState {
                length,
                reported_at: Timestamp(OPENS + 50 * MINUTE),
            });
            record(day, Some(now))
        };
        let found = for_station(
            &with_queue(QueueLength::Minutes(45)),
            &election(),
            Timestamp(now),
        );
        let details: Vec<(AlertKind, &str)> =
            found.iter().map(|a| (a.kind, a.detail.as_str())).collect();
        assert_eq!(
            details,
            [(
                AlertKind::LongQueue,
                "Ongeveer 45 minuten wachten (gemeld om 08:20)"
            )]
        );
        assert!(found[0].needs_action);
        assert_eq!(
            kinds(&with_queue(QueueLength::Long), now),
            [AlertKind::LongQueue]
        );
        assert!(kinds(&with_queue(QueueLength::Short), now).is_empty());
        assert!(kinds(&with_queue(QueueLength::Minutes(29)), now).is_empty());
        // Closed: the queue inside still votes, but the alert is over.
        let mut closed = with_queue(QueueLength::Long);
        closed.day.phase = StationPhase::Closed;
        assert!(!kinds(&closed, now).contains(&AlertKind::LongQueue));
    }

    /// A station running out of ballots that the control room has sent ballots to is
    /// not alerted for running out (it is "onderweg"), until the delivery is counted.
    #[test]
    fn ballots_on_their_way_answer_the_running_out_alert() {
        let mut day = open_day(3);
        day.ballot_stock = Some(BallotStockReport {
            received: 200,
            remaining: 20,
        });
        day.ballot_stock_at = Some(Timestamp(OPENS + 60 * MINUTE));
        day.latest_turnout = Some((Timestamp(OPENS + 60 * MINUTE), 180));
        let now = OPENS + 61 * MINUTE;
        assert!(
            kinds(&record(day.clone(), Some(now)), now).contains(&AlertKind::BallotsRunningOut)
        );
        day.record_resupply_dispatched(500);
        assert!(
            !kinds(&record(day.clone(), Some(now)), now).contains(&AlertKind::BallotsRunningOut)
        );
        // A request not yet sent is for the open station's day only.
        day.resupply_requested = 900;
        day.phase = StationPhase::Closed;
        assert!(!kinds(&record(day, Some(now)), now).contains(&AlertKind::BallotsRequested));
    }

    #[test]
    fn not_open_from_opening_time() {
        let setup = record(StationDay::default(), None);
        assert!(kinds(&setup, OPENS - 1).is_empty());
        assert_eq!(kinds(&setup, OPENS), [AlertKind::NotOpen]);
        assert!(kinds(&record(open_day(3), Some(OPENS)), OPENS + MINUTE).is_empty());
    }

    #[test]
    fn too_few_members_after_someone_left() {
        assert_eq!(
            kinds(&record(open_day(2), Some(OPENS)), OPENS + MINUTE),
            [AlertKind::TooFewMembers]
        );
    }

    #[test]
    fn ballots_running_out_before_closing() {
        let mut day = open_day(3);
        // 200 voters in the first 2 hours; 300 ballots left at that time: out at 12:30.
        day.latest_turnout = Some((Timestamp(OPENS + 120 * MINUTE), 200));
        day.ballot_stock = Some(BallotStockReport {
            received: 500,
            remaining: 300,
        });
        day.ballot_stock_at = Some(Timestamp(OPENS + 120 * MINUTE));
        let alerts = for_station(
            &record(day.clone(), Some(OPENS + 120 * MINUTE)),
            &election(),
            Timestamp(OPENS + 121 * MINUTE),
        );
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, AlertKind::BallotsRunningOut);
        assert!(alerts[0].detail.contains("12:30"), "{}", alerts[0].detail);
        day.ballot_stock = Some(BallotStockReport {
            received: 5_000,
            remaining: 4_000,
        });
        assert!(
            kinds(
                &record(day, Some(OPENS + 120 * MINUTE)),
                OPENS + 121 * MINUTE
            )
            .is_empty()
        );
    }

    #[test]
    fn overdue_moments_and_silent_devices() {
        let moment = OPENS + 150 * MINUTE;
        let fresh = record(open_day(3), Some(moment));
        assert!(
            kinds(&fresh, moment + 9 * MINUTE).is_empty(),
            "within the grace period"
        );
        assert_eq!(
            kinds(&fresh, moment + 11 * MINUTE),
            [AlertKind::TurnoutOverdue]
        );
        let mut reported = open_day(3);
        reported.reported_moments.push(Timestamp(moment));
        assert!(
            kinds(
                &record(reported.clone(), Some(moment)),
                moment + 11 * MINUTE
            )
            .is_empty()
        );
        assert_eq!(
            kinds(&record(reported, Some(moment)), moment + 46 * MINUTE),
            [AlertKind::DeviceSilent]
        );
    }

    #[test]
    fn corrections_and_results_with_warnings() {
        let mut day = open_day(3);
        day.turnout_correction = Some((Timestamp(OPENS), "dubbel geteld".into()));
        assert_eq!(
            kinds(&record(day, Some(OPENS)), OPENS + MINUTE),
            [AlertKind::TurnoutDecrease]
        );

        let mut closed = StationDay {
            phase: StationPhase::ResultSubmitted,
            ..StationDay::default()
        };
        // 10 of 100 votes blank: at least 3 %, a warning the chair confirmed.
        // 10 of 100 votes blank.
        closed.result = Some(fixtures::result((100, 0, 0), &[90], 10, 0));
        let alerts = for_station(
            &record(closed, Some(OPENS)),
            &election(),
            Timestamp(OPENS + 900 * MINUTE),
        );
        assert_eq!(
            alerts.iter().map(|a| a.kind).collect::<Vec<_>>(),
            [AlertKind::ResultWithWarnings]
        );
        assert!(alerts[0].detail.contains("blanco"));
    }

    /// Convoked people who are not present are named to the control room, for
    /// information; substitutes are not expected, and names match whatever their case.
    #[test]
    fn convoked_people_who_did_not_come_are_named() {
        let member = |name: &str, role| StaffMember {
            name: name.into(),
            role,
        };
        let mut record = record(open_day(0), Some(OPENS));
        record.day.members_present = vec![
            member("Anna de Vries", StaffRole::Chair),
            member("Dirk", StaffRole::Member),
            member("Eva", StaffRole::Member),
        ];
        record.station.planned_staff = vec![
            member("Anna de Vries", StaffRole::Chair),
            member("Bram Smit", StaffRole::Member),
            member("Carla Bos", StaffRole::Substitute),
        ];
        let alerts = for_station(&record, &election(), Timestamp(OPENS + MINUTE));
        let absent = alerts
            .iter()
            .find(|a| a.kind == AlertKind::PlannedStaffAbsent)
            .unwrap();
        assert_eq!(absent.detail, "1 van de 2 opgeroepen leden niet aanwezig");
        assert_eq!(absent.reason.as_deref(), Some("Bram Smit"));
        assert!(!absent.needs_action, "enough members are present");
        record
            .day
            .members_present
            .push(member(" bram smit ", StaffRole::Member));
        assert!(
            !kinds(&record, OPENS + MINUTE).contains(&AlertKind::PlannedStaffAbsent),
            "he came"
        );
    }

    /// The purge erases names and texts; a situation does not depend on them, so an
    /// alert handled before the purge is handled after it.
    #[test]
    fn a_situation_outlives_the_purge_of_names_and_texts() {
        use shared::domain::PersonalTexts;
        let mut few = open_day(1);
        few.members_present[0].name = "Anna de Vries".into();
        let mut closed = StationDay {
            phase: StationPhase::ResultSubmitted,
            ..StationDay::default()
        };
        let mut result = fixtures::result((100, 0, 0), &[90], 10, 0);
        result.explanation = "Anna de Vries telde mee".into();
        closed.result = Some(result);
        for (day, now) in [(few, OPENS + MINUTE), (closed, OPENS + 900 * MINUTE)] {
            let mut erased = day.clone();
            assert!(erased.erase_personal_texts() > 0);
            let before = for_station(&record(day, Some(OPENS)), &election(), Timestamp(now));
            let after = for_station(&record(erased, Some(OPENS)), &election(), Timestamp(now));
            assert!(!before.is_empty());
            let situations = |alerts: &[Alert]| {
                alerts
                    .iter()
                    .map(|a| (a.kind, a.situation.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(situations(&before), situations(&after));
        }
    }

    /// A coordinator who saw a silent station is named beside it; once resolved it no
    /// longer asks for action; when the station reports and falls silent again, the
    /// alert is new.
    #[test]
    fn a_handled_alert_says_by_whom_until_its_situation_changes() {
        let moment = OPENS + 150 * MINUTE;
        let mut day = open_day(3);
        day.reported_moments.push(Timestamp(moment));
        let now = moment + 46 * MINUTE;
        let silent = |day: &StationDay, last_seen: i64, now: i64| {
            for_station(
                &record(day.clone(), Some(last_seen)),
                &election(),
                Timestamp(now),
            )
            .into_iter()
            .find(|a| a.kind == AlertKind::DeviceSilent)
            .unwrap()
        };
        let alert = silent(&day, moment, now);
        assert_eq!(alert.handled, None);
        let handle = |day: &mut StationDay, status, at| {
            day.record_alert_handling(shared::domain::AlertHandling {
                kind: AlertKind::DeviceSilent,
                status,
                by: "fatima".into(),
                at: Timestamp(at),
                detail: alert.detail.clone(),
                situation: alert.situation.clone(),
            });
        };
        handle(&mut day, AlertStatus::Acknowledged, now);
        let seen = silent(&day, moment, now + MINUTE);
        assert_eq!(
            seen.handled,
            Some(AlertHandled {
                status: AlertStatus::Acknowledged,
                by: "fatima".into(),
                at: now
            })
        );
        assert!(!seen.is_resolved());
        handle(&mut day, AlertStatus::Resolved, now + 2 * MINUTE);
        assert!(silent(&day, moment, now + 3 * MINUTE).is_resolved());
        // The resolved one is listed after an unresolved one of a later kind.
        let mut other = open_day(3);
        other.turnout_correction = Some((Timestamp(OPENS), "dubbel geteld".into()));
        other.reported_moments.push(Timestamp(moment));
        let listed = for_stations(
            &[record(day.clone(), Some(moment)), record(other, Some(now))],
            &election(),
            Timestamp(now + 3 * MINUTE),
        );
        assert_eq!(
            listed.iter().map(|a| a.kind).collect::<Vec<_>>(),
            [AlertKind::TurnoutDecrease, AlertKind::DeviceSilent]
        );
        // The station reports at 15:00 and is silent again: a new alert.
        let again = silent(&day, now + 10 * MINUTE, now + 60 * MINUTE);
        assert_eq!(again.handled, None);
    }

    /// Closed for longer than the rules allow without a result: the result is missing,
    /// and the alert goes when the result arrives. The election's rules set when.
    #[test]
    fn a_result_missing_after_closing_by_the_elections_rules() {
        let closes = fixtures::CLOSES;
        let closed = StationDay {
            phase: StationPhase::Closed,
            ..open_day(3)
        };
        let at = |day: &StationDay, now: i64, rules: &AlertRules| {
            super::for_station(
                &record(day.clone(), Some(closes)),
                &election(),
                rules,
                &Peers::default(),
                Timestamp(now),
            )
            .into_iter()
            .map(|a| a.kind)
            .collect::<Vec<_>>()
        };
        let rules = AlertRules::default();
        assert!(!at(&closed, closes + 179 * MINUTE, &rules).contains(&AlertKind::ResultMissing));
        assert!(at(&closed, closes + 181 * MINUTE, &rules).contains(&AlertKind::ResultMissing));
        // A demo's short day: the same in seconds.
        let short = AlertRules {
            result_after_ms: 30_000,
            ..rules
        };
        assert!(at(&closed, closes + 31_000, &short).contains(&AlertKind::ResultMissing));
        let mut sent = closed.clone();
        sent.phase = StationPhase::ResultSubmitted;
        sent.result = Some(fixtures::result((100, 0, 0), &[98], 1, 1));
        assert!(!at(&sent, closes + 181 * MINUTE, &rules).contains(&AlertKind::ResultMissing));
    }

    /// A station whose turnout is under half or over twice the median of the stations
    /// that reported as many moments is told about (for information, not red); early in
    /// the day, or with few peers, nobody is compared.
    #[test]
    fn turnout_far_from_the_other_stations() {
        let moment = OPENS + 150 * MINUTE;
        let station = |n: u32, count: u32| {
            let mut day = open_day(3);
            day.reported_moments.push(Timestamp(moment));
            day.latest_turnout = Some((Timestamp(moment), count));
            let mut r = record(day, Some(moment));
            r.station.id = format!("GM1-{n}");
            r
        };
        // Expected 1,000 each: 300, 310, ... and one at 100 and one at 700.
        let mut records: Vec<StationRecord> = (0..6).map(|n| station(n, 300 + n * 10)).collect();
        records.push(station(7, 100));
        records.push(station(8, 700));
        let alerts = for_stations(&records, &election(), Timestamp(moment + MINUTE));
        let far: Vec<(&str, &str)> = alerts
            .iter()
            .filter(|a| a.kind == AlertKind::TurnoutFarFromExpected)
            .map(|a| (a.station_id.as_str(), a.detail.as_str()))
            .collect();
        assert_eq!(
            far,
            [
                (
                    "GM1-7",
                    "Opkomst 10,0 % om 10:00, ver onder de andere stembureaus"
                ),
                (
                    "GM1-8",
                    "Opkomst 70,0 % om 10:00, ver boven de andere stembureaus"
                ),
            ]
        );
        assert!(!AlertKind::TurnoutFarFromExpected.needs_action());
        // Too few peers: no comparison.
        assert!(
            for_stations(&records[4..], &election(), Timestamp(moment + MINUTE))
                .iter()
                .all(|a| a.kind != AlertKind::TurnoutFarFromExpected)
        );
        // Early, when every share is small: no comparison either.
        let early: Vec<StationRecord> = (0..6)
            .map(|n| station(n, 20 + n))
            .chain([station(7, 2)])
            .collect();
        assert!(
            for_stations(&early, &election(), Timestamp(moment + MINUTE))
                .iter()
                .all(|a| a.kind != AlertKind::TurnoutFarFromExpected)
        );
    }

    /// `AlertKind::ALL` names every kind the API can send (its schema is derived from
    /// the enum), so that the demo's test of every kind, which uses `ALL`, misses none.
    #[test]
    fn all_kinds_are_every_kind_of_the_schema() {
        let schema = serde_json::to_value(<AlertKind as utoipa::PartialSchema>::schema()).unwrap();
        let names: Vec<&str> = AlertKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(schema["enum"], serde_json::json!(names));
    }

    /// The same text over a new situation is a new alert: resolved with Anna and Bram
    /// present, it is back when Bram left and Chris came (still 2 of 3); seen with one
    /// incident open, it is unseen when another replaces it (still "1 melding").
    #[test]
    fn a_handling_does_not_carry_over_to_a_new_situation_with_the_same_text() {
        let mut day = open_day(2);
        let at = OPENS + 60 * MINUTE;
        let find = |day: &StationDay, kind| {
            for_station(&record(day.clone(), Some(at)), &election(), Timestamp(at))
                .into_iter()
                .find(|a| a.kind == kind)
                .unwrap()
        };
        let handle = |day: &mut StationDay, alert: &Alert, status| {
            day.record_alert_handling(shared::domain::AlertHandling {
                kind: alert.kind,
                status,
                by: "fatima".into(),
                at: Timestamp(at),
                detail: alert.detail.clone(),
                situation: alert.situation.clone(),
            });
        };
        let few = find(&day, AlertKind::TooFewMembers);
        handle(&mut day, &few, AlertStatus::Resolved);
        assert!(find(&day, AlertKind::TooFewMembers).is_resolved());
        // Bram leaves and Chris comes: still 2 of 3, later.
        for (presence, minutes) in [
            (
                shared::domain::PresenceReport::Departed {
                    name: day.members_present[1].name.clone(),
                },
                61,
            ),
            (
                shared::domain::PresenceReport::Arrived(StaffMember {
                    name: "Chris".into(),
                    role: StaffRole::Member,
                }),
                62,
            ),
        ] {
            day.apply(
                &shared::domain::Report::Presence(presence),
                Timestamp(OPENS + minutes * MINUTE),
            )
            .unwrap();
        }
        let again = find(&day, AlertKind::TooFewMembers);
        assert_eq!(again.detail, few.detail, "reads the same");
        assert_eq!(again.handled, None, "but is a new situation");

        let incident = |id: &str| shared::domain::station_day::IncidentState {
            incident_id: id.into(),
            status: shared::domain::IncidentStatus::New,
            messages: 0,
        };
        day.incidents.push(incident("i1"));
        let open = find(&day, AlertKind::OpenIncidents);
        handle(&mut day, &open, AlertStatus::Acknowledged);
        assert!(find(&day, AlertKind::OpenIncidents).handled.is_some());
        day.set_incident_status("i1", shared::domain::IncidentStatus::Resolved);
        day.incidents.push(incident("i2"));
        let other = find(&day, AlertKind::OpenIncidents);
        assert_eq!(other.detail, open.detail);
        assert_eq!(other.handled, None);
    }
}
