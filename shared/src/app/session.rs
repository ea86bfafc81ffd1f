//! The session with the server: connecting with backoff, the handshake (activation or
//! resume), sending the outbox in order within a window, the watchdog, heartbeats,
//! the clock's offset, and the errors that end a session. A leaf: it builds WebSocket
//! and clock effects and does not touch storage; what the server's acks, refusals
//! and welcome mean for the outbox is the engine's (`engine`).

use std::time::Duration;

use crux_core::{Command, render::render};

use super::{
    Effect, Event, Internal, Model, Screen,
    effects::{clock, websocket},
    lifecycle::Activation,
    model::{Connection, DeviceRecord, Notice, ServerTrouble},
    sync::{Backoff, OperationState, Pace},
};
use crate::domain::{Election, Station, Timestamp};
use crate::protocol::{self, ClientMessage, DecodeError, RejectCode};

/// How often the core wakes to check the clock, send a heartbeat and retry writes.
pub const TICK: Duration = Duration::from_secs(20);
/// A connection that has heard nothing from the server for this long is dead. A
/// backstop: the watchdog (below) notices an unanswered heartbeat much sooner.
pub const SILENCE_LIMIT_MS: i64 = 60_000;
/// Operations sent and not yet acknowledged, at most.
pub const SEND_WINDOW: usize = 32;
/// Operations in flight with no ack for this long, although the server answers other
/// frames (heartbeats): the session is stuck (a server that lost our operations or
/// its acks); resume it, which sends them again.
pub const ACK_TIMEOUT_MS: i64 = 30_000;
/// While an answer is due (operations in flight, or a heartbeat unanswered), the
/// watchdog looks this often whether any frame arrived from the server. It runs only
/// then, so an idle device does not wake for it.
pub const WATCHDOG: Duration = Duration::from_secs(1);
/// No frame at all from the server for this long (give or take one watchdog period)
/// while an answer is due: the chair is told the server is not answering and that
/// the reports are kept on the device (`ConnectionState::ServerNotAnswering`).
pub const NOT_ANSWERING_MS: u64 = 5_000;
/// No frame at all for this long while an answer is due: the session is given up
/// and a new connection tried at the outage pace (a paused or hung server, or a
/// connection the network silently dropped); the operations are sent again on it.
pub const NO_ANSWER_RECONNECT_MS: u64 = 10_000;
/// A connection that is not up (opened and welcomed) in this time is given up and
/// tried again.
pub const CONNECT_TIMEOUT_MS: i64 = 20_000;

pub(super) fn activate(
    model: &mut Model,
    server_url: String,
    code: String,
) -> Command<Effect, Event> {
    let server_url = server_url.trim().to_owned();
    let code = code.trim().to_owned();
    if server_url.is_empty() || code.is_empty() {
        model.notice = Some(Notice {
            is_error: true,
            text: model.say(
                "Vul het serveradres en de activeringscode in.",
                "Enter the server address and the activation code.",
            ),
        });
        return render();
    }
    if let Err(refusal) = check_server_url(&server_url) {
        model.notice = Some(Notice {
            is_error: true,
            text: refusal.text(model),
        });
        return render();
    }
    if !model
        .lifecycle
        .begin_activation(Activation { server_url, code })
    {
        return render();
    }
    model.notice = None;
    model.busy += 1;
    Command::all([close_current(model), connect(model), render()])
}

/// Why a server address is refused before anything is sent to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ServerUrlRefusal {
    /// Not a WebSocket or web address (`wss://`, `https://`, or on this device only
    /// `ws://`, `http://`), or not one that can be read.
    #[error("not a wss:// address")]
    Malformed,
    /// Unencrypted (`ws://`, `http://`) to another machine: the activation code and the
    /// device's token would cross the network readable by anyone on it.
    #[error("an unencrypted address of another machine")]
    Unencrypted,
}

impl ServerUrlRefusal {
    fn text(self, model: &Model) -> String {
        match self {
            Self::Malformed => model.say(
                "Dit serveradres klopt niet. Het begint met wss://, bijvoorbeeld wss://kiesdag.gemeente.nl/ws/station.",
                "This server address is not valid. It starts with wss://, for example wss://kiesdag.gemeente.nl/ws/station.",
            ),
            Self::Unencrypted => model.say(
                "Dit serveradres is niet beveiligd (ws:// of http://). Gebruik het adres dat met wss:// begint.",
                "This server address is not secure (ws:// or http://). Use the address that starts with wss://.",
            ),
        }
    }
}

