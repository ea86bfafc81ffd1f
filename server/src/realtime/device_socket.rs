//! The station endpoint: activation, session (hello/resume), operations answered
//! after commit, heartbeats. Every bad frame gets a typed error and changes nothing;
//! nothing here panics.

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, Session};
use futures_util::StreamExt;
use shared::domain::Timestamp;
use shared::protocol::{ClientMessage, RejectCode, ServerMessage, decode_client, encode};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::send_text;
use crate::auth::{Claims, TokenError, TokenKind};
use crate::db::now_ms;
use crate::realtime::commit::{Outcome, Submission, SubmitError};
use crate::realtime::device_sessions::Push;
use crate::state::AppState;
use crate::store::{self, audit::AuditRecord, codes::CodeError};

/// GET /ws/station
///
/// # Errors
/// When the request is not a WebSocket upgrade.
pub async fn endpoint(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let (response, session, stream) = super::upgrade(&req, body)?;
    let peer = state.caller_address(&req);
    actix_web::rt::spawn(run(state.get_ref().clone(), session, stream, peer));
    Ok(response)
}

/// An authenticated device.
#[derive(Debug, Clone)]
struct Device {
    id: String,
    station_id: String,
    /// The control room's messages and statuses so far, sent again after the welcome
    /// (the device ignores those it has).
    messages: Vec<ServerMessage>,
}

async fn run(
    state: AppState,
    session: Session,
    mut stream: actix_ws::AggregatedMessageStream,
    peer: String,
) {
    state.metrics.station_connected(1);
    // Answers go out in the order operations came in, each once its batch committed.
    // The queue is bounded: a device that sends faster than it reads its answers is
    // read no further until they have gone out.
    let (answers, answer_queue) = mpsc::channel::<Answer>(ANSWER_QUEUE);
    // The control room's messages and incident statuses for this station (boxed: a
    // channel keeps its slots inline, and an idle connection should stay small).
    let (pushes, push_queue) = mpsc::unbounded_channel::<Push>();
    let writer = actix_web::rt::spawn(write_answers(
        session.clone(),
        answer_queue,
        push_queue,
        state.shutdown.clone(),
    ));
    let mut registered: Option<(String, u64)> = None;
    let mut session = session;
    let mut device: Option<Device> = None;
    // The device activated on this connection, with a code just issued for it.
    let mut activated: Option<Uuid> = None;
    let going_away = state.shutdown.going_away();
    tokio::pin!(going_away);

    loop {
        // The server going away ends reading; what was read is still answered below.
        let message = tokio::select! {
            message = stream.next() => match message {
                Some(message) => message,
                None => break,
            },
            () = &mut going_away => break,
        };
        if writer.is_finished() {
            // The session was ended from this side (revoked, or an answer could not
            // be committed): read nothing more.
            break;
        }
        let reply = match message {
            Ok(AggregatedMessage::Text(text)) => {
                // Boxed: the handler's future is large and lives only while a frame
                // is handled, so an idle connection does not carry it.
                let reply = Box::pin(handle_text(
                    &state,
                    (&mut device, &mut activated),
                    &text,
                    &peer,
                    &answers,
                ))
                .await;
                if registered.is_none()
                    && let Some(d) = &device
                {
                    registered = Some((
                        d.station_id.clone(),
                        state
                            .sessions
                            .register(&d.station_id, &d.id, pushes.clone()),
                    ));
                }
                reply
            }
            Ok(AggregatedMessage::Binary(_)) => {
                state.metrics.frame_refused();
                Some(error(
                    RejectCode::MalformedFrame,
                    "binary frames are not part of the protocol",
                ))
            }
            Ok(AggregatedMessage::Ping(bytes)) => {
                let _ = session.pong(&bytes).await;
                None
            }
            Ok(AggregatedMessage::Pong(_)) => None,
            Ok(AggregatedMessage::Close(_)) => break,
            Err(protocol_error) => {
                // An oversized or broken frame: say why, then close; nothing was applied.
                state.metrics.frame_refused();
                let code = match protocol_error {
                    actix_ws::ProtocolError::Overflow => RejectCode::FrameTooLarge,
                    _ => RejectCode::MalformedFrame,
                };
                let _ = answers
                    .send(Answer::Now(Box::new(error(
                        code,
                        &protocol_error.to_string(),
                    ))))
                    .await;
                break;
            }
        };
        if let Some(reply) = reply
            && answers.send(Answer::Now(Box::new(reply))).await.is_err()
        {
            break;
        }
    }
    if let Some((station, id)) = registered {
        state.sessions.unregister(&station, id);
    }
    drop(answers);
    drop(pushes);
    // The writer sends every answer queued, acknowledgements of committed reports
    // included, before it ends.
    let _ = writer.await;
    // Going away (the server stops): 1001, so that the device reconnects at once.
    let reason = state
        .shutdown
        .is_going_away()
        .then(crate::realtime::shutdown::close_reason);
    let _ = session.close(reason).await;
    state.metrics.station_connected(-1);
}

