//! The REST API's error answers: one vocabulary of stable codes (`ErrorReference`),
//! each with its HTTP status and its Dutch and English text, and the typed error
//! (`ApiError`) handlers return instead of writing codes and messages themselves.
//!
//! The wire keeps `ErrorBody { code, message }`: `code` is the reference's snake_case
//! string, `message` its text in the caller's language (`Accept-Language`: `en` for
//! English, else Dutch, like the dashboard's default), with the details of this one
//! refusal (names, ids, a parser's words) appended. `Localise`, wrapped around every
//! endpoint, renders the message in the language of the request.

use std::borrow::Cow;
use std::fmt;
use std::future::{Ready, ready};

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::JsonPayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::{AcceptLanguage, Header, Preference};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use shared::validation::{Language, Rule};

use super::routes::MAX_JSON_BYTES;
use crate::auth::revocations::Refusal;
use crate::state::ServiceError;
use crate::store::StoreError;

/// Every error answer of the REST API: a stable code and a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable; the same in every language.
    pub code: ErrorReference,
    /// For people, in the language of the request's `Accept-Language` (`nl` or `en`;
    /// Dutch when neither is asked for); may change.
    pub message: String,
}

/// Why the REST API refused a request: one code per kind of refusal, stable on the
/// wire (the snake_case string), with its HTTP status and a Dutch and an English text.
/// A new refusal gets a variant here, not a string in a handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorReference {
    /// No access token where the endpoint needs one (401).
    MissingToken,
    /// A token that is malformed, forged, of another kind, or a refresh token that is
    /// unknown, expired or spent (401).
    InvalidToken,
    /// An access token past its 15 minutes (401).
    ExpiredToken,
    /// A token issued before the user's sessions were ended (401).
    RevokedToken,
    /// The user is disabled: 403 at sign-in; 401 for a token of theirs, so the
    /// dashboard ends its session.
    AccountDisabled,
    /// The role may not do this, or the municipality is not the caller's (403).
    Forbidden,
    /// Wrong username or password, whether or not the user exists (401).
    InvalidCredentials,
    /// The body is not JSON of the expected shape (400).
    InvalidJson,
    /// The body is larger than the API reads (413).
    PayloadTooLarge,
    /// The body is not `application/json` (415).
    InvalidContentType,
    /// A text that is empty or too long (400).
    InvalidText,
    /// A quantity that is zero (400).
    InvalidQuantity,
    /// An incident id that is too long (400).
    InvalidIncident,
    /// A message names no stations and does not say `all_stations` (400).
    NoRecipients,
    /// A message names stations and says `all_stations` (400).
    AmbiguousRecipients,
    /// A message names more stations than one message may (400).
    TooManyRecipients,
    /// A chart format other than `svg` or `png` (400).
    InvalidFormat,
    /// A dashboard subscribed from a negative event number (400).
    InvalidSinceSeq,
    /// A dashboard connection refused too often; it is closed (429).
    TooManyRefusals,
    /// No such station, election or endpoint (404).
    NotFound,
    /// Stations named that are not the municipality's; nothing was sent (422).
    UnknownStations,
    /// An assignee who is not one of the municipality's coordinators (422).
    UnknownAssignee,
    /// The station's state does not allow the action, e.g. no such incident (422).
    Refused,
    /// Results under embargo for the caller (403).
    Embargo,
    /// The tokens could not be made (500).
    Token,
    /// The chart could not be drawn (500).
    Chart,
    /// The CSV could not be written (500).
    Export,
    /// The database does not answer, or the server cannot store now (its disk is
    /// nearly full); try again (503).
    Unavailable,
    /// A counting office linked before the election day (409).
    NotOnTheDay,
    /// A counting office without a plausible number, name or stations (400).
    InvalidCountingOffice,
    /// A station linked to a counting office that another office counts for already
    /// (409).
    InOtherCountingOffice,
    /// Someone else holds the counting office for entering (409).
    ClaimedByOther,
    /// A counting office's result entered without holding the office (409).
    NotClaimed,
    /// The counting office is locked by the main office's chair (409).
    Locked,
    /// A counting office's result with errors; nothing stored (422).
    ResultInvalid,
    /// A counting office's result with warnings not confirmed; nothing stored (422).
    WarningsUnconfirmed,
    /// The counting office's result changed since the caller saw it (409).
    ResultChanged,
}