/// Whether the chair's device may send its activation code and token to `url`: an
/// encrypted address (`wss://`, `https://`) anywhere, an unencrypted one (`ws://`,
/// `http://`) only to this device itself (`localhost`, 127.0.0.0/8, `::1`; the demo
/// and the tests). Anything in doubt is refused: credentials in the address, a host
/// that only looks like a loopback one (`localhost.example`, `127.1`), characters a
/// browser would read otherwise (`\`, spaces).
///
/// # Errors
/// Why the address is refused.
pub fn check_server_url(url: &str) -> Result<(), ServerUrlRefusal> {
    let (scheme, rest) = url.split_once("://").ok_or(ServerUrlRefusal::Malformed)?;
    let encrypted = match scheme.to_ascii_lowercase().as_str() {
        "wss" | "https" => true,
        "ws" | "http" => false,
        _ => return Err(ServerUrlRefusal::Malformed),
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or_default();
    if authority.is_empty() {
        return Err(ServerUrlRefusal::Malformed);
    }
    if encrypted {
        return Ok(());
    }
    if !authority
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    {
        // Credentials ("ws://localhost@elsewhere"), escapes, spaces: nothing a loopback
        // address needs, and things a browser may read as another host.
        return Err(ServerUrlRefusal::Unencrypted);
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or(ServerUrlRefusal::Malformed)?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or(ServerUrlRefusal::Malformed)?),
        };
        let address: std::net::Ipv6Addr =
            host.parse().map_err(|_| ServerUrlRefusal::Unencrypted)?;
        if !address.is_loopback() {
            return Err(ServerUrlRefusal::Unencrypted);
        }
        (None, port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(authority), None),
        }
    };
    if let Some(port) = port
        && (port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ServerUrlRefusal::Malformed);
    }
    let Some(host) = host else {
        return Ok(());
    };
    let host = host.to_ascii_lowercase();
    let loopback = host == "localhost"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|address| address.is_loopback());
    if loopback {
        Ok(())
    } else {
        Err(ServerUrlRefusal::Unencrypted)
    }
}

pub(super) fn reconnect_now(model: &mut Model) -> Command<Effect, Event> {
    let silent = model.trouble == Some(ServerTrouble::NotAnswering);
    if model.device.is_none() || (model.connection == Connection::Online && !silent) {
        return render();
    }
    if let Some(backoff) = model.backoff.as_mut() {
        // The chair's tap is one attempt now; a busy server keeps its slower pace.
        backoff.reset_outage();
    }
    Command::all([close_current(model), connect(model), render()])
}

/// Asks the shell to open a new connection; events of older ones are ignored from now.
pub(super) fn connect(model: &mut Model) -> Command<Effect, Event> {
    let url = match (model.lifecycle.activation(), &model.device) {
        (Some(activation), _) => activation.server_url.clone(),
        (None, Some(device)) => device.server_url.clone(),
        (None, None) => return Command::done(),
    };
    model.generation += 1;
    model.connection = Connection::Connecting;
    // Measured from the next clock reading: `now` may be a tick old.
    model.connecting_since = None;
    model.retry_at = None;
    let generation = model.generation;
    websocket::connect(url, move |event| {
        Event::Internal(Internal::Socket { generation, event })
    })
}

fn close_current(model: &mut Model) -> Command<Effect, Event> {
    if model.connection == Connection::Offline {
        return Command::done();
    }
    model.generation += 1;
    model.connection = Connection::Offline;
    model.outbox.connection_lost();
    model.waiting_for_ack_since = None;
    model.heartbeat_outstanding = false;
    model.watchdog.armed = None;
    websocket::close()
}

fn send(message: &ClientMessage) -> Command<Effect, Event> {
    websocket::send(protocol::encode(message))
}

/// The connection ended (closed or failed).
pub(super) fn closed(model: &mut Model) -> Command<Effect, Event> {
    // The newest thing known is that the connection is gone: say that, not what the
    // server was doing before (a busy server keeps its slow pace in the backoff).
    model.trouble = None;
    connection_lost(model)
}

/// A frame that could not be read changes nothing; the session goes on.
pub(super) fn unreadable(model: &mut Model, error: &DecodeError) -> Command<Effect, Event> {
    model.protocol_errors += 1;
    model.notice = Some(Notice {
        is_error: true,
        text: model.say(
            "De server stuurde een onleesbaar bericht.",
            "The server sent an unreadable message.",
        ) + &format!(" ({error})"),
    });
    render()
}

