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
        closing_checklist: Election::default_closing_checklist(),
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

/// The chair's app's address for the code sheet: http(s), no query or fragment of its
/// own, ending in "/".
///
/// # Errors
/// A sentence saying why `url` cannot be used.
pub fn app_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.contains(['?', '#', '"', '<', '>', ' ']) || url.len() > 200 {
        return Err(format!(
            "--app-url {url:?} is not an http(s) address of the chair's app (like https://kiesdag.example.nl/chair/)"
        ));
    }
    Ok(if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    })
}

/// The link a station's QR code holds: the chair's app with the code filled in.
#[must_use]
pub fn activation_link(app_url: &str, code: &str) -> String {
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!("{app_url}?code={code}")
}

/// A QR code of `text` as an SVG element, or None if it does not fit one.
fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    // Inline in HTML: the element alone, without the XML declaration before it.
    svg.find("<svg").map(|start| svg[start..].to_owned())
}

/// A printable HTML sheet of activation codes, one card per station; with the chair's
/// app's address, each card has a QR code that opens the app with its code filled in.
#[must_use]
pub fn code_sheet(
    title: &str,
    codes: &[(String, String, String)],
    app_url: Option<&str>,
) -> String {
    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    let mut html = format!(
        "<!doctype html><html lang=\"nl\"><meta charset=\"utf-8\"><title>{}</title>\
<style>body{{font-family:sans-serif}}.card{{border:1px dashed #444;padding:1em;margin:.5em;width:20em;display:inline-block;page-break-inside:avoid}}\
.code{{font:bold 2em monospace;letter-spacing:.1em}}.qr svg{{width:10em;height:10em}}.link{{font:.8em monospace;word-break:break-all}}</style><h1>{}</h1>",
        escape(title),
        escape(title)
    );
    for (station_id, station_name, code) in codes {
        let qr = app_url
            .map(|url| activation_link(url, code))
            .and_then(|link| {
                qr_svg(&link).map(|svg| {
                    format!(
                        "<div class=\"qr\">{svg}</div><div>Scan met de camera van het apparaat / Scan with the device's camera</div><div class=\"link\">{}</div>",
                        escape(&link)
                    )
                })
            })
            .unwrap_or_default();
        html.push_str(&format!(
            "<div class=\"card\"><div>{}</div><div>{}</div><div class=\"code\">{}</div>\
<div>Activeringscode — eenmalig te gebruiken / Activation code — single use</div>{qr}</div>",
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
            None,
        );
        assert!(html.contains("&lt;b&gt;School&lt;/b&gt;"));
        assert!(html.contains("ABCD-EFGH"));
        assert!(
            !html.contains("<svg"),
            "no QR code without the app's address"
        );
    }

    /// With the app's address, each card's QR code opens the chair's app with the
    /// station's code filled in: nobody types an address or a code.
    #[test]
    fn the_sheet_carries_a_qr_code_of_the_apps_address_with_the_code() {
        let url = app_url("https://kiesdag.example.nl/chair").unwrap();
        assert_eq!(url, "https://kiesdag.example.nl/chair/");
        let html = code_sheet(
            "Codes",
            &[("GM1-1".into(), "School".into(), "ABCD-EFGH".into())],
            Some(&url),
        );
        assert!(html.contains("https://kiesdag.example.nl/chair/?code=ABCD-EFGH"));
        assert_eq!(html.matches("<svg").count(), 1);
        assert!(!html.contains("<?xml"));
        assert_eq!(
            activation_link(&url, "AB\"><CD"),
            "https://kiesdag.example.nl/chair/?code=ABCD",
            "only a code's own characters go into the link"
        );
        for bad in [
            "kiesdag.example.nl/chair",
            "javascript:alert(1)",
            "https://x/?a=1",
            "https://x/ y",
        ] {
            assert!(app_url(bad).is_err(), "{bad}");
        }
    }
}
