//! The dashboard's tests decode reports from fixtures (web-dashboard/test/fixtures/):
//! these are the shapes the Rust types write, so a change of a type that the
//! dashboard would misread fails here and not on election day.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use shared::domain::{PresenceReport, Report, StaffMember, StaffRole};

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../web-dashboard/test/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).expect(&path)
}

fn member(name: &str, role: StaffRole) -> StaffMember {
    StaffMember {
        name: name.into(),
        role,
    }
}

#[test]
fn the_dashboards_presence_fixtures_are_what_rust_writes() {
    let fixtures = fixture("presence-reports.json");
    let reports = [
        (
            "arrived",
            PresenceReport::Arrived(member("Dirk", StaffRole::Member)),
        ),
        (
            "departed",
            PresenceReport::Departed {
                name: "Anna".into(),
            },
        ),
        (
            "shift_change",
            PresenceReport::ShiftChange {
                leaving: vec!["Bram".into(), "Chris".into()],
                arriving: vec![
                    member("Eva", StaffRole::Chair),
                    member("Fenna", StaffRole::Counter),
                ],
            },
        ),
    ];
    assert_eq!(
        fixtures.as_object().unwrap().len(),
        reports.len(),
        "one fixture per variant"
    );
    for (name, report) in reports {
        let written =
            json!({ "report": serde_json::to_value(Report::Presence(report.clone())).unwrap() });
        assert_eq!(fixtures[name], written, "{name}");
        // And the fixture reads back as the report.
        let read: Report = serde_json::from_value(fixtures[name]["report"].clone()).unwrap();
        assert_eq!(read, Report::Presence(report));
    }
}
