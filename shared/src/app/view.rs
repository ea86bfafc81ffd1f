//! The view model: everything a shell renders, per screen, already in the chair's
//! language. Shells add only their own chrome (buttons, layout).

use facet::Facet;
use serde::{Deserialize, Serialize};

use super::{
    Model, Screen,
    model::{Connection, ServerTrouble},
    sync::OperationState,
};
use crate::domain::{
    IncidentCategory, IncidentSeverity, IncidentStatus, ProvisionalResult, QueueLength, StaffRole,
    StationPhase, Timestamp, TurnoutMoment,
};
use crate::validation::{Issue, Language, Severity, message};

mod summary;

#[derive(Facet, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ViewModel {
    pub screen: Screen,
    pub language: Language,
    /// The stored state is still being read.
    pub loading: bool,
    /// A tap was received and is being processed: show a spinner, not nothing.
    pub busy: bool,
    pub station: Option<StationHeader>,
    /// The control room's phone number (from the election), for every screen: the
    /// chair calls it when the app is not enough.
    pub control_room_phone: Option<String>,
    pub phase: StationPhase,
    /// Local time, "HH:MM".
    pub clock: String,
    pub connection: ConnectionView,
    pub sync: SyncSummary,
    pub notice: Option<NoticeView>,
    /// The device's clock is off from the server's by more than 2 minutes: show this
    /// text as a standing warning until the clock is set right (it is not dismissed).
    /// Meanwhile reports carry the server-corrected time.
    pub clock_warning: Option<String>,
    /// Warnings the chair must confirm before the report is sent.
    pub confirmation: Option<ConfirmationView>,
    /// Issues of the last refused submission on this screen.
    pub issues: Vec<IssueView>,
    pub navigation: Vec<NavigationItem>,
    pub page: Page,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[repr(C)]
pub enum Page {
    Activation(ActivationView),
    Opening(OpeningView),
    Day(DayView),
    Turnout(TurnoutView),
    BallotStock(BallotStockView),
    Staff(StaffView),
    Incidents(IncidentsView),
    Result(ResultView),
    Closing(ClosingView),
    Sync(SyncView),
    Summary(DaySummaryView),
}

