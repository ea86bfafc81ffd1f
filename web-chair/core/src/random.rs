//! Randomness on wasm32-unknown-unknown, which has none of its own: getrandom's
//! `custom` backend (selected with `--cfg getrandom_backend="custom"`, see
//! scripts/wasm-core.sh) calls the page's `crypto.getRandomValues` through the one
//! function the module imports, `kiesdag.random_fill(ptr, len)`.

#![allow(unsafe_code)]

#[link(wasm_import_module = "kiesdag")]
unsafe extern "C" {
    /// Fills `len` bytes at `ptr` in this module's memory with random bytes.
    fn random_fill(ptr: *mut u8, len: usize);
}

/// The symbol getrandom's `custom` backend links against (its name is getrandom's,
/// unchanged since 0.3).
///
/// # Safety
/// `dest` must point to `len` writable bytes, as getrandom guarantees.
#[unsafe(no_mangle)]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    // SAFETY: the host writes exactly `len` bytes at `dest`, which the caller owns.
    unsafe { random_fill(dest, len) };
    Ok(())
}
