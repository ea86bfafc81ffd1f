//! `kiesdag-load`: the load generator of the server benchmark, run as its own process.
//!
//! It reads a plan (JSON) naming the server's endpoints, the stations with their
//! activation codes, and a dashboard token, then runs the phases of the benchmark
//! and prints one JSON line per phase on standard output. After connecting every
//! station and dashboard it prints a `held` line and waits for a line on standard
//! input, so that the benchmark can read the server's memory while every connection
//! is idle.
//!
//! Against Kiesdag (`"target": "kiesdag"`) every station is a real chair's core
//! (`kiesdag_sim::Station`): it activates with its code, opens with its members, and
//! reports as a chair taps. Against the bare broadcast server (`"target": "baseline"`)
//! a station is a plain WebSocket that sends a frame of the same shape per report.
//! Dashboards are plain WebSockets in both cases. Connections start from 50 local
//! addresses (127.0.1.1 to 127.0.50.1), so that no address runs out of ports.
//!
//! Latency is measured from the moment a report is handed to a station (the chair's
//! tap) to the moment a dashboard subscribed to the station's municipality has
//! received the change carrying it; one sample per dashboard and report.
//!
//! With `"mode": "feed"` it only feeds a server for someone else to watch (the
//! dashboard benchmark in a browser): the stations connect and open, the `held` line
//! is printed, and at the word on standard input the stations send `steady_rate`
//! turnout reports a second for `steady_seconds`; then the `steady` and `done` lines.
//! The fields of the other phases may be left out of such a plan.

use std::collections::HashMap;
use std::io::BufRead;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use kiesdag_sim::{ShellOptions, Station, Storage, consistent_result};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::Event;
use shared::domain::{Election, StaffRole, TurnoutMoment};
use tokio::sync::{Semaphore, mpsc};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// jemalloc: with the system allocator this process spent a third of its time in
/// malloc and free (perf), CPU the server on the same two cores then did not get.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Debug, Deserialize)]
struct Plan {
    #[serde(default)]
    mode: Mode,
    target: Target,
    station_url: String,
    #[serde(default)]
    dashboard_url: String,
    #[serde(default)]
    token: String,
    stations: Vec<PlannedStation>,
    #[serde(default)]
    municipalities: Vec<String>,
    #[serde(default)]
    hold_dashboards: usize,
    #[serde(default)]
    latency_dashboards: usize,
    #[serde(default)]
    throughput_ops_per_station: u32,
    steady_rate: u32,
    steady_seconds: u32,
    #[serde(default)]
    burst_seconds: u32,
    #[serde(default)]
    list_weights: Vec<u32>,
}

/// Which phases run.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
enum Mode {
    /// Every phase of the server benchmark.
    #[default]
    Benchmark,
    /// Stations open, then only the steady rate, for dashboards of another process.
    Feed,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Target {
    Kiesdag,
    Baseline,
}

#[derive(Debug, Deserialize, Clone)]
struct PlannedStation {
    id: String,
    municipality: String,
    code: String,
}

/// The key of a report for latency: a turnout report by its count (counts only go
/// up), a result by `RESULT_KEY`.
const RESULT_KEY: u32 = u32::MAX;

fn source_address(n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        127,
        0,
        1 + u8::try_from(n % 50).unwrap_or(0),
        1,
    ))
}

/// Send times of reports, and latencies seen by dashboards.
#[derive(Default)]
struct Tracker {
    recording: AtomicBool,
    sent: Mutex<HashMap<(u32, u32), Instant>>,
    samples: Mutex<Vec<u64>>,
    station_index: HashMap<String, u32>,
}

impl Tracker {
    fn sent(&self, station: u32, key: u32) {
        if self.recording.load(Ordering::Relaxed)
            && let Ok(mut sent) = self.sent.lock()
        {
            sent.insert((station, key), Instant::now());
        }
    }

    fn received(&self, frame: &str, at: Instant) {
        if !self.recording.load(Ordering::Relaxed) {
            return;
        }
        let Ok(value) = serde_json::from_str::<Value>(frame) else {
            return;
        };
        let Some(changes) = value.get("changes").and_then(Value::as_array) else {
            return;
        };
        for change in changes {
            let Some(station) = change
                .get("station_id")
                .and_then(Value::as_str)
                .and_then(|id| self.station_index.get(id))
            else {
                continue;
            };
            let report = change.pointer("/payload/report");
            let key = match change.get("kind").and_then(Value::as_str) {
                Some("turnout") => report
                    .and_then(|r| r.pointer("/turnout/count"))
                    .and_then(Value::as_u64)
                    .and_then(|c| u32::try_from(c).ok()),
                Some("provisional_result") => Some(RESULT_KEY),
                _ => None,
            };
            let Some(key) = key else { continue };
            let sent_at = self
                .sent
                .lock()
                .ok()
                .and_then(|sent| sent.get(&(*station, key)).copied());
            if let Some(sent_at) = sent_at
                && let Ok(mut samples) = self.samples.lock()
            {
                samples.push(u64::try_from(at.duration_since(sent_at).as_micros()).unwrap_or(0));
            }
        }
    }

