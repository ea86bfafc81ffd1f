use super::{Context, Issue, Rule, out_of_range};
use crate::domain::ClosingReport;

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
}
