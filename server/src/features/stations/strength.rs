//! The strength list (sterktelijst): the voters assigned to or expected at each station,
//! which the day's checks and the turnout percentages use, and the checks a
//! municipality runs on it before the day: every station has voters, and none has more
//! than the municipality's maximum.

use serde::{Deserialize, Serialize};
use shared::domain::Station;

use crate::pdf::{self, Line};

/// What the checks found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrengthCheck {
    pub stations: usize,
    pub voters: u64,
    /// The maximum checked against, when the municipality set one.
    pub maximum: Option<u32>,
    /// Stations without voters (none known, or zero).
    pub without_voters: Vec<String>,
    /// Stations over the maximum, with their voters.
    pub over_maximum: Vec<(String, u32)>,
}

impl StrengthCheck {
    #[must_use]
    pub fn passed(&self) -> bool {
        self.without_voters.is_empty() && self.over_maximum.is_empty()
    }
}

/// Checks the stations' voters against `maximum`.
#[must_use]
pub fn check(stations: &[Station], maximum: Option<u32>) -> StrengthCheck {
    let mut found = StrengthCheck {
        stations: stations.len(),
        voters: 0,
        maximum,
        without_voters: Vec::new(),
        over_maximum: Vec::new(),
    };
    for station in stations {
        match station.expected_voters {
            None | Some(0) => found.without_voters.push(station.id.clone()),
            Some(n) => {
                found.voters = found.voters.saturating_add(u64::from(n));
                if maximum.is_some_and(|max| n > max) {
                    found.over_maximum.push((station.id.clone(), n));
                }
            }
        }
    }
    found
}

/// The list as CSV (Dutch headers, `;`): number, name, address, voters.
///
/// # Errors
/// When the CSV cannot be written (it is written in memory).
pub fn csv(stations: &[Station]) -> Result<String, csv::Error> {
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    out.write_record(["nummer", "stembureau", "adres", "kiezers"])?;
    for s in stations {
        out.write_record([
            s.number.to_string(),
            s.name.clone(),
            address(s),
            s.expected_voters.map(|n| n.to_string()).unwrap_or_default(),
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn address(s: &Station) -> String {
    [&s.location.address, &s.location.postcode, &s.location.city]
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The list as a printable PDF: a title, one line per station, the total.
#[must_use]
pub fn pdf(title: &str, stations: &[Station]) -> Vec<u8> {
    let mut lines = vec![Line::heading(title), Line::gap()];
    let mut total: u64 = 0;
    for s in stations {
        total = total.saturating_add(u64::from(s.expected_voters.unwrap_or(0)));
        lines.push(Line::text(format!(
            "{:>4}  {}  ({}): {} kiezers",
            s.number,
            s.name,
            address(s),
            s.expected_voters
                .map_or_else(|| "onbekend".to_owned(), |n| n.to_string())
        )));
    }
    lines.push(Line::gap());
    lines.push(Line::strong(format!(
        "{} stembureaus, {total} kiezers",
        stations.len()
    )));
    pdf::document(&[lines])
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::fixtures;

    fn station(number: u32, voters: Option<u32>) -> Station {
        Station {
            expected_voters: voters,
            ..fixtures::station("GM0599", number)
        }
    }

    #[test]
    fn stations_without_voters_or_over_the_maximum_are_named() {
        let stations = [
            station(1, Some(900)),
            station(2, None),
            station(3, Some(1_600)),
            station(4, Some(0)),
        ];
        let found = check(&stations, Some(1_500));
        assert!(!found.passed());
        assert_eq!(found.voters, 2_500);
        assert_eq!(found.without_voters, ["GM0599-2", "GM0599-4"]);
        assert_eq!(found.over_maximum, [("GM0599-3".to_owned(), 1_600)]);
        assert!(check(&stations[..1], Some(1_500)).passed());
        assert!(
            check(&stations[2..3], None).passed(),
            "no maximum, nothing over it"
        );
    }

    #[test]
    fn the_list_exports_as_csv_and_pdf() {
        let stations = [station(1, Some(900)), station(2, None)];
        let text = csv(&stations).unwrap();
        assert!(text.starts_with("nummer;stembureau;adres;kiezers\n"));
        assert!(text.contains(";900\n"));
        let pdf = String::from_utf8_lossy(&pdf("Sterktelijst", &stations)).into_owned();
        assert!(pdf.contains("2 stembureaus, 900 kiezers"), "{pdf}");
    }
}
