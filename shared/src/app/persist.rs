//! Storage: reading everything back at start, and writing records in an order that
//! never loses an operation or reuses a sequence number.

use crux_core::{Command, render::render};
use uuid::Uuid;

use super::{
    Effect, Event, Internal, Model, Screen,
    effects::storage::{self, DAY_KEY, DEVICE_KEY, Stored},
    model::{LocalState, Notice},
    session,
};
use crate::domain::StationPhase;
use crate::protocol::Operation;

/// The app started: read everything stored, and the clock.
pub(super) fn start(model: &mut Model) -> Command<Effect, Event> {
    if model.restored {
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
    if model.restored {
        return Command::done();
    }
    let mut problems = stored.errors;
    model.device = stored.device.as_deref().and_then(storage::decode);
    if stored.device.is_some() && model.device.is_none() {
        problems.push("device record unreadable".into());
    }
    model.local = stored
        .day
        .as_deref()
        .and_then(storage::decode)
        .unwrap_or_default();
    if stored.day.is_some() && model.local == LocalState::default() {
        problems.push("day record unreadable".into());
    }
    let mut needs_write = false;
    for bytes in &stored.outbox {
        let Some(op) = storage::decode::<Operation>(bytes) else {
            problems.push("an outbox entry is unreadable".into());
            continue;
        };
        model.local.next_seq = model.local.next_seq.max(op.device_seq + 1);
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
    model.restored = true;
    model.screen = initial_screen(model);
    model.result_issues = super::actions::live_result_issues(model);
    if !problems.is_empty() {
        model.notice = Some(Notice {
            is_error: true,
            text: problems.join("; "),
        });
    }
    let mut commands = vec![session::start_ticking(model), render()];
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
/// state is written when it completes.
pub(super) fn day(model: &mut Model) -> Command<Effect, Event> {
    let p = &mut model.persistence;
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
            let mut commands: Vec<_> = deletes
                .into_iter()
                .map(|seq| {
                    storage::delete(storage::outbox_key(seq), |r| {
                        Event::Internal(Internal::KeyDeleted(r))
                    })
                })
                .collect();
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

/// An operation reached storage: it is pending now, and every stored operation that
/// follows the applied ones without a gap is applied to the local state.
pub(super) fn operation_stored(
    model: &mut Model,
    seq: u64,
    result: Result<(), String>,
) -> Command<Effect, Event> {
    if let Err(error) = result {
        if !model.persistence.failed_writes.contains(&seq) {
            model.persistence.failed_writes.push(seq);
        }
        return storage_result(model, Err(error));
    }
    model.persistence.failed_writes.retain(|s| *s != seq);
    model.outbox.mark_stored(seq);
    let to_apply: Vec<Operation> = model
        .outbox
        .unfinished()
        .filter(|e| e.operation.device_seq > model.local.applied_through)
        .take_while(|e| e.state != super::sync::OperationState::Saving)
        .map(|e| e.operation.clone())
        .collect();
    for op in &to_apply {
        model.local.apply(op);
    }
    Command::all([day(model), session::send_pending(model), render()])
}

/// Writes again the operations whose first write failed.
pub(super) fn retry_failed_writes(model: &mut Model) -> Command<Effect, Event> {
    let seqs = model.persistence.failed_writes.clone();
    let mut commands: Vec<_> = seqs
        .into_iter()
        .filter_map(|seq| {
            model
                .outbox
                .get(seq)
                .map(|e| (seq, storage::encode(&e.operation)))
        })
        .map(|(seq, bytes)| {
            storage::write(storage::outbox_key(seq), bytes, move |result| {
                Event::Internal(Internal::OperationStored { seq, result })
            })
        })
        .collect();
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
            let text = match model.local.language {
                crate::validation::Language::Dutch => {
                    format!("Opslaan op het apparaat mislukt: {error}")
                }
                crate::validation::Language::English => {
                    format!("Saving on the device failed: {error}")
                }
            };
            model.notice = Some(Notice {
                is_error: true,
                text,
            });
            render()
        }
    }
}
