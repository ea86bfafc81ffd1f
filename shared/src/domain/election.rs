//! The election's configuration for the day, as the device receives it on activation.

use facet::Facet;
use serde::{Deserialize, Serialize};

use super::{CouncilKind, Jurisdiction, SeatMethod, Timestamp};

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Election {
    pub id: String,
    pub name: String,
    pub jurisdiction: Jurisdiction,
    /// Opening time of the stations (local 07:30 in the Netherlands).
    pub opens_at: Timestamp,
    /// Closing time; no result may be published before it.
    pub closes_at: Timestamp,
    /// Offset of local time from UTC on election day, for display.
    pub utc_offset_minutes: i32,
    /// The moments at which stations report turnout, chosen by the municipality.
    pub turnout_moments: Vec<Timestamp>,
    pub lists: Vec<CandidateList>,
    pub opening_checklist: Vec<ChecklistItem>,
    /// The body elected. Elections stored before it was recorded are municipal councils.
    #[serde(default)]
    pub council: CouncilKind,
    /// Seats on the council (`kiesdag election init --seats`); none until configured, and
    /// then no seat allocation is made.
    #[serde(default)]
    pub seats: Option<u32>,
    /// The control room's phone number, shown on every screen of the chair's app for
    /// when the app is not enough (`kiesdag election init --phone`; checked by
    /// `Election::phone_number`).
    #[serde(default)]
    pub control_room_phone: Option<String>,
    /// What the station does at closing time before it closes (the doors, the unused
    /// ballots, the passes, the official report's figures). Elections stored before it
    /// was recorded get the standard list (`default_closing_checklist`).
    #[serde(default = "Election::default_closing_checklist")]
    pub closing_checklist: Vec<ChecklistItem>,
}

/// Longest phone number accepted, in characters.
pub const MAX_PHONE_CHARS: usize = 32;

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateList {
    /// The list's number on the ballot (E.1, E.2, ...).
    pub number: u32,
    pub name: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    pub id: String,
    pub label_nl: String,
    pub label_en: String,
}

impl Election {
    /// `text` as a phone number to show and dial: digits, spaces, '+', '-', '(' and
    /// ')' only, with at least 3 digits and at most `MAX_PHONE_CHARS` characters;
    /// trimmed. None when it is not one.
    #[must_use]
    pub fn phone_number(text: &str) -> Option<String> {
        let text = text.trim();
        let allowed = text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
        let digits = text.chars().filter(char::is_ascii_digit).count();
        (allowed && digits >= 3 && text.chars().count() <= MAX_PHONE_CHARS).then(|| text.to_owned())
    }

    /// How this election's seats are allocated, once the number of seats is configured.
    #[must_use]
    pub fn seat_method(&self) -> Option<SeatMethod> {
        self.seats
            .filter(|&n| n > 0)
            .map(|n| SeatMethod::for_election(self.jurisdiction, self.council, n))
    }

    /// The first turnout moment at or after `now` that is not yet reported, if any.
    #[must_use]
    pub fn next_turnout_moment(&self, now: Timestamp, reported: &[Timestamp]) -> Option<Timestamp> {
        self.turnout_moments
            .iter()
            .copied()
            .filter(|m| !reported.contains(m))
            .find(|m| *m >= now)
    }

    /// Turnout moments that have passed without a report.
    #[must_use]
    pub fn overdue_turnout_moments(
        &self,
        now: Timestamp,
        reported: &[Timestamp],
    ) -> Vec<Timestamp> {
        self.turnout_moments
            .iter()
            .copied()
            .filter(|m| *m <= now && !reported.contains(m))
            .collect()
    }

    /// The standard opening checklist (ballot box empty and sealed, materials present).
    #[must_use]
    pub fn default_checklist() -> Vec<ChecklistItem> {
        [
            ("ballot_box_empty", "Stembus is leeg", "Ballot box is empty"),
            (
                "ballot_box_sealed",
                "Stembus is verzegeld",
                "Ballot box is sealed",
            ),
            (
                "ballots_present",
                "Stembiljetten zijn aanwezig en geteld",
                "Ballot papers present and counted",
            ),
            (
                "booths_ready",
                "Stemhokjes staan klaar, met potloden",
                "Voting booths ready, with pencils",
            ),
            (
                "register_present",
                "Proces-verbaal en formulieren aanwezig",
                "Official report and forms present",
            ),
            (
                "accessible",
                "Stemlokaal is toegankelijk",
                "Voting location is accessible",
            ),
        ]
        .into_iter()
        .map(|(id, nl, en)| ChecklistItem::new(id, nl, en))
        .collect()
    }

