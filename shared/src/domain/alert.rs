//! The control room's alerts about a station (computed by the server from the station's
//! state and the clock), and what a coordinator did about one: seen it, or resolved it.

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// What an alert is about, most urgent first (the order in which the control room
/// lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    NotOpen,
    /// Incidents the control room has not resolved.
    OpenIncidents,
    /// Ballot papers the station asked for that the control room has not sent.
    BallotsRequested,
    TooFewMembers,
    /// People convoked for the station (its planned staff, substitutes aside) who are
    /// not among the members present. For information: too few present is
    /// `TooFewMembers`.
    PlannedStaffAbsent,
    BallotsRunningOut,
    /// The chair reported a long queue (`QueueLength::is_long`) and nothing shorter
    /// since: voters wait, and the control room may send help.
    LongQueue,
    TurnoutOverdue,
    DeviceSilent,
    /// Closed for a while (`AlertRules::result_after_ms`) and no provisional result.
    ResultMissing,
    /// The station's turnout is far from that of the stations that reported as many
    /// moments: under half or over twice their median share of expected voters. For
    /// information (a count to check, a door that was shut, a busy station nearby).
    TurnoutFarFromExpected,
    TurnoutDecrease,
    ResultWithWarnings,
}

impl AlertKind {
    /// Every kind, most urgent first.
    pub const ALL: [Self; 13] = [
        Self::NotOpen,
        Self::OpenIncidents,
        Self::BallotsRequested,
        Self::TooFewMembers,
        Self::PlannedStaffAbsent,
        Self::BallotsRunningOut,
        Self::LongQueue,
        Self::TurnoutOverdue,
        Self::DeviceSilent,
        Self::ResultMissing,
        Self::TurnoutFarFromExpected,
        Self::TurnoutDecrease,
        Self::ResultWithWarnings,
    ];

    /// The kind's name as the API writes it (`device_silent`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::NotOpen => "not_open",
            Self::OpenIncidents => "open_incidents",
            Self::BallotsRequested => "ballots_requested",
            Self::TooFewMembers => "too_few_members",
            Self::PlannedStaffAbsent => "planned_staff_absent",
            Self::BallotsRunningOut => "ballots_running_out",
            Self::LongQueue => "long_queue",
            Self::TurnoutOverdue => "turnout_overdue",
            Self::DeviceSilent => "device_silent",
            Self::ResultMissing => "result_missing",
            Self::TurnoutFarFromExpected => "turnout_far_from_expected",
            Self::TurnoutDecrease => "turnout_decrease",
            Self::ResultWithWarnings => "result_with_warnings",
        }
    }

    /// Whether alerts of this kind are settled by the control room's action rather than
    /// marked resolved: open incidents by resolving them, ballots asked for by sending
    /// them. They can be marked seen.
    #[must_use]
    pub const fn settled_by_action(self) -> bool {
        matches!(self, Self::OpenIncidents | Self::BallotsRequested)
    }

    /// Whether alerts of this kind ask the control room to act, and so make the
    /// station a problem. Convoked people who did not come (while enough members are
    /// present), turnout far from expected or corrected downward, and a result with
    /// warnings the chair confirmed, are for information.
    #[must_use]
    pub const fn needs_action(self) -> bool {
        !matches!(
            self,
            Self::PlannedStaffAbsent
                | Self::TurnoutFarFromExpected
                | Self::TurnoutDecrease
                | Self::ResultWithWarnings
        )
    }
}

/// When the clock makes an alert, per election (`kiesdag election alerts`): the
/// defaults fit a real day; the demo, whose day lasts minutes, shortens them in
/// proportion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AlertRules {
    /// A turnout moment counts as overdue this long after it passed.
    pub moment_grace_ms: i64,
    /// An open station whose device the server has not heard from (no report, no
    /// heartbeat: the app closed, the battery flat, no network) for this long is silent.
    pub silent_after_ms: i64,
    /// A station closed this long without a provisional result is missing it.
    pub result_after_ms: i64,
}

