//! A server restored from a backup lacks the operations it acknowledged after the
//! backup: the device keeps what the server finished, sees at the welcome that the
//! server holds fewer of its operations than it acknowledged, and sends exactly those
//! again, once and in order, before anything new. A device that no longer holds
//! them all asks to be activated again instead of sending into a gap.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashSet;

use shared::Event;
use shared::app::view::{Page, ViewModel};
use shared::fixtures::turnout;
use support::server::SimServer;
use support::{Shell, applied_seqs, opened_station};

/// Every operation the server applied, once each.
fn assert_once(server: &SimServer) {
    let ids: HashSet<_> = server.applied.iter().map(|o| o.id).collect();
    assert_eq!(ids.len(), server.applied.len(), "an operation stored twice");
}

fn turnout_shown(view: &ViewModel) -> Option<u32> {
    match &view.page {
        Page::Day(day) => day.turnout,
        _ => None,
    }
}

/// The opening (1) and turnout 100..=500 (2..=6), all acknowledged.
fn a_morning(server: &mut SimServer) -> Shell {
    let mut shell = opened_station(server);
    for count in 1..=5 {
        shell.send(turnout(count * 100));
        shell.sync_with(server);
    }
    assert_eq!(applied_seqs(server), [1, 2, 3, 4, 5, 6]);
    assert_eq!(shell.view().sync.confirmed, 6);
    shell
}

#[test]
fn a_restored_server_gets_the_acknowledged_operations_it_lacks_once_and_in_order() {
    for k in 1..=5u64 {
        let mut server = SimServer::new();
        let mut shell = a_morning(&mut server);
        // The server forgets its last k operations (restored from a backup), and the
        // device reconnects to it.
        server.restore_to(6 - k);
        shell.drop_connection();
        shell.sync_with(&mut server);
        assert_eq!(applied_seqs(&server), [1, 2, 3, 4, 5, 6], "k = {k}");
        assert_once(&server);
        let view = shell.view();
        assert_eq!(view.sync.confirmed, 6, "k = {k}: counted once");
        assert_eq!(view.sync.pending + view.sync.sent, 0);
        let notice = view.notice.expect("a status line");
        assert!(!notice.is_error, "nothing alarming: {}", notice.text);
        assert!(
            notice.text.contains(&format!("{k} eerder")),
            "{}",
            notice.text
        );
        assert_eq!(turnout_shown(&shell.view()), Some(500));

        // Reconnecting again sends nothing again; the next report is the next number.
        shell.drop_connection();
        shell.sync_with(&mut server);
        shell.send(turnout(600));
        shell.sync_with(&mut server);
        assert_eq!(applied_seqs(&server), [1, 2, 3, 4, 5, 6, 7], "k = {k}");
        assert_once(&server);
        assert_eq!(shell.view().sync.confirmed, 7);
        assert_eq!(server.day.latest_turnout.map(|t| t.1), Some(600));
    }
}

