//! The benchmark's baseline: a bare actix-ws broadcast server with nothing of
//! Kiesdag in it: no tokens, no validation, no database, no audit, no throttle. A
//! station's frame is acknowledged at once and passed to every dashboard subscribed
//! to the frame's municipality. What Kiesdag costs on top of actix-ws is the
//! difference between the two in the same benchmark run.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use actix_ws::{AggregatedMessage, Session};
use futures_util::StreamExt;
use tokio::sync::mpsc;

type Viewers = HashMap<String, Vec<(u64, mpsc::UnboundedSender<String>)>>;

#[derive(Default)]
struct Broadcast {
    viewers: Mutex<Viewers>,
    next_id: AtomicU64,
    connections: AtomicU64,
}

async fn station(
    req: HttpRequest,
    body: web::Payload,
    hub: web::Data<Broadcast>,
) -> actix_web::Result<HttpResponse> {
    let (response, mut session, stream) = actix_ws::handle(&req, body)?;
    let mut stream = stream
        .aggregate_continuations()
        .max_continuation_size(64 * 1024);
    let hub = hub.into_inner();
    actix_web::rt::spawn(async move {
        hub.connections.fetch_add(1, Ordering::Relaxed);
        while let Some(Ok(message)) = stream.next().await {
            match message {
                AggregatedMessage::Text(text) => {
                    if session.text(r#"{"type":"ack"}"#).await.is_err() {
                        break;
                    }
                    let municipality = serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|v| v.get("municipality")?.as_str().map(str::to_owned));
                    if let Some(municipality) = municipality {
                        let frame = format!(r#"{{"type":"changes","changes":[{text}]}}"#);
                        if let Ok(viewers) = hub.viewers.lock()
                            && let Some(list) = viewers.get(&municipality)
                        {
                            for (_, viewer) in list {
                                let _ = viewer.send(frame.clone());
                            }
                        }
                    }
                }
                AggregatedMessage::Ping(data) => {
                    let _ = session.pong(&data).await;
                }
                AggregatedMessage::Close(_) => break,
                _ => {}
            }
        }
        hub.connections.fetch_sub(1, Ordering::Relaxed);
    });
    Ok(response)
}

async fn dashboard(
    req: HttpRequest,
    body: web::Payload,
    hub: web::Data<Broadcast>,
) -> actix_web::Result<HttpResponse> {
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let stream = stream
        .aggregate_continuations()
        .max_continuation_size(64 * 1024);
    actix_web::rt::spawn(serve_dashboard(hub.into_inner(), session, stream));
    Ok(response)
}

async fn serve_dashboard(
    hub: Arc<Broadcast>,
    mut session: Session,
    mut stream: actix_ws::AggregatedMessageStream,
) {
    hub.connections.fetch_add(1, Ordering::Relaxed);
    let id = hub.next_id.fetch_add(1, Ordering::Relaxed);
    let (tx, mut frames) = mpsc::unbounded_channel::<String>();
    let mut subscribed: Option<String> = None;
    loop {
        tokio::select! {
            message = stream.next() => match message {
                Some(Ok(AggregatedMessage::Text(text))) if subscribed.is_none() => {
                    let municipality = serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|v| v.get("municipality")?.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    if let Ok(mut viewers) = hub.viewers.lock() {
                        viewers.entry(municipality.clone()).or_default().push((id, tx.clone()));
                    }
                    subscribed = Some(municipality);
                    if session.text(r#"{"type":"snapshot","seq":0,"stations":[]}"#).await.is_err() {
                        break;
                    }
                }
                Some(Ok(AggregatedMessage::Ping(data))) => {
                    let _ = session.pong(&data).await;
                }
                Some(Ok(AggregatedMessage::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            Some(frame) = frames.recv() => {
                if session.text(frame).await.is_err() {
                    break;
                }
            }
        }
    }
    if let Some(municipality) = subscribed
        && let Ok(mut viewers) = hub.viewers.lock()
        && let Some(list) = viewers.get_mut(&municipality)
    {
        list.retain(|(viewer, _)| *viewer != id);
    }
    hub.connections.fetch_sub(1, Ordering::Relaxed);
}

async fn metrics(hub: web::Data<Broadcast>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body(format!(
        "baseline_connections {}\n",
        hub.connections.load(Ordering::Relaxed)
    ))
}

fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let listener = kiesdag::http::app::listen(&address)?;
    println!(
        "broadcast-baseline listening on http://{}",
        listener.local_addr()?
    );
    let hub = web::Data::new(Broadcast::default());
    actix_web::rt::System::new().block_on(
        HttpServer::new(move || {
            App::new()
                .app_data(hub.clone())
                .route("/ws/station", web::get().to(station))
                .route("/ws/dashboard", web::get().to(dashboard))
                .route("/metrics", web::get().to(metrics))
        })
        .workers(2)
        .max_connections(50_000)
        .listen(listener)?
        .run(),
    )
}
