//! The app's state. `Model` lives in memory; `DeviceRecord` and `LocalState` are what
//! it keeps in storage, so that the whole state survives the app being killed.

use facet::Facet;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::lifecycle::Lifecycle;
use super::sync::{Backoff, Entry, OperationState, Outbox};
use crate::domain::{
    Election, IncidentCategory, IncidentSeverity, IncidentStatus, ProvisionalResult, Report,
    StaffMember, Station, StationDay, Timestamp, TurnoutMoment,
};
use crate::protocol::{Operation, Refusal, StationMessage};
use crate::validation::{self, Context, Issue, Language};

/// The screens of the chair's app.
#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub enum Screen {
    #[default]
    Activation,
    Opening,
    Day,
    Turnout,
    BallotStock,
    Staff,
    Incidents,
    Result,
    Closing,
    Sync,
    /// The day's summary, to print or photograph (from the day's overview).
    Summary,
}

/// Stored under `device`: who this device is and for which station.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DeviceRecord {
    pub device_id: Uuid,
    pub server_url: String,
    pub device_token: String,
    pub election: Election,
    pub station: Station,
}

/// A report the chair made, for the day's summary (the paper fallback): the report
/// with its free texts shortened to `LOGGED_TEXT_CHARS`, so the `day` record stays
/// small. Refused reports leave the log.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct LoggedReport {
    pub seq: u64,
    pub recorded_at: Timestamp,
    pub report: Report,
}

/// Longest free text a logged report keeps, in characters.
pub const LOGGED_TEXT_CHARS: usize = 80;
/// Most reports the day's summary keeps; the oldest drop off (a station makes a few
/// dozen in a day).
pub const REPORT_LOG_LIMIT: usize = 300;

