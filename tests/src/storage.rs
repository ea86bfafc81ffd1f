use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crux_kv::{
    KeyValueOperation, KeyValueResponse, KeyValueResult, error::KeyValueError, value::Value,
};

/// The device's storage: shared so that it outlives a station's core when the app is
/// killed and started again.
#[derive(Clone, Debug, Default)]
pub struct Storage(Arc<Mutex<BTreeMap<String, Vec<u8>>>>);

impl Storage {
    fn map(&self) -> Result<MutexGuard<'_, BTreeMap<String, Vec<u8>>>, KeyValueError> {
        self.0.lock().map_err(|_| KeyValueError::Io {
            message: "storage lock poisoned".into(),
        })
    }

    /// Performs one storage operation.
    #[must_use]
    pub fn perform(&self, operation: KeyValueOperation) -> KeyValueResult {
        let mut map = match self.map() {
            Ok(map) => map,
            Err(error) => return KeyValueResult::Err { error },
        };
        let bytes = |v: Option<Vec<u8>>| v.map_or(Value::None, Value::Bytes);
        let response = match operation {
            KeyValueOperation::Get { key } => KeyValueResponse::Get {
                value: bytes(map.get(&key).cloned()),
            },
            KeyValueOperation::Set { key, value } => KeyValueResponse::Set {
                previous: bytes(map.insert(key, value)),
            },
            KeyValueOperation::Delete { key } => KeyValueResponse::Delete {
                previous: bytes(map.remove(&key)),
            },
            KeyValueOperation::Exists { key } => KeyValueResponse::Exists {
                is_present: map.contains_key(&key),
            },
            KeyValueOperation::ListKeys { prefix, .. } => KeyValueResponse::ListKeys {
                keys: map
                    .keys()
                    .filter(|k| k.starts_with(&prefix))
                    .cloned()
                    .collect(),
                next_cursor: 0,
            },
        };
        KeyValueResult::Ok { response }
    }

    /// Keys stored under `prefix`.
    #[must_use]
    pub fn keys(&self, prefix: &str) -> Vec<String> {
        self.map()
            .map(|m| {
                m.keys()
                    .filter(|k| k.starts_with(prefix))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}