/// A frame arrived: the server answers. Returns whether it had been shown as not
/// answering.
pub(super) fn heard(model: &mut Model) -> bool {
    model.last_heard = model.now;
    model.watchdog.heard = true;
    model.heartbeat_outstanding = false;
    if model.trouble == Some(ServerTrouble::NotAnswering) {
        model.trouble = None;
        return true;
    }
    false
}

/// The server stored (or refused) something of ours, or had nothing of ours to store:
/// it is neither failing to store nor busy.
pub(super) fn server_stores(model: &mut Model) {
    if matches!(
        model.trouble,
        Some(ServerTrouble::CannotStore | ServerTrouble::Busy)
    ) {
        model.trouble = None;
    }
    if let Some(backoff) = model.backoff.as_mut() {
        backoff.reset();
    }
}

pub(super) fn opened(model: &mut Model) -> Command<Effect, Event> {
    model.connection = Connection::Handshaking;
    model.last_heard = model.now;
    let Some(device_id) = model.device_id else {
        return Command::done();
    };
    let message = match (model.lifecycle.activation(), &model.device) {
        (Some(activation), _) => ClientMessage::Activate {
            activation_code: activation.code.clone(),
            device_id,
        },
        (None, Some(device)) => hello(model, device),
        (None, None) => return Command::done(),
    };
    Command::all([send(&message), render()])
}

fn hello(model: &Model, device: &DeviceRecord) -> ClientMessage {
    // Everything below the first unfinished operation is finished.
    let last_acked_seq = model
        .outbox
        .unfinished()
        .next()
        .map_or(model.local.next_seq.saturating_sub(1), |e| {
            e.operation.device_seq.saturating_sub(1)
        });
    ClientMessage::Hello {
        device_token: device.device_token.clone(),
        device_id: device.device_id,
        last_acked_seq,
        resend_from: Some(model.resendable_from()),
    }
}

fn connection_lost(model: &mut Model) -> Command<Effect, Event> {
    model.connection = Connection::Offline;
    model.connecting_since = None;
    model.outbox.connection_lost();
    model.waiting_for_ack_since = None;
    model.heartbeat_outstanding = false;
    model.watchdog.armed = None;
    if model.lifecycle.end_activation().is_some() {
        model.busy = model.busy.saturating_sub(1);
        model.notice = Some(Notice {
            is_error: true,
            text: model.say(
                "De server is niet bereikbaar. Probeer het opnieuw.",
                "The server cannot be reached. Please try again.",
            ),
        });
        return render();
    }
    if model.device.is_none() {
        return render();
    }
    let seed = model.device_id.map_or(1, |id| id.as_u64_pair().0);
    let pace = match model.trouble {
        Some(ServerTrouble::Busy) => Pace::Busy,
        Some(ServerTrouble::CannotStore) => Pace::Storage,
        Some(ServerTrouble::NotAnswering) | None => Pace::Outage,
    };
    let delay = model
        .backoff
        .get_or_insert_with(|| Backoff::new(seed))
        .next_delay(pace);
    model.retry_at = model
        .now
        .map(|now| now.plus_millis(i64::try_from(delay.as_millis()).unwrap_or(0)));
    let generation = model.generation;
    Command::all([
        clock::wake_after(
            timer_id(model),
            delay,
            Event::Internal(Internal::Retry { generation }),
        ),
        render(),
    ])
}

pub(super) fn retry(model: &mut Model, generation: u64) -> Command<Effect, Event> {
    // Only the retry scheduled for the latest lost connection counts.
    if generation != model.generation || model.connection != Connection::Offline {
        return Command::done();
    }
    Command::all([connect(model), render()])
}

/// The server accepted the activation code: the device is activated, and the session
/// goes on as a resumed one. Returns the `Hello` to send, or None when no activation
/// was under way.
pub(super) fn activated(
    model: &mut Model,
    device_token: String,
    election: Election,
    station: Station,
) -> Option<Command<Effect, Event>> {
    let activation = model.lifecycle.end_activation();
    let (Some(activation), Some(device_id)) = (activation, model.device_id) else {
        return None;
    };
    model.busy = model.busy.saturating_sub(1);
    let record = DeviceRecord {
        device_id,
        server_url: activation.server_url,
        device_token,
        election,
        station,
    };
    let hello = hello(model, &record);
    model.device = Some(record);
    model.screen = Screen::Opening;
    Some(send(&hello))
}

