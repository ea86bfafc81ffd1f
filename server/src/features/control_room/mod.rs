//! The control room: its actions on stations (incident status, messages, resupply
//! dispatch), alerts, the incident list and station timelines, and the coordinators.

pub mod actions;
pub mod alerts;
pub mod coordinators;
#[cfg(test)]
mod coordinators_tests;
pub mod routes;
pub mod timeline;
#[cfg(test)]
mod timeline_tests;
