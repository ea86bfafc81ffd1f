//! The counting offices' endpoints, for the main office's dashboard page: the offices
//! with their stations, who holds each and whether it is locked (everyone of the
//! municipality's staff reads; figures under the embargo); linking (the main office's
//! chair, an administrator); claiming, releasing, checking and entering a result (the
//! control room's roles); locking and unlocking (the chair).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use shared::domain::ProvisionalResult;
use shared::domain::counting_office::{CountingOffice, LinkRefusal, linking_opens_at};
use shared::validation::{Issue, Language, Rule};

use super::publication::OfficeStation;
use super::{Actor, Municipality, OfficeError, claims};
use crate::auth::Principal;
use crate::db::{self, Db};
use crate::features::reporting::embargo::may_see_result;
use crate::http::{ApiError, CONTROL_ROOM, CoveredMunicipality, ErrorBody, ErrorReference};
use crate::state::AppState;
use crate::store::{self, StoreError, counting_offices::CountingOfficeRecord};

/// Who holds an office for entering.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClaimView {
    /// The holder's username; only for the control room's roles (managers and viewers
    /// see that the office is held, not by whom).
    pub username: Option<String>,
    /// Since when (ms since the epoch).
    pub since: i64,
    /// Whether the caller holds it.
    pub yours: bool,
}

/// The main office's chair locked the office.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LockView {
    /// The chair's username; only for the control room's roles.
    pub by: Option<String>,
    /// When (ms since the epoch).
    pub at: i64,
}

/// One counting office as the main office's staff see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CountingOfficeView {
    pub number: u32,
    pub name: String,
    /// The stations whose ballots it counts, by number, each with its subarea.
    pub stations: Vec<OfficeStation>,
    /// The voters assigned to its stations together, which its result may not exceed;
    /// absent when a station's are unknown.
    pub assigned_voters: Option<u32>,
    /// Who holds it for entering; absent when nobody does.
    pub claim: Option<ClaimView>,
    /// Present when the main office's chair locked it: its result cannot change.
    pub lock: Option<LockView>,
    /// Its result is entered.
    pub complete: bool,
    /// When its result was entered (ms since the epoch).
    pub entered_at: Option<i64>,
    /// The codes of the warnings confirmed with its result.
    pub confirmed_warnings: Vec<String>,
    /// Other offices whose figures equal its result's ("dubbele ingave van eenzelfde
    /// telbureau?"); empty while its figures are withheld from the caller.
    pub same_as_offices: Vec<u32>,
    /// False while the embargo holds for the caller (viewers before closing, or under
    /// the publication threshold); then `result` is absent.
    pub published: bool,
    pub result: Option<ProvisionalResult>,
}