impl LoggedReport {
    fn new(op: &Operation) -> Self {
        let clip = |text: &str| -> String {
            if text.chars().count() > LOGGED_TEXT_CHARS {
                let mut short: String = text.chars().take(LOGGED_TEXT_CHARS - 1).collect();
                short.push('…');
                short
            } else {
                text.to_owned()
            }
        };
        let mut report = op.report.clone();
        match &mut report {
            Report::Turnout(t) => t.correction_reason = t.correction_reason.as_deref().map(clip),
            Report::Incident(i) => i.text = clip(&i.text),
            Report::IncidentMessage(m) => m.text = clip(&m.text),
            Report::ResupplyRequest(r) => r.note = clip(&r.note),
            Report::ProvisionalResult(r) => r.explanation = clip(&r.explanation),
            Report::Opening(o) => o.checklist_done.clear(),
            Report::Presence(_)
            | Report::BallotStock(_)
            | Report::Closing(_)
            | Report::Queue(_) => {}
        }
        Self {
            seq: op.device_seq,
            recorded_at: op.recorded_at,
            report,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TurnoutEntry {
    pub seq: u64,
    pub recorded_at: Timestamp,
    pub count: u32,
    pub moment: TurnoutMoment,
    pub correction_reason: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ThreadMessage {
    /// True when the station wrote it; false for the control room.
    pub from_station: bool,
    pub from: String,
    pub text: String,
    pub at: Timestamp,
    /// The station's operation carrying it, or the control room's message id.
    pub seq: Option<u64>,
    pub message_id: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IncidentThread {
    pub incident_id: String,
    pub seq: u64,
    pub category: IncidentCategory,
    pub severity: IncidentSeverity,
    pub text: String,
    pub reported_at: Timestamp,
    pub status: IncidentStatus,
    pub messages: Vec<ThreadMessage>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RejectedOperation {
    pub seq: u64,
    pub kind: String,
    pub recorded_at: Timestamp,
    /// The server's own words. A record written before refusals carried codes holds
    /// the whole text shown here, and no `code`.
    pub reason: String,
    /// The refusal's code; the text shown is rendered from it in the chair's language.
    #[serde(default)]
    pub code: String,
    /// The report's field paths the refusal concerns.
    #[serde(default)]
    pub fields: Vec<String>,
}

impl RejectedOperation {
    /// The refusal as the server sent it.
    #[must_use]
    pub fn refusal(&self) -> Refusal {
        Refusal {
            code: self.code.clone(),
            fields: self.fields.clone(),
            message: self.reason.clone(),
        }
    }
}

/// Stored under `day`: the station's local state and the sync bookkeeping. Fields
/// missing from a record written by an older version take their defaults.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub struct LocalState {
    pub language: Language,
    /// The sequence number the next operation gets.
    pub next_seq: u64,
    /// The highest sequence number applied to `day`.
    pub applied_through: u64,
    /// The station as the server has confirmed it: every operation up to and
    /// including `confirmed_through`, in device order.
    pub confirmed_day: StationDay,
    pub confirmed_through: u64,
    /// Acknowledged operations waiting for an earlier one to finish before they
    /// count in `confirmed_day` (an ack lost on a dropped connection comes later).
    pub parked: Vec<Operation>,
    /// The station including the chair's reports not yet confirmed.
    pub day: StationDay,
    pub turnout_log: Vec<TurnoutEntry>,
    pub incidents: Vec<IncidentThread>,
    /// Messages from the control room not about an incident.
    pub messages: Vec<StationMessage>,
    pub rejected: Vec<RejectedOperation>,
    /// Every report made on this device today, oldest first, for the day's summary.
    pub report_log: Vec<LoggedReport>,
    pub confirmed_total: u64,
    pub rejected_total: u64,
    /// Operations the server acknowledged or refused, oldest first, at most
    /// `FINISHED_LIMIT`: sent again when a server restored from a backup lacks them
    /// (its welcome counts fewer of ours than it finished). Empty in a record written
    /// before they were kept.
    pub finished_ops: Vec<Operation>,
    /// The highest sequence number the server finished for this device (0 in a
    /// record written before it was kept: see `finished_through`).
    pub finished_high: u64,
    // Drafts, kept so that nothing typed is lost when the app is killed.
    pub checklist_done: Vec<String>,
    /// Ids of the closing checklist's items done (apart from the opening's: an
    /// election may use one id in both).
    pub closing_done: Vec<String>,
    pub members_draft: Vec<StaffMember>,
    pub result_draft: ProvisionalResult,
}

impl Default for LocalState {
    fn default() -> Self {
        Self {
            language: Language::Dutch,
            next_seq: 1,
            applied_through: 0,
            confirmed_day: StationDay::default(),
            confirmed_through: 0,
            parked: Vec::new(),
            day: StationDay::default(),
            turnout_log: Vec::new(),
            incidents: Vec::new(),
            messages: Vec::new(),
            rejected: Vec::new(),
            report_log: Vec::new(),
            confirmed_total: 0,
            rejected_total: 0,
            finished_ops: Vec::new(),
            finished_high: 0,
            checklist_done: Vec::new(),
            closing_done: Vec::new(),
            members_draft: Vec::new(),
            result_draft: ProvisionalResult::default(),
        }
    }
}

/// Most finished operations a device keeps to send again after a server's restore
/// (`LocalState::finished_ops`): a station makes a few dozen reports in a day, a
/// few hundred at the very most. Past it the oldest drop off; a server restored to
/// before them then asks for a new activation (`RejectCode::ReactivationNeeded`).
pub const FINISHED_LIMIT: usize = 2_000;

/// How many turnout reports and messages (general ones, and per incident thread) the
/// device keeps showing; older ones drop off, so that the stored `day` record, which
/// is rewritten on every change, stays small.
pub const LOG_LIMIT: usize = 100;

impl LocalState {
    /// Applies a stored operation to the local state (optimistically, before the
    /// server confirms it).
    pub fn apply(&mut self, op: &Operation) {
        // The phase was checked before the operation was made; if it no longer fits
        // (an earlier one was rejected), the server will say so and we rebuild.
        let _ = self.day.apply(&op.report, op.recorded_at);
        self.applied_through = self.applied_through.max(op.device_seq);
        if !self.report_log.iter().any(|r| r.seq == op.device_seq) {
            if self.report_log.len() >= REPORT_LOG_LIMIT {
                self.report_log
                    .drain(..=self.report_log.len() - REPORT_LOG_LIMIT);
            }
            self.report_log.push(LoggedReport::new(op));
            self.report_log.sort_by_key(|r| r.seq);
        }
        match &op.report {
            Report::Turnout(t) => {
                push_bounded(
                    &mut self.turnout_log,
                    TurnoutEntry {
                        seq: op.device_seq,
                        recorded_at: op.recorded_at,
                        count: t.count,
                        moment: t.moment,
                        correction_reason: t.correction_reason.clone(),
                    },
                );
            }
            Report::Incident(i)
                if !self
                    .incidents
                    .iter()
                    .any(|t| t.incident_id == i.incident_id) =>
            {
                self.incidents.push(IncidentThread {
                    incident_id: i.incident_id.clone(),
                    seq: op.device_seq,
                    category: i.category,
                    severity: i.severity,
                    text: i.text.clone(),
                    reported_at: op.recorded_at,
                    status: IncidentStatus::New,
                    messages: Vec::new(),
                });
            }
            Report::IncidentMessage(m) => {
                if let Some(thread) = self
                    .incidents
                    .iter_mut()
                    .find(|t| t.incident_id == m.incident_id)
                {
                    push_bounded(
                        &mut thread.messages,
                        ThreadMessage {
                            from_station: true,
                            from: String::new(),
                            text: m.text.clone(),
                            at: op.recorded_at,
                            seq: Some(op.device_seq),
                            message_id: None,
                        },
                    );
                }
            }
            _ => {}
        }
    }

    /// The server finished `op` (acknowledged or refused it): kept, in sequence
    /// order and once, to be sent again should the server lose it.
    pub fn keep_finished(&mut self, op: &Operation) {
        match self
            .finished_ops
            .binary_search_by_key(&op.device_seq, |o| o.device_seq)
        {
            Ok(at) => self.finished_ops[at] = op.clone(),
            Err(at) => self.finished_ops.insert(at, op.clone()),
        }
        self.finished_high = self.finished_high.max(op.device_seq);
        if self.finished_ops.len() > FINISHED_LIMIT {
            let excess = self.finished_ops.len() - FINISHED_LIMIT;
            self.finished_ops.drain(..excess);
        }
    }

    /// The highest sequence number the server finished for this device, as far as
    /// it knows (also from a record written before `finished_high` was kept).
    #[must_use]
    pub fn finished_through(&self) -> u64 {
        self.parked
            .iter()
            .map(|p| p.device_seq)
            .chain(self.rejected.iter().map(|r| r.seq))
            .fold(self.finished_high.max(self.confirmed_through), u64::max)
    }

    /// The highest sequence number this record knows to have been given to an
    /// operation that reached storage: applied to `day`, or finished by the server
    /// (also one the server counted past at a welcome).
    #[must_use]
    pub fn numbered_through(&self) -> u64 {
        self.finished_ops
            .last()
            .map(|o| o.device_seq)
            .into_iter()
            .chain(self.report_log.last().map(|r| r.seq))
            .fold(self.applied_through.max(self.finished_through()), u64::max)
    }

    /// Whether operation `seq` is among the finished ones kept.
    #[must_use]
    pub fn finished_before(&self, seq: u64) -> bool {
        self.finished_ops
            .binary_search_by_key(&seq, |o| o.device_seq)
            .is_ok()
    }

    /// An operation sent again was refused as it was before: already listed, its
    /// traces already removed; what waited for it may count now.
    pub fn refused_again(&mut self, unfinished: &[&Operation]) {
        self.settle(unfinished.iter().map(|o| o.device_seq).min());
        self.rebuild(unfinished);
    }

    /// The server confirmed `op`. It counts in the confirmed state once every earlier
    /// operation is finished; `lowest_unfinished` is the first one still open.
    pub fn confirm(&mut self, op: &Operation, lowest_unfinished: Option<u64>) {
        self.confirmed_total += 1;
        if op.device_seq > self.confirmed_through {
            self.parked.push(op.clone());
            self.parked.sort_by_key(|p| p.device_seq);
        }
        self.settle(lowest_unfinished);
    }

    /// Moves parked confirmations into the confirmed state, in order, up to the first
    /// operation still unfinished.
    fn settle(&mut self, lowest_unfinished: Option<u64>) {
        while let Some(first) = self.parked.first() {
            if lowest_unfinished.is_some_and(|open| open < first.device_seq) {
                break;
            }
            let op = self.parked.remove(0);
            let _ = self.confirmed_day.apply(&op.report, op.recorded_at);
            self.confirmed_through = op.device_seq;
        }
    }

    /// The server refused `op`: the local state is rebuilt without it from the
    /// confirmed state and the operations still unconfirmed, and the refusal is kept.
    pub fn reject(&mut self, op: &Operation, refusal: Refusal, unfinished: &[&Operation]) {
        self.rejected_total += 1;
        self.rejected.push(RejectedOperation {
            seq: op.device_seq,
            kind: op.report.kind().to_owned(),
            recorded_at: op.recorded_at,
            reason: refusal.message,
            code: refusal.code,
            fields: refusal.fields,
        });
        let seq = op.device_seq;
        self.turnout_log.retain(|t| t.seq != seq);
        self.report_log.retain(|r| r.seq != seq);
        self.incidents.retain(|t| t.seq != seq);
        for thread in &mut self.incidents {
            thread.messages.retain(|m| m.seq != Some(seq));
        }
        // A refused operation is finished too: what waited for it may count now.
        self.settle(unfinished.iter().map(|o| o.device_seq).min());
        self.rebuild(unfinished);
    }

    /// The server's state at the start of a session, with everything up to
    /// `last_processed` in it, becomes the confirmed state.
    pub fn adopt_server_state(
        &mut self,
        day: StationDay,
        last_processed: u64,
        unfinished: &[&Operation],
    ) {
        self.confirmed_day = day;
        self.confirmed_through = self.confirmed_through.max(last_processed);
        self.parked.retain(|p| p.device_seq > last_processed);
        self.next_seq = self.next_seq.max(last_processed.saturating_add(1));
        self.rebuild(unfinished);
    }

    /// The local state: the confirmed state, then the confirmations waiting, then the
    /// operations the server has not processed, in device order.
    fn rebuild(&mut self, unfinished: &[&Operation]) {
        let mut day = self.confirmed_day.clone();
        let mut pending: Vec<&Operation> = self
            .parked
            .iter()
            .chain(unfinished.iter().copied())
            .filter(|o| {
                o.device_seq > self.confirmed_through && o.device_seq <= self.applied_through
            })
            .collect();
        pending.sort_by_key(|o| o.device_seq);
        for op in pending {
            let _ = day.apply(&op.report, op.recorded_at);
        }
        self.day = day;
    }

    /// The control room changed an incident's status.
    pub fn set_incident_status(&mut self, incident_id: &str, status: IncidentStatus) {
        self.day.set_incident_status(incident_id, status);
        self.confirmed_day.set_incident_status(incident_id, status);
        if let Some(thread) = self
            .incidents
            .iter_mut()
            .find(|t| t.incident_id == incident_id)
        {
            thread.status = status;
        }
    }

    /// A message from the control room; false if it was already here.
    pub fn receive_message(&mut self, message: StationMessage) -> bool {
        let id = Some(message.message_id.clone());
        let seen = self
            .messages
            .iter()
            .any(|m| m.message_id == message.message_id)
            || self
                .incidents
                .iter()
                .any(|t| t.messages.iter().any(|m| m.message_id == id));
        if seen {
            return false;
        }
        match message
            .incident_id
            .as_deref()
            .and_then(|i| self.incidents.iter_mut().find(|t| t.incident_id == i))
        {
            Some(thread) => push_bounded(
                &mut thread.messages,
                ThreadMessage {
                    from_station: false,
                    from: message.from,
                    text: message.text,
                    at: message.sent_at,
                    seq: None,
                    message_id: id,
                },
            ),
            None => push_bounded(&mut self.messages, message),
        }
        true
    }
}

fn push_bounded<T>(list: &mut Vec<T>, item: T) {
    if list.len() >= LOG_LIMIT {
        list.drain(..=list.len() - LOG_LIMIT);
    }
    list.push(item);
}

/// The connection to the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Connection {
    /// Not connected; a retry may be scheduled.
    #[default]
    Offline,
    /// Asked the shell to connect.
    Connecting,
    /// Open; waiting for the server to accept the activation code or the session.
    Handshaking,
    Online,
}

/// What the server showed is wrong with it, beyond the connection itself; shown in
/// the connection status until the server shows otherwise. Reports are kept on the
/// device meanwhile and sent again; nothing was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerTrouble {
    /// No frame at all for `session::NOT_ANSWERING_MS` while operations were in
    /// flight or a heartbeat was unanswered (a paused, hung or cut-off server).
    /// Cleared by any frame from the server, or by the connection failing (then it
    /// is simply offline).
    NotAnswering,
    /// The server said `StorageUnavailable`. Cleared when it acknowledges or refuses
    /// an operation, or welcomes a session with nothing left to send.
    CannotStore,
    /// The server said `Overloaded` or `TooManyAttempts`. Cleared as `CannotStore`.
    Busy,
}

/// The check that the server answers while an answer is due: an operation in flight
/// or a heartbeat unanswered (`session::watchdog`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Watchdog {
    /// The connection generation its timer was set for; None when none is set.
    pub armed: Option<u64>,
    /// A frame arrived since the timer was set.
    pub heard: bool,
    /// How long the server has been silent while an answer was due, in whole
    /// watchdog periods.
    pub silent_ms: u64,
}

/// A report the chair must confirm (it has warnings) before it is sent.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingConfirmation {
    pub report: Report,
    pub warnings: Vec<Issue>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub is_error: bool,
    pub text: String,
}

/// Bookkeeping of writes to storage. The `day` record is written one write at a time
/// (a later snapshot never overtaken by an earlier one), and a finished operation's
/// key is deleted only after a `day` record written after it finished is stored, so
/// that its effects and the sequence counter are never lost with it.
#[derive(Clone, Debug, Default)]
pub struct Persistence {
    pub day_write_in_flight: bool,
    pub day_dirty: bool,
    /// Finished operations whose keys wait for the next `day` write.
    pub deletes_waiting: Vec<u64>,
    /// Finished operations whose keys go once the `day` write in flight is stored.
    pub deletes_in_write: Vec<u64>,
    /// Operation writes asked for and not answered yet, with when they were asked.
    pub writes_in_flight: Vec<(u64, Timestamp)>,
}

#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Reading storage, running, or activating (see `Lifecycle`).
    pub lifecycle: Lifecycle,
    pub screen: Screen,
    pub now: Option<Timestamp>,
    pub device_id: Option<Uuid>,
    pub device: Option<DeviceRecord>,
    pub local: LocalState,
    pub outbox: Outbox,
    pub connection: Connection,
    /// Incremented on every connect; events of older connections are ignored.
    pub generation: u64,
    pub backoff: Option<Backoff>,
    pub retry_at: Option<Timestamp>,
    pub last_heard: Option<Timestamp>,
    /// Since when operations are in flight without any ack; None when none are.
    pub waiting_for_ack_since: Option<Timestamp>,
    /// A heartbeat was sent on this connection and no frame has arrived since.
    pub heartbeat_outstanding: bool,
    pub watchdog: Watchdog,
    /// What is wrong with the server, when it showed so (see `ServerTrouble`).
    pub trouble: Option<ServerTrouble>,
    /// Taps received and being processed (waiting for the clock or storage).
    pub busy: u32,
    pub pending_confirmation: Option<PendingConfirmation>,
    /// Issues of the last refused submission, shown on its screen.
    pub issues: Vec<Issue>,
    /// Live issues of the result being entered.
    pub result_issues: Vec<Issue>,
    pub notice: Option<Notice>,
    pub persistence: Persistence,
    /// Timers asked for so far; each gets its own id.
    pub timers: usize,
    /// Frames from the server that could not be decoded or did not fit.
    pub protocol_errors: u64,
    /// When the current connection attempt began (connect or handshake).
    pub connecting_since: Option<Timestamp>,
    /// The server's clock minus the device's, measured when the server's `Welcome` or
    /// `Heartbeat` arrived (the last measurement counts). Kept in memory only: after a
    /// restart it is measured again at the next welcome, so that a clock the chair has
    /// set right in between is not corrected twice.
    pub clock_offset_ms: Option<i64>,
}

