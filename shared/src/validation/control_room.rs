//! What the control room sends to stations (messages, ballot dispatches, incident
//! assignments), checked by the same rules, limits and texts as what a station
//! reports: the server refuses with these issues, and nothing is written twice.

use super::{Issue, MAX_COUNT, Rule, id_issues, name_issues, text_issues};

/// A message to stations: a text that is not empty and not too long, and, when it
/// answers an incident, an incident id as a device makes them.
#[must_use]
pub fn message_issues(text: &str, incident_id: Option<&str>) -> Vec<Issue> {
    let mut issues = text_issues(text, "text", true);
    if let Some(id) = incident_id {
        issues.extend(id_issues(id, "incident_id"));
    }
    issues
}

/// Ballots dispatched to a station: at least one, at most `MAX_COUNT`, with a note
/// that may be empty but not too long.
#[must_use]
pub fn dispatch_issues(quantity: u32, note: &str) -> Vec<Issue> {
    let mut issues = Vec::new();
    if quantity == 0 {
        issues.push(Issue::new(Rule::ResupplyQuantityZero, ["quantity"]));
    } else if quantity > MAX_COUNT {
        issues.push(Issue::new(Rule::CountOutOfRange, ["quantity"]));
    }
    issues.extend(text_issues(note, "note", false));
    issues
}

/// The coordinator an incident is assigned to: a person's name, as a station's
/// members are named.
#[must_use]
pub fn assignee_issues(name: &str) -> Vec<Issue> {
    name_issues(name, "assignee")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::{MAX_ID_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS};

    fn codes(issues: &[Issue]) -> Vec<&'static str> {
        issues.iter().map(Issue::code).collect()
    }

    #[test]
    fn a_message_needs_a_text_of_at_most_the_limit_and_a_sane_incident_id() {
        assert!(message_issues("Denk aan de opkomst", None).is_empty());
        assert!(message_issues(&"é".repeat(MAX_TEXT_CHARS), Some("i-1")).is_empty());
        assert_eq!(
            codes(&message_issues("  ", None)),
            [Rule::TextMissing.code()]
        );
        assert_eq!(
            codes(&message_issues(&"é".repeat(MAX_TEXT_CHARS + 1), None)),
            [Rule::TextTooLong.code()]
        );
        let long_id = "x".repeat(MAX_ID_CHARS + 1);
        let issues = message_issues("ok", Some(&long_id));
        assert_eq!(codes(&issues), [Rule::IdTooLong.code()]);
        assert_eq!(issues[0].fields, ["incident_id"]);
    }

    #[test]
    fn a_dispatch_is_between_one_and_the_maximum_with_a_short_note() {
        assert!(dispatch_issues(200, "").is_empty());
        assert!(dispatch_issues(MAX_COUNT, "met de bode").is_empty());
        assert_eq!(
            codes(&dispatch_issues(0, "")),
            [Rule::ResupplyQuantityZero.code()]
        );
        assert_eq!(
            codes(&dispatch_issues(MAX_COUNT + 1, "")),
            [Rule::CountOutOfRange.code()]
        );
        let issues = dispatch_issues(10, &"n".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(codes(&issues), [Rule::TextTooLong.code()]);
        assert_eq!(issues[0].fields, ["note"]);
    }

    #[test]
    fn an_assignee_is_named_like_a_member() {
        assert!(assignee_issues("Coördinator Jansen").is_empty());
        assert_eq!(codes(&assignee_issues("")), [Rule::TextMissing.code()]);
        assert_eq!(
            codes(&assignee_issues(&"a".repeat(MAX_NAME_CHARS + 1))),
            [Rule::NameTooLong.code()]
        );
    }
}
