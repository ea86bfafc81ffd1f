use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Operation;
use crate::domain::{Election, IncidentStatus, Station, StationDay, Timestamp};
use crate::validation::Language;

/// From a station's device to the server.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Exchange a one-time activation code for a device token.
    Activate {
        activation_code: String,
        device_id: Uuid,
    },
    /// Start (or resume) a session. The device then re-sends every operation it has
    /// not seen acknowledged, in order, after `Welcome`; and, when the welcome shows
    /// the server holds fewer of its operations than it acknowledged (a server
    /// restored from a backup), the acknowledged ones after the server's count too.
    Hello {
        device_token: String,
        device_id: Uuid,
        /// Every operation up to this one was acknowledged or refused (a claim: the
        /// server never skips a number for it).
        last_acked_seq: u64,
        /// The lowest sequence number from which the device holds every operation it
        /// made (acknowledged or not), so that it can send them all again. None from a
        /// device that keeps no acknowledged operations (older versions).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resend_from: Option<u64>,
    },
    Operation(Operation),
    Heartbeat {
        sent_at: Timestamp,
    },
}

/// From the server to a station's device. Messages are decoded one at a time and
/// never stored in bulk, so the size of the larger variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    Activated {
        device_token: String,
        election: Election,
        station: Station,
    },
    /// Session accepted. `last_processed_seq` is the highest device sequence number the
    /// server has acknowledged or rejected; `day` is the station's state on the server.
    Welcome {
        last_processed_seq: u64,
        server_time: Timestamp,
        election: Election,
        station: Station,
        day: StationDay,
    },
    /// Durably committed (`event_seq` is its place in the election's event log).
    Ack {
        operation_id: Uuid,
        device_seq: u64,
        event_seq: u64,
    },
    /// Refused for good; the device shows why and does not send it again. `code` is a
    /// validation rule's, a transition's or a `ServerRefusal`'s (see `Refusal`);
    /// `fields` are the report's field paths the rule concerns. The device renders
    /// the code in the chair's language; `message` (English) is for codes it does
    /// not know.
    Reject {
        operation_id: Uuid,
        device_seq: u64,
        code: String,
        message: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fields: Vec<String>,
    },
    Message(StationMessage),
    IncidentStatus {
        incident_id: String,
        status: IncidentStatus,
    },
    Configuration {
        election: Election,
        station: Station,
    },
    Heartbeat {
        server_time: Timestamp,
    },
    /// The session itself failed (bad token, bad frame, an overloaded server, storage
    /// unavailable). The device shows its own text for `code` (the server's
    /// `message` for codes it does not know).
    Error {
        code: RejectCode,
        message: String,
    },
}

/// A message from the control room to one, some or all stations.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct StationMessage {
    pub message_id: String,
    /// Present when the message is about one of the station's incidents.
    pub incident_id: Option<String>,
    pub from: String,
    pub text: String,
    pub sent_at: Timestamp,
    /// Set when the control room dispatched ballot papers: the device says so in the
    /// chair's language (with `text` as the dispatcher's note) and does not show
    /// `from` and `text` as they are, which hold a Dutch rendering for devices that do
    /// not know this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resupply: Option<ResupplyNotice>,
}

/// Ballot papers on their way to the station.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ResupplyNotice {
    pub quantity: u32,
    /// The control room's note, as typed.
    pub note: String,
}

impl ResupplyNotice {
    /// Who the message is from, and what it says, in `language`.
    #[must_use]
    pub fn texts(&self, language: Language) -> (String, String) {
        let (from, text) = match language {
            Language::Dutch => (
                "Regiekamer",
                format!(
                    "{} stembiljetten zijn onderweg. {}",
                    self.quantity, self.note
                ),
            ),
            Language::English => (
                "Control room",
                format!(
                    "{} ballot papers are on their way. {}",
                    self.quantity, self.note
                ),
            ),
        };
        (from.to_owned(), text.trim().to_owned())
    }
}

/// Why the server refused a session or a frame.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    MalformedFrame,
    UnsupportedVersion,
    FrameTooLarge,
    InvalidToken,
    ExpiredToken,
    RevokedToken,
    InvalidActivationCode,
    TooManyAttempts,
    WrongStation,
    NotAuthenticated,
    /// The server is too busy to take this now (a full commit queue, a failed
    /// lookup). The device waits longer before each next attempt.
    Overloaded,
    /// The server cannot commit right now (a full disk, a database gone). Sent as
    /// `Error`, after which the server ends the session; nothing was refused: the
    /// device keeps its operations and sends them again on a new session.
    StorageUnavailable,
    /// The server lacks operations this device had acknowledged (it was restored from
    /// a backup) and the device no longer holds them to send again. The device keeps
    /// what it has not sent and asks to be activated again with a new code; the
    /// server then records the missing numbers as lost (audited) and takes the rest.
    ReactivationNeeded,
}
