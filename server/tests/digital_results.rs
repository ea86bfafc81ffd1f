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
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiesdag"));
    command
        .args(["--db", database, "import", "digital-results"])
        .arg(path)
        .args(["--election", "E2E", "--municipality", MUNICIPALITY])
        .env("RUST_LOG", "warn");
    if let Some(hash) = sha256 {
        command.args(["--sha256", hash]);
    }
    command.output().unwrap()
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
    let hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(FILE.as_bytes()))
    };

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
    // A list not on the ballot in one station: the other station is not stored either.
    let wrong = files.join("wrong.csv");
    let wrong_text =
        "station;voters;blank;invalid;1;2;9\n1;840;10;0;400;230;200\n2;1100;5;2;500;300;293\n";
    std::fs::write(&wrong, wrong_text).unwrap();
    let wrong_hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(wrong_text.as_bytes()))
    };
    let refused = import(&database, &wrong, Some(&wrong_hash));
    assert!(!refused.status.success());
    assert!(text(&refused).contains("station 1:"), "{}", text(&refused));
    assert_eq!(stations_in(&server).await["stations_in"], 0);

    // The confirmed file: both stations' results, checked and stored.
    let stored = import(&database, &good, Some(&hash.to_uppercase()));
    assert!(stored.status.success(), "{}", text(&stored));
    assert!(text(&stored).contains("2 station results stored, 0 unchanged"));
    let unit = stations_in(&server).await;
    assert_eq!(unit["stations_in"], 2, "{unit}");
    assert_eq!(unit["totals"]["votes_cast"], 1940);
    assert_eq!(unit["totals"]["list_votes"]["1"], 900);
    // The same file again changes nothing.
    let again = import(&database, &good, Some(&hash));
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("0 station results stored, 2 unchanged"));
    let _ = std::fs::remove_dir_all(files);
}
