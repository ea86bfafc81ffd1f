//! The sync engine: the one place that decides what happens to an operation, from the
//! moment the chair's report is recorded until the server confirms or refuses it.
//!
//! - **restored**: at start, the outbox is read back from storage; operations the
//!   stored state missed are applied again, finished ones' keys removed again.
//! - **recorded**: a new operation is being saved; it is written to its own key.
//! - **stored**: its write is answered; stored operations that follow the applied
//!   ones without a gap are applied to the local state and may be sent.
//! - **acknowledged** or **refused**: the server finished it; the confirmed state
//!   moves on, or the local state is rebuilt without it.
//! - **welcome**: the server's state at the start of a session becomes the confirmed
//!   state, with our unprocessed operations on top, and the outbox is sent again.
//!
//! It routes the connection's events and the server's messages. `persist` and
//! `session` build the effects for storage and for the connection; they do not know
//! each other, nor this module.

use crux_core::{Command, render::render};
use uuid::Uuid;

use super::{
    Effect, Event, Internal, Model, Screen,
    effects::{
        clock,
        storage::{self, Stored},
        websocket::WebSocketEvent,
    },
    model::{LocalState, Notice},
    persist, session,
    sync::{AckOutcome, OperationState},
};
use crate::domain::{StationDay, StationPhase, Timestamp};
use crate::protocol::{self, Operation, Refusal, ServerMessage};

/// The app started: read everything stored, and the clock.
pub(super) fn start(model: &mut Model) -> Command<Effect, Event> {
    if model.lifecycle.is_restored() {
        return render();
    }
    Command::all([
        render(),
        persist::read_all(),
        clock::now(|now| Event::Internal(Internal::Clock(now))),
    ])
}

/// Rebuilds the model from what was stored: the device, the local state, and every
/// operation not yet confirmed (applied again where the stored state missed it).
pub(super) fn restored(model: &mut Model, stored: Stored) -> Command<Effect, Event> {
    if model.lifecycle.is_restored() {
        return Command::done();
    }
    let mut day_unreadable = false;
    let mut problems = stored.errors.clone();
    model.device = stored.device.as_deref().and_then(storage::decode);
    if stored.device.is_some() && model.device.is_none() {
        problems.push("device record unreadable".into());
    }
    match stored.day.as_deref().map(storage::decode::<LocalState>) {
        Some(Some(local)) => model.local = local,
        Some(None) => {
            problems.push("day record unreadable".into());
            day_unreadable = true;
        }
        None if stored.errors.is_empty() => {}
        // The read itself failed: the record may exist, so it must not be overwritten.
        None => day_unreadable = true,
    }
    let mut commands = Vec::new();
    let mut needs_write = false;
    if !day_unreadable {
        // A record written by an older version may number past what reached storage
        // (it saved the counter before the operation it numbered, which the app's
        // kill then lost): numbers no operation in storage has were never sent, and
        // are given again so that the server, waiting for each in turn, gets them all.
        // The operations read below raise it again to after the last stored.
        let numbered = model.local.numbered_through();
        model.local.next_seq = model.local.next_seq.min(numbered.saturating_add(1));
    }
    for bytes in &stored.outbox {
        let Some(op) = storage::decode::<Operation>(bytes) else {
            problems.push("an outbox entry is unreadable".into());
            continue;
        };
        model.local.next_seq = model.local.next_seq.max(op.device_seq.saturating_add(1));
        let already_confirmed = op.device_seq <= model.local.confirmed_through
            || model.local.parked.iter().any(|p| p.id == op.id)
            || model.local.rejected.iter().any(|r| r.seq == op.device_seq);
        if already_confirmed {
            // A late write brought back a finished operation's key: remove it again.
            commands.push(persist::delete_key(op.device_seq));
            continue;
        }
        if op.device_seq > model.local.applied_through {
            model.local.apply(&op);
            needs_write = true;
        }
        model.outbox.insert_restored(op);
    }
    model.device_id = Some(
        model
            .device
            .as_ref()
            .map_or_else(Uuid::new_v4, |d| d.device_id),
    );
    model.lifecycle.restored(day_unreadable);
    model.screen = initial_screen(model);
    model.result_issues = model.live_result_issues();
    if !problems.is_empty() {
        model.notice = Some(Notice {
            is_error: true,
            text: problems.join("; "),
        });
    }
    commands.push(session::start_ticking(model));
    commands.push(render());
    if needs_write {
        commands.push(persist::day(model));
    }
    if model.device.is_some() {
        commands.push(session::connect(model));
    }
    Command::all(commands)
}