/// Answers a connection may have queued: two of the device's send windows.
const ANSWER_QUEUE: usize = 2 * shared::app::session::SEND_WINDOW;

enum Answer {
    Now(Box<ServerMessage>),
    /// Send this, then end the session: the device resumes and sends again in order.
    Close(Box<ServerMessage>),
    AfterCommit {
        operation_id: uuid::Uuid,
        device_seq: u64,
        reply: oneshot::Receiver<Outcome>,
    },
}

async fn write_answers(
    mut session: Session,
    mut queue: mpsc::Receiver<Answer>,
    mut pushes: mpsc::UnboundedReceiver<Push>,
    shutdown: crate::realtime::shutdown::Shutdown,
) {
    // Going away (the server stops): the device is told so with 1001 whichever way the
    // session ends, and reconnects at once.
    let reason = || {
        shutdown
            .is_going_away()
            .then(crate::realtime::shutdown::close_reason)
    };
    loop {
        let answer = tokio::select! {
            answer = queue.recv() => match answer {
                Some(answer) => answer,
                None => return,
            },
            Some(push) = pushes.recv() => match push {
                Push::Message(message) => Answer::Now(message),
                // Revoked: say so, then end the session; nothing more goes out (the
                // reader stops once this writer is gone).
                Push::Revoked => Answer::Close(Box::new(error(
                    RejectCode::RevokedToken,
                    "this device's activation was revoked",
                ))),
            },
        };
        let message = match answer {
            Answer::Now(message) => Some(*message),
            Answer::Close(message) => {
                let _ = send_text(&mut session, encode(&*message)).await;
                let _ = session.close(reason()).await;
                return;
            }
            Answer::AfterCommit {
                operation_id,
                device_seq,
                reply,
            } => match reply.await {
                Ok(Outcome::Ack { event_seq }) => Some(ServerMessage::Ack {
                    operation_id,
                    device_seq,
                    event_seq: u64::try_from(event_seq).unwrap_or(0),
                }),
                Ok(Outcome::Reject {
                    code,
                    message,
                    fields,
                }) => Some(ServerMessage::Reject {
                    operation_id,
                    device_seq,
                    code,
                    message,
                    fields,
                }),
                // Not committed: end the session, so that the device resumes and sends
                // it again before anything after it (its order is kept).
                // The database would not store it: say so (the chair reads that the
                // server cannot store now, not that their network is down), then end
                // the session; the device keeps the report and sends it again.
                Ok(Outcome::Unavailable(_)) => {
                    let _ = send_text(
                        &mut session,
                        encode(&error(
                            RejectCode::StorageUnavailable,
                            "the server cannot store reports right now; the device keeps them",
                        )),
                    )
                    .await;
                    let _ = session.close(reason()).await;
                    return;
                }
                Ok(Outcome::Failed(_)) | Err(_) => {
                    let _ = session.close(reason()).await;
                    return;
                }
            },
        };
        if let Some(message) = message
            && send_text(&mut session, encode(&message)).await.is_err()
        {
            break;
        }
    }
}

