//! `uniffi-bindgen generate --library target/debug/libshared.so --language kotlin --out-dir DIR`
fn main() {
    uniffi::uniffi_bindgen_main()
}
