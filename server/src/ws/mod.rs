//! The WebSocket endpoints: one for station devices, one for dashboards.

pub mod dashboard;
pub mod pacer;
pub mod station;

/// Frames above this are refused (the protocol's own limit).
pub const MAX_FRAME_BYTES: usize = shared::protocol::MAX_FRAME_BYTES;
