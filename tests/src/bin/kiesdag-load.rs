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
//! With a `storm` in the plan (Kiesdag only), the reconnect storm runs right after the
//! `held` phase, with every station and dashboard connected (see `storm`): the
//! benchmark kills the server and starts it again; stations (their cores' own
//! backoff) and dashboards (a jittered wait, then a resume from their last sequence
//! number) connect again by themselves.
//!
//! With `"mode": "feed"` it only feeds a server for someone else to watch (the
//! dashboard benchmark in a browser): the stations connect and open, the `held` line
//! is printed, and at the word on standard input the stations send `steady_rate`
//! turnout reports a second for `steady_seconds`; then the `steady` and `done` lines.
//! The fields of the other phases may be left out of such a plan.

use std::collections::HashMap;
use std::io::BufRead;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use kiesdag_sim::{ShellOptions, Station, Storage, consistent_result};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::Event;
use shared::app::view::ConnectionState;
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
    /// The reconnect storm, right after the `held` phase (Kiesdag only).
    #[serde(default)]
    storm: Option<StormPlan>,
    /// The election's closing time (ms since the epoch): the surge's stations close
    /// after it, so that their results are public.
    #[serde(default)]
    closes_at_ms: Option<i64>,
    /// The surge's phases, in order: the stations are split evenly over them, and
    /// each phase's stations submit at the benchmark's word of that name.
    #[serde(default)]
    surge_phases: Vec<String>,
}

/// The reconnect storm: every station sends `reports_per_station` reports, the
/// benchmark kills the server at once and starts it again after an outage, and every
/// station and dashboard connects again by itself.
#[derive(Debug, Deserialize, Clone)]
struct StormPlan {
    reports_per_station: u32,
    /// Give up waiting for the last station or dashboard after this long.
    timeout_seconds: u64,
    /// Only the held phase and the storm.
    #[serde(default)]
    only: bool,
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
    /// The public surge (see `surge`): stations close and submit their results,
    /// half in quiet and half while the benchmark's readers poll the public pages.
    Surge,
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
            ..ShellOptions::default()
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

/// What one dashboard has seen, shared with the phases that watch the storm.
#[derive(Default)]
struct DashboardSlot {
    /// Subscriptions answered (a snapshot or a resume), since the start.
    subscriptions: AtomicU64,
    /// When the last one was answered (µs since the epoch).
    subscribed_at_us: AtomicU64,
    /// Subscriptions answered with the changes since the dashboard's last number.
    resumes: AtomicU64,
    /// Subscriptions answered with a snapshot (the first, or a resume too far back).
    snapshots: AtomicU64,
    /// The last sequence number received (-1 before any).
    last_seq: AtomicI64,
    /// Changes received with a number not above the last one: a change received twice.
    doubles: AtomicU64,
    /// When a frame last raised `last_seq` (µs since the epoch).
    changed_at_us: AtomicU64,
}

impl DashboardSlot {
    fn new() -> Self {
        Self {
            last_seq: AtomicI64::new(-1),
            ..Self::default()
        }
    }
}

/// The sequence numbers in a dashboard frame: a snapshot's, or its changes' in order.
/// A plain scan: no key but the change's and the snapshot's own is `"seq"` (the
/// stations carry `last_event_seq`), and a full parse of every frame would cost the
/// load generator CPU that the server then does not get.
fn frame_seqs(text: &str) -> impl Iterator<Item = i64> + '_ {
    text.match_indices("\"seq\":").filter_map(|(at, key)| {
        let rest = &text[at + key.len()..];
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        rest[..digits].parse().ok()
    })
}

fn epoch_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(0))
}

/// How a dashboard's connection ended.
enum Ended {
    /// Told to stop.
    Stopped,
    /// Lost (closed, failed, never opened): connect again after a while.
    Lost,
    /// The server refused the subscription.
    Refused(String),
}

