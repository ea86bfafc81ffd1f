//! Turnout: cumulative counts never silently go down (DESIGN.md invariant 4).

use super::{Context, Issue, Rule, out_of_range, text_issues};
use crate::domain::{TurnoutMoment, TurnoutReport};

pub(super) fn validate(report: &TurnoutReport, ctx: &Context<'_>) -> Vec<Issue> {
    if let Some(issue) = out_of_range(report.count, "count") {
        return vec![issue];
    }
    let mut issues = Vec::new();
    let previous = ctx.day.latest_turnout_count();
    match &report.correction_reason {
        Some(reason) => issues.extend(text_issues(reason, "correction_reason", true)),
        None => {
            if previous.is_some_and(|p| report.count < p) {
                issues.push(Issue::new(
                    Rule::TurnoutDecrease,
                    ["count", "correction_reason"],
                ));
            }
        }
    }
    if ctx
        .station
        .expected_voters
        .is_some_and(|expected| report.count > expected)
    {
        let rule = if ctx.election.jurisdiction.rules().voters_assigned_to_station {
            Rule::TurnoutAboveAssignedVoters
        } else {
            Rule::TurnoutAboveExpectedVoters
        };
        issues.push(Issue::new(rule, ["count"]));
    }
    if let TurnoutMoment::Scheduled(moment) = report.moment
        && !ctx.election.turnout_moments.contains(&moment)
    {
        issues.push(Issue::new(Rule::TurnoutUnknownMoment, ["moment"]));
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Jurisdiction, StationDay, Timestamp};
    use crate::validation::fixtures;

    fn codes(
        report: &TurnoutReport,
        previous: Option<u32>,
        jurisdiction: Jurisdiction,
    ) -> Vec<&'static str> {
        let election = fixtures::election(jurisdiction, 2);
        let station = fixtures::station(1_000);
        let day = StationDay {
            latest_turnout: previous.map(|p| (Timestamp(0), p)),
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

    fn report(count: u32, reason: Option<&str>) -> TurnoutReport {
        TurnoutReport {
            count,
            moment: TurnoutMoment::AdHoc,
            correction_reason: reason.map(Into::into),
        }
    }

    #[test]
    fn boundaries() {
        let nl = Jurisdiction::Netherlands;
        let cases: &[(&str, TurnoutReport, Option<u32>, &[&str])] = &[
            ("first count", report(10, None), None, &[]),
            ("equal to previous", report(300, None), Some(300), &[]),
            (
                "one below previous",
                report(299, None),
                Some(300),
                &["TURNOUT_E01_DECREASE"],
            ),
            (
                "correction with reason",
                report(299, Some("telfout")),
                Some(300),
                &[],
            ),
            (
                "correction with blank reason",
                report(299, Some("  ")),
                Some(300),
                &["INPUT_E02_TEXT_MISSING"],
            ),
            ("at expected voters", report(1_000, None), None, &[]),
            (
                "one above expected voters",
                report(1_001, None),
                None,
                &["TURNOUT_W01_ABOVE_EXPECTED"],
            ),
            (
                "out of range",
                report(100_001, None),
                None,
                &["INPUT_E01_OUT_OF_RANGE"],
            ),
        ];
        for (name, r, previous, expected) in cases {
            assert_eq!(codes(r, *previous, nl), *expected, "{name}");
        }
    }

    #[test]
    fn unknown_expected_voters_raise_nothing() {
        let election = fixtures::election(Jurisdiction::Flanders, 2);
        let mut station = fixtures::station(1_000);
        station.expected_voters = None;
        let day = StationDay::default();
        let ctx = Context {
            election: &election,
            station: &station,
            day: &day,
            now: Timestamp(0),
        };
        assert!(validate(&report(50_000, None), &ctx).is_empty());
    }

    #[test]
    fn above_assigned_voters_is_an_error_in_flanders() {
        assert_eq!(
            codes(&report(1_001, None), None, Jurisdiction::Flanders),
            ["TURNOUT_E02_ABOVE_ASSIGNED"]
        );
    }

    #[test]
    fn scheduled_moment_must_be_the_elections() {
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let good = TurnoutReport {
            count: 1,
            moment: TurnoutMoment::Scheduled(election.turnout_moments[0]),
            correction_reason: None,
        };
        assert_eq!(
            codes(&good, None, Jurisdiction::Netherlands),
            Vec::<&str>::new()
        );
        let bad = TurnoutReport {
            moment: TurnoutMoment::Scheduled(Timestamp(5)),
            ..good
        };
        assert_eq!(
            codes(&bad, None, Jurisdiction::Netherlands),
            ["TURNOUT_E03_UNKNOWN_MOMENT"]
        );
    }
}