#[test]
fn what_was_made_offline_follows_what_is_sent_again() {
    let mut server = SimServer::new();
    let mut shell = a_morning(&mut server);
    shell.drop_connection();
    shell.send(turnout(600));
    shell.send(turnout(700));
    server.restore_to(3);
    shell.sync_with(&mut server);
    assert_eq!(applied_seqs(&server), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_once(&server);
    assert_eq!(shell.view().sync.confirmed, 8);
}

#[test]
fn the_app_killed_while_sending_again_sends_the_rest_once() {
    let mut server = SimServer::new();
    let mut shell = a_morning(&mut server);
    server.restore_to(2);
    shell.drop_connection();
    shell.open_socket();
    // The welcome and two of the four sent again reach the server; then the app dies.
    let hello: Vec<String> = shell.outbound.drain(..).collect();
    for frame in hello {
        for answer in server.handle(&frame, shell.now_ms) {
            shell.receive(answer);
        }
    }
    let frames: Vec<String> = shell.outbound.drain(..2).collect();
    for frame in frames {
        for answer in server.handle(&frame, shell.now_ms) {
            shell.receive(answer);
        }
    }
    assert_eq!(applied_seqs(&server), [1, 2, 3, 4]);
    shell.restart();
    shell.sync_with(&mut server);
    assert_eq!(applied_seqs(&server), [1, 2, 3, 4, 5, 6]);
    assert_once(&server);
    assert_eq!(shell.view().sync.confirmed, 6);
    // Even when the server is restored again, to before the first.
    server.restore_to(1);
    shell.drop_connection();
    shell.sync_with(&mut server);
    assert_eq!(applied_seqs(&server), [1, 2, 3, 4, 5, 6]);
    assert_once(&server);
}

#[test]
fn a_refusal_sent_again_is_refused_again_without_telling_the_chair_twice() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    server.refuse = Some(("ballot_stock", "STOCK_E01_REMAINING_ABOVE_RECEIVED"));
    shell.send(Event::ReportBallotStock {
        received: 10,
        remaining: 5,
    });
    shell.sync_with(&mut server);
    shell.send(turnout(100));
    shell.sync_with(&mut server);
    assert_eq!(server.rejected_seqs, [2]);
    shell.send(Event::DismissNotice);
    server.restore_to(1);
    shell.drop_connection();
    shell.sync_with(&mut server);
    assert_eq!(server.rejected_seqs, [2], "refused again, once");
    assert_eq!(applied_seqs(&server), [1, 3]);
    let view = shell.view();
    assert_eq!((view.sync.confirmed, view.sync.rejected), (2, 1));
    assert!(!view.notice.unwrap().is_error);
}

/// A `day` record written by the version before finished operations were kept (no
/// `finished_ops`, no `finished_high`) still loads; as that device no longer holds what it sent, a server
/// restored to before it asks for a new activation instead of waiting for ever, and
/// what was not sent yet is kept.
#[test]
fn an_old_day_record_loads_and_a_device_that_cannot_send_again_asks_to_be_activated() {
    let mut server = SimServer::new();
    let mut shell = a_morning(&mut server);
    let mut day: serde_json::Value = serde_json::from_slice(&shell.store["day"]).unwrap();
    let fields = day.as_object_mut().unwrap();
    assert!(fields.remove("finished_ops").is_some());
    assert!(fields.remove("finished_high").is_some());
    shell
        .store
        .insert("day".into(), serde_json::to_vec(&day).unwrap());
    shell.restart();
    shell.sync_with(&mut server);
    let view = shell.view();
    assert_eq!(view.sync.confirmed, 6, "the old record loaded");
    assert_eq!(turnout_shown(&view), Some(500));
    assert!(view.notice.is_none(), "{:?}", view.notice);
    shell.send(turnout(600));
    shell.sync_with(&mut server);
    assert_eq!(applied_seqs(&server), [1, 2, 3, 4, 5, 6, 7]);

    // Only 7 is kept now; the server is restored to before 5.
    shell.drop_connection();
    shell.send(turnout(700));
    server.restore_to(4);
    shell.sync_with(&mut server);
    assert_eq!(
        applied_seqs(&server),
        [1, 2, 3, 4],
        "nothing sent into the gap"
    );
    let view = shell.view();
    assert!(matches!(view.page, Page::Activation(_)), "{:?}", view.page);
    let notice = view.notice.unwrap();
    assert!(notice.is_error);
    assert!(notice.text.contains("nieuwe code"), "{}", notice.text);
    assert_eq!(view.sync.pending, 1, "the unsent report is kept");
    let connects = shell.connects;
    shell.advance(120_000);
    assert_eq!(shell.connects, connects, "no reconnecting for ever");
}

#[test]
fn the_device_says_from_where_it_can_send_again() {
    let mut server = SimServer::new();
    let mut shell = a_morning(&mut server);
    shell.drop_connection();
    shell.send(turnout(600));
    shell.open_socket();
    let hello = shell.outbound.first().cloned().unwrap();
    let hello: serde_json::Value = serde_json::from_str(&hello).unwrap();
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["last_acked_seq"], 6);
    assert_eq!(hello["resend_from"], 1);
}

