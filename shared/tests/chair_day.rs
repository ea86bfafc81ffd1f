//! The chair's whole day, driven through the real core's `update` and the commands
//! it returns, with a Rust shell performing the effects and a simulated server.

mod support;

use shared::Event;
use shared::app::Screen;
use shared::app::sync::OperationState;
use shared::app::view::{ConnectionState, IssueSeverity, Page};
use shared::domain::{
    IncidentCategory, IncidentSeverity, IncidentStatus, ProvisionalResult, QueueLength, StaffRole,
    StationPhase, Timestamp, TurnoutMoment, Urgency, VotersCounts,
};
use shared::protocol::{ResupplyNotice, ServerMessage, StationMessage, encode};
use shared::validation::Language;
use support::server::{CODE, SimServer};
use support::{CLOSES, OPENING_STAFF, OPENS, Shell, opened_station};

fn started() -> Shell {
    let mut shell = Shell::new();
    shell.send(Event::Start);
    shell
}

fn activated(server: &mut SimServer) -> Shell {
    Shell::activated(server)
}

fn open_station(shell: &mut Shell, server: &mut SimServer) {
    shell.open_station(server, &OPENING_STAFF);
}

fn issue_codes(shell: &Shell) -> Vec<String> {
    shell.view().issues.iter().map(|i| i.code.clone()).collect()
}

#[test]
fn activation_with_a_wrong_code_is_refused_and_a_right_code_binds_the_station() {
    let mut server = SimServer::new();
    let mut shell = started();
    assert_eq!(shell.view().screen, Screen::Activation);
    assert!(shell.view().station.is_none());
    assert!(
        shell.view().control_room_phone.is_none(),
        "no number before activation"
    );

    shell.send(Event::Activate {
        server_url: "wss://kiesdag.example/ws".into(),
        activation_code: "WRONG".into(),
    });
    assert!(shell.view().busy, "the tap shows it was received");
    shell.sync_with(&mut server);
    let view = shell.view();
    assert!(
        view.notice
            .as_ref()
            .is_some_and(|n| n.is_error && n.text.contains("activeringscode")),
        "{view:?}"
    );
    assert!(view.station.is_none());
    assert!(!view.busy);

    shell.send(Event::Activate {
        server_url: "wss://kiesdag.example/ws".into(),
        activation_code: CODE.into(),
    });
    shell.sync_with(&mut server);
    let view = shell.view();
    assert_eq!(view.screen, Screen::Opening);
    assert_eq!(
        view.control_room_phone.as_deref(),
        Some("010 123 45 67"),
        "the control room's number, on every screen from now on"
    );
    assert_eq!(view.station.unwrap().station_number, 12);
    assert_eq!(view.connection.state, ConnectionState::Online);
    assert!(
        shell.store.contains_key("device"),
        "activation is stored on the device"
    );
}

/// The staff the municipality planned is offered on the opening screen; a planned
/// member once added is no longer offered.
#[test]
fn planned_staff_is_offered_when_registering_members() {
    let mut server = SimServer::new();
    server.station.planned_staff = vec![
        shared::domain::StaffMember {
            name: "An Peeters".into(),
            role: StaffRole::Chair,
        },
        shared::domain::StaffMember {
            name: "Jan Claes".into(),
            role: StaffRole::Member,
        },
    ];
    let mut shell = activated(&mut server);
    let Page::Opening(opening) = shell.page() else {
        panic!("not on the opening screen")
    };
    assert_eq!(
        opening
            .planned
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["An Peeters", "Jan Claes"]
    );
    assert_eq!(opening.planned[0].role_label, "Voorzitter");
    let chosen = opening.planned[0].clone();
    shell.send(Event::AddMember {
        name: chosen.name,
        role: chosen.role,
    });
    let Page::Opening(opening) = shell.page() else {
        panic!()
    };
    assert_eq!(opening.members.len(), 1);
    assert_eq!(
        opening
            .planned
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["Jan Claes"]
    );
}

#[test]
fn opening_is_refused_with_too_few_members_then_allowed() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    for item in &server.election.opening_checklist {
        shell.send(Event::ToggleChecklistItem {
            item_id: item.id.clone(),
        });
    }
    shell.send(Event::AddMember {
        name: "Anna".into(),
        role: StaffRole::Chair,
    });
    shell.send(Event::AddMember {
        name: "Bram".into(),
        role: StaffRole::Member,
    });
    let Page::Opening(opening) = shell.page() else {
        panic!("not on the opening screen")
    };
    assert!(!opening.can_open);
    assert_eq!(opening.checklist_done, opening.checklist_total);

    shell.now_ms = OPENS;
    shell.send(Event::OpenStation);
    shell.sync_with(&mut server);
    assert_eq!(issue_codes(&shell), ["OPENING_E01_TOO_FEW_MEMBERS"]);
    assert_eq!(shell.view().phase, StationPhase::Setup);
    assert!(server.applied.is_empty(), "nothing was sent");

    shell.send(Event::AddMember {
        name: "Chris".into(),
        role: StaffRole::Member,
    });
    let Page::Opening(opening) = shell.page() else {
        panic!()
    };
    assert!(opening.can_open);
    shell.send(Event::OpenStation);
    shell.sync_with(&mut server);
    let view = shell.view();
    assert_eq!(view.phase, StationPhase::Open);
    assert_eq!(view.screen, Screen::Day);
    assert_eq!(server.applied.len(), 1);
    assert_eq!(server.day.phase, StationPhase::Open);
    assert_eq!(view.sync.confirmed, 1);
}

