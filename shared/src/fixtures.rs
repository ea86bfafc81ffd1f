//! The canonical test builders (feature `fixtures`; always in this crate's own unit
//! tests): an election, a station, an opening report, a turnout tap, a provisional
//! result, an operation, each written
//! once for every layer's tests (the core's, the server's unit and integration tests,
//! the simulator's). A test that needs another value changes that field of the
//! canonical one (`Station { expected_voters: None, ..fixtures::station(..) }`), so
//! what it differs in is what it is about.
//!
//! Only dev-dependencies and test infrastructure enable the feature: the production
//! server does not carry it (`cargo tree -p kiesdag -e normal -f "{p} {f}"`). Pure
//! like the rest of the core: no clock is read here; a builder that needs "now" takes
//! it.

use uuid::Uuid;

use crate::Event;
use crate::domain::{
    CandidateList, ChecklistItem, Election, Jurisdiction, ListVotes, OpeningReport,
    ProvisionalResult, Report, StaffMember, StaffRole, Station, StationDay, Timestamp,
    TurnoutMoment, VotersCounts, VotesCounts, VotingLocation,
};
use crate::protocol::{Operation, operation_id};

/// 2026-03-18, polls 07:30-21:00 local (06:30-20:00 UTC).
pub const OPENS: i64 = 1_773_815_400_000;
/// The polls close 13.5 hours after they open.
pub const CLOSES: i64 = OPENS + 810 * 60_000;
/// An hour in milliseconds.
pub const HOUR_MS: i64 = 3_600_000;
/// Rotterdam, the municipality the fixtures' stations are in.
pub const MUNICIPALITY: &str = "GM0599";

/// Candidate lists 1 to `count`, named "Lijst N".
pub fn lists(count: u32) -> Vec<CandidateList> {
    (1..=count)
        .map(|number| CandidateList {
            number,
            name: format!("Lijst {number}"),
        })
        .collect()
}

/// The municipal election of 2026-03-18 in `jurisdiction` with `lists` candidate
/// lists: polls from `OPENS` to `CLOSES`, turnout moments 2.5 and 5.5 hours in, the
/// default opening checklist.
pub fn election(jurisdiction: Jurisdiction, lists: u32) -> Election {
    Election {
        id: "GR2026".into(),
        name: "Gemeenteraad 2026".into(),
        jurisdiction,
        opens_at: Timestamp(OPENS),
        closes_at: Timestamp(CLOSES),
        utc_offset_minutes: 60,
        turnout_moments: vec![
            Timestamp(OPENS + 150 * 60_000),
            Timestamp(OPENS + 330 * 60_000),
        ],
        lists: self::lists(lists),
        opening_checklist: Election::default_checklist(),
        closing_checklist: Election::default_closing_checklist(),
        council: Default::default(),
        seats: None,
        control_room_phone: None,
    }
}

/// A Dutch election open at `now`: opened an hour before, closes six hours after, one
/// list, no turnout moments (for a server whose clock is real).
pub fn election_open_at(now: Timestamp) -> Election {
    Election {
        id: "E1".into(),
        name: "Testverkiezing".into(),
        opens_at: Timestamp(now.0 - HOUR_MS),
        closes_at: Timestamp(now.0 + 6 * HOUR_MS),
        turnout_moments: vec![],
        ..election(Jurisdiction::Netherlands, 1)
    }
}

/// Station `number` of `municipality` (id "GM0599-12"), "Stembureau N" in a community
/// centre in Rotterdam, no coordinates or district, 2,000 expected voters, the
/// election's hours.
pub fn station(municipality: &str, number: u32) -> Station {
    Station {
        id: format!("{municipality}-{number}"),
        municipality_code: municipality.into(),
        number,
        name: format!("Stembureau {number}"),
        location: VotingLocation {
            name: "Wijkgebouw".into(),
            address: format!("Straat {number}"),
            postcode: "3011AA".into(),
            city: "Rotterdam".into(),
            latitude: None,
            longitude: None,
            accessibility: Default::default(),
        },
        district: None,
        subarea: None,
        expected_voters: Some(2_000),
        may_open_early: false,
        opens_at: None,
        closes_at: None,
        extra_stops: vec![],
        planned_staff: vec![],
    }
}

/// A station's day before anything happened.
pub fn day() -> StationDay {
    StationDay::default()
}

/// Members (no chair) with these names.
pub fn members(names: &[&str]) -> Vec<StaffMember> {
    names
        .iter()
        .map(|name| StaffMember {
            name: (*name).into(),
            role: StaffRole::Member,
        })
        .collect()
}

/// An opening with every item of `checklist` done and three members present.
pub fn opening(checklist: &[ChecklistItem]) -> OpeningReport {
    OpeningReport {
        checklist_done: checklist.iter().map(|item| item.id.clone()).collect(),
        members_present: members(&["a", "b", "c"]),
    }
}

/// The chair's tap reporting an ad hoc turnout of `count` voters.
pub fn turnout(count: u32) -> Event {
    Event::ReportTurnout {
        count,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    }
}

/// A provisional result (N 10-1) filled in as the form asks: voters admitted on
/// `admitted` (poll cards, proxy certificates, voter cards), `list_votes` per list
/// (list 1 first), `blank` and `invalid` votes; every total added up, and where the
/// votes cast and the admitted voters differ, the difference filled in and explained.
pub fn result(
    admitted: (u32, u32, u32),
    list_votes: &[u32],
    blank: u32,
    invalid: u32,
) -> ProvisionalResult {
    let d = admitted.0 + admitted.1 + admitted.2;
    let e: u32 = list_votes.iter().sum();
    let h = e + blank + invalid;
    ProvisionalResult {
        voters: VotersCounts {
            poll_cards: admitted.0,
            proxy_certificates: admitted.1,
            voter_cards: admitted.2,
            admitted_voters: d,
        },
        votes: VotesCounts {
            list_votes: (1..)
                .zip(list_votes)
                .map(|(list_number, votes)| ListVotes {
                    list_number,
                    votes: *votes,
                })
                .collect(),
            votes_for_candidates: e,
            blank_votes: blank,
            invalid_votes: invalid,
            votes_cast: h,
        },
        more_ballots_counted: h.saturating_sub(d),
        fewer_ballots_counted: d.saturating_sub(h),
        explanation: if h == d {
            String::new()
        } else {
            "verschil".into()
        },
    }
}

/// The operation a device sends: `report` for `station_id`, the device's `seq`-th,
/// recorded at `recorded_at`, its id made as the device makes it, no warnings
/// confirmed.
pub fn operation(
    device_id: &Uuid,
    seq: u64,
    station_id: &str,
    recorded_at: Timestamp,
    report: Report,
) -> Operation {
    Operation {
        id: operation_id(device_id, seq, recorded_at),
        device_seq: seq,
        station_id: station_id.into(),
        recorded_at,
        report,
        confirmed_warnings: vec![],
    }
}
