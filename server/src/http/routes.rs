//! The HTTP routes. Every endpoint is one entry of `endpoints()`, whose `access` field
//! is required: the app registers routes only from this list and guards each with its
//! own declaration, so no route can exist without saying who may call it.

use actix_web::{HttpRequest, HttpResponse, Route, web};
use serde::{Deserialize, Serialize};

use super::error::{ApiError, ErrorBody, Localise, json_config};
use super::guard;
use super::{openapi, session};
use crate::auth::{Access, Role};
use crate::features::{control_room, convocation, counting_offices, finder, reporting, stations};
use crate::realtime::{dashboard_socket, device_socket};

pub const ALL_STAFF: &[Role] = &Role::ALL;
/// Who may act in the control room.
pub const CONTROL_ROOM: &[Role] = &[Role::Administrator, Role::Coordinator];
/// The main office's chair (Flanders, counting offices): links, locks and unlocks.
pub const MAIN_OFFICE_CHAIR: &[Role] = &[Role::Administrator];

/// The largest JSON request body accepted (the same limit as the app-wide one).
pub const MAX_JSON_BYTES: usize = 256 * 1024;

pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub route: fn() -> Route,
}

#[must_use]
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint {
            method: "GET",
            path: "/health",
            access: Access::Public,
            route: || web::get().to(health),
        },
        Endpoint {
            method: "GET",
            path: "/metrics",
            access: Access::Public,
            route: || web::get().to(metrics),
        },
        // The WebSocket endpoints authenticate inside their protocol (device token in
        // hello, staff token in subscribe); at the HTTP level anyone may connect.
        Endpoint {
            method: "GET",
            path: "/ws/station",
            access: Access::Public,
            route: || web::get().to(device_socket::endpoint),
        },
        Endpoint {
            method: "GET",
            path: "/ws/dashboard",
            access: Access::Public,
            route: || web::get().to(dashboard_socket::endpoint),
        },
        Endpoint {
            method: "POST",
            path: "/api/login",
            access: Access::Public,
            route: || web::post().to(session::login),
        },
        Endpoint {
            method: "POST",
            path: "/api/refresh",
            access: Access::Public,
            route: || web::post().to(session::refresh),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/stations",
            access: Access::Staff(ALL_STAFF),
            route: || web::get().to(stations::routes::list),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/alerts",
            access: Access::Staff(ALL_STAFF),
            route: || web::get().to(stations::routes::alerts),
        },
        Endpoint {
            method: "GET",
            path: "/api/stations/{station}/timeline",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::get().to(control_room::timeline::station),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/incidents",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::get().to(control_room::timeline::incidents),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/coordinators",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::get().to(control_room::coordinators::list),
        },
        Endpoint {
            method: "POST",
            path: "/api/stations/{station}/incidents/{incident}/status",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::post().to(control_room::routes::incident_status),
        },
        Endpoint {
            method: "POST",
            path: "/api/municipalities/{code}/messages",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::post().to(control_room::routes::message),
        },
        Endpoint {
            method: "POST",
            path: "/api/stations/{station}/resupply",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::post().to(control_room::routes::resupply),
        },
        Endpoint {
            method: "POST",
            path: "/api/stations/{station}/alerts",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::post().to(control_room::routes::handle_alert),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/turnout",
            access: Access::Staff(ALL_STAFF),
            route: || web::get().to(reporting::routes::turnout),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/turnout/chart",
            access: Access::Staff(ALL_STAFF),
            route: || web::get().to(reporting::routes::turnout_chart),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/turnout.csv",
            access: Access::Staff(ALL_STAFF),
            route: || web::get().to(reporting::routes::turnout_csv),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/results",
            access: Access::Staff(ALL_STAFF),
            route: || web::get().to(reporting::routes::results),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/results/chart",
            access: Access::Staff(ALL_STAFF),
            route: || web::get().to(reporting::routes::results_chart),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/results.csv",
            access: Access::Staff(ALL_STAFF),
            route: || web::get().to(reporting::routes::results_csv),
        },
        Endpoint {
            method: "GET",
            path: "/api/public/municipalities/{code}/turnout",
            access: Access::Public,
            route: || web::get().to(reporting::routes::public_turnout),
        },
        Endpoint {
            method: "GET",
            path: "/api/public/municipalities/{code}/finder",
            access: Access::Public,
            route: || web::get().to(finder::routes::finder),
        },
        Endpoint {
            method: "GET",
            path: "/api/public/municipalities/{code}/results",
            access: Access::Public,
            route: || web::get().to(reporting::routes::public_results),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/results/stations",
            access: Access::Staff(ALL_STAFF),
            route: || web::get().to(reporting::routes::station_results),
        },
        Endpoint {
            method: "GET",
            path: "/api/public/municipalities/{code}/results/stations",
            access: Access::Public,
            route: || web::get().to(reporting::routes::public_station_results),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/counting-offices",
            access: Access::Staff(ALL_STAFF),
            route: || web::get().to(counting_offices::routes::list),
        },
        Endpoint {
            method: "PUT",
            path: "/api/municipalities/{code}/counting-offices/{number}",
            access: Access::Staff(MAIN_OFFICE_CHAIR),
            route: || web::put().to(counting_offices::routes::link),
        },
        Endpoint {
            method: "POST",
            path: "/api/municipalities/{code}/counting-offices/{number}/unlink",
            access: Access::Staff(MAIN_OFFICE_CHAIR),
            route: || web::post().to(counting_offices::routes::unlink),
        },
        Endpoint {
            method: "POST",
            path: "/api/municipalities/{code}/counting-offices/{number}/claim",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::post().to(counting_offices::routes::claim),
        },
        Endpoint {
            method: "POST",
            path: "/api/municipalities/{code}/counting-offices/{number}/release",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::post().to(counting_offices::routes::release),
        },
        Endpoint {
            method: "POST",
            path: "/api/municipalities/{code}/counting-offices/{number}/result/check",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::post().to(counting_offices::routes::check),
        },
        Endpoint {
            method: "PUT",
            path: "/api/municipalities/{code}/counting-offices/{number}/result",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::put().to(counting_offices::routes::enter),
        },
        Endpoint {
            method: "POST",
            path: "/api/municipalities/{code}/counting-offices/{number}/lock",
            access: Access::Staff(MAIN_OFFICE_CHAIR),
            route: || web::post().to(counting_offices::routes::lock),
        },
        Endpoint {
            method: "POST",
            path: "/api/municipalities/{code}/counting-offices/{number}/unlock",
            access: Access::Staff(MAIN_OFFICE_CHAIR),
            route: || web::post().to(counting_offices::routes::unlock),
        },
        Endpoint {
            method: "GET",
            path: "/api/municipalities/{code}/convocations",
            access: Access::Staff(CONTROL_ROOM),
            route: || web::get().to(convocation::routes::follow_up),
        },
        // The personal link of a convoked person: the code in the body is the access.
        Endpoint {
            method: "POST",
            path: "/api/convocation",
            access: Access::Public,
            route: || web::post().to(convocation::routes::view),
        },
        Endpoint {
            method: "POST",
            path: "/api/convocation/answer",
            access: Access::Public,
            route: || web::post().to(convocation::routes::answer),
        },
        Endpoint {
            method: "GET",
            path: "/api/openapi.json",
            access: Access::Public,
            route: || web::get().to(openapi::serve),
        },
    ]
}

