//! Polling stations from a Flemish list. Flemish stations are named
//! MUNICIPALITY-001-SUBAREA; the name gives the station's number and its geographic
//! subarea (at most 25 characters), for which results are published.
//!
//! Columns (header names; `;` or `,` separated): `NIS-code` (the municipality's five
//! digits), `Gemeente`, `Stembureau` (the name by the rule), `Kiezers` (the voters
//! assigned to the station), and optionally `Locatie`, `Adres`, `Postcode`,
//! `Latitude`, `Longitude` and `District`. The station's id is the NIS code and its
//! number, `44021-001`.

use std::collections::BTreeSet;

use shared::domain::{Station, VotingLocation};

use super::{ImportError, Parsed, RowProblem, cell, checked_headers, reader, records};

const REQUIRED: [&str; 4] = ["NIS-code", "Gemeente", "Stembureau", "Kiezers"];

/// Reads a Flemish station list.
///
/// # Errors
/// When the file is not CSV or lacks a required column; bad rows are in `problems`.
pub fn parse_flemish(input: &str) -> Result<Parsed, ImportError> {
    let mut reader = reader(input);
    let headers = checked_headers(&mut reader, &REQUIRED)?;
    let get = |record: &csv::StringRecord, name: &'static str| cell(&headers, record, name);
    let mut parsed = Parsed::default();
    let mut seen = BTreeSet::new();
    for record in records(&mut reader) {
        parsed.rows += 1;
        let (line, record) = match record {
            Ok(row) => row,
            Err(problem) => {
                parsed.problems.push(problem);
                continue;
            }
        };
        let nis = get(&record, "NIS-code");
        let municipality = get(&record, "Gemeente");
        let name = get(&record, "Stembureau");
        let voters = get(&record, "Kiezers");
        let mut reasons = Vec::new();
        if !(nis.len() == 5 && nis.chars().all(|c| c.is_ascii_digit())) {
            reasons.push(format!("NIS code {nis:?} is not five digits"));
        }
        if municipality.is_empty() {
            reasons.push("no municipality".to_owned());
        }
        let named = parse_flemish_name(&name);
        match &named {
            Err(reason) => reasons.push(reason.clone()),
            Ok((in_name, _, _)) if !same_name(in_name, &municipality) => reasons.push(format!(
                "{name:?} names municipality {in_name:?}, but the row is for {municipality:?}"
            )),
            Ok(_) => {}
        }
        let voters_value = voters.parse::<u32>().ok().filter(|v| *v > 0);
        if voters_value.is_none() {
            reasons.push(format!(
                "voters assigned {voters:?} is not a positive whole number"
            ));
        }
        let coordinate = |field: &'static str, range: std::ops::RangeInclusive<f64>| {
            let text = get(&record, field);
            if text.is_empty() {
                return Ok(None);
            }
            match text.replace(',', ".").parse::<f64>() {
                Ok(value) if range.contains(&value) => Ok(Some(value)),
                _ => Err(format!("{field} {text:?} is not a coordinate")),
            }
        };
        let latitude = coordinate("Latitude", -90.0..=90.0).unwrap_or_else(|e| {
            reasons.push(e);
            None
        });
        let longitude = coordinate("Longitude", -180.0..=180.0).unwrap_or_else(|e| {
            reasons.push(e);
            None
        });
        // Only a row that can be taken claims its number: a bad row and its
        // corrected copy further down are not duplicates.
        if let Ok((_, number, _)) = &named
            && reasons.is_empty()
            && !seen.insert((nis.clone(), *number))
        {
            reasons.push(format!("station {number:03} of {nis} appears twice"));
        }
        let (Ok((_, number, subarea)), Some(voters), true) =
            (named, voters_value, reasons.is_empty())
        else {
            parsed.problems.push(RowProblem {
                line,
                reason: reasons.join("; "),
            });
            continue;
        };
        let district = get(&record, "District");
        parsed
            .municipalities
            .insert(nis.clone(), municipality.clone());
        parsed.stations.push(Station {
            id: format!("{nis}-{number:03}"),
            municipality_code: nis,
            number,
            name: name.clone(),
            location: VotingLocation {
                name: get(&record, "Locatie"),
                address: get(&record, "Adres"),
                postcode: get(&record, "Postcode"),
                city: municipality,
                latitude,
                longitude,
                accessibility: Default::default(),
            },
            district: (!district.is_empty()).then_some(district),
            subarea: Some(subarea),
            expected_voters: Some(voters),
            may_open_early: false,
            opens_at: None,
            closes_at: None,
            extra_stops: vec![],
            planned_staff: vec![],
        });
    }
    Ok(parsed)
}

/// Whether the municipality in a station's name is the row's municipality: case,
/// spaces, dashes and accents aside (SINT-NIKLAAS for Sint-Niklaas).
fn same_name(a: &str, b: &str) -> bool {
    let simple = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .map(|c| match c {
                'à' | 'á' | 'â' | 'ä' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
                'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
                'ò' | 'ó' | 'ô' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Ö' => 'o',
                'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
                other => other.to_ascii_lowercase(),
            })
            .collect()
    };
    simple(a) == simple(b)
}

