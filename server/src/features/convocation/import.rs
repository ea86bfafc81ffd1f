//! Candidate staff from CSV: columns `name` (required), and where known `id` (the
//! municipality's own person number), `email`, `phone`, `postcode`, `languages`,
//! `experience` (elections served), `roles` (the roles the person may take: chair,
//! member, secretary, counter, substitute, or their Dutch names), `wishes` (stations
//! wished for: a number, an id or a district) and `reserve` (ja/nee, yes/no). Lists
//! within a cell are separated by `;` (or `|` where `;` separates the columns).
//! Every cell is bounded; a bad row is named by its line with every reason.

use shared::domain::convocation::Candidate;

use crate::features::stations::import::{
    ImportError, RowProblem, cell, checked_headers, parse_role, reader, records,
};

/// The most candidates one file may hold.
pub const MAX_ROWS: usize = 20_000;
/// The most characters in a name, an address, a wish.
const MAX_TEXT: usize = 100;
/// The most entries in a list cell.
const MAX_LIST: usize = 10;

/// The candidates read, and the rows that cannot be taken.
#[derive(Debug, Default)]
pub struct ParsedCandidates {
    pub candidates: Vec<Candidate>,
    pub problems: Vec<RowProblem>,
    pub rows: usize,
}

fn list(text: &str) -> Vec<String> {
    text.split(['|', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

fn plausible_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (8..=15).contains(&digits)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

/// Reads candidates. Rows without an `id` get none here (empty): the caller keeps the
/// id of a candidate already known by the same name and e-mail, or makes a new one.
///
/// # Errors
/// When the file is not CSV or lacks the `name` column; bad rows are in the problems.
pub fn parse_candidates(input: &str) -> Result<ParsedCandidates, ImportError> {
    let mut reader = reader(input);
    let headers = checked_headers(&mut reader, &["name"])?;
    let mut parsed = ParsedCandidates::default();
    for record in records(&mut reader) {
        parsed.rows += 1;
        let (line, record) = match record {
            Ok(row) => row,
            Err(problem) => {
                parsed.problems.push(problem);
                continue;
            }
        };
        if parsed.rows > MAX_ROWS {
            parsed.problems.push(RowProblem {
                line,
                reason: format!("more than {MAX_ROWS} candidates in one file"),
            });
            break;
        }
        let get = |name: &'static str| cell(&headers, &record, name);
        let mut reasons = Vec::new();
        let name = get("name");
        if name.is_empty() {
            reasons.push("no name".to_owned());
        }
        for (column, text) in [
            ("id", get("id")),
            ("name", name.clone()),
            ("email", get("email")),
            ("phone", get("phone")),
            ("postcode", get("postcode")),
        ] {
            if text.chars().count() > MAX_TEXT {
                reasons.push(format!("{column} is longer than {MAX_TEXT} characters"));
            }
        }
        let email = Some(get("email")).filter(|e| !e.is_empty());
        if let Some(email) = &email
            && !plausible_email(email)
        {
            reasons.push("the e-mail address is not one".to_owned());
        }
        let phone = Some(get("phone")).filter(|p| !p.is_empty());
        if let Some(phone) = &phone
            && !plausible_phone(phone)
        {
            reasons.push("the phone number is not one (8 to 15 digits)".to_owned());
        }
        let experience_text = get("experience");
        let experience = if experience_text.is_empty() {
            0
        } else {
            match experience_text.parse::<u32>() {
                Ok(n) if n <= 100 => n,
                _ => {
                    reasons.push(format!(
                        "experience {experience_text:?} is not a number of elections (0 to 100)"
                    ));
                    0
                }
            }
        };
        let mut roles = Vec::new();
        for text in list(&get("roles")) {
            match parse_role(&text) {
                Some(role) if !roles.contains(&role) => roles.push(role),
                Some(_) => {}
                None => reasons.push(format!(
                    "role {text:?} is not chair, member, secretary, counter or substitute"
                )),
            }
        }
        let languages = list(&get("languages"));
        let wishes = list(&get("wishes"));
        for (column, items) in [("languages", &languages), ("wishes", &wishes)] {
            if items.len() > MAX_LIST {
                reasons.push(format!("more than {MAX_LIST} {column}"));
            }
            if items.iter().any(|i| i.chars().count() > MAX_TEXT) {
                reasons.push(format!(
                    "one of the {column} is longer than {MAX_TEXT} characters"
                ));
            }
        }
        let reserve = match get("reserve").to_lowercase().as_str() {
            "" | "nee" | "no" | "0" | "false" => false,
            "ja" | "yes" | "1" | "true" => true,
            other => {
                reasons.push(format!("reserve {other:?} is not ja or nee"));
                false
            }
        };
        if !reasons.is_empty() {
            parsed.problems.push(RowProblem {
                line,
                reason: reasons.join("; "),
            });
            continue;
        }
        parsed.candidates.push(Candidate {
            id: get("id"),
            name,
            email,
            phone,
            postcode: Some(get("postcode")).filter(|p| !p.is_empty()),
            languages,
            experience,
            roles,
            wishes,
            reserve,
        });
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::StaffRole;

    #[test]
    fn candidates_are_read_with_their_roles_and_wishes_and_bad_rows_named() {
        let parsed = parse_candidates(
            "name;email;phone;roles;wishes;experience;reserve;languages\n\
             An de Vries;an@example.nl;06 1234 5678;voorzitter|lid;12|Noord;3;nee;nl|en\n\
             ;x@example.nl;;;;;;\n\
             Piet;geen-adres;12;baas;;veel;misschien;\n\
             Kees;;;;;;ja;\n",
        )
        .unwrap();
        assert_eq!(parsed.rows, 4);
        assert_eq!(parsed.candidates.len(), 2);
        let an = &parsed.candidates[0];
        assert_eq!(an.roles, [StaffRole::Chair, StaffRole::Member]);
        assert_eq!(an.wishes, ["12", "Noord"]);
        assert_eq!(an.languages, ["nl", "en"]);
        assert_eq!(an.experience, 3);
        assert!(parsed.candidates[1].reserve);
        assert_eq!(parsed.problems[0].line, 3);
        assert!(parsed.problems[0].reason.contains("no name"));
        let piet = &parsed.problems[1].reason;
        for expected in ["e-mail", "phone", "baas", "experience", "reserve"] {
            assert!(piet.contains(expected), "{expected} in {piet}");
        }
    }
}
