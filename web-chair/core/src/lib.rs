//! The chair's core (`shared::ChairApp`) for the browser, over a plain byte-buffer ABI.
//!
//! The same surface as the native shells' `CoreFfi` (shared/src/ffi.rs, uniffi):
//! `update`, `resolve` and `view`, with events, effect requests, effect outputs and the
//! view model crossing as the same bincode bytes, so the types the facet typegen makes
//! for Kotlin and Swift describe them here too. Nothing is generated for the boundary
//! itself: the module exports a handful of `extern "C"` functions (see [`abi`]) and
//! imports one, `kiesdag.random_fill`, for randomness.
//!
//! One wasm instance holds one core. A panic aborts (wasm32 has no unwinding): the
//! call traps, the panic's message is left in the result buffer, and the shell must
//! throw the instance away and start a new one (the state is restored from storage).

pub mod abi;
#[cfg(target_arch = "wasm32")]
mod random;

use crux_core::{
    Core,
    bridge::{Bridge, EffectId},
};
use shared::ChairApp;

/// Why a call was refused; `code()` is what crosses the ABI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// The bytes could not be read as an event, or an effect's output did not fit the
    /// request it answers, or the request is unknown or finished.
    InvalidInput(String),
    /// The view model could not be serialized.
    Internal(String),
}

impl CoreError {
    /// The status returned across the ABI: 1 for invalid input, 2 for an internal
    /// error (0 is success).
    #[must_use]
    pub const fn code(&self) -> u32 {
        match self {
            Self::InvalidInput(_) => 1,
            Self::Internal(_) => 2,
        }
    }

    #[must_use]
    pub fn detail(&self) -> &str {
        match self {
            Self::InvalidInput(detail) | Self::Internal(detail) => detail,
        }
    }
}

/// The chair's core behind crux's bridge, as `CoreFfi` holds it.
pub struct ChairCore {
    bridge: Bridge<ChairApp>,
}

impl Default for ChairCore {
    fn default() -> Self {
        Self::new()
    }
}

impl ChairCore {
    #[must_use]
    pub fn new() -> Self {
        Self {
            bridge: Bridge::new(Core::new()),
        }
    }

    /// Sends a serialized `Event`; returns the serialized effect requests.
    ///
    /// # Errors
    /// `CoreError::InvalidInput` when `event` is not a valid event.
    pub fn update(&self, event: &[u8]) -> Result<Vec<u8>, CoreError> {
        let mut requests = Vec::new();
        self.bridge
            .update(event, &mut requests)
            .map_err(|e| CoreError::InvalidInput(e.to_string()))?;
        Ok(requests)
    }

    /// Answers effect request `id` with its serialized output; returns new requests.
    ///
    /// # Errors
    /// `CoreError::InvalidInput` when `id` is unknown or `output` does not fit it.
    pub fn resolve(&self, id: u32, output: &[u8]) -> Result<Vec<u8>, CoreError> {
        let mut requests = Vec::new();
        self.bridge
            .resolve(EffectId(id), output, &mut requests)
            .map_err(|e| CoreError::InvalidInput(e.to_string()))?;
        Ok(requests)
    }

    /// The serialized `ViewModel`.
    ///
    /// # Errors
    /// `CoreError::Internal` if the view model cannot be serialized.
    pub fn view(&self) -> Result<Vec<u8>, CoreError> {
        let mut view = Vec::new();
        self.bridge
            .view(&mut view)
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crux_core::bridge::{BincodeFfiFormat, FfiFormat};
    use shared::{Event, ViewModel};

    fn bincode<T: serde::Serialize>(value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        BincodeFfiFormat::serialize(&mut out, value).unwrap();
        out
    }

    #[test]
    fn start_asks_for_effects_and_the_view_reads_back() {
        let core = ChairCore::new();
        let requests = core.update(&bincode(&Event::Start)).unwrap();
        assert!(!requests.is_empty());
        let view: ViewModel = BincodeFfiFormat::deserialize(&core.view().unwrap()).unwrap();
        assert!(view.loading, "nothing is restored before storage answers");
    }

    #[test]
    fn garbage_is_invalid_input() {
        let core = ChairCore::new();
        let refused = core.update(&[0xff, 0xff, 0xff, 0xff, 9]).unwrap_err();
        assert_eq!(refused.code(), 1);
        assert!(!refused.detail().is_empty());
        assert_eq!(core.resolve(4_000_000, &[1, 2, 3]).unwrap_err().code(), 1);
        assert!(core.view().is_ok());
    }
}