/// A municipality's counting offices.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CountingOfficesView {
    pub election_id: String,
    /// The election's offset from UTC, for showing times.
    pub utc_offset_minutes: i32,
    /// When linking opens: local midnight of the election day (ms since the epoch).
    pub linking_opens_at: i64,
    pub offices: Vec<CountingOfficeView>,
    /// The municipality's stations that no office counts for yet, by number.
    pub unlinked_stations: Vec<OfficeStation>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LinkRequest {
    /// The office's name; "Telbureau N" when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// The stations whose ballots it counts (normally three), by id; a station another
    /// office counts for is refused.
    pub station_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ClaimRequest {
    /// Take the office over from whoever holds it (recorded in the audit log with the
    /// previous holder). Without it, an office someone else holds is refused.
    #[serde(default)]
    pub take_over: bool,
    /// With `take_over`: the username of the holder the user was asked about. When the
    /// office changed hands since, nothing is taken over (`claimed_by_other`, naming
    /// the holder now), so nobody takes over someone they were not asked about.
    #[serde(default)]
    pub expected_holder: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct LockRequest {
    /// When the result the chair saw was entered (`entered_at` of the office's view);
    /// absent or null when they saw none. A different result now is not locked
    /// (`result_changed`), so no result is locked unseen.
    #[serde(default)]
    pub expected_entered_at: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResultRequest {
    /// The office's figures, as a station's provisional result.
    pub result: ProvisionalResult,
    /// The codes of the warnings the user confirmed (`COUNT_W01_SAME_AS_OFFICE`, ...):
    /// entered only when every warning of these figures is among them, so a warning
    /// that appeared since the user looked is never confirmed unseen. Errors block
    /// whatever this says.
    #[serde(default)]
    pub confirmed_warnings: Vec<String>,
    /// With `COUNT_W01_SAME_AS_OFFICE` confirmed: the offices the user saw named
    /// (`same_as_offices` of the check). Another office with these figures since is a
    /// warning not yet seen, and nothing is stored.
    #[serde(default)]
    pub confirmed_same_as_offices: Vec<u32>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResultCheckRequest {
    pub result: ProvisionalResult,
}

/// One rule a result breaks.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RuleIssue {
    /// The rule's stable code (`RESULT_E03_VOTES_CAST_SUM`, `COUNT_W01_SAME_AS_OFFICE`).
    pub code: String,
    /// The fields it concerns (`votes.blank_votes`).
    pub fields: Vec<String>,
    /// The rule's text in the language of `Accept-Language`.
    pub message: String,
}

/// What the shared rules say of a result, before it is entered.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultCheck {
    /// Block entering until corrected.
    pub errors: Vec<RuleIssue>,
    /// Entered only when each is named in `confirmed_warnings`.
    pub warnings: Vec<RuleIssue>,
    /// Other offices whose figures equal these.
    pub same_as_offices: Vec<u32>,
}

/// A rule's text as it reads for a counting office: the station's rule on assigned
/// voters is about the office's stations together here.
fn office_message(rule: Rule, language: Language) -> &'static str {
    match (rule, language) {
        (Rule::ResultAboveAssignedVoters, Language::Dutch) => {
            "Meer kiezers dan aan de stembureaus van dit telbureau samen toegewezen."
        }
        (Rule::ResultAboveAssignedVoters, Language::English) => {
            "More voters than assigned to this counting office's stations together."
        }
        (rule, language) => shared::validation::message(rule, language),
    }
}

/// The staff member acting.
fn actor(principal: &Principal) -> Option<Actor> {
    match principal {
        Principal::Staff { user_id, role, .. } => Some(Actor {
            user_id: user_id.clone(),
            role: *role,
        }),
        _ => None,
    }
}

/// An office's number from the path; anything else names no office.
fn office_number(text: &str) -> Result<u32, ApiError> {
    text.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
        ApiError::from(ErrorReference::NotFound).with_detail(format!("telbureau {text}"))
    })
}

fn rules(issues: &[Issue]) -> Vec<shared::validation::Rule> {
    issues.iter().map(|i| i.rule).collect()
}

