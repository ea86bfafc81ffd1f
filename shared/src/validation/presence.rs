//! Members arriving, leaving and shift changes: names bounded, lists bounded, and never
//! more than `MAX_MEMBERS_PRESENT` present at once (the station's state stays small).

use super::{Context, Issue, MAX_MEMBERS_PRESENT, Rule, name_issues, too_many};
use crate::domain::{PresenceReport, StaffMember};

pub(super) fn validate(report: &PresenceReport, ctx: &Context<'_>) -> Vec<Issue> {
    match report {
        PresenceReport::Arrived(member) => {
            let mut issues = name_issues(&member.name, "name");
            if members_after(&ctx.day.members_present, report) > MAX_MEMBERS_PRESENT {
                issues.push(Issue::new(Rule::TooManyMembers, ["name"]));
            }
            issues
        }
        PresenceReport::Departed { name } => name_issues(name, "name"),
        PresenceReport::ShiftChange { leaving, arriving } => {
            // Bounded before any work per name: the lists arrive from a device.
            let too_long: Vec<Issue> = [
                too_many(leaving.len(), MAX_MEMBERS_PRESENT, "leaving"),
                too_many(arriving.len(), MAX_MEMBERS_PRESENT, "arriving"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !too_long.is_empty() {
                return too_long;
            }
            let mut issues = Vec::new();
            for (n, name) in leaving.iter().enumerate() {
                issues.extend(name_issues(name, &format!("leaving[{n}]")));
            }
            for (n, member) in arriving.iter().enumerate() {
                issues.extend(name_issues(&member.name, &format!("arriving[{n}].name")));
            }
            if members_after(&ctx.day.members_present, report) > MAX_MEMBERS_PRESENT {
                issues.push(Issue::new(Rule::TooManyMembers, ["arriving"]));
            }
            issues
        }
    }
}

/// How many members `StationDay::apply` leaves present after `report`.
fn members_after(present: &[StaffMember], report: &PresenceReport) -> usize {
    let mut names: Vec<&str> = present.iter().map(|m| m.name.as_str()).collect();
    match report {
        PresenceReport::Arrived(member) => {
            if !names.contains(&member.name.as_str()) {
                names.push(&member.name);
            }
        }
        PresenceReport::Departed { name } => names.retain(|n| n != name),
        PresenceReport::ShiftChange { leaving, arriving } => {
            names.retain(|n| !leaving.iter().any(|l| l == n));
            for member in arriving {
                if !names.contains(&member.name.as_str()) {
                    names.push(&member.name);
                }
            }
        }
    }
    names.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Jurisdiction, StaffRole, StationDay, Timestamp};
    use crate::validation::{MAX_NAME_CHARS, fixtures};

    fn member(name: &str) -> StaffMember {
        StaffMember {
            name: name.into(),
            role: StaffRole::Member,
        }
    }

    fn codes(report: &PresenceReport, present: usize) -> Vec<&'static str> {
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let station = fixtures::station(1_000);
        let day = StationDay {
            members_present: (0..present).map(|n| member(&format!("m{n}"))).collect(),
            ..StationDay::default()
        };
        let ctx = Context {
            election: &election,
            station: &station,
            day: &day,
            now: Timestamp(0),
        };
        validate(report, &ctx).iter().map(Issue::code).collect()
    }

    #[test]
    fn names_are_required() {
        assert!(
            codes(
                &PresenceReport::Departed {
                    name: "Anna".into()
                },
                0
            )
            .is_empty()
        );
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let station = fixtures::station(1_000);
        let day = StationDay::default();
        let ctx = Context {
            election: &election,
            station: &station,
            day: &day,
            now: Timestamp(0),
        };
        let issues = validate(
            &PresenceReport::ShiftChange {
                leaving: vec!["".into()],
                arriving: vec![],
            },
            &ctx,
        );
        assert_eq!(issues[0].fields, ["leaving[0]"]);
    }

    #[test]
    fn names_are_bounded() {
        let at_limit = "é".repeat(MAX_NAME_CHARS);
        let over = "é".repeat(MAX_NAME_CHARS + 1);
        assert!(codes(&PresenceReport::Arrived(member(&at_limit)), 0).is_empty());
        assert_eq!(
            codes(&PresenceReport::Arrived(member(&over)), 0),
            ["INPUT_E04_NAME_TOO_LONG"]
        );
        assert_eq!(
            codes(&PresenceReport::Departed { name: over.clone() }, 0),
            ["INPUT_E04_NAME_TOO_LONG"]
        );
        assert_eq!(
            codes(
                &PresenceReport::ShiftChange {
                    leaving: vec![over.clone()],
                    arriving: vec![member(&over)],
                },
                0
            ),
            ["INPUT_E04_NAME_TOO_LONG", "INPUT_E04_NAME_TOO_LONG"]
        );
    }

    #[test]
    fn shift_change_lists_are_bounded() {
        let names = |n: usize| (0..n).map(|i| format!("x{i}")).collect::<Vec<_>>();
        let at_limit = PresenceReport::ShiftChange {
            leaving: names(MAX_MEMBERS_PRESENT),
            arriving: names(MAX_MEMBERS_PRESENT)
                .iter()
                .map(|n| member(n))
                .collect(),
        };
        assert!(codes(&at_limit, 0).is_empty());
        let over = PresenceReport::ShiftChange {
            leaving: names(MAX_MEMBERS_PRESENT + 1),
            arriving: names(MAX_MEMBERS_PRESENT + 1)
                .iter()
                .map(|n| member(n))
                .collect(),
        };
        assert_eq!(
            codes(&over, 0),
            ["INPUT_E05_TOO_MANY_ITEMS", "INPUT_E05_TOO_MANY_ITEMS"]
        );
    }

    /// The report that grew a station's state to 9 MB: shift changes that each bring
    /// 30 new people and send no one away.
    #[test]
    fn never_more_than_the_limit_present() {
        let full = MAX_MEMBERS_PRESENT;
        assert!(codes(&PresenceReport::Arrived(member("new")), full - 1).is_empty());
        assert_eq!(
            codes(&PresenceReport::Arrived(member("new")), full),
            ["PRESENCE_E01_TOO_MANY_MEMBERS"]
        );
        assert!(
            codes(&PresenceReport::Arrived(member("m0")), full).is_empty(),
            "someone already present arrives again: no one more"
        );
        let thirty = |prefix: &str| -> Vec<StaffMember> {
            (0..30).map(|n| member(&format!("{prefix}{n}"))).collect()
        };
        let no_one_leaves = PresenceReport::ShiftChange {
            leaving: vec![],
            arriving: thirty("evening"),
        };
        assert!(codes(&no_one_leaves, 10).is_empty());
        assert_eq!(codes(&no_one_leaves, 11), ["PRESENCE_E01_TOO_MANY_MEMBERS"]);
        let swap = PresenceReport::ShiftChange {
            leaving: (0..30).map(|n| format!("m{n}")).collect(),
            arriving: thirty("evening"),
        };
        assert!(codes(&swap, full).is_empty(), "30 leave, 30 arrive");
    }
}
