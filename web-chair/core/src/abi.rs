//! The exported functions. All lengths and pointers are wasm32 `i32`s.
//!
//! - `kiesdag_abi_version() -> u32`: 1; a shell checks it before anything else.
//! - `kiesdag_alloc(len) -> ptr`: a buffer of `len` bytes for the shell to write an
//!   input into. The next call that takes it (`kiesdag_update`, `kiesdag_resolve`)
//!   owns and frees it; `kiesdag_free(ptr, len)` frees one that was not passed on.
//!   The module keeps a list of the buffers it handed out: a pointer and length that
//!   are not one of them (a shell's bug) are refused with status 1 and never read.
//! - `kiesdag_update(ptr, len) -> status`: a bincode `Event`.
//! - `kiesdag_resolve(id, ptr, len) -> status`: the bincode output of request `id`.
//! - `kiesdag_view() -> status`.
//! - `kiesdag_result_ptr() -> ptr`, `kiesdag_result_len() -> len`: the last call's
//!   result, valid until the next call into the module: the bincode effect requests
//!   (update, resolve) or view model (view) when the status is 0, else the error's
//!   text in UTF-8. Status 1: invalid input; 2: internal error (as `CoreError`).
//!
//! After a trap (a panic inside the core) the result buffer holds the panic's message,
//! and the instance must not be called again except to read it.

// The boundary is raw pointers and exported symbols; the rest of the crate is safe.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Once;

use crate::{ChairCore, CoreError};

const ABI_VERSION: u32 = 1;

thread_local! {
    static CORE: ChairCore = ChairCore::new();
    static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The buffers `kiesdag_alloc` handed out and nobody took back: address to length.
    static LIVE: RefCell<HashMap<usize, usize>> = RefCell::new(HashMap::new());
}

static PANIC_HOOK: Once = Once::new();

/// Leaves a panic's message in the result buffer, where the shell reads it after
/// the trap, then runs the hook that was there before. The core's state is not
/// touched.
fn keep_panic_messages() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = format!("panic in the chair's core: {info}");
            RESULT.with(|result| {
                if let Ok(mut result) = result.try_borrow_mut() {
                    *result = message.into_bytes();
                }
            });
            previous(info);
        }));
    });
}

fn finish(outcome: Result<Vec<u8>, CoreError>) -> u32 {
    let (status, bytes) = match outcome {
        Ok(bytes) => (0, bytes),
        Err(error) => (error.code(), error.detail().as_bytes().to_vec()),
    };
    RESULT.with(|result| *result.borrow_mut() = bytes);
    status
}

/// Takes back a buffer handed out by `kiesdag_alloc`, or None when `ptr` and `len` are
/// not a buffer it handed out and nobody took back (then nothing is read or freed).
fn take(ptr: *mut u8, len: usize) -> Option<Box<[u8]>> {
    let live = LIVE.with(|live| {
        let mut live = live.borrow_mut();
        match live.get(&(ptr as usize)) {
            Some(&known) if known == len => live.remove(&(ptr as usize)).is_some(),
            _ => false,
        }
    });
    // SAFETY: the pair is a live allocation of `kiesdag_alloc`, which leaked exactly
    // this boxed slice and recorded it; it is removed from the record above, so it is
    // taken back once.
    live.then(|| unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) })
}

fn unknown_buffer() -> u32 {
    finish(Err(CoreError::InvalidInput(
        "not a buffer from kiesdag_alloc (or already passed on)".to_owned(),
    )))
}

#[unsafe(no_mangle)]
pub extern "C" fn kiesdag_abi_version() -> u32 {
    ABI_VERSION
}

#[unsafe(no_mangle)]
pub extern "C" fn kiesdag_alloc(len: usize) -> *mut u8 {
    keep_panic_messages();
    let ptr = Box::into_raw(vec![0u8; len].into_boxed_slice()).cast::<u8>();
    LIVE.with(|live| live.borrow_mut().insert(ptr as usize, len));
    ptr
}

/// Frees a buffer from `kiesdag_alloc` that was not passed on; anything else is ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kiesdag_free(ptr: *mut u8, len: usize) {
    drop(take(ptr, len));
}

/// Takes the buffer (from `kiesdag_alloc`) and frees it.
#[unsafe(no_mangle)]
pub extern "C" fn kiesdag_update(ptr: *mut u8, len: usize) -> u32 {
    keep_panic_messages();
    let Some(event) = take(ptr, len) else {
        return unknown_buffer();
    };
    finish(CORE.with(|core| core.update(&event)))
}

/// Takes the buffer (from `kiesdag_alloc`) and frees it.
#[unsafe(no_mangle)]
pub extern "C" fn kiesdag_resolve(id: u32, ptr: *mut u8, len: usize) -> u32 {
    keep_panic_messages();
    let Some(output) = take(ptr, len) else {
        return unknown_buffer();
    };
    finish(CORE.with(|core| core.resolve(id, &output)))
}

#[unsafe(no_mangle)]
pub extern "C" fn kiesdag_view() -> u32 {
    keep_panic_messages();
    finish(CORE.with(ChairCore::view))
}

#[unsafe(no_mangle)]
pub extern "C" fn kiesdag_result_ptr() -> *const u8 {
    RESULT.with(|result| result.borrow().as_ptr())
}

#[unsafe(no_mangle)]
pub extern "C" fn kiesdag_result_len() -> usize {
    RESULT.with(|result| result.borrow().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(bytes: &[u8]) -> (*mut u8, usize) {
        let ptr = kiesdag_alloc(bytes.len());
        // SAFETY: `ptr` is a fresh buffer of `bytes.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len()) };
        (ptr, bytes.len())
    }

    fn result() -> Vec<u8> {
        // SAFETY: the result buffer is live until the next call into the module.
        unsafe { std::slice::from_raw_parts(kiesdag_result_ptr(), kiesdag_result_len()) }.to_vec()
    }

    #[test]
    fn buffers_cross_both_ways() {
        assert_eq!(kiesdag_abi_version(), 1);
        // Event::Start is variant 0: a u32 in crux's bincode (fixed-width integers).
        let (ptr, len) = input(&[0, 0, 0, 0]);
        let status = kiesdag_update(ptr, len);
        assert_eq!(status, 0, "{}", String::from_utf8_lossy(&result()));
        assert!(!result().is_empty(), "start asks for effects");

        let (ptr, len) = input(&[0xff, 0xff, 0xff, 0xff, 9]);
        assert_eq!(kiesdag_update(ptr, len), 1);
        assert!(!String::from_utf8(result()).unwrap().is_empty());

        let (ptr, len) = input(&[7]);
        assert_eq!(kiesdag_resolve(4_000_000, ptr, len), 1);

        assert_eq!(kiesdag_view(), 0);
        assert!(!result().is_empty());

        let (ptr, len) = input(&[]);
        kiesdag_free(ptr, len);
    }

    #[test]
    fn a_buffer_not_handed_out_is_refused_and_never_read() {
        let (ptr, len) = input(&[0, 0, 0, 0]);
        // The wrong length, then a pointer the module never handed out.
        assert_eq!(kiesdag_update(ptr, len + 1), 1);
        assert_eq!(kiesdag_update(ptr.wrapping_add(1), len), 1);
        assert!(
            String::from_utf8(result())
                .unwrap()
                .contains("kiesdag_alloc")
        );
        // The real pair still works, once.
        assert_eq!(kiesdag_update(ptr, len), 0);
        assert_eq!(kiesdag_update(ptr, len), 1, "a buffer is taken back once");
        assert_eq!(kiesdag_resolve(1, ptr, len), 1);
        kiesdag_free(ptr, len);
    }
}
