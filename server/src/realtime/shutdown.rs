//! The server going away (SIGTERM or SIGINT): every station and dashboard socket is
//! told with a WebSocket close of code 1001 ("going away"), after the answers to what
//! it already sent, so that devices and dashboards reconnect at once (to the other
//! instance, where there are two behind a proxy) instead of waiting for a dead TCP
//! connection to time out.

use std::sync::Arc;

use actix_ws::{CloseCode, CloseReason};
use tokio::sync::watch;

/// Whether the server is going away; cheap to clone, one per server.
#[derive(Clone, Debug)]
pub struct Shutdown {
    going: Arc<watch::Sender<bool>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self {
            going: Arc::new(watch::channel(false).0),
        }
    }
}

impl Shutdown {
    /// Tells every socket to close.
    pub fn begin(&self) {
        self.going.send_replace(true);
    }

    #[must_use]
    pub fn is_going_away(&self) -> bool {
        *self.going.borrow()
    }

    /// Resolves once the server is going away (at once if it already is).
    pub fn going_away(&self) -> impl Future<Output = ()> + use<> {
        let mut watch = self.going.subscribe();
        async move {
            let _ = watch.wait_for(|going| *going).await;
        }
    }
}

/// The close a socket gets when the server goes away.
#[must_use]
pub fn close_reason() -> CloseReason {
    CloseReason {
        code: CloseCode::Away,
        description: Some("the server is stopping; connect again".to_owned()),
    }
}

/// Waits for SIGTERM or SIGINT.
pub async fn signalled() {
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    match term {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_watcher_hears_it_even_when_it_comes_late() {
        let shutdown = Shutdown::default();
        let early = shutdown.going_away();
        assert!(!shutdown.is_going_away());
        let waiting = tokio::spawn(early);
        shutdown.begin();
        tokio::time::timeout(std::time::Duration::from_secs(1), waiting)
            .await
            .unwrap()
            .unwrap();
        // A socket that connects after the signal closes at once.
        tokio::time::timeout(std::time::Duration::from_secs(1), shutdown.going_away())
            .await
            .unwrap();
        assert_eq!(close_reason().code, CloseCode::Away);
    }
}
