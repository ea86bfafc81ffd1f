//! The Kiesdag server: persists every report durably before acknowledging it,
//! streams changes to dashboards, and guards roles, municipalities and the embargo.

pub mod alerts;
pub mod api;
pub mod auth;
pub mod charts;
pub mod cli_support;
pub mod commit;
pub mod db;
pub mod demo;
pub mod disk_space;
pub mod embargo;
pub mod exports;
pub mod fanout;
pub mod hub;
pub mod import;
pub mod metrics;
pub mod results;
pub mod revocations;
pub mod server;
pub mod sessions;
pub mod staff;
pub mod state;
pub mod store;
pub mod summary;
pub mod web;
pub mod ws;
