//! `kiesdag demo`: a real municipality's election day, compressed into minutes.
//!
//! Loads the municipality's real polling stations from the open-data file, groups
//! them into districts by postcode area, gives them expected voters, lists and staff,
//! starts the server, and runs one simulated device per station: the real chair's
//! core over real WebSockets. Turnout follows the shape of real turnout by time of
//! day (data/nl_turnout_by_time_press_reports.csv). So that a newcomer sees every
//! alert the control room has, and can resolve it, stations have the day's troubles
//! by their number (`Trouble`): a late opening, an incident, ballots running short,
//! members leaving, a turnout corrected or far from the others', a station that loses
//! its network (silent, turnout overdue) and catches up, a result with warnings, and
//! one sent late (missing). The alert rules are shortened with the day. The day is
//! real time, only shorter: devices, server and embargo all see the same clock.

use std::collections::BTreeMap;
use std::time::Duration;

use kiesdag_sim::{Station as Device, Storage};
use shared::Event;
use shared::domain::{
    AlertRules, CandidateList, Election, IncidentCategory, IncidentSeverity, QueueLength,
    StaffRole, Station, StationPhase, Timestamp, TurnoutMoment, Urgency,
};

use crate::auth::{Role, hash_password};
use crate::db::{self, now_ms};
use crate::features::preparation::{self, Preparer};
use crate::features::stations::import;
use crate::http::app::{self, ServerConfig};
use crate::store::{self, users::UserRecord};

/// Rotterdam's 2022 council lists, for the ballot.
const LISTS: [&str; 12] = [
    "Leefbaar Rotterdam",
    "VVD",
    "GroenLinks",
    "D66",
    "DENK",
    "PvdA",
    "CDA",
    "SP",
    "Partij voor de Dieren",
    "ChristenUnie",
    "50PLUS",
    "BIJ1",
];
/// Relative support per list, for the simulated count.
const WEIGHTS: [u32; 12] = [27, 13, 11, 9, 9, 8, 5, 4, 4, 3, 3, 4];
/// A municipal election's final turnout.
const FINAL_TURNOUT: f64 = 0.48;
pub const DEMO_PASSWORD: &str = "kiesdag-demo-2026";

pub struct DemoConfig {
    pub database: String,
    /// Whether `database` may be a PostgreSQL URL (of a new, empty database).
    pub allow_postgres: bool,
    pub listen: String,
    pub municipality: String,
    pub minutes: u32,
    pub stations_file: String,
    pub turnout_file: String,
}

/// The shape of turnout over the day: (minute of the day, share of the final
/// turnout), from 07:30 (0) to 21:00 (1), from the press figures of single-day
/// elections, averaged per time, made never to go down.
///
/// # Errors
/// When the file cannot be read.
pub fn turnout_curve(csv_text: &str) -> Result<Vec<(f64, f64)>, String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut by_minute: BTreeMap<u32, (f64, u32)> = BTreeMap::new();
    for record in reader.deserialize::<BTreeMap<String, String>>() {
        let record = record.map_err(|e| e.to_string())?;
        let (Some(day), Some(time), Some(pct)) = (
            record.get("day_of_voting"),
            record.get("time_local"),
            record.get("turnout_pct_cumulative"),
        ) else {
            continue;
        };
        let Some((h, m)) = time.split_once(':') else {
            continue;
        };
        let (Ok(h), Ok(m), Ok(pct)) = (h.parse::<u32>(), m.parse::<u32>(), pct.parse::<f64>())
        else {
            continue;
        };
        if day != "1/1" {
            continue;
        }
        let entry = by_minute.entry(h * 60 + m).or_insert((0.0, 0));
        entry.0 += pct;
        entry.1 += 1;
    }
    let mut points = vec![(450.0, 0.0)];
    let mut highest: f64 = 0.0;
    for (minute, (sum, n)) in by_minute {
        if minute <= 450 {
            continue;
        }
        highest = highest.max(sum / f64::from(n));
        points.push((f64::from(minute), highest));
    }
    let last = points.last().map_or(1.0, |p| p.1).max(f64::EPSILON);
    if points.last().is_some_and(|p| p.0 < 1260.0) {
        points.push((1260.0, last));
    }
    Ok(points
        .into_iter()
        .map(|(minute, pct)| (minute, pct / last))
        .collect())
}

