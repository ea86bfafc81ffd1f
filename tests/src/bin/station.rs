//! One simulated polling station for browser end-to-end tests: the real chair's core
//! over a real WebSocket, driven by JSON-line commands on standard input, answering
//! with JSON-line events on standard output (one per command, in order).
//!
//! Commands (`{"cmd": ...}`):
//! - `activate` `{url, code}`: activate with the code at the station endpoint `url`.
//! - `open`: tick the checklist, add three members and open the station.
//! - `turnout` `{count, correction_reason?}`: report cumulative turnout (ad hoc); a
//!   lower count than the last needs the chair's reason.
//! - `queue` `{length}` (`none`, `short`, `long`) or `{minutes}`: report the queue.
//! - `stock` `{received, remaining}`: report the ballot stock.
//! - `incident` `{text}`: report an incident; answers with its `incident_id`.
//! - `incident_message` `{incident_id, text}`: write about an incident.
//! - `arrived` `{name, role}`: a member arrives (`role` as on the wire, e.g. `member`).
//! - `departed` `{name}`: a member leaves.
//! - `shift_change` `{leaving: [name], arriving: [{name, role}]}`: a shift change.
//! - `close`: close the station (confirming the warnings).
//! - `result` `{votes}`: submit a result whose list votes are `votes` (list 1, 2, ...),
//!   confirming the warnings.
//! - `wait_text` `{text, timeout_ms}`: wait until the chair's screen shows `text`
//!   (anywhere in the view, e.g. a message from the control room).
//! - `network` `{up}`: the device's network goes away or comes back.
//! - `event` `{event}`: any core event as JSON (a report's event is a report).
//! - `view`: the current view.
//!
//! Answers are `{"ok": true, "cmd": ..., ...}` or `{"ok": false, "cmd": ..., "error":
//! ...}`; a refused report's answer adds `"refused_by"` (`"core"` or `"server"`) and
//! its refusal `"codes"` (e.g. `["TURNOUT_E01_DECREASE"]`), which `error` names too.
//! Each failure is also written to standard error, and the process exits with status 1
//! at the end of its input if any command failed.
//!
//! A command that makes a report answers ok only once the server has confirmed that
//! report (the core's outbox has it acknowledged), so a test that reads the server
//! right after finds it. Earlier reports are confirmed first (they go in order, and a
//! refusal is then surely this report's). It fails:
//! - at once, when the core refuses the report (its rules, the station's phase), or
//!   asks for warnings to be confirmed (`close` and `result` confirm them, as the
//!   chair would; a pending confirmation is left for `event` `ConfirmWarnings`);
//! - when the server refuses it;
//! - when the server has not confirmed it within the command's `timeout_ms` (20 s
//!   unless told; the report stays on the device and goes when it can).

use std::process::ExitCode;
use std::time::Duration;

use kiesdag_sim::{Station, Storage, WaitError};
use serde_json::{Value, json};
use shared::Event;
use shared::ViewModel;
use shared::app::Screen;
use shared::app::view::{ConnectionState, Page};
use shared::domain::{
    IncidentCategory, IncidentSeverity, ListVotes, ProvisionalResult, QueueLength, StaffMember,
    StaffRole, TransitionError, TurnoutMoment, VotersCounts, VotesCounts,
};
use shared::protocol::transition_message;
use shared::validation::Language;
use tokio::time::Instant;

/// How long a command waits unless it says (`timeout_ms`).
const WAIT: Duration = Duration::from_secs(20);
/// How many times `close` and `result` confirm warnings for one report (each
/// confirmation validates again and may find new ones).
const CONFIRMATIONS: usize = 3;

/// Why a command failed: its answer's `error`, and for a refused report who refused
/// it and the refusal's codes.
#[derive(Debug, Default)]
struct Failure {
    error: String,
    refused_by: Option<&'static str>,
    codes: Vec<String>,
}

impl From<String> for Failure {
    fn from(error: String) -> Self {
        Self {
            error,
            ..Self::default()
        }
    }
}

/// When a command gives up, and after how long (to say so).
#[derive(Clone, Copy)]
struct Deadline {
    at: Instant,
    within: Duration,
}

impl Deadline {
    fn of(command: &Value) -> Self {
        let within = command["timeout_ms"]
            .as_u64()
            .map_or(WAIT, Duration::from_millis);
        Self {
            at: Instant::now() + within,
            within,
        }
    }
}

