//! `kiesdag backup FILE`, `kiesdag restore FILE`, and `serve --backup-every`'s
//! options (docs/operations.md, "Backups and restore"; the work is `crate::backup`'s).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::backup::{self, Schedule};

/// The shortest interval `--backup-every` takes.
const SHORTEST: Duration = Duration::from_secs(1);

/// `kiesdag serve`'s scheduled backups.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ScheduleArgs {
    /// Take a backup this often while serving ("30s", "5m", "1h"), on a thread of its
    /// own: chairs are not stopped. Needs --backup-dir.
    #[arg(long, env = "KIESDAG_BACKUP_EVERY", value_parser = parse_interval, requires = "backup_dir")]
    pub backup_every: Option<Duration>,
    /// The folder for scheduled backups (made if missing), named
    /// kiesdag-backup-<UTC time>.sqlite (or .pgdump for PostgreSQL).
    #[arg(long, env = "KIESDAG_BACKUP_DIR", requires = "backup_every")]
    pub backup_dir: Option<PathBuf>,
    /// How many of the schedule's own backups to keep; older ones are deleted (never
    /// another file in the folder).
    #[arg(long, env = "KIESDAG_BACKUP_KEEP", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..))]
    pub backup_keep: u32,
}

impl ScheduleArgs {
    /// For a bare `kiesdag` (no subcommand): the same variables `serve` reads.
    #[must_use]
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let backup_every = var("KIESDAG_BACKUP_EVERY").and_then(|v| match parse_interval(&v) {
            Ok(every) => Some(every),
            Err(e) => {
                eprintln!("warning: KIESDAG_BACKUP_EVERY={v}: {e}; no scheduled backups");
                None
            }
        });
        Self {
            backup_every,
            backup_dir: var("KIESDAG_BACKUP_DIR").map(PathBuf::from),
            backup_keep: var("KIESDAG_BACKUP_KEEP")
                .and_then(|v| v.parse().ok())
                .filter(|k| *k >= 1)
                .unwrap_or(12),
        }
    }

    /// The schedule for the database at `url`, when one is asked for.
    ///
    /// # Errors
    /// When only one of the interval and the folder is given.
    pub fn schedule(&self, url: &str) -> Result<Option<Schedule>, String> {
        match (&self.backup_every, &self.backup_dir) {
            (Some(every), Some(dir)) => Ok(Some(Schedule {
                url: url.to_owned(),
                dir: dir.clone(),
                every: *every,
                keep: usize::try_from(self.backup_keep).unwrap_or(usize::MAX),
            })),
            (None, None) => Ok(None),
            _ => Err("scheduled backups need both --backup-every and --backup-dir".into()),
        }
    }
}

/// "30s", "5m", "1h", "1h 30m": at least a second.
fn parse_interval(text: &str) -> Result<Duration, String> {
    let every = humantime::parse_duration(text).map_err(|e| format!("{e} (say 30s, 5m or 1h)"))?;
    if every < SHORTEST {
        return Err("at least 1s".into());
    }
    Ok(every)
}

/// `kiesdag backup FILE`.
pub(crate) fn backup(url: &str, file: &Path, force: bool) -> Result<(), String> {
    let summary = backup::backup(url, file, force).map_err(|e| e.to_string())?;
    println!("backup written: {summary}");
    Ok(())
}

/// `kiesdag restore FILE`.
pub(crate) fn restore(url: &str, file: &Path) -> Result<(), String> {
    let summary = backup::restore(url, file).map_err(|e| e.to_string())?;
    let target = if crate::db::is_postgres(url) {
        "the PostgreSQL database"
    } else {
        url
    };
    println!("restored into {target}: {summary}");
    println!(
        "the audit log verifies; start the server on it, and stations send again what they \
         have not had confirmed"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_read_as_people_write_them() {
        assert_eq!(parse_interval("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_interval("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_interval("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_interval("1h 30m"), Ok(Duration::from_secs(5400)));
        assert!(parse_interval("500ms").is_err(), "under a second");
        assert!(parse_interval("5").is_err(), "a unit is needed");
        assert!(parse_interval("soon").is_err());
    }
}
