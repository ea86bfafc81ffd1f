//! CSV exports for the municipality: turnout per station and results per unit.
//! Pure functions over plain rows; the caller reads the database.
//!
//! Plain CSV (comma-separated, fields quoted only when needed, UTF-8, `\n` line ends)
//! with a header row; times are local wall-clock "HH:MM" using the election's UTC
//! offset, numbers are written without grouping so that they stay machine-readable,
//! and an unknown value is an empty field.

use shared::domain::{CandidateList, Timestamp};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ExportError {
    #[error("writing CSV failed: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing CSV failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the CSV is not UTF-8: {0}")]
    Utf8(#[from] std::string::FromUtf8Error),
    #[error("{unit}: votes for list {number}, which is not on the ballot")]
    UnknownList { unit: String, number: u32 },
    #[error("{unit}: list {number} appears more than once")]
    DuplicateList { unit: String, number: u32 },
}

/// One station's latest turnout report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StationTurnoutRow {
    pub station_id: String,
    pub number: u32,
    pub name: String,
    pub district: Option<String>,
    pub expected_voters: Option<u32>,
    /// Voters so far; None when the station has not reported.
    pub turnout: Option<u32>,
    /// When the reported count was taken.
    pub at: Option<Timestamp>,
}

/// Results for one unit (station, district or the municipality).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultRow {
    pub unit: String,
    pub stations: u32,
    /// Stations whose result is in.
    pub stations_in: u32,
    pub admitted_voters: u64,
    pub votes_cast: u64,
    pub blank: u64,
    pub invalid: u64,
    /// (list number, votes); lists without an entry are written as empty fields.
    pub list_votes: Vec<(u32, u64)>,
}

pub const STATION_TURNOUT_HEADER: [&str; 8] = [
    "station_id",
    "number",
    "name",
    "district",
    "expected_voters",
    "turnout",
    "turnout_percent",
    "time",
];

pub const RESULT_HEADER: [&str; 7] = [
    "unit",
    "stations",
    "stations_in",
    "admitted_voters",
    "votes_cast",
    "blank",
    "invalid",
];

/// Text from users (station, district and list names) as a spreadsheet cell: text
/// that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
/// carriage return) gets a leading apostrophe, so that opening the export runs nothing.
#[must_use]
pub fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<String, ExportError> {
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes)?)
}

/// The column header of a list: "1. VVD".
#[must_use]
pub fn list_column(list: &CandidateList) -> String {
    // Starts with the list's number, so it never reads as a formula.
    format!("{}. {}", list.number, list.name)
}

/// Turnout per station: one row per station, in the given order. `turnout_percent`
/// has one decimal (a point) and is empty without expected voters or a report.
///
/// # Errors
/// Only when writing fails.
pub fn station_turnout_csv(
    rows: &[StationTurnoutRow],
    utc_offset_minutes: i32,
) -> Result<String, ExportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(STATION_TURNOUT_HEADER)?;
    for row in rows {
        let percent = row
            .turnout
            .zip(row.expected_voters)
            .and_then(|(voters, expected)| {
                shared::domain::turnout_percent(voters.into(), expected.into())
            })
            .map(|percent| format!("{percent:.1}"))
            .unwrap_or_default();
        writer.write_record([
            text_cell(&row.station_id),
            row.number.to_string(),
            text_cell(&row.name),
            text_cell(row.district.as_deref().unwrap_or_default()),
            opt(row.expected_voters),
            opt(row.turnout),
            percent,
            opt(row.at.map(|t| t.local_hh_mm(utc_offset_minutes))),
        ])?;
    }
    finish(writer)
}