/// The server welcomed the session: it is up.
pub(super) fn welcomed(model: &mut Model) {
    model.connection = Connection::Online;
    model.connecting_since = None;
    if let Some(backoff) = model.backoff.as_mut() {
        backoff.reset_outage();
    }
    if model.outbox.is_empty() {
        // Nothing of ours waits to be stored: no reason to say it cannot be.
        server_stores(model);
    }
}

/// The server said the session cannot go on (or the activation code is refused).
pub(super) fn session_error(
    model: &mut Model,
    code: RejectCode,
    message: String,
) -> Command<Effect, Event> {
    if !model.lifecycle.is_activating()
        && let Some(trouble) = match code {
            RejectCode::Overloaded | RejectCode::TooManyAttempts => Some(ServerTrouble::Busy),
            RejectCode::StorageUnavailable => Some(ServerTrouble::CannotStore),
            _ => None,
        }
    {
        // Nothing was refused: the session ends, the operations stay in the outbox and
        // go again on the next one (soon, or later for a busy server). The connection
        // status says why; no notice blames the chair's network.
        model.trouble = Some(trouble);
        return Command::all([close_current(model), connection_lost(model)]);
    }
    let text = match code {
        RejectCode::InvalidActivationCode => model.say(
            "Deze activeringscode klopt niet of is verlopen.",
            "This activation code is wrong or has expired.",
        ),
        RejectCode::TooManyAttempts => model.say(
            "Te veel pogingen. Wacht even en probeer het opnieuw.",
            "Too many attempts. Wait a moment and try again.",
        ),
        RejectCode::Overloaded => model.say(
            "De server is nu te druk. Wacht even en probeer het opnieuw.",
            "The server is busy right now. Wait a moment and try again.",
        ),
        RejectCode::StorageUnavailable => model.say(
            "De server kan nu niets opslaan. Wacht even en probeer het opnieuw.",
            "The server cannot store anything right now. Wait a moment and try again.",
        ),
        RejectCode::InvalidToken | RejectCode::ExpiredToken | RejectCode::RevokedToken => model.say(
            "Dit apparaat is niet meer geactiveerd. Vraag een nieuwe code; niets van wat u meldde gaat verloren.",
            "This device is no longer activated. Ask for a new code; nothing you reported is lost.",
        ),
        RejectCode::ReactivationNeeded => reactivation_text(model),
        _ => message,
    };
    model.notice = Some(Notice {
        is_error: true,
        text,
    });
    match code {
        RejectCode::InvalidActivationCode
        | RejectCode::TooManyAttempts
        | RejectCode::Overloaded
        | RejectCode::StorageUnavailable => {
            let activation = model.lifecycle.end_activation();
            model.busy = model.busy.saturating_sub(u32::from(activation.is_some()));
            Command::all([close_current(model), render()])
        }
        RejectCode::InvalidToken
        | RejectCode::ExpiredToken
        | RejectCode::RevokedToken
        | RejectCode::ReactivationNeeded => {
            // Keep the outbox; a new activation for the station sends it.
            model.device = None;
            model.screen = Screen::Activation;
            Command::all([close_current(model), render()])
        }
        _ => render(),
    }
}

fn reactivation_text(model: &Model) -> String {
    model.say(
        "De server mist meldingen van dit apparaat die het niet opnieuw kan versturen. Vraag de regiekamer om een nieuwe code en activeer opnieuw; wat nog niet verzonden is gaat niet verloren.",
        "The server lacks reports of this device that it cannot send again. Ask the control room for a new code and activate again; nothing not yet sent is lost.",
    )
}

/// The server holds fewer of our operations than it finished for us, and this device
/// no longer holds them all to send again: sending on would only be refused, so the
/// session ends and the chair is asked to activate again (as the server says with
/// `RejectCode::ReactivationNeeded`). The outbox is kept.
pub(super) fn reactivation_needed(model: &mut Model) -> Command<Effect, Event> {
    session_error(
        model,
        RejectCode::ReactivationNeeded,
        reactivation_text(model),
    )
}

/// Sends what the outbox allows now, if the session is up.
pub(super) fn send_pending(model: &mut Model) -> Command<Effect, Event> {
    if model.connection != Connection::Online {
        return Command::done();
    }
    let operations = model.outbox.take_sendable(SEND_WINDOW);
    if model.outbox.count(OperationState::Sent) > 0 && model.waiting_for_ack_since.is_none() {
        model.waiting_for_ack_since = model.now;
    }
    let watch = if operations.is_empty() {
        Command::done()
    } else {
        watch(model)
    };
    Command::all(
        operations
            .into_iter()
            .map(|op| send(&ClientMessage::Operation(op)))
            .chain([watch]),
    )
}

