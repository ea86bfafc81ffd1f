//! `kiesdag secret`: the token-signing keyring (`auth::keyring`): rotate it, show it
//! (key ids and times, never a key).

use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};
use clap::Subcommand;

use crate::auth::keyring::{DEFAULT_SIGNS_IN_SECONDS, KeySource, Keyring};

#[derive(Subcommand)]
pub enum SecretCommand {
    /// Add a new signing key; the key signing now keeps verifying the tokens it signed
    /// until they have expired (36 hours after the new key takes over), then the next
    /// rotation drops it. Running servers read the keyring again within 30 s.
    Rotate {
        /// The keyring file (as `serve --secret-file`); without it, the database's.
        #[arg(long, env = "KIESDAG_SECRET_FILE")]
        secret_file: Option<PathBuf>,
        /// Seconds until the new key signs: every instance must have read the keyring
        /// by then (twice the reload interval by default; more when the file is copied
        /// to each instance by hand).
        #[arg(long, default_value_t = DEFAULT_SIGNS_IN_SECONDS, value_parser = clap::value_parser!(u32).range(0..=86_400))]
        signs_in: u32,
    },
    /// The keys: their ids, when each was made, signs from and retires.
    Show {
        #[arg(long, env = "KIESDAG_SECRET_FILE")]
        secret_file: Option<PathBuf>,
    },
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn secret(url: &str, command: SecretCommand) -> Result<(), String> {
    match command {
        SecretCommand::Rotate {
            secret_file,
            signs_in,
        } => {
            let source =
                KeySource::resolve(secret_file.as_deref(), url).map_err(|e| e.to_string())?;
            let rotation = source
                .rotate(None, Utc::now().timestamp(), signs_in)
                .map_err(|e| e.to_string())?;
            println!(
                "rotated {}: new key {} signs from {}",
                source.describe(),
                rotation.added,
                time(rotation.signs_from)
            );
            for (kid, retires) in &rotation.retiring {
                println!("key {kid} verifies its tokens until {}", time(*retires));
            }
            for kid in &rotation.dropped {
                println!("key {kid} retired: dropped");
            }
            println!("running servers read the keyring again within 30 s");
            Ok(())
        }
        SecretCommand::Show { secret_file } => {
            let source =
                KeySource::resolve(secret_file.as_deref(), url).map_err(|e| e.to_string())?;
            match source.read(None).map_err(|e| e.to_string())? {
                None if matches!(source, KeySource::Env(_)) => {
                    println!(
                        "{}: one key, tokens without a key id, no rotation",
                        source.describe()
                    );
                }
                None => println!("{}: no keyring yet (a server makes one)", source.describe()),
                Some(ring) => show(&source, &ring),
            }
            Ok(())
        }
    }
}

fn show(source: &KeySource, ring: &Keyring) {
    let now = Utc::now().timestamp();
    let signing = ring.signing(now).map(|k| k.kid.clone());
    println!("{}:", source.describe());
    for key in &ring.keys {
        let state = if signing.as_deref() == Some(key.kid.as_str()) {
            "signs"
        } else if key.retires.is_some_and(|r| r.timestamp() <= now) {
            "retired"
        } else if key.signs_from.timestamp() > now {
            "published, signs later"
        } else {
            "verifies"
        };
        println!(
            "{}  {state}{}  made {}  signs from {}  retires {}",
            key.kid,
            if key.legacy {
                ", also tokens without a key id"
            } else {
                ""
            },
            time(key.created),
            time(key.signs_from),
            key.retires.map_or_else(|| "-".to_owned(), time),
        );
    }
}
