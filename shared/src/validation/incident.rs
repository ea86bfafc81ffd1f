use super::{Issue, text_issues};
use crate::domain::{IncidentMessage, IncidentReport};

pub(super) fn validate_report(report: &IncidentReport) -> Vec<Issue> {
    let mut issues = text_issues(&report.incident_id, "incident_id", true);
    issues.extend(text_issues(&report.text, "text", true));
    issues
}

pub(super) fn validate_message(message: &IncidentMessage) -> Vec<Issue> {
    text_issues(&message.text, "text", true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{IncidentCategory, IncidentSeverity};
    use crate::validation::MAX_TEXT_CHARS;

    #[test]
    fn text_is_required_and_bounded() {
        let report = |text: String| IncidentReport {
            incident_id: "i".into(),
            category: IncidentCategory::Other,
            severity: IncidentSeverity::Low,
            text,
        };
        assert!(validate_report(&report("printer jammed".into())).is_empty());
        assert_eq!(
            validate_report(&report(" ".into()))[0].code(),
            "INPUT_E02_TEXT_MISSING"
        );
        assert!(validate_report(&report("é".repeat(MAX_TEXT_CHARS))).is_empty());
        assert_eq!(
            validate_report(&report("é".repeat(MAX_TEXT_CHARS + 1)))[0].code(),
            "INPUT_E03_TEXT_TOO_LONG"
        );
    }
}
