//! The dashboard endpoint. The first frame subscribes (with a staff token) to a
//! municipality or one of its districts, optionally from a sequence number. The server
//! answers with a compact snapshot and its sequence number, or, after a short gap,
//! with the changes since the given number, then with changes as they commit: in
//! order, never one twice.
//!
//! Frames are paced per viewer (`pacer`): a change goes out at once while the viewer
//! has frames to spare (a burst of 3); under a stream of changes a frame goes out at
//! most 10 times a second, with each station's latest change since the last frame
//! (`Pending`). A viewer costs what it sees, never what it missed: a resume over a long
//! gap and a viewer that fell behind the hub (its socket took frames too slowly) get a
//! snapshot, the latest state of every station, never the history in between.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, Session};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use shared::domain::Election;
use shared::protocol::EventPayload;
use shared::validation::Language;
use tokio::sync::broadcast::error::RecvError;

use super::pacer::FramePacer;
use super::send_text;
use crate::auth::{Principal, TokenKind};
use crate::db::now_ms;
use crate::features::reporting::embargo::may_see_result;
use crate::features::stations::summary::StationSummary;
use crate::http::{ApiError, ErrorReference};
use crate::realtime::hub::{CachedSnapshot, Change, Rendered};
use crate::state::AppState;
use crate::store::{self, events::EventRecord};

/// Frames a second a viewer gets at most under a stream of changes.
pub const FRAMES_PER_SECOND: u32 = 10;
/// Frames a second all the viewers of this instance share under a stream of changes:
/// with more than 1,000 of them each gets fewer than `FRAMES_PER_SECOND` (never under
/// one a second), each frame carrying more. Every frame costs the same work to render
/// and send whatever it carries, so this bounds that work when the server is busiest
/// (a reconnect storm, election night) instead of letting it grow with the viewers.
pub const FRAME_BUDGET_PER_SECOND: u64 = 10_000;

