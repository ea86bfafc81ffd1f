//! After a restore from a backup, the server lacks the reports it acknowledged after
//! the backup began. A station that had them acknowledged still holds them: at its
//! next hello the welcome shows the server holds fewer of its reports than it had
//! acknowledged, and it sends exactly those again, each stored once and in order,
//! then its next report (docs/operations.md, "Backups and restore"). A device that
//! no longer holds them is told to be activated again, and with a new code goes on
//! after the numbers recorded as lost; a device's claim alone never makes the server
//! skip one. On SQLite, and on PostgreSQL with KIESDAG_TEST_POSTGRES.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::PathBuf;
use std::time::Duration;

use diesel::prelude::*;
use kiesdag::db::{self, schema};
use shared::Event;
use shared::app::view::ConnectionState;
use shared::protocol::{ClientMessage, RejectCode, ServerMessage};
use support::{
    RawDevice, assert_exactly_once_in_order, cli, election_open_now, events_of, fresh_database,
    open_station, operation, seed, settled, start_server, start_server_on, station_id, turnout,
};

const WAIT: Duration = Duration::from_secs(15);

/// A folder for the backup that outlives the servers.
struct Folder(PathBuf);

impl Folder {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("kiesdag-resend-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn backup(&self) -> String {
        self.0.join("mid-day.backup").to_str().unwrap().to_owned()
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The audit entries with `action`: their payloads.
fn audited(database: &str, action: &str) -> Vec<String> {
    let mut conn = db::connect(database).unwrap();
    schema::audit_log::table
        .filter(schema::audit_log::action.eq(action))
        .select(schema::audit_log::payload)
        .load(&mut conn)
        .unwrap()
}

/// A backup of `database` into `folder`, restored into a fresh database.
fn backup(database: &str, folder: &Folder) {
    let (ok, said) = cli(database, &["backup", &folder.backup()]);
    assert!(ok, "{said}");
}

fn restore(folder: &Folder) -> (String, PathBuf) {
    let (restored, dir) = fresh_database();
    let (ok, said) = cli(&restored, &["restore", &folder.backup()]);
    assert!(ok, "{said}");
    (restored, dir)
}

/// Station 1 has its opening and turnout 1–3 acknowledged; the backup is taken; then
/// turnout 4–5 are acknowledged; the server is lost with its database, the backup is
/// restored under a fresh server on the same address. The station's 4–5 arrive
/// exactly once, and its next report 6 is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_station_sends_again_exactly_once_what_a_restored_server_lacks() {
    let folder = Folder::new();
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 1);
    let first = start_server(&database, dir);
    let address = first.address();
    let mut station = open_station(&first.ws("/ws/station"), &codes[0]).await;
    for count in 1..=3 {
        station.send(turnout(count));
    }
    station
        .wait_for(WAIT, |v| settled(v) && v.sync.confirmed == 4)
        .await
        .unwrap();
    backup(&database, &folder);
    for count in 4..=5 {
        station.send(turnout(count));
    }
    station
        .wait_for(WAIT, |v| settled(v) && v.sync.confirmed == 6)
        .await
        .unwrap();

    // The server is lost, its database with it.
    station.set_network(false);
    drop(first);
    let (restored, dir) = restore(&folder);
    assert_eq!(events_of(&restored, &station_id(1)), 4, "opening, 1–3");

