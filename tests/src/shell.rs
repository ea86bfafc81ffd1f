use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crux_core::Core;
use crux_time::{TimeRequest, TimeResponse};
use futures_util::{SinkExt, StreamExt};
use shared::app::effects::websocket::{WebSocketEvent, WebSocketOperation};
use shared::{ChairApp, Effect, Event, ViewModel};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::Storage;

type Resolution = Box<dyn FnOnce(&Core<ChairApp>) -> Vec<Effect> + Send>;

enum Input {
    Event(Event),
    Resolve(Resolution),
    Socket {
        connection: u64,
        event: WebSocketEvent,
    },
}

/// A station's device: the real core, driven by this shell on a tokio task.
///
/// The view model is computed when someone looks (`view`, `wait_for`), not at every
/// render: a load generator runs thousands of cores and watches few of them.
pub struct Station {
    input: mpsc::UnboundedSender<Input>,
    core: Arc<Core<ChairApp>>,
    renders: watch::Receiver<u64>,
    network: watch::Sender<bool>,
    acks: Arc<AtomicU64>,
    task: JoinHandle<()>,
    pub storage: Storage,
}

/// How the shell reaches the network.
#[derive(Debug, Clone, Default)]
pub struct ShellOptions {
    /// The local address connections start from (a load generator spreads its
    /// thousands of connections over several 127.0.x.y addresses); any when `None`.
    pub source_address: Option<IpAddr>,
    /// The TLS client for `wss://` (say, trusting a test CA); the Web PKI's roots when
    /// `None`.
    pub tls: Option<Arc<rustls::ClientConfig>>,
}

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error("timed out after {0:?} waiting for the view")]
    Timeout(Duration),
    #[error("the station's shell has stopped")]
    Stopped,
}

impl Station {
    /// Starts the app on a device with `storage` (empty for a new device).
    #[must_use]
    pub fn start(storage: Storage) -> Self {
        Self::start_with(storage, ShellOptions::default())
    }

    /// Starts the app with the given network options.
    #[must_use]
    pub fn start_with(storage: Storage, options: ShellOptions) -> Self {
        let (input, queue) = mpsc::unbounded_channel();
        let (render_tx, renders) = watch::channel(0);
        let (network, _) = watch::channel(true);
        let core = Arc::new(Core::new());
        let acks = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(run(
            Shell {
                core: core.clone(),
                storage: storage.clone(),
                input: input.clone(),
                renders: render_tx,
                network: network.clone(),
                acks: acks.clone(),
                options,
            },
            queue,
        ));
        let station = Self {
            input,
            core,
            renders,
            network,
            acks,
            task,
            storage,
        };
        station.send(Event::Start);
        station
    }

    pub fn send(&self, event: Event) {
        let _ = self.input.send(Input::Event(event));
    }

    /// The chair opens the station as the tests do: ticks every item of the default
    /// checklist, adds three members (Anna, Bram, Chris) and taps "open". Only sends
    /// the taps; wait for the phase to see the station open.
    pub fn tap_opening(&self) {
        for item in shared::domain::Election::default_checklist() {
            self.send(Event::ToggleChecklistItem { item_id: item.id });
        }
        for name in ["Anna", "Bram", "Chris"] {
            self.send(Event::AddMember {
                name: name.into(),
                role: shared::domain::StaffRole::Member,
            });
        }
        self.send(Event::OpenStation);
    }

    /// The chair ticks every item of the default closing checklist, what closing
    /// needs (`Event::CloseStation` is refused until it is done). Only sends the taps.
    pub fn tap_closing_checklist(&self) {
        for item in shared::domain::Election::default_closing_checklist() {
            self.send(Event::ToggleClosingItem { item_id: item.id });
        }
    }

    #[must_use]
    pub fn view(&self) -> ViewModel {
        self.core.view()
    }

    /// Waits until the view satisfies `done`.
    ///
    /// # Errors
    /// `Timeout` after `within`, `Stopped` if the shell ended.
    pub async fn wait_for(
        &mut self,
        within: Duration,
        done: impl Fn(&ViewModel) -> bool,
    ) -> Result<ViewModel, WaitError> {
        let wait = async {
            loop {
                self.renders.borrow_and_update();
                let view = self.core.view();
                if done(&view) {
                    return Ok(view);
                }
                if self.renders.changed().await.is_err() {
                    return Err(WaitError::Stopped);
                }
            }
        };
        tokio::time::timeout(within, wait)
            .await
            .map_err(|_| WaitError::Timeout(within))?
    }

