//! `kiesdag demo` as a process: it never deletes or writes a database it did not make,
//! ignores DATABASE_URL, refuses PostgreSQL unless asked, and stops on Ctrl-C and
//! SIGTERM within seconds, leaving its database consistent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;

/// A municipality with five stations, so a demo starts quickly.
const SMALL: &str = "GM0431";

fn data(file: &str) -> String {
    format!("{}/../data/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiesdag-demo-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn kiesdag(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiesdag"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("KIESDAG_WEB_DIR", dir);
    command
}

fn demo_args(command: &mut Command) -> &mut Command {
    demo_of(command, SMALL)
}

/// The demo of `municipality`'s stations, in a day of two minutes.
fn demo_of<'a>(command: &'a mut Command, municipality: &str) -> &'a mut Command {
    command.args([
        "demo",
        "--municipality",
        municipality,
        "--minutes",
        "2",
        "--listen",
        "127.0.0.1:0",
        "--stations",
        &data("nl_stembureaus_SODS1.7_GR2026_wims_snapshot_20260121.csv"),
        "--turnout",
        &data("nl_turnout_by_time_press_reports.csv"),
    ])
}

fn run(command: &mut Command) -> Output {
    command.output().unwrap()
}

/// Starts a demo and waits until it serves.
fn start_demo(dir: &Path, db: &Path, database_url: Option<&Path>) -> Child {
    start_demo_saying(dir, db, database_url).0
}

/// The demo, and what it printed up to "polls open".
fn start_demo_saying(dir: &Path, db: &Path, database_url: Option<&Path>) -> (Child, Vec<String>) {
    let mut command = kiesdag(dir);
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    let mut child = demo_args(command.arg("--db").arg(db))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut said = Vec::new();
    loop {
        assert!(Instant::now() < deadline, "the demo did not start");
        match lines.next() {
            Some(Ok(line)) if line.contains("polls open") => break,
            Some(Ok(line)) => said.push(line),
            Some(Err(_)) => {}
            None => panic!("the demo ended before serving"),
        }
    }
    // Keep reading its output, so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, said)
}

fn stops_within(child: &mut Child, signal: &str, limit: Duration) {
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{signal}: {status:?}");
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("the demo still ran {limit:?} after {signal}");
}

