//! The sync engine under the faults a review found: connections that hang, a stored
//! state that cannot be read, acks that arrive late, writes that fail or come back
//! late, and a server that sends impossible numbers.
#![allow(clippy::unwrap_used)]

mod support;

use shared::fixtures::turnout;

use crux_kv::KeyValueOperation;
use shared::Event;
use shared::app::view::ConnectionState;
use shared::domain::{StationDay, Timestamp};
use shared::protocol::{ServerMessage, encode};
use support::server::{SimServer, election, station};
use support::{applied_seqs, opened_station};

#[test]
fn a_connection_that_never_opens_is_given_up_and_tried_again() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.drop_connection();
    shell.send(turnout(10));
    shell.advance(5_000);
    let first = shell.connects;
    assert!(shell.socket.is_some(), "the core asked to connect");
    // The connect is never answered: after the deadline the core tries again.
    shell.advance(90_000);
    assert!(
        shell.connects > first,
        "still waiting on the first connect after 90 s"
    );
    shell.sync_with(&mut server);
    assert_eq!(applied_seqs(&server), [1, 2]);
}

#[test]
fn a_server_that_opens_but_never_welcomes_is_given_up_and_tried_again() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.drop_connection();
    shell.send(turnout(10));
    shell.open_socket();
    shell.outbound.clear(); // the hello goes unanswered
    let first = shell.connects;
    assert_eq!(shell.view().connection.state, ConnectionState::Connecting);
    shell.advance(90_000);
    assert!(shell.connects > first);
    shell.sync_with(&mut server);
    assert_eq!(applied_seqs(&server), [1, 2]);
    assert_eq!(shell.view().connection.state, ConnectionState::Online);
}

#[test]
fn reconnect_now_works_while_a_connect_hangs() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.drop_connection();
    shell.advance(5_000);
    let first = shell.connects;
    shell.send(Event::ReconnectNow);
    assert_eq!(shell.connects, first + 1);
}

#[test]
fn an_unreadable_day_record_is_kept_and_reports_wait_for_the_server() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.send(turnout(100));
    shell.sync_with(&mut server);
    shell.store.insert("day".into(), b"{not json".to_vec());
    shell.restart();
    assert!(shell.view().notice.unwrap().is_error);
    // A draft edit and a report that needs no open station, before the server answers.
    shell.send(Event::ToggleChecklistItem {
        item_id: "ballot_box_empty".into(),
    });
    shell.send(Event::ReportIncident {
        category: shared::domain::IncidentCategory::Other,
        severity: shared::domain::IncidentSeverity::Low,
        text: "printer".into(),
    });
    assert_eq!(
        shell.store["day"],
        b"{not json".to_vec(),
        "not overwritten before the server answers"
    );
    assert_eq!(
        shell.view().sync.saving + shell.view().sync.pending,
        0,
        "paused, not lost: nothing was made"
    );
    shell.sync_with(&mut server);
    shell.send(turnout(150));
    shell.sync_with(&mut server);
    // The server's welcome said 2 operations were processed: the next is 3, not 1.
    assert_eq!(applied_seqs(&server), [1, 2, 3]);
    assert_ne!(shell.store["day"], b"{not json".to_vec());
}

#[test]
fn a_late_ack_never_makes_turnout_go_down() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    server.lose_next_ack = true;
    shell.send(turnout(100)); // seq 2: committed, ack lost
    shell.exchange(&mut server);
    shell.send(turnout(200)); // seq 3: acked
    shell.exchange(&mut server);
    shell.drop_connection();
    shell.sync_with(&mut server); // seq 2 is sent again and acked again
    server.refuse = Some(("ballot_stock", "STOCK_E01_REMAINING_ABOVE_RECEIVED"));
    shell.send(Event::ReportBallotStock {
        received: 10,
        remaining: 5,
    });
    shell.sync_with(&mut server); // the refusal rebuilds the local state
    let shared::app::view::Page::Day(day) = shell.page() else {
        panic!()
    };
    assert_eq!(
        day.turnout,
        Some(200),
        "the late ack of 100 must not undo 200"
    );
    shell.send(turnout(150));
    assert!(
        shell
            .view()
            .issues
            .iter()
            .any(|i| i.code == "TURNOUT_E01_DECREASE")
    );
}

