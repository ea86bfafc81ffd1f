//! The chair's taps: drafts edited in place, and reports submitted through one
//! pipeline: show the tap was received, read the clock, validate with the shared
//! rules, ask for confirmation of warnings, then record the operation.

use crux_core::{Command, render::render};

use super::{
    Effect, Event, Internal, Model, Screen,
    effects::clock,
    engine,
    model::{Notice, PendingConfirmation},
    persist,
};
use crate::domain::{
    BallotStockReport, ClosingReport, IncidentMessage, IncidentReport, OpeningReport,
    PresenceReport, QueueLength, QueueReport, Report, ResupplyRequest, StaffMember, Timestamp,
    TurnoutReport,
};
use crate::protocol::{Operation, operation_id};
use crate::validation::{self, Context, Issue, Language};

pub(super) fn handle(event: Event, model: &mut Model) -> Command<Effect, Event> {
    let report = match event {
        Event::ToggleChecklistItem { item_id } => {
            toggle(&mut model.local.checklist_done, item_id);
            return draft_changed(model);
        }
        Event::ToggleClosingItem { item_id } => {
            toggle(&mut model.local.closing_done, item_id);
            return draft_changed(model);
        }
        Event::AddMember { name, role } => {
            let name = name.trim().to_owned();
            if !name.is_empty() && !model.local.members_draft.iter().any(|m| m.name == name) {
                model.local.members_draft.push(StaffMember { name, role });
            }
            return draft_changed(model);
        }
        Event::RemoveMember { name } => {
            model.local.members_draft.retain(|m| m.name != name);
            return draft_changed(model);
        }
        Event::EditResult(result) => {
            model.local.result_draft = result;
            model.result_issues = model.live_result_issues();
            return draft_changed(model);
        }
        Event::OpenStation => Report::Opening(OpeningReport {
            checklist_done: model.local.checklist_done.clone(),
            members_present: model.local.members_draft.clone(),
        }),
        Event::MemberArrived { name, role } => {
            Report::Presence(PresenceReport::Arrived(StaffMember {
                name: name.trim().to_owned(),
                role,
            }))
        }
        Event::MemberDeparted { name } => Report::Presence(PresenceReport::Departed { name }),
        Event::ShiftChange { leaving, arriving } => {
            Report::Presence(PresenceReport::ShiftChange { leaving, arriving })
        }
        Event::ReportBallotStock {
            received,
            remaining,
        } => Report::BallotStock(BallotStockReport {
            received,
            remaining,
        }),
        Event::RequestResupply {
            quantity,
            urgency,
            note,
        } => Report::ResupplyRequest(ResupplyRequest {
            quantity,
            urgency,
            note,
        }),
        Event::ReportTurnout {
            count,
            moment,
            correction_reason,
        } => Report::Turnout(TurnoutReport {
            count,
            moment,
            correction_reason,
        }),
        Event::ReportQueue { length } => Report::Queue(QueueReport {
            // "About 0 minutes" is no queue.
            length: match length {
                QueueLength::Minutes(0) => QueueLength::None,
                other => other,
            },
        }),
        Event::ReportIncident {
            category,
            severity,
            text,
        } => Report::Incident(IncidentReport {
            // The id is the operation's, given when it is recorded.
            incident_id: String::new(),
            category,
            severity,
            text,
        }),
        Event::SendIncidentMessage { incident_id, text } => {
            Report::IncidentMessage(IncidentMessage { incident_id, text })
        }
        Event::CloseStation {
            voters_in_queue_at_close,
        } => Report::Closing(ClosingReport {
            voters_in_queue_at_close,
        }),
        Event::SubmitResult => Report::ProvisionalResult(model.local.result_draft.clone()),
        Event::ConfirmWarnings => {
            let Some(pending) = model.pending_confirmation.take() else {
                return render();
            };
            let confirmed = pending
                .warnings
                .iter()
                .map(|w| w.code().to_owned())
                .collect();
            return begin(model, pending.report, confirmed);
        }
        Event::CancelConfirmation => {
            model.pending_confirmation = None;
            return render();
        }
        _ => return Command::done(),
    };
    begin(model, report, Vec::new())
}

fn toggle(done: &mut Vec<String>, item_id: String) {
    if let Some(at) = done.iter().position(|i| *i == item_id) {
        done.remove(at);
    } else {
        done.push(item_id);
    }
}

fn draft_changed(model: &mut Model) -> Command<Effect, Event> {
    Command::all([persist::day(model), render()])
}

