//! Signed tokens (HS256), each naming the key that signed it (`kid`). Device tokens are bound to one election and station and
//! checked against the device's row at each session start, so revoking works at once;
//! staff tokens are short-lived and renewed with a refresh token.

use std::sync::{Arc, PoisonError};

use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Role;
use super::keyring::Keyring;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Device,
    Staff,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Device id or user id.
    pub sub: String,
    pub kind: TokenKind,
    pub role: Option<Role>,
    pub municipality: Option<String>,
    pub station: Option<String>,
    pub election: Option<String>,
    /// Token id; a device's current token id is stored with it.
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("token has expired")]
    Expired,
    #[error("token is invalid")]
    Invalid,
}

/// One key as the server uses it.
struct LoadedKey {
    /// `None` only for the single secret of `TokenKeys::new`: it signs without a key id.
    kid: Option<String>,
    /// It verifies tokens without a key id.
    legacy: bool,
    signs_from: i64,
    retires: Option<i64>,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// The keys that sign and verify tokens: a keyring (`keyring.rs`), read again while
/// the server runs (`replace`), or a single secret.
///
/// A token names its key in its header (`kid`) and is verified with that key alone;
/// a token without a key id only with the legacy key (the single secret from before
/// the keyring); an unknown or retired key id is refused. HS256 only.
pub struct TokenKeys {
    keys: std::sync::RwLock<Arc<Vec<LoadedKey>>>,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

fn load(ring: &Keyring) -> Vec<LoadedKey> {
    ring.keys
        .iter()
        .map(|key| LoadedKey {
            kid: Some(key.kid.clone()),
            legacy: key.legacy,
            signs_from: key.signs_from.timestamp(),
            retires: key.retires.map(|r| r.timestamp()),
            encoding: EncodingKey::from_secret(key.secret.as_bytes()),
            decoding: DecodingKey::from_secret(key.secret.as_bytes()),
        })
        .collect()
}

impl TokenKeys {
    /// A single secret: it signs tokens without a key id and verifies only those.
    #[must_use]
    pub fn new(secret: &[u8]) -> Self {
        Self {
            keys: std::sync::RwLock::new(Arc::new(vec![LoadedKey {
                kid: None,
                legacy: true,
                signs_from: i64::MIN,
                retires: None,
                encoding: EncodingKey::from_secret(secret),
                decoding: DecodingKey::from_secret(secret),
            }])),
        }
    }

    /// The keys of `ring`.
    #[must_use]
    pub fn from_keyring(ring: &Keyring) -> Self {
        Self {
            keys: std::sync::RwLock::new(Arc::new(load(ring))),
        }
    }

    /// Takes the keys of `ring` instead (the ring was read again).
    pub fn replace(&self, ring: &Keyring) {
        let loaded = Arc::new(load(ring));
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = loaded;
    }

    fn current(&self) -> Arc<Vec<LoadedKey>> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The key id that signs now (`None` for a single secret, or no key signs).
    #[must_use]
    pub fn signing_kid(&self) -> Option<String> {
        let keys = self.current();
        signing_key(&keys, chrono::Utc::now().timestamp()).and_then(|k| k.kid.clone())
    }

    /// # Errors
    /// `Invalid` when no key signs now (a ring whose every key is retired or yet to
    /// start); signing itself does not fail with HS256 and our claims.
    pub fn sign(&self, claims: &Claims) -> Result<String, TokenError> {
        let keys = self.current();
        let key = signing_key(&keys, chrono::Utc::now().timestamp()).ok_or(TokenError::Invalid)?;
        let mut header = Header::new(Algorithm::HS256);
        header.kid.clone_from(&key.kid);
        encode(&header, claims, &key.encoding).map_err(|_| TokenError::Invalid)
    }

