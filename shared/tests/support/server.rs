//! A simulated server speaking the real protocol: it activates with a code, resumes
//! sessions, applies each device's operations once and in sequence order, and can be
//! told to lose or repeat its acks, or to fail to commit.

use std::collections::HashSet;

use shared::domain::{Election, Jurisdiction, Station, StationDay, Timestamp};
use shared::fixtures;
use shared::protocol::{
    ClientMessage, Operation, RejectCode, ServerMessage, decode_client, encode,
};
use shared::validation::{Language, Rule, check_recorded_at, message};
use uuid::Uuid;

use super::OPENS;

pub const CODE: &str = "K7QX-4M2P";
pub const TOKEN: &str = "device-token-1";

pub struct SimServer {
    pub election: Election,
    pub station: Station,
    /// Operations applied, in the order applied.
    pub applied: Vec<Operation>,
    seen: HashSet<Uuid>,
    last_seq: u64,
    pub day: StationDay,
    event_seq: u64,
    /// When true, the next ack is lost after the operation is committed.
    pub lose_next_ack: bool,
    /// When true, every ack is sent twice.
    pub duplicate_acks: bool,
    /// Codes of reports to refuse: (report kind, code).
    pub refuse: Option<(&'static str, &'static str)>,
    pub rejected: Vec<Uuid>,
    /// The code and message each refused operation got.
    pub rejections: Vec<(Uuid, String, String)>,
    /// Device sequence numbers of the operations refused.
    pub rejected_seqs: Vec<u64>,
    pub received_frames: usize,
    /// How far the device's clock is ahead of this server's (negative: behind). The
    /// shell's clock is the device's; the server's is that minus this.
    pub device_clock_ahead_ms: i64,
    /// When set, a new operation is not committed: it is answered with this `Error`
    /// (as the real server does when its storage fails or its queue is full, before
    /// it ends the session).
    pub cannot_commit: Option<RejectCode>,
    /// When true, as the real server (`decide` in server/src/realtime/commit.rs): a
    /// new operation must be the one after the last processed; one that skips a
    /// number is not processed, recorded in `gaps`, and not answered (the real server
    /// ends the session and waits for the missing number for ever).
    pub strict_order: bool,
    /// (expected, received) for every operation that skipped a number.
    pub gaps: Vec<(u64, u64)>,
}

/// The canonical election (`shared::fixtures`) with four lists and four turnout
/// moments.
pub fn election() -> Election {
    Election {
        name: "Gemeenteraadsverkiezing 2026".into(),
        control_room_phone: Some("010 123 45 67".into()),
        turnout_moments: [150, 330, 510, 690]
            .iter()
            .map(|m| Timestamp(OPENS + m * 60_000))
            .collect(),
        ..fixtures::election(Jurisdiction::Netherlands, 4)
    }
}

/// The canonical station 12 of Rotterdam, in Kralingen, expecting 10,000 voters.
pub fn station() -> Station {
    let mut station = fixtures::station(fixtures::MUNICIPALITY, 12);
    station.name = "Stembureau 12 — Wijkgebouw De Esch".into();
    station.location.name = "Wijkgebouw De Esch".into();
    station.district = Some("Kralingen".into());
    station.expected_voters = Some(10_000);
    station
}

impl SimServer {
    pub fn new() -> Self {
        Self {
            election: election(),
            station: station(),
            applied: Vec::new(),
            seen: HashSet::new(),
            last_seq: 0,
            day: StationDay::default(),
            event_seq: 0,
            lose_next_ack: false,
            duplicate_acks: false,
            refuse: None,
            rejected: Vec::new(),
            rejections: Vec::new(),
            rejected_seqs: Vec::new(),
            received_frames: 0,
            device_clock_ahead_ms: 0,
            cannot_commit: None,
            strict_order: false,
            gaps: Vec::new(),
        }
    }

    /// The server is restored from a backup taken when it had processed the
    /// device's operations up to `seq`: it forgets every later one, acknowledged or
    /// refused (a fresh server on the restored database).
    pub fn restore_to(&mut self, seq: u64) {
        self.applied.retain(|o| o.device_seq <= seq);
        let kept: Vec<usize> = (0..self.rejected_seqs.len())
            .filter(|&i| self.rejected_seqs[i] <= seq)
            .collect();
        self.rejected = kept.iter().map(|&i| self.rejected[i]).collect();
        self.rejections = kept.iter().map(|&i| self.rejections[i].clone()).collect();
        self.rejected_seqs = kept.iter().map(|&i| self.rejected_seqs[i]).collect();
        self.seen = self
            .applied
            .iter()
            .map(|o| o.id)
            .chain(self.rejected.iter().copied())
            .collect();
        self.day = StationDay::default();
        for op in &self.applied {
            let _ = self.day.apply(&op.report, op.recorded_at);
        }
        self.event_seq = self.applied.len() as u64;
        self.last_seq = self.last_seq.min(seq);
    }

