//! Checks each request's bearer token against its endpoint's declared access, and
//! hands the caller to the handler.

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use super::error::{ApiError, ErrorReference};
use crate::auth::{Access, Principal, TokenKind};
use crate::state::AppState;

/// Who is calling, as established by the guard.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(req
            .extensions()
            .get::<Self>()
            .cloned()
            .unwrap_or(Self(Principal::Public))))
    }
}

/// A municipality named in the request's path (`{code}`) that the caller covers:
/// handlers that take it never see another municipality's code. Refused with
/// `forbidden` (the municipality is not the caller's) before the handler runs.
#[derive(Debug, Clone)]
pub struct CoveredMunicipality {
    /// The municipality's code, e.g. `GM0599`.
    pub code: String,
    /// Who is calling.
    pub caller: Principal,
}

impl FromRequest for CoveredMunicipality {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let caller = match Caller::from_request(req, payload).into_inner() {
            Ok(Caller(principal)) => principal,
            Err(e) => return ready(Err(e)),
        };
        ready(match req.match_info().get("code") {
            Some(code) if caller.covers(code) => Ok(Self {
                code: code.to_owned(),
                caller,
            }),
            _ => Err(ApiError::not_your_municipality().into()),
        })
    }
}

pub struct AccessGuard(pub Access);

impl<S, B> Transform<S, ServiceRequest> for AccessGuard
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = AccessMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(AccessMiddleware {
            service: Rc::new(service),
            access: self.0,
        }))
    }
}

pub struct AccessMiddleware<S> {
    service: Rc<S>,
    access: Access,
}

impl<S, B> Service<ServiceRequest> for AccessMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let access = self.access;
        Box::pin(async move {
            let principal = match principal(&req) {
                Ok(principal) => principal,
                // A public endpoint never refuses a stale or foreign token: a client
                // that sends its expired access token to /api/refresh must get through.
                Err(_) if access == Access::Public => Principal::Public,
                Err(reference) => {
                    let response = ApiError::from(reference)
                        .with_status(actix_web::http::StatusCode::UNAUTHORIZED)
                        .respond_to(req.request());
                    return Ok(req.into_response(response).map_into_right_body());
                }
            };
            if !access.allows(&principal) {
                let refusal = if principal == Principal::Public {
                    ApiError::from(ErrorReference::MissingToken)
                } else {
                    ApiError::role_forbidden()
                };
                let response = refusal.respond_to(req.request());
                return Ok(req.into_response(response).map_into_right_body());
            }
            req.extensions_mut().insert(Caller(principal));
            service
                .call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        })
    }
}

/// The principal of a request's bearer token; none is the public.
/// Refused with 401 whatever the reference's own status (a disabled user's token too:
/// the dashboard then ends its session).
fn principal(req: &ServiceRequest) -> Result<Principal, ErrorReference> {
    let Some(header) = req.headers().get("authorization") else {
        return Ok(Principal::Public);
    };
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or(ErrorReference::InvalidToken)?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(ErrorReference::InvalidToken)?;
    let claims = state.keys.verify(token).map_err(|e| match e {
        crate::auth::TokenError::Expired => ErrorReference::ExpiredToken,
        crate::auth::TokenError::Invalid => ErrorReference::InvalidToken,
    })?;
    if let Some(refusal) = state.revocations.refusal(&claims.sub, claims.iat) {
        return Err(refusal.into());
    }
    match (claims.kind, claims.role) {
        (TokenKind::Staff, Some(role)) => Ok(Principal::Staff {
            user_id: claims.sub,
            role,
            municipality: claims.municipality,
        }),
        _ => Err(ErrorReference::InvalidToken),
    }
}
