//! Everything that moves a report from a device to the dashboards in real time: the
//! group commit, the publication of committed changes (fan-out, hub), the connected
//! devices' sessions, the two WebSocket endpoints (devices, dashboards) and their
//! pacing.

pub mod commit;
pub mod contacts;
pub mod dashboard_socket;
pub mod device_sessions;
pub mod device_socket;
pub mod event_log;
pub mod fanout;
pub mod hub;
pub mod pacer;
pub mod shutdown;

use actix_web::web::Bytes;
use actix_ws::{Closed, Item, Session};

/// Frames above this are refused (the protocol's own limit).
pub const MAX_FRAME_BYTES: usize = shared::protocol::MAX_FRAME_BYTES;

/// Messages longer than this go out as a sequence of fragments this long.
///
/// actix-http copies what a connection sends into the connection's write buffer and
/// keeps that buffer's size (up to 128 KiB) for the connection's life: one 76 KB
/// snapshot left every dashboard holding 136 KiB while idle (docs/benchmarks.md).
/// Sent in fragments, with the connection's writer running between them, a message
/// to a reader that keeps up does not grow the buffer past its first 8 KiB (a stalled
/// reader can still let up to actix-ws's 32 queued messages gather there). Clients see
/// one message: WebSocket fragments are reassembled by every client library and browser.
pub const FRAGMENT_BYTES: usize = 2 * 1024;

/// Upgrades `req` to a WebSocket whose frames are bounded by `MAX_FRAME_BYTES`
/// (fragments reassembled, up to the same bound): what both endpoints read.
///
/// # Errors
/// When the request is not a WebSocket upgrade.
pub fn upgrade(
    req: &actix_web::HttpRequest,
    body: actix_web::web::Payload,
) -> actix_web::Result<(
    actix_web::HttpResponse,
    Session,
    actix_ws::AggregatedMessageStream,
)> {
    let (response, session, stream) = actix_ws::handle(req, body)?;
    let stream = stream
        .max_frame_size(MAX_FRAME_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_FRAME_BYTES);
    Ok((response, session, stream))
}

/// Sends one text message, in fragments when it is long.
///
/// # Errors
/// `Closed` when the connection is gone.
pub async fn send_text(session: &mut Session, text: String) -> Result<(), Closed> {
    if text.len() <= FRAGMENT_BYTES {
        return session.text(text).await;
    }
    let bytes = Bytes::from(text);
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + FRAGMENT_BYTES).min(bytes.len());
        // A fragment may end inside a character: only the whole message must be UTF-8.
        let piece = bytes.slice(start..end);
        let item = if start == 0 {
            Item::FirstText(piece)
        } else if end == bytes.len() {
            Item::Last(piece)
        } else {
            Item::Continue(piece)
        };
        session.continuation(item).await?;
        // Let the connection's writer take this fragment before the next one queues.
        tokio::task::yield_now().await;
        start = end;
    }
    Ok(())
}
