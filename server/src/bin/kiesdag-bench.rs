//! `kiesdag-bench`: the server benchmark (`make bench-server`).
//!
//! Runs the same load twice in one run: against `kiesdag serve` (on an embedded
//! SQLite file, 2 workers) and against `broadcast-baseline`, a bare actix-ws broadcast
//! server. The load comes from `kiesdag-load`, a separate process. Prints the figures
//! side by side: connections held, server memory per idle connection, acknowledged
//! operations per second, and latency from a station's report to its receipt by the
//! dashboards at a steady rate and in a closing-time burst of results.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use clap::Parser;
use kiesdag::auth::{Claims, Role, TokenKeys, TokenKind};
use kiesdag::db::{self, now_ms};
use kiesdag::store;
use serde_json::{Value, json};
use shared::domain::{CandidateList, Election, Jurisdiction, Station, Timestamp, VotingLocation};

#[derive(Parser, Debug, Clone)]
#[command(about = "Kiesdag's server benchmark, against a bare actix-ws baseline")]
struct Args {
    /// Stations (each a real chair's core against Kiesdag).
    #[arg(long, default_value_t = 10_000)]
    stations: usize,
    /// Dashboards connected while connections are counted and memory is read.
    #[arg(long, default_value_t = 5_000)]
    dashboards: usize,
    /// Dashboards kept for the latency phases.
    #[arg(long, default_value_t = 1_000)]
    latency_dashboards: usize,
    /// Municipalities the stations are spread over; each dashboard watches one.
    #[arg(long, default_value_t = 50)]
    municipalities: usize,
    /// Reports a second in the steady phase.
    #[arg(long, default_value_t = 100)]
    rate: u32,
    #[arg(long, default_value_t = 30)]
    steady_seconds: u32,
    /// Every station submits its result within this window.
    #[arg(long, default_value_t = 60)]
    burst_seconds: u32,
    /// Reports each station sends back to back in the throughput phase.
    #[arg(long, default_value_t = 5)]
    ops_per_station: u32,
    /// Run only one side: kiesdag or baseline.
    #[arg(long)]
    only: Option<String>,
    /// Where the figures are written as JSON as well.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Add the reconnect storm right after the held phase (Kiesdag only): every
    /// station sends `--storm-reports` reports, the server is killed (SIGKILL) at once
    /// and started again on the same database and port after `--outage-seconds`;
    /// measured from the moment it listens again until every station has every report
    /// confirmed and every dashboard has subscribed again. The later phases then run
    /// against the restarted server.
    #[arg(long)]
    storm: bool,
    /// Only the held phase and the reconnect storm (implies --only kiesdag).
    #[arg(long)]
    storm_only: bool,
    /// Reports each station sends just before the server is killed.
    #[arg(long, default_value_t = 2)]
    storm_reports: u32,
    /// How long the server stays down in the storm.
    #[arg(long, default_value_t = 5.0)]
    outage_seconds: f64,
    /// Give up waiting for the last station or dashboard after this long.
    #[arg(long, default_value_t = 120)]
    storm_timeout: u64,
    /// Run only the public surge (Kiesdag only; needs `wrk`): public readers poll a
    /// municipality's results while its stations submit theirs. Prints public
    /// requests a second against `/health`'s, and the stations' confirmation times
    /// with and without the surge.
    #[arg(long)]
    surge: bool,
    /// Stations of the surge's one municipality (Amsterdam had 560); a third submit in
    /// quiet, a third during the surge on the main port, a third during the surge on
    /// the public listener.
    #[arg(long, default_value_t = 900)]
    surge_stations: usize,
    /// Public readers (connections, each polling back to back).
    #[arg(long, default_value_t = 1_000)]
    surge_readers: usize,
    /// How long `/health` and the public results are each read on their own.
    #[arg(long, default_value_t = 10)]
    surge_read_seconds: u32,
    /// Each third of the stations submits within this window.
    #[arg(long, default_value_t = 20)]
    surge_window_seconds: u32,
    /// The readers' niceness. They stand in for citizens' phones elsewhere, whose CPU
    /// is not the server's: at 19 they get this machine's CPU only when the server
    /// and the stations leave some; 0 makes them compete as equals.
    #[arg(long, default_value_t = 19)]
    surge_readers_nice: u8,
}

const SECRET: &str = "kiesdag-bench-secret-kiesdag-bench-secret";
const WEIGHTS: [u32; 8] = [27, 13, 11, 9, 9, 8, 5, 4];

fn binary(name: &str) -> PathBuf {
    let me = std::env::current_exe().expect("own path");
    me.parent().expect("folder").join(name)
}

fn rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:")
}

/// Starts a new peak: the kernel sets the process's `VmHWM` back to its `VmRSS`
/// (`clear_refs` 5), so the next reading is the peak since now.
fn reset_peak(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// A figure in KiB from `/proc/PID/status` (`VmRSS:`, or `VmHWM:` for the peak).
fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn epoch_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(0))
}

