//! The effects the core asks its shell for, beyond render: key-value storage
//! (crux_kv), the clock and timers (crux_time), and a WebSocket of our own.

pub mod clock;
pub mod storage;
pub mod websocket;
