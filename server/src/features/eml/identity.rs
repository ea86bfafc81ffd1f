//! Which of the Kiesraad's elections a document, or a Kiesdag election, is: the EML_NL
//! election identifier (e.g. GR2026_Assen), its kind, its domain (the municipality of a
//! municipal election) and its date. The first import records it for the Kiesdag
//! election (`store::eml`); a later file for another election is refused, and the
//! export writes it into the count.

use chrono::{Datelike as _, NaiveDate, TimeZone as _};
use eml_nl::{
    EMLError,
    common::ElectionDomain,
    utils::{ElectionCategory, ElectionId, ElectionSubcategory, StringValue, XsDate},
};
use serde::{Deserialize, Serialize};
use shared::domain::{CouncilKind, Election, Jurisdiction};

use super::read::Document;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The EML election identifier, e.g. "GR2026_Assen".
    pub id: String,
    /// The kind of election: GR (municipal council), TK, PS, EP, ...
    pub category: String,
    /// GR1 (fewer than 19 seats), GR2, PS1, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<String>,
    /// "Gemeenteraad Assen 2026".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The region the election is held in: for a municipal election the municipality's
    /// four-digit CBS number, e.g. "0106".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// Election day.
    pub date: NaiveDate,
}

/// The Dutch election day of a Kiesdag election: the local date its stations open.
#[must_use]
pub fn election_day(election: &Election) -> Option<NaiveDate> {
    chrono_tz::Europe::Amsterdam
        .timestamp_millis_opt(election.opens_at.0)
        .single()
        .map(|t| t.date_naive())
}

