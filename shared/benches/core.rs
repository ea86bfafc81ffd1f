//! Benchmarks of the chair's core (issue targets: `update` under 1 ms, restore under
//! 10 ms):
//! - `update` for a result entry with 30 lists while 10,000 operations are queued,
//!   measured as `process_event` plus resolving the effects it asks for in memory;
//! - the view model built in that state;
//! - restoring a 1,000-operation outbox after the app is killed: a new core reads
//!   the store (in memory here) and rebuilds its state.
//!
//! Run with `make bench-core` (or `cargo bench -p shared --bench core`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use shared::Event;
use shared::domain::{
    CandidateList, ListVotes, ProvisionalResult, TurnoutMoment, VotersCounts, VotesCounts,
};
use support::server::SimServer;
use support::{CLOSES, Shell, opened_station};

const LISTS: u32 = 30;

/// An open station with `queued` turnout reports waiting offline.
fn station_with_queue(queued: u32) -> (Shell, SimServer) {
    let mut server = SimServer::new();
    server.election.lists = (1..=LISTS)
        .map(|number| CandidateList {
            number,
            name: format!("Lijst {number}"),
        })
        .collect();
    let mut shell = opened_station(&mut server);
    shell.drop_connection();
    for count in 1..=queued {
        shell.send(Event::ReportTurnout {
            count,
            moment: TurnoutMoment::AdHoc,
            correction_reason: None,
        });
    }
    assert_eq!(shell.view().sync.pending, queued);
    (shell, server)
}

fn result_with(lists: u32, bump: u32) -> ProvisionalResult {
    let list_votes: Vec<ListVotes> = (1..=lists)
        .map(|n| ListVotes {
            list_number: n,
            votes: 20 + n + bump,
        })
        .collect();
    let e: u32 = list_votes.iter().map(|l| l.votes).sum();
    let h = e + 6;
    ProvisionalResult {
        voters: VotersCounts {
            poll_cards: h,
            proxy_certificates: 0,
            voter_cards: 0,
            admitted_voters: h,
        },
        votes: VotesCounts {
            list_votes,
            votes_for_candidates: e,
            blank_votes: 3,
            invalid_votes: 3,
            votes_cast: h,
        },
        more_ballots_counted: 0,
        fewer_ballots_counted: 0,
        explanation: String::new(),
    }
}

fn bench(c: &mut Criterion) {
    let (mut shell, _server) = station_with_queue(10_000);
    shell.now_ms = CLOSES;
    let drafts: Vec<ProvisionalResult> = (0..64).map(|b| result_with(LISTS, b)).collect();
    let mut n = 0;
    c.bench_function("update: result entry, 30 lists, 10,000 queued", |b| {
        b.iter(|| {
            n = (n + 1) % drafts.len();
            shell.send(black_box(Event::EditResult(drafts[n].clone())));
        });
    });
    c.bench_function("view: 10,000 queued", |b| {
        b.iter(|| black_box(shell.view()))
    });

    let (restorable, _server) = station_with_queue(1_000);
    let store = restorable.store.clone();
    assert_eq!(
        store.keys().filter(|k| k.starts_with("outbox/")).count(),
        1_000
    );
    c.bench_function("restore: 1,000-operation outbox after restart", |b| {
        b.iter_batched(
            || {
                let mut shell = Shell::new();
                shell.store = store.clone();
                shell
            },
            |mut shell| {
                shell.send(Event::Start);
                assert_eq!(shell.view().sync.pending, 1_000);
                shell
            },
            criterion::BatchSize::LargeInput,
        );
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1)).sample_size(30);
    targets = bench
}
criterion_main!(benches);
