//! Counting offices (telbureaus) of a Flemish paper-voting municipality, against a real
//! server (issue 19): the main office links them to their stations on the day, one
//! person at a time enters an office's result, checked by the shared rules, the chair
//! locks them, and the municipality's results, per office, subarea and in total, with
//! the council's seats by Imperiali, come from the offices under the embargo.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use diesel::prelude::*;
use kiesdag::auth::Role;
use kiesdag::db::schema::audit_log;
use serde_json::{Value, json};
use shared::domain::{Election, Jurisdiction, ProvisionalResult, Timestamp};
use support::{
    MUNICIPALITY, Server, create_user, fresh_database, http, staff_token, staff_token_for,
};

/// Another municipality, whose election is later (for linking before the day).
const LATER_MUNICIPALITY: &str = "GM0600";
const HOUR_MS: i64 = 3_600_000;

/// A Flemish municipal election with four lists and nine seats, open from an hour ago,
/// closing at `closes_at`.
fn flemish_election(id: &str, opens_at: i64, closes_at: i64) -> Election {
    Election {
        id: id.into(),
        opens_at: Timestamp(opens_at),
        closes_at: Timestamp(closes_at),
        turnout_moments: vec![],
        seats: Some(9),
        ..shared::fixtures::election(Jurisdiction::Flanders, 4)
    }
}

/// Stations 1 to 6 of `municipality` in `election`: 1-3 in subarea "Centrum", 4-6 in
/// "Tereken", 400 voters assigned to each.
fn seed(database: &str, municipality: &str, election: &Election) {
    let mut conn = kiesdag::db::open(database).unwrap();
    conn.transaction(|conn| {
        kiesdag::store::elections::upsert(conn, election)?;
        kiesdag::store::stations::upsert_municipality(conn, municipality, "Sint-Niklaas")?;
        for n in 1..=6 {
            let mut station = shared::fixtures::station(municipality, n);
            station.name = format!("SINT-NIKLAAS-{n:03}");
            station.subarea = Some(if n <= 3 { "Centrum" } else { "Tereken" }.into());
            station.expected_voters = Some(400);
            kiesdag::store::stations::upsert(conn, &election.id, &station)?;
        }
        Ok::<_, kiesdag::store::StoreError>(())
    })
    .unwrap();
}

/// A server on a fresh database with the paper municipality open now, closing in
/// `closes_in_ms`.
fn paper_municipality(closes_in_ms: i64) -> (Server, Election) {
    let (database, dir) = fresh_database();
    let now = kiesdag::db::now_ms();
    let election = flemish_election("GR2024", now - HOUR_MS, now + closes_in_ms);
    seed(&database, MUNICIPALITY, &election);
    (support::start_server(&database, dir), election)
}

fn office_path(number: u32) -> String {
    format!("/api/municipalities/{MUNICIPALITY}/counting-offices/{number}")
}

fn list_path() -> String {
    format!("/api/municipalities/{MUNICIPALITY}/counting-offices")
}

fn station(n: u32) -> String {
    format!("{MUNICIPALITY}-{n}")
}

fn admin() -> String {
    staff_token(Role::Administrator, Some(MUNICIPALITY))
}

fn coordinator() -> String {
    staff_token(Role::Coordinator, Some(MUNICIPALITY))
}

/// The main office's chair links office `number` to `stations`; the answer.
async fn link(server: &Server, number: u32, stations: &[u32]) -> (u16, Value) {
    let ids: Vec<String> = stations.iter().map(|n| station(*n)).collect();
    http(
        server,
        "PUT",
        &office_path(number),
        &admin(),
        &json!({ "station_ids": ids }),
    )
    .await
}

/// Claims office `number`; `take_over_from` takes it over from the holder named.
async fn claim(
    server: &Server,
    token: &str,
    number: u32,
    take_over_from: Option<&str>,
) -> (u16, Value) {
    http(
        server,
        "POST",
        &format!("{}/claim", office_path(number)),
        token,
        &json!({ "take_over": take_over_from.is_some(), "expected_holder": take_over_from }),
    )
    .await
}

async fn enter(
    server: &Server,
    token: &str,
    number: u32,
    result: &ProvisionalResult,
    confirmed_warnings: &[&str],
) -> (u16, Value) {
    http(
        server,
        "PUT",
        &format!("{}/result", office_path(number)),
        token,
        &json!({ "result": result, "confirmed_warnings": confirmed_warnings }),
    )
    .await
}

