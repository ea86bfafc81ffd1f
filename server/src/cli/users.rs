//! `kiesdag user`: staff accounts.

use std::io::Read;

use super::open;
use crate::auth::{Role, hash_password};
use crate::db;
use crate::features::preparation::{self, Preparer};
use crate::store::{self, users::UserRecord};

pub(crate) fn set_user_disabled(url: &str, username: &str, disabled: bool) -> Result<(), String> {
    let mut db = open(url)?;
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    let found = db::write_transaction(&mut db, |db| {
        let Some(user) = store::users::by_username(db, username)? else {
            return Ok(false);
        };
        let found = store::users::set_disabled(db, username, disabled, db::now_ms())?;
        if found {
            Preparer::command_line().audit(
                db,
                action,
                &format!("user:{}", user.id),
                &serde_json::json!({}),
            )?;
        }
        Ok(found)
    })
    .map_err(|e: store::StoreError| e.to_string())?;
    if !found {
        return Err(format!("no user {username}"));
    }
    println!(
        "{username} {}",
        if disabled {
            "disabled; their sessions end within a second"
        } else {
            "enabled; they may sign in again"
        }
    );
    Ok(())
}

pub(crate) fn create_user(
    url: &str,
    username: &str,
    role: Role,
    municipality: Option<String>,
) -> Result<(), String> {
    if municipality.is_none() && role != Role::Administrator {
        return Err("only an administrator may have no --municipality".into());
    }
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| e.to_string())?;
    let password = password.trim_end_matches(['\n', '\r']);
    if password.chars().count() < 12 {
        return Err("the password (from standard input) must be at least 12 characters".into());
    }
    let mut db = open(url)?;
    let user = UserRecord {
        id: uuid::Uuid::new_v4().to_string(),
        username: username.to_owned(),
        password_hash: hash_password(password)?,
        role,
        municipality_code: municipality,
    };
    db::write_transaction(&mut db, |db| {
        preparation::create_user(db, &Preparer::command_line(), &user)
    })
    .map_err(|e: store::StoreError| match e {
        store::StoreError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => {
            format!("user {username} already exists")
        }
        other => other.to_string(),
    })?;
    println!("user {username} created ({})", role.as_str());
    Ok(())
}

pub(crate) fn erase_user(url: &str, username: &str, yes: bool) -> Result<(), String> {
    let mut db = open(url)?;
    if store::users::by_username(&mut db, username)
        .map_err(|e| e.to_string())?
        .is_none()
    {
        return Err(format!("no user {username}"));
    }
    if !yes {
        println!(
            "Erasing {username} renames the account gewist-<id>, deletes its password and \
             sessions, and replaces the name wherever an election's records name it as an \
             action's author. It cannot be undone. Type the username to erase it:"
        );
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        if line.trim() != username {
            return Err("not confirmed; nothing was erased".into());
        }
    }
    let erased = db::write_transaction(&mut db, |db| {
        crate::features::purge::erase_user(db, &Preparer::command_line(), username, db::now_ms())
    })
    .map_err(|e| e.to_string())?;
    println!(
        "erased {username}: now {}; named in {} events and {} stations, {} referenced texts deleted",
        store::users::erased_username(&erased.user_id),
        erased.events,
        erased.stations,
        erased.referenced_texts
    );
    match crate::features::purge::compact(&mut db).map_err(|e| e.to_string())? {
        crate::features::purge::Compacted::Complete => {
            println!("database compacted: no erased byte remains in it");
        }
        crate::features::purge::Compacted::WalInUse => println!(
            "database compacted, but its write-ahead log is in use by the running server: \
             the erased bytes leave it at the server's next checkpoint"
        ),
    }
    Ok(())
}
