//! Starting the server: database, writer, hub, keys, and the HTTP app.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::{App, HttpServer, web};
use futures_util::FutureExt;

use crate::auth::keyring::{self, KeySource, KeyringError};
use crate::auth::{AttemptLimiter, TokenKeys};
use crate::db::{self, Db};
use crate::http::tls::Certificates;
use crate::metrics::Metrics;
use crate::realtime::commit::{CommitConfig, Committer};
use crate::realtime::hub::Hub;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub database_url: String,
    pub commit: CommitConfig,
    pub pool_size: u32,
    pub workers: usize,
    /// New reports are refused while free space under the SQLite file is below this
    /// many MiB (`disk_space`); 0 turns the check off. Not used for PostgreSQL.
    pub min_free_mb: u64,
    /// The token-signing keyring file (`--secret-file`); see `signing_keys`.
    pub secret_file: Option<std::path::PathBuf>,
}

/// The token-signing keys (`auth::keyring`): from the secret file when one is given,
/// else `KIESDAG_JWT_SECRET` (one key, no rotation), else the keyring kept in the
/// database, made once, so that every instance on one database signs alike and
/// restarts keep sessions. A file or database ring is read again every
/// `reload_interval` while the server runs, so that a rotation reaches it.
///
/// # Errors
/// When the keyring cannot be read or made, or the secret file's mode is too open.
pub fn signing_keys(config: &ServerConfig, db: &mut Db) -> Result<Arc<TokenKeys>, KeyringError> {
    let source = KeySource::resolve(config.secret_file.as_deref(), &config.database_url)?;
    let keys = Arc::new(source.keys(db)?);
    tracing::info!(source = %source.describe(), kid = ?keys.signing_kid(), "token-signing keys");
    keyring::watch(&keys, source, keyring::reload_interval()).map_err(KeyringError::Thread)?;
    Ok(keys)
}

/// Builds the shared state: migrations, the writer thread, the pool, the keys.
///
/// # Errors
/// When the database cannot be opened or migrated.
pub fn state(config: &ServerConfig) -> Result<AppState, Box<dyn std::error::Error>> {
    let mut db = db::open(&config.database_url)?;
    let keys = signing_keys(config, &mut db)?;
    // Batches kept for a dashboard that is behind: one further behind gets a
    // snapshot (cheap, and the latest state), so a municipality's ring need not be
    // long; what it retains is at most 256 batches, whoever lags. The whole stream
    // feeds device pushes, which must not skip a message: it keeps 1,024.
    let hub = Hub::with_capacities(1_024, 256);
    let metrics = Metrics::default();
    if let Some(guard) = crate::disk_space::FreeSpaceGuard::for_database(
        &config.database_url,
        config.min_free_mb,
        metrics.clone(),
    ) {
        guard.start()?;
    }
    let fanout = crate::realtime::fanout::Fanout::start(&config.database_url, hub.clone());
    let (committer, _writer) = Committer::start(
        &config.database_url,
        config.commit,
        fanout.clone(),
        metrics.clone(),
    )?;
    Ok(AppState {
        pool: db::pool(&config.database_url, config.pool_size)?,
        committer,
        hub,
        keys,
        activation_limiter: Arc::new(AttemptLimiter::new(5, 60_000)),
        failed_activation_limiter: Arc::new(AttemptLimiter::new(30, 60_000)),
        metrics,
        fanout,
        sessions: crate::realtime::device_sessions::DeviceSessions::default(),
        revocations: crate::auth::revocations::Revocations::default(),
        device_token_hours: 36,
        db_slots: Arc::new(tokio::sync::Semaphore::new(config.pool_size as usize)),
        shutdown: crate::realtime::shutdown::Shutdown::default(),
        contacts: crate::realtime::contacts::Contacts::default(),
        public: Arc::new(crate::http::public::PublicPages::new(&config.database_url)),
        trusted_proxies: Arc::from(crate::http::client::trusted_from_env()?),
    })
}

/// A panic in a handler fails that request alone, as a 500; the worker and every other
/// request go on (a database connection it held is not pooled again).
pub fn contain_panics<S, B>(
    req: ServiceRequest,
    service: &S,
) -> impl std::future::Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
{
    let call = std::panic::AssertUnwindSafe(service.call(req)).catch_unwind();
    async move {
        call.await.unwrap_or_else(|_| {
            Err(actix_web::error::ErrorInternalServerError(
                "internal error; the request was not completed",
            ))
        })
    }
}

/// Connections the kernel queues for the server before it accepts them (clamped to
/// `net.core.somaxconn`, 4,096 on current Linux). A station or dashboard that finds
/// the queue full has its connection attempt dropped and tries again only after the
/// kernel's SYN backoff (1, 3, 7, 15 s ...): after a restart, 15,000 devices arrive
/// within seconds.
pub const LISTEN_BACKLOG: i32 = 65_535;