/// The share of the final turnout at `minute` of the day.
#[must_use]
pub fn share_at(curve: &[(f64, f64)], minute: f64) -> f64 {
    match curve.iter().position(|p| p.0 >= minute) {
        None => 1.0,
        Some(0) => 0.0,
        Some(i) => {
            let (a, b) = (curve[i - 1], curve[i]);
            a.1 + (b.1 - a.1) * (minute - a.0) / (b.0 - a.0)
        }
    }
}

/// A real day, 07:30 to 21:00, in ms.
const REAL_DAY_MS: f64 = 810.0 * 60_000.0;
/// A connected device is heard from at least every 50 s (a heartbeat every 20 s,
/// recorded every 30 s): a shorter "silent" rule would flag stations that are fine.
const DEMO_SILENT_AT_LEAST_MS: i64 = 60_000;

/// The election's alert rules for a demo day of `day_ms`: a real day's, in proportion.
#[must_use]
pub fn demo_alert_rules(day_ms: i64) -> AlertRules {
    #[allow(clippy::cast_precision_loss)]
    let mut rules = AlertRules::default().scaled(day_ms as f64 / REAL_DAY_MS);
    rules.silent_after_ms = rules.silent_after_ms.max(DEMO_SILENT_AT_LEAST_MS);
    rules
}

/// What goes wrong at a simulated station, by its number, so that every alert kind
/// appears in every demo with ten stations or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trouble {
    None,
    /// Blank votes over 3 %: a result with warnings, confirmed.
    ResultWithWarnings,
    /// Two members leave after the second moment (convoked people, so the control room
    /// also sees who did not stay); a substitute comes at the fourth.
    MembersLeave,
    /// No network from opening to the fourth moment: silent, turnout overdue, then
    /// everything delivered at once.
    LosesNetwork,
    /// Turnout corrected downward.
    CorrectsTurnout,
    /// An incident reported.
    Incident,
    /// A third of the ballots needed: they run out, it asks for more.
    ShortOfBallots,
    /// Opens well after opening time.
    OpensLate,
    /// A third of the others' turnout.
    FewVoters,
    /// Sends its result well after the rule's time: missing until then.
    ResultLate,
}

impl Trouble {
    const fn of(n: usize) -> Self {
        match n % 10 {
            1 => Self::ResultWithWarnings,
            2 => Self::MembersLeave,
            3 => Self::LosesNetwork,
            4 => Self::CorrectsTurnout,
            5 => Self::Incident,
            6 => Self::ShortOfBallots,
            7 => Self::OpensLate,
            8 => Self::FewVoters,
            9 => Self::ResultLate,
            _ => Self::None,
        }
    }
}

/// A small deterministic generator, so a demo run is the same every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Makes room for the demo without touching anything it did not make: a SQLite file
/// is removed only when a demo marked it; PostgreSQL only when allowed, and only if
/// the database is new (no Kiesdag tables).
fn prepare_database(config: &DemoConfig) -> Result<(), String> {
    let database = &config.database;
    if db::is_postgres(database) {
        if !config.allow_postgres {
            return Err(format!(
                "refusing to run the demo on PostgreSQL ({database}): it writes a simulated \
                 election day into the database. Pass --postgres to use a new, empty database."
            ));
        }
        let mut conn = db::connect(database).map_err(|e| e.to_string())?;
        if store::has_tables(&mut conn).map_err(|e| e.to_string())? {
            return Err(format!(
                "refusing to run the demo in {database}: it already holds Kiesdag tables. \
                 Give the demo a new, empty database."
            ));
        }
        return Ok(());
    }
    if !std::path::Path::new(database).exists() {
        return Ok(());
    }
    let marked = db::connect(database)
        .ok()
        .and_then(|mut conn| store::is_marked_demo(&mut conn).ok())
        .unwrap_or(false);
    if !marked {
        return Err(format!(
            "refusing to use {database}: it exists and is not a demo database, and the demo \
             would overwrite it. Give the demo another file with --db, or remove it yourself."
        ));
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{database}{suffix}"));
    }
    Ok(())
}