/// Shows at once that the tap was received, then reads the clock.
fn begin(model: &mut Model, report: Report, confirmed: Vec<String>) -> Command<Effect, Event> {
    if model.device.is_none() {
        model.notice = Some(Notice {
            is_error: true,
            text: not_activated(model),
        });
        return render();
    }
    if model.lifecycle.storage_unreadable() {
        let text = match model.local.language {
            Language::Dutch => {
                "De opgeslagen gegevens waren niet leesbaar. Nieuwe meldingen wachten tot de server bereikt is; niets gaat verloren."
            }
            Language::English => {
                "The stored data could not be read. New reports wait until the server is reached; nothing is lost."
            }
        };
        model.notice = Some(Notice {
            is_error: true,
            text: text.into(),
        });
        return render();
    }
    model.busy += 1;
    model.issues.clear();
    Command::all([
        render(),
        clock::now(move |now| {
            Event::Internal(Internal::Submit {
                report,
                confirmed,
                now,
            })
        }),
    ])
}

/// Validates the report at `now` and, if it may go, records it as an operation.
pub(super) fn submit(
    model: &mut Model,
    mut report: Report,
    confirmed: Vec<String>,
    now: Option<Timestamp>,
) -> Command<Effect, Event> {
    model.busy = model.busy.saturating_sub(1);
    let Some(device) = model.device.as_ref() else {
        return render();
    };
    let Some(device_id) = model.device_id else {
        return render();
    };
    let device_now = now.or(model.now).unwrap_or_default();
    model.now = Some(device_now);
    // Validated and stamped by the server's clock when the device's is off by more
    // than CLOCK_TOLERANCE_MS, so that the server does not refuse the report.
    let now = model.corrected(device_now);
    let seq = model.local.next_seq;
    let id = operation_id(&device_id, seq, now);
    if let Report::Incident(incident) = &mut report
        && incident.incident_id.is_empty()
    {
        incident.incident_id = id.to_string();
    }

    let day = model.projected_day();
    let ctx = Context {
        election: &device.election,
        station: &device.station,
        day: &day,
        now,
    };
    let mut outcome = validation::validate(&report, &ctx);
    if matches!(report, Report::Closing(_)) {
        // The closing checklist is the device's own: the report does not carry it.
        outcome.issues.extend(validation::closing_checklist_issue(
            &device.election,
            &model.local.closing_done,
        ));
    }
    let language = model.local.language;
    if let Err(phase) = day.check(&report, now) {
        model.notice = Some(Notice {
            is_error: true,
            text: phase_message(&phase, language),
        });
        model.issues = outcome.issues;
        return render();
    }
    if outcome.has_errors() {
        let text = match language {
            Language::Dutch => "Niet verzonden: verbeter eerst wat hieronder staat.",
            Language::English => "Not sent: first correct what is listed below.",
        };
        model.notice = Some(Notice {
            is_error: true,
            text: text.to_owned(),
        });
        model.issues = outcome.issues;
        return render();
    }
    let unconfirmed: Vec<Issue> = outcome.unconfirmed_warnings(&confirmed).cloned().collect();
    if !unconfirmed.is_empty() {
        model.pending_confirmation = Some(PendingConfirmation {
            report,
            warnings: unconfirmed,
        });
        return render();
    }

    let Some(next_seq) = seq.checked_add(1) else {
        // The server said it processed sequence numbers up to the last one there is:
        // no report can be numbered after it.
        let text = match language {
            Language::Dutch => "Dit apparaat kan geen meldingen meer nummeren. Bel de regiekamer.",
            Language::English => {
                "This device cannot number any more reports. Call the control room."
            }
        };
        model.notice = Some(Notice {
            is_error: true,
            text: text.to_owned(),
        });
        return render();
    };
    let station_id = device.station.id.clone();
    model.local.next_seq = next_seq;
    let operation = Operation {
        id,
        device_seq: seq,
        station_id,
        recorded_at: now,
        report,
        confirmed_warnings: confirmed,
    };
    after_recorded(model, &operation);
    Command::all([engine::record(model, operation), render()])
}

/// What the app does for the chair once a report is made: clear its draft, go on.
fn after_recorded(model: &mut Model, operation: &Operation) {
    model.notice = None;
    model.issues.clear();
    match &operation.report {
        Report::Opening(_) => model.screen = Screen::Day,
        Report::Closing(_) => model.screen = Screen::Result,
        Report::ProvisionalResult(_) => model.screen = Screen::Sync,
        _ => {}
    }
}

fn not_activated(model: &Model) -> String {
    match model.local.language {
        Language::Dutch => "Activeer eerst dit apparaat met de code van de gemeente.".into(),
        Language::English => "Activate this device with the municipality's code first.".into(),
    }
}

fn phase_message(error: &crate::domain::TransitionError, language: Language) -> String {
    crate::protocol::transition_message(error, language).to_owned()
}