fn initial_screen(model: &Model) -> Screen {
    if model.device.is_none() {
        return Screen::Activation;
    }
    match model.local.day.phase {
        StationPhase::Setup => Screen::Opening,
        StationPhase::Open => Screen::Day,
        StationPhase::Closed => Screen::Result,
        StationPhase::ResultSubmitted => Screen::Sync,
    }
}

/// A new operation: into the outbox, being saved, and written to its key once every
/// earlier one is stored (`persist::write_first_saving`).
pub(super) fn record(model: &mut Model, operation: Operation) -> Command<Effect, Event> {
    model.outbox.insert_saving(operation);
    persist::write_first_saving(model)
}

/// An operation's write was answered. Once stored it is pending, and every stored
/// operation that follows the applied ones without a gap is applied to the local state.
pub(super) fn operation_stored(
    model: &mut Model,
    seq: u64,
    result: Result<(), String>,
) -> Command<Effect, Event> {
    persist::write_answered(model, seq);
    let state = model.outbox.get(seq).map(|e| e.state);
    if let Err(error) = result {
        // Written again on the next tick while still being saved.
        return persist::storage_result(model, Err(error));
    }
    match state {
        Some(OperationState::Saving) => {}
        // Already stored by an earlier write.
        Some(_) => return Command::done(),
        // Finished meanwhile: this late write brought its key back; remove it.
        None => return persist::delete_key(seq),
    }
    model.outbox.mark_stored(seq);
    let to_apply: Vec<Operation> = model
        .outbox
        .unfinished()
        .filter(|e| e.operation.device_seq > model.local.applied_through)
        .take_while(|e| e.state != OperationState::Saving)
        .map(|e| e.operation.clone())
        .collect();
    for op in &to_apply {
        model.local.apply(op);
    }
    Command::all([
        persist::write_first_saving(model),
        persist::day(model),
        session::send_pending(model),
        render(),
    ])
}

/// The clock answered: retry writes, check the connection's health, heartbeat.
pub(super) fn clock(model: &mut Model, now: Option<Timestamp>) -> Command<Effect, Event> {
    let Some(now) = now else {
        return Command::done();
    };
    model.now = Some(now);
    Command::all([
        persist::retry_writes(model),
        render(),
        session::check_health(model, now),
    ])
}

/// An event of connection `generation`; those of older connections are ignored.
pub(super) fn socket(
    model: &mut Model,
    generation: u64,
    event: WebSocketEvent,
) -> Command<Effect, Event> {
    if generation != model.generation {
        return Command::done();
    }
    match event {
        WebSocketEvent::Opened => session::opened(model),
        WebSocketEvent::Text { text } => {
            let was_silent = session::heard(model);
            match protocol::decode_server(&text) {
                Ok(message) if was_silent => {
                    Command::all([server_message(model, message), render()])
                }
                Ok(message) => server_message(model, message),
                Err(error) => session::unreadable(model, &error),
            }
        }
        WebSocketEvent::Closed { .. } | WebSocketEvent::Failed { .. } => session::closed(model),
    }
}