/// Waits until the view satisfies `done`; `what` says what did not happen in time.
async fn until(
    station: &mut Station,
    deadline: Deadline,
    what: &str,
    done: impl Fn(&ViewModel) -> bool,
) -> Result<ViewModel, Failure> {
    let left = deadline.at.saturating_duration_since(Instant::now());
    match station.wait_for(left, done).await {
        Ok(view) => Ok(view),
        Err(WaitError::Timeout(_)) => {
            let view = station.view();
            Err(format!(
                "{what} within {:?} ({}; {})",
                deadline.within, view.sync.label, view.connection.label
            )
            .into())
        }
        Err(WaitError::Stopped) => Err(format!("{what}: {}", WaitError::Stopped).into()),
    }
}

/// Reports made on the device and not yet confirmed or refused by the server.
fn unfinished(v: &ViewModel) -> u64 {
    u64::from(v.sync.saving)
        .saturating_add(u64::from(v.sync.pending))
        .saturating_add(u64::from(v.sync.sent))
}

/// Reports the core has made on this device so far: each one is unfinished, confirmed
/// or refused by the server.
fn reports_made(v: &ViewModel) -> u64 {
    unfinished(v)
        .saturating_add(v.sync.confirmed)
        .saturating_add(v.sync.rejected)
}

/// Waits until the core has handled every event sent to it so far. The shell hands the
/// core its events one at a time in the order sent, and performs each one's storage
/// and clock effects before the next, so once a marker sent last shows in the view,
/// everything before it is done. The marker is the chair's language switched, then
/// switched back, which changes nothing else. `language` is the language once the
/// events sent are handled: when one of them switches to it, its showing is the sign.
async fn handled(
    station: &mut Station,
    language: Language,
    deadline: Deadline,
) -> Result<ViewModel, Failure> {
    let what = "the core handling the command";
    if station.view().language != language {
        until(station, deadline, what, |v| v.language == language).await?;
    }
    let other = match language {
        Language::Dutch => Language::English,
        Language::English => Language::Dutch,
    };
    station.send(Event::SetLanguage(other));
    until(station, deadline, what, |v| v.language == other).await?;
    station.send(Event::SetLanguage(language));
    until(station, deadline, what, |v| v.language == language).await
}

/// Clears what the chair was last told (a notice, a refused report's issues, and
/// unless `keep_confirmation` a confirmation asked for), so that what shows after the
/// next event is about that event.
async fn clear(
    station: &mut Station,
    deadline: Deadline,
    keep_confirmation: bool,
) -> Result<ViewModel, Failure> {
    let mut view = station.view();
    loop {
        let confirmation = view.confirmation.is_some() && !keep_confirmation;
        if view.notice.is_none() && view.issues.is_empty() && !confirmation {
            return Ok(view);
        }
        if view.notice.is_some() {
            station.send(Event::DismissNotice);
        }
        if !view.issues.is_empty() {
            // Issues go when the chair moves to a screen, this one too.
            station.send(Event::Navigate(view.screen));
        }
        if confirmation {
            station.send(Event::CancelConfirmation);
        }
        view = handled(station, view.language, deadline).await?;
    }
}

/// What to do when the core asks the chair to confirm a report's warnings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Warnings {
    /// Nobody confirmed them: the report was not made, the command fails.
    Refuse,
    /// Confirm them, as the chair does when closing and submitting the result.
    Confirm,
    /// The command's event confirms those asked for before: keep them until it does.
    Pending,
}

/// Makes a report: `send` sends its events (the chair's taps), and this answers once
/// the server has confirmed the report the core made of them. See the module's
/// documentation for when it fails.
async fn report(
    station: &mut Station,
    command: &Value,
    send: impl FnOnce(&Station),
    warnings: Warnings,
) -> Result<ViewModel, Failure> {
    let name = command["cmd"].as_str().unwrap_or_default();
    let deadline = Deadline::of(command);
    until(
        station,
        deadline,
        &format!("{name} not sent: earlier reports not confirmed by the server"),
        |v| unfinished(v) == 0,
    )
    .await?;
    let before = clear(station, deadline, warnings == Warnings::Pending).await?;
    send(station);
    let mut view = handled(station, before.language, deadline).await?;
    let mut confirmed = 0;
    while reports_made(&view) == reports_made(&before) {
        if warnings != Warnings::Confirm
            || view.confirmation.is_none()
            || confirmed == CONFIRMATIONS
        {
            return Err(refused_by_core(name, &view));
        }
        confirmed += 1;
        station.send(Event::ConfirmWarnings);
        view = handled(station, before.language, deadline).await?;
    }
    // Only this report is unfinished: once none is, the server has finished it.
    let view = until(
        station,
        deadline,
        &format!("{name}: the report was not confirmed by the server"),
        |v| unfinished(v) == 0,
    )
    .await?;
    if view.sync.rejected > before.sync.rejected {
        return Err(refused_by_server(station, name, &view).await);
    }
    Ok(view)
}

