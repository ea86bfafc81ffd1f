//! Storage: reading everything back at start, and writing records in an order that
//! never loses an operation or reuses a sequence number.

use crux_core::{Command, render::render};
use uuid::Uuid;

use super::{
    Effect, Event, Internal, Model, Screen,
    effects::storage::{self, DAY_KEY, DEVICE_KEY, Stored},
    model::{LocalState, Notice},
    session::{self, say},
    sync::OperationState,
};
use crate::domain::StationPhase;
use crate::protocol::Operation;

/// A write not answered in this time is asked for again.
pub const WRITE_TIMEOUT_MS: i64 = 30_000;

/// The app started: read everything stored, and the clock.
pub(super) fn start(model: &mut Model) -> Command<Effect, Event> {
    if model.lifecycle.is_restored() {
        return render();
    }
    Command::all([
        render(),
        storage::read_all(|stored| Event::Internal(Internal::Restored(stored))),
        super::effects::clock::now(|now| Event::Internal(Internal::Clock(now))),
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
            commands.push(delete_key(op.device_seq));
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
    model.result_issues = super::actions::live_result_issues(model);
    if !problems.is_empty() {
        model.notice = Some(Notice {
            is_error: true,
            text: problems.join("; "),
        });
    }
    commands.push(session::start_ticking(model));
    commands.push(render());
    if needs_write {
        commands.push(day(model));
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

/// Writes the `day` record, one write at a time: if one is in flight, the latest
/// state is written when it completes. A record that could not be read is not
/// overwritten until the server has told where the sequence stands.
pub(super) fn day(model: &mut Model) -> Command<Effect, Event> {
    let p = &mut model.persistence;
    if model.lifecycle.storage_unreadable() {
        p.day_dirty = true;
        return Command::done();
    }
    if p.day_write_in_flight {
        p.day_dirty = true;
        return Command::done();
    }
    p.day_write_in_flight = true;
    p.day_dirty = false;
    p.deletes_in_write.append(&mut p.deletes_waiting);
    storage::write(DAY_KEY.into(), storage::encode(&model.local), |result| {
        Event::Internal(Internal::DayStored(result))
    })
}

pub(super) fn day_stored(model: &mut Model, result: Result<(), String>) -> Command<Effect, Event> {
    let p = &mut model.persistence;
    p.day_write_in_flight = false;
    match result {
        Ok(()) => {
            let deletes: Vec<u64> = p.deletes_in_write.drain(..).collect();
            let mut commands: Vec<_> = deletes.into_iter().map(delete_key).collect();
            if p.day_dirty {
                commands.push(day(model));
            }
            Command::all(commands)
        }
        Err(error) => {
            // Keep the deletes for the next write; try again on the next tick.
            p.deletes_waiting.append(&mut p.deletes_in_write);
            p.day_dirty = true;
            storage_result(model, Err(error))
        }
    }
}

fn delete_key(seq: u64) -> Command<Effect, Event> {
    storage::delete(storage::outbox_key(seq), move |result| {
        Event::Internal(Internal::KeyDeleted { seq, result })
    })
}

/// A finished operation's key could not be removed: it goes with the next `day`
/// write again (on the next tick), so that no finished key stays behind.
pub(super) fn key_deleted(
    model: &mut Model,
    seq: u64,
    result: Result<(), String>,
) -> Command<Effect, Event> {
    if result.is_err() {
        let p = &mut model.persistence;
        if !p.deletes_waiting.contains(&seq) && !p.deletes_in_write.contains(&seq) {
            p.deletes_waiting.push(seq);
        }
        p.day_dirty = true;
    }
    storage_result(model, result)
}

/// Writes an operation to its key, remembering that the write is in flight.
pub(super) fn write_operation(model: &mut Model, operation: &Operation) -> Command<Effect, Event> {
    let seq = operation.device_seq;
    let now = model.now.unwrap_or_default();
    model
        .persistence
        .writes_in_flight
        .retain(|(s, _)| *s != seq);
    model.persistence.writes_in_flight.push((seq, now));
    storage::write(
        storage::outbox_key(seq),
        storage::encode(operation),
        move |result| Event::Internal(Internal::OperationStored { seq, result }),
    )
}

/// An operation's write was answered. Once stored it is pending, and every stored
/// operation that follows the applied ones without a gap is applied to the local state.
pub(super) fn operation_stored(
    model: &mut Model,
    seq: u64,
    result: Result<(), String>,
) -> Command<Effect, Event> {
    model
        .persistence
        .writes_in_flight
        .retain(|(s, _)| *s != seq);
    let state = model.outbox.get(seq).map(|e| e.state);
    if let Err(error) = result {
        // Written again on the next tick while still being saved.
        return storage_result(model, Err(error));
    }
    match state {
        Some(OperationState::Saving) => {}
        // Already stored by an earlier write.
        Some(_) => return Command::done(),
        // Finished meanwhile: this late write brought its key back; remove it.
        None => return delete_key(seq),
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
    Command::all([day(model), session::send_pending(model), render()])
}

/// Writes again the operations still being saved whose write failed or has not been
/// answered for too long, and a `day` record that is due.
pub(super) fn retry_writes(model: &mut Model) -> Command<Effect, Event> {
    let now = model.now.unwrap_or_default();
    let due: Vec<Operation> = model
        .outbox
        .unfinished()
        .filter(|e| e.state == OperationState::Saving)
        .filter(|e| {
            model
                .persistence
                .writes_in_flight
                .iter()
                .find(|(s, _)| *s == e.operation.device_seq)
                .is_none_or(|(_, asked)| now.millis_since(*asked) > WRITE_TIMEOUT_MS)
        })
        .map(|e| e.operation.clone())
        .collect();
    let mut commands: Vec<_> = due.iter().map(|op| write_operation(model, op)).collect();
    if model.persistence.day_dirty && !model.persistence.day_write_in_flight {
        commands.push(day(model));
    }
    Command::all(commands)
}

/// A finished operation's key goes with the next `day` write.
pub(super) fn forget_operation(model: &mut Model, seq: u64) -> Command<Effect, Event> {
    model.persistence.deletes_waiting.push(seq);
    day(model)
}

pub(super) fn device(model: &Model) -> Command<Effect, Event> {
    match &model.device {
        Some(record) => storage::write(DEVICE_KEY.into(), storage::encode(record), |result| {
            Event::Internal(Internal::DeviceStored(result))
        }),
        None => Command::done(),
    }
}

pub(super) fn storage_result(
    model: &mut Model,
    result: Result<(), String>,
) -> Command<Effect, Event> {
    match result {
        Ok(()) => Command::done(),
        Err(error) => {
            let text = say(
                model,
                "Opslaan op het apparaat mislukt: ",
                "Saving on the device failed: ",
            ) + &error;
            model.notice = Some(Notice {
                is_error: true,
                text,
            });
            render()
        }
    }
}

/// Whether new reports must wait (the stored state could not be read).
pub(super) fn paused(model: &Model) -> bool {
    model.lifecycle.storage_unreadable()
}
