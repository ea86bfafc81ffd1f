//! `kill -9` of the server during a burst of operations from many simulated
//! stations: after a restart, every operation that was acknowledged is present, every
//! unacknowledged one is re-sent by its device, and each is applied exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use diesel::prelude::*;
use kiesdag::db::{self, schema::events};
use kiesdag_sim::{Station, Storage};
use shared::Event;
use shared::app::view::ConnectionState;
use shared::domain::StationPhase;
use support::{server_with, settled, turnout};

const STATIONS: u32 = 20;
const REPORTS: u32 = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_nothing_and_applies_nothing_twice() {
    let (server, codes) = server_with(STATIONS);
    let url = server.ws("/ws/station");

    let mut stations = Vec::new();
    for code in &codes {
        let mut station = Station::start(Storage::default());
        station.send(Event::Activate {
            server_url: url.clone(),
            activation_code: code.clone(),
        });
        station
            .wait_for(Duration::from_secs(20), |v| {
                v.connection.state == ConnectionState::Online
            })
            .await
            .unwrap();
        station.tap_opening();
        stations.push(station);
    }
    for station in &mut stations {
        if let Err(e) = station
            .wait_for(Duration::from_secs(20), |v| {
                v.phase == StationPhase::Open && settled(v)
            })
            .await
        {
            let v = station.view();
            panic!(
                "{e}: phase {:?} sync {:?} notice {:?} issues {:?} conn {:?} busy {}",
                v.phase, v.sync, v.notice, v.issues, v.connection, v.busy
            );
        }
    }

    // The burst: every station reports as fast as the chair can tap.
    for count in 1..=REPORTS {
        for station in &stations {
            station.send(turnout(count));
        }
        if count == REPORTS / 2 {
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }
    // Crash in the middle of it, while operations are in flight.
    let confirmed_before: u64 = stations.iter().map(|s| s.view().sync.confirmed).sum();
    let server = server.crash_and_restart();
    let stored_at_crash = {
        let mut conn = db::connect(&server.database).unwrap();
        events::table.count().get_result::<i64>(&mut conn).unwrap()
    };
    let total = i64::from(STATIONS * (REPORTS + 1));
    eprintln!("at the crash: {confirmed_before} acknowledged, {stored_at_crash} of {total} stored");
    assert!(
        stored_at_crash < total,
        "the crash must come while operations are in flight"
    );
    assert!(
        u64::try_from(stored_at_crash).unwrap() >= confirmed_before,
        "every acknowledged operation ({confirmed_before}) survived the crash ({stored_at_crash} stored)"
    );

    for station in &mut stations {
        station.send(Event::ReconnectNow);
    }
    for station in &mut stations {
        let view = station
            .wait_for(Duration::from_secs(60), settled)
            .await
            .unwrap();
        assert_eq!(view.sync.rejected, 0);
    }

    let events = support::assert_exactly_once_in_order(&server.database, STATIONS, REPORTS);
    assert_eq!(
        events,
        (STATIONS * (REPORTS + 1)) as usize,
        "each operation applied exactly once"
    );
}