/// A dashboard: subscribes to a municipality, waits for its snapshot, then hands
/// every frame to the tracker until told to stop. When the connection is lost it
/// connects again after a jittered wait (as the control room's browser does: from
/// 0.1 s up to a ceiling doubling from 0.25 s to 1.5 s) and resumes from the last
/// sequence number it received.
#[allow(clippy::too_many_arguments)]
async fn dashboard(
    url: String,
    token: String,
    municipality: String,
    n: usize,
    tracker: Arc<Tracker>,
    ready: Arc<AtomicUsize>,
    mut stop: tokio::sync::watch::Receiver<bool>,
    slot: Arc<DashboardSlot>,
) -> Result<(), String> {
    let mut dice = Xorshift(0x2545_F491_4F6C_DD1D ^ (n as u64 + 1).wrapping_mul(0x9E37_79B9));
    let mut attempt = 0u32;
    let mut refusals = 0u32;
    loop {
        let subscriptions = slot.subscriptions.load(Ordering::Relaxed);
        let ended = dashboard_session(
            &url,
            &token,
            &municipality,
            n,
            &tracker,
            &ready,
            &mut stop,
            &slot,
        )
        .await;
        if slot.subscriptions.load(Ordering::Relaxed) > subscriptions {
            // It was subscribed: start again from the shortest wait.
            attempt = 0;
            refusals = 0;
        }
        match ended {
            Ended::Stopped => return Ok(()),
            Ended::Refused(e) => {
                refusals += 1;
                if refusals >= 5 {
                    return Err(e);
                }
            }
            Ended::Lost => {}
        }
        let ceiling = 250u64.saturating_mul(1 << attempt.min(6)).min(1_500);
        attempt = attempt.saturating_add(1);
        let wait = Duration::from_millis(100 + dice.below(ceiling - 100 + 1));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => return Ok(()),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn dashboard_session(
    url: &str,
    token: &str,
    municipality: &str,
    n: usize,
    tracker: &Tracker,
    ready: &AtomicUsize,
    stop: &mut tokio::sync::watch::Receiver<bool>,
    slot: &DashboardSlot,
) -> Ended {
    let socket = tokio::select! {
        socket = open(url, n) => match socket {
            Ok(socket) => socket,
            Err(_) => return Ended::Lost,
        },
        _ = stop.changed() => return Ended::Stopped,
    };
    let (mut sink, mut source) = socket.split();
    let last = slot.last_seq.load(Ordering::Relaxed);
    let mut subscribe = json!({"type": "subscribe", "token": token, "municipality": municipality});
    if last >= 0 {
        subscribe["since_seq"] = json!(last);
    }
    if sink
        .send(Message::text(subscribe.to_string()))
        .await
        .is_err()
    {
        return Ended::Lost;
    }
    let mut subscribed = false;
    let ended = loop {
        tokio::select! {
            frame = source.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let at = Instant::now();
                    if !subscribed {
                        let snapshot = text.contains("\"type\":\"snapshot\"");
                        if snapshot || text.contains("\"type\":\"changes\"") {
                            subscribed = true;
                            if snapshot {
                                slot.snapshots.fetch_add(1, Ordering::Relaxed);
                                if let Some(seq) = frame_seqs(&text).next() {
                                    slot.last_seq.fetch_max(seq, Ordering::Relaxed);
                                }
                            } else {
                                slot.resumes.fetch_add(1, Ordering::Relaxed);
                                note_changes(slot, &text);
                            }
                            slot.subscribed_at_us.store(epoch_us(), Ordering::Relaxed);
                            slot.subscriptions.fetch_add(1, Ordering::SeqCst);
                            ready.fetch_add(1, Ordering::SeqCst);
                        } else if text.contains("\"type\":\"error\"") {
                            break Ended::Refused(text.to_string());
                        }
                        continue;
                    }
                    let before = slot.last_seq.load(Ordering::Relaxed);
                    if text.starts_with("{\"type\":\"changes\"") {
                        note_changes(slot, &text);
                    } else if text.starts_with("{\"type\":\"snapshot\"") {
                        // Skipped forward (it fell behind): the latest state, numbered.
                        slot.snapshots.fetch_add(1, Ordering::Relaxed);
                        if let Some(seq) = frame_seqs(&text).next() {
                            slot.last_seq.fetch_max(seq, Ordering::Relaxed);
                        }
                    }
                    if slot.last_seq.load(Ordering::Relaxed) > before {
                        slot.changed_at_us.store(epoch_us(), Ordering::Relaxed);
                    }
                    tracker.received(&text, at);
                }
                Some(Ok(Message::Ping(data))) => {
                    let _ = sink.send(Message::Pong(data)).await;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) => break Ended::Lost,
                None => break Ended::Lost,
            },
            _ = stop.changed() => {
                let _ = sink.close().await;
                break Ended::Stopped;
            }
        }
    };
    if subscribed {
        ready.fetch_sub(1, Ordering::SeqCst);
    }
    ended
}

