//! A device whose clock is wrong: the core measures the offset from the server's clock
//! (welcome and heartbeats), stamps new reports with the corrected time so that the
//! server does not refuse them, and asks the chair to set the clock right.

mod support;

use shared::Event;
use shared::domain::{StationPhase, Timestamp, TurnoutMoment};
use shared::protocol::{ServerMessage, encode};
use shared::validation::{Language, RECORDED_AT_MAX_AHEAD_MS, check_recorded_at};
use support::server::SimServer;
use support::{OPENING_STAFF, OPENS, Shell};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// The server's clock now, with the device's clock `ahead_ms` ahead of it.
fn device(server: &mut SimServer, ahead_ms: i64, server_now: i64) -> Shell {
    server.device_clock_ahead_ms = ahead_ms;
    let mut shell = Shell::new();
    shell.now_ms = server_now + ahead_ms;
    shell.send(Event::Start);
    shell.send(Event::Activate {
        server_url: "wss://kiesdag.example/ws".into(),
        activation_code: support::server::CODE.into(),
    });
    shell.sync_with(server);
    shell
}

fn server_now(shell: &Shell, server: &SimServer) -> i64 {
    shell.now_ms - server.device_clock_ahead_ms
}

#[test]
fn a_clock_three_hours_ahead_is_corrected_and_the_chair_is_warned() {
    let mut server = SimServer::new();
    let mut shell = device(&mut server, 3 * HOUR, OPENS + 10 * MINUTE);
    let warning = shell.view().clock_warning.expect("a warning");
    assert!(
        warning.contains("180 minuten voor"),
        "in the chair's language (Dutch by default): {warning}"
    );
    shell.send(Event::SetLanguage(Language::English));
    let warning = shell.view().clock_warning.expect("a warning");
    assert!(warning.contains("180 minutes ahead"), "{warning}");
    // The header shows the corrected time, 07:40 local, not the device's 10:40.
    assert_eq!(shell.view().clock, "07:40");

    // Without the correction the opening would be refused by the server.
    assert!(
        check_recorded_at(
            Timestamp(shell.now_ms),
            Timestamp(server_now(&shell, &server)),
            &server.election
        )
        .is_some()
    );
    shell.open_station(&mut server, &OPENING_STAFF);
    shell.send(Event::ReportTurnout {
        count: 120,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    shell.sync_with(&mut server);

    assert!(server.rejections.is_empty(), "{:?}", server.rejections);
    assert_eq!(server.applied.len(), 2);
    let now = server_now(&shell, &server);
    for op in &server.applied {
        let off = (op.recorded_at.millis() - now).abs();
        assert!(
            off < MINUTE,
            "recorded_at is the server's time, off by {off} ms"
        );
    }
    assert_eq!(shell.view().phase, StationPhase::Open);
    assert_eq!(shell.view().sync.rejected, 0);
}

#[test]
fn a_clock_behind_is_corrected_too() {
    let mut server = SimServer::new();
    let mut shell = device(&mut server, -5 * MINUTE, OPENS + 10 * MINUTE);
    let warning = shell.view().clock_warning.expect("a warning");
    assert!(warning.contains("5 minuten achter"), "{warning}");
    shell.open_station(&mut server, &OPENING_STAFF);
    let now = server_now(&shell, &server);
    let op = server.applied.first().expect("opened");
    assert!((op.recorded_at.millis() - now).abs() < MINUTE);
}

#[test]
fn a_clock_within_two_minutes_is_left_alone() {
    let mut server = SimServer::new();
    let ahead = 90_000;
    let mut shell = device(&mut server, ahead, OPENS + 10 * MINUTE);
    assert_eq!(shell.view().clock_warning, None);
    shell.open_station(&mut server, &OPENING_STAFF);
    let op = server.applied.first().expect("opened");
    assert_eq!(
        op.recorded_at.millis(),
        shell.now_ms,
        "the device's own time"
    );
    assert!(ahead < RECORDED_AT_MAX_AHEAD_MS);
}

#[test]
fn the_warning_goes_when_the_clock_is_set_right() {
    let mut server = SimServer::new();
    let mut shell = device(&mut server, 3 * HOUR, OPENS + 10 * MINUTE);
    assert!(shell.view().clock_warning.is_some());
    // The chair sets the clock; the next heartbeat measures again.
    shell.now_ms -= 3 * HOUR;
    server.device_clock_ahead_ms = 0;
    shell.drop_connection();
    shell.sync_with(&mut server);
    assert_eq!(shell.view().clock_warning, None);
    shell.open_station(&mut server, &OPENING_STAFF);
    let op = server.applied.first().expect("opened");
    assert_eq!(op.recorded_at.millis(), shell.now_ms);
}

#[test]
fn heartbeats_measure_the_clock_again() {
    let mut server = SimServer::new();
    let mut shell = device(&mut server, 0, OPENS + 10 * MINUTE);
    assert_eq!(shell.view().clock_warning, None);
    // The device's clock jumps 10 minutes ahead while connected; the server's next
    // heartbeat shows it.
    shell.now_ms += 10 * MINUTE;
    server.device_clock_ahead_ms = 10 * MINUTE;
    shell.receive(encode(&ServerMessage::Heartbeat {
        server_time: Timestamp(server_now(&shell, &server)),
    }));
    let warning = shell.view().clock_warning.expect("a warning");
    assert!(warning.contains("10 minuten voor"), "{warning}");
}
