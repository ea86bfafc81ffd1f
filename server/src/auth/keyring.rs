//! The token-signing keyring: the key that signs now, and earlier keys that still
//! verify the tokens they signed until those have expired.
//!
//! A key is published before it signs: `rotate` adds it with a `signs_from` in the
//! near future (60 s by default), so that every instance has reloaded the ring, and
//! can verify the new key's tokens, before any instance signs with it. The key it
//! replaces keeps verifying until `retires`: the moment the new key takes over plus
//! the longest lifetime of a signed token (`LONGEST_TOKEN_SECONDS`). A key past its
//! retirement verifies nothing and the next rotation drops it.
//!
//! Where the ring is kept (`KeySource`): a file (`--secret-file`,
//! `KIESDAG_SECRET_FILE`), created with mode 0600 and refused when its group or others
//! have any access; else the single secret of `KIESDAG_JWT_SECRET` (as before the
//! keyring: tokens without a key id, no rotation); else the database's settings
//! (`jwt_keyring`), so that every instance on one database signs alike. A running
//! server reads its file or database row again every `reload_interval` (30 s).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::TokenKeys;
use crate::db::{self, Db, schema::settings};

/// The longest a signed token lives: a device token, 36 hours
/// (`AppState::device_token_hours`). Staff access tokens live 15 minutes; refresh
/// tokens are random strings checked against the database, not signed.
pub const LONGEST_TOKEN_SECONDS: i64 = 36 * 3_600;

/// How long after a rotation the new key starts signing, by default: twice the
/// reload interval, so that every instance knows it first.
pub const DEFAULT_SIGNS_IN_SECONDS: u32 = 60;

/// How often a running server reads its keyring again, by default.
pub const DEFAULT_RELOAD_SECONDS: u64 = 30;

/// The settings row holding the database-kept keyring (JSON).
pub const KEYRING_SETTING: &str = "jwt_keyring";

/// The settings row of the single secret from before the keyring; it becomes the
/// ring's legacy key, so that the tokens it signed keep working.
pub const LEGACY_SETTING: &str = "jwt_secret";

/// The environment variable of a single secret (no rotation).
pub const ENV_SECRET: &str = "KIESDAG_JWT_SECRET";

/// Shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Error)]
pub enum KeyringError {
    #[error("cannot read the secret file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the secret file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the secret file {path} has mode {mode:03o}: others than its owner may read it; make it readable by its owner only (chmod 600 {path})"
    )]
    Permissions { path: PathBuf, mode: u32 },
    #[error("the secret file {path} does not exist; `kiesdag serve --secret-file` makes one")]
    Missing { path: PathBuf },
    #[error("the keyring is not valid: {0}")]
    Invalid(String),
    #[error("{ENV_SECRET} is shorter than {MIN_SECRET_BYTES} characters")]
    ShortEnvSecret,
    #[error(
        "the signing secret comes from {ENV_SECRET}, a single key that cannot be rotated; use a secret file (--secret-file) or the database's keyring (unset {ENV_SECRET})"
    )]
    EnvNotRotatable,
    #[error(
        "the database has no keyring and no signing secret: no server has run on it, so a key made here would sign nothing; did you mean the secret file a server runs with (--secret-file)?"
    )]
    NoRing,
    #[error("cannot start the thread that reads the keyring again: {0}")]
    Thread(std::io::Error),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Connect(#[from] db::DbError),
}

/// One key of the ring, as kept. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// Carried in the header of every token it signs.
    pub kid: String,
    /// The HMAC key: the bytes of this text (64 hex digits for a key made here).
    pub secret: String,
    pub created: DateTime<Utc>,
    /// When it starts signing; it verifies from the start.
    pub signs_from: DateTime<Utc>,
    /// When it stops verifying; none while it is the newest key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retires: Option<DateTime<Utc>>,
    /// The single secret from before the keyring: it also verifies tokens without a
    /// key id (until it retires).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub legacy: bool,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("created", &self.created)
            .field("signs_from", &self.signs_from)
            .field("retires", &self.retires)
            .field("legacy", &self.legacy)
            .finish_non_exhaustive()
    }
}