fn error(code: RejectCode, message: &str) -> ServerMessage {
    ServerMessage::Error {
        code,
        message: message.to_owned(),
    }
}

async fn handle_text(
    state: &AppState,
    (device, activated): (&mut Option<Device>, &mut Option<Uuid>),
    text: &str,
    peer: &str,
    answers: &mpsc::Sender<Answer>,
) -> Option<ServerMessage> {
    let message = match decode_client(text) {
        Ok(message) => message,
        Err(e) => {
            state.metrics.frame_refused();
            return Some(error(e.reject_code(), &e.to_string()));
        }
    };
    match message {
        ClientMessage::Activate {
            activation_code,
            device_id,
        } => {
            let reply = activate(state, &activation_code, device_id, peer).await;
            if matches!(reply, ServerMessage::Activated { .. }) {
                *activated = Some(device_id);
            }
            Some(reply)
        }
        ClientMessage::Hello {
            device_token,
            device_id,
            last_acked_seq,
            resend_from,
        } => {
            let claim = Claim {
                last_acked_seq,
                resend_from,
                activated_here: *activated == Some(device_id),
            };
            let (reply, authenticated) = hello(state, &device_token, device_id, claim).await;
            let _ = answers.send(Answer::Now(Box::new(reply))).await;
            if let Some(mut authenticated) = authenticated {
                for message in std::mem::take(&mut authenticated.messages) {
                    let _ = answers.send(Answer::Now(Box::new(message))).await;
                }
                *device = Some(authenticated);
            }
            None
        }
        ClientMessage::Operation(operation) => {
            let Some(device) = device.as_ref() else {
                state.metrics.frame_refused();
                return Some(error(
                    RejectCode::NotAuthenticated,
                    "send hello with a device token first",
                ));
            };
            let (reply, receiver) = oneshot::channel();
            let (operation_id, device_seq) = (operation.id, operation.device_seq);
            let submission = Submission {
                device_id: device.id.clone(),
                operation,
                reply,
            };
            match state.committer.submit(submission) {
                Ok(()) => {
                    let _ = answers
                        .send(Answer::AfterCommit {
                            operation_id,
                            device_seq,
                            reply: receiver,
                        })
                        .await;
                    None
                }
                // Not queued: end the session, so that nothing after it is committed
                // first; the device resumes (with backoff) and sends it again.
                Err(SubmitError::Overloaded) => {
                    state.metrics.operation_overloaded();
                    let _ = answers
                        .send(Answer::Close(Box::new(error(
                            RejectCode::Overloaded,
                            "server busy; the device will send it again",
                        ))))
                        .await;
                    None
                }
                Err(SubmitError::Stopped) => {
                    let _ = answers
                        .send(Answer::Close(Box::new(error(
                            RejectCode::Overloaded,
                            "server is stopping",
                        ))))
                        .await;
                    None
                }
            }
        }
        ClientMessage::Heartbeat { .. } => {
            // A device that answers is not silent, reports or not: note the contact,
            // written with the others every few seconds (`contacts`), so that the
            // answer never waits on the database.
            let now = now_ms();
            if let Some(device) = device.as_ref() {
                state.contacts.heard(&device.station_id, now);
            }
            Some(ServerMessage::Heartbeat {
                server_time: Timestamp(now),
            })
        }
    }
}

