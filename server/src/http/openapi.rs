//! The OpenAPI document of every endpoint in `endpoints()`, served at
//! `GET /api/openapi.json` and committed as `docs/openapi.json`; regenerate it with
//! `cargo run -p kiesdag --bin gen-openapi > docs/openapi.json`.
//!
//! Handlers describe their own answers. Who may call each one is not written again
//! here: `DeclaredAccess` copies it from `endpoints()` (bearer security, the allowed
//! roles as `x-roles`, and the 401 and 403 answers), so the document cannot drift
//! from the guard.

use std::sync::LazyLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi as Document, PathItem, Ref, RefOr, ResponseBuilder, path::Operation,
};
use utoipa::{Modify, OpenApi};

use super::{ErrorBody, ErrorReference, endpoints};
use crate::auth::Access;
use crate::realtime::dashboard_socket::{ChangeView, DashboardMessage};

/// The name of the bearer-token security scheme in the document.
pub const BEARER: &str = "bearer";

/// The command that rewrites the committed document.
pub const REGENERATE: &str = "cargo run -p kiesdag --bin gen-openapi > docs/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kiesdag API",
        description = "The Kiesdag server's HTTP API: staff sign-in, the control room's reads, \
                       health and metrics, and the two WebSocket endpoints. Staff endpoints \
                       take a bearer access token from `/api/login`; each lists the roles \
                       it admits in `x-roles`. Every error answer is an `ErrorBody`, whose \
                       `code` is one of `ErrorReference` and whose `message` is in the \
                       language of `Accept-Language` (`nl` or `en`; Dutch by default)."
    ),
    paths(
        super::routes::health,
        super::routes::metrics,
        serve,
        ws_station,
        ws_dashboard,
        super::session::login,
        super::session::refresh,
        crate::features::stations::routes::list,
        crate::features::stations::routes::alerts,
        crate::features::control_room::timeline::station,
        crate::features::control_room::timeline::incidents,
        crate::features::control_room::coordinators::list,
        crate::features::control_room::routes::incident_status,
        crate::features::control_room::routes::message,
        crate::features::control_room::routes::resupply,
        crate::features::control_room::routes::handle_alert,
        crate::features::reporting::routes::turnout,
        crate::features::reporting::routes::turnout_chart,
        crate::features::reporting::routes::turnout_csv,
        crate::features::reporting::routes::results,
        crate::features::reporting::routes::results_chart,
        crate::features::reporting::routes::results_csv,
        crate::features::reporting::routes::public_turnout,
        crate::features::reporting::routes::public_results,
        crate::features::reporting::routes::station_results,
        crate::features::reporting::routes::public_station_results,
        crate::features::finder::routes::finder,
        crate::features::convocation::routes::view,
        crate::features::convocation::routes::answer,
        crate::features::convocation::routes::follow_up,
        crate::features::counting_offices::routes::list,
        crate::features::counting_offices::routes::link,
        crate::features::counting_offices::routes::unlink,
        crate::features::counting_offices::routes::claim,
        crate::features::counting_offices::routes::release,
        crate::features::counting_offices::routes::check,
        crate::features::counting_offices::routes::enter,
        crate::features::counting_offices::routes::lock,
        crate::features::counting_offices::routes::unlock,
    ),
    components(schemas(ErrorBody, ErrorReference, DashboardMessage, ChangeView)),
    modifiers(&DeclaredAccess),
    tags(
        (name = "system", description = "Health, metrics and this document."),
        (name = "session", description = "Staff sign-in and token refresh."),
        (name = "stations", description = "Polling stations and their state."),
        (name = "realtime", description = "WebSocket endpoints (JSON frames)."),
        (name = "convocation", description = "A convoked person's personal link: their convocation and their answer."),
        (name = "counting offices", description = "Flemish paper-voting municipalities: the main office links its counting offices (telbureaus) to their stations on the day, enters each office's result (one person per office at a time) and locks it."),
    )
)]
struct ApiDoc;

