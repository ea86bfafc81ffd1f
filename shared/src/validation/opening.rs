//! Opening: the jurisdiction's minimum of members, the checklist, and the time.

use super::{
    Context, Issue, MAX_CHECKLIST_ITEMS, MAX_ID_CHARS, MAX_MEMBERS_PRESENT, Rule, name_issues,
    too_many,
};
use crate::domain::OpeningReport;

pub(super) fn validate(report: &OpeningReport, ctx: &Context<'_>) -> Vec<Issue> {
    // Bounded before any work per entry: the lists arrive from a device. The members
    // present become the station's state as they are.
    let mut issues: Vec<Issue> = too_many(
        report.checklist_done.len(),
        MAX_CHECKLIST_ITEMS,
        "checklist_done",
    )
    .into_iter()
    .collect();
    if report.members_present.len() > MAX_MEMBERS_PRESENT {
        issues.push(Issue::new(Rule::TooManyMembers, ["members_present"]));
    }
    if !issues.is_empty() {
        return issues;
    }
    if let Some(n) = report
        .checklist_done
        .iter()
        .position(|id| id.chars().count() > MAX_ID_CHARS)
    {
        issues.push(Issue::new(
            Rule::IdTooLong,
            [format!("checklist_done[{n}]")],
        ));
    }
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
        issues.extend(name_issues(
            &member.name,
            &format!("members_present[{n}].name"),
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
            members_present: crate::fixtures::members(members),
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
        let report = crate::fixtures::opening(&election.opening_checklist);
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

    #[test]
    fn lists_and_names_are_bounded() {
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let station = fixtures::station(1_000);
        let day = fixtures::day();
        let ctx = Context {
            election: &election,
            station: &station,
            day: &day,
            now: Timestamp(fixtures::OPENS),
        };
        let all_done: Vec<String> = election
            .opening_checklist
            .iter()
            .map(|i| i.id.clone())
            .collect();
        let members = |n: usize, len: usize| -> Vec<StaffMember> {
            (0..n)
                .map(|i| StaffMember {
                    name: format!("{i:0>len$}"),
                    role: StaffRole::Member,
                })
                .collect()
        };
        let codes = |checklist_done: Vec<String>, members_present| -> Vec<&'static str> {
            let report = OpeningReport {
                checklist_done,
                members_present,
            };
            validate(&report, &ctx).iter().map(Issue::code).collect()
        };
        assert!(codes(all_done.clone(), members(MAX_MEMBERS_PRESENT, 3)).is_empty());
        assert_eq!(
            codes(all_done.clone(), members(MAX_MEMBERS_PRESENT + 1, 3)),
            ["PRESENCE_E01_TOO_MANY_MEMBERS"]
        );
        assert!(
            codes(
                all_done.clone(),
                members(3, crate::validation::MAX_NAME_CHARS)
            )
            .is_empty()
        );
        assert_eq!(
            codes(
                all_done.clone(),
                members(3, crate::validation::MAX_NAME_CHARS + 1)
            ),
            ["INPUT_E04_NAME_TOO_LONG"; 3]
        );
        let mut many = all_done.clone();
        many.resize(MAX_CHECKLIST_ITEMS, "ballot_box_empty".into());
        assert!(codes(many.clone(), members(3, 3)).is_empty());
        many.push("ballot_box_empty".into());
        assert_eq!(codes(many, members(3, 3)), ["INPUT_E05_TOO_MANY_ITEMS"]);
        let mut long_id = all_done;
        long_id.push("x".repeat(MAX_ID_CHARS + 1));
        assert_eq!(codes(long_id, members(3, 3)), ["INPUT_E06_ID_TOO_LONG"]);
    }
}
