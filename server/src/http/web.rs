//! The built web apps, served on the server's own port: the dashboard
//! (web-dashboard/dist) at `/`, and the chair's app (web-chair/dist) at `/chair/`.
//!
//! Files come from `KIESDAG_WEB_DIR` (default `web-dashboard/dist`) and
//! `KIESDAG_CHAIR_DIR` (default `web-chair/dist`). Any GET that no API route matched
//! gets the file at its path, or its app's `index.html` so that the apps' own routes
//! (`/control`, `/public/GM0599`, ...) load the app. Paths under `/api/`, `/ws/`,
//! `/health` and `/metrics` never fall back: an unknown API path is a JSON 404, not a
//! page.

use std::path::{Component, Path, PathBuf};

use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::http::{ApiError, ErrorReference};

/// The dashboard's folder, when none is configured.
pub const DEFAULT_DIR: &str = "web-dashboard/dist";
/// The chair's app's folder, when none is configured.
pub const DEFAULT_CHAIR_DIR: &str = "web-chair/dist";
/// Where the chair's app is served: its Vite `base` (web-chair/vite.config.ts).
pub const CHAIR_PATH: &str = "/chair";

/// Where the web apps' files are.
#[derive(Debug, Clone)]
pub struct WebDir {
    pub dashboard: PathBuf,
    pub chair: PathBuf,
}

impl WebDir {
    /// From `KIESDAG_WEB_DIR` and `KIESDAG_CHAIR_DIR`, else the defaults.
    #[must_use]
    pub fn from_env() -> Self {
        let var = |name: &str, default: &str| {
            PathBuf::from(std::env::var(name).unwrap_or_else(|_| default.to_owned()))
        };
        Self {
            dashboard: var("KIESDAG_WEB_DIR", DEFAULT_DIR),
            chair: var("KIESDAG_CHAIR_DIR", DEFAULT_CHAIR_DIR),
        }
    }
}

/// Registers the dashboard as the app's fallback: call after every other route.
pub fn configure(dir: WebDir) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(web::Data::new(dir))
            .default_service(web::to(serve));
    }
}

/// The hashed assets, gzipped once and kept: a phone on a slow network loads about a
/// third of the bytes (the dashboard's script, the chair's core), and the server
/// compresses each file once for all its workers, not for every device that loads it.
/// Vite's hashed files never change, so what is kept stays right. Compressing holds the
/// lock, so a crowd after a restart compresses a file once (the others wait for it);
/// at most `MAX_GZIPPED` files are kept, the rest are sent as they are.
static GZIPPED: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<PathBuf, web::Bytes>>,
> = std::sync::LazyLock::new(Default::default);

const MAX_GZIPPED: usize = 256;
/// Smaller files are sent as they are: compressing them saves nothing worth it.
const GZIP_FROM_BYTES: u64 = 1_024;

/// The hashed asset `file`, gzipped: the copy kept, or made now and kept; `None` when
/// it cannot be read or compressed, or no more files are kept.
fn gzipped(file: &Path) -> Option<web::Bytes> {
    use std::io::Write;
    let mut kept = GZIPPED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(body) = kept.get(file) {
        return Some(body.clone());
    }
    if kept.len() >= MAX_GZIPPED {
        return None;
    }
    let bytes = std::fs::read(file).ok()?;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&bytes).ok()?;
    let body = web::Bytes::from(encoder.finish().ok()?);
    kept.insert(file.to_path_buf(), body.clone());
    Some(body)
}

/// A file's bytes as sent.
enum Body {
    Plain(web::Bytes),
    Gzipped(web::Bytes),
}

/// Whether the file's kind compresses (text and WebAssembly; not images).
fn compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("js" | "mjs" | "css" | "html" | "json" | "svg" | "wasm" | "webmanifest" | "txt")
    )
}

/// Whether the request takes gzip (named in Accept-Encoding, and not with q=0).
fn takes_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .to_ascii_lowercase()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q.is_nan() || q <= 0.0)
            });
            name.eq_ignore_ascii_case("gzip") && !refused
        })
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
        // Compiled with WebAssembly.compileStreaming only when served as wasm.
        "wasm" => "application/wasm",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// How long a browser that saw the app over https keeps to https for this host
/// (a year; the host alone, not its subdomains, which the municipality may serve
/// otherwise).
pub const HSTS: &str = "max-age=31536000";

