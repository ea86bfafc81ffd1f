//! The versioned JSON wire protocol between a station's device and the server.
//!
//! Every frame is one JSON object with `"v"` (the protocol version) and `"type"`.
//! Decoding checks the size first, then the JSON, then the version, then the message,
//! and names what was wrong as a typed `DecodeError`.

mod action;
mod codec;
mod json_error;
mod messages;
mod operation;
mod payload;
mod refusal;

pub use action::ControlRoomAction;
pub use codec::{DecodeError, decode_client, decode_server, encode};
pub use json_error::without_content;
pub use messages::{ClientMessage, RejectCode, ResupplyNotice, ServerMessage, StationMessage};
pub use operation::{Operation, operation_id};
pub use payload::{EventPayload, PayloadError};
pub use refusal::{Refusal, ServerRefusal, refusal_message, transition_message};

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;
/// Largest frame either side accepts. A provisional result with 100 lists is about 5 KiB.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