async fn activate(state: &AppState, code: &str, device_id: Uuid, peer: &str) -> ServerMessage {
    let now = now_ms();
    let device_key = format!("device:{device_id}");
    let peer_key = format!("peer:{peer}");
    // Every attempt takes one of the address's 30 failures a minute before the code is
    // checked, and gets it back if the code was good: attempts racing on many sockets
    // cannot all pass a check made before any of them failed.
    if !state.failed_activation_limiter.attempt(&peer_key, now) {
        return error(
            RejectCode::TooManyAttempts,
            "too many activation attempts; wait a minute",
        );
    }
    if !state.activation_limiter.attempt(&device_key, now) {
        state.failed_activation_limiter.refund(&peer_key);
        return error(
            RejectCode::TooManyAttempts,
            "too many activation attempts; wait a minute",
        );
    }
    let token_id = Uuid::new_v4().to_string();
    let code = code.to_owned();
    let device = device_id.to_string();
    let jti = token_id.clone();
    let result = state
        .with_db(move |db| {
            crate::db::write_transaction(db, |db| {
                let station_id = match store::codes::redeem(db, &code, &device, &jti, now)? {
                    Ok(station_id) => station_id,
                    Err(e) => return Ok(Err(e)),
                };
                let record = store::stations::get(db, &station_id)?;
                let election = store::elections::get(db, &record.election_id)?;
                store::audit::append(
                    db,
                    &[AuditRecord {
                        at: now,
                        actor: format!("device:{device}"),
                        action: "device.activated".into(),
                        subject: station_id.clone(),
                        payload: "{}".into(),
                    }],
                )?;
                Ok(Ok((record, election)))
            })
        })
        .await;
    match result {
        Ok(Ok((record, election))) => {
            state.failed_activation_limiter.refund(&peer_key);
            let claims = Claims {
                sub: device_id.to_string(),
                kind: TokenKind::Device,
                role: None,
                municipality: Some(record.station.municipality_code.clone()),
                station: Some(record.station.id.clone()),
                election: Some(election.id.clone()),
                jti: token_id,
                iat: now / 1000,
                exp: now / 1000 + state.device_token_hours * 3_600,
            };
            match state.keys.sign(&claims) {
                Ok(device_token) => ServerMessage::Activated {
                    device_token,
                    election,
                    station: record.station,
                },
                Err(_) => error(RejectCode::Overloaded, "could not issue a token"),
            }
        }
        Ok(Err(reason)) => {
            tracing::info!(%device_id, %reason, "activation refused");
            let text = match reason {
                CodeError::Unknown | CodeError::Used | CodeError::Revoked | CodeError::Expired => {
                    "activation code not valid"
                }
                CodeError::DeviceBoundElsewhere => {
                    "this device is already activated for another station; ask the control room"
                }
            };
            error(RejectCode::InvalidActivationCode, text)
        }
        Err(e) => {
            tracing::error!(error = %e, "activation failed");
            state.failed_activation_limiter.refund(&peer_key);
            error(RejectCode::Overloaded, "activation failed; try again")
        }
    }
}

/// What a device's hello says of its operations: never trusted to skip a number,
/// only to see that this server holds fewer of them than the device had acknowledged
/// (it was restored from a backup).
#[derive(Debug, Clone, Copy)]
struct Claim {
    last_acked_seq: u64,
    /// From where the device can send every operation again (None: an older device
    /// that keeps none).
    resend_from: Option<u64>,
    /// The device was activated on this connection, with a new code.
    activated_here: bool,
}

/// What this server does about a device that says it had more acknowledged than
/// this server holds (`held`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Behind {
    /// It does not: nothing to do.
    No,
    /// It can send them all again: it will, after the welcome, in order.
    Resending(u64),
    /// It cannot, and was activated anew for it: the numbers it no longer holds are
    /// recorded as lost (up to and including this one), and it sends the rest.
    SkipThrough(u64),
    /// It cannot: it must be activated anew.
    Stuck,
}

/// The most operations a device's numbers may be ahead of what the server holds for it
/// to be believed: a station's whole day is a few thousand reports (one a second for
/// fourteen hours is about 50,000). A claim further ahead (a defect, or a forged hello
/// by a code's holder) is not believed: no number is skipped on it.
pub const MAX_AHEAD: u64 = 100_000;

fn behind(held: u64, claim: Claim) -> Behind {
    if claim.last_acked_seq <= held {
        return Behind::No;
    }
    if claim.last_acked_seq - held > MAX_AHEAD {
        return Behind::Stuck;
    }
    match claim.resend_from {
        Some(from) if from <= held.saturating_add(1) => {
            Behind::Resending(claim.last_acked_seq - held)
        }
        Some(from) if claim.activated_here => {
            Behind::SkipThrough(from.saturating_sub(1).min(claim.last_acked_seq))
        }
        _ => Behind::Stuck,
    }
}

