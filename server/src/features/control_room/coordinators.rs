//! Whom the control room may assign an incident to: the coordinators and
//! administrators of the municipality. An incident's assignee is their username.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::http::{ApiError, CONTROL_ROOM, CoveredMunicipality, ErrorBody};
use crate::state::AppState;
use crate::store;

/// A member of the control room staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Coordinator {
    /// The sign-in name; what an incident's assignee is set to.
    pub username: String,
    /// `coordinator` or `administrator`.
    pub role: Role,
}

/// The municipality's coordinators and administrators, by username. Administrators
/// of every municipality (without one of their own) are not listed.
#[utoipa::path(
    get,
    path = "/api/municipalities/{code}/coordinators",
    operation_id = "list_coordinators",
    tag = "control room",
    params(("code" = String, Path, description = "The municipality's code, e.g. `GM0599`.")),
    responses(
        (status = 200, description = "The municipality's staff who can take an incident, by username.", body = Vec<Coordinator>),
        (status = 403, description = "The role may not call this (`forbidden`), or the municipality is not the caller's (`forbidden`).", body = ErrorBody),
        (status = 503, description = "The database does not answer (`unavailable`).", body = ErrorBody),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
) -> Result<HttpResponse, ApiError> {
    let users = state
        .with_db(move |db| store::users::of_municipality(db, &municipality.code, CONTROL_ROOM))
        .await?;
    Ok(HttpResponse::Ok().json(
        users
            .into_iter()
            .map(|user| Coordinator {
                username: user.username,
                role: user.role,
            })
            .collect::<Vec<_>>(),
    ))
}
