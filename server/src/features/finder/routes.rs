//! The finder's one public endpoint.

use actix_web::{HttpResponse, http::header, web};

use super::Finder;
use super::cache::{Answer, Unanswered};
use crate::http::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::store;

/// A municipality's polling stations for citizens: address, hours, accessibility,
/// coordinates, and on the day whether each is open and its queue. No sign-in.
#[utoipa::path(get, path = "/api/public/municipalities/{code}/finder", operation_id = "public_finder", tag = "public",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses((status = 200, description = "The stations.", body = Finder), (status = 404, description = "No stations (`not_found`).", body = ErrorBody), (status = 503, description = "The database does not answer, or others are reading it; come back in a few seconds (`unavailable`).", body = ErrorBody)))]
pub async fn finder(state: web::Data<AppState>, code: web::Path<String>) -> HttpResponse {
    let code = code.into_inner();
    // A code is a few letters and digits ("GM0385", "44021"); anything else names no
    // municipality and is not looked up.
    if code.is_empty() || code.len() > 16 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return ApiError::no_stations().into();
    }
    let cache = &state.finder_cache;
    let read = || async {
        let lookup = code.clone();
        let found = state
            .with_db(move |db| {
                let Some((stations, election)) = store::stations::with_election(db, &lookup)?
                else {
                    return Ok(None);
                };
                let name = store::stations::municipality_name(db, &lookup)?;
                Ok(Some((stations, election, name)))
            })
            .await?;
        Ok::<_, crate::state::ServiceError>(found.map_or(
            Answer::Unknown,
            |(stations, election, name)| {
                let view: Finder = super::view(
                    &code,
                    name,
                    &stations,
                    &election,
                    shared::domain::Timestamp(crate::db::now_ms()),
                );
                Answer::Found(web::Bytes::from(crate::store::to_json(&view)))
            },
        ))
    };
    let body = match cache.get_or_read(&code, read).await {
        Ok(Answer::Found(body)) => body,
        Ok(Answer::Unknown) => return ApiError::no_stations().into(),
        Err(Unanswered::Read(e)) => return ApiError::from(e).into(),
        Err(Unanswered::Busy) => {
            return ApiError::unavailable(&"the finder's reads are all taken").into();
        }
    };
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            header::CACHE_CONTROL,
            format!("public, max-age={}", super::cache::FRESH_FOR.as_secs()),
        ))
        .body(body)
}