impl AlertRules {
    /// The shortest threshold accepted: one second.
    pub const MIN_MS: i64 = 1_000;
    /// The longest: a day.
    pub const MAX_MS: i64 = 86_400_000;

    /// Every threshold scaled by `factor` (the demo's day against a real one), within
    /// `MIN_MS..=MAX_MS`.
    #[must_use]
    pub fn scaled(self, factor: f64) -> Self {
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let scale = |ms: i64| ((ms as f64 * factor) as i64).clamp(Self::MIN_MS, Self::MAX_MS);
        Self {
            moment_grace_ms: scale(self.moment_grace_ms),
            silent_after_ms: scale(self.silent_after_ms),
            result_after_ms: scale(self.result_after_ms),
        }
    }

    /// Whether every threshold lies within `MIN_MS..=MAX_MS`.
    #[must_use]
    pub fn is_plausible(&self) -> bool {
        [
            self.moment_grace_ms,
            self.silent_after_ms,
            self.result_after_ms,
        ]
        .iter()
        .all(|ms| (Self::MIN_MS..=Self::MAX_MS).contains(ms))
    }
}

impl Default for AlertRules {
    fn default() -> Self {
        Self {
            moment_grace_ms: 10 * 60_000,
            silent_after_ms: 45 * 60_000,
            result_after_ms: 3 * 60 * 60_000,
        }
    }
}

/// What a coordinator did about an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    /// Seen, and someone is on it: the station stays a problem, with a name beside it.
    Acknowledged,
    /// Dealt with: the alert no longer makes the station a problem, until its
    /// situation changes.
    Resolved,
}

/// A coordinator's handling of one alert of a station. It holds for the situation the
/// alert was about then (`situation`, which the server derives from the alert's text,
/// e.g. "Stembiljetten op rond 17:40", and what stands behind it, e.g. which incidents
/// are open): in a new situation the alert is new, and needs the control room again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertHandling {
    pub kind: AlertKind,
    pub status: AlertStatus,
    /// Who in the control room (a username).
    pub by: String,
    /// When it was recorded.
    pub at: Timestamp,
    /// The alert's text when it was handled.
    pub detail: String,
    /// The identity of the situation handled (opaque; empty in handlings stored before
    /// it was recorded, which then hold for nothing).
    #[serde(default)]
    pub situation: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_scale_within_bounds_and_refuse_the_implausible() {
        let rules = AlertRules::default();
        assert!(rules.is_plausible());
        // A ten-minute demo day against 07:30 to 21:00.
        let demo = rules.scaled(10.0 / 810.0);
        assert_eq!(demo.silent_after_ms, 33_333);
        assert_eq!(demo.moment_grace_ms, 7_407);
        assert!(demo.is_plausible());
        assert_eq!(rules.scaled(0.0).moment_grace_ms, AlertRules::MIN_MS);
        assert_eq!(
            rules.scaled(f64::INFINITY).result_after_ms,
            AlertRules::MAX_MS
        );
        let zero = AlertRules {
            silent_after_ms: 0,
            ..rules
        };
        assert!(!zero.is_plausible());
    }

    /// `ALL` holds every kind once, in the order of the enum (a new kind must be added
    /// to `name`, whose match is exhaustive, and then here), and `name` is the API's.
    #[test]
    fn all_kinds_are_listed_once_with_their_api_names() {
        for (i, kind) in AlertKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, i);
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.name())
            );
        }
    }

    #[test]
    fn information_kinds_do_not_ask_for_action() {
        assert!(AlertKind::ResultMissing.needs_action());
        assert!(AlertKind::DeviceSilent.needs_action());
        assert!(!AlertKind::TurnoutFarFromExpected.needs_action());
        assert!(!AlertKind::ResultWithWarnings.needs_action());
    }
}