/// The document, built from the handlers' annotations and `endpoints()`.
#[must_use]
pub fn document() -> Document {
    ApiDoc::openapi()
}

/// The document as pretty JSON, exactly as committed in `docs/openapi.json` (which
/// ends with one more newline).
///
/// # Errors
/// Only if serialising fails, which our document does not.
pub fn document_json() -> Result<String, serde_json::Error> {
    document().to_pretty_json()
}

static DOCUMENT: LazyLock<Document> = LazyLock::new(document);

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    operation_id = "openapi",
    tag = "system",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of this API.", body = Object),
    )
)]
pub async fn serve() -> HttpResponse {
    HttpResponse::Ok().json(&*DOCUMENT)
}

/// The polling-station connection (WebSocket).
///
/// Activation, hello/resume, operations, acks, pushes and heartbeats, as JSON frames of the shared wire protocol (at most
/// 64 KiB each). The device authenticates inside the protocol with its device token,
/// so the upgrade itself needs none.
#[utoipa::path(
    get,
    path = "/ws/station",
    operation_id = "ws_station",
    tag = "realtime",
    responses(
        (status = 101, description = "Switched to the WebSocket protocol."),
        (status = 400, description = "Not a WebSocket upgrade request."),
    )
)]
#[allow(dead_code)]
fn ws_station() {}

/// The dashboard stream (WebSocket).
///
/// The first frame is
/// `{"type":"subscribe","token":…,"municipality":…,"district":…,"since_seq":…}` with a
/// staff access token; the server answers with `DashboardMessage` frames: a snapshot
/// (or the changes since `since_seq`), then changes as they commit.
#[utoipa::path(
    get,
    path = "/ws/dashboard",
    operation_id = "ws_dashboard",
    tag = "realtime",
    responses(
        (status = 101, description = "Switched to the WebSocket protocol; frames are `DashboardMessage`s."),
        (status = 400, description = "Not a WebSocket upgrade request."),
    )
)]
#[allow(dead_code)]
fn ws_dashboard() {}

/// The operation of `method` in `item`, if any.
#[must_use]
pub fn operation<'a>(item: &'a PathItem, method: &str) -> Option<&'a Operation> {
    match method {
        "GET" => item.get.as_ref(),
        "POST" => item.post.as_ref(),
        "PUT" => item.put.as_ref(),
        "PATCH" => item.patch.as_ref(),
        "DELETE" => item.delete.as_ref(),
        "HEAD" => item.head.as_ref(),
        "OPTIONS" => item.options.as_ref(),
        "TRACE" => item.trace.as_ref(),
        _ => None,
    }
}

fn operation_mut<'a>(item: &'a mut PathItem, method: &str) -> Option<&'a mut Operation> {
    match method {
        "GET" => item.get.as_mut(),
        "POST" => item.post.as_mut(),
        "PUT" => item.put.as_mut(),
        "PATCH" => item.patch.as_mut(),
        "DELETE" => item.delete.as_mut(),
        "HEAD" => item.head.as_mut(),
        "OPTIONS" => item.options.as_mut(),
        "TRACE" => item.trace.as_mut(),
        _ => None,
    }
}

/// Every (method, path) the document describes.
#[must_use]
pub fn operations(document: &Document) -> Vec<(&'static str, String)> {
    const METHODS: [&str; 8] = [
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
    ];
    document
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .into_iter()
                .filter(|method| operation(item, method).is_some())
                .map(|method| (method, path.clone()))
        })
        .collect()
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}

/// Writes each endpoint's declared access into its operation.
struct DeclaredAccess;