impl ErrorReference {
    pub const ALL: [Self; 37] = [
        Self::MissingToken,
        Self::InvalidToken,
        Self::ExpiredToken,
        Self::RevokedToken,
        Self::AccountDisabled,
        Self::Forbidden,
        Self::InvalidCredentials,
        Self::InvalidJson,
        Self::PayloadTooLarge,
        Self::InvalidContentType,
        Self::InvalidText,
        Self::InvalidQuantity,
        Self::InvalidIncident,
        Self::NoRecipients,
        Self::AmbiguousRecipients,
        Self::TooManyRecipients,
        Self::InvalidFormat,
        Self::InvalidSinceSeq,
        Self::TooManyRefusals,
        Self::NotFound,
        Self::UnknownStations,
        Self::UnknownAssignee,
        Self::Refused,
        Self::Embargo,
        Self::Token,
        Self::Chart,
        Self::Export,
        Self::Unavailable,
        Self::NotOnTheDay,
        Self::InvalidCountingOffice,
        Self::InOtherCountingOffice,
        Self::ClaimedByOther,
        Self::NotClaimed,
        Self::Locked,
        Self::ResultInvalid,
        Self::WarningsUnconfirmed,
        Self::ResultChanged,
    ];

    /// The stable code on the wire (what serde writes).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::MissingToken => "missing_token",
            Self::InvalidToken => "invalid_token",
            Self::ExpiredToken => "expired_token",
            Self::RevokedToken => "revoked_token",
            Self::AccountDisabled => "account_disabled",
            Self::Forbidden => "forbidden",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidJson => "invalid_json",
            Self::PayloadTooLarge => "payload_too_large",
            Self::InvalidContentType => "invalid_content_type",
            Self::InvalidText => "invalid_text",
            Self::InvalidQuantity => "invalid_quantity",
            Self::InvalidIncident => "invalid_incident",
            Self::NoRecipients => "no_recipients",
            Self::AmbiguousRecipients => "ambiguous_recipients",
            Self::TooManyRecipients => "too_many_recipients",
            Self::InvalidFormat => "invalid_format",
            Self::InvalidSinceSeq => "invalid_since_seq",
            Self::TooManyRefusals => "too_many_refusals",
            Self::NotFound => "not_found",
            Self::UnknownStations => "unknown_stations",
            Self::UnknownAssignee => "unknown_assignee",
            Self::Refused => "refused",
            Self::Embargo => "embargo",
            Self::Token => "token",
            Self::Chart => "chart",
            Self::Export => "export",
            Self::Unavailable => "unavailable",
            Self::NotOnTheDay => "not_on_the_day",
            Self::InvalidCountingOffice => "invalid_counting_office",
            Self::InOtherCountingOffice => "in_other_counting_office",
            Self::ClaimedByOther => "claimed_by_other",
            Self::NotClaimed => "not_claimed",
            Self::Locked => "locked",
            Self::ResultInvalid => "result_invalid",
            Self::WarningsUnconfirmed => "warnings_unconfirmed",
            Self::ResultChanged => "result_changed",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The HTTP status the refusal is answered with.
    #[must_use]
    pub const fn status(self) -> StatusCode {
        match self {
            Self::MissingToken
            | Self::InvalidToken
            | Self::ExpiredToken
            | Self::RevokedToken
            | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::AccountDisabled | Self::Forbidden | Self::Embargo => StatusCode::FORBIDDEN,
            Self::InvalidJson
            | Self::InvalidText
            | Self::InvalidQuantity
            | Self::InvalidIncident
            | Self::NoRecipients
            | Self::AmbiguousRecipients
            | Self::TooManyRecipients
            | Self::InvalidFormat
            | Self::InvalidSinceSeq
            | Self::InvalidCountingOffice => StatusCode::BAD_REQUEST,
            Self::TooManyRefusals => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InvalidContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::UnknownStations
            | Self::UnknownAssignee
            | Self::Refused
            | Self::ResultInvalid
            | Self::WarningsUnconfirmed => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotOnTheDay
            | Self::InOtherCountingOffice
            | Self::ClaimedByOther
            | Self::NotClaimed
            | Self::Locked
            | Self::ResultChanged => StatusCode::CONFLICT,
            Self::Token | Self::Chart | Self::Export => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The refusal's text for people, in `language`.
    #[must_use]
    pub const fn message(self, language: Language) -> &'static str {
        let (nl, en) = self.texts();
        match language {
            Language::Dutch => nl,
            Language::English => en,
        }
    }

    const fn texts(self) -> (&'static str, &'static str) {
        match self {
            Self::MissingToken => ("Meld u eerst aan.", "Sign in first."),
            Self::InvalidToken => ("Meld u opnieuw aan.", "Sign in again."),
            Self::ExpiredToken => (
                "Uw aanmelding is verlopen; meld u opnieuw aan.",
                "Your sign-in has expired; sign in again.",
            ),
            Self::RevokedToken => (
                "Uw sessies zijn beëindigd; meld u opnieuw aan.",
                "Your sessions were ended; sign in again.",
            ),
            Self::AccountDisabled => ("Dit account is uitgeschakeld.", "This account is disabled."),
            Self::Forbidden => ("U mag dit niet doen.", "You may not do this."),
            Self::InvalidCredentials => (
                "Onjuiste gebruikersnaam of wachtwoord.",
                "Wrong username or password.",
            ),
            Self::InvalidJson => (
                "Het verzoek is geen geldige JSON van de verwachte vorm.",
                "The request is not JSON of the expected shape.",
            ),
            Self::PayloadTooLarge => ("Het verzoek is te groot.", "The request is too large."),
            Self::InvalidContentType => (
                "Het verzoek moet JSON zijn (application/json).",
                "The request must be JSON (application/json).",
            ),
            Self::InvalidText => (
                "De tekst is leeg of te lang.",
                "The text is empty or too long.",
            ),
            Self::InvalidQuantity => (
                "Geef een aantal groter dan nul.",
                "Give a quantity greater than zero.",
            ),
            Self::InvalidIncident => (
                "Het meldingsnummer is ongeldig.",
                "The incident id is invalid.",
            ),
            Self::NoRecipients => (
                "Kies de stembureaus, of kies uitdrukkelijk alle stembureaus.",
                "Choose the stations, or all stations explicitly.",
            ),
            Self::AmbiguousRecipients => (
                "Noem stembureaus of kies alle stembureaus, niet allebei.",
                "Name stations or choose all stations, not both.",
            ),
            Self::TooManyRecipients => (
                "Hooguit 1.000 stembureaus; kies dan alle stembureaus.",
                "At most 1,000 stations; choose all stations instead.",
            ),
            Self::InvalidFormat => ("Het formaat is svg of png.", "The format is svg or png."),
            Self::InvalidSinceSeq => (
                "Het volgnummer om vanaf te lezen is 0 of meer.",
                "The sequence number to read from is 0 or more.",
            ),
            Self::TooManyRefusals => (
                "Te veel geweigerde verzoeken; de verbinding wordt gesloten.",
                "Too many refused requests; the connection is closed.",
            ),
            Self::NotFound => ("Niet gevonden.", "Not found."),
            Self::UnknownStations => (
                "Dit zijn geen stembureaus van de gemeente; er is niets verstuurd.",
                "These are not stations of the municipality; nothing was sent.",
            ),
            Self::UnknownAssignee => (
                "Wijs de melding toe aan een coördinator van de gemeente.",
                "The assignee must be one of the municipality's coordinators.",
            ),
            Self::Refused => (
                "Dit kan niet in de huidige toestand van het stembureau.",
                "The station's state does not allow this.",
            ),
            Self::Embargo => (
                "De uitslagen zijn nog niet openbaar.",
                "The results are not published yet.",
            ),
            Self::Token => (
                "Aanmelden lukte niet; probeer het opnieuw.",
                "The sign-in tokens could not be made; try again.",
            ),
            Self::Chart => (
                "De grafiek kon niet worden gemaakt.",
                "The chart could not be drawn.",
            ),
            Self::Export => (
                "Het CSV-bestand kon niet worden gemaakt.",
                "The CSV file could not be written.",
            ),
            Self::Unavailable => (
                "De server kan dit nu niet lezen of opslaan; probeer het zo opnieuw.",
                "The server cannot read or store this now; try again shortly.",
            ),
            Self::NotOnTheDay => (
                "Telbureaus worden pas op de verkiezingsdag gekoppeld, vanaf middernacht.",
                "Counting offices are linked on the election day only, from midnight.",
            ),
            Self::InvalidCountingOffice => (
                "Een telbureau heeft een nummer van 1 tot 9.999, een naam van hoogstens 100 tekens en 1 tot 10 stembureaus, elk één keer.",
                "A counting office has a number from 1 to 9,999, a name of at most 100 characters and 1 to 10 stations, each once.",
            ),
            Self::InOtherCountingOffice => (
                "Een stembureau hoort al bij een ander telbureau; koppel het daar eerst los.",
                "A station belongs to another counting office already; unlink it there first.",
            ),
            Self::ClaimedByOther => (
                "Iemand anders voert dit telbureau in; neem het uitdrukkelijk over om verder te gaan.",
                "Someone else is entering this counting office; take it over explicitly to go on.",
            ),
            Self::NotClaimed => (
                "Neem dit telbureau eerst in behandeling.",
                "Claim this counting office first.",
            ),
            Self::Locked => (
                "Dit telbureau is vergrendeld door de voorzitter van het hoofdbureau; de uitslag kan niet meer veranderen.",
                "This counting office is locked by the main office's chair; its result cannot change.",
            ),
            Self::ResultInvalid => (
                "De uitslag bevat fouten; er is niets opgeslagen.",
                "The result has errors; nothing was stored.",
            ),
            Self::WarningsUnconfirmed => (
                "Bevestig eerst elke waarschuwing (confirmed_warnings); er is niets opgeslagen.",
                "Confirm each warning first (confirmed_warnings); nothing was stored.",
            ),
            Self::ResultChanged => (
                "De uitslag van dit telbureau is veranderd sinds u keek; bekijk hem opnieuw.",
                "This counting office's result changed since you looked; look at it again.",
            ),
        }
    }
}

impl fmt::Display for ErrorReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl PartialEq<&str> for ErrorReference {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
}

impl From<Refusal> for ErrorReference {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Disabled => Self::AccountDisabled,
            Refusal::Revoked => Self::RevokedToken,
        }
    }
}

