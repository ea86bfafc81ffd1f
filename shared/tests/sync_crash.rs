//! The app killed between any two storage writes while reports are being recorded:
//! after the restart no operation number is skipped (the real server waits for the
//! missing one for ever) and every report the chair saw saved reaches the server,
//! once.
#![allow(clippy::unwrap_used)]

mod support;

use shared::Event;
use shared::app::effects::storage;
use shared::fixtures::turnout;
use shared::protocol::Operation;
use support::server::SimServer;
use support::{Shell, opened_station};
use uuid::Uuid;

/// How many storage completions deep every order is tried.
const DEPTH: usize = 6;

/// A station (its opening, operation 1, on the server) that records two reports
/// and ticks a closing item (a `day` write) while its storage holds every write.
fn recording() -> (SimServer, Shell) {
    let mut server = SimServer::new();
    server.strict_order = true;
    let mut shell = opened_station(&mut server);
    shell.hold_storage = true;
    shell.send(turnout(10));
    shell.send(turnout(20));
    let item = server.election.closing_checklist[0].id.clone();
    shell.send(Event::ToggleClosingItem { item_id: item });
    (server, shell)
}

/// The reports the chair sees saved (no longer "Saving…"): those in the device's
/// storage, since this shell answers each write as it lands (the opening, 1, is
/// confirmed and gone).
fn told_saved(shell: &Shell) -> Vec<Uuid> {
    let saved: Vec<Uuid> = shell
        .store
        .iter()
        .filter(|(k, _)| k.starts_with(storage::OUTBOX_PREFIX))
        .map(|(_, bytes)| storage::decode::<Operation>(bytes).unwrap().id)
        .collect();
    let sync = shell.view().sync;
    assert_eq!(
        sync.pending as usize + sync.sent as usize,
        saved.len(),
        "shown saved is what is stored"
    );
    saved
}

/// Completes the held storage requests picked by `choices` (each an index into
/// the queue as it is then), kills the app, starts it again, makes one more report
/// and syncs until quiet.
fn crash_after(choices: &[usize]) -> Result<(), String> {
    let (mut server, mut shell) = recording();
    for &i in choices {
        shell.flush_storage_at(i);
    }
    let saved = told_saved(&shell);
    shell.restart();
    shell.hold_storage = false;
    shell.flush_all_storage();
    shell.send(turnout(30));
    for _ in 0..20 {
        shell.sync_with(&mut server);
        let sync = shell.view().sync;
        if sync.saving + sync.pending + sync.sent == 0 && shell.outbound.is_empty() {
            break;
        }
        shell.advance(70_000);
    }
    if !server.gaps.is_empty() {
        return Err(format!(
            "operation numbers skipped (expected, sent): {:?}",
            server.gaps
        ));
    }
    let seqs: Vec<u64> = server.applied.iter().map(|o| o.device_seq).collect();
    let top = seqs.last().copied().unwrap_or(0);
    if seqs != (1..=top).collect::<Vec<_>>() {
        return Err(format!("applied with a hole: {seqs:?}"));
    }
    for id in &saved {
        if server.applied.iter().filter(|o| o.id == *id).count() != 1 {
            return Err(format!(
                "a report shown saved is not on the server once: {id}"
            ));
        }
    }
    let sync = shell.view().sync;
    if sync.saving + sync.pending + sync.sent != 0 {
        return Err(format!("outbox not drained: {sync:?}"));
    }
    Ok(())
}

/// Every order of completing the held writes, up to `DEPTH` of them, and a kill
/// after each.
fn explore(choices: &mut Vec<usize>, failures: &mut Vec<String>) {
    if let Err(e) = crash_after(choices) {
        failures.push(format!("killed after completing {choices:?}: {e}"));
    }
    if choices.len() == DEPTH {
        return;
    }
    let (_, mut shell) = recording();
    for &i in choices.iter() {
        shell.flush_storage_at(i);
    }
    for i in 0..shell.storage_queue.len() {
        choices.push(i);
        explore(choices, failures);
        choices.pop();
    }
}

#[test]
fn a_kill_between_any_two_writes_of_recording_leaves_no_hole_and_loses_nothing_saved() {
    let mut failures = Vec::new();
    explore(&mut Vec::new(), &mut failures);
    assert!(
        failures.is_empty(),
        "{} crash points fail, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A `day` record as the version before this fix could leave it (its counter saved
/// while the report it numbered was still being written, then the app killed; and
/// without the fields added since): the number no report in storage has is given
/// again, so the server, waiting for it, gets every report.
#[test]
fn an_old_record_that_numbered_past_what_was_stored_gives_that_number_again() {
    let mut server = SimServer::new();
    server.strict_order = true;
    let mut shell = opened_station(&mut server);
    let mut day: serde_json::Value = serde_json::from_slice(&shell.store["day"]).unwrap();
    let fields = day.as_object_mut().unwrap();
    assert_eq!(fields["next_seq"], 2);
    fields.insert("next_seq".into(), 3.into());
    assert!(fields.remove("finished_ops").is_some());
    assert!(fields.remove("finished_high").is_some());
    shell
        .store
        .insert("day".into(), serde_json::to_vec(&day).unwrap());
    shell.restart();
    assert!(shell.view().notice.is_none(), "{:?}", shell.view().notice);
    shell.send(turnout(10));
    shell.sync_with(&mut server);
    assert_eq!(server.gaps, []);
    assert_eq!(support::applied_seqs(&server), [1, 2]);
    assert_eq!(shell.view().sync.confirmed, 2);
}