fn kiesdag_command(db_path: &Path, listen: &str) -> Command {
    let mut command = Command::new(binary("kiesdag"));
    command
        .args(["serve", "--listen", listen, "--db"])
        .arg(db_path)
        .env("KIESDAG_JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn");
    command
}

/// After the storm: is every report each station sent in the events table exactly
/// once, in the device's order (turnout counts 1 up to `reports`)? Are the event
/// numbers gap-free and the audit chain intact? And did every dashboard receive its
/// municipality's last change (`lowest_seq`: the lowest last number per municipality
/// among its dashboards)?
fn check_storm(db_path: &Path, stations: &[Value], reports: u32, lowest_seq: &Value) -> Value {
    let mut conn = db::connect(db_path.to_str().expect("path")).expect("database");
    let ids: Vec<String> = stations
        .iter()
        .map(|s| s["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let check = kiesdag::store::delivery::check(&mut conn, &ids, reports).expect("read the log");
    let audit = match &check.audit {
        Ok(count) => json!({"intact": true, "entries": count}),
        Err(broken) => json!({"intact": false, "broken_at": broken.id, "reason": broken.reason}),
    };
    let mut caught_up = 0;
    let mut behind = Vec::new();
    for (municipality, last) in &check.last_seq {
        let lowest = lowest_seq[municipality.as_str()].as_i64().unwrap_or(-1);
        if lowest >= *last {
            caught_up += 1;
        } else {
            behind.push(json!({"municipality": municipality, "last": last, "dashboard": lowest}));
        }
    }
    json!({
        "stations": stations.len(),
        "reports_expected": stations.len() * reports as usize,
        "reports_found": check.found,
        "stations_exactly_once_in_order": check.exact,
        "missing": check.missing,
        "doubled": check.doubled,
        "stations_out_of_order": check.out_of_order,
        "events": check.events,
        "events_gap_free": check.gap_free,
        "audit": audit,
        "municipalities_dashboards_caught_up": caught_up,
        "municipalities": check.last_seq.len(),
        "municipalities_behind": behind,
    })
}

/// CPU seconds (user and system) a process has used so far.
fn cpu_seconds(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            // The command name may hold spaces; the fields after it are fixed.
            let rest = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let user: f64 = fields.get(11)?.parse().ok()?;
            let system: f64 = fields.get(12)?.parse().ok()?;
            Some((user + system) / 100.0)
        })
        .unwrap_or(0.0)
}

