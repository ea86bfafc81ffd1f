//! Why the server refused an operation for good, as a code the device renders in the
//! chair's language (DESIGN.md invariant 10: texts for people are rendered on the side
//! that shows them). A refusal's code is one of three kinds, each with its Dutch and
//! English texts here or beside its rule:
//! - a validation rule's code (`Rule::code`, texts in `validation::messages`), with the
//!   field paths the rule concerns;
//! - a transition the station's state does not allow (`TransitionError::code`);
//! - a refusal of the server's own (`ServerRefusal`: an unknown or revoked device, a
//!   stale sequence number, another station, ...).
//!
//! The wire's `Reject` also carries the server's English `message`, for tools and for
//! codes a device does not know yet; a device that knows the code never shows it.

use serde::{Deserialize, Serialize};

use crate::domain::TransitionError;
use crate::validation::{Language, Rule, message};

/// A refusal of the server's own, not of a validation rule or the station's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServerRefusal {
    /// The device is not (or no longer) activated.
    DeviceUnknown,
    /// The device's activation was revoked.
    DeviceRevoked,
    /// An earlier operation of the device already has this sequence number.
    SequenceStale,
    /// The device reported for another station than its own.
    WrongStation,
    StationUnknown,
    ElectionUnknown,
    /// The server failed while processing it; nothing was stored.
    InternalError,
}

impl ServerRefusal {
    pub const ALL: [Self; 7] = [
        Self::DeviceUnknown,
        Self::DeviceRevoked,
        Self::SequenceStale,
        Self::WrongStation,
        Self::StationUnknown,
        Self::ElectionUnknown,
        Self::InternalError,
    ];

    /// The stable code on the wire and in the server's operations table.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::DeviceUnknown => "DEVICE_UNKNOWN",
            Self::DeviceRevoked => "DEVICE_REVOKED",
            Self::SequenceStale => "SEQUENCE_STALE",
            Self::WrongStation => "WRONG_STATION",
            Self::StationUnknown => "STATION_UNKNOWN",
            Self::ElectionUnknown => "ELECTION_UNKNOWN",
            Self::InternalError => "INTERNAL_ERROR",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    #[must_use]
    pub const fn message(self, language: Language) -> &'static str {
        let (nl, en) = match self {
            Self::DeviceUnknown => (
                "Dit apparaat is niet geactiveerd. Bel de regiekamer.",
                "This device is not activated. Call the control room.",
            ),
            Self::DeviceRevoked => (
                "De activering van dit apparaat is ingetrokken. Bel de regiekamer.",
                "This device's activation was revoked. Call the control room.",
            ),
            Self::SequenceStale => (
                "Een eerdere melding van dit apparaat heeft hetzelfde nummer.",
                "An earlier report of this device already has this number.",
            ),
            Self::WrongStation => (
                "Dit apparaat mag alleen voor het eigen stembureau melden.",
                "This device may only report for its own station.",
            ),
            Self::StationUnknown => ("Onbekend stembureau.", "Unknown station."),
            Self::ElectionUnknown => ("Onbekende verkiezing.", "Unknown election."),
            Self::InternalError => (
                "De server kon deze melding niet verwerken; ze is niet opgeslagen.",
                "The server could not process this report; it was not stored.",
            ),
        };
        match language {
            Language::Dutch => nl,
            Language::English => en,
        }
    }
}

/// What a transition error says to a person.
#[must_use]
pub const fn transition_message(error: &TransitionError, language: Language) -> &'static str {
    use Language::{Dutch, English};
    use TransitionError as T;
    match (error, language) {
        (T::AlreadyOpen, Dutch) => "Het stembureau is al geopend.",
        (T::AlreadyOpen, English) => "The station is already open.",
        (T::NotOpen, Dutch) => "Het stembureau is nog niet geopend.",
        (T::NotOpen, English) => "The station is not open yet.",
        (T::AlreadyClosed, Dutch) => "Het stembureau is al gesloten.",
        (T::AlreadyClosed, English) => "The station is already closed.",
        (T::NotClosed, Dutch) => "Sluit eerst het stembureau.",
        (T::NotClosed, English) => "Close the station first.",
        (T::UnknownIncident(_), Dutch) => "Deze melding is onbekend.",
        (T::UnknownIncident(_), English) => "This incident is unknown.",
        (T::DuplicateIncident(_), Dutch) => "Deze melding is al gedaan.",
        (T::DuplicateIncident(_), English) => "This incident was already reported.",
    }
}

fn transition_of(code: &str) -> Option<TransitionError> {
    [
        TransitionError::AlreadyOpen,
        TransitionError::NotOpen,
        TransitionError::AlreadyClosed,
        TransitionError::NotClosed,
        TransitionError::UnknownIncident(String::new()),
        TransitionError::DuplicateIncident(String::new()),
    ]
    .into_iter()
    .find(|t| t.code() == code)
}

/// The text for a refusal `code` in `language`, when this build knows the code.
#[must_use]
pub fn refusal_message(code: &str, language: Language) -> Option<&'static str> {
    if let Some(rule) = Rule::from_code(code) {
        return Some(message(rule, language));
    }
    if let Some(error) = transition_of(code) {
        return Some(transition_message(&error, language));
    }
    ServerRefusal::from_code(code).map(|r| r.message(language))
}

/// A refusal as the device keeps it: the code and fields from the server, and the
/// server's own words for a code this build does not know.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Refusal {
    pub code: String,
    /// Field paths in the report the refusal concerns (e.g. `voters.poll_cards`).
    #[serde(default)]
    pub fields: Vec<String>,
    /// The server's text: shown only when the code is unknown here.
    pub message: String,
}

impl Refusal {
    /// What the chair reads, in their language: the code's text followed by the code.
    #[must_use]
    pub fn text(&self, language: Language) -> String {
        match refusal_message(&self.code, language) {
            Some(text) => format!("{text} ({})", self.code),
            None if self.code.is_empty() => self.message.clone(),
            None => format!("{} ({})", self.message, self.code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_refusal_code_is_unique_and_speaks_both_languages() {
        let transitions = [
            TransitionError::AlreadyOpen,
            TransitionError::NotOpen,
            TransitionError::AlreadyClosed,
            TransitionError::NotClosed,
            TransitionError::UnknownIncident(String::new()),
            TransitionError::DuplicateIncident(String::new()),
        ];
        let codes: Vec<&str> = Rule::ALL
            .iter()
            .map(|r| r.code())
            .chain(transitions.iter().map(TransitionError::code))
            .chain(ServerRefusal::ALL.iter().map(|r| r.code()))
            .collect();
        let unique: HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len(), "a code names two refusals");
        for code in codes {
            let nl = refusal_message(code, Language::Dutch);
            let en = refusal_message(code, Language::English);
            assert!(nl.is_some() && en.is_some(), "{code} has no text");
            assert_ne!(nl, en, "{code} is not translated");
        }
    }

    #[test]
    fn an_unknown_code_shows_the_servers_words() {
        let refusal = Refusal {
            code: "SOMETHING_NEW".into(),
            fields: Vec::new(),
            message: "Something new went wrong.".into(),
        };
        assert_eq!(
            refusal.text(Language::Dutch),
            "Something new went wrong. (SOMETHING_NEW)"
        );
    }
}
