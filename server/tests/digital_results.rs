//! A digital-voting municipality's results (Flanders), imported per station from the
//! voting system's count file: stored only under the SHA-256 the user confirms, all
//! stations or none, checked by the same rules as a chair's result, once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::{Command, Output};
use std::time::Duration;

use kiesdag::auth::Role;
use shared::Event;
use shared::domain::{Jurisdiction, StationPhase};
use support::{
    MUNICIPALITY, election_open_now, fresh_database, open_station, seed, staff_token, start_server,
};

const WAIT: Duration = Duration::from_secs(20);
const FILE: &str =
    "station;voters;blank;invalid;1;2;3\n1;840;10;0;400;230;200\n2;1100;5;2;500;300;293\n";

fn import(database: &str, path: &std::path::Path, sha256: Option<&str>) -> Output {
    import_with(database, path, sha256, &[])
}

fn import_with(
    database: &str,
    path: &std::path::Path,
    sha256: Option<&str>,
    flags: &[&str],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiesdag"));
    command
        .args(["--db", database, "import", "digital-results"])
        .arg(path)
        .args(["--election", "E2E", "--municipality", MUNICIPALITY])
        .env("RUST_LOG", "warn");
    if let Some(hash) = sha256 {
        command.args(["--sha256", hash]);
    }
    command.args(flags);
    command.output().unwrap()
}

fn sha256(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn stations_in(server: &support::Server) -> serde_json::Value {
    let manager = staff_token(Role::Manager, Some(MUNICIPALITY));
    let path = format!("/api/municipalities/{MUNICIPALITY}/results");
    let (status, body) =
        support::http(server, "GET", &path, &manager, &serde_json::Value::Null).await;
    assert_eq!(status, 200, "{body}");
    body["municipality"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digital_results_are_stored_only_under_the_confirmed_hash_and_all_at_once() {
    let (database, dir) = fresh_database();
    let election = shared::domain::Election {
        jurisdiction: Jurisdiction::Flanders,
        ..election_open_now()
    };
    let codes = seed(&database, &election, 2);
    let server = start_server(&database, dir.clone());
    // The chairs close their stations; the voting system counts.
    for code in &codes {
        let mut station = open_station(&server.ws("/ws/station"), code).await;
        station.tap_closing_checklist();
        station.send(Event::CloseStation {
            voters_in_queue_at_close: 0,
        });
        station
            .wait_for(WAIT, |v| {
                v.confirmation.is_some() || v.phase == StationPhase::Closed
            })
            .await
            .unwrap();
        station.send(Event::ConfirmWarnings);
        station
            .wait_for(WAIT, |v| {
                v.phase == StationPhase::Closed && support::settled(v)
            })
            .await
            .unwrap();
    }
    let files = std::env::temp_dir().join(format!("kiesdag-digital-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&files).unwrap();
    let good = files.join("telling.csv");
    std::fs::write(&good, FILE).unwrap();
    let hash = sha256(FILE);

    // Without a hash: the file's hash is shown, nothing is stored.
    let shown = import(&database, &good, None);
    assert!(!shown.status.success());
    assert!(text(&shown).contains(&hash), "{}", text(&shown));
    assert!(
        text(&shown).contains("2 stations, 1940 voters"),
        "{}",
        text(&shown)
    );
    // A hash that is not the file's (the file changed on its way): nothing stored.
    let changed = files.join("changed.csv");
    std::fs::write(&changed, FILE.replace("400;230", "401;229")).unwrap();
    let refused = import(&database, &changed, Some(&hash));
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("nothing was stored"),
        "{}",
        text(&refused)
    );
    // One good station and one the municipality does not have: the good one is not
    // stored either.
    let wrong = files.join("wrong.csv");
    let wrong_text =
        "station;voters;blank;invalid;1;2;3\n1;840;10;0;400;230;200\n7;1100;5;2;500;300;293\n";
    std::fs::write(&wrong, wrong_text).unwrap();
    let wrong_hash = sha256(wrong_text);
    let refused = import_with(&database, &wrong, Some(&wrong_hash), &["--partial"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("station 7: no such station"),
        "{}",
        text(&refused)
    );
    assert_eq!(stations_in(&server).await["stations_in"], 0);
    // A file that leaves out a station is refused unless it says so.
    let part = files.join("part.csv");
    let part_text = "station;voters;blank;invalid;1;2;3\n1;840;10;0;400;230;200\n";
    std::fs::write(&part, part_text).unwrap();
    let refused = import(&database, &part, Some(&sha256(part_text)));
    assert!(
        text(&refused).contains("stations 2 of"),
        "{}",
        text(&refused)
    );
    assert_eq!(stations_in(&server).await["stations_in"], 0);

    // The control room is watching when the results come in.
    let coordinator = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (mut dashboard, _) = support::Dashboard::subscribe(&server, &coordinator, None, None).await;
    // The confirmed file: both stations' results, checked and stored.
    let stored = import(&database, &good, Some(&hash.to_uppercase()));
    assert!(stored.status.success(), "{}", text(&stored));
    assert!(text(&stored).contains("2 station results stored, 0 unchanged"));
    // The publisher reads other processes' events every second; the margin is for a
    // loaded machine.
    let seen = dashboard.changes(2, WAIT).await;
    assert_eq!(
        seen.iter()
            .filter(|c| c.kind == "provisional_result")
            .count(),
        2,
        "the dashboard gets the imported results: {seen:?}"
    );
    let unit = stations_in(&server).await;
    assert_eq!(unit["stations_in"], 2, "{unit}");
    assert_eq!(unit["totals"]["votes_cast"], 1940);
    assert_eq!(unit["totals"]["list_votes"]["1"], 900);
    // The same file again changes nothing.
    let again = import(&database, &good, Some(&hash));
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("0 station results stored, 2 unchanged"));
    // Another file for stations that have a result: refused unless it replaces them.
    let other_text = FILE.replace("400;230", "401;229");
    let other = files.join("other.csv");
    std::fs::write(&other, &other_text).unwrap();
    let refused = import(&database, &other, Some(&sha256(&other_text)));
    assert!(
        text(&refused).contains("already has another result"),
        "{}",
        text(&refused)
    );
    assert_eq!(stations_in(&server).await["totals"]["list_votes"]["1"], 900);
    let replaced = import_with(
        &database,
        &other,
        Some(&sha256(&other_text)),
        &["--replace"],
    );
    assert!(replaced.status.success(), "{}", text(&replaced));
    assert_eq!(stations_in(&server).await["totals"]["list_votes"]["1"], 901);
    let _ = std::fs::remove_dir_all(files);
}