fn http_get(address: &str, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(address) else {
        return String::new();
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n");
    let mut body = String::new();
    let _ = stream.read_to_string(&mut body);
    body
}

fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// The most the server's allocator had handed out (live allocations: jemalloc's
/// `stats.allocated`, from `/metrics`) since the last `take`, sampled four times a
/// second. Beside a phase's peak RSS it tells live data from pages the allocator
/// keeps.
struct AllocatedPeak {
    max: std::sync::Arc<std::sync::atomic::AtomicU64>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl AllocatedPeak {
    fn sample(address: String) -> Self {
        use std::sync::atomic::Ordering;
        let max = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (seen, stopped) = (max.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                let metrics = http_get(&address, "/metrics");
                if let Some(bytes) = metric(&metrics, "kiesdag_memory_allocated_bytes") {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    seen.fetch_max(bytes as u64 / 1024, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        });
        Self { max, stop }
    }

    /// The peak in KiB since the last take; the next take counts from now.
    fn take(&self) -> u64 {
        self.max.swap(0, std::sync::atomic::Ordering::Relaxed)
    }
}

impl Drop for AllocatedPeak {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

struct Server {
    child: Child,
    address: String,
    /// The public pages' own listener (`--public-listen`), when asked for.
    public: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(mut command: Command) -> Server {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the server");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut public = None;
    let address = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .expect("read");
        if let Some((_, url)) = line.split_once("public pages on http://") {
            public = Some(url.trim().to_owned());
        }
        if let Some((_, url)) = line.split_once("listening on http://") {
            break url.trim().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        address,
        public,
    }
}

/// An election that is open now and closes in three hours, with `args.stations`
/// stations over `args.municipalities` municipalities, and one code per station.
fn seed(db_path: &Path, args: &Args) -> Vec<Value> {
    let closes_at = now_ms() + 3 * 3_600_000;
    seed_stations(db_path, args.stations, args.municipalities, closes_at)
}

/// An election open now that closes at `closes_at`, with `stations` stations over
/// `municipalities` municipalities, and one code per station.
fn seed_stations(
    db_path: &Path,
    stations: usize,
    municipalities: usize,
    closes_at: i64,
) -> Vec<Value> {
    let mut conn = db::open(db_path.to_str().expect("path")).expect("database");
    let now = now_ms();
    let election = Election {
        id: "BENCH".into(),
        name: "Benchmark".into(),
        jurisdiction: Jurisdiction::Netherlands,
        opens_at: Timestamp(now - 3_600_000),
        closes_at: Timestamp(closes_at),
        utc_offset_minutes: 60,
        turnout_moments: vec![],
        lists: (1..=WEIGHTS.len() as u32)
            .map(|number| CandidateList {
                number,
                name: format!("Lijst {number}"),
            })
            .collect(),
        opening_checklist: Election::default_checklist(),
        closing_checklist: Election::default_closing_checklist(),
        council: Default::default(),
        seats: None,
        control_room_phone: None,
    };
    db::write_transaction(&mut conn, |db| {
        store::elections::upsert(db, &election)?;
        let mut planned = Vec::new();
        for m in 0..municipalities {
            store::stations::upsert_municipality(
                db,
                &format!("GM9{m:03}"),
                &format!("Gemeente {m}"),
            )?;
        }
        for n in 0..stations {
            let municipality = format!("GM9{:03}", n % municipalities);
            let number = u32::try_from(n / municipalities + 1).unwrap_or(0);
            let station = Station {
                id: format!("{municipality}-{number}"),
                municipality_code: municipality.clone(),
                number,
                name: format!("Stembureau {number}"),
                location: VotingLocation {
                    name: format!("School {number}"),
                    address: format!("Schoolstraat {number}"),
                    postcode: "1234AB".into(),
                    city: format!("Gemeente {}", n % municipalities),
                    latitude: Some(52.0 + (n % 100) as f64 / 100.0),
                    longitude: Some(4.0 + (n / 100 % 100) as f64 / 100.0),
                    accessibility: Default::default(),
                },
                district: Some(format!("Wijk {}", number % 10)),
                subarea: None,
                expected_voters: Some(2_500),
                may_open_early: false,
                opens_at: None,
                closes_at: None,
                extra_stops: vec![],
                planned_staff: vec![],
            };
            store::stations::upsert(db, &election.id, &station)?;
            let code = store::codes::issue(db, &station.id, now, now + 86_400_000)?;
            planned.push(json!({"id": station.id, "municipality": municipality, "code": code}));
        }
        Ok::<_, store::StoreError>(planned)
    })
    .expect("seed the benchmark's election")
}

fn admin_token() -> String {
    let now = now_ms() / 1000;
    TokenKeys::new(SECRET.as_bytes())
        .sign(&Claims {
            sub: "bench-administrator".into(),
            kind: TokenKind::Staff,
            role: Some(Role::Administrator),
            municipality: None,
            station: None,
            election: None,
            jti: "bench".into(),
            iat: now,
            exp: now + 4 * 3_600,
        })
        .expect("sign")
}

/// Runs the load against one server; the generator's phase lines plus the memory.
fn measure(target: &str, args: &Args, dir: &Path) -> Value {
    let db_path = dir.join("bench.db");
    let (mut server, stations) = if target == "kiesdag" {
        eprintln!("kiesdag-bench: seeding {} stations", args.stations);
        let stations = seed(&db_path, args);
        (start(kiesdag_command(&db_path, "127.0.0.1:0")), stations)
    } else {
        let stations = (0..args.stations)
            .map(|n| {
                let municipality = format!("GM9{:03}", n % args.municipalities);
                json!({"id": format!("{municipality}-{}", n / args.municipalities + 1), "municipality": municipality, "code": ""})
            })
            .collect();
        let mut command = Command::new(binary("broadcast-baseline"));
        command.arg("127.0.0.1:0");
        (start(command), stations)
    };
    std::thread::sleep(Duration::from_secs(1));
    let mut pid = server.child.id();
    let idle_kib = rss_kib(pid);
    let plan = json!({
        "target": target,
        "station_url": format!("ws://{}/ws/station", server.address),
        "dashboard_url": format!("ws://{}/ws/dashboard", server.address),
        "token": admin_token(),
        "stations": stations,
        "municipalities": (0..args.municipalities).map(|m| format!("GM9{m:03}")).collect::<Vec<_>>(),
        "hold_dashboards": args.dashboards,
        "latency_dashboards": args.latency_dashboards,
        "throughput_ops_per_station": args.ops_per_station,
        "steady_rate": args.rate,
        "steady_seconds": args.steady_seconds,
        "burst_seconds": args.burst_seconds,
        "list_weights": WEIGHTS,
        "storm": (target == "kiesdag" && (args.storm || args.storm_only)).then(|| json!({
            "reports_per_station": args.storm_reports,
            "timeout_seconds": args.storm_timeout,
            "only": args.storm_only,
        })),
    });
    let plan_path = dir.join(format!("plan-{target}.json"));
    std::fs::write(&plan_path, plan.to_string()).expect("write the plan");
    let mut load = Command::new(binary("kiesdag-load"))
        .arg(&plan_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start kiesdag-load");
    let mut to_load = load.stdin.take().expect("stdin");
    let from_load = BufReader::new(load.stdout.take().expect("stdout"));
    let mut figures = json!({"target": target, "server_idle_rss_kib": idle_kib, "cpu": {}, "server_metrics": {}, "peak_rss_kib": {}, "peak_allocated_kib": {}});
    let allocated = (target == "kiesdag").then(|| AllocatedPeak::sample(server.address.clone()));
    let load_pid = load.id();
    let mut cpu_before = (cpu_seconds(pid), cpu_seconds(load_pid));
    for line in from_load.lines() {
        let Ok(line) = line else { break };
        let Ok(value) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let phase = value["phase"].as_str().unwrap_or_default().to_owned();
        eprintln!("kiesdag-bench: {target}: {line}");
        if phase == "storm_armed" {
            // Every station has reports on the way: the server goes down at once.
            let rss_before = rss_kib(pid);
            server.child.kill().expect("kill the server");
            let killed_us = epoch_us();
            let _ = server.child.wait();
            figures["storm_server_rss_before_kill_kib"] = json!(rss_before);
            let _ = writeln!(to_load, "killed {killed_us}");
            eprintln!(
                "kiesdag-bench: server killed; starting it again in {} s",
                args.outage_seconds
            );
            std::thread::sleep(Duration::from_secs_f64(args.outage_seconds));
            let starting = std::time::Instant::now();
            server = start(kiesdag_command(&db_path, &server.address));
            let restarted_us = epoch_us();
            let _ = writeln!(to_load, "restarted {restarted_us}");
            pid = server.child.id();
            figures["storm_server_start_seconds"] = json!(starting.elapsed().as_secs_f64());
            // The storm's CPU is counted from here: the new server's from its start.
            cpu_before = (0.0, cpu_seconds(load_pid));
            continue;
        }
        // The server's peak memory in the phase that just ended; the next one starts
        // its own peak (the held phase's peak is from the server's start).
        figures["peak_rss_kib"][&phase] = json!(status_kib(pid, "VmHWM:"));
        reset_peak(pid);
        if let Some(allocated) = &allocated {
            figures["peak_allocated_kib"][&phase] = json!(allocated.take());
        }
        // CPU each process used during the phase that just ended (2 cores in all).
        let cpu_now = (cpu_seconds(pid), cpu_seconds(load_pid));
        figures["cpu"][&phase] = json!({
            "server_seconds": cpu_now.0 - cpu_before.0,
            "load_seconds": cpu_now.1 - cpu_before.1,
        });
        cpu_before = cpu_now;
        if target == "kiesdag" {
            // The server's own account so far: commit batches and dashboard lag.
            let metrics = http_get(&server.address, "/metrics");
            let mut seen = serde_json::Map::new();
            for name in [
                "kiesdag_commit_batches_total",
                "kiesdag_commit_batch_operations_total",
                "kiesdag_commit_batch_seconds_total_micros",
                "kiesdag_commit_batch_max_micros",
                "kiesdag_operations_overloaded_total",
                "kiesdag_dashboard_frames_total",
                "kiesdag_dashboard_lag_milliseconds_total",
                "kiesdag_dashboard_lag_milliseconds_max",
                "kiesdag_dashboard_pending_changes_max",
                "kiesdag_dashboard_skips_total",
            ] {
                seen.insert(name.into(), json!(metric(&metrics, name)));
            }
            figures["server_metrics"][&phase] = Value::Object(seen);
        }
        if phase == "held" {
            // Idle means idle: the threads that served the connections' setup end after
            // 10 s without work (tokio's blocking pool), so read the memory after that.
            let busy_kib = rss_kib(pid);
            std::thread::sleep(Duration::from_secs(15));
            let held_kib = rss_kib(pid);
            figures["held_rss_kib_at_once"] = json!(busy_kib);
            let metrics = http_get(&server.address, "/metrics");
            let held = if target == "kiesdag" {
                metric(&metrics, "kiesdag_station_connections").unwrap_or(0.0)
                    + metric(&metrics, "kiesdag_dashboard_connections").unwrap_or(0.0)
            } else {
                metric(&metrics, "baseline_connections").unwrap_or(0.0)
            };
            let connections = value["stations"].as_f64().unwrap_or(0.0)
                + value["dashboards"].as_f64().unwrap_or(0.0);
            figures["held_rss_kib"] = json!(held_kib);
            figures["connections_server_counts"] = json!(held);
            figures["kib_per_connection"] =
                json!((held_kib.saturating_sub(idle_kib)) as f64 / connections.max(1.0));
            reset_peak(pid);
            if let Some(allocated) = &allocated {
                allocated.take();
            }
            let _ = writeln!(to_load, "go");
            cpu_before = (cpu_seconds(pid), cpu_seconds(load_pid));
        }
        if phase == "storm" {
            figures["storm_server_peak_rss_kib"] = json!(status_kib(pid, "VmHWM:"));
            figures["storm_server_rss_after_kib"] = json!(rss_kib(pid));
            eprintln!("kiesdag-bench: checking the database");
            figures["storm_check"] = check_storm(
                &db_path,
                plan["stations"].as_array().map_or(&[], Vec::as_slice),
                args.storm_reports,
                &value["dashboard_lowest_seq"],
            );
            eprintln!("kiesdag-bench: {}", figures["storm_check"]);
            let _ = writeln!(to_load, "go");
            cpu_before = (cpu_seconds(pid), cpu_seconds(load_pid));
        }
        if phase == "done" {
            break;
        }
        figures[phase] = value;
    }
    let status = load.wait().expect("wait for kiesdag-load");
    figures["load_ok"] = json!(status.success());
    figures
}

fn cell(v: &Value, path: &str, digits: usize) -> String {
    match v.pointer(path) {
        Some(Value::Number(n)) => n
            .as_f64()
            .map_or_else(|| n.to_string(), |f| format!("{f:.digits$}")),
        Some(other) => other.to_string(),
        None => "-".into(),
    }
}

/// The reconnect storm's figures, in the table's style.
fn print_storm(results: &[Value], args: &Args) {
    println!();
    println!(
        "Reconnect storm: {} reports a station, then SIGKILL; restarted after {} s on the same database and port",
        args.storm_reports, args.outage_seconds
    );
    let rows: [(&str, &str, usize); 30] = [
        ("stations held", "/storm/stations", 0),
        ("dashboards held", "/storm/dashboards", 0),
        (
            "reports acknowledged before the kill",
            "/storm/acknowledged_before_kill",
            0,
        ),
        ("outage, kill to listening (s)", "/storm/outage_seconds", 2),
        (
            "server start to listening (s)",
            "/storm_server_start_seconds",
            2,
        ),
        ("stations resynced", "/storm/stations_resynced", 0),
        ("station resync p50 (ms)", "/storm/station_resync/p50_ms", 0),
        ("station resync p99 (ms)", "/storm/station_resync/p99_ms", 0),
        (
            "station resync max: last station (ms)",
            "/storm/station_resync/max_ms",
            0,
        ),
        (
            "dashboards resubscribed",
            "/storm/dashboards_resubscribed",
            0,
        ),
        (
            "dashboard resubscribe p50 (ms)",
            "/storm/dashboard_resubscribe/p50_ms",
            0,
        ),
        (
            "dashboard resubscribe p99 (ms)",
            "/storm/dashboard_resubscribe/p99_ms",
            0,
        ),
        (
            "dashboard resubscribe max (ms)",
            "/storm/dashboard_resubscribe/max_ms",
            0,
        ),
        ("every one back (s)", "/storm/all_seconds", 2),
        (
            "server RSS before the kill (KiB)",
            "/storm_server_rss_before_kill_kib",
            0,
        ),
        (
            "server peak RSS in the storm (KiB)",
            "/storm_server_peak_rss_kib",
            0,
        ),
        (
            "server RSS after the storm (KiB)",
            "/storm_server_rss_after_kib",
            0,
        ),
        ("storm: server CPU (s)", "/cpu/storm/server_seconds", 1),
        (
            "storm: load generator CPU (s)",
            "/cpu/storm/load_seconds",
            1,
        ),
        (
            "operations refused as overloaded",
            "/server_metrics/storm/kiesdag_operations_overloaded_total",
            0,
        ),
        (
            "reports expected in the database",
            "/storm_check/reports_expected",
            0,
        ),
        ("reports found", "/storm_check/reports_found", 0),
        (
            "stations: each report once, in order",
            "/storm_check/stations_exactly_once_in_order",
            0,
        ),
        ("reports missing", "/storm_check/missing", 0),
        ("reports doubled", "/storm_check/doubled", 0),
        (
            "stations out of order",
            "/storm_check/stations_out_of_order",
            0,
        ),
        ("event numbers gap-free", "/storm_check/events_gap_free", 0),
        ("audit chain intact", "/storm_check/audit/intact", 0),
        (
            "municipalities whose dashboards caught up",
            "/storm_check/municipalities_dashboards_caught_up",
            0,
        ),
        (
            "changes a dashboard got twice",
            "/storm/dashboard_doubles",
            0,
        ),
    ];
    for (label, path, digits) in rows {
        print!("{label:<44}");
        for r in results.iter().filter(|r| r.get("storm").is_some()) {
            print!("{:>16}", cell(r, path, digits));
        }
        println!();
    }
    for r in results.iter().filter(|r| r.get("storm").is_some()) {
        println!(
            "{}: devices' own refusals {}, operations unfinished {}, their states {}, dashboard resumes {} and snapshots {} in all; load generator finished cleanly: {}",
            r["target"].as_str().unwrap_or("?"),
            cell(r, "/storm/rejected_on_devices", 0),
            cell(r, "/storm/unfinished_operations", 0),
            r.pointer("/storm/unfinished_states")
                .unwrap_or(&Value::Null),
            cell(r, "/storm/dashboard_resumes_total", 0),
            cell(r, "/storm/dashboard_snapshots_total", 0),
            r["load_ok"],
        );
    }
}

fn main() {
    let args = Args::parse();
    let dir = std::env::temp_dir().join(format!("kiesdag-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    if args.surge {
        surge(&args, &dir);
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let targets: Vec<&str> = match args.only.as_deref() {
        Some(one) => vec![one],
        None if args.storm_only => vec!["kiesdag"],
        None => vec!["kiesdag", "baseline"],
    };
    let results: Vec<Value> = targets.iter().map(|t| measure(t, &args, &dir)).collect();
    let _ = std::fs::remove_dir_all(&dir);
    println!();
    println!(
        "Server benchmark: {} stations, {} dashboards held, {} dashboards for latency, {} municipalities",
        args.stations, args.dashboards, args.latency_dashboards, args.municipalities
    );
    let rows: &[(&str, &str, usize)] = &[
        ("connections held (stations)", "/held/stations", 0),
        ("connections held (dashboards)", "/held/dashboards", 0),
        (
            "connections counted by the server",
            "/connections_server_counts",
            0,
        ),
        ("server RSS idle (KiB)", "/server_idle_rss_kib", 0),
        ("server RSS with all held (KiB)", "/held_rss_kib", 0),
        (
            "server memory per idle connection (KiB)",
            "/kib_per_connection",
            1,
        ),
        ("throughput: operations", "/throughput/operations", 0),
        (
            "throughput: acknowledged per second",
            "/throughput/per_second",
            0,
        ),
        (
            "throughput: dashboards current after (of)",
            "/throughput/dashboards_after/current",
            0,
        ),
        (
            "  p50 last ack to dashboard current (ms)",
            "/throughput/dashboards_after/lag/p50_ms",
            1,
        ),
        (
            "  p99 last ack to dashboard current (ms)",
            "/throughput/dashboards_after/lag/p99_ms",
            1,
        ),
        (
            "  last dashboard current (ms)",
            "/throughput/dashboards_after/lag/max_ms",
            1,
        ),
        ("held: server peak RSS (KiB)", "/peak_rss_kib/held", 0),
        (
            "throughput: server peak RSS (KiB)",
            "/peak_rss_kib/throughput",
            0,
        ),
        ("steady: server peak RSS (KiB)", "/peak_rss_kib/steady", 0),
        ("burst: server peak RSS (KiB)", "/peak_rss_kib/burst", 0),
        (
            "held: peak allocated, live data (KiB)",
            "/peak_allocated_kib/held",
            0,
        ),
        (
            "throughput: peak allocated, live data (KiB)",
            "/peak_allocated_kib/throughput",
            0,
        ),
        (
            "steady: peak allocated, live data (KiB)",
            "/peak_allocated_kib/steady",
            0,
        ),
        (
            "throughput: server CPU (s)",
            "/cpu/throughput/server_seconds",
            1,
        ),
        (
            "throughput: load generator CPU (s)",
            "/cpu/throughput/load_seconds",
            1,
        ),
        ("steady: reports (at rate/s)", "/steady/reports", 0),
        (
            "steady: dashboard receipts / expected",
            "/steady/samples",
            0,
        ),
        ("steady: p50 send to dashboard (ms)", "/steady/p50_ms", 1),
        ("steady: p99 send to dashboard (ms)", "/steady/p99_ms", 1),
        ("burst: results in window", "/burst/reports", 0),
        ("burst: dashboard receipts", "/burst/samples", 0),
        ("burst: p50 send to dashboard (ms)", "/burst/p50_ms", 1),
        ("burst: p99 send to dashboard (ms)", "/burst/p99_ms", 1),
        ("burst: max (ms)", "/burst/max_ms", 1),
        ("burst: server CPU (s)", "/cpu/burst/server_seconds", 1),
        (
            "burst: load generator CPU (s)",
            "/cpu/burst/load_seconds",
            1,
        ),
    ];
    print!("{:<44}", "");
    for r in &results {
        print!("{:>16}", r["target"].as_str().unwrap_or("?"));
    }
    println!();
    for &(label, path, digits) in rows {
        if results.iter().all(|r| r.pointer(path).is_none()) {
            // A phase that did not run (--storm-only).
            continue;
        }
        print!("{label:<44}");
        for r in &results {
            print!("{:>16}", cell(r, path, digits));
        }
        println!();
    }
    for r in results.iter().filter(|r| r.get("steady").is_some()) {
        let expected = cell(r, "/steady/expected_samples", 0);
        println!(
            "{}: steady expected receipts {expected}; load generator finished cleanly: {}",
            r["target"].as_str().unwrap_or("?"),
            r["load_ok"]
        );
    }
    if results.iter().any(|r| r.get("storm").is_some()) {
        print_storm(&results, &args);
    }
    if let Some(path) = &args.json {
        let _ = std::fs::write(
            path,
            serde_json::to_string_pretty(&results).unwrap_or_default(),
        );
    }
}

/// What `wrk` measured: requests a second, latency percentiles (ms), and answers that
/// were not 2xx or 3xx.
#[derive(Debug, Default)]
struct Reading {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    failed: u64,
    errors: String,
}

/// Reads `path` with `readers` connections (each back to back) for `seconds`, at
/// niceness `nice`.
fn wrk(address: &str, path: &str, readers: usize, seconds: u32, nice: u8) -> Reading {
    let output = Command::new("nice")
        .arg(format!("-n{nice}"))
        .args(["wrk", "-t1", "--latency", "--timeout", "10s"])
        .arg(format!("-c{readers}"))
        .arg(format!("-d{seconds}s"))
        .arg(format!("http://{address}{path}"))
        .output()
        .expect("run wrk (apt-get install wrk)");
    let text = String::from_utf8_lossy(&output.stdout);
    let millis = |value: &str| -> f64 {
        let (number, factor) = if let Some(n) = value.strip_suffix("us") {
            (n, 0.001)
        } else if let Some(n) = value.strip_suffix("ms") {
            (n, 1.0)
        } else if let Some(n) = value.strip_suffix('s') {
            (n, 1_000.0)
        } else {
            (value, f64::NAN)
        };
        number.parse::<f64>().map_or(f64::NAN, |n| n * factor)
    };
    let mut reading = Reading::default();
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => reading.per_second = n.parse().unwrap_or(f64::NAN),
            ["50%", v] => reading.p50_ms = millis(v),
            ["99%", v] => reading.p99_ms = millis(v),
            ["Non-2xx", "or", "3xx", "responses:", n] => reading.failed = n.parse().unwrap_or(0),
            ["Socket", "errors:", ..] => reading.errors = line.to_owned(),
            _ => {}
        }
    }
    reading
}

/// The public surge (`--surge`): see `Args::surge`. The stations are split in three:
/// one third submits in quiet, one while the readers poll the public results on the
/// main port (beside the chairs), one while they poll them on the public pages' own
/// listener (`--public-listen`: one worker of low priority).
fn surge(args: &Args, dir: &Path) {
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("kiesdag-bench: --surge needs wrk (apt-get install wrk)");
        std::process::exit(2);
    }
    let db_path = dir.join("surge.db");
    // The stations connect and open first; the polls close after that, so that the
    // results the public reads are published (no embargo).
    let connect_seconds = 15 + args.surge_stations / 40;
    let closes_at = now_ms() + i64::try_from(connect_seconds).unwrap_or(60) * 1_000;
    eprintln!("kiesdag-bench: seeding {} stations", args.surge_stations);
    let stations = seed_stations(&db_path, args.surge_stations, 1, closes_at);
    let mut command = kiesdag_command(&db_path, "127.0.0.1:0");
    command.args(["--public-listen", "127.0.0.1:0"]);
    let server = start(command);
    let public_address = server.public.clone().expect("the public pages' address");
    let phases = ["quiet", "surge_main", "surge_public"];
    let plan = json!({
        "mode": "surge",
        "target": "kiesdag",
        "station_url": format!("ws://{}/ws/station", server.address),
        "stations": stations,
        "steady_rate": 0,
        "steady_seconds": 0,
        "burst_seconds": args.surge_window_seconds,
        "list_weights": WEIGHTS,
        "closes_at_ms": closes_at,
        "surge_phases": phases,
    });
    let plan_path = dir.join("plan-surge.json");
    std::fs::write(&plan_path, plan.to_string()).expect("write the plan");
    let mut load = Command::new(binary("kiesdag-load"))
        .arg(&plan_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start kiesdag-load");
    let mut to_load = load.stdin.take().expect("stdin");
    let mut from_load = BufReader::new(load.stdout.take().expect("stdout")).lines();
    let mut until = |phase: &str| -> Value {
        for line in from_load.by_ref() {
            let Ok(line) = line else { break };
            eprintln!("kiesdag-bench: surge: {line}");
            if let Ok(value) = serde_json::from_str::<Value>(&line)
                && value["phase"] == phase
            {
                return value;
            }
        }
        panic!("kiesdag-load ended before '{phase}'");
    };
    until("ready");
    let results = "/api/public/municipalities/GM9000/results";
    let (readers, seconds, nice) = (
        args.surge_readers,
        args.surge_read_seconds,
        args.surge_readers_nice,
    );
    eprintln!("kiesdag-bench: {readers} readers on /health, then on the public results");
    let health = wrk(&server.address, "/health", readers, seconds, nice);
    let main_alone = wrk(&server.address, results, readers, seconds, nice);
    let public_alone = wrk(&public_address, results, readers, seconds, nice);
    let _ = writeln!(to_load, "quiet");
    let quiet = until("quiet");
    let mut during = Vec::new();
    for (phase, address) in [
        ("surge_main", &server.address),
        ("surge_public", &public_address),
    ] {
        eprintln!("kiesdag-bench: {phase}: {readers} readers while a third of the stations submit");
        let address = address.clone();
        let surge_seconds = args.surge_window_seconds + 6;
        let reading =
            std::thread::spawn(move || wrk(&address, results, readers, surge_seconds, nice));
        std::thread::sleep(Duration::from_secs(2));
        let _ = writeln!(to_load, "{phase}");
        let stations = until(phase);
        during.push((stations, reading.join().expect("wrk during the surge")));
        // Let the last readers' connections go before the next phase.
        std::thread::sleep(Duration::from_secs(5));
    }
    until("done");
    let _ = load.wait();
    print_surge(args, &health, &main_alone, &public_alone, &quiet, &during);
}

fn print_surge(
    args: &Args,
    health: &Reading,
    main_alone: &Reading,
    public_alone: &Reading,
    quiet: &Value,
    during: &[(Value, Reading)],
) {
    let readers = args.surge_readers;
    println!();
    println!(
        "Public surge: {} stations of one municipality, {readers} public readers (wrk, one \
         thread, nice {}, on the same two cores), {} stations submitting their results within {} s per phase",
        args.surge_stations,
        args.surge_readers_nice,
        args.surge_stations / 3,
        args.surge_window_seconds
    );
    let row = |label: &str, value: String| println!("{label:<60}{value:>16}");
    let f = |v: f64, digits: usize| format!("{v:.digits$}");
    let latency = |r: &Reading| format!("{} / {}", f(r.p50_ms, 1), f(r.p99_ms, 1));
    row("/health alone: requests/s", f(health.per_second, 0));
    row("  p50 / p99 (ms)", latency(health));
    for (label, reading) in [
        ("public results alone, main port", main_alone),
        ("public results alone, public listener", public_alone),
    ] {
        row(&format!("{label}: requests/s"), f(reading.per_second, 0));
        row(
            "  ratio to /health",
            f(reading.per_second / health.per_second, 2),
        );
        row("  p50 / p99 (ms)", latency(reading));
    }
    let stations = |line: &Value| {
        format!(
            "{} / {}",
            cell(line, "/p50_ms", 1),
            cell(line, "/p99_ms", 1)
        )
    };
    row(
        "stations' confirmation, quiet: p50 / p99 (ms)",
        stations(quiet),
    );
    row(
        "  confirmed of submitted; max (ms)",
        format!(
            "{}/{}; {}",
            cell(quiet, "/confirmed", 0),
            cell(quiet, "/submitted", 0),
            cell(quiet, "/max_ms", 1)
        ),
    );
    let quiet_p99 = quiet["p99_ms"].as_f64().unwrap_or(f64::NAN);
    for ((line, reading), label) in during.iter().zip(["main port", "public listener"]) {
        row(
            &format!("surge on the {label}: public requests/s"),
            f(reading.per_second, 0),
        );
        row("  public p50 / p99 (ms)", latency(reading));
        row("  public answers not 2xx/3xx", reading.failed.to_string());
        row("  stations' confirmation p50 / p99 (ms)", stations(line));
        row(
            "  confirmed of submitted; max (ms)",
            format!(
                "{}/{}; {}",
                cell(line, "/confirmed", 0),
                cell(line, "/submitted", 0),
                cell(line, "/max_ms", 1)
            ),
        );
        row(
            "  stations' p99, surge / quiet",
            f(line["p99_ms"].as_f64().unwrap_or(f64::NAN) / quiet_p99, 2),
        );
    }
    for reading in [health, main_alone, public_alone]
        .into_iter()
        .chain(during.iter().map(|(_, r)| r))
    {
        if !reading.errors.is_empty() {
            println!("wrk: {}", reading.errors);
        }
    }
    if let Some(path) = &args.json {
        let reading = |r: &Reading| json!({"per_second": r.per_second, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms, "failed": r.failed});
        let figures = json!({
            "health": reading(health),
            "public_main_alone": reading(main_alone),
            "public_listener_alone": reading(public_alone),
            "quiet": quiet,
            "surge_main": {"stations": during.first().map(|d| &d.0), "public": during.first().map(|d| reading(&d.1))},
            "surge_public": {"stations": during.get(1).map(|d| &d.0), "public": during.get(1).map(|d| reading(&d.1))},
        });
        let _ = std::fs::write(
            path,
            serde_json::to_string_pretty(&figures).unwrap_or_default(),
        );
    }
}