/// Whether the request reached the server over TLS: its own listener's
/// (`serve --tls-cert`), or a TLS-terminating proxy's that says so with
/// `X-Forwarded-Proto: https` or `Forwarded: proto=https`.
fn over_tls(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

/// The request's host as the browser named it, if it is only a host name or address
/// and a port (nothing that could add to a header it is written into).
fn plain_host(req: &HttpRequest) -> Option<String> {
    let info = req.connection_info();
    let host = info.host();
    (!host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')))
    .then(|| host.to_owned())
}

/// The web apps' Content-Security-Policy: their own origin only, for scripts,
/// styles, images, fonts, the manifest and the service worker; their own sockets
/// (`wss://` of this host, and `ws://` only when the page itself came over plain http,
/// which a browser allows on localhost); no plugins, no `<base>` elsewhere, no frames
/// around them. The chair's app compiles its core (WebAssembly), which needs
/// `'wasm-unsafe-eval'` (not `'unsafe-eval'`: JavaScript's eval stays refused).
///
/// Images: its own, `data:` and `blob:` (the turnout chart is fetched with the user's
/// token and shown from a blob), and the map's tile server when one is named in
/// `KIESDAG_MAP_TILES` (an `https://` origin, as the dashboard's `VITE_TILE_URL`).
fn content_security_policy(req: &HttpRequest, chair: bool) -> String {
    let script = if chair {
        "'self' 'wasm-unsafe-eval'"
    } else {
        "'self'"
    };
    let sockets = match (plain_host(req), over_tls(req)) {
        (Some(host), true) => format!(" wss://{host}"),
        (Some(host), false) => format!(" wss://{host} ws://{host}"),
        (None, _) => String::new(),
    };
    format!(
        "default-src 'self'; script-src {script}; style-src 'self'; \
         img-src 'self' data: blob:{tiles}; connect-src 'self'{sockets}; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        tiles = map_tiles()
    )
}

/// The map's tile server from `KIESDAG_MAP_TILES`, as " https://host[:port]" for the
/// policy; nothing when unset or not a plain `https://` origin (logged once).
fn map_tiles() -> &'static str {
    static TILES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let Ok(value) = std::env::var("KIESDAG_MAP_TILES") else {
            return String::new();
        };
        match tile_origin(&value) {
            Some(origin) => format!(" {origin}"),
            None => {
                tracing::warn!(
                    value,
                    "KIESDAG_MAP_TILES is not an https:// origin; no tiles allowed"
                );
                String::new()
            }
        }
    });
    TILES.as_str()
}

/// `value` as an `https://host[:port]` origin, when it is one (a path after it, as in a
/// tile URL template, is dropped); None for anything else.
fn tile_origin(value: &str) -> Option<String> {
    let rest = value.trim().strip_prefix("https://")?;
    let host = rest.split('/').next().unwrap_or_default();
    let plain = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    plain.then(|| format!("https://{host}"))
}

/// The headers every response of the web apps carries: HSTS over TLS (the server's or
/// a proxy's), the Content-Security-Policy, no MIME sniffing, no framing (CSP's
/// `frame-ancestors 'none'`, and `X-Frame-Options` for older browsers), and no
/// referrer (the chair's link carries its activation code).
fn secure(req: &HttpRequest, chair: bool, mut response: HttpResponse) -> HttpResponse {
    let csp = content_security_policy(req, chair);
    let headers = response.headers_mut();
    if over_tls(req) {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static(HSTS),
        );
    }
    if let Ok(csp) = header::HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn serve(req: HttpRequest, dir: Option<web::Data<WebDir>>) -> HttpResponse {
    let chair = req.path() == CHAIR_PATH || req.path().starts_with("/chair/");
    let response = serve_file(&req, dir).await;
    secure(&req, chair, response)
}