/// The core made no report of the command's events: why, as the chair is told.
fn refused_by_core(name: &str, view: &ViewModel) -> Failure {
    if let Some(confirmation) = &view.confirmation {
        let warnings: Vec<String> = confirmation
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.code, w.message))
            .collect();
        return Failure {
            error: format!(
                "{name} not sent: the core asks to confirm warnings: {}",
                warnings.join("; ")
            ),
            refused_by: Some("core"),
            codes: confirmation
                .warnings
                .iter()
                .map(|w| w.code.clone())
                .collect(),
        };
    }
    let notice = view
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    let mut codes: Vec<String> = transition_code(&notice)
        .map(String::from)
        .into_iter()
        .collect();
    let mut reasons: Vec<String> = Vec::new();
    if !notice.is_empty() {
        reasons.push(match codes.first() {
            Some(code) => format!("{code}: {notice}"),
            None => notice,
        });
    }
    for issue in &view.issues {
        codes.push(issue.code.clone());
        reasons.push(format!("{}: {}", issue.code, issue.message));
    }
    if reasons.is_empty() {
        reasons.push("the core made no report and said nothing".into());
    }
    Failure {
        error: format!("{name} refused by the core: {}", reasons.join("; ")),
        refused_by: Some("core"),
        codes,
    }
}

/// The code of a station-phase refusal, from the text the core shows for it.
fn transition_code(text: &str) -> Option<&'static str> {
    [
        TransitionError::AlreadyOpen,
        TransitionError::NotOpen,
        TransitionError::AlreadyClosed,
        TransitionError::NotClosed,
        TransitionError::UnknownIncident(String::new()),
        TransitionError::DuplicateIncident(String::new()),
    ]
    .iter()
    .find(|t| {
        [Language::Dutch, Language::English]
            .into_iter()
            .any(|l| transition_message(t, l) == text)
    })
    .map(TransitionError::code)
}

/// The server refused the command's report: its reason, as the chair's sync screen
/// shows it (the newest refusal; earlier reports were finished before this one went).
async fn refused_by_server(station: &mut Station, name: &str, view: &ViewModel) -> Failure {
    // Its own time: the command's may be all but used up by the wait for the server.
    let deadline = Deadline::of(&Value::Null);
    let back = view.screen;
    station.send(Event::Navigate(Screen::Sync));
    let sync = until(station, deadline, "the sync screen", |v| {
        matches!(v.page, Page::Sync(_))
    })
    .await;
    station.send(Event::Navigate(back));
    // Back where the chair was before the answer goes (a `view` next reads it at once).
    let _ = until(station, deadline, "the screen before", |v| v.screen == back).await;
    let reason = match sync.map(|v| v.page) {
        Ok(Page::Sync(page)) => page.rejected.last().and_then(|r| r.reason.clone()),
        _ => None,
    }
    .or_else(|| view.notice.as_ref().map(|n| n.text.clone()))
    .unwrap_or_default();
    Failure {
        error: format!("{name} refused by the server: {reason}"),
        refused_by: Some("server"),
        codes: code_in(&reason).into_iter().collect(),
    }
}

/// The code a refusal's text ends with, in parentheses (`Refusal::text`).
fn code_in(reason: &str) -> Option<String> {
    let (_, code) = reason.trim_end().strip_suffix(')')?.rsplit_once('(')?;
    let is_code = !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    is_code.then(|| code.to_owned())
}

/// Whether the core makes a report of `event` (through its report pipeline).
const fn makes_report(event: &Event) -> bool {
    matches!(
        event,
        Event::OpenStation
            | Event::MemberArrived { .. }
            | Event::MemberDeparted { .. }
            | Event::ShiftChange { .. }
            | Event::ReportBallotStock { .. }
            | Event::RequestResupply { .. }
            | Event::ReportTurnout { .. }
            | Event::ReportQueue { .. }
            | Event::ReportIncident { .. }
            | Event::SendIncidentMessage { .. }
            | Event::CloseStation { .. }
            | Event::SubmitResult
            | Event::ConfirmWarnings
    )
}