mod property {
    //! The promise under random faults: reports, lost and repeated acks, dropped
    //! connections, frames delivered in part, the app killed and started again, and
    //! the server restored to any earlier point, any number of times: in the end the
    //! server holds every report the device made, exactly once and in order.

    use proptest::prelude::*;
    use shared::Event;
    use shared::domain::TurnoutMoment;

    use super::support::opened_station;
    use super::support::server::SimServer;

    #[derive(Clone, Debug)]
    enum Step {
        Turnout,
        Sync,
        DeliverSome(usize),
        DropConnection,
        LoseNextAck,
        DuplicateAcks(bool),
        Restart,
        Wait(i64),
        /// The server forgets its last this many operations.
        Restore(u64),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => Just(Step::Turnout),
            3 => Just(Step::Sync),
            2 => (1usize..4).prop_map(Step::DeliverSome),
            1 => Just(Step::DropConnection),
            1 => Just(Step::LoseNextAck),
            1 => any::<bool>().prop_map(Step::DuplicateAcks),
            1 => Just(Step::Restart),
            1 => (1i64..90).prop_map(|s| Step::Wait(s * 1_000)),
            2 => (0u64..8).prop_map(Step::Restore),
        ]
    }

    fn held(server: &SimServer) -> u64 {
        server
            .applied
            .iter()
            .map(|o| o.device_seq)
            .chain(server.rejected_seqs.iter().copied())
            .max()
            .unwrap_or(0)
    }

    fn run(steps: &[Step]) -> Result<(), TestCaseError> {
        let mut server = SimServer::new();
        // As the real server: an operation that skips a number waits for it for ever.
        server.strict_order = true;
        let mut shell = opened_station(&mut server);
        let mut count = 0;
        let mut made = 1u64;
        for step in steps {
            match step {
                Step::Turnout => {
                    count += 10;
                    made += 1;
                    shell.send(Event::ReportTurnout {
                        count,
                        moment: TurnoutMoment::AdHoc,
                        correction_reason: None,
                    });
                }
                Step::Sync => shell.sync_with(&mut server),
                Step::DeliverSome(n) => {
                    let frames: Vec<String> = shell
                        .outbound
                        .drain(..(*n).min(shell.outbound.len()))
                        .collect();
                    for frame in frames {
                        for answer in server.handle(&frame, shell.now_ms) {
                            shell.receive(answer);
                        }
                    }
                }
                Step::DropConnection => shell.drop_connection(),
                Step::LoseNextAck => server.lose_next_ack = true,
                Step::DuplicateAcks(on) => server.duplicate_acks = *on,
                Step::Restart => shell.restart(),
                Step::Wait(ms) => shell.advance(*ms),
                Step::Restore(k) => {
                    // A restored server is a fresh process: the connection goes.
                    server.restore_to(held(&server).saturating_sub(*k).max(1));
                    shell.drop_connection();
                }
            }
        }
        server.lose_next_ack = false;
        for _ in 0..20 {
            shell.sync_with(&mut server);
            let sync = shell.view().sync;
            if sync.saving + sync.pending + sync.sent == 0 && shell.outbound.is_empty() {
                break;
            }
            shell.advance(70_000);
        }
        prop_assert!(
            server.gaps.is_empty(),
            "no number skipped: {:?}",
            server.gaps
        );
        let view = shell.view();
        prop_assert!(view.station.is_some(), "still activated: {:?}", view.notice);
        prop_assert_eq!(view.sync.pending + view.sync.sent + view.sync.saving, 0);
        let applied: Vec<u64> = server.applied.iter().map(|o| o.device_seq).collect();
        prop_assert_eq!(
            applied,
            (1..=made).collect::<Vec<_>>(),
            "each once, in order"
        );
        let mut ids: Vec<_> = server.applied.iter().map(|o| o.id).collect();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), server.applied.len());
        prop_assert_eq!(view.sync.confirmed, made, "counted once each");
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn a_server_restored_any_number_of_times_ends_with_every_report_once(
            steps in proptest::collection::vec(step(), 1..60)
        ) {
            run(&steps)?;
        }
    }
}
