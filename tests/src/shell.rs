use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
pub struct Station {
    input: mpsc::UnboundedSender<Input>,
    view: watch::Receiver<ViewModel>,
    network: Arc<AtomicBool>,
    task: JoinHandle<()>,
    pub storage: Storage,
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
        let (input, queue) = mpsc::unbounded_channel();
        let (view_tx, view) = watch::channel(ViewModel::default());
        let network = Arc::new(AtomicBool::new(true));
        let task = tokio::spawn(run(
            storage.clone(),
            queue,
            input.clone(),
            view_tx,
            network.clone(),
        ));
        let station = Self {
            input,
            view,
            network,
            task,
            storage,
        };
        station.send(Event::Start);
        station
    }

    pub fn send(&self, event: Event) {
        let _ = self.input.send(Input::Event(event));
    }

    #[must_use]
    pub fn view(&self) -> ViewModel {
        self.view.borrow().clone()
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
                if done(&self.view.borrow_and_update()) {
                    return Ok(self.view.borrow().clone());
                }
                if self.view.changed().await.is_err() {
                    return Err(WaitError::Stopped);
                }
            }
        };
        tokio::time::timeout(within, wait)
            .await
            .map_err(|_| WaitError::Timeout(within))?
    }

    /// The network goes away (every connection fails) or comes back.
    pub fn set_network(&self, up: bool) {
        self.network.store(up, Ordering::SeqCst);
    }

    /// The app is killed: its memory, timers and connection are gone; storage stays.
    #[must_use]
    pub fn kill(self) -> Storage {
        self.task.abort();
        self.storage
    }
}

#[allow(clippy::too_many_lines)]
async fn run(
    storage: Storage,
    mut queue: mpsc::UnboundedReceiver<Input>,
    input: mpsc::UnboundedSender<Input>,
    view: watch::Sender<ViewModel>,
    network: Arc<AtomicBool>,
) {
    let core: Core<ChairApp> = Core::new();
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
                    let _ = view.send(core.view());
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
                            url,
                            connection,
                            outgoing,
                            input.clone(),
                            network.clone(),
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

/// One connection: opens, forwards frames both ways, and reports how it ended.
async fn connect(
    url: String,
    connection: u64,
    mut outgoing: mpsc::UnboundedReceiver<Message>,
    input: mpsc::UnboundedSender<Input>,
    network: Arc<AtomicBool>,
) {
    let report = |event| {
        let _ = input.send(Input::Socket { connection, event });
    };
    if !network.load(Ordering::SeqCst) {
        report(WebSocketEvent::Failed {
            message: "no network".into(),
        });
        return;
    }
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let stream = match tokio_tungstenite::connect_async_with_config(
        url.as_str(),
        Some(config),
        true,
    )
    .await
    {
        Ok((stream, _)) => stream,
        Err(e) => {
            report(WebSocketEvent::Failed {
                message: e.to_string(),
            });
            return;
        }
    };
    report(WebSocketEvent::Opened);
    let (mut sink, mut source) = stream.split();
    let mut network_check = tokio::time::interval(Duration::from_millis(50));
    loop {
        tokio::select! {
            frame = source.next() => match frame {
                Some(Ok(Message::Text(text))) => report(WebSocketEvent::Text { text: text.to_string() }),
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
            _ = network_check.tick() => {
                if !network.load(Ordering::SeqCst) {
                    report(WebSocketEvent::Failed { message: "network lost".into() });
                    return;
                }
            }
        }
    }
}
