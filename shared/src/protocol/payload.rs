//! The payload of an event in an election's log: a station's operation, or a
//! control-room action. Stored as JSON in the shape its type writes, and read back
//! through `EventPayload::parse`, which checks it against the event's kind.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{ControlRoomAction, Operation};
use crate::domain::PersonalTexts;

/// What an event records. On the wire it is the operation or the action itself, with
/// no wrapper: an operation is the object with a `report` (whose one key is the
/// report's kind), an action the object with an `action` (its kind).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum EventPayload {
    /// A station's report, as its device sent it.
    Operation(Operation),
    /// What the control room did.
    Action(ControlRoomAction),
}

/// Why a stored payload cannot be read as its event's kind.
#[derive(Debug, Error)]
pub enum PayloadError {
    /// Where it fails to read, never what it read (it may name a person).
    #[error("not a {expected} payload: {at}")]
    Malformed { expected: &'static str, at: String },
    #[error("a {found} payload in a {kind} event")]
    KindMismatch { kind: String, found: &'static str },
}

impl EventPayload {
    /// Reads the payload of an event of `kind`: a control-room action for the kinds
    /// in `ControlRoomAction::KINDS`, an operation with a report of that kind otherwise.
    ///
    /// # Errors
    /// `Malformed` when the JSON is not the type the kind calls for, `KindMismatch`
    /// when it is one of another kind.
    pub fn parse(kind: &str, json: &str) -> Result<Self, PayloadError> {
        let payload = if ControlRoomAction::KINDS.contains(&kind) {
            Self::Action(
                serde_json::from_str(json).map_err(|e| PayloadError::Malformed {
                    expected: "control-room action",
                    at: super::without_content(&e),
                })?,
            )
        } else {
            Self::Operation(
                serde_json::from_str(json).map_err(|e| PayloadError::Malformed {
                    expected: "operation",
                    at: super::without_content(&e),
                })?,
            )
        };
        if payload.kind() == kind {
            Ok(payload)
        } else {
            Err(PayloadError::KindMismatch {
                kind: kind.to_owned(),
                found: payload.kind(),
            })
        }
    }

    /// The kind of event it is the payload of.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Operation(op) => op.report.kind(),
            Self::Action(action) => action.kind(),
        }
    }

    #[must_use]
    pub const fn operation(&self) -> Option<&Operation> {
        match self {
            Self::Operation(op) => Some(op),
            Self::Action(_) => None,
        }
    }

    #[must_use]
    pub const fn action(&self) -> Option<&ControlRoomAction> {
        match self {
            Self::Action(action) => Some(action),
            Self::Operation(_) => None,
        }
    }

    /// The payload for those who may see figures but not people (managers, viewers;
    /// docs/privacy.md): names and free texts emptied, the figures, categories and
    /// times kept. None when nothing but people is in it (a presence report, a message).
    #[must_use]
    pub fn without_personal_data(&self) -> Option<Self> {
        use crate::domain::Report;
        match self {
            Self::Operation(op) => {
                let mut op = op.clone();
                match &mut op.report {
                    Report::Presence(_) => return None,
                    Report::Opening(r) => r.members_present.clear(),
                    Report::ResupplyRequest(r) => r.note.clear(),
                    Report::Turnout(r) => {
                        if let Some(reason) = r.correction_reason.as_mut() {
                            reason.clear();
                        }
                    }
                    Report::Incident(r) => r.text.clear(),
                    Report::IncidentMessage(m) => m.text.clear(),
                    Report::ProvisionalResult(r) => r.explanation.clear(),
                    Report::BallotStock(_) | Report::Closing(_) | Report::Queue(_) => {}
                }
                Some(Self::Operation(op))
            }
            Self::Action(action) => {
                let mut action = action.clone();
                match &mut action {
                    ControlRoomAction::Message { .. } => return None,
                    ControlRoomAction::IncidentStatus { assignee, .. } => *assignee = None,
                    ControlRoomAction::ResupplyDispatched { note, .. } => note.clear(),
                    ControlRoomAction::AlertHandled { by, .. } => by.clear(),
                }
                Some(Self::Action(action))
            }
        }
    }
}

impl PersonalTexts for EventPayload {
    fn visit_personal_texts(&mut self, visit: &mut dyn FnMut(&mut String)) {
        match self {
            Self::Operation(op) => op.report.visit_personal_texts(visit),
            Self::Action(action) => match action {
                ControlRoomAction::Message { from, text, .. } => {
                    visit(from);
                    visit(text);
                }
                ControlRoomAction::IncidentStatus { assignee, .. } => {
                    if let Some(assignee) = assignee.as_mut() {
                        visit(assignee);
                    }
                }
                ControlRoomAction::ResupplyDispatched { note, .. } => visit(note),
                ControlRoomAction::AlertHandled { by, .. } => visit(by),
            },
        }
    }

