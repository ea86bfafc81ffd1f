//! The finder's one public endpoint.

use actix_web::{HttpRequest, HttpResponse, web};

use super::Finder;
use crate::http::error::ErrorBody;
use crate::http::public::cache::{Answer, Page};
use crate::state::AppState;
use crate::store;

/// A municipality's polling stations for citizens: address, hours, accessibility,
/// coordinates, and on the day whether each is open and its queue. No sign-in.
#[utoipa::path(get, path = "/api/public/municipalities/{code}/finder", operation_id = "public_finder", tag = "public",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses((status = 200, description = "The stations, with an `ETag` and `Cache-Control: public, max-age=5`.", body = Finder), (status = 304, description = "The caller's copy (`If-None-Match`) is current."), (status = 404, description = "No stations (`not_found`).", body = ErrorBody), (status = 503, description = "The database does not answer, or others are reading it; come back in a few seconds (`unavailable`).", body = ErrorBody)))]
pub async fn finder(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    let code = code.into_inner();
    let page = &state.public.finder;
    let read = || async {
        let lookup = code.clone();
        let found = page
            .reader
            .read(move |db| {
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
                Answer::Found(Page::new(
                    web::Bytes::from(crate::store::to_json(&view)),
                    None,
                ))
            },
        ))
    };
    page.serve(&req, &state.hub, &state.public.known, &code, read)
        .await
}
