//! EML_NL in and out (`kiesdag import eml`, `kiesdag export eml`) on the Kiesraad's own
//! files: Assen's candidate lists and official count per polling station of the
//! municipal council election of 2026 (data/eml/), read and checked with the
//! Kiesraad's library.
//!
//! - Assen's official result of every station, sent by a simulated station through
//!   the real core and server, comes out of the export with the list totals, blank,
//!   invalid and voter counts of the Kiesraad's own count file, station by station;
//!   the parties' names are on the results page, its CSV and its chart.
//! - The export is strict EML_NL (no warning from the library) and converts to the
//!   osv4-3 layout exactly as the Kiesraad's count does, candidate rows aside. With
//!   `EML_NL_TOOLS` set (scripts/eml-tools.sh, `make eml-tools`) the Kiesraad's own
//!   `eml-validator --strict` and `eml2csv` are run on it too.
//! - Imports are whole or nothing, refuse another election's files and a file the
//!   library refuses with the reasons, and change nothing the second time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::Connection;
use eml_nl::{
    common::{AuthorityIdentifier, ElectionDomain, ReportingUnitIdentifier, TransactionId},
    documents::{
        candidate_lists::CandidateLists,
        election_count::{
            ElectionCount, ElectionCountSelectionType, RejectedVotesReason, ReportingUnitVotes,
            UncountedVotesReason,
        },
        polling_stations::{
            PhysicalLocationPollingStationId, PollingPlace, PollingStations,
            PollingStationsContest, PollingStationsElectionIdentifier,
        },
    },
    io::{EMLParsingMode, EMLRead as _, EMLWrite as _},
    utils::{
        AuthorityId, ElectionCategory, ElectionDomainId, ElectionId, ElectionSubcategory,
        ReportingUnitIdentifierId, VotingChannelType, VotingMethod, XsDate,
    },
};
use kiesdag::auth::Role;
use kiesdag::features::eml::{Identity, read};
use kiesdag::store::eml::Part;
use kiesdag::{db, store};
use kiesdag_sim::{Station as Device, Storage};
use shared::Event;
use shared::domain::{
    ListVotes, ProvisionalResult, StationDay, StationPhase, VotersCounts, VotesCounts,
};
use support::{cli, election_open_now, fresh_database, settled, staff_token, start_server};

const ASSEN: &str = "GM0106";
const ASSEN_LISTS_NAME: &str = "Kandidatenlijsten_GR2026_Assen.eml.xml";

fn data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/eml")
        .join(file)
}

