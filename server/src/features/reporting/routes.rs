//! Turnout and results for the control room, managers and the public, with the
//! embargo applied per caller and per unit (DESIGN.md invariant 5).

use std::collections::BTreeMap;

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use shared::domain::{Election, Report, Timestamp};
use shared::validation::Language;

use super::embargo::{TotalsEmbargo, Unit};
use super::stations::StationResultsReport;
use super::{charts, exports};
use crate::auth::Principal;
use crate::features::counting_offices::publication::{CountingOfficeResult, PaperCount};
use crate::features::reporting::results::{self, ResultTotals};
use crate::http::public::PublicPage;
use crate::http::public::cache::{Answer, Page};
use crate::http::{ApiError, CoveredMunicipality, ErrorBody, ErrorReference};
use crate::state::AppState;
use crate::store::{self, counting_offices::CountingOfficeRecord, stations::StationRecord};

/// One unit's turnout.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitTurnout {
    /// "" for the municipality, else the district's name.
    pub unit: String,
    pub stations: u32,
    pub expected_voters: u64,
    pub voters: u64,
    /// Voters as a share of expected voters, in percent (None when none are expected).
    pub percent: Option<f64>,
    /// Cumulative voters at each of `TurnoutReport::times`.
    pub over_time: Vec<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TurnoutReport {
    pub election_id: String,
    /// The election's name, for titles ("Gemeenteraadsverkiezing 2026").
    pub election_name: String,
    /// The municipality's name ("Rotterdam"), when the stations' import gave one.
    pub municipality_name: Option<String>,
    /// Moments (ms since the epoch) of `over_time`, from opening to now or closing.
    pub times: Vec<i64>,
    pub municipality: UnitTurnout,
    pub districts: Vec<UnitTurnout>,
}

/// One unit's results, or only its completeness while under embargo for the caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitResult {
    pub unit: String,
    pub stations: u32,
    pub stations_in: u32,
    pub complete: bool,
    /// False while the embargo holds for this caller (before closing, or under the
    /// publication threshold); then `totals` is absent.
    pub published: bool,
    pub totals: Option<ResultTotals>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultsReport {
    pub election_id: String,
    /// The election's name, for titles.
    pub election_name: String,
    /// The municipality's name, when the stations' import gave one.
    pub municipality_name: Option<String>,
    /// The election's lists, by number: the names every page, export and chart shows.
    pub lists: Vec<ListName>,
    pub closes_at: i64,
    /// Smallest number of voters a unit needs for its figures to be published.
    pub publication_threshold: u32,
    pub municipality: UnitResult,
    pub districts: Vec<UnitResult>,
    pub subareas: Vec<UnitResult>,
    /// The council's seats on the municipality's totals, computed by the shared core;
    /// present only when those totals are published to the caller and the election's
    /// seats are configured (`kiesdag election init --seats`).
    pub seat_allocation: Option<results::SeatAllocation>,
    /// A Flemish paper-voting municipality's counting offices, each with its result
    /// once entered (under the same embargo); the municipality's, districts' and
    /// subareas' totals are then theirs added up. Empty elsewhere.
    pub counting_offices: Vec<CountingOfficeResult>,
}

/// A list (party) on the ballot: its number and its name.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ListName {
    pub number: u32,
    pub name: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ChartQuery {
    /// `svg` (the default) or `png`.
    pub format: Option<String>,
}

fn now() -> Timestamp {
    Timestamp(crate::db::now_ms())
}

/// A municipality's stations, their election, its turnout reports, its name and its
/// counting offices (a Flemish paper-voting municipality's).
type Municipality = (
    Vec<StationRecord>,
    Election,
    Vec<store::events::EventRecord>,
    Option<String>,
    Vec<CountingOfficeRecord>,
);

/// Reads a municipality for its turnout and results (its turnout reports only when
/// `with_turnout`); None when it has no stations.
fn read_municipality(
    db: &mut crate::db::Db,
    code: &str,
    with_turnout: bool,
) -> Result<Option<Municipality>, store::StoreError> {
    let Some((stations, election)) = store::stations::with_election(db, code)? else {
        return Ok(None);
    };
    let turnout = if with_turnout {
        store::events::of_kind(db, &election.id, "turnout")?
    } else {
        Vec::new()
    };
    let name = store::stations::municipality_name(db, code)?;
    let offices = store::counting_offices::list(db, &election.id, code)?;
    Ok(Some((stations, election, turnout, name, offices)))
}