impl Modify for DeclaredAccess {
    fn modify(&self, openapi: &mut Document) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A staff access token from /api/login or /api/refresh (HS256, 15 minutes).",
                    ))
                    .build(),
            ),
        );
        for endpoint in endpoints() {
            let Access::Staff(roles) = endpoint.access else {
                continue;
            };
            let Some(operation) = openapi
                .paths
                .paths
                .get_mut(endpoint.path)
                .and_then(|item| operation_mut(item, endpoint.method))
            else {
                continue;
            };
            let names: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
            operation.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
            operation
                .extensions
                .get_or_insert_with(Default::default)
                .insert("x-roles".to_owned(), serde_json::json!(names));
            let line = format!("Roles: {}.", names.join(", "));
            operation.description = Some(match operation.description.take() {
                Some(text) if !text.is_empty() => format!("{text}\n\n{line}"),
                _ => line,
            });
            let responses = &mut operation.responses.responses;
            responses.entry("401".to_owned()).or_insert_with(|| {
                error_response(
                    "No valid access token: none (`missing_token`), malformed, forged or \
                     of another kind (`invalid_token`), expired (`expired_token`), issued \
                     before the user's sessions were ended (`revoked_token`), or of a \
                     disabled user (`account_disabled`).",
                )
            });
            responses
                .entry("403".to_owned())
                .or_insert_with(|| error_response("The role may not call this (`forbidden`)."));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const WEBSOCKETS: [&str; 2] = ["/ws/station", "/ws/dashboard"];

    #[test]
    fn committed_document_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        let generated = document_json().unwrap();
        assert!(
            committed.trim_end() == generated.trim_end(),
            "docs/openapi.json is missing or out of date; run `{REGENERATE}` from the \
             repository root and commit it"
        );
    }

    /// Every endpoint is documented, WebSockets included, and the document has
    /// nothing else.
    #[test]
    fn document_covers_exactly_the_endpoints() {
        let document = document();
        let documented: BTreeSet<(&str, String)> = operations(&document).into_iter().collect();
        let declared: BTreeSet<(&str, String)> = endpoints()
            .into_iter()
            .map(|e| (e.method, e.path.to_owned()))
            .collect();
        let undocumented: Vec<_> = declared.difference(&documented).collect();
        let undeclared: Vec<_> = documented.difference(&declared).collect();
        assert!(
            undocumented.is_empty(),
            "endpoints without a #[utoipa::path] in ApiDoc: {undocumented:?}"
        );
        assert!(
            undeclared.is_empty(),
            "documented but not in endpoints(): {undeclared:?}"
        );
        for path in WEBSOCKETS {
            assert!(declared.contains(&("GET", path.to_owned())));
        }
    }

    /// The document says for each endpoint what its declaration says.
    #[test]
    fn document_states_each_declared_access() {
        let document = document();
        let schemes = &document.components.as_ref().unwrap().security_schemes;
        assert!(schemes.contains_key(BEARER));
        for endpoint in endpoints() {
            let item = document.paths.paths.get(endpoint.path).unwrap();
            let op = operation(item, endpoint.method).unwrap();
            let json = serde_json::to_value(op).unwrap();
            match endpoint.access {
                Access::Public => {
                    assert!(op.security.is_none(), "{} needs no token", endpoint.path);
                    assert!(json.get("x-roles").is_none());
                }
                Access::Staff(roles) => {
                    assert!(op.security.is_some(), "{} needs a token", endpoint.path);
                    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                    assert_eq!(json["x-roles"], serde_json::json!(names));
                    for status in ["401", "403"] {
                        assert!(
                            op.responses.responses.contains_key(status),
                            "{} documents no {status}",
                            endpoint.path
                        );
                    }
                }
            }
        }
    }

    /// Every documented error answer has the `ErrorBody` shape.
    #[test]
    fn error_answers_are_error_bodies() {
        let json = serde_json::to_value(document()).unwrap();
        for (path, item) in json["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (status, response) in op["responses"].as_object().unwrap() {
                    let code: u16 = status.parse().unwrap();
                    if code < 400 || path.starts_with("/ws/") || path == "/health" {
                        continue;
                    }
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
}