fn server_message(model: &mut Model, message: ServerMessage) -> Command<Effect, Event> {
    match message {
        ServerMessage::Activated {
            device_token,
            election,
            station,
        } => match session::activated(model, device_token, election, station) {
            Some(hello) => Command::all([persist::device(model), hello, render()]),
            None => Command::done(),
        },
        ServerMessage::Welcome {
            last_processed_seq,
            server_time,
            election,
            station,
            day,
        } => {
            let welcome = welcome(model, last_processed_seq, day, server_time);
            match model.device.as_mut() {
                Some(device) if device.election != election || device.station != station => {
                    device.election = election;
                    device.station = station;
                    Command::all([welcome, persist::device(model)])
                }
                _ => welcome,
            }
        }
        ServerMessage::Ack {
            operation_id,
            device_seq,
            event_seq: _,
        } => finished(model, operation_id, device_seq, None),
        ServerMessage::Reject {
            operation_id,
            device_seq,
            code,
            message,
            fields,
        } => finished(
            model,
            operation_id,
            device_seq,
            Some(Refusal {
                code,
                fields,
                message,
            }),
        ),
        ServerMessage::Message(message) => {
            if !model.local.receive_message(message) {
                return Command::done();
            }
            model.notice = Some(Notice {
                is_error: false,
                text: model.say(
                    "Nieuw bericht van de regiekamer.",
                    "New message from the control room.",
                ),
            });
            Command::all([persist::day(model), render()])
        }
        ServerMessage::IncidentStatus {
            incident_id,
            status,
        } => {
            model.local.set_incident_status(&incident_id, status);
            Command::all([persist::day(model), render()])
        }
        ServerMessage::Configuration { election, station } => {
            if let Some(device) = model.device.as_mut() {
                device.election = election;
                device.station = station;
            }
            Command::all([persist::device(model), render()])
        }
        ServerMessage::Heartbeat { server_time } => session::measure_clock(server_time),
        ServerMessage::Error { code, message } => session::session_error(model, code, message),
    }
}

/// The session is up. The server's state, with everything it processed of ours, is the
/// confirmed state; our unprocessed operations go on top of it and are sent again.
fn welcome(
    model: &mut Model,
    last_processed_seq: u64,
    day: StationDay,
    server_time: Timestamp,
) -> Command<Effect, Event> {
    session::welcomed(model);
    match server_behind(model, last_processed_seq) {
        // Already back in the outbox (a connection dropped while resending): they go
        // out as any unsent report, and the chair was told at the first welcome.
        Behind::No | Behind::Resending(0) => {}
        Behind::Resending(count) => {
            // Nothing is wrong on this side: the chair is told what happens, calmly.
            model.notice = Some(Notice {
                is_error: false,
                text: match model.local.language {
                    crate::validation::Language::Dutch => format!(
                        "De server is hersteld; {count} eerder ontvangen melding(en) worden opnieuw verstuurd."
                    ),
                    crate::validation::Language::English => format!(
                        "The server was restored; {count} report(s) it had received are being sent again."
                    ),
                },
            });
        }
        // The server would wait for a number this device no longer has.
        Behind::Lost => return session::reactivation_needed(model),
    }
    let unfinished: Vec<_> = model
        .outbox
        .unfinished()
        .map(|e| e.operation.clone())
        .collect();
    let refs: Vec<_> = unfinished.iter().collect();
    model
        .local
        .adopt_server_state(day, last_processed_seq, &refs);
    // The server said where the sequence stands: an unreadable `day` record may be
    // written over now.
    model.lifecycle.welcomed();
    Command::all([
        session::send_pending(model),
        persist::day(model),
        render(),
        session::measure_clock(server_time),
    ])
}

/// Whether the server holds fewer of our operations than it finished for us.
enum Behind {
    No,
    /// It does (restored from a backup): this many finished operations are back in
    /// the outbox, to be sent again in order.
    Resending(usize),
    /// It does, and this device no longer holds every one it lacks.
    Lost,
}