#[test]
fn opening_before_opening_time_is_refused() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    // open_station sets the clock to opening time; a fresh device before it:
    let mut early = activated(&mut SimServer::new());
    for item in &server.election.opening_checklist {
        early.send(Event::ToggleChecklistItem {
            item_id: item.id.clone(),
        });
    }
    for name in ["a", "b", "c"] {
        early.send(Event::AddMember {
            name: name.into(),
            role: StaffRole::Member,
        });
    }
    early.now_ms = OPENS - 60_000;
    early.send(Event::OpenStation);
    assert_eq!(issue_codes(&early), ["OPENING_E03_TOO_EARLY"]);
}

#[test]
fn every_report_shows_saving_then_pending_then_confirmed() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.hold_storage = true;
    shell.send(Event::ReportTurnout {
        count: 120,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    let view = shell.view();
    assert!(view.busy);
    assert_eq!(
        view.sync.saving, 1,
        "written to the outbox before anything else"
    );
    shell.drop_connection();
    shell.flush_all_storage();
    assert_eq!(shell.view().sync.pending, 1);
    assert_eq!(shell.view().connection.state, ConnectionState::Offline);
    shell.hold_storage = false;
    shell.advance(120_000); // the retry timer fires
    shell.sync_with(&mut server);
    let view = shell.view();
    assert_eq!(view.sync.pending + view.sync.sent + view.sync.saving, 0);
    assert_eq!(view.sync.confirmed, 2);
    shell.send(Event::Navigate(Screen::Turnout));
    let Page::Turnout(turnout) = shell.page() else {
        panic!()
    };
    assert_eq!(turnout.latest, Some(120));
    assert_eq!(turnout.log[0].state, OperationState::Confirmed);
}

#[test]
fn a_lower_turnout_needs_a_correction_reason() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.send(Event::ReportTurnout {
        count: 300,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    shell.sync_with(&mut server);
    shell.send(Event::ReportTurnout {
        count: 290,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    shell.sync_with(&mut server);
    assert_eq!(issue_codes(&shell), ["TURNOUT_E01_DECREASE"]);
    assert!(
        shell.view().issues[0]
            .fields
            .contains(&"correction_reason".to_owned())
    );
    assert_eq!(server.applied.len(), 2, "opening and the first count only");

    shell.send(Event::ReportTurnout {
        count: 290,
        moment: TurnoutMoment::AdHoc,
        correction_reason: Some("dubbel geteld".into()),
    });
    shell.sync_with(&mut server);
    assert!(shell.view().issues.is_empty());
    assert_eq!(server.applied.len(), 3);
    assert_eq!(server.day.latest_turnout_count(), Some(290));
}

#[test]
fn turnout_moments_are_due_and_overdue_on_the_overview() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    let first = server.election.turnout_moments[0];
    shell.advance(first.millis() - shell.now_ms + 25 * 60_000);
    shell.sync_with(&mut server);
    let Page::Day(day) = shell.page() else {
        panic!()
    };
    assert!(
        day.due
            .iter()
            .any(|d| d.overdue && d.screen == Screen::Turnout && d.at == "10:00"),
        "{day:?}"
    );
    let turnout_nav = shell
        .view()
        .navigation
        .into_iter()
        .find(|n| n.screen == Screen::Turnout)
        .unwrap();
    assert_eq!(turnout_nav.badge, 1);

    shell.send(Event::Navigate(Screen::Turnout));
    let Page::Turnout(t) = shell.page() else {
        panic!()
    };
    assert_eq!(t.suggested_moment, Some(TurnoutMoment::Scheduled(first)));
    shell.send(Event::ReportTurnout {
        count: 410,
        moment: TurnoutMoment::Scheduled(first),
        correction_reason: None,
    });
    shell.sync_with(&mut server);
    let Page::Turnout(t) = shell.page() else {
        panic!()
    };
    assert!(t.moments[0].reported && !t.moments[0].overdue);
}

#[test]
fn ballot_stock_resupply_and_run_out_projection() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.send(Event::ReportBallotStock {
        received: 1_000,
        remaining: 1_001,
    });
    assert_eq!(issue_codes(&shell), ["STOCK_E01_REMAINING_ABOVE_RECEIVED"]);
    shell.advance(2 * 3_600_000);
    shell.send(Event::ReportTurnout {
        count: 400,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    shell.send(Event::ReportBallotStock {
        received: 1_000,
        remaining: 600,
    });
    shell.send(Event::RequestResupply {
        quantity: 0,
        urgency: Urgency::High,
        note: String::new(),
    });
    assert_eq!(issue_codes(&shell), ["STOCK_E02_RESUPPLY_ZERO"]);
    shell.send(Event::RequestResupply {
        quantity: 500,
        urgency: Urgency::High,
        note: "loopt hard".into(),
    });
    shell.sync_with(&mut server);
    shell.send(Event::Navigate(Screen::BallotStock));
    let Page::BallotStock(stock) = shell.page() else {
        panic!()
    };
    assert_eq!(
        (stock.received, stock.remaining, stock.issued),
        (Some(1_000), Some(600), Some(400))
    );
    assert_eq!(stock.resupply_requested, 500);
    // 400 voters in 2 hours: 600 ballots last 3 more hours, until 12:30.
    assert_eq!(stock.run_out_at.as_deref(), Some("12:30"));
    assert_eq!(server.day.resupply_requested, 500);
}

#[test]
fn staff_arrive_leave_and_change_shift() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.send(Event::MemberArrived {
        name: "Dirk".into(),
        role: StaffRole::Counter,
    });
    shell.send(Event::MemberDeparted {
        name: "Bram Jansen".into(),
    });
    shell.send(Event::ShiftChange {
        leaving: vec!["Chris Bakker".into()],
        arriving: vec![shared::domain::StaffMember {
            name: "Eva".into(),
            role: StaffRole::Member,
        }],
    });
    shell.sync_with(&mut server);
    shell.send(Event::Navigate(Screen::Staff));
    let Page::Staff(staff) = shell.page() else {
        panic!()
    };
    let names: Vec<_> = staff.present.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Anna de Vries", "Dirk", "Eva"]);
    assert_eq!(staff.present[1].role_label, "Teller");
    assert_eq!(server.day.members_present.len(), 3);
}

#[test]
fn incident_round_trip_with_messages_both_ways() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.send(Event::ReportIncident {
        category: IncidentCategory::BallotPapers,
        severity: IncidentSeverity::High,
        text: "Nog 50 stembiljetten".into(),
    });
    shell.sync_with(&mut server);
    shell.send(Event::Navigate(Screen::Incidents));
    let Page::Incidents(page) = shell.page() else {
        panic!()
    };
    let incident = &page.incidents[0];
    assert_eq!(incident.state, OperationState::Confirmed);
    let id = incident.incident_id.clone();
    assert!(server.day.incident(&id).is_some());

    shell.receive(encode(&ServerMessage::IncidentStatus {
        incident_id: id.clone(),
        status: IncidentStatus::InProgress,
    }));
    let message = StationMessage {
        message_id: "m1".into(),
        incident_id: Some(id.clone()),
        from: "Regiekamer".into(),
        text: "Koerier is onderweg".into(),
        sent_at: Timestamp(OPENS + 60_000),
        resupply: None,
    };
    shell.receive(encode(&ServerMessage::Message(message.clone())));
    shell.receive(encode(&ServerMessage::Message(message)));
    shell.send(Event::SendIncidentMessage {
        incident_id: id.clone(),
        text: "Dank!".into(),
    });
    shell.sync_with(&mut server);

    let Page::Incidents(page) = shell.page() else {
        panic!()
    };
    let incident = &page.incidents[0];
    assert_eq!(incident.status, IncidentStatus::InProgress);
    assert_eq!(incident.status_label, "In behandeling");
    assert_eq!(
        incident.messages.len(),
        2,
        "a message pushed twice shows once: {:?}",
        incident.messages
    );
    assert!(
        !incident.messages[0].from_station && incident.messages[0].text == "Koerier is onderweg"
    );
    assert!(
        incident.messages[1].from_station
            && incident.messages[1].state == Some(OperationState::Confirmed)
    );

    shell.send(Event::SendIncidentMessage {
        incident_id: "unknown".into(),
        text: "x".into(),
    });
    assert!(shell.view().notice.unwrap().is_error);
}

#[test]
fn general_messages_from_the_control_room_show_on_the_overview() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.receive(encode(&ServerMessage::Message(StationMessage {
        message_id: "all-1".into(),
        incident_id: None,
        from: "Regiekamer".into(),
        text: "Denk aan de opkomst van 10:00".into(),
        sent_at: Timestamp(OPENS),
        resupply: None,
    })));
    let Page::Day(day) = shell.page() else {
        panic!()
    };
    assert_eq!(day.messages[0].text, "Denk aan de opkomst van 10:00");
    assert!(!shell.view().notice.unwrap().is_error);
}

/// The canonical result form (`shared::fixtures`), every admitted voter on a poll card.
fn result(lists: &[u32], blank: u32, invalid: u32, admitted: u32) -> ProvisionalResult {
    shared::fixtures::result((admitted, 0, 0), lists, blank, invalid)
}

fn closed(server: &mut SimServer) -> Shell {
    let mut shell = activated(server);
    open_station(&mut shell, server);
    shell.now_ms = CLOSES;
    shell.tick_closing_checklist(server);
    shell.send(Event::CloseStation {
        voters_in_queue_at_close: 4,
    });
    shell.sync_with(server);
    assert_eq!(shell.view().phase, StationPhase::Closed);
    assert_eq!(shell.view().screen, Screen::Result);
    shell
}

#[test]
fn closing_before_closing_time_needs_confirmation() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.now_ms = CLOSES - 3_600_000;
    shell.tick_closing_checklist(&server);
    shell.send(Event::CloseStation {
        voters_in_queue_at_close: 0,
    });
    let confirmation = shell.view().confirmation.expect("asks for confirmation");
    assert_eq!(confirmation.warnings[0].code, "CLOSING_W01_BEFORE_TIME");
    shell.send(Event::CancelConfirmation);
    assert_eq!(shell.view().phase, StationPhase::Open);
    shell.send(Event::CloseStation {
        voters_in_queue_at_close: 0,
    });
    shell.send(Event::ConfirmWarnings);
    shell.sync_with(&mut server);
    assert_eq!(shell.view().phase, StationPhase::Closed);
    let op = server.applied.last().unwrap();
    assert_eq!(op.confirmed_warnings, ["CLOSING_W01_BEFORE_TIME"]);
}