/// In the OpenAPI document: a string, one of the codes, with each code's status and
/// English text in the description (generated, so it cannot drift).
impl utoipa::PartialSchema for ErrorReference {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        let lines: Vec<String> = Self::ALL
            .iter()
            .map(|r| {
                format!(
                    "- `{}` ({}): {}",
                    r.code(),
                    r.status().as_u16(),
                    r.message(Language::English)
                )
            })
            .collect();
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .enum_values(Some(Self::ALL.iter().map(|r| r.code())))
            .description(Some(format!(
                "Why the request was refused; stable. The status it comes with and its \
                 English text:\n{}",
                lines.join("\n")
            )))
            .into()
    }
}

impl utoipa::ToSchema for ErrorReference {}

/// What one refusal says beyond its code's text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Detail {
    None,
    /// In place of the code's text: a more precise one, in both languages.
    Instead(&'static str, &'static str),
    /// After the code's text: names, ids or a parser's words, the same in every language.
    After(String),
    /// A shared validation rule's text in place of the code's, with the rule's code.
    Rule(Rule),
    /// After the code's text: each rule's text with its code, and then names or
    /// numbers the same in every language.
    Rules(Vec<Rule>, String),
}

/// A refused request: its reference and what this one refusal adds. Handlers return
/// it (`Err(ApiError::from(ErrorReference::NotFound))?`, `.into()`); actix answers
/// with an `ErrorBody`, and `Localise` puts the message in the request's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub reference: ErrorReference,
    status: StatusCode,
    detail: Detail,
}