/// Follows a dashboard's sequence numbers through a changes frame: each change must
/// come after the last one received.
fn note_changes(slot: &DashboardSlot, text: &str) {
    let mut last = slot.last_seq.load(Ordering::Relaxed);
    for seq in frame_seqs(text) {
        if seq <= last {
            slot.doubles.fetch_add(1, Ordering::Relaxed);
        } else {
            last = seq;
        }
    }
    slot.last_seq.store(last, Ordering::Relaxed);
}

/// The last sequence number of a municipality's stations now: a fresh subscription's
/// snapshot, the newest `last_event_seq` in it.
async fn municipality_seq(plan: &Plan, municipality: &str) -> Option<i64> {
    let socket = open(&plan.dashboard_url, 0).await.ok()?;
    let (mut sink, mut source) = socket.split();
    let subscribe = json!({"type": "subscribe", "token": plan.token, "municipality": municipality});
    sink.send(Message::text(subscribe.to_string())).await.ok()?;
    let frame = tokio::time::timeout(Duration::from_secs(30), source.next())
        .await
        .ok()??
        .ok()?;
    let Message::Text(text) = frame else {
        return None;
    };
    let value: Value = serde_json::from_str(&text).ok()?;
    let newest = value["stations"]
        .as_array()?
        .iter()
        .filter_map(|s| s["last_event_seq"].as_i64())
        .max();
    let _ = sink.close().await;
    newest
}

