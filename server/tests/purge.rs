//! Retention and erasure (`docs/privacy.md`): a full day with named members,
//! incidents and messages, then `kiesdag purge`. Before it, the audit chain already
//! names nobody. The purge is refused while the election is not finished and while its
//! retention runs, unless forced with a reason. After it, no name or text of the day is
//! anywhere in the database (the SQLite file and its write-ahead log, or a PostgreSQL
//! dump, searched byte for byte), the audit chain verifies, and every turnout and
//! result is as it was. `kiesdag user erase` then leaves the coordinator's username
//! nowhere either.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use kiesdag::auth::Role;
use serde_json::{Value, json};
use shared::Event;
use shared::domain::{IncidentCategory, IncidentSeverity, StaffMember, StaffRole, StationPhase};
use support::{MUNICIPALITY, cli, fresh_database, http, staff_token, staff_token_for};

const WAIT: Duration = Duration::from_secs(20);
const COORDINATOR: &str = "laurens.vandijk";

/// Every name and free text the day below stores, each distinctive enough that a byte
/// search cannot find it by chance.
const PEOPLE: [&str; 14] = [
    "Wilhelmina Zwanenburg",
    "Bartholomeus Quist",
    "Cornelia Vlasblom",
    "Dirkje Hoogervorst",
    "Evert Ploegmaker",
    "Frederika Ommering",
    "Gerrit Tuinstra",
    "Hendrika Vreeswijk",
    "Ingrid Kolkman",
    "Jacoba Hofstede",
    "Klaas Bruinsma",
    "Margriet Dijkhuizen",
    "Nicolaas Overbeek",
    COORDINATOR,
];

/// Sends `event` and waits until the app has stored and delivered it, confirming
/// warnings it asks about.
async fn report(station: &mut kiesdag_sim::Station, event: Event) {
    let before = station.view().sync.confirmed;
    station.send(event);
    loop {
        let view = station
            .wait_for(WAIT, |v| {
                v.confirmation.is_some()
                    || v.sync.rejected > 0
                    || (v.sync.confirmed > before && support::settled(v))
            })
            .await
            .unwrap();
        assert_eq!(view.sync.rejected, 0, "refused: {view:#?}");
        if view.confirmation.is_some() {
            station.send(Event::ConfirmWarnings);
            station
                .wait_for(WAIT, |v| v.confirmation.is_none())
                .await
                .unwrap();
        } else {
            break;
        }
    }
}

/// The database's bytes that hold rows: the SQLite file and its write-ahead log, or a
/// PostgreSQL dump.
fn database_bytes(database: &str) -> Vec<u8> {
    if kiesdag::db::is_postgres(database) {
        let dump = std::process::Command::new("pg_dump")
            .arg("--dbname")
            .arg(database)
            .output()
            .unwrap();
        assert!(dump.status.success(), "{dump:?}");
        assert!(dump.stdout.len() > 1_000, "a dump of the whole database");
        dump.stdout
    } else {
        let mut bytes = std::fs::read(database).unwrap();
        for extra in ["-wal", "-journal"] {
            if let Ok(more) = std::fs::read(format!("{database}{extra}")) {
                bytes.extend(more);
            }
        }
        bytes
    }
}

/// The first string under `key`, anywhere in `value`.
fn first_of(value: &Value, key: &str) -> Option<String> {
    match value {
        Value::Object(fields) => fields
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| fields.values().find_map(|v| first_of(v, key))),
        Value::Array(items) => items.iter().find_map(|v| first_of(v, key)),
        _ => None,
    }
}

