//! The surface the native shells call, through uniffi. Events, effect requests and the
//! view model cross as bincode bytes (the types are generated for each platform by
//! the `codegen` binary). Nothing panics across the boundary: a bad input or a fault
//! inside the core comes back as a `CoreError`, which the bindings raise as an
//! exception.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crux_core::{
    Core,
    bridge::{Bridge, EffectId},
};

use crate::ChairApp;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum CoreError {
    /// The bytes could not be read as an event, or an effect's output did not fit the
    /// request it answers, or the request is unknown or finished.
    #[error("invalid input: {detail}")]
    InvalidInput { detail: String },
    /// The core failed inside; the shell should report it and restart the app (the
    /// state is restored from storage).
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

#[derive(uniffi::Object)]
pub struct CoreFfi {
    core: Bridge<ChairApp>,
}

impl Default for CoreFfi {
    fn default() -> Self {
        Self::new()
    }
}

fn guarded<T>(f: impl FnOnce() -> Result<T, CoreError>) -> Result<T, CoreError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown fault".to_owned());
        Err(CoreError::Internal { detail: message })
    })
}

#[uniffi::export]
impl CoreFfi {
    #[uniffi::constructor]
    #[must_use]
    pub fn new() -> Self {
        Self {
            core: Bridge::new(Core::new()),
        }
    }

    /// Sends a serialized `Event`; returns the serialized effect requests.
    ///
    /// # Errors
    /// `CoreError::InvalidInput` when `event` is not a valid event.
    pub fn update(&self, event: Vec<u8>) -> Result<Vec<u8>, CoreError> {
        guarded(|| {
            let mut requests = Vec::new();
            self.core
                .update(&event, &mut requests)
                .map_err(|e| CoreError::InvalidInput {
                    detail: e.to_string(),
                })?;
            Ok(requests)
        })
    }

    /// Answers effect request `id` with its serialized output; returns new requests.
    ///
    /// # Errors
    /// `CoreError::InvalidInput` when `id` is unknown or `output` does not fit it.
    pub fn resolve(&self, id: u32, output: Vec<u8>) -> Result<Vec<u8>, CoreError> {
        guarded(|| {
            let mut requests = Vec::new();
            self.core
                .resolve(EffectId(id), &output, &mut requests)
                .map_err(|e| CoreError::InvalidInput {
                    detail: e.to_string(),
                })?;
            Ok(requests)
        })
    }

    /// The serialized `ViewModel`.
    ///
    /// # Errors
    /// `CoreError::Internal` if the view model cannot be serialized.
    pub fn view(&self) -> Result<Vec<u8>, CoreError> {
        guarded(|| {
            let mut view = Vec::new();
            self.core.view(&mut view).map_err(|e| CoreError::Internal {
                detail: e.to_string(),
            })?;
            Ok(view)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Event;

    fn bincode_event(event: &Event) -> Vec<u8> {
        let mut out = Vec::new();
        <crux_core::bridge::BincodeFfiFormat as crux_core::bridge::FfiFormat>::serialize(
            &mut out, event,
        )
        .unwrap();
        out
    }

    #[test]
    fn garbage_in_is_a_typed_error_not_a_panic() {
        let core = CoreFfi::new();
        assert!(matches!(
            core.update(vec![0xff, 0xff, 0xff, 0xff, 9]),
            Err(CoreError::InvalidInput { .. })
        ));
        assert!(matches!(
            core.update(vec![]),
            Err(CoreError::InvalidInput { .. })
        ));
        assert!(matches!(
            core.resolve(4_000_000, vec![1, 2, 3]),
            Err(CoreError::InvalidInput { .. })
        ));
        assert!(core.view().is_ok(), "the core still works afterwards");
    }

    #[test]
    fn a_valid_event_returns_effect_requests() {
        let core = CoreFfi::new();
        let requests = core.update(bincode_event(&Event::Start)).unwrap();
        assert!(
            !requests.is_empty(),
            "start asks for storage, the clock and a render"
        );
        // Answering a storage request with bytes of the wrong shape is refused.
        assert!(core.resolve(0, vec![7]).is_err());
    }
}