/// The stations of a municipality, their election and its turnout reports; the
/// caller's right to see them is checked by the extractor (`CoveredMunicipality`).
async fn load(
    state: &AppState,
    code: String,
    with_turnout: bool,
) -> Result<Municipality, HttpResponse> {
    let found = state
        .with_db(move |db| read_municipality(db, &code, with_turnout))
        .await;
    match found {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(ApiError::no_stations().into()),
        Err(e) => Err(ApiError::from(e).into()),
    }
}

/// Answers a public page of municipality `code` from memory, made by `make` from the
/// municipality (read on the public pages' own connection) when it is stale.
async fn public_page(
    req: &HttpRequest,
    state: &AppState,
    page: &PublicPage,
    code: String,
    with_turnout: bool,
    make: impl FnOnce(Municipality, Timestamp) -> Page,
) -> HttpResponse {
    let read = || async {
        let lookup = code.clone();
        let found = page
            .reader
            .read(move |db| read_municipality(db, &lookup, with_turnout))
            .await?;
        Ok::<_, crate::state::ServiceError>(
            found.map_or(Answer::Unknown, |found| Answer::Found(make(found, now()))),
        )
    };
    page.serve(req, &state.hub, &state.public.known, &code, read)
        .await
}

/// Turnout per unit, now and over the day (every quarter of an hour, at most 64 points).
fn turnout_report(
    municipality_name: Option<String>,
    stations: &[StationRecord],
    election: &Election,
    events: &[store::events::EventRecord],
    at: Timestamp,
) -> TurnoutReport {
    let end = at.min(election.closes_at).max(election.opens_at);
    let span = end.millis() - election.opens_at.millis();
    let step = (span / 64).max(15 * 60_000);
    let mut times: Vec<i64> = (0..)
        .map(|n| election.opens_at.millis() + n * step)
        .take_while(|t| *t < end.millis())
        .collect();
    times.push(end.millis());
    // Each station's counts over time, from its turnout reports.
    let mut counts: BTreeMap<String, Vec<(i64, u64)>> = BTreeMap::new();
    for event in events {
        let Some(station) = &event.station_id else {
            continue;
        };
        let Some(shared::protocol::EventPayload::Operation(op)) = event.parsed_payload() else {
            continue;
        };
        if let Report::Turnout(t) = op.report {
            counts
                .entry(station.clone())
                .or_default()
                .push((op.recorded_at.millis(), u64::from(t.count)));
        }
    }
    let unit = |name: String, members: &[&StationRecord]| -> UnitTurnout {
        let expected: u64 = members
            .iter()
            .filter_map(|s| s.station.expected_voters)
            .map(u64::from)
            .sum();
        let count_at = |s: &StationRecord, t: i64| -> u64 {
            counts
                .get(&s.station.id)
                .and_then(|c| c.iter().rev().find(|(at, _)| *at <= t))
                .map_or(0, |(_, n)| *n)
        };
        let voters: u64 = members
            .iter()
            .map(|s| s.day.latest_turnout_count().map_or(0, u64::from))
            .sum();
        UnitTurnout {
            unit: name,
            stations: u32::try_from(members.len()).unwrap_or(u32::MAX),
            expected_voters: expected,
            voters,
            percent: shared::domain::turnout_percent(voters, expected),
            over_time: times
                .iter()
                .map(|t| members.iter().map(|s| count_at(s, *t)).sum())
                .collect(),
        }
    };
    let all: Vec<&StationRecord> = stations.iter().collect();
    let mut by_district: BTreeMap<String, Vec<&StationRecord>> = BTreeMap::new();
    for s in stations {
        by_district
            .entry(s.station.district.clone().unwrap_or_default())
            .or_default()
            .push(s);
    }
    TurnoutReport {
        election_id: election.id.clone(),
        election_name: election.name.clone(),
        municipality_name,
        municipality: unit(String::new(), &all),
        districts: by_district
            .into_iter()
            .map(|(name, members)| unit(name, &members))
            .collect(),
        times,
    }
}

