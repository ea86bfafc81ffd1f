//! The chair always knows whether reports are being stored: a paused or hung server,
//! a server that cannot store, and a busy server each show their own state, and the
//! device comes back within seconds of an ordinary outage, every few seconds to a
//! server that cannot store, and slowly to a server that says it is overloaded.
#![allow(clippy::unwrap_used)]

mod support;

use shared::fixtures::turnout;

use shared::Event;
use shared::app::effects::websocket::WebSocketEvent;
use shared::app::session::{NO_ANSWER_RECONNECT_MS, NOT_ANSWERING_MS};
use shared::app::sync::backoff::{BUSY_CAP_MS, FAST_CAP_MS, STORAGE_BASE_MS, STORAGE_CAP_MS};
use shared::app::view::ConnectionState;
use shared::protocol::RejectCode;
use shared::validation::Language;
use support::server::SimServer;
use support::{Shell, applied_seqs, opened_station};

fn state(shell: &Shell) -> ConnectionState {
    shell.view().connection.state
}

fn ms(value: u64) -> i64 {
    i64::try_from(value).unwrap()
}

/// A server that answers at once, for `duration` ms (in 1 s steps).
fn answer_for(shell: &mut Shell, server: &mut SimServer, duration: i64) {
    let until = shell.now_ms + duration;
    while shell.now_ms < until {
        shell.advance(1_000);
        shell.exchange(server);
    }
}

/// The server is down: every connection the core asks for is refused at once, for
/// `duration` ms (in 50 ms steps).
fn refuse_connections_for(shell: &mut Shell, duration: i64) {
    let until = shell.now_ms + duration;
    while shell.now_ms < until {
        shell.advance(50);
        if shell.socket.is_some() && !shell.socket_open {
            shell.socket_event(WebSocketEvent::Failed {
                message: "connection refused".into(),
            });
        }
    }
}

/// The server is back: ms until the core asked to connect (moving the clock in 10 ms
/// steps, at most `limit` ms).
fn wait_for_connect(shell: &mut Shell, limit: i64) -> i64 {
    let start = shell.now_ms;
    while shell.socket.is_none() && shell.now_ms - start < limit {
        shell.advance(10);
    }
    shell.now_ms - start
}

#[test]
fn a_paused_server_is_shown_as_not_answering_and_a_new_connection_is_tried() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    // SIGSTOP: the report goes out, nothing comes back.
    shell.send(turnout(10));
    assert_eq!(shell.outbound.len(), 1);
    shell.advance(ms(NOT_ANSWERING_MS) - 2_000);
    assert_eq!(state(&shell), ConnectionState::Online, "too soon to tell");
    shell.advance(3_000);
    let view = shell.view();
    assert_eq!(view.connection.state, ConnectionState::ServerNotAnswering);
    assert_eq!(
        view.connection.label,
        "De server antwoordt niet — uw meldingen zijn bewaard"
    );
    assert_eq!(view.sync.sent + view.sync.pending, 1, "kept, not lost");
    shell.send(Event::SetLanguage(Language::English));
    assert_eq!(
        shell.view().connection.label,
        "The server is not answering — your reports are saved on this device"
    );
    // After about 10 s of silence the session is given up and a new one tried soon.
    let first = shell.connects;
    shell.advance(ms(NO_ANSWER_RECONNECT_MS - NOT_ANSWERING_MS) + 1_000 + ms(FAST_CAP_MS));
    assert!(shell.connects > first, "still on the silent connection");
    assert_eq!(
        state(&shell),
        ConnectionState::ServerNotAnswering,
        "still nothing heard from the server while connecting again"
    );
    // SIGCONT: the new connection is welcomed, the report sent again and confirmed.
    shell.sync_with(&mut server);
    assert_eq!(state(&shell), ConnectionState::Online);
    assert_eq!(applied_seqs(&server), [1, 2]);
    assert_eq!(shell.view().sync.confirmed, 2);
}

#[test]
fn a_server_that_answers_again_in_time_is_online_again_without_a_new_connection() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.send(turnout(10));
    shell.advance(ms(NOT_ANSWERING_MS) + 1_000);
    assert_eq!(state(&shell), ConnectionState::ServerNotAnswering);
    let connects = shell.connects;
    // The paused server resumes and answers what it was sent on the same connection.
    shell.exchange(&mut server);
    assert_eq!(state(&shell), ConnectionState::Online);
    answer_for(&mut shell, &mut server, ms(NO_ANSWER_RECONNECT_MS) * 3);
    assert_eq!(state(&shell), ConnectionState::Online);
    assert_eq!(shell.connects, connects);
    assert_eq!(applied_seqs(&server), [1, 2]);
}

