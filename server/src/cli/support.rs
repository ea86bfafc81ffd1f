//! What the command line needs besides the library: elections from flags, the
//! printable code sheet.

use chrono::{NaiveDate, NaiveTime, Offset, TimeZone};
use chrono_tz::Tz;
use shared::domain::{CandidateList, CouncilKind, Election, Jurisdiction, Timestamp};

/// The time zone of a jurisdiction's elections.
#[must_use]
pub const fn zone(jurisdiction: Jurisdiction) -> Tz {
    match jurisdiction {
        Jurisdiction::Netherlands => chrono_tz::Europe::Amsterdam,
        Jurisdiction::Flanders => chrono_tz::Europe::Brussels,
    }
}

/// The instant of a local time on the election date.
///
/// # Errors
/// When the time is not "HH:MM" or does not exist that day.
pub fn local_instant(date: NaiveDate, time: &str, zone: Tz) -> Result<Timestamp, String> {
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .map_err(|_| format!("{time:?} is not HH:MM"))?;
    let local = zone
        .from_local_datetime(&date.and_time(time))
        .single()
        .ok_or_else(|| format!("{time} does not exist on {date}"))?;
    Ok(Timestamp(local.timestamp_millis()))
}

pub struct ElectionSpec<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub date: &'a str,
    pub jurisdiction: Jurisdiction,
    pub opens: &'a str,
    pub closes: &'a str,
    pub moments: &'a str,
    pub lists: &'a str,
    pub council: CouncilKind,
    /// Seats on the council; the seat allocation needs it.
    pub seats: Option<u32>,
    /// The control room's phone number, shown in the chair's app.
    pub control_room_phone: Option<&'a str>,
}

/// An election from command-line values.
///
/// # Errors
/// A sentence naming the value that is wrong.
pub fn election(spec: &ElectionSpec<'_>) -> Result<Election, String> {
    let date = NaiveDate::parse_from_str(spec.date, "%Y-%m-%d")
        .map_err(|_| format!("{:?} is not YYYY-MM-DD", spec.date))?;
    let zone = zone(spec.jurisdiction);
    let opens_at = local_instant(date, spec.opens, zone)?;
    let closes_at = local_instant(date, spec.closes, zone)?;
    if closes_at <= opens_at {
        return Err("the polls must close after they open".into());
    }
    if spec.seats == Some(0) {
        return Err("--seats must be at least 1".into());
    }
    let turnout_moments = spec
        .moments
        .split(',')
        .filter(|m| !m.trim().is_empty())
        .map(|m| local_instant(date, m, zone))
        .collect::<Result<Vec<_>, _>>()?;
    let lists: Vec<CandidateList> = spec
        .lists
        .split(';')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(n, name)| CandidateList {
            number: u32::try_from(n + 1).unwrap_or(u32::MAX),
            name: name.to_owned(),
        })
        .collect();
    let offset = zone
        .offset_from_utc_datetime(&date.and_time(NaiveTime::MIN))
        .fix()
        .local_minus_utc()
        / 60;
    Ok(Election {
        id: spec.id.to_owned(),
        name: spec.name.to_owned(),
        jurisdiction: spec.jurisdiction,
        opens_at,
        closes_at,
        utc_offset_minutes: offset,
        turnout_moments,
        lists,
        opening_checklist: Election::default_checklist(),
        council: spec.council,
        seats: spec.seats,
        control_room_phone: spec
            .control_room_phone
            .map(|text| {
                Election::phone_number(text).ok_or_else(|| {
                    format!(
                        "--phone {text:?} is not a phone number (digits, spaces and + - ( ) only)"
                    )
                })
            })
            .transpose()?,
    })
}

/// A printable HTML sheet of activation codes, one card per station.
#[must_use]
pub fn code_sheet(title: &str, codes: &[(String, String, String)]) -> String {
    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    let mut html = format!(
        "<!doctype html><html lang=\"nl\"><meta charset=\"utf-8\"><title>{}</title>\
<style>body{{font-family:sans-serif}}.card{{border:1px dashed #444;padding:1em;margin:.5em;width:20em;display:inline-block;page-break-inside:avoid}}\
.code{{font:bold 2em monospace;letter-spacing:.1em}}</style><h1>{}</h1>",
        escape(title),
        escape(title)
    );
    for (station_id, station_name, code) in codes {
        html.push_str(&format!(
            "<div class=\"card\"><div>{}</div><div>{}</div><div class=\"code\">{}</div>\
<div>Activeringscode — eenmalig te gebruiken / Activation code — single use</div></div>",
            escape(station_id),
            escape(station_name),
            escape(code)
        ));
    }
    html.push_str("</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dutch_election_day_in_local_time() {
        let e = election(&ElectionSpec {
            id: "GR2026",
            name: "Gemeenteraad",
            date: "2026-03-18",
            jurisdiction: Jurisdiction::Netherlands,
            opens: "07:30",
            closes: "21:00",
            moments: "10:00,13:00",
            lists: "VVD; GL-PvdA ;;D66",
            council: CouncilKind::Municipal,
            seats: Some(17),
            control_room_phone: Some(" 010 123 45 67"),
        })
        .unwrap();
        assert_eq!(e.seats, Some(17));
        assert_eq!(e.control_room_phone.as_deref(), Some("010 123 45 67"));
        assert_eq!(
            e.seat_method(),
            Some(shared::domain::SeatMethod::QuotaLargestRemainders)
        );
        assert_eq!(e.opens_at.local_hh_mm(e.utc_offset_minutes), "07:30");
        assert_eq!(e.closes_at.millis() - e.opens_at.millis(), 810 * 60_000);
        assert_eq!(e.utc_offset_minutes, 60);
        assert_eq!(
            e.lists.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
            ["VVD", "GL-PvdA", "D66"]
        );
        assert_eq!(e.lists[2].number, 3);
        assert!(
            election(&ElectionSpec {
                date: "18-03-2026",
                ..spec()
            })
            .is_err()
        );
        assert!(
            election(&ElectionSpec {
                closes: "07:00",
                ..spec()
            })
            .is_err()
        );
        assert!(
            election(&ElectionSpec {
                seats: Some(0),
                ..spec()
            })
            .is_err()
        );
        assert!(
            election(&ElectionSpec {
                control_room_phone: Some("bel de gemeente"),
                ..spec()
            })
            .is_err(),
            "a phone number that is not one is refused"
        );
    }

    fn spec() -> ElectionSpec<'static> {
        ElectionSpec {
            id: "e",
            name: "e",
            date: "2026-03-18",
            jurisdiction: Jurisdiction::Netherlands,
            opens: "07:30",
            closes: "21:00",
            moments: "",
            lists: "",
            council: CouncilKind::Municipal,
            seats: None,
            control_room_phone: None,
        }
    }

    #[test]
    fn the_sheet_escapes_names() {
        let html = code_sheet(
            "Codes",
            &[("GM1-1".into(), "<b>School</b>".into(), "ABCD-EFGH".into())],
        );
        assert!(html.contains("&lt;b&gt;School&lt;/b&gt;"));
        assert!(html.contains("ABCD-EFGH"));
    }
}
