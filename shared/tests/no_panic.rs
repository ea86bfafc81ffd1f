//! Nothing a device, a staff member or a clock can send panics the shared rules:
//! `validation::validate`, `StationDay::apply` (and `check`), the run-out projection
//! and the clock check, for arbitrary reports, figures, instants and configurations.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use shared::domain::{
    BallotStockReport, ClosingReport, Election, IncidentCategory, IncidentMessage, IncidentReport,
    IncidentSeverity, Jurisdiction, ListVotes, OpeningReport, PresenceReport, ProvisionalResult,
    Report, ResupplyRequest, StaffMember, StaffRole, Station, StationDay, Timestamp, TurnoutMoment,
    TurnoutReport, Urgency, VotersCounts, VotesCounts,
};
use shared::fixtures;
use shared::validation::{self, Context, MAX_MEMBERS_PRESENT, check_recorded_at};

/// Figures around the interesting edges, and anything at all.
fn figure() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(1),
        Just(validation::MAX_COUNT),
        Just(validation::MAX_COUNT + 1),
        Just(u32::MAX),
        Just(u32::MAX - 1),
        0u32..2_000,
        any::<u32>(),
    ]
}

fn instant() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        Just(i64::MIN),
        Just(i64::MIN + 1),
        Just(-1i64),
        Just(0),
        Just(i64::MAX - 1),
        Just(i64::MAX),
        1_773_800_000_000i64..1_773_900_000_000,
        any::<i64>(),
    ]
    .prop_map(Timestamp)
}

/// Short names from a small alphabet, so that names repeat; sometimes long ones.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[abc ]{0,3}",
        1 => ".{0,120}",
        1 => Just("é".repeat(validation::MAX_NAME_CHARS + 1)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => ".{0,20}",
        1 => Just("x".repeat(validation::MAX_TEXT_CHARS + 1)),
    ]
}

fn member() -> impl Strategy<Value = StaffMember> {
    (name(), 0usize..5).prop_map(|(name, role)| StaffMember {
        name,
        role: [
            StaffRole::Chair,
            StaffRole::Member,
            StaffRole::Secretary,
            StaffRole::Counter,
            StaffRole::Substitute,
        ][role],
    })
}

fn members(max: usize) -> impl Strategy<Value = Vec<StaffMember>> {
    proptest::collection::vec(member(), 0..max)
}

fn incident_id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[xyz]",
        1 => ".{0,80}",
    ]
}

fn result() -> impl Strategy<Value = ProvisionalResult> {
    (
        [figure(), figure(), figure(), figure()],
        proptest::collection::vec((0u32..8, figure()), 0..10),
        [figure(), figure(), figure(), figure()],
        [figure(), figure()],
        text(),
    )
        .prop_map(|(v, lists, w, ij, explanation)| ProvisionalResult {
            voters: VotersCounts {
                poll_cards: v[0],
                proxy_certificates: v[1],
                voter_cards: v[2],
                admitted_voters: v[3],
            },
            votes: VotesCounts {
                list_votes: lists
                    .into_iter()
                    .map(|(list_number, votes)| ListVotes { list_number, votes })
                    .collect(),
                votes_for_candidates: w[0],
                blank_votes: w[1],
                invalid_votes: w[2],
                votes_cast: w[3],
            },
            more_ballots_counted: ij[0],
            fewer_ballots_counted: ij[1],
            explanation,
        })
}

fn report() -> impl Strategy<Value = Report> {
    prop_oneof![
        (
            proptest::collection::vec("[a-z_]{0,20}", 0..10),
            members(50)
        )
            .prop_map(
                |(checklist_done, members_present)| Report::Opening(OpeningReport {
                    checklist_done,
                    members_present,
                })
            ),
        member().prop_map(|m| Report::Presence(PresenceReport::Arrived(m))),
        name().prop_map(|name| Report::Presence(PresenceReport::Departed { name })),
        (proptest::collection::vec(name(), 0..45), members(45)).prop_map(|(leaving, arriving)| {
            Report::Presence(PresenceReport::ShiftChange { leaving, arriving })
        }),
        (figure(), figure()).prop_map(|(received, remaining)| Report::BallotStock(
            BallotStockReport {
                received,
                remaining
            }
        )),
        (figure(), text()).prop_map(|(quantity, note)| Report::ResupplyRequest(ResupplyRequest {
            quantity,
            urgency: Urgency::Critical,
            note,
        })),
        (
            figure(),
            prop_oneof![
                Just(TurnoutMoment::AdHoc),
                instant().prop_map(TurnoutMoment::Scheduled)
            ],
            proptest::option::of(text())
        )
            .prop_map(|(count, moment, correction_reason)| Report::Turnout(
                TurnoutReport {
                    count,
                    moment,
                    correction_reason,
                }
            )),
        (incident_id(), text()).prop_map(|(incident_id, text)| Report::Incident(IncidentReport {
            incident_id,
            category: IncidentCategory::Other,
            severity: IncidentSeverity::High,
            text,
        })),
        (incident_id(), text()).prop_map(|(incident_id, text)| Report::IncidentMessage(
            IncidentMessage { incident_id, text }
        )),
        result().prop_map(Report::ProvisionalResult),
        figure().prop_map(|voters_in_queue_at_close| Report::Closing(ClosingReport {
            voters_in_queue_at_close
        })),
    ]
}

