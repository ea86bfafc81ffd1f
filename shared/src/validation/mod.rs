//! Validation of every report, with a stable code, a severity and the field paths per
//! rule. The same functions run on the device (instant feedback, offline) and on the
//! server (authoritative). Errors block a submission; warnings need the chair's
//! explicit confirmation (their codes listed in the operation's `confirmed_warnings`).

mod ballot_stock;
mod clock;
mod closing;
mod control_room;
mod counting_office;
mod incident;
mod issue;
mod messages;
mod opening;
mod presence;
mod queue;
mod result;
mod rule;
mod turnout;

pub use ballot_stock::projected_run_out;
pub use clock::{
    RECORDED_AT_MARGIN_MS, RECORDED_AT_MAX_AHEAD_MS, RECORDED_AT_MAX_BEHIND_MS, check_recorded_at,
};
pub use closing::closing_checklist_issue;
pub use control_room::{assignee_issues, dispatch_issues, message_issues};
pub use counting_office::{CountingOfficeContext, counting_office_result, same_as_offices};
pub use issue::{Issue, Outcome, Severity};
pub use messages::{Language, message};
pub use rule::Rule;

use crate::domain::{Election, Report, Station, StationDay, Timestamp};

/// Largest figure a station can report for any count. Far above any real station
/// (about 1,440 voters on average), low enough that sums cannot overflow.
pub const MAX_COUNT: u32 = 100_000;
/// Longest free text (incident text, messages, explanations), in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Longest name of a person (staff member), in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest id made on a device (an incident's is a 36-character UUID), in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Most members present at a station at once; also the longest list of members
/// leaving or arriving in one shift change. A station has a handful.
pub const MAX_MEMBERS_PRESENT: usize = 40;
/// Most checklist items an opening report may tick off.
pub const MAX_CHECKLIST_ITEMS: usize = 100;
/// Most incidents one station may report in a day.
pub const MAX_INCIDENTS: usize = 200;
/// Most messages a station may send about one incident.
pub const MAX_MESSAGES_PER_INCIDENT: u32 = 200;

/// Everything a rule may look at besides the report itself.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub election: &'a Election,
    pub station: &'a Station,
    /// The station's state before this report.
    pub day: &'a StationDay,
    /// When the report is made.
    pub now: Timestamp,
}

/// Validates one report. The phase of the day is checked separately by
/// `StationDay::check`.
#[must_use]
pub fn validate(report: &Report, ctx: &Context<'_>) -> Outcome {
    let issues = match report {
        Report::Opening(r) => opening::validate(r, ctx),
        Report::Presence(r) => presence::validate(r, ctx),
        Report::BallotStock(r) => ballot_stock::validate_stock(r),
        Report::ResupplyRequest(r) => ballot_stock::validate_resupply(r, ctx),
        Report::Turnout(r) => turnout::validate(r, ctx),
        Report::Incident(r) => incident::validate_report(r, ctx),
        Report::IncidentMessage(r) => incident::validate_message(r, ctx),
        Report::ProvisionalResult(r) => result::validate(r, ctx),
        Report::Closing(r) => closing::validate(r, ctx),
        Report::Queue(r) => queue::validate(r),
    };
    Outcome { issues }
}

/// An issue for a figure above `MAX_COUNT`, if it is.
pub(crate) fn out_of_range(value: u32, field: &str) -> Option<Issue> {
    (value > MAX_COUNT).then(|| Issue::new(Rule::CountOutOfRange, [field]))
}

pub(crate) fn text_issues(text: &str, field: &str, required: bool) -> Vec<Issue> {
    let mut issues = Vec::new();
    if required && text.trim().is_empty() {
        issues.push(Issue::new(Rule::TextMissing, [field]));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        issues.push(Issue::new(Rule::TextTooLong, [field]));
    }
    issues
}

/// Issues of a person's name: required, and at most `MAX_NAME_CHARS`.
pub(crate) fn name_issues(name: &str, field: &str) -> Vec<Issue> {
    if name.trim().is_empty() {
        vec![Issue::new(Rule::TextMissing, [field])]
    } else if name.chars().count() > MAX_NAME_CHARS {
        vec![Issue::new(Rule::NameTooLong, [field])]
    } else {
        Vec::new()
    }
}

/// Issues of an id made on a device: required, and at most `MAX_ID_CHARS`.
pub(crate) fn id_issues(id: &str, field: &str) -> Vec<Issue> {
    if id.trim().is_empty() {
        vec![Issue::new(Rule::TextMissing, [field])]
    } else if id.chars().count() > MAX_ID_CHARS {
        vec![Issue::new(Rule::IdTooLong, [field])]
    } else {
        Vec::new()
    }
}

/// An issue for a list in a report longer than `limit`, if it is.
pub(crate) fn too_many(len: usize, limit: usize, field: &str) -> Option<Issue> {
    (len > limit).then(|| Issue::new(Rule::TooManyItems, [field]))
}

/// The validation tests' fixtures: the canonical ones (`crate::fixtures`), with the
/// station the rules are tried on, number 12 of Rotterdam, expecting `expected_voters`.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::domain::Station;
    pub use crate::fixtures::{CLOSES, OPENS, day, election};

    pub fn station(expected_voters: u32) -> Station {
        Station {
            expected_voters: Some(expected_voters),
            ..crate::fixtures::station(crate::fixtures::MUNICIPALITY, 12)
        }
    }
}