fn text_of(command: &Value, field: &str) -> String {
    command[field].as_str().unwrap_or_default().to_owned()
}

fn number(command: &Value, field: &str) -> u32 {
    command[field]
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

fn result(votes: &[u32]) -> ProvisionalResult {
    let total: u32 = votes.iter().sum();
    ProvisionalResult {
        voters: VotersCounts {
            poll_cards: total,
            proxy_certificates: 0,
            voter_cards: 0,
            admitted_voters: total,
        },
        votes: VotesCounts {
            list_votes: votes
                .iter()
                .zip(1..)
                .map(|(&votes, list_number)| ListVotes { list_number, votes })
                .collect(),
            votes_for_candidates: total,
            blank_votes: 0,
            invalid_votes: 0,
            votes_cast: total,
        },
        ..ProvisionalResult::default()
    }
}

/// Makes a report of one event, refusing warnings.
async fn report_event(
    station: &mut Station,
    command: &Value,
    event: Event,
) -> Result<Value, Failure> {
    report(station, command, |s| s.send(event), Warnings::Refuse).await?;
    Ok(json!({}))
}

#[allow(clippy::too_many_lines)]
async fn handle(station: &mut Station, command: &Value) -> Result<Value, Failure> {
    match command["cmd"].as_str().unwrap_or_default() {
        "activate" => {
            let deadline = Deadline::of(command);
            let language = clear(station, deadline, false).await?.language;
            station.send(Event::Activate {
                server_url: text_of(command, "url"),
                activation_code: text_of(command, "code"),
            });
            handled(station, language, deadline).await?;
            let view = until(station, deadline, "activate: not online", |v| {
                (v.station.is_some() && v.connection.state == ConnectionState::Online)
                    || v.notice.as_ref().is_some_and(|n| n.is_error)
            })
            .await?;
            match view.notice {
                Some(notice) if notice.is_error => {
                    Err(format!("activate failed: {}", notice.text).into())
                }
                _ => Ok(json!({})),
            }
        }
        "open" => {
            report(station, command, Station::tap_opening, Warnings::Refuse).await?;
            Ok(json!({}))
        }
        "turnout" => {
            let event = Event::ReportTurnout {
                count: number(command, "count"),
                moment: TurnoutMoment::AdHoc,
                correction_reason: command["correction_reason"].as_str().map(Into::into),
            };
            report_event(station, command, event).await
        }
        "queue" => {
            // "none", "short", "long", or a number of minutes.
            let length = match command["length"].as_str() {
                Some("none") => QueueLength::None,
                Some("short") => QueueLength::Short,
                Some("long") => QueueLength::Long,
                _ => QueueLength::Minutes(number(command, "minutes")),
            };
            report_event(station, command, Event::ReportQueue { length }).await
        }
        "stock" => {
            let event = Event::ReportBallotStock {
                received: number(command, "received"),
                remaining: number(command, "remaining"),
            };
            report_event(station, command, event).await
        }
        "incident" => {
            let text = text_of(command, "text");
            let event = Event::ReportIncident {
                category: IncidentCategory::Accessibility,
                severity: IncidentSeverity::High,
                text: text.clone(),
            };
            report_event(station, command, event).await?;
            station.send(Event::Navigate(Screen::Incidents));
            let view = until(station, Deadline::of(command), "incident: not shown", |v| {
                matches!(&v.page, Page::Incidents(p) if p.incidents.iter().any(|i| i.text == text))
            })
            .await?;
            let Page::Incidents(page) = view.page else {
                return Err(String::from("not on the incidents screen").into());
            };
            let id = page
                .incidents
                .iter()
                .find(|i| i.text == text)
                .map(|i| i.incident_id.clone())
                .unwrap_or_default();
            Ok(json!({ "incident_id": id }))
        }
        "incident_message" => {
            let event = Event::SendIncidentMessage {
                incident_id: text_of(command, "incident_id"),
                text: text_of(command, "text"),
            };
            report_event(station, command, event).await
        }
        "arrived" => {
            let role: StaffRole =
                serde_json::from_value(command["role"].clone()).map_err(|e| e.to_string())?;
            let event = Event::MemberArrived {
                name: text_of(command, "name"),
                role,
            };
            report_event(station, command, event).await
        }
        "departed" => {
            let event = Event::MemberDeparted {
                name: text_of(command, "name"),
            };
            report_event(station, command, event).await
        }
        "shift_change" => {
            let leaving: Vec<String> =
                serde_json::from_value(command["leaving"].clone()).map_err(|e| e.to_string())?;
            let arriving: Vec<StaffMember> =
                serde_json::from_value(command["arriving"].clone()).map_err(|e| e.to_string())?;
            report_event(station, command, Event::ShiftChange { leaving, arriving }).await
        }
        "close" => {
            let close = |s: &Station| {
                s.tap_closing_checklist();
                s.send(Event::CloseStation {
                    voters_in_queue_at_close: 0,
                });
            };
            report(station, command, close, Warnings::Confirm).await?;
            Ok(json!({}))
        }
        "result" => {
            let votes: Vec<u32> = command["votes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_u64().and_then(|n| u32::try_from(n).ok()))
                        .collect()
                })
                .unwrap_or_default();
            let submit = |s: &Station| {
                s.send(Event::EditResult(result(&votes)));
                s.send(Event::SubmitResult);
            };
            report(station, command, submit, Warnings::Confirm).await?;
            Ok(json!({}))
        }
        "wait_text" => {
            let text = text_of(command, "text");
            let within = Duration::from_millis(command["timeout_ms"].as_u64().unwrap_or(20_000));
            // Messages show on the day screen, incident answers on the incidents one.
            let screens = [Screen::Day, Screen::Incidents];
            let deadline = tokio::time::Instant::now() + within;
            let mut turn = 0usize;
            loop {
                station.send(Event::Navigate(screens[turn % 2]));
                turn += 1;
                let shown = station
                    .wait_for(Duration::from_millis(250), |v| {
                        serde_json::to_string(v).is_ok_and(|s| s.contains(&text))
                    })
                    .await;
                if shown.is_ok() {
                    return Ok(json!({ "text": text }));
                }
                if tokio::time::Instant::now() >= deadline {
                    return Err(format!("{text:?} not shown within {within:?}").into());
                }
            }
        }
        "network" => {
            let up = command["up"].as_bool().unwrap_or(true);
            station.set_network(up);
            if !up {
                // The socket task sees the change on its own time: until the core knows
                // it is offline, a report could still go out on the old connection.
                station
                    .wait_for(Duration::from_secs(5), |v| {
                        v.connection.state != shared::app::view::ConnectionState::Online
                    })
                    .await
                    .map_err(|_| {
                        Failure::from(
                            "the connection stayed online after the network went down".to_owned(),
                        )
                    })?;
            }
            Ok(json!({}))
        }
        "event" => {
            let event: Event =
                serde_json::from_value(command["event"].clone()).map_err(|e| e.to_string())?;
            if makes_report(&event) {
                let warnings = if matches!(event, Event::ConfirmWarnings) {
                    Warnings::Pending
                } else {
                    Warnings::Refuse
                };
                report(station, command, |s| s.send(event), warnings).await?;
            } else {
                let language = match event {
                    Event::SetLanguage(language) => language,
                    _ => station.view().language,
                };
                station.send(event);
                handled(station, language, Deadline::of(command)).await?;
            }
            Ok(json!({}))
        }
        "view" => serde_json::to_value(station.view()).map_err(|e| e.to_string().into()),
        other => Err(format!("unknown command {other:?}").into()),
    }
}