fn data_text(file: &str) -> String {
    std::fs::read_to_string(data(file)).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// One station of Assen's official count.
struct Official {
    number: u32,
    /// The station's own name: "Stembureau Stadhuis".
    name: String,
    postcode: String,
    /// Eligible voters (the count's `Cast`).
    eligible: u32,
    result: ProvisionalResult,
}

fn u32_of(value: &eml_nl::utils::StringValue<u64>) -> u32 {
    u32::try_from(value.copied_value().unwrap()).unwrap()
}

fn lists_of(unit: &ReportingUnitVotes) -> BTreeMap<u32, u32> {
    unit.selections
        .iter()
        .filter_map(|s| match &s.selection_type {
            ElectionCountSelectionType::Affiliation(a) => Some((
                u32::try_from(a.id.copied_value().unwrap().value().get()).unwrap(),
                u32_of(&s.valid_votes),
            )),
            _ => None,
        })
        .collect()
}

fn rejected(unit: &ReportingUnitVotes, reason: RejectedVotesReason) -> u32 {
    unit.rejected_votes.get(&reason).map_or(0, u32_of)
}

fn uncounted(unit: &ReportingUnitVotes, reason: UncountedVotesReason) -> u32 {
    unit.uncounted_votes.get(&reason).map_or(0, u32_of)
}

fn count(text: &str) -> ElectionCount {
    let (count, warnings) = ElectionCount::parse_eml(text, EMLParsingMode::Strict)
        .ok_with_errors()
        .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    count
}

/// The Kiesraad's count of Assen, station by station.
fn official() -> Vec<Official> {
    let count = count(&data_text("Telling_GR2026_Assen.eml.xml"));
    let contest = &count.count.election.contests[0];
    contest
        .reporting_unit_votes
        .iter()
        .map(|unit| {
            let id = unit.identifier.id.raw();
            let number: u32 = id.rsplit("::SB").next().unwrap().parse().unwrap();
            // "Stembureau Stembureau Stadhuis (postcode: 9401 JW)": the software's
            // prefix, the station's own name, its postcode.
            let full = unit.identifier.name.as_ref();
            let (name, postcode) = full
                .strip_prefix("Stembureau ")
                .unwrap()
                .split_once(" (postcode: ")
                .unwrap();
            let lists = lists_of(unit);
            let e: u32 = lists.values().sum();
            assert_eq!(e, u32_of(&unit.candidate_votes_count), "{full}");
            let (f, g) = (
                rejected(unit, RejectedVotesReason::Blank),
                rejected(unit, RejectedVotesReason::Invalid),
            );
            let (i, j) = (
                uncounted(unit, UncountedVotesReason::MoreBallotsCounted),
                uncounted(unit, UncountedVotesReason::FewerBallotsCounted),
            );
            Official {
                number,
                name: name.to_owned(),
                postcode: postcode.trim_end_matches(')').to_owned(),
                eligible: u32_of(&unit.eligible_voter_count),
                result: ProvisionalResult {
                    voters: VotersCounts {
                        poll_cards: uncounted(unit, UncountedVotesReason::ValidPollCards),
                        proxy_certificates: uncounted(
                            unit,
                            UncountedVotesReason::ValidProxyCertificates,
                        ),
                        voter_cards: uncounted(unit, UncountedVotesReason::ValidVoterCards),
                        admitted_voters: uncounted(unit, UncountedVotesReason::AdmittedVoters),
                    },
                    votes: VotesCounts {
                        list_votes: lists
                            .iter()
                            .map(|(&list_number, &votes)| ListVotes { list_number, votes })
                            .collect(),
                        votes_for_candidates: e,
                        blank_votes: f,
                        invalid_votes: g,
                        votes_cast: e + f + g,
                    },
                    more_ballots_counted: i,
                    fewer_ballots_counted: j,
                    explanation: if i + j > 0 {
                        "Zie het proces-verbaal".into()
                    } else {
                        String::new()
                    },
                },
            }
        })
        .collect()
}

/// Assen's polling stations as a 110b, built with the Kiesraad's library from its
/// count (the Kiesraad's package carries no 110b of Assen): each station's number,
/// name, postcode and eligible voters.
fn assen_polling_stations(stations: &[Official]) -> String {
    let total: u64 = stations.iter().map(|s| u64::from(s.eligible)).sum();
    let mut contest = PollingStationsContest::builder()
        .reporting_unit(ReportingUnitIdentifier::new(
            ReportingUnitIdentifierId::new("0106").unwrap(),
            "Assen",
        ))
        .voting_method(VotingMethod::SPV)
        .max_votes(NonZeroU64::new(total).unwrap());
    for s in stations {
        contest = contest.push_polling_place(
            PollingPlace::builder()
                .channel(VotingChannelType::Polling)
                .polling_station_id(PhysicalLocationPollingStationId::from(u64::from(s.number)))
                .polling_station_data(s.eligible.to_string())
                .locality_name(s.name.as_str())
                .postal_code(s.postcode.as_str())
                .build()
                .unwrap(),
        );
    }
    PollingStations::builder()
        .transaction_id(TransactionId::new(1))
        .managing_authority(
            AuthorityIdentifier::new(AuthorityId::new("0106").unwrap()).with_name("Assen"),
        )
        .creation_date_time(chrono::Utc::now())
        .election_identifier(
            PollingStationsElectionIdentifier::builder()
                .id(ElectionId::new("GR2026_Assen").unwrap())
                .name("Gemeenteraad Assen 2026")
                .category(ElectionCategory::GR)
                .subcategory(ElectionSubcategory::GR2)
                .domain(ElectionDomain::new(
                    Some(ElectionDomainId::new("0106").unwrap()),
                    "Assen",
                ))
                .election_date(XsDate::from_date(2026, 3, 18).unwrap())
                .build_for_polling_stations()
                .unwrap(),
        )
        .contests([contest.build().unwrap()])
        .build()
        .unwrap()
        .write_eml_root_str(true, true)
        .unwrap()
}

/// A database with election GR2026 open now, recorded as Assen's (the real election
/// day is past, and a station reports only while its election is open), and
/// Assen's candidate lists and stations imported through `kiesdag import eml`.
fn assen_open_now(stations: &[Official]) -> (String, PathBuf) {
    let (database, dir) = fresh_database();
    let mut election = election_open_now();
    election.id = "GR2026".into();
    election.lists = Vec::new();
    let assen = Identity::of(&read::read(&data_text(ASSEN_LISTS_NAME)).unwrap().document).unwrap();
    let mut conn = db::open(&database).unwrap();
    conn.transaction(|conn| {
        store::elections::upsert(conn, &election)?;
        store::eml::set(conn, &election.id, Part::Identity, &assen)
    })
    .unwrap();
    drop(conn);
    let polling_stations = dir.join("Stembureaus_GR2026_Assen.eml.xml");
    std::fs::write(&polling_stations, assen_polling_stations(stations)).unwrap();
    let (ok, out) = cli(
        &database,
        &[
            "import",
            "eml",
            path(&data(ASSEN_LISTS_NAME)),
            path(&polling_stations),
            "--election",
            "GR2026",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("13 lists with 228 candidates"), "{out}");
    assert!(out.contains("stations of GM0106 Assen: 44 added"), "{out}");
    (database, dir)
}

/// Exports Assen's count to a new file in `dir`; returns its text.
fn export(database: &str, dir: &Path, args: &[&str]) -> String {
    let out = dir.join(format!("Telling-{}.eml.xml", uuid::Uuid::new_v4()));
    let mut all = vec!["export", "eml", "--election", "GR2026", "--out", path(&out)];
    all.extend_from_slice(args);
    let (ok, text) = cli(database, &all);
    assert!(ok, "{text}");
    std::fs::read_to_string(out).unwrap()
}

/// Checks an exported count against the Kiesraad's, station by station and in total,
/// and its osv4-3 conversion against the Kiesraad's (its candidate rows aside: a
/// provisional count has none).
fn assert_as_official(exported: &str, stations: &[Official]) {
    let ours = count(exported);
    let theirs = count(&data_text("Telling_GR2026_Assen.eml.xml"));
    assert_eq!(ours.count_type.to_eml_id(), "510b");
    let (our, their) = (
        &ours.count.election.contests[0],
        &theirs.count.election.contests[0],
    );
    assert_eq!(our.reporting_unit_votes.len(), stations.len());
    for (o, t) in our
        .reporting_unit_votes
        .iter()
        .zip(&their.reporting_unit_votes)
    {
        let unit = t.identifier.id.raw();
        assert_eq!(o.identifier.id.raw(), unit);
        assert_eq!(o.identifier.name, t.identifier.name, "{unit}");
        assert_eq!(lists_of(o), lists_of(t), "{unit}: the list totals");
        for reason in [RejectedVotesReason::Blank, RejectedVotesReason::Invalid] {
            assert_eq!(rejected(o, reason), rejected(t, reason), "{unit}");
        }
        for reason in [
            UncountedVotesReason::ValidPollCards,
            UncountedVotesReason::ValidProxyCertificates,
            UncountedVotesReason::AdmittedVoters,
            UncountedVotesReason::MoreBallotsCounted,
            UncountedVotesReason::FewerBallotsCounted,
        ] {
            assert_eq!(uncounted(o, reason), uncounted(t, reason), "{unit}");
        }
        assert_eq!(
            u32_of(&o.eligible_voter_count),
            u32_of(&t.eligible_voter_count)
        );
        assert_eq!(
            u32_of(&o.candidate_votes_count),
            u32_of(&t.candidate_votes_count)
        );
    }
    let (ot, tt) = (
        our.total_votes.as_ref().unwrap(),
        their.total_votes.as_ref().unwrap(),
    );
    let totals = |t: &eml_nl::documents::election_count::TotalVotes| -> BTreeMap<u32, u32> {
        t.selections
            .iter()
            .filter_map(|s| match &s.selection_type {
                ElectionCountSelectionType::Affiliation(a) => Some((
                    u32::try_from(a.id.copied_value().unwrap().value().get()).unwrap(),
                    u32_of(&s.valid_votes),
                )),
                _ => None,
            })
            .collect()
    };
    assert_eq!(totals(ot), totals(tt), "the municipality's list totals");
    assert_eq!(u32_of(&ot.eligible_voter_count), 55_959);
    assert_eq!(u32_of(&ot.candidate_votes_count), 32_073);

    let lists = CandidateLists::parse_eml(&data_text(ASSEN_LISTS_NAME), EMLParsingMode::Strict)
        .ok()
        .unwrap();
    let csv = ours.as_osv4_3_csv(&lists, true, false).unwrap();
    let official_csv = data_text("osv4-3_telling_gr2026_assen.csv");
    let without_candidates: Vec<&str> = official_csv
        .lines()
        .filter(|l| !l.starts_with(";;\""))
        .collect();
    assert_eq!(csv.lines().collect::<Vec<_>>(), without_candidates);
}

fn seed_results(database: &str, stations: &[Official]) {
    let mut conn = db::open(database).unwrap();
    conn.transaction(|conn| {
        for s in stations {
            let day = StationDay {
                phase: StationPhase::ResultSubmitted,
                result: Some(s.result.clone()),
                ..StationDay::default()
            };
            store::stations::save_day(conn, &format!("{ASSEN}-{}", s.number), &day, 1, None)?;
        }
        Ok::<_, store::StoreError>(())
    })
    .unwrap();
}

/// The Kiesraad's tools, where `EML_NL_TOOLS` names their folder: the validator in
/// its strict mode takes the export without a warning, and eml2csv converts it with
/// Assen's candidate lists to the Kiesraad's osv4-3 file, candidate rows aside.
fn kiesraad_tools(exported: &Path, dir: &Path) {
    let Some(tools) = std::env::var_os("EML_NL_TOOLS").map(PathBuf::from) else {
        eprintln!("EML_NL_TOOLS not set: the Kiesraad's tools are run by `make eml-tools`");
        return;
    };
    let validator = std::process::Command::new(tools.join("eml-validator"))
        .args(["--strict", "--no-hash"])
        .arg(exported)
        .output()
        .expect("eml-validator in EML_NL_TOOLS");
    let said = String::from_utf8_lossy(&validator.stderr);
    eprintln!("eml-validator --strict says:\n{said}");
    assert!(validator.status.success(), "{said}");
    assert!(
        said.contains("EML file was parsed succesfully")
            && !said.contains("warning")
            && !said.contains("WARN"),
        "{said}"
    );
    assert!(said.contains("510b"), "{said}");
    let csv = dir.join("osv4-3_telling_gr2026_assen.csv");
    let converted = std::process::Command::new(tools.join("eml2csv"))
        .arg(exported)
        .arg(data(ASSEN_LISTS_NAME))
        .arg("--output")
        .arg(&csv)
        .output()
        .expect("eml2csv in EML_NL_TOOLS");
    assert!(
        converted.status.success(),
        "{}",
        String::from_utf8_lossy(&converted.stderr)
    );
    let ours = std::fs::read_to_string(&csv).unwrap();
    let official = data_text("osv4-3_telling_gr2026_assen.csv");
    let without_candidates: Vec<&str> = official
        .lines()
        .filter(|l| !l.starts_with(";;\""))
        .collect();
    assert_eq!(ours.lines().collect::<Vec<_>>(), without_candidates);
    eprintln!(
        "eml2csv converted it to the osv4-3 layout: {} rows, as the Kiesraad's without its {} candidate rows",
        without_candidates.len(),
        official.lines().count() - without_candidates.len()
    );
}

/// Fast: Assen's results stored as the stations would have, exported, checked, and
/// given to the Kiesraad's tools when they are there.
#[test]
fn assens_count_exports_as_the_kiesraads_and_passes_its_tools() {
    let stations = official();
    assert_eq!(stations.len(), 44);
    let (database, dir) = assen_open_now(&stations);

    // Before any result: nothing to export.
    let (ok, out) = cli(
        &database,
        &["export", "eml", "--election", "GR2026", "--out", "-"],
    );
    assert!(
        !ok && out.contains("no station of GM0106 has a provisional result yet"),
        "{out}"
    );

    // All but the last: refused without --partial, which leaves it out.
    seed_results(&database, &stations[..43]);
    let (ok, out) = cli(
        &database,
        &["export", "eml", "--election", "GR2026", "--out", "-"],
    );
    assert!(
        !ok && out.contains("1 of 44 stations have no provisional result yet (GM0106-44)"),
        "{out}"
    );
    let partial = count(&export(&database, &dir, &["--partial"]));
    assert_eq!(
        partial.count.election.contests[0]
            .reporting_unit_votes
            .len(),
        43
    );

    seed_results(&database, &stations);
    let file = dir.join("Telling_GR2026_Assen.eml.xml");
    let (ok, out) = cli(
        &database,
        &[
            "export",
            "eml",
            "--election",
            "GR2026",
            "--out",
            path(&file),
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("44 stations"), "{out}");
    let exported = std::fs::read_to_string(&file).unwrap();
    assert_as_official(&exported, &stations);
    // A file is never overwritten.
    let (ok, out) = cli(
        &database,
        &[
            "export",
            "eml",
            "--election",
            "GR2026",
            "--out",
            path(&file),
        ],
    );
    assert!(!ok && out.contains("cannot create"), "{out}");
    kiesraad_tools(&file, &dir);
    support::drop_database(&database);
}

async fn get_text(server: &support::Server, path: &str, token: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = server.address();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Assen's official result of every station through the real chair's core and server,
/// out as the Kiesraad's count; the parties' names on every results view.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assens_official_results_sent_by_its_stations_come_out_as_the_kiesraads_count() {
    let stations = official();
    let (database, dir) = assen_open_now(&stations);
    let mut conn = db::open(&database).unwrap();
    let codes: Vec<String> = conn
        .transaction(|conn| {
            stations
                .iter()
                .map(|s| {
                    store::codes::issue(
                        conn,
                        &format!("{ASSEN}-{}", s.number),
                        db::now_ms(),
                        db::now_ms() + 3_600_000,
                    )
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap();
    drop(conn);
    let server = start_server(&database, dir.clone());

    for (station, code) in stations.iter().zip(codes) {
        let name = &station.name;
        let mut device = Device::start(Storage::default());
        device.send(Event::Activate {
            server_url: server.ws("/ws/station"),
            activation_code: code,
        });
        let view = device
            .wait_for(Duration::from_secs(20), |v| v.station.is_some())
            .await
            .unwrap();
        assert!(view.station.is_some());
        device.tap_opening();
        device
            .wait_for(Duration::from_secs(20), |v| v.phase == StationPhase::Open)
            .await
            .unwrap();
        device.tap_closing_checklist();
        device.send(Event::CloseStation {
            voters_in_queue_at_close: 0,
        });
        device
            .wait_for(Duration::from_secs(20), |v| v.confirmation.is_some())
            .await
            .unwrap();
        device.send(Event::ConfirmWarnings);
        device
            .wait_for(Duration::from_secs(20), |v| v.phase == StationPhase::Closed)
            .await
            .unwrap();
        device.send(Event::EditResult(station.result.clone()));
        device.send(Event::SubmitResult);
        let view = device
            .wait_for(Duration::from_secs(20), |v| {
                v.confirmation.is_some()
                    || v.phase == StationPhase::ResultSubmitted
                    || !v.issues.is_empty()
            })
            .await
            .unwrap();
        assert!(
            view.issues.is_empty(),
            "{name}: a consistent official result raised {:?}",
            view.issues
        );
        if view.confirmation.is_some() {
            device.send(Event::ConfirmWarnings);
        }
        device
            .wait_for(Duration::from_secs(20), |v| {
                v.phase == StationPhase::ResultSubmitted && settled(v)
            })
            .await
            .unwrap();
    }

    let exported = export(&server.database, &dir, &[]);
    assert_as_official(&exported, &stations);

    // The parties' names, not "Lijst N", on the results page, its CSV and its chart.
    let manager = staff_token(Role::Manager, Some(ASSEN));
    let (status, report) = support::http(
        &server,
        "GET",
        &format!("/api/municipalities/{ASSEN}/results"),
        &manager,
        &serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let names: Vec<&str> = report["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 13);
    assert_eq!(names[0], "GROENLINKS / Partij van de Arbeid (PvdA)");
    assert_eq!(names[1], "Stadspartij PLOP");
    let csv = get_text(
        &server,
        &format!("/api/municipalities/{ASSEN}/results.csv"),
        &manager,
    )
    .await;
    assert!(
        csv.contains("1. GROENLINKS / Partij van de Arbeid (PvdA)"),
        "{csv}"
    );
    assert!(csv.contains("13. Forum voor Democratie"), "{csv}");
    let chart = get_text(
        &server,
        &format!("/api/municipalities/{ASSEN}/results/chart"),
        &manager,
    )
    .await;
    assert!(chart.contains("Stadspartij PLOP"), "{chart}");
    assert!(!chart.contains("Lijst 2"), "{chart}");
    support::drop_database(&server.database);
}

/// An election from its definition and stations, once: the same files again change
/// nothing; another election's file, a file the library refuses and lists that would
/// drop a list with votes are refused whole.
#[test]
fn imports_are_whole_or_nothing_for_one_election_and_change_nothing_twice() {
    let (database, _dir) = fresh_database();
    let definition = data("eml110a_GR2022_Test.eml.xml");
    let stations = data("eml110b_GR2022_Test.eml.xml");
    let audit = |database: &str| {
        let (ok, out) = cli(database, &["audit", "verify"]);
        assert!(ok, "{out}");
        out
    };

    // Without an election, the stations alone have nowhere to go.
    let (ok, out) = cli(&database, &["import", "eml", path(&stations)]);
    assert!(
        !ok && out.contains("there is no election GR2022_Test"),
        "{out}"
    );

    let (ok, out) = cli(
        &database,
        &["import", "eml", path(&stations), path(&definition)],
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("election GR2022_Test created from")
            && out.contains("Gemeenteraad Test 2022, GR on 2022-03-16, 45 seats"),
        "{out}"
    );
    assert!(out.contains("stations of GM0000 Test: 420 added"), "{out}");
    // The library's note on the 110b is shown, and does not refuse it.
    assert!(
        out.contains("warning: line 19, column 9: Unexpected element"),
        "{out}"
    );
    let mut conn = db::open(&database).unwrap();
    let election = store::elections::get(&mut conn, "GR2022_Test").unwrap();
    assert_eq!(election.name, "Gemeenteraad Test 2022");
    assert_eq!(election.seats, Some(45));
    let records = store::stations::of_election(&mut conn, "GR2022_Test").unwrap();
    assert_eq!(records.len(), 420);
    let first = records.iter().find(|r| r.station.number == 1).unwrap();
    assert_eq!(first.station.id, "GM0000-1");
    assert_eq!(first.station.expected_voters, Some(1273));
    assert_eq!(first.station.name, "Stadhuis");
    assert_eq!(first.station.location.postcode, "1011 PN");
    drop(conn);
    let before = audit(&database);

    // Again, in any order: nothing changes, not even the audit log.
    let (ok, out) = cli(
        &database,
        &["import", "eml", path(&definition), path(&stations)],
    );
    assert!(ok, "{out}");
    assert!(out.contains("nothing changed"), "{out}");
    assert_eq!(audit(&database), before);

    // Another election's stations, with this election's definition: refused whole.
    let (ok, out) = cli(
        &database,
        &[
            "import",
            "eml",
            path(&definition),
            path(&data("eml110b_EP2024_Test.eml.xml")),
        ],
    );
    assert!(!ok, "{out}");
    assert!(
        out.contains("is for EP2024 (Europees Parlement 2024, 2024-06-06), but")
            && out.contains("nothing was imported"),
        "{out}"
    );
    let (ok, out) = cli(
        &database,
        &[
            "import",
            "eml",
            path(&data(ASSEN_LISTS_NAME)),
            "--election",
            "GR2022_Test",
        ],
    );
    assert!(!ok, "{out}");
    assert!(
        out.contains(
            "the files are for GR2026_Assen (Gemeenteraad Assen 2026, 2026-03-18), but election GR2022_Test is GR2022_Test"
        ),
        "{out}"
    );
    // A file the library refuses, with a good one: its reasons, and nothing stored.
    let (ok, out) = cli(
        &database,
        &[
            "import",
            "eml",
            path(&definition),
            path(&data("eml110a_invalid_number_of_seats.eml.xml")),
            path(&data("Telling_GR2026_Assen.eml.xml")),
        ],
    );
    assert!(!ok, "{out}");
    assert!(
        out.contains("The number of seats specified does not match the subcategory")
            && out.contains("it is a 510b document")
            && out.contains("2 of 3 files refused"),
        "{out}"
    );
    assert_eq!(audit(&database), before);

    // Assen's lists into an election of their day made by hand, where a station has
    // votes for a list Assen does not have: refused; without those votes, taken.
    let (ok, out) = cli(
        &database,
        &[
            "election",
            "init",
            "--id",
            "GR2026",
            "--name",
            "Gemeenteraad 2026",
            "--date",
            "2026-03-18",
            "--lists",
            "A;B",
            "--seats",
            "37",
        ],
    );
    assert!(ok, "{out}");
    let mut conn = db::open(&database).unwrap();
    let mut station = shared::fixtures::station(ASSEN, 1);
    station.expected_voters = Some(1000);
    store::stations::upsert_municipality(&mut conn, ASSEN, "Assen").unwrap();
    store::stations::upsert(&mut conn, "GR2026", &station).unwrap();
    let mut result = shared::fixtures::day();
    result.result = Some(ProvisionalResult {
        votes: VotesCounts {
            list_votes: vec![ListVotes {
                list_number: 14,
                votes: 3,
            }],
            ..VotesCounts::default()
        },
        ..ProvisionalResult::default()
    });
    store::stations::save_day(&mut conn, &station.id, &result, 1, None).unwrap();
    drop(conn);
    let (ok, out) = cli(
        &database,
        &[
            "import",
            "eml",
            path(&data(ASSEN_LISTS_NAME)),
            "--election",
            "GR2026",
        ],
    );
    assert!(!ok && out.contains("hold votes for list(s) 14"), "{out}");
    let mut conn = db::open(&database).unwrap();
    store::stations::save_day(&mut conn, &station.id, &shared::fixtures::day(), 2, None).unwrap();
    drop(conn);
    let (ok, out) = cli(
        &database,
        &[
            "import",
            "eml",
            path(&data(ASSEN_LISTS_NAME)),
            "--election",
            "GR2026",
        ],
    );
    assert!(ok, "{out}");
    let mut conn = db::open(&database).unwrap();
    let election = store::elections::get(&mut conn, "GR2026").unwrap();
    assert_eq!(election.lists.len(), 13);
    assert_eq!(election.lists[12].name, "Forum voor Democratie");
    let candidates: Vec<kiesdag::features::eml::import::ListCandidates> =
        store::eml::get(&mut conn, "GR2026", Part::Candidates)
            .unwrap()
            .unwrap();
    assert_eq!(candidates[0].candidates[2].name, "de Vries, P.M.J.");
    // Recorded as Assen's: found again without --election, and then changes nothing.
    drop(conn);
    let (ok, out) = cli(&database, &["import", "eml", path(&data(ASSEN_LISTS_NAME))]);
    assert!(
        ok && out.contains("nothing changed: election GR2026"),
        "{out}"
    );
    support::drop_database(&database);
}
