//! The REST API. Every endpoint is one entry of `endpoints()`, whose `access` field
//! is required: the app registers routes only from this list and guards each with its
//! own declaration, so no route can exist without saying who may call it.

mod guard;
mod session;
mod stations;

use actix_web::{HttpResponse, Route, web};

use crate::auth::{Access, Role};
pub use guard::Caller;

pub const ALL_STAFF: &[Role] = &Role::ALL;

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
            route: || web::get().to(crate::ws::station::endpoint),
        },
        Endpoint {
            method: "GET",
            path: "/ws/dashboard",
            access: Access::Public,
            route: || web::get().to(crate::ws::dashboard::endpoint),
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
            route: || web::get().to(stations::list),
        },
    ]
}

/// Registers every endpoint, each behind its own access guard.
pub fn configure(cfg: &mut web::ServiceConfig) {
    for endpoint in endpoints() {
        cfg.service(
            web::resource(endpoint.path)
                .wrap(guard::AccessGuard(endpoint.access))
                .route((endpoint.route)()),
        );
    }
}

async fn health(state: web::Data<crate::state::AppState>) -> HttpResponse {
    match state.with_db(crate::store::stations::count).await {
        Ok(stations) => {
            HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "stations": stations }))
        }
        Err(e) => HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({ "status": "unavailable", "error": e.to_string() })),
    }
}

async fn metrics(state: web::Data<crate::state::AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}

/// A JSON error body with a stable code.
#[must_use]
pub fn error(status: actix_web::http::StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({ "code": code, "message": message }))
}
