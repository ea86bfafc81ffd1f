//! The wire protocol's decoders on arbitrary frames, as the server (client messages)
//! and the device (server messages) receive them: never a panic, always a message or a
//! typed `DecodeError`; a decoded message encodes to a frame that decodes again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::protocol::{MAX_FRAME_BYTES, decode_client, decode_server, encode};

fuzz_target!(|data: &[u8]| {
    // Frames arrive as WebSocket text, which is UTF-8; lossy so that every input counts.
    let frame = String::from_utf8_lossy(data);
    if let Ok(message) = decode_client(&frame) {
        let again = encode(&message);
        if again.len() <= MAX_FRAME_BYTES {
            assert!(
                decode_client(&again).is_ok(),
                "re-encoded client frame refused: {again}"
            );
        }
    } else if let Err(e) = decode_client(&frame) {
        let _ = (e.reject_code(), e.to_string());
    }
    if let Ok(message) = decode_server(&frame) {
        let again = encode(&message);
        if again.len() <= MAX_FRAME_BYTES {
            assert!(
                decode_server(&again).is_ok(),
                "re-encoded server frame refused: {again}"
            );
        }
    }
});
