//! The personal link's two public endpoints: what the code's holder may see, and
//! their answer. The code travels in the body, never in a URL (which logs keep).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::answer::{self, Answer, AnswerError, ConvocationView};
use super::{ConvocationError, Overview};
use crate::http::{ApiError, CoveredMunicipality, ErrorBody, ErrorReference};
use crate::state::AppState;
use crate::store::StoreError;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CodeRequest {
    /// The personal code from the invitation ("ABCD-EFGH-JKLM-NPQR").
    pub code: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AnswerRequest {
    pub code: String,
    #[serde(flatten)]
    pub answer: Answer,
}

fn peer(state: &AppState, req: &HttpRequest) -> String {
    format!("convocation:{}", state.caller_address(req))
}

/// Runs `work` for the holder of a code, the same way for both endpoints: refused
/// while the caller's address has tried too many wrong codes; a wrong code counts as
/// a try (nothing else does); every refusal answers as `refused` says.
async fn by_code<F>(state: &AppState, req: &HttpRequest, work: F) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut crate::db::Db) -> Result<ConvocationView, AnswerError> + Send + 'static,
{
    let key = peer(state, req);
    let limiter = &state.failed_activation_limiter;
    if !limiter.allowed(&key, crate::db::now_ms()) {
        return Err(ErrorReference::TooManyRefusals.into());
    }
    match state.with_db(move |db| Ok(work(db))).await? {
        Ok(view) => Ok(HttpResponse::Ok().json(view)),
        Err(e) => {
            if matches!(e, AnswerError::Invalid) {
                limiter.attempt(&key, crate::db::now_ms());
            }
            Err(refused(e))
        }
    }
}

fn refused(e: AnswerError) -> ApiError {
    match e {
        AnswerError::Invalid => ApiError::from(ErrorReference::InvalidToken)
            .with_detail("the code is unknown or no longer valid"),
        AnswerError::Reason => ApiError::from(ErrorReference::InvalidText).with_detail(format!(
            "a reason for declining, at most {} characters",
            answer::MAX_REASON_CHARS
        )),
        AnswerError::Availability => {
            ApiError::from(ErrorReference::InvalidText).with_detail(format!(
                "when you are available, at most {} characters",
                answer::MAX_REASON_CHARS
            ))
        }
        AnswerError::Filled => ApiError::from(ErrorReference::Refused)
            .with_detail("the place has been given to someone else; contact the municipality"),
        AnswerError::Store(e) => ApiError::unavailable(&e),
        AnswerError::Convocation(e) => ApiError::unavailable(&StoreError::Corrupt {
            what: "convocation".into(),
            reason: e.to_string(),
        }),
    }
}

/// What the holder of a personal code is convoked for.
#[utoipa::path(
    post,
    path = "/api/convocation",
    operation_id = "convocation_view",
    tag = "convocation",
    request_body = CodeRequest,
    responses(
        (status = 200, description = "The person's convocation: their station, role, times and answer so far.", body = ConvocationView),
        (status = 400, description = "The body is not a code request (`invalid_json`).", body = ErrorBody),
        (status = 401, description = "The code is unknown, expired, replaced, or of a finished election (`invalid_token`).", body = ErrorBody),
        (status = 413, description = "The body is too large (`payload_too_large`).", body = ErrorBody),
        (status = 429, description = "Too many wrong codes from this address (`too_many_refusals`).", body = ErrorBody),
        (status = 503, description = "The database does not answer (`unavailable`).", body = ErrorBody),
    )
)]
pub async fn view(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<CodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let code = body.into_inner().code;
    let now = crate::db::now_ms();
    by_code(&state, &req, move |db| answer::view(db, &code, now)).await
}

/// The holder's answer: accept, or decline with a reason.
#[utoipa::path(
    post,
    path = "/api/convocation/answer",
    operation_id = "convocation_answer",
    tag = "convocation",
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "Recorded; the convocation as it stands now.", body = ConvocationView),
        (status = 400, description = "The body is not an answer (`invalid_json`), or a decline without a reason or with one too long (`invalid_text`).", body = ErrorBody),
        (status = 401, description = "The code is unknown, expired, replaced, or of a finished election (`invalid_token`).", body = ErrorBody),
        (status = 413, description = "The body is too large (`payload_too_large`).", body = ErrorBody),
        (status = 422, description = "Declined before, and the place has been given to someone else since (`refused`).", body = ErrorBody),
        (status = 429, description = "Too many wrong codes from this address (`too_many_refusals`).", body = ErrorBody),
        (status = 503, description = "The database does not answer (`unavailable`).", body = ErrorBody),
    )
)]
pub async fn answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<AnswerRequest>,
) -> Result<HttpResponse, ApiError> {
    let AnswerRequest {
        code,
        answer: given,
    } = body.into_inner();
    let now = crate::db::now_ms();
    by_code(&state, &req, move |db| {
        crate::db::write_transaction(db, |db| answer::answer(db, &code, &given, now))
    })
    .await
}

/// The follow-up: per station of the municipality who is convoked, in which role,
/// where their answer stands, and what is still missing.
#[utoipa::path(
    get,
    path = "/api/municipalities/{code}/convocations",
    operation_id = "convocations",
    tag = "convocation",
    params(("code" = String, Path, description = "The municipality's code, e.g. `GM0599`.")),
    responses(
        (status = 200, description = "Where the municipality's staffing stands.", body = Overview),
        (status = 403, description = "The role may not call this (`forbidden`), or the municipality is not the caller's (`forbidden`).", body = ErrorBody),
        (status = 404, description = "The municipality has no stations in an election (`not_found`).", body = ErrorBody),
        (status = 503, description = "The database does not answer (`unavailable`).", body = ErrorBody),
    )
)]
pub async fn follow_up(
    state: web::Data<AppState>,
    municipality: CoveredMunicipality,
) -> Result<HttpResponse, ApiError> {
    let code = municipality.code.clone();
    let found = state
        .with_db(move |db| {
            let Some((_, election)) = crate::store::stations::with_election(db, &code)? else {
                return Ok(None);
            };
            match super::overview(db, &election.id, &code) {
                Ok(overview) => Ok(Some(overview)),
                Err(ConvocationError::Store(e)) => Err(e),
                Err(e) => Err(StoreError::Corrupt {
                    what: "convocations".into(),
                    reason: e.to_string(),
                }),
            }
        })
        .await?;
    match found {
        Some(overview) => Ok(HttpResponse::Ok().json(overview)),
        None => Err(ApiError::from(ErrorReference::NotFound)),
    }
}
