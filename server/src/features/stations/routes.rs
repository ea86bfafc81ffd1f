use actix_web::{HttpResponse, web};

use crate::features::stations::summary::StationSummary;
use crate::http::{ApiError, CoveredMunicipality, ErrorBody};
use crate::state::AppState;
use crate::store;

/// The stations of a municipality, with their current state.
#[utoipa::path(
    get,
    path = "/api/municipalities/{code}/stations",
    operation_id = "list_stations",
    tag = "stations",
    params(("code" = String, Path, description = "The municipality's code, e.g. `GM0599`.")),
    responses(
        (status = 200, description = "The municipality's stations, by number.", body = Vec<StationSummary>),
        (status = 403, description = "The role may not call this (`forbidden`), or the municipality is not the caller's (`forbidden`).", body = ErrorBody),
        (status = 503, description = "The database does not answer (`unavailable`).", body = ErrorBody),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
) -> Result<HttpResponse, ApiError> {
    let stations = state
        .with_db(move |db| store::stations::list(db, &municipality.code, None))
        .await?;
    Ok(HttpResponse::Ok().json(
        stations
            .iter()
            .map(StationSummary::from)
            .collect::<Vec<_>>(),
    ))
}

/// The control room's alerts for a municipality's stations, at this moment, most
/// urgent kinds first.
#[utoipa::path(
    get,
    path = "/api/municipalities/{code}/alerts",
    operation_id = "list_alerts",
    tag = "stations",
    params(("code" = String, Path, description = "The municipality's code, e.g. `GM0599`.")),
    responses(
        (status = 200, description = "Alerts: not open at opening time, open incidents, ballots asked for and not yet sent (while open), too few members, ballots running out before closing, turnout moment overdue, silent device, turnout corrected downward, result with warnings.", body = Vec<crate::features::control_room::alerts::Alert>),
        (status = 403, description = "The role may not call this (`forbidden`), or the municipality is not the caller's (`forbidden`).", body = ErrorBody),
        (status = 503, description = "The database does not answer (`unavailable`).", body = ErrorBody),
    )
)]
pub async fn alerts(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
) -> Result<HttpResponse, ApiError> {
    // Who handled an alert names a coordinator, and a correction's reason is the
    // chair's own words: for the control room's roles only (docs/privacy.md); others
    // see the alert, that it was seen or resolved, and when.
    let sees_people = matches!(
        &municipality.caller,
        crate::auth::Principal::Staff { role, .. } if crate::http::CONTROL_ROOM.contains(role)
    );
    let found = state
        .with_db(move |db| {
            let Some((stations, election)) =
                store::stations::with_election(db, &municipality.code)?
            else {
                return Ok(None);
            };
            let rules = store::elections::alert_rules(db, &election.id)?;
            let offices = store::counting_offices::list(db, &election.id, &municipality.code)?;
            Ok(Some((stations, election, rules, offices)))
        })
        .await?;
    let mut alerts = found.map_or_else(Vec::new, |(stations, election, rules, offices)| {
        let mut alerts = crate::features::control_room::alerts::for_stations(
            &stations,
            &election,
            &rules,
            shared::domain::Timestamp(crate::db::now_ms()),
        );
        crate::features::counting_offices::counted_in_offices(&mut alerts, &offices);
        alerts
    });
    if !sees_people {
        for alert in &mut alerts {
            alert.reason = None;
        }
        for handled in alerts.iter_mut().filter_map(|a| a.handled.as_mut()) {
            handled.by.clear();
        }
    }
    Ok(HttpResponse::Ok().json(alerts))
}
