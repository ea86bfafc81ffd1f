//! A Rust shell for the chair's shared core: it runs a real `Core<ChairApp>` and
//! performs its effects for real: key-value storage in memory (surviving a simulated
//! app kill), the system clock and timers on tokio, and WebSockets with
//! tokio-tungstenite (small read buffer). Used by `kiesdag demo`, the end-to-end tests
//! and the load generator (`kiesdag-load`, in `src/bin/`).

mod results;
mod shell;
mod storage;

pub use results::consistent_result;
pub use shell::{ShellOptions, Station, WaitError};
pub use storage::Storage;