#[test]
fn a_failed_write_is_written_again_and_then_sent() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.fail_writes = 1;
    shell.send(turnout(42));
    let view = shell.view();
    assert!(view.notice.unwrap().text.contains("disk full"));
    assert_eq!(view.sync.saving, 1, "not stored, so not shown as pending");
    shell.advance(25_000); // the next tick writes it again
    shell.sync_with(&mut server);
    assert_eq!(applied_seqs(&server), [1, 2]);
    assert!(!shell.store.keys().any(|k| k.starts_with("outbox/")));
}

#[test]
fn a_write_that_never_answers_is_written_again() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.hold_storage = true;
    shell.send(turnout(42));
    // The first write is lost by the shell; only later ones are answered.
    shell.storage_queue.clear();
    shell.hold_storage = false;
    shell.advance(60_000);
    shell.sync_with(&mut server);
    assert_eq!(applied_seqs(&server), [1, 2]);
}

#[test]
fn a_late_duplicate_write_does_not_bring_an_operation_back() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.hold_storage = true;
    shell.send(turnout(42));
    shell.advance(45_000); // no answer for 30 s: at the next tick the write is asked for again
    let writes = shell
        .storage_queue
        .iter()
        .filter(|r| matches!(&r.operation, KeyValueOperation::Set { key, .. } if key.starts_with("outbox/")))
        .count();
    assert_eq!(writes, 2);
    // The first write lands; the operation is sent, acknowledged and its key deleted.
    shell.flush_storage(1);
    shell.hold_storage = false;
    shell.sync_with(&mut server);
    shell.flush_matching(
        |op| !matches!(op, KeyValueOperation::Set { key, .. } if key.starts_with("outbox/")),
    );
    assert!(!shell.store.contains_key("outbox/00000000000000000002"));
    // Then the late duplicate lands and brings the key back; the core removes it.
    shell.flush_all_storage();
    assert!(
        !shell.store.keys().any(|k| k.starts_with("outbox/")),
        "{:?}",
        shell.store.keys()
    );
    shell.restart();
    shell.sync_with(&mut server);
    assert_eq!(applied_seqs(&server), [1, 2]);
    assert_eq!(shell.view().sync.confirmed, 2);
}

#[test]
fn an_acknowledged_key_is_never_deleted_before_the_day_record_is_stored() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.hold_storage = true;
    shell.send(turnout(42)); // seq 2
    shell.flush_matching(
        |op| matches!(op, KeyValueOperation::Set { key, .. } if key.starts_with("outbox/")),
    );
    shell.sync_with(&mut server); // acked while the day record is still being written
    // Whatever deletes were asked for land first; the day writes never do.
    shell.flush_matching(|op| matches!(op, KeyValueOperation::Delete { .. }));
    shell.restart();
    shell.hold_storage = false;
    shell.flush_all_storage();
    shell.send(turnout(50));
    shell.sync_with(&mut server);
    // Seq 2 is not given out again: the server would refuse the new report.
    assert_eq!(applied_seqs(&server), [1, 2, 3]);
}

#[test]
fn impossible_numbers_from_the_server_do_not_crash_the_core() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.drop_connection();
    shell.open_socket();
    shell.outbound.clear();
    shell.receive(encode(&ServerMessage::Welcome {
        last_processed_seq: u64::MAX,
        server_time: Timestamp(0),
        election: election(),
        station: station(),
        day: StationDay::default(),
    }));
    shell.receive(encode(&ServerMessage::Ack {
        operation_id: uuid::Uuid::nil(),
        device_seq: u64::MAX,
        event_seq: u64::MAX,
    }));
    assert_eq!(shell.view().connection.state, ConnectionState::Online);
}
