//! The provisional-result arithmetic of the Dutch official-report model N 10-1
//! (DOMAIN.md, "Provisional-result arithmetic").

use std::collections::HashSet;

use super::{Context, Issue, Rule, out_of_range, text_issues, too_many};
use crate::domain::{Election, ProvisionalResult};

const A: &str = "voters.poll_cards";
const B: &str = "voters.proxy_certificates";
const C: &str = "voters.voter_cards";
const D: &str = "voters.admitted_voters";
const E: &str = "votes.votes_for_candidates";
const F: &str = "votes.blank_votes";
const G: &str = "votes.invalid_votes";
const H: &str = "votes.votes_cast";
const I: &str = "more_ballots_counted";
const J: &str = "fewer_ballots_counted";
const LISTS: &str = "votes.list_votes";
const EXPLANATION: &str = "explanation";

pub(super) fn validate(result: &ProvisionalResult, ctx: &Context<'_>) -> Vec<Issue> {
    validate_figures(result, ctx.election, ctx.station.expected_voters)
}

/// The arithmetic of a result counted for `expected_voters` (a station's expected or
/// assigned voters, or a counting office's stations' together; `None` when unknown):
/// a station's result and a counting office's are checked by the same rules.
pub(super) fn validate_figures(
    result: &ProvisionalResult,
    election: &Election,
    expected_voters: Option<u32>,
) -> Vec<Issue> {
    // One total per list on the ballot at most, checked before any work per entry.
    if let Some(issue) = too_many(result.votes.list_votes.len(), election.lists.len(), LISTS) {
        return vec![issue];
    }
    let mut issues = range_issues(result);
    if !issues.is_empty() {
        // The arithmetic is meaningless on figures out of range.
        return issues;
    }
    let v = &result.voters;
    let w = &result.votes;
    let (a, b, c, d) = (
        u64::from(v.poll_cards),
        u64::from(v.proxy_certificates),
        u64::from(v.voter_cards),
        u64::from(v.admitted_voters),
    );
    let (e, f, g, h) = (
        u64::from(w.votes_for_candidates),
        u64::from(w.blank_votes),
        u64::from(w.invalid_votes),
        u64::from(w.votes_cast),
    );
    let (i, j) = (
        u64::from(result.more_ballots_counted),
        u64::from(result.fewer_ballots_counted),
    );

    // Errors. Every figure is at most MAX_COUNT here and the sums are in u64, so none
    // of them can overflow; they are checked all the same, so that a later change of
    // the bounds cannot turn one into a panic or a wrap: an overflowing sum is unequal.
    if sum([a, b, c]) != Some(d) {
        issues.push(Issue::new(Rule::ResultAdmittedVotersSum, [A, B, C, D]));
    }
    if sum(w.list_votes.iter().map(|l| u64::from(l.votes))) != Some(e) {
        issues.push(Issue::new(Rule::ResultListTotalsSum, [LISTS, E]));
    }
    issues.extend(unknown_lists(result, election));
    if sum([e, f, g]) != Some(h) {
        issues.push(Issue::new(Rule::ResultVotesCastSum, [E, F, G, H]));
    }
    if h > d && (i != h - d || j != 0) {
        issues.push(Issue::new(Rule::ResultMoreCounted, [I, J]));
    }
    if h < d && (j != d - h || i != 0) {
        issues.push(Issue::new(Rule::ResultFewerCounted, [I, J]));
    }
    if h == d && (i != 0 || j != 0) {
        issues.push(Issue::new(Rule::ResultNoDifference, [I, J]));
    }
    let above_expected: Vec<&str> = match expected_voters.map(u64::from) {
        Some(expected) => [(d, D), (h, H)]
            .into_iter()
            .filter(|(value, _)| *value > expected)
            .map(|(_, field)| field)
            .collect(),
        None => Vec::new(),
    };
    if !above_expected.is_empty() {
        let rule = if election.jurisdiction.rules().voters_assigned_to_station {
            Rule::ResultAboveAssignedVoters
        } else {
            Rule::ResultAboveExpectedVoters
        };
        issues.push(Issue::new(rule, above_expected));
    }

    // Warnings.
    if h == 0 {
        issues.push(Issue::new(Rule::ResultNoVotesCast, [H]));
    } else {
        let three_percent = h.saturating_mul(3).div_ceil(100);
        if f >= three_percent {
            issues.push(Issue::new(Rule::ResultManyBlankVotes, [F]));
        }
        if g >= three_percent {
            issues.push(Issue::new(Rule::ResultManyInvalidVotes, [G]));
        }
    }
    let difference = d.abs_diff(h);
    if difference > 0 && (difference.saturating_mul(100) >= h.saturating_mul(2) || difference >= 15)
    {
        issues.push(Issue::new(Rule::ResultLargeDifference, [D, H]));
    }
    if (a, b, c, d) == (e, f, g, h) && d > 0 {
        issues.push(Issue::new(
            Rule::ResultVotersEqualVotes,
            [A, B, C, D, E, F, G, H],
        ));
    }
    if difference > 0 && result.explanation.trim().is_empty() {
        issues.push(Issue::new(Rule::ResultExplanationMissing, [EXPLANATION]));
    }
    issues.extend(text_issues(&result.explanation, EXPLANATION, false));
    issues
}

