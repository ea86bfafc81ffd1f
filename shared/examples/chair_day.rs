//! The chair's day through the real core, printed as the chair sees it: activation,
//! opening, turnout, a lost connection with reports queued, a restart of the app,
//! an incident answered by the control room, closing and the provisional result.
//! The server here is the simulated one from the tests; the real one comes with
//! `kiesdag demo`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../tests/support/mod.rs"]
mod support;

use shared::Event;
use shared::app::Screen;
use shared::app::view::{Page, ViewModel};
use shared::domain::{
    IncidentCategory, IncidentSeverity, IncidentStatus, ProvisionalResult, StaffRole, Timestamp,
    TurnoutMoment, Urgency,
};
use shared::protocol::{ServerMessage, StationMessage, encode};
use support::server::{CODE, SimServer};
use support::{CLOSES, OPENS, Shell};

fn show(step: &str, view: &ViewModel) {
    println!("\n== {step}");
    if let Some(station) = &view.station {
        println!(
            "   {} — {} ({})",
            station.election_name, station.station_name, station.location
        );
    }
    println!(
        "   {} | {:?} | {} | {}",
        view.clock, view.phase, view.connection.label, view.sync.label
    );
    if let Some(notice) = &view.notice {
        println!(
            "   {} {}",
            if notice.is_error { "!!" } else { "i " },
            notice.text
        );
    }
    if let Some(confirmation) = &view.confirmation {
        println!("   ?? {}", confirmation.title);
        for w in &confirmation.warnings {
            println!("      - {} ({})", w.message, w.code);
        }
    }
    for issue in &view.issues {
        println!(
            "   !! {} ({}; {})",
            issue.message,
            issue.code,
            issue.fields.join(", ")
        );
    }
    match &view.page {
        Page::Activation(a) => println!("   [activation] server {}", a.server_url),
        Page::Opening(o) => println!(
            "   [opening] checklist {}/{}, members {} (min {}), can open: {}",
            o.checklist_done,
            o.checklist_total,
            o.members.len(),
            o.min_members,
            o.can_open
        ),
        Page::Day(d) => {
            println!(
                "   [overview] turnout {:?} of {:?} expected, ballots left {:?}, {} present, {} open incidents",
                d.turnout,
                d.expected_voters,
                d.ballots_remaining,
                d.members_present,
                d.open_incidents
            );
            for due in &d.due {
                println!(
                    "      {} {} {}",
                    if due.overdue { "LATE" } else { "next" },
                    due.at,
                    due.label
                );
            }
        }
        Page::Turnout(t) => {
            for row in t.log.iter().take(5) {
                println!(
                    "   [turnout] {} {} at {} — {:?}",
                    row.moment, row.count, row.at, row.state
                );
            }
        }
        Page::BallotStock(s) => println!(
            "   [ballots] received {:?}, remaining {:?}, resupply asked {}, runs out at {:?}",
            s.received, s.remaining, s.resupply_requested, s.run_out_at
        ),
        Page::Staff(s) => println!(
            "   [staff] {}",
            s.present
                .iter()
                .map(|m| format!("{} ({})", m.name, m.role_label))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Page::Incidents(i) => {
            for incident in &i.incidents {
                println!(
                    "   [incident] {} — {} ({:?})",
                    incident.text, incident.status_label, incident.state
                );
                for m in &incident.messages {
                    println!(
                        "      {} {}: {}",
                        m.at,
                        if m.from_station { "station" } else { &m.from },
                        m.text
                    );
                }
            }
        }
        Page::Result(r) => println!(
            "   [result] {} lists, {} issues, may submit: {}, submitted: {}",
            r.lists.len(),
            r.issues.len(),
            r.may_submit,
            r.submitted
        ),
        Page::Closing(c) => println!(
            "   [closing] closes at {}, checklist {}/{}, can close: {}",
            c.closes_at, c.checklist_done, c.checklist_total, c.can_close
        ),
        Page::Summary(s) => {
            println!("   [summary] {} — {}", s.title, s.printed_at);
            for r in &s.reports {
                let figures: Vec<String> = r
                    .figures
                    .iter()
                    .map(|f| format!("{}: {}", f.label, f.value))
                    .collect();
                println!(
                    "   [summary] {} {} ({}) — {}",
                    r.at,
                    r.label,
                    figures.join(", "),
                    r.state_label
                );
            }
            println!("   [summary] {}", s.note);
        }
        Page::Sync(s) => {
            for op in s.operations.iter().take(6) {
                println!(
                    "   [sync] #{} {} {} — {}",
                    op.seq, op.kind, op.recorded_at, op.state_label
                );
            }
        }
    }
}

fn main() {
    let mut server = SimServer::new();
    let mut shell = Shell::new();
    shell.send(Event::Start);
    show("The app starts on a new phone", &shell.view());

    shell.send(Event::Activate {
        server_url: "wss://kiesdag.rotterdam.example/ws".into(),
        activation_code: CODE.into(),
    });
    shell.sync_with(&mut server);
    show("Activated with the station's code", &shell.view());

    for item in &server.election.opening_checklist {
        shell.send(Event::ToggleChecklistItem {
            item_id: item.id.clone(),
        });
    }
    shell.send(Event::AddMember {
        name: "Anna de Vries".into(),
        role: StaffRole::Chair,
    });
    shell.send(Event::AddMember {
        name: "Bram Jansen".into(),
        role: StaffRole::Member,
    });
    shell.now_ms = OPENS;
    shell.send(Event::OpenStation);
    shell.sync_with(&mut server);
    show("Trying to open with two members", &shell.view());

    shell.send(Event::AddMember {
        name: "Chris Bakker".into(),
        role: StaffRole::Member,
    });
    shell.send(Event::OpenStation);
    shell.sync_with(&mut server);
    show("Opened at 07:30", &shell.view());

    shell.advance(150 * 60_000);
    shell.sync_with(&mut server);
    shell.send(Event::ReportTurnout {
        count: 412,
        moment: TurnoutMoment::Scheduled(server.election.turnout_moments[0]),
        correction_reason: None,
    });
    shell.send(Event::ReportBallotStock {
        received: 1_500,
        remaining: 1_088,
    });
    shell.sync_with(&mut server);
    shell.send(Event::Navigate(Screen::Turnout));
    show("Turnout at 10:00 confirmed by the server", &shell.view());

    shell.drop_connection();
    shell.advance(45 * 60_000);
    shell.send(Event::ReportTurnout {
        count: 655,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    shell.send(Event::RequestResupply {
        quantity: 500,
        urgency: Urgency::High,
        note: "Drukker dan verwacht".into(),
    });
    shell.send(Event::Navigate(Screen::Day));
    show(
        "The signal is gone: reports wait on the phone",
        &shell.view(),
    );

    shell.restart();
    show("The app was killed and started again", &shell.view());
    shell.advance(60_000);
    shell.sync_with(&mut server);
    show("Back online: everything delivered once", &shell.view());

    shell.send(Event::ReportIncident {
        category: IncidentCategory::Accessibility,
        severity: IncidentSeverity::Medium,
        text: "Rolstoelhelling ontbreekt bij de zij-ingang".into(),
    });
    shell.sync_with(&mut server);
    shell.send(Event::Navigate(Screen::Incidents));
    let Page::Incidents(page) = shell.page() else {
        unreachable!()
    };
    let id = page.incidents[0].incident_id.clone();
    shell.receive(encode(&ServerMessage::IncidentStatus {
        incident_id: id.clone(),
        status: IncidentStatus::InProgress,
    }));
    shell.receive(encode(&ServerMessage::Message(StationMessage {
        message_id: "m-1".into(),
        incident_id: Some(id),
        from: "Regiekamer".into(),
        text: "Gemeentewerken brengt een helling, binnen 30 minuten.".into(),
        sent_at: Timestamp(shell.now_ms),
        resupply: None,
    })));
    show("The control room answers the incident", &shell.view());

    shell.now_ms = CLOSES;
    shell.send(Event::Navigate(Screen::Summary));
    show(
        "The day's summary, to print: every report and whether it arrived",
        &shell.view(),
    );
    shell.send(Event::Navigate(Screen::Closing));
    shell.tick_closing_checklist(&server);
    show("The closing checklist done", &shell.view());
    shell.send(Event::CloseStation {
        voters_in_queue_at_close: 3,
    });
    shell.sync_with(&mut server);
    // One ballot more in the box than admitted voters, not yet accounted for.
    let mut result = ProvisionalResult {
        more_ballots_counted: 0,
        explanation: String::new(),
        ..shared::fixtures::result((950, 31, 12), &[512, 301, 122, 48], 6, 5)
    };
    shell.send(Event::EditResult(result.clone()));
    shell.send(Event::SubmitResult);
    show("The count: the arithmetic does not add up", &shell.view());
    result.more_ballots_counted = 1;
    result.explanation = "Eén stembiljet meer in de bus dan toegelaten kiezers".into();
    shell.send(Event::EditResult(result));
    shell.send(Event::SubmitResult);
    shell.sync_with(&mut server);
    show("Provisional result sent and confirmed", &shell.view());
    println!(
        "\nThe server applied {} operations, each once, in the device's order.",
        server.applied.len()
    );
}