/// Registers every endpoint, each behind its own access guard.
pub fn configure(cfg: &mut web::ServiceConfig) {
    register(cfg, endpoints());
}

/// Only the public pages' endpoints (`/api/public/...`), for their own listener.
pub fn configure_public(cfg: &mut web::ServiceConfig) {
    let public = endpoints()
        .into_iter()
        .filter(|e| e.path.starts_with(PUBLIC_PREFIX) && e.access == Access::Public)
        .collect();
    register(cfg, public);
}

/// Where the public pages' endpoints live.
pub const PUBLIC_PREFIX: &str = "/api/public/";

fn register(cfg: &mut web::ServiceConfig, endpoints: Vec<Endpoint>) {
    for endpoint in endpoints {
        cfg.service(
            web::resource(endpoint.path)
                .app_data(json_config())
                .wrap(guard::AccessGuard(endpoint.access))
                .wrap(Localise)
                .route((endpoint.route)()),
        );
    }
}

/// The server's health: `ok` with the number of stations, or `unavailable`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, `unavailable` (no database) or `not_ready` (commits fail, or free disk
    /// space is under the margin).
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stations: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Whether the server can store reports: its database answers, its writer's last
/// commit succeeded (a full disk or a lost database shows here, not only in the logs),
/// and free space under the SQLite file is above the margin (`KIESDAG_MIN_FREE_MB`).
#[utoipa::path(
    get,
    path = "/health",
    operation_id = "health",
    tag = "system",
    responses(
        (status = 200, description = "The database answers and commits succeed.", body = Health),
        (status = 503, description = "The database does not answer (`unavailable`), or reports cannot be stored (`not_ready`, with the reason: commits fail, or free disk space is under the margin and new reports are refused).", body = Health),
    )
)]
pub(crate) async fn health(state: web::Data<crate::state::AppState>) -> HttpResponse {
    if let Some((since, reason)) = state.metrics.storage_failure() {
        return HttpResponse::ServiceUnavailable().json(Health {
            status: "not_ready".into(),
            stations: None,
            error: Some(format!(
                "reports cannot be stored since {since} (ms since the epoch): {reason}"
            )),
        });
    }
    match state.with_db(crate::store::stations::count).await {
        Ok(stations) => HttpResponse::Ok().json(Health {
            status: "ok".into(),
            stations: Some(stations),
            error: None,
        }),
        Err(e) => HttpResponse::ServiceUnavailable().json(Health {
            status: "unavailable".into(),
            stations: None,
            error: Some(e.to_string()),
        }),
    }
}

/// Prometheus metrics: counters and gauges of the whole server, no personal data.
/// Answered to a scraper on this machine (a loopback address), or anywhere with
/// `Authorization: Bearer <KIESDAG_METRICS_TOKEN>` when that variable is set (at least
/// 16 characters); refused to everyone else, since load and failure figures help an
/// attacker time an attack.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "system",
    responses(
        (status = 200, description = "Metrics in the Prometheus text format.", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 403, description = "Not from this machine and without the metrics token (`forbidden`).", body = ErrorBody),
    )
)]
pub(crate) async fn metrics(
    req: HttpRequest,
    state: web::Data<crate::state::AppState>,
) -> HttpResponse {
    // Through a trusted proxy, the caller is who the proxy says (a proxy on this
    // machine would make everyone local).
    let local = crate::http::client::address(&req, &state.trusted_proxies)
        .is_some_and(|ip| ip.is_loopback());
    let token = std::env::var("KIESDAG_METRICS_TOKEN").ok();
    let presented = req
        .headers()
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    if !may_read_metrics(local, token.as_deref(), presented) {
        return ApiError::metrics_forbidden().respond_to(&req);
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}

/// Whether a request may read `/metrics`: from this machine, or with the configured
/// token (of at least 16 characters).
pub(crate) fn may_read_metrics(local: bool, token: Option<&str>, presented: Option<&str>) -> bool {
    local || matches!((token, presented), (Some(t), Some(p)) if t.len() >= 16 && t == p)
}
