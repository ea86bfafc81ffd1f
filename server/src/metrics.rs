//! Counters for `/metrics` (Prometheus text format).

use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Default)]
struct Counters {
    station_connections: AtomicU64,
    dashboard_connections: AtomicU64,
    operations_accepted: AtomicU64,
    operations_rejected: AtomicU64,
    batches: AtomicU64,
    batch_operations: AtomicU64,
    batch_micros: AtomicU64,
    batch_max_micros: AtomicU64,
    frames_refused: AtomicU64,
    operations_overloaded: AtomicU64,
    dashboard_frames: AtomicU64,
    dashboard_lag_ms_total: AtomicU64,
    dashboard_lag_ms_max: AtomicU64,
    dashboard_pending_max: AtomicU64,
    dashboard_skips: AtomicU64,
    commit_failures: AtomicU64,
    /// Since when (ms) every commit has failed; 0 while commits succeed.
    storage_failing_since: std::sync::atomic::AtomicI64,
    last_commit_error: std::sync::Mutex<String>,
    /// Free bytes on the SQLite file's filesystem at the last check (`disk_space`).
    free_bytes: AtomicU64,
    /// The margin under which new work is refused; 0 when free space is not checked.
    min_free_bytes: AtomicU64,
    /// Since when (ms) free space has been under the margin; 0 while it is not.
    low_space_since: std::sync::atomic::AtomicI64,
    low_space_reason: std::sync::Mutex<String>,
    /// Whether reports cannot be stored now, for dashboards to show at once.
    storage_watch: StorageWatch,
    /// Scheduled backups (`serve --backup-every`, backup.rs): taken, failed, the last.
    backups: AtomicU64,
    backup_failures: AtomicU64,
    last_backup_ms: std::sync::atomic::AtomicI64,
    last_backup_bytes: AtomicU64,
}

/// Whether reports cannot be stored now (every commit fails since the last success,
/// or free space is under the margin); dashboards subscribe to it.
#[derive(Debug)]
struct StorageWatch(tokio::sync::watch::Sender<bool>);

impl Default for StorageWatch {
    fn default() -> Self {
        Self(tokio::sync::watch::channel(false).0)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Metrics(Arc<Counters>);

/// Panics anywhere in this process (a handler, a connection, the writer), counted by
/// the hook `install_panic_hook` sets. Process-wide, as panics are.
static PANICS: AtomicU64 = AtomicU64::new(0);

/// Counts every panic for `/metrics` and logs it, then lets the default hook print it.
/// A panic is contained where it happens (a request, a connection, a batch); this
/// makes it visible to the operator.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::Relaxed);
        tracing::error!(panic = %info, "panic contained");
        previous(info);
    }));
}

/// Panics counted so far.
#[must_use]
pub fn panics() -> u64 {
    PANICS.load(Ordering::Relaxed)
}