/// Frames a second each viewer gets while `viewers` are connected.
#[must_use]
pub fn frames_per_second(viewers: u64) -> u32 {
    let share = FRAME_BUDGET_PER_SECOND / viewers.max(1);
    u32::try_from(share.clamp(1, u64::from(FRAMES_PER_SECOND))).unwrap_or(FRAMES_PER_SECOND)
}
/// Frames that may go out back to back after a quiet spell.
pub const FRAME_BURST: u32 = 3;
/// A resume at most this many events back (of the whole election) gets every change
/// it missed in its municipality; one further back gets a snapshot.
const MAX_REPLAY_EVENTS: i64 = 1_000;
/// Refused subscribes (bad frame, bad token, unknown unit) before the socket is closed.
pub const MAX_REFUSALS: u32 = 3;
/// A quiet viewer hears from the server this often.
pub const HEARTBEAT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DashboardRequest {
    Subscribe {
        token: String,
        municipality: String,
        district: Option<String>,
        since_seq: Option<i64>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangeView {
    pub seq: i64,
    pub station_id: Option<String>,
    pub kind: String,
    pub recorded_at: i64,
    pub committed_at: i64,
    /// The station's operation or the control room's action, as stored; null when
    /// withheld from the viewer (a result under embargo) or when it does not read as
    /// its kind (an event stored by an older version).
    pub payload: Option<EventPayload>,
    pub station: Option<StationSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DashboardMessage {
    Snapshot {
        election_id: String,
        seq: i64,
        stations: Vec<StationSummary>,
    },
    Changes {
        changes: Vec<ChangeView>,
    },
    /// The subscription was refused or ended: the REST API's codes and texts (in
    /// the language of the upgrade request's `Accept-Language`).
    Error {
        code: ErrorReference,
        message: String,
    },
    /// Sent when nothing else went out for `HEARTBEAT_INTERVAL`.
    Heartbeat {
        server_time: i64,
    },
    /// Whether the server can store reports: sent when it starts or stops failing
    /// (and at once to a dashboard subscribing while it fails), so the control room
    /// shows a storage alarm instead of stations that merely seem quiet.
    Storage {
        storing: bool,
        /// Since when commits fail or free space is under the margin (ms since the
        /// epoch), while they do.
        failing_since: Option<i64>,
        /// Why: the database's last refusal, or how little space is free.
        reason: Option<String>,
    },
}

/// GET /ws/dashboard
///
/// # Errors
/// When the request is not a WebSocket upgrade.
pub async fn endpoint(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let (response, session, stream) = super::upgrade(&req, body)?;
    let language = crate::http::error::language(&req);
    actix_web::rt::spawn(run(state.get_ref().clone(), session, stream, language));
    Ok(response)
}

struct Subscription {
    principal: Principal,
    /// The token's issue time (seconds), to check against revocations while open.
    issued_at: i64,
    municipality: String,
    district: Option<String>,
    election: Election,
    last_sent: i64,
}

async fn send(session: &mut Session, message: &DashboardMessage) -> bool {
    match serde_json::to_string(message) {
        Ok(text) => send_text(session, text).await.is_ok(),
        Err(_) => true,
    }
}

async fn refuse(session: &mut Session, language: Language, refusal: &ApiError) {
    let _ = send(
        session,
        &DashboardMessage::Error {
            code: refusal.reference(),
            message: refusal.message(language).into_owned(),
        },
    )
    .await;
}

async fn run(
    state: AppState,
    mut session: Session,
    mut stream: actix_ws::AggregatedMessageStream,
    language: Language,
) {
    state.metrics.dashboard_connected(1);
    let mut refusals = 0;
    // A dashboard still subscribing is told too when the server goes away.
    let going_away = state.shutdown.going_away();
    tokio::pin!(going_away);
    let subscription = loop {
        if refusals >= MAX_REFUSALS {
            // A client that keeps failing is not a dashboard finding its feet.
            refuse(
                &mut session,
                language,
                &ErrorReference::TooManyRefusals.into(),
            )
            .await;
            break None;
        }
        let message = tokio::select! {
            message = stream.next() => message,
            () = &mut going_away => break None,
        };
        match message {
            Some(Ok(AggregatedMessage::Text(text))) => {
                // Boxed: the snapshot's future is large and short-lived.
                if let Some(subscription) =
                    Box::pin(subscribe(&state, &mut session, &text, language)).await
                {
                    break Some(subscription);
                }
                refusals += 1;
            }
            Some(Ok(AggregatedMessage::Ping(bytes))) => {
                let _ = session.pong(&bytes).await;
            }
            Some(Ok(AggregatedMessage::Close(_)) | Err(_)) | None => break None,
            Some(Ok(_)) => {
                let refusal = ApiError::from(ErrorReference::InvalidJson)
                    .with_detail(r#"{"type":"subscribe",…}"#);
                refuse(&mut session, language, &refusal).await;
                refusals += 1;
            }
        }
    };
    if let Some((mut subscription, mut hub)) = subscription {
        stream_changes(
            &state,
            &mut session,
            &mut stream,
            &mut hub,
            &mut subscription,
            language,
        )
        .await;
    }
    // Going away (the server stops): 1001, so that the dashboard reconnects at once.
    let reason = state
        .shutdown
        .is_going_away()
        .then(crate::realtime::shutdown::close_reason);
    let _ = session.close(reason).await;
    state.metrics.dashboard_connected(-1);
}

async fn subscribe(
    state: &AppState,
    session: &mut Session,
    text: &str,
    language: Language,
) -> Option<(
    Subscription,
    tokio::sync::broadcast::Receiver<crate::realtime::hub::Batch>,
)> {
    let Ok(DashboardRequest::Subscribe {
        token,
        municipality,
        district,
        since_seq,
    }) = serde_json::from_str(text)
    else {
        let refusal =
            ApiError::from(ErrorReference::InvalidJson).with_detail(r#"{"type":"subscribe",…}"#);
        refuse(session, language, &refusal).await;
        return None;
    };
    if since_seq.is_some_and(|since| since < 0) {
        refuse(session, language, &ErrorReference::InvalidSinceSeq.into()).await;
        return None;
    }
    let claims = match state.keys.verify(&token) {
        Ok(claims) => claims,
        Err(e) => {
            let reference = match e {
                crate::auth::TokenError::Expired => ErrorReference::ExpiredToken,
                crate::auth::TokenError::Invalid => ErrorReference::InvalidToken,
            };
            refuse(session, language, &reference.into()).await;
            return None;
        }
    };
    if let Some(refusal) = state.revocations.refusal(&claims.sub, claims.iat) {
        refuse(session, language, &ErrorReference::from(refusal).into()).await;
        return None;
    }
    let issued_at = claims.iat;
    let principal = match (claims.kind, claims.role) {
        (TokenKind::Staff, Some(role)) => Principal::Staff {
            user_id: claims.sub,
            role,
            municipality: claims.municipality,
        },
        _ => Principal::Public,
    };
    if !matches!(principal, Principal::Staff { .. }) || !principal.covers(&municipality) {
        refuse(session, language, &ApiError::not_your_municipality()).await;
        return None;
    }
    // Subscribe to the hub before reading the database, so nothing falls in between.
    let (hub, published) = state.hub.subscribe_municipality(&municipality);
    let read_at = now_ms();
    // Many dashboards of one view subscribing at once (after a restart, a network
    // outage in the control room) share one read of the stations.
    if let Some(cached) = state
        .hub
        .cached_snapshot(&municipality, district.as_deref(), published, read_at)
        .filter(|c| {
            since_seq.is_none_or(|since| since <= c.seq && c.seq - since > MAX_REPLAY_EVENTS)
        })
    {
        let subscription = Subscription {
            principal,
            issued_at,
            municipality,
            district,
            election: cached.election,
            last_sent: cached.seq,
        };
        return send_text(session, cached.frame.to_string())
            .await
            .is_ok()
            .then_some((subscription, hub));
    }
    let m = municipality.clone();
    let d = district.clone();
    let loaded = state
        .with_db(move |db| {
            crate::db::read_snapshot(db, |db| {
                let stations = store::stations::list(db, &m, d.as_deref())?;
                let Some(first) = stations.first() else {
                    return Ok(None);
                };
                let election = store::elections::get(db, &first.election_id)?;
                let seq = store::elections::last_seq(db, &election.id)?;
                // A short gap: everything the viewer missed, so its feed of recent
                // changes has no hole (one read of at most that many). A longer one
                // gets the snapshot: the latest state, never the history.
                let resume = match since_seq {
                    Some(since) if since <= seq && seq - since <= MAX_REPLAY_EVENTS => Some(
                        store::events::since(db, &election.id, since, MAX_REPLAY_EVENTS)?,
                    ),
                    _ => None,
                };
                Ok(Some((stations, election, seq, resume)))
            })
        })
        .await;
    let (stations, election, seq, resume) = match loaded {
        Ok(Some(found)) => found,
        Ok(None) => {
            refuse(session, language, &ApiError::no_stations()).await;
            return None;
        }
        Err(e) => {
            refuse(session, language, &ApiError::from(e)).await;
            return None;
        }
    };
    let mut subscription = Subscription {
        principal,
        issued_at,
        municipality,
        district,
        election,
        last_sent: seq,
    };
    let first = match resume {
        Some(events) => {
            // Read in the same snapshot as `seq`: nothing after it is in here.
            subscription.last_sent = seq;
            let mut pending = Pending::new();
            pending.replay(&subscription, events, &current_states(&stations));
            pending.take()
        }
        None => {
            let frame = snapshot(&subscription.election.id, seq, &stations);
            state.hub.keep_snapshot(
                &subscription.municipality,
                subscription.district.as_deref(),
                CachedSnapshot {
                    seq,
                    election: subscription.election.clone(),
                    frame: Arc::from(frame.as_str()),
                    read_at,
                },
            );
            frame
        }
    };
    if send_text(session, first).await.is_ok() {
        Some((subscription, hub))
    } else {
        None
    }
}

/// Renders a change once for every dashboard: in full, and (for a provisional
/// result) without its payload, for those the embargo keeps it from. The unit is the
/// station, and its size for the threshold is the votes cast in its *current* result
/// (`result_votes_cast`), not in the event's own: a replayed result that was later
/// corrected under the threshold stays withheld.
fn render(
    event: &EventRecord,
    station: Option<StationSummary>,
    result_votes_cast: u32,
) -> Rendered {
    let votes_cast = if event.kind == "provisional_result" {
        result_votes_cast
    } else {
        0
    };
    let mut view = ChangeView {
        seq: event.seq,
        station_id: event.station_id.clone(),
        kind: event.kind.clone(),
        recorded_at: event.recorded_at,
        committed_at: event.committed_at,
        payload: event.parsed_payload(),
        station,
    };
    let full = Arc::from(serde_json::to_string(&view).unwrap_or_default());
    let redacted = view.payload.as_ref().and_then(|payload| {
        let without = payload.without_personal_data();
        (without.as_ref() != Some(payload)).then(|| {
            let mut redacted = view.clone();
            redacted.payload = without;
            Arc::from(serde_json::to_string(&redacted).unwrap_or_default())
        })
    });
    let withheld = (event.kind == "provisional_result").then(|| {
        view.payload = None;
        Arc::from(serde_json::to_string(&view).unwrap_or_default())
    });
    Rendered {
        full,
        withheld,
        redacted,
        votes_cast,
    }
}

/// The server's storage state, as a dashboard message.
fn storage_message(state: &AppState) -> DashboardMessage {
    match state.metrics.storage_failure() {
        Some((since, reason)) => DashboardMessage::Storage {
            storing: false,
            failing_since: Some(since),
            reason: Some(reason),
        },
        None => DashboardMessage::Storage {
            storing: true,
            failing_since: None,
            reason: None,
        },
    }
}

/// Each station's summary and its current result's votes cast, by station id.
fn current_states(
    stations: &[store::stations::StationRecord],
) -> HashMap<String, (StationSummary, u32)> {
    stations
        .iter()
        .map(|s| {
            let state = (
                StationSummary::from(s),
                crate::realtime::hub::result_votes_cast(s),
            );
            (s.station.id.clone(), state)
        })
        .collect()
}

/// The rendering this subscriber may receive: without a result under the embargo,
/// and without names and free texts unless they run the control room
/// (docs/privacy.md).
fn visible(subscription: &Subscription, rendered: &Rendered) -> Arc<str> {
    match &rendered.withheld {
        Some(withheld)
            if !may_see_result(
                &subscription.principal,
                &subscription.election,
                rendered.votes_cast,
                now_ms(),
            ) =>
        {
            return Arc::clone(withheld);
        }
        _ => {}
    }
    match &rendered.redacted {
        Some(redacted) if !sees_people(&subscription.principal) => Arc::clone(redacted),
        _ => Arc::clone(&rendered.full),
    }
}

/// Whether `principal` may see names and free texts: the control room's roles.
fn sees_people(principal: &Principal) -> bool {
    matches!(principal, Principal::Staff { role, .. } if crate::http::CONTROL_ROOM.contains(role))
}

/// A snapshot message: the stations' state at `seq`.
fn snapshot(election_id: &str, seq: i64, stations: &[store::stations::StationRecord]) -> String {
    serde_json::to_string(&DashboardMessage::Snapshot {
        election_id: election_id.to_owned(),
        seq,
        stations: stations.iter().map(StationSummary::from).collect(),
    })
    .unwrap_or_default()
}

/// What a pending change describes: a viewer needs only the latest of each. A
/// station's changes are kept per kind, so that an incident or a message is never
/// superseded by a turnout that followed it in the same frame (the control room
/// reloads its incident list on an incident's change).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Subject {
    /// A station and the kind of change (`turnout`, `incident`, ...).
    Station(String, String),
    /// A change without a station (none today), kept per kind.
    Other(String),
    /// One change of a short resume's replay, kept whatever follows (bounded by
    /// `MAX_REPLAY_EVENTS`).
    Replayed(i64),
}

/// The changes waiting for the viewer's next frame, coalesced: the latest change of
/// each kind of each station it sees (with that station's state after it), so what a
/// viewer holds is bounded by its view, never by how far it fell behind (a short resume's replay,
/// at most `MAX_REPLAY_EVENTS`, is kept whole). The frame carries them in
/// sequence order; changes a later one superseded are not sent (the dashboard's state
/// is the stations' summaries, and every change carries its station's whole summary).
struct Pending {
    latest: HashMap<Subject, (i64, Arc<str>)>,
    oldest_committed_at: Option<i64>,
}

const CHANGES_FRAME_START: &str = r#"{"type":"changes","changes":["#;

impl Pending {
    fn new() -> Self {
        Self {
            latest: HashMap::new(),
            oldest_committed_at: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }

    fn len(&self) -> usize {
        self.latest.len()
    }

    /// Adds a change (`seq` rising), replacing an older one of the same subject.
    fn push(&mut self, subject: Subject, seq: i64, change: Arc<str>, committed_at: i64) {
        self.latest.insert(subject, (seq, change));
        self.oldest_committed_at = Some(
            self.oldest_committed_at
                .map_or(committed_at, |oldest| oldest.min(committed_at)),
        );
    }

    /// Adds a short resume's replay from the log, every change kept, rendered with
    /// each station's current state, for the stations in the subscriber's view.
    fn replay(
        &mut self,
        subscription: &Subscription,
        events: Vec<EventRecord>,
        states: &HashMap<String, (StationSummary, u32)>,
    ) {
        for event in events {
            let Some(id) = event.station_id.clone() else {
                continue;
            };
            if let Some((summary, votes)) = states.get(&id) {
                let rendered = render(&event, Some(summary.clone()), *votes);
                self.push(
                    Subject::Replayed(event.seq),
                    event.seq,
                    visible(subscription, &rendered),
                    event.committed_at,
                );
            }
        }
    }

    /// The frame (`DashboardMessage::Changes`, in sequence order), leaving this empty.
    fn take(&mut self) -> String {
        let mut changes: Vec<(i64, Arc<str>)> = self.latest.drain().map(|(_, c)| c).collect();
        self.oldest_committed_at = None;
        changes.sort_unstable_by_key(|(seq, _)| *seq);
        let size = changes.iter().map(|(_, c)| c.len() + 1).sum::<usize>();
        let mut frame = String::with_capacity(CHANGES_FRAME_START.len() + size + 2);
        frame.push_str(CHANGES_FRAME_START);
        for (n, (_, change)) in changes.iter().enumerate() {
            if n > 0 {
                frame.push(',');
            }
            frame.push_str(change);
        }
        frame.push_str("]}");
        frame
    }
}

fn wanted(subscription: &Subscription, change: &Change) -> bool {
    change.event.election_id == subscription.election.id
        && change.event.seq > subscription.last_sent
        && change.municipality_code == subscription.municipality
        && match (&subscription.district, &change.station) {
            (None, _) => true,
            (Some(d), Some(s)) => s.district.as_deref() == Some(d.as_str()),
            (Some(_), None) => false,
        }
}

async fn stream_changes(
    state: &AppState,
    session: &mut Session,
    stream: &mut actix_ws::AggregatedMessageStream,
    hub: &mut tokio::sync::broadcast::Receiver<crate::realtime::hub::Batch>,
    subscription: &mut Subscription,
    language: Language,
) {
    let mut pending = Pending::new();
    let mut pacer = FramePacer::new(
        frames_per_second(state.metrics.dashboards_connected()),
        FRAME_BURST,
        Instant::now(),
    );
    let mut revocations = state.revocations.subscribe();
    let mut storage = state.metrics.storage_changes();
    if state.metrics.storage_failure().is_some() && !send(session, &storage_message(state)).await {
        return;
    }
    let mut heartbeat = tokio::time::interval_at(
        tokio::time::Instant::now() + HEARTBEAT_INTERVAL,
        HEARTBEAT_INTERVAL,
    );
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let going_away = state.shutdown.going_away();
    tokio::pin!(going_away);
    loop {
        pacer.set_rate(
            frames_per_second(state.metrics.dashboards_connected()),
            Instant::now(),
        );
        let flush_at = pacer.next_frame_at(Instant::now());
        tokio::select! {
            batch = hub.recv() => match batch {
                Ok(batch) => {
                    for change in batch.iter() {
                        if wanted(subscription, change) {
                            let rendered = change.rendered.get_or_init(|| {
                                render(&change.event, change.station.clone(), change.result_votes_cast)
                            });
                            let kind = change.event.kind.clone();
                            let subject = match change.event.station_id.clone() {
                                Some(station) => Subject::Station(station, kind),
                                None => Subject::Other(kind),
                            };
                            pending.push(
                                subject,
                                change.event.seq,
                                visible(subscription, rendered),
                                change.event.committed_at,
                            );
                            subscription.last_sent = change.event.seq;
                        }
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    // Fell behind the hub (its socket did not take frames fast
                    // enough): skip forward to the latest state.
                    let Some(frame) = Box::pin(catch_up(state, subscription)).await else {
                        refuse(session, language, &ApiError::fell_behind()).await;
                        return;
                    };
                    pending = Pending::new();
                    pacer.sent(Instant::now());
                    heartbeat.reset();
                    if send_text(session, frame).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Closed) => return,
            },
            () = tokio::time::sleep_until(tokio::time::Instant::from_std(flush_at)), if !pending.is_empty() => {}
            _ = heartbeat.tick() => {
                // Proof of life for a quiet viewer: a client that hears nothing for a
                // while knows its connection is gone, even if no close ever came.
                if pending.is_empty()
                    && !send(session, &DashboardMessage::Heartbeat { server_time: now_ms() }).await
                {
                    return;
                }
            }
            Ok(()) = storage.changed() => {
                if !send(session, &storage_message(state)).await {
                    return;
                }
            }
            Ok(()) = revocations.changed() => {
                // A disabled user's open dashboards close at once.
                if let Principal::Staff { user_id, .. } = &subscription.principal
                    && let Some(refusal) = state.revocations.refusal(user_id, subscription.issued_at)
                {
                    refuse(session, language, &ErrorReference::from(refusal).into()).await;
                    return;
                }
            }
            () = &mut going_away => return,
            message = stream.next() => match message {
                Some(Ok(AggregatedMessage::Ping(bytes))) => { let _ = session.pong(&bytes).await; }
                Some(Ok(AggregatedMessage::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
        let now = Instant::now();
        if !pending.is_empty() && pacer.next_frame_at(now) <= now {
            if let Some(oldest) = pending.oldest_committed_at {
                state
                    .metrics
                    .dashboard_frame(u64::try_from(now_ms() - oldest).unwrap_or(0));
            }
            state.metrics.dashboard_pending(pending.len());
            pacer.sent(now);
            heartbeat.reset();
            if send_text(session, pending.take()).await.is_err() {
                return;
            }
        }
    }
}

/// Skips a viewer that fell behind the hub forward: a snapshot of its view now (read
/// with its sequence number in one consistent read), never the history in between;
/// what was pending is superseded by it, and the hub's later changes follow.
async fn catch_up(state: &AppState, subscription: &mut Subscription) -> Option<String> {
    state.metrics.dashboard_skipped_forward();
    let election_id = subscription.election.id.clone();
    let municipality = subscription.municipality.clone();
    let district = subscription.district.clone();
    let (stations, seq) = state
        .with_db(move |db| {
            crate::db::read_snapshot(db, |db| {
                let stations = store::stations::list(db, &municipality, district.as_deref())?;
                let seq = store::elections::last_seq(db, &election_id)?;
                Ok::<_, store::StoreError>((stations, seq))
            })
        })
        .await
        .ok()?;
    let seq = seq.max(subscription.last_sent);
    subscription.last_sent = seq;
    Some(snapshot(&subscription.election.id, seq, &stations))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Up to 1,000 viewers each get the full rate; beyond, they share the budget, and
    /// never fall under a frame a second.
    #[test]
    fn viewers_share_the_frame_budget() {
        assert_eq!(frames_per_second(0), FRAMES_PER_SECOND);
        assert_eq!(frames_per_second(1), FRAMES_PER_SECOND);
        assert_eq!(frames_per_second(1_000), 10);
        assert_eq!(frames_per_second(5_000), 2);
        assert_eq!(frames_per_second(20_000), 1);
        assert_eq!(frames_per_second(u64::MAX), 1);
    }

    fn change(station: u32, seq: i64) -> (Subject, i64, Arc<str>) {
        of_kind(station, seq, "turnout")
    }

    fn of_kind(station: u32, seq: i64, kind: &str) -> (Subject, i64, Arc<str>) {
        let text = format!(r#"{{"seq":{seq},"station_id":"s{station}","kind":"{kind}"}}"#);
        (
            Subject::Station(format!("s{station}"), kind.into()),
            seq,
            Arc::from(text),
        )
    }

    #[test]
    fn a_change_carries_its_payload_typed_and_null_when_it_no_longer_reads() {
        let action = shared::protocol::ControlRoomAction::IncidentStatus {
            incident_id: "i1".into(),
            status: shared::domain::IncidentStatus::Acknowledged,
            assignee: Some("fatima".into()),
        };
        let stored = crate::store::to_json(&action);
        let event = |kind: &str, payload: &str| EventRecord {
            election_id: "E1".into(),
            seq: 9,
            station_id: Some("s1".into()),
            kind: kind.into(),
            payload: payload.into(),
            ..EventRecord::default()
        };
        let rendered = render(&event("incident_status", &stored), None, 0);
        let view: serde_json::Value = serde_json::from_str(&rendered.full).unwrap();
        // The wire shape is the stored one, as the device and dashboard know it.
        assert_eq!(
            view["payload"],
            serde_json::from_str::<serde_json::Value>(&stored).unwrap()
        );
        assert!(rendered.withheld.is_none());
        let read: ChangeView = serde_json::from_str(&rendered.full).unwrap();
        assert_eq!(read.payload, Some(EventPayload::Action(action)));

        // An event stored by an older version: still shown, without its payload.
        let old = render(&event("incident_status", r#"{"status":"gezien"}"#), None, 0);
        let view: serde_json::Value = serde_json::from_str(&old.full).unwrap();
        assert_eq!(view["kind"], "incident_status");
        assert_eq!(view["seq"], 9);
        assert!(view["payload"].is_null());
    }

    #[test]
    fn an_incident_is_not_superseded_by_a_later_turnout_of_its_station() {
        let mut pending = Pending::new();
        for (seq, kind) in [
            (1, "incident"),
            (2, "turnout"),
            (3, "turnout"),
            (4, "message"),
        ] {
            let (subject, seq, text) = of_kind(1, seq, kind);
            pending.push(subject, seq, text, seq);
        }
        assert_eq!(seqs(&pending.take()), [1, 3, 4], "the latest of each kind");
    }

    fn seqs(frame: &str) -> Vec<i64> {
        let value: serde_json::Value = serde_json::from_str(frame).unwrap();
        assert_eq!(value["type"], "changes");
        value["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["seq"].as_i64().unwrap())
            .collect()
    }

    #[test]
    fn a_viewer_that_falls_behind_holds_one_change_per_station_the_latest() {
        let mut pending = Pending::new();
        // 10,000 changes over 100 stations, none sent: a viewer that cannot keep up.
        for seq in 1..=10_000 {
            let (subject, seq, text) = change(u32::try_from(seq % 100).unwrap(), seq);
            pending.push(subject, seq, text, seq);
        }
        assert_eq!(pending.len(), 100, "bounded by the view, not the backlog");
        assert_eq!(pending.oldest_committed_at, Some(1));
        let sent = seqs(&pending.take());
        // Each station's last change (9,901..=10,000), in sequence order.
        assert_eq!(sent, (9_901..=10_000).collect::<Vec<_>>());
        assert!(pending.is_empty());
        assert_eq!(pending.oldest_committed_at, None);
    }

    #[test]
    fn a_frame_carries_changes_in_sequence_order_and_is_valid_json() {
        let mut pending = Pending::new();
        for (station, seq) in [(3, 7), (1, 8), (2, 9), (3, 10)] {
            let (subject, seq, text) = change(station, seq);
            pending.push(subject, seq, text, seq);
        }
        assert_eq!(seqs(&pending.take()), [8, 9, 10]);
        assert_eq!(pending.take(), r#"{"type":"changes","changes":[]}"#);
    }

    /// A viewer that fell behind the hub is skipped forward to a snapshot of its view
    /// (not the log in between), numbered with the election's last event so that the
    /// hub's later changes follow.
    #[actix_web::test]
    async fn a_viewer_that_fell_behind_gets_a_snapshot_of_its_view() {
        use crate::auth::Role;
        use crate::features::control_room::actions::{self, ControlRoomAction};
        use crate::http::test_support::{Fixture, election, station};
        let fixture = Fixture::new("catch-up", 2);
        let state = &fixture.state;
        let election = election();
        let mut db = state.pool.get().unwrap();
        store::elections::upsert(&mut db, &election).unwrap();
        for (code, name) in [("GM0599", "Rotterdam"), ("GM0344", "Utrecht")] {
            store::stations::upsert_municipality(&mut db, code, name).unwrap();
        }
        let ours: Vec<String> = (1..=3).map(|n| format!("GM0599-{n}")).collect();
        for n in 1..=3 {
            store::stations::upsert(&mut db, &election.id, &station("GM0599", n)).unwrap();
        }
        store::stations::upsert(&mut db, &election.id, &station("GM0344", 1)).unwrap();
        let message = |n: u32| ControlRoomAction::Message {
            message_id: format!("m{n}"),
            incident_id: None,
            from: "Coördinator".into(),
            text: format!("bericht {n}"),
        };
        // 50 messages to all three of ours (seq 1..=150), then one to Utrecht's (151).
        for n in 0..50 {
            actions::record(&mut db, "tester", &ours, &message(n)).unwrap();
        }
        actions::record(&mut db, "tester", &["GM0344-1".into()], &message(99)).unwrap();
        drop(db);

        let mut subscription = Subscription {
            principal: Principal::Staff {
                user_id: "tester".into(),
                role: Role::Coordinator,
                municipality: Some("GM0599".into()),
            },
            issued_at: 0,
            municipality: "GM0599".into(),
            district: None,
            election,
            last_sent: 10,
        };
        let frame = catch_up(state, &mut subscription).await.unwrap();
        let DashboardMessage::Snapshot { seq, stations, .. } =
            serde_json::from_str(&frame).unwrap()
        else {
            panic!("{frame}")
        };
        assert_eq!(seq, 151, "numbered with the election's last event");
        assert_eq!(
            subscription.last_sent, 151,
            "the hub's later changes follow"
        );
        let latest: Vec<(String, i64)> = stations
            .iter()
            .map(|s| (s.station_id.clone(), s.last_event_seq))
            .collect();
        assert_eq!(
            latest,
            [
                ("GM0599-1".to_owned(), 148),
                ("GM0599-2".to_owned(), 149),
                ("GM0599-3".to_owned(), 150)
            ],
            "its view's stations, each as stored"
        );
    }
}
