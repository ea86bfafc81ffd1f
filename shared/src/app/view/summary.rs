//! The day's summary: every report this device made today, with its key figures and
//! whether the municipality received it. The paper fallback when a device fails: the
//! chair prints or photographs it during the day, and the control room reads it back.

use super::{DaySummaryView, FigureView, SummaryReportView, Texts};
use crate::app::{Model, sync::OperationState};
use crate::domain::{CandidateList, PresenceReport, Report, TurnoutMoment, Urgency};
use crate::validation::Language;

pub(super) fn summary(model: &Model, t: &Texts) -> DaySummaryView {
    let device = model.device.as_ref();
    let lists = device.map_or(&[][..], |d| d.election.lists.as_slice());
    let reports: Vec<SummaryReportView> = model
        .local
        .report_log
        .iter()
        .map(|logged| {
            let state = state_of(model, logged.seq);
            SummaryReportView {
                seq: logged.seq,
                at: t.time(logged.recorded_at),
                kind: logged.report.kind().to_owned(),
                label: t.report_kind(logged.report.kind()),
                figures: figures(&logged.report, t, lists),
                received: state == OperationState::Confirmed,
                state,
                state_label: t.state(state),
            }
        })
        .collect();
    let not_received = reports.iter().filter(|r| !r.received).count();
    let printed_at = model.election_now().map_or_else(String::new, |now| {
        let (date, time) = (now.local_date(t.offset), t.time(now));
        match t.language {
            Language::Dutch => format!("Afgedrukt op {date} om {time}"),
            Language::English => format!("Printed on {date} at {time}"),
        }
    });
    let phone = device.and_then(|d| d.election.control_room_phone.clone());
    let note = match (not_received, t.language, phone) {
        (0, Language::Dutch, _) => "De gemeente heeft elke melding hierboven ontvangen.".to_owned(),
        (0, Language::English, _) => "The municipality has received every report above.".to_owned(),
        (n, Language::Dutch, Some(phone)) => {
            format!("{n} melding(en) nog niet ontvangen: geef ze door aan de regiekamer ({phone}).")
        }
        (n, Language::Dutch, None) => {
            format!("{n} melding(en) nog niet ontvangen: geef ze door aan de regiekamer.")
        }
        (n, Language::English, Some(phone)) => {
            format!("{n} report(s) not yet received: pass them on to the control room ({phone}).")
        }
        (n, Language::English, None) => {
            format!("{n} report(s) not yet received: pass them on to the control room.")
        }
    };
    DaySummaryView {
        title: t.pick(
            "Overzicht van de meldingen van vandaag",
            "Summary of today's reports",
        ),
        station: device.map_or_else(String::new, |d| {
            let name = t.pick("Stembureau", "Polling station");
            format!(
                "{name} {} {}, {}, {}",
                d.station.number,
                d.station.name,
                d.station.location.name,
                d.station.location.address
            )
        }),
        election: device.map_or_else(String::new, |d| d.election.name.clone()),
        printed_at,
        device_id: model.device_id.map(|d| d.to_string()).unwrap_or_default(),
        received: u32::try_from(reports.len() - not_received).unwrap_or(u32::MAX),
        not_received: u32::try_from(not_received).unwrap_or(u32::MAX),
        note,
        reports,
    }
}

/// A logged report's state: refused, still on its way, or received.
fn state_of(model: &Model, seq: u64) -> OperationState {
    if model.local.rejected.iter().any(|r| r.seq == seq) {
        return OperationState::Rejected;
    }
    model
        .outbox
        .get(seq)
        .map_or(OperationState::Confirmed, |e| e.state)
}

/// A list as the result screen names it: "Lijst 1: VVD", or "Lijst 1" while the
/// election does not name it.
fn list_label(number: u32, lists: &[CandidateList], language: Language) -> String {
    let word = match language {
        Language::Dutch => "Lijst",
        Language::English => "List",
    };
    match lists.iter().find(|l| l.number == number) {
        Some(list) if !list.name.trim().is_empty() => format!("{word} {number}: {}", list.name),
        _ => format!("{word} {number}"),
    }
}