/// Office `number` as `token`'s holder sees it in the list.
async fn office(server: &Server, token: &str, number: u32) -> Value {
    let (status, body) = http(server, "GET", &list_path(), token, &Value::Null).await;
    assert_eq!(status, 200, "{body}");
    body["offices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["number"] == number)
        .cloned()
        .unwrap_or_else(|| panic!("no office {number} in {body}"))
}

/// The audit entries of `action`: (actor, subject, payload).
fn audited(server: &Server, action: &str) -> Vec<(String, String, Value)> {
    let mut conn = kiesdag::db::open(&server.database).unwrap();
    audit_log::table
        .filter(audit_log::action.eq(action))
        .order(audit_log::id.asc())
        .select((audit_log::actor, audit_log::subject, audit_log::payload))
        .load::<(String, String, String)>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|(actor, subject, payload)| (actor, subject, serde_json::from_str(&payload).unwrap()))
        .collect()
}

/// Office 1's figures: 1,000 ballots, lists 500/200/200/90, 6 blank, 4 invalid.
fn office_one() -> ProvisionalResult {
    shared::fixtures::result((1_000, 0, 0), &[500, 200, 200, 90], 6, 4)
}

/// Office 2's figures: 978 ballots, lists 340/232/160/238, 5 blank, 3 invalid. With
/// office 1's: 840/432/360/328, DOMAIN.md's check figures.
fn office_two() -> ProvisionalResult {
    shared::fixtures::result((978, 0, 0), &[340, 232, 160, 238], 5, 3)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_office_links_each_station_to_one_office_on_the_day() {
    let (server, _) = paper_municipality(6 * HOUR_MS);
    let (status, body) = link(&server, 1, &[1, 2, 3]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "Telbureau 1");
    assert_eq!(
        body["assigned_voters"], 1_200,
        "three stations of 400 voters"
    );
    let stations = body["stations"].as_array().unwrap();
    assert_eq!(stations.len(), 3);
    assert!(
        stations.iter().all(|s| s["subarea"] == "Centrum"),
        "each station's subarea shown: {body}"
    );

    // Station 3 is office 1's: not office 2's as well.
    let (status, body) = link(&server, 2, &[3, 4, 5]).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "in_other_counting_office");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("GM0599-3") && message.contains("telbureau 1"),
        "{message}"
    );
    let (status, body) = link(&server, 2, &[4, 5, 6]).await;
    assert_eq!(status, 200, "{body}");

    // Only the main office's chair links.
    let (status, body) = http(
        &server,
        "PUT",
        &office_path(3),
        &coordinator(),
        &json!({ "station_ids": [station(1)] }),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));

    let viewer = staff_token(Role::Viewer, Some(MUNICIPALITY));
    let (status, list) = http(&server, "GET", &list_path(), &viewer, &Value::Null).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["offices"].as_array().unwrap().len(), 2);
    assert_eq!(list["unlinked_stations"], json!([]));
    let links = audited(&server, "counting_office.link");
    assert_eq!(
        links.len(),
        2,
        "each link audited once, the refused one not"
    );
    assert!(links[0].0.starts_with("user:") && links[0].0.ends_with(":administrator"));
    assert_eq!(
        links[1].2["station_ids"],
        json!(["GM0599-4", "GM0599-5", "GM0599-6"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linking_before_the_election_day_is_refused() {
    let (database, dir) = fresh_database();
    let in_three_days = kiesdag::db::now_ms() + 72 * HOUR_MS;
    let later = flemish_election("GR2030", in_three_days, in_three_days + 13 * HOUR_MS);
    seed(&database, LATER_MUNICIPALITY, &later);
    let server = support::start_server(&database, dir);
    let token = staff_token(Role::Administrator, Some(LATER_MUNICIPALITY));
    let (status, body) = http(
        &server,
        "PUT",
        &format!("/api/municipalities/{LATER_MUNICIPALITY}/counting-offices/1"),
        &token,
        &json!({ "station_ids": ["GM0600-1", "GM0600-2", "GM0600-3"] }),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "not_on_the_day");
    let opens = Timestamp(shared::domain::counting_office::linking_opens_at(&later).millis());
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{} 00:00", opens.local_date(60))),
        "names the moment linking opens: {body}"
    );
    let (_, list) = http(
        &server,
        "GET",
        &format!("/api/municipalities/{LATER_MUNICIPALITY}/counting-offices"),
        &token,
        &Value::Null,
    )
    .await;
    assert_eq!(list["offices"], json!([]), "nothing linked: {list}");
    assert_eq!(list["unlinked_stations"].as_array().unwrap().len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_person_enters_an_office_and_taking_it_over_is_explicit_and_audited() {
    let (server, _) = paper_municipality(6 * HOUR_MS);
    let fatima = create_user(
        &server.database,
        "fatima",
        Role::Coordinator,
        Some(MUNICIPALITY),
    );
    let jan = create_user(
        &server.database,
        "jan",
        Role::Coordinator,
        Some(MUNICIPALITY),
    );
    let a = staff_token_for(&fatima, Role::Coordinator, Some(MUNICIPALITY));
    let b = staff_token_for(&jan, Role::Coordinator, Some(MUNICIPALITY));
    assert_eq!(link(&server, 1, &[1, 2, 3]).await.0, 200);

    let (status, body) = enter(&server, &a, 1, &office_one(), &[]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("not_claimed")),
        "{body}"
    );

    let (status, body) = claim(&server, &a, 1, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["claim"]["yours"], true);
    assert_eq!(body["claim"]["username"], "fatima");

    // Jan sees who holds it, and is refused with her name.
    let (status, body) = claim(&server, &b, 1, None).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "claimed_by_other");
    assert!(
        body["message"].as_str().unwrap().contains("fatima"),
        "{body}"
    );
    let seen = office(&server, &b, 1).await;
    assert_eq!(seen["claim"]["username"], "fatima");
    assert_eq!(seen["claim"]["yours"], false);
    let manager = staff_token(Role::Manager, Some(MUNICIPALITY));
    let seen = office(&server, &manager, 1).await;
    assert!(seen["claim"]["since"].is_i64());
    assert!(
        seen["claim"]["username"].is_null(),
        "managers see no names: {seen}"
    );

    // Taking over names whom: another name than the holder's now (the office changed
    // hands since Jan was asked) takes nothing over.
    let (status, body) = claim(&server, &b, 1, Some("pieter")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("claimed_by_other")),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("fatima"));
    assert_eq!(office(&server, &b, 1).await["claim"]["username"], "fatima");
    assert!(audited(&server, "counting_office.take_over").is_empty());
    // Taking over is explicit, and audited with the previous holder.
    let (status, body) = claim(&server, &b, 1, Some("fatima")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["claim"]["username"], "jan");
    let take_overs = audited(&server, "counting_office.take_over");
    assert_eq!(take_overs.len(), 1);
    assert_eq!(take_overs[0].0, format!("user:{jan}:coordinator"));
    assert_eq!(take_overs[0].2["previous_holder"], format!("user:{fatima}"));

    // Fatima's entry is refused now, naming Jan; nothing stored.
    let (status, body) = enter(&server, &a, 1, &office_one(), &[]).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "claimed_by_other");
    assert!(body["message"].as_str().unwrap().contains("jan"), "{body}");
    assert_eq!(office(&server, &b, 1).await["complete"], false);

    // An error blocks: nothing stored.
    let mut slip = office_one();
    slip.votes.blank_votes += 1;
    let (status, body) = enter(&server, &b, 1, &slip, &["RESULT_W01_MANY_BLANK"]).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "result_invalid");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("RESULT_E03_VOTES_CAST_SUM"),
        "{body}"
    );
    assert_eq!(office(&server, &b, 1).await["complete"], false);
    let (status, check) = http(
        &server,
        "POST",
        &format!("{}/result/check", office_path(1)),
        &b,
        &json!({ "result": slip }),
    )
    .await;
    assert_eq!(status, 200, "{check}");
    assert_eq!(check["errors"][0]["code"], "RESULT_E03_VOTES_CAST_SUM");
    assert!(
        check["errors"][0]["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("votes.blank_votes"))
    );

    // A warning needs confirming: first refused, then stored with it confirmed.
    let many_blank = shared::fixtures::result((1_000, 0, 0), &[500, 200, 200, 60], 36, 4);
    let (status, body) = enter(&server, &b, 1, &many_blank, &[]).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "warnings_unconfirmed");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("RESULT_W01_MANY_BLANK")
    );
    assert_eq!(office(&server, &b, 1).await["complete"], false);
    // Confirming another warning than the one these figures raise confirms nothing.
    let (status, body) = enter(&server, &b, 1, &many_blank, &["COUNT_W01_SAME_AS_OFFICE"]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("warnings_unconfirmed")),
        "{body}"
    );
    assert_eq!(office(&server, &b, 1).await["complete"], false);
    let (status, body) = enter(&server, &b, 1, &many_blank, &["RESULT_W01_MANY_BLANK"]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["complete"], true);
    assert_eq!(body["confirmed_warnings"], json!(["RESULT_W01_MANY_BLANK"]));
    assert_eq!(body["result"]["votes"]["blank_votes"], 36);
    assert_eq!(audited(&server, "counting_office.result").len(), 1);

    // Releasing is explicit; Fatima cannot release Jan's claim.
    let release = format!("{}/release", office_path(1));
    let (status, _) = http(&server, "POST", &release, &a, &Value::Null).await;
    assert_eq!(status, 409);
    let (status, body) = http(&server, "POST", &release, &b, &Value::Null).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["claim"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_offices_with_the_same_figures_ask_whether_one_was_entered_twice() {
    let (server, _) = paper_municipality(6 * HOUR_MS);
    let token = coordinator();
    assert_eq!(link(&server, 1, &[1, 2, 3]).await.0, 200);
    assert_eq!(link(&server, 2, &[4, 5, 6]).await.0, 200);
    for number in [1, 2] {
        assert_eq!(claim(&server, &token, number, None).await.0, 200);
    }
    assert_eq!(enter(&server, &token, 1, &office_one(), &[]).await.0, 200);

    let (status, body) = enter(&server, &token, 2, &office_one(), &[]).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "warnings_unconfirmed");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("Dubbele ingave van eenzelfde telbureau?")
            && message.contains("COUNT_W01_SAME_AS_OFFICE")
            && message.contains("telbureau 1"),
        "{message}"
    );
    assert_eq!(office(&server, &token, 2).await["complete"], false);
    let (_, check) = http(
        &server,
        "POST",
        &format!("{}/result/check", office_path(2)),
        &token,
        &json!({ "result": office_one() }),
    )
    .await;
    assert_eq!(check["warnings"][0]["code"], "COUNT_W01_SAME_AS_OFFICE");
    assert_eq!(check["same_as_offices"], json!([1]));
    // More voters than the office's three stations have (3 x 400): said of the office.
    let crowded = shared::fixtures::result((1_300, 0, 0), &[600, 300, 300, 90], 6, 4);
    let (_, check) = http(
        &server,
        "POST",
        &format!("{}/result/check", office_path(2)),
        &token,
        &json!({ "result": crowded }),
    )
    .await;
    let above = check["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "RESULT_E08_ABOVE_ASSIGNED")
        .cloned()
        .unwrap_or_else(|| panic!("{check}"));
    assert_eq!(
        above["message"],
        "Meer kiezers dan aan de stembureaus van dit telbureau samen toegewezen."
    );

    // Office 2's own figures raise nothing.
    let (status, body) = enter(&server, &token, 2, &office_two(), &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["same_as_offices"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_office_refuses_any_change_and_both_acts_are_audited() {
    let (server, _) = paper_municipality(6 * HOUR_MS);
    let token = coordinator();
    assert_eq!(link(&server, 1, &[1, 2, 3]).await.0, 200);
    assert_eq!(claim(&server, &token, 1, None).await.0, 200);
    assert_eq!(enter(&server, &token, 1, &office_one(), &[]).await.0, 200);

    let entered_at = office(&server, &token, 1).await["entered_at"].clone();
    assert!(entered_at.is_i64());
    let lock = format!("{}/lock", office_path(1));
    let seen = json!({ "expected_entered_at": entered_at });
    let (status, _) = http(&server, "POST", &lock, &token, &seen).await;
    assert_eq!(status, 403, "only the main office's chair locks");
    // The chair locks only the result they saw: one who saw none locks nothing.
    let (status, body) = http(&server, "POST", &lock, &admin(), &json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("result_changed")),
        "{body}"
    );
    assert!(office(&server, &token, 1).await["lock"].is_null());
    assert!(audited(&server, "counting_office.lock").is_empty());
    let (status, body) = http(&server, "POST", &lock, &admin(), &seen).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["lock"]["at"].is_i64());
    assert!(body["claim"].is_null(), "nobody holds a locked office");
    assert_eq!(audited(&server, "counting_office.lock").len(), 1);

    let (status, body) = enter(
        &server,
        &token,
        1,
        &office_two(),
        &["COUNT_W01_SAME_AS_OFFICE"],
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("locked")),
        "{body}"
    );
    let (status, body) = claim(&server, &token, 1, Some("someone")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("locked")),
        "{body}"
    );
    let (status, body) = link(&server, 1, &[1, 2]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("locked")),
        "{body}"
    );
    let refused = audited(&server, "counting_office.result_refused");
    assert_eq!(refused.len(), 1, "the refused change is audited");
    let relinked = audited(&server, "counting_office.link_refused");
    assert_eq!(relinked.len(), 1, "the refused relink is audited");
    assert_eq!(relinked[0].2["reason"], "locked");
    assert_eq!(refused[0].2["reason"], "locked");
    let seen = office(&server, &token, 1).await;
    assert_eq!(seen["result"]["votes"]["votes_cast"], 1_000, "unchanged");

    let unlock = format!("{}/unlock", office_path(1));
    let (status, body) = http(&server, "POST", &unlock, &admin(), &Value::Null).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["lock"].is_null());
    let unlocks = audited(&server, "counting_office.unlock");
    assert_eq!(unlocks.len(), 1);
    assert!(unlocks[0].0.ends_with(":administrator"));
    assert!(unlocks[0].2["locked_at"].is_i64());
    assert_eq!(claim(&server, &token, 1, None).await.0, 200);
    let (status, body) = enter(&server, &token, 1, &office_two(), &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["votes"]["votes_cast"], 978);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_come_from_the_offices_per_office_subarea_and_municipality_after_closing() {
    const CLOSES_IN_MS: i64 = 8_000;
    let (server, election) = paper_municipality(CLOSES_IN_MS);
    let token = coordinator();
    assert_eq!(link(&server, 1, &[1, 2, 3]).await.0, 200);
    assert_eq!(link(&server, 2, &[4, 5, 6]).await.0, 200);
    for (number, result) in [(1, office_one()), (2, office_two())] {
        assert_eq!(claim(&server, &token, number, None).await.0, 200);
        let (status, body) = enter(&server, &token, number, &result, &[]).await;
        assert_eq!(status, 200, "{body}");
    }
    assert!(
        kiesdag::db::now_ms() < election.closes_at.millis(),
        "the test must reach here before closing"
    );

    let public = format!("/api/public/municipalities/{MUNICIPALITY}/results");
    let results = format!("/api/municipalities/{MUNICIPALITY}/results");
    let viewer = staff_token(Role::Viewer, Some(MUNICIPALITY));
    for (who, token) in [("the public", String::new()), ("a viewer", viewer.clone())] {
        let path = if token.is_empty() { &public } else { &results };
        let (status, body) = http(&server, "GET", path, &token, &Value::Null).await;
        assert_eq!(status, 200, "{body}");
        let offices = body["counting_offices"].as_array().unwrap();
        assert_eq!(offices.len(), 2, "{body}");
        assert!(
            offices
                .iter()
                .all(|o| o["complete"] == true && o["published"] == false && o["totals"].is_null()),
            "no figures for {who} before closing: {body}"
        );
        assert!(body["municipality"]["totals"].is_null());
        assert!(body["seat_allocation"].is_null());
        assert!(
            !body.to_string().contains("\"list_votes\""),
            "{who}: {body}"
        );
    }
    let manager = staff_token(Role::Manager, Some(MUNICIPALITY));
    let (_, body) = http(&server, "GET", &results, &manager, &Value::Null).await;
    assert_eq!(
        body["municipality"]["totals"]["votes_cast"], 1_978,
        "the main office works with the figures during the count: {body}"
    );

    let wait = election.closes_at.millis() - kiesdag::db::now_ms() + 300;
    tokio::time::sleep(Duration::from_millis(u64::try_from(wait.max(0)).unwrap())).await;
    let (status, body) = http(&server, "GET", &public, "", &Value::Null).await;
    assert_eq!(status, 200, "{body}");
    // Per counting office.
    let offices = body["counting_offices"].as_array().unwrap();
    assert_eq!(offices[0]["name"], "Telbureau 1");
    assert_eq!(offices[0]["published"], true, "{body}");
    assert_eq!(offices[0]["totals"]["list_votes"]["1"], 500);
    assert_eq!(offices[0]["stations"][0]["subarea"], "Centrum");
    assert_eq!(offices[1]["totals"]["votes_cast"], 978);
    assert_eq!(offices[1]["totals"]["stations_in"], 3);
    // Per subarea.
    let subarea = |name: &str| {
        body["subareas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(subarea("Centrum")["totals"]["votes_cast"], 1_000);
    assert_eq!(subarea("Tereken")["totals"]["list_votes"]["4"], 238);
    assert_eq!(subarea("Tereken")["complete"], true);
    // The export has the same units, the offices included.
    let (status, csv) = support::http_text(
        &server,
        &format!("/api/municipalities/{MUNICIPALITY}/results.csv"),
        &admin(),
    )
    .await;
    assert_eq!(status, 200, "{csv}");
    let units: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split([';', ',']).next().unwrap_or(""))
        .collect();
    assert_eq!(
        units,
        [
            "Gemeente",
            "Deelgebied Centrum",
            "Deelgebied Tereken",
            "Telbureau 1",
            "Telbureau 2"
        ],
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("Telbureau 2") && l.contains("978")),
        "{csv}"
    );
    // The municipality: DOMAIN.md's check figures.
    let municipality = &body["municipality"];
    assert_eq!(municipality["complete"], true, "{body}");
    assert_eq!(municipality["stations_in"], 6);
    assert_eq!(
        municipality["totals"]["list_votes"],
        json!({"1": 840, "2": 432, "3": 360, "4": 328})
    );
    // Nine seats by Imperiali: 5/2/1/1.
    let seats = &body["seat_allocation"];
    assert_eq!(seats["method"], "imperiali", "{body}");
    assert_eq!(seats["complete"], true);
    let per_list: Vec<u64> = seats["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["seats"].as_u64().unwrap())
        .collect();
    assert_eq!(per_list, [5, 2, 1, 1]);
    let (_, body) = http(&server, "GET", &results, &viewer, &Value::Null).await;
    assert_eq!(
        body["counting_offices"][1]["totals"]["list_votes"]["2"],
        232
    );

    // A finished election records nothing more; its figures stay.
    let (finished, output) = support::cli(
        &server.database,
        &["election", "finish", "--election", &election.id],
    );
    assert!(finished, "{output}");
    let (status, body) = http(
        &server,
        "POST",
        &format!("{}/lock", office_path(1)),
        &admin(),
        &json!({}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("refused")),
        "{body}"
    );
    let (_, body) = http(&server, "GET", &public, "", &Value::Null).await;
    assert_eq!(body["municipality"]["totals"]["votes_cast"], 1_978);
}

/// An office whose result is entered keeps its stations: its figures were checked
/// against their voters and count in their subareas. A Dutch election has no offices.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entered_office_keeps_its_stations_and_a_dutch_election_has_none() {
    let (server, _) = paper_municipality(6 * HOUR_MS);
    assert_eq!(link(&server, 1, &[1, 2, 3]).await.0, 200);
    let chair = admin();
    assert_eq!(claim(&server, &chair, 1, None).await.0, 200);
    let (status, body) = enter(&server, &chair, 1, &office_one(), &[]).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = link(&server, 1, &[1, 2, 4]).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].to_string().contains("result is entered")
            || body["message"].to_string().contains("uitslag"),
        "{body}"
    );
    let stations: Vec<String> = office(&server, &chair, 1).await["stations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(stations, [station(1), station(2), station(3)]);
    // The same stations again (a new name) is fine.
    assert_eq!(link(&server, 1, &[1, 2, 3]).await.0, 200);

    let (database, dir) = fresh_database();
    let now = kiesdag::db::now_ms();
    let dutch = Election {
        jurisdiction: shared::domain::Jurisdiction::Netherlands,
        ..flemish_election("GR2026", now - HOUR_MS, now + 6 * HOUR_MS)
    };
    seed(&database, MUNICIPALITY, &dutch);
    let server = support::start_server(&database, dir);
    let (status, body) = link(&server, 1, &[1, 2, 3]).await;
    assert_eq!(status, 400, "{body}");
}

