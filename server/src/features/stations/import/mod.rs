//! Importing what a municipality prepares before election day, from CSV: polling
//! stations (the Dutch open-data standard, `sods`, or a Flemish list, `flemish`), and
//! the stations' districts and planned staff (`roster`).
//!
//! Every row is checked first; rows that cannot be taken are named by line with the
//! reason, and nothing is written unless every row can be taken or the caller says to
//! skip the bad ones.

mod flemish;
mod roster;
mod sods;

use std::collections::BTreeMap;

use shared::domain::Station;
use thiserror::Error;

pub use flemish::{parse_flemish, parse_flemish_name};
pub use roster::{Assignment, parse_districts, parse_role, parse_staff, parse_strength};
pub use sods::parse_sods;

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("the file is not CSV: {0}")]
    Csv(String),
    #[error("missing column {0:?}")]
    MissingColumn(&'static str),
}

/// A row that cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub stations: Vec<Station>,
    /// Municipality code (CBS in the Netherlands, NIS in Flanders) to its name.
    pub municipalities: BTreeMap<String, String>,
    pub problems: Vec<RowProblem>,
    pub rows: usize,
    /// Rows that were further stops of a mobile station.
    pub extra_stops: usize,
}

pub(crate) fn column(headers: &csv::StringRecord, name: &'static str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
}

/// The file's header row, once every `required` column is in it.
pub(crate) fn checked_headers<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    required: &[&'static str],
) -> Result<csv::StringRecord, ImportError> {
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Csv(e.to_string()))?
        .clone();
    for name in required {
        column(&headers, name).ok_or(ImportError::MissingColumn(name))?;
    }
    Ok(headers)
}

/// The data rows of `reader`, each with its line in the file (the header is line 1),
/// or the problem that it cannot be read.
pub(crate) fn records<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
) -> impl Iterator<Item = Result<(usize, csv::StringRecord), RowProblem>> + '_ {
    reader.records().enumerate().map(|(n, record)| {
        let line = n + 2;
        record.map(|record| (line, record)).map_err(|e| RowProblem {
            line,
            reason: format!("unreadable row: {e}"),
        })
    })
}

/// The trimmed text of `record` under column `name`; empty when either is missing.
pub(crate) fn cell(
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
    name: &'static str,
) -> String {
    column(headers, name)
        .and_then(|i| record.get(i))
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// A CSV reader for `input` that takes `;` as the separator when the header line uses
/// it (as Belgian spreadsheets write CSV), `,` otherwise.
pub(crate) fn reader(input: &str) -> csv::Reader<&[u8]> {
    let header = input.lines().next().unwrap_or_default();
    let delimiter = if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row that does not read is named by its line, and the rows after it are still
    /// read with theirs.
    #[test]
    fn an_unreadable_row_is_a_problem_on_its_line() {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(&b"Gemeente,Nummer\nRotterdam,1\n\xff\xfe,2\nDelft,3\n"[..]);
        let read: Vec<_> = records(&mut reader).collect();
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].as_ref().map(|(line, _)| *line), Ok(2));
        let problem = read[1].as_ref().err().map(|p| (p.line, p.reason.clone()));
        assert!(
            problem
                .as_ref()
                .is_some_and(|(line, reason)| *line == 3 && reason.starts_with("unreadable row")),
            "{problem:?}"
        );
        assert_eq!(
            read[2]
                .as_ref()
                .map(|(line, record)| (*line, record.get(0))),
            Ok((4, Some("Delft")))
        );
    }
}
