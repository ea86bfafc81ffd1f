//! The product's features, each with its HTTP handlers beside its services: the
//! control room (actions on stations, alerts, incidents, coordinators), reporting
//! (turnout, results and their embargo, charts, exports), stations (their state,
//! imports) and privacy (subject access).

pub mod control_room;
pub mod preparation;
pub mod privacy;
pub mod reporting;
pub mod stations;
