//! Polling stations from the Dutch open-data standard (Stembureaus Open Data
//! Standaard, as published by waarismijnstemlokaal, v1.6 and v1.7 columns). Rows with the number of a station already seen in the same
//! municipality are further stops of a mobile station.

use std::collections::BTreeMap;
use std::io::Read;

use super::{ImportError, Parsed, RowProblem, cell, checked_headers, records};
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use shared::domain::{
    Accessibility, Election, Interpreter, MAX_ACCESSIBILITY_NOTES_CHARS, Station, Timestamp,
    VotingLocation,
};

const REQUIRED: [&str; 4] = [
    "Gemeente",
    "CBS gemeentecode",
    "Nummer stembureau",
    "Naam stembureau",
];

/// Reads stations for `election` (its date and time zone give the stations' own hours).
///
/// # Errors
/// When the file is not CSV or lacks a required column; bad rows are in `problems`.
pub fn parse_sods(input: impl Read, election: &Election, zone: Tz) -> Result<Parsed, ImportError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = checked_headers(&mut reader, &REQUIRED)?;
    let get = |record: &csv::StringRecord, name: &'static str| cell(&headers, record, name);
    let mut parsed = Parsed::default();
    let mut index: BTreeMap<(String, u32), usize> = BTreeMap::new();
    // Each station's hours as given, merged over its stops; compared with the
    // election's at the end.
    let mut hours: Vec<(Option<Timestamp>, Option<Timestamp>)> = Vec::new();
    for record in records(&mut reader) {
        parsed.rows += 1;
        let (line, record) = match record {
            Ok(row) => row,
            Err(problem) => {
                parsed.problems.push(problem);
                continue;
            }
        };
        let municipality = get(&record, "Gemeente");
        let code = get(&record, "CBS gemeentecode");
        let number = get(&record, "Nummer stembureau");
        let name = get(&record, "Naam stembureau");
        let mut reasons = Vec::new();
        if municipality.is_empty() {
            reasons.push("no municipality".to_owned());
        }
        if !(code.len() == 6
            && code.starts_with("GM")
            && code[2..].chars().all(|c| c.is_ascii_digit()))
        {
            reasons.push(format!(
                "CBS municipality code {code:?} is not GM followed by four digits"
            ));
        }
        let number_value = number.parse::<u32>().ok().filter(|n| *n > 0);
        if number_value.is_none() {
            reasons.push(format!(
                "station number {number:?} is not a positive whole number"
            ));
        }
        if name.is_empty() {
            reasons.push("no station name".to_owned());
        }
        let coordinate = |field: &'static str,
                          range: std::ops::RangeInclusive<f64>|
         -> Result<Option<f64>, String> {
            let text = get(&record, field).replace(',', ".");
            if text.is_empty() {
                return Ok(None);
            }
            match text.parse::<f64>() {
                Ok(v) if range.contains(&v) => Ok(Some(v)),
                _ => Err(format!(
                    "{field} {text:?} is not a coordinate in the Netherlands"
                )),
            }
        };
        let latitude = coordinate("Latitude", 50.5..=53.8)
            .map_err(|e| reasons.push(e))
            .ok()
            .flatten();
        let longitude = coordinate("Longitude", 3.2..=7.3)
            .map_err(|e| reasons.push(e))
            .ok()
            .flatten();
        let time = |field: &'static str| -> Result<Option<Timestamp>, String> {
            let text = get(&record, field);
            if text.is_empty() {
                return Ok(None);
            }
            let naive = NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S")
                .map_err(|_| format!("{field} {text:?} is not a date and time"))?;
            let local = zone
                .from_local_datetime(&naive)
                .single()
                .ok_or_else(|| format!("{field} {text:?} does not exist locally"))?;
            Ok(Some(Timestamp(local.timestamp_millis())))
        };
        let opens = time("Openingstijd")
            .map_err(|e| reasons.push(e))
            .ok()
            .flatten();
        let closes = time("Sluitingstijd")
            .map_err(|e| reasons.push(e))
            .ok()
            .flatten();
        if let (Some(o), Some(c)) = (opens, closes)
            && o >= c
        {
            reasons.push("closes before it opens".to_owned());
        }
        let (Some(number), true) = (number_value, reasons.is_empty()) else {
            parsed.problems.push(RowProblem {
                line,
                reason: reasons.join("; "),
            });
            continue;
        };
        let house = [
            get(&record, "Huisnummer"),
            get(&record, "Huisletter"),
            get(&record, "Huisnummertoevoeging"),
        ]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        let location = VotingLocation {
            name: name.clone(),
            address: format!("{} {}", get(&record, "Straatnaam"), house)
                .trim()
                .to_owned(),
            postcode: get(&record, "Postcode").replace(' ', "").to_uppercase(),
            city: get(&record, "Plaats"),
            latitude,
            longitude,
            accessibility: accessibility(&|field| get(&record, field)),
        };
        parsed
            .municipalities
            .entry(code.clone())
            .or_insert(municipality);
        match index.get(&(code.clone(), number)) {
            Some(&at) => {
                parsed.stations[at].extra_stops.push(location);
                hours[at] = (min_some(hours[at].0, opens), max_some(hours[at].1, closes));
                parsed.extra_stops += 1;
            }
            None => {
                let district = Some(get(&record, "Wijknaam")).filter(|w| !w.is_empty());
                index.insert((code.clone(), number), parsed.stations.len());
                hours.push((opens, closes));
                parsed.stations.push(Station {
                    id: format!("{code}-{number}"),
                    municipality_code: code,
                    number,
                    name,
                    location,
                    district,
                    subarea: None,
                    expected_voters: None,
                    may_open_early: false,
                    opens_at: None,
                    closes_at: None,
                    extra_stops: Vec::new(),
                    planned_staff: vec![],
                });
            }
        }
    }
    for (station, (opens, closes)) in parsed.stations.iter_mut().zip(hours) {
        station.opens_at = opens.filter(|o| *o != election.opens_at);
        station.closes_at = closes.filter(|c| *c != election.closes_at);
        station.may_open_early = opens.is_some_and(|o| o < election.opens_at);
    }
    Ok(parsed)
}

