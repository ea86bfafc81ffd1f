//! The chair's core (`ChairApp::update`) driven by arbitrary sequences of what can
//! happen to a device: any `Event` a shell may send (built field by field from fuzz
//! data), the clock moving and timers firing, the connection opening, dropping and
//! exchanging frames with the simulated server of shared/tests/support (which asserts
//! that operations arrive in order, each new id with a higher sequence number), the app
//! being killed and restarted, storage writes held back, completed out of order or
//! failing, stored records overwritten with garbage, and frames from the server that
//! are arbitrary: garbage text, or well-formed messages with arbitrary contents.
//!
//! A panic anywhere (the core, its effects, the view model) is a crash. With
//! FUZZ_DEBUG set, the steps are printed (for `run.sh repro`).
#![no_main]

#[allow(dead_code, unused_imports)]
#[path = "../../shared/tests/support/mod.rs"]
mod support;

use arbitrary::Unstructured;
use kiesdag_fuzz::{build, install_known_panic_filter, tolerating_known};
use libfuzzer_sys::fuzz_target;
use shared::Event;
use shared::domain::{Election, IncidentStatus, Station, StationDay, Timestamp};
use shared::protocol::{RejectCode, ServerMessage, StationMessage, encode};
use support::{Shell, SimServer, opened_station};
use uuid::Uuid;

/// Reports the simulated server can be told to refuse: (report kind, code).
const REFUSALS: [(&str, &str); 4] = [
    ("turnout", "TURNOUT_E01_DECREASE"),
    ("ballot_stock", "REFUSED"),
    ("closing", "PHASE_NOT_OPEN"),
    ("provisional_result", "RESULT_E01_ADMITTED_SUM"),
];

fuzz_target!(init: install_known_panic_filter(), |data: &[u8]| {
    // A known panic (kiesdag_fuzz::KNOWN_PANICS) ends the input, not the run: the core
    // it happened in is dropped with it.
    let _ = tolerating_known(|| run(&mut Unstructured::new(data)));
});

fn run(u: &mut Unstructured<'_>) -> Option<()> {
    let mut server = SimServer::new();
    // Start anywhere from a fresh install to an open station, so the fuzzer need not
    // find activation and opening first.
    let mut shell = match u.int_in_range(0..=2u8).ok()? {
        0 => {
            let mut shell = Shell::new();
            shell.send(Event::Start);
            shell
        }
        1 => Shell::activated(&mut server),
        _ => opened_station(&mut server),
    };
    let debug = std::env::var_os("FUZZ_DEBUG").is_some();
    let steps = u.int_in_range(1..=48u8).ok()?;
    for _ in 0..steps {
        // Data that has run out reads as zeros: stop rather than repeat the first step.
        if u.is_empty() {
            break;
        }
        step(u, &mut shell, &mut server, debug)?;
        let _ = shell.view();
    }
    // Whatever happened, a restart with a working network and disk settles the sync.
    server.lose_next_ack = false;
    shell.hold_storage = false;
    shell.fail_writes = 0;
    shell.flush_all_storage();
    shell.restart();
    shell.sync_with(&mut server);
    let _ = shell.view();
    Some(())
}

