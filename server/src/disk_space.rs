//! Free space under the SQLite file. When it falls under a margin
//! (`KIESDAG_MIN_FREE_MB`, 64 MiB by default) the writer refuses new reports with
//! `StorageUnavailable` before writing anything, so that the last megabytes of the
//! disk are never the ones a commit fails on; `/health`, `/metrics` and the control
//! room's storage alarm say why (`Metrics::free_space`). Checked once a second on a
//! thread of its own (one `statvfs`), not per operation; it clears by itself once a
//! reading is back at or above the margin.
//!
//! PostgreSQL keeps its data on another machine or volume, which this process cannot
//! see: there the check does not apply (watch the database server's disk instead).

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::metrics::Metrics;

/// The margin when none is given, in MiB.
pub const DEFAULT_MIN_FREE_MB: u64 = 64;

/// How often free space is read.
const CHECK_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum DiskSpaceError {
    #[error("cannot read the free space of {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("free space cannot be read on this platform")]
    Unsupported,
    #[error("cannot start the free-space check: {0}")]
    Start(std::io::Error),
}

/// Bytes available to this (unprivileged) process on the filesystem holding `path`.
///
/// # Errors
/// When the filesystem cannot be asked.
#[cfg(unix)]
pub fn available_bytes(path: &Path) -> Result<u64, DiskSpaceError> {
    let stat = rustix::fs::statvfs(path).map_err(|e| DiskSpaceError::Read {
        path: path.to_owned(),
        source: e.into(),
    })?;
    Ok(stat.f_bavail.saturating_mul(stat.f_frsize))
}

/// Bytes available on the filesystem holding `path`: not known on this platform.
///
/// # Errors
/// Always `Unsupported`.
#[cfg(not(unix))]
pub fn available_bytes(_path: &Path) -> Result<u64, DiskSpaceError> {
    Err(DiskSpaceError::Unsupported)
}

/// Watches free space under one SQLite database.
#[derive(Debug, Clone)]
pub struct FreeSpaceGuard {
    /// The database file (or, before it exists, its folder).
    path: PathBuf,
    min_free_bytes: u64,
    metrics: Metrics,
}

impl FreeSpaceGuard {
    /// A guard for the database at `url` with a margin of `min_free_mb` MiB; None for
    /// PostgreSQL, an in-memory database, or a margin of 0 (the check is off).
    #[must_use]
    pub fn for_database(url: &str, min_free_mb: u64, metrics: Metrics) -> Option<Self> {
        if min_free_mb == 0 || crate::db::is_postgres(url) {
            return None;
        }
        let path = crate::db::sqlite_path(url)?;
        Some(Self {
            path,
            min_free_bytes: min_free_mb.saturating_mul(1024 * 1024),
            metrics,
        })
    }

    /// Reads free space once and records it.
    ///
    /// # Errors
    /// When it cannot be read (nothing is recorded: the last reading stands, and
    /// without one nothing is refused).
    pub fn check(&self) -> Result<u64, DiskSpaceError> {
        let free = available_bytes(&self.path).or_else(|e| {
            // The file may not exist yet: its folder is on the same filesystem.
            match self.path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => available_bytes(dir),
                Some(_) => available_bytes(Path::new(".")),
                None => Err(e),
            }
        })?;
        self.metrics
            .free_space(free, self.min_free_bytes, crate::db::now_ms());
        Ok(free)
    }

    /// Checks now (so that a server started on a nearly full disk refuses from its
    /// first report), then every second on a thread of its own for as long as the
    /// process runs.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn start(self) -> Result<JoinHandle<()>, DiskSpaceError> {
        let mut seen = self.report(self.check(), Seen::default());
        std::thread::Builder::new()
            .name("free-space".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(CHECK_INTERVAL);
                    seen = self.report(self.check(), seen);
                }
            })
            .map_err(DiskSpaceError::Start)
    }

    /// Logs a reading that crossed the margin, or that failed, once per change (not
    /// every second); returns what was seen.
    fn report(&self, reading: Result<u64, DiskSpaceError>, before: Seen) -> Seen {
        match reading {
            Ok(free) => {
                let low = free < self.min_free_bytes;
                if low && !before.low {
                    tracing::error!(
                        free,
                        min_free = self.min_free_bytes,
                        "free disk space under the margin; new reports are refused"
                    );
                } else if !low && before.low {
                    tracing::info!(free, "free disk space back above the margin");
                }
                Seen { low, failed: false }
            }
            Err(error) => {
                if !before.failed {
                    tracing::warn!(%error, "free disk space unknown; the last reading stands");
                }
                Seen {
                    low: before.low,
                    failed: true,
                }
            }
        }
    }
}