/// The sum, or `None` when it overflows.
fn sum(values: impl IntoIterator<Item = u64>) -> Option<u64> {
    values
        .into_iter()
        .try_fold(0u64, |total, value| total.checked_add(value))
}

fn range_issues(result: &ProvisionalResult) -> Vec<Issue> {
    let v = &result.voters;
    let w = &result.votes;
    let mut issues: Vec<Issue> = [
        (v.poll_cards, A),
        (v.proxy_certificates, B),
        (v.voter_cards, C),
        (v.admitted_voters, D),
        (w.votes_for_candidates, E),
        (w.blank_votes, F),
        (w.invalid_votes, G),
        (w.votes_cast, H),
        (result.more_ballots_counted, I),
        (result.fewer_ballots_counted, J),
    ]
    .into_iter()
    .filter_map(|(value, field)| out_of_range(value, field))
    .collect();
    issues.extend(
        w.list_votes
            .iter()
            .enumerate()
            .filter_map(|(n, l)| out_of_range(l.votes, &format!("{LISTS}[{n}].votes"))),
    );
    issues
}

fn unknown_lists(result: &ProvisionalResult, election: &Election) -> Option<Issue> {
    let mut seen = HashSet::new();
    let fields: Vec<String> = result
        .votes
        .list_votes
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            !seen.insert(l.list_number)
                || !election
                    .lists
                    .iter()
                    .any(|known| known.number == l.list_number)
        })
        .map(|(n, _)| format!("{LISTS}[{n}].list_number"))
        .collect();
    (!fields.is_empty()).then(|| Issue::new(Rule::ResultUnknownList, fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Jurisdiction, ListVotes, ProvisionalResult, Timestamp, VotersCounts};
    use crate::validation::{Context, fixtures};
    use proptest::prelude::*;

    /// A consistent result (`crate::fixtures::result`).
    use crate::fixtures::result as consistent;

    fn codes(
        result: &ProvisionalResult,
        jurisdiction: Jurisdiction,
        expected: u32,
    ) -> Vec<&'static str> {
        let election = fixtures::election(jurisdiction, 4);
        let station = fixtures::station(expected);
        let day = fixtures::day();
        let ctx = Context {
            election: &election,
            station: &station,
            day: &day,
            now: Timestamp(0),
        };
        validate(result, &ctx).iter().map(Issue::code).collect()
    }

    fn nl(result: &ProvisionalResult) -> Vec<&'static str> {
        codes(result, Jurisdiction::Netherlands, 2_000)
    }

    #[test]
    fn a_clean_result_raises_nothing() {
        let r = consistent((900, 50, 50), &[400, 300, 200, 90], 5, 5);
        assert_eq!(nl(&r), Vec::<&str>::new());
    }

    /// Table of (description, mutation, expected codes) around each rule's boundary.
    #[test]
    fn each_rule_at_its_boundary() {
        type Case = (
            &'static str,
            fn(&mut ProvisionalResult),
            &'static [&'static str],
        );
        // Base: D = H = 1000, blank = invalid = 5 (3 % of 1000 is 30).
        let cases: &[Case] = &[
            (
                "A+B+C one over D",
                |r| r.voters.poll_cards += 1,
                &["RESULT_E01_ADMITTED_SUM"],
            ),
            (
                "A+B+C one under D",
                |r| r.voters.poll_cards -= 1,
                &["RESULT_E01_ADMITTED_SUM"],
            ),
            (
                "list sum one over E",
                |r| r.votes.list_votes[0].votes += 1,
                &["RESULT_E02_LIST_TOTALS_SUM"],
            ),
            (
                "E+F+G one over H",
                |r| r.votes.blank_votes += 1,
                &["RESULT_E03_VOTES_CAST_SUM"],
            ),
            (
                "H > D without I",
                |r| {
                    r.votes.votes_cast += 1;
                    r.votes.blank_votes += 1;
                },
                &["RESULT_E04_MORE_COUNTED", "RESULT_W07_EXPLANATION_MISSING"],
            ),
            (
                "H > D with I and J filled",
                |r| {
                    r.votes.votes_cast += 1;
                    r.votes.blank_votes += 1;
                    r.more_ballots_counted = 1;
                    r.fewer_ballots_counted = 1;
                    r.explanation = "x".into();
                },
                &["RESULT_E04_MORE_COUNTED"],
            ),
            (
                "H > D with I exact",
                |r| {
                    r.votes.votes_cast += 1;
                    r.votes.blank_votes += 1;
                    r.more_ballots_counted = 1;
                    r.explanation = "x".into();
                },
                &[],
            ),
            (
                "H < D without J",
                |r| {
                    r.votes.votes_cast -= 1;
                    r.votes.blank_votes -= 1;
                },
                &["RESULT_E05_FEWER_COUNTED", "RESULT_W07_EXPLANATION_MISSING"],
            ),
            (
                "H < D with J wrong",
                |r| {
                    r.votes.votes_cast -= 1;
                    r.votes.blank_votes -= 1;
                    r.fewer_ballots_counted = 2;
                    r.explanation = "x".into();
                },
                &["RESULT_E05_FEWER_COUNTED"],
            ),
            (
                "H = D with I filled",
                |r| r.more_ballots_counted = 1,
                &["RESULT_E06_NO_DIFFERENCE"],
            ),
            (
                "H = D with J filled",
                |r| r.fewer_ballots_counted = 1,
                &["RESULT_E06_NO_DIFFERENCE"],
            ),
            (
                "list not on the ballot",
                |r| r.votes.list_votes[3].list_number = 9,
                &["RESULT_E07_UNKNOWN_LIST"],
            ),
            (
                "list twice",
                |r| r.votes.list_votes[3].list_number = 1,
                &["RESULT_E07_UNKNOWN_LIST"],
            ),
            (
                "blank one under 3 %",
                |r| {
                    r.votes.blank_votes = 29;
                    r.votes.list_votes[0].votes -= 24;
                    r.votes.votes_for_candidates -= 24;
                },
                &[],
            ),
            (
                "blank at 3 %",
                |r| {
                    r.votes.blank_votes = 30;
                    r.votes.list_votes[0].votes -= 25;
                    r.votes.votes_for_candidates -= 25;
                },
                &["RESULT_W01_MANY_BLANK"],
            ),
            (
                "invalid at 3 %",
                |r| {
                    r.votes.invalid_votes = 30;
                    r.votes.list_votes[0].votes -= 25;
                    r.votes.votes_for_candidates -= 25;
                },
                &["RESULT_W02_MANY_INVALID"],
            ),
            (
                "difference 14 (under 2 % of 1000 and under 15)",
                |r| {
                    r.voters.poll_cards += 14;
                    r.voters.admitted_voters += 14;
                    r.fewer_ballots_counted = 14;
                    r.explanation = "x".into();
                },
                &[],
            ),
            (
                "difference 15",
                |r| {
                    r.voters.poll_cards += 15;
                    r.voters.admitted_voters += 15;
                    r.fewer_ballots_counted = 15;
                    r.explanation = "x".into();
                },
                &["RESULT_W03_LARGE_DIFFERENCE"],
            ),
            (
                "I without explanation",
                |r| {
                    r.votes.votes_cast += 1;
                    r.votes.blank_votes += 1;
                    r.more_ballots_counted = 1;
                },
                &["RESULT_W07_EXPLANATION_MISSING"],
            ),
            (
                "figure out of range",
                |r| r.voters.poll_cards = 100_001,
                &["INPUT_E01_OUT_OF_RANGE"],
            ),
        ];
        for (name, mutate, expected) in cases {
            let mut r = consistent((900, 50, 50), &[400, 300, 200, 90], 5, 5);
            mutate(&mut r);
            assert_eq!(nl(&r), *expected, "{name}");
        }
    }

    #[test]
    fn small_station_difference_uses_two_percent() {
        // H = 100: 2 % is 2. A difference of 1 is fine, 2 warns.
        let one = consistent((101, 0, 0), &[100], 0, 0);
        assert_eq!(nl(&one), Vec::<&str>::new());
        let two = consistent((102, 0, 0), &[100], 0, 0);
        assert_eq!(nl(&two), ["RESULT_W03_LARGE_DIFFERENCE"]);
    }

    #[test]
    fn three_percent_is_rounded_up() {
        // H = 101: 3 % is 3.03, rounded up to 4 votes.
        let three = consistent((101, 0, 0), &[95], 3, 3);
        assert_eq!(nl(&three), Vec::<&str>::new());
        let four = consistent((101, 0, 0), &[94], 4, 3);
        assert_eq!(nl(&four), ["RESULT_W01_MANY_BLANK"]);
    }

    #[test]
    fn no_votes_warns_once() {
        let r = consistent((0, 0, 0), &[0, 0], 0, 0);
        assert_eq!(nl(&r), ["RESULT_W04_NO_VOTES"]);
    }

    #[test]
    fn above_expected_is_a_warning_in_the_netherlands_and_an_error_in_flanders() {
        let r = consistent((1001, 0, 0), &[995], 3, 3);
        assert_eq!(
            codes(&r, Jurisdiction::Netherlands, 1000),
            ["RESULT_W05_ABOVE_EXPECTED"]
        );
        assert_eq!(
            codes(&r, Jurisdiction::Flanders, 1000),
            ["RESULT_E08_ABOVE_ASSIGNED"]
        );
        assert_eq!(codes(&r, Jurisdiction::Flanders, 1001), Vec::<&str>::new());
    }

    #[test]
    fn voters_block_equal_to_votes_block_is_a_typing_slip() {
        let mut r = consistent((500, 5, 5), &[500], 5, 5);
        r.voters.admitted_voters = 510;
        r.votes.votes_cast = 510;
        assert_eq!(nl(&r), ["RESULT_W06_VOTERS_EQUAL_VOTES"]);
    }

    /// Extreme figures are refused as out of range, with no arithmetic on them.
    #[test]
    fn extreme_figures_are_out_of_range_not_a_panic() {
        let mut r = consistent((900, 50, 50), &[400, 300, 200, 90], 5, 5);
        r.voters = VotersCounts {
            poll_cards: u32::MAX,
            proxy_certificates: u32::MAX,
            voter_cards: u32::MAX,
            admitted_voters: u32::MAX,
        };
        r.votes.list_votes[0].votes = u32::MAX;
        r.votes.votes_cast = u32::MAX;
        r.more_ballots_counted = u32::MAX;
        let found = nl(&r);
        assert_eq!(found.len(), 7);
        assert!(found.iter().all(|c| *c == "INPUT_E01_OUT_OF_RANGE"));
    }

    #[test]
    fn sums_that_overflow_are_unequal() {
        assert_eq!(sum([u64::MAX, 1]), None);
        assert_eq!(sum([u64::MAX, 0]), Some(u64::MAX));
        assert_eq!(
            sum(std::iter::repeat_n(u64::from(u32::MAX), 3)),
            Some(3 * u64::from(u32::MAX))
        );
    }

    #[test]
    fn at_most_one_total_per_list_on_the_ballot() {
        // The election has 4 lists.
        let r = consistent((900, 50, 50), &[400, 300, 200, 90], 5, 5);
        assert_eq!(nl(&r), Vec::<&str>::new());
        let mut five = r.clone();
        five.votes.list_votes.push(ListVotes {
            list_number: 1,
            votes: 0,
        });
        assert_eq!(nl(&five), ["INPUT_E05_TOO_MANY_ITEMS"]);
        let mut many = r;
        many.votes.list_votes = (0..100_000)
            .map(|n| ListVotes {
                list_number: n,
                votes: u32::MAX,
            })
            .collect();
        assert_eq!(nl(&many), ["INPUT_E05_TOO_MANY_ITEMS"]);
    }

    proptest! {
        /// A result built to satisfy the arithmetic never raises an error.
        #[test]
        fn consistent_results_raise_no_error(
            a in 0u32..3_000, b in 0u32..200, c in 0u32..200,
            lists in proptest::collection::vec(0u32..800, 1..=4),
            blank in 0u32..100, invalid in 0u32..100,
            jurisdiction in prop_oneof![Just(Jurisdiction::Netherlands), Just(Jurisdiction::Flanders)],
        ) {
            let r = consistent((a, b, c), &lists, blank, invalid);
            let expected = r.voters.admitted_voters.max(r.votes.votes_cast);
            let found = codes(&r, jurisdiction, expected);
            prop_assert!(found.iter().all(|c| c.contains("_W")), "{found:?} for {r:?}");
        }

        /// Any single changed figure in a consistent result is caught by an error.
        #[test]
        fn a_single_slip_is_caught(
            a in 1u32..3_000, lists in proptest::collection::vec(1u32..800, 2..=4),
            field in 0usize..4, delta in 1u32..50,
        ) {
            let mut r = consistent((a, 0, 0), &lists, 0, 0);
            match field {
                0 => r.voters.poll_cards += delta,
                1 => r.voters.admitted_voters += delta,
                2 => r.votes.list_votes[0].votes += delta,
                _ => r.votes.votes_cast += delta,
            }
            let found = codes(&r, Jurisdiction::Netherlands, 10_000);
            prop_assert!(found.iter().any(|c| c.contains("_E")), "{found:?}");
        }
    }
}