fn step(
    u: &mut Unstructured<'_>,
    shell: &mut Shell,
    server: &mut SimServer,
    debug: bool,
) -> Option<()> {
    let kind = u.int_in_range(0..=15u8).ok()?;
    if debug {
        eprintln!("step {kind} at {} ms", shell.now_ms);
    }
    match kind {
        0..=4 => {
            let event: Event = build(u)?;
            if debug {
                eprintln!("  event {event:?}");
            }
            shell.send(event);
        }
        5 => shell.advance(i64::from(u.int_in_range(1..=600u16).ok()?) * 100),
        6 => shell.advance(i64::from(u.int_in_range(1..=90u8).ok()?) * 60_000),
        7 => shell.sync_with(server),
        8 => shell.exchange(server),
        9 => shell.drop_connection(),
        10 => shell.restart(),
        11 => match u.int_in_range(0..=3u8).ok()? {
            0 => shell.hold_storage = u.arbitrary().ok()?,
            1 => shell.flush_storage_at(usize::from(u.arbitrary::<u8>().ok()?)),
            2 => shell.flush_all_storage(),
            _ => shell.fail_writes = usize::from(u.int_in_range(0..=3u8).ok()?),
        },
        12 => match u.int_in_range(0..=2u8).ok()? {
            0 => server.lose_next_ack = true,
            1 => server.duplicate_acks = u.arbitrary().ok()?,
            _ => server.refuse = Some(*u.choose(&REFUSALS).ok()?),
        },
        13 => {
            // A stored record overwritten: garbage, or another key's bytes.
            let keys: Vec<String> = shell.store.keys().cloned().collect();
            if !keys.is_empty() {
                let key = u.choose(&keys).ok()?.clone();
                let value: Vec<u8> = if u.arbitrary().ok()? {
                    u.arbitrary().ok()?
                } else {
                    let other = u.choose(&keys).ok()?;
                    shell.store.get(other).cloned().unwrap_or_default()
                };
                shell.store.insert(key, value);
            }
        }
        14 => {
            let text: String = u.arbitrary().ok()?;
            shell.receive(text);
        }
        _ => {
            let message = server_message(u, shell, server)?;
            if debug {
                eprintln!("  frame {message:?}");
            }
            shell.receive(encode(&message));
        }
    }
    Some(())
}

/// A well-formed frame from the server with arbitrary contents. A `Welcome` keeps the
/// simulated server's sequence number, so that the server's own order check stays a
/// check of the core and not of this harness.
fn server_message(
    u: &mut Unstructured<'_>,
    shell: &Shell,
    server: &SimServer,
) -> Option<ServerMessage> {
    // Ids of operations the device really sent, so acks and rejects can hit them.
    let mut ids: Vec<(Uuid, u64)> = server
        .applied
        .iter()
        .map(|op| (op.id, op.device_seq))
        .collect();
    ids.extend(shell.outbound.iter().filter_map(|frame| {
        match shared::protocol::decode_client(frame).ok()? {
            shared::protocol::ClientMessage::Operation(op) => Some((op.id, op.device_seq)),
            _ => None,
        }
    }));
    let id_seq = |u: &mut Unstructured<'_>| -> Option<(Uuid, u64)> {
        if !ids.is_empty() && u.arbitrary().ok()? {
            Some(*u.choose(&ids).ok()?)
        } else {
            Some((build(u)?, build(u)?))
        }
    };
    let last_seq = server
        .applied
        .iter()
        .map(|op| op.device_seq)
        .chain(server.rejected_seqs.iter().copied())
        .max()
        .unwrap_or(0);
    Some(match u.int_in_range(0..=8u8).ok()? {
        0 => ServerMessage::Activated {
            device_token: build(u)?,
            election: build::<Election>(u)?,
            station: build::<Station>(u)?,
        },
        1 => ServerMessage::Welcome {
            last_processed_seq: last_seq,
            server_time: build::<Timestamp>(u)?,
            election: build::<Election>(u)?,
            station: build::<Station>(u)?,
            day: build::<StationDay>(u)?,
        },
        2 => {
            let (operation_id, device_seq) = id_seq(u)?;
            ServerMessage::Ack {
                operation_id,
                device_seq,
                event_seq: build(u)?,
            }
        }
        3 => {
            let (operation_id, device_seq) = id_seq(u)?;
            ServerMessage::Reject {
                operation_id,
                device_seq,
                code: build(u)?,
                message: build(u)?,
                fields: build(u)?,
            }
        }
        4 => ServerMessage::Message(build::<StationMessage>(u)?),
        5 => ServerMessage::IncidentStatus {
            incident_id: build(u)?,
            status: build::<IncidentStatus>(u)?,
        },
        6 => ServerMessage::Configuration {
            election: build::<Election>(u)?,
            station: build::<Station>(u)?,
        },
        7 => ServerMessage::Heartbeat {
            server_time: build::<Timestamp>(u)?,
        },
        _ => ServerMessage::Error {
            code: build::<RejectCode>(u)?,
            message: build(u)?,
        },
    })
}