    fn start(&self) {
        if let Ok(mut sent) = self.sent.lock() {
            sent.clear();
        }
        if let Ok(mut samples) = self.samples.lock() {
            samples.clear();
        }
        self.recording.store(true, Ordering::SeqCst);
    }

    /// Stops recording; the sorted samples and the number of reports sent.
    fn finish(&self) -> (Vec<u64>, usize) {
        self.recording.store(false, Ordering::SeqCst);
        let mut samples = self
            .samples
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default();
        samples.sort_unstable();
        let sent = self.sent.lock().map(|s| s.len()).unwrap_or(0);
        (samples, sent)
    }
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)] as f64 / 1_000.0
}

/// A station under load: a real chair's core, or a plain socket for the baseline.
enum Device {
    Core(Station),
    Wire(WireStation),
}

impl Device {
    fn acks(&self) -> u64 {
        match self {
            Self::Core(station) => station.acks_received(),
            Self::Wire(wire) => wire.acks.load(Ordering::Relaxed),
        }
    }
}

struct WireStation {
    id: String,
    municipality: String,
    out: mpsc::UnboundedSender<String>,
    acks: Arc<AtomicU64>,
}

impl WireStation {
    fn report(&self, kind: &str, report: &Value) {
        let frame = json!({
            "station_id": self.id,
            "municipality": self.municipality,
            "kind": kind,
            "payload": {"report": report},
        });
        let _ = self.out.send(frame.to_string());
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn open(url: &str, n: usize) -> Result<Socket, String> {
    let authority = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    let server: SocketAddr = authority.parse().map_err(|e| format!("{authority}: {e}"))?;
    let socket = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket
        .bind(SocketAddr::new(source_address(n), 0))
        .map_err(|e| e.to_string())?;
    let stream = socket.connect(server).await.map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    let config = WebSocketConfig::default().read_buffer_size(4 * 1024);
    tokio_tungstenite::client_async_with_config(url, stream, Some(config))
        .await
        .map(|(socket, _)| socket)
        .map_err(|e| e.to_string())
}

async fn wire_station(
    url: String,
    planned: &PlannedStation,
    n: usize,
) -> Result<WireStation, String> {
    let socket = open(&url, n).await?;
    let (mut sink, mut source) = socket.split();
    let (out, mut outgoing) = mpsc::unbounded_channel::<String>();
    let acks = Arc::new(AtomicU64::new(0));
    let counted = acks.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                frame = source.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        if text.contains("\"type\":\"ack\"") {
                            counted.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Some(Ok(_)) => {}
                    _ => return,
                },
                frame = outgoing.recv() => match frame {
                    Some(text) => {
                        if sink.send(Message::text(text)).await.is_err() {
                            return;
                        }
                    }
                    None => return,
                },
            }
        }
    });
    Ok(WireStation {
        id: planned.id.clone(),
        municipality: planned.municipality.clone(),
        out,
        acks,
    })
}

/// A real chair's core: activates with its code and opens the station.
async fn core_station(url: String, planned: &PlannedStation, n: usize) -> Result<Station, String> {
    let mut station = Station::start_with(
        Storage::default(),
        ShellOptions {
            source_address: Some(source_address(n)),
        },
    );
    station.send(Event::Activate {
        server_url: url,
        activation_code: planned.code.clone(),
    });
    station
        .wait_for(Duration::from_secs(300), |v| v.station.is_some())
        .await
        .map_err(|e| format!("{}: activation: {e}", planned.id))?;
    for item in Election::default_checklist() {
        station.send(Event::ToggleChecklistItem { item_id: item.id });
    }
    for (name, role) in [
        ("Voorzitter", StaffRole::Chair),
        ("Lid 1", StaffRole::Member),
        ("Lid 2", StaffRole::Member),
    ] {
        station.send(Event::AddMember {
            name: name.into(),
            role,
        });
    }
    station.send(Event::OpenStation);
    Ok(station)
}