impl From<ErrorReference> for ApiError {
    fn from(reference: ErrorReference) -> Self {
        Self {
            reference,
            status: reference.status(),
            detail: Detail::None,
        }
    }
}

impl ApiError {
    /// With details after the reference's text, in brackets: names, ids, a parser's
    /// words.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Detail::After(detail.into());
        self
    }

    /// Answered with another status than the reference's own.
    #[must_use]
    pub const fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// `forbidden`: the municipality (or the station's) is not the caller's.
    #[must_use]
    pub fn not_your_municipality() -> Self {
        Self {
            detail: Detail::Instead("Deze gemeente is niet de uwe.", "Not your municipality."),
            ..ErrorReference::Forbidden.into()
        }
    }

    /// `not_found`: the municipality has no stations (or is not one).
    #[must_use]
    pub fn no_stations() -> Self {
        Self {
            detail: Detail::Instead(
                "Deze gemeente heeft geen stembureaus.",
                "No stations for that municipality.",
            ),
            ..ErrorReference::NotFound.into()
        }
    }

    /// `unavailable`: a dashboard fell too far behind the changes to catch up on its
    /// connection; it reconnects and reads the latest state.
    #[must_use]
    pub fn fell_behind() -> Self {
        Self {
            detail: Detail::Instead(
                "Het overzicht liep te ver achter; het verbindt opnieuw.",
                "The view fell too far behind; it reconnects.",
            ),
            ..ErrorReference::Unavailable.into()
        }
    }

    /// `forbidden`: the caller's role may not call the endpoint.
    #[must_use]
    pub fn role_forbidden() -> Self {
        Self {
            detail: Detail::Instead("Uw rol mag dit niet doen.", "Your role may not do this."),
            ..ErrorReference::Forbidden.into()
        }
    }

    /// `forbidden`: `/metrics` from elsewhere, without the metrics token.
    #[must_use]
    pub fn metrics_forbidden() -> Self {
        Self {
            detail: Detail::Instead(
                "De metrieken zijn alleen voor deze machine, of met het metrieken-token.",
                "Metrics are served to this machine, or with the metrics token.",
            ),
            ..ErrorReference::Forbidden.into()
        }
    }

    /// A shared validation rule refused a field: `reference` names the field's kind,
    /// the message is the rule's own text with its code.
    #[must_use]
    pub fn rule(reference: ErrorReference, rule: Rule) -> Self {
        Self {
            detail: Detail::Rule(rule),
            ..reference.into()
        }
    }

    /// `reference` for what several shared validation rules found: the message is the
    /// reference's text followed by each rule's text with its code, and `extra` (names
    /// or numbers, the same in every language) when not empty.
    #[must_use]
    pub fn rules(reference: ErrorReference, rules: Vec<Rule>, extra: impl Into<String>) -> Self {
        Self {
            detail: Detail::Rules(rules, extra.into()),
            ..reference.into()
        }
    }

    /// `unavailable`: the database, its worker or the writer failed or refused (the
    /// disk nearly full). The cause is logged, not sent: it helps the operator, not the
    /// caller.
    #[must_use]
    pub fn unavailable(cause: &impl fmt::Display) -> Self {
        tracing::warn!(%cause, "answered 503 unavailable");
        ErrorReference::Unavailable.into()
    }

    /// A 500 of `reference` (`token`, `chart`, `export`); the cause is logged, not sent.
    #[must_use]
    pub fn internal(reference: ErrorReference, cause: &impl fmt::Display) -> Self {
        tracing::error!(%cause, code = reference.code(), "answered 500");
        reference.into()
    }

    /// The code it is answered with.
    #[must_use]
    pub const fn reference(&self) -> ErrorReference {
        self.reference
    }

    /// The message in `language`.
    #[must_use]
    pub fn message(&self, language: Language) -> Cow<'static, str> {
        match &self.detail {
            Detail::None => Cow::Borrowed(self.reference.message(language)),
            Detail::Instead(nl, en) => Cow::Borrowed(match language {
                Language::Dutch => nl,
                Language::English => en,
            }),
            Detail::After(detail) => {
                Cow::Owned(format!("{} ({detail})", self.reference.message(language)))
            }
            Detail::Rule(rule) => Cow::Owned(format!(
                "{} ({})",
                shared::validation::message(*rule, language),
                rule.code()
            )),
            Detail::Rules(rules, extra) => {
                let mut text = self.reference.message(language).to_owned();
                for rule in rules {
                    text.push_str(&format!(
                        " {} ({})",
                        shared::validation::message(*rule, language),
                        rule.code()
                    ));
                }
                if !extra.is_empty() {
                    text.push_str(&format!(" ({extra})"));
                }
                Cow::Owned(text)
            }
        }
    }

    /// The answer in `language`.
    #[must_use]
    pub fn response(&self, language: Language) -> HttpResponse {
        HttpResponse::build(self.status).json(ErrorBody {
            code: self.reference,
            message: self.message(language).into_owned(),
        })
    }

    /// The answer in the language `req` asks for.
    #[must_use]
    pub fn respond_to(&self, req: &HttpRequest) -> HttpResponse {
        self.response(language(req))
    }
}