/// An office linked by mistake can go, while nothing was counted in it: its stations
/// are free for another. One whose result is entered, or that is locked, stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_linked_by_mistake_is_unlinked_by_the_chair_until_counted() {
    let (server, _) = paper_municipality(6 * HOUR_MS);
    assert_eq!(link(&server, 1, &[1, 2, 3]).await.0, 200);
    assert_eq!(link(&server, 7, &[4, 5, 6]).await.0, 200);
    let seven = format!("{}/unlink", office_path(7));
    let (status, body) = http(&server, "POST", &seven, &coordinator(), &Value::Null).await;
    assert_eq!(status, 403, "only the main office's chair unlinks: {body}");
    let (status, body) = http(&server, "POST", &seven, &admin(), &Value::Null).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["number"], 7);
    let (_, list) = http(&server, "GET", &list_path(), &admin(), &Value::Null).await;
    let numbers: Vec<u64> = list["offices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1]);
    assert_eq!(list["unlinked_stations"].as_array().unwrap().len(), 3);
    let unlinked = audited(&server, "counting_office.unlink");
    assert_eq!(unlinked.len(), 1);
    assert_eq!(
        unlinked[0].2["station_ids"],
        json!([station(4), station(5), station(6)])
    );
    // Its stations go to the right office now.
    assert_eq!(link(&server, 2, &[4, 5, 6]).await.0, 200);
    let (status, _) = http(&server, "POST", &seven, &admin(), &Value::Null).await;
    assert_eq!(status, 404, "gone");

    // Counted in: its result was counted from its stations.
    let token = coordinator();
    assert_eq!(claim(&server, &token, 1, None).await.0, 200);
    assert_eq!(enter(&server, &token, 1, &office_one(), &[]).await.0, 200);
    let one = office_path(1);
    let unlink_one = format!("{one}/unlink");
    let (status, body) = http(&server, "POST", &unlink_one, &admin(), &Value::Null).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_counting_office")),
        "{body}"
    );
    // Locked: refused, and the refusal audited.
    let entered_at = office(&server, &token, 1).await["entered_at"].clone();
    let lock = format!("{one}/lock");
    let seen = json!({ "expected_entered_at": entered_at });
    assert_eq!(http(&server, "POST", &lock, &admin(), &seen).await.0, 200);
    let (status, body) = http(&server, "POST", &unlink_one, &admin(), &Value::Null).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("locked")),
        "{body}"
    );
    assert_eq!(audited(&server, "counting_office.unlink_refused").len(), 1);
    assert_eq!(office(&server, &token, 1).await["complete"], true);
}

