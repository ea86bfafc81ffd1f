//! A counting office's result (Flanders, paper voting; `domain::counting_office`):
//! the same arithmetic as a station's provisional result, against the voters assigned
//! to the office's stations together, and a warning when its figures equal another
//! office's of the municipality.

use super::result::validate_figures;
use super::{Issue, Outcome, Rule};
use crate::domain::counting_office::same_figures;
use crate::domain::{Election, ProvisionalResult};

/// Everything the rules look at besides the office's result.
#[derive(Clone, Copy, Debug)]
pub struct CountingOfficeContext<'a> {
    pub election: &'a Election,
    /// The voters assigned to the office's stations together; `None` when a station's
    /// are unknown, and then no rule compares against them.
    pub assigned_voters: Option<u32>,
    /// The municipality's other counting offices that have a result: each one's
    /// number and result.
    pub others: &'a [(u32, ProvisionalResult)],
}

/// The issues of a counting office's result: errors block it, warnings need
/// confirming, as for a station's.
#[must_use]
pub fn counting_office_result(
    result: &ProvisionalResult,
    ctx: &CountingOfficeContext<'_>,
) -> Outcome {
    let mut issues = validate_figures(result, ctx.election, ctx.assigned_voters);
    if !same_as_offices(result, ctx.others).is_empty() {
        issues.push(Issue::new(
            Rule::CountingOfficeSameAsOther,
            [
                "votes.list_votes",
                "votes.blank_votes",
                "votes.invalid_votes",
                "votes.votes_cast",
            ],
        ));
    }
    Outcome { issues }
}

/// The numbers of the offices in `others` whose result is the same figures as
/// `result`'s (`domain::counting_office::same_figures`).
#[must_use]
pub fn same_as_offices(
    result: &ProvisionalResult,
    others: &[(u32, ProvisionalResult)],
) -> Vec<u32> {
    others
        .iter()
        .filter(|(_, other)| same_figures(result, other))
        .map(|(number, _)| *number)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Jurisdiction;
    use crate::fixtures;

    fn codes(result: &ProvisionalResult, others: &[(u32, ProvisionalResult)]) -> Vec<&'static str> {
        let election = fixtures::election(Jurisdiction::Flanders, 4);
        counting_office_result(
            result,
            &CountingOfficeContext {
                election: &election,
                assigned_voters: Some(1_200),
                others,
            },
        )
        .codes()
    }

    #[test]
    fn the_same_figures_as_another_office_is_a_warning() {
        let one = fixtures::result((1_000, 0, 0), &[500, 200, 200, 90], 6, 4);
        let two = fixtures::result((960, 0, 0), &[340, 232, 160, 220], 5, 3);
        assert_eq!(codes(&one, &[]), Vec::<&str>::new());
        assert_eq!(codes(&one, &[(2, two.clone())]), Vec::<&str>::new());
        assert_eq!(
            codes(&one, &[(2, two.clone()), (3, one.clone())]),
            ["COUNT_W01_SAME_AS_OFFICE"]
        );
        assert_eq!(same_as_offices(&one, &[(2, two), (3, one.clone())]), [3]);
        let rule = Rule::CountingOfficeSameAsOther;
        assert_eq!(rule.severity(), super::super::Severity::Warning);
        assert!(
            super::super::message(rule, super::super::Language::Dutch)
                .starts_with("Dubbele ingave van eenzelfde telbureau?")
        );
    }

    #[test]
    fn the_station_rules_apply_against_the_offices_assigned_voters() {
        let mut slip = fixtures::result((1_000, 0, 0), &[500, 200, 200, 90], 6, 4);
        slip.votes.blank_votes += 1;
        assert_eq!(codes(&slip, &[]), ["RESULT_E03_VOTES_CAST_SUM"]);
        let above = fixtures::result((1_201, 0, 0), &[600, 300, 200, 95], 3, 3);
        assert_eq!(codes(&above, &[]), ["RESULT_E08_ABOVE_ASSIGNED"]);
        let blank = fixtures::result((1_000, 0, 0), &[500, 200, 200, 60], 36, 4);
        assert_eq!(codes(&blank, &[]), ["RESULT_W01_MANY_BLANK"]);
    }
}
