use super::Severity;

/// Every rule, with its stable code. Codes never change once released: the app, the
/// server and the dashboard key their messages and field highlights by them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    // Provisional result (model N 10-1): errors.
    /// A + B + C ≠ D.
    ResultAdmittedVotersSum,
    /// The sum of the list totals ≠ E.
    ResultListTotalsSum,
    /// E + F + G ≠ H.
    ResultVotesCastSum,
    /// H > D, but I ≠ H − D or J is filled.
    ResultMoreCounted,
    /// H < D, but J ≠ D − H or I is filled.
    ResultFewerCounted,
    /// H = D, but I or J is filled.
    ResultNoDifference,
    /// A list total for a list that is not on the ballot, or a list twice.
    ResultUnknownList,
    /// Flanders: D or H above the voters assigned to the station.
    ResultAboveAssignedVoters,
    // Provisional result: warnings.
    /// Blank votes ≥ 3 % of H.
    ResultManyBlankVotes,
    /// Invalid votes ≥ 3 % of H.
    ResultManyInvalidVotes,
    /// |D − H| ≥ 2 % of H, or ≥ 15.
    ResultLargeDifference,
    /// H = 0.
    ResultNoVotesCast,
    /// Netherlands: D or H above the station's expected voters.
    ResultAboveExpectedVoters,
    /// A, B, C, D equal E, F, G, H figure by figure (a typing slip).
    ResultVotersEqualVotes,
    /// D ≠ H without the explanation the form asks for.
    ResultExplanationMissing,

    // A counting office's result (Flanders, paper voting): warnings.
    /// The same figures as another counting office of the municipality: most likely
    /// one office entered twice ("dubbele ingave van eenzelfde telbureau?").
    CountingOfficeSameAsOther,

    // Turnout.
    /// Lower than the previous count without a correction reason.
    TurnoutDecrease,
    /// Flanders: above the voters assigned to the station.
    TurnoutAboveAssignedVoters,
    /// Netherlands: above the station's expected voters.
    TurnoutAboveExpectedVoters,
    /// A scheduled moment that is not one of the election's.
    TurnoutUnknownMoment,

    // Ballot stock.
    /// Remaining ballots above the number received.
    StockRemainingAboveReceived,
    /// A resupply request for zero ballots.
    ResupplyQuantityZero,

    // Queue.
    /// A wait of more than `MAX_QUEUE_MINUTES` minutes.
    QueueMinutesOutOfRange,

    // Opening and closing.
    /// Fewer members present than the jurisdiction's minimum.
    OpeningTooFewMembers,
    /// Not every checklist item is done.
    OpeningChecklistIncomplete,
    /// Before the opening time, and the station may not open early.
    OpeningTooEarly,
    /// Closing before the closing time.
    ClosingBeforeTime,
    /// Not every item of the closing checklist is done (checked on the device: the
    /// closing report does not carry the checklist).
    ClosingChecklistIncomplete,

    // Any report.
    /// A figure above the largest a station can report.
    CountOutOfRange,
    /// A required text is empty.
    TextMissing,
    /// A text is longer than allowed.
    TextTooLong,
    /// A person's name is longer than `MAX_NAME_CHARS`.
    NameTooLong,
    /// A list in a report has more entries than allowed (shift-change lists, list
    /// totals, checklist items).
    TooManyItems,
    /// An id (an incident's) is longer than `MAX_ID_CHARS`.
    IdTooLong,

    // Limits of the station's state.
    /// More than `MAX_MEMBERS_PRESENT` members would be present.
    TooManyMembers,
    /// The station already has `MAX_INCIDENTS` incidents.
    TooManyIncidents,
    /// The incident already has `MAX_MESSAGES_PER_INCIDENT` messages from the station.
    TooManyMessages,

    // The device's clock.
    /// `recorded_at` is too far from the server's clock or outside the election day
    /// (see `check_recorded_at`).
    RecordedAtImplausible,
}