/// Runs the demo until stopped.
///
/// # Errors
/// A sentence saying what could not be set up.
#[allow(clippy::too_many_lines)]
pub fn run(config: &DemoConfig) -> Result<(), String> {
    prepare_database(config)?;
    let mut conn = db::open(&config.database).map_err(|e| e.to_string())?;
    store::settings_mark_demo(&mut conn).map_err(|e| e.to_string())?;
    let start = now_ms() + 20_000;
    let day_ms = i64::from(config.minutes.max(2)) * 60_000;
    // 07:30 to 21:00 (810 minutes) squeezed into the demo's minutes.
    let at = |minute_of_day: f64| {
        Timestamp(start + ((minute_of_day - 450.0) / 810.0 * day_ms as f64) as i64)
    };
    let election = Election {
        id: "DEMO".into(),
        name: "Gemeenteraadsverkiezing (demo, versneld)".into(),
        jurisdiction: shared::domain::Jurisdiction::Netherlands,
        opens_at: at(450.0),
        closes_at: at(1260.0),
        utc_offset_minutes: 60,
        turnout_moments: [600.0, 780.0, 960.0, 1140.0].into_iter().map(at).collect(),
        lists: LISTS
            .iter()
            .enumerate()
            .map(|(n, name)| CandidateList {
                number: n as u32 + 1,
                name: (*name).into(),
            })
            .collect(),
        opening_checklist: Election::default_checklist(),
        closing_checklist: Election::default_closing_checklist(),
        council: Default::default(),
        seats: None,
        control_room_phone: Some("010 123 45 67".into()),
    };
    let curve = turnout_curve(
        &std::fs::read_to_string(&config.turnout_file)
            .map_err(|e| format!("{}: {e}", config.turnout_file))?,
    )?;
    let file = std::fs::File::open(&config.stations_file)
        .map_err(|e| format!("{}: {e}", config.stations_file))?;
    let parsed = import::parse_sods(file, &election, chrono_tz::Europe::Amsterdam)
        .map_err(|e| e.to_string())?;
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let stations: Vec<Station> = parsed
        .stations
        .into_iter()
        .filter(|s| s.municipality_code == config.municipality)
        .map(|mut s| {
            s.district = Some(format!(
                "Postcodegebied {}",
                s.location.postcode.get(..3).unwrap_or("?")
            ));
            s.expected_voters = Some(800 + u32::try_from(dice.below(1_000)).unwrap_or(0));
            // The demo's day has its own hours; the stations keep theirs in proportion.
            s.opens_at = None;
            s.closes_at = None;
            s
        })
        .collect();
    if stations.is_empty() {
        return Err(format!(
            "no stations of {} in {}",
            config.municipality, config.stations_file
        ));
    }
    let name = parsed
        .municipalities
        .get(&config.municipality)
        .cloned()
        .unwrap_or_default();
    let by = Preparer("demo".into());
    let municipalities = BTreeMap::from([(config.municipality.clone(), name.clone())]);
    let ids: Vec<(String, String)> = stations
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    let codes = db::write_transaction(&mut conn, |db| {
        preparation::init_election(db, &by, &election)?;
        preparation::set_alert_rules(db, &by, &election.id, &demo_alert_rules(day_ms))?;
        preparation::add_stations(
            db,
            &by,
            &election.id,
            &municipalities,
            &stations,
            serde_json::json!({ "file": config.stations_file }),
            || {},
        )?;
        let codes: Vec<String> =
            preparation::issue_codes(db, &by, &ids, now_ms(), now_ms() + 86_400_000)?
                .into_iter()
                .map(|(_, _, code)| code)
                .collect();
        for (username, role, municipality) in [
            ("beheerder", Role::Administrator, None),
            (
                "coordinator",
                Role::Coordinator,
                Some(config.municipality.clone()),
            ),
            ("manager", Role::Manager, Some(config.municipality.clone())),
            ("kijker", Role::Viewer, Some(config.municipality.clone())),
        ] {
            let user = UserRecord {
                id: uuid::Uuid::new_v4().to_string(),
                username: username.into(),
                password_hash: hash_password(DEMO_PASSWORD).map_err(store::StoreError::NotFound)?,
                role,
                municipality_code: municipality,
            };
            preparation::create_user(db, &by, &user)?;
        }
        Ok::<_, store::StoreError>(codes)
    })
    .map_err(|e| e.to_string())?;
    let silent_code = convoke(
        &mut conn,
        &by,
        &election.id,
        &config.municipality,
        &stations,
    )?;
    // Who accepted is the stations' planned staff now: the chairs register them.
    let planned: BTreeMap<String, Vec<shared::domain::StaffMember>> =
        store::stations::of_election(&mut conn, &election.id)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|r| (r.station.id, r.station.planned_staff))
            .collect();
    let stations: Vec<Station> = stations
        .into_iter()
        .map(|mut s| {
            if let Some(staff) = planned.get(&s.id) {
                s.planned_staff.clone_from(staff);
            }
            s
        })
        .collect();
    drop(conn);

    let server_config = ServerConfig {
        database_url: config.database.clone(),
        commit: crate::realtime::commit::CommitConfig::default(),
        pool_size: 8,
        workers: 2,
        min_free_mb: crate::disk_space::DEFAULT_MIN_FREE_MB,
        secret_file: None,
    };
    let state = app::state(&server_config).map_err(|e| e.to_string())?;
    let listener = app::listen(&config.listen)
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(app::serve(
            state,
            listener,
            2,
            crate::http::web::WebDir::from_env(),
            None,
        ))
    });

    println!(
        "Kiesdag demo: {} polling stations of {name} ({}), a day of {} minutes",
        stations.len(),
        config.municipality,
        config.minutes
    );
    println!("  server:     http://{address}   (health: /health, metrics: /metrics)");
    println!("  dashboard:  http://{address}/   (live feed: ws://{address}/ws/dashboard)");
    println!("  sign in:    coordinator / manager / kijker / beheerder, password {DEMO_PASSWORD}");
    // The first station is left to a person: the chair's app in a browser, next to
    // the simulated ones.
    let mut stations = stations;
    let mut codes = codes;
    if let (Some(yours), Some(code)) = (stations.first().cloned(), codes.first().cloned()) {
        stations.remove(0);
        codes.remove(0);
        println!(
            "  be a chair: http://{address}{}/?code={code}   ({} {}, code {code}; not simulated)",
            crate::http::web::CHAIR_PATH,
            yours.number,
            yours.name,
        );
    }
    if let Some(code) = silent_code {
        println!(
            "  be convoked: http://{address}/antwoord#code={code}   (a person who has not answered yet; follow-up: /convocations)"
        );
    }
    println!(
        "  find a station: http://{address}/stembureaus/{}   (public: open or not, and the queues the chairs report)",
        config.municipality
    );
    println!(
        "  polls open in 20 s and close {} minutes later; Ctrl-C stops the demo",
        config.minutes
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("ws://{address}/ws/station");
    runtime.block_on(async move {
        let day = play_day(stations, codes, url, election, curve, day_ms);
        tokio::select! {
            () = day => {}
            () = stop_requested() => println!("stopping the demo"),
        }
    });
    // The stations' cores stop with the runtime; every report the server acknowledged
    // is committed, so the database is consistent whenever the demo stops.
    runtime.shutdown_timeout(Duration::from_secs(2));
    Ok(())
}

