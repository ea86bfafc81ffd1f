use diesel::prelude::*;

use super::StoreError;
use crate::auth::Role;
use crate::db::{
    Db,
    schema::{refresh_tokens, users},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    /// None for an administrator of every municipality.
    pub municipality_code: Option<String>,
}

/// # Errors
/// A database error (a taken username is a unique-constraint error).
pub fn create(db: &mut Db, user: &UserRecord, now: i64) -> Result<(), StoreError> {
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&user.id),
            users::username.eq(&user.username),
            users::password_hash.eq(&user.password_hash),
            users::role.eq(user.role.as_str()),
            users::municipality_code.eq(&user.municipality_code),
            users::created_at.eq(now),
        ))
        .execute(db)?;
    Ok(())
}

/// # Errors
/// A database error, or a stored role that is not one of ours.
pub fn by_username(db: &mut Db, username: &str) -> Result<Option<UserRecord>, StoreError> {
    let row: Option<(String, String, String, String, Option<String>)> = users::table
        .filter(users::username.eq(username))
        .select((
            users::id,
            users::username,
            users::password_hash,
            users::role,
            users::municipality_code,
        ))
        .first(db)
        .optional()?;
    row.map(|(id, username, password_hash, role, municipality_code)| {
        let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt {
            what: format!("role of {username}"),
            reason: role.clone(),
        })?;
        Ok(UserRecord {
            id,
            username,
            password_hash,
            role,
            municipality_code,
        })
    })
    .transpose()
}

/// The username of the user with `id`, if there is one.
///
/// # Errors
/// A database error.
pub fn username_of(db: &mut Db, id: &str) -> Result<Option<String>, StoreError> {
    Ok(users::table
        .filter(users::id.eq(id))
        .select(users::username)
        .first(db)
        .optional()?)
}

/// A staff user as others may see them: no password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    pub username: String,
    pub role: Role,
}

/// The users of `municipality` with one of `roles`, by username. Users of every
/// municipality (administrators without one) are not of any one.
///
/// # Errors
/// A database error, or a stored role that is not one of ours.
pub fn of_municipality(
    db: &mut Db,
    municipality: &str,
    roles: &[Role],
) -> Result<Vec<StaffUser>, StoreError> {
    let names: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
    let rows: Vec<(String, String)> = users::table
        .filter(users::municipality_code.eq(municipality))
        .filter(users::role.eq_any(names))
        .order(users::username.asc())
        .select((users::username, users::role))
        .load(db)?;
    rows.into_iter()
        .map(|(username, role)| {
            let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt {
                what: format!("role of {username}"),
                reason: role.clone(),
            })?;
            Ok(StaffUser { username, role })
        })
        .collect()
}

/// Whether the user is disabled (an unknown user counts as disabled).
///
/// # Errors
/// A database error.
pub fn is_disabled(db: &mut Db, user_id: &str) -> Result<bool, StoreError> {
    let disabled: Option<i32> = users::table
        .find(user_id)
        .select(users::disabled)
        .first(db)
        .optional()?;
    Ok(disabled.is_none_or(|d| d != 0))
}

/// Disables or enables a user by username; false when there is no such user.
/// Disabling also ends every session at once: refresh tokens are revoked, and access
/// tokens issued until now are refused (`tokens_valid_after`, in seconds).
///
/// # Errors
/// A database error.
pub fn set_disabled(
    db: &mut Db,
    username: &str,
    disabled: bool,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let Some(user) = by_username(db, username)? else {
        return Ok(false);
    };
    if disabled {
        diesel::update(users::table.find(&user.id))
            .set((
                users::disabled.eq(1),
                users::tokens_valid_after.eq(now_ms / 1000 + 1),
            ))
            .execute(db)?;
        diesel::update(refresh_tokens::table.filter(refresh_tokens::user_id.eq(&user.id)))
            .set(refresh_tokens::revoked.eq(1))
            .execute(db)?;
    } else {
        diesel::update(users::table.find(&user.id))
            .set(users::disabled.eq(0))
            .execute(db)?;
    }
    Ok(true)
}

/// The username an erased user is left with.
#[must_use]
pub fn erased_username(id: &str) -> String {
    format!("gewist-{id}")
}

/// Erases a user (`features::purge::erase_user`): the username becomes
/// `erased_username`, the password hash and refresh tokens are deleted, and the user
/// is disabled with every session ended. The id stays, so the audit log's entries by
/// it still verify; it leads to nobody. Returns the erased user's id, or `None` when
/// there is no such user.
///
/// # Errors
/// A database error.
pub fn erase(db: &mut Db, username: &str, now_ms: i64) -> Result<Option<String>, StoreError> {
    let Some(user) = by_username(db, username)? else {
        return Ok(None);
    };
    diesel::update(users::table.find(&user.id))
        .set((
            users::username.eq(erased_username(&user.id)),
            users::password_hash.eq(""),
            users::disabled.eq(1),
            users::tokens_valid_after.eq(now_ms / 1000 + 1),
        ))
        .execute(db)?;
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::user_id.eq(&user.id)))
        .execute(db)?;
    Ok(Some(user.id))
}

/// Per user with a revocation: (user id, disabled, tokens issued before this second
/// are refused). Small: only users ever disabled.
///
/// # Errors
/// A database error.
pub fn revocations(db: &mut Db) -> Result<Vec<(String, bool, i64)>, StoreError> {
    let rows: Vec<(String, i32, i64)> = users::table
        .filter(users::disabled.ne(0).or(users::tokens_valid_after.gt(0)))
        .select((users::id, users::disabled, users::tokens_valid_after))
        .load(db)?;
    Ok(rows
        .into_iter()
        .map(|(id, disabled, after)| (id, disabled != 0, after))
        .collect())
}