    /// How many acknowledgements the server has sent this device: a cheap count for
    /// load tests, which do not compute thousands of view models to follow progress.
    #[must_use]
    pub fn acks_received(&self) -> u64 {
        self.acks.load(Ordering::Relaxed)
    }

    /// How many times the core has asked to render so far: a cheap way for a load
    /// generator to look at the view of thousands of cores only when it changed.
    #[must_use]
    pub fn renders(&self) -> u64 {
        *self.renders.borrow()
    }

    /// The network goes away (every connection fails) or comes back.
    pub fn set_network(&self, up: bool) {
        self.network.send_replace(up);
    }

    /// The app is killed: its memory, timers and connection are gone; storage stays.
    #[must_use]
    pub fn kill(self) -> Storage {
        self.task.abort();
        self.storage
    }
}

#[allow(clippy::too_many_lines)]
struct Shell {
    core: Arc<Core<ChairApp>>,
    storage: Storage,
    input: mpsc::UnboundedSender<Input>,
    renders: watch::Sender<u64>,
    network: watch::Sender<bool>,
    acks: Arc<AtomicU64>,
    options: ShellOptions,
}

async fn run(shell: Shell, mut queue: mpsc::UnboundedReceiver<Input>) {
    let Shell {
        core,
        storage,
        input,
        renders,
        network,
        acks,
        options,
    } = shell;
    let mut socket_request = None;
    let mut socket_writer: Option<mpsc::UnboundedSender<Message>> = None;
    let mut socket_task: Option<JoinHandle<()>> = None;
    let mut connection = 0u64;
    let mut effects: VecDeque<Effect> = VecDeque::new();
    while let Some(next) = queue.recv().await {
        match next {
            Input::Event(event) => effects.extend(core.process_event(event)),
            Input::Resolve(resolve) => effects.extend(resolve(&core)),
            Input::Socket {
                connection: c,
                event,
            } => {
                if c == connection
                    && let Some(mut request) = socket_request.take()
                {
                    let terminal = event.is_terminal();
                    if terminal {
                        socket_writer = None;
                    }
                    effects.extend(core.resolve(&mut request, event).unwrap_or_default());
                    if !terminal {
                        socket_request = Some(request);
                    }
                }
            }
        }
        while let Some(effect) = effects.pop_front() {
            match effect {
                Effect::Render(_) => {
                    renders.send_modify(|n| *n += 1);
                }
                Effect::KeyValue(mut request) => {
                    let result = storage.perform(request.operation.clone());
                    effects.extend(core.resolve(&mut request, result).unwrap_or_default());
                }
                Effect::Time(mut request) => match request.operation.clone() {
                    TimeRequest::Now => {
                        let instant = SystemTime::now().into();
                        effects.extend(
                            core.resolve(&mut request, TimeResponse::Now { instant })
                                .unwrap_or_default(),
                        );
                    }
                    TimeRequest::NotifyAfter { id, duration } => {
                        let input = input.clone();
                        let after: Duration = duration.into();
                        tokio::spawn(async move {
                            tokio::time::sleep(after).await;
                            let resolve: Resolution = Box::new(move |core| {
                                core.resolve(&mut request, TimeResponse::DurationElapsed { id })
                                    .unwrap_or_default()
                            });
                            let _ = input.send(Input::Resolve(resolve));
                        });
                    }
                    TimeRequest::NotifyAt { id, .. } => {
                        effects.extend(
                            core.resolve(&mut request, TimeResponse::InstantArrived { id })
                                .unwrap_or_default(),
                        );
                    }
                    TimeRequest::Clear { id } => {
                        effects.extend(
                            core.resolve(&mut request, TimeResponse::Cleared { id })
                                .unwrap_or_default(),
                        );
                    }
                },
                Effect::WebSocket(request) => match request.operation.clone() {
                    WebSocketOperation::Connect { url } => {
                        if let Some(task) = socket_task.take() {
                            task.abort();
                        }
                        connection += 1;
                        socket_request = Some(request);
                        let (writer, outgoing) = mpsc::unbounded_channel();
                        socket_writer = Some(writer);
                        socket_task = Some(tokio::spawn(connect(
                            Link {
                                url,
                                connection,
                                input: input.clone(),
                                network: network.subscribe(),
                                acks: acks.clone(),
                                source_address: options.source_address,
                                tls: options.tls.clone(),
                            },
                            outgoing,
                        )));
                    }
                    WebSocketOperation::Send { text } => {
                        if let Some(writer) = &socket_writer {
                            let _ = writer.send(Message::text(text));
                        }
                    }
                    WebSocketOperation::Close => {
                        if let Some(task) = socket_task.take() {
                            task.abort();
                        }
                        socket_writer = None;
                        socket_request = None;
                    }
                },
            }
        }
    }
}