#[test]
fn the_demo_never_touches_a_database_it_did_not_make() {
    let dir = folder();
    // A real database: an election initialised by the CLI.
    let real = dir.join("election.db");
    let made = run(kiesdag(&dir).arg("--db").arg(&real).args([
        "election",
        "init",
        "--id",
        "GR2026",
        "--name",
        "Gemeenteraad",
        "--date",
        "2026-03-18",
        "--lists",
        "A;B",
    ]));
    assert!(made.status.success(), "{made:?}");
    let before = std::fs::read(&real).unwrap();
    let refused = run(demo_args(kiesdag(&dir).arg("--db").arg(&real)));
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not a demo database"),
        "{refused:?}"
    );
    assert_eq!(std::fs::read(&real).unwrap(), before, "untouched");

    // Any other file.
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "verkiezingsdag").unwrap();
    let refused = run(demo_args(kiesdag(&dir).arg("--db").arg(&notes)));
    assert!(!refused.status.success());
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "verkiezingsdag");

    // PostgreSQL only when asked for, and refused before any connection is made.
    let refused = run(demo_args(
        kiesdag(&dir).args(["--db", "postgresql:///kiesdag?host=/nonexistent"]),
    ));
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--postgres"),
        "{refused:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_demo_ignores_database_url_and_stops_on_ctrl_c_and_sigterm() {
    let dir = folder();
    let real = dir.join("election.db");
    let made = run(kiesdag(&dir).arg("--db").arg(&real).args([
        "election",
        "init",
        "--id",
        "GR2026",
        "--name",
        "Gemeenteraad",
        "--date",
        "2026-03-18",
        "--lists",
        "A;B",
    ]));
    assert!(made.status.success(), "{made:?}");
    let before = std::fs::read(&real).unwrap();
    let demo_db = dir.join("demo.db");

    // DATABASE_URL names the real database: the demo uses its own file all the same.
    let mut child = start_demo(&dir, &demo_db, Some(&real));
    std::thread::sleep(Duration::from_secs(2));
    stops_within(&mut child, "-INT", Duration::from_secs(10));
    assert_eq!(
        std::fs::read(&real).unwrap(),
        before,
        "DATABASE_URL's file untouched"
    );
    let verified = run(kiesdag(&dir)
        .arg("--db")
        .arg(&demo_db)
        .args(["audit", "verify"]));
    assert!(
        verified.status.success(),
        "consistent after Ctrl-C: {verified:?}"
    );

    // Its own (marked) database may be recreated; SIGTERM stops it too.
    let mut child = start_demo(&dir, &demo_db, None);
    std::thread::sleep(Duration::from_secs(2));
    stops_within(&mut child, "-TERM", Duration::from_secs(10));
    let verified = run(kiesdag(&dir)
        .arg("--db")
        .arg(&demo_db)
        .args(["audit", "verify"]));
    assert!(
        verified.status.success(),
        "consistent after SIGTERM: {verified:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The first station is left to a person: the demo prints the chair's app's address
/// with that station's code, and no simulated device has used the code (an
/// activation code activates one device only).
#[test]
fn the_demo_leaves_one_station_to_a_chair_in_the_browser() {
    use futures_util::{SinkExt, StreamExt};
    use shared::protocol::{ClientMessage, ServerMessage};
    use tokio_tungstenite::tungstenite::Message;

    let dir = folder();
    let (mut child, said) = start_demo_saying(&dir, &dir.join("demo.db"), None);
    let line = said
        .iter()
        .find(|l| l.contains("be a chair:"))
        .unwrap_or_else(|| panic!("no address for a chair in {said:?}"));
    let address = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap();
    let (base, code) = address.split_once("/chair/?code=").unwrap();
    assert!(!code.is_empty(), "{line}");
    // Give the simulated stations time to activate theirs.
    std::thread::sleep(Duration::from_secs(2));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = runtime.block_on(async {
        let url = format!("{}/ws/station", base.replace("http://", "ws://"));
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let activate = ClientMessage::Activate {
            activation_code: code.to_owned(),
            device_id: uuid::Uuid::new_v4(),
        };
        socket
            .send(Message::text(shared::protocol::encode(&activate)))
            .await
            .unwrap();
        loop {
            match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    break shared::protocol::decode_server(&text).unwrap();
                }
                Ok(Some(Ok(_))) => {}
                other => panic!("no answer to the activation: {other:?}"),
            }
        }
    });
    assert!(
        matches!(answer, ServerMessage::Activated { .. }),
        "the printed code activates a browser: {answer:?}"
    );
    stops_within(&mut child, "-TERM", Duration::from_secs(10));
    let _ = std::fs::remove_dir_all(dir);
}

/// `DATABASE_URL` and `--db` together: the flag on the command line wins (as `--help`
/// says), and a warning names both, so that a `DATABASE_URL` left in an operator's
/// shell cannot send `kiesdag --db NEW restore` or `audit verify` to another database.
#[test]
fn database_url_and_db_together_warn_and_db_wins() {
    let dir = folder();
    let named = dir.join("named.db");
    let from_env = dir.join("from-env.db");
    let migrated = run(kiesdag(&dir)
        .env("DATABASE_URL", &from_env)
        .arg("--db")
        .arg(&named)
        .arg("migrate"));
    assert!(migrated.status.success(), "{migrated:?}");
    let said = String::from_utf8_lossy(&migrated.stderr);
    assert!(
        said.contains("both DATABASE_URL and --db") && said.contains("--db wins"),
        "{said}"
    );
    assert!(named.exists(), "--db's database was used");
    assert!(!from_env.exists(), "DATABASE_URL's was not touched");
    let help = run(kiesdag(&dir).arg("--help"));
    assert!(String::from_utf8_lossy(&help.stdout).contains("--db wins"));
    let _ = std::fs::remove_dir_all(dir);
}