fn unit_result(unit: String, totals: ResultTotals, published: bool) -> UnitResult {
    UnitResult {
        unit,
        stations: totals.stations,
        stations_in: totals.stations_in,
        complete: totals.complete(),
        published,
        totals: published.then_some(totals),
    }
}

/// Votes cast as a number of voters for the embargo's threshold.
fn voters(totals: &ResultTotals) -> u32 {
    u32::try_from(totals.votes_cast).unwrap_or(u32::MAX)
}

fn results_report(
    municipality_name: Option<String>,
    principal: &Principal,
    stations: &[StationRecord],
    offices: &[CountingOfficeRecord],
    election: &Election,
    at: Timestamp,
) -> ResultsReport {
    // A paper municipality's figures are its counting offices' (its stations send none).
    let paper = PaperCount::new(stations, offices);
    let mut embargo = TotalsEmbargo::new(principal, election, stations, at);
    if let Some(paper) = &paper {
        embargo = paper.embargo(embargo, principal, election, at);
    }
    let units = |kind: Unit, groups: BTreeMap<String, ResultTotals>| -> Vec<UnitResult> {
        groups
            .into_iter()
            .filter(|(name, _)| !name.is_empty())
            .map(|(name, totals)| {
                let published = embargo.unit_published(kind, &name, voters(&totals));
                unit_result(name, totals, published)
            })
            .collect()
    };
    let (by_district, by_subarea, total) = match &paper {
        Some(paper) => (paper.by_district(), paper.by_subarea(), paper.total()),
        None => (
            results::by_district(stations),
            results::by_subarea(stations),
            results::total(stations),
        ),
    };
    let districts = units(Unit::District, by_district);
    let subareas = units(Unit::Subarea, by_subarea);
    let every_unit_published = districts.iter().chain(&subareas).all(|u| u.published);
    let published = embargo.municipality_published(voters(&total), every_unit_published);
    let municipality = unit_result(String::new(), total, published);
    // Computed from the municipality's totals only, so under the same embargo.
    let seat_allocation = municipality
        .totals
        .as_ref()
        .and_then(|totals| results::seat_allocation(election, totals));
    ResultsReport {
        seat_allocation,
        counting_offices: paper
            .map(|paper| paper.offices(principal, election, at))
            .unwrap_or_default(),
        election_id: election.id.clone(),
        election_name: election.name.clone(),
        municipality_name,
        lists: election
            .lists
            .iter()
            .map(|l| ListName {
                number: l.number,
                name: l.name.clone(),
            })
            .collect(),
        closes_at: election.closes_at.millis(),
        publication_threshold: election.jurisdiction.rules().publication_threshold,
        municipality,
        districts,
        subareas,
    }
}

fn chart_response(
    format: Option<&str>,
    svg: impl FnOnce() -> Result<String, charts::ChartError>,
    png: impl FnOnce() -> Result<Vec<u8>, charts::ChartError>,
) -> HttpResponse {
    let result = match format {
        Some("png") => png().map(|bytes| HttpResponse::Ok().content_type("image/png").body(bytes)),
        None | Some("svg") => {
            svg().map(|text| HttpResponse::Ok().content_type("image/svg+xml").body(text))
        }
        Some(_) => {
            return ApiError::from(ErrorReference::InvalidFormat).into();
        }
    };
    result.unwrap_or_else(|e| ApiError::internal(ErrorReference::Chart, &e).into())
}

macro_rules! or_respond {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(response) => return response,
        }
    };
}

/// Turnout per district and for the municipality, now and over the day.
#[utoipa::path(get, path = "/api/municipalities/{code}/turnout", operation_id = "turnout", tag = "reports",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses((status = 200, description = "Turnout.", body = TurnoutReport), (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody), (status = 404, description = "No stations (`not_found`).", body = ErrorBody)))]
pub async fn turnout(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
) -> HttpResponse {
    let (stations, election, events, name, _) =
        or_respond!(load(&state, municipality.code.clone(), true).await);
    HttpResponse::Ok().json(turnout_report(name, &stations, &election, &events, now()))
}