/// The duplicate warning is confirmed for the offices the user saw named: an office
/// entered with the same figures since then is a warning not yet seen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_of_an_office_entered_since_the_check_is_not_confirmed_unseen() {
    let (server, _) = paper_municipality(6 * HOUR_MS);
    let token = coordinator();
    for (number, stations) in [(1, [1, 2]), (2, [3, 4]), (3, [5, 6])] {
        assert_eq!(link(&server, number, &stations).await.0, 200);
        assert_eq!(claim(&server, &token, number, None).await.0, 200);
    }
    let small = shared::fixtures::result((300, 0, 0), &[100, 100, 50, 40], 6, 4);
    assert_eq!(enter(&server, &token, 1, &small, &[]).await.0, 200);
    // The user of office 3 checks: the same as office 1.
    let (_, check) = http(
        &server,
        "POST",
        &format!("{}/result/check", office_path(3)),
        &token,
        &json!({ "result": small }),
    )
    .await;
    assert_eq!(check["same_as_offices"], json!([1]), "{check}");
    // Meanwhile office 2 is entered with the same figures (confirmed as seen there).
    let store = |number: u32, same_as: Value| {
        let token = token.clone();
        let server = &server;
        let small = small.clone();
        async move {
            http(
                server,
                "PUT",
                &format!("{}/result", office_path(number)),
                &token,
                &json!({
                    "result": small,
                    "confirmed_warnings": ["COUNT_W01_SAME_AS_OFFICE"],
                    "confirmed_same_as_offices": same_as,
                }),
            )
            .await
        }
    };
    assert_eq!(store(2, json!([1])).await.0, 200);
    // Office 3's confirmation named office 1 only: not stored.
    let (status, body) = store(3, json!([1])).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("warnings_unconfirmed")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("telbureau 2"),
        "{body}"
    );
    assert_eq!(office(&server, &token, 3).await["complete"], false);
    let (status, body) = store(3, json!([1, 2])).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["same_as_offices"], json!([1, 2]));
}