#[test]
fn closing_is_refused_until_the_closing_checklist_is_done() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.now_ms = CLOSES;
    shell.send(Event::Navigate(Screen::Closing));
    let items = server.election.closing_checklist.clone();
    assert!(items.len() >= 2, "a closing checklist by default");
    let closing = |shell: &Shell| {
        let Page::Closing(closing) = shell.page() else {
            panic!("the closing screen")
        };
        closing
    };
    let page = closing(&shell);
    assert_eq!(page.checklist.len(), items.len());
    assert_eq!((page.checklist_done, page.can_close), (0, false));
    assert!(
        page.checklist
            .iter()
            .all(|c| !c.label.is_empty() && !c.done)
    );

    // All but the last item done: the core refuses, and no report is queued.
    for item in &items[..items.len() - 1] {
        shell.send(Event::ToggleClosingItem {
            item_id: item.id.clone(),
        });
    }
    // An opening item's id does not tick a closing one.
    shell.send(Event::ToggleChecklistItem {
        item_id: items[items.len() - 1].id.clone(),
    });
    assert!(!closing(&shell).can_close);
    let sent_before = server.applied.len();
    shell.send(Event::CloseStation {
        voters_in_queue_at_close: 0,
    });
    shell.sync_with(&mut server);
    assert_eq!(issue_codes(&shell), ["CLOSING_E01_CHECKLIST_INCOMPLETE"]);
    let last = format!("closing_checklist.{}", items[items.len() - 1].id);
    assert_eq!(shell.view().issues[0].fields, [last]);
    assert!(shell.view().notice.unwrap().is_error);
    assert_eq!(shell.view().sync.pending + shell.view().sync.saving, 0);
    assert_eq!(server.applied.len(), sent_before, "nothing was sent");
    assert_eq!(shell.view().phase, StationPhase::Open);

    // The done items survive a restart, apart from the opening's.
    shell.restart();
    shell.sync_with(&mut server);
    shell.send(Event::Navigate(Screen::Closing));
    assert_eq!(
        closing(&shell).checklist_done as usize,
        items.len() - 1,
        "kept across a restart"
    );
    shell.send(Event::ToggleClosingItem {
        item_id: items[items.len() - 1].id.clone(),
    });
    assert!(closing(&shell).can_close);
    shell.send(Event::CloseStation {
        voters_in_queue_at_close: 0,
    });
    shell.sync_with(&mut server);
    assert_eq!(shell.view().phase, StationPhase::Closed);
    shell.send(Event::Navigate(Screen::Closing));
    let page = closing(&shell);
    assert!(page.closed && !page.can_close);
}

