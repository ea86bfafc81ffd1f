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
}

const SECRET: &str = "kiesdag-bench-secret-kiesdag-bench-secret";
const WEIGHTS: [u32; 8] = [27, 13, 11, 9, 9, 8, 5, 4];

fn binary(name: &str) -> PathBuf {
    let me = std::env::current_exe().expect("own path");
    me.parent().expect("folder").join(name)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
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

struct Server {
    child: Child,
    address: String,
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
    let address = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .expect("read");
        if let Some((_, url)) = line.split_once("listening on http://") {
            break url.trim().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Server { child, address }
}

/// An election that is open now and closes in three hours, with `args.stations`
/// stations over `args.municipalities` municipalities, and one code per station.
fn seed(db_path: &Path, args: &Args) -> Vec<Value> {
    let mut conn = db::open(db_path.to_str().expect("path")).expect("database");
    let now = now_ms();
    let election = Election {
        id: "BENCH".into(),
        name: "Benchmark".into(),
        jurisdiction: Jurisdiction::Netherlands,
        opens_at: Timestamp(now - 3_600_000),
        closes_at: Timestamp(now + 3 * 3_600_000),
        utc_offset_minutes: 60,
        turnout_moments: vec![],
        lists: (1..=WEIGHTS.len() as u32)
            .map(|number| CandidateList {
                number,
                name: format!("Lijst {number}"),
            })
            .collect(),
        opening_checklist: Election::default_checklist(),
    };
    db::write_transaction(&mut conn, |db| {
        store::elections::upsert(db, &election)?;
        let mut planned = Vec::new();
        for m in 0..args.municipalities {
            store::stations::upsert_municipality(
                db,
                &format!("GM9{m:03}"),
                &format!("Gemeente {m}"),
            )?;
        }
        for n in 0..args.stations {
            let municipality = format!("GM9{:03}", n % args.municipalities);
            let number = u32::try_from(n / args.municipalities + 1).unwrap_or(0);
            let station = Station {
                id: format!("{municipality}-{number}"),
                municipality_code: municipality.clone(),
                number,
                name: format!("Stembureau {number}"),
                location: VotingLocation {
                    name: format!("School {number}"),
                    address: format!("Schoolstraat {number}"),
                    postcode: "1234AB".into(),
                    city: format!("Gemeente {}", n % args.municipalities),
                    latitude: Some(52.0 + (n % 100) as f64 / 100.0),
                    longitude: Some(4.0 + (n / 100 % 100) as f64 / 100.0),
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
    let (server, stations) = if target == "kiesdag" {
        let db_path = dir.join("bench.db");
        eprintln!("kiesdag-bench: seeding {} stations", args.stations);
        let stations = seed(&db_path, args);
        let mut command = Command::new(binary("kiesdag"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(&db_path)
            .env("KIESDAG_JWT_SECRET", SECRET)
            .env("RUST_LOG", "warn");
        (start(command), stations)
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
    let pid = server.child.id();
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
    let mut figures =
        json!({"target": target, "server_idle_rss_kib": idle_kib, "cpu": {}, "server_metrics": {}});
    let load_pid = load.id();
    let mut cpu_before = (cpu_seconds(pid), cpu_seconds(load_pid));
    for line in from_load.lines() {
        let Ok(line) = line else { break };
        let Ok(value) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let phase = value["phase"].as_str().unwrap_or_default().to_owned();
        eprintln!("kiesdag-bench: {target}: {line}");
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

fn main() {
    let args = Args::parse();
    let dir = std::env::temp_dir().join(format!("kiesdag-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let targets: Vec<&str> = match args.only.as_deref() {
        Some(one) => vec![one],
        None => vec!["kiesdag", "baseline"],
    };
    let results: Vec<Value> = targets.iter().map(|t| measure(t, &args, &dir)).collect();
    let _ = std::fs::remove_dir_all(&dir);
    println!();
    println!(
        "Server benchmark: {} stations, {} dashboards held, {} dashboards for latency, {} municipalities",
        args.stations, args.dashboards, args.latency_dashboards, args.municipalities
    );
    let rows: [(&str, &str, usize); 21] = [
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
    for (label, path, digits) in rows {
        print!("{label:<44}");
        for r in &results {
            print!("{:>16}", cell(r, path, digits));
        }
        println!();
    }
    for r in &results {
        let expected = cell(r, "/steady/expected_samples", 0);
        println!(
            "{}: steady expected receipts {expected}; load generator finished cleanly: {}",
            r["target"].as_str().unwrap_or("?"),
            r["load_ok"]
        );
    }
    if let Some(path) = &args.json {
        let _ = std::fs::write(
            path,
            serde_json::to_string_pretty(&results).unwrap_or_default(),
        );
    }
}