/// A dashboard: subscribes to a municipality, waits for its snapshot, then hands
/// every frame to the tracker until told to stop.
async fn dashboard(
    url: String,
    token: String,
    municipality: String,
    n: usize,
    tracker: Arc<Tracker>,
    ready: Arc<AtomicUsize>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<(), String> {
    let socket = open(&url, n).await?;
    let (mut sink, mut source) = socket.split();
    let subscribe = json!({"type": "subscribe", "token": token, "municipality": municipality});
    sink.send(Message::text(subscribe.to_string()))
        .await
        .map_err(|e| e.to_string())?;
    let mut subscribed = false;
    loop {
        tokio::select! {
            frame = source.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let at = Instant::now();
                    if !subscribed {
                        if text.contains("\"type\":\"snapshot\"") {
                            subscribed = true;
                            ready.fetch_add(1, Ordering::SeqCst);
                        } else if text.contains("\"type\":\"error\"") {
                            return Err(text.to_string());
                        }
                        continue;
                    }
                    tracker.received(&text, at);
                }
                Some(Ok(Message::Ping(data))) => {
                    let _ = sink.send(Message::Pong(data)).await;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    if subscribed {
                        ready.fetch_sub(1, Ordering::SeqCst);
                    }
                    return Err(e.to_string());
                }
                None => {
                    if subscribed {
                        ready.fetch_sub(1, Ordering::SeqCst);
                    }
                    return Err("closed by the server".into());
                }
            },
            _ = stop.changed() => {
                let _ = sink.close().await;
                if subscribed {
                    ready.fetch_sub(1, Ordering::SeqCst);
                }
                return Ok(());
            }
        }
    }
}

fn emit(line: &Value) {
    println!("{line}");
}

fn progress(text: &str) {
    eprintln!("kiesdag-load: {text}");
}

