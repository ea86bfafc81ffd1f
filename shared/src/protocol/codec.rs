use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use thiserror::Error;

use super::{ClientMessage, MAX_FRAME_BYTES, PROTOCOL_VERSION, ServerMessage};

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DecodeError {
    #[error("frame of {size} bytes is larger than the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("frame is not JSON: {0}")]
    NotJson(String),
    #[error("frame has no protocol version")]
    MissingVersion,
    #[error("protocol version {0} is not supported (this build speaks {PROTOCOL_VERSION})")]
    UnsupportedVersion(u64),
    #[error("frame is not a valid message: {0}")]
    InvalidMessage(String),
}

impl DecodeError {
    #[must_use]
    pub const fn reject_code(&self) -> super::RejectCode {
        use super::RejectCode;
        match self {
            Self::TooLarge { .. } => RejectCode::FrameTooLarge,
            Self::UnsupportedVersion(_) | Self::MissingVersion => RejectCode::UnsupportedVersion,
            Self::NotJson(_) | Self::InvalidMessage(_) => RejectCode::MalformedFrame,
        }
    }
}

/// Encodes a message as one frame, with the protocol version.
#[must_use]
pub fn encode<M: Serialize>(message: &M) -> String {
    #[derive(Serialize)]
    struct Versioned<'a, M> {
        v: u32,
        #[serde(flatten)]
        message: &'a M,
    }
    // Our message types serialise to JSON objects with string keys; this cannot fail.
    serde_json::to_string(&Versioned {
        v: PROTOCOL_VERSION,
        message,
    })
    .unwrap_or_default()
}

/// Decodes a frame sent by a device (on the server).
///
/// # Errors
/// A `DecodeError` naming what is wrong with the frame.
pub fn decode_client(frame: &str) -> Result<ClientMessage, DecodeError> {
    decode(frame)
}

/// Decodes a frame sent by the server (on the device).
///
/// # Errors
/// A `DecodeError` naming what is wrong with the frame.
pub fn decode_server(frame: &str) -> Result<ServerMessage, DecodeError> {
    decode(frame)
}

fn decode<M: DeserializeOwned>(frame: &str) -> Result<M, DecodeError> {
    if frame.len() > MAX_FRAME_BYTES {
        return Err(DecodeError::TooLarge {
            size: frame.len(),
            limit: MAX_FRAME_BYTES,
        });
    }
    let value: Value =
        serde_json::from_str(frame).map_err(|e| DecodeError::NotJson(e.to_string()))?;
    let version = value.get("v").ok_or(DecodeError::MissingVersion)?;
    let version = version
        .as_u64()
        .ok_or_else(|| DecodeError::InvalidMessage("\"v\" must be a whole number".into()))?;
    if version != u64::from(PROTOCOL_VERSION) {
        return Err(DecodeError::UnsupportedVersion(version));
    }
    serde_json::from_value(value).map_err(|e| DecodeError::InvalidMessage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Report, Timestamp, TurnoutMoment, TurnoutReport};
    use crate::protocol::{Operation, RejectCode, operation_id};
    use uuid::Uuid;

    fn operation() -> ClientMessage {
        let device = Uuid::from_u128(7);
        ClientMessage::Operation(Operation {
            id: operation_id(&device, 1, Timestamp(1_773_815_400_000)),
            device_seq: 1,
            station_id: "GM0599-12".into(),
            recorded_at: Timestamp(1_773_815_400_000),
            report: Report::Turnout(TurnoutReport {
                count: 120,
                moment: TurnoutMoment::AdHoc,
                correction_reason: None,
            }),
            confirmed_warnings: vec![],
        })
    }

    #[test]
    fn round_trips_with_version_and_type() {
        let frame = encode(&operation());
        assert!(
            frame.starts_with("{\"v\":1,\"type\":\"operation\""),
            "{frame}"
        );
        assert_eq!(decode_client(&frame), Ok(operation()));
        let ack = ServerMessage::Ack {
            operation_id: Uuid::from_u128(1),
            device_seq: 3,
            event_seq: 99,
        };
        assert_eq!(decode_server(&encode(&ack)), Ok(ack));
    }

    #[test]
    fn storage_unavailable_is_spelled_for_the_server() {
        let frame = r#"{"v":1,"type":"error","code":"storage_unavailable","message":"disk full"}"#;
        assert_eq!(
            decode_server(frame),
            Ok(ServerMessage::Error {
                code: RejectCode::StorageUnavailable,
                message: "disk full".into(),
            })
        );
        let error = ServerMessage::Error {
            code: RejectCode::StorageUnavailable,
            message: "disk full".into(),
        };
        assert!(
            encode(&error).contains(r#""code":"storage_unavailable""#),
            "{}",
            encode(&error)
        );
    }

    #[test]
    fn bad_frames_decode_to_typed_errors() {
        type Case = (&'static str, fn(&DecodeError) -> bool);
        let cases: &[Case] = &[
            ("{not json", |e| matches!(e, DecodeError::NotJson(_))),
            ("[]", |e| matches!(e, DecodeError::MissingVersion)),
            (r#"{"type":"heartbeat","sent_at":1}"#, |e| {
                matches!(e, DecodeError::MissingVersion)
            }),
            (r#"{"v":2,"type":"heartbeat","sent_at":1}"#, |e| {
                matches!(e, DecodeError::UnsupportedVersion(2))
            }),
            (r#"{"v":"1","type":"heartbeat","sent_at":1}"#, |e| {
                matches!(e, DecodeError::InvalidMessage(_))
            }),
            (r#"{"v":1,"type":"launch_rockets"}"#, |e| {
                matches!(e, DecodeError::InvalidMessage(_))
            }),
            (r#"{"v":1,"type":"heartbeat","sent_at":"noon"}"#, |e| {
                matches!(e, DecodeError::InvalidMessage(_))
            }),
        ];
        for (frame, expected) in cases {
            let err = decode_client(frame).unwrap_err();
            assert!(expected(&err), "{frame} gave {err:?}");
        }
    }

    #[test]
    fn counts_out_of_the_type_range_are_refused() {
        let frame = encode(&operation()).replace("\"count\":120", "\"count\":-5");
        assert!(matches!(
            decode_client(&frame),
            Err(DecodeError::InvalidMessage(_))
        ));
        let frame = encode(&operation()).replace("\"count\":120", "\"count\":99999999999");
        assert!(matches!(
            decode_client(&frame),
            Err(DecodeError::InvalidMessage(_))
        ));
    }

    #[test]
    fn oversized_frames_are_refused_before_parsing() {
        let frame = format!("{{\"v\":1,\"pad\":\"{}\"}}", "x".repeat(MAX_FRAME_BYTES));
        let err = decode_server(&frame).unwrap_err();
        assert!(matches!(err, DecodeError::TooLarge { .. }));
        assert_eq!(err.reject_code(), RejectCode::FrameTooLarge);
    }
}