    /// The standard closing checklist: what the station does at closing time, before it
    /// closes and counts the votes (DOMAIN.md: after 21:00 the station counts and seals
    /// passes and unused ballots; the official report holds the figures).
    #[must_use]
    pub fn default_closing_checklist() -> Vec<ChecklistItem> {
        [
            (
                "doors_closed",
                "Deur gesloten om sluitingstijd; wie in de rij stond heeft gestemd",
                "Doors closed at closing time; everyone in the queue has voted",
            ),
            (
                "unused_ballots_sealed",
                "Ongebruikte stembiljetten geteld en verzegeld",
                "Unused ballot papers counted and sealed",
            ),
            (
                "passes_sealed",
                "Stempassen, volmachtbewijzen en kiezerspassen geteld en verzegeld",
                "Poll cards, proxy certificates and voter cards counted and sealed",
            ),
            (
                "report_figures",
                "Aantallen ingevuld in het proces-verbaal",
                "Figures filled in on the official report",
            ),
        ]
        .into_iter()
        .map(|(id, nl, en)| ChecklistItem::new(id, nl, en))
        .collect()
    }
}

impl ChecklistItem {
    fn new(id: &str, label_nl: &str, label_en: &str) -> Self {
        Self {
            id: id.to_owned(),
            label_nl: label_nl.to_owned(),
            label_en: label_en.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn election(moments: &[i64]) -> Election {
        Election {
            id: "e".into(),
            name: "e".into(),
            jurisdiction: Jurisdiction::Netherlands,
            opens_at: Timestamp(0),
            closes_at: Timestamp(1000),
            utc_offset_minutes: 60,
            turnout_moments: moments.iter().copied().map(Timestamp).collect(),
            lists: vec![],
            opening_checklist: Election::default_checklist(),
            council: Default::default(),
            seats: None,
            control_room_phone: None,
            closing_checklist: Election::default_closing_checklist(),
        }
    }

    #[test]
    fn phone_numbers_are_digits_and_dialling_signs_only() {
        assert_eq!(
            Election::phone_number(" 010 - 123 45 67 "),
            Some("010 - 123 45 67".to_owned())
        );
        assert_eq!(
            Election::phone_number("+32 (0)9 123 45 67"),
            Some("+32 (0)9 123 45 67".to_owned())
        );
        for bad in ["", "12", "call 0101234567", "<script>", &"1".repeat(33)] {
            assert_eq!(Election::phone_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn next_moment_skips_reported_ones() {
        let e = election(&[100, 200, 300]);
        assert_eq!(
            e.next_turnout_moment(Timestamp(50), &[]),
            Some(Timestamp(100))
        );
        assert_eq!(
            e.next_turnout_moment(Timestamp(150), &[Timestamp(200)]),
            Some(Timestamp(300))
        );
        assert_eq!(e.next_turnout_moment(Timestamp(301), &[]), None);
    }

    #[test]
    fn stored_elections_without_council_or_seats_still_load() {
        let mut json = serde_json::to_value(election(&[100])).unwrap();
        let object = json.as_object_mut().unwrap();
        object.remove("council");
        object.remove("seats");
        object.remove("control_room_phone");
        object.remove("closing_checklist");
        let e: Election = serde_json::from_value(json).unwrap();
        assert_eq!((e.council, e.seats), (CouncilKind::Municipal, None));
        assert_eq!(e.control_room_phone, None);
        assert_eq!(e.closing_checklist, Election::default_closing_checklist());
        assert_eq!(e.seat_method(), None);
        let e = Election {
            seats: Some(9),
            ..e
        };
        assert_eq!(e.seat_method(), Some(SeatMethod::QuotaLargestRemainders));
    }

    #[test]
    fn the_checklists_speak_dutch_and_english_and_their_ids_do_not_clash() {
        let opening = Election::default_checklist();
        let closing = Election::default_closing_checklist();
        assert!(!closing.is_empty());
        for item in opening.iter().chain(&closing) {
            assert!(
                !item.label_nl.is_empty() && item.label_nl != item.label_en,
                "{item:?}"
            );
        }
        assert!(closing.iter().all(|c| opening.iter().all(|o| o.id != c.id)));
    }

    #[test]
    fn overdue_moments_are_past_and_unreported() {
        let e = election(&[100, 200, 300]);
        assert_eq!(
            e.overdue_turnout_moments(Timestamp(250), &[Timestamp(100)]),
            vec![Timestamp(200)]
        );
    }
}