/// The four digits of a Dutch municipality's CBS code ("GM0106" → "0106").
#[must_use]
pub fn municipality_number(code: &str) -> Option<&str> {
    code.strip_prefix("GM")
        .filter(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

fn text<T: eml_nl::utils::StringValueData>(value: &StringValue<T>) -> String {
    value.raw().trim().to_owned()
}

fn date(value: &StringValue<XsDate>) -> Result<NaiveDate, EMLError> {
    Ok(value.copied_value()?.date)
}

fn domain(domain: Option<&ElectionDomain>) -> (Option<String>, Option<String>) {
    domain.map_or((None, None), |d| {
        (
            d.id.as_ref().map(text),
            Some(d.name.trim().to_owned()).filter(|n| !n.is_empty()),
        )
    })
}

impl Identity {
    /// The election a document is for.
    ///
    /// # Errors
    /// A value the library kept unparsed (it parses every one in its strict mode).
    pub fn of(document: &Document) -> Result<Self, EMLError> {
        Ok(match document {
            Document::Definition(d) => {
                let e = &d.election_event.election.identifier;
                let (domain_id, domain_name) = domain(e.domain.as_ref());
                Self {
                    id: text(&e.id),
                    category: text(&e.category),
                    subcategory: Some(text(&e.subcategory)),
                    name: Some(e.name.trim().to_owned()),
                    domain_id,
                    domain_name,
                    date: date(&e.election_date)?,
                }
            }
            Document::Lists(l) => {
                let e = &l.candidate_list.election.identifier;
                let (domain_id, domain_name) = domain(e.domain.as_ref());
                Self {
                    id: text(&e.id),
                    category: text(&e.category),
                    subcategory: e.subcategory.as_ref().map(text),
                    name: e.name.as_deref().map(|n| n.trim().to_owned()),
                    domain_id,
                    domain_name,
                    date: date(&e.election_date)?,
                }
            }
            Document::Stations(s) => {
                let e = &s.election_event.election.identifier;
                let (domain_id, domain_name) = domain(e.domain.as_ref());
                Self {
                    id: text(&e.id),
                    category: text(&e.category),
                    subcategory: e.subcategory.as_ref().map(text),
                    name: e.name.as_deref().map(|n| n.trim().to_owned()),
                    domain_id,
                    domain_name,
                    date: date(&e.election_date)?,
                }
            }
        })
    }

    /// For a Kiesdag election no EML_NL file was imported for: the Kiesraad's own
    /// naming, e.g. GR2026_Assen for the municipal council of Assen in 2026.
    ///
    /// # Errors
    /// A sentence saying why the election has no EML_NL identifier.
    pub fn derived(
        election: &Election,
        municipality_code: &str,
        municipality_name: &str,
    ) -> Result<Self, String> {
        if election.jurisdiction != Jurisdiction::Netherlands {
            return Err(format!(
                "election {} is Flemish; EML_NL is for Dutch elections",
                election.id
            ));
        }
        let (category, subcategory) = match election.council {
            CouncilKind::Municipal => (
                "GR",
                election
                    .seats
                    .map(|s| if s < 19 { "GR1" } else { "GR2" }.to_owned()),
            ),
            CouncilKind::Provincial => ("PS", None),
            CouncilKind::District => {
                return Err(format!(
                    "election {} elects a district council, which EML_NL has no kind for",
                    election.id
                ));
            }
        };
        let date = election_day(election)
            .ok_or_else(|| format!("election {} has no election day", election.id))?;
        let place: String = municipality_name
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        Ok(Self {
            id: format!("{category}{}_{place}", date.year()),
            category: category.to_owned(),
            subcategory,
            name: Some(election.name.clone()),
            domain_id: municipality_number(municipality_code)
                .filter(|_| category == "GR")
                .map(str::to_owned),
            domain_name: Some(municipality_name.to_owned()).filter(|_| category == "GR"),
            date,
        })
    }

    /// Whether `other` is the same election (the same identifier and day).
    #[must_use]
    pub fn same_election(&self, other: &Self) -> bool {
        self.id == other.id && self.date == other.date
    }

    /// This identity with what it lacks taken from `other` (of the same election).
    #[must_use]
    pub fn completed_with(self, other: &Self) -> Self {
        Self {
            subcategory: self.subcategory.or_else(|| other.subcategory.clone()),
            name: self.name.or_else(|| other.name.clone()),
            domain_id: self.domain_id.or_else(|| other.domain_id.clone()),
            domain_name: self.domain_name.or_else(|| other.domain_name.clone()),
            ..self
        }
    }

    /// The CBS code of the municipality a municipal election is held in ("GM0106").
    #[must_use]
    pub fn municipality_code(&self) -> Option<String> {
        self.domain_id
            .as_deref()
            .filter(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
            .map(|d| format!("GM{d}"))
            .filter(|_| self.category == "GR")
    }

    /// What the refusals say: "GR2026_Assen (Gemeenteraad Assen 2026, 2026-03-18)".
    #[must_use]
    pub fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name}, {})", self.id, self.date),
            None => format!("{} ({})", self.id, self.date),
        }
    }

    /// The identifier as the count (510b) carries it.
    ///
    /// # Errors
    /// A value the library does not take (an identifier not like GR2026_Assen).
    pub fn for_count(
        &self,
    ) -> Result<eml_nl::documents::election_count::ElectionCountElectionIdentifier, EMLError> {
        let mut builder =
            eml_nl::documents::election_count::ElectionCountElectionIdentifier::builder()
                .id(ElectionId::new(&self.id)?)
                .category(ElectionCategory::new(&self.category)?)
                .election_date(XsDate::new(self.date));
        if let Some(name) = &self.name {
            builder = builder.name(name.as_str());
        }
        if let Some(subcategory) = &self.subcategory {
            builder = builder.subcategory(ElectionSubcategory::new(subcategory)?);
        }
        if let Some(name) = &self.domain_name {
            let id = self
                .domain_id
                .as_deref()
                .map(eml_nl::utils::ElectionDomainId::new)
                .transpose()?;
            builder = builder.domain(ElectionDomain::new(id, name.as_str()));
        }
        builder.build_for_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::eml::read::read;

    fn data(file: &str) -> String {
        std::fs::read_to_string(format!("{}/../data/eml/{file}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    }

    fn assen() -> Identity {
        Identity::of(
            &read(&data("Kandidatenlijsten_GR2026_Assen.eml.xml"))
                .unwrap()
                .document,
        )
        .unwrap()
    }

    #[test]
    fn the_candidate_lists_of_assen_are_for_its_municipal_council_of_2026() {
        let assen = assen();
        assert_eq!(
            assen,
            Identity {
                id: "GR2026_Assen".into(),
                category: "GR".into(),
                subcategory: Some("GR2".into()),
                name: Some("Gemeenteraad Assen 2026".into()),
                domain_id: Some("0106".into()),
                domain_name: Some("Assen".into()),
                date: NaiveDate::from_ymd_opt(2026, 3, 18).unwrap(),
            }
        );
        assert_eq!(assen.municipality_code().as_deref(), Some("GM0106"));
        assert_eq!(
            assen.describe(),
            "GR2026_Assen (Gemeenteraad Assen 2026, 2026-03-18)"
        );
    }

    #[test]
    fn a_definition_and_its_stations_are_one_election_another_is_not() {
        let definition =
            Identity::of(&read(&data("eml110a_GR2022_Test.eml.xml")).unwrap().document).unwrap();
        let stations =
            Identity::of(&read(&data("eml110b_GR2022_Test.eml.xml")).unwrap().document).unwrap();
        let european =
            Identity::of(&read(&data("eml110b_EP2024_Test.eml.xml")).unwrap().document).unwrap();
        assert!(definition.same_election(&stations));
        assert!(!definition.same_election(&european));
        assert!(!definition.same_election(&assen()));
        assert_eq!(
            european.municipality_code(),
            None,
            "not a municipal election"
        );
    }

    #[test]
    fn an_election_without_eml_files_gets_the_kiesraads_naming() {
        let mut election = shared::fixtures::election(Jurisdiction::Netherlands, 3);
        election.seats = Some(45);
        let derived = Identity::derived(&election, "GM0363", "'s-Hertogenbosch").unwrap();
        assert_eq!(derived.id, "GR2026_s-Hertogenbosch");
        assert_eq!(derived.date, NaiveDate::from_ymd_opt(2026, 3, 18).unwrap());
        assert_eq!(derived.name.as_deref(), Some("Gemeenteraad 2026"));
        assert_eq!(derived.subcategory.as_deref(), Some("GR2"));
        assert_eq!(derived.domain_id.as_deref(), Some("0363"));
        derived.for_count().unwrap();
        election.jurisdiction = Jurisdiction::Flanders;
        assert!(Identity::derived(&election, "GM0363", "x").is_err());
    }

    #[test]
    fn municipality_numbers_are_four_digits() {
        assert_eq!(municipality_number("GM0106"), Some("0106"));
        assert_eq!(municipality_number("GM106"), None);
        assert_eq!(municipality_number("44021"), None);
    }
}
