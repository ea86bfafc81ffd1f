//! What the control room's station detail and incident queue read: one station's
//! timeline with its current stock and staff, and a municipality's incident events.
//! Both are for the control room only: they carry every payload, results included.

use std::collections::HashSet;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::features::stations::summary::StationSummary;
use crate::http::{ApiError, Caller, CoveredMunicipality, ErrorBody};
use crate::realtime::dashboard_socket::ChangeView;
use crate::state::AppState;
use crate::store::{self, events::EventRecord};

/// The kinds of event an incident queue is made of.
pub const INCIDENT_KINDS: [&str; 4] =
    ["incident", "incident_message", "incident_status", "message"];

/// One station as its detail page shows it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StationTimeline {
    pub station: StationSummary,
    /// Name and place of the voting location.
    pub location: String,
    /// Members present now, by name.
    pub members_present: Vec<String>,
    /// Ballot papers received so far, as last reported.
    pub ballots_received: Option<u32>,
    /// Everything the station reported and the control room sent it, oldest first.
    pub events: Vec<ChangeView>,
}

fn change(event: EventRecord, station: Option<StationSummary>) -> ChangeView {
    let payload = event.parsed_payload();
    ChangeView {
        seq: event.seq,
        station_id: event.station_id,
        kind: event.kind,
        recorded_at: event.recorded_at,
        committed_at: event.committed_at,
        payload,
        station,
    }
}

/// One station's timeline, stock and staff.
#[utoipa::path(
    get,
    path = "/api/stations/{station}/timeline",
    operation_id = "station_timeline",
    tag = "control room",
    params(("station" = String, Path, description = "Station id, e.g. `GM0599-12`.")),
    responses(
        (status = 200, description = "The station, its staff and stock, and its events oldest first.", body = StationTimeline),
        (status = 403, description = "Not the caller's municipality or role (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such station (`not_found`).", body = ErrorBody),
        (status = 503, description = "The database does not answer (`unavailable`).", body = ErrorBody),
    )
)]
pub async fn station(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let principal = caller.0.clone();
    let found = state
        .with_db(move |db| {
            let record = store::stations::get(db, &id)?;
            if !principal.covers(&record.station.municipality_code) {
                return Ok(None);
            }
            let events = store::events::of_station(db, &record.election_id, &id)?;
            Ok(Some((record, events)))
        })
        .await?;
    match found {
        Some((record, events)) => {
            let summary = StationSummary::from(&record);
            Ok(HttpResponse::Ok().json(StationTimeline {
                location: format!(
                    "{}, {}",
                    record.station.location.name, record.station.location.address
                ),
                members_present: record
                    .day
                    .members_present
                    .iter()
                    .map(|m| m.name.clone())
                    .collect(),
                ballots_received: record.day.ballot_stock.as_ref().map(|s| s.received),
                events: events.into_iter().map(|e| change(e, None)).collect(),
                station: summary,
            }))
        }
        None => Err(ApiError::not_your_municipality()),
    }
}

/// A municipality's incidents and messages, oldest first, each with its station.
#[utoipa::path(
    get,
    path = "/api/municipalities/{code}/incidents",
    operation_id = "list_incident_events",
    tag = "control room",
    params(("code" = String, Path, description = "The municipality's code, e.g. `GM0599`.")),
    responses(
        (status = 200, description = "Events of kinds incident, incident_message, incident_status and message, oldest first; the queue is folded from them.", body = Vec<ChangeView>),
        (status = 403, description = "Not the caller's municipality or role (`forbidden`).", body = ErrorBody),
        (status = 503, description = "The database does not answer (`unavailable`).", body = ErrorBody),
    )
)]
pub async fn incidents(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
) -> Result<HttpResponse, ApiError> {
    let events = state
        .with_db(move |db| {
            let stations = store::stations::list(db, &municipality.code, None)?;
            let Some(first) = stations.first() else {
                return Ok(Vec::new());
            };
            let ids: HashSet<&str> = stations.iter().map(|s| s.station.id.as_str()).collect();
            let mut events = Vec::new();
            for kind in INCIDENT_KINDS {
                events.extend(
                    store::events::of_kind(db, &first.election_id, kind)?
                        .into_iter()
                        .filter(|e| e.station_id.as_deref().is_some_and(|s| ids.contains(s))),
                );
            }
            events.sort_by_key(|e| e.seq);
            Ok(events)
        })
        .await?;
    Ok(HttpResponse::Ok().json(
        events
            .into_iter()
            .map(|e| change(e, None))
            .collect::<Vec<_>>(),
    ))
}
