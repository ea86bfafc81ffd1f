//! `kiesdag serve`: the server, until it is stopped.

use crate::db;
use crate::http::app::{self, ServerConfig};
use crate::realtime::commit::CommitConfig;

// Each argument is one of `serve`'s options.
#[allow(clippy::too_many_arguments)]
pub(crate) fn serve(
    url: &str,
    listen: &str,
    workers: usize,
    min_free_mb: u64,
    secret_file: Option<std::path::PathBuf>,
    dashboard: crate::http::web::WebDir,
    public_listen: Option<&str>,
    backups: Option<crate::backup::Schedule>,
    tls: Option<crate::http::tls::TlsFiles>,
) -> Result<(), String> {
    // Before anything starts: a certificate that cannot be used stops the server here.
    let tls = tls
        .map(crate::http::tls::Certificates::load)
        .transpose()
        .map_err(|e| format!("TLS: {e}"))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let config = ServerConfig {
        database_url: url.to_owned(),
        commit: CommitConfig::default(),
        pool_size: 8,
        workers,
        min_free_mb,
        secret_file,
    };
    let state = app::state(&config).map_err(|e| e.to_string())?;
    if let Some(schedule) = backups {
        let (every, dir) = (schedule.every, schedule.dir.clone());
        schedule
            .start(state.metrics.clone())
            .map_err(|e| format!("scheduled backups: {e}"))?;
        tracing::info!(every = %humantime::format_duration(every), dir = %dir.display(), "scheduled backups");
    }
    let listener = app::listen(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let public = match public_listen {
        Some(public) => {
            let listener =
                app::listen(public).map_err(|e| format!("cannot listen on {public}: {e}"))?;
            let address = listener.local_addr().map_err(|e| e.to_string())?;
            println!("kiesdag public pages on {scheme}://{address}");
            Some(listener)
        }
        None => None,
    };
    // Tests and scripts read this line to find the port (the public one comes first).
    println!("kiesdag listening on {scheme}://{address}");
    tracing::info!(%address, database = %if db::is_postgres(url) { "postgresql" } else { url }, "serving");
    actix_web::rt::System::new()
        .block_on(app::serve_with_tls(
            state, listener, workers, dashboard, public, tls,
        ))
        .map_err(|e| e.to_string())
}