impl Metrics {
    pub fn operation_accepted(&self) {
        self.0.operations_accepted.fetch_add(1, Ordering::Relaxed);
    }
    pub fn operation_rejected(&self) {
        self.0.operations_rejected.fetch_add(1, Ordering::Relaxed);
    }
    pub fn frame_refused(&self) {
        self.0.frames_refused.fetch_add(1, Ordering::Relaxed);
    }
    /// An operation found the writer's queue full: its device was asked to send it again.
    pub fn operation_overloaded(&self) {
        self.0.operations_overloaded.fetch_add(1, Ordering::Relaxed);
    }
    pub fn batch_committed(&self, size: usize, took: Duration) {
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.0.batches.fetch_add(1, Ordering::Relaxed);
        self.0
            .batch_operations
            .fetch_add(size as u64, Ordering::Relaxed);
        self.0.batch_micros.fetch_add(micros, Ordering::Relaxed);
        self.0.batch_max_micros.fetch_max(micros, Ordering::Relaxed);
    }
    /// A frame went to a dashboard `lag_ms` after the oldest change in it committed.
    pub fn dashboard_frame(&self, lag_ms: u64) {
        self.0.dashboard_frames.fetch_add(1, Ordering::Relaxed);
        self.0
            .dashboard_lag_ms_total
            .fetch_add(lag_ms, Ordering::Relaxed);
        self.0
            .dashboard_lag_ms_max
            .fetch_max(lag_ms, Ordering::Relaxed);
    }
    /// A dashboard's frame carried `changes` (coalesced: at most one per station).
    pub fn dashboard_pending(&self, changes: usize) {
        self.0
            .dashboard_pending_max
            .fetch_max(changes as u64, Ordering::Relaxed);
    }
    /// A dashboard fell behind the hub and was skipped forward to the latest state.
    pub fn dashboard_skipped_forward(&self) {
        self.0.dashboard_skips.fetch_add(1, Ordering::Relaxed);
    }
    /// A batch could not be committed (the database refused: full disk, gone, ...).
    pub fn commit_failed(&self, reason: &str, now_ms: i64) {
        self.0.commit_failures.fetch_add(1, Ordering::Relaxed);
        let _ = self.0.storage_failing_since.compare_exchange(
            0,
            now_ms.max(1),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
        let mut last = self
            .0
            .last_commit_error
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        reason.clone_into(&mut last);
        drop(last);
        self.storage_changed();
    }

    /// A batch was committed: storing works.
    pub fn commit_succeeded(&self) {
        self.0.storage_failing_since.store(0, Ordering::Relaxed);
        self.storage_changed();
    }

    /// Whether every commit has failed since the last success (the writer then tries
    /// an empty write of its own every half second).
    #[must_use]
    pub fn commits_failing(&self) -> bool {
        self.0.storage_failing_since.load(Ordering::Relaxed) != 0
    }

    /// A reading of free space on the database's filesystem (`disk_space`): under
    /// `min_free_bytes`, new work is refused (`low_space`) until a later reading is
    /// back at or above it.
    pub fn free_space(&self, free_bytes: u64, min_free_bytes: u64, now_ms: i64) {
        let c = &self.0;
        c.free_bytes.store(free_bytes, Ordering::Relaxed);
        c.min_free_bytes.store(min_free_bytes, Ordering::Relaxed);
        if free_bytes < min_free_bytes {
            let mut reason = c
                .low_space_reason
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *reason = format!(
                "disk space low: {} free on the database's filesystem, under the margin of {} \
                 (KIESDAG_MIN_FREE_MB); new reports are refused until there is room",
                mib(free_bytes),
                mib(min_free_bytes),
            );
            drop(reason);
            let _ = c.low_space_since.compare_exchange(
                0,
                now_ms.max(1),
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        } else {
            c.low_space_since.store(0, Ordering::Relaxed);
        }
        self.storage_changed();
    }

    /// Why new work is refused, while free space is under the margin.
    #[must_use]
    pub fn low_space(&self) -> Option<String> {
        self.low_space_at().map(|(_, reason)| reason)
    }

    fn low_space_at(&self) -> Option<(i64, String)> {
        let since = self.0.low_space_since.load(Ordering::Relaxed);
        (since != 0).then(|| {
            let reason = self
                .0
                .low_space_reason
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (since, reason.clone())
        })
    }

    /// Tells subscribers when whether reports can be stored changed. Every change of
    /// either cause ends here; the value is worked out under the watch's lock, so the
    /// last call leaves it right whichever thread made it.
    fn storage_changed(&self) {
        let c = &self.0;
        c.storage_watch.0.send_if_modified(|failing| {
            let now = c.storage_failing_since.load(Ordering::Relaxed) != 0
                || c.low_space_since.load(Ordering::Relaxed) != 0;
            std::mem::replace(failing, now) != now
        });
    }

    /// Changes when storing starts or stops failing.
    #[must_use]
    pub fn storage_changes(&self) -> tokio::sync::watch::Receiver<bool> {
        self.0.storage_watch.0.subscribe()
    }

    /// Since when reports cannot be stored and why: free space under the margin (the
    /// reason that explains most), or every commit failing since the last success
    /// (with the last error).
    #[must_use]
    pub fn storage_failure(&self) -> Option<(i64, String)> {
        if let Some(low) = self.low_space_at() {
            return Some(low);
        }
        let since = self.0.storage_failing_since.load(Ordering::Relaxed);
        (since != 0).then(|| {
            let last = self
                .0
                .last_commit_error
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (since, last.clone())
        })
    }

    /// A scheduled backup was written whole at `now_ms`, `bytes` long.
    pub fn backup_taken(&self, now_ms: i64, bytes: u64) {
        self.0.backups.fetch_add(1, Ordering::Relaxed);
        self.0.last_backup_ms.store(now_ms, Ordering::Relaxed);
        self.0.last_backup_bytes.store(bytes, Ordering::Relaxed);
    }

    /// A scheduled backup failed (logged with its reason).
    pub fn backup_failed(&self) {
        self.0.backup_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub fn station_connected(&self, delta: i64) {
        add(&self.0.station_connections, delta);
    }
    pub fn dashboard_connected(&self, delta: i64) {
        add(&self.0.dashboard_connections, delta);
    }
    /// Dashboards connected to this instance now.
    #[must_use]
    pub fn dashboards_connected(&self) -> u64 {
        self.0.dashboard_connections.load(Ordering::Relaxed)
    }

    #[must_use]
    pub fn render(&self) -> String {
        let c = &self.0;
        let mut out = String::new();
        let mut line = |name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        let (allocated, resident) = allocator_bytes();
        line(
            "kiesdag_memory_allocated_bytes",
            "gauge",
            "Bytes the server's allocator has handed out and not had back (live objects).",
            allocated,
        );
        line(
            "kiesdag_memory_resident_bytes",
            "gauge",
            "Bytes of physical memory the allocator holds (live objects, its own structures and \
             freed pages not yet returned).",
            resident,
        );
        line(
            "kiesdag_station_connections",
            "gauge",
            "Open station WebSocket connections.",
            c.station_connections.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_dashboard_connections",
            "gauge",
            "Open dashboard WebSocket connections.",
            c.dashboard_connections.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_operations_accepted_total",
            "counter",
            "Operations committed.",
            c.operations_accepted.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_operations_rejected_total",
            "counter",
            "Operations refused.",
            c.operations_rejected.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_frames_refused_total",
            "counter",
            "Frames refused as malformed, oversized or unauthorised.",
            c.frames_refused.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_operations_overloaded_total",
            "counter",
            "Operations that found the writer's queue full; their devices send them again.",
            c.operations_overloaded.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_commit_batches_total",
            "counter",
            "Committed batches.",
            c.batches.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_commit_batch_operations_total",
            "counter",
            "Operations in committed batches.",
            c.batch_operations.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_commit_batch_seconds_total_micros",
            "counter",
            "Time spent committing batches, in microseconds.",
            c.batch_micros.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_commit_batch_max_micros",
            "gauge",
            "Longest batch commit since the start, in microseconds (never comes down).",
            c.batch_max_micros.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_dashboard_frames_total",
            "counter",
            "Frames of changes sent to dashboards.",
            c.dashboard_frames.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_dashboard_lag_milliseconds_total",
            "counter",
            "Sum over frames of the time from the oldest change's commit to the frame.",
            c.dashboard_lag_ms_total.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_dashboard_pending_changes_max",
            "gauge",
            "Most changes one dashboard frame carried (at most one per station it sees).",
            c.dashboard_pending_max.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_dashboard_skips_total",
            "counter",
            "Times a dashboard fell behind and was skipped forward to the latest state.",
            c.dashboard_skips.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_commit_failures_total",
            "counter",
            "Batches the database would not commit (their devices send them again).",
            c.commit_failures.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_storage_failing",
            "gauge",
            "1 while reports cannot be stored (every commit fails since the last success, or free disk space is under the margin), else 0.",
            u64::from(
                c.storage_failing_since.load(Ordering::Relaxed) != 0
                    || c.low_space_since.load(Ordering::Relaxed) != 0,
            ),
        );
        let margin = c.min_free_bytes.load(Ordering::Relaxed);
        if margin > 0 {
            line(
                "kiesdag_storage_free_bytes",
                "gauge",
                "Free bytes on the SQLite database's filesystem, checked every second.",
                c.free_bytes.load(Ordering::Relaxed),
            );
            line(
                "kiesdag_storage_min_free_bytes",
                "gauge",
                "The margin (KIESDAG_MIN_FREE_MB): under it new reports are refused.",
                margin,
            );
            line(
                "kiesdag_storage_low_space",
                "gauge",
                "1 while free disk space is under the margin and new reports are refused, else 0.",
                u64::from(c.low_space_since.load(Ordering::Relaxed) != 0),
            );
        }
        line(
            "kiesdag_backups_total",
            "counter",
            "Scheduled backups written whole (serve --backup-every).",
            c.backups.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_backup_failures_total",
            "counter",
            "Scheduled backups that failed (the log says why); should be 0.",
            c.backup_failures.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_last_backup_timestamp_seconds",
            "gauge",
            "When the last scheduled backup was written (Unix time); 0 before the first.",
            u64::try_from(c.last_backup_ms.load(Ordering::Relaxed) / 1000).unwrap_or(0),
        );
        line(
            "kiesdag_last_backup_bytes",
            "gauge",
            "Size of the last scheduled backup.",
            c.last_backup_bytes.load(Ordering::Relaxed),
        );
        line(
            "kiesdag_panics_total",
            "counter",
            "Panics contained (a request, connection or batch failed alone); should be 0.",
            panics(),
        );
        line(
            "kiesdag_dashboard_lag_milliseconds_max",
            "gauge",
            "Longest such time since the start (never comes down).",
            c.dashboard_lag_ms_max.load(Ordering::Relaxed),
        );
        out
    }
}

/// Bytes as MiB with one decimal, for people.
fn mib(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10) / (1024 * 1024);
    format!("{}.{} MiB", tenths / 10, tenths % 10)
}

fn add(counter: &AtomicU64, delta: i64) {
    if delta >= 0 {
        counter.fetch_add(delta.unsigned_abs(), Ordering::Relaxed);
    } else {
        let _ = counter.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| {
            Some(v.saturating_sub(delta.unsigned_abs()))
        });
    }
}

/// The allocator's live and resident bytes (jemalloc's statistics, refreshed first);
/// zeros where they cannot be read (tests run on the system allocator).
fn allocator_bytes() -> (u64, u64) {
    if tikv_jemalloc_ctl::epoch::advance().is_err() {
        return (0, 0);
    }
    let read = |r: tikv_jemalloc_ctl::Result<usize>| r.map_or(0, |v| v as u64);
    (
        read(tikv_jemalloc_ctl::stats::allocated::read()),
        read(tikv_jemalloc_ctl::stats::resident::read()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_store_shows_until_a_commit_succeeds() {
        let metrics = Metrics::default();
        assert_eq!(metrics.storage_failure(), None);
        metrics.commit_failed("database or disk is full", 1_000);
        metrics.commit_failed("database or disk is full (again)", 2_000);
        assert_eq!(
            metrics.storage_failure(),
            Some((1_000, "database or disk is full (again)".into())),
            "since the first failure, with the latest reason"
        );
        let text = metrics.render();
        assert!(
            text.contains("\nkiesdag_commit_failures_total 2\n"),
            "{text}"
        );
        assert!(text.contains("\nkiesdag_storage_failing 1\n"), "{text}");
        metrics.commit_succeeded();
        assert_eq!(metrics.storage_failure(), None);
        assert!(metrics.render().contains("\nkiesdag_storage_failing 0\n"));
    }

    #[test]
    fn low_free_space_refuses_new_work_says_why_and_clears_by_itself() {
        const MIB: u64 = 1024 * 1024;
        let metrics = Metrics::default();
        let mut changes = metrics.storage_changes();
        assert!(
            !metrics.render().contains("kiesdag_storage_free_bytes"),
            "no free-space gauges while it is not checked (PostgreSQL)"
        );
        metrics.free_space(100 * MIB, 64 * MIB, 1_000);
        assert_eq!(metrics.low_space(), None);
        assert_eq!(metrics.storage_failure(), None);
        assert!(!changes.has_changed().unwrap());
        let text = metrics.render();
        assert!(
            text.contains(&format!("\nkiesdag_storage_free_bytes {}\n", 100 * MIB)),
            "{text}"
        );
        assert!(text.contains("\nkiesdag_storage_low_space 0\n"), "{text}");

        metrics.free_space(12 * MIB + MIB / 2, 64 * MIB, 2_000);
        metrics.free_space(12 * MIB, 64 * MIB, 3_000);
        let (since, reason) = metrics.storage_failure().unwrap();
        assert_eq!(since, 2_000, "since the first low reading");
        assert!(
            reason.contains("disk space low")
                && reason.contains("12.0 MiB free")
                && reason.contains("margin of 64.0 MiB"),
            "{reason}"
        );
        assert_eq!(metrics.low_space(), Some(reason));
        assert!(changes.has_changed().unwrap() && *changes.borrow_and_update());
        assert!(
            !metrics.commits_failing(),
            "nothing was tried, nothing failed"
        );
        let text = metrics.render();
        assert!(text.contains("\nkiesdag_storage_failing 1\n"), "{text}");
        assert!(text.contains("\nkiesdag_storage_low_space 1\n"), "{text}");
        assert!(
            text.contains(&format!("\nkiesdag_storage_min_free_bytes {}\n", 64 * MIB)),
            "{text}"
        );

        // A commit that fails meanwhile does not hide the low space, and the low space
        // going does not hide the failing commits.
        metrics.commit_failed("database or disk is full", 3_500);
        assert!(
            metrics
                .storage_failure()
                .unwrap()
                .1
                .contains("disk space low")
        );
        metrics.free_space(64 * MIB, 64 * MIB, 4_000);
        assert_eq!(metrics.low_space(), None);
        assert_eq!(
            metrics.storage_failure(),
            Some((3_500, "database or disk is full".into()))
        );
        assert!(!changes.has_changed().unwrap(), "still failing");
        metrics.commit_succeeded();
        assert_eq!(metrics.storage_failure(), None);
        assert!(changes.has_changed().unwrap() && !*changes.borrow_and_update());
        assert!(metrics.render().contains("\nkiesdag_storage_failing 0\n"));
    }
}
