use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{Caller, error};
use crate::state::AppState;
use crate::store;
use crate::summary::StationSummary;

/// The stations of a municipality, with their current state.
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
) -> HttpResponse {
    let code = code.into_inner();
    if !caller.0.covers(&code) {
        return error(StatusCode::FORBIDDEN, "forbidden", "not your municipality");
    }
    match state
        .with_db(move |db| store::stations::list(db, &code, None))
        .await
    {
        Ok(stations) => HttpResponse::Ok().json(
            stations
                .iter()
                .map(StationSummary::from)
                .collect::<Vec<_>>(),
        ),
        Err(e) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            &e.to_string(),
        ),
    }
}
