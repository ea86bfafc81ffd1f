//! `kiesdag`: the server and its administration commands.

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kiesdag::auth::{Role, hash_password};
use kiesdag::cli_support::{self, ElectionSpec};
use kiesdag::commit::CommitConfig;
use kiesdag::db::{self, Db, now_ms};
use kiesdag::import;
use kiesdag::server::{self, ServerConfig};
use kiesdag::store::{self, audit::AuditRecord, users::UserRecord};
use shared::domain::{CouncilKind, Jurisdiction};

/// jemalloc, returning freed memory to the system within a second from a background
/// thread (configured when it is built: `.cargo/config.toml`). With the system
/// allocator, the garbage of busy moments (activations, a burst of results) stayed
/// resident in an idle server (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "kiesdag",
    version,
    about = "Kiesdag: election-day server for polling stations and the control room"
)]
struct Cli {
    /// The SQLite file (default ./kiesdag.db), or a postgres:// URL. When DATABASE_URL
    /// is set too, DATABASE_URL wins (and a warning says so), except for `demo`, which
    /// never uses DATABASE_URL.
    #[arg(long, global = true)]
    db: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the station and dashboard endpoints and the API (the default).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        #[arg(long, default_value_t = 2)]
        workers: usize,
        /// The built web dashboard, served on the same port.
        #[arg(long, env = "KIESDAG_WEB_DIR", default_value = kiesdag::web::DEFAULT_DIR)]
        web_dir: std::path::PathBuf,
        /// Refuse new reports (devices keep them and retry) while free space under the
        /// SQLite file is below this many MiB, so that the last megabytes are never the
        /// ones a commit fails on; 0 turns it off. Not checked for PostgreSQL.
        #[arg(long, env = "KIESDAG_MIN_FREE_MB", default_value_t = kiesdag::disk_space::DEFAULT_MIN_FREE_MB)]
        min_free_mb: u64,
    },
    /// Apply the database migrations.
    Migrate,
    /// Elections.
    Election {
        #[command(subcommand)]
        command: ElectionCommand,
    },
    /// Import polling stations.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Station activation codes.
    Codes {
        #[command(subcommand)]
        command: CodesCommand,
    },
    /// Staff users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// A real municipality's election day, compressed into minutes, with simulated
    /// stations driving the real chair's core. Uses ./kiesdag-demo.db unless --db; never
    /// DATABASE_URL. It only ever recreates a database that a demo made (marked as
    /// such): any other existing file is refused, and so is PostgreSQL unless
    /// --postgres is given (then the database must be new and empty).
    Demo {
        /// CBS code of the municipality (GM0599 is Rotterdam).
        #[arg(long, default_value = "GM0599")]
        municipality: String,
        /// Length of the demo's election day.
        #[arg(long, default_value_t = 10)]
        minutes: u32,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        #[arg(
            long,
            default_value = "data/nl_stembureaus_SODS1.7_GR2026_wims_snapshot_20260121.csv"
        )]
        stations: String,
        #[arg(long, default_value = "data/nl_turnout_by_time_press_reports.csv")]
        turnout: String,
        /// Allow --db to be a postgres:// URL (of a new, empty database).
        #[arg(long)]
        postgres: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum JurisdictionArg {
    Nl,
    Be,
}

#[derive(Clone, Copy, ValueEnum)]
enum CouncilArg {
    Municipal,
    Provincial,
    District,
}

