//! Closing: the time, and the closing checklist the device keeps.

use super::{Context, Issue, Rule, out_of_range};
use crate::domain::{ClosingReport, Election};

pub(super) fn validate(report: &ClosingReport, ctx: &Context<'_>) -> Vec<Issue> {
    let mut issues: Vec<Issue> =
        out_of_range(report.voters_in_queue_at_close, "voters_in_queue_at_close")
            .into_iter()
            .collect();
    if ctx.now < ctx.station.closing_time(ctx.election) {
        issues.push(Issue::new(Rule::ClosingBeforeTime, ["closed_at"]));
    }
    issues
}

/// The closing checklist's items not in `done`, as one issue (field paths
/// `closing_checklist.<id>`), or none when every item is done. The device checks it
/// before it makes a closing report; the report does not carry the checklist, so the
/// server cannot (and a device of an older version still closes).
#[must_use]
pub fn closing_checklist_issue(election: &Election, done: &[String]) -> Option<Issue> {
    let missing: Vec<String> = election
        .closing_checklist
        .iter()
        .filter(|item| !done.contains(&item.id))
        .map(|item| format!("closing_checklist.{}", item.id))
        .collect();
    (!missing.is_empty()).then(|| Issue::new(Rule::ClosingChecklistIncomplete, missing))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Jurisdiction, Timestamp};
    use crate::validation::{Outcome, fixtures};

    #[test]
    fn closing_early_needs_confirmation() {
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let station = fixtures::station(1_000);
        let day = fixtures::day();
        let report = ClosingReport {
            voters_in_queue_at_close: 0,
        };
        let at = |now| Context {
            election: &election,
            station: &station,
            day: &day,
            now: Timestamp(now),
        };
        assert!(validate(&report, &at(fixtures::CLOSES)).is_empty());
        let early = validate(&report, &at(fixtures::CLOSES - 1));
        assert_eq!(early[0].code(), "CLOSING_W01_BEFORE_TIME");
        let outcome = Outcome { issues: early };
        assert!(!outcome.accepts(&[]));
        assert!(outcome.accepts(&["CLOSING_W01_BEFORE_TIME".to_owned()]));
    }

    #[test]
    fn the_closing_checklist_names_each_item_not_done() {
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let all: Vec<String> = election
            .closing_checklist
            .iter()
            .map(|i| i.id.clone())
            .collect();
        assert_eq!(closing_checklist_issue(&election, &all), None);
        let issue = closing_checklist_issue(&election, &all[1..]);
        let issue = issue.as_ref().map(|i| (i.code(), i.fields.clone()));
        assert_eq!(
            issue,
            Some((
                "CLOSING_E01_CHECKLIST_INCOMPLETE",
                vec![format!("closing_checklist.{}", all[0])]
            ))
        );
        // An opening item's id does not count for closing.
        let opening: Vec<String> = election
            .opening_checklist
            .iter()
            .map(|i| i.id.clone())
            .collect();
        assert!(closing_checklist_issue(&election, &opening).is_some());
    }
}