#[test]
fn a_slow_ack_within_the_limit_changes_nothing() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    let connects = shell.connects;
    shell.send(turnout(10));
    shell.advance(ms(NOT_ANSWERING_MS) - 2_000);
    shell.exchange(&mut server);
    shell.send(turnout(20));
    shell.advance(ms(NOT_ANSWERING_MS) - 2_000);
    shell.exchange(&mut server);
    answer_for(&mut shell, &mut server, 60_000);
    assert_eq!(state(&shell), ConnectionState::Online);
    assert_eq!(shell.connects, connects);
    assert_eq!(applied_seqs(&server), [1, 2, 3]);
}

#[test]
fn an_unanswered_heartbeat_is_noticed_within_seconds() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    // Idle, and the server answers its heartbeats: online all along.
    answer_for(&mut shell, &mut server, 60_000);
    assert_eq!(state(&shell), ConnectionState::Online);
    // Then it stops answering: the next heartbeat goes unanswered.
    let mut waited = 0;
    while !shell.outbound.iter().any(|f| f.contains("heartbeat")) {
        shell.advance(1_000);
        waited += 1;
        assert!(waited <= 25, "no heartbeat sent");
    }
    shell.advance(ms(NOT_ANSWERING_MS) + 1_000);
    assert_eq!(state(&shell), ConnectionState::ServerNotAnswering);
    let connects = shell.connects;
    shell.advance(ms(NO_ANSWER_RECONNECT_MS) + ms(FAST_CAP_MS));
    assert!(shell.connects > connects);
    shell.sync_with(&mut server);
    assert_eq!(state(&shell), ConnectionState::Online);
}

#[test]
fn storage_unavailable_keeps_the_reports_and_says_the_server_cannot_store() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    server.cannot_commit = Some(RejectCode::StorageUnavailable);
    shell.send(turnout(10));
    let connects = shell.connects;
    shell.exchange(&mut server);
    let view = shell.view();
    assert_eq!(view.connection.state, ConnectionState::ServerCannotStore);
    assert_eq!(
        view.connection.label,
        "De server kan uw meldingen nu niet opslaan; ze blijven bewaard op dit apparaat en worden verzonden zodra het weer kan"
    );
    assert!(view.notice.is_none(), "not a refusal: {:?}", view.notice);
    assert_eq!(view.sync.rejected, 0);
    assert_eq!(view.sync.pending, 1, "kept for the next session");
    // Tried again within seconds, at a medium pace (not the outage pace: thousands of
    // devices would hammer a server that cannot store); the welcome alone does not
    // make it "Verbonden": the report still waits to be stored.
    let first = wait_for_connect(&mut shell, 2 * ms(STORAGE_CAP_MS));
    assert!(
        (ms(STORAGE_BASE_MS) / 2..=ms(STORAGE_BASE_MS) + 10).contains(&first),
        "{first}"
    );
    assert!(shell.connects > connects);
    shell.sync_with(&mut server);
    assert_eq!(state(&shell), ConnectionState::ServerCannotStore);
    assert_eq!(shell.view().sync.pending, 1);
    // Each refusal waits longer, up to ten seconds, never to the busy pace.
    let mut waits = vec![first];
    for _ in 0..6 {
        waits.push(wait_for_connect(&mut shell, 2 * ms(STORAGE_CAP_MS)));
        shell.sync_with(&mut server);
        assert_eq!(state(&shell), ConnectionState::ServerCannotStore);
    }
    assert!(waits[2] > waits[0], "{waits:?}");
    assert!(
        waits[4..]
            .iter()
            .all(|w| (ms(STORAGE_CAP_MS) / 2..=ms(STORAGE_CAP_MS) + 10).contains(w)),
        "{waits:?}"
    );
    shell.send(Event::SetLanguage(Language::English));
    assert_eq!(
        shell.view().connection.label,
        "The server cannot store your reports right now; they are kept on this device and sent as soon as it can"
    );
    // The disk is cleared: the next session stores the report.
    server.cannot_commit = None;
    shell.sync_with(&mut server);
    assert_eq!(state(&shell), ConnectionState::Online);
    assert_eq!(applied_seqs(&server), [1, 2]);
    assert_eq!(shell.view().sync.confirmed, 2);
    assert_eq!(shell.view().sync.rejected, 0);
}

