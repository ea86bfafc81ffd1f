//! Personal texts: the names and free texts held in the domain's types, which may name
//! a person (a member's name, an incident's text, who in the control room took an
//! incident). The register of what is kept, and why, is `docs/privacy.md`; this is
//! where code finds those texts, to keep them out of the audit chain and to erase
//! them when an election's retention ends. Figures, ids and rule codes are never
//! personal and are never visited.

use super::{PresenceReport, Report, StaffMember, Station, StationDay};

/// What an erased text reads as afterwards.
pub const ERASED: &str = "[gewist]";

/// A value that may hold personal texts.
pub trait PersonalTexts {
    /// Calls `visit` on every text in `self` that is or may be personal data, empty
    /// ones included.
    fn visit_personal_texts(&mut self, visit: &mut dyn FnMut(&mut String));

    /// Calls `visit` on every staff username in `self` (who took an incident, who
    /// handled an alert): the texts an erased staff user is named by.
    fn visit_usernames(&mut self, _visit: &mut dyn FnMut(&mut String)) {}

    /// Replaces every non-empty personal text with `ERASED`; returns how many changed.
    fn erase_personal_texts(&mut self) -> usize {
        let mut erased = 0;
        self.visit_personal_texts(&mut |text| {
            if !text.is_empty() && text != ERASED {
                ERASED.clone_into(text);
                erased += 1;
            }
        });
        erased
    }

    /// The non-empty personal texts, in the order they are visited.
    fn personal_texts(&self) -> Vec<String>
    where
        Self: Clone,
    {
        let mut found = Vec::new();
        self.clone().visit_personal_texts(&mut |text| {
            if !text.is_empty() {
                found.push(text.clone());
            }
        });
        found
    }
}

/// One text that names a person (a candidate's id in an audit entry).
impl PersonalTexts for String {
    fn visit_personal_texts(&mut self, visit: &mut dyn FnMut(&mut String)) {
        visit(self);
    }
}

impl PersonalTexts for StaffMember {
    fn visit_personal_texts(&mut self, visit: &mut dyn FnMut(&mut String)) {
        visit(&mut self.name);
    }
}

impl<T: PersonalTexts> PersonalTexts for Vec<T> {
    fn visit_personal_texts(&mut self, visit: &mut dyn FnMut(&mut String)) {
        for item in self {
            item.visit_personal_texts(visit);
        }
    }
}

impl PersonalTexts for Report {
    fn visit_personal_texts(&mut self, visit: &mut dyn FnMut(&mut String)) {
        match self {
            Self::Opening(r) => r.members_present.visit_personal_texts(visit),
            Self::Presence(PresenceReport::Arrived(member)) => member.visit_personal_texts(visit),
            Self::Presence(PresenceReport::Departed { name }) => visit(name),
            Self::Presence(PresenceReport::ShiftChange { leaving, arriving }) => {
                leaving.iter_mut().for_each(&mut *visit);
                arriving.visit_personal_texts(visit);
            }
            Self::ResupplyRequest(r) => visit(&mut r.note),
            Self::Turnout(r) => {
                if let Some(reason) = r.correction_reason.as_mut() {
                    visit(reason);
                }
            }
            Self::Incident(r) => visit(&mut r.text),
            Self::IncidentMessage(m) => visit(&mut m.text),
            Self::ProvisionalResult(r) => visit(&mut r.explanation),
            Self::BallotStock(_) | Self::Closing(_) | Self::Queue(_) => {}
        }
    }
}

impl PersonalTexts for StationDay {
    fn visit_personal_texts(&mut self, visit: &mut dyn FnMut(&mut String)) {
        self.members_present.visit_personal_texts(visit);
        if let Some((_, reason)) = self.turnout_correction.as_mut() {
            visit(reason);
        }
        if let Some(result) = self.result.as_mut() {
            visit(&mut result.explanation);
        }
        for handling in &mut self.alerts_handled {
            visit(&mut handling.by);
        }
    }

    fn visit_usernames(&mut self, visit: &mut dyn FnMut(&mut String)) {
        for handling in &mut self.alerts_handled {
            visit(&mut handling.by);
        }
    }
}

impl PersonalTexts for Station {
    fn visit_personal_texts(&mut self, visit: &mut dyn FnMut(&mut String)) {
        self.planned_staff.visit_personal_texts(visit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AlertHandling, AlertKind, AlertStatus, StaffRole, Timestamp};

    fn member(name: &str) -> StaffMember {
        StaffMember {
            name: name.into(),
            role: StaffRole::Member,
        }
    }

    #[test]
    fn erasing_a_day_leaves_no_name_and_keeps_every_figure() {
        let mut day = StationDay {
            members_present: vec![member("Anna de Vries"), member("Bram Peters")],
            turnout_correction: Some((Timestamp(5), "Anna telde dubbel".into())),
            latest_turnout: Some((Timestamp(5), 120)),
            resupply_requested: 200,
            alerts_handled: vec![AlertHandling {
                kind: AlertKind::DeviceSilent,
                status: AlertStatus::Acknowledged,
                by: "fatima".into(),
                at: Timestamp(9),
                detail: "Geen contact sinds 14:05".into(),
                situation: "abc".into(),
            }],
            ..StationDay::default()
        };
        let before = day.clone();
        assert_eq!(day.erase_personal_texts(), 4);
        let text = serde_json::to_string(&day).unwrap();
        for name in ["Anna", "Bram", "fatima"] {
            assert!(!text.contains(name), "{name} in {text}");
        }
        assert_eq!(day.latest_turnout, before.latest_turnout);
        assert_eq!(day.resupply_requested, 200);
        assert_eq!(
            day.members_present.len(),
            2,
            "how many were present is kept"
        );
        assert_eq!(
            day.alerts_handled[0].detail,
            before.alerts_handled[0].detail
        );
        assert_eq!(
            day.erase_personal_texts(),
            0,
            "erasing twice changes nothing"
        );
    }

    #[test]
    fn a_shift_change_names_both_shifts() {
        let mut report = Report::Presence(PresenceReport::ShiftChange {
            leaving: vec!["Carla".into()],
            arriving: vec![member("Daan")],
        });
        assert_eq!(report.personal_texts(), ["Carla", "Daan"]);
        report.erase_personal_texts();
        assert!(report.personal_texts().iter().all(|t| t == ERASED));
    }
}