/// An audit entry of the device's own, in a transaction of its own.
async fn audit_device(
    state: &AppState,
    device_id: &str,
    station_id: &str,
    action: &'static str,
    payload: serde_json::Value,
) {
    let record = AuditRecord {
        at: now_ms(),
        actor: format!("device:{device_id}"),
        action: action.into(),
        subject: station_id.to_owned(),
        payload: payload.to_string(),
    };
    let result = state
        .with_db(move |db| {
            crate::db::write_transaction(db, |db| store::audit::append(db, &[record]))
        })
        .await;
    if let Err(e) = result {
        tracing::error!(error = %e, action, "audit entry not written");
    }
}

/// The numbers after `held` up to `through` are recorded as lost for the device (in
/// the audit log, in the same transaction): the server takes its next operation after
/// them. Returns the number the device's operations now stand at.
async fn skip_lost(
    state: &AppState,
    device_id: &str,
    station_id: &str,
    through: u64,
) -> Result<u64, crate::state::ServiceError> {
    let (id, station) = (device_id.to_owned(), station_id.to_owned());
    let through = i64::try_from(through).unwrap_or(i64::MAX);
    state
        .with_db(move |db| {
            crate::db::write_transaction(db, |db| {
                let current = store::devices::get(db, &id)?.map_or(0, |d| d.last_processed_seq);
                if current >= through {
                    return Ok(u64::try_from(current).unwrap_or(0));
                }
                store::devices::set_last_processed(db, &id, through)?;
                store::audit::append(
                    db,
                    &[AuditRecord {
                        at: now_ms(),
                        actor: format!("device:{id}"),
                        action: "device.reports_lost".into(),
                        subject: station,
                        payload: serde_json::json!({
                            "from": current + 1,
                            "through": through,
                            "lost": through - current,
                        })
                        .to_string(),
                    }],
                )?;
                Ok(u64::try_from(through).unwrap_or(0))
            })
        })
        .await
}

