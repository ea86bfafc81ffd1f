//! Districts and planned staff for stations already imported.
//!
//! Districts: columns `station` (the station's id) and `district`. Staff: columns
//! `station`, `name` and `role` (chair, member, secretary, counter or substitute; or
//! in Dutch voorzitter, lid, bijzitter, secretaris, teller, reserve). A station named
//! in the file but not in the election is a bad row.

use std::collections::BTreeSet;

use shared::domain::{StaffMember, StaffRole};

use super::{ImportError, RowProblem, cell, checked_headers, reader, records};

/// One row's value for one station.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment<T> {
    pub line: usize,
    pub station_id: String,
    pub value: T,
}

pub type Rows<T> = (Vec<Assignment<T>>, Vec<RowProblem>);

fn parse<T>(
    input: &str,
    required: &[&'static str],
    known: &BTreeSet<String>,
    value: impl Fn(&dyn Fn(&'static str) -> String) -> Result<T, String>,
) -> Result<Rows<T>, ImportError> {
    let mut reader = reader(input);
    let headers = checked_headers(&mut reader, required)?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in records(&mut reader) {
        let (line, record) = match record {
            Ok(row) => row,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let get = |name: &'static str| cell(&headers, &record, name);
        let station_id = get("station");
        let mut reasons = Vec::new();
        if !known.contains(&station_id) {
            reasons.push(format!("no station {station_id:?} in this election"));
        }
        match value(&get) {
            Ok(value) if reasons.is_empty() => rows.push(Assignment {
                line,
                station_id,
                value,
            }),
            Ok(_) => {}
            Err(reason) => reasons.push(reason),
        }
        if !reasons.is_empty() {
            problems.push(RowProblem {
                line,
                reason: reasons.join("; "),
            });
        }
    }
    Ok((rows, problems))
}

/// Reads district assignments.
///
/// # Errors
/// When the file is not CSV or lacks a required column; bad rows are in the problems.
pub fn parse_districts(input: &str, known: &BTreeSet<String>) -> Result<Rows<String>, ImportError> {
    parse(input, &["station", "district"], known, |get| {
        let district = get("district");
        if district.is_empty() {
            Err("no district".to_owned())
        } else if district.chars().count() > 80 {
            Err("the district name is longer than 80 characters".to_owned())
        } else {
            Ok(district)
        }
    })
}

/// The most voters one station may plausibly have assigned.
pub const MAX_PLAUSIBLE_VOTERS: u32 = 100_000;

/// Reads the strength list (sterktelijst): columns `station` and `voters`, the
/// voters assigned to or expected at each station.
///
/// # Errors
/// When the file is not CSV or lacks a required column; bad rows are in the problems.
pub fn parse_strength(input: &str, known: &BTreeSet<String>) -> Result<Rows<u32>, ImportError> {
    parse(input, &["station", "voters"], known, |get| {
        let text = get("voters");
        match text.replace(['.', ' '], "").parse::<u32>() {
            Ok(n) if n <= MAX_PLAUSIBLE_VOTERS => Ok(n),
            _ => Err(format!(
                "voters {text:?} is not a number of voters (0 to {MAX_PLAUSIBLE_VOTERS})"
            )),
        }
    })
}

/// A role by its English or Dutch name (chair or voorzitter, member, lid or
/// bijzitter, secretary or secretaris, counter or teller, substitute or reserve).
#[must_use]
pub fn parse_role(text: &str) -> Option<StaffRole> {
    match text.trim().to_lowercase().as_str() {
        "chair" | "voorzitter" => Some(StaffRole::Chair),
        "member" | "lid" | "bijzitter" => Some(StaffRole::Member),
        "secretary" | "secretaris" => Some(StaffRole::Secretary),
        "counter" | "teller" => Some(StaffRole::Counter),
        "substitute" | "reserve" => Some(StaffRole::Substitute),
        _ => None,
    }
}

/// Reads planned staff.
///
/// # Errors
/// When the file is not CSV or lacks a required column; bad rows are in the problems.
pub fn parse_staff(
    input: &str,
    known: &BTreeSet<String>,
) -> Result<Rows<StaffMember>, ImportError> {
    parse(input, &["station", "name", "role"], known, |get| {
        let name = get("name");
        let role_text = get("role");
        let role = parse_role(&role_text);
        let mut reasons = Vec::new();
        if name.is_empty() {
            reasons.push("no name".to_owned());
        } else if name.chars().count() > 100 {
            reasons.push("the name is longer than 100 characters".to_owned());
        }
        if role.is_none() {
            reasons.push(format!(
                "role {role_text:?} is not chair, member, secretary, counter or substitute"
            ));
        }
        match (role, reasons.is_empty()) {
            (Some(role), true) => Ok(StaffMember { name, role }),
            _ => Err(reasons.join("; ")),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<String> {
        ["GM0599-1", "GM0599-2"]
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn districts_are_read_per_station_and_unknown_stations_named() {
        let (rows, problems) = parse_districts(
            "station,district\nGM0599-1,Noord\nGM0599-9,Zuid\nGM0599-2,\nGM0599-2,Centrum\n",
            &known(),
        )
        .unwrap();
        assert_eq!(
            rows.iter()
                .map(|r| (r.line, r.station_id.as_str(), r.value.as_str()))
                .collect::<Vec<_>>(),
            vec![(2, "GM0599-1", "Noord"), (5, "GM0599-2", "Centrum")]
        );
        assert_eq!(
            problems.iter().map(|p| p.line).collect::<Vec<_>>(),
            vec![3, 4]
        );
        assert!(problems[0].reason.contains("GM0599-9"));
    }

    #[test]
    fn staff_roles_are_read_in_english_or_dutch() {
        let (rows, problems) = parse_staff(
            "station;name;role\nGM0599-1;An de Vries;voorzitter\nGM0599-1;Piet;Member\nGM0599-2;Kees;baas\nGM0599-2;;lid\n",
            &known(),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].value.role, StaffRole::Chair);
        assert_eq!(rows[1].value.role, StaffRole::Member);
        assert_eq!(
            problems.iter().map(|p| p.line).collect::<Vec<_>>(),
            vec![4, 5]
        );
        assert!(problems[0].reason.contains("baas"));
        assert!(problems[1].reason.contains("no name"));
    }

    #[test]
    fn a_file_without_the_columns_is_refused() {
        assert!(matches!(
            parse_staff("station,name\nGM0599-1,An\n", &known()),
            Err(ImportError::MissingColumn("role"))
        ));
    }
}