/// Waits until the devices' acknowledgements reach `target`, or `within` passes.
async fn until_acked(devices: &[Device], target: u64, within: Duration) -> (u64, Duration) {
    let started = Instant::now();
    loop {
        let acked: u64 = devices.iter().map(Device::acks).sum();
        if acked >= target || started.elapsed() > within {
            return (acked, started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn turnout(device: &Device, tracker: &Tracker, index: u32, count: u32) {
    tracker.sent(index, count);
    match device {
        Device::Core(station) => station.send(Event::ReportTurnout {
            count,
            moment: TurnoutMoment::AdHoc,
            correction_reason: None,
        }),
        Device::Wire(wire) => wire.report(
            "turnout",
            &json!({"turnout": {"count": count, "moment": "ad_hoc", "correction_reason": null}}),
        ),
    }
}

fn latency_line(phase: &str, tracker: &Tracker, dashboards_per_report: f64) -> Value {
    let (samples, sent) = tracker.finish();
    let expected = (sent as f64 * dashboards_per_report).round();
    json!({
        "phase": phase,
        "reports": sent,
        "samples": samples.len(),
        "expected_samples": expected,
        "p50_ms": percentile(&samples, 50.0),
        "p90_ms": percentile(&samples, 90.0),
        "p99_ms": percentile(&samples, 99.0),
        "max_ms": percentile(&samples, 100.0),
    })
}

/// Reports at `plan.steady_rate` a second for `plan.steady_seconds`, each from a random
/// station, then the `steady` line: reports sent, and their latency to the dashboards.
async fn steady(
    plan: &Plan,
    devices: &[Device],
    tracker: &Tracker,
    station_viewers: &[f64],
    counts: &mut [u32],
    dice: &mut Xorshift,
) {
    tracker.start();
    let total = if devices.is_empty() {
        0
    } else {
        plan.steady_rate * plan.steady_seconds
    };
    let interval = Duration::from_secs_f64(1.0 / f64::from(plan.steady_rate.max(1)));
    let started = tokio::time::Instant::now();
    let mut viewers = 0.0;
    for i in 0..total {
        tokio::time::sleep_until(started + interval * i).await;
        let n = usize::try_from(dice.below(devices.len() as u64)).unwrap_or(0);
        counts[n] += 1 + u32::try_from(dice.below(5)).unwrap_or(0);
        viewers += station_viewers.get(n).copied().unwrap_or(0.0);
        turnout(
            &devices[n],
            tracker,
            u32::try_from(n).unwrap_or(0),
            counts[n],
        );
    }
    let sending = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut line = latency_line("steady", tracker, viewers / f64::from(total.max(1)));
    line["rate_per_second"] = json!(plan.steady_rate);
    line["dashboards"] = json!(plan.latency_dashboards);
    line["sending_seconds"] = json!(sending);
    emit(&line);
}

#[allow(clippy::too_many_lines)]
async fn run(plan: Plan) -> Result<(), String> {
    let tracker = Arc::new(Tracker {
        station_index: plan
            .stations
            .iter()
            .zip(0u32..)
            .map(|(s, n)| (s.id.clone(), n))
            .collect(),
        ..Tracker::default()
    });

    // 1. Every station connects (and, on Kiesdag, activates and opens).
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(200));
    let mut joins = Vec::with_capacity(plan.stations.len());
    for (n, planned) in plan.stations.iter().cloned().enumerate() {
        let gate = gate.clone();
        let url = plan.station_url.clone();
        let target = plan.target;
        joins.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await;
            match target {
                Target::Kiesdag => core_station(url, &planned, n).await.map(Device::Core),
                Target::Baseline => wire_station(url, &planned, n).await.map(Device::Wire),
            }
        }));
    }
    let mut devices = Vec::with_capacity(joins.len());
    let mut failures = 0usize;
    for (n, join) in joins.into_iter().enumerate() {
        match join.await {
            Ok(Ok(device)) => devices.push(device),
            Ok(Err(e)) => {
                failures += 1;
                if failures <= 5 {
                    progress(&format!("station {n}: {e}"));
                }
            }
            Err(e) => return Err(e.to_string()),
        }
        if n % 1_000 == 999 {
            progress(&format!("{} stations connected", n + 1));
        }
    }
    if failures > 0 {
        return Err(format!("{failures} stations could not connect"));
    }
    if plan.target == Target::Kiesdag {
        // Each station's opening is its first operation.
        let (acked, _) =
            until_acked(&devices, devices.len() as u64, Duration::from_secs(120)).await;
        if acked < devices.len() as u64 {
            return Err(format!("only {acked} of {} stations opened", devices.len()));
        }
    }
    let stations_seconds = started.elapsed().as_secs_f64();

    // 2. Dashboards subscribe, spread over the municipalities.
    let ready = Arc::new(AtomicUsize::new(0));
    let mut stops = Vec::new();
    let mut dashboard_tasks = Vec::new();
    let mut subscribed_to: Vec<String> = Vec::new();
    for n in 0..plan.hold_dashboards {
        let municipality = plan.municipalities[n % plan.municipalities.len().max(1)].clone();
        subscribed_to.push(municipality.clone());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        stops.push(stop);
        let task = tokio::spawn(dashboard(
            plan.dashboard_url.clone(),
            plan.token.clone(),
            municipality,
            devices.len() + n,
            tracker.clone(),
            ready.clone(),
            stopped,
        ));
        dashboard_tasks.push(task);
        if n % 100 == 99 {
            // Let snapshots go out rather than queueing thousands at once.
            let give_up = Instant::now() + Duration::from_secs(120);
            while ready.load(Ordering::SeqCst) + 200 < n {
                if Instant::now() > give_up {
                    return Err(format!(
                        "only {} of {n} dashboards subscribed",
                        ready.load(Ordering::SeqCst)
                    ));
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    while ready.load(Ordering::SeqCst) < plan.hold_dashboards && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let dashboards = ready.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(2)).await;
    emit(&json!({
        "phase": "held",
        "stations": devices.len(),
        "dashboards": dashboards,
        "seconds": started.elapsed().as_secs_f64(),
        "stations_seconds": stations_seconds,
    }));
    // The benchmark reads the server's memory now; go on at its word.
    let mut line = String::new();
    let _ = tokio::task::spawn_blocking(move || std::io::stdin().lock().read_line(&mut line)).await;

    if plan.mode == Mode::Feed {
        let before: u64 = devices.iter().map(Device::acks).sum();
        let mut counts = vec![0u32; devices.len()];
        let mut dice = Xorshift(0x9E37_79B9_7F4A_7C15);
        let no_viewers = vec![0.0; devices.len()];
        steady(
            &plan,
            &devices,
            &tracker,
            &no_viewers,
            &mut counts,
            &mut dice,
        )
        .await;
        let acked: u64 = devices.iter().map(Device::acks).sum();
        emit(&json!({"phase": "done", "acknowledged": acked - before}));
        return Ok(());
    }

    // 3. Down to the dashboards of the latency phases.
    for stop in stops.iter().skip(plan.latency_dashboards) {
        let _ = stop.send(true);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut per_municipality: HashMap<&str, usize> = HashMap::new();
    for municipality in subscribed_to.iter().take(plan.latency_dashboards) {
        *per_municipality.entry(municipality.as_str()).or_default() += 1;
    }
    let station_viewers: Vec<f64> = plan
        .stations
        .iter()
        .map(|s| {
            per_municipality
                .get(s.municipality.as_str())
                .copied()
                .unwrap_or(0) as f64
        })
        .collect();
    let mean_viewers = station_viewers.iter().sum::<f64>() / station_viewers.len().max(1) as f64;

    // 4. Throughput: every station sends its reports back to back.
    let mut counts = vec![0u32; devices.len()];
    let before: u64 = devices.iter().map(Device::acks).sum();
    let per_station = plan.throughput_ops_per_station;
    let started = Instant::now();
    for _ in 0..per_station {
        for (n, device) in devices.iter().enumerate() {
            counts[n] += 1;
            turnout(device, &tracker, u32::try_from(n).unwrap_or(0), counts[n]);
        }
    }
    let ops = u64::from(per_station) * devices.len() as u64;
    let (acked, _) = until_acked(&devices, before + ops, Duration::from_secs(300)).await;
    let seconds = started.elapsed().as_secs_f64();
    emit(&json!({
        "phase": "throughput",
        "operations": ops,
        "acknowledged": acked - before,
        "seconds": seconds,
        "per_second": (acked - before) as f64 / seconds,
    }));
    tokio::time::sleep(Duration::from_secs(2)).await;

    // 5. Steady day: reports at a fixed rate, latency to every dashboard.
    let mut dice = Xorshift(0x9E37_79B9_7F4A_7C15);
    steady(
        &plan,
        &devices,
        &tracker,
        &station_viewers,
        &mut counts,
        &mut dice,
    )
    .await;

    // 6. Closing: every station closes (confirming that it is before closing time).
    let before: u64 = devices.iter().map(Device::acks).sum();
    let started = Instant::now();
    for (n, device) in devices.iter().enumerate() {
        match device {
            Device::Core(station) => {
                station.send(Event::CloseStation {
                    voters_in_queue_at_close: 0,
                });
                station.send(Event::ConfirmWarnings);
            }
            Device::Wire(wire) => wire.report("closing", &json!({"closing": {}})),
        }
        if n % 500 == 499 {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    let (acked, _) = until_acked(
        &devices,
        before + devices.len() as u64,
        Duration::from_secs(300),
    )
    .await;
    emit(&json!({
        "phase": "closing",
        "acknowledged": acked - before,
        "seconds": started.elapsed().as_secs_f64(),
    }));

    // 7. Results: every station submits within the burst window.
    tracker.start();
    let window = u64::from(plan.burst_seconds) * 1_000;
    let mut order: Vec<(u64, usize)> = (0..devices.len())
        .map(|n| (dice.below(window), n))
        .collect();
    order.sort_unstable();
    let before: u64 = devices.iter().map(Device::acks).sum();
    let started = tokio::time::Instant::now();
    for (at, n) in order {
        tokio::time::sleep_until(started + Duration::from_millis(at)).await;
        let result = consistent_result(counts[n], &plan.list_weights, 0);
        tracker.sent(u32::try_from(n).unwrap_or(0), RESULT_KEY);
        match &devices[n] {
            Device::Core(station) => {
                station.send(Event::EditResult(result));
                station.send(Event::SubmitResult);
                station.send(Event::ConfirmWarnings);
            }
            Device::Wire(wire) => wire.report(
                "provisional_result",
                &json!({ "provisional_result": serde_json::to_value(&result).unwrap_or_default() }),
            ),
        }
    }
    let (acked, _) = until_acked(
        &devices,
        before + devices.len() as u64,
        Duration::from_secs(120),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut line = latency_line("burst", &tracker, mean_viewers);
    line["results_acknowledged"] = json!(acked - before);
    line["window_seconds"] = json!(plan.burst_seconds);
    emit(&line);

    for stop in &stops {
        let _ = stop.send(true);
    }
    for task in dashboard_tasks.into_iter().take(plan.latency_dashboards) {
        let _ = task.await;
    }
    emit(&json!({"phase": "done"}));
    Ok(())
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: kiesdag-load PLAN.json");
        std::process::exit(2);
    };
    let plan: Plan = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("kiesdag-load: cannot read the plan {path}: {e}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("kiesdag-load: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run(plan)) {
        eprintln!("kiesdag-load: {e}");
        std::process::exit(1);
    }
}
