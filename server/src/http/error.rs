//! The REST API's error answers: a stable code and a human message.

use actix_web::error::{InternalError, JsonPayloadError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::routes::MAX_JSON_BYTES;

/// Every error answer of the REST API: a stable code and a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable: `missing_token`, `invalid_token`, `expired_token`,
    /// `forbidden`, `invalid_credentials`, `invalid_json`, `payload_too_large`,
    /// `unavailable`, ...
    pub code: String,
    /// For people; may change.
    pub message: String,
}

/// JSON bodies that cannot be read get a typed error body, like every other refusal.
pub(super) fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_JSON_BYTES)
        .error_handler(json_error)
}

fn json_error(err: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let (status, code) = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
        }
        JsonPayloadError::ContentType => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "invalid_content_type")
        }
        _ => (StatusCode::BAD_REQUEST, "invalid_json"),
    };
    let response = error(status, code, &err.to_string());
    InternalError::from_response(err, response).into()
}

/// A JSON error body with a stable code.
#[must_use]
pub fn error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody {
        code: code.to_owned(),
        message: message.to_owned(),
    })
}