/// At a welcome saying the server processed our operations up to `held`: every
/// operation after it that this device saw finished is put back in the outbox (it
/// counts as unconfirmed until the server confirms it again), when the device still
/// holds them all.
fn server_behind(model: &mut Model, held: u64) -> Behind {
    let top = model.local.finished_through();
    model.local.finished_high = top;
    if top <= held {
        return Behind::No;
    }
    // Each number after `held` up to the last finished one is unfinished (in the
    // outbox: sent again anyway), or finished and kept, or no longer held.
    let unfinished = model
        .outbox
        .unfinished()
        .filter(|e| (held + 1..=top).contains(&e.operation.device_seq))
        .count();
    let lacking: Vec<Operation> = model
        .local
        .finished_ops
        .iter()
        .filter(|o| o.device_seq > held && o.device_seq <= top)
        .filter(|o| model.outbox.get(o.device_seq).is_none())
        .cloned()
        .collect();
    let covered = u64::try_from(unfinished.saturating_add(lacking.len())).unwrap_or(u64::MAX);
    if covered < top - held {
        return Behind::Lost;
    }
    // Counted and listed as they were until the server answers again (`finished`).
    for op in &lacking {
        model.outbox.insert_restored(op.clone());
    }
    // The server's state is the confirmed one again; what it lacks is on top of it.
    model.local.confirmed_through = model.local.confirmed_through.min(held);
    model.local.parked.clear();
    Behind::Resending(lacking.len())
}

/// The server acknowledged (`refusal` None) or refused one of our operations.
fn finished(
    model: &mut Model,
    id: Uuid,
    seq: u64,
    refusal: Option<Refusal>,
) -> Command<Effect, Event> {
    let Some(op) = model.outbox.get(seq).map(|e| e.operation.clone()) else {
        return Command::done();
    };
    let outcome = match &refusal {
        None => model.outbox.acknowledge(id, seq),
        Some(refusal) => model.outbox.reject(id, seq, refusal.clone()),
    };
    if outcome == AckOutcome::Unknown {
        return Command::done();
    }
    session::server_stores(model);
    // Finished before, and sent again to a server restored from a backup: it counts
    // once, and a refusal like the first is not told twice.
    let again = model.local.finished_before(seq);
    let refused_before = model.local.rejected.iter().position(|r| r.seq == seq);
    model.local.keep_finished(&op);
    match refusal {
        None => {
            acknowledged(model, &op);
            if again {
                let local = &mut model.local;
                local.confirmed_total = local.confirmed_total.saturating_sub(1);
                if let Some(at) = refused_before {
                    // Refused by the server before, taken by the restored one.
                    local.rejected.remove(at);
                    local.rejected_total = local.rejected_total.saturating_sub(1);
                    local.confirmed_total = local.confirmed_total.saturating_add(1);
                }
            }
        }
        Some(refusal) => match refused_before {
            Some(at) if again && model.local.rejected[at].code == refusal.code => {
                refused_again(model);
            }
            _ => {
                if again && refused_before.is_none() {
                    let local = &mut model.local;
                    local.confirmed_total = local.confirmed_total.saturating_sub(1);
                }
                refused(model, &op, refusal);
            }
        },
    }
    model.waiting_for_ack_since = None;
    Command::all([
        persist::forget_operation(model, seq),
        session::send_pending(model),
        render(),
    ])
}

/// It counts in the confirmed state once every earlier operation is finished.
fn acknowledged(model: &mut Model, op: &Operation) {
    let lowest_unfinished = model
        .outbox
        .unfinished()
        .next()
        .map(|e| e.operation.device_seq);
    model.local.confirm(op, lowest_unfinished);
}

/// Refused as it was before the server's restore: the local state is rebuilt as
/// then; it is already listed as refused, and the chair was told.
fn refused_again(model: &mut Model) {
    let unfinished: Vec<_> = model
        .outbox
        .unfinished()
        .map(|e| e.operation.clone())
        .collect();
    let refs: Vec<_> = unfinished.iter().collect();
    model.local.refused_again(&refs);
}

/// The local state is rebuilt without it, and the chair is told why.
fn refused(model: &mut Model, op: &Operation, refusal: Refusal) {
    let unfinished: Vec<_> = model
        .outbox
        .unfinished()
        .map(|e| e.operation.clone())
        .collect();
    let refs: Vec<_> = unfinished.iter().collect();
    let reason = refusal.text(model.local.language);
    model.local.reject(op, refusal, &refs);
    model.notice = Some(Notice {
        is_error: true,
        text: model.say("Een melding is geweigerd: ", "A report was refused: ") + &reason,
    });
}
