//! The HTTP side: the app, its routes (each with its access declaration), the guard,
//! error answers, the OpenAPI document, the web pages and the staff's sign-in.

pub mod app;
pub mod client;
pub mod error;
mod guard;
pub mod openapi;
pub mod public;
pub mod routes;
pub mod session;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
pub mod tls;
pub mod web;

pub use error::{ApiError, ErrorBody, ErrorReference};
pub use guard::{Caller, CoveredMunicipality};
pub use routes::{ALL_STAFF, CONTROL_ROOM, MAX_JSON_BYTES, configure, endpoints};