/// An answer is due now: start the watchdog unless it runs already.
fn watch(model: &mut Model) -> Command<Effect, Event> {
    if model.watchdog.armed == Some(model.generation) {
        return Command::done();
    }
    model.watchdog.heard = false;
    model.watchdog.silent_ms = 0;
    arm_watchdog(model)
}

fn arm_watchdog(model: &mut Model) -> Command<Effect, Event> {
    let generation = model.generation;
    model.watchdog.armed = Some(generation);
    clock::wake_after(
        timer_id(model),
        WATCHDOG,
        Event::Internal(Internal::Watchdog { generation }),
    )
}

/// Whether the server owes us an answer on the session.
fn answer_due(model: &Model) -> bool {
    model.connection == Connection::Online
        && (model.heartbeat_outstanding || model.outbox.count(OperationState::Sent) > 0)
}

/// The watchdog's period passed: while an answer is due and no frame came, say after
/// `NOT_ANSWERING_MS` that the server is not answering, and after
/// `NO_ANSWER_RECONNECT_MS` give the session up and connect again. It stops once
/// nothing is due.
pub(super) fn watchdog(model: &mut Model, generation: u64) -> Command<Effect, Event> {
    if generation != model.generation || model.watchdog.armed != Some(generation) {
        return Command::done();
    }
    model.watchdog.armed = None;
    let period = u64::try_from(WATCHDOG.as_millis()).unwrap_or(u64::MAX);
    if std::mem::take(&mut model.watchdog.heard) {
        model.watchdog.silent_ms = 0;
    } else {
        model.watchdog.silent_ms = model.watchdog.silent_ms.saturating_add(period);
    }
    if !answer_due(model) {
        model.watchdog.silent_ms = 0;
        return Command::done();
    }
    let silent_ms = model.watchdog.silent_ms;
    if silent_ms >= NO_ANSWER_RECONNECT_MS {
        model.trouble = Some(ServerTrouble::NotAnswering);
        return Command::all([close_current(model), connection_lost(model)]);
    }
    let mut commands = vec![arm_watchdog(model)];
    if silent_ms >= NOT_ANSWERING_MS && model.trouble != Some(ServerTrouble::NotAnswering) {
        model.trouble = Some(ServerTrouble::NotAnswering);
        commands.push(render());
    }
    Command::all(commands)
}

/// Starts the tick; once, when the stored state has been read.
pub(super) fn start_ticking(model: &mut Model) -> Command<Effect, Event> {
    clock::wake_after(timer_id(model), TICK, Event::Internal(Internal::Tick))
}

pub(super) fn tick(model: &mut Model) -> Command<Effect, Event> {
    Command::all([
        clock::now(|now| Event::Internal(Internal::Clock(now))),
        clock::wake_after(timer_id(model), TICK, Event::Internal(Internal::Tick)),
    ])
}

/// The clock said `now`: check the connection's health, and send a heartbeat on a
/// healthy one.
pub(super) fn check_health(model: &mut Model, now: Timestamp) -> Command<Effect, Event> {
    let mut commands = Vec::new();
    match model.connection {
        Connection::Online => {
            let silent_for = model.last_heard.map_or(0, |heard| now.millis_since(heard));
            let ack_wait = model
                .waiting_for_ack_since
                .map_or(0, |since| now.millis_since(since));
            if silent_for > SILENCE_LIMIT_MS || ack_wait > ACK_TIMEOUT_MS {
                // Whatever else it answers, the server does not answer our reports.
                model.trouble = Some(ServerTrouble::NotAnswering);
                commands.push(close_current(model));
                commands.push(connection_lost(model));
            } else {
                commands.push(send(&ClientMessage::Heartbeat { sent_at: now }));
                model.heartbeat_outstanding = true;
                commands.push(watch(model));
            }
        }
        Connection::Connecting | Connection::Handshaking => {
            let since = *model.connecting_since.get_or_insert(now);
            if now.millis_since(since) > CONNECT_TIMEOUT_MS {
                // No answer from the network or the server: give up on this attempt.
                commands.push(close_current(model));
                commands.push(connection_lost(model));
            }
        }
        Connection::Offline => {}
    }
    Command::all(commands)
}

/// Reads the device's clock to compare it with the server's `server_time`.
pub(super) fn measure_clock(server_time: Timestamp) -> Command<Effect, Event> {
    clock::now(move |now| Event::Internal(Internal::ServerClock { server_time, now }))
}