/// How long after the last acknowledgement (`from_us`) each dashboard had its
/// municipality's latest change: waits up to 60 s for all to have it, then reports how
/// many did and the spread of the moments their last frame arrived.
async fn dashboards_current(
    plan: &Plan,
    slots: &[Arc<DashboardSlot>],
    subscribed_to: &[String],
    from_us: u64,
) -> Value {
    let mut targets: HashMap<&str, i64> = HashMap::new();
    for municipality in subscribed_to.iter().take(slots.len()) {
        if !targets.contains_key(municipality.as_str())
            && let Some(seq) = municipality_seq(plan, municipality).await
        {
            targets.insert(municipality.as_str(), seq);
        }
    }
    let current = |n: usize| {
        targets
            .get(subscribed_to[n].as_str())
            .is_some_and(|target| slots[n].last_seq.load(Ordering::Relaxed) >= *target)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !(0..slots.len()).all(current) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let at: Vec<u64> = (0..slots.len())
        .filter(|n| current(*n))
        .map(|n| slots[n].changed_at_us.load(Ordering::Relaxed).max(from_us))
        .collect();
    json!({
        "dashboards": slots.len(),
        "current": at.len(),
        "lag": spread(from_us, &at),
    })
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

/// Lines from the benchmark on standard input, one at a time.
fn orders() -> mpsc::UnboundedReceiver<String> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Waits for the benchmark's line starting with `word`; the number after it.
async fn order(orders: &mut mpsc::UnboundedReceiver<String>, word: &str) -> Result<u64, String> {
    loop {
        let line = orders
            .recv()
            .await
            .ok_or_else(|| format!("standard input ended before '{word}'"))?;
        if let Some(rest) = line.strip_prefix(word) {
            return Ok(rest.trim().parse().unwrap_or(0));
        }
    }
}

/// Milliseconds from `from_us` to each time in `at_us`, sorted: p50, p99 and max.
fn spread(from_us: u64, at_us: &[u64]) -> Value {
    let mut us: Vec<u64> = at_us.iter().map(|at| at.saturating_sub(from_us)).collect();
    us.sort_unstable();
    json!({
        "count": us.len(),
        "p50_ms": percentile(&us, 50.0),
        "p90_ms": percentile(&us, 90.0),
        "p99_ms": percentile(&us, 99.0),
        "max_ms": percentile(&us, 100.0),
    })
}

/// The reconnect storm (see `StormPlan`). Every station sends its reports; the
/// benchmark is told (`storm_armed`) and kills the server at once (`killed` on standard
/// input), then starts it again on the same database and port after the outage
/// (`restarted`, with the moment it listened, µs since the epoch). From then on a
/// station is resynced when its core has every report acknowledged and its view
/// says online with nothing waiting (saving, pending or sent); a dashboard when it
/// has subscribed again. The `storm` line has the spread of both from the restart;
/// then the benchmark checks the database and says `go`.
#[allow(clippy::too_many_lines)]
async fn storm(
    storm: &StormPlan,
    devices: &[Device],
    slots: &[Arc<DashboardSlot>],
    municipalities: &[String],
    counts: &mut [u32],
    orders: &mut mpsc::UnboundedReceiver<String>,
) -> Result<(), String> {
    let stations: Vec<&Station> = devices
        .iter()
        .filter_map(|d| match d {
            Device::Core(station) => Some(station),
            Device::Wire(_) => None,
        })
        .collect();
    if counts.iter().any(|c| *c > 0) {
        // The benchmark expects each station's turnout counts 1 up to the reports.
        return Err("the storm must come before any other report".into());
    }
    let before: Vec<u64> = stations.iter().map(|s| s.acks_received()).collect();
    for (n, station) in stations.iter().enumerate() {
        for _ in 0..storm.reports_per_station {
            counts[n] += 1;
            station.send(Event::ReportTurnout {
                count: counts[n],
                moment: TurnoutMoment::AdHoc,
                correction_reason: None,
            });
        }
    }
    let target: Vec<u64> = before
        .iter()
        .map(|b| b + u64::from(storm.reports_per_station))
        .collect();
    emit(&json!({
        "phase": "storm_armed",
        "stations": stations.len(),
        "reports_per_station": storm.reports_per_station,
    }));
    let killed_us = order(orders, "killed").await?;
    let acked_before_kill: u64 = stations
        .iter()
        .zip(&before)
        .map(|(s, b)| s.acks_received().saturating_sub(*b))
        .sum();
    let subscriptions_at_kill: Vec<u64> = slots
        .iter()
        .map(|d| d.subscriptions.load(Ordering::SeqCst))
        .collect();
    progress("server killed; waiting for its restart");
    let restarted_us = order(orders, "restarted").await?;
    progress("server restarted; waiting for every station and dashboard");

    // A station is looked at only once all its acks are in and its core rendered
    // since the last look: thousands of view models at every poll would take the
    // CPU the server needs.
    let mut station_done: Vec<Option<u64>> = vec![None; stations.len()];
    let mut seen_renders: Vec<u64> = vec![u64::MAX; stations.len()];
    let mut stations_left = stations.len();
    let mut dashboard_done: Vec<Option<u64>> = vec![None; slots.len()];
    let mut dashboards_left = slots.len();
    let deadline = Instant::now() + Duration::from_secs(storm.timeout_seconds);
    while (stations_left > 0 || dashboards_left > 0) && Instant::now() < deadline {
        for (n, station) in stations.iter().enumerate() {
            if station_done[n].is_some() || station.acks_received() < target[n] {
                continue;
            }
            let renders = station.renders();
            if renders == seen_renders[n] {
                continue;
            }
            seen_renders[n] = renders;
            let view = station.view();
            if view.connection.state == ConnectionState::Online
                && view.sync.saving == 0
                && view.sync.pending == 0
                && view.sync.sent == 0
            {
                station_done[n] = Some(epoch_us());
                stations_left -= 1;
            }
        }
        for (n, slot) in slots.iter().enumerate() {
            if dashboard_done[n].is_none()
                && slot.subscriptions.load(Ordering::SeqCst) > subscriptions_at_kill[n]
            {
                dashboard_done[n] = Some(slot.subscribed_at_us.load(Ordering::SeqCst));
                dashboards_left -= 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Let the dashboards receive the last changes (paced at 10 frames a second).
    tokio::time::sleep(Duration::from_secs(3)).await;

    // Every station's view once more, for what did not resync and for refusals.
    let mut rejected = 0u64;
    let mut unfinished = 0u64;
    let mut states: HashMap<String, usize> = HashMap::new();
    for (n, station) in stations.iter().enumerate() {
        let view = station.view();
        rejected += view.sync.rejected;
        if station_done[n].is_none() {
            unfinished += u64::from(view.sync.saving + view.sync.pending + view.sync.sent);
            *states
                .entry(format!("{:?}", view.connection.state))
                .or_default() += 1;
        }
    }
    let done_at: Vec<u64> = station_done.iter().flatten().copied().collect();
    let resubscribed_at: Vec<u64> = dashboard_done.iter().flatten().copied().collect();
    let last = done_at
        .iter()
        .chain(&resubscribed_at)
        .max()
        .copied()
        .unwrap_or(restarted_us);
    // The last number each dashboard received, lowest per municipality: the benchmark
    // compares it with the database's last event of the municipality's stations.
    let mut lowest_seq: HashMap<String, i64> = HashMap::new();
    let mut doubles = 0u64;
    let mut resumes = 0u64;
    let mut snapshots = 0u64;
    for slot in slots {
        doubles += slot.doubles.load(Ordering::SeqCst);
        resumes += slot.resumes.load(Ordering::SeqCst);
        snapshots += slot.snapshots.load(Ordering::SeqCst);
    }
    for (slot, municipality) in slots.iter().zip(municipalities) {
        let seq = slot.last_seq.load(Ordering::SeqCst);
        lowest_seq
            .entry(municipality.clone())
            .and_modify(|lowest| *lowest = (*lowest).min(seq))
            .or_insert(seq);
    }
    emit(&json!({
        "phase": "storm",
        "stations": stations.len(),
        "dashboards": slots.len(),
        "reports_per_station": storm.reports_per_station,
        "dashboard_lowest_seq": lowest_seq,
        "acknowledged_before_kill": acked_before_kill,
        "outage_seconds": restarted_us.saturating_sub(killed_us) as f64 / 1e6,
        "stations_resynced": done_at.len(),
        "station_resync": spread(restarted_us, &done_at),
        "dashboards_resubscribed": resubscribed_at.len(),
        "dashboard_resubscribe": spread(restarted_us, &resubscribed_at),
        "all_seconds": last.saturating_sub(restarted_us) as f64 / 1e6,
        "rejected_on_devices": rejected,
        "unfinished_operations": unfinished,
        "unfinished_states": states,
        "dashboard_doubles": doubles,
        "dashboard_resumes_total": resumes,
        "dashboard_snapshots_total": snapshots,
    }));
    order(orders, "go").await?;
    Ok(())
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
    if plan.mode == Mode::Surge {
        return surge(&plan, &devices).await;
    }

    // 2. Dashboards subscribe, spread over the municipalities.
    let ready = Arc::new(AtomicUsize::new(0));
    let mut stops = Vec::new();
    let mut dashboard_tasks = Vec::new();
    let mut subscribed_to: Vec<String> = Vec::new();
    let mut slots: Vec<Arc<DashboardSlot>> = Vec::new();
    for n in 0..plan.hold_dashboards {
        let municipality = plan.municipalities[n % plan.municipalities.len().max(1)].clone();
        subscribed_to.push(municipality.clone());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        stops.push(stop);
        let slot = Arc::new(DashboardSlot::new());
        slots.push(slot.clone());
        let task = tokio::spawn(dashboard(
            plan.dashboard_url.clone(),
            plan.token.clone(),
            municipality,
            devices.len() + n,
            tracker.clone(),
            ready.clone(),
            stopped,
            slot,
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
    let mut orders = orders();
    order(&mut orders, "go").await?;
    let mut counts = vec![0u32; devices.len()];

    if let Some(plan_storm) = &plan.storm
        && plan.target == Target::Kiesdag
    {
        storm(
            plan_storm,
            &devices,
            &slots,
            &subscribed_to,
            &mut counts,
            &mut orders,
        )
        .await?;
        if plan_storm.only {
            for stop in &stops {
                let _ = stop.send(true);
            }
            emit(&json!({"phase": "done"}));
            return Ok(());
        }
    }

    if plan.mode == Mode::Feed {
        let before: u64 = devices.iter().map(Device::acks).sum();
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
    let acked_at_us = epoch_us();
    let lag = if plan.target == Target::Kiesdag {
        dashboards_current(
            &plan,
            &slots[..plan.latency_dashboards.min(slots.len())],
            &subscribed_to,
            acked_at_us,
        )
        .await
    } else {
        Value::Null
    };
    emit(&json!({
        "phase": "throughput",
        "operations": ops,
        "acknowledged": acked - before,
        "seconds": seconds,
        "per_second": (acked - before) as f64 / seconds,
        "dashboards_after": lag,
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
                station.tap_closing_checklist();
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

/// The public surge: every station closes after the closing time and reports
/// `ready`; the stations are split evenly over the plan's `surge_phases`, and at each
/// phase's word its stations submit their results within the burst window (the
/// benchmark decides what the public does meanwhile). Each phase's line gives the
/// stations' confirmation times: from the chair's submission to the server's
/// acknowledgement of it.
async fn surge(plan: &Plan, devices: &[Device]) -> Result<(), String> {
    let mut orders = orders();
    let wait = plan
        .closes_at_ms
        .map_or(0, |at| at.saturating_sub(now_ms()).max(0));
    progress(&format!("waiting {wait} ms for the closing time"));
    tokio::time::sleep(Duration::from_millis(
        u64::try_from(wait).unwrap_or(0) + 500,
    ))
    .await;
    let before: u64 = devices.iter().map(Device::acks).sum();
    for (n, device) in devices.iter().enumerate() {
        if let Device::Core(station) = device {
            station.tap_closing_checklist();
            station.send(Event::CloseStation {
                voters_in_queue_at_close: 0,
            });
            station.send(Event::ConfirmWarnings);
        }
        if n % 200 == 199 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let target = before + devices.len() as u64;
    let (acked, _) = until_acked(devices, target, Duration::from_secs(120)).await;
    if acked < target {
        return Err(format!(
            "only {} of {} stations closed",
            acked - before,
            devices.len()
        ));
    }
    emit(&json!({"phase": "ready", "stations": devices.len()}));
    let phases = plan.surge_phases.len().max(1);
    let share = devices.len() / phases;
    let mut dice = Xorshift(0x2545_F491_4F6C_DD1D);
    for (n, phase) in plan.surge_phases.iter().enumerate() {
        order(&mut orders, phase).await?;
        let range = n * share..(n + 1) * share;
        let line = submit_results(plan, devices, range, &mut dice, phase).await;
        emit(&line);
    }
    emit(&json!({"phase": "done"}));
    Ok(())
}

/// Milliseconds since the epoch.
fn now_ms() -> i64 {
    i64::try_from(epoch_us() / 1_000).unwrap_or(i64::MAX)
}

/// The stations in `range` submit their results at random moments in the burst
/// window; the line with their confirmation times (ms): p50, p99, max.
async fn submit_results(
    plan: &Plan,
    devices: &[Device],
    range: std::ops::Range<usize>,
    dice: &mut Xorshift,
    phase: &str,
) -> Value {
    let window = u64::from(plan.burst_seconds.max(1)) * 1_000;
    let mut order: Vec<(u64, usize)> = range.map(|n| (dice.below(window), n)).collect();
    order.sort_unstable();
    let count = order.len();
    // Per station: when its result went, and its acknowledgements before.
    let mut pending: Vec<(usize, Instant, u64)> = Vec::with_capacity(count);
    let mut confirmed_ms: Vec<u64> = Vec::with_capacity(count);
    let started = tokio::time::Instant::now();
    let mut next = order.into_iter().peekable();
    let give_up = started + Duration::from_millis(window) + Duration::from_secs(60);
    while (next.peek().is_some() || !pending.is_empty()) && tokio::time::Instant::now() < give_up {
        let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        while let Some(&(at, n)) = next.peek() {
            if at > elapsed {
                break;
            }
            next.next();
            if let Device::Core(station) = &devices[n] {
                let acks = station.acks_received();
                let admitted = 800 + u32::try_from(n % 400).unwrap_or(0);
                station.send(Event::EditResult(consistent_result(
                    admitted,
                    &plan.list_weights,
                    0,
                )));
                station.send(Event::SubmitResult);
                station.send(Event::ConfirmWarnings);
                pending.push((n, Instant::now(), acks));
            }
        }
        pending.retain(|&(n, sent, acks)| {
            if devices[n].acks() > acks {
                confirmed_ms.push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(0));
                false
            } else {
                true
            }
        });
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    confirmed_ms.sort_unstable();
    json!({
        "phase": phase,
        "submitted": count,
        "confirmed": confirmed_ms.len(),
        "p50_ms": percentile(&confirmed_ms, 50.0),
        "p99_ms": percentile(&confirmed_ms, 99.0),
        "max_ms": percentile(&confirmed_ms, 100.0),
        "window_seconds": plan.burst_seconds,
    })
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