#[test]
fn the_days_summary_lists_every_report_and_whether_it_was_received() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    // Made offline: on the device, not yet at the municipality.
    shell.drop_connection();
    shell.send(Event::ReportTurnout {
        count: 312,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    shell.flush_all_storage();
    shell.send(Event::Navigate(Screen::Summary));
    let summary = |shell: &Shell| {
        let Page::Summary(summary) = shell.page() else {
            panic!("the summary screen")
        };
        summary
    };
    let page = summary(&shell);
    assert!(
        page.station.contains(&server.station.name),
        "{}",
        page.station
    );
    assert!(
        page.printed_at.starts_with("Afgedrukt op "),
        "{}",
        page.printed_at
    );
    let kinds: Vec<&str> = page.reports.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["opening", "turnout"]);
    assert!(page.reports[0].received);
    assert!(!page.reports[1].received);
    assert_eq!(page.reports[1].label, "Opkomst");
    assert!(
        page.reports[1]
            .figures
            .iter()
            .any(|f| f.label == "Opkomst" && f.value == "312"),
        "{:?}",
        page.reports[1].figures
    );
    let names = &page.reports[0].figures;
    assert!(
        names.iter().any(|f| f.value.contains("Anna de Vries")),
        "{names:?}"
    );
    assert_eq!((page.received, page.not_received), (1, 1));
    assert!(page.note.contains("nog niet ontvangen"), "{}", page.note);

    // Kept across a restart, then received, in the chair's language.
    shell.restart();
    shell.sync_with(&mut server);
    shell.send(Event::SetLanguage(Language::English));
    shell.send(Event::Navigate(Screen::Summary));
    let page = summary(&shell);
    assert_eq!(page.reports.len(), 2);
    assert!(
        page.reports.iter().all(|r| r.received),
        "{:?}",
        page.reports
    );
    assert_eq!(page.reports[1].label, "Turnout");
    assert!(page.printed_at.starts_with("Printed on "));
    assert_eq!(
        page.note,
        "The municipality has received every report above."
    );
}

