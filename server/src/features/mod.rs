//! The product's features, each with its HTTP handlers beside its services: the
//! control room (actions on stations, alerts, incidents, coordinators), reporting
//! (turnout, results and their embargo, charts, exports) and stations (their state,
//! imports).

pub mod control_room;
pub mod preparation;
pub mod reporting;
pub mod stations;