/// What the last reading showed, to log changes only.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    low: bool,
    failed: bool,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_a_sqlite_file_is_guarded() {
        let metrics = Metrics::default();
        assert!(FreeSpaceGuard::for_database("postgresql://x@h/db", 64, metrics.clone()).is_none());
        assert!(FreeSpaceGuard::for_database("./kiesdag.db", 0, metrics.clone()).is_none());
        assert!(FreeSpaceGuard::for_database(":memory:", 64, metrics.clone()).is_none());
        let guard = FreeSpaceGuard::for_database("file:/data/k.db?mode=rwc", 2, metrics).unwrap();
        assert_eq!(guard.path, Path::new("/data/k.db"));
        assert_eq!(guard.min_free_bytes, 2 * 1024 * 1024);
    }

    /// The writer refuses every operation before writing while free space is under
    /// the margin, and decides them again on its own once a reading is back above it
    /// (no restart, no probe).
    #[test]
    fn the_writer_refuses_while_space_is_low_and_works_again_by_itself() {
        use crate::realtime::commit::{CommitConfig, Committer, Outcome, Submission};
        const MIB: u64 = 1024 * 1024;
        let dir = std::env::temp_dir().join(format!("kiesdag-space-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = dir.join("kiesdag.db").to_string_lossy().into_owned();
        drop(crate::db::open(&url).unwrap());
        let metrics = Metrics::default();
        let fanout =
            crate::realtime::fanout::Fanout::start(&url, crate::realtime::hub::Hub::new(16));
        let (committer, _writer) =
            Committer::start(&url, CommitConfig::default(), fanout, metrics.clone()).unwrap();
        let submit = |seq: u64| {
            let now = shared::domain::Timestamp(crate::db::now_ms());
            let (reply, answer) = tokio::sync::oneshot::channel();
            committer
                .submit(Submission {
                    device_id: "nobody".into(),
                    operation: shared::protocol::Operation {
                        id: uuid::Uuid::new_v4(),
                        device_seq: seq,
                        station_id: "GM0599-1".into(),
                        recorded_at: now,
                        report: shared::domain::Report::Presence(
                            shared::domain::PresenceReport::Arrived(shared::domain::StaffMember {
                                name: "Anna".into(),
                                role: shared::domain::StaffRole::Member,
                            }),
                        ),
                        confirmed_warnings: vec![],
                    },
                    reply,
                })
                .unwrap();
            answer.blocking_recv().unwrap()
        };

        metrics.free_space(10 * MIB, 64 * MIB, crate::db::now_ms());
        let refused = submit(1);
        assert!(
            matches!(&refused, Outcome::Unavailable(reason) if reason.contains("disk space low")),
            "{refused:?}"
        );
        assert!(!metrics.commits_failing(), "refused, not failed");

        metrics.free_space(100 * MIB, 64 * MIB, crate::db::now_ms());
        // Decided again (this device is unknown, so refused for good: the point is
        // that the writer looked at it).
        let decided = submit(1);
        assert!(
            matches!(&decided, Outcome::Reject { code, .. } if code == "DEVICE_UNKNOWN"),
            "{decided:?}"
        );
        drop(committer);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_margin_above_the_free_space_refuses_and_a_lower_one_does_not() {
        let dir = std::env::temp_dir().join(format!("kiesdag-space-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        // The file does not exist yet: its folder is asked.
        let url = dir.join("kiesdag.db").to_string_lossy().into_owned();
        let metrics = Metrics::default();
        let free = available_bytes(&dir).unwrap();
        assert!(free > 0);

        let huge = FreeSpaceGuard::for_database(&url, u64::MAX / 2, metrics.clone()).unwrap();
        huge.check().unwrap();
        let reason = metrics.low_space().unwrap();
        assert!(reason.contains("disk space low"), "{reason}");
        assert!(metrics.storage_failure().is_some());

        let small = FreeSpaceGuard::for_database(&url, 1, metrics.clone()).unwrap();
        if free > 64 * 1024 * 1024 {
            small.check().unwrap();
            assert_eq!(metrics.low_space(), None, "recovered on the next reading");
            assert_eq!(metrics.storage_failure(), None);
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
