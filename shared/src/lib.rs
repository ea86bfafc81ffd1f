//! Kiesdag's shared core.
//!
//! - `domain`: the election-day domain (pure data and the station's day).
//! - `validation`: every rule, with stable codes, on device and server alike.
//! - `protocol`: the versioned JSON wire protocol between device and server.
//! - `app`: the chair's app as a Crux `App`, with its sync engine.
//! - `ffi` (feature `uniffi`): the surface the native shells call.
//! - `fixtures` (feature `fixtures`, for tests only): the canonical test builders.
//!
//! Nothing here performs I/O or depends on a web, database, async-runtime or FFI crate
//! (uniffi only behind its feature).

pub mod app;
pub mod domain;
pub mod protocol;
pub mod validation;

#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;

#[cfg(feature = "uniffi")]
pub mod ffi;

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

pub use app::{ChairApp, Effect, Event, ViewModel};