struct Link {
    url: String,
    connection: u64,
    input: mpsc::UnboundedSender<Input>,
    network: watch::Receiver<bool>,
    acks: Arc<AtomicU64>,
    source_address: Option<IpAddr>,
    tls: Option<Arc<rustls::ClientConfig>>,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a WebSocket, from `source` when given, over TLS with `tls` when given.
async fn open_socket(
    url: &str,
    source: Option<IpAddr>,
    tls: Option<Arc<rustls::ClientConfig>>,
    config: WebSocketConfig,
) -> Result<Socket, String> {
    let Some(source) = source else {
        return tokio_tungstenite::connect_async_tls_with_config(
            url,
            Some(config),
            true,
            tls.map(tokio_tungstenite::Connector::Rustls),
        )
        .await
        .map(|(stream, _)| stream)
        .map_err(|e| e.to_string());
    };
    let authority = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    let server: SocketAddr = tokio::net::lookup_host(authority)
        .await
        .map_err(|e| e.to_string())?
        .next()
        .ok_or_else(|| format!("no address for {authority}"))?;
    let socket = if server.is_ipv4() {
        tokio::net::TcpSocket::new_v4()
    } else {
        tokio::net::TcpSocket::new_v6()
    }
    .map_err(|e| e.to_string())?;
    socket
        .bind(SocketAddr::new(source, 0))
        .map_err(|e| format!("bind {source}: {e}"))?;
    let stream = socket.connect(server).await.map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    tokio_tungstenite::client_async_tls_with_config(
        url,
        stream,
        Some(config),
        tls.map(tokio_tungstenite::Connector::Rustls),
    )
    .await
    .map(|(stream, _)| stream)
    .map_err(|e| e.to_string())
}

/// One connection: opens, forwards frames both ways, and reports how it ended.
async fn connect(link: Link, mut outgoing: mpsc::UnboundedReceiver<Message>) {
    let Link {
        url,
        connection,
        input,
        mut network,
        acks,
        source_address,
        tls,
    } = link;
    let report = |event| {
        let _ = input.send(Input::Socket { connection, event });
    };
    if !*network.borrow_and_update() {
        report(WebSocketEvent::Failed {
            message: "no network".into(),
        });
        return;
    }
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let stream = match open_socket(&url, source_address, tls, config).await {
        Ok(stream) => stream,
        Err(message) => {
            report(WebSocketEvent::Failed { message });
            return;
        }
    };
    report(WebSocketEvent::Opened);
    let (mut sink, mut source) = stream.split();
    loop {
        tokio::select! {
            frame = source.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    if text.contains("\"type\":\"ack\"") {
                        acks.fetch_add(1, Ordering::Relaxed);
                    }
                    report(WebSocketEvent::Text { text: text.to_string() });
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame.map_or((1005, String::new()), |f| (u16::from(f.code), f.reason.to_string()));
                    report(WebSocketEvent::Closed { code, reason });
                    return;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    report(WebSocketEvent::Failed { message: e.to_string() });
                    return;
                }
                None => {
                    report(WebSocketEvent::Closed { code: 1006, reason: "connection ended".into() });
                    return;
                }
            },
            message = outgoing.recv() => match message {
                Some(message) => {
                    if let Err(e) = sink.send(message).await {
                        report(WebSocketEvent::Failed { message: e.to_string() });
                        return;
                    }
                }
                None => {
                    let _ = sink.close().await;
                    return;
                }
            },
            changed = network.changed() => {
                if changed.is_err() || !*network.borrow_and_update() {
                    report(WebSocketEvent::Failed { message: "network lost".into() });
                    return;
                }
            }
        }
    }
}
