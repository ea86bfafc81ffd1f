//! Reporting: turnout per unit, provisional results and their embargo, charts and CSV
//! exports.

pub mod charts;
pub mod embargo;
pub mod exports;
pub mod results;
pub mod routes;
pub mod stations;