fn holds(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

/// What the control room and the public read of the day's figures.
async fn figures(server: &support::Server) -> Vec<Value> {
    let admin = staff_token(Role::Administrator, None);
    let mut all = Vec::new();
    for path in ["turnout", "results", "stations"] {
        let (status, body) = http(
            server,
            "GET",
            &format!("/api/municipalities/{MUNICIPALITY}/{path}"),
            &admin,
            &Value::Null,
        )
        .await;
        assert_eq!(status, 200, "{path}: {body}");
        all.push(body);
    }
    all
}

/// The figures: everything but names and texts.
fn without_texts(mut figures: Vec<Value>) -> Vec<Value> {
    fn blank(value: &mut Value) {
        match value {
            Value::String(s) if PEOPLE.iter().any(|p| s.contains(p)) || s == "[gewist]" => {
                s.clear();
            }
            Value::Array(items) => items.iter_mut().for_each(blank),
            Value::Object(fields) => fields.values_mut().for_each(blank),
            _ => {}
        }
    }
    figures.iter_mut().for_each(blank);
    // The turnout's time axis ends at the moment it is asked for.
    if let Some(times) = figures[0]["times"].as_array_mut() {
        times.pop();
    }
    figures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_erases_every_person_and_keeps_the_evidence() {
    let (database, dir) = fresh_database();
    let mut election = support::election_open_now();
    election.seats = Some(9);
    let codes = support::seed(&database, &election, 2);
    {
        // Station 2 has planned staff, imported before the day.
        let mut conn = kiesdag::db::open(&database).unwrap();
        let mut planned = support::station(2);
        planned.planned_staff = vec![StaffMember {
            name: "Nicolaas Overbeek".into(),
            role: StaffRole::Chair,
        }];
        kiesdag::store::stations::upsert(&mut conn, &election.id, &planned).unwrap();
    }
    // A candidate for convocation, with her e-mail address and phone number, assigned.
    let candidates = dir.join("kandidaten.csv");
    std::fs::write(
        &candidates,
        "name,email,phone,roles\nOlga Pietersma,olga.pietersma@example.nl,0687654321,voorzitter\n",
    )
    .unwrap();
    for args in [
        vec![
            "import",
            "candidates",
            candidates.to_str().unwrap(),
            "--election",
            "E2E",
            "--municipality",
            MUNICIPALITY,
        ],
        vec![
            "staff",
            "suggest",
            "--election",
            "E2E",
            "--municipality",
            MUNICIPALITY,
            "--apply",
        ],
    ] {
        let (ok, said) = cli(&database, &args);
        assert!(ok, "{said}");
    }
    std::fs::remove_file(&candidates).unwrap();
    let coordinator_id = support::create_user(
        &database,
        COORDINATOR,
        Role::Coordinator,
        Some(MUNICIPALITY),
    );
    let coordinator = staff_token_for(&coordinator_id, Role::Coordinator, Some(MUNICIPALITY));
    let mut server = support::start_server(&database, dir);

    // The chair's day, every report that holds a name or a text.
    let mut station = kiesdag_sim::Station::start(kiesdag_sim::Storage::default());
    station.send(Event::Activate {
        server_url: server.ws("/ws/station"),
        activation_code: codes[0].clone(),
    });
    station
        .wait_for(WAIT, |v| {
            v.connection.state == shared::app::view::ConnectionState::Online
        })
        .await
        .unwrap();
    for item in shared::domain::Election::default_checklist() {
        station.send(Event::ToggleChecklistItem { item_id: item.id });
    }
    for (name, role) in [
        ("Wilhelmina Zwanenburg", StaffRole::Chair),
        ("Bartholomeus Quist", StaffRole::Member),
        ("Cornelia Vlasblom", StaffRole::Member),
    ] {
        station.send(Event::AddMember {
            name: name.into(),
            role,
        });
    }
    report(&mut station, Event::OpenStation).await;
    assert_eq!(
        station.view().phase,
        StationPhase::Open,
        "{:#?}",
        station.view()
    );
    let member = |name: &str| StaffMember {
        name: name.into(),
        role: StaffRole::Member,
    };
    report(
        &mut station,
        Event::MemberArrived {
            name: "Dirkje Hoogervorst".into(),
            role: StaffRole::Member,
        },
    )
    .await;
    report(
        &mut station,
        Event::MemberDeparted {
            name: "Bartholomeus Quist".into(),
        },
    )
    .await;
    report(
        &mut station,
        Event::ShiftChange {
            leaving: vec!["Cornelia Vlasblom".into()],
            arriving: vec![member("Evert Ploegmaker")],
        },
    )
    .await;
    report(&mut station, shared::fixtures::turnout(150)).await;
    report(
        &mut station,
        Event::ReportTurnout {
            count: 140,
            moment: shared::domain::TurnoutMoment::AdHoc,
            correction_reason: Some("Frederika Ommering telde dubbel".into()),
        },
    )
    .await;
    report(
        &mut station,
        Event::RequestResupply {
            quantity: 100,
            urgency: shared::domain::Urgency::Normal,
            note: "Bel Gerrit Tuinstra".into(),
        },
    )
    .await;
    report(
        &mut station,
        Event::ReportIncident {
            category: IncidentCategory::Accessibility,
            severity: IncidentSeverity::High,
            text: "Mevrouw Hendrika Vreeswijk kan niet naar binnen".into(),
        },
    )
    .await;
    let (_, incidents) = http(
        &server,
        "GET",
        &format!("/api/municipalities/{MUNICIPALITY}/incidents"),
        &coordinator,
        &Value::Null,
    )
    .await;
    let incident =
        first_of(&incidents, "incident_id").unwrap_or_else(|| panic!("no incident in {incidents}"));
    report(
        &mut station,
        Event::SendIncidentMessage {
            incident_id: incident.clone(),
            text: "Ingrid Kolkman helpt haar".into(),
        },
    )
    .await;

    // The control room: an alert seen, the incident taken, a message, ballots sent.
    let (_, alerts) = http(
        &server,
        "GET",
        &format!("/api/municipalities/{MUNICIPALITY}/alerts"),
        &coordinator,
        &Value::Null,
    )
    .await;
    let alert = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["station_id"] == format!("{MUNICIPALITY}-1"))
        .cloned()
        .unwrap();
    let station_url = format!("/api/stations/{MUNICIPALITY}-1");
    for (path, body) in [
        (
            format!("{station_url}/alerts"),
            json!({"kind": alert["kind"], "status": "acknowledged", "detail": alert["detail"]}),
        ),
        (
            format!("{station_url}/incidents/{incident}/status"),
            json!({"status": "in_progress", "assignee": COORDINATOR}),
        ),
        (
            format!("/api/municipalities/{MUNICIPALITY}/messages"),
            json!({"station_ids": [format!("{MUNICIPALITY}-1")], "incident_id": incident, "text": "Jacoba Hofstede komt langs"}),
        ),
        (
            format!("{station_url}/resupply"),
            json!({"quantity": 100, "note": "Via Klaas Bruinsma"}),
        ),
    ] {
        let (status, answer) = http(&server, "POST", &path, &coordinator, &body).await;
        assert_eq!(status, 200, "{path}: {answer}");
    }

    // Closing and the count, with the explanation the form asks for.
    station.tap_closing_checklist();
    report(
        &mut station,
        Event::CloseStation {
            voters_in_queue_at_close: 0,
        },
    )
    .await;
    let mut result = shared::fixtures::result((600, 0, 0), &[300, 200, 95], 2, 2);
    result.explanation = "Margriet Dijkhuizen nam een stembiljet mee".into();
    station.send(Event::EditResult(result));
    report(&mut station, Event::SubmitResult).await;
    assert_eq!(station.view().phase, StationPhase::ResultSubmitted);

    // Not finished before it closes; then the day ends, the election closed a moment ago.
    let (ok, said) = cli(&database, &["election", "finish", "--election", "E2E"]);
    assert!(
        !ok && said.contains("not over"),
        "finished before closing: {said}"
    );
    {
        let mut conn = kiesdag::db::open(&database).unwrap();
        let mut closed = election.clone();
        closed.closes_at = shared::domain::Timestamp(kiesdag::db::now_ms() - 1_000);
        kiesdag::store::elections::upsert(&mut conn, &closed).unwrap();
    }
    let before = figures(&server).await;
    server.kill();
    drop(station);

    // Everyone is in the database, and the audit chain names none of them.
    let bytes = database_bytes(&database);
    for person in PEOPLE {
        assert!(holds(&bytes, person), "{person} was stored");
    }
    {
        use diesel::prelude::*;
        use kiesdag::db::schema::audit_log;
        let mut conn = kiesdag::db::open(&database).unwrap();
        let payloads: Vec<String> = audit_log::table
            .select(audit_log::payload)
            .load(&mut conn)
            .unwrap();
        assert!(payloads.len() > 15, "{payloads:?}");
        for person in PEOPLE.iter().filter(|p| **p != COORDINATOR) {
            assert!(
                payloads.iter().all(|p| !p.contains(person)),
                "the audit log names {person}"
            );
        }
    }
    let (_, found) = cli(&database, &["person", "show", "Hendrika"]);
    assert!(found.contains("audited_text"), "{found}");

    // Not before the election is finished, nor while its retention runs, unless forced
    // with a reason; a refusal changes nothing.
    let purge = |args: &[&str]| {
        let mut all = vec!["purge", "--election", "E2E"];
        all.extend_from_slice(args);
        cli(&database, &all)
    };
    let (ok, said) = purge(&["--yes"]);
    assert!(!ok && said.contains("not finished"), "{said}");
    let (ok, said) = cli(&database, &["election", "finish", "--election", "E2E"]);
    assert!(ok && said.contains("purgeable from"), "{said}");
    let (ok, said) = purge(&["--yes"]);
    assert!(!ok && said.contains("keeps personal data until"), "{said}");
    let (ok, said) = purge(&["--force", "--yes"]);
    assert!(!ok && said.contains("--reason"), "{said}");
    let (ok, said) = purge(&["--force", "--reason", "test run"]);
    assert!(!ok && said.contains("not confirmed"), "unconfirmed: {said}");
    assert!(holds(&database_bytes(&database), "Hendrika Vreeswijk"));

    let (ok, said) = purge(&[
        "--force",
        "--reason",
        "retention shortened for the test",
        "--yes",
    ]);
    assert!(ok, "{said}");
    assert!(said.contains("no erased byte remains"), "{said}");

    let bytes = database_bytes(&database);
    for person in PEOPLE.iter().filter(|p| **p != COORDINATOR) {
        assert!(!holds(&bytes, person), "{person} is still in the database");
    }
    let (ok, said) = cli(&database, &["audit", "verify"]);
    assert!(ok && said.contains("intact"), "{said}");
    let (_, found) = cli(&database, &["person", "show", "Hendrika", "--json"]);
    assert!(found.trim_start().starts_with("[]"), "{found}");

    // The figures are as they were; the names and texts read "[gewist]".
    {
        let mut conn = kiesdag::db::open(&database).unwrap();
        let day = kiesdag::store::stations::get(&mut conn, &format!("{MUNICIPALITY}-1"))
            .unwrap()
            .day;
        assert_eq!(
            day.members_present.len(),
            3,
            "who was present is counted still"
        );
        assert!(day.members_present.iter().all(|m| m.name == "[gewist]"));
        assert_eq!(day.latest_turnout.map(|(_, n)| n), Some(140));
    }
    let mut server = server.crash_and_restart();
    let after = figures(&server).await;
    assert_eq!(without_texts(after), without_texts(before));
    // The finished election records nothing more: no name enters it again.
    let (status, answer) = http(
        &server,
        "POST",
        &format!("/api/municipalities/{MUNICIPALITY}/messages"),
        &coordinator,
        &json!({"station_ids": [format!("{MUNICIPALITY}-1")], "text": "Jacoba Hofstede weer"}),
    )
    .await;
    assert_ne!(status, 200, "{answer}");
    assert!(answer.to_string().contains("finished"), "{answer}");

    // The coordinator leaves: their account is erased, and their username with it.
    server.kill();
    let (ok, said) = cli(
        &database,
        &["user", "erase", "--username", COORDINATOR, "--yes"],
    );
    assert!(ok && said.contains("gewist-"), "{said}");
    let bytes = database_bytes(&database);
    for person in PEOPLE {
        assert!(!holds(&bytes, person), "{person} is still in the database");
    }
    let (ok, said) = cli(&database, &["audit", "verify"]);
    assert!(ok, "{said}");
    let (ok, _) = cli(
        &database,
        &["user", "erase", "--username", COORDINATOR, "--yes"],
    );
    assert!(!ok, "an erased user is no longer found by name");
    drop(server);
}