/// A failed database call: `not_found` naming what is not there, else `unavailable`.
impl From<&ServiceError> for ApiError {
    fn from(error: &ServiceError) -> Self {
        match error {
            ServiceError::Store(StoreError::NotFound(what)) => {
                Self::from(ErrorReference::NotFound).with_detail(what.clone())
            }
            error => Self::unavailable(error),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        Self::from(&error)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.reference, self.message(Language::English))
    }
}

impl std::error::Error for ApiError {}

/// Without a request at hand, the default language; `Localise` renders it again in
/// the request's.
impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        self.response(Language::default())
    }
}

impl From<ApiError> for HttpResponse {
    fn from(error: ApiError) -> Self {
        Self::from_error(error)
    }
}

/// The language a request asks for in `Accept-Language`: the first of `nl` and `en`
/// in the client's order of preference; Dutch when it names neither (or `*`), as the
/// dashboard's own default is.
#[must_use]
pub fn language(req: &HttpRequest) -> Language {
    AcceptLanguage::parse(req)
        .ok()
        .and_then(|header| {
            header
                .ranked()
                .into_iter()
                .find_map(|preference| match preference {
                    Preference::Any => Some(Language::Dutch),
                    Preference::Specific(tag) => {
                        let primary = tag.primary_language();
                        if primary.eq_ignore_ascii_case("nl") {
                            Some(Language::Dutch)
                        } else if primary.eq_ignore_ascii_case("en") {
                            Some(Language::English)
                        } else {
                            None
                        }
                    }
                })
        })
        .unwrap_or_default()
}