#[test]
fn a_result_with_any_error_is_refused() {
    let mut server = SimServer::new();
    let mut shell = closed(&mut server);
    let good = result(&[400, 300, 200, 90], 5, 5, 1_000);
    type Slip = (&'static str, fn(&mut ProvisionalResult));
    let slips: &[Slip] = &[
        ("RESULT_E01_ADMITTED_SUM", |r| r.voters.poll_cards += 1),
        ("RESULT_E02_LIST_TOTALS_SUM", |r| {
            r.votes.list_votes[0].votes += 1
        }),
        ("RESULT_E03_VOTES_CAST_SUM", |r| r.votes.blank_votes += 1),
        ("RESULT_E04_MORE_COUNTED", |r| {
            r.votes.votes_cast += 1;
            r.votes.blank_votes += 1;
            r.explanation = "x".into();
        }),
        ("RESULT_E05_FEWER_COUNTED", |r| {
            r.votes.votes_cast -= 1;
            r.votes.blank_votes -= 1;
            r.explanation = "x".into();
        }),
        ("RESULT_E06_NO_DIFFERENCE", |r| r.more_ballots_counted = 1),
        ("RESULT_E07_UNKNOWN_LIST", |r| {
            r.votes.list_votes[3].list_number = 7
        }),
        ("INPUT_E01_OUT_OF_RANGE", |r| {
            r.voters.poll_cards = 1_000_000
        }),
    ];
    for (code, slip) in slips {
        let mut r = good.clone();
        slip(&mut r);
        shell.send(Event::EditResult(r));
        let Page::Result(page) = shell.page() else {
            panic!()
        };
        assert!(page.has_errors, "{code}: live validation shows the error");
        assert!(
            page.issues
                .iter()
                .any(|i| i.code == *code && i.severity == IssueSeverity::Error),
            "{code}: {:?}",
            page.issues
        );
        shell.send(Event::SubmitResult);
        shell.sync_with(&mut server);
        assert!(
            issue_codes(&shell).contains(&(*code).to_owned()),
            "{code} refused on submit"
        );
        assert_eq!(
            shell.view().phase,
            StationPhase::Closed,
            "{code}: nothing sent"
        );
    }
    assert_eq!(server.day.phase, StationPhase::Closed);
}

#[test]
fn a_result_with_warnings_is_sent_only_after_confirmation() {
    let mut server = SimServer::new();
    let mut shell = closed(&mut server);
    let cases: &[(&str, ProvisionalResult)] = &[
        (
            "RESULT_W01_MANY_BLANK",
            result(&[400, 300, 200, 65], 30, 5, 1_000),
        ),
        (
            "RESULT_W02_MANY_INVALID",
            result(&[400, 300, 200, 65], 5, 30, 1_000),
        ),
        (
            "RESULT_W03_LARGE_DIFFERENCE",
            result(&[400, 300, 200, 90], 5, 5, 1_020),
        ),
        ("RESULT_W04_NO_VOTES", result(&[0, 0, 0, 0], 0, 0, 0)),
        (
            "RESULT_W05_ABOVE_EXPECTED",
            result(&[4_000, 3_000, 2_000, 1_000], 50, 50, 10_100),
        ),
        ("RESULT_W07_EXPLANATION_MISSING", {
            let mut r = result(&[400, 300, 200, 90], 5, 5, 1_001);
            r.explanation.clear();
            r
        }),
        ("RESULT_W06_VOTERS_EQUAL_VOTES", {
            let mut r = result(&[500], 5, 5, 510);
            r.voters = VotersCounts {
                poll_cards: 500,
                proxy_certificates: 5,
                voter_cards: 5,
                admitted_voters: 510,
            };
            r
        }),
    ];
    for (code, r) in cases {
        shell.send(Event::EditResult(r.clone()));
        shell.send(Event::SubmitResult);
        shell.sync_with(&mut server);
        let confirmation = shell
            .view()
            .confirmation
            .unwrap_or_else(|| panic!("{code} asks for confirmation"));
        assert!(
            confirmation.warnings.iter().any(|w| w.code == *code),
            "{code}: {confirmation:?}"
        );
        assert!(
            !server
                .applied
                .iter()
                .any(|o| o.report.kind() == "provisional_result"),
            "{code}: not sent yet"
        );
        shell.send(Event::CancelConfirmation);
    }
    let (code, r) = &cases[0];
    shell.send(Event::EditResult(r.clone()));
    shell.send(Event::SubmitResult);
    shell.send(Event::ConfirmWarnings);
    shell.sync_with(&mut server);
    assert_eq!(shell.view().phase, StationPhase::ResultSubmitted);
    assert_eq!(server.day.phase, StationPhase::ResultSubmitted);
    assert_eq!(server.applied.last().unwrap().confirmed_warnings, [*code]);
}

#[test]
fn a_clean_result_goes_straight_through() {
    let mut server = SimServer::new();
    let mut shell = closed(&mut server);
    shell.send(Event::EditResult(result(&[400, 300, 200, 90], 5, 5, 1_000)));
    let Page::Result(page) = shell.page() else {
        panic!()
    };
    assert!(page.issues.is_empty() && page.may_submit);
    assert_eq!(page.lists[1].votes, 300);
    // Help beside each figure, for the fields the issues name.
    let help = |field: &str| {
        page.help
            .iter()
            .find(|h| h.field == field)
            .map(|h| h.text.clone())
    };
    assert_eq!(
        help("votes.votes_cast").as_deref(),
        Some("E + F + G: alle getelde stembiljetten.")
    );
    assert_eq!(page.help.len(), 10, "every figure of the form");
    shell.send(Event::SubmitResult);
    shell.sync_with(&mut server);
    assert_eq!(server.day.result.as_ref().unwrap().votes.votes_cast, 1_000);
    assert_eq!(shell.view().screen, Screen::Sync);
}

#[test]
fn a_rejected_report_shows_its_reason_and_the_state_rolls_back() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    server.refuse = Some(("ballot_stock", "STOCK_E01_REMAINING_ABOVE_RECEIVED"));
    shell.send(Event::ReportBallotStock {
        received: 500,
        remaining: 400,
    });
    shell.sync_with(&mut server);
    let view = shell.view();
    assert_eq!(view.sync.rejected, 1);
    assert!(view.notice.unwrap().text.contains("STOCK_E01"));
    shell.send(Event::Navigate(Screen::Sync));
    let Page::Sync(sync) = shell.page() else {
        panic!()
    };
    assert_eq!(sync.rejected.len(), 1);
    assert_eq!(sync.rejected[0].kind, "ballot_stock");
    assert_eq!(
        sync.rejected[0].label, "Voorraad stembiljetten",
        "the chair reads the report's name, not its type"
    );
    assert!(
        sync.rejected[0]
            .reason
            .as_ref()
            .unwrap()
            .contains("STOCK_E01")
    );
    shell.send(Event::Navigate(Screen::BallotStock));
    let Page::BallotStock(stock) = shell.page() else {
        panic!()
    };
    assert_eq!(
        stock.remaining, None,
        "the refused stock report is not shown as the stock"
    );
    shell.send(Event::DismissRejected {
        seq: sync.rejected[0].seq,
    });
    shell.send(Event::Navigate(Screen::Sync));
    let Page::Sync(sync) = shell.page() else {
        panic!()
    };
    assert!(sync.rejected.is_empty());
}