/// The figures a control room needs to read a report back, in the chair's language.
fn figures(report: &Report, t: &Texts, lists: &[CandidateList]) -> Vec<FigureView> {
    let figure = |dutch: &str, english: &str, value: String| FigureView {
        label: t.pick(dutch, english),
        value,
    };
    let names = |list: &mut dyn Iterator<Item = &str>| list.collect::<Vec<_>>().join(", ");
    match report {
        Report::Opening(o) => vec![
            figure(
                "Leden aanwezig",
                "Members present",
                o.members_present.len().to_string(),
            ),
            figure(
                "Namen",
                "Names",
                names(&mut o.members_present.iter().map(|m| m.name.as_str())),
            ),
        ],
        Report::Presence(PresenceReport::Arrived(m)) => {
            vec![figure("Aangekomen", "Arrived", m.name.clone())]
        }
        Report::Presence(PresenceReport::Departed { name }) => {
            vec![figure("Vertrokken", "Left", name.clone())]
        }
        Report::Presence(PresenceReport::ShiftChange { leaving, arriving }) => vec![
            figure(
                "Vertrokken",
                "Left",
                names(&mut leaving.iter().map(String::as_str)),
            ),
            figure(
                "Aangekomen",
                "Arrived",
                names(&mut arriving.iter().map(|m| m.name.as_str())),
            ),
        ],
        Report::BallotStock(s) => vec![
            figure("Ontvangen", "Received", s.received.to_string()),
            figure("Over", "Remaining", s.remaining.to_string()),
        ],
        Report::ResupplyRequest(r) => {
            let urgency = match r.urgency {
                Urgency::Normal => t.pick("normaal", "normal"),
                Urgency::High => t.pick("hoog", "high"),
                Urgency::Critical => t.pick("kritiek", "critical"),
            };
            let mut list = vec![
                figure("Aantal", "Quantity", r.quantity.to_string()),
                figure("Urgentie", "Urgency", urgency),
            ];
            if !r.note.is_empty() {
                list.push(figure("Toelichting", "Note", r.note.clone()));
            }
            list
        }
        Report::Turnout(turnout) => {
            let moment = match turnout.moment {
                TurnoutMoment::Scheduled(m) => t.time(m),
                TurnoutMoment::AdHoc => t.pick("tussentijds", "ad hoc"),
            };
            let mut list = vec![
                figure("Opkomst", "Turnout", turnout.count.to_string()),
                figure("Moment", "Moment", moment),
            ];
            if let Some(reason) = &turnout.correction_reason {
                list.push(figure("Correctie", "Correction", reason.clone()));
            }
            list
        }
        Report::Incident(i) => vec![figure("Melding", "Incident", i.text.clone())],
        Report::IncidentMessage(m) => vec![figure("Bericht", "Message", m.text.clone())],
        Report::Closing(c) => vec![figure(
            "Kiezers in de rij bij sluiting",
            "Voters in the queue at closing",
            c.voters_in_queue_at_close.to_string(),
        )],
        Report::Queue(q) => vec![figure(
            "Wachtrij",
            "Queue",
            q.length.describe(t.language == Language::Dutch),
        )],
        Report::ProvisionalResult(r) => {
            let mut list = vec![
                figure(
                    "Toegelaten kiezers (D)",
                    "Admitted voters (D)",
                    r.voters.admitted_voters.to_string(),
                ),
                figure(
                    "Uitgebrachte stemmen (H)",
                    "Votes cast (H)",
                    r.votes.votes_cast.to_string(),
                ),
                figure("Blanco (F)", "Blank (F)", r.votes.blank_votes.to_string()),
                figure(
                    "Ongeldig (G)",
                    "Invalid (G)",
                    r.votes.invalid_votes.to_string(),
                ),
            ];
            list.extend(r.votes.list_votes.iter().map(|v| FigureView {
                label: list_label(v.list_number, lists, t.language),
                value: v.votes.to_string(),
            }));
            list
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_named_as_the_election_names_it() {
        let lists = [
            CandidateList {
                number: 1,
                name: "GROENLINKS / Partij van de Arbeid (PvdA)".into(),
            },
            CandidateList {
                number: 2,
                name: " ".into(),
            },
        ];
        assert_eq!(
            list_label(1, &lists, Language::Dutch),
            "Lijst 1: GROENLINKS / Partij van de Arbeid (PvdA)"
        );
        assert_eq!(
            list_label(1, &lists, Language::English),
            "List 1: GROENLINKS / Partij van de Arbeid (PvdA)"
        );
        assert_eq!(list_label(2, &lists, Language::Dutch), "Lijst 2");
        assert_eq!(list_label(3, &lists, Language::English), "List 3");
    }
}