/// The answer to a refused action.
fn refusal(error: &OfficeError) -> ApiError {
    match error {
        OfficeError::NoStations => ApiError::no_stations(),
        OfficeError::NoSuchOffice(number) => {
            ApiError::from(ErrorReference::NotFound).with_detail(format!("telbureau {number}"))
        }
        OfficeError::NotOnTheDay(opens) => {
            ApiError::from(ErrorReference::NotOnTheDay).with_detail(opens.clone())
        }
        OfficeError::Link(LinkRefusal::NotOnTheDay { opens_at }) => {
            ApiError::from(ErrorReference::NotOnTheDay).with_detail(opens_at.millis().to_string())
        }
        OfficeError::Link(
            LinkRefusal::InvalidNumber
            | LinkRefusal::InvalidName
            | LinkRefusal::InvalidStationCount,
        ) => ErrorReference::InvalidCountingOffice.into(),
        OfficeError::Link(LinkRefusal::NotFlemish) => {
            ApiError::from(ErrorReference::InvalidCountingOffice)
                .with_detail("alleen Vlaamse papieren stemming / Flemish paper voting only")
        }
        OfficeError::HasResult => ApiError::from(ErrorReference::InvalidCountingOffice)
            .with_detail("de uitslag is al ingevoerd / its result is entered"),
        OfficeError::Link(LinkRefusal::StationTwice(id)) => {
            ApiError::from(ErrorReference::InvalidCountingOffice).with_detail(id.clone())
        }
        OfficeError::Link(LinkRefusal::UnknownStations(ids)) => {
            ApiError::from(ErrorReference::UnknownStations).with_detail(ids.join(", "))
        }
        OfficeError::Link(LinkRefusal::InOtherOffice(pairs)) => {
            ApiError::from(ErrorReference::InOtherCountingOffice).with_detail(
                pairs
                    .iter()
                    .map(|(station, office)| format!("{station}: telbureau {office}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        }
        OfficeError::ClaimedByOther(holder) => ApiError::from(ErrorReference::ClaimedByOther)
            .with_detail(format!("{}, {}", holder.username, holder.since_local)),
        OfficeError::NotClaimed => ErrorReference::NotClaimed.into(),
        OfficeError::Locked { local, .. } => {
            ApiError::from(ErrorReference::Locked).with_detail(local.clone())
        }
        OfficeError::ResultInvalid(errors) => {
            ApiError::rules(ErrorReference::ResultInvalid, rules(errors), "")
        }
        OfficeError::WarningsUnconfirmed { warnings, same_as } => {
            let offices = same_as
                .iter()
                .map(|n| format!("telbureau {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            ApiError::rules(
                ErrorReference::WarningsUnconfirmed,
                rules(warnings),
                offices,
            )
        }
        OfficeError::ResultChanged { entered_at } => ApiError::from(ErrorReference::ResultChanged)
            .with_detail(entered_at.map_or_else(|| "-".to_owned(), |at| at.to_string())),
        OfficeError::Finished(election) => {
            ApiError::from(ErrorReference::Refused).with_detail(format!("{election}: finished"))
        }
        OfficeError::Store(e) => ApiError::unavailable(e),
    }
}

/// The username of the user `user_id` (the id when none is known).
fn username(db: &mut Db, user_id: &str) -> Result<String, StoreError> {
    Ok(store::users::username_of(db, user_id)?.unwrap_or_else(|| user_id.to_owned()))
}

fn stations(municipality: &Municipality, office: &CountingOffice) -> Vec<OfficeStation> {
    municipality
        .stations_of(office)
        .into_iter()
        .map(|s| OfficeStation::from(&s.station))
        .collect()
}

/// `record` as `principal` may see it at `now`.
fn view(
    db: &mut Db,
    municipality: &Municipality,
    record: &CountingOfficeRecord,
    principal: &Principal,
    now: i64,
) -> Result<CountingOfficeView, StoreError> {
    let control_room =
        matches!(principal, Principal::Staff { role, .. } if CONTROL_ROOM.contains(role));
    let caller = actor(principal).map(|a| a.user_id);
    let published = record.entry.as_ref().is_some_and(|entry| {
        may_see_result(
            principal,
            &municipality.election,
            entry.result.votes.votes_cast,
            now,
        )
    });
    let same_as_offices = match (&record.entry, published) {
        (Some(entry), true) => shared::validation::same_as_offices(
            &entry.result,
            &municipality.other_results(record.office.number),
        ),
        _ => Vec::new(),
    };
    let claim = match &record.claim {
        Some(claim) => Some(ClaimView {
            username: if control_room {
                Some(username(db, &claim.user_id)?)
            } else {
                None
            },
            since: claim.since,
            yours: caller.as_deref() == Some(claim.user_id.as_str()),
        }),
        None => None,
    };
    let lock = match &record.lock {
        Some(lock) => Some(LockView {
            by: if control_room {
                Some(username(db, &lock.user_id)?)
            } else {
                None
            },
            at: lock.at,
        }),
        None => None,
    };
    Ok(CountingOfficeView {
        number: record.office.number,
        name: record.office.name.clone(),
        stations: stations(municipality, &record.office),
        assigned_voters: municipality.assigned_voters(&record.office),
        claim,
        lock,
        complete: record.entry.is_some(),
        entered_at: record.entry.as_ref().map(|e| e.at),
        // Which warnings were confirmed says something of the figures: withheld with
        // them.
        confirmed_warnings: record
            .entry
            .as_ref()
            .filter(|_| published)
            .map(|e| e.confirmed_warnings.clone())
            .unwrap_or_default(),
        same_as_offices,
        published,
        result: record
            .entry
            .as_ref()
            .filter(|_| published)
            .map(|e| e.result.clone()),
    })
}

macro_rules! or_respond {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(error) => return HttpResponse::from(error),
        }
    };
}

/// Runs `action` as the caller on municipality `code`'s offices and answers with the
/// office as it is afterwards.
async fn act<F>(state: &AppState, municipality: CoveredMunicipality, action: F) -> HttpResponse
where
    F: FnOnce(&mut Db, &Actor, &str, i64) -> Result<CountingOfficeRecord, OfficeError>
        + Send
        + 'static,
{
    let CoveredMunicipality { code, caller } = municipality;
    let Some(actor) = actor(&caller) else {
        return ApiError::not_your_municipality().into();
    };
    let changed = code.clone();
    let answer = state
        .with_db(move |db| {
            let now = db::now_ms();
            let record = match action(db, &actor, &code, now) {
                Ok(record) => record,
                Err(OfficeError::Store(e)) => return Err(e),
                Err(refused) => return Ok(Err(refused)),
            };
            let Some(municipality) = Municipality::read(db, &code)? else {
                return Ok(Err(OfficeError::NoStations));
            };
            let record = municipality
                .office(record.office.number)
                .cloned()
                .unwrap_or(record);
            Ok(Ok(view(db, &municipality, &record, &caller, now)?))
        })
        .await;
    match answer {
        Ok(Ok(view)) => {
            // The public results are made from the offices: read them again now.
            state.hub.count_change_without_event(&changed);
            HttpResponse::Ok().json(view)
        }
        Ok(Err(refused)) => refusal(&refused).into(),
        Err(e) => ApiError::from(e).into(),
    }
}

/// The municipality's counting offices: each with its stations and their subareas,
/// who holds it, whether it is locked, and its result where the caller may see it;
/// and the stations no office counts for yet.
#[utoipa::path(get, path = "/api/municipalities/{code}/counting-offices", operation_id = "counting_offices", tag = "counting offices",
    params(("code" = String, Path, description = "The municipality's code.")),
    responses(
        (status = 200, description = "The counting offices.", body = CountingOfficesView),
        (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No stations (`not_found`).", body = ErrorBody),
    ))]
pub async fn list(state: web::Data<AppState>, municipality: CoveredMunicipality) -> HttpResponse {
    let CoveredMunicipality { code, caller } = municipality;
    let answer = state
        .with_db(move |db| {
            let Some(municipality) = Municipality::read(db, &code)? else {
                return Ok(None);
            };
            let now = db::now_ms();
            let offices = municipality
                .offices
                .iter()
                .map(|record| view(db, &municipality, record, &caller, now))
                .collect::<Result<Vec<_>, _>>()?;
            let unlinked_stations = municipality
                .stations
                .iter()
                .filter(|s| {
                    !municipality
                        .offices
                        .iter()
                        .any(|o| o.office.station_ids.contains(&s.station.id))
                })
                .map(|s| OfficeStation::from(&s.station))
                .collect();
            Ok(Some(CountingOfficesView {
                election_id: municipality.election.id.clone(),
                utc_offset_minutes: municipality.election.utc_offset_minutes,
                linking_opens_at: linking_opens_at(&municipality.election).millis(),
                offices,
                unlinked_stations,
            }))
        })
        .await;
    match answer {
        Ok(Some(view)) => HttpResponse::Ok().json(view),
        Ok(None) => ApiError::no_stations().into(),
        Err(e) => ApiError::from(e).into(),
    }
}

/// Links a counting office to the stations whose ballots it counts, on the election
/// day (from local midnight); a new office, or new stations or a new name for one. A
/// station belongs to one office at most. Audited.
#[utoipa::path(put, path = "/api/municipalities/{code}/counting-offices/{number}", operation_id = "link_counting_office", tag = "counting offices",
    params(("code" = String, Path, description = "The municipality's code."), ("number" = u32, Path, description = "The office's number, 1 to 9,999.")),
    request_body = LinkRequest,
    responses(
        (status = 200, description = "Linked; the office as it is now.", body = CountingOfficeView),
        (status = 400, description = "No plausible number, name or stations, or a station twice (`invalid_counting_office`).", body = ErrorBody),
        (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No stations (`not_found`).", body = ErrorBody),
        (status = 409, description = "Before the election day (`not_on_the_day`, with the moment linking opens); a station another office counts for (`in_other_counting_office`, naming both); the office is locked (`locked`).", body = ErrorBody),
        (status = 422, description = "Stations that are not the municipality's (`unknown_stations`, naming them); the election is finished (`refused`).", body = ErrorBody),
    ))]
pub async fn link(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    path: web::Path<(String, String)>,
    body: web::Json<LinkRequest>,
) -> HttpResponse {
    let number = or_respond!(office_number(&path.1));
    let LinkRequest { name, station_ids } = body.into_inner();
    let office = CountingOffice {
        number,
        name: name.unwrap_or_else(|| format!("Telbureau {number}")),
        station_ids,
    };
    act(&state, municipality, move |db, actor, code, now| {
        super::link(db, actor, code, &office, now)
    })
    .await
}

/// Unlinks a counting office made by mistake (the main office's chair): it goes, and its
/// stations can be linked to another. Not once its result is entered, nor while it is
/// locked. Audited.
#[utoipa::path(post, path = "/api/municipalities/{code}/counting-offices/{number}/unlink", operation_id = "unlink_counting_office", tag = "counting offices",
    params(("code" = String, Path, description = "The municipality's code."), ("number" = u32, Path, description = "The office's number.")),
    responses(
        (status = 200, description = "Unlinked; the office as it was.", body = CountingOfficeView),
        (status = 400, description = "Its result is entered (`invalid_counting_office`).", body = ErrorBody),
        (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such office (`not_found`).", body = ErrorBody),
        (status = 409, description = "It is locked (`locked`; the refusal is audited).", body = ErrorBody),
        (status = 422, description = "The election is finished (`refused`).", body = ErrorBody),
    ))]
