//! Storage: reading everything back at start, and writing records in an order that
//! never loses an operation or reuses a sequence number. A leaf: it builds storage
//! effects and keeps the writes' bookkeeping; what a stored operation means for the
//! outbox is the engine's (`engine`).

use crux_core::{Command, render::render};

use super::{
    Effect, Event, Internal, Model,
    effects::storage::{self, DAY_KEY, DEVICE_KEY},
    model::Notice,
    sync::OperationState,
};
use crate::protocol::Operation;

/// A write not answered in this time is asked for again.
pub const WRITE_TIMEOUT_MS: i64 = 30_000;

/// Reads everything stored: the device and day records and the outbox.
pub(super) fn read_all() -> Command<Effect, Event> {
    storage::read_all(|stored| Event::Internal(Internal::Restored(stored)))
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
    // The record numbers nothing that is not in storage yet: were the app killed
    // before an operation still being saved lands, its number is given again,
    // never skipped (the server waits for every number in turn).
    let next_seq = model.local.next_seq;
    model.local.next_seq = durable_next_seq(model);
    let bytes = storage::encode(&model.local);
    model.local.next_seq = next_seq;
    storage::write(DAY_KEY.into(), bytes, |result| {
        Event::Internal(Internal::DayStored(result))
    })
}

/// The number the next operation gets once every operation stored so far is: that
/// of the first one still being saved, if any.
fn durable_next_seq(model: &Model) -> u64 {
    model
        .outbox
        .unfinished()
        .find(|e| e.state == OperationState::Saving)
        .map_or(model.local.next_seq, |e| {
            e.operation.device_seq.min(model.local.next_seq)
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

/// Removes a finished operation's key.
pub(super) fn delete_key(seq: u64) -> Command<Effect, Event> {
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

/// Writes the first operation still being saved, unless its write is in flight.
/// Operations are written one at a time, in order, each once the one before it is
/// stored: storage then never holds an operation without every earlier one, so that
/// a kill between two writes cannot leave a hole in the numbers (a later one stored,
/// an earlier one lost, and the server waiting for it for ever).
pub(super) fn write_first_saving(model: &mut Model) -> Command<Effect, Event> {
    let first = model
        .outbox
        .unfinished()
        .find(|e| e.state == OperationState::Saving)
        .map(|e| e.operation.clone());
    match first {
        Some(op)
            if !model
                .persistence
                .writes_in_flight
                .iter()
                .any(|(s, _)| *s == op.device_seq) =>
        {
            write_operation(model, &op)
        }
        _ => Command::done(),
    }
}

/// Writes an operation to its key, remembering that the write is in flight.
fn write_operation(model: &mut Model, operation: &Operation) -> Command<Effect, Event> {
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

/// An operation's write was answered, whether or not it succeeded: it is no longer in
/// flight.
pub(super) fn write_answered(model: &mut Model, seq: u64) {
    model
        .persistence
        .writes_in_flight
        .retain(|(s, _)| *s != seq);
}

/// Writes again the first operation still being saved if its write failed or has
/// not been answered for too long (those after it wait for it: `write_first_saving`),
/// and a `day` record that is due.
pub(super) fn retry_writes(model: &mut Model) -> Command<Effect, Event> {
    let now = model.now.unwrap_or_default();
    let due: Vec<Operation> = model
        .outbox
        .unfinished()
        .find(|e| e.state == OperationState::Saving)
        .into_iter()
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
            let text = model.say(
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