#[derive(Subcommand)]
enum ElectionCommand {
    /// Create an election, or update its configuration.
    Init {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// Election day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        #[arg(long, value_enum, default_value = "nl")]
        jurisdiction: JurisdictionArg,
        #[arg(long, default_value = "07:30")]
        opens: String,
        #[arg(long, default_value = "21:00")]
        closes: String,
        /// Turnout moments, local times separated by commas.
        #[arg(long, default_value = "10:00,13:00,16:00,19:00")]
        moments: String,
        /// Candidate lists in ballot order, separated by semicolons.
        #[arg(long, default_value = "")]
        lists: String,
        /// The body elected; with the jurisdiction and the seats it decides the seat
        /// allocation (Flanders: municipal Imperiali, provincial and district D'Hondt).
        #[arg(long, value_enum, default_value = "municipal")]
        council: CouncilArg,
        /// Seats on the council (NL: fewer than 19 by largest remainders, else largest
        /// averages). Without it no seat allocation is made.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
        seats: Option<u32>,
    },
    List,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Stations from a CSV: the Dutch open-data standard (SODS v1.6/v1.7), or a Flemish
    /// list (NIS-code, Gemeente, Stembureau named MUNICIPALITY-001-SUBAREA, Kiezers).
    Stations {
        file: String,
        #[arg(long)]
        election: String,
        #[arg(long, value_enum, default_value = "sods")]
        format: StationFormat,
        /// Import the good rows even when some rows cannot be taken.
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// Each station's district, from a CSV with columns station and district.
    Districts {
        file: String,
        #[arg(long)]
        election: String,
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// Each station's planned staff, from a CSV with columns station, name and role
    /// (chair, member, secretary, counter, substitute); replaces what was planned.
    Staff {
        file: String,
        #[arg(long)]
        election: String,
        #[arg(long)]
        skip_bad_rows: bool,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum StationFormat {
    /// The Dutch open-data standard for polling stations.
    Sods,
    /// A Flemish station list.
    Flemish,
}

#[derive(Subcommand)]
enum CodesCommand {
    /// Issue one code per station (of one station, or every station of a municipality).
    Issue {
        #[arg(long, conflicts_with = "municipality")]
        station: Option<String>,
        #[arg(long)]
        municipality: Option<String>,
        /// How long the codes stay valid.
        #[arg(long, default_value_t = 72)]
        hours: i64,
        /// Also write a printable HTML sheet.
        #[arg(long)]
        sheet: Option<String>,
    },
    List,
    /// Revoke a station's unused codes and its devices' activations, at once.
    Revoke {
        #[arg(long)]
        station: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff user; the password is read from standard input.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// CBS code of the user's municipality; only an administrator may have none.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Disable a staff user: sign-in refused, and every session ended within a second
    /// (REST and open dashboards), on every running instance.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled staff user again (they sign in anew).
    Enable {
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain and name the first broken entry.
    Verify,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("roles: {}", Role::ALL.map(Role::as_str).join(", ")))
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let from_env = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty());
    if let (Some(_), Some(db), false) = (
        &from_env,
        &cli.db,
        matches!(cli.command, Some(Command::Demo { .. })),
    ) {
        eprintln!("warning: both DATABASE_URL and --db {db} are set; DATABASE_URL wins");
    }
    // The demo never takes DATABASE_URL: that is likely the election's own database.
    let url = if matches!(cli.command, Some(Command::Demo { .. })) {
        cli.db.unwrap_or_else(|| "./kiesdag-demo.db".to_owned())
    } else {
        from_env
            .or(cli.db)
            .unwrap_or_else(|| "./kiesdag.db".to_owned())
    };
    let command = cli.command.unwrap_or(Command::Serve {
        listen: "127.0.0.1:8080".into(),
        workers: 2,
        web_dir: kiesdag::web::WebDir::from_env().0,
        min_free_mb: min_free_mb_from_env(),
    });
    match run(&url, command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kiesdag: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `KIESDAG_MIN_FREE_MB` for a bare `kiesdag` (no subcommand), as `serve` reads it.
fn min_free_mb_from_env() -> u64 {
    match std::env::var("KIESDAG_MIN_FREE_MB") {
        Ok(value) => value.trim().parse().unwrap_or_else(|_| {
            eprintln!(
                "warning: KIESDAG_MIN_FREE_MB={value} is not a number of MiB; using {}",
                kiesdag::disk_space::DEFAULT_MIN_FREE_MB
            );
            kiesdag::disk_space::DEFAULT_MIN_FREE_MB
        }),
        Err(_) => kiesdag::disk_space::DEFAULT_MIN_FREE_MB,
    }
}

fn open(url: &str) -> Result<Db, String> {
    db::open(url).map_err(|e| e.to_string())
}

fn run(url: &str, command: Command) -> Result<(), String> {
    match command {
        Command::Serve {
            listen,
            workers,
            web_dir,
            min_free_mb,
        } => serve(
            url,
            &listen,
            workers,
            min_free_mb,
            kiesdag::web::WebDir(web_dir),
        ),
        Command::Migrate => {
            let mut db = db::connect(url).map_err(|e| e.to_string())?;
            let applied = db::migrate(&mut db).map_err(|e| e.to_string())?;
            println!("{applied} migration(s) applied");
            Ok(())
        }
        Command::Election { command } => election(url, command),
        Command::Demo {
            municipality,
            minutes,
            listen,
            stations,
            turnout,
            postgres,
        } => {
            if std::env::var_os("DATABASE_URL").is_some() {
                eprintln!("note: the demo ignores DATABASE_URL; it uses --db or ./kiesdag-demo.db");
            }
            kiesdag::demo::run(&kiesdag::demo::DemoConfig {
                database: url.to_owned(),
                allow_postgres: postgres,
                listen,
                municipality,
                minutes,
                stations_file: stations,
                turnout_file: turnout,
            })
        }
        Command::Import {
            command:
                ImportCommand::Stations {
                    file,
                    election,
                    format,
                    skip_bad_rows,
                },
        } => import_stations(url, &file, &election, format, skip_bad_rows),
        Command::Import {
            command:
                ImportCommand::Districts {
                    file,
                    election,
                    skip_bad_rows,
                },
        } => import_roster(url, &file, &election, Roster::Districts, skip_bad_rows),
        Command::Import {
            command:
                ImportCommand::Staff {
                    file,
                    election,
                    skip_bad_rows,
                },
        } => import_roster(url, &file, &election, Roster::Staff, skip_bad_rows),
        Command::Codes { command } => codes(url, command),
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    role,
                    municipality,
                },
        } => create_user(url, &username, role, municipality),
        Command::User {
            command: UserCommand::Disable { username },
        } => set_user_disabled(url, &username, true),
        Command::User {
            command: UserCommand::Enable { username },
        } => set_user_disabled(url, &username, false),
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let mut db = open(url)?;
            match store::audit::verify(&mut db).map_err(|e| e.to_string())? {
                Ok(count) => {
                    println!("audit log intact: {count} entries");
                    Ok(())
                }
                Err(broken) => Err(format!(
                    "audit log broken at entry {}: {}",
                    broken.id, broken.reason
                )),
            }
        }
    }
}

fn serve(
    url: &str,
    listen: &str,
    workers: usize,
    min_free_mb: u64,
    dashboard: kiesdag::web::WebDir,
) -> Result<(), String> {
    let config = ServerConfig {
        database_url: url.to_owned(),
        commit: CommitConfig::default(),
        pool_size: 8,
        workers,
        min_free_mb,
    };
    let state = server::state(&config).map_err(|e| e.to_string())?;
    let listener = server::listen(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    // Tests and scripts read this line to find the port.
    println!("kiesdag listening on http://{address}");
    tracing::info!(%address, database = %if db::is_postgres(url) { "postgresql" } else { url }, "serving");
    actix_web::rt::System::new()
        .block_on(server::serve(state, listener, workers, dashboard))
        .map_err(|e| e.to_string())
}

fn election(url: &str, command: ElectionCommand) -> Result<(), String> {
    let mut db = open(url)?;
    match command {
        ElectionCommand::Init {
            id,
            name,
            date,
            jurisdiction,
            opens,
            closes,
            moments,
            lists,
            council,
            seats,
        } => {
            let jurisdiction = match jurisdiction {
                JurisdictionArg::Nl => Jurisdiction::Netherlands,
                JurisdictionArg::Be => Jurisdiction::Flanders,
            };
            let spec = ElectionSpec {
                id: &id,
                name: &name,
                date: &date,
                jurisdiction,
                opens: &opens,
                closes: &closes,
                moments: &moments,
                lists: &lists,
                council: match council {
                    CouncilArg::Municipal => CouncilKind::Municipal,
                    CouncilArg::Provincial => CouncilKind::Provincial,
                    CouncilArg::District => CouncilKind::District,
                },
                seats,
            };
            let election = cli_support::election(&spec)?;
            db::write_transaction(&mut db, |db| {
                store::elections::upsert(db, &election)?;
                staff_audit(db, "election.init", &id, &store::to_json(&election))
            })
            .map_err(|e: store::StoreError| e.to_string())?;
            println!("election {id} ready: {} to {}", opens, closes);
            Ok(())
        }
        ElectionCommand::List => {
            for e in store::elections::all(&mut db).map_err(|e| e.to_string())? {
                println!(
                    "{}\t{}\t{} lists\t{} turnout moments",
                    e.id,
                    e.name,
                    e.lists.len(),
                    e.turnout_moments.len()
                );
            }
            Ok(())
        }
    }
}

fn staff_audit(
    db: &mut Db,
    action: &str,
    subject: &str,
    payload: &str,
) -> Result<(), store::StoreError> {
    let actor = format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    );
    store::audit::append(
        db,
        &[AuditRecord {
            at: now_ms(),
            actor,
            action: action.into(),
            subject: subject.into(),
            payload: payload.into(),
        }],
    )
}

fn import_stations(
    url: &str,
    file: &str,
    election_id: &str,
    format: StationFormat,
    skip_bad_rows: bool,
) -> Result<(), String> {
    let mut db = open(url)?;
    let election = store::elections::get(&mut db, election_id).map_err(|e| e.to_string())?;
    let input = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let parsed = match format {
        StationFormat::Sods => import::parse_sods(
            input.as_bytes(),
            &election,
            cli_support::zone(election.jurisdiction),
        ),
        StationFormat::Flemish => import::parse_flemish(&input),
    }
    .map_err(|e| e.to_string())?;
    for problem in &parsed.problems {
        eprintln!("{file}:{}: {}", problem.line, problem.reason);
    }
    if !parsed.problems.is_empty() && !skip_bad_rows {
        return Err(format!(
            "{} of {} rows cannot be taken (listed above); nothing was imported. Fix them, or run with --skip-bad-rows",
            parsed.problems.len(),
            parsed.rows
        ));
    }
    // Importing the stations again (a corrected file) keeps what was assigned to them
    // since: their planned staff, and their district where the file gives none.
    let existing: std::collections::BTreeMap<String, shared::domain::Station> =
        store::stations::of_election(&mut db, election_id)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|r| (r.station.id.clone(), r.station))
            .collect();
    let mut parsed = parsed;
    for station in &mut parsed.stations {
        if let Some(before) = existing.get(&station.id) {
            if station.planned_staff.is_empty() {
                station.planned_staff.clone_from(&before.planned_staff);
            }
            if station.district.is_none() {
                station.district.clone_from(&before.district);
            }
        }
    }
    let progress =
        indicatif::ProgressBar::new(parsed.stations.len() as u64).with_message("stations");
    progress.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    db::write_transaction(&mut db, |db| {
        for (code, name) in &parsed.municipalities {
            store::stations::upsert_municipality(db, code, name)?;
        }
        for station in &parsed.stations {
            store::stations::upsert(db, election_id, station)?;
            progress.inc(1);
        }
        staff_audit(
            db,
            "stations.import",
            election_id,
            &format!(
                "{{\"file\":{:?},\"stations\":{},\"rows\":{}}}",
                file,
                parsed.stations.len(),
                parsed.rows
            ),
        )
    })
    .map_err(|e: store::StoreError| e.to_string())?;
    progress.finish_and_clear();
    println!(
        "imported {} stations of {} municipalities from {} rows ({} rows were further stops of mobile stations, {} rows skipped)",
        parsed.stations.len(),
        parsed.municipalities.len(),
        parsed.rows,
        parsed.extra_stops,
        parsed.problems.len()
    );
    Ok(())
}

#[derive(Clone, Copy)]
enum Roster {
    Districts,
    Staff,
}

/// Districts or planned staff for an election's stations: every row checked first,
/// then all written in one transaction (or nothing).
fn import_roster(
    url: &str,
    file: &str,
    election_id: &str,
    roster: Roster,
    skip_bad_rows: bool,
) -> Result<(), String> {
    let mut db = open(url)?;
    store::elections::get(&mut db, election_id).map_err(|e| e.to_string())?;
    let input = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let mut stations: std::collections::BTreeMap<String, shared::domain::Station> =
        store::stations::of_election(&mut db, election_id)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|r| (r.station.id.clone(), r.station))
            .collect();
    let known = stations.keys().cloned().collect();
    let (changed, rows, problems, what) = match roster {
        Roster::Districts => {
            let (rows, problems) =
                import::parse_districts(&input, &known).map_err(|e| e.to_string())?;
            let n = rows.len();
            let mut changed = std::collections::BTreeSet::new();
            for row in rows {
                if let Some(station) = stations.get_mut(&row.station_id) {
                    station.district = Some(row.value);
                    changed.insert(row.station_id);
                }
            }
            (changed, n, problems, "districts")
        }
        Roster::Staff => {
            let (rows, problems) =
                import::parse_staff(&input, &known).map_err(|e| e.to_string())?;
            let n = rows.len();
            let mut changed = std::collections::BTreeSet::new();
            for row in rows {
                if let Some(station) = stations.get_mut(&row.station_id) {
                    // The file replaces what was planned before, station by station.
                    if changed.insert(row.station_id.clone()) {
                        station.planned_staff.clear();
                    }
                    station.planned_staff.push(row.value);
                }
            }
            (changed, n, problems, "staff")
        }
    };
    for problem in &problems {
        eprintln!("{file}:{}: {}", problem.line, problem.reason);
    }
    if !problems.is_empty() && !skip_bad_rows {
        return Err(format!(
            "{} of {} rows cannot be taken (listed above); nothing was imported. Fix them, or run with --skip-bad-rows",
            problems.len(),
            problems.len() + rows
        ));
    }
    db::write_transaction(&mut db, |db| {
        for id in &changed {
            if let Some(station) = stations.get(id) {
                store::stations::upsert(db, election_id, station)?;
            }
        }
        staff_audit(
            db,
            &format!("{what}.import"),
            election_id,
            &format!(
                "{{\"file\":{:?},\"stations\":{},\"rows\":{}}}",
                file,
                changed.len(),
                rows
            ),
        )
    })
    .map_err(|e: store::StoreError| e.to_string())?;
    println!(
        "imported {what} for {} stations from {rows} rows ({} rows skipped)",
        changed.len(),
        problems.len()
    );
    Ok(())
}

fn codes(url: &str, command: CodesCommand) -> Result<(), String> {
    let mut db = open(url)?;
    match command {
        CodesCommand::Issue {
            station,
            municipality,
            hours,
            sheet,
        } => {
            let stations = match (station, municipality) {
                (Some(id), _) => {
                    vec![store::stations::get(&mut db, &id).map_err(|e| e.to_string())?]
                }
                (None, Some(code)) => {
                    store::stations::list(&mut db, &code, None).map_err(|e| e.to_string())?
                }
                (None, None) => return Err("name a --station or a --municipality".into()),
            };
            if stations.is_empty() {
                return Err("no stations found".into());
            }
            let now = now_ms();
            let issued = db::write_transaction(&mut db, |db| {
                let mut issued = Vec::new();
                for record in &stations {
                    let code =
                        store::codes::issue(db, &record.station.id, now, now + hours * 3_600_000)?;
                    issued.push((record.station.id.clone(), record.station.name.clone(), code));
                }
                let subjects: Vec<&str> = issued.iter().map(|(id, _, _)| id.as_str()).collect();
                staff_audit(
                    db,
                    "codes.issue",
                    &subjects.join(","),
                    &format!("{{\"hours\":{hours}}}"),
                )?;
                Ok(issued)
            })
            .map_err(|e: store::StoreError| e.to_string())?;
            for (id, name, code) in &issued {
                println!("{id}\t{code}\t{name}");
            }
            if let Some(path) = sheet {
                std::fs::write(
                    &path,
                    cli_support::code_sheet("Activeringscodes stembureaus", &issued),
                )
                .map_err(|e| format!("cannot write {path}: {e}"))?;
                eprintln!("sheet written to {path}");
            }
            Ok(())
        }
        CodesCommand::List => {
            for c in store::codes::list(&mut db).map_err(|e| e.to_string())? {
                let state = if c.revoked {
                    "revoked"
                } else if c.used_at.is_some() {
                    "used"
                } else if c.expires_at <= now_ms() {
                    "expired"
                } else {
                    "valid"
                };
                println!("{}\t{state}", c.station_id);
            }
            Ok(())
        }
        CodesCommand::Revoke { station } => {
            let (codes, devices) = db::write_transaction(&mut db, |db| {
                let codes = store::codes::revoke_for_station(db, &station)?;
                let devices = store::devices::revoke_station(db, &station)?;
                staff_audit(
                    db,
                    "codes.revoke",
                    &station,
                    &format!("{{\"devices\":{}}}", devices.len()),
                )?;
                Ok((codes, devices))
            })
            .map_err(|e: store::StoreError| e.to_string())?;
            println!(
                "revoked {codes} unused code(s) and {} device activation(s) of {station}",
                devices.len()
            );
            Ok(())
        }
    }
}

fn set_user_disabled(url: &str, username: &str, disabled: bool) -> Result<(), String> {
    let mut db = open(url)?;
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    let found = db::write_transaction(&mut db, |db| {
        let found = store::users::set_disabled(db, username, disabled, db::now_ms())?;
        if found {
            staff_audit(db, action, username, "{}")?;
        }
        Ok(found)
    })
    .map_err(|e: store::StoreError| e.to_string())?;
    if !found {
        return Err(format!("no user {username}"));
    }
    println!(
        "{username} {}",
        if disabled {
            "disabled; their sessions end within a second"
        } else {
            "enabled; they may sign in again"
        }
    );
    Ok(())
}

fn create_user(
    url: &str,
    username: &str,
    role: Role,
    municipality: Option<String>,
) -> Result<(), String> {
    if municipality.is_none() && role != Role::Administrator {
        return Err("only an administrator may have no --municipality".into());
    }
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| e.to_string())?;
    let password = password.trim_end_matches(['\n', '\r']);
    if password.chars().count() < 12 {
        return Err("the password (from standard input) must be at least 12 characters".into());
    }
    let mut db = open(url)?;
    let user = UserRecord {
        id: uuid::Uuid::new_v4().to_string(),
        username: username.to_owned(),
        password_hash: hash_password(password)?,
        role,
        municipality_code: municipality,
    };
    db::write_transaction(&mut db, |db| {
        store::users::create(db, &user, now_ms())?;
        staff_audit(
            db,
            "user.create",
            username,
            &format!("{{\"role\":\"{}\"}}", role.as_str()),
        )
    })
    .map_err(|e: store::StoreError| match e {
        store::StoreError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => {
            format!("user {username} already exists")
        }
        other => other.to_string(),
    })?;
    println!("user {username} created ({})", role.as_str());
    Ok(())
}
