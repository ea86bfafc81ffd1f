//! The sync engine: the outbox of operations and the reconnect policy. Pure data
//! structures; `app` wires them to storage, the WebSocket and the clock.

pub mod backoff;
pub mod outbox;

pub use backoff::{Backoff, Pace};
pub use outbox::{AckOutcome, Entry, OperationState, Outbox};
