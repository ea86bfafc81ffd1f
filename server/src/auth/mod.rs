//! Who may do what: roles, tokens, passwords and the activation-attempt limiter.

pub mod keyring;
mod limiter;
mod password;
pub mod revocations;
mod role;
mod token;

pub use limiter::AttemptLimiter;
pub use password::{hash_password, verify_password};
pub use role::{Access, Principal, Role};
pub use token::{Claims, TokenError, TokenKeys, TokenKind};