impl Default for Page {
    fn default() -> Self {
        Self::Activation(ActivationView::default())
    }
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct StationHeader {
    pub station_name: String,
    pub station_number: u32,
    pub location: String,
    pub election_name: String,
}

/// What the shell shows about the connection, with `ConnectionView::label`. Every
/// state but `Online` means reports are kept on the device and sent later.
#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub enum ConnectionState {
    /// No connection (the network, or the server is down); a retry is scheduled.
    #[default]
    Offline,
    Connecting,
    /// Connected, and the server answers.
    Online,
    /// No frame from the server for about 5 s while an answer was due (a paused or
    /// hung server, or a connection cut somewhere on the way); the core connects again
    /// after about 10 s. Shown until the server answers.
    ServerNotAnswering,
    /// The server said it cannot store reports now (a full disk, its database gone).
    /// Nothing was refused: the reports are kept and sent again, soon. Shown until
    /// the server stores one (or has nothing of ours to store).
    ServerCannotStore,
    /// The server said it is overloaded: the reports are kept and sent again, at a
    /// slower pace. Shown until the server stores one.
    ServerBusy,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectionView {
    pub state: ConnectionState,
    pub label: String,
    /// Seconds until the next attempt, when offline.
    pub retry_in_seconds: Option<u32>,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncSummary {
    pub saving: u32,
    pub pending: u32,
    pub sent: u32,
    pub confirmed: u64,
    pub rejected: u64,
    /// "Alles verzonden" or "3 meldingen wachten", for the header.
    pub label: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NoticeView {
    pub is_error: bool,
    pub text: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ConfirmationView {
    pub title: String,
    pub warnings: Vec<IssueView>,
}

#[derive(Facet, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub enum IssueSeverity {
    Error,
    Warning,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IssueView {
    pub code: String,
    pub severity: IssueSeverity,
    pub fields: Vec<String>,
    pub message: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NavigationItem {
    pub screen: Screen,
    pub label: String,
    pub enabled: bool,
    /// Something needs attention there (a count), 0 for nothing.
    pub badge: u32,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivationView {
    pub server_url: String,
    pub in_progress: bool,
    pub activated: bool,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ChecklistItemView {
    pub id: String,
    pub label: String,
    pub done: bool,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MemberView {
    pub name: String,
    pub role: StaffRole,
    pub role_label: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OpeningView {
    pub checklist: Vec<ChecklistItemView>,
    pub checklist_done: u32,
    pub checklist_total: u32,
    pub members: Vec<MemberView>,
    /// The staff the municipality planned for this station and not yet added: one tap
    /// adds each (`Event::AddMember` with its name and role).
    pub planned: Vec<MemberView>,
    pub min_members: u32,
    pub opens_at: String,
    /// Everything is in place to open (the time is checked when the chair taps).
    pub can_open: bool,
    pub already_open: bool,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DueView {
    pub label: String,
    pub at: String,
    pub overdue: bool,
    pub screen: Screen,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DayView {
    /// What is due next, most urgent first.
    pub due: Vec<DueView>,
    pub turnout: Option<u32>,
    pub expected_voters: Option<u32>,
    pub ballots_remaining: Option<u32>,
    pub ballots_run_out_at: Option<String>,
    pub members_present: u32,
    pub open_incidents: u32,
    pub messages: Vec<MessageView>,
    /// The queue buttons, while the station is open.
    pub queue: Option<QueueView>,
}

/// The queue outside: one tap on an option reports it (`Event::ReportQueue`); the
/// shell adds a number field for "about N minutes" (`QueueLength::Minutes`).
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct QueueView {
    pub title: String,
    /// The latest report and its time ("Korte wachtrij (10:42)"), if any.
    pub current: Option<String>,
    pub options: Vec<QueueOptionView>,
    /// The label of the minutes field and its button.
    pub minutes_label: String,
    pub minutes_button: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct QueueOptionView {
    pub label: String,
    pub length: QueueLength,
    /// The latest report said this.
    pub selected: bool,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MomentView {
    pub at_ms: i64,
    pub label: String,
    pub reported: bool,
    pub overdue: bool,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TurnoutRowView {
    pub seq: u64,
    pub at: String,
    pub count: u32,
    pub moment: String,
    pub correction_reason: Option<String>,
    pub state: OperationState,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TurnoutView {
    pub latest: Option<u32>,
    pub expected_voters: Option<u32>,
    /// The moment to report for now: the oldest overdue one, else the next.
    pub suggested_moment: Option<TurnoutMoment>,
    pub moments: Vec<MomentView>,
    pub log: Vec<TurnoutRowView>,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct BallotStockView {
    pub received: Option<u32>,
    pub remaining: Option<u32>,
    pub issued: Option<u32>,
    pub resupply_requested: u32,
    pub run_out_at: Option<String>,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct StaffView {
    pub present: Vec<MemberView>,
    pub min_members: u32,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ThreadMessageView {
    pub from_station: bool,
    pub from: String,
    pub text: String,
    pub at: String,
    pub state: Option<OperationState>,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IncidentView {
    pub incident_id: String,
    pub category: IncidentCategory,
    pub severity: IncidentSeverity,
    pub text: String,
    pub reported_at: String,
    pub status: IncidentStatus,
    pub status_label: String,
    pub state: OperationState,
    pub messages: Vec<ThreadMessageView>,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MessageView {
    pub from: String,
    pub text: String,
    pub at: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IncidentsView {
    pub incidents: Vec<IncidentView>,
    pub messages: Vec<MessageView>,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ListEntryView {
    pub number: u32,
    pub name: String,
    pub votes: u32,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ResultView {
    pub draft: ProvisionalResult,
    /// Short help per figure of the form (field path as in the issues, and its text),
    /// in the chair's language: where the figure comes from on the official report.
    pub help: Vec<FieldHelpView>,
    pub lists: Vec<ListEntryView>,
    /// Live: errors block, warnings will need confirmation.
    pub issues: Vec<IssueView>,
    pub has_errors: bool,
    /// The station is closed, so a result can be sent.
    pub may_submit: bool,
    pub submitted: bool,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FieldHelpView {
    pub field: String,
    pub text: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ClosingView {
    pub closes_at: String,
    /// What the station does before it closes (`Event::ToggleClosingItem`).
    pub checklist: Vec<ChecklistItemView>,
    pub checklist_done: u32,
    pub checklist_total: u32,
    /// The station is open and the whole checklist done (the time is checked when the
    /// chair taps: closing early is a warning to confirm).
    pub can_close: bool,
    pub is_open: bool,
    pub closed: bool,
}

/// The day's summary (`Screen::Summary`): every report made on this device today,
/// oldest first, with its key figures and whether the municipality received it. Made
/// to be printed or photographed as the paper fallback when a device fails.
#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DaySummaryView {
    pub title: String,
    /// "Stembureau 12 Name, location, address".
    pub station: String,
    pub election: String,
    /// "Afgedrukt op 18-03-2026 om 14:05", in local time.
    pub printed_at: String,
    pub device_id: String,
    pub reports: Vec<SummaryReportView>,
    pub received: u32,
    pub not_received: u32,
    /// What to do about the reports not received (call the control room), or that
    /// every one was.
    pub note: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SummaryReportView {
    pub seq: u64,
    /// Local "HH:MM" the report was made.
    pub at: String,
    /// The report's stable kind (`Report::kind`).
    pub kind: String,
    /// What the chair calls it, in the chair's language.
    pub label: String,
    pub figures: Vec<FigureView>,
    /// The municipality's server has it.
    pub received: bool,
    pub state: OperationState,
    pub state_label: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FigureView {
    pub label: String,
    pub value: String,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OperationView {
    pub seq: u64,
    /// The report's stable kind (`Report::kind`: "turnout", "ballot_stock", ...).
    pub kind: String,
    /// What the chair calls it, in the chair's language ("Opkomst", "Turnout").
    pub label: String,
    pub recorded_at: String,
    pub state: OperationState,
    pub state_label: String,
    pub reason: Option<String>,
}

#[derive(Facet, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SyncView {
    /// Unfinished operations and the recently finished ones, newest first (at most 100).
    pub operations: Vec<OperationView>,
    /// Refused operations, kept until the chair dismisses them.
    pub rejected: Vec<OperationView>,
    pub protocol_errors: u64,
    pub device_id: String,
}

const SHOWN_OPERATIONS: usize = 100;

/// Where each figure of the result form comes from: the counting steps of the official
/// report (proces-verbaal N 10-1), short enough to read beside the field.
fn result_help(t: &Texts) -> Vec<FieldHelpView> {
    [
        (
            "voters.poll_cards",
            "Tel de ingenomen stempassen.",
            "Count the poll cards taken in.",
        ),
        (
            "voters.proxy_certificates",
            "Tel de ingenomen volmachtbewijzen (ook schriftelijke volmachten).",
            "Count the proxy certificates taken in (written proxies too).",
        ),
        (
            "voters.voter_cards",
            "Tel de ingenomen kiezerspassen.",
            "Count the voter cards taken in.",
        ),
        (
            "voters.admitted_voters",
            "A + B + C: alle toegelaten kiezers.",
            "A + B + C: every voter admitted.",
        ),
        (
            "votes.votes_for_candidates",
            "De som van de stemmen op alle lijsten.",
            "The sum of the votes for every list.",
        ),
        (
            "votes.blank_votes",
            "Stembiljetten zonder keuze.",
            "Ballots without a choice.",
        ),
        (
            "votes.invalid_votes",
            "Stembiljetten die niet duidelijk één kandidaat kiezen.",
            "Ballots that do not clearly choose one candidate.",
        ),
        (
            "votes.votes_cast",
            "E + F + G: alle getelde stembiljetten.",
            "E + F + G: every ballot counted.",
        ),
        (
            "more_ballots_counted",
            "Als H groter is dan D: het verschil, met een verklaring.",
            "If H is more than D: the difference, with an explanation.",
        ),
        (
            "fewer_ballots_counted",
            "Als H kleiner is dan D: het verschil, met een verklaring.",
            "If H is less than D: the difference, with an explanation.",
        ),
    ]
    .into_iter()
    .map(|(field, dutch, english)| FieldHelpView {
        field: field.to_owned(),
        text: t.pick(dutch, english),
    })
    .collect()
}

struct Texts {
    language: Language,
    offset: i32,
}

impl Texts {
    fn pick(&self, dutch: &str, english: &str) -> String {
        match self.language {
            Language::Dutch => dutch.to_owned(),
            Language::English => english.to_owned(),
        }
    }

    fn time(&self, t: Timestamp) -> String {
        t.local_hh_mm(self.offset)
    }

    fn issue(&self, issue: &Issue) -> IssueView {
        IssueView {
            code: issue.code().to_owned(),
            severity: match issue.severity() {
                Severity::Error => IssueSeverity::Error,
                Severity::Warning => IssueSeverity::Warning,
            },
            fields: issue.fields.clone(),
            message: message(issue.rule, self.language).to_owned(),
        }
    }

    fn role(&self, role: StaffRole) -> String {
        match role {
            StaffRole::Chair => self.pick("Voorzitter", "Chair"),
            StaffRole::Member => self.pick("Stembureaulid", "Member"),
            StaffRole::Secretary => self.pick("Secretaris", "Secretary"),
            StaffRole::Counter => self.pick("Teller", "Counter"),
            StaffRole::Substitute => self.pick("Plaatsvervanger", "Substitute"),
        }
    }

    fn state(&self, state: OperationState) -> String {
        match state {
            OperationState::Saving => self.pick("Opslaan…", "Saving…"),
            OperationState::Pending => self.pick("Wacht op verbinding", "Waiting to send"),
            OperationState::Sent => self.pick("Verzonden", "Sent"),
            OperationState::Confirmed => {
                self.pick("Ontvangen door de gemeente", "Received by the municipality")
            }
            OperationState::Rejected => self.pick("Geweigerd", "Refused"),
        }
    }

    /// A report's kind (`Report::kind`) as the chair names it.
    fn report_kind(&self, kind: &str) -> String {
        match kind {
            "opening" => self.pick("Opening", "Opening"),
            "presence" => self.pick("Bezetting", "Staff"),
            "ballot_stock" => self.pick("Voorraad stembiljetten", "Ballot stock"),
            "queue" => self.pick("Wachtrij", "Queue"),
            "resupply_request" => self.pick("Aanvraag stembiljetten", "Ballot request"),
            "turnout" => self.pick("Opkomst", "Turnout"),
            "incident" => self.pick("Melding", "Incident"),
            "incident_message" => self.pick("Bericht bij een melding", "Incident message"),
            "provisional_result" => self.pick("Uitslag", "Result"),
            "closing" => self.pick("Sluiting", "Closing"),
            other => other.to_owned(),
        }
    }

    fn status(&self, status: IncidentStatus) -> String {
        match status {
            IncidentStatus::New => self.pick("Nieuw", "New"),
            IncidentStatus::Acknowledged => {
                self.pick("Gezien door de regiekamer", "Seen by the control room")
            }
            IncidentStatus::InProgress => self.pick("In behandeling", "In progress"),
            IncidentStatus::Resolved => self.pick("Opgelost", "Resolved"),
        }
    }
}

#[must_use]
pub fn view(model: &Model) -> ViewModel {
    let election = model.device.as_ref().map(|d| &d.election);
    let t = Texts {
        language: model.local.language,
        offset: election.map_or(60, |e| e.utc_offset_minutes),
    };
    let day = &model.local.day;
    ViewModel {
        screen: model.screen,
        language: model.local.language,
        loading: !model.lifecycle.is_restored(),
        busy: model.busy > 0 || model.outbox.count(OperationState::Saving) > 0,
        station: model.device.as_ref().map(|d| StationHeader {
            station_name: d.station.name.clone(),
            station_number: d.station.number,
            location: format!(
                "{}, {}",
                d.station.location.name, d.station.location.address
            ),
            election_name: d.election.name.clone(),
        }),
        control_room_phone: election.and_then(|e| e.control_room_phone.clone()),
        phase: day.phase,
        clock: model
            .election_now()
            .map(|now| t.time(now))
            .unwrap_or_default(),
        connection: connection(model, &t),
        sync: sync_summary(model, &t),
        notice: model.notice.as_ref().map(|n| NoticeView {
            is_error: n.is_error,
            text: n.text.clone(),
        }),
        clock_warning: clock_warning(model, &t),
        confirmation: model
            .pending_confirmation
            .as_ref()
            .map(|p| ConfirmationView {
                title: t.pick("Controleer en bevestig", "Check and confirm"),
                warnings: p.warnings.iter().map(|w| t.issue(w)).collect(),
            }),
        issues: model.issues.iter().map(|i| t.issue(i)).collect(),
        navigation: navigation(model, &t),
        page: page(model, &t),
    }
}

fn connection(model: &Model, t: &Texts) -> ConnectionView {
    let (state, label) = match (model.trouble, &model.connection) {
        (Some(ServerTrouble::NotAnswering), _) => (
            ConnectionState::ServerNotAnswering,
            t.pick(
                "De server antwoordt niet — uw meldingen zijn bewaard",
                "The server is not answering — your reports are saved on this device",
            ),
        ),
        (Some(ServerTrouble::CannotStore), _) => (
            ConnectionState::ServerCannotStore,
            t.pick(
                "De server kan uw meldingen nu niet opslaan; ze blijven bewaard op dit apparaat en worden verzonden zodra het weer kan",
                "The server cannot store your reports right now; they are kept on this device and sent as soon as it can",
            ),
        ),
        (Some(ServerTrouble::Busy), _) => (
            ConnectionState::ServerBusy,
            t.pick(
                "De server is druk — uw meldingen zijn bewaard en worden later verzonden",
                "The server is busy — your reports are saved on this device and sent later",
            ),
        ),
        (None, Connection::Online) => {
            (ConnectionState::Online, t.pick("Verbonden", "Connected"))
        }
        (None, Connection::Connecting | Connection::Handshaking) => (
            ConnectionState::Connecting,
            t.pick("Verbinden…", "Connecting…"),
        ),
        (None, Connection::Offline) => (
            ConnectionState::Offline,
            t.pick(
                "Geen verbinding — meldingen worden bewaard",
                "Offline — reports are kept",
            ),
        ),
    };
    let retry_in_seconds = match (model.retry_at, model.now) {
        (Some(at), Some(now)) if at > now => {
            u32::try_from(at.millis_since(now).saturating_add(999) / 1000).ok()
        }
        _ => None,
    };
    ConnectionView {
        state,
        label,
        retry_in_seconds,
    }
}

/// The chair's warning when the device's clock is off (`Model::clock_correction_ms`).
fn clock_warning(model: &Model, t: &Texts) -> Option<String> {
    let correction = model.clock_correction_ms();
    if correction == 0 {
        return None;
    }
    // The device is ahead when the server's time is behind it.
    let ahead = correction < 0;
    let minutes = correction.unsigned_abs().saturating_add(30_000) / 60_000;
    Some(match (t.language, ahead) {
        (Language::Dutch, true) => format!(
            "De klok van dit apparaat loopt {minutes} minuten voor. Zet de klok goed; tot dan krijgen meldingen de tijd van de server."
        ),
        (Language::Dutch, false) => format!(
            "De klok van dit apparaat loopt {minutes} minuten achter. Zet de klok goed; tot dan krijgen meldingen de tijd van de server."
        ),
        (Language::English, true) => format!(
            "This device's clock is {minutes} minutes ahead. Please set it right; until then reports carry the server's time."
        ),
        (Language::English, false) => format!(
            "This device's clock is {minutes} minutes behind. Please set it right; until then reports carry the server's time."
        ),
    })
}

fn count(model: &Model, state: OperationState) -> u32 {
    u32::try_from(model.count(state)).unwrap_or(u32::MAX)
}

fn sync_summary(model: &Model, t: &Texts) -> SyncSummary {
    let waiting = model.outbox.len();
    SyncSummary {
        saving: count(model, OperationState::Saving),
        pending: count(model, OperationState::Pending),
        sent: count(model, OperationState::Sent),
        confirmed: model.local.confirmed_total,
        rejected: model.local.rejected_total,
        label: if waiting == 0 {
            t.pick("Alles is ontvangen", "Everything received")
        } else {
            match t.language {
                Language::Dutch => format!("{waiting} melding(en) nog niet ontvangen"),
                Language::English => format!("{waiting} report(s) not yet received"),
            }
        },
    }
}

fn navigation(model: &Model, t: &Texts) -> Vec<NavigationItem> {
    let activated = model.device.is_some();
    let phase = model.local.day.phase;
    let open_incidents = model
        .local
        .incidents
        .iter()
        .filter(|i| i.status != IncidentStatus::Resolved)
        .count();
    let item = |screen, dutch: &str, english: &str, enabled: bool, badge: usize| NavigationItem {
        screen,
        label: t.pick(dutch, english),
        enabled,
        badge: u32::try_from(badge).unwrap_or(u32::MAX),
    };
    let overdue = overdue_moments(model).len();
    vec![
        item(Screen::Activation, "Activeren", "Activate", true, 0),
        item(Screen::Opening, "Opening", "Opening", activated, 0),
        item(Screen::Day, "Overzicht", "Overview", activated, 0),
        item(
            Screen::Turnout,
            "Opkomst",
            "Turnout",
            activated && phase != StationPhase::Setup,
            overdue,
        ),
        item(
            Screen::BallotStock,
            "Stembiljetten",
            "Ballot papers",
            activated,
            0,
        ),
        item(Screen::Staff, "Bezetting", "Staff", activated, 0),
        item(
            Screen::Incidents,
            "Meldingen",
            "Incidents",
            activated,
            open_incidents,
        ),
        item(
            Screen::Closing,
            "Sluiten",
            "Closing",
            activated && phase == StationPhase::Open,
            0,
        ),
        item(
            Screen::Result,
            "Uitslag",
            "Result",
            activated && matches!(phase, StationPhase::Closed | StationPhase::ResultSubmitted),
            0,
        ),
        item(
            Screen::Sync,
            "Verzending",
            "Sync",
            true,
            model.local.rejected.len(),
        ),
    ]
}

fn overdue_moments(model: &Model) -> Vec<Timestamp> {
    match (&model.device, model.election_now()) {
        (Some(device), Some(now)) if model.local.day.phase == StationPhase::Open => device
            .election
            .overdue_turnout_moments(now, &model.local.day.reported_moments),
        _ => Vec::new(),
    }
}

fn checklist_view(
    items: &[crate::domain::ChecklistItem],
    done: &[String],
    t: &Texts,
) -> Vec<ChecklistItemView> {
    items
        .iter()
        .map(|item| ChecklistItemView {
            id: item.id.clone(),
            label: t.pick(&item.label_nl, &item.label_en),
            done: done.contains(&item.id),
        })
        .collect()
}

fn members(list: &[crate::domain::StaffMember], t: &Texts) -> Vec<MemberView> {
    list.iter()
        .map(|m| MemberView {
            name: m.name.clone(),
            role: m.role,
            role_label: t.role(m.role),
        })
        .collect()
}

fn run_out(model: &Model, t: &Texts) -> Option<String> {
    let device = model.device.as_ref()?;
    let closes_at = device.station.closing_time(&device.election);
    model
        .local
        .day
        .ballots_run_out(closes_at)
        .map(|at| t.time(at))
}

fn entry_state(model: &Model, seq: u64) -> OperationState {
    model
        .outbox
        .get(seq)
        .map_or(OperationState::Confirmed, |e| e.state)
}

fn page(model: &Model, t: &Texts) -> Page {
    let Some(device) = model.device.as_ref() else {
        return Page::Activation(ActivationView {
            server_url: model
                .lifecycle
                .activation()
                .map(|a| a.server_url.clone())
                .unwrap_or_default(),
            in_progress: model.lifecycle.is_activating(),
            activated: false,
        });
    };
    let election = &device.election;
    let station = &device.station;
    let day = &model.local.day;
    let min_members = election.jurisdiction.rules().min_members_to_open;
    match model.screen {
        Screen::Activation => Page::Activation(ActivationView {
            server_url: device.server_url.clone(),
            in_progress: model.lifecycle.is_activating(),
            activated: true,
        }),
        Screen::Opening => {
            let checklist =
                checklist_view(&election.opening_checklist, &model.local.checklist_done, t);
            let checklist_done = checklist.iter().filter(|c| c.done).count();
            let total = checklist.len();
            let enough = model.local.members_draft.len() >= min_members as usize;
            Page::Opening(OpeningView {
                checklist_done: u32::try_from(checklist_done).unwrap_or(0),
                checklist_total: u32::try_from(total).unwrap_or(0),
                can_open: enough && checklist_done == total && day.phase == StationPhase::Setup,
                checklist,
                members: members(&model.local.members_draft, t),
                planned: members(
                    &device
                        .station
                        .planned_staff
                        .iter()
                        .filter(|p| !model.local.members_draft.iter().any(|m| m.name == p.name))
                        .cloned()
                        .collect::<Vec<_>>(),
                    t,
                ),
                min_members,
                opens_at: t.time(election.opens_at),
                already_open: day.phase != StationPhase::Setup,
            })
        }
        Screen::Day => Page::Day(day_view(model, t)),
        Screen::Turnout => {
            let overdue = overdue_moments(model);
            let now = model.election_now().unwrap_or_default();
            let suggested = overdue
                .first()
                .copied()
                .or_else(|| election.next_turnout_moment(now, &day.reported_moments))
                .map_or(TurnoutMoment::AdHoc, TurnoutMoment::Scheduled);
            Page::Turnout(TurnoutView {
                latest: day.latest_turnout_count(),
                expected_voters: station.expected_voters,
                suggested_moment: Some(suggested),
                moments: election
                    .turnout_moments
                    .iter()
                    .map(|m| MomentView {
                        at_ms: m.millis(),
                        label: t.time(*m),
                        reported: day.reported_moments.contains(m),
                        overdue: overdue.contains(m),
                    })
                    .collect(),
                log: model
                    .local
                    .turnout_log
                    .iter()
                    .rev()
                    .map(|e| TurnoutRowView {
                        seq: e.seq,
                        at: t.time(e.recorded_at),
                        count: e.count,
                        moment: match e.moment {
                            TurnoutMoment::Scheduled(m) => t.time(m),
                            TurnoutMoment::AdHoc => t.pick("tussentijds", "ad hoc"),
                        },
                        correction_reason: e.correction_reason.clone(),
                        state: entry_state(model, e.seq),
                    })
                    .collect(),
            })
        }
        Screen::BallotStock => Page::BallotStock(BallotStockView {
            received: day.ballot_stock.as_ref().map(|s| s.received),
            remaining: day.ballot_stock.as_ref().map(|s| s.remaining),
            issued: day
                .ballot_stock
                .as_ref()
                .map(crate::domain::BallotStockReport::issued),
            resupply_requested: day.resupply_requested,
            run_out_at: run_out(model, t),
        }),
        Screen::Staff => Page::Staff(StaffView {
            present: members(&day.members_present, t),
            min_members,
        }),
        Screen::Incidents => Page::Incidents(IncidentsView {
            incidents: model
                .local
                .incidents
                .iter()
                .rev()
                .map(|i| IncidentView {
                    incident_id: i.incident_id.clone(),
                    category: i.category,
                    severity: i.severity,
                    text: i.text.clone(),
                    reported_at: t.time(i.reported_at),
                    status: i.status,
                    status_label: t.status(i.status),
                    state: entry_state(model, i.seq),
                    messages: i
                        .messages
                        .iter()
                        .map(|m| ThreadMessageView {
                            from_station: m.from_station,
                            from: m.from.clone(),
                            text: m.text.clone(),
                            at: t.time(m.at),
                            state: m.seq.map(|s| entry_state(model, s)),
                        })
                        .collect(),
                })
                .collect(),
            messages: messages(model, t),
        }),
        Screen::Result => {
            let draft = &model.local.result_draft;
            Page::Result(ResultView {
                lists: election
                    .lists
                    .iter()
                    .map(|l| ListEntryView {
                        number: l.number,
                        name: l.name.clone(),
                        votes: draft
                            .votes
                            .list_votes
                            .iter()
                            .find(|v| v.list_number == l.number)
                            .map_or(0, |v| v.votes),
                    })
                    .collect(),
                draft: draft.clone(),
                help: result_help(t),
                issues: model.result_issues.iter().map(|i| t.issue(i)).collect(),
                has_errors: model
                    .result_issues
                    .iter()
                    .any(|i| i.severity() == Severity::Error),
                may_submit: matches!(
                    day.phase,
                    StationPhase::Closed | StationPhase::ResultSubmitted
                ),
                submitted: day.phase == StationPhase::ResultSubmitted,
            })
        }
        Screen::Closing => {
            let checklist =
                checklist_view(&election.closing_checklist, &model.local.closing_done, t);
            let checklist_done = checklist.iter().filter(|c| c.done).count();
            let total = checklist.len();
            Page::Closing(ClosingView {
                closes_at: t.time(election.closes_at),
                checklist_done: u32::try_from(checklist_done).unwrap_or(0),
                checklist_total: u32::try_from(total).unwrap_or(0),
                can_close: checklist_done == total && day.phase == StationPhase::Open,
                checklist,
                is_open: day.phase == StationPhase::Open,
                closed: matches!(
                    day.phase,
                    StationPhase::Closed | StationPhase::ResultSubmitted
                ),
            })
        }
        Screen::Summary => Page::Summary(summary::summary(model, t)),
        Screen::Sync => Page::Sync(SyncView {
            operations: model
                .recent_entries()
                .take(SHOWN_OPERATIONS)
                .map(|e| OperationView {
                    seq: e.operation.device_seq,
                    kind: e.operation.report.kind().to_owned(),
                    label: t.report_kind(e.operation.report.kind()),
                    recorded_at: t.time(e.operation.recorded_at),
                    state: e.state,
                    state_label: t.state(e.state),
                    reason: e.refusal.as_ref().map(|r| r.text(t.language)),
                })
                .collect(),
            rejected: model
                .local
                .rejected
                .iter()
                .map(|r| OperationView {
                    seq: r.seq,
                    kind: r.kind.clone(),
                    label: t.report_kind(&r.kind),
                    recorded_at: t.time(r.recorded_at),
                    state: OperationState::Rejected,
                    state_label: t.state(OperationState::Rejected),
                    reason: Some(r.refusal().text(t.language)),
                })
                .collect(),
            protocol_errors: model.protocol_errors,
            device_id: model.device_id.map(|d| d.to_string()).unwrap_or_default(),
        }),
    }
}

fn messages(model: &Model, t: &Texts) -> Vec<MessageView> {
    model
        .local
        .messages
        .iter()
        .rev()
        .map(|m| {
            // A dispatch is said in the chair's language; other messages are as typed.
            let (from, text) = m
                .resupply
                .as_ref()
                .map_or_else(|| (m.from.clone(), m.text.clone()), |r| r.texts(t.language));
            MessageView {
                from,
                text,
                at: t.time(m.sent_at),
            }
        })
        .collect()
}

fn day_view(model: &Model, t: &Texts) -> DayView {
    let day = &model.local.day;
    let mut due = Vec::new();
    if let Some(device) = model.device.as_ref() {
        let election = &device.election;
        match day.phase {
            StationPhase::Setup => due.push(DueView {
                label: t.pick(
                    "Openingschecklist afronden en openen",
                    "Complete the opening checklist and open",
                ),
                at: t.time(election.opens_at),
                overdue: model
                    .election_now()
                    .is_some_and(|now| now > election.opens_at),
                screen: Screen::Opening,
            }),
            StationPhase::Open => {
                for m in overdue_moments(model) {
                    due.push(DueView {
                        label: t.pick("Opkomst doorgeven", "Report turnout"),
                        at: t.time(m),
                        overdue: true,
                        screen: Screen::Turnout,
                    });
                }
                if let Some(next) = model
                    .election_now()
                    .and_then(|now| election.next_turnout_moment(now, &day.reported_moments))
                {
                    due.push(DueView {
                        label: t.pick("Opkomst doorgeven", "Report turnout"),
                        at: t.time(next),
                        overdue: false,
                        screen: Screen::Turnout,
                    });
                }
                due.push(DueView {
                    label: t.pick("Stembureau sluiten", "Close the station"),
                    at: t.time(election.closes_at),
                    overdue: false,
                    screen: Screen::Closing,
                });
            }
            StationPhase::Closed => due.push(DueView {
                label: t.pick("Tellen en uitslag doorgeven", "Count and send the result"),
                at: String::new(),
                overdue: false,
                screen: Screen::Result,
            }),
            StationPhase::ResultSubmitted => {}
        }
    }
    DayView {
        due,
        turnout: day.latest_turnout_count(),
        expected_voters: model
            .device
            .as_ref()
            .and_then(|d| d.station.expected_voters),
        ballots_remaining: day.ballot_stock.as_ref().map(|s| s.remaining),
        ballots_run_out_at: run_out(model, t),
        members_present: u32::try_from(day.members_present.len()).unwrap_or(0),
        open_incidents: u32::try_from(
            model
                .local
                .incidents
                .iter()
                .filter(|i| i.status != IncidentStatus::Resolved)
                .count(),
        )
        .unwrap_or(0),
        messages: messages(model, t),
        queue: (day.phase == StationPhase::Open).then(|| queue_view(model, t)),
    }
}

fn queue_view(model: &Model, t: &Texts) -> QueueView {
    let latest = model.local.day.queue;
    let dutch = t.language == Language::Dutch;
    let option = |length: QueueLength| QueueOptionView {
        label: capitalised(&length.describe(dutch)),
        length,
        selected: latest.is_some_and(|q| q.length == length),
    };
    QueueView {
        title: t.pick("Wachtrij buiten", "Queue outside"),
        current: latest.map(|q| {
            format!(
                "{} ({})",
                capitalised(&q.length.describe(dutch)),
                t.time(q.reported_at)
            )
        }),
        options: vec![
            option(QueueLength::None),
            option(QueueLength::Short),
            option(QueueLength::Long),
        ],
        minutes_label: t.pick("Wachttijd in minuten", "Wait in minutes"),
        minutes_button: t.pick("Wachttijd doorgeven", "Report the wait"),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
