//! The command line: its commands and what each does. `main.rs` only parses and
//! dispatches.

pub mod backup;
mod codes;
mod digital;
mod election;
mod eml;
mod import;
mod person;
mod purge;
mod secret;
mod serve;
mod staff;
mod strength;
pub mod support;
mod users;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::auth::Role;
use crate::db::{self, Db};
use crate::store;

#[derive(Parser)]
#[command(
    name = "kiesdag",
    version,
    about = "Kiesdag: election-day server for polling stations and the control room"
)]
pub struct Cli {
    /// The SQLite file, or a postgres:// URL. Without it, DATABASE_URL; without either,
    /// ./kiesdag.db. Given together, --db wins (and a warning says so), so that a
    /// DATABASE_URL left in the shell cannot send a backup, restore or check elsewhere;
    /// `demo` never uses DATABASE_URL.
    #[arg(long, global = true)]
    db: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the station and dashboard endpoints and the API (the default).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        #[arg(long, default_value_t = 2)]
        workers: usize,
        /// The built web dashboard, served on the same port.
        #[arg(long, env = "KIESDAG_WEB_DIR", default_value = crate::http::web::DEFAULT_DIR)]
        web_dir: std::path::PathBuf,
        /// The built chair's app (web-chair/dist), served at /chair/ on the same port.
        #[arg(long, env = "KIESDAG_CHAIR_DIR", default_value = crate::http::web::DEFAULT_CHAIR_DIR)]
        chair_dir: std::path::PathBuf,
        /// Refuse new reports (devices keep them and retry) while free space under the
        /// SQLite file is below this many MiB, so that the last megabytes are never the
        /// ones a commit fails on; 0 turns it off. Not checked for PostgreSQL.
        #[arg(long, env = "KIESDAG_MIN_FREE_MB", default_value_t = crate::disk_space::DEFAULT_MIN_FREE_MB)]
        min_free_mb: u64,
        /// The token-signing keyring file, made with mode 0600 if missing (see
        /// `kiesdag secret`); without it KIESDAG_JWT_SECRET, else the database's keyring.
        #[arg(long, env = "KIESDAG_SECRET_FILE")]
        secret_file: Option<std::path::PathBuf>,
        /// Also serve the public pages' API (`/api/public/...`) on this address, by one
        /// worker of low priority, so that a surge of citizens slows the public first,
        /// never the chairs; a proxy in front routes `/api/public/` there. They stay on
        /// `--listen` too.
        #[arg(long, env = "KIESDAG_PUBLIC_LISTEN")]
        public_listen: Option<String>,
        #[command(flatten)]
        backups: backup::ScheduleArgs,
        #[command(flatten)]
        tls: crate::http::tls::TlsArgs,
    },
    /// Apply the database migrations.
    Migrate,
    /// Write a consistent copy of the election's database to FILE while the server
    /// runs (chairs are not stopped): SQLite by VACUUM INTO, PostgreSQL by pg_dump
    /// --format=custom. Prints its size and the last event it holds. See
    /// docs/operations.md ("Backups and restore"; server/tests/backup.rs).
    Backup {
        file: std::path::PathBuf,
        /// Replace FILE if it exists (only once the new backup is whole).
        #[arg(long)]
        force: bool,
    },
    /// Restore a backup (of `kiesdag backup` or `serve --backup-every`) into the
    /// database, which must be empty: anything else is refused and nothing changes.
    /// The restored database is migrated and its audit chain verified.
    Restore { file: std::path::PathBuf },
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
    /// Export for the electoral bodies.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Station activation codes.
    Codes {
        #[command(subcommand)]
        command: CodesCommand,
    },
    /// The strength list: voters per station, its checks and its export.
    Strength {
        #[command(subcommand)]
        command: StrengthCommand,
    },
    /// Convocation of station staff: what stations need, who is assigned where.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// The token-signing keyring: rotate it, show its keys (docs/operations.md).
    Secret {
        #[command(subcommand)]
        command: secret::SecretCommand,
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
    /// Subject access (AVG/GDPR): what is held about one person.
    Person {
        #[command(subcommand)]
        command: PersonCommand,
    },
    /// Erase the people from a finished election once its retention has run (see
    /// `election finish` and `election retention`): names and free texts become
    /// "[gewist]", the texts the audit log refers to are deleted, and the database is
    /// compacted. Every turnout, count and result is kept, and the audit log still
    /// verifies. Prints what it will erase and asks for the election's id to be typed,
    /// unless --yes.
    Purge {
        #[arg(long)]
        election: String,
        /// Purge before the retention has run (or before the election is finished);
        /// needs a --reason, which the audit log keeps.
        #[arg(long)]
        force: bool,
        #[arg(long)]
        reason: Option<String>,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// A real municipality's election day, compressed into minutes, with simulated
    /// stations driving the real chair's core. Uses ./kiesdag-demo.db unless --db; never
    /// DATABASE_URL. It only ever recreates a database that a demo made (marked as
    /// such): any other existing file is refused, and so is PostgreSQL unless
    /// --postgres is given (then the database must be new and empty).
    #[cfg(feature = "demo")]
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
pub enum JurisdictionArg {
    Nl,
    Be,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CouncilArg {
    Municipal,
    Provincial,
    District,
}

// Parsed once from the command line: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum ElectionCommand {
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
        /// The control room's phone number, shown on every screen of the chair's app
        /// (digits, spaces and + - ( ) only), e.g. "010 123 45 67".
        #[arg(long)]
        phone: Option<String>,
    },
    List,
    /// When the clock makes the control room's alerts; prints the rules in effect.
    /// Without a value a rule stays as it is (defaults: 10, 45 and 180 minutes).
    Alerts {
        #[arg(long)]
        election: String,
        /// A turnout moment counts as overdue this many minutes after it passed.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1440))]
        moment_grace_minutes: Option<u32>,
        /// An open station whose device sent nothing, not even a heartbeat, for this
        /// many minutes is silent (at least 2: a connected device is heard from every
        /// half minute).
        #[arg(long, value_parser = clap::value_parser!(u32).range(2..=1440))]
        silent_after_minutes: Option<u32>,
        /// A station closed this many minutes without a provisional result is missing it.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1440))]
        result_after_minutes: Option<u32>,
    },
    /// Declare the election finished (its results are final and any dispute over): the
    /// retention of its personal data starts now. Declaring it again changes nothing.
    Finish {
        #[arg(long)]
        election: String,
    },
    /// How many days after it is finished the election's personal data is kept before
    /// `kiesdag purge` may erase it (default 90); prints where the election stands.
    Retention {
        #[arg(long)]
        election: String,
        #[arg(long, value_parser = clap::value_parser!(u32).range(0..=3650))]
        days: Option<u32>,
    },
}

#[derive(Subcommand)]
pub enum ImportCommand {
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
    /// The strength list (sterktelijst): voters per station, from a CSV with columns
    /// station (its id) and voters; they are the expected voters the day's checks
    /// and turnout use. Prints the list's checks afterwards.
    Strength {
        file: String,
        #[arg(long)]
        election: String,
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// Candidates for convocation, from a CSV with a name column and where known id,
    /// email, phone, postcode, languages, experience, roles, wishes and reserve
    /// (lists separated by |). Adds new people, updates those known by id, or by name
    /// and e-mail.
    Candidates {
        file: String,
        #[arg(long)]
        election: String,
        /// The municipality that convokes them (CBS or NIS code).
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// The Kiesraad's EML_NL files, read by its own library: an election definition
    /// (110a: name, kind, day and seats; creates the election when it does not exist),
    /// candidate lists (230b: the lists' numbers and names, their candidates) and
    /// polling stations (110b: the stations and their numbers of voters). A file the
    /// library refuses, or one for another election, is refused with its reasons and
    /// nothing is stored; importing a file again changes nothing.
    Eml {
        #[arg(required = true)]
        files: Vec<String>,
        /// The Kiesdag election; without it, the one the files were imported into
        /// before, else one named as the files' election (e.g. GR2026_Assen).
        #[arg(long)]
        election: Option<String>,
    },
    /// A digital-voting municipality's results per station (Flanders), from the voting
    /// system's count file (CSV: station,voters,blank,invalid,1,2,...). Without
    /// `--sha256` it prints the file's SHA-256 and what it holds, and stores nothing;
    /// with it, the file is stored only when that is its SHA-256 (read it off the
    /// voting system's own report), every station's result passes the shared rules,
    /// and all of them at once.
    DigitalResults {
        file: String,
        #[arg(long)]
        election: String,
        /// The municipality (NIS code).
        #[arg(long)]
        municipality: String,
        /// The SHA-256 the voting system's report gives for the file.
        #[arg(long)]
        sha256: Option<String>,
        /// Store stations whose results have warnings (they are listed otherwise).
        #[arg(long)]
        confirm_warnings: bool,
        /// Replace a station's different result (its chair's, or an earlier file's);
        /// refused otherwise.
        #[arg(long)]
        replace: bool,
        /// Store a file that leaves out some of the municipality's stations; refused
        /// otherwise.
        #[arg(long)]
        partial: bool,
    },
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The municipality's provisional count as an EML_NL count (510b): one reporting
    /// unit per station with its votes per list, blank, invalid and voter counts, and
    /// the municipality's total. For the validator and eml2csv of the Kiesraad.
    Eml {
        #[arg(long)]
        election: String,
        /// The municipality (CBS code); without it, the municipal election's own, or the
        /// only one the election has stations in.
        #[arg(long)]
        municipality: Option<String>,
        /// The file to write, new; `-` for standard output. Without it, the Kiesraad's
        /// name for it in this folder: Telling_<election>.eml.xml.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Leave out the stations without a provisional result yet (they are refused
        /// otherwise): the total is then of the stations in the file.
        #[arg(long)]
        partial: bool,
    },
}

#[derive(Subcommand)]
pub enum StrengthCommand {
    /// Check the municipality's strength list: every station has voters, none more
    /// than the maximum (`--max` sets it, kept for later checks). Fails when a check
    /// fails.
    Check {
        #[arg(long)]
        election: String,
        #[arg(long)]
        municipality: String,
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        max: Option<u32>,
    },
    /// Export the municipality's strength list to a new file: CSV (`.csv`, Dutch
    /// headers, `;`) or printable PDF (`.pdf`).
    Export {
        #[arg(long)]
        election: String,
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
pub enum StaffCommand {
    /// The roles each station needs and the most people per station; prints them.
    /// Without values they stay as they are (usual: NL a chair, 2 members and a
    /// substitute; Flanders a chair, a secretary, 4 assessors and a substitute).
    Need {
        #[arg(long)]
        election: String,
        #[arg(long)]
        chairs: Option<u32>,
        #[arg(long)]
        secretaries: Option<u32>,
        #[arg(long)]
        members: Option<u32>,
        #[arg(long)]
        substitutes: Option<u32>,
        #[arg(long)]
        max_per_station: Option<u32>,
    },
    /// Suggest who fills what is open at the municipality's stations: scarcest roles
    /// first, wishes before experience, nobody twice, the reserve kept. Prints the
    /// suggestion and the gaps; --apply records it (as proposed).
    Suggest {
        #[arg(long)]
        election: String,
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        apply: bool,
    },
    /// Assign a candidate to a station and role by hand (replacing where they were).
    Assign {
        #[arg(long)]
        election: String,
        #[arg(long)]
        candidate: String,
        #[arg(long)]
        station: String,
        /// chair, member, secretary, counter or substitute (or the Dutch names).
        #[arg(long)]
        role: String,
    },
    /// Give everyone proposed at the municipality's stations a personal code (their
    /// link to see the convocation and answer it) and mark them invited; writes the
    /// invitations (name, e-mail, phone, station, role, code, link) to a CSV file for
    /// sending. A new invitation replaces the code sent before.
    Invite {
        #[arg(long)]
        election: String,
        #[arg(long)]
        municipality: String,
        /// How many days the personal link works.
        #[arg(long, default_value_t = crate::features::convocation::answer::DEFAULT_VALID_DAYS, value_parser = clap::value_parser!(u32).range(1..=365))]
        valid_days: u32,
        /// Where the dashboard is served, for the link (…/antwoord#code=…), e.g.
        /// https://kiesdag.gemeente.nl.
        #[arg(long)]
        app_url: String,
        /// The CSV file to write, new (not standard output: it holds the codes).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Remind who was invited and did not answer (a new code replaces the old
        /// one), besides inviting who is newly proposed.
        #[arg(long)]
        again: bool,
        /// With --again: only who has been silent at least this many days.
        #[arg(long, default_value_t = 0, requires = "again", value_parser = clap::value_parser!(u32).range(0..=365))]
        silent_days: u32,
        /// Send the e-mails (explicitly: an e-mail cannot be called back). Without
        /// it nothing is sent, whatever the environment says.
        #[arg(long)]
        send: bool,
        /// With --send: each invitation with an e-mail address goes through this SMTP relay:
        /// smtp://host:port (a local relay), smtp://host:587?tls=required (STARTTLS),
        /// smtps://user:password@host (TLS).
        #[arg(long, env = "KIESDAG_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// The sender of the e-mails, e.g. "Gemeente Rotterdam <verkiezingen@rotterdam.nl>".
        #[arg(long, env = "KIESDAG_MAIL_FROM")]
        from: Option<String>,
        /// Write printable letters (PDF, one page each, new file) for everyone not
        /// reached by e-mail: without an address, whose e-mail failed, or all when
        /// nothing is sent.
        #[arg(long)]
        letters: Option<std::path::PathBuf>,
    },
    /// Take a candidate off their station.
    Unassign {
        #[arg(long)]
        election: String,
        #[arg(long)]
        candidate: String,
    },
    /// Where the training material for station staff is (an http(s) address): shown
    /// through the personal link, in the e-mail and on the letter.
    Training {
        #[arg(long)]
        election: String,
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        url: String,
    },
    /// Who has not answered for --silent-days since their last invitation or
    /// reminder: says first whom it would mark lapsed (their link stops working) and
    /// whom of the reserve it would propose in their place; --apply does it.
    Substitute {
        #[arg(long)]
        election: String,
        #[arg(long)]
        municipality: String,
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=365))]
        silent_days: u32,
        #[arg(long)]
        apply: bool,
    },
    /// The elections a person served in, as kept across elections (recorded when an
    /// election is finished): for the Flemish rule that who served twice may refuse.
    History {
        /// The candidate's id (MUNICIPALITY:number).
        #[arg(long)]
        candidate: String,
    },
    /// Forget a person's service history (on their request).
    Forget {
        #[arg(long)]
        candidate: String,
    },
    /// Forget every service in elections held more than --years ago.
    HistoryPrune {
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
        years: u32,
    },
    /// Per station who is convoked, in which role, where their answer stands, and
    /// what is missing; --csv for a spreadsheet.
    List {
        #[arg(long)]
        election: String,
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        csv: bool,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum StationFormat {
    /// The Dutch open-data standard for polling stations.
    Sods,
    /// A Flemish station list.
    Flemish,
}

#[derive(Subcommand)]
pub enum CodesCommand {
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
        /// The chair's app's address (e.g. https://kiesdag.example.nl/chair/): the sheet
        /// then carries a QR code per station that opens the app with its code filled in,
        /// so that nobody types an address or a code.
        #[arg(long, requires = "sheet")]
        app_url: Option<String>,
    },
    List,
    /// Revoke a station's unused codes and its devices' activations, at once.
    Revoke {
        #[arg(long)]
        station: String,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
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
    /// Erase a staff user who left (AVG/GDPR): the account is renamed gewist-<id>,
    /// its password and sessions deleted, and its name replaced where an election's
    /// records name it as an action's author. The audit log still verifies.
    Erase {
        #[arg(long)]
        username: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
pub enum PersonCommand {
    /// Everything that names the person: staff users, planned staff, the stations'
    /// days, reports and messages in the event log, the audit log. The search is
    /// audited without the query itself.
    Show {
        /// A name, an e-mail address or a phone number (at least 3 characters;
        /// matched anywhere, ignoring case).
        query: String,
        /// Print JSON, for the person's copy (export).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain and name the first broken entry; check the personal
    /// texts the chain refers to against their references.
    Verify,
}

pub(crate) fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("roles: {}", Role::ALL.map(Role::as_str).join(", ")))
}

/// Whether the command is the demo's (which never takes DATABASE_URL).
fn is_demo(command: Option<&Command>) -> bool {
    #[cfg(feature = "demo")]
    {
        matches!(command, Some(Command::Demo { .. }))
    }
    #[cfg(not(feature = "demo"))]
    {
        let _ = command;
        false
    }
}

/// Runs the parsed command line: the server by default.
#[must_use]
pub fn main(cli: Cli) -> ExitCode {
    let from_env = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty());
    let demo = is_demo(cli.command.as_ref());
    if let (Some(_), Some(db), false) = (&from_env, &cli.db, demo) {
        eprintln!("warning: both DATABASE_URL and --db {db} are set; --db wins");
    }
    // The demo never takes DATABASE_URL: that is likely the election's own database.
    let url = if demo {
        cli.db.unwrap_or_else(|| "./kiesdag-demo.db".to_owned())
    } else {
        cli.db
            .or(from_env)
            .unwrap_or_else(|| "./kiesdag.db".to_owned())
    };
    let command = cli.command.unwrap_or(Command::Serve {
        listen: "127.0.0.1:8080".into(),
        workers: 2,
        web_dir: crate::http::web::WebDir::from_env().dashboard,
        chair_dir: crate::http::web::WebDir::from_env().chair,
        min_free_mb: min_free_mb_from_env(),
        secret_file: std::env::var_os("KIESDAG_SECRET_FILE").map(Into::into),
        public_listen: std::env::var("KIESDAG_PUBLIC_LISTEN").ok(),
        backups: backup::ScheduleArgs::from_env(),
        tls: crate::http::tls::TlsArgs::from_env(),
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
pub(crate) fn min_free_mb_from_env() -> u64 {
    match std::env::var("KIESDAG_MIN_FREE_MB") {
        Ok(value) => value.trim().parse().unwrap_or_else(|_| {
            eprintln!(
                "warning: KIESDAG_MIN_FREE_MB={value} is not a number of MiB; using {}",
                crate::disk_space::DEFAULT_MIN_FREE_MB
            );
            crate::disk_space::DEFAULT_MIN_FREE_MB
        }),
        Err(_) => crate::disk_space::DEFAULT_MIN_FREE_MB,
    }
}

pub(crate) fn open(url: &str) -> Result<Db, String> {
    db::open(url).map_err(|e| e.to_string())
}

fn run(url: &str, command: Command) -> Result<(), String> {
    match command {
        Command::Serve {
            listen,
            workers,
            web_dir,
            chair_dir,
            min_free_mb,
            secret_file,
            public_listen,
            backups,
            tls,
        } => serve::serve(
            url,
            &listen,
            workers,
            min_free_mb,
            secret_file,
            crate::http::web::WebDir {
                dashboard: web_dir,
                chair: chair_dir,
            },
            public_listen.as_deref(),
            backups.schedule(url)?,
            tls.files()?,
        ),
        Command::Backup { file, force } => backup::backup(url, &file, force),
        Command::Restore { file } => backup::restore(url, &file),
        Command::Migrate => {
            let mut db = db::connect(url).map_err(|e| e.to_string())?;
            let applied = db::migrate(&mut db).map_err(|e| e.to_string())?;
            println!("{applied} migration(s) applied");
            Ok(())
        }
        Command::Election { command } => election::election(url, command),
        Command::Purge {
            election,
            force,
            reason,
            yes,
        } => purge::purge(url, &election, force, reason, yes),
        #[cfg(feature = "demo")]
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
            crate::demo::run(&crate::demo::DemoConfig {
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
        } => import::import_stations(url, &file, &election, format, skip_bad_rows),
        Command::Import {
            command:
                ImportCommand::Districts {
                    file,
                    election,
                    skip_bad_rows,
                },
        } => import::import_roster(
            url,
            &file,
            &election,
            import::Roster::Districts,
            skip_bad_rows,
        ),
        Command::Import {
            command:
                ImportCommand::Staff {
                    file,
                    election,
                    skip_bad_rows,
                },
        } => import::import_roster(url, &file, &election, import::Roster::Staff, skip_bad_rows),
        Command::Import {
            command:
                ImportCommand::Candidates {
                    file,
                    election,
                    municipality,
                    skip_bad_rows,
                },
        } => staff::import_candidates(url, &file, &election, &municipality, skip_bad_rows),
        Command::Import {
            command: ImportCommand::Eml { files, election },
        } => eml::import(url, &files, election.as_deref()),
        Command::Import {
            command:
                ImportCommand::DigitalResults {
                    file,
                    election,
                    municipality,
                    sha256,
                    confirm_warnings,
                    replace,
                    partial,
                },
        } => digital::import(
            url,
            &file,
            &election,
            &municipality,
            sha256.as_deref(),
            crate::features::digital_results::ImportOptions {
                confirm_warnings,
                replace,
                partial,
            },
        ),
        Command::Export {
            command:
                ExportCommand::Eml {
                    election,
                    municipality,
                    out,
                    partial,
                },
        } => eml::export(
            url,
            &election,
            municipality.as_deref(),
            out.as_deref(),
            partial,
        ),
        Command::Staff { command } => staff::staff(url, command),
        Command::Secret { command } => secret::secret(url, command),
        Command::Import {
            command:
                ImportCommand::Strength {
                    file,
                    election,
                    skip_bad_rows,
                },
        } => import::import_roster(
            url,
            &file,
            &election,
            import::Roster::Strength,
            skip_bad_rows,
        )
        .and_then(|()| strength::check_all(url, &election)),
        Command::Strength { command } => strength::strength(url, command),
        Command::Codes { command } => codes::codes(url, command),
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    role,
                    municipality,
                },
        } => users::create_user(url, &username, role, municipality),
        Command::User {
            command: UserCommand::Disable { username },
        } => users::set_user_disabled(url, &username, true),
        Command::User {
            command: UserCommand::Enable { username },
        } => users::set_user_disabled(url, &username, false),
        Command::User {
            command: UserCommand::Erase { username, yes },
        } => users::erase_user(url, &username, yes),
        Command::Person {
            command: PersonCommand::Show { query, json },
        } => person::show(url, &query, json),
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let mut db = open(url)?;
            let count = match store::audit::verify(&mut db).map_err(|e| e.to_string())? {
                Ok(count) => count,
                Err(broken) => {
                    return Err(format!(
                        "audit log broken at entry {}: {}",
                        broken.id, broken.reason
                    ));
                }
            };
            match store::personal::verify(&mut db).map_err(|e| e.to_string())? {
                Ok(texts) => {
                    println!(
                        "audit log intact: {count} entries; {texts} personal texts match their references"
                    );
                    Ok(())
                }
                Err(mismatch) => Err(format!(
                    "audit log intact ({count} entries), but a personal text of {} was changed after it was written (reference {})",
                    mismatch.scope, mismatch.reference
                )),
            }
        }
    }
}