/// The keys, as kept in the file or the settings row (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    pub version: u32,
    pub keys: Vec<Key>,
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub added: String,
    pub signs_from: DateTime<Utc>,
    /// Keys that will stop verifying, and when.
    pub retiring: Vec<(String, DateTime<Utc>)>,
    /// Keys past their retirement, removed.
    pub dropped: Vec<String>,
}

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().unwrap_or_default()
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

fn new_key(now: i64, signs_from: i64) -> Key {
    Key {
        kid: format!("k{}-{}", at(now).format("%Y%m%d"), random_hex(3)),
        secret: random_hex(32),
        created: at(now),
        signs_from: at(signs_from),
        retires: None,
        legacy: false,
    }
}

impl Keyring {
    /// A ring of one new key, signing from `now` (unix seconds).
    #[must_use]
    pub fn new(now: i64) -> Self {
        Self {
            version: 1,
            keys: vec![new_key(now, now)],
        }
    }

    /// A ring of the single secret from before the keyring, which also verifies the
    /// tokens it signed without a key id.
    #[must_use]
    pub fn from_legacy(secret: &str, now: i64) -> Self {
        Self {
            version: 1,
            keys: vec![Key {
                kid: "legacy".into(),
                secret: secret.to_owned(),
                created: at(now),
                signs_from: at(0),
                retires: None,
                legacy: true,
            }],
        }
    }

    /// Reads a ring from its JSON and checks it.
    ///
    /// # Errors
    /// `Invalid` when it is not a ring this version understands.
    pub fn parse(text: &str) -> Result<Self, KeyringError> {
        let ring: Self =
            serde_json::from_str(text).map_err(|e| KeyringError::Invalid(json_error_place(&e)))?;
        ring.check()?;
        Ok(ring)
    }

    fn check(&self) -> Result<(), KeyringError> {
        let invalid = |reason: String| Err(KeyringError::Invalid(reason));
        if self.version != 1 {
            return invalid(format!("version {} (this server knows 1)", self.version));
        }
        if self.keys.is_empty() {
            return invalid("it has no key".into());
        }
        let mut kids = std::collections::BTreeSet::new();
        for (position, key) in self.keys.iter().enumerate() {
            let well_formed = !key.kid.is_empty()
                && key.kid.len() <= 64
                && key
                    .kid
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !well_formed {
                // Not quoted: a secret pasted into the wrong field would be logged.
                return invalid(format!(
                    "key {} has a key id of {} characters that is not 1 to 64 letters, digits, - and _",
                    position + 1,
                    key.kid.chars().count()
                ));
            }
            if !kids.insert(key.kid.as_str()) {
                return invalid(format!("key id {} twice", key.kid));
            }
            if key.secret.len() < MIN_SECRET_BYTES {
                return invalid(format!(
                    "key {}: its secret is shorter than {MIN_SECRET_BYTES} characters",
                    key.kid
                ));
            }
        }
        if self.keys.iter().filter(|k| k.legacy).count() > 1 {
            return invalid("more than one legacy key".into());
        }
        Ok(())
    }

    /// As JSON, for the file or the settings row.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Adds a new key that signs `signs_in` seconds from `now`; every key that has no
    /// retirement yet retires the longest token lifetime after that; keys already
    /// retired are dropped.
    pub fn rotate(&mut self, now: i64, signs_in: u32) -> Rotation {
        let mut dropped = Vec::new();
        self.keys.retain(|key| match key.retires {
            Some(retires) if retires.timestamp() <= now => {
                dropped.push(key.kid.clone());
                false
            }
            _ => true,
        });
        let signs_from = now + i64::from(signs_in);
        let retires = at(signs_from + LONGEST_TOKEN_SECONDS);
        let mut retiring = Vec::new();
        for key in &mut self.keys {
            let when = *key.retires.get_or_insert(retires);
            retiring.push((key.kid.clone(), when));
        }
        let mut key = new_key(now, signs_from);
        while self.keys.iter().any(|k| k.kid == key.kid) {
            key = new_key(now, signs_from);
        }
        let added = key.kid.clone();
        self.keys.push(key);
        Rotation {
            added,
            signs_from: at(signs_from),
            retiring,
            dropped,
        }
    }

