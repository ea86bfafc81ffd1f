//! The clock and timers, over crux_time's protocol. We send `TimeRequest`s ourselves
//! rather than through `crux_time::Time`, whose helpers panic on an unexpected answer:
//! a shell that answers wrongly must not take the core down.

use std::time::Duration;

use crux_core::{Command, Request};
use crux_time::{TimeRequest, TimeResponse, TimerId};

use crate::domain::Timestamp;

/// Asks the shell for the current time; `to_event` gets `None` if the shell answered
/// with something other than the time.
pub fn now<Effect, Event, F>(to_event: F) -> Command<Effect, Event>
where
    Effect: From<Request<TimeRequest>> + Send + 'static,
    Event: Send + 'static,
    F: FnOnce(Option<Timestamp>) -> Event + Send + 'static,
{
    Command::request_from_shell(TimeRequest::Now).then_send(move |response| {
        to_event(match response {
            TimeResponse::Now { instant } => {
                let time: std::time::SystemTime = instant.into();
                time.duration_since(std::time::UNIX_EPOCH)
                    .ok()
                    .and_then(|d| i64::try_from(d.as_millis()).ok())
                    .map(Timestamp)
            }
            _ => None,
        })
    })
}

/// Asks the shell to wake the core after `after`. `id` tells the timers apart.
pub fn wake_after<Effect, Event>(id: usize, after: Duration, event: Event) -> Command<Effect, Event>
where
    Effect: From<Request<TimeRequest>> + Send + 'static,
    Event: Send + 'static,
{
    let nanos = u64::try_from(after.as_nanos()).unwrap_or(u64::MAX);
    Command::request_from_shell(TimeRequest::NotifyAfter {
        id: TimerId(id),
        duration: crux_time::Duration::new(nanos),
    })
    .then_send(move |_| event)
}