/// The server refuses by code (and writes English for tools); the chair reads the
/// rule's text in their own language, also after switching languages.
#[test]
fn a_refusal_is_shown_in_the_chairs_language() {
    const DUTCH: &str = "Er kunnen niet meer stembiljetten over zijn dan er ontvangen zijn.";
    const ENGLISH: &str = "Remaining ballots cannot exceed ballots received.";
    let rejected_reason = |shell: &mut Shell| {
        shell.send(Event::Navigate(Screen::Sync));
        let Page::Sync(sync) = shell.page() else {
            panic!()
        };
        sync.rejected[0].reason.clone().unwrap()
    };
    for (language, shown, not_shown) in [
        (Language::Dutch, DUTCH, ENGLISH),
        (Language::English, ENGLISH, DUTCH),
    ] {
        let mut server = SimServer::new();
        let mut shell = activated(&mut server);
        shell.send(Event::SetLanguage(language));
        open_station(&mut shell, &mut server);
        server.refuse = Some(("ballot_stock", "STOCK_E01_REMAINING_ABOVE_RECEIVED"));
        shell.send(Event::ReportBallotStock {
            received: 500,
            remaining: 400,
        });
        shell.sync_with(&mut server);
        let notice = shell.view().notice.unwrap().text;
        assert!(notice.contains(shown), "{language:?}: {notice}");
        assert!(!notice.contains(not_shown), "{language:?}: {notice}");
        let reason = rejected_reason(&mut shell);
        assert_eq!(
            reason,
            format!("{shown} (STOCK_E01_REMAINING_ABOVE_RECEIVED)")
        );
        // The kept refusal follows the chair's language.
        let other = match language {
            Language::Dutch => Language::English,
            Language::English => Language::Dutch,
        };
        shell.send(Event::SetLanguage(other));
        assert!(rejected_reason(&mut shell).starts_with(not_shown));
    }
}