/// The answer line to one command line.
pub async fn answer(station: &mut Station, line: &str) -> Value {
    let command = match serde_json::from_str::<Value>(line) {
        Ok(command) => command,
        Err(e) => return json!({ "ok": false, "error": format!("not JSON: {e}") }),
    };
    match handle(station, &command).await {
        Ok(mut fields) => {
            fields["ok"] = json!(true);
            fields["cmd"] = command["cmd"].clone();
            fields
        }
        Err(failure) => {
            let mut answer = json!({ "ok": false, "cmd": command["cmd"], "error": failure.error });
            if let Some(by) = failure.refused_by {
                answer["refused_by"] = json!(by);
                answer["codes"] = json!(failure.codes);
            }
            answer
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let (lines, mut commands) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut station = Station::start(Storage::default());
    let mut failed = 0u64;
    while let Some(line) = commands.recv().await {
        if line.trim().is_empty() {
            continue;
        }
        let answer = answer(&mut station, &line).await;
        if answer["ok"] != true {
            failed = failed.saturating_add(1);
            eprintln!(
                "station: {} failed: {}",
                answer["cmd"].as_str().unwrap_or("?"),
                answer["error"].as_str().unwrap_or_default()
            );
        }
        println!("{answer}");
    }
    if failed > 0 {
        eprintln!("station: {failed} command(s) failed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
