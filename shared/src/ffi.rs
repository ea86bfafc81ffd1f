//! placeholder until the FFI lands