/// A listening socket on `address` with `LISTEN_BACKLOG`. (`std::net::TcpListener`
/// listens with a backlog of 128, whatever actix's `backlog` says for sockets it
/// binds itself: in a reconnect storm that queue overflowed and most devices waited
/// for their SYN to be sent again.)
///
/// # Errors
/// When no address resolves, or none can be bound.
pub fn listen(address: &str) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    use std::net::ToSocketAddrs;
    let mut last = std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address");
    for addr in address.to_socket_addrs()? {
        let bound = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
            .and_then(|socket| {
                socket.set_reuse_address(true)?;
                socket.bind(&addr.into())?;
                socket.listen(LISTEN_BACKLOG)?;
                Ok(socket)
            });
        match bound {
            Ok(socket) => return Ok(socket.into()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Serves on `listener` until stopped.
///
/// # Errors
/// When the server cannot start.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    workers: usize,
    dashboard: crate::http::web::WebDir,
    public: Option<TcpListener>,
) -> std::io::Result<()> {
    serve_with_tls(state, listener, workers, dashboard, public, None).await
}

/// Serves on `listener` until stopped, over TLS with `tls` when given (the public
/// pages' listener too, with the same certificate), which SIGHUP reloads
/// (`http::tls`).
///
/// # Errors
/// When the server cannot start.
pub async fn serve_with_tls(
    state: AppState,
    listener: TcpListener,
    workers: usize,
    dashboard: crate::http::web::WebDir,
    public: Option<TcpListener>,
    tls: Option<Arc<Certificates>>,
) -> std::io::Result<()> {
    crate::metrics::install_panic_hook();
    if let Some(certificates) = &tls {
        certificates.reload_on_sighup();
    }
    actix_web::rt::spawn(
        state
            .sessions
            .clone()
            .forward_from(state.hub.clone(), state.clone()),
    );
    actix_web::rt::spawn(crate::auth::revocations::watch_revocations(state.clone()));
    actix_web::rt::spawn(crate::realtime::contacts::flush_periodically(state.clone()));
    let shutdown = state.shutdown.clone();
    let data = web::Data::new(state);
    let public = public
        .map(|listener| serve_public(data.clone(), listener, tls.as_ref()))
        .transpose()?;
    let server = HttpServer::new(move || {
        App::new()
            .wrap_fn(contain_panics)
            .app_data(data.clone())
            .app_data(web::JsonConfig::default().limit(256 * 1024))
            .configure(crate::http::configure)
            .configure(crate::http::web::configure(dashboard.clone()))
    })
    .workers(workers)
    // On SIGTERM or SIGINT (handled below, not by actix): every socket is told first,
    // with 1001 after its last answers, then the server stops accepting and gives
    // open requests 5 s; every acknowledged report is already committed.
    .disable_signals()
    .shutdown_timeout(5)
    // Flush what a connection sends once this much waits, which keeps its write buffer
    // near its first 8 KiB (see `ws::FRAGMENT_BYTES`).
    .h1_write_buffer_size(4 * 1024)
    .max_connections(50_000);
    let server = match &tls {
        Some(certificates) => server.listen_rustls_0_23(listener, rustls_config(certificates)?)?,
        None => server.listen(listener)?,
    }
    .run();
    let handle = server.handle();
    let public_handle = public.as_ref().map(actix_web::dev::Server::handle);
    actix_web::rt::spawn(async move {
        crate::realtime::shutdown::signalled().await;
        tracing::info!("stopping: closing sockets with 1001, then the server");
        shutdown.begin();
        // Long enough for the sockets' close frames to go out.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        if let Some(public) = public_handle {
            public.stop(true).await;
        }
        handle.stop(true).await;
    });
    if let Some(public) = public {
        actix_web::rt::spawn(async move {
            if let Err(e) = public.await {
                tracing::error!(%e, "the public pages' listener stopped");
            }
        });
    }
    server.await
}

/// The public pages (`/api/public/...`) on a listener of their own, served by one
/// worker thread of the lowest priority (nice 19): under a surge of citizens the scheduler
/// gives the chairs' workers and the writer the CPU first, and the public gets slower,
/// never the chairs. A proxy in front sends `/api/public/` here (docs/operations.md).
fn serve_public(
    data: web::Data<AppState>,
    listener: TcpListener,
    tls: Option<&Arc<Certificates>>,
) -> std::io::Result<actix_web::dev::Server> {
    let server = HttpServer::new(move || {
        // The factory runs on the worker's own thread, once, as it starts.
        lower_this_threads_priority();
        App::new()
            .wrap_fn(contain_panics)
            .app_data(data.clone())
            .configure(crate::http::routes::configure_public)
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(5)
    .max_connections(50_000);
    Ok(match tls {
        Some(certificates) => server.listen_rustls_0_23(listener, rustls_config(certificates)?)?,
        None => server.listen(listener)?,
    }
    .run())
}

/// A TLS listener's configuration, with the certificate `certificates` holds now and
/// after every reload.
fn rustls_config(certificates: &Arc<Certificates>) -> std::io::Result<rustls::ServerConfig> {
    certificates.server_config().map_err(std::io::Error::other)
}

/// The public pages' worker's niceness: the lowest priority there is, so that it gets
/// the CPU the chairs' workers and the writer leave, and nothing before them.
const PUBLIC_NICE: i32 = 19;

/// `PUBLIC_NICE` for the calling thread (Linux gives each thread its own nice value).
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    let this_thread = rustix::thread::gettid();
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(Some(this_thread), PUBLIC_NICE) {
        tracing::warn!(error = %e, "the public pages run at normal priority");
    }
}
