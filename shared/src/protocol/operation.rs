//! An operation: one report of the chair, with its client-generated id and its
//! per-device sequence number (DESIGN.md invariant 1).

use serde::{Deserialize, Serialize};
use uuid::{Builder, Uuid};

use crate::domain::{Report, Timestamp};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Operation {
    /// UUIDv7, made on the device; the server acknowledges a repeated id again and
    /// applies it once.
    pub id: Uuid,
    /// 1, 2, 3, ... per device; the server applies one device's operations in order.
    pub device_seq: u64,
    pub station_id: String,
    /// When the chair made the report, by the device's clock.
    pub recorded_at: Timestamp,
    pub report: Report,
    /// Codes of the warnings the chair confirmed before sending.
    #[serde(default)]
    pub confirmed_warnings: Vec<String>,
}

/// The UUIDv7 of a device's `device_seq`-th operation. Its random bits come from the
/// device id and the sequence number, so ids are unique per device and the same
/// operation always gets the same id, even when rebuilt after a restart.
#[must_use]
pub fn operation_id(device_id: &Uuid, device_seq: u64, recorded_at: Timestamp) -> Uuid {
    let device = device_id.as_bytes();
    let seq = device_seq.to_be_bytes();
    let mut random = [0u8; 10];
    random[..2].copy_from_slice(&device[..2]);
    for (n, byte) in random[2..].iter_mut().enumerate() {
        *byte = device[n + 2] ^ seq[n];
    }
    let millis = u64::try_from(recorded_at.millis()).unwrap_or(0);
    Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_v7_and_unique_per_device_and_sequence() {
        let a = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let b = Uuid::from_u128(0xfedc_ba98_7654_3210_fedc_ba98_7654_3210);
        let mut seen = HashSet::new();
        for device in [a, b] {
            for seq in 1..=1_000 {
                let id = operation_id(&device, seq, Timestamp(1_773_815_400_000));
                assert_eq!(id.get_version_num(), 7);
                assert!(seen.insert(id), "duplicate id {id}");
            }
        }
        assert_eq!(
            operation_id(&a, 5, Timestamp(1)),
            operation_id(&a, 5, Timestamp(1))
        );
    }
}