/// A device clock off from the server's by more than this (2 minutes): reports are
/// stamped with the server-corrected time, and the chair is asked to set the clock.
pub const CLOCK_TOLERANCE_MS: i64 = 2 * 60_000;

impl Model {
    /// What to add to the device's clock to get the server's: the measured offset when
    /// it is more than `CLOCK_TOLERANCE_MS`, else nothing.
    #[must_use]
    pub fn clock_correction_ms(&self) -> i64 {
        self.clock_offset_ms
            .filter(|offset| offset.unsigned_abs() > CLOCK_TOLERANCE_MS.unsigned_abs())
            .unwrap_or(0)
    }

    /// `device_time` by the server's clock (see `clock_correction_ms`); saturating.
    #[must_use]
    pub fn corrected(&self, device_time: Timestamp) -> Timestamp {
        device_time.plus_millis(self.clock_correction_ms())
    }

    /// The time of day for the election's rules and what the chair sees: the device's
    /// clock, corrected. `now` stays the device's own, for timers and timeouts.
    #[must_use]
    pub fn election_now(&self) -> Option<Timestamp> {
        self.now.map(|now| self.corrected(now))
    }

    /// The station as it will be once everything made so far is applied, including
    /// operations still being saved: what a new report is validated against.
    #[must_use]
    pub fn projected_day(&self) -> StationDay {
        let mut day = self.local.day.clone();
        for entry in self.outbox.unfinished() {
            if entry.operation.device_seq > self.local.applied_through {
                let _ = day.apply(&entry.operation.report, entry.operation.recorded_at);
            }
        }
        day
    }