    /// The key that signs at `now`: of the keys that have started signing and not
    /// retired, the one that started last.
    #[must_use]
    pub fn signing(&self, now: i64) -> Option<&Key> {
        self.keys
            .iter()
            .filter(|k| k.signs_from.timestamp() <= now)
            .filter(|k| k.retires.is_none_or(|r| r.timestamp() > now))
            .max_by_key(|k| k.signs_from)
    }
}

/// Where the keyring is kept. Its `Debug` never shows the environment's secret.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A keyring file (`--secret-file`, `KIESDAG_SECRET_FILE`).
    File(PathBuf),
    /// `KIESDAG_JWT_SECRET`: one key, tokens without a key id, no rotation.
    Env(String),
    /// The database's settings (`jwt_keyring`), shared by every instance on it.
    Database(String),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            Self::Env(_) => f.write_str("Env(..)"),
            Self::Database(_) => f.write_str("Database(..)"),
        }
    }
}

impl KeySource {
    /// The file when one is given (an empty path is none), else `KIESDAG_JWT_SECRET` when set (not empty),
    /// else the database at `database_url`.
    ///
    /// # Errors
    /// `ShortEnvSecret` when `KIESDAG_JWT_SECRET` is set but too short.
    pub fn resolve(secret_file: Option<&Path>, database_url: &str) -> Result<Self, KeyringError> {
        if let Some(path) = secret_file.filter(|p| !p.as_os_str().is_empty()) {
            return Ok(Self::File(path.to_owned()));
        }
        match std::env::var(ENV_SECRET) {
            Ok(secret) if secret.len() >= MIN_SECRET_BYTES => Ok(Self::Env(secret)),
            Ok(secret) if !secret.is_empty() => Err(KeyringError::ShortEnvSecret),
            _ => Ok(Self::Database(database_url.to_owned())),
        }
    }

    /// Says where, for messages (never the secret).
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::File(path) => format!("the secret file {}", path.display()),
            Self::Env(_) => ENV_SECRET.to_owned(),
            Self::Database(_) => format!("the database's settings ({KEYRING_SETTING})"),
        }
    }

    /// The keys to serve with: the ring, made (file: mode 0600; database: from the
    /// legacy secret when there is one) if there is none yet.
    ///
    /// # Errors
    /// When the file or row cannot be read, made or understood, or the file's mode is
    /// too open.
    pub fn keys(&self, db: &mut Db) -> Result<TokenKeys, KeyringError> {
        match self {
            Self::Env(secret) => Ok(TokenKeys::new(secret.as_bytes())),
            Self::File(path) => Ok(TokenKeys::from_keyring(&load_or_create_file(path)?)),
            Self::Database(_) => Ok(TokenKeys::from_keyring(&load_or_create_db(db)?)),
        }
    }

    /// The ring as kept now, if any (`None` for the environment's single secret).
    ///
    /// # Errors
    /// As `read_file` and `read_db`.
    pub fn read(&self, db: Option<&mut Db>) -> Result<Option<Keyring>, KeyringError> {
        match (self, db) {
            (Self::Env(_), _) => Ok(None),
            (Self::File(path), _) => read_file(path).map(|(ring, _)| Some(ring)),
            (Self::Database(url), None) => read_db(&mut db::connect(url)?).map(|r| r.map(|r| r.0)),
            (Self::Database(_), Some(db)) => read_db(db).map(|r| r.map(|r| r.0)),
        }
    }

    /// Rotates the ring where it is kept (see `Keyring::rotate`).
    ///
    /// # Errors
    /// `EnvNotRotatable` for `KIESDAG_JWT_SECRET`; `Missing` for a file that does not
    /// exist; `NoRing` for a database no server has run on (nothing is made there);
    /// as reading and writing.
    pub fn rotate(
        &self,
        db: Option<&mut Db>,
        now: i64,
        signs_in: u32,
    ) -> Result<Rotation, KeyringError> {
        match (self, db) {
            (Self::Env(_), _) => Err(KeyringError::EnvNotRotatable),
            (Self::File(path), _) => {
                let (mut ring, _) = read_file(path)?;
                let rotation = ring.rotate(now, signs_in);
                write_file(path, &ring.to_json(), true)?;
                Ok(rotation)
            }
            (Self::Database(url), None) => {
                // A server has made the schema and the ring; nothing is made here
                // (no file, no migration) for a database none has run on.
                if !db::is_postgres(url) && db::sqlite_path(url).is_none_or(|p| !p.exists()) {
                    return Err(KeyringError::NoRing);
                }
                let mut db = db::connect(url)?;
                match crate::store::has_tables(&mut db) {
                    Ok(true) => rotate_db(&mut db, now, signs_in),
                    Ok(false) => Err(KeyringError::NoRing),
                    Err(crate::store::StoreError::Db(e)) => Err(KeyringError::Database(e)),
                    Err(e) => Err(KeyringError::Invalid(e.to_string())),
                }
            }
            (Self::Database(_), Some(db)) => rotate_db(db, now, signs_in),
        }
    }
}