/// Turnout for the public: the municipality's and its districts', live.
#[utoipa::path(get, path = "/api/public/municipalities/{code}/turnout", operation_id = "public_turnout", tag = "public",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses((status = 200, description = "Turnout, with an `ETag` and `Cache-Control: public, max-age=2`.", body = TurnoutReport), (status = 304, description = "The caller's copy (`If-None-Match`) is current."), (status = 404, description = "No stations (`not_found`).", body = ErrorBody), (status = 503, description = "Others are reading it; come back in a few seconds (`unavailable`).", body = ErrorBody)))]
pub async fn public_turnout(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    let page = &state.public.turnout;
    public_page(&req, &state, page, code.into_inner(), true, |found, at| {
        let (stations, election, events, name, _) = found;
        // The time axis ends at the minute, so that a page made again without a new
        // report is the same page (and its tag the same: a browser's request gets 304);
        // the figures now (`voters`) are always the latest.
        let minute = Timestamp(at.millis() - at.millis().rem_euclid(60_000));
        let report = turnout_report(name, &stations, &election, &events, minute);
        Page::new(Bytes::from(store::to_json(&report)), None)
    })
    .await
}

/// Turnout over the day per district against expected voters, as a chart.
#[utoipa::path(get, path = "/api/municipalities/{code}/turnout/chart", operation_id = "turnout_chart", tag = "reports",
    params(("code" = String, Path, description = "The municipality's code."), ChartQuery),
    responses((status = 200, description = "SVG or PNG.", content_type = "image/svg+xml"), (status = 400, description = "Unknown format (`invalid_format`).", body = ErrorBody), (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody)))]
pub async fn turnout_chart(
    req: HttpRequest,
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    query: web::Query<ChartQuery>,
) -> HttpResponse {
    let (stations, election, events, name, _) =
        or_respond!(load(&state, municipality.code.clone(), true).await);
    let language = crate::http::error::language(&req);
    let report = turnout_report(name, &stations, &election, &events, now());
    let municipality_word = match language {
        Language::Dutch => "Gemeente",
        Language::English => "Municipality",
    };
    let series: Vec<charts::TurnoutSeries> = report
        .districts
        .iter()
        .chain(std::iter::once(&report.municipality))
        .map(|u| {
            let mut points: Vec<(Timestamp, u64)> = report
                .times
                .iter()
                .zip(&u.over_time)
                .map(|(t, n)| (Timestamp(*t), *n))
                .collect();
            // The line ends at the unit's figure now, the table's, not at a recount up
            // to the last moment, which can lag behind the latest report.
            if let Some(last) = points.last_mut() {
                last.1 = u.voters;
            }
            charts::TurnoutSeries {
                label: if u.unit.is_empty() {
                    municipality_word.into()
                } else {
                    u.unit.clone()
                },
                expected_voters: u.expected_voters,
                points,
                figure: u.percent,
            }
        })
        .collect();
    let title = match language {
        Language::Dutch => "Opkomst",
        Language::English => "Turnout",
    };
    let (opens, closes, offset) = (
        election.opens_at,
        election.closes_at,
        election.utc_offset_minutes,
    );
    chart_response(
        query.format.as_deref(),
        || charts::turnout_svg(language, title, &series, opens, closes, offset),
        || charts::turnout_png(language, title, &series, opens, closes, offset),
    )
}

/// The latest turnout of every station, as CSV.
#[utoipa::path(get, path = "/api/municipalities/{code}/turnout.csv", operation_id = "turnout_csv", tag = "reports",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses((status = 200, description = "CSV.", content_type = "text/csv"), (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody)))]
pub async fn turnout_csv(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
) -> HttpResponse {
    let (stations, election, _, _, _) =
        or_respond!(load(&state, municipality.code.clone(), false).await);
    let rows: Vec<exports::StationTurnoutRow> = stations
        .iter()
        .map(|s| exports::StationTurnoutRow {
            station_id: s.station.id.clone(),
            number: s.station.number,
            name: s.station.name.clone(),
            district: s.station.district.clone(),
            expected_voters: s.station.expected_voters,
            turnout: s.day.latest_turnout_count(),
            at: s.day.latest_turnout.map(|(t, _)| t),
        })
        .collect();
    match exports::station_turnout_csv(&rows, election.utc_offset_minutes) {
        Ok(csv) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(csv),
        Err(e) => ApiError::internal(ErrorReference::Export, &e).into(),
    }
}

