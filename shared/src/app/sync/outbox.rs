//! The outbox: every operation of the chair, from the moment it is made until the
//! server confirms (or rejects) it. Operations go out strictly in sequence order;
//! one is removed only when the server acknowledges it.

use std::collections::{BTreeMap, VecDeque};

use facet::Facet;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::protocol::{Operation, Refusal};

/// Where an operation is, as the chair sees it.
#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
#[repr(C)]
pub enum OperationState {
    /// Tap received; being written to the device's storage.
    Saving,
    /// Stored on the device, waiting to be sent.
    Pending,
    /// Sent on the current connection, waiting for the server.
    Sent,
    /// The server committed it.
    Confirmed,
    /// The server refused it; `refusal` says why.
    Rejected,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub operation: Operation,
    pub state: OperationState,
    pub refusal: Option<Refusal>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum AckOutcome {
    /// The operation is confirmed now.
    Confirmed,
    /// The ack names an operation this device does not have (a second ack, or a
    /// confused server): nothing changes.
    Unknown,
}

/// How many finished operations the sync screen keeps showing.
const HISTORY: usize = 50;

#[derive(Clone, Debug, Default)]
pub struct Outbox {
    entries: BTreeMap<u64, Entry>,
    /// Recently confirmed or rejected, newest last.
    history: VecDeque<Entry>,
}

impl Outbox {
    /// Adds a new operation, not yet stored.
    pub fn insert_saving(&mut self, operation: Operation) {
        self.entries.insert(
            operation.device_seq,
            Entry {
                operation,
                state: OperationState::Saving,
                refusal: None,
            },
        );
    }

    /// Adds an operation read back from storage after a restart.
    pub fn insert_restored(&mut self, operation: Operation) {
        self.entries.insert(
            operation.device_seq,
            Entry {
                operation,
                state: OperationState::Pending,
                refusal: None,
            },
        );
    }

    /// The operation is in storage.
    pub fn mark_stored(&mut self, seq: u64) {
        if let Some(entry) = self.entries.get_mut(&seq)
            && entry.state == OperationState::Saving
        {
            entry.state = OperationState::Pending;
        }
    }

    /// Operations to send now, in order: pending ones up to the first that is still
    /// being saved (a later one must not overtake it), at most `window` in flight.
    pub fn take_sendable(&mut self, window: usize) -> Vec<Operation> {
        let in_flight = self
            .entries
            .values()
            .filter(|e| e.state == OperationState::Sent)
            .count();
        let mut out = Vec::new();
        for entry in self.entries.values_mut() {
            if in_flight + out.len() >= window {
                break;
            }
            match entry.state {
                OperationState::Saving => break,
                OperationState::Pending => {
                    entry.state = OperationState::Sent;
                    out.push(entry.operation.clone());
                }
                _ => {}
            }
        }
        out
    }

    /// The connection is gone: whatever was sent on it goes out again on the next one.
    pub fn connection_lost(&mut self) {
        for entry in self.entries.values_mut() {
            if entry.state == OperationState::Sent {
                entry.state = OperationState::Pending;
            }
        }
    }

    /// The server committed operation `seq` with id `id`.
    pub fn acknowledge(&mut self, id: Uuid, seq: u64) -> AckOutcome {
        self.finish(id, seq, OperationState::Confirmed, None)
    }

    /// The server refused operation `seq` for good.
    pub fn reject(&mut self, id: Uuid, seq: u64, refusal: Refusal) -> AckOutcome {
        self.finish(id, seq, OperationState::Rejected, Some(refusal))
    }

    fn finish(
        &mut self,
        id: Uuid,
        seq: u64,
        state: OperationState,
        refusal: Option<Refusal>,
    ) -> AckOutcome {
        // Only an operation that was stored can be finished: one still `Saving` was
        // never sent, so an ack for it is not about it.
        let matches = self
            .entries
            .get(&seq)
            .is_some_and(|e| e.operation.id == id && e.state != OperationState::Saving);
        if !matches {
            return AckOutcome::Unknown;
        }
        let Some(mut entry) = self.entries.remove(&seq) else {
            return AckOutcome::Unknown;
        };
        entry.state = state;
        entry.refusal = refusal;
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(entry);
        AckOutcome::Confirmed
    }

    #[must_use]
    pub fn get(&self, seq: u64) -> Option<&Entry> {
        self.entries.get(&seq)
    }

    /// Operations not yet finished, in order.
    pub fn unfinished(&self) -> impl DoubleEndedIterator<Item = &Entry> {
        self.entries.values()
    }

