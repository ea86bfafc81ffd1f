//! Revocations that must take effect at once on a running server, whoever made them
//! (this instance, another one, or the CLI on the same database): disabled staff users
//! and tokens issued before a user's `tokens_valid_after`, and revoked devices. A
//! watch reads them once a second (two small queries), so REST requests and open
//! dashboards check an in-memory table, not the database, and revoked devices'
//! sessions are ended.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use tokio::sync::watch;

use crate::state::AppState;
use crate::store;

/// How often the watch reads the database.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Why a staff token is refused although it is signed and unexpired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The user is disabled.
    Disabled,
    /// The token was issued before the user's sessions were ended.
    Revoked,
}

impl Refusal {
    /// The REST and dashboard error code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Disabled => "account_disabled",
            Self::Revoked => "revoked_token",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct UserRevocation {
    disabled: bool,
    tokens_valid_after: i64,
}

#[derive(Debug, Clone)]
pub struct Revocations {
    users: Arc<RwLock<HashMap<String, UserRevocation>>>,
    changed: Arc<watch::Sender<u64>>,
}

impl Default for Revocations {
    fn default() -> Self {
        Self {
            users: Arc::default(),
            changed: Arc::new(watch::channel(0).0),
        }
    }
}

impl Revocations {
    /// Whether a staff token of `user_id` issued at `issued_at` (seconds) is refused.
    #[must_use]
    pub fn refusal(&self, user_id: &str, issued_at: i64) -> Option<Refusal> {
        let users = self.users.read().unwrap_or_else(PoisonError::into_inner);
        let user = users.get(user_id)?;
        if user.disabled {
            Some(Refusal::Disabled)
        } else if issued_at < user.tokens_valid_after {
            Some(Refusal::Revoked)
        } else {
            None
        }
    }

    /// Changes whenever the table does (open dashboards check themselves again).
    #[must_use]
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Replaces the table with what the database holds.
    pub fn replace(&self, rows: Vec<(String, bool, i64)>) {
        let fresh: HashMap<String, UserRevocation> = rows
            .into_iter()
            .map(|(id, disabled, tokens_valid_after)| {
                (
                    id,
                    UserRevocation {
                        disabled,
                        tokens_valid_after,
                    },
                )
            })
            .collect();
        let mut users = self.users.write().unwrap_or_else(PoisonError::into_inner);
        if *users != fresh {
            *users = fresh;
            drop(users);
            self.changed.send_modify(|version| *version += 1);
        }
    }
}

/// Reads revocations once a second until the server stops: the staff table, and the
/// devices revoked since the last look (with a minute's overlap, for clocks of other
/// processes), whose sessions here are ended.
pub async fn watch_revocations(state: AppState) {
    let mut since = crate::db::now_ms() - 60_000;
    let mut interval = tokio::time::interval(WATCH_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let from = since;
        let looked_at = crate::db::now_ms();
        let read = state
            .with_db(move |db| {
                let users = store::users::revocations(db)?;
                let devices = store::devices::revoked_since(db, from)?;
                Ok((users, devices))
            })
            .await;
        match read {
            Ok((users, devices)) => {
                state.revocations.replace(users);
                state.sessions.revoke(&devices);
                since = looked_at - 60_000;
            }
            Err(error) => tracing::warn!(%error, "cannot read revocations now"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_users_and_older_tokens_are_refused() {
        let revocations = Revocations::default();
        let changes = revocations.subscribe();
        assert_eq!(revocations.refusal("u1", 100), None);
        revocations.replace(vec![("u1".into(), true, 50), ("u2".into(), false, 50)]);
        assert!(changes.has_changed().unwrap_or(false));
        assert_eq!(revocations.refusal("u1", 100), Some(Refusal::Disabled));
        assert_eq!(revocations.refusal("u2", 49), Some(Refusal::Revoked));
        assert_eq!(revocations.refusal("u2", 50), None);
        assert_eq!(revocations.refusal("u3", 0), None);
    }
}