/// Renders an `ApiError` answer in the language of its request, whoever made it (the
/// guard, the JSON extractor, a handler).
pub(super) struct Localise;

impl<S, B> Transform<S, ServiceRequest> for Localise
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = actix_web::Error;
    type Transform = LocaliseMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(LocaliseMiddleware { service }))
    }
}

pub(super) struct LocaliseMiddleware<S> {
    service: S,
}

impl<S, B> Service<ServiceRequest> for LocaliseMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let language = language(req.request());
        let call = self.service.call(req);
        Box::pin(async move {
            let response = call.await?;
            let localised = match response.response().error() {
                Some(error) if language != Language::default() => error
                    .as_error::<ApiError>()
                    .map(|api_error| api_error.response(language)),
                _ => None,
            };
            Ok(match localised {
                Some(answer) => response.into_response(answer).map_into_right_body(),
                None => response.map_into_left_body(),
            })
        })
    }
}

/// JSON bodies that cannot be read get a typed error body, like every other refusal.
pub(super) fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_JSON_BYTES)
        .error_handler(json_error)
}

fn json_error(err: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let reference = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ErrorReference::PayloadTooLarge
        }
        JsonPayloadError::ContentType => ErrorReference::InvalidContentType,
        _ => ErrorReference::InvalidJson,
    };
    ApiError::from(reference)
        .with_detail(err.to_string())
        .into()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn every_reference_round_trips_as_its_code() {
        for reference in ErrorReference::ALL {
            let json = serde_json::to_value(reference).unwrap();
            assert_eq!(json, serde_json::json!(reference.code()), "{reference:?}");
            let back: ErrorReference = serde_json::from_value(json).unwrap();
            assert_eq!(back, reference);
            assert_eq!(ErrorReference::from_code(reference.code()), Some(reference));
        }
        let codes: HashSet<&str> = ErrorReference::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), ErrorReference::ALL.len(), "codes are distinct");
        assert!(serde_json::from_str::<ErrorReference>("\"no_such_code\"").is_err());
    }

    #[test]
    fn every_reference_has_a_dutch_and_an_english_text() {
        for reference in ErrorReference::ALL {
            let nl = reference.message(Language::Dutch);
            let en = reference.message(Language::English);
            assert!(!nl.is_empty() && !en.is_empty(), "{reference:?}");
            assert_ne!(nl, en, "{reference:?} is translated");
            for text in [nl, en] {
                assert!(
                    text.starts_with(char::is_uppercase) && text.ends_with('.'),
                    "{reference:?}: a sentence: {text}"
                );
            }
        }
        let most = crate::features::control_room::routes::MAX_RECIPIENTS;
        assert_eq!(most, 1_000, "too_many_recipients' texts say 1,000");
    }

    #[test]
    fn statuses_are_errors_of_their_kind() {
        use ErrorReference as R;
        for reference in ErrorReference::ALL {
            let status = reference.status();
            assert!(status.is_client_error() || status.is_server_error());
        }
        assert_eq!(R::MissingToken.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(R::Forbidden.status(), StatusCode::FORBIDDEN);
        assert_eq!(R::Embargo.status(), StatusCode::FORBIDDEN);
        assert_eq!(R::InvalidJson.status(), StatusCode::BAD_REQUEST);
        assert_eq!(R::PayloadTooLarge.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            R::InvalidContentType.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert_eq!(R::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            R::UnknownStations.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(R::Export.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(R::Unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(R::ClaimedByOther.status(), StatusCode::CONFLICT);
        assert_eq!(R::Locked.status(), StatusCode::CONFLICT);
        assert_eq!(R::ResultChanged.status(), StatusCode::CONFLICT);
        assert_eq!(R::ResultInvalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn several_rules_are_named_each_in_the_readers_language() {
        let error = ApiError::rules(
            ErrorReference::WarningsUnconfirmed,
            vec![Rule::CountingOfficeSameAsOther],
            "telbureau 1",
        );
        assert_eq!(
            error.message(Language::Dutch),
            "Bevestig eerst elke waarschuwing (confirmed_warnings); er is niets opgeslagen. \
             Dubbele ingave van eenzelfde telbureau? De uitslag is cijfer voor cijfer gelijk \
             aan die van een ander telbureau. (COUNT_W01_SAME_AS_OFFICE) (telbureau 1)"
        );
        assert!(
            error
                .message(Language::English)
                .contains("Double entry of the same counting office?")
        );
    }

    #[test]
    fn the_body_keeps_its_wire_shape() {
        let error = ApiError::not_your_municipality();
        let body: serde_json::Value = serde_json::to_value(ErrorBody {
            code: error.reference,
            message: error.message(Language::English).into_owned(),
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"code": "forbidden", "message": "Not your municipality."})
        );
        assert_eq!(
            ApiError::from(ErrorReference::UnknownStations)
                .with_detail("GM0599-99")
                .message(Language::Dutch),
            "Dit zijn geen stembureaus van de gemeente; er is niets verstuurd. (GM0599-99)"
        );
    }

    #[test]
    fn the_language_is_dutch_unless_english_is_preferred() {
        let of = |header: Option<&str>| {
            let mut req = TestRequest::default();
            if let Some(value) = header {
                req = req.insert_header(("accept-language", value));
            }
            language(&req.to_http_request())
        };
        assert_eq!(of(None), Language::Dutch);
        assert_eq!(of(Some("nl")), Language::Dutch);
        assert_eq!(of(Some("nl-NL,nl;q=0.9,en;q=0.8")), Language::Dutch);
        assert_eq!(of(Some("en")), Language::English);
        assert_eq!(of(Some("en-GB,en;q=0.9,nl;q=0.5")), Language::English);
        assert_eq!(of(Some("de-DE,en;q=0.7,nl;q=0.9")), Language::Dutch);
        assert_eq!(of(Some("fr")), Language::Dutch);
        assert_eq!(of(Some("EN-us")), Language::English);
        assert_eq!(of(Some("*")), Language::Dutch);
        assert_eq!(of(Some("not a tag;;")), Language::Dutch);
    }
}