/// The accessibility columns of SODS v1.7 (absent columns and empty cells: unknown).
fn accessibility(get: &dyn Fn(&'static str) -> String) -> Accessibility {
    let yes_no = |field: &'static str| match get(field).to_lowercase().as_str() {
        "ja" | "binnen" | "buiten" | "binnen en buiten" => Some(true),
        "nee" => Some(false),
        _ => None,
    };
    let toilet = match get("Toilet").to_lowercase().as_str() {
        "ja, toegankelijk toilet" => Some(true),
        "ja" | "nee" => Some(false),
        _ => None,
    };
    let interpreter = match get("Gebarentolk (NGT)").to_lowercase().as_str() {
        "ja" => Some(Interpreter::OnSite),
        "op afstand" => Some(Interpreter::Remote),
        "nee" => Some(Interpreter::None),
        _ => None,
    };
    Accessibility {
        wheelchair: yes_no("Toegankelijk voor mensen met een lichamelijke beperking"),
        accessible_transit_stop: yes_no("Toegankelijke ov-halte"),
        accessible_toilet: toilet,
        host: yes_no("Host"),
        guidance_lines: yes_no("Geleidelijnen"),
        audio_support: yes_no("Stemmal met audio-ondersteuning"),
        braille_candidate_list: yes_no("Kandidatenlijst in braille"),
        large_print_candidate_list: yes_no("Kandidatenlijst met grote letters"),
        sign_language_interpreter: interpreter,
        signing_member: yes_no("Gebarentalig stembureaulid (NGT)"),
        hearing_friendly: yes_no("Akoestiek geschikt voor slechthorenden"),
        low_stimulus: yes_no("Prikkelarm"),
        low_stimulus_companion: yes_no("Prokkelduo"),
        notes: get("Extra toegankelijkheidsinformatie")
            .chars()
            .take(MAX_ACCESSIBILITY_NOTES_CHARS)
            .collect(),
    }
}

