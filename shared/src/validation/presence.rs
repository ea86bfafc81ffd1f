use super::{Issue, text_issues};
use crate::domain::PresenceReport;

pub(super) fn validate(report: &PresenceReport) -> Vec<Issue> {
    match report {
        PresenceReport::Arrived(member) => text_issues(&member.name, "name", true),
        PresenceReport::Departed { name } => text_issues(name, "name", true),
        PresenceReport::ShiftChange { leaving, arriving } => {
            let mut issues = Vec::new();
            for (n, name) in leaving.iter().enumerate() {
                issues.extend(text_issues(name, &format!("leaving[{n}]"), true));
            }
            for (n, member) in arriving.iter().enumerate() {
                issues.extend(text_issues(
                    &member.name,
                    &format!("arriving[{n}].name"),
                    true,
                ));
            }
            issues
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_required() {
        assert!(
            validate(&PresenceReport::Departed {
                name: "Anna".into()
            })
            .is_empty()
        );
        let issues = validate(&PresenceReport::ShiftChange {
            leaving: vec!["".into()],
            arriving: vec![],
        });
        assert_eq!(issues[0].fields, ["leaving[0]"]);
    }
}