pub async fn unlink(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let number = or_respond!(office_number(&path.1));
    act(&state, municipality, move |db, actor, code, now| {
        super::unlink(db, actor, code, number, now)
    })
    .await
}

/// Claims a counting office for entering its result: one person at a time. Someone
/// else's claim is refused with who holds it and since when, unless `take_over`
/// (audited with the previous holder). A claim never expires by itself.
#[utoipa::path(post, path = "/api/municipalities/{code}/counting-offices/{number}/claim", operation_id = "claim_counting_office", tag = "counting offices",
    params(("code" = String, Path, description = "The municipality's code."), ("number" = u32, Path, description = "The office's number.")),
    request_body = ClaimRequest,
    responses(
        (status = 200, description = "The caller holds the office.", body = CountingOfficeView),
        (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such office (`not_found`).", body = ErrorBody),
        (status = 409, description = "Someone else holds it (`claimed_by_other`, with their username and since when: also when `take_over` names another holder than the one holding it now); it is locked (`locked`).", body = ErrorBody),
        (status = 422, description = "The election is finished (`refused`).", body = ErrorBody),
    ))]
pub async fn claim(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    path: web::Path<(String, String)>,
    body: web::Json<ClaimRequest>,
) -> HttpResponse {
    let number = or_respond!(office_number(&path.1));
    let ClaimRequest {
        take_over,
        expected_holder,
    } = body.into_inner();
    // Taking over without naming whom takes nothing over: the answer names the holder.
    let take_over_from = if take_over { expected_holder } else { None };
    act(&state, municipality, move |db, actor, code, now| {
        claims::claim(db, actor, code, number, take_over_from.as_deref(), now)
    })
    .await
}

