//! Polling stations: the compact state dashboards see, the station list and alerts
//! endpoints, and the imports a municipality prepares before election day.

pub mod import;
pub mod routes;
pub mod strength;
pub mod summary;
