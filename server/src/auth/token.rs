//! Signed tokens (HS256). Device tokens are bound to one election and station and
//! checked against the device's row at each session start, so revoking works at once;
//! staff tokens are short-lived and renewed with a refresh token.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Role;

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

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

impl TokenKeys {
    #[must_use]
    pub fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// # Errors
    /// Only if signing fails, which HS256 with our claims does not.
    pub fn sign(&self, claims: &Claims) -> Result<String, TokenError> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|_| TokenError::Invalid)
    }

    /// Checks signature, algorithm (HS256 only: `alg: none` and others are refused)
    /// and expiry.
    ///
    /// # Errors
    /// `Expired` or `Invalid`.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
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
}