/// On PostgreSQL (postgres-tests: `KIESDAG_TEST_POSTGRES`), the demo refuses a
/// database that already holds Kiesdag's tables, even with --postgres. Without a
/// PostgreSQL it is a no-op here, and runs in the PostgreSQL pass of `make test`.
#[test]
fn the_demo_refuses_a_postgres_database_that_is_not_empty() {
    let (database, dir) = support::fresh_database();
    if !database.starts_with("postgres") {
        eprintln!("no PostgreSQL here (KIESDAG_TEST_POSTGRES): checked in postgres-tests");
        return;
    }
    let migrated = run(kiesdag(&dir).arg("--db").arg(&database).arg("migrate"));
    assert!(migrated.status.success(), "{migrated:?}");
    let refused = run(demo_args(kiesdag(&dir).arg("--db").arg(&database)).arg("--postgres"));
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("already holds Kiesdag tables"),
        "{refused:?}"
    );
    support::drop_database(&database);
    let _ = std::fs::remove_dir_all(dir);
}

/// A newcomer sees every kind of alert in the demo's day (a municipality of 20
/// stations, a day of two minutes): read as the control room's alerts endpoint reads
/// them, from the demo's database while it plays.
#[test]
fn the_demo_day_brings_every_alert_kind() {
    use kiesdag::features::control_room::alerts;
    use shared::domain::{AlertKind, Timestamp};
    let dir = folder();
    let db = dir.join("demo.db");
    let log = dir.join("demo.log");
    let mut child = demo_of(kiesdag(&dir).arg("--db").arg(&db), "GM0385")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let every = AlertKind::ALL;
    let mut seen = std::collections::BTreeSet::new();
    // 20 s before opening, 2 minutes of day, the late result, and a margin.
    let deadline = Instant::now() + Duration::from_secs(240);
    while seen.len() < every.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        let Ok(mut conn) = kiesdag::db::connect(db.to_str().unwrap()) else {
            continue;
        };
        let Ok(Some((stations, election))) =
            kiesdag::store::stations::with_election(&mut conn, "GM0385")
        else {
            continue;
        };
        let rules = kiesdag::store::elections::alert_rules(&mut conn, &election.id).unwrap();
        let now = Timestamp(kiesdag::db::now_ms());
        for alert in alerts::for_stations(&stations, &election, &rules, now) {
            seen.insert(format!("{:?}", alert.kind));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let missing: Vec<String> = every
        .iter()
        .map(|k| format!("{k:?}"))
        .filter(|k| !seen.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "never seen: {missing:?} (seen {seen:?})"
    );

    // The day's log, at debug level, names no one and holds no code or token
    // (docs/privacy.md): not the members, not the texts, not an activation code
    // (XXXX-XXXX) or a JWT.
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.lines().count() >= 3, "the demo logged: {log}");
    for personal in [
        "Voorzitter",
        "Lid 1 ",
        "Invaller",
        "stemhokjesverlichting",
        "harder dan verwacht",
        "dubbel geteld",
        "eyJ",
    ] {
        assert!(!log.contains(personal), "{personal:?} in the log");
    }
    let code = |word: &str| {
        let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-');
        word.len() == 9
            && word.as_bytes()[4] == b'-'
            && word
                .chars()
                .filter(|c| *c != '-')
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    let codes: Vec<&str> = log.split_whitespace().filter(|w| code(w)).collect();
    assert!(codes.is_empty(), "activation codes in the log: {codes:?}");
    let _ = std::fs::remove_dir_all(dir);
}