    /// Handles one frame from a device and returns the frames it answers.
    pub fn handle(&mut self, frame: &str, device_now_ms: i64) -> Vec<String> {
        self.received_frames += 1;
        let now_ms = device_now_ms - self.device_clock_ahead_ms;
        let message = match decode_client(frame) {
            Ok(m) => m,
            Err(e) => {
                return vec![encode(&ServerMessage::Error {
                    code: e.reject_code(),
                    message: e.to_string(),
                })];
            }
        };
        match message {
            ClientMessage::Activate {
                activation_code, ..
            } => {
                if activation_code == CODE {
                    vec![encode(&ServerMessage::Activated {
                        device_token: TOKEN.into(),
                        election: self.election.clone(),
                        station: self.station.clone(),
                    })]
                } else {
                    vec![encode(&ServerMessage::Error {
                        code: RejectCode::InvalidActivationCode,
                        message: "unknown code".into(),
                    })]
                }
            }
            ClientMessage::Hello { device_token, .. } => {
                if device_token != TOKEN {
                    return vec![encode(&ServerMessage::Error {
                        code: RejectCode::InvalidToken,
                        message: "bad token".into(),
                    })];
                }
                vec![encode(&ServerMessage::Welcome {
                    last_processed_seq: self.last_seq,
                    server_time: Timestamp(now_ms),
                    election: self.election.clone(),
                    station: self.station.clone(),
                    day: self.day.clone(),
                })]
            }
            ClientMessage::Operation(op) => self.operation(op, now_ms),
            ClientMessage::Heartbeat { .. } => vec![encode(&ServerMessage::Heartbeat {
                server_time: Timestamp(now_ms),
            })],
        }
    }

    fn operation(&mut self, op: Operation, now_ms: i64) -> Vec<String> {
        let ack = |s: &Self, op: &Operation| {
            if let Some((_, code, message)) = s.rejections.iter().find(|r| r.0 == op.id) {
                encode(&ServerMessage::Reject {
                    operation_id: op.id,
                    device_seq: op.device_seq,
                    code: code.clone(),
                    message: message.clone(),
                    fields: Vec::new(),
                })
            } else {
                encode(&ServerMessage::Ack {
                    operation_id: op.id,
                    device_seq: op.device_seq,
                    event_seq: s.event_seq,
                })
            }
        };
        if self.seen.contains(&op.id) {
            return vec![ack(self, &op)];
        }
        if let Some(code) = self.cannot_commit {
            return vec![encode(&ServerMessage::Error {
                code,
                message: "not committed".into(),
            })];
        }
        let last = self.last_seq;
        assert!(
            op.device_seq > last,
            "device sent seq {} after {} with a new id: order broken",
            op.device_seq,
            last
        );
        if self.strict_order && op.device_seq != last + 1 {
            self.gaps.push((last + 1, op.device_seq));
            return vec![];
        }
        self.seen.insert(op.id);
        self.last_seq = op.device_seq;
        // As the real server does, before validating: the device's clock.
        let refusal = match check_recorded_at(op.recorded_at, Timestamp(now_ms), &self.election) {
            Some(issue) => Some((
                issue.code().to_owned(),
                message(issue.rule, Language::English).to_owned(),
            )),
            None => self
                .refuse
                .filter(|(kind, _)| *kind == op.report.kind())
                // In English, as the real server writes it.
                .map(|(_, code)| {
                    let text = Rule::from_code(code)
                        .map_or("refused", |rule| message(rule, Language::English));
                    (code.to_owned(), text.to_owned())
                }),
        };
        if let Some((code, message)) = refusal {
            self.rejections.push((op.id, code, message));
            self.rejected.push(op.id);
            self.rejected_seqs.push(op.device_seq);
        } else {
            let _ = self.day.apply(&op.report, op.recorded_at);
            self.event_seq += 1;
            self.applied.push(op.clone());
        }
        if self.lose_next_ack {
            self.lose_next_ack = false;
            return vec![];
        }
        let frame = ack(self, &op);
        if self.duplicate_acks {
            vec![frame.clone(), frame]
        } else {
            vec![frame]
        }
    }
}