/// The offset of the device's clock from the server's, measured; from now on new
/// reports are stamped with the corrected time if it is off (`Model::corrected`).
pub(super) fn server_clock(
    model: &mut Model,
    server_time: Timestamp,
    now: Option<Timestamp>,
) -> Command<Effect, Event> {
    let Some(now) = now else {
        return Command::done();
    };
    model.clock_offset_ms = Some(server_time.millis_since(now));
    render()
}

fn timer_id(model: &mut Model) -> usize {
    model.timers += 1;
    model.timers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_addresses_are_taken_anywhere() {
        for url in [
            "wss://kiesdag.example/ws/station",
            "WSS://kiesdag.example:8443/ws/station",
            "https://kiesdag.example/ws/station",
            "wss://10.0.0.5/ws/station",
        ] {
            assert_eq!(check_server_url(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn unencrypted_addresses_are_taken_only_on_this_device() {
        for url in [
            "ws://127.0.0.1:8080/ws/station",
            "ws://127.9.8.7:1/ws/station",
            "ws://localhost:8080/ws/station",
            "ws://LocalHost/ws/station",
            "http://127.0.0.1:8080/ws/station",
            "ws://[::1]:8080/ws/station",
            "ws://[::1]/ws/station",
            "ws://127.0.0.1",
        ] {
            assert_eq!(check_server_url(url), Ok(()), "{url}");
        }
        for url in [
            "ws://kiesdag.example/ws/station",
            "http://kiesdag.example/ws/station",
            "ws://192.168.1.20:8080/ws/station",
            "ws://localhost.evil.com/ws/station",
            "ws://localhost.evil.com:8080",
            "ws://127.0.0.1.evil.com/ws",
            "ws://evil.com#@localhost/",
            "ws://localhost@evil.com/ws",
            "ws://localhost:80@evil.com/ws",
            "ws://evil.com\\@localhost/",
            "ws://127.1/ws",
            "ws://0x7f.0.0.1/ws",
            "ws://[::2]/ws",
            "ws://[::ffff:10.0.0.1]/ws",
            "ws://local%68ost/ws",
            "ws://local host/ws",
        ] {
            assert_eq!(
                check_server_url(url),
                Err(ServerUrlRefusal::Unencrypted),
                "{url}"
            );
        }
    }

    /// The chair is told why, in their language, and nothing is sent: no connection
    /// is asked for, no activation begins.
    #[test]
    fn an_unencrypted_remote_address_is_refused_before_anything_is_sent() {
        use crate::validation::Language;
        let mut model = Model::default();
        model.lifecycle.restored(false);
        let mut command = activate(
            &mut model,
            " ws://kiesdag.example/ws/station ".into(),
            "ABCD-EFGH".into(),
        );
        let notice = model.notice.clone().expect("a notice");
        assert!(notice.is_error);
        assert!(notice.text.contains("niet beveiligd"), "{}", notice.text);
        assert!(!model.lifecycle.is_activating());
        assert_eq!(model.busy, 0);
        assert!(
            command
                .effects()
                .all(|effect| !matches!(effect, Effect::WebSocket(_))),
            "no connection"
        );

        model.local.language = Language::English;
        let _ = activate(&mut model, "http://kiesdag.example".into(), "X".into());
        let text = model.notice.clone().expect("a notice").text;
        assert!(text.contains("not secure"), "{text}");
        let _ = activate(&mut model, "kiesdag.example".into(), "X".into());
        let text = model.notice.clone().expect("a notice").text;
        assert!(text.contains("not valid"), "{text}");

        let mut command = activate(
            &mut model,
            "ws://127.0.0.1:8080/ws/station".into(),
            "ABCD-EFGH".into(),
        );
        assert!(model.notice.is_none());
        assert!(model.lifecycle.is_activating());
        assert!(
            command
                .effects()
                .any(|effect| matches!(effect, Effect::WebSocket(_))),
            "the demo's and the tests' address on this device connects"
        );
    }

    #[test]
    fn what_is_no_server_address_is_refused() {
        for url in [
            "kiesdag.example",
            "ftp://kiesdag.example",
            "ws:/localhost",
            "wss:///ws/station",
            "ws://localhost:/ws",
            "ws://localhost:http/ws",
            "ws://[::1/ws",
            "ws://[::1]x/ws",
            "javascript://localhost",
        ] {
            assert_eq!(
                check_server_url(url),
                Err(ServerUrlRefusal::Malformed),
                "{url}"
            );
        }
    }
}
