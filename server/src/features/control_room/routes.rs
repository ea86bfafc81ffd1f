//! The control room's actions on stations: incident status and assignment, messages
//! to one, some or all stations, resupply dispatch, and alerts seen or resolved.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use shared::domain::{AlertKind, AlertStatus, IncidentStatus};
use shared::validation::{Issue, assignee_issues, dispatch_issues, message_issues};

use crate::auth::Principal;
use crate::features::control_room::actions::{ActionError, ControlRoomAction};
use crate::http::{ApiError, Caller, CoveredMunicipality, ErrorBody, ErrorReference};
use crate::realtime::commit::ActionSubmission;
use crate::state::AppState;
use crate::store;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct IncidentStatusRequest {
    /// Where the control room is with the incident.
    pub status: IncidentStatus,
    /// Who in the control room takes it.
    pub assignee: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MessageRequest {
    /// The stations to send to: ids of the municipality's stations, at most
    /// `MAX_RECIPIENTS`, each counted once. Empty (or absent) only with `all_stations`.
    #[serde(default)]
    pub station_ids: Option<Vec<String>>,
    /// Every station of the municipality. Must be said explicitly: an empty or
    /// missing selection never means "all".
    #[serde(default)]
    pub all_stations: bool,
    /// Set when the message answers one of the station's incidents.
    pub incident_id: Option<String>,
    pub text: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResupplyRequest {
    pub quantity: u32,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AlertHandlingRequest {
    pub kind: AlertKind,
    /// Seen (someone is on it) or resolved (no longer a problem).
    pub status: AlertStatus,
    /// The alert's text as the coordinator saw it: when the alert now reads
    /// differently, the situation changed and nothing is recorded.
    pub detail: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActionResponse {
    /// The event numbers the action got, one per station.
    pub event_seqs: Vec<i64>,
}

/// The most stations one message names (a municipality has at most a few hundred;
/// `all_stations` reaches every one of them).
pub const MAX_RECIPIENTS: usize = 1_000;

fn actor(caller: &Caller) -> String {
    match &caller.0 {
        Principal::Staff { user_id, role, .. } => format!("user:{user_id}:{}", role.as_str()),
        _ => "unknown".into(),
    }
}

/// A 400 for what the shared rules found wrong (`shared::validation`'s control-room
/// checks, the same rules and texts as a station's reports): the REST code of the
/// field concerned, and the rule's text with its code.
fn refused(issues: &[Issue]) -> Option<HttpResponse> {
    let issue = issues.first()?;
    let reference = match issue.fields.first().map(String::as_str) {
        Some("quantity") => ErrorReference::InvalidQuantity,
        Some("incident_id") => ErrorReference::InvalidIncident,
        _ => ErrorReference::InvalidText,
    };
    Some(ApiError::rule(reference, issue.rule).into())
}

/// Records the action on the stations after checking they are the caller's.
async fn act(
    state: &AppState,
    caller: &Caller,
    stations: Vec<String>,
    action: ControlRoomAction,
) -> HttpResponse {
    let principal = caller.0.clone();
    let checked = state
        .with_db({
            let stations = stations.clone();
            move |db| {
                for id in &stations {
                    let record = store::stations::get(db, id)?;
                    if !principal.covers(&record.station.municipality_code) {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
        })
        .await;
    match checked {
        Ok(true) => {}
        Ok(false) => return ApiError::not_your_municipality().into(),
        Err(e) => return ApiError::from(&e).into(),
    }
    // Stored by the writer, like every operation: one writer of the event log.
    let (reply, answer) = tokio::sync::oneshot::channel();
    let submitted = state.committer.act(ActionSubmission {
        actor: actor(caller),
        stations,
        action,
        reply,
    });
    if let Err(refused) = submitted {
        return ApiError::unavailable(&format!("the writer refused the action: {refused:?}"))
            .into();
    }
    match answer.await {
        Ok(Ok(event_seqs)) => HttpResponse::Ok().json(ActionResponse { event_seqs }),
        Ok(Err(ActionError::Refused(reason))) => ApiError::from(ErrorReference::Refused)
            .with_detail(reason)
            .into(),
        Ok(Err(ActionError::Store(store::StoreError::NotFound(what)))) => {
            ApiError::from(ErrorReference::NotFound)
                .with_detail(what)
                .into()
        }
        Ok(Err(e)) => ApiError::unavailable(&e).into(),
        Err(_) => ApiError::unavailable(&"the writer stopped before answering").into(),
    }
}

/// Sets an incident's status (and who handles it); the station sees it at once.
#[utoipa::path(
    post,
    path = "/api/stations/{station}/incidents/{incident}/status",
    operation_id = "set_incident_status",
    tag = "control room",
    params(("station" = String, Path, description = "Station id, e.g. `GM0599-12`."), ("incident" = String, Path, description = "Incident id.")),
    request_body = IncidentStatusRequest,
    responses(
        (status = 200, description = "Recorded.", body = ActionResponse),
        (status = 403, description = "Not the caller's municipality or role (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such station (`not_found`).", body = ErrorBody),
        (status = 422, description = "The station has no such incident (`refused`), or the assignee is not a coordinator or administrator of the municipality (`unknown_assignee`).", body = ErrorBody),
    )
)]
pub async fn incident_status(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: web::Json<IncidentStatusRequest>,
) -> HttpResponse {
    let (station, incident_id) = path.into_inner();
    let IncidentStatusRequest { status, assignee } = body.into_inner();
    if let Some(name) = assignee.clone() {
        let id = station.clone();
        let known = state
            .with_db(move |db| {
                let record = store::stations::get(db, &id)?;
                let user = if assignee_issues(&name).is_empty() {
                    store::users::by_username(db, &name)?
                } else {
                    None
                };
                Ok(user.is_some_and(|user| {
                    may_take_incidents(&user, &record.station.municipality_code)
                        && !store::users::is_disabled(db, &user.id).unwrap_or(true)
                }))
            })
            .await;
        match known {
            Ok(true) => {}
            Ok(false) => return ApiError::from(ErrorReference::UnknownAssignee).into(),
            Err(e) => return ApiError::from(&e).into(),
        }
    }
    act(
        &state,
        &caller,
        vec![station],
        ControlRoomAction::IncidentStatus {
            incident_id,
            status,
            assignee,
        },
    )
    .await
}

/// Sends a message to one, some or all stations of a municipality.
#[utoipa::path(
    post,
    path = "/api/municipalities/{code}/messages",
    operation_id = "send_message",
    tag = "control room",
    params(("code" = String, Path, description = "The municipality's code.")),
    request_body = MessageRequest,
    responses(
        (status = 200, description = "Sent.", body = ActionResponse),
        (status = 400, description = "Empty or too long text (`invalid_text`); no stations named and not `all_stations` (`no_recipients`); both (`ambiguous_recipients`); more than 1,000 stations (`too_many_recipients`); an incident id over 64 characters (`invalid_incident`).", body = ErrorBody),
        (status = 403, description = "Not the caller's municipality or role (`forbidden`).", body = ErrorBody),
        (status = 422, description = "A named station is not one of the municipality's (`unknown_stations`, naming them); nothing was sent.", body = ErrorBody),
    )
)]
pub async fn message(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    body: web::Json<MessageRequest>,
) -> HttpResponse {
    let CoveredMunicipality { code, caller } = municipality;
    let caller = Caller(caller);
    let MessageRequest {
        station_ids,
        all_stations,
        incident_id,
        text,
    } = body.into_inner();
    if let Some(refusal) = refused(&message_issues(&text, incident_id.as_deref())) {
        return refusal;
    }
    let selection = match recipients(station_ids.unwrap_or_default(), all_stations) {
        Ok(selection) => selection,
        Err(refusal) => return ApiError::from(refusal).into(),
    };
    let municipality_stations: Vec<String> = match state
        .with_db(move |db| store::stations::list(db, &code, None))
        .await
    {
        Ok(list) => list.into_iter().map(|r| r.station.id).collect(),
        Err(e) => {
            return ApiError::unavailable(&e).into();
        }
    };
    let stations = match selection {
        None => municipality_stations,
        Some(ids) => {
            let known: std::collections::HashSet<&String> = municipality_stations.iter().collect();
            let unknown: Vec<&str> = ids
                .iter()
                .filter(|id| !known.contains(id))
                .map(String::as_str)
                .collect();
            if !unknown.is_empty() {
                return ApiError::from(ErrorReference::UnknownStations)
                    .with_detail(unknown.join(", "))
                    .into();
            }
            ids
        }
    };
    let from = match &caller.0 {
        Principal::Staff { role, .. } => format!("Regiekamer ({})", role.as_str()),
        _ => "Regiekamer".into(),
    };
    let action = ControlRoomAction::Message {
        message_id: uuid::Uuid::new_v4().to_string(),
        incident_id,
        from,
        text,
    };
    act(&state, &caller, stations, action).await
}

/// Who a message goes to: `None` for every station (said explicitly), or the named
/// stations, each once, in the order given.
fn recipients(ids: Vec<String>, all_stations: bool) -> Result<Option<Vec<String>>, ErrorReference> {
    match (all_stations, ids.is_empty()) {
        (true, true) => return Ok(None),
        (true, false) => {
            return Err(ErrorReference::AmbiguousRecipients);
        }
        (false, true) => {
            return Err(ErrorReference::NoRecipients);
        }
        (false, false) => {}
    }
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<String> = ids
        .into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect();
    if unique.len() > MAX_RECIPIENTS {
        return Err(ErrorReference::TooManyRecipients);
    }
    Ok(Some(unique))
}

/// Whether `user` may be assigned an incident of `municipality`: a coordinator or
/// administrator of it, or an administrator of every municipality.
fn may_take_incidents(user: &store::users::UserRecord, municipality: &str) -> bool {
    crate::http::CONTROL_ROOM.contains(&user.role)
        && user
            .municipality_code
            .as_deref()
            .map_or(user.role == crate::auth::Role::Administrator, |m| {
                m == municipality
            })
}

/// Tells a station that ballots are on their way.
#[utoipa::path(
    post,
    path = "/api/stations/{station}/resupply",
    operation_id = "dispatch_resupply",
    tag = "control room",
    params(("station" = String, Path, description = "Station id.")),
    request_body = ResupplyRequest,
    responses(
        (status = 200, description = "Recorded and sent to the station.", body = ActionResponse),
        (status = 400, description = "No quantity, or a note too long (`invalid_quantity`, `invalid_text`).", body = ErrorBody),
        (status = 403, description = "Not the caller's municipality or role (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such station (`not_found`).", body = ErrorBody),
    )
)]
pub async fn resupply(
    state: web::Data<AppState>,
    caller: Caller,
    station: web::Path<String>,
    body: web::Json<ResupplyRequest>,
) -> HttpResponse {
    let ResupplyRequest { quantity, note } = body.into_inner();
    if let Some(refusal) = refused(&dispatch_issues(quantity, &note)) {
        return refusal;
    }
    act(
        &state,
        &caller,
        vec![station.into_inner()],
        ControlRoomAction::ResupplyDispatched { quantity, note },
    )
    .await
}

/// Records that a coordinator saw, or resolved, one of a station's alerts as it reads
/// now; who and when go in the audit log. A resolved alert no longer makes the station
/// a problem until it reads differently.
#[utoipa::path(
    post,
    path = "/api/stations/{station}/alerts",
    operation_id = "handle_alert",
    tag = "control room",
    params(("station" = String, Path, description = "Station id.")),
    request_body = AlertHandlingRequest,
    responses(
        (status = 200, description = "Recorded.", body = ActionResponse),
        (status = 403, description = "Not the caller's municipality or role (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such station (`not_found`).", body = ErrorBody),
        (status = 422, description = "The station has no such alert now, or it reads differently than `detail` (`refused`, with the alert as it reads now); nothing was recorded.", body = ErrorBody),
    )
)]
pub async fn handle_alert(
    state: web::Data<AppState>,
    caller: Caller,
    station: web::Path<String>,
    body: web::Json<AlertHandlingRequest>,
) -> HttpResponse {
    let AlertHandlingRequest {
        kind,
        status,
        detail,
    } = body.into_inner();
    let by = match &caller.0 {
        Principal::Staff { user_id, .. } => {
            let id = user_id.clone();
            match state
                .with_db(move |db| store::users::username_of(db, &id))
                .await
            {
                Ok(name) => name.unwrap_or_else(|| user_id.clone()),
                Err(e) => return ApiError::from(&e).into(),
            }
        }
        _ => return ApiError::not_your_municipality().into(),
    };
    act(
        &state,
        &caller,
        vec![station.into_inner()],
        ControlRoomAction::AlertHandled {
            kind,
            status,
            detail,
            by,
        },
    )
    .await
}
