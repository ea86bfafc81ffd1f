//! Ballot stock and resupply, and the projection of when the stock runs out.

use super::{Context, Issue, MAX_COUNT, Rule, out_of_range, text_issues};
use crate::domain::{BallotStockReport, ResupplyRequest, Timestamp};

pub(super) fn validate_stock(report: &BallotStockReport) -> Vec<Issue> {
    let mut issues: Vec<Issue> = [
        (report.received, "received"),
        (report.remaining, "remaining"),
    ]
    .into_iter()
    .filter_map(|(v, f)| out_of_range(v, f))
    .collect();
    if report.remaining > report.received {
        issues.push(Issue::new(
            Rule::StockRemainingAboveReceived,
            ["received", "remaining"],
        ));
    }
    issues
}

pub(super) fn validate_resupply(request: &ResupplyRequest, ctx: &Context<'_>) -> Vec<Issue> {
    let mut issues: Vec<Issue> = out_of_range(request.quantity, "quantity")
        .into_iter()
        .collect();
    // The day's total requested is a figure like any other: it stays within MAX_COUNT
    // rather than saturating silently.
    let total = ctx
        .day
        .resupply_requested
        .checked_add(request.quantity)
        .filter(|total| *total <= MAX_COUNT);
    if issues.is_empty() && total.is_none() {
        issues.push(Issue::new(Rule::CountOutOfRange, ["quantity"]));
    }
    if request.quantity == 0 {
        issues.push(Issue::new(Rule::ResupplyQuantityZero, ["quantity"]));
    }
    issues.extend(text_issues(&request.note, "note", false));
    issues
}

/// When the remaining ballots run out, if that is before closing. `remaining` ballots
/// were left at `stock_at`; the rate is the turnout so far: `voters` admitted from
/// `opened_at` to `turnout_at`. One ballot per voter.
///
/// Every figure and instant may come from a device, so nothing here may overflow: the
/// arithmetic is exact in `i128` (a `u32` times an `i64` fits with room to spare), and
/// a run-out at or after `closes_at` (or beyond the range of a `Timestamp`) is `None`.
#[must_use]
pub fn projected_run_out(
    remaining: u32,
    stock_at: Timestamp,
    voters: u32,
    opened_at: Timestamp,
    turnout_at: Timestamp,
    closes_at: Timestamp,
) -> Option<Timestamp> {
    let elapsed_ms = i128::from(turnout_at.millis()) - i128::from(opened_at.millis());
    if voters == 0 || elapsed_ms <= 0 {
        return None;
    }
    // remaining × (elapsed / voters), rounded down, without losing precision.
    let lasts_ms = i128::from(remaining) * elapsed_ms / i128::from(voters);
    let run_out = i128::from(stock_at.millis()) + lasts_ms;
    if run_out >= i128::from(closes_at.millis()) {
        return None;
    }
    i64::try_from(run_out).ok().map(Timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Jurisdiction, StationDay, Urgency};
    use crate::validation::fixtures;

    #[test]
    fn stock_boundaries() {
        let codes = |received, remaining| -> Vec<&str> {
            validate_stock(&BallotStockReport {
                received,
                remaining,
            })
            .iter()
            .map(Issue::code)
            .collect()
        };
        assert_eq!(codes(1_000, 1_000), Vec::<&str>::new());
        assert_eq!(codes(1_000, 0), Vec::<&str>::new());
        assert_eq!(codes(1_000, 1_001), ["STOCK_E01_REMAINING_ABOVE_RECEIVED"]);
        assert_eq!(codes(100_001, 0), ["INPUT_E01_OUT_OF_RANGE"]);
    }

    fn resupply_codes(quantity: u32, requested_before: u32) -> Vec<&'static str> {
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let station = fixtures::station(1_000);
        let day = StationDay {
            resupply_requested: requested_before,
            ..StationDay::default()
        };
        let ctx = Context {
            election: &election,
            station: &station,
            day: &day,
            now: Timestamp(0),
        };
        let request = ResupplyRequest {
            quantity,
            urgency: Urgency::High,
            note: String::new(),
        };
        validate_resupply(&request, &ctx)
            .iter()
            .map(Issue::code)
            .collect()
    }

    #[test]
    fn resupply_needs_a_quantity() {
        assert!(resupply_codes(1, 0).is_empty());
        assert_eq!(resupply_codes(0, 0), ["STOCK_E02_RESUPPLY_ZERO"]);
    }

    /// The day's total of ballots requested never wraps or saturates silently.
    #[test]
    fn resupply_total_stays_in_range() {
        assert!(resupply_codes(1, MAX_COUNT - 1).is_empty());
        assert_eq!(resupply_codes(1, MAX_COUNT), ["INPUT_E01_OUT_OF_RANGE"]);
        assert_eq!(resupply_codes(1, u32::MAX), ["INPUT_E01_OUT_OF_RANGE"]);
        assert_eq!(
            resupply_codes(u32::MAX, u32::MAX),
            ["INPUT_E01_OUT_OF_RANGE"]
        );
    }

    #[test]
    fn projects_run_out_before_closing() {
        let hour = 3_600_000;
        let minute = 60_000;
        let open = Timestamp(0);
        let close = Timestamp(13 * hour + 30 * minute);
        // 200 voters in the first 2 hours: 36 s a voter. 300 ballots left at 2:30
        // last 3 hours, until 5:30, whenever the projection is looked at.
        let at = projected_run_out(
            300,
            Timestamp(2 * hour + 30 * minute),
            200,
            open,
            Timestamp(2 * hour),
            close,
        );
        assert_eq!(at, Some(Timestamp(5 * hour + 30 * minute)));
        // 1,200 left lasts 12 hours: past closing.
        assert_eq!(
            projected_run_out(
                1_200,
                Timestamp(2 * hour),
                200,
                open,
                Timestamp(2 * hour),
                close
            ),
            None
        );
        assert_eq!(
            projected_run_out(
                300,
                Timestamp(2 * hour),
                0,
                open,
                Timestamp(2 * hour),
                close
            ),
            None
        );
    }

    /// Extreme figures and instants from a device: each of these overflowed (and
    /// panicked in a debug build) before.
    #[test]
    fn extreme_inputs_do_not_overflow() {
        let (min, max) = (Timestamp(i64::MIN), Timestamp(i64::MAX));
        let zero = Timestamp(0);
        // turnout_at − opened_at overflows i64.
        assert_eq!(projected_run_out(1, zero, 1, min, max, max), None);
        // A huge rate times u32::MAX remaining, past the end of the range.
        assert_eq!(
            projected_run_out(u32::MAX, max, 1, min, max, max),
            None,
            "past closing"
        );
        // stock_at + duration overflows i64 in the old code; closing is at the end.
        assert_eq!(
            projected_run_out(u32::MAX, Timestamp(i64::MAX - 1), 1, zero, max, max),
            None
        );
        // Backwards turnout: no rate.
        assert_eq!(projected_run_out(1, zero, 1, max, min, max), None);
        // Very early stock and closing: still exact.
        assert_eq!(
            projected_run_out(u32::MAX, min, u32::MAX, zero, Timestamp(1), zero),
            Some(Timestamp(i64::MIN + 1))
        );
        assert_eq!(
            projected_run_out(2, min, 1, zero, max, zero),
            None,
            "min + 2 × i64::MAX is past closing"
        );
    }
}
