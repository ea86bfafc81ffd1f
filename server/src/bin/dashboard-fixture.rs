//! Seeds a fresh database for the web dashboard's end-to-end tests and screenshots:
//! an election open now that closes `--closes-in` seconds from now (to the
//! millisecond, which the CLI's HH:MM times cannot do), `--stations` stations of
//! GM0599 spread over two districts with coordinates, one activation code each, and
//! staff users `coordinator`, `coordinator2` (someone to assign an incident to),
//! `manager` and `viewer`, all with the password read from standard input. Prints `{"codes": [...], "closes_at": ms}` on one line.
//!
//! With `--flemish-offices`, also a Flemish paper-voting municipality for the counting
//! offices' page (issue 19): 46021 Sint-Niklaas in its own municipal election (four
//! lists, open now, closing with the other), six stations that no counting office
//! counts for yet (1-3 in subarea "Centrum", 4-6 in "Tereken", 400 voters assigned to
//! each), its main office's chair `hoofdbureau` (administrator) and a coordinator
//! `telbureau`, bound to it, with the same password.
//!
//! Usage: `dashboard-fixture --db FILE [--stations N] [--closes-in SECONDS] [--flemish-offices]`

use std::collections::BTreeMap;
use std::io::Read;
use std::process::ExitCode;

use diesel::Connection;
use kiesdag::auth::{Role, hash_password};
use kiesdag::db;
use kiesdag::features::preparation::{self, Preparer};
use kiesdag::store::{self, users::UserRecord};
use shared::domain::{CandidateList, Election, Jurisdiction, Station, Timestamp};

const MUNICIPALITY: &str = "GM0599";
/// The Flemish paper-voting municipality of `--flemish-offices` (its NIS code).
const FLEMISH: &str = "46021";

