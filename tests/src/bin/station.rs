//! One simulated polling station for browser end-to-end tests: the real chair's core
//! over a real WebSocket, driven by JSON-line commands on standard input, answering
//! with JSON-line events on standard output (one per command, in order).
//!
//! Commands (`{"cmd": ...}`):
//! - `activate` `{url, code}`: activate with the code at the station endpoint `url`.
//! - `open`: tick the checklist, add three members and open the station.
//! - `turnout` `{count}`: report cumulative turnout (ad hoc).
//! - `stock` `{received, remaining}`: report the ballot stock.
//! - `incident` `{text}`: report an incident; answers with its `incident_id`.
//! - `incident_message` `{incident_id, text}`: write about an incident.
//! - `arrived` `{name, role}`: a member arrives (`role` as on the wire, e.g. `member`).
//! - `departed` `{name}`: a member leaves.
//! - `shift_change` `{leaving: [name], arriving: [{name, role}]}`: a shift change.
//! - `close`: close the station (confirming the warnings).
//! - `result` `{votes}`: submit a result whose list votes are `votes` (list 1, 2, ...).
//! - `wait_text` `{text, timeout_ms}`: wait until the chair's screen shows `text`
//!   (anywhere in the view, e.g. a message from the control room).
//! - `network` `{up}`: the device's network goes away or comes back.
//! - `event` `{event}`: any core event as JSON.
//! - `view`: the current view.
//!
//! Each report waits until the server has confirmed it. Answers are `{"ok": true, ...}`
//! or `{"ok": false, "error": ...}`.

use std::time::Duration;

use kiesdag_sim::{Station, Storage};
use serde_json::{Value, json};
use shared::Event;
use shared::ViewModel;
use shared::app::Screen;
use shared::app::view::{ConnectionState, Page};
use shared::domain::{
    IncidentCategory, IncidentSeverity, ListVotes, ProvisionalResult, QueueLength, StaffMember,
    StaffRole, StationPhase, TurnoutMoment, VotersCounts, VotesCounts,
};

const WAIT: Duration = Duration::from_secs(20);

fn synced(v: &ViewModel) -> bool {
    v.sync.pending + v.sync.sent + v.sync.saving == 0
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

async fn wait(
    station: &mut Station,
    done: impl Fn(&ViewModel) -> bool,
) -> Result<ViewModel, String> {
    station
        .wait_for(WAIT, done)
        .await
        .map_err(|e| e.to_string())
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

async fn handle(station: &mut Station, command: &Value) -> Result<Value, String> {
    match command["cmd"].as_str().unwrap_or_default() {
        "activate" => {
            station.send(Event::Activate {
                server_url: text_of(command, "url"),
                activation_code: text_of(command, "code"),
            });
            wait(station, |v| v.connection.state == ConnectionState::Online).await?;
            Ok(json!({}))
        }
        "open" => {
            station.tap_opening();
            wait(station, |v| v.phase == StationPhase::Open && synced(v)).await?;
            Ok(json!({}))
        }
        "turnout" => {
            station.send(Event::ReportTurnout {
                count: number(command, "count"),
                moment: TurnoutMoment::AdHoc,
                correction_reason: None,
            });
            wait(station, synced).await?;
            Ok(json!({}))
        }
        "queue" => {
            // "none", "short", "long", or a number of minutes.
            let length = match command["length"].as_str() {
                Some("none") => QueueLength::None,
                Some("short") => QueueLength::Short,
                Some("long") => QueueLength::Long,
                _ => QueueLength::Minutes(number(command, "minutes")),
            };
            station.send(Event::ReportQueue { length });
            wait(station, synced).await?;
            Ok(json!({}))
        }
        "stock" => {
            station.send(Event::ReportBallotStock {
                received: number(command, "received"),
                remaining: number(command, "remaining"),
            });
            wait(station, synced).await?;
            Ok(json!({}))
        }
        "incident" => {
            let text = text_of(command, "text");
            station.send(Event::ReportIncident {
                category: IncidentCategory::Accessibility,
                severity: IncidentSeverity::High,
                text: text.clone(),
            });
            station.send(Event::Navigate(Screen::Incidents));
            let view = wait(station, |v| {
                synced(v)
                    && matches!(&v.page, Page::Incidents(p) if p.incidents.iter().any(|i| i.text == text))
            })
            .await?;
            let Page::Incidents(page) = view.page else {
                return Err("not on the incidents screen".into());
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
            station.send(Event::SendIncidentMessage {
                incident_id: text_of(command, "incident_id"),
                text: text_of(command, "text"),
            });
            wait(station, synced).await?;
            Ok(json!({}))
        }
        "arrived" => {
            let role: StaffRole =
                serde_json::from_value(command["role"].clone()).map_err(|e| e.to_string())?;
            station.send(Event::MemberArrived {
                name: text_of(command, "name"),
                role,
            });
            wait(station, synced).await?;
            Ok(json!({}))
        }
        "departed" => {
            station.send(Event::MemberDeparted {
                name: text_of(command, "name"),
            });
            wait(station, synced).await?;
            Ok(json!({}))
        }
        "shift_change" => {
            let leaving: Vec<String> =
                serde_json::from_value(command["leaving"].clone()).map_err(|e| e.to_string())?;
            let arriving: Vec<StaffMember> =
                serde_json::from_value(command["arriving"].clone()).map_err(|e| e.to_string())?;
            station.send(Event::ShiftChange { leaving, arriving });
            wait(station, synced).await?;
            Ok(json!({}))
        }
        "close" => {
            station.tap_closing_checklist();
            station.send(Event::CloseStation {
                voters_in_queue_at_close: 0,
            });
            let view = wait(station, |v| {
                v.confirmation.is_some() || v.phase == StationPhase::Closed
            })
            .await?;
            if view.confirmation.is_some() {
                station.send(Event::ConfirmWarnings);
            }
            wait(station, |v| v.phase == StationPhase::Closed && synced(v)).await?;
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
            station.send(Event::EditResult(result(&votes)));
            station.send(Event::SubmitResult);
            let view = wait(station, |v| {
                v.confirmation.is_some() || v.phase == StationPhase::ResultSubmitted
            })
            .await?;
            if view.confirmation.is_some() {
                station.send(Event::ConfirmWarnings);
            }
            wait(station, |v| {
                v.phase == StationPhase::ResultSubmitted && synced(v)
            })
            .await?;
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
                    return Err(format!("{text:?} not shown within {within:?}"));
                }
            }
        }
        "network" => {
            station.set_network(command["up"].as_bool().unwrap_or(true));
            Ok(json!({}))
        }
        "event" => {
            let event: Event =
                serde_json::from_value(command["event"].clone()).map_err(|e| e.to_string())?;
            station.send(event);
            Ok(json!({}))
        }
        "view" => serde_json::to_value(station.view()).map_err(|e| e.to_string()),
        other => Err(format!("unknown command {other:?}")),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
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
    while let Some(line) = commands.recv().await {
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(command) => match handle(&mut station, &command).await {
                Ok(mut fields) => {
                    fields["ok"] = json!(true);
                    fields["cmd"] = command["cmd"].clone();
                    fields
                }
                Err(error) => json!({ "ok": false, "cmd": command["cmd"], "error": error }),
            },
            Err(e) => json!({ "ok": false, "error": format!("not JSON: {e}") }),
        };
        println!("{answer}");
    }
}