    let second = start_server_on(&restored, dir, &address);
    station.set_network(true);
    station.send(Event::ReconnectNow);
    // The station's sync state alone says nothing here (it had them confirmed
    // before): the restored server must hold them.
    let deadline = std::time::Instant::now() + WAIT;
    while events_of(&second.database, &station_id(1)) < 6 {
        assert!(
            std::time::Instant::now() < deadline,
            "4–5 not sent again: {:?}, {:?}",
            station.view().sync,
            station.view().connection
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    station
        .wait_for(WAIT, |v| {
            v.connection.state == ConnectionState::Online && settled(v) && v.sync.confirmed == 6
        })
        .await
        .unwrap_or_else(|_| panic!("4–5 confirmed again: {:?}", station.view().sync));
    let view = station.view();
    assert_eq!(view.sync.rejected, 0);
    let notice = view.notice.expect("a status line");
    assert!(!notice.is_error, "nothing alarming: {}", notice.text);

    station.send(turnout(6));
    station
        .wait_for(WAIT, |v| settled(v) && v.sync.confirmed == 7)
        .await
        .unwrap_or_else(|_| panic!("6 stored: {:?}", station.view().sync));
    assert_eq!(events_of(&second.database, &station_id(1)), 7);
    assert_exactly_once_in_order(&second.database, 1, 6);
    // The control room can learn of it: the audit log says the device sent them again.
    let said = audited(&second.database, "device.resending");
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("\"resending\":2"), "{}", said[0]);
    let (ok, said) = cli(&second.database, &["audit", "verify"]);
    assert!(ok, "{said}");
}

async fn hello(
    device: &mut RawDevice,
    token: &str,
    last_acked_seq: u64,
    resend_from: Option<u64>,
) -> ServerMessage {
    device
        .send(&ClientMessage::Hello {
            device_token: token.into(),
            device_id: device.device_id,
            last_acked_seq,
            resend_from,
        })
        .await;
    device.recv().await.expect("an answer to hello")
}

async fn acked(device: &mut RawDevice, seq: u64) {
    let station = station_id(1);
    device
        .send(&operation(device, seq, &station, turnout_report(seq)))
        .await;
    match device.recv().await {
        Some(ServerMessage::Ack { device_seq, .. }) if device_seq == seq => {}
        other => panic!("ack of {seq}: {other:?}"),
    }
}

fn turnout_report(count: u64) -> shared::domain::Report {
    shared::domain::Report::Turnout(shared::domain::TurnoutReport {
        count: u32::try_from(count).unwrap() * 10,
        moment: shared::domain::TurnoutMoment::AdHoc,
        correction_reason: None,
    })
}

/// A device that no longer holds what the restored server lacks: its claim alone
/// changes nothing (no number skipped, nothing after a gap stored); it is told to be
/// activated again (an older device, which knows no such code, that its activation
/// ended), and the control room's log says so. Activated anew with a new code, the
/// numbers it lacks are recorded as lost and it goes on after them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_cannot_send_again_is_activated_anew_and_goes_on() {
    let folder = Folder::new();
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 1);
    let first = start_server(&database, dir);
    let address = first.address();
    let mut device = RawDevice::connect(&first).await;
    let token = device.activate(&codes[0]).await;
    let open = operation(&device, 1, &station_id(1), support::opening());
    device.send(&open).await;
    assert!(matches!(
        device.recv().await,
        Some(ServerMessage::Ack { .. })
    ));
    for seq in 2..=3 {
        acked(&mut device, seq).await;
    }
    backup(&database, &folder);
    for seq in 4..=5 {
        acked(&mut device, seq).await;
    }
    let device_id = device.device_id;
    drop(device);
    drop(first);
    let (restored, dir) = restore(&folder);
    let second = start_server_on(&restored, dir, &address);

    // It can send 2–5 again: welcomed at 3.
    let id = device_id.to_string();
    let mut device = RawDevice::connect_as(&second, device_id).await;
    let welcome = hello(&mut device, &token, 5, Some(2)).await;
    assert!(
        matches!(
            welcome,
            ServerMessage::Welcome {
                last_processed_seq: 3,
                ..
            }
        ),
        "{welcome:?}"
    );
    // A claim far above changes nothing: 7 after 3 is not stored.
    device
        .send(&operation(&device, 7, &station_id(1), turnout_report(7)))
        .await;
    assert_ne!(
        device
            .recv()
            .await
            .map(|m| matches!(m, ServerMessage::Ack { .. })),
        Some(true)
    );
    assert_eq!(events_of(&restored, &station_id(1)), 3);

    // It can send only from 5: told to be activated again, and stays so.
    for _ in 0..2 {
        let mut device = RawDevice::connect_as(&second, id.parse().unwrap()).await;
        let refused = hello(&mut device, &token, 5, Some(5)).await;
        assert!(
            matches!(
                refused,
                ServerMessage::Error {
                    code: RejectCode::ReactivationNeeded,
                    ..
                }
            ),
            "{refused:?}"
        );
    }
    // An older device, which keeps nothing, hears of its activation.
    let mut older = RawDevice::connect_as(&second, id.parse().unwrap()).await;
    let refused = hello(&mut older, &token, 5, None).await;
    assert!(
        matches!(
            refused,
            ServerMessage::Error {
                code: RejectCode::RevokedToken,
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!(audited(&restored, "device.reactivation_needed").len(), 3);
    assert_eq!(events_of(&restored, &station_id(1)), 3, "nothing skipped");

    // Activated anew with a new code: 4 is recorded as lost, 5 is taken, then 6.
    let code = {
        let mut conn = db::open(&restored).unwrap();
        kiesdag::store::codes::issue(
            &mut conn,
            &station_id(1),
            db::now_ms(),
            db::now_ms() + 3_600_000,
        )
        .unwrap()
    };
    let mut device = RawDevice::connect_as(&second, id.parse().unwrap()).await;
    device
        .send(&ClientMessage::Activate {
            activation_code: code,
            device_id: device.device_id,
        })
        .await;
    let Some(ServerMessage::Activated { device_token, .. }) = device.recv().await else {
        panic!("activated anew")
    };
    let welcome = hello(&mut device, &device_token, 5, Some(5)).await;
    assert!(
        matches!(
            welcome,
            ServerMessage::Welcome {
                last_processed_seq: 4,
                ..
            }
        ),
        "{welcome:?}"
    );
    let lost = audited(&restored, "device.reports_lost");
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert!(lost[0].contains("\"from\":4") && lost[0].contains("\"through\":4"));
    // Control-room messages may come after the welcome; acks are what count.
    for seq in 5..=6 {
        let station = station_id(1);
        device
            .send(&operation(&device, seq, &station, turnout_report(seq)))
            .await;
        loop {
            match device.recv().await {
                Some(ServerMessage::Ack { device_seq, .. }) if device_seq == seq => break,
                Some(ServerMessage::Message(_) | ServerMessage::IncidentStatus { .. }) => {}
                other => panic!("ack of {seq}: {other:?}"),
            }
        }
    }
    assert_eq!(events_of(&restored, &station_id(1)), 5, "1–3, 5, 6");
    let (ok, said) = cli(&restored, &["audit", "verify"]);
    assert!(ok, "{said}");
}