/// Flemish station names follow MUNICIPALITY-001-SUBAREA, with a subarea name of at
/// most 25 characters. Municipality and subarea names may hold dashes themselves
/// (SINT-NIKLAAS-004-Tereken): the number is the first part of three digits that has a
/// municipality before it and a subarea after it. Returns (municipality, number,
/// subarea).
///
/// # Errors
/// A sentence saying what does not follow the rule.
pub fn parse_flemish_name(name: &str) -> Result<(String, u32, String), String> {
    let parts: Vec<&str> = name.split('-').collect();
    let is_number = |p: &str| p.len() == 3 && p.chars().all(|c| c.is_ascii_digit());
    let Some(at) = (1..parts.len().saturating_sub(1)).find(|&i| is_number(parts[i])) else {
        if parts.len() >= 3 {
            return Err(format!(
                "{name:?}: the station number must be three digits, like 001"
            ));
        }
        return Err(format!("{name:?} does not follow MUNICIPALITY-001-SUBAREA"));
    };
    let municipality = parts[..at].join("-");
    if municipality.trim().is_empty() {
        return Err(format!("{name:?} has no municipality"));
    }
    let subarea = parts[at + 1..].join("-");
    let subarea = subarea.trim();
    if subarea.is_empty() {
        return Err(format!("{name:?} has no subarea"));
    }
    if subarea.chars().count() > 25 {
        return Err(format!(
            "{name:?}: the subarea name is longer than 25 characters"
        ));
    }
    let number = parts[at].parse::<u32>().map_err(|e| e.to_string())?;
    Ok((municipality.trim().to_owned(), number, subarea.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flemish_names() {
        assert_eq!(
            parse_flemish_name("GENT-001-Binnenstad"),
            Ok(("GENT".into(), 1, "Binnenstad".into()))
        );
        assert!(parse_flemish_name("GENT-1-Binnenstad").is_err());
        assert!(parse_flemish_name("GENT-001-").is_err());
        assert!(parse_flemish_name("GENT-001-Een deelgebied met een te lange naam").is_err());
        assert!(parse_flemish_name("GENT-001-Deelgebied-met-streepjes").is_ok());
        assert_eq!(
            parse_flemish_name("SINT-NIKLAAS-004-Tereken"),
            Ok(("SINT-NIKLAAS".into(), 4, "Tereken".into()))
        );
        assert!(parse_flemish_name("GENT-Binnenstad").is_err());
        assert!(parse_flemish_name("-001-Binnenstad").is_err());
    }

    const HEADER: &str =
        "NIS-code;Gemeente;Stembureau;Locatie;Adres;Postcode;Kiezers;Latitude;Longitude\n";

    #[test]
    fn a_flemish_list_gives_numbers_subareas_and_assigned_voters() {
        let csv = format!(
            "{HEADER}44021;Gent;GENT-001-Binnenstad;Stadhuis;Botermarkt 1;9000;812;51,0543;3,7250\n\
             46021;Sint-Niklaas;SINT-NIKLAAS-004-Tereken;School;Kasteelstraat 2;9100;1204;;\n"
        );
        let parsed = parse_flemish(&csv).unwrap();
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.stations.len(), 2);
        let gent = &parsed.stations[0];
        assert_eq!(gent.id, "44021-001");
        assert_eq!(gent.number, 1);
        assert_eq!(gent.subarea.as_deref(), Some("Binnenstad"));
        assert_eq!(gent.expected_voters, Some(812));
        assert_eq!(gent.location.latitude, Some(51.0543));
        let sint_niklaas = &parsed.stations[1];
        assert_eq!(sint_niklaas.id, "46021-004");
        assert_eq!(sint_niklaas.subarea.as_deref(), Some("Tereken"));
        assert_eq!(
            parsed.municipalities.get("46021").map(String::as_str),
            Some("Sint-Niklaas")
        );
    }

    #[test]
    fn bad_rows_are_named_by_line_with_every_reason() {
        let csv = format!(
            "{HEADER}4402;Gent;GENT-001-Binnenstad;;;;812;;\n\
             44021;Gent;GENT-1-Binnenstad;;;;812;;\n\
             44021;Gent;GENT-002-Een deelgebied met een veel te lange naam;;;;812;;\n\
             44021;Gent;AALST-003-Centrum;;;;812;;\n\
             44021;Gent;GENT-004-Centrum;;;;nul;;\n\
             44021;Gent;GENT-005-Centrum;;;;700;;\n\
             44021;Gent;GENT-005-Centrum;;;;700;;\n"
        );
        let parsed = parse_flemish(&csv).unwrap();
        let lines: Vec<usize> = parsed.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 8], "{:?}", parsed.problems);
        assert!(parsed.problems[0].reason.contains("five digits"));
        assert!(parsed.problems[1].reason.contains("three digits"));
        assert!(parsed.problems[2].reason.contains("25 characters"));
        assert!(parsed.problems[3].reason.contains("AALST"));
        assert!(parsed.problems[4].reason.contains("positive whole number"));
        assert!(parsed.problems[5].reason.contains("appears twice"));
        assert_eq!(parsed.stations.len(), 1);
    }

    #[test]
    fn a_bad_row_does_not_make_its_corrected_copy_a_duplicate() {
        let csv = format!(
            "{HEADER}44021;Gent;GENT-005-Centrum;;;;nul;;\n\
             44021;Gent;GENT-005-Centrum;;;;700;;\n"
        );
        let parsed = parse_flemish(&csv).unwrap();
        assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
        assert_eq!(parsed.problems[0].line, 2);
        assert_eq!(parsed.stations.len(), 1);
        assert_eq!(parsed.stations[0].expected_voters, Some(700));
    }

    #[test]
    fn a_list_without_the_required_columns_is_refused() {
        let err =
            parse_flemish("NIS-code,Gemeente,Stembureau\n44021,Gent,GENT-001-X\n").unwrap_err();
        assert!(matches!(err, ImportError::MissingColumn("Kiezers")));
    }
}