#[test]
fn an_overloaded_server_reads_as_busy_and_gets_a_long_growing_backoff() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    server.cannot_commit = Some(RejectCode::Overloaded);
    shell.send(turnout(10));
    shell.exchange(&mut server);
    let view = shell.view();
    assert_eq!(view.connection.state, ConnectionState::ServerBusy);
    assert_eq!(
        view.connection.label,
        "De server is druk — uw meldingen zijn bewaard en worden later verzonden"
    );
    assert!(
        view.notice.is_none(),
        "not a network problem: {:?}",
        view.notice
    );
    assert_eq!(view.sync.pending, 1);
    // Each time the server says it is busy, the device waits longer, up to a minute.
    let mut waits = Vec::new();
    for _ in 0..8 {
        waits.push(wait_for_connect(&mut shell, 2 * ms(BUSY_CAP_MS)));
        shell.sync_with(&mut server);
        assert_eq!(state(&shell), ConnectionState::ServerBusy);
    }
    assert!(waits[0] >= 2_000, "{waits:?}");
    assert!(waits[2] > waits[0], "{waits:?}");
    assert!(waits[7] >= ms(BUSY_CAP_MS) / 2, "{waits:?}");
    assert!(
        waits.iter().all(|w| *w <= ms(BUSY_CAP_MS) + 10),
        "{waits:?}"
    );
    // A refused connection meanwhile does not speed the device up.
    wait_for_connect(&mut shell, 2 * ms(BUSY_CAP_MS));
    shell.socket_event(WebSocketEvent::Failed {
        message: "connection refused".into(),
    });
    assert!(wait_for_connect(&mut shell, 2 * ms(BUSY_CAP_MS)) >= ms(BUSY_CAP_MS) / 2);
    // The server recovers: the report is stored, and the next outage is short again.
    server.cannot_commit = None;
    shell.sync_with(&mut server);
    assert_eq!(state(&shell), ConnectionState::Online);
    assert_eq!(applied_seqs(&server), [1, 2]);
    shell.drop_connection();
    assert_eq!(state(&shell), ConnectionState::Offline);
    assert!(wait_for_connect(&mut shell, 10_000) <= ms(FAST_CAP_MS));
}

#[test]
fn too_many_attempts_on_a_session_is_busy_too() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    server.cannot_commit = Some(RejectCode::TooManyAttempts);
    shell.send(turnout(10));
    shell.exchange(&mut server);
    assert_eq!(state(&shell), ConnectionState::ServerBusy);
    assert!(wait_for_connect(&mut shell, 2 * ms(BUSY_CAP_MS)) >= 2_000);
    server.cannot_commit = None;
    shell.sync_with(&mut server);
    assert_eq!(state(&shell), ConnectionState::Online);
    assert_eq!(applied_seqs(&server), [1, 2]);
}

#[test]
fn after_an_outage_every_report_is_confirmed_within_two_seconds_of_the_server_coming_back() {
    // Ten devices (each with its own random id, so its own jitter) per outage length.
    for outage in [6_000, 60_000, 15 * 60_000] {
        let mut resyncs = Vec::new();
        for _ in 0..10 {
            let mut server = SimServer::new();
            let mut shell = opened_station(&mut server);
            shell.drop_connection();
            shell.send(turnout(10));
            refuse_connections_for(&mut shell, outage);
            assert_eq!(state(&shell), ConnectionState::Offline);
            // The server is back.
            let back = shell.now_ms;
            wait_for_connect(&mut shell, 120_000);
            shell.sync_with(&mut server);
            resyncs.push(shell.now_ms - back);
            assert_eq!(applied_seqs(&server), [1, 2]);
            assert_eq!(shell.view().sync.confirmed, 2);
        }
        assert!(
            resyncs.iter().all(|ms| *ms <= 2_000),
            "confirmed {resyncs:?} ms after a {outage} ms outage ended"
        );
    }
}

#[test]
fn an_operation_lost_on_the_way_is_sent_again_within_seconds() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.send(turnout(10));
    let connects = shell.connects;
    // The operation is lost on the way (heartbeats would be answered, but none is due
    // yet): no ack comes, nor anything else.
    let mut waited = 0;
    while shell.connects == connects {
        shell.advance(1_000);
        waited += 1;
        assert!(waited <= 60, "still waiting for the lost operation's ack");
        let frames = std::mem::take(&mut shell.outbound);
        for frame in frames.iter().filter(|f| f.contains("\"heartbeat\"")) {
            for answer in server.handle(frame, shell.now_ms) {
                shell.receive(answer);
            }
        }
    }
    let limit = (NO_ANSWER_RECONNECT_MS + FAST_CAP_MS) / 1_000 + 2;
    assert!(waited <= ms(limit), "a new connection after {waited} s");
    assert_eq!(state(&shell), ConnectionState::ServerNotAnswering);
    shell.sync_with(&mut server);
    assert_eq!(state(&shell), ConnectionState::Online);
    assert_eq!(applied_seqs(&server), [1, 2]);
}