/// Provisional results per unit with completeness; figures only where the embargo
/// allows this caller to see them.
#[utoipa::path(get, path = "/api/municipalities/{code}/results", operation_id = "results", tag = "reports",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses((status = 200, description = "Results.", body = ResultsReport), (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody)))]
pub async fn results(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
) -> HttpResponse {
    let (stations, election, _, name, offices) =
        or_respond!(load(&state, municipality.code.clone(), false).await);
    HttpResponse::Ok().json(results_report(
        name,
        &municipality.caller,
        &stations,
        &offices,
        &election,
        now(),
    ))
}

/// Provisional results for the public: nothing before closing, and only units over the
/// publication threshold.
#[utoipa::path(get, path = "/api/public/municipalities/{code}/results", operation_id = "public_results", tag = "public",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses((status = 200, description = "Results, figures under embargo left out, with an `ETag` and `Cache-Control: public, max-age=2`.", body = ResultsReport), (status = 304, description = "The caller's copy (`If-None-Match`) is current."), (status = 404, description = "No stations (`not_found`).", body = ErrorBody), (status = 503, description = "Others are reading it; come back in a few seconds (`unavailable`).", body = ErrorBody)))]
pub async fn public_results(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    let page = &state.public.results;
    public_page(&req, &state, page, code.into_inner(), false, |found, at| {
        let (stations, election, _, name, offices) = found;
        let report = results_report(name, &Principal::Public, &stations, &offices, &election, at);
        // Made before closing, it carries no figures, and is made again at closing.
        let closes_at = election.closes_at.millis();
        Page::new(
            Bytes::from(store::to_json(&report)),
            (at.millis() < closes_at).then_some(closes_at),
        )
    })
    .await
}

/// Results per station, where the municipality publishes per station (a Dutch one every
/// station's, a Flemish digital-voting one where at least 500 voted); figures only where
/// the embargo allows this caller to see them. A municipality counting in counting
/// offices lists none (`counted_in_offices`).
#[utoipa::path(get, path = "/api/municipalities/{code}/results/stations", operation_id = "station_results", tag = "reports",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses((status = 200, description = "Results per station.", body = StationResultsReport), (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody), (status = 404, description = "No stations (`not_found`).", body = ErrorBody)))]
pub async fn station_results(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
) -> HttpResponse {
    let (stations, election, _, _, offices) =
        or_respond!(load(&state, municipality.code.clone(), false).await);
    HttpResponse::Ok().json(super::stations::report(
        &municipality.caller,
        &stations,
        &election,
        !offices.is_empty(),
        now(),
    ))
}

/// Results per station for the public: nothing before closing, and in Flanders only
/// stations where at least 500 voted.
#[utoipa::path(get, path = "/api/public/municipalities/{code}/results/stations", operation_id = "public_station_results", tag = "public",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses((status = 200, description = "Results per station, figures under embargo left out, with an `ETag` and `Cache-Control: public, max-age=2`.", body = StationResultsReport), (status = 304, description = "The caller's copy (`If-None-Match`) is current."), (status = 404, description = "No stations (`not_found`).", body = ErrorBody), (status = 503, description = "Others are reading it; come back in a few seconds (`unavailable`).", body = ErrorBody)))]
pub async fn public_station_results(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    let page = &state.public.station_results;
    public_page(&req, &state, page, code.into_inner(), false, |found, at| {
        let (stations, election, _, _, offices) = found;
        let report = super::stations::report(
            &Principal::Public,
            &stations,
            &election,
            !offices.is_empty(),
            at,
        );
        // Made before closing, it carries no figures, and is made again at closing.
        let closes_at = election.closes_at.millis();
        Page::new(
            Bytes::from(store::to_json(&report)),
            (at.millis() < closes_at).then_some(closes_at),
        )
    })
    .await
}

