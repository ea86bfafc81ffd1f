//! The chair's app as a Crux `App`: the whole behaviour of the day, with no I/O.
//! The shell sends `Event`s, performs the `Effect`s it is asked for, and renders the
//! `ViewModel`.

mod actions;
pub mod effects;
mod engine;
pub mod lifecycle;
pub mod model;
mod persist;
pub mod session;
pub mod sync;
pub mod view;

use crux_core::{App, Command, macros::effect, render::RenderOperation};
use crux_kv::KeyValueOperation;
use crux_time::TimeRequest;
use facet::Facet;
use serde::{Deserialize, Serialize};

use crate::domain::{
    IncidentCategory, IncidentSeverity, ProvisionalResult, QueueLength, StaffMember, StaffRole,
    Timestamp, TurnoutMoment, Urgency,
};
use crate::validation::Language;
use effects::{
    storage::Stored,
    websocket::{WebSocketEvent, WebSocketOperation},
};
pub use model::{Model, Screen};
pub use view::ViewModel;

/// What the shell tells the core: the chair's taps and the app's life cycle.
#[derive(Facet, Serialize, Deserialize, Debug)]
#[repr(C)]
pub enum Event {
    /// The app started (or restarted): read the stored state.
    Start,
    SetLanguage(Language),
    Navigate(Screen),
    /// Activate this device for a station with the code the municipality issued.
    Activate {
        server_url: String,
        activation_code: String,
    },
    // Opening.
    ToggleChecklistItem {
        item_id: String,
    },
    AddMember {
        name: String,
        role: StaffRole,
    },
    RemoveMember {
        name: String,
    },
    OpenStation,
    // Staff during the day.
    MemberArrived {
        name: String,
        role: StaffRole,
    },
    MemberDeparted {
        name: String,
    },
    ShiftChange {
        leaving: Vec<String>,
        arriving: Vec<StaffMember>,
    },
    // Ballot papers.
    ReportBallotStock {
        received: u32,
        remaining: u32,
    },
    RequestResupply {
        quantity: u32,
        urgency: Urgency,
        note: String,
    },
    // Turnout.
    ReportTurnout {
        count: u32,
        moment: TurnoutMoment,
        correction_reason: Option<String>,
    },
    // The queue outside, with one tap.
    ReportQueue {
        length: QueueLength,
    },
    // Incidents and messages.
    ReportIncident {
        category: IncidentCategory,
        severity: IncidentSeverity,
        text: String,
    },
    SendIncidentMessage {
        incident_id: String,
        text: String,
    },
    // Closing and the count.
    /// An item of the closing checklist done, or undone.
    ToggleClosingItem {
        item_id: String,
    },
    CloseStation {
        voters_in_queue_at_close: u32,
    },
    EditResult(ProvisionalResult),
    SubmitResult,
    // Confirmation of warnings, notices, sync.
    ConfirmWarnings,
    CancelConfirmation,
    DismissNotice,
    DismissRejected {
        seq: u64,
    },
    ReconnectNow,

    /// Answers to the core's own effects; never sent by a shell.
    #[serde(skip)]
    #[facet(skip)]
    Internal(#[facet(opaque)] Internal),
}

/// Events the core sends itself when an effect completes.
#[derive(Debug)]
pub enum Internal {
    Restored(Stored),
    Clock(Option<Timestamp>),
    /// The server's clock said `server_time`; `now` is the device's clock read just
    /// after.
    ServerClock {
        server_time: Timestamp,
        now: Option<Timestamp>,
    },
    Tick,
    Submit {
        report: crate::domain::Report,
        confirmed: Vec<String>,
        now: Option<Timestamp>,
    },
    OperationStored {
        seq: u64,
        result: Result<(), String>,
    },
    DayStored(Result<(), String>),
    DeviceStored(Result<(), String>),
    KeyDeleted {
        seq: u64,
        result: Result<(), String>,
    },
    Socket {
        generation: u64,
        event: WebSocketEvent,
    },
    Retry {
        generation: u64,
    },
    /// The watchdog's period passed on connection `generation`.
    Watchdog {
        generation: u64,
    },
}

#[effect(facet_typegen)]
#[derive(Debug)]
pub enum Effect {
    Render(RenderOperation),
    KeyValue(KeyValueOperation),
    Time(TimeRequest),
    WebSocket(WebSocketOperation),
}

#[derive(Default)]
pub struct ChairApp;

impl App for ChairApp {
    type Event = Event;
    type Model = Model;
    type ViewModel = ViewModel;
    type Effect = Effect;

    fn update(&self, event: Event, model: &mut Model) -> Command<Effect, Event> {
        if !model.lifecycle.is_restored() && !matches!(event, Event::Start | Event::Internal(_)) {
            // Taps before the stored state is read would act on an empty state.
            return Command::done();
        }
        match event {
            Event::Start => engine::start(model),
            Event::Internal(internal) => internal_event(internal, model),
            Event::SetLanguage(language) => {
                model.local.language = language;
                Command::all([persist::day(model), crux_core::render::render()])
            }
            Event::Navigate(screen) => {
                model.screen = screen;
                model.issues.clear();
                crux_core::render::render()
            }
            Event::Activate {
                server_url,
                activation_code,
            } => session::activate(model, server_url, activation_code),
            Event::ReconnectNow => session::reconnect_now(model),
            Event::DismissNotice => {
                model.notice = None;
                crux_core::render::render()
            }
            Event::DismissRejected { seq } => {
                model.local.rejected.retain(|r| r.seq != seq);
                Command::all([persist::day(model), crux_core::render::render()])
            }
            chair_action => actions::handle(chair_action, model),
        }
    }

    fn view(&self, model: &Model) -> ViewModel {
        view::view(model)
    }
}

fn internal_event(event: Internal, model: &mut Model) -> Command<Effect, Event> {
    match event {
        Internal::Restored(stored) => engine::restored(model, stored),
        Internal::Clock(now) => engine::clock(model, now),
        Internal::ServerClock { server_time, now } => {
            session::server_clock(model, server_time, now)
        }
        Internal::Tick => session::tick(model),
        Internal::Submit {
            report,
            confirmed,
            now,
        } => actions::submit(model, report, confirmed, now),
        Internal::OperationStored { seq, result } => engine::operation_stored(model, seq, result),
        Internal::DayStored(result) => persist::day_stored(model, result),
        Internal::DeviceStored(result) => persist::storage_result(model, result),
        Internal::KeyDeleted { seq, result } => persist::key_deleted(model, seq, result),
        Internal::Socket { generation, event } => engine::socket(model, generation, event),
        Internal::Retry { generation } => session::retry(model, generation),
        Internal::Watchdog { generation } => session::watchdog(model, generation),
    }
}
