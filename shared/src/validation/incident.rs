//! Incidents and the station's messages about them: texts bounded, ids bounded, and at
//! most `MAX_INCIDENTS` incidents a day and `MAX_MESSAGES_PER_INCIDENT` messages each.

use super::{
    Context, Issue, MAX_INCIDENTS, MAX_MESSAGES_PER_INCIDENT, Rule, id_issues, text_issues,
};
use crate::domain::{IncidentMessage, IncidentReport};

pub(super) fn validate_report(report: &IncidentReport, ctx: &Context<'_>) -> Vec<Issue> {
    let mut issues = id_issues(&report.incident_id, "incident_id");
    issues.extend(text_issues(&report.text, "text", true));
    if ctx.day.incidents.len() >= MAX_INCIDENTS {
        issues.push(Issue::new(Rule::TooManyIncidents, ["incident_id"]));
    }
    issues
}

pub(super) fn validate_message(message: &IncidentMessage, ctx: &Context<'_>) -> Vec<Issue> {
    let mut issues = id_issues(&message.incident_id, "incident_id");
    issues.extend(text_issues(&message.text, "text", true));
    if ctx
        .day
        .incident(&message.incident_id)
        .is_some_and(|incident| incident.messages >= MAX_MESSAGES_PER_INCIDENT)
    {
        issues.push(Issue::new(Rule::TooManyMessages, ["incident_id"]));
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        IncidentCategory, IncidentSeverity, IncidentStatus, Jurisdiction, StationDay, Timestamp,
        station_day::IncidentState,
    };
    use crate::validation::{MAX_ID_CHARS, MAX_TEXT_CHARS, fixtures};

    fn with_day<T>(day: &StationDay, f: impl FnOnce(&Context<'_>) -> T) -> T {
        let election = fixtures::election(Jurisdiction::Netherlands, 2);
        let station = fixtures::station(1_000);
        f(&Context {
            election: &election,
            station: &station,
            day,
            now: Timestamp(0),
        })
    }

    fn report(id: &str, text: String) -> IncidentReport {
        IncidentReport {
            incident_id: id.into(),
            category: IncidentCategory::Other,
            severity: IncidentSeverity::Low,
            text,
        }
    }

    fn incidents(n: usize, messages: u32) -> StationDay {
        StationDay {
            incidents: (0..n)
                .map(|i| IncidentState {
                    incident_id: format!("i{i}"),
                    status: IncidentStatus::New,
                    messages,
                })
                .collect(),
            ..StationDay::default()
        }
    }

    #[test]
    fn text_is_required_and_bounded() {
        let day = StationDay::default();
        let codes = |r: &IncidentReport| -> Vec<&str> {
            with_day(&day, |ctx| validate_report(r, ctx))
                .iter()
                .map(Issue::code)
                .collect()
        };
        assert!(codes(&report("i", "printer jammed".into())).is_empty());
        assert_eq!(codes(&report("i", " ".into())), ["INPUT_E02_TEXT_MISSING"]);
        assert!(codes(&report("i", "é".repeat(MAX_TEXT_CHARS))).is_empty());
        assert_eq!(
            codes(&report("i", "é".repeat(MAX_TEXT_CHARS + 1))),
            ["INPUT_E03_TEXT_TOO_LONG"]
        );
    }

    #[test]
    fn ids_are_bounded() {
        let day = incidents(1, 0);
        let at_limit = "a".repeat(MAX_ID_CHARS);
        let over = "a".repeat(MAX_ID_CHARS + 1);
        let code = |id: &str| -> Vec<&str> {
            with_day(&day, |ctx| validate_report(&report(id, "x".into()), ctx))
                .iter()
                .map(Issue::code)
                .collect()
        };
        assert!(code(&at_limit).is_empty());
        assert_eq!(code(&over), ["INPUT_E06_ID_TOO_LONG"]);
        let message = IncidentMessage {
            incident_id: over,
            text: "x".into(),
        };
        assert_eq!(
            with_day(&day, |ctx| validate_message(&message, ctx))[0].code(),
            "INPUT_E06_ID_TOO_LONG"
        );
    }

    #[test]
    fn at_most_the_limit_of_incidents_a_day() {
        let new = report("new", "x".into());
        let below = incidents(MAX_INCIDENTS - 1, 0);
        assert!(with_day(&below, |ctx| validate_report(&new, ctx)).is_empty());
        let full = incidents(MAX_INCIDENTS, 0);
        assert_eq!(
            with_day(&full, |ctx| validate_report(&new, ctx))[0].code(),
            "INCIDENT_E01_TOO_MANY_INCIDENTS"
        );
    }

    #[test]
    fn at_most_the_limit_of_messages_an_incident() {
        let message = IncidentMessage {
            incident_id: "i0".into(),
            text: "x".into(),
        };
        let below = incidents(1, MAX_MESSAGES_PER_INCIDENT - 1);
        assert!(with_day(&below, |ctx| validate_message(&message, ctx)).is_empty());
        let full = incidents(1, MAX_MESSAGES_PER_INCIDENT);
        assert_eq!(
            with_day(&full, |ctx| validate_message(&message, ctx))[0].code(),
            "INCIDENT_E02_TOO_MANY_MESSAGES"
        );
    }
}
