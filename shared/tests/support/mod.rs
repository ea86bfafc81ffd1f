//! A Rust shell for tests and benchmarks: drives the real core through
//! `Core::process_event` and `Core::resolve`, performing its effects against an
//! in-memory store, a settable clock, timers, and a simulated server.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod server;

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use crux_core::{Core, Request};
use crux_kv::{KeyValueOperation, KeyValueResponse, KeyValueResult, value::Value};
use crux_time::{TimeRequest, TimeResponse, TimerId};
use shared::app::effects::websocket::{WebSocketEvent, WebSocketOperation};
use shared::app::view::{Page, ViewModel};
use shared::domain::StaffRole;
use shared::{ChairApp, Effect, Event};

pub use server::SimServer;

/// The device sequence numbers of the operations `server` applied, in the order
/// applied.
pub fn applied_seqs(server: &SimServer) -> Vec<u64> {
    server.applied.iter().map(|o| o.device_seq).collect()
}

/// 2026-03-18 07:30 local (06:30 UTC): polls open (the canonical election's day).
pub const OPENS: i64 = shared::fixtures::OPENS;
pub const CLOSES: i64 = shared::fixtures::CLOSES;

pub struct Shell {
    pub core: Core<ChairApp>,
    /// What the device keeps on disk; survives `restart`.
    pub store: BTreeMap<String, Vec<u8>>,
    /// When true, storage requests wait in `storage_queue` until `flush_storage`.
    pub hold_storage: bool,
    pub storage_queue: Vec<Request<KeyValueOperation>>,
    /// Every outbox key ever written to the store, in write order.
    pub outbox_writes: Vec<String>,
    /// The next this many writes or deletes fail (a full or broken disk).
    pub fail_writes: usize,
    pub now_ms: i64,
    pub timers: Vec<(i64, Request<TimeRequest>)>,
    /// The connect request of the live connection, if any.
    pub socket: Option<Request<WebSocketOperation>>,
    pub socket_open: bool,
    pub connects: usize,
    /// Frames the core sent on the live connection, not yet delivered to a server.
    pub outbound: Vec<String>,
    pub renders: usize,
}

impl Shell {
    pub fn new() -> Self {
        Self {
            core: Core::new(),
            store: BTreeMap::new(),
            hold_storage: false,
            storage_queue: Vec::new(),
            outbox_writes: Vec::new(),
            fail_writes: 0,
            now_ms: OPENS - 30 * 60_000,
            timers: Vec::new(),
            socket: None,
            socket_open: false,
            connects: 0,
            outbound: Vec::new(),
            renders: 0,
        }
    }

    pub fn view(&self) -> ViewModel {
        self.core.view()
    }

    pub fn send(&mut self, event: Event) {
        let effects = self.core.process_event(event);
        self.run(effects);
    }