/// The demo's convocation: made-up people (no real names), four per station and a
/// reserve, assigned by the suggestion and invited; most accept, some decline with a
/// reason (and the reserve is proposed in their place), some have not answered yet.
/// Returns the code of one who has not, to try the answer page with.
fn convoke(
    db: &mut db::Db,
    by: &Preparer,
    election_id: &str,
    municipality: &str,
    stations: &[Station],
) -> Result<Option<String>, String> {
    use crate::features::convocation::{self, answer};
    use shared::domain::convocation::Candidate;
    const FIRST: [&str; 20] = [
        "Anna", "Bram", "Carla", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Ilse", "Joost", "Karin",
        "Lars", "Maud", "Niels", "Olga", "Pieter", "Roos", "Sem", "Tess", "Vera",
    ];
    const LAST: [&str; 15] = [
        "de Vries",
        "Jansen",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
        "de Groot",
        "Bos",
        "Vos",
        "Peters",
        "Hendriks",
        "van Leeuwen",
        "Dekker",
    ];
    const REASONS: [&str; 3] = ["Op vakantie", "Ziek", "Moet werken"];
    let people = stations.len().saturating_mul(4) + stations.len() / 10 + 1;
    let candidates: Vec<Candidate> = (0..people)
        .map(|n| {
            let first = FIRST[n % FIRST.len()];
            let last = LAST[(n / FIRST.len()) % LAST.len()];
            let name = format!("{first} {last} ({n})");
            Candidate {
                id: String::new(),
                email: (n % 5 != 0).then(|| format!("kandidaat{n}@example.nl")),
                phone: None,
                postcode: None,
                languages: vec!["nl".into()],
                experience: u32::try_from(n % 7).unwrap_or(0),
                roles: if n % 4 == 0 {
                    vec![StaffRole::Chair, StaffRole::Member]
                } else {
                    Vec::new()
                },
                wishes: Vec::new(),
                reserve: n >= stations.len().saturating_mul(4),
                name,
            }
        })
        .collect();
    let invitations = db::write_transaction(db, |db| {
        let now = now_ms();
        convocation::import_candidates(db, by, election_id, municipality, candidates, now)?;
        let suggestion = convocation::suggest(db, election_id, municipality)?;
        convocation::apply(db, by, election_id, municipality, &suggestion, now)?;
        answer::invite(db, by, election_id, municipality, 30, None, now)
    })
    .map_err(|e| e.to_string())?;
    // The answers in one transaction: one write to disk, not one per person.
    db::write_transaction(db, |db| {
        let mut silent = None;
        for (n, invitation) in invitations.iter().enumerate() {
            let given = match n % 10 {
                0 => None,
                1 => Some(answer::Answer::Decline {
                    reason: REASONS[n % REASONS.len()].into(),
                }),
                _ => Some(answer::Answer::Accept),
            };
            match given {
                Some(given) => {
                    answer::answer(db, &invitation.code, &given, now_ms())?;
                }
                None => {
                    silent.get_or_insert_with(|| invitation.code.clone());
                }
            }
        }
        Ok::<_, answer::AnswerError>(silent)
    })
    .map_err(|e| e.to_string())
}