struct Options {
    database: String,
    stations: u32,
    closes_in_s: i64,
    flemish_offices: bool,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        database: String::new(),
        stations: 6,
        closes_in_s: 3_600,
        flemish_offices: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--flemish-offices" {
            options.flemish_offices = true;
            continue;
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--db" => options.database = value,
            "--stations" => {
                options.stations = value.parse().map_err(|e| format!("--stations: {e}"))?
            }
            "--closes-in" => {
                options.closes_in_s = value.parse().map_err(|e| format!("--closes-in: {e}"))?
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if options.database.is_empty() {
        return Err("--db is required".into());
    }
    Ok(options)
}

/// Built from JSON so that fields added to `Station` later take their serde defaults.
fn station(number: u32) -> Result<Station, serde_json::Error> {
    // A ring of stations around Rotterdam's centre, north and south of the river.
    let angle = f64::from(number) * 2.399;
    let radius = 0.01 + 0.004 * f64::from(number % 7);
    let latitude = 51.915 + radius * angle.sin();
    let longitude = 4.48 + 1.6 * radius * angle.cos();
    serde_json::from_value(serde_json::json!({
        "id": format!("{MUNICIPALITY}-{number}"),
        "municipality_code": MUNICIPALITY,
        "number": number,
        "name": format!("Stembureau {number}"),
        "location": {
            "name": "Wijkgebouw",
            "address": format!("Straat {number}"),
            "postcode": "3011AA",
            "city": "Rotterdam",
            "latitude": latitude,
            "longitude": longitude,
            // For the public finder: even numbers step-free, odd ones not.
            "accessibility": {
                "wheelchair": number.is_multiple_of(2),
                "large_print_candidate_list": true,
                "sign_language_interpreter": if number == 1 { "remote" } else { "none" },
            },
        },
        "district": if latitude >= 51.915 { "Noord" } else { "Zuid" },
        "subarea": format!("Wijk {}", number % 3 + 1),
        "expected_voters": 1_500 + 100 * (number % 5),
        "may_open_early": false,
        "opens_at": null,
        "closes_at": null,
        "extra_stops": [],
    }))
}

/// Station `number` of the Flemish municipality: paper voting, counted in a counting
/// office; built from JSON as `station`.
fn flemish_station(number: u32) -> Result<Station, serde_json::Error> {
    serde_json::from_value(serde_json::json!({
        "id": format!("{FLEMISH}-{number}"),
        "municipality_code": FLEMISH,
        "number": number,
        "name": format!("SINT-NIKLAAS-{number:03}"),
        "location": {
            "name": "Stedelijke basisschool",
            "address": format!("Schoolstraat {number}"),
            "postcode": "9100",
            "city": "Sint-Niklaas",
        },
        "district": null,
        "subarea": if number <= 3 { "Centrum" } else { "Tereken" },
        "expected_voters": 400,
        "may_open_early": false,
        "opens_at": null,
        "closes_at": null,
        "extra_stops": [],
    }))
}

/// The Flemish municipality of `--flemish-offices`: its election, stations and staff.
fn seed_flemish(
    conn: &mut db::Db,
    by: &Preparer,
    hash: &str,
    opens_at: i64,
    closes_at: i64,
) -> Result<(), Box<dyn std::error::Error>> {
    let election = Election {
        id: "E2E-VL".into(),
        name: "Gemeenteraadsverkiezing Sint-Niklaas (test)".into(),
        jurisdiction: Jurisdiction::Flanders,
        opens_at: Timestamp(opens_at),
        closes_at: Timestamp(closes_at),
        utc_offset_minutes: 60,
        turnout_moments: vec![],
        lists: [
            "Lijst Centrum",
            "Groen Waasland",
            "Stadslijst",
            "Burgerlijst",
        ]
        .iter()
        .zip(1..)
        .map(|(name, number)| CandidateList {
            number,
            name: (*name).into(),
        })
        .collect(),
        opening_checklist: Election::default_checklist(),
        closing_checklist: Election::default_closing_checklist(),
        council: Default::default(),
        seats: Some(9),
        control_room_phone: None,
    };
    let stations = (1..=6)
        .map(flemish_station)
        .collect::<Result<Vec<_>, _>>()?;
    let municipalities = BTreeMap::from([(FLEMISH.to_owned(), "Sint-Niklaas".to_owned())]);
    conn.transaction(|conn| {
        preparation::init_election(conn, by, &election)?;
        preparation::add_stations(
            conn,
            by,
            &election.id,
            &municipalities,
            &stations,
            serde_json::json!("generated"),
            || {},
        )?;
        for (username, role) in [
            ("hoofdbureau", Role::Administrator),
            ("telbureau", Role::Coordinator),
        ] {
            let user = UserRecord {
                id: format!("user-{username}"),
                username: username.into(),
                password_hash: hash.to_owned(),
                role,
                municipality_code: Some(FLEMISH.into()),
            };
            preparation::create_user(conn, by, &user)?;
        }
        Ok::<_, store::StoreError>(())
    })?;
    Ok(())
}

fn run() -> Result<String, Box<dyn std::error::Error>> {
    let options = options()?;
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err("give the users' password on standard input".into());
    }
    let hash = hash_password(&password).map_err(|e| e.to_string())?;
    let now = db::now_ms();
    let closes_at = now + options.closes_in_s * 1_000;
    let election = Election {
        id: "E2E".into(),
        name: "Gemeenteraadsverkiezing (test)".into(),
        jurisdiction: Jurisdiction::Netherlands,
        opens_at: Timestamp(now - 3_600_000),
        closes_at: Timestamp(closes_at),
        utc_offset_minutes: 60,
        turnout_moments: vec![],
        lists: ["Lijst Noord", "Groen Rotterdam", "Stadspartij"]
            .iter()
            .zip(1..)
            .map(|(name, number)| CandidateList {
                number,
                name: (*name).into(),
            })
            .collect(),
        opening_checklist: Election::default_checklist(),
        closing_checklist: Election::default_closing_checklist(),
        council: Default::default(),
        // Rotterdam's council: 45 seats, largest averages (Kieswet P 7).
        seats: Some(45),
        control_room_phone: Some("010 123 45 67".into()),
    };
    let stations = (1..=options.stations)
        .map(station)
        .collect::<Result<Vec<_>, _>>()?;
    let mut conn = db::open(&options.database)?;
    let by = Preparer("fixture".into());
    let municipalities = BTreeMap::from([(MUNICIPALITY.to_owned(), "Rotterdam".to_owned())]);
    let ids: Vec<(String, String)> = stations
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    let codes = conn.transaction(|conn| {
        preparation::init_election(conn, &by, &election)?;
        preparation::add_stations(
            conn,
            &by,
            &election.id,
            &municipalities,
            &stations,
            serde_json::json!("generated"),
            || {},
        )?;
        let codes: Vec<String> =
            preparation::issue_codes(conn, &by, &ids, now, now + 6 * 3_600_000)?
                .into_iter()
                .map(|(_, _, code)| code)
                .collect();
        for (username, role) in [
            ("coordinator", Role::Coordinator),
            ("coordinator2", Role::Coordinator),
            ("manager", Role::Manager),
            ("viewer", Role::Viewer),
        ] {
            let user = UserRecord {
                id: format!("user-{username}"),
                username: username.into(),
                password_hash: hash.clone(),
                role,
                municipality_code: Some(MUNICIPALITY.into()),
            };
            preparation::create_user(conn, &by, &user)?;
        }
        Ok::<_, store::StoreError>(codes)
    })?;
    if options.flemish_offices {
        seed_flemish(&mut conn, &by, &hash, now - 3_600_000, closes_at)?;
    }
    Ok(serde_json::json!({ "codes": codes, "closes_at": closes_at }).to_string())
}

fn main() -> ExitCode {
    match run() {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dashboard-fixture: {e}");
            ExitCode::FAILURE
        }
    }
}