async fn serve_file(req: &HttpRequest, dir: Option<web::Data<WebDir>>) -> HttpResponse {
    let path = req.path().to_owned();
    if reserved(&path) || (req.method() != Method::GET && req.method() != Method::HEAD) {
        return ApiError::from(ErrorReference::NotFound).respond_to(req);
    }
    let dirs = dir.map_or_else(WebDir::from_env, |d| d.get_ref().clone());
    // The chair's app lives under /chair/; "/chair" itself is sent there, so that its
    // relative paths and its service worker's scope hold.
    if path == CHAIR_PATH {
        let query = req.query_string();
        let to = if query.is_empty() {
            format!("{CHAIR_PATH}/")
        } else {
            format!("{CHAIR_PATH}/?{query}")
        };
        return HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, to))
            .finish();
    }
    let (root, relative, app) = match path.strip_prefix(CHAIR_PATH) {
        Some(rest) if rest.starts_with('/') => (dirs.chair, rest.to_owned(), "web-chair"),
        _ => (dirs.dashboard, path, "dashboard"),
    };
    let Some(file) = resolve(&root, &relative) else {
        return ApiError::from(ErrorReference::NotFound).respond_to(req);
    };
    // A route of the app (no extension) falls back to its index.html; a missing file
    // (an asset, the core, the service worker) is a 404, never a page in its place,
    // which a service worker would otherwise cache as that file.
    let is_file_path = Path::new(&relative).extension().is_some();
    let gzip = takes_gzip(req);
    let read = web::block(move || {
        let asset = file.is_file().then_some(file);
        let hashed = asset.is_some() && relative.starts_with("/assets/");
        let chosen = match asset {
            Some(file) => file,
            None if is_file_path => return Ok(None),
            None => root.join("index.html"),
        };
        let worth_it = gzip
            && hashed
            && compressible(&chosen)
            && std::fs::metadata(&chosen).is_ok_and(|m| m.len() >= GZIP_FROM_BYTES);
        let body = match worth_it.then(|| gzipped(&chosen)).flatten() {
            Some(compressed) => Body::Gzipped(compressed),
            None => Body::Plain(web::Bytes::from(std::fs::read(&chosen)?)),
        };
        Ok::<_, std::io::Error>(Some((chosen, hashed, body)))
    })
    .await;
    match read {
        Ok(Ok(None)) => ApiError::from(ErrorReference::NotFound).respond_to(req),
        Ok(Ok(Some((file, hashed, body)))) => {
            // Vite's hashed assets never change; index.html (and the chair's service
            // worker) must be fetched afresh.
            let cache = if hashed {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            let mut response = HttpResponse::Ok();
            response
                .content_type(content_type(&file))
                .insert_header((header::CACHE_CONTROL, cache));
            if hashed && compressible(&file) {
                // Caches keep the plain and the gzipped file apart.
                response.insert_header((header::VARY, "accept-encoding"));
            }
            match body {
                Body::Gzipped(gzipped) => response
                    .insert_header((header::CONTENT_ENCODING, "gzip"))
                    .body(gzipped),
                Body::Plain(bytes) => response.body(bytes),
            }
        }
        _ => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body(if app == "web-chair" {
                "The chair's app is not built: run `make chair`."
            } else {
                "The dashboard is not built: run `make dashboard`."
            }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_policy_lets_the_chart_and_a_named_tile_server_draw() {
        let req = TestRequest::default().to_http_request();
        let csp = content_security_policy(&req, false);
        assert!(csp.contains("img-src 'self' data: blob:"), "{csp}");
        assert_eq!(
            tile_origin("https://tile.example.nl/{z}/{x}/{y}.png"),
            Some("https://tile.example.nl".to_owned())
        );
        assert_eq!(tile_origin("http://tile.example.nl"), None);
        assert_eq!(tile_origin("https://x.nl'; script-src *"), None);
        assert_eq!(tile_origin("https://"), None);
    }

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
                .configure(configure(WebDir {
                    dashboard: dir.clone(),
                    chair: dir.join("chair-app"),
                })),
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

    /// A browser that takes gzip gets the app's files compressed (a phone on a slow
    /// network loads a third of the bytes); one that does not gets them as they are.
    #[actix_web::test]
    async fn the_apps_files_are_compressed_for_a_browser_that_asks() {
        let dir = site();
        let script = "console.log('kiesdag');\n".repeat(200);
        std::fs::write(dir.join("assets/big-5678.js"), &script).unwrap();
        let app = test::init_service(App::new().configure(configure(WebDir {
            dashboard: dir.clone(),
            chair: dir.join("chair-app"),
        })))
        .await;
        let asked = TestRequest::get()
            .uri("/assets/big-5678.js")
            .insert_header((header::ACCEPT_ENCODING, "gzip"))
            .to_request();
        let response = test::call_service(&app, asked).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers().get(header::CONTENT_ENCODING).unwrap(),
            "gzip"
        );
        let body = test::read_body(response).await;
        assert!(body.len() * 4 < script.len(), "{} bytes", body.len());
        for refused in [
            None,
            Some("br, gzip;q=0"),
            Some("gzip; Q=0"),
            Some("identity"),
        ] {
            let mut plain = TestRequest::get().uri("/assets/big-5678.js");
            if let Some(codings) = refused {
                plain = plain.insert_header((header::ACCEPT_ENCODING, codings));
            }
            let response = test::call_service(&app, plain.to_request()).await;
            assert!(
                response.headers().get(header::CONTENT_ENCODING).is_none(),
                "{refused:?}"
            );
            assert_eq!(test::read_body(response).await, script.as_bytes());
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[actix_web::test]
    async fn the_chairs_app_is_served_under_its_own_path() {
        let dir = site();
        let chair = dir.join("chair-app");
        std::fs::create_dir_all(chair.join("assets")).unwrap();
        std::fs::write(
            chair.join("index.html"),
            "<!doctype html><title>Stembureau</title>",
        )
        .unwrap();
        std::fs::write(chair.join("assets/core-1.wasm"), b"\0asm").unwrap();
        std::fs::write(chair.join("sw.js"), "self").unwrap();
        let app = test::init_service(App::new().configure(configure(WebDir {
            dashboard: dir.clone(),
            chair,
        })))
        .await;
        let get = |uri: &str| TestRequest::get().uri(uri).to_request();

        let response = test::call_service(&app, get("/chair")).await;
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(response.headers().get(header::LOCATION).unwrap(), "/chair/");
        let response = test::call_service(&app, get("/chair?code=AB-12")).await;
        assert_eq!(
            response.headers().get(header::LOCATION).unwrap(),
            "/chair/?code=AB-12",
            "the code in the link survives"
        );
        // A missing file is not answered with the page in its place.
        for missing in [
            "/chair/assets/core-2.wasm",
            "/chair/sw2.js",
            "/assets/gone.js",
        ] {
            let response = test::call_service(&app, get(missing)).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
        }

        for route in ["/chair/", "/chair/activate", "/chair/index.html"] {
            let body = test::read_body(test::call_service(&app, get(route)).await).await;
            assert!(body.ends_with(b"<title>Stembureau</title>"), "{route}");
        }
        let response = test::call_service(&app, get("/chair/assets/core-1.wasm")).await;
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/wasm"
        );
        assert!(
            response
                .headers()
                .get(header::CACHE_CONTROL)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        // The service worker is checked for updates on every start.
        let response = test::call_service(&app, get("/chair/sw.js")).await;
        assert_eq!(
            response.headers().get(header::CACHE_CONTROL).unwrap(),
            "no-cache"
        );
        // The dashboard is still the dashboard, and /chairs is not the chair's app.
        let body = test::read_body(test::call_service(&app, get("/chairs")).await).await;
        assert!(body.ends_with(b"<title>Kiesdag</title>"));
        let _ = std::fs::remove_dir_all(dir);
    }

    /// Every answer of the web apps carries their security headers; HSTS only when the
    /// browser's connection was https (here: a proxy that says so), and the CSP's
    /// sockets are those of the page's own host and scheme.
    #[actix_web::test]
    async fn the_apps_are_served_with_their_security_headers() {
        let dir = site();
        let chair = dir.join("chair-app");
        std::fs::create_dir_all(&chair).unwrap();
        std::fs::write(chair.join("index.html"), "<!doctype html>").unwrap();
        let app = test::init_service(App::new().configure(configure(WebDir {
            dashboard: dir.clone(),
            chair,
        })))
        .await;
        let header = |response: &actix_web::dev::ServiceResponse, name| {
            response
                .headers()
                .get(name)
                .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
        };
        for path in ["/", "/control", "/assets/app-1234.js", "/assets/gone.js"] {
            let plain = TestRequest::get()
                .uri(path)
                .insert_header((header::HOST, "kiesdag.example"))
                .to_request();
            let response = test::call_service(&app, plain).await;
            assert_eq!(header(&response, header::STRICT_TRANSPORT_SECURITY), None);
            let csp = header(&response, header::CONTENT_SECURITY_POLICY).unwrap();
            assert!(
                csp.contains("connect-src 'self' wss://kiesdag.example ws://kiesdag.example;"),
                "{csp}"
            );
            assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
            assert!(!csp.contains("wasm-unsafe-eval"), "{csp}");
            assert_eq!(
                header(&response, header::X_CONTENT_TYPE_OPTIONS).as_deref(),
                Some("nosniff")
            );
            assert_eq!(
                header(&response, header::X_FRAME_OPTIONS).as_deref(),
                Some("DENY")
            );

            let proxied = TestRequest::get()
                .uri(path)
                .insert_header((header::HOST, "kiesdag.example"))
                .insert_header(("x-forwarded-proto", "https"))
                .to_request();
            let response = test::call_service(&app, proxied).await;
            assert_eq!(
                header(&response, header::STRICT_TRANSPORT_SECURITY).as_deref(),
                Some(HSTS)
            );
            let csp = header(&response, header::CONTENT_SECURITY_POLICY).unwrap();
            assert!(
                csp.contains("connect-src 'self' wss://kiesdag.example;"),
                "{csp}"
            );
        }
        let chair = TestRequest::get().uri("/chair/").to_request();
        let response = test::call_service(&app, chair).await;
        let csp = header(&response, header::CONTENT_SECURITY_POLICY).unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{csp}"
        );
        // A host that would add to the header is left out of it.
        let odd = TestRequest::get()
            .uri("/")
            .insert_header((header::HOST, "x; script-src *"))
            .to_request();
        let response = test::call_service(&app, odd).await;
        let csp = header(&response, header::CONTENT_SECURITY_POLICY).unwrap();
        assert!(csp.contains("connect-src 'self';"), "{csp}");
        assert!(!csp.contains("script-src *"), "{csp}");
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