    /// The app is killed and started again: memory, pending effects and the
    /// connection are gone; only the store remains.
    pub fn restart(&mut self) {
        self.core = Core::new();
        self.storage_queue.clear();
        self.timers.clear();
        self.socket = None;
        self.socket_open = false;
        self.outbound.clear();
        self.send(Event::Start);
    }

    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            let more = self.perform(effect);
            queue.extend(more);
        }
    }

    fn perform(&mut self, effect: Effect) -> Vec<Effect> {
        match effect {
            Effect::Render(_) => {
                self.renders += 1;
                vec![]
            }
            Effect::KeyValue(request) => {
                if self.hold_storage {
                    self.storage_queue.push(request);
                    vec![]
                } else {
                    self.resolve_storage(request)
                }
            }
            Effect::Time(mut request) => match request.operation.clone() {
                TimeRequest::Now => {
                    let instant = (UNIX_EPOCH + Duration::from_millis(self.now_ms as u64)).into();
                    self.core
                        .resolve(&mut request, TimeResponse::Now { instant })
                        .unwrap()
                }
                TimeRequest::NotifyAfter { duration, .. } => {
                    let duration: Duration = duration.into();
                    let ms = i64::try_from(duration.as_millis()).unwrap();
                    self.timers.push((self.now_ms + ms, request));
                    vec![]
                }
                TimeRequest::NotifyAt { .. } => vec![],
                TimeRequest::Clear { id } => self
                    .core
                    .resolve(&mut request, TimeResponse::Cleared { id })
                    .unwrap(),
            },
            Effect::WebSocket(request) => match request.operation.clone() {
                WebSocketOperation::Connect { .. } => {
                    self.connects += 1;
                    self.socket = Some(request);
                    self.socket_open = false;
                    self.outbound.clear();
                    vec![]
                }
                WebSocketOperation::Send { text } => {
                    if self.socket_open {
                        self.outbound.push(text);
                    }
                    vec![]
                }
                WebSocketOperation::Close => {
                    self.socket = None;
                    self.socket_open = false;
                    self.outbound.clear();
                    vec![]
                }
            },
        }
    }

    fn resolve_storage(&mut self, mut request: Request<KeyValueOperation>) -> Vec<Effect> {
        if matches!(
            request.operation,
            KeyValueOperation::Set { .. } | KeyValueOperation::Delete { .. }
        ) && self.fail_writes > 0
        {
            self.fail_writes -= 1;
            let error = crux_kv::error::KeyValueError::Io {
                message: "disk full".into(),
            };
            return self
                .core
                .resolve(&mut request, KeyValueResult::Err { error })
                .unwrap();
        }
        let response = match request.operation.clone() {
            KeyValueOperation::Get { key } => KeyValueResponse::Get {
                value: self
                    .store
                    .get(&key)
                    .cloned()
                    .map_or(Value::None, Value::Bytes),
            },
            KeyValueOperation::Set { key, value } => {
                if key.starts_with("outbox/") {
                    self.outbox_writes.push(key.clone());
                }
                let previous = self.store.insert(key, value);
                KeyValueResponse::Set {
                    previous: previous.map_or(Value::None, Value::Bytes),
                }
            }
            KeyValueOperation::Delete { key } => {
                let previous = self.store.remove(&key);
                KeyValueResponse::Delete {
                    previous: previous.map_or(Value::None, Value::Bytes),
                }
            }
            KeyValueOperation::Exists { key } => KeyValueResponse::Exists {
                is_present: self.store.contains_key(&key),
            },
            KeyValueOperation::ListKeys { prefix, .. } => KeyValueResponse::ListKeys {
                keys: self
                    .store
                    .keys()
                    .filter(|k| k.starts_with(&prefix))
                    .cloned()
                    .collect(),
                next_cursor: 0,
            },
        };
        self.core
            .resolve(&mut request, KeyValueResult::Ok { response })
            .unwrap()
    }

    /// Completes up to `n` held storage requests, oldest first.
    pub fn flush_storage(&mut self, n: usize) {
        for _ in 0..n {
            if self.storage_queue.is_empty() {
                break;
            }
            let request = self.storage_queue.remove(0);
            let effects = self.resolve_storage(request);
            self.run(effects);
        }
    }

    /// Completes the held storage request at `index` (modulo the queue's length):
    /// shells may complete writes in any order.
    pub fn flush_storage_at(&mut self, index: usize) {
        if self.storage_queue.is_empty() {
            return;
        }
        let request = self.storage_queue.remove(index % self.storage_queue.len());
        let effects = self.resolve_storage(request);
        self.run(effects);
    }

    /// Completes, in order, the held storage requests that `wanted` picks.
    pub fn flush_matching(&mut self, wanted: impl Fn(&KeyValueOperation) -> bool) {
        while let Some(pos) = self.storage_queue.iter().position(|r| wanted(&r.operation)) {
            let request = self.storage_queue.remove(pos);
            let effects = self.resolve_storage(request);
            self.run(effects);
        }
    }

    pub fn flush_all_storage(&mut self) {
        while !self.storage_queue.is_empty() {
            self.flush_storage(usize::MAX);
        }
    }

    /// Delivers a socket event for the live connection.
    pub fn socket_event(&mut self, event: WebSocketEvent) {
        let terminal = event.is_terminal();
        let Some(mut request) = self.socket.take() else {
            return;
        };
        if matches!(event, WebSocketEvent::Opened) {
            self.socket_open = true;
        }
        let effects = self.core.resolve(&mut request, event).unwrap();
        if terminal {
            self.socket_open = false;
            self.outbound.clear();
        } else if self.socket.is_none() {
            self.socket = Some(request);
        }
        self.run(effects);
    }

    /// The network is back: waits (moving the clock a second at a time, for at most
    /// two minutes) until the core asks to connect, then opens the connection.
    pub fn open_socket(&mut self) {
        for _ in 0..120 {
            if self.socket.is_some() {
                break;
            }
            self.advance(1_000);
        }
        if self.socket.is_some() && !self.socket_open {
            self.socket_event(WebSocketEvent::Opened);
        }
    }

    pub fn drop_connection(&mut self) {
        if self.socket.is_some() {
            self.socket_event(WebSocketEvent::Failed {
                message: "network gone".into(),
            });
        }
    }

    pub fn receive(&mut self, text: String) {
        if self.socket_open {
            self.socket_event(WebSocketEvent::Text { text });
        }
    }

    /// Moves the clock on, firing due timers in order.
    pub fn advance(&mut self, ms: i64) {
        let until = self.now_ms + ms;
        loop {
            self.timers.sort_by_key(|(at, _)| *at);
            let Some(pos) = self.timers.iter().position(|(at, _)| *at <= until) else {
                break;
            };
            let (at, mut request) = self.timers.remove(pos);
            self.now_ms = self.now_ms.max(at);
            let id = match &request.operation {
                TimeRequest::NotifyAfter { id, .. } => *id,
                _ => TimerId(0),
            };
            let effects = self
                .core
                .resolve(&mut request, TimeResponse::DurationElapsed { id })
                .unwrap();
            self.run(effects);
        }
        self.now_ms = until;
    }

    /// Sends everything the core sent to `server` and delivers its answers.
    pub fn exchange(&mut self, server: &mut SimServer) {
        loop {
            let frames: Vec<String> = std::mem::take(&mut self.outbound);
            if frames.is_empty() {
                break;
            }
            for frame in frames {
                for answer in server.handle(&frame, self.now_ms) {
                    self.receive(answer);
                }
            }
        }
    }

    /// Connects (if the core asked to) and runs the session until quiet.
    pub fn sync_with(&mut self, server: &mut SimServer) {
        if !self.socket_open && (self.socket.is_some() || self.core.view().station.is_some()) {
            self.open_socket();
        }
        self.exchange(server);
    }

    pub fn page(&self) -> Page {
        self.view().page
    }

    /// A started app activated with the server's code.
    pub fn activated(server: &mut SimServer) -> Self {
        let mut shell = Self::new();
        shell.send(Event::Start);
        shell.send(Event::Activate {
            server_url: "wss://kiesdag.example/ws".into(),
            activation_code: server::CODE.into(),
        });
        shell.sync_with(server);
        shell
    }

    /// Ticks the whole checklist, adds `members`, and opens at opening time.
    pub fn open_station(&mut self, server: &mut SimServer, members: &[(&str, StaffRole)]) {
        for item in &server.election.opening_checklist {
            self.send(Event::ToggleChecklistItem {
                item_id: item.id.clone(),
            });
        }
        for (name, role) in members {
            self.send(Event::AddMember {
                name: (*name).into(),
                role: *role,
            });
        }
        self.now_ms = self.now_ms.max(OPENS);
        self.send(Event::OpenStation);
        self.sync_with(server);
    }

    /// Ticks the whole closing checklist (what closing needs besides the time).
    pub fn tick_closing_checklist(&mut self, server: &SimServer) {
        for item in &server.election.closing_checklist {
            self.send(Event::ToggleClosingItem {
                item_id: item.id.clone(),
            });
        }
    }
}

/// Three members present at opening.
pub const OPENING_STAFF: [(&str, StaffRole); 3] = [
    ("Anna de Vries", StaffRole::Chair),
    ("Bram Jansen", StaffRole::Member),
    ("Chris Bakker", StaffRole::Member),
];

/// An activated station, opened with `OPENING_STAFF`.
pub fn opened_station(server: &mut SimServer) -> Shell {
    let mut shell = Shell::activated(server);
    shell.open_station(server, &OPENING_STAFF);
    shell
}
