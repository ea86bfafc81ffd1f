//! What the core keeps on the device, under which keys, through crux_kv.
//!
//! - `device`: activation (device id and token, server, election, station).
//! - `day`: the station's local state and the sync bookkeeping.
//! - `outbox/<seq>`: one key per operation not yet confirmed, so that adding or
//!   removing one writes only that operation, however long the queue.

use crux_core::{Command, Request};
use crux_kv::{KeyValueOperation, KeyValueResult, error::KeyValueError};
use futures::future::join_all;
use serde::{Serialize, de::DeserializeOwned};

pub const DEVICE_KEY: &str = "device";
pub const DAY_KEY: &str = "day";
pub const OUTBOX_PREFIX: &str = "outbox/";

#[must_use]
pub fn outbox_key(seq: u64) -> String {
    // Zero-padded so that keys sort in sequence order.
    format!("{OUTBOX_PREFIX}{seq:020}")
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    serde_json::from_slice(bytes).ok()
}

/// Writes `value` under `key`; `to_event` learns whether the write succeeded.
pub fn write<Effect, Event, F>(key: String, value: Vec<u8>, to_event: F) -> Command<Effect, Event>
where
    Effect: From<Request<KeyValueOperation>> + Send + 'static,
    Event: Send + 'static,
    F: FnOnce(Result<(), String>) -> Event + Send + 'static,
{
    Command::request_from_shell(KeyValueOperation::Set { key, value })
        .then_send(move |result| to_event(outcome(result).map(|_| ())))
}

pub fn delete<Effect, Event, F>(key: String, to_event: F) -> Command<Effect, Event>
where
    Effect: From<Request<KeyValueOperation>> + Send + 'static,
    Event: Send + 'static,
    F: FnOnce(Result<(), String>) -> Event + Send + 'static,
{
    Command::request_from_shell(KeyValueOperation::Delete { key })
        .then_send(move |result| to_event(outcome(result).map(|_| ())))
}

/// Everything stored: the device and day records and every outbox entry, in key order.
#[derive(Debug, Default)]
pub struct Stored {
    pub device: Option<Vec<u8>>,
    pub day: Option<Vec<u8>>,
    pub outbox: Vec<Vec<u8>>,
    /// Read failures, for the user to see; whatever could be read is still restored.
    pub errors: Vec<String>,
}

/// Reads everything the core stored, in as few round trips as the store allows:
/// the two records and the list of outbox keys at once, then every outbox entry at once.
pub fn read_all<Effect, Event, F>(to_event: F) -> Command<Effect, Event>
where
    Effect: From<Request<KeyValueOperation>> + Send + 'static,
    Event: Send + 'static,
    F: FnOnce(Stored) -> Event + Send + 'static,
{
    Command::new(|ctx| async move {
        let mut stored = Stored::default();
        let device = ctx.request_from_shell(KeyValueOperation::Get {
            key: DEVICE_KEY.into(),
        });
        let day = ctx.request_from_shell(KeyValueOperation::Get {
            key: DAY_KEY.into(),
        });
        let (device, day) = futures::join!(device, day);
        stored.device = value(device, &mut stored.errors);
        stored.day = value(day, &mut stored.errors);

        let mut keys = Vec::new();
        let mut cursor = 0;
        loop {
            let page = ctx
                .request_from_shell(KeyValueOperation::ListKeys {
                    prefix: OUTBOX_PREFIX.into(),
                    cursor,
                })
                .await;
            match page {
                KeyValueResult::Ok {
                    response:
                        crux_kv::KeyValueResponse::ListKeys {
                            keys: page,
                            next_cursor,
                        },
                } => {
                    keys.extend(page);
                    if next_cursor == 0 || next_cursor == cursor {
                        break;
                    }
                    cursor = next_cursor;
                }
                other => {
                    if let Err(e) = outcome(other) {
                        stored.errors.push(e);
                    }
                    break;
                }
            }
        }
        keys.sort();
        let reads = keys
            .into_iter()
            .map(|key| ctx.request_from_shell(KeyValueOperation::Get { key }));
        for result in join_all(reads).await {
            if let Some(bytes) = value(result, &mut stored.errors) {
                stored.outbox.push(bytes);
            }
        }
        ctx.send_event(to_event(stored));
    })
}

fn value(result: KeyValueResult, errors: &mut Vec<String>) -> Option<Vec<u8>> {
    match outcome(result) {
        Ok(crux_kv::KeyValueResponse::Get { value }) => value.into(),
        Ok(_) => None,
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

fn outcome(result: KeyValueResult) -> Result<crux_kv::KeyValueResponse, String> {
    match result {
        KeyValueResult::Ok { response } => Ok(response),
        KeyValueResult::Err { error } => Err(describe(&error)),
    }
}

fn describe(error: &KeyValueError) -> String {
    error.to_string()
}