    /// Checks the key (by the header's key id), signature, algorithm (HS256 only:
    /// `alg: none` and others are refused) and expiry.
    ///
    /// # Errors
    /// `Expired` or `Invalid`.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let header = decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::HS256 {
            return Err(TokenError::Invalid);
        }
        let keys = self.current();
        let now = chrono::Utc::now().timestamp();
        let key = keys
            .iter()
            .filter(|k| k.retires.is_none_or(|r| r > now))
            .find(|k| match &header.kid {
                Some(kid) => k.kid.as_deref() == Some(kid.as_str()),
                None => k.legacy,
            })
            .ok_or(TokenError::Invalid)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        decode::<Claims>(token, &key.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

/// Of the keys that have started signing and not retired, the one that started last.
fn signing_key(keys: &[LoadedKey], now: i64) -> Option<&LoadedKey> {
    keys.iter()
        .filter(|k| k.signs_from <= now && k.retires.is_none_or(|r| r > now))
        .max_by_key(|k| k.signs_from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64_url_free::encode_segment;

    /// URL-safe base64 without padding, written out to avoid one more dependency.
    mod base64_url_free {
        pub fn encode_segment(bytes: &[u8]) -> String {
            const TABLE: &[u8; 64] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for chunk in bytes.chunks(3) {
                let b = [
                    chunk[0],
                    *chunk.get(1).unwrap_or(&0),
                    *chunk.get(2).unwrap_or(&0),
                ];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                for i in 0..=chunk.len() {
                    out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
                }
            }
            out
        }
    }

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: "device-1".into(),
            kind: TokenKind::Device,
            role: None,
            municipality: Some("GM0599".into()),
            station: Some("GM0599-12".into()),
            election: Some("GR2026".into()),
            jti: "t1".into(),
            iat: 0,
            exp,
        }
    }

    fn far_future() -> i64 {
        chrono::Utc::now().timestamp() + 3_600
    }

    #[test]
    fn signed_tokens_verify() {
        let keys = TokenKeys::new(b"secret-one");
        let token = keys.sign(&claims(far_future())).unwrap();
        assert_eq!(
            keys.verify(&token).unwrap().station.as_deref(),
            Some("GM0599-12")
        );
    }

    #[test]
    fn expired_forged_and_unsigned_tokens_are_refused() {
        let keys = TokenKeys::new(b"secret-one");
        let expired = keys
            .sign(&claims(chrono::Utc::now().timestamp() - 10))
            .unwrap();
        assert_eq!(keys.verify(&expired), Err(TokenError::Expired));

        let forged = TokenKeys::new(b"other-secret")
            .sign(&claims(far_future()))
            .unwrap();
        assert_eq!(keys.verify(&forged), Err(TokenError::Invalid));

        let header = encode_segment(br#"{"alg":"none","typ":"JWT"}"#);
        let body = encode_segment(
            serde_json::to_string(&claims(far_future()))
                .unwrap()
                .as_bytes(),
        );
        assert_eq!(
            keys.verify(&format!("{header}.{body}.")),
            Err(TokenError::Invalid)
        );
        assert_eq!(keys.verify("not.a.token"), Err(TokenError::Invalid));
    }

    fn kid_of(token: &str) -> Option<String> {
        decode_header(token).unwrap().kid
    }

    fn signed_with(secret: &str, kid: Option<&str>, claims: &Claims) -> String {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = kid.map(str::to_owned);
        encode(
            &header,
            claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    #[test]
    fn tokens_name_their_key_and_the_old_key_verifies_after_a_rotation() {
        use crate::auth::keyring::Keyring;
        let now = chrono::Utc::now().timestamp();
        let mut ring = Keyring::new(now - 100);
        let old = ring.keys[0].clone();
        let keys = TokenKeys::from_keyring(&ring);
        let before = keys.sign(&claims(far_future())).unwrap();
        assert_eq!(kid_of(&before), Some(old.kid.clone()));
        assert_eq!(keys.signing_kid(), Some(old.kid.clone()));

        let rotation = ring.rotate(now - 50, 0);
        keys.replace(&ring);
        let after = keys.sign(&claims(far_future())).unwrap();
        assert_eq!(kid_of(&after), Some(rotation.added.clone()));
        assert!(keys.verify(&before).is_ok(), "the old key still verifies");
        assert!(keys.verify(&after).is_ok());

        // A key published but not yet signing verifies already.
        let next = ring.rotate(now, 3_600);
        keys.replace(&ring);
        assert_eq!(keys.signing_kid(), Some(rotation.added.clone()));
        let new = ring.keys.iter().find(|k| k.kid == next.added).unwrap();
        assert!(
            keys.verify(&signed_with(
                &new.secret,
                Some(&new.kid),
                &claims(far_future())
            ))
            .is_ok()
        );

        let valid = claims(far_future());
        for (refused, token) in [
            (
                "an unknown key id",
                signed_with(&old.secret, Some("k-unknown"), &valid),
            ),
            (
                "no key id, no legacy key",
                signed_with(&old.secret, None, &valid),
            ),
            (
                "a made-up key under a real key id",
                signed_with(
                    "a made-up key of more than 32 bytes",
                    Some(&old.kid),
                    &valid,
                ),
            ),
        ] {
            assert_eq!(keys.verify(&token), Err(TokenError::Invalid), "{refused}");
        }
    }

    #[test]
    fn a_retired_key_verifies_nothing() {
        use crate::auth::keyring::{Keyring, LONGEST_TOKEN_SECONDS};
        let now = chrono::Utc::now().timestamp();
        let mut ring = Keyring::new(now - LONGEST_TOKEN_SECONDS - 200);
        let old = ring.keys[0].clone();
        ring.rotate(now - LONGEST_TOKEN_SECONDS - 100, 0);
        let keys = TokenKeys::from_keyring(&ring);
        let token = signed_with(&old.secret, Some(&old.kid), &claims(far_future()));
        assert_eq!(keys.verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn the_legacy_key_verifies_tokens_without_a_key_id() {
        use crate::auth::keyring::Keyring;
        let secret = "the-single-secret-0123456789abcdef01234567";
        let keys = TokenKeys::from_keyring(&Keyring::from_legacy(secret, 0));
        let old = TokenKeys::new(secret.as_bytes())
            .sign(&claims(far_future()))
            .unwrap();
        assert_eq!(kid_of(&old), None, "a single secret signs without a key id");
        assert!(keys.verify(&old).is_ok());
        let new = keys.sign(&claims(far_future())).unwrap();
        assert_eq!(kid_of(&new).as_deref(), Some("legacy"));
        assert!(keys.verify(&new).is_ok());
        // A single secret knows no key ids.
        assert_eq!(
            TokenKeys::new(secret.as_bytes()).verify(&new),
            Err(TokenError::Invalid)
        );
    }
}
