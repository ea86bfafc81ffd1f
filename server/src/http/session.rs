//! Staff sign-in: a short-lived access token and a refresh token.

use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::{Claims, Role, TokenKind, hash_password, verify_password};
use crate::db::{
    now_ms,
    schema::{refresh_tokens, users},
};
use crate::http::{ApiError, ErrorBody, ErrorReference};
use crate::state::AppState;
use crate::store;

/// Access tokens live 15 minutes; refresh tokens 12 hours.
pub const ACCESS_SECONDS: i64 = 15 * 60;
pub const REFRESH_MS: i64 = 12 * 3_600_000;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub role: Role,
    pub municipality: Option<String>,
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn issue(
    state: &AppState,
    user_id: &str,
    role: Role,
    municipality: Option<String>,
) -> Result<(String, String), String> {
    let now = now_ms() / 1000;
    let claims = Claims {
        sub: user_id.to_owned(),
        kind: TokenKind::Staff,
        role: Some(role),
        municipality,
        station: None,
        election: None,
        jti: uuid::Uuid::new_v4().to_string(),
        iat: now,
        exp: now + ACCESS_SECONDS,
    };
    let access = state.keys.sign(&claims).map_err(|e| e.to_string())?;
    let refresh = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    Ok((access, refresh))
}

/// A hash to check the passwords of unknown users against, so that an unknown
/// username takes as long to refuse as a wrong password.
static UNKNOWN_USER_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("kiesdag: no such user").unwrap_or_default());

/// Signs a staff member in.
#[utoipa::path(
    post,
    path = "/api/login",
    operation_id = "login",
    tag = "session",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in: an access token (15 minutes) and a refresh token (12 hours, usable once).", body = TokenResponse),
        (status = 400, description = "The body is not a login request (`invalid_json`).", body = ErrorBody),
        (status = 401, description = "Wrong username or password (`invalid_credentials`); the same answer whether or not the user exists.", body = ErrorBody),
        (status = 403, description = "The account is disabled (`account_disabled`).", body = ErrorBody),
        (status = 413, description = "The body is too large (`payload_too_large`).", body = ErrorBody),
        (status = 500, description = "The tokens could not be made (`token`).", body = ErrorBody),
        (status = 503, description = "The database does not answer (`unavailable`).", body = ErrorBody),
    )
)]
pub async fn login(state: web::Data<AppState>, body: web::Json<LoginRequest>) -> HttpResponse {
    let LoginRequest { username, password } = body.into_inner();
    let found = match state
        .with_db(move |db| store::users::by_username(db, &username))
        .await
    {
        Ok(found) => found,
        Err(e) => {
            return ApiError::unavailable(&e).into();
        }
    };
    // Argon2 takes a while: off the worker thread, which also serves the WebSockets.
    let checked = web::block(move || match found {
        Some(user) if verify_password(&password, &user.password_hash) => Some(user),
        Some(_) => None,
        None => {
            let _ = verify_password(&password, &UNKNOWN_USER_HASH);
            None
        }
    })
    .await;
    match checked {
        Ok(Some(user)) if state.revocations.refusal(&user.id, i64::MAX).is_some() => {
            ApiError::from(ErrorReference::AccountDisabled).into()
        }
        Ok(Some(user)) => respond(&state, user, uuid::Uuid::new_v4().to_string()).await,
        Ok(None) => ApiError::from(ErrorReference::InvalidCredentials).into(),
        Err(e) => ApiError::unavailable(&e).into(),
    }
}

/// New tokens for `user`; the refresh token joins `family` (one per sign-in), so that
/// a reused refresh token can end the whole chain.
async fn respond(state: &AppState, user: store::users::UserRecord, family: String) -> HttpResponse {
    let (access, refresh) = match issue(state, &user.id, user.role, user.municipality_code.clone())
    {
        Ok(tokens) => tokens,
        Err(e) => return ApiError::internal(ErrorReference::Token, &e).into(),
    };
    let stored_hash = hash(&refresh);
    let user_id = user.id.clone();
    let stored = state
        .with_db(move |db| {
            diesel::insert_into(refresh_tokens::table)
                .values((
                    refresh_tokens::token_hash.eq(stored_hash),
                    refresh_tokens::user_id.eq(user_id),
                    refresh_tokens::expires_at.eq(now_ms() + REFRESH_MS),
                    refresh_tokens::revoked.eq(0),
                    refresh_tokens::family.eq(family),
                ))
                .execute(db)?;
            Ok(())
        })
        .await;
    if let Err(e) = stored {
        return ApiError::unavailable(&e).into();
    }
    HttpResponse::Ok().json(TokenResponse {
        access_token: access,
        refresh_token: refresh,
        expires_in: ACCESS_SECONDS,
        role: user.role,
        municipality: user.municipality_code,
    })
}

/// Exchanges a refresh token (once) for new tokens.
#[utoipa::path(
    post,
    path = "/api/refresh",
    operation_id = "refresh",
    tag = "session",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens; the refresh token given is spent.", body = TokenResponse),
        (status = 400, description = "The body is not a refresh request (`invalid_json`).", body = ErrorBody),
        (status = 401, description = "The refresh token is unknown, expired or already used (`invalid_token`).", body = ErrorBody),
        (status = 413, description = "The body is too large (`payload_too_large`).", body = ErrorBody),
        (status = 500, description = "The tokens could not be made (`token`).", body = ErrorBody),
        (status = 503, description = "The database does not answer (`unavailable`).", body = ErrorBody),
    )
)]
pub async fn refresh(state: web::Data<AppState>, body: web::Json<RefreshRequest>) -> HttpResponse {
    let token_hash = hash(&body.refresh_token);
    let found = state
        .with_db(move |db| {
            let row: Option<(String, i64, i32, String)> = refresh_tokens::table
                .find(&token_hash)
                .select((
                    refresh_tokens::user_id,
                    refresh_tokens::expires_at,
                    refresh_tokens::revoked,
                    refresh_tokens::family,
                ))
                .first(db)
                .optional()?;
            let Some((user_id, expires_at, revoked, family)) = row else {
                return Ok(None);
            };
            if revoked != 0 {
                // Used before: someone holds a copy. End the whole sign-in, so that
                // neither the thief's nor the owner's newer tokens refresh again.
                if !family.is_empty() {
                    diesel::update(
                        refresh_tokens::table.filter(refresh_tokens::family.eq(&family)),
                    )
                    .set(refresh_tokens::revoked.eq(1))
                    .execute(db)?;
                }
                tracing::warn!(%user_id, "refresh token reused; its sign-in is ended");
                return Ok(None);
            }
            if expires_at <= now_ms() || store::users::is_disabled(db, &user_id)? {
                return Ok(None);
            }
            // Used once: of two refreshes at the same moment, only one changes the row.
            let taken = diesel::update(
                refresh_tokens::table
                    .find(&token_hash)
                    .filter(refresh_tokens::revoked.eq(0))
                    .filter(refresh_tokens::expires_at.gt(now_ms())),
            )
            .set(refresh_tokens::revoked.eq(1))
            .execute(db)?;
            if taken != 1 {
                return Ok(None);
            }
            let username: String = users::table
                .find(&user_id)
                .select(users::username)
                .first(db)?;
            Ok(store::users::by_username(db, &username)?.map(|user| (user, family)))
        })
        .await;
    match found {
        Ok(Some((user, family))) => respond(&state, user, family).await,
        Ok(None) => ApiError::from(ErrorReference::InvalidToken).into(),
        Err(e) => ApiError::unavailable(&e).into(),
    }
}
