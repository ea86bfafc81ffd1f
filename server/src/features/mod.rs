//! The product's features, each with its HTTP handlers beside its services: the
//! control room (actions on stations, alerts, incidents, coordinators), reporting
//! (turnout, results and their embargo, charts, exports), stations (their state,
//! imports), the public polling-station finder, privacy (subject access) and purge (retention and
//! erasure).

pub mod control_room;
pub mod convocation;
pub mod counting_offices;
pub mod digital_results;
pub mod eml;
pub mod finder;
pub mod preparation;
pub mod privacy;
pub mod purge;
pub mod reporting;
pub mod stations;