    /// The result's issues as the chair types, against the current state.
    #[must_use]
    pub fn live_result_issues(&self) -> Vec<Issue> {
        let Some(device) = self.device.as_ref() else {
            return Vec::new();
        };
        let ctx = Context {
            election: &device.election,
            station: &device.station,
            day: &self.local.day,
            now: self.election_now().unwrap_or_default(),
        };
        validation::validate(
            &Report::ProvisionalResult(self.local.result_draft.clone()),
            &ctx,
        )
        .issues
    }

    /// `dutch` or `english`, whichever is the chair's language.
    #[must_use]
    pub fn say(&self, dutch: &str, english: &str) -> String {
        match self.local.language {
            Language::Dutch => dutch.to_owned(),
            Language::English => english.to_owned(),
        }
    }

    /// The lowest sequence number from which this device holds every operation it
    /// made, finished or not (`next_seq` when it holds none): what it can send again.
    #[must_use]
    pub fn resendable_from(&self) -> u64 {
        let mut held: Vec<u64> = self
            .outbox
            .unfinished()
            .map(|e| e.operation.device_seq)
            .chain(self.local.finished_ops.iter().map(|o| o.device_seq))
            .collect();
        held.sort_unstable();
        held.dedup();
        let mut from = self.local.next_seq.max(1);
        for seq in held.into_iter().rev() {
            if seq.saturating_add(1) == from {
                from = seq;
            } else if seq < from {
                break;
            }
        }
        from
    }