fn min_some(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_some(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical election day (`shared::fixtures`), no lists.
    fn election() -> Election {
        shared::fixtures::election(shared::domain::Jurisdiction::Netherlands, 0)
    }

    const HEADER: &str = "Gemeente,CBS gemeentecode,Nummer stembureau,Naam stembureau,Straatnaam,Huisnummer,Huisletter,Huisnummertoevoeging,Postcode,Plaats,Latitude,Longitude,Openingstijd,Sluitingstijd\n";

    #[test]
    fn takes_good_rows_names_bad_ones_by_line_and_merges_mobile_stops() {
        let csv = format!(
            "{HEADER}\
Oudewater,GM0589,1,Muziekhuis,Kapellestraat,39,,,3421 CT,Oudewater,52.02102242,4.87452115,2026-03-18T07:30:00,2026-03-18T21:00:00\n\
Oudewater,GM0589,x,Kapot,Straat,1,,,3421CT,Oudewater,52.0,4.8,2026-03-18T07:30:00,2026-03-18T21:00:00\n\
Nieuwkoop,GM0569,21,Mobiel,Vrouwenakker,1,,,2445AA,Vrouwenakker,52.2,4.8,2026-03-18T07:30:00,2026-03-18T13:00:00\n\
Nieuwkoop,GM0569,21,Mobiel,Anjerstraat,2,,,2445AB,Nieuwkoop,52.2,4.8,2026-03-18T14:30:00,2026-03-18T21:00:00\n\
Ergens,XX12,3,Ver weg,Straat,1,,,1000AA,Ergens,10.0,4.8,2026-03-18T07:30:00,2026-03-18T21:00:00\n"
        );
        let parsed = parse_sods(csv.as_bytes(), &election(), chrono_tz::Europe::Amsterdam).unwrap();
        assert_eq!(parsed.rows, 5);
        assert_eq!(parsed.stations.len(), 2);
        assert_eq!(parsed.extra_stops, 1);
        let lines: Vec<usize> = parsed.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 6]);
        assert!(
            parsed.problems[1]
                .reason
                .contains("GM followed by four digits")
        );
        assert!(parsed.problems[1].reason.contains("Latitude"));
        let first = &parsed.stations[0];
        assert_eq!(first.id, "GM0589-1");
        assert_eq!(first.location.postcode, "3421CT");
        assert_eq!(first.location.address, "Kapellestraat 39");
        assert_eq!(
            (first.opens_at, first.closes_at),
            (None, None),
            "the election's own hours"
        );
        let mobile = &parsed.stations[1];
        assert_eq!(mobile.extra_stops.len(), 1);
        assert_eq!(mobile.extra_stops[0].address, "Anjerstraat 2");
        assert_eq!(mobile.opens_at, None, "opens with the election");
        assert_eq!(mobile.closes_at, None, "the last stop closes at 21:00");
    }

    #[test]
    fn the_accessibility_facts_of_the_real_file_are_read() {
        let file = std::fs::File::open(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../data/nl_stembureaus_SODS1.7_GR2026_wims_snapshot_20260121.csv"
        ))
        .unwrap();
        let parsed = parse_sods(file, &election(), chrono_tz::Europe::Amsterdam).unwrap();
        // Oudewater 1, Muziekhuis: wheelchair access, an accessible toilet, audio
        // support, braille and large-print lists, a remote sign-language interpreter.
        let muziekhuis = parsed.stations.iter().find(|s| s.id == "GM0589-1").unwrap();
        let facts = &muziekhuis.location.accessibility;
        assert_eq!(facts.wheelchair, Some(true));
        assert_eq!(facts.accessible_toilet, Some(true));
        assert_eq!(facts.audio_support, Some(true));
        assert_eq!(facts.braille_candidate_list, Some(true));
        assert_eq!(facts.large_print_candidate_list, Some(true));
        assert_eq!(facts.sign_language_interpreter, Some(Interpreter::Remote));
        assert_eq!(facts.low_stimulus, None, "not stated");
        // The file's 58 stations without wheelchair access are said to be so.
        let without = parsed
            .stations
            .iter()
            .flat_map(|s| std::iter::once(&s.location).chain(&s.extra_stops))
            .filter(|l| l.accessibility.wheelchair == Some(false))
            .count();
        assert_eq!(without, 58);
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = parse_sods(
            "Gemeente,Naam stembureau\nA,B\n".as_bytes(),
            &election(),
            chrono_tz::Europe::Amsterdam,
        )
        .unwrap_err();
        assert!(matches!(
            err,
            ImportError::MissingColumn("CBS gemeentecode")
        ));
    }
}
