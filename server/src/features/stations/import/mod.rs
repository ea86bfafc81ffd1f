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
pub use roster::{Assignment, parse_districts, parse_staff};
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
fn checked_headers<R: std::io::Read>(
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

/// The trimmed text of `record` under column `name`; empty when either is missing.
fn cell(headers: &csv::StringRecord, record: &csv::StringRecord, name: &'static str) -> String {
    column(headers, name)
        .and_then(|i| record.get(i))
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// A CSV reader for `input` that takes `;` as the separator when the header line uses
/// it (as Belgian spreadsheets write CSV), `,` otherwise.
fn reader(input: &str) -> csv::Reader<&[u8]> {
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