async fn hello(
    state: &AppState,
    token: &str,
    device_id: Uuid,
    claim: Claim,
) -> (ServerMessage, Option<Device>) {
    let claims = match state.keys.verify(token) {
        Ok(claims) if claims.kind == TokenKind::Device && claims.sub == device_id.to_string() => {
            claims
        }
        Ok(_) | Err(TokenError::Invalid) => {
            return (
                error(RejectCode::InvalidToken, "device token not valid"),
                None,
            );
        }
        Err(TokenError::Expired) => {
            return (
                error(RejectCode::ExpiredToken, "device token expired"),
                None,
            );
        }
    };
    let id = device_id.to_string();
    let lookup = state
        .with_db(move |db| {
            let Some(device) = store::devices::get(db, &id)? else {
                return Ok(None);
            };
            let record = store::stations::get(db, &device.station_id)?;
            let election = store::elections::get(db, &record.election_id)?;
            let messages = crate::features::control_room::actions::device_messages(
                db,
                &record.election_id,
                &device.station_id,
            )?;
            Ok(Some((device, record, election, messages)))
        })
        .await;
    match lookup {
        Ok(Some((device, record, election, messages)))
            if !device.revoked
                && device.token_id == claims.jti
                && claims.station.as_deref() == Some(device.station_id.as_str()) =>
        {
            // How the control room handles the station's alerts (who, what) is not the
            // station's business.
            let mut day = record.day;
            day.alerts_handled.clear();
            let held = u64::try_from(device.last_processed_seq).unwrap_or(0);
            let last_processed_seq = match behind(held, claim) {
                Behind::No => held,
                Behind::Resending(count) => {
                    tracing::warn!(
                        device = %device.id, station = %device.station_id, held,
                        acknowledged = claim.last_acked_seq, count,
                        "a device sends again reports this server lacks (restored from a backup?)"
                    );
                    let payload = serde_json::json!({
                        "held": held,
                        "acknowledged": claim.last_acked_seq,
                        "resending": count,
                    });
                    audit_device(
                        state,
                        &device.id,
                        &device.station_id,
                        "device.resending",
                        payload,
                    )
                    .await;
                    held
                }
                Behind::SkipThrough(through) => {
                    match skip_lost(state, &device.id, &device.station_id, through).await {
                        Ok(now_at) => {
                            tracing::error!(
                                device = %device.id, station = %device.station_id, held,
                                through = now_at,
                                "reports of a device are lost: this server lacks them and the device no longer holds them; activated anew, it goes on after them"
                            );
                            now_at
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "recording lost reports failed");
                            return (
                                error(
                                    RejectCode::StorageUnavailable,
                                    "the server cannot write its database; the device keeps its reports",
                                ),
                                None,
                            );
                        }
                    }
                }
                Behind::Stuck => {
                    tracing::error!(
                        device = %device.id, station = %device.station_id, held,
                        acknowledged = claim.last_acked_seq, resend_from = ?claim.resend_from,
                        "a device had reports acknowledged that this server lacks and cannot send them again: it must be activated anew (kiesdag codes issue)"
                    );
                    let payload = serde_json::json!({
                        "held": held,
                        "acknowledged": claim.last_acked_seq,
                        "resend_from": claim.resend_from,
                    });
                    audit_device(
                        state,
                        &device.id,
                        &device.station_id,
                        "device.reactivation_needed",
                        payload,
                    )
                    .await;
                    // An older device does not know the code: the one it knows for
                    // "activate again".
                    let code = if claim.resend_from.is_some() {
                        RejectCode::ReactivationNeeded
                    } else {
                        RejectCode::RevokedToken
                    };
                    return (
                        error(
                            code,
                            "this server lacks reports this device no longer holds; activate it again with a new code",
                        ),
                        None,
                    );
                }
            };
            let welcome = ServerMessage::Welcome {
                last_processed_seq,
                server_time: Timestamp(now_ms()),
                election,
                station: record.station,
                day,
            };
            let device = Device {
                id: device.id,
                station_id: device.station_id,
                messages,
            };
            (welcome, Some(device))
        }
        Ok(_) => (
            error(
                RejectCode::RevokedToken,
                "this device's activation was revoked",
            ),
            None,
        ),
        // No connection free in time: the server is busy (the device backs off long).
        Err(
            e @ (crate::state::ServiceError::Pool(_) | crate::state::ServiceError::Blocking(_)),
        ) => {
            tracing::warn!(error = %e, "session lookup waited too long");
            (
                error(RejectCode::Overloaded, "server busy; try again"),
                None,
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            (
                error(
                    RejectCode::StorageUnavailable,
                    "the server cannot read its database; the device keeps its reports",
                ),
                None,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(last_acked_seq: u64, resend_from: Option<u64>, activated_here: bool) -> Claim {
        Claim {
            last_acked_seq,
            resend_from,
            activated_here,
        }
    }

    #[test]
    fn a_device_ahead_of_a_restored_server_resends_and_is_never_believed_without_bound() {
        assert_eq!(behind(5, claim(3, Some(1), false)), Behind::No);
        assert_eq!(behind(3, claim(5, Some(1), false)), Behind::Resending(2));
        assert_eq!(behind(3, claim(5, Some(5), true)), Behind::SkipThrough(4));
        assert_eq!(behind(3, claim(5, Some(5), false)), Behind::Stuck);
        // A claim of more than a day's reports ahead skips nothing, even after a new
        // activation: the numbers are not moved to the top on a device's word.
        assert_eq!(
            behind(1, claim(u64::MAX, Some(u64::MAX), true)),
            Behind::Stuck
        );
        assert_eq!(
            behind(1, claim(1 + MAX_AHEAD, Some(1 + MAX_AHEAD), true)),
            Behind::SkipThrough(MAX_AHEAD)
        );
    }
}
