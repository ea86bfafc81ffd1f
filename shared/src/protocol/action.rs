//! A control-room action on a station (incident status and assignee, a message,
//! resupply dispatch, an alert seen or resolved): what the server stores as the payload of the action's event,
//! and what it tells the station's device about it.

use serde::{Deserialize, Serialize};

use super::{ResupplyNotice, ServerMessage, StationMessage};
use crate::domain::{AlertKind, AlertStatus, IncidentStatus, Timestamp};
use crate::validation::Language;

/// What the control room did, as stored in the event's payload: a JSON object whose
/// `"action"` names the variant (`incident_status`, `message`, `resupply_dispatched`,
/// `alert_handled`),
/// the same string as the event's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ControlRoomAction {
    /// The incident's status changed, and who in the control room has it.
    IncidentStatus {
        incident_id: String,
        status: IncidentStatus,
        assignee: Option<String>,
    },
    /// A message to the station, about one of its incidents or not.
    Message {
        message_id: String,
        incident_id: Option<String>,
        from: String,
        text: String,
    },
    /// Ballot papers sent to the station.
    ResupplyDispatched { quantity: u32, note: String },
    /// A coordinator saw or resolved one of the station's alerts, as it read then
    /// (`detail`). For the control room only: the station's device is not told.
    AlertHandled {
        kind: AlertKind,
        status: AlertStatus,
        /// The alert's text as the coordinator saw it.
        detail: String,
        /// Who (a username).
        by: String,
    },
}

impl ControlRoomAction {
    /// The event kinds of the actions, each the `"action"` of its payload.
    pub const KINDS: [&'static str; 4] = [
        "incident_status",
        "message",
        "resupply_dispatched",
        "alert_handled",
    ];

    /// The kinds the station's device is told about (`to_device` gives a message).
    pub const DEVICE_KINDS: [&'static str; 3] =
        ["incident_status", "message", "resupply_dispatched"];

    /// The event's kind, and the `"action"` of its payload.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::IncidentStatus { .. } => "incident_status",
            Self::Message { .. } => "message",
            Self::ResupplyDispatched { .. } => "resupply_dispatched",
            Self::AlertHandled { .. } => "alert_handled",
        }
    }

    /// What the station's device is told, if anything, for the action committed at
    /// `at` (ms since the epoch).
    #[must_use]
    pub fn to_device(&self, at: i64) -> Option<ServerMessage> {
        match self {
            Self::IncidentStatus {
                incident_id,
                status,
                ..
            } => Some(ServerMessage::IncidentStatus {
                incident_id: incident_id.clone(),
                status: *status,
            }),
            Self::Message {
                message_id,
                incident_id,
                from,
                text,
            } => Some(ServerMessage::Message(StationMessage {
                message_id: message_id.clone(),
                incident_id: incident_id.clone(),
                from: from.clone(),
                text: text.clone(),
                sent_at: Timestamp(at),
                resupply: None,
            })),
            Self::ResupplyDispatched { quantity, note } => {
                // The device says it in the chair's language from `resupply`; `from`
                // and `text` are the Dutch rendering, for devices that predate it.
                let notice = ResupplyNotice {
                    quantity: *quantity,
                    note: note.clone(),
                };
                let (from, text) = notice.texts(Language::Dutch);
                Some(ServerMessage::Message(StationMessage {
                    message_id: format!("resupply-{at}"),
                    incident_id: None,
                    from,
                    text,
                    sent_at: Timestamp(at),
                    resupply: Some(notice),
                }))
            }
            Self::AlertHandled { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn every_action() -> [ControlRoomAction; 4] {
        [
            ControlRoomAction::IncidentStatus {
                incident_id: "i1".into(),
                status: IncidentStatus::InProgress,
                assignee: Some("fatima".into()),
            },
            ControlRoomAction::Message {
                message_id: "m1".into(),
                incident_id: None,
                from: "Regiekamer".into(),
                text: "Aan allen".into(),
            },
            ControlRoomAction::ResupplyDispatched {
                quantity: 200,
                note: "via de bode".into(),
            },
            ControlRoomAction::AlertHandled {
                kind: AlertKind::DeviceSilent,
                status: AlertStatus::Resolved,
                detail: "Geen contact sinds 14:05".into(),
                by: "fatima".into(),
            },
        ]
    }

    #[test]
    fn actions_are_stored_as_objects_tagged_by_action() {
        let [status, message, dispatch, handled] = every_action();
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            json!({"action": "incident_status", "incident_id": "i1", "status": "in_progress", "assignee": "fatima"})
        );
        assert_eq!(
            serde_json::to_value(&message).unwrap(),
            json!({"action": "message", "message_id": "m1", "incident_id": null, "from": "Regiekamer", "text": "Aan allen"})
        );
        assert_eq!(
            serde_json::to_value(&dispatch).unwrap(),
            json!({"action": "resupply_dispatched", "quantity": 200, "note": "via de bode"})
        );
        assert_eq!(
            serde_json::to_value(&handled).unwrap(),
            json!({"action": "alert_handled", "kind": "device_silent", "status": "resolved", "detail": "Geen contact sinds 14:05", "by": "fatima"})
        );
    }

    /// The device is told what concerns it (incidents, messages, ballots on their way),
    /// and nothing of how the control room handles its alerts.
    #[test]
    fn only_the_device_kinds_reach_the_device() {
        for action in every_action() {
            assert_eq!(
                action.to_device(1).is_some(),
                ControlRoomAction::DEVICE_KINDS.contains(&action.kind()),
                "{}",
                action.kind()
            );
        }
    }

    #[test]
    fn an_actions_kind_is_its_tag_and_one_of_the_kinds() {
        for action in every_action() {
            let value = serde_json::to_value(&action).unwrap();
            assert_eq!(value["action"], action.kind());
            assert!(ControlRoomAction::KINDS.contains(&action.kind()));
        }
    }

    #[test]
    fn a_dispatch_tells_the_device_in_dutch_with_the_notice() {
        let [_, _, dispatch, _] = every_action();
        let Some(ServerMessage::Message(message)) = dispatch.to_device(5) else {
            panic!("a dispatch is a message to the device");
        };
        assert_eq!(message.message_id, "resupply-5");
        assert_eq!(message.sent_at, Timestamp(5));
        assert_eq!(
            message.resupply,
            Some(ResupplyNotice {
                quantity: 200,
                note: "via de bode".into()
            })
        );
        assert_eq!(message.text, "200 stembiljetten zijn onderweg. via de bode");
    }
}
