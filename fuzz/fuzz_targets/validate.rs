//! Every report's validation and the station's day as a state machine, the way the
//! server's writer runs them for each operation (commit.rs): `validate` against the
//! election, the station and the day so far at the operation's `recorded_at`, then
//! `StationDay::apply` when nothing blocks; plus what the alerts and the app derive
//! from the day (ballots running out, turnout moments, local times, rule texts).
//!
//! The first byte chooses how much is arbitrary: bit 0 starts from an arbitrary day
//! (as a device may hold after a `Welcome`), bit 1 also applies reports that
//! validation refused (the app rebuilds days from operations without validating).
//! With FUZZ_DEBUG set, the case is printed (for `run.sh repro`).
#![no_main]

use arbitrary::Unstructured;
use kiesdag_fuzz::{build, install_known_panic_filter, tolerating_known};
use libfuzzer_sys::fuzz_target;
use shared::domain::{Election, Report, Station, StationDay, Timestamp};
use shared::validation::{Context, Language, message, validate};

fuzz_target!(init: install_known_panic_filter(), |data: &[u8]| {
    // A known panic (kiesdag_fuzz::KNOWN_PANICS) ends the input, not the run.
    let _ = tolerating_known(|| run(&mut Unstructured::new(data)));
});

fn run(u: &mut Unstructured<'_>) -> Option<()> {
    let mode: u8 = u.arbitrary().ok()?;
    let election: Election = build(u)?;
    let station: Station = build(u)?;
    let mut day: StationDay = if mode & 1 == 1 {
        build(u)?
    } else {
        StationDay::default()
    };
    let debug = std::env::var_os("FUZZ_DEBUG").is_some();
    if debug {
        eprintln!("mode {mode}\n{election:?}\n{station:?}\n{day:?}");
    }
    let reports = u.int_in_range(1..=12u8).ok()?;
    for _ in 0..reports {
        // Data that has run out reads as zeros: stop rather than repeat the same report.
        if u.is_empty() {
            break;
        }
        let report: Report = build(u)?;
        let now: Timestamp = build(u)?;
        let confirm_all: bool = u.arbitrary().ok()?;
        if debug {
            eprintln!("at {now:?} (confirm all: {confirm_all}): {report:?}");
        }
        let outcome = validate(
            &report,
            &Context {
                election: &election,
                station: &station,
                day: &day,
                now,
            },
        );
        for issue in &outcome.issues {
            let _ = (
                message(issue.rule, Language::Dutch),
                message(issue.rule, Language::English),
            );
        }
        let confirmed: Vec<String> = if confirm_all {
            outcome.codes().into_iter().map(String::from).collect()
        } else {
            Vec::new()
        };
        let checked = day.check(&report, now);
        if outcome.first_blocking(&confirmed).is_none() || mode & 2 == 2 {
            let applied = day.apply(&report, now);
            assert_eq!(checked.is_ok(), applied.is_ok(), "check and apply disagree");
        }
        // What the server's alerts and the app's screens derive from the day.
        let closes = station.closing_time(&election);
        let _ = station.opening_time(&election);
        let _ = day.ballots_run_out(closes);
        let _ = day.latest_turnout_count();
        let _ = election.next_turnout_moment(now, &day.reported_moments);
        let _ = election.overdue_turnout_moments(now, &day.reported_moments);
        let _ = now.local_hh_mm(election.utc_offset_minutes);
    }
    Some(())
}