    /// Recently finished operations, oldest first.
    pub fn history(&self) -> impl DoubleEndedIterator<Item = &Entry> {
        self.history.iter()
    }

    /// Unfinished operations in `state`.
    #[must_use]
    pub fn count(&self, state: OperationState) -> usize {
        self.entries.values().filter(|e| e.state == state).count()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    #[must_use]
    pub fn highest_seq(&self) -> Option<u64> {
        self.entries.keys().next_back().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Report, Timestamp, TurnoutMoment, TurnoutReport};
    use crate::protocol::operation_id;

    fn op(seq: u64) -> Operation {
        Operation {
            id: operation_id(&Uuid::from_u128(1), seq, Timestamp(1)),
            device_seq: seq,
            station_id: "s".into(),
            recorded_at: Timestamp(1),
            report: Report::Turnout(TurnoutReport {
                count: u32::try_from(seq).unwrap(),
                moment: TurnoutMoment::AdHoc,
                correction_reason: None,
            }),
            confirmed_warnings: vec![],
        }
    }

    fn seqs(ops: &[Operation]) -> Vec<u64> {
        ops.iter().map(|o| o.device_seq).collect()
    }

    #[test]
    fn sends_in_order_and_never_past_an_unsaved_one() {
        let mut outbox = Outbox::default();
        for seq in 1..=4 {
            outbox.insert_saving(op(seq));
        }
        outbox.mark_stored(1);
        outbox.mark_stored(3);
        assert_eq!(
            seqs(&outbox.take_sendable(10)),
            [1],
            "2 is not stored, so 3 waits"
        );
        outbox.mark_stored(2);
        outbox.mark_stored(4);
        assert_eq!(seqs(&outbox.take_sendable(10)), [2, 3, 4]);
        assert!(
            outbox.take_sendable(10).is_empty(),
            "nothing is sent twice on one connection"
        );
    }

    #[test]
    fn window_limits_operations_in_flight() {
        let mut outbox = Outbox::default();
        for seq in 1..=5 {
            outbox.insert_restored(op(seq));
        }
        assert_eq!(seqs(&outbox.take_sendable(2)), [1, 2]);
        assert!(outbox.take_sendable(2).is_empty());
        outbox.acknowledge(op(1).id, 1);
        assert_eq!(seqs(&outbox.take_sendable(2)), [3]);
    }

    #[test]
    fn removed_only_on_ack_and_resent_after_a_lost_connection() {
        let mut outbox = Outbox::default();
        outbox.insert_restored(op(1));
        outbox.insert_restored(op(2));
        outbox.take_sendable(10);
        outbox.connection_lost();
        assert_eq!(seqs(&outbox.take_sendable(10)), [1, 2]);
        assert_eq!(outbox.acknowledge(op(1).id, 1), AckOutcome::Confirmed);
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox.history().count(), 1);
    }

    #[test]
    fn unknown_duplicate_and_forged_acks_change_nothing() {
        let mut outbox = Outbox::default();
        outbox.insert_restored(op(1));
        outbox.insert_saving(op(2));
        outbox.take_sendable(10);
        assert_eq!(
            outbox.acknowledge(op(9).id, 9),
            AckOutcome::Unknown,
            "never had it"
        );
        assert_eq!(
            outbox.acknowledge(op(2).id, 1),
            AckOutcome::Unknown,
            "id of another seq"
        );
        assert_eq!(
            outbox.acknowledge(op(2).id, 2),
            AckOutcome::Unknown,
            "never sent"
        );
        assert_eq!(outbox.acknowledge(op(1).id, 1), AckOutcome::Confirmed);
        assert_eq!(
            outbox.acknowledge(op(1).id, 1),
            AckOutcome::Unknown,
            "second ack"
        );
        assert_eq!(outbox.history().count(), 1);
        assert_eq!(outbox.len(), 1);
    }

    #[test]
    fn rejected_operations_keep_their_reason() {
        let mut outbox = Outbox::default();
        outbox.insert_restored(op(1));
        outbox.take_sendable(10);
        let refusal = Refusal {
            code: "TURNOUT_E01_DECREASE".into(),
            fields: vec!["count".into()],
            message: "Lower than before.".into(),
        };
        outbox.reject(op(1).id, 1, refusal.clone());
        let last = outbox.history().next_back().unwrap();
        assert_eq!(last.state, OperationState::Rejected);
        assert_eq!(last.refusal.as_ref(), Some(&refusal));
        assert!(outbox.is_empty());
    }
}
