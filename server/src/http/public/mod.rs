//! The public pages (the finder, turnout, results): answers kept in memory per
//! municipality (`cache`), read on a connection of their own (`reader`), and sent with
//! an entity tag and a short `Cache-Control`, so that a browser's conditional request
//! is answered 304 and a proxy or CDN in front can absorb the rest. Under a surge the
//! public gets slower first, never the chairs: no public request takes a pooled
//! connection, and a crowd on one municipality costs one read per change.

pub mod cache;
pub mod reader;

use std::collections::HashSet;
use std::future::Future;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use self::cache::{Answer, Moment, Page, Policy, PublicCache, Unanswered};
use self::reader::PublicReader;
use crate::http::ApiError;
use crate::realtime::hub::Hub;
use crate::state::ServiceError;

/// One kind of public page: its answers and its connection.
pub struct PublicPage {
    pub cache: PublicCache,
    pub reader: PublicReader,
    /// `max-age` sent to browsers and proxies.
    max_age: Duration,
}

/// Every public page of a server.
pub struct PublicPages {
    pub finder: PublicPage,
    pub turnout: PublicPage,
    pub results: PublicPage,
    /// The results per station (`reporting::stations`).
    pub station_results: PublicPage,
    /// The municipalities that have stations: a made-up code is answered at once, and
    /// a flood of them never waits in line before the real municipalities' reads.
    pub known: KnownCodes,
}

/// The codes of the municipalities that have stations, read again every
/// `KnownCodes::FRESH_FOR` at most (a new municipality's pages answer within that).
pub struct KnownCodes {
    reader: PublicReader,
    kept: std::sync::Mutex<Option<(Instant, std::sync::Arc<HashSet<String>>)>>,
    refill: tokio::sync::Mutex<()>,
}

impl KnownCodes {
    pub const FRESH_FOR: Duration = Duration::from_secs(10);

    fn new(database_url: &str) -> Self {
        Self {
            reader: PublicReader::new(database_url),
            kept: std::sync::Mutex::default(),
            refill: tokio::sync::Mutex::new(()),
        }
    }

    fn kept(&self, fresh_only: bool) -> Option<std::sync::Arc<HashSet<String>>> {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.as_ref()
            .filter(|(made, _)| !fresh_only || made.elapsed() < Self::FRESH_FOR)
            .map(|(_, codes)| codes.clone())
    }

    /// Whether `code` has stations; None when that cannot be told now (the database
    /// does not answer and nothing was read before): the page then reads for itself.
    pub async fn contains(&self, code: &str) -> Option<bool> {
        if let Some(codes) = self.kept(true) {
            return Some(codes.contains(code));
        }
        let Ok(_turn) = tokio::time::timeout(cache::WAIT_AT_MOST, self.refill.lock()).await else {
            return self.kept(false).map(|codes| codes.contains(code));
        };
        if let Some(codes) = self.kept(true) {
            return Some(codes.contains(code));
        }
        match self
            .reader
            .read(crate::store::stations::municipality_codes)
            .await
        {
            Ok(codes) => {
                let codes: std::sync::Arc<HashSet<String>> =
                    std::sync::Arc::new(codes.into_iter().collect());
                *self
                    .kept
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Some((Instant::now(), codes.clone()));
                Some(codes.contains(code))
            }
            Err(e) => {
                tracing::warn!(%e, "cannot read the municipalities' codes");
                self.kept(false).map(|codes| codes.contains(code))
            }
        }
    }
}

impl PublicPages {
    #[must_use]
    pub fn new(database_url: &str) -> Self {
        let page = |policy: Policy, max_age: u64| PublicPage {
            cache: PublicCache::new(policy),
            reader: PublicReader::new(database_url),
            max_age: Duration::from_secs(max_age),
        };
        Self {
            finder: page(Policy::FINDER, 5),
            // Two seconds: a proxy absorbs a crowd, and a new result shows within
            // about as long as a dashboard's (a page from before closing carries no
            // figures, so no cached form lets figures out early).
            turnout: page(Policy::REPORTS, 2),
            results: page(Policy::REPORTS, 2),
            station_results: page(Policy::REPORTS, 2),
            known: KnownCodes::new(database_url),
        }
    }
}