/// A dispatch of ballot papers is said in the chair's language, with the control
/// room's note as typed.
#[test]
fn a_resupply_dispatch_is_shown_in_the_chairs_language() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.send(Event::SetLanguage(Language::English));
    shell.receive(encode(&ServerMessage::Message(StationMessage {
        message_id: "resupply-1".into(),
        incident_id: None,
        from: "Regiekamer".into(),
        text: "200 stembiljetten zijn onderweg. Met de fiets".into(),
        sent_at: Timestamp(OPENS + 60_000),
        resupply: Some(ResupplyNotice {
            quantity: 200,
            note: "Met de fiets".into(),
        }),
    })));
    shell.send(Event::Navigate(Screen::Day));
    let Page::Day(day) = shell.page() else {
        panic!()
    };
    assert_eq!(day.messages[0].from, "Control room");
    assert_eq!(
        day.messages[0].text,
        "200 ballot papers are on their way. Met de fiets"
    );
    shell.send(Event::SetLanguage(Language::Dutch));
    let Page::Day(day) = shell.page() else {
        panic!()
    };
    assert_eq!(day.messages[0].from, "Regiekamer");
    assert_eq!(
        day.messages[0].text,
        "200 stembiljetten zijn onderweg. Met de fiets"
    );
}

#[test]
fn offline_reports_queue_survive_a_restart_and_are_delivered_once() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.drop_connection();
    for count in [100, 200, 300] {
        shell.send(Event::ReportTurnout {
            count,
            moment: TurnoutMoment::AdHoc,
            correction_reason: None,
        });
    }
    shell.send(Event::ReportIncident {
        category: IncidentCategory::Equipment,
        severity: IncidentSeverity::Low,
        text: "lamp kapot".into(),
    });
    assert_eq!(shell.view().sync.pending, 4);
    assert_eq!(shell.view().connection.state, ConnectionState::Offline);

    shell.restart();
    let view = shell.view();
    assert_eq!(view.sync.pending, 4, "the queue came back from storage");
    assert_eq!(view.phase, StationPhase::Open);
    assert_eq!(view.screen, Screen::Day);
    let Page::Day(day) = view.page else { panic!() };
    assert_eq!(day.turnout, Some(300));

    shell.sync_with(&mut server);
    assert_eq!(shell.view().sync.pending, 0);
    let kinds: Vec<_> = server.applied.iter().map(|o| o.device_seq).collect();
    assert_eq!(kinds, [1, 2, 3, 4, 5]);
    assert!(
        !shell.store.keys().any(|k| k.starts_with("outbox/")),
        "confirmed operations leave the outbox"
    );
}

#[test]
fn drafts_survive_a_restart() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    shell.send(Event::AddMember {
        name: "Anna".into(),
        role: StaffRole::Chair,
    });
    shell.send(Event::ToggleChecklistItem {
        item_id: "ballot_box_empty".into(),
    });
    shell.send(Event::SetLanguage(shared::validation::Language::English));
    shell.restart();
    let Page::Opening(opening) = shell.page() else {
        panic!()
    };
    assert_eq!(opening.members[0].name, "Anna");
    assert_eq!(opening.members[0].role_label, "Chair");
    assert!(opening.checklist[0].done);
}

