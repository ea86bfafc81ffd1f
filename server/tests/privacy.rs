//! The privacy register (`docs/privacy.md`) names every place Kiesdag stores data: each
//! database column, and each text field inside the JSON it stores (reports and
//! control-room actions in the event log and audit log, the station's day and
//! configuration, the election). A new column or text field fails this test until the
//! register says whether it is personal, why it is kept, who may see it, how long, and
//! how it is erased.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use utoipa::ToSchema;

const REGISTER: &str = include_str!("../../docs/privacy.md");
const SCHEMA_RS: &str = include_str!("../src/db/schema.rs");

/// `table.column` for every column of `schema.rs`.
fn columns() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut table = None;
    for line in SCHEMA_RS.lines() {
        let line = line.trim();
        if let Some((name, _)) = line.split_once(" (")
            && line.ends_with('{')
            && !name.contains(' ')
        {
            table = Some(name.to_owned());
        } else if let (Some(t), Some((column, _))) = (&table, line.split_once(" -> ")) {
            found.insert(format!("{t}.{column}"));
        } else if line == "}" {
            table = None;
        }
    }
    found
}

/// The schemas of `T` and of every type it refers to, by name.
fn schemas<T: ToSchema>() -> Vec<(String, Value)> {
    let mut all = vec![(
        T::name().into_owned(),
        serde_json::to_value(T::schema()).unwrap(),
    )];
    let mut referenced = Vec::new();
    T::schemas(&mut referenced);
    all.extend(
        referenced
            .into_iter()
            .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap())),
    );
    all
}

/// Whether `schema` is free text: a string that is not one of fixed values.
fn is_text(schema: &Value) -> bool {
    let string = match &schema["type"] {
        Value::String(t) => t == "string",
        Value::Array(types) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    string && schema.get("enum").is_none()
}

/// Every free-text place in `schema`, as `Schema.field` (a variant of a tagged enum as
/// `Schema(tag).field`; a text inside a list or pair as its field's path).
fn texts(path: &str, schema: &Value, found: &mut BTreeSet<String>) {
    if is_text(schema) {
        found.insert(path.to_owned());
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (field, property) in properties {
            texts(&format!("{path}.{field}"), property, found);
        }
    }
    for key in ["items"] {
        if let Some(inner) = schema.get(key) {
            texts(path, inner, found);
        }
    }
    for key in ["prefixItems", "allOf", "anyOf"] {
        for inner in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            texts(path, inner, found);
        }
    }
    for variant in schema
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        // A variant tagged by a property with one fixed value is named by it.
        let tag = variant
            .get("properties")
            .and_then(Value::as_object)
            .and_then(|p| {
                p.values()
                    .find_map(|v| v["enum"].as_array().filter(|e| e.len() == 1)?[0].as_str())
            });
        match tag {
            Some(tag) => texts(&format!("{path}({tag})"), variant, found),
            None => texts(path, variant, found),
        }
    }
}

/// Every free-text field of the JSON the server stores.
fn stored_texts() -> BTreeSet<String> {
    let mut all = Vec::new();
    all.extend(schemas::<shared::protocol::EventPayload>());
    all.extend(schemas::<shared::domain::StationDay>());
    all.extend(schemas::<shared::domain::Station>());
    all.extend(schemas::<shared::domain::Election>());
    let mut found = BTreeSet::new();
    for (name, schema) in &all {
        texts(name, schema, &mut found);
    }
    // The kind of a report: a tag, not text.
    found.retain(|path| !path.ends_with(".action"));
    found
}