    fn visit_usernames(&mut self, visit: &mut dyn FnMut(&mut String)) {
        match self {
            Self::Action(ControlRoomAction::IncidentStatus {
                assignee: Some(assignee),
                ..
            }) => visit(assignee),
            Self::Action(ControlRoomAction::AlertHandled { by, .. }) => visit(by),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{IncidentStatus, Report, Timestamp, TurnoutMoment, TurnoutReport};
    use serde_json::json;
    use uuid::Uuid;

    fn turnout() -> Operation {
        Operation {
            id: Uuid::from_u128(7),
            device_seq: 3,
            station_id: "GM0599-1".into(),
            recorded_at: Timestamp(1_000),
            report: Report::Turnout(TurnoutReport {
                count: 120,
                moment: TurnoutMoment::AdHoc,
                correction_reason: None,
            }),
            confirmed_warnings: vec![],
        }
    }

    fn status() -> ControlRoomAction {
        ControlRoomAction::IncidentStatus {
            incident_id: "i1".into(),
            status: IncidentStatus::Resolved,
            assignee: None,
        }
    }

    #[test]
    fn a_payload_is_written_as_the_operation_or_action_itself() {
        let op = turnout();
        assert_eq!(
            serde_json::to_value(EventPayload::Operation(op.clone())).unwrap(),
            serde_json::to_value(&op).unwrap()
        );
        assert_eq!(
            serde_json::to_value(EventPayload::Action(status())).unwrap(),
            serde_json::to_value(status()).unwrap()
        );
        assert_eq!(
            serde_json::to_value(EventPayload::Operation(op)).unwrap()["report"],
            json!({"turnout": {"count": 120, "moment": "ad_hoc", "correction_reason": null}})
        );
    }

    #[test]
    fn stored_payloads_read_back_as_their_kind() {
        let op = serde_json::to_string(&turnout()).unwrap();
        assert_eq!(
            EventPayload::parse("turnout", &op).unwrap(),
            EventPayload::Operation(turnout())
        );
        let action = serde_json::to_string(&status()).unwrap();
        assert_eq!(
            EventPayload::parse("incident_status", &action).unwrap(),
            EventPayload::Action(status())
        );
        // Read as a client does, with no kind at hand.
        let read: EventPayload = serde_json::from_str(&op).unwrap();
        assert_eq!(read.kind(), "turnout");
        let read: EventPayload = serde_json::from_str(&action).unwrap();
        assert_eq!(read.kind(), "incident_status");
    }

    #[test]
    fn a_payload_of_another_shape_or_kind_is_refused() {
        let op = serde_json::to_string(&turnout()).unwrap();
        assert!(matches!(
            EventPayload::parse("incident", &op),
            Err(PayloadError::KindMismatch {
                found: "turnout",
                ..
            })
        ));
        assert!(matches!(
            EventPayload::parse("message", &op),
            Err(PayloadError::Malformed {
                expected: "control-room action",
                ..
            })
        ));
        for old in [
            "{}",
            "",
            "null",
            r#"{"report":{"turnout":{"count":"many"}}}"#,
        ] {
            assert!(
                matches!(
                    EventPayload::parse("turnout", old),
                    Err(PayloadError::Malformed {
                        expected: "operation",
                        ..
                    })
                ),
                "{old}"
            );
        }
        // What could not be read is not repeated: it may name a person, and the error
        // goes to the log.
        let named = r#"{"action":"Anna de Vries"}"#;
        let serde = serde_json::from_str::<ControlRoomAction>(named).unwrap_err();
        assert!(serde.to_string().contains("Anna"), "serde quotes it");
        let error = EventPayload::parse("message", named).unwrap_err();
        assert!(!format!("{error} {error:?}").contains("Anna"), "{error:?}");
    }

    /// The OpenAPI schemas (and the dashboard's types generated from them) say what
    /// serde writes: a report is an object whose one key is its kind, an action an
    /// object whose `action` is its kind, a payload either of the two unwrapped.
    #[cfg(feature = "openapi")]
    #[test]
    fn the_schemas_describe_payloads_as_serde_writes_them() {
        use utoipa::PartialSchema;
        let report = serde_json::to_value(Report::schema()).unwrap();
        let keys: Vec<&str> = report["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|variant| {
                assert_eq!(variant["type"], "object");
                assert_eq!(variant["properties"].as_object().unwrap().len(), 1);
                variant["required"][0].as_str().unwrap()
            })
            .collect();
        assert_eq!(
            keys,
            [
                "opening",
                "presence",
                "ballot_stock",
                "resupply_request",
                "turnout",
                "incident",
                "incident_message",
                "provisional_result",
                "closing",
                "queue"
            ]
        );
        let op = serde_json::to_value(turnout()).unwrap();
        assert!(
            keys.contains(
                &op["report"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .next()
                    .unwrap()
                    .as_str()
            )
        );

        let action = serde_json::to_value(ControlRoomAction::schema()).unwrap();
        let tags: Vec<&str> = action["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|variant| {
                assert!(
                    variant["required"]
                        .as_array()
                        .unwrap()
                        .contains(&json!("action"))
                );
                variant["properties"]["action"]["enum"][0].as_str().unwrap()
            })
            .collect();
        assert_eq!(tags, ControlRoomAction::KINDS);

        let payload = serde_json::to_value(EventPayload::schema()).unwrap();
        assert_eq!(
            payload["oneOf"],
            json!([
                {"$ref": "#/components/schemas/Operation", "description": "A station's report, as its device sent it."},
                {"$ref": "#/components/schemas/ControlRoomAction", "description": "What the control room did."}
            ])
        );
    }

    /// What a manager or viewer is sent has no name and no free text from any kind of
    /// payload; the figures are those of the full payload.
    #[test]
    fn without_personal_data_keeps_figures_and_drops_people() {
        use crate::domain::{IncidentCategory, IncidentReport, IncidentSeverity, Report};
        let named = "Anna de Vries";
        let op = |report: Report| {
            EventPayload::Operation(Operation {
                id: uuid::Uuid::nil(),
                device_seq: 1,
                station_id: "GM1-1".into(),
                recorded_at: crate::domain::Timestamp(1),
                report,
                confirmed_warnings: Vec::new(),
            })
        };
        let opening = op(Report::Opening(crate::fixtures::opening(&[])));
        let mut with_member = opening.clone();
        if let EventPayload::Operation(o) = &mut with_member
            && let Report::Opening(r) = &mut o.report
        {
            r.members_present.push(crate::domain::StaffMember {
                name: named.into(),
                role: crate::domain::StaffRole::Chair,
            });
        }
        let incident = op(Report::Incident(IncidentReport {
            incident_id: "i1".into(),
            category: IncidentCategory::Accessibility,
            severity: IncidentSeverity::High,
            text: format!("{named} kan niet naar binnen"),
        }));
        let turnout = op(Report::Turnout(crate::domain::TurnoutReport {
            count: 321,
            moment: crate::domain::TurnoutMoment::AdHoc,
            correction_reason: Some(format!("{named} dubbel geteld")),
        }));
        let actions = [
            ControlRoomAction::IncidentStatus {
                incident_id: "i1".into(),
                status: crate::domain::IncidentStatus::InProgress,
                assignee: Some(named.into()),
            },
            ControlRoomAction::ResupplyDispatched {
                quantity: 200,
                note: format!("via {named}"),
            },
            ControlRoomAction::AlertHandled {
                kind: crate::domain::AlertKind::DeviceSilent,
                status: crate::domain::AlertStatus::Resolved,
                detail: "Geen contact sinds 14:05".into(),
                by: named.into(),
            },
        ];
        for payload in [with_member, incident, turnout.clone()]
            .into_iter()
            .chain(actions.into_iter().map(EventPayload::Action))
        {
            let full = serde_json::to_string(&payload).unwrap();
            assert!(full.contains(named));
            let kept = payload.without_personal_data().unwrap();
            let text = serde_json::to_string(&kept).unwrap();
            assert!(!text.contains("Anna"), "{text}");
            let mut erased = payload.clone();
            assert!(erased.erase_personal_texts() > 0);
            let text = serde_json::to_string(&erased).unwrap();
            assert!(!text.contains("Anna"), "erasure misses a text: {text}");
            assert_eq!(kept.kind(), payload.kind());
        }
        let Some(EventPayload::Operation(o)) = turnout.without_personal_data() else {
            panic!("a turnout keeps its figures")
        };
        assert!(
            matches!(o.report, Report::Turnout(ref t) if t.count == 321 && t.correction_reason.as_deref() == Some(""))
        );
        let message = EventPayload::Action(ControlRoomAction::Message {
            message_id: "m".into(),
            incident_id: None,
            from: named.into(),
            text: "Hallo".into(),
        });
        assert_eq!(message.without_personal_data(), None);
        assert_eq!(message.personal_texts(), [named, "Hallo"]);

        // An erased staff user is renamed where a username stands, never in a text
        // or a member's name that happens to read the same.
        let mut usernames = Vec::new();
        let mut collect = |payload: &mut EventPayload| {
            payload.visit_usernames(&mut |t| usernames.push(t.clone()));
        };
        collect(&mut message.clone());
        collect(&mut with_member_named(named));
        collect(&mut EventPayload::Action(
            ControlRoomAction::IncidentStatus {
                incident_id: "i1".into(),
                status: crate::domain::IncidentStatus::InProgress,
                assignee: Some("fatima".into()),
            },
        ));
        assert_eq!(usernames, ["fatima"]);
    }

    fn with_member_named(name: &str) -> EventPayload {
        let mut opening = crate::fixtures::opening(&[]);
        opening.members_present[0].name = name.into();
        EventPayload::Operation(Operation {
            id: uuid::Uuid::nil(),
            device_seq: 1,
            station_id: "GM1-1".into(),
            recorded_at: crate::domain::Timestamp(1),
            report: crate::domain::Report::Opening(opening),
            confirmed_warnings: Vec::new(),
        })
    }
}