#[test]
fn malformed_oversized_and_unknown_frames_change_nothing() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.drop_connection();
    shell.send(Event::ReportTurnout {
        count: 50,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    shell.advance(120_000);
    shell.open_socket();
    let frames = [
        "{not json".to_owned(),
        r#"{"v":99,"type":"heartbeat","server_time":1}"#.to_owned(),
        r#"{"v":1,"type":"ack","operation_id":"nope","device_seq":1,"event_seq":1}"#.to_owned(),
        format!("{{\"v\":1,\"type\":\"heartbeat\",\"pad\":\"{}\"}}", "x".repeat(70_000)),
        r#"{"v":1,"type":"ack","operation_id":"018f4b2e-0000-7000-8000-000000000000","device_seq":2,"event_seq":9}"#.to_owned(),
    ];
    for frame in frames {
        shell.receive(frame);
    }
    let view = shell.view();
    assert!(view.notice.unwrap().is_error);
    let Page::Day(_) = view.page else {
        panic!("still on the day")
    };
    assert_eq!(
        view.sync.pending + view.sync.sent,
        1,
        "the operation is still queued"
    );
    shell.send(Event::Navigate(Screen::Sync));
    let Page::Sync(sync) = shell.page() else {
        panic!()
    };
    assert_eq!(sync.protocol_errors, 4);
    shell.exchange(&mut server);
    assert_eq!(shell.view().sync.pending + shell.view().sync.sent, 0);
    assert_eq!(server.applied.len(), 2);
}

#[test]
fn a_revoked_device_keeps_its_queue_for_the_next_activation() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    open_station(&mut shell, &mut server);
    shell.drop_connection();
    shell.send(Event::ReportTurnout {
        count: 75,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    shell.advance(120_000);
    shell.open_socket();
    shell.outbound.clear();
    shell.receive(encode(&ServerMessage::Error {
        code: shared::protocol::RejectCode::RevokedToken,
        message: "revoked".into(),
    }));
    let view = shell.view();
    assert_eq!(view.screen, Screen::Activation);
    assert_eq!(view.sync.pending, 1);
    shell.send(Event::Activate {
        server_url: "wss://kiesdag.example/ws".into(),
        activation_code: CODE.into(),
    });
    shell.sync_with(&mut server);
    assert_eq!(shell.view().sync.pending + shell.view().sync.sent, 0);
    assert_eq!(server.day.latest_turnout_count(), Some(75));
}

#[test]
fn a_silent_server_is_noticed_and_the_device_reconnects() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    let connects = shell.connects;
    // The server stops answering: heartbeats go unanswered.
    shell.advance(90_000);
    shell.outbound.clear();
    shell.advance(30_000);
    assert!(shell.connects > connects, "reconnected after silence");
}

#[test]
fn taps_before_the_stored_state_is_read_do_nothing() {
    let mut shell = Shell::new();
    shell.hold_storage = true;
    shell.send(Event::Start);
    assert!(shell.view().loading);
    shell.send(Event::ReportTurnout {
        count: 1,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    shell.flush_all_storage();
    assert!(!shell.view().loading);
    assert_eq!(shell.view().sync.saving + shell.view().sync.pending, 0);
}

#[test]
fn in_flanders_a_result_above_the_assigned_voters_is_refused() {
    let mut server = SimServer::new();
    server.election.jurisdiction = shared::domain::Jurisdiction::Flanders;
    server.station.expected_voters = Some(1_000);
    let mut shell = closed(&mut server);
    shell.send(Event::EditResult(result(&[600, 300, 95], 3, 3, 1_001)));
    let Page::Result(page) = shell.page() else {
        panic!()
    };
    assert!(
        page.issues
            .iter()
            .any(|i| i.code == "RESULT_E08_ABOVE_ASSIGNED" && i.severity == IssueSeverity::Error)
    );
    shell.send(Event::SubmitResult);
    shell.sync_with(&mut server);
    assert!(issue_codes(&shell).contains(&"RESULT_E08_ABOVE_ASSIGNED".to_owned()));
    assert_eq!(shell.view().phase, StationPhase::Closed, "nothing sent");
    // Within the assigned voters it goes through.
    shell.send(Event::EditResult(result(&[600, 300, 94], 3, 3, 1_000)));
    shell.send(Event::SubmitResult);
    shell.sync_with(&mut server);
    assert_eq!(server.day.phase, StationPhase::ResultSubmitted);
}

/// A server that says it processed the last sequence number there is: the next report
/// cannot be numbered, and the chair is told, instead of the counter overflowing.
#[test]
fn a_welcome_at_the_last_sequence_number_refuses_new_reports_without_a_panic() {
    let mut server = SimServer::new();
    let mut shell = opened_station(&mut server);
    shell.receive(encode(&ServerMessage::Welcome {
        last_processed_seq: u64::MAX,
        server_time: Timestamp(shell.now_ms),
        election: server.election.clone(),
        station: server.station.clone(),
        day: server.day.clone(),
    }));
    let frames = server.received_frames;
    shell.send(Event::ReportTurnout {
        count: 10,
        moment: TurnoutMoment::AdHoc,
        correction_reason: None,
    });
    shell.exchange(&mut server);
    let view = shell.view();
    assert!(
        view.notice.as_ref().is_some_and(|n| n.is_error),
        "{:?}",
        view.notice
    );
    assert_eq!(view.sync.pending + view.sync.saving + view.sync.sent, 0);
    assert_eq!(server.received_frames, frames, "nothing sent");
}

#[test]
fn the_queue_is_reported_with_one_tap_and_reaches_the_server() {
    let mut server = SimServer::new();
    let mut shell = activated(&mut server);
    shell.send(Event::Navigate(Screen::Day));
    let Page::Day(day) = shell.page() else {
        panic!()
    };
    assert!(day.queue.is_none(), "no queue buttons before opening");
    open_station(&mut shell, &mut server);
    shell.send(Event::Navigate(Screen::Day));
    let Page::Day(day) = shell.page() else {
        panic!()
    };
    let queue = day.queue.expect("queue buttons while open");
    assert_eq!(queue.current, None);
    let long = queue
        .options
        .iter()
        .find(|o| o.length == QueueLength::Long)
        .expect("a long-queue button");
    shell.send(Event::ReportQueue {
        length: long.length,
    });
    shell.sync_with(&mut server);
    assert_eq!(server.day.queue.map(|q| q.length), Some(QueueLength::Long));
    let Page::Day(day) = shell.page() else {
        panic!()
    };
    let queue = day.queue.expect("queue buttons while open");
    assert!(
        queue
            .current
            .expect("the latest queue")
            .starts_with("Lange wachtrij (")
    );
    assert!(
        queue
            .options
            .iter()
            .any(|o| o.selected && o.length == QueueLength::Long)
    );
    // A wait no queue has is refused on the device and never sent.
    shell.send(Event::ReportQueue {
        length: QueueLength::Minutes(10_000),
    });
    assert_eq!(issue_codes(&shell), ["QUEUE_E01_MINUTES_OUT_OF_RANGE"]);
    shell.send(Event::ReportQueue {
        length: QueueLength::Minutes(20),
    });
    shell.sync_with(&mut server);
    assert_eq!(
        server.day.queue.map(|q| q.length),
        Some(QueueLength::Minutes(20))
    );
    // About no minutes is no queue.
    shell.send(Event::ReportQueue {
        length: QueueLength::Minutes(0),
    });
    shell.sync_with(&mut server);
    assert_eq!(server.day.queue.map(|q| q.length), Some(QueueLength::None));
}