/// Releases a counting office the caller holds.
#[utoipa::path(post, path = "/api/municipalities/{code}/counting-offices/{number}/release", operation_id = "release_counting_office", tag = "counting offices",
    params(("code" = String, Path, description = "The municipality's code."), ("number" = u32, Path, description = "The office's number.")),
    responses(
        (status = 200, description = "Nobody holds the office now.", body = CountingOfficeView),
        (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such office (`not_found`).", body = ErrorBody),
        (status = 409, description = "Someone else holds it (`claimed_by_other`): theirs to release, or to take over.", body = ErrorBody),
        (status = 422, description = "The election is finished (`refused`).", body = ErrorBody),
    ))]
pub async fn release(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let number = or_respond!(office_number(&path.1));
    act(&state, municipality, move |db, actor, code, now| {
        claims::release(db, actor, code, number, now)
    })
    .await
}

/// Checks a counting office's result with the shared rules without entering it: the
/// errors and warnings with their fields, for the entry form.
#[utoipa::path(post, path = "/api/municipalities/{code}/counting-offices/{number}/result/check", operation_id = "check_counting_office_result", tag = "counting offices",
    params(("code" = String, Path, description = "The municipality's code."), ("number" = u32, Path, description = "The office's number.")),
    request_body = ResultCheckRequest,
    responses(
        (status = 200, description = "What the rules say; nothing was stored.", body = ResultCheck),
        (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such office (`not_found`).", body = ErrorBody),
    ))]
pub async fn check(
    req: HttpRequest,
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    path: web::Path<(String, String)>,
    body: web::Json<ResultCheckRequest>,
) -> HttpResponse {
    let number = or_respond!(office_number(&path.1));
    let language = crate::http::error::language(&req);
    let code = municipality.code;
    let result = body.into_inner().result;
    let answer = state
        .with_db(move |db| {
            let Some(municipality) = Municipality::read(db, &code)? else {
                return Ok(Err(OfficeError::NoStations));
            };
            if let Err(refused) = municipality.office(number) {
                return Ok(Err(refused));
            }
            Ok(Ok(municipality.check(number, &result)))
        })
        .await;
    let (outcome, same_as_offices) = match answer {
        Ok(Ok(checked)) => checked,
        Ok(Err(refused)) => return refusal(&refused).into(),
        Err(e) => return ApiError::from(e).into(),
    };
    let issue = |i: &Issue| RuleIssue {
        code: i.code().to_owned(),
        fields: i.fields.clone(),
        message: office_message(i.rule, language).to_owned(),
    };
    HttpResponse::Ok().json(ResultCheck {
        errors: outcome.errors().map(issue).collect(),
        warnings: outcome.warnings().map(issue).collect(),
        same_as_offices,
    })
}