/// What the register names: every `code` in the first cell of a table row.
fn registered() -> BTreeSet<String> {
    REGISTER
        .lines()
        .filter(|line| line.starts_with('|'))
        .filter_map(|line| line.split('|').nth(1))
        .flat_map(|cell| {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_column_and_stored_text_is_in_the_privacy_register() {
    let registered = registered();
    let columns = columns();
    assert!(columns.len() > 50, "schema.rs read: {columns:?}");
    let texts = stored_texts();
    assert!(texts.contains("StaffMember.name"), "{texts:?}");
    let missing: Vec<&String> = columns
        .iter()
        .chain(texts.iter())
        .filter(|name| !registered.contains(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "not in docs/privacy.md (add each to the register, personal or not): {missing:#?}"
    );
    // And nothing registered that is no longer stored.
    let known: BTreeSet<&String> = columns.iter().chain(texts.iter()).collect();
    let stale: Vec<&String> = registered
        .iter()
        // Routes (`GET /path`) are checked by the route table's test.
        .filter(|name| name.contains('.') && !name.contains(' ') && !known.contains(name))
        .collect();
    assert!(
        stale.is_empty(),
        "in the register but not stored: {stale:#?}"
    );
}

/// Every route is in the register's route table, and a route the register says
/// returns personal data ("yes") is open to the control room only.
#[test]
fn every_route_is_in_the_register_and_personal_ones_are_for_the_control_room() {
    use kiesdag::auth::Access;
    use kiesdag::http::routes::{CONTROL_ROOM, endpoints};
    let section = REGISTER
        .split("## What each route gives, by role")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the register has its route table");
    let rows: Vec<(String, String)> = section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells[1].to_owned(), cells[2].to_owned())
        })
        .collect();
    let mut missing = Vec::new();
    for endpoint in endpoints() {
        let name = format!("`{} {}`", endpoint.method, endpoint.path);
        let Some((_, personal)) = rows.iter().find(|(routes, _)| routes.contains(&name)) else {
            missing.push(name);
            continue;
        };
        if personal.starts_with("yes") {
            assert!(
                matches!(endpoint.access, Access::Staff(roles) if roles.iter().all(|r| CONTROL_ROOM.contains(r))),
                "{name} returns personal data and is open to more than the control room"
            );
        }
    }
    assert!(
        missing.is_empty(),
        "not in the register's route table: {missing:#?}"
    );
}

/// Subject access: `kiesdag person show` finds a member in the opening report and the
/// station's day, and a person named in an incident's text; prints JSON for the
/// person's copy; refuses a query too short to mean anyone; and audits the search
/// without the name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn person_show_finds_a_member_across_reports_and_audits_the_search() {
    use shared::Event;
    use shared::domain::{IncidentCategory, IncidentSeverity};
    let (database, dir) = support::fresh_database();
    let codes = support::seed(&database, &support::election_open_now(), 2);
    support::create_user(
        &database,
        "Fatima",
        kiesdag::auth::Role::Coordinator,
        Some(support::MUNICIPALITY),
    );
    let server = support::start_server(&database, dir);
    // `open_station` opens with Anna, Bram and Chris present.
    let mut station = support::open_station(&server.ws("/ws/station"), &codes[0]).await;
    station.send(Event::ReportIncident {
        category: IncidentCategory::Accessibility,
        severity: IncidentSeverity::High,
        text: "Mevrouw Jansen kan niet naar binnen".into(),
    });
    station
        .wait_for(Duration::from_secs(15), |v| {
            v.sync.confirmed >= 2 && v.sync.pending + v.sync.sent + v.sync.saving == 0
        })
        .await
        .unwrap();

    let person = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kiesdag"))
            .env_remove("DATABASE_URL")
            .arg("--db")
            .arg(&database)
            .arg("person")
            .arg("show")
            .args(args)
            .output()
            .unwrap()
    };
    let anna = person(&["anna", "--json"]);
    assert!(anna.status.success(), "{anna:?}");
    let found: Vec<serde_json::Value> = serde_json::from_slice(&anna.stdout).unwrap();
    let places: BTreeSet<&str> = found.iter().map(|f| f["place"].as_str().unwrap()).collect();
    assert!(
        places.contains("event") && places.contains("station_day"),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|f| f["kind"] == "opening"),
        "the opening report names her"
    );
    // The audit log refers to her name; the name itself is kept apart, found with
    // the entries that refer to it.
    let references: Vec<&str> = found
        .iter()
        .filter(|f| f["place"] == "audited_text")
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(!references.is_empty(), "{found:#?}");
    for finding in &found {
        let content = finding["content"].as_str().unwrap();
        if finding["place"] == "audit" {
            assert!(
                !content.contains("Anna"),
                "the audit log holds her name: {content}"
            );
            assert!(references.iter().any(|r| content.contains(r)), "{content}");
        } else {
            assert!(content.contains("Anna"), "{content}");
        }
    }
    assert!(found.iter().any(|f| f["place"] == "audit"), "{found:#?}");

    let jansen = person(&["Jansen"]);
    let text = String::from_utf8_lossy(&jansen.stdout);
    assert!(
        text.contains("(incident)") && text.contains("Mevrouw Jansen"),
        "{text}"
    );
    let fatima = person(&["fatima"]);
    assert!(
        String::from_utf8_lossy(&fatima.stdout).contains("user "),
        "{fatima:?}"
    );

    let short = person(&["an"]);
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 3"));

    // The searches are in the audit log, the names are not.
    let mut conn = kiesdag::db::open(&database).unwrap();
    let searches: Vec<String> = {
        use diesel::prelude::*;
        use kiesdag::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq("person.show"))
            .select(audit_log::payload)
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(searches.len(), 3, "{searches:?}");
    assert!(
        searches
            .iter()
            .all(|p| p.contains("\"found\"") && !p.to_lowercase().contains("jansen"))
    );
    assert!(kiesdag::store::audit::verify(&mut conn).unwrap().is_ok());
}