/// Ctrl-C (SIGINT) or SIGTERM.
async fn stop_requested() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

/// Every station's day, then the server keeps running until stopped.
async fn play_day(
    stations: Vec<Station>,
    codes: Vec<String>,
    url: String,
    election: Election,
    curve: Vec<(f64, f64)>,
    day_ms: i64,
) {
    {
        let mut tasks = Vec::new();
        for (n, (station, code)) in stations.into_iter().zip(codes).enumerate() {
            let url = url.clone();
            let election = election.clone();
            let curve = curve.clone();
            tasks.push(tokio::spawn(async move {
                simulate(n, station, code, url, election, curve, day_ms).await;
            }));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for task in tasks {
            let _ = task.await;
        }
        println!(
            "the demo day is over: every station has sent its result; the server keeps running (Ctrl-C stops it)"
        );
        std::future::pending::<()>().await;
    }
}

async fn until(at: Timestamp) {
    let wait = at.millis() - now_ms();
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(u64::try_from(wait).unwrap_or(0))).await;
    }
}

/// One station's day, as its chair would tap it.
#[allow(clippy::too_many_lines)]
async fn simulate(
    n: usize,
    station: Station,
    code: String,
    url: String,
    election: Election,
    curve: Vec<(f64, f64)>,
    day_ms: i64,
) {
    let mut dice = Dice(0x2545_F491_4F6C_DD1D ^ (n as u64 + 1).wrapping_mul(0x9E37_79B9));
    let trouble = Trouble::of(n);
    let rules = demo_alert_rules(day_ms);
    let expected = station.expected_voters.unwrap_or(1_000);
    let mut final_count =
        (f64::from(expected) * (FINAL_TURNOUT + (dice.below(200) as f64 - 100.0) / 1_000.0)) as u32;
    if trouble == Trouble::FewVoters {
        final_count /= 3;
    }
    let count_at = |t: i64| -> u32 {
        let minute = 450.0 + (t - election.opens_at.millis()) as f64 / day_ms as f64 * 810.0;
        (f64::from(final_count) * share_at(&curve, minute)) as u32
    };
    let mut device = Device::start(Storage::default());
    device.send(Event::Activate {
        server_url: url,
        activation_code: code,
    });
    if device
        .wait_for(Duration::from_secs(60), |v| v.station.is_some())
        .await
        .is_err()
    {
        tracing::warn!(station = %station.id, "could not activate");
        return;
    }
    for item in &election.opening_checklist {
        device.send(Event::ToggleChecklistItem {
            item_id: item.id.clone(),
        });
    }
    // Four members: those convoked who accepted (substitutes aside), and as many
    // others as it takes; who leaves later, for the control room's alerts, comes
    // last: convoked people, where there are any.
    let mut members: Vec<(String, StaffRole)> = [
        ("Voorzitter", StaffRole::Chair),
        ("Lid 1", StaffRole::Member),
        ("Lid 2", StaffRole::Member),
        ("Lid 3", StaffRole::Member),
    ]
    .into_iter()
    .map(|(name, role)| (format!("{name} {}", station.number), role))
    .collect();
    let convoked: Vec<(String, StaffRole)> = station
        .planned_staff
        .iter()
        .filter(|m| m.role != StaffRole::Substitute)
        .map(|m| (m.name.clone(), m.role))
        .collect();
    if convoked.iter().any(|(_, role)| *role == StaffRole::Chair) {
        members.remove(0);
    }
    members.truncate(4usize.saturating_sub(convoked.len()));
    members.extend(convoked);
    for (name, role) in &members {
        device.send(Event::AddMember {
            name: name.clone(),
            role: *role,
        });
    }
    // Most open on time; some late, for the control room's "not open" alert.
    let late = if trouble == Trouble::OpensLate {
        day_ms / 12
    } else {
        i64::try_from(dice.below(4_000)).unwrap_or(0)
    };
    until(Timestamp(election.opens_at.millis() + late)).await;
    device.send(Event::OpenStation);
    let (short_of_ballots, short_of_staff, corrects) = (
        trouble == Trouble::ShortOfBallots,
        trouble == Trouble::MembersLeave,
        trouble == Trouble::CorrectsTurnout,
    );
    let received = if short_of_ballots {
        expected / 3
    } else {
        expected + expected / 20
    };
    device.send(Event::ReportBallotStock {
        received,
        remaining: received,
    });
    let offline = trouble == Trouble::LosesNetwork;
    let mut incident_at = (trouble == Trouble::Incident || dice.chance(4)).then(|| {
        election.opens_at.millis()
            + i64::try_from(dice.below(u64::try_from(day_ms / 2).unwrap_or(1))).unwrap_or(0)
    });
    let mut resupplied = false;
    for (i, moment) in election.turnout_moments.iter().enumerate() {
        if offline && i == 0 {
            // Once the opening is stored: the control room sees an open station fall
            // silent, not one that never opened.
            let _ = device
                .wait_for(Duration::from_secs(30), |v| {
                    v.phase == StationPhase::Open
                        && v.sync.confirmed > 0
                        && v.sync.pending + v.sync.sent + v.sync.saving == 0
                })
                .await;
            device.set_network(false);
        }
        if offline && i == 3 {
            device.set_network(true);
            device.send(Event::ReconnectNow);
        }
        if let Some(t) = due_before(&mut incident_at, moment.millis()) {
            until(Timestamp(t)).await;
            device.send(Event::ReportIncident {
                category: IncidentCategory::Equipment,
                severity: IncidentSeverity::Medium,
                text: "De stemhokjesverlichting doet het niet".into(),
            });
        }
        until(Timestamp(
            moment.millis() + i64::try_from(dice.below(3_000)).unwrap_or(0),
        ))
        .await;
        let count = count_at(now_ms());
        device.send(Event::ReportTurnout {
            count,
            moment: TurnoutMoment::Scheduled(*moment),
            correction_reason: None,
        });
        if corrects && i == 1 && count > 10 {
            device.send(Event::ReportTurnout {
                count: count - 10,
                moment: TurnoutMoment::AdHoc,
                correction_reason: Some("Tien kiezers dubbel geteld".into()),
            });
        }
        // The queue with each turnout report: mostly none or short; the untroubled
        // stations have a long one from the second moment to the fourth, for the
        // control room's alert and the finder.
        let queue = if trouble == Trouble::None && (1..3).contains(&i) {
            QueueLength::Minutes(35 + u32::try_from(dice.below(20)).unwrap_or(0))
        } else {
            match dice.below(3) {
                0 => QueueLength::None,
                1 => QueueLength::Short,
                _ => QueueLength::Minutes(5 + u32::try_from(dice.below(15)).unwrap_or(0)),
            }
        };
        device.send(Event::ReportQueue { length: queue });
        if short_of_staff && i == 1 {
            for (name, _) in members.iter().rev().take(2) {
                device.send(Event::MemberDeparted { name: name.clone() });
            }
        }
        if short_of_staff && i == 3 {
            device.send(Event::MemberArrived {
                name: format!("Invaller {}", station.number),
                role: StaffRole::Substitute,
            });
        }
        let remaining = received.saturating_sub(count);
        device.send(Event::ReportBallotStock {
            received,
            remaining,
        });
        if !resupplied && (n % 40 == 7 || (short_of_ballots && i == 1)) {
            resupplied = true;
            device.send(Event::RequestResupply {
                quantity: 300,
                urgency: Urgency::High,
                note: "Het loopt harder dan verwacht".into(),
            });
        }
    }
    until(Timestamp(
        election.closes_at.millis() + i64::try_from(dice.below(3_000)).unwrap_or(0),
    ))
    .await;
    device.send(Event::ReportTurnout {
        count: final_count,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    for item in &election.closing_checklist {
        device.send(Event::ToggleClosingItem {
            item_id: item.id.clone(),
        });
    }
    device.send(Event::CloseStation {
        voters_in_queue_at_close: u32::try_from(dice.below(4)).unwrap_or(0),
    });
    let _ = device
        .wait_for(Duration::from_secs(120), |v| v.phase != StationPhase::Open)
        .await;
    let counting = if trouble == Trouble::ResultLate {
        // Past the rule's time, so that the result is missing for a while.
        rules.result_after_ms + rules.result_after_ms / 2
    } else {
        500 + i64::try_from(dice.below(u64::try_from(day_ms / 10).unwrap_or(1))).unwrap_or(0)
    };
    until(Timestamp(election.closes_at.millis() + counting)).await;
    let mut result = kiesdag_sim::consistent_result(
        final_count,
        &WEIGHTS,
        u32::try_from(dice.below(5)).unwrap_or(0),
    );
    if trouble == Trouble::ResultWithWarnings {
        // 5 % blank, taken from the first list: the arithmetic holds, the share warns.
        if let Some(first) = result.votes.list_votes.first_mut() {
            let blank = (final_count / 20).min(first.votes);
            first.votes -= blank;
            result.votes.votes_for_candidates -= blank;
            result.votes.blank_votes += blank;
        }
    }
    device.send(Event::EditResult(result));
    device.send(Event::SubmitResult);
    // Warnings (more than 3 % blank, say) are confirmed after a look, as a chair would.
    let view = device
        .wait_for(Duration::from_secs(60), |v| {
            v.confirmation.is_some() || v.phase == StationPhase::ResultSubmitted
        })
        .await;
    if view.is_ok_and(|v| v.confirmation.is_some()) {
        device.send(Event::ConfirmWarnings);
    }
    let _ = device
        .wait_for(Duration::from_secs(600), |v| {
            v.phase == StationPhase::ResultSubmitted
                && v.sync.pending + v.sync.sent + v.sync.saving == 0
        })
        .await;
    // Keep the device (and its connection) for the rest of the demo.
    std::future::pending::<()>().await;
}

/// The moment of something planned once (a station's incident), if it falls before
/// `before`; taken, so that it is reported at most once however many turnout moments
/// follow.
fn due_before(planned: &mut Option<i64>, before: i64) -> Option<i64> {
    planned.take_if(|at| *at < before)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A station's incident is sent once, at the first turnout moment after it, not
    /// again at every later one (the demo's stations reported the same one at each).
    #[test]
    fn a_planned_incident_is_due_once() {
        let mut planned = Some(1_500);
        assert_eq!(due_before(&mut planned, 1_000), None, "not yet");
        assert_eq!(due_before(&mut planned, 2_000), Some(1_500));
        assert_eq!(due_before(&mut planned, 3_000), None, "already reported");
        assert_eq!(due_before(&mut planned, 4_000), None);
    }

    #[test]
    fn the_real_curve_rises_from_opening_to_closing() {
        let csv = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../data/nl_turnout_by_time_press_reports.csv"
        ))
        .unwrap();
        let curve = turnout_curve(&csv).unwrap();
        assert_eq!(share_at(&curve, 450.0), 0.0);
        assert!((share_at(&curve, 1260.0) - 1.0).abs() < 1e-9);
        let hourly: Vec<f64> = (8..=21)
            .map(|h| share_at(&curve, f64::from(h * 60)))
            .collect();
        assert!(hourly.windows(2).all(|w| w[0] <= w[1]), "{hourly:?}");
        // By 13:00 roughly a quarter of the day's voters have voted in the press figures.
        assert!(
            (0.15..0.4).contains(&share_at(&curve, 780.0)),
            "{}",
            share_at(&curve, 780.0)
        );
    }
}