/// Results per unit, with one column per list in the order of `lists`, headed
/// "number. name".
///
/// # Errors
/// When a row has votes for a list not in `lists`, names a list twice, or writing
/// fails.
pub fn results_csv(rows: &[ResultRow], lists: &[CandidateList]) -> Result<String, ExportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header: Vec<String> = RESULT_HEADER
        .iter()
        .map(|h| (*h).to_owned())
        .chain(lists.iter().map(list_column))
        .collect();
    writer.write_record(&header)?;
    for row in rows {
        let mut votes: Vec<Option<u64>> = vec![None; lists.len()];
        for &(number, count) in &row.list_votes {
            let index = lists
                .iter()
                .position(|l| l.number == number)
                .ok_or_else(|| ExportError::UnknownList {
                    unit: row.unit.clone(),
                    number,
                })?;
            if votes[index].replace(count).is_some() {
                return Err(ExportError::DuplicateList {
                    unit: row.unit.clone(),
                    number,
                });
            }
        }
        let record: Vec<String> = [
            text_cell(&row.unit),
            row.stations.to_string(),
            row.stations_in.to_string(),
            row.admitted_voters.to_string(),
            row.votes_cast.to_string(),
            row.blank.to_string(),
            row.invalid.to_string(),
        ]
        .into_iter()
        .chain(votes.into_iter().map(opt))
        .collect();
        writer.write_record(&record)?;
    }
    finish(writer)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-03-18T06:30:00Z: 07:30 in the Netherlands (UTC+1).
    const OPEN: Timestamp = Timestamp(1_773_815_400_000);

    fn parse(csv_text: &str) -> (Vec<String>, Vec<Vec<String>>) {
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        (header, rows)
    }

    fn lists() -> Vec<CandidateList> {
        vec![
            CandidateList {
                number: 1,
                name: "VVD".into(),
            },
            CandidateList {
                number: 2,
                name: "Lijst \"Samen\", Rotterdam".into(),
            },
            CandidateList {
                number: 3,
                name: "Partij voor de Dieren".into(),
            },
        ]
    }

    #[test]
    fn station_turnout_has_header_local_times_and_blanks() {
        let rows = vec![
            StationTurnoutRow {
                station_id: "GM0599-1".into(),
                number: 1,
                name: "Stadhuis".into(),
                district: Some("Centrum".into()),
                expected_voters: Some(1200),
                turnout: Some(300),
                at: Some(OPEN.plus_minutes(150)),
            },
            StationTurnoutRow {
                station_id: "GM0599-2".into(),
                number: 2,
                name: "Bibliotheek".into(),
                district: None,
                expected_voters: None,
                turnout: Some(77),
                at: Some(OPEN.plus_minutes(13 * 60 + 29)),
            },
            StationTurnoutRow {
                station_id: "GM0599-3".into(),
                number: 3,
                name: "School".into(),
                district: Some("Noord".into()),
                expected_voters: Some(900),
                turnout: None,
                at: None,
            },
        ];
        let text = station_turnout_csv(&rows, 60).unwrap();
        assert!(!text.contains(';'));
        assert!(text.starts_with(
            "station_id,number,name,district,expected_voters,turnout,turnout_percent,time\n"
        ));
        let (header, records) = parse(&text);
        assert_eq!(header, STATION_TURNOUT_HEADER);
        assert_eq!(
            records,
            vec![
                vec![
                    "GM0599-1", "1", "Stadhuis", "Centrum", "1200", "300", "25.0", "10:00"
                ],
                vec!["GM0599-2", "2", "Bibliotheek", "", "", "77", "", "20:59"],
                vec!["GM0599-3", "3", "School", "Noord", "900", "", "", ""],
            ]
        );
        // The offset is the election's: the same instant in UTC.
        let (_, utc) = parse(&station_turnout_csv(&rows[..1], 0).unwrap());
        assert_eq!(utc[0][7], "09:00");
    }

    #[test]
    fn empty_exports_have_only_the_header() {
        let (header, records) = parse(&station_turnout_csv(&[], 60).unwrap());
        assert_eq!(header, STATION_TURNOUT_HEADER);
        assert!(records.is_empty());
        let text = results_csv(&[], &[]).unwrap();
        assert_eq!(
            text,
            "unit,stations,stations_in,admitted_voters,votes_cast,blank,invalid\n"
        );
    }

    #[test]
    fn results_have_a_column_per_list() {
        let rows = vec![
            ResultRow {
                unit: "Gemeente Rotterdam".into(),
                stations: 10,
                stations_in: 9,
                admitted_voters: 5000,
                votes_cast: 4990,
                blank: 12,
                invalid: 8,
                list_votes: vec![(3, 970), (1, 2500), (2, 1500)],
            },
            ResultRow {
                unit: "Stembureau 4".into(),
                stations: 1,
                stations_in: 1,
                admitted_voters: 400,
                votes_cast: 400,
                blank: 0,
                invalid: 0,
                list_votes: vec![(1, 400)],
            },
        ];
        let text = results_csv(&rows, &lists()).unwrap();
        let (header, records) = parse(&text);
        assert_eq!(
            header,
            vec![
                "unit",
                "stations",
                "stations_in",
                "admitted_voters",
                "votes_cast",
                "blank",
                "invalid",
                "1. VVD",
                "2. Lijst \"Samen\", Rotterdam",
                "3. Partij voor de Dieren",
            ]
        );
        assert_eq!(
            records,
            vec![
                vec![
                    "Gemeente Rotterdam",
                    "10",
                    "9",
                    "5000",
                    "4990",
                    "12",
                    "8",
                    "2500",
                    "1500",
                    "970"
                ],
                vec![
                    "Stembureau 4",
                    "1",
                    "1",
                    "400",
                    "400",
                    "0",
                    "0",
                    "400",
                    "",
                    ""
                ],
            ]
        );
    }

    #[test]
    fn names_a_spreadsheet_would_run_as_formulas_are_kept_as_text() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("+31 stembureau"), "'+31 stembureau");
        assert_eq!(text_cell("-1"), "'-1");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("Stadhuis"), "Stadhuis");
        assert_eq!(text_cell("Wijk 3 = Noord"), "Wijk 3 = Noord");
        let csv = results_csv(
            &[ResultRow {
                unit: "=cmd|' /C calc'!A0".into(),
                ..ResultRow::default()
            }],
            &[],
        )
        .unwrap();
        assert!(csv.lines().nth(1).unwrap().starts_with("'=cmd"), "{csv}");
    }

    #[test]
    fn commas_quotes_and_newlines_are_quoted() {
        let name = "Wijkcentrum \"De Hoek\", ingang\nachterzijde";
        let rows = vec![StationTurnoutRow {
            station_id: "GM0599-7".into(),
            number: 7,
            name: name.into(),
            district: Some("Noord, Oost".into()),
            expected_voters: Some(10),
            turnout: Some(1),
            at: Some(OPEN),
        }];
        let text = station_turnout_csv(&rows, 60).unwrap();
        assert!(text.contains("\"Wijkcentrum \"\"De Hoek\"\", ingang\nachterzijde\""));
        assert!(text.contains(",\"Noord, Oost\","));
        let (_, records) = parse(&text);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0][2], name);
        assert_eq!(records[0][3], "Noord, Oost");
        assert_eq!(records[0][7], "07:30");

        let text = results_csv(&[], &lists()).unwrap();
        assert!(text.contains(",\"2. Lijst \"\"Samen\"\", Rotterdam\","));
    }

    #[test]
    fn unknown_or_repeated_lists_are_refused() {
        let mut row = ResultRow {
            unit: "Stembureau 1".into(),
            stations: 1,
            stations_in: 1,
            admitted_voters: 1,
            votes_cast: 1,
            blank: 0,
            invalid: 0,
            list_votes: vec![(9, 1)],
        };
        assert!(matches!(
            results_csv(std::slice::from_ref(&row), &lists()),
            Err(ExportError::UnknownList { number: 9, .. })
        ));
        row.list_votes = vec![(1, 1), (1, 2)];
        assert!(matches!(
            results_csv(&[row], &lists()),
            Err(ExportError::DuplicateList { number: 1, .. })
        ));
    }
}
