//! The built web dashboard (web-dashboard/dist), served on the server's own port.
//!
//! Files come from `KIESDAG_WEB_DIR` (default `web-dashboard/dist`). Any GET that no
//! API route matched gets the file at its path, or `index.html` so that the
//! dashboard's own routes (`/control`, `/public/GM0599`, ...) load the app. Paths under
//! `/api/`, `/ws/`, `/health` and `/metrics` never fall back: an unknown API path is
//! a JSON 404, not a page.

use std::path::{Component, Path, PathBuf};

use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::http::{ApiError, ErrorReference};

/// The dashboard's folder, when none is configured.
pub const DEFAULT_DIR: &str = "web-dashboard/dist";

/// Where the dashboard's files are.
#[derive(Debug, Clone)]
pub struct WebDir(pub PathBuf);

impl WebDir {
    /// From `KIESDAG_WEB_DIR`, else `DEFAULT_DIR`.
    #[must_use]
    pub fn from_env() -> Self {
        Self(PathBuf::from(
            std::env::var("KIESDAG_WEB_DIR").unwrap_or_else(|_| DEFAULT_DIR.to_owned()),
        ))
    }
}

/// Registers the dashboard as the app's fallback: call after every other route.
pub fn configure(dir: WebDir) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(web::Data::new(dir))
            .default_service(web::to(serve));
    }
}

fn reserved(path: &str) -> bool {
    ["/api", "/ws", "/health", "/metrics"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// The file under `root` that `path` names, if `path` stays inside it.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let relative = Path::new(path.trim_start_matches('/'));
    let mut file = root.to_path_buf();
    for component in relative.components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(file)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

async fn serve(req: HttpRequest, dir: Option<web::Data<WebDir>>) -> HttpResponse {
    let path = req.path().to_owned();
    if reserved(&path) || (req.method() != Method::GET && req.method() != Method::HEAD) {
        return ApiError::from(ErrorReference::NotFound).respond_to(&req);
    }
    let root = dir.map_or_else(|| PathBuf::from(DEFAULT_DIR), |d| d.0.clone());
    let Some(file) = resolve(&root, &path) else {
        return ApiError::from(ErrorReference::NotFound).respond_to(&req);
    };
    let read = web::block(move || {
        let asset = file.is_file().then_some(file);
        let hashed = asset.is_some() && path.starts_with("/assets/");
        let chosen = asset.unwrap_or_else(|| root.join("index.html"));
        std::fs::read(&chosen).map(|bytes| (chosen, hashed, bytes))
    })
    .await;
    match read {
        Ok(Ok((file, hashed, bytes))) => {
            // Vite's hashed assets never change; index.html must be fetched afresh.
            let cache = if hashed {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            HttpResponse::Ok()
                .content_type(content_type(&file))
                .insert_header((header::CACHE_CONTROL, cache))
                .insert_header(("x-content-type-options", "nosniff"))
                .body(bytes)
        }
        _ => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("The dashboard is not built: run `make dashboard`."),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;
    use actix_web::test::{self, TestRequest};
    use actix_web::{App, web as aweb};

    use super::*;

    fn site() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kiesdag-web-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(
            dir.join("index.html"),
            "<!doctype html><title>Kiesdag</title>",
        )
        .unwrap();
        std::fs::write(dir.join("assets/app-1234.js"), "console.log(1)").unwrap();
        dir
    }

    #[actix_web::test]
    async fn files_and_client_routes_are_served_but_never_over_the_api() {
        let dir = site();
        let app = test::init_service(
            App::new()
                .route("/api/known", aweb::get().to(|| async { "api" }))
                .configure(configure(WebDir(dir.clone()))),
        )
        .await;
        let get = |uri: &str| TestRequest::get().uri(uri).to_request();

        let response = test::call_service(&app, get("/assets/app-1234.js")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response
                .headers()
                .get(header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("text/javascript")
        );
        assert_eq!(test::read_body(response).await, "console.log(1)");

        for route in ["/", "/control", "/public/GM0599", "/stations/GM0599-1"] {
            let response = test::call_service(&app, get(route)).await;
            assert_eq!(response.status(), StatusCode::OK, "{route}");
            let body = test::read_body(response).await;
            assert!(body.starts_with(b"<!doctype html>"), "{route}");
        }

        let response = test::call_service(&app, get("/api/known")).await;
        assert_eq!(test::read_body(response).await, "api", "the API wins");
        for reserved in ["/api/unknown", "/ws/other", "/health/x", "/metrics/x"] {
            let response = test::call_service(&app, get(reserved)).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{reserved}");
            let body: crate::http::ErrorBody = test::read_body_json(response).await;
            assert_eq!(body.code, "not_found");
        }
        let post = TestRequest::post().uri("/control").to_request();
        assert_eq!(
            test::call_service(&app, post).await.status(),
            StatusCode::NOT_FOUND
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn paths_cannot_leave_the_folder() {
        let root = Path::new("/srv/dist");
        assert_eq!(
            resolve(root, "/assets/a.js"),
            Some(PathBuf::from("/srv/dist/assets/a.js"))
        );
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(resolve(root, "/assets/../../x"), None);
    }
}