/// Votes per list for the municipality, as a chart (under the same embargo).
#[utoipa::path(get, path = "/api/municipalities/{code}/results/chart", operation_id = "results_chart", tag = "reports",
    params(("code" = String, Path, description = "The municipality's code."), ChartQuery),
    responses((status = 200, description = "SVG or PNG.", content_type = "image/svg+xml"), (status = 403, description = "Not the caller's municipality, or under embargo for the caller (`forbidden`, `embargo`).", body = ErrorBody)))]
pub async fn results_chart(
    req: HttpRequest,
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    query: web::Query<ChartQuery>,
) -> HttpResponse {
    let (stations, election, _, name, offices) =
        or_respond!(load(&state, municipality.code.clone(), false).await);
    let report = results_report(
        name,
        &municipality.caller,
        &stations,
        &offices,
        &election,
        now(),
    );
    let Some(totals) = report.municipality.totals else {
        return ApiError::from(ErrorReference::Embargo).into();
    };
    let lists: Vec<(String, u64)> = election
        .lists
        .iter()
        .map(|l| {
            (
                l.name.clone(),
                totals.list_votes.get(&l.number).copied().unwrap_or(0),
            )
        })
        .collect();
    let language = crate::http::error::language(&req);
    let title = match language {
        Language::Dutch => "Voorlopige uitslag",
        Language::English => "Provisional result",
    };
    chart_response(
        query.format.as_deref(),
        || charts::results_svg(language, title, &lists),
        || charts::results_png(language, title, &lists),
    )
}

/// Results for the municipality, per district, per subarea and per counting office, as
/// CSV (under the same embargo).
#[utoipa::path(get, path = "/api/municipalities/{code}/results.csv", operation_id = "results_csv", tag = "reports",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses((status = 200, description = "CSV.", content_type = "text/csv"), (status = 403, description = "Not the caller's municipality, or under embargo (`forbidden`, `embargo`).", body = ErrorBody)))]
pub async fn results_csv(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
) -> HttpResponse {
    let (stations, election, _, name, offices) =
        or_respond!(load(&state, municipality.code.clone(), false).await);
    let report = results_report(
        name,
        &municipality.caller,
        &stations,
        &offices,
        &election,
        now(),
    );
    if !report.municipality.published {
        return ApiError::from(ErrorReference::Embargo).into();
    }
    let row =
        |unit: String, stations: u32, stations_in: u32, t: &ResultTotals| exports::ResultRow {
            unit,
            stations,
            stations_in,
            admitted_voters: t.admitted_voters,
            votes_cast: t.votes_cast,
            blank: t.blank_votes,
            invalid: t.invalid_votes,
            list_votes: t.list_votes.iter().map(|(n, v)| (*n, *v)).collect(),
        };
    // The municipality, its districts, its subareas ("Deelgebied ...") and a paper
    // municipality's counting offices, each where published.
    let units = std::iter::once(&report.municipality)
        .chain(&report.districts)
        .filter_map(|u| {
            let name = if u.unit.is_empty() {
                "Gemeente".to_owned()
            } else {
                u.unit.clone()
            };
            u.totals
                .as_ref()
                .map(|t| row(name, u.stations, u.stations_in, t))
        });
    let subareas = report.subareas.iter().filter_map(|u| {
        u.totals.as_ref().map(|t| {
            row(
                format!("Deelgebied {}", u.unit),
                u.stations,
                u.stations_in,
                t,
            )
        })
    });
    let offices = report.counting_offices.iter().filter_map(|o| {
        let name = if o.name == format!("Telbureau {}", o.number) {
            o.name.clone()
        } else {
            format!("Telbureau {}: {}", o.number, o.name)
        };
        o.totals
            .as_ref()
            .map(|t| row(name, t.stations, t.stations_in, t))
    });
    let rows: Vec<exports::ResultRow> = units.chain(subareas).chain(offices).collect();
    match exports::results_csv(&rows, &election.lists) {
        Ok(csv) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(csv),
        Err(e) => ApiError::internal(ErrorReference::Export, &e).into(),
    }
}
