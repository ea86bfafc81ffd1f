//! The Kiesdag server: persists every report durably before acknowledging it,
//! streams changes to dashboards, and guards roles, municipalities and the embargo.

pub mod auth;
pub mod backup;
pub mod cli;
pub mod db;
#[cfg(feature = "demo")]
pub mod demo;
pub mod disk_space;
pub mod features;
pub mod http;
pub mod metrics;
pub mod pdf;
pub mod realtime;
pub mod state;
pub mod store;