impl Rule {
    pub const ALL: [Self; 38] = [
        Self::ResultAdmittedVotersSum,
        Self::ResultListTotalsSum,
        Self::ResultVotesCastSum,
        Self::ResultMoreCounted,
        Self::ResultFewerCounted,
        Self::ResultNoDifference,
        Self::ResultUnknownList,
        Self::ResultAboveAssignedVoters,
        Self::ResultManyBlankVotes,
        Self::ResultManyInvalidVotes,
        Self::ResultLargeDifference,
        Self::ResultNoVotesCast,
        Self::ResultAboveExpectedVoters,
        Self::ResultVotersEqualVotes,
        Self::ResultExplanationMissing,
        Self::CountingOfficeSameAsOther,
        Self::TurnoutDecrease,
        Self::TurnoutAboveAssignedVoters,
        Self::TurnoutAboveExpectedVoters,
        Self::TurnoutUnknownMoment,
        Self::StockRemainingAboveReceived,
        Self::ResupplyQuantityZero,
        Self::QueueMinutesOutOfRange,
        Self::OpeningTooFewMembers,
        Self::OpeningChecklistIncomplete,
        Self::OpeningTooEarly,
        Self::ClosingBeforeTime,
        Self::ClosingChecklistIncomplete,
        Self::CountOutOfRange,
        Self::TextMissing,
        Self::TextTooLong,
        Self::NameTooLong,
        Self::TooManyItems,
        Self::IdTooLong,
        Self::TooManyMembers,
        Self::TooManyIncidents,
        Self::TooManyMessages,
        Self::RecordedAtImplausible,
    ];

    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::ResultAdmittedVotersSum => "RESULT_E01_ADMITTED_SUM",
            Self::ResultListTotalsSum => "RESULT_E02_LIST_TOTALS_SUM",
            Self::ResultVotesCastSum => "RESULT_E03_VOTES_CAST_SUM",
            Self::ResultMoreCounted => "RESULT_E04_MORE_COUNTED",
            Self::ResultFewerCounted => "RESULT_E05_FEWER_COUNTED",
            Self::ResultNoDifference => "RESULT_E06_NO_DIFFERENCE",
            Self::ResultUnknownList => "RESULT_E07_UNKNOWN_LIST",
            Self::ResultAboveAssignedVoters => "RESULT_E08_ABOVE_ASSIGNED",
            Self::ResultManyBlankVotes => "RESULT_W01_MANY_BLANK",
            Self::ResultManyInvalidVotes => "RESULT_W02_MANY_INVALID",
            Self::ResultLargeDifference => "RESULT_W03_LARGE_DIFFERENCE",
            Self::ResultNoVotesCast => "RESULT_W04_NO_VOTES",
            Self::ResultAboveExpectedVoters => "RESULT_W05_ABOVE_EXPECTED",
            Self::ResultVotersEqualVotes => "RESULT_W06_VOTERS_EQUAL_VOTES",
            Self::ResultExplanationMissing => "RESULT_W07_EXPLANATION_MISSING",
            Self::CountingOfficeSameAsOther => "COUNT_W01_SAME_AS_OFFICE",
            Self::TurnoutDecrease => "TURNOUT_E01_DECREASE",
            Self::TurnoutAboveAssignedVoters => "TURNOUT_E02_ABOVE_ASSIGNED",
            Self::TurnoutUnknownMoment => "TURNOUT_E03_UNKNOWN_MOMENT",
            Self::TurnoutAboveExpectedVoters => "TURNOUT_W01_ABOVE_EXPECTED",
            Self::StockRemainingAboveReceived => "STOCK_E01_REMAINING_ABOVE_RECEIVED",
            Self::ResupplyQuantityZero => "STOCK_E02_RESUPPLY_ZERO",
            Self::QueueMinutesOutOfRange => "QUEUE_E01_MINUTES_OUT_OF_RANGE",
            Self::OpeningTooFewMembers => "OPENING_E01_TOO_FEW_MEMBERS",
            Self::OpeningChecklistIncomplete => "OPENING_E02_CHECKLIST_INCOMPLETE",
            Self::OpeningTooEarly => "OPENING_E03_TOO_EARLY",
            Self::ClosingBeforeTime => "CLOSING_W01_BEFORE_TIME",
            Self::ClosingChecklistIncomplete => "CLOSING_E01_CHECKLIST_INCOMPLETE",
            Self::CountOutOfRange => "INPUT_E01_OUT_OF_RANGE",
            Self::TextMissing => "INPUT_E02_TEXT_MISSING",
            Self::TextTooLong => "INPUT_E03_TEXT_TOO_LONG",
            Self::NameTooLong => "INPUT_E04_NAME_TOO_LONG",
            Self::TooManyItems => "INPUT_E05_TOO_MANY_ITEMS",
            Self::IdTooLong => "INPUT_E06_ID_TOO_LONG",
            Self::TooManyMembers => "PRESENCE_E01_TOO_MANY_MEMBERS",
            Self::TooManyIncidents => "INCIDENT_E01_TOO_MANY_INCIDENTS",
            Self::TooManyMessages => "INCIDENT_E02_TOO_MANY_MESSAGES",
            Self::RecordedAtImplausible => "CLOCK_E01_IMPLAUSIBLE_TIME",
        }
    }

    #[must_use]
    pub const fn severity(self) -> Severity {
        match self {
            Self::ResultManyBlankVotes
            | Self::ResultManyInvalidVotes
            | Self::ResultLargeDifference
            | Self::ResultNoVotesCast
            | Self::ResultAboveExpectedVoters
            | Self::ResultVotersEqualVotes
            | Self::ResultExplanationMissing
            | Self::CountingOfficeSameAsOther
            | Self::TurnoutAboveExpectedVoters
            | Self::ClosingBeforeTime => Severity::Warning,
            _ => Severity::Error,
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let codes: HashSet<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), Rule::ALL.len());
        for rule in Rule::ALL {
            assert_eq!(Rule::from_code(rule.code()), Some(rule));
        }
    }

    #[test]
    fn code_names_its_severity() {
        // The code says E or W; a change of severity must change the code too.
        for rule in Rule::ALL {
            let marker = match rule.severity() {
                Severity::Error => "_E",
                Severity::Warning => "_W",
            };
            assert!(
                rule.code().contains(marker),
                "{} is {:?}",
                rule.code(),
                rule.severity()
            );
        }
    }
}