/// Enters a counting office's result, as the one who holds the office: errors block
/// it (nothing stored), each warning needs its code in `confirmed_warnings` (the first
/// answer lists them; nothing stored until confirmed). A locked office's result cannot change: refused,
/// and the refusal audited. Its result is then an intermediate result of the
/// municipality, published under the embargo (`/api/public/municipalities/{code}/results`).
#[utoipa::path(put, path = "/api/municipalities/{code}/counting-offices/{number}/result", operation_id = "enter_counting_office_result", tag = "counting offices",
    params(("code" = String, Path, description = "The municipality's code."), ("number" = u32, Path, description = "The office's number.")),
    request_body = ResultRequest,
    responses(
        (status = 200, description = "Entered; the office as it is now.", body = CountingOfficeView),
        (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such office (`not_found`).", body = ErrorBody),
        (status = 409, description = "Someone else holds it (`claimed_by_other`); nobody does, claim it first (`not_claimed`); it is locked (`locked`, audited).", body = ErrorBody),
        (status = 422, description = "Errors, each rule's text with its code (`result_invalid`); warnings not confirmed, each named (`warnings_unconfirmed`); the election is finished (`refused`). Nothing was stored.", body = ErrorBody),
    ))]
pub async fn enter(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    path: web::Path<(String, String)>,
    body: web::Json<ResultRequest>,
) -> HttpResponse {
    let number = or_respond!(office_number(&path.1));
    let ResultRequest {
        result,
        confirmed_warnings,
        confirmed_same_as_offices,
    } = body.into_inner();
    let confirmed = super::Confirmed {
        warnings: confirmed_warnings,
        same_as_offices: confirmed_same_as_offices,
    };
    act(&state, municipality, move |db, actor, code, now| {
        super::enter_result(db, actor, code, number, &result, &confirmed, now)
    })
    .await
}

/// Locks a counting office (the main office's chair): its result cannot change any
/// more, and nobody holds it for entering. Only the result the chair saw is locked
/// (`expected_entered_at`). Audited.
#[utoipa::path(post, path = "/api/municipalities/{code}/counting-offices/{number}/lock", operation_id = "lock_counting_office", tag = "counting offices",
    params(("code" = String, Path, description = "The municipality's code."), ("number" = u32, Path, description = "The office's number.")),
    request_body = LockRequest,
    responses(
        (status = 200, description = "Locked.", body = CountingOfficeView),
        (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such office (`not_found`).", body = ErrorBody),
        (status = 409, description = "The result is not the one the chair saw (`result_changed`, with when the present one was entered); nothing locked.", body = ErrorBody),
        (status = 422, description = "The election is finished (`refused`).", body = ErrorBody),
    ))]
pub async fn lock(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    path: web::Path<(String, String)>,
    body: web::Json<LockRequest>,
) -> HttpResponse {
    let number = or_respond!(office_number(&path.1));
    let expected = body.into_inner().expected_entered_at;
    act(&state, municipality, move |db, actor, code, now| {
        super::lock(db, actor, code, number, expected, now)
    })
    .await
}

/// Unlocks a counting office (the main office's chair). Audited, with who locked it
/// and when.
#[utoipa::path(post, path = "/api/municipalities/{code}/counting-offices/{number}/unlock", operation_id = "unlock_counting_office", tag = "counting offices",
    params(("code" = String, Path, description = "The municipality's code."), ("number" = u32, Path, description = "The office's number.")),
    responses(
        (status = 200, description = "Unlocked.", body = CountingOfficeView),
        (status = 403, description = "Not the caller's municipality (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such office (`not_found`).", body = ErrorBody),
        (status = 422, description = "The election is finished (`refused`).", body = ErrorBody),
    ))]
pub async fn unlock(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let number = or_respond!(office_number(&path.1));
    act(&state, municipality, move |db, actor, code, now| {
        super::unlock(db, actor, code, number, now)
    })
    .await
}