    #[must_use]
    pub fn unfinished_operations(&self) -> Vec<&Operation> {
        self.outbox.unfinished().map(|e| &e.operation).collect()
    }

    #[must_use]
    pub fn count(&self, state: OperationState) -> usize {
        self.outbox.count(state)
    }

    pub fn recent_entries(&self) -> impl Iterator<Item = &Entry> {
        self.outbox
            .unfinished()
            .rev()
            .chain(self.outbox.history().rev())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `day` record written before refusals carried codes kept the rendered text:
    /// it still reads, and shows that text as it was.
    #[test]
    fn a_refusal_stored_before_codes_shows_as_it_was() {
        let old: RejectedOperation = serde_json::from_str(
            r#"{"seq":3,"kind":"turnout","recorded_at":0,"reason":"Lager dan eerder (TURNOUT_E01_DECREASE)"}"#,
        )
        .unwrap();
        assert_eq!(
            old.refusal().text(Language::English),
            "Lager dan eerder (TURNOUT_E01_DECREASE)"
        );
        let new = RejectedOperation {
            code: "TURNOUT_E01_DECREASE".into(),
            ..old
        };
        // With its code, the text is the rule's, in the chair's language.
        assert_eq!(
            new.refusal().text(Language::English),
            "Turnout is lower than the previous report. Send it as a correction with a reason. (TURNOUT_E01_DECREASE)"
        );
    }

    fn message(n: usize, incident_id: Option<&str>) -> StationMessage {
        StationMessage {
            message_id: format!("m{n}"),
            incident_id: incident_id.map(Into::into),
            from: "regiekamer".into(),
            text: format!("bericht {n}"),
            sent_at: Timestamp(0),
            resupply: None,
        }
    }

    /// Control-room messages about one incident grew its thread without end, and the
    /// whole local state is stored again on every change.
    #[test]
    fn incident_threads_keep_the_latest_messages() {
        let mut local = LocalState {
            incidents: vec![IncidentThread {
                incident_id: "i".into(),
                seq: 1,
                category: IncidentCategory::Other,
                severity: IncidentSeverity::Low,
                text: "x".into(),
                reported_at: Timestamp(0),
                status: IncidentStatus::New,
                messages: Vec::new(),
            }],
            ..LocalState::default()
        };
        for n in 0..LOG_LIMIT + 50 {
            assert!(local.receive_message(message(n, Some("i"))));
        }
        let thread = &local.incidents[0].messages;
        assert_eq!(thread.len(), LOG_LIMIT);
        assert_eq!(thread[0].text, "bericht 50");
        for n in 0..LOG_LIMIT + 1 {
            assert!(local.receive_message(message(1_000 + n, None)));
        }
        assert_eq!(local.messages.len(), LOG_LIMIT);
    }

    fn op(seq: u64) -> Operation {
        Operation {
            id: crate::protocol::operation_id(&Uuid::from_u128(7), seq, Timestamp(1)),
            device_seq: seq,
            station_id: "s".into(),
            recorded_at: Timestamp(1),
            report: Report::Queue(crate::domain::QueueReport {
                length: crate::domain::QueueLength::None,
            }),
            confirmed_warnings: Vec::new(),
        }
    }

    /// Finished operations are kept once each, in order, and at most
    /// `FINISHED_LIMIT`: past it the oldest drop off, and the device can send again
    /// only from the oldest kept.
    #[test]
    fn finished_operations_are_kept_in_order_once_and_bounded() {
        let mut model = Model::default();
        for seq in (1..=10).rev() {
            model.local.keep_finished(&op(seq));
        }
        model.local.keep_finished(&op(4));
        model.local.next_seq = 11;
        let seqs: Vec<u64> = model
            .local
            .finished_ops
            .iter()
            .map(|o| o.device_seq)
            .collect();
        assert_eq!(seqs, (1..=10).collect::<Vec<_>>());
        assert_eq!(model.resendable_from(), 1);
        assert_eq!(model.local.finished_through(), 10);

        let last = u64::try_from(FINISHED_LIMIT).unwrap() + 50;
        for seq in 11..=last {
            model.local.keep_finished(&op(seq));
        }
        model.local.next_seq = last + 1;
        assert_eq!(model.local.finished_ops.len(), FINISHED_LIMIT);
        assert_eq!(model.local.finished_ops[0].device_seq, 51);
        assert_eq!(model.resendable_from(), 51);
        // An operation lost before it was stored leaves a hole: from after it.
        model.outbox.insert_restored(op(last + 2));
        model.local.next_seq = last + 3;
        assert_eq!(model.resendable_from(), last + 2);
    }

    #[test]
    fn a_list_over_the_limit_is_cut_back() {
        let mut list: Vec<usize> = (0..LOG_LIMIT + 10).collect();
        push_bounded(&mut list, 0);
        assert_eq!(list.len(), LOG_LIMIT);
        assert_eq!(list[0], 11);
    }
}
