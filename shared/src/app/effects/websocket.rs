//! A WebSocket effect. The core asks the shell to connect, send and close; the shell
//! answers a connect request with a stream of events: opened, text frames, and finally
//! closed or failed.

use crux_core::{Command, Request, capability::Operation};
use facet::Facet;
use futures::StreamExt;
use serde::{Deserialize, Serialize};

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[repr(C)]
pub enum WebSocketOperation {
    /// Open a connection to `url`. The shell closes any connection it already has.
    Connect { url: String },
    /// Send one text frame on the open connection (dropped when there is none).
    Send { text: String },
    /// Close the connection.
    Close,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[repr(C)]
pub enum WebSocketEvent {
    Opened,
    Text { text: String },
    Closed { code: u16, reason: String },
    Failed { message: String },
}

impl WebSocketEvent {
    /// The last event of a connection.
    #[must_use]
    pub const fn is_terminal(&self) -> bool {
        matches!(self, Self::Closed { .. } | Self::Failed { .. })
    }
}

impl Operation for WebSocketOperation {
    type Output = WebSocketEvent;
}

/// Connects and turns every event of the connection into an app event, ending the
/// stream after the connection's last event.
pub fn connect<Effect, Event, F>(url: String, to_event: F) -> Command<Effect, Event>
where
    Effect: From<Request<WebSocketOperation>> + Send + 'static,
    Event: Send + 'static,
    F: Fn(WebSocketEvent) -> Event + Send + 'static,
{
    Command::new(|ctx| async move {
        let mut events = ctx.stream_from_shell(WebSocketOperation::Connect { url });
        while let Some(event) = events.next().await {
            let terminal = event.is_terminal();
            ctx.send_event(to_event(event));
            if terminal {
                break;
            }
        }
    })
}

pub fn send<Effect, Event>(text: String) -> Command<Effect, Event>
where
    Effect: From<Request<WebSocketOperation>> + Send + 'static,
    Event: Send + 'static,
{
    Command::notify_shell(WebSocketOperation::Send { text }).into()
}

pub fn close<Effect, Event>() -> Command<Effect, Event>
where
    Effect: From<Request<WebSocketOperation>> + Send + 'static,
    Event: Send + 'static,
{
    Command::notify_shell(WebSocketOperation::Close).into()
}
