//! Opening: the jurisdiction's minimum of members, the checklist, and the time.

use super::{Context, Issue, Rule, text_issues};
use crate::domain::OpeningReport;

pub(super) fn validate(report: &OpeningReport, ctx: &Context<'_>) -> Vec<Issue> {
    let mut issues = Vec::new();
    let minimum = ctx.election.jurisdiction.rules().min_members_to_open;
    let mut names: Vec<&str> = report
        .members_present
        .iter()
        .map(|m| m.name.trim())
        .collect();
    names.sort_unstable();
    names.dedup();
    if names.len() < minimum as usize {
        issues.push(Issue::new(Rule::OpeningTooFewMembers, ["members_present"]));
    }
    for (n, member) in report.members_present.iter().enumerate() {
        issues.extend(text_issues(
            &member.name,
            &format!("members_present[{n}].name"),
            true,
        ));
    }
    let missing: Vec<String> = ctx
        .election
        .opening_checklist
        .iter()
        .filter(|item| !report.checklist_done.contains(&item.id))
        .map(|item| format!("checklist_done.{}", item.id))
        .collect();
    if !missing.is_empty() {
        issues.push(Issue::new(Rule::OpeningChecklistIncomplete, missing));
    }
    if ctx.now < ctx.station.opening_time(ctx.election) && !ctx.station.may_open_early {
        issues.push(Issue::new(Rule::OpeningTooEarly, ["opened_at"]));
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Jurisdiction, StaffMember, StaffRole, Timestamp};
    use crate::validation::fixtures;

    fn codes(members: &[&str], all_done: bool, now: i64, early: bool) -> Vec<&'static str> {
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let mut station = fixtures::station(1_000);
        station.may_open_early = early;
        let day = fixtures::day();
        let report = OpeningReport {
            checklist_done: election
                .opening_checklist
                .iter()
                .skip(usize::from(!all_done))
                .map(|i| i.id.clone())
                .collect(),
            members_present: members
                .iter()
                .map(|n| StaffMember {
                    name: (*n).into(),
                    role: StaffRole::Member,
                })
                .collect(),
        };
        let ctx = Context {
            election: &election,
            station: &station,
            day: &day,
            now: Timestamp(now),
        };
        validate(&report, &ctx).iter().map(Issue::code).collect()
    }

    #[test]
    fn a_station_with_its_own_hours_opens_at_its_own_time() {
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let mut station = fixtures::station(1_000);
        // A mobile station that opens at 14:30.
        station.opens_at = Some(Timestamp(fixtures::OPENS + 420 * 60_000));
        let day = fixtures::day();
        let report = OpeningReport {
            checklist_done: election
                .opening_checklist
                .iter()
                .map(|i| i.id.clone())
                .collect(),
            members_present: ["a", "b", "c"]
                .iter()
                .map(|n| StaffMember {
                    name: (*n).into(),
                    role: StaffRole::Member,
                })
                .collect(),
        };
        let at = |now| Context {
            election: &election,
            station: &station,
            day: &day,
            now: Timestamp(now),
        };
        let codes = |now| {
            validate(&report, &at(now))
                .iter()
                .map(Issue::code)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(fixtures::OPENS), ["OPENING_E03_TOO_EARLY"]);
        assert!(codes(fixtures::OPENS + 420 * 60_000).is_empty());
    }

    #[test]
    fn boundaries() {
        let open = fixtures::OPENS;
        assert_eq!(
            codes(&["a", "b", "c"], true, open, false),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(&["a", "b"], true, open, false),
            ["OPENING_E01_TOO_FEW_MEMBERS"]
        );
        assert_eq!(
            codes(&["a", "b", "b"], true, open, false),
            ["OPENING_E01_TOO_FEW_MEMBERS"],
            "a name twice counts once"
        );
        assert_eq!(
            codes(&["a", "b", "c"], false, open, false),
            ["OPENING_E02_CHECKLIST_INCOMPLETE"]
        );
        assert_eq!(
            codes(&["a", "b", "c"], true, open - 1, false),
            ["OPENING_E03_TOO_EARLY"]
        );
        assert_eq!(
            codes(&["a", "b", "c"], true, open - 1, true),
            Vec::<&str>::new()
        );
    }
}