fn election() -> impl Strategy<Value = Election> {
    (
        instant(),
        instant(),
        proptest::collection::vec(instant(), 0..5),
        0u32..6,
        any::<i32>(),
        any::<bool>(),
    )
        .prop_map(
            |(opens_at, closes_at, turnout_moments, lists, utc_offset_minutes, flanders)| {
                let jurisdiction = if flanders {
                    Jurisdiction::Flanders
                } else {
                    Jurisdiction::Netherlands
                };
                Election {
                    opens_at,
                    closes_at,
                    utc_offset_minutes,
                    turnout_moments,
                    ..fixtures::election(jurisdiction, lists)
                }
            },
        )
}

fn station() -> impl Strategy<Value = Station> {
    (
        proptest::option::of(figure()),
        proptest::option::of(instant()),
        proptest::option::of(instant()),
        any::<bool>(),
    )
        .prop_map(
            |(expected_voters, opens_at, closes_at, may_open_early)| Station {
                expected_voters,
                may_open_early,
                opens_at,
                closes_at,
                ..fixtures::station(fixtures::MUNICIPALITY, 1)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A day of arbitrary reports at arbitrary instants: each is validated, checked,
    /// applied when validation and the phase allow (as the server does), and applied
    /// regardless to a second day (as nothing may panic even when a caller skips
    /// validation). The projection, the clock check and the local time never panic.
    #[test]
    fn validation_and_apply_never_panic(
        election in election(),
        station in station(),
        steps in proptest::collection::vec((report(), instant(), instant()), 1..40),
    ) {
        let mut day = StationDay::default();
        let mut unchecked = StationDay::default();
        for (report, at, server_now) in &steps {
            let ctx = Context { election: &election, station: &station, day: &day, now: *at };
            let outcome = validation::validate(report, &ctx);
            let _ = check_recorded_at(*at, *server_now, &election);
            let checked = day.check(report, *at);
            if !outcome.has_errors() {
                let before = day.clone();
                let applied = day.apply(report, *at);
                prop_assert_eq!(&applied, &checked);
                if applied.is_err() {
                    prop_assert_eq!(&day, &before, "a refused report changes nothing");
                }
            }
            let _ = unchecked.apply(report, *at);
            let _ = day.ballots_run_out(*server_now);
            let _ = unchecked.ballots_run_out(*server_now);
            let _ = at.local_hh_mm(election.utc_offset_minutes);
            // The bounds hold for the day that validation guarded.
            prop_assert!(day.members_present.len() <= MAX_MEMBERS_PRESENT);
            prop_assert!(day.incidents.len() <= validation::MAX_INCIDENTS);
            prop_assert!(day.incidents.iter().all(|i| i.messages <= validation::MAX_MESSAGES_PER_INCIDENT));
            prop_assert!(day.reported_moments.len() <= election.turnout_moments.len());
            prop_assert!(day.resupply_requested <= validation::MAX_COUNT);
        }
    }

    /// The projection of when ballots run out, for any figures and instants.
    #[test]
    fn projected_run_out_never_panics(
        remaining in figure(), voters in figure(),
        stock_at in instant(), opened_at in instant(), turnout_at in instant(),
        closes_at in instant(),
    ) {
        if let Some(at) = validation::projected_run_out(
            remaining, stock_at, voters, opened_at, turnout_at, closes_at,
        ) {
            prop_assert!(at < closes_at);
            prop_assert!(at >= stock_at);
        }
    }
}