/// Where and what kind of fault a keyring's JSON has, without its content: serde's
/// own message may quote the text, which can be the secret itself.
fn json_error_place(e: &serde_json::Error) -> String {
    let category = match e.classify() {
        serde_json::error::Category::Io => "cannot be read",
        serde_json::error::Category::Syntax => "is not well-formed JSON",
        serde_json::error::Category::Data => "is JSON but not a keyring",
        serde_json::error::Category::Eof => "ends too early",
    };
    format!(
        "the text {category} (line {}, column {})",
        e.line(),
        e.column()
    )
}

/// Reads a keyring file after checking that only its owner may read it; the ring and
/// the text it was read from.
///
/// # Errors
/// `Missing`, `Read`, `Permissions` or `Invalid`.
pub fn read_file(path: &Path) -> Result<(Keyring, String), KeyringError> {
    let read = |source| KeyringError::Read {
        path: path.to_owned(),
        source,
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(KeyringError::Missing {
                path: path.to_owned(),
            });
        }
        Err(e) => return Err(read(e)),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyringError::Permissions {
                path: path.to_owned(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    let text = std::fs::read_to_string(path).map_err(read)?;
    let ring = Keyring::parse(&text).map_err(|e| match e {
        KeyringError::Invalid(reason) => {
            KeyringError::Invalid(format!("{}: {reason}", path.display()))
        }
        other => other,
    })?;
    Ok((ring, text))
}

/// Writes `text` to `path` through a new file of mode 0600 in the same folder, so that
/// the file is never seen half written nor, for a moment, readable by others.
/// `replace`: rename over what is there; else link, so that a file made meanwhile by
/// another instance wins (`AlreadyExists`).
fn write_file(path: &Path, text: &str, replace: bool) -> Result<(), KeyringError> {
    let write = |source| KeyringError::Write {
        path: path.to_owned(),
        source,
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.{}.tmp", random_hex(6)));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    // A rotated file keeps its owner: a ring made by root for the service's user
    // stays readable by that user (only root may give a file away; others keep theirs).
    #[cfg(unix)]
    let owner = if replace {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.uid(), m.gid()))
    } else {
        None
    };
    let written = options.open(&temporary).and_then(|mut file| {
        #[cfg(unix)]
        if let Some((uid, gid)) = owner {
            use std::os::unix::fs::MetadataExt;
            let made = file.metadata()?;
            if made.uid() != uid {
                std::os::unix::fs::fchown(&file, Some(uid), None)?;
            }
            // The group grants nothing at mode 0600: kept where allowed, else left.
            if made.gid() != gid {
                let _ = std::os::unix::fs::fchown(&file, None, Some(gid));
            }
        }
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    let placed = written.and_then(|()| {
        if replace {
            std::fs::rename(&temporary, path)
        } else {
            let linked = std::fs::hard_link(&temporary, path);
            let _ = std::fs::remove_file(&temporary);
            linked
        }
    });
    if placed.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    placed.map_err(write)?;
    if let Ok(folder) = std::fs::File::open(&folder) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// The file's ring; a new ring of one key, in a new file of mode 0600, when there is
/// no file.
///
/// # Errors
/// As `read_file`, or `Write` when the file cannot be made.
pub fn load_or_create_file(path: &Path) -> Result<Keyring, KeyringError> {
    match read_file(path) {
        Err(KeyringError::Missing { .. }) => {
            let ring = Keyring::new(Utc::now().timestamp());
            match write_file(path, &ring.to_json(), false) {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "made a new secret file (mode 0600)");
                    Ok(ring)
                }
                Err(KeyringError::Write { source, .. })
                    if source.kind() == std::io::ErrorKind::AlreadyExists =>
                {
                    read_file(path).map(|(ring, _)| ring)
                }
                Err(e) => Err(e),
            }
        }
        other => other.map(|(ring, _)| ring),
    }
}

fn setting(db: &mut Db, name: &str) -> Result<Option<String>, diesel::result::Error> {
    settings::table
        .find(name)
        .select(settings::value)
        .first(db)
        .optional()
}

/// The database's ring and its text, if it has one.
///
/// # Errors
/// A database error, or `Invalid`.
pub fn read_db(db: &mut Db) -> Result<Option<(Keyring, String)>, KeyringError> {
    setting(db, KEYRING_SETTING)?
        .map(|text| Keyring::parse(&text).map(|ring| (ring, text)))
        .transpose()
}

/// A ring for a database that has none: the legacy secret's, or a new key.
fn first_ring(db: &mut Db, now: i64) -> Result<Keyring, KeyringError> {
    Ok(match setting(db, LEGACY_SETTING)? {
        Some(legacy) => Keyring::from_legacy(&legacy, now),
        None => Keyring::new(now),
    })
}

/// The database's ring, made if it has none (from the legacy secret when there is
/// one). Two instances starting at once: whichever inserts first wins; both read it.
///
/// # Errors
/// A database error, or `Invalid`.
pub fn load_or_create_db(db: &mut Db) -> Result<Keyring, KeyringError> {
    if let Some((ring, _)) = read_db(db)? {
        return Ok(ring);
    }
    let ring = first_ring(db, Utc::now().timestamp())?;
    let _ = diesel::insert_into(settings::table)
        .values((
            settings::name.eq(KEYRING_SETTING),
            settings::value.eq(ring.to_json()),
        ))
        .execute(db);
    read_db(db)?
        .map(|(ring, _)| ring)
        .ok_or_else(|| KeyringError::Invalid("the keyring could not be stored".into()))
}

fn rotate_db(db: &mut Db, now: i64, signs_in: u32) -> Result<Rotation, KeyringError> {
    db::write_transaction(db, |db| {
        let mut ring = match read_db(db)? {
            Some((ring, _)) => ring,
            None => match setting(db, LEGACY_SETTING)? {
                Some(legacy) => Keyring::from_legacy(&legacy, now),
                None => return Err(KeyringError::NoRing),
            },
        };
        let rotation = ring.rotate(now, signs_in);
        diesel::delete(settings::table.find(KEYRING_SETTING)).execute(db)?;
        diesel::insert_into(settings::table)
            .values((
                settings::name.eq(KEYRING_SETTING),
                settings::value.eq(ring.to_json()),
            ))
            .execute(db)?;
        Ok(rotation)
    })
}

/// How often a running server reads its keyring again: `KIESDAG_SECRET_RELOAD_SECONDS`
/// (at least 1), else 30 s.
#[must_use]
pub fn reload_interval() -> Duration {
    let seconds = std::env::var("KIESDAG_SECRET_RELOAD_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_RELOAD_SECONDS)
        .max(1);
    Duration::from_secs(seconds)
}

/// Reads the ring again every `interval` on a thread of its own and gives `keys`
/// what changed; a ring that cannot be read is logged and the keys stay as they were.
/// The thread ends once `keys` is dropped. Nothing to watch for `KIESDAG_JWT_SECRET`.
///
/// # Errors
/// When the thread cannot be started.
pub fn watch(keys: &Arc<TokenKeys>, source: KeySource, interval: Duration) -> std::io::Result<()> {
    if matches!(source, KeySource::Env(_)) {
        return Ok(());
    }
    let keys: Weak<TokenKeys> = Arc::downgrade(keys);
    std::thread::Builder::new()
        .name("kiesdag-keyring".into())
        .spawn(move || {
            let mut last: Option<String> = None;
            let mut connection: Option<Db> = None;
            loop {
                std::thread::sleep(interval);
                let Some(keys) = keys.upgrade() else {
                    return;
                };
                let read = match &source {
                    KeySource::File(path) => read_file(path).map(Some),
                    KeySource::Database(url) => {
                        let conn = match connection.take() {
                            Some(conn) => Ok(conn),
                            None => db::connect(url),
                        };
                        match conn {
                            Ok(mut conn) => {
                                let read = read_db(&mut conn);
                                if read.is_ok() {
                                    connection = Some(conn);
                                }
                                read
                            }
                            Err(e) => Err(e.into()),
                        }
                    }
                    KeySource::Env(_) => return,
                };
                match read {
                    Ok(Some((ring, text))) if last.as_deref() != Some(text.as_str()) => {
                        keys.replace(&ring);
                        tracing::info!(
                            keys = %ring.keys.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>().join(","),
                            "signing keyring read again"
                        );
                        last = Some(text);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::error!(error = %e, "cannot read the signing keyring again; keeping the keys in use");
                    }
                }
            }
        })
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000;

    #[test]
    fn a_rotation_publishes_the_new_key_before_it_signs_and_retires_the_old_one_after_its_tokens() {
        let mut ring = Keyring::new(NOW);
        let first = ring.keys[0].kid.clone();
        assert_eq!(
            ring.signing(NOW).map(|k| k.kid.as_str()),
            Some(first.as_str())
        );

        let rotation = ring.rotate(NOW + 10, 60);
        assert_ne!(rotation.added, first);
        assert_eq!(rotation.signs_from.timestamp(), NOW + 70);
        assert_eq!(
            rotation.retiring,
            vec![(first.clone(), at(NOW + 70 + LONGEST_TOKEN_SECONDS))]
        );
        assert!(rotation.dropped.is_empty());
        // Until the new key signs, the old one does.
        assert_eq!(
            ring.signing(NOW + 69).map(|k| k.kid.as_str()),
            Some(first.as_str())
        );
        assert_eq!(
            ring.signing(NOW + 70).map(|k| k.kid.as_str()),
            Some(rotation.added.as_str())
        );

        // A second rotation keeps the first key's retirement and later drops it.
        let second = ring.rotate(NOW + 100, 0);
        assert_eq!(ring.keys.len(), 3);
        assert!(
            second
                .retiring
                .contains(&(first.clone(), at(NOW + 70 + LONGEST_TOKEN_SECONDS)))
        );
        let third = ring.rotate(NOW + 70 + LONGEST_TOKEN_SECONDS, 0);
        assert_eq!(third.dropped, vec![first]);
        assert_eq!(ring.keys.len(), 3);
    }

    #[test]
    fn a_ring_round_trips_and_bad_rings_are_refused() {
        let mut ring = Keyring::new(NOW);
        ring.rotate(NOW, 60);
        assert_eq!(Keyring::parse(&ring.to_json()).unwrap(), ring);

        let mut twice = ring.clone();
        twice.keys[1].kid = twice.keys[0].kid.clone();
        assert!(Keyring::parse(&twice.to_json()).is_err());
        let mut short = ring.clone();
        short.keys[0].secret = "short".into();
        assert!(Keyring::parse(&short.to_json()).is_err());
        let mut odd = ring.clone();
        odd.keys[0].kid = "a b".into();
        assert!(Keyring::parse(&odd.to_json()).is_err());
        assert!(Keyring::parse(r#"{"version":1,"keys":[]}"#).is_err());
        assert!(Keyring::parse("not json").is_err());
    }

    #[test]
    fn a_key_never_shows_its_secret() {
        let ring = Keyring::new(NOW);
        let shown = format!("{ring:?}");
        assert!(shown.contains(&ring.keys[0].kid));
        assert!(!shown.contains(&ring.keys[0].secret), "{shown}");
    }

    fn folder() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kiesdag-keyring-{}", random_hex(8)));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_made_with_mode_0600_and_refused_when_others_may_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = folder();
        let path = dir.join("keys.json");
        let made = load_or_create_file(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Read back, not made again.
        assert_eq!(load_or_create_file(&path).unwrap(), made);

        let source = KeySource::File(path.clone());
        let rotation = source.rotate(None, NOW, 60).unwrap();
        let (ring, _) = read_file(&path).unwrap();
        assert_eq!(ring.keys.len(), 2);
        assert_eq!(ring.keys[1].kid, rotation.added);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a rotated file stays 0600");

        for loose in [0o644, 0o640, 0o604] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(loose)).unwrap();
            let refused = load_or_create_file(&path).unwrap_err();
            assert!(
                matches!(refused, KeyringError::Permissions { mode, .. } if mode == loose),
                "{refused}"
            );
            assert!(refused.to_string().contains("chmod 600"), "{refused}");
        }
        assert!(matches!(
            source.rotate(None, NOW, 60),
            Err(KeyringError::Permissions { .. })
        ));
        assert!(matches!(
            KeySource::File(dir.join("none.json")).rotate(None, NOW, 60),
            Err(KeyringError::Missing { .. })
        ));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_database_ring_starts_from_the_legacy_secret_and_rotates() {
        let dir = folder();
        let url = dir.join("kiesdag.db").to_string_lossy().into_owned();
        let mut db = db::open(&url).unwrap();
        let legacy = "a-legacy-secret-0123456789abcdef0123456789";
        diesel::insert_into(settings::table)
            .values((
                settings::name.eq(LEGACY_SETTING),
                settings::value.eq(legacy),
            ))
            .execute(&mut db)
            .unwrap();
        let ring = load_or_create_db(&mut db).unwrap();
        assert_eq!(ring.keys.len(), 1);
        assert!(ring.keys[0].legacy);
        assert_eq!(ring.keys[0].secret, legacy);
        assert_eq!(
            load_or_create_db(&mut db).unwrap(),
            ring,
            "kept, not made again"
        );

        let source = KeySource::Database(url.clone());
        let rotation = source.rotate(Some(&mut db), NOW, 0).unwrap();
        let ring = source.read(Some(&mut db)).unwrap().unwrap();
        assert_eq!(ring.keys.len(), 2);
        assert_eq!(
            ring.signing(NOW).map(|k| k.kid.clone()),
            Some(rotation.added)
        );
        assert!(ring.keys[0].legacy && ring.keys[0].retires.is_some());
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }
    #[test]
    fn a_file_that_is_not_a_keyring_is_reported_without_its_content() {
        let dir = folder();
        let path = dir.join("keys.json");
        write_file(&path, "\"s3cr3t-value-xyz\"", false).unwrap();
        let refused = read_file(&path).unwrap_err();
        let said = refused.to_string();
        assert!(matches!(refused, KeyringError::Invalid(_)), "{said}");
        assert!(!said.contains("s3cr3t"), "{said}");
        assert!(said.contains("line 1, column"), "{said}");
        let secret_as_kid = format!(
            "{{\"version\": 1, \"keys\": [{{\"kid\": \"s3cr3t value!\", \"secret\": \"{}\", \"created\": \"2026-01-01T00:00:00Z\", \"signs_from\": \"2026-01-01T00:00:00Z\"}}]}}",
            "0".repeat(64)
        );
        for text in [
            "{\"version\": 1, \"keys\": \"s3cr3t-value-xyz\"}",
            "{s3cr3t",
            &secret_as_kid,
        ] {
            let said = Keyring::parse(text).unwrap_err().to_string();
            assert!(!said.contains("s3cr3t"), "{said}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_rotated_file_keeps_its_owner() {
        use std::os::unix::fs::MetadataExt;
        let dir = folder();
        let path = dir.join("keys.json");
        write_file(&path, &Keyring::new(1_000).to_json(), false).unwrap();
        // The service's user, as root gives it the file (only root can: elsewhere
        // there is nothing to keep).
        if std::os::unix::fs::chown(&path, Some(4242), Some(4243)).is_err() {
            eprintln!("not root: a file cannot be given to another user here");
            let _ = std::fs::remove_dir_all(dir);
            return;
        }
        KeySource::File(path.clone())
            .rotate(None, 2_000, 0)
            .unwrap();
        let after = std::fs::metadata(&path).unwrap();
        assert_eq!((after.uid(), after.gid()), (4242, 4243));
        assert_eq!(after.mode() & 0o777, 0o600);
        assert_eq!(read_file(&path).unwrap().0.keys.len(), 2);
        let _ = std::fs::remove_dir_all(dir);
    }
}
