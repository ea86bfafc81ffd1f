use serde::{Deserialize, Serialize};

use super::Rule;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks the submission until corrected.
    Error,
    /// Allowed once the chair confirms the figures.
    Warning,
}

/// One rule that a report breaks, with the fields it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub rule: Rule,
    /// Field paths in the report, e.g. `voters.poll_cards` or `votes.list_votes[2].votes`.
    pub fields: Vec<String>,
}

impl Issue {
    pub fn new<I, S>(rule: Rule, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            rule,
            fields: fields.into_iter().map(Into::into).collect(),
        }
    }

    #[must_use]
    pub const fn severity(&self) -> Severity {
        self.rule.severity()
    }

    #[must_use]
    pub const fn code(&self) -> &'static str {
        self.rule.code()
    }
}

/// The result of validating one report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub issues: Vec<Issue>,
}

impl Outcome {
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .filter(|i| i.severity() == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .filter(|i| i.severity() == Severity::Warning)
    }

    /// Warnings whose codes are not among those the chair `confirmed`.
    pub fn unconfirmed_warnings<'a>(
        &'a self,
        confirmed: &'a [String],
    ) -> impl Iterator<Item = &'a Issue> {
        self.warnings()
            .filter(move |w| !confirmed.iter().any(|c| c == w.code()))
    }

    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// True when the report may be submitted: no errors, every warning confirmed.
    #[must_use]
    pub fn accepts(&self, confirmed: &[String]) -> bool {
        !self.has_errors() && self.unconfirmed_warnings(confirmed).next().is_none()
    }

    /// The first issue that blocks submission, for a reject code.
    #[must_use]
    pub fn first_blocking<'a>(&'a self, confirmed: &'a [String]) -> Option<&'a Issue> {
        self.errors()
            .next()
            .or_else(|| self.unconfirmed_warnings(confirmed).next())
    }

    #[must_use]
    pub fn codes(&self) -> Vec<&'static str> {
        self.issues.iter().map(Issue::code).collect()
    }
}
