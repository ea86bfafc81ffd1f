//! The official per-station results of two municipalities (Tweede Kamer 2023,
//! Electoral Council open data), each sent as a provisional result by a simulated
//! station through the real core and server: no validation error on these
//! consistent figures, and the totals equal the official municipal totals in each
//! file's first row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use diesel::Connection;
use kiesdag::features::reporting::results;
use kiesdag::{db, store};
use kiesdag_sim::{Station as Device, Storage};
use shared::Event;
use shared::domain::{
    CandidateList, ListVotes, ProvisionalResult, StationPhase, VotersCounts, VotesCounts,
};
use shared::fixtures;
use support::{election_open_now, fresh_database, settled, start_server};

struct Official {
    municipality: String,
    lists: Vec<CandidateList>,
    total: BTreeMap<String, String>,
    stations: Vec<(String, ProvisionalResult)>,
}

fn read(file: &str) -> Official {
    let path = format!("{}/../data/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let list_columns: Vec<(u32, String)> = headers
        .iter()
        .filter_map(|h| {
            h.split_once(' ')
                .and_then(|(n, name)| n.parse::<u32>().ok().map(|n| (n, name.to_owned())))
        })
        .collect();
    let rows: Vec<BTreeMap<String, String>> = reader.deserialize().map(Result::unwrap).collect();
    let number = |row: &BTreeMap<String, String>, key: &str| row[key].parse::<u32>().unwrap_or(0);
    let stations = rows[1..]
        .iter()
        .map(|row| {
            let list_votes: Vec<ListVotes> = list_columns
                .iter()
                .map(|(n, name)| ListVotes {
                    list_number: *n,
                    votes: number(row, &format!("{n} {name}")),
                })
                .collect();
            let e: u32 = list_votes.iter().map(|l| l.votes).sum();
            let (f, g) = (number(row, "blanco"), number(row, "ongeldig"));
            let result = ProvisionalResult {
                voters: VotersCounts {
                    poll_cards: number(row, "geldige stempassen"),
                    proxy_certificates: number(row, "geldige volmachtbewijzen"),
                    voter_cards: number(row, "geldige kiezerspassen"),
                    admitted_voters: number(row, "toegelaten kiezers"),
                },
                votes: VotesCounts {
                    list_votes,
                    votes_for_candidates: e,
                    blank_votes: f,
                    invalid_votes: g,
                    votes_cast: e + f + g,
                },
                more_ballots_counted: number(row, "meer getelde stembiljetten"),
                fewer_ballots_counted: number(row, "minder getelde stembiljetten"),
                explanation: if number(row, "meer getelde stembiljetten")
                    + number(row, "minder getelde stembiljetten")
                    > 0
                {
                    "Zie het proces-verbaal".into()
                } else {
                    String::new()
                },
            };
            (row["reporting_unit_name"].clone(), result)
        })
        .collect();
    Official {
        municipality: format!("GM{}", rows[0]["authority_id"]),
        lists: list_columns
            .into_iter()
            .map(|(number, name)| CandidateList { number, name })
            .collect(),
        total: rows[0].clone(),
        stations,
    }
}

async fn send_official_results(file: &str) {
    let official = read(file);
    let (database, dir) = fresh_database();
    let mut election = election_open_now();
    election.lists = official.lists.clone();
    let mut conn = db::open(&database).unwrap();
    let codes = conn
        .transaction(|conn| {
            store::elections::upsert(conn, &election)?;
            store::stations::upsert_municipality(conn, &official.municipality, "official")?;
            let mut codes = Vec::new();
            for (n, (name, _)) in official.stations.iter().enumerate() {
                // The canonical station, named as in the file, its size unknown.
                let mut station =
                    fixtures::station(&official.municipality, u32::try_from(n + 1).unwrap());
                station.name = name.clone();
                station.location.name = name.clone();
                station.expected_voters = None;
                store::stations::upsert(conn, &election.id, &station)?;
                codes.push(store::codes::issue(
                    conn,
                    &station.id,
                    db::now_ms(),
                    db::now_ms() + 3_600_000,
                )?);
            }
            Ok::<_, store::StoreError>(codes)
        })
        .unwrap();
    drop(conn);
    let server = start_server(&database, dir);

    let mut warned = 0;
    for ((name, result), code) in official.stations.iter().zip(codes) {
        let mut device = Device::start(Storage::default());
        device.send(Event::Activate {
            server_url: server.ws("/ws/station"),
            activation_code: code,
        });
        device
            .wait_for(Duration::from_secs(20), |v| v.station.is_some())
            .await
            .unwrap();
        device.tap_opening();
        device
            .wait_for(Duration::from_secs(20), |v| v.phase == StationPhase::Open)
            .await
            .unwrap();
        // Closing before the test election's closing time asks for confirmation.
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

        device.send(Event::EditResult(result.clone()));
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
        if let Some(confirmation) = view.confirmation {
            assert!(
                confirmation.warnings.iter().all(|w| w.code.contains("_W")),
                "{name}"
            );
            warned += 1;
            device.send(Event::ConfirmWarnings);
        }
        device
            .wait_for(Duration::from_secs(20), |v| {
                v.phase == StationPhase::ResultSubmitted && settled(v)
            })
            .await
            .unwrap();
    }

    let mut conn = db::connect(&server.database).unwrap();
    let stations = store::stations::list(&mut conn, &official.municipality, None).unwrap();
    let totals = results::total(&stations);
    let t = &official.total;
    let n = |key: &str| t[key].parse::<u64>().unwrap();
    assert!(totals.complete());
    assert_eq!(totals.stations_in as usize, official.stations.len());
    assert_eq!(totals.poll_cards, n("geldige stempassen"));
    assert_eq!(totals.proxy_certificates, n("geldige volmachtbewijzen"));
    assert_eq!(totals.voter_cards, n("geldige kiezerspassen"));
    assert_eq!(totals.admitted_voters, n("toegelaten kiezers"));
    assert_eq!(totals.votes_for_candidates, n("TotalCounted"));
    assert_eq!(totals.blank_votes, n("blanco"));
    assert_eq!(totals.invalid_votes, n("ongeldig"));
    assert_eq!(totals.more_ballots_counted, n("meer getelde stembiljetten"));
    assert_eq!(
        totals.fewer_ballots_counted,
        n("minder getelde stembiljetten")
    );
    for list in &official.lists {
        assert_eq!(
            totals.list_votes[&list.number],
            n(&format!("{} {}", list.number, list.name)),
            "list {}",
            list.name
        );
    }
    eprintln!(
        "{file}: {} stations, totals equal the official ones; {warned} results needed a warning confirmed",
        official.stations.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alblasserdam_2023_adds_up_to_the_official_total() {
    send_official_results("nl_TK2023_results_per_stembureau_Alblasserdam.csv").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aa_en_hunze_2023_adds_up_to_the_official_total() {
    send_official_results("nl_TK2023_results_per_stembureau_Aa_en_Hunze.csv").await;
}
