//! An EML_NL file as the Kiesraad's library reads it, in its strict mode: a document
//! Kiesdag imports, with the library's warnings, or every reason the library gives for
//! refusing it, each with its line and column.

use eml_nl::{
    EMLError,
    documents::{
        EML, candidate_lists::CandidateLists, election_definition::ElectionDefinition,
        polling_stations::PollingStations,
    },
    io::{EMLParsingMode, EMLRead as _, EMLReadResult},
};
use thiserror::Error;

/// A document Kiesdag imports.
#[derive(Debug, Clone)]
pub enum Document {
    /// 110a: the election's name, kind, date and seats.
    Definition(Box<ElectionDefinition>),
    /// 230b: the lists, their numbers and names, and their candidates.
    Lists(Box<CandidateLists>),
    /// 110b: the polling stations and their numbers of voters.
    Stations(Box<PollingStations>),
}

impl Document {
    /// The document's EML_NL id and what it holds, e.g. "230b (kandidatenlijsten)".
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Definition(_) => "110a (verkiezingsdefinitie)",
            Self::Lists(_) => "230b (kandidatenlijsten)",
            Self::Stations(_) => "110b (stembureaus)",
        }
    }
}

/// A file the library read.
#[derive(Debug, Clone)]
pub struct Read {
    pub document: Document,
    /// What the library noted without refusing the file, each with its position.
    pub warnings: Vec<String>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ReadError {
    /// The library refuses the file; its reasons, each with its position.
    #[error("the EML_NL library refuses it: {}", .0.join("; "))]
    Refused(Vec<String>),
    /// A document the library reads, but not one Kiesdag imports.
    #[error(
        "it is a {0} document; Kiesdag imports an election definition (110a), candidate lists (230b) and polling stations (110b)"
    )]
    NotImported(&'static str),
    /// Candidate lists of several districts at once (230c).
    #[error(
        "it holds the candidate lists of several electoral districts (230c); import the 230b of the district the municipality is in"
    )]
    SeveralDistricts,
}

/// Reads `text` as an EML_NL document Kiesdag imports.
///
/// # Errors
/// The library's reasons when it refuses the text, or the kind of a document Kiesdag
/// does not import.
pub fn read(text: &str) -> Result<Read, ReadError> {
    match EML::parse_eml(text, EMLParsingMode::Strict) {
        EMLReadResult::Ok(document, warnings) => {
            let warnings = warnings.iter().map(|w| describe(text, w)).collect();
            let document = match document {
                EML::ElectionDefinition(d) => Document::Definition(d),
                EML::PollingStations(s) => Document::Stations(s),
                EML::CandidateLists(l) => {
                    if l.lists_type.to_eml_id() != "230b" {
                        return Err(ReadError::SeveralDistricts);
                    }
                    Document::Lists(l)
                }
                other => return Err(ReadError::NotImported(other.to_eml_id())),
            };
            Ok(Read { document, warnings })
        }
        EMLReadResult::Err(error) => {
            let mut reasons = Vec::new();
            flatten(text, &error, &mut reasons);
            Err(ReadError::Refused(reasons))
        }
    }
}

fn flatten(text: &str, error: &EMLError, into: &mut Vec<String>) {
    match error {
        EMLError::Multiple(multiple) => {
            for e in &multiple.errors {
                flatten(text, e, into);
            }
        }
        single => into.push(describe(text, single)),
    }
}

/// One of the library's errors, with its line and column when it has a position.
#[must_use]
pub fn describe(text: &str, error: &EMLError) -> String {
    match error.span() {
        Some(span) => {
            let (line, column) = position(text, span.start);
            format!("line {line}, column {column}: {}", error.kind())
        }
        None => error.kind().to_string(),
    }
}

/// Line and column (both from 1, the column in characters) of a byte offset.
fn position(text: &str, offset: u64) -> (usize, usize) {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(file: &str) -> String {
        std::fs::read_to_string(format!("{}/../data/eml/{file}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    }

    #[test]
    fn reads_the_three_kinds_kiesdag_imports() {
        let definition = read(&data("eml110a_GR2022_Test.eml.xml")).unwrap();
        assert!(matches!(definition.document, Document::Definition(_)));
        assert!(definition.warnings.is_empty());
        let lists = read(&data("Kandidatenlijsten_GR2026_Assen.eml.xml")).unwrap();
        assert!(matches!(lists.document, Document::Lists(_)));
        let stations = read(&data("eml110b_GR2022_Test.eml.xml")).unwrap();
        assert!(matches!(stations.document, Document::Stations(_)));
        // The library notes an element the 110b should not have, and reads on.
        assert_eq!(stations.warnings.len(), 1, "{:?}", stations.warnings);
        assert!(
            stations.warnings[0].starts_with("line 19, column ")
                && stations.warnings[0].contains("NominationDate"),
            "{:?}",
            stations.warnings
        );
    }

    #[test]
    fn a_refused_file_is_refused_with_the_librarys_reasons_and_their_lines() {
        let refused = read(&data("eml110a_invalid_number_of_seats.eml.xml")).unwrap_err();
        assert_eq!(
            refused,
            ReadError::Refused(vec![
                "The number of seats specified does not match the subcategory".into()
            ])
        );
        let broken = read("<EML Id='110a").unwrap_err();
        let ReadError::Refused(reasons) = broken else {
            panic!("{broken:?}")
        };
        assert!(reasons[0].starts_with("line 1, column "), "{reasons:?}");
        assert!(matches!(
            read("not xml at all").unwrap_err(),
            ReadError::Refused(_)
        ));
    }

    #[test]
    fn a_count_is_read_but_not_imported() {
        assert_eq!(
            read(&data("Telling_GR2026_Assen.eml.xml")).unwrap_err(),
            ReadError::NotImported("510b")
        );
    }

    #[test]
    fn positions_count_lines_and_characters() {
        assert_eq!(position("ab\ncdé\nf", 0), (1, 1));
        assert_eq!(position("ab\ncdé\nf", 3), (2, 1));
        // "é" is two bytes: the column counts it once.
        assert_eq!(position("ab\ncdé\nf", 8), (3, 1));
        assert_eq!(position("ab", 99), (1, 3));
    }
}