/// Whether `code` can be a municipality's code at all ("GM0385", "44021"): anything
/// else names no municipality and is not looked up.
#[must_use]
pub fn plausible_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 16 && code.chars().all(|c| c.is_ascii_alphanumeric())
}

impl PublicPage {
    /// Answers `req` for municipality `code` with the kept page, or `read`'s.
    pub async fn serve<F, Fut>(
        &self,
        req: &HttpRequest,
        hub: &Hub,
        known: &KnownCodes,
        code: &str,
        read: F,
    ) -> HttpResponse
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Answer, ServiceError>>,
    {
        if !plausible_code(code) || known.contains(code).await == Some(false) {
            return ApiError::no_stations().into();
        }
        let now = || Moment {
            at: Instant::now(),
            ms: crate::db::now_ms(),
            seq: hub.changes_published(code),
        };
        match self.cache.get_or_read(code, now, read).await {
            Ok(Answer::Found(page)) => self.respond(req, &page),
            Ok(Answer::Unknown) => ApiError::no_stations().into(),
            Err(Unanswered::Read(e)) => ApiError::from(e).into(),
            Err(Unanswered::Busy) => {
                ApiError::unavailable(&"the public pages' reads are all taken").into()
            }
        }
    }

    /// 304 when the caller holds this very page, else the page.
    fn respond(&self, req: &HttpRequest, page: &Page) -> HttpResponse {
        let cache_control = format!("public, max-age={}", self.max_age.as_secs());
        let held = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .map(|t| t.trim().trim_start_matches("W/"))
                    .any(|t| t == &*page.etag || t == "*")
            });
        let mut response = if held {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        response
            .insert_header((header::ETAG, &*page.etag))
            .insert_header((header::CACHE_CONTROL, cache_control));
        if held {
            response.finish()
        } else {
            response
                .content_type("application/json")
                .body(page.body.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test;

    use crate::http::test_support::{Fixture, app, election, station};
    use crate::store;

    /// With every pooled connection taken (a crowd of chairs' and staff's requests),
    /// the public pages still answer: they read on their own connection.
    #[actix_web::test]
    async fn the_public_pages_need_no_pooled_connection() {
        let fixture = Fixture::new("public-pages", 2);
        let state = &fixture.state;
        {
            let mut db = state.pool.get().unwrap();
            let election = election();
            store::elections::upsert(&mut db, &election).unwrap();
            store::stations::upsert_municipality(&mut db, "GM0599", "Rotterdam").unwrap();
            store::stations::upsert(&mut db, &election.id, &station("GM0599", 1)).unwrap();
        }
        let taken = state.db_slots.clone().acquire_many_owned(2).await.unwrap();
        let app = app!(state);
        for page in ["turnout", "results", "finder"] {
            let request = test::TestRequest::get()
                .uri(&format!("/api/public/municipalities/GM0599/{page}"))
                .to_request();
            // A page that needed a pooled connection would wait for ever here.
            let response = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                test::call_service(&app, request),
            )
            .await
            .expect("answered without a pooled connection");
            assert_eq!(response.status(), 200, "{page}");
        }
        drop(taken);
    }

    /// A made-up code is refused from the municipalities' codes (read at most every
    /// `KnownCodes::FRESH_FOR`), without a read of its own that real municipalities'
    /// reads would wait behind.
    #[actix_web::test]
    async fn made_up_codes_are_refused_from_the_municipalities_codes() {
        let fixture = Fixture::new("public-codes", 2);
        let state = &fixture.state;
        {
            let mut db = state.pool.get().unwrap();
            let election = election();
            store::elections::upsert(&mut db, &election).unwrap();
            store::stations::upsert_municipality(&mut db, "GM0599", "Rotterdam").unwrap();
            store::stations::upsert(&mut db, &election.id, &station("GM0599", 1)).unwrap();
        }
        let known = &state.public.known;
        assert_eq!(known.contains("GM0599").await, Some(true));
        assert_eq!(known.contains("GM1234").await, Some(false));
        let app = app!(state);
        let request = test::TestRequest::get()
            .uri("/api/public/municipalities/GM1234/results")
            .to_request();
        assert_eq!(test::call_service(&app, request).await.status(), 404);
    }
}
