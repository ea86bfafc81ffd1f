//! A real `kiesdag serve` process on a fresh database, and clients for it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use diesel::Connection;
use futures_util::{SinkExt, StreamExt};
use kiesdag::auth::{Claims, Role, TokenKeys, TokenKind};
use kiesdag::db;
use kiesdag::features::stations::summary::StationSummary;
use kiesdag::realtime::dashboard_socket::{ChangeView, DashboardMessage};
use kiesdag::store;
use shared::domain::{Election, Report, Station, Timestamp};
use shared::fixtures;
use shared::protocol::ClientMessage;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const SECRET: &str = "test-secret-0123456789abcdef0123456789abcdef";
pub const MUNICIPALITY: &str = "GM0599";

pub struct Server {
    pub child: Child,
    pub base: String,
    pub database: String,
    pub dir: PathBuf,
    /// The database goes when this server goes (not for a second instance on it).
    pub owns_database: bool,
    /// The public pages' own listener ("http://127.0.0.1:PORT"), with
    /// `KIESDAG_PUBLIC_LISTEN`.
    pub public: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.owns_database && !self.database.is_empty() {
            drop_database(&self.database);
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl Server {
    /// A handle on a server already running (for requests from another task); it
    /// neither stops the server nor drops its database.
    pub fn attach(base: &str) -> AttachedServer {
        AttachedServer {
            base: base.to_owned(),
        }
    }

    /// The server's socket `path`: `ws://`, or `wss://` for a server over TLS.
    pub fn ws(&self, path: &str) -> String {
        let base = match self.base.strip_prefix("https://") {
            Some(address) => format!("wss://{address}"),
            None => self.base.replace("http://", "ws://"),
        };
        format!("{base}{path}")
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The address it listens on, "127.0.0.1:PORT".
    pub fn address(&self) -> String {
        self.base
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .to_owned()
    }

    /// Kills the process and starts a new one on the same database and port,
    /// keeping the database (it is dropped when the returned server goes).
    pub fn crash_and_restart(self) -> Self {
        self.crash_and_restart_with(&[])
    }

    /// As `crash_and_restart`, the new process with the variables `env` set.
    pub fn crash_and_restart_with(mut self, env: &[(&str, &str)]) -> Self {
        self.kill();
        let address = self.address();
        let database = std::mem::take(&mut self.database);
        let dir = std::mem::take(&mut self.dir);
        drop(self);
        start_server_with(&database, dir, &address, env)
    }
}

/// A fresh database: a SQLite file in a temporary folder, or, when
/// `KIESDAG_TEST_POSTGRES` holds an admin URL (`make test` sets it), a new
/// PostgreSQL database.
pub fn fresh_database() -> (String, PathBuf) {
    let dir = std::env::temp_dir().join(format!("kiesdag-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    match std::env::var("KIESDAG_TEST_POSTGRES") {
        Ok(admin) if !admin.is_empty() => {
            use diesel::RunQueryDsl;
            let name = format!("kiesdag_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = <diesel::PgConnection as Connection>::establish(&admin).unwrap();
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .unwrap();
            (admin.replacen("/postgres", &format!("/{name}"), 1), dir)
        }
        _ => (dir.join("kiesdag.db").to_string_lossy().into_owned(), dir),
    }
}

/// Drops a PostgreSQL test database (SQLite files go with their folder).
pub fn drop_database(database: &str) {
    use diesel::RunQueryDsl;
    let (Ok(admin), true) = (
        std::env::var("KIESDAG_TEST_POSTGRES"),
        db::is_postgres(database),
    ) else {
        return;
    };
    let Some(name) = database
        .split('/')
        .nth(3)
        .and_then(|rest| rest.split('?').next())
    else {
        return;
    };
    if let Ok(mut conn) = <diesel::PgConnection as Connection>::establish(&admin) {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn);
    }
}

/// The canonical election (`shared::fixtures`) open now: opened an hour ago, closes
/// in six hours; three lists.
pub fn election_open_now() -> Election {
    Election {
        id: "E2E".into(),
        lists: fixtures::lists(3),
        ..fixtures::election_open_at(Timestamp(db::now_ms()))
    }
}

/// The canonical station `number` of `MUNICIPALITY`, on the map, in district "Noord"
/// (even numbers) or "Zuid".
pub fn station(number: u32) -> Station {
    let mut station = fixtures::station(MUNICIPALITY, number);
    station.location.latitude = Some(51.92);
    station.location.longitude = Some(4.48);
    station.district = Some(
        if number.is_multiple_of(2) {
            "Noord"
        } else {
            "Zuid"
        }
        .into(),
    );
    station
}

/// A chair's app with nothing left to store, send or confirm.
pub fn settled(v: &shared::ViewModel) -> bool {
    v.sync.saving + v.sync.pending + v.sync.sent == 0 && !v.busy
}

/// The canonical opening (`shared::fixtures`): the default checklist done, three
/// members present.
pub fn opening() -> Report {
    Report::Opening(fixtures::opening(&Election::default_checklist()))
}

/// An ad hoc turnout of `count` voters, as the chair reports it.
#[allow(unused_imports)] // Not every test binary reports turnout.
pub use shared::fixtures::turnout;

/// The server's clock.
pub fn now() -> Timestamp {
    Timestamp(db::now_ms())
}

/// `report` as `device`'s `seq`-th operation, recorded now.
pub fn operation(device: &RawDevice, seq: u64, station: &str, report: Report) -> ClientMessage {
    ClientMessage::Operation(fixtures::operation(
        &device.device_id,
        seq,
        station,
        now(),
        report,
    ))
}

/// A dashboard that received `seen` (in order) ends with every station as `stored`:
/// each station's latest change carries it exactly as stored.
pub fn assert_ends_as_stored(seen: &[ChangeView], stored: &[StationSummary]) {
    let mut latest = std::collections::BTreeMap::new();
    for change in seen {
        let station = change.station.as_ref().unwrap();
        latest.insert(
            station.station_id.clone(),
            serde_json::to_value(station).unwrap(),
        );
    }
    for station in stored {
        assert_eq!(
            latest.get(&station.station_id),
            Some(&serde_json::to_value(station).unwrap()),
            "{} reached the dashboard as stored",
            station.station_id
        );
    }
}

/// Creates the election and `stations` stations; returns one activation code each.
pub fn seed(database: &str, election: &Election, stations: u32) -> Vec<String> {
    let mut conn = db::open(database).unwrap();
    conn.transaction(|conn| {
        store::elections::upsert(conn, election)?;
        store::stations::upsert_municipality(conn, MUNICIPALITY, "Rotterdam")?;
        let mut codes = Vec::new();
        for n in 1..=stations {
            store::stations::upsert(conn, &election.id, &station(n))?;
            codes.push(store::codes::issue(
                conn,
                &format!("{MUNICIPALITY}-{n}"),
                db::now_ms(),
                db::now_ms() + 3_600_000,
            )?);
        }
        Ok::<_, store::StoreError>(codes)
    })
    .unwrap()
}

/// A server on a fresh database with the election open now and `stations` stations;
/// one activation code each.
pub fn server_with(stations: u32) -> (Server, Vec<String>) {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), stations);
    (start_server(&database, dir), codes)
}

/// Starts `kiesdag serve` on a free port and waits until it listens.
pub fn start_server(database: &str, dir: PathBuf) -> Server {
    start_server_on(database, dir, "127.0.0.1:0")
}

/// Starts `kiesdag serve` listening on `address` (a restart on the same port).
pub fn start_server_on(database: &str, dir: PathBuf, address: &str) -> Server {
    start_server_with(database, dir, address, &[])
}

/// Starts `kiesdag serve` listening on `address` with the variables `env` set (say
/// `KIESDAG_MIN_FREE_MB`).
pub fn start_server_with(
    database: &str,
    dir: PathBuf,
    address: &str,
    env: &[(&str, &str)],
) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiesdag"))
        .args(["--db", database, "serve", "--listen", address])
        .env("KIESDAG_JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut public = None;
    let base = loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the server printed no address"
        );
        if let Some(address) = line.trim().strip_prefix("kiesdag public pages on ") {
            public = Some(address.to_owned());
        }
        if let Some(address) = line.trim().strip_prefix("kiesdag listening on ") {
            break address.to_owned();
        }
    };
    Server {
        child,
        base,
        database: database.to_owned(),
        dir,
        owns_database: true,
        public,
    }
}

/// A second instance on the same database, which it does not own.
pub fn start_second_instance(database: &str) -> Server {
    let mut server = start_server_on(database, std::env::temp_dir(), "127.0.0.1:0");
    server.owns_database = false;
    server
}

/// A TCP proxy standing in for a load balancer: new connections go to the current
/// upstream, which can be switched.
pub struct Proxy {
    pub address: String,
    upstream: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Proxy {
    pub async fn start(upstream: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let upstream = std::sync::Arc::new(std::sync::Mutex::new(upstream));
        let current = upstream.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let target = current.lock().unwrap().clone();
                tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Self { address, upstream }
    }

    pub fn switch_to(&self, upstream: String) {
        *self.upstream.lock().unwrap() = upstream;
    }
}

pub fn staff_token(role: Role, municipality: Option<&str>) -> String {
    staff_token_for(&format!("user-{}", role.as_str()), role, municipality)
}

/// A staff token for the user with `user_id` (as `create_user` returns it).
pub fn staff_token_for(user_id: &str, role: Role, municipality: Option<&str>) -> String {
    let now = db::now_ms() / 1000;
    TokenKeys::new(SECRET.as_bytes())
        .sign(&Claims {
            sub: user_id.into(),
            kind: TokenKind::Staff,
            role: Some(role),
            municipality: municipality.map(Into::into),
            station: None,
            election: None,
            jti: "t".into(),
            iat: now,
            exp: now + 600,
        })
        .unwrap()
}

/// Reads a socket until its close frame, skipping what comes before; the close code,
/// or None when the connection ended without one (or nothing came within `within`).
pub async fn close_code(
    socket: &mut WebSocketStream<MaybeTlsStream<TcpStream>>,
    within: Duration,
) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, socket.next()).await.ok()?? {
            Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

/// A dashboard connection.
pub struct Dashboard {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Dashboard {
    pub async fn subscribe(
        server: &Server,
        token: &str,
        district: Option<&str>,
        since: Option<i64>,
    ) -> (Self, DashboardMessage) {
        Self::subscribe_at(server.ws("/ws/dashboard"), token, district, since, None).await
    }

    /// As `subscribe`, over `wss://` with `tls` (a client trusting a test CA) when given.
    pub async fn subscribe_over(
        server: &Server,
        token: &str,
        district: Option<&str>,
        since: Option<i64>,
        tls: Option<std::sync::Arc<rustls::ClientConfig>>,
    ) -> (Self, DashboardMessage) {
        Self::subscribe_at(server.ws("/ws/dashboard"), token, district, since, tls).await
    }

    /// As `subscribe_over`, at the socket `url` (through a proxy, say).
    pub async fn subscribe_at(
        url: String,
        token: &str,
        district: Option<&str>,
        since: Option<i64>,
        tls: Option<std::sync::Arc<rustls::ClientConfig>>,
    ) -> (Self, DashboardMessage) {
        let (mut socket, _) = tokio_tungstenite::connect_async_tls_with_config(
            url,
            None,
            false,
            tls.map(tokio_tungstenite::Connector::Rustls),
        )
        .await
        .unwrap();
        let request = serde_json::json!({
            "type": "subscribe", "token": token, "municipality": MUNICIPALITY,
            "district": district, "since_seq": since,
        });
        socket
            .send(Message::text(request.to_string()))
            .await
            .unwrap();
        let mut dashboard = Self { socket };
        let first = dashboard
            .next(Duration::from_secs(5))
            .await
            .expect("first message");
        (dashboard, first)
    }

    /// The next message other than a heartbeat.
    pub async fn next(&mut self, within: Duration) -> Option<DashboardMessage> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_frame(left).await? {
                DashboardMessage::Heartbeat { .. } => {}
                message => return Some(message),
            }
        }
    }

    /// The code the server closes this connection with (see `close_code`).
    pub async fn closed_with(&mut self, within: Duration) -> Option<u16> {
        close_code(&mut self.socket, within).await
    }

    /// The certificate the server showed this connection, over TLS.
    pub fn server_certificate(&self) -> Option<Vec<u8>> {
        match self.socket.get_ref() {
            MaybeTlsStream::Rustls(tls) => tls
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .map(|leaf| leaf.to_vec()),
            _ => None,
        }
    }

    /// The next message, heartbeats included.
    pub async fn next_frame(&mut self, within: Duration) -> Option<DashboardMessage> {
        loop {
            let frame = tokio::time::timeout(within, self.socket.next())
                .await
                .ok()??
                .ok()?;
            if let Message::Text(text) = frame {
                return Some(serde_json::from_str(&text).unwrap());
            }
        }
    }

    /// Collects changes until `count` have arrived or nothing comes for `quiet`.
    pub async fn changes(&mut self, count: usize, quiet: Duration) -> Vec<ChangeView> {
        let mut all = Vec::new();
        while all.len() < count {
            match self.next(quiet).await {
                Some(DashboardMessage::Changes { changes }) => all.extend(changes),
                // The server's word on storing is no change of any station.
                Some(DashboardMessage::Storage { .. }) => {}
                Some(other) => panic!("unexpected {other:?}"),
                None => break,
            }
        }
        all
    }
}

/// A device speaking the raw protocol, for testing what the server does with bad input.
pub struct RawDevice {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub device_id: uuid::Uuid,
}

impl RawDevice {
    pub async fn connect(server: &Server) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(server.ws("/ws/station"))
            .await
            .unwrap();
        Self {
            socket,
            device_id: uuid::Uuid::new_v4(),
        }
    }

    /// A new connection that says it is device `device_id` (the device itself again,
    /// or someone claiming to be it).
    pub async fn connect_as(server: &Server, device_id: uuid::Uuid) -> Self {
        let mut device = Self::connect(server).await;
        device.device_id = device_id;
        device
    }

    /// Device `device_id` back on a new session with `token`: the new connection and
    /// the last sequence number the server's welcome says it processed.
    pub async fn resume(server: &Server, device_id: uuid::Uuid, token: &str) -> (Self, u64) {
        let mut device = Self::connect_as(server, device_id).await;
        let shared::protocol::ServerMessage::Welcome {
            last_processed_seq, ..
        } = device.hello(token).await
        else {
            panic!("a welcome back")
        };
        (device, last_processed_seq)
    }

    /// The code the server closes this connection with (see `close_code`).
    pub async fn closed_with(&mut self, within: Duration) -> Option<u16> {
        close_code(&mut self.socket, within).await
    }

    pub async fn send_text(&mut self, text: String) {
        self.socket.send(Message::text(text)).await.unwrap();
    }

    pub async fn send(&mut self, message: &shared::protocol::ClientMessage) {
        self.send_text(shared::protocol::encode(message)).await;
    }

    /// The next message, or None when the server closed or said nothing for 5 s.
    pub async fn recv(&mut self) -> Option<shared::protocol::ServerMessage> {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(5), self.socket.next())
                .await
                .ok()??
                .ok()?;
            match frame {
                Message::Text(text) => {
                    return Some(shared::protocol::decode_server(&text).unwrap());
                }
                Message::Close(_) => return None,
                _ => {}
            }
        }
    }

    /// Activates with `code` and starts a session; returns the device token.
    pub async fn activate(&mut self, code: &str) -> String {
        use shared::protocol::{ClientMessage, ServerMessage};
        self.send(&ClientMessage::Activate {
            activation_code: code.into(),
            device_id: self.device_id,
        })
        .await;
        let Some(ServerMessage::Activated { device_token, .. }) = self.recv().await else {
            panic!("not activated")
        };
        self.hello(&device_token).await;
        device_token
    }

    pub async fn hello(&mut self, token: &str) -> shared::protocol::ServerMessage {
        self.send(&shared::protocol::ClientMessage::Hello {
            device_token: token.into(),
            device_id: self.device_id,
            last_acked_seq: 0,
            resend_from: None,
        })
        .await;
        self.recv().await.expect("an answer to hello")
    }
}

/// Counts of what the server has stored, to show that bad input changed nothing.
pub fn stored_counts(database: &str) -> (i64, i64) {
    use diesel::prelude::*;
    let mut conn = db::connect(database).unwrap();
    let events: i64 = db::schema::events::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    let audit: i64 = db::schema::audit_log::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    (events, audit)
}

/// Where a running server answers.
pub trait Address {
    fn address(&self) -> String;
}

impl Address for Server {
    fn address(&self) -> String {
        Server::address(self)
    }
}

pub struct AttachedServer {
    base: String,
}

impl Address for AttachedServer {
    fn address(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }
}

/// A JSON request over plain HTTP/1.1; returns the status and the JSON body.
pub async fn http(
    server: &impl Address,
    method: &str,
    path: &str,
    token: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = server.address();
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let body = body.to_string();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let response = String::from_utf8_lossy(&bytes);
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let json = response
        .split("\r\n\r\n")
        .nth(1)
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(serde_json::Value::Null);
    (status, json)
}

/// A new device activated with `code` at `url` and its station opened (checklist done,
/// three members present).
/// `GET path` as `token`: the status and the body as text (CSV, SVG, HTML).
pub async fn http_text(server: &impl Address, path: &str, token: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = server.address();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let response = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, body.to_owned())
}

pub async fn open_station(url: &str, code: &str) -> kiesdag_sim::Station {
    open_station_with(url, code, kiesdag_sim::ShellOptions::default()).await
}

/// As `open_station`, the device's shell with `options` (a TLS client, say).
pub async fn open_station_with(
    url: &str,
    code: &str,
    options: kiesdag_sim::ShellOptions,
) -> kiesdag_sim::Station {
    let mut station = kiesdag_sim::Station::start_with(kiesdag_sim::Storage::default(), options);
    station.send(shared::Event::Activate {
        server_url: url.into(),
        activation_code: code.into(),
    });
    let wait = Duration::from_secs(20);
    station
        .wait_for(wait, |v| {
            v.connection.state == shared::app::view::ConnectionState::Online
        })
        .await
        .expect("activated");
    station.tap_opening();
    station
        .wait_for(wait, |v| v.phase == shared::domain::StationPhase::Open)
        .await
        .expect("opened");
    station
}

/// A staff user in the database (password "a long password"); returns its id.
pub fn create_user(
    database: &str,
    username: &str,
    role: Role,
    municipality: Option<&str>,
) -> String {
    let mut conn = db::open(database).unwrap();
    let id = uuid::Uuid::new_v4().to_string();
    store::users::create(
        &mut conn,
        &store::users::UserRecord {
            id: id.clone(),
            username: username.into(),
            password_hash: kiesdag::auth::hash_password("a long password").unwrap(),
            role,
            municipality_code: municipality.map(Into::into),
        },
        db::now_ms(),
    )
    .unwrap();
    id
}

/// Runs the `kiesdag` CLI on `database`; returns its exit status and output.
pub fn cli(database: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_kiesdag"))
        .arg("--db")
        .arg(database)
        .args(args)
        .env("KIESDAG_JWT_SECRET", SECRET)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// How a `FaultyLink` treats the bytes between stations and the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Bytes pass, after the link's delay.
    Pass,
    /// A partition: connections stay open but every byte is lost, both ways.
    Blackhole,
}

/// A TCP proxy that injects network faults in user space (this kernel has no netem):
/// delay per chunk, partitions (a blackhole that heals), and cutting every open
/// connection. Stations connect to `address`; new connections reach `upstream`.
pub struct FaultyLink {
    pub address: String,
    mode: std::sync::Arc<std::sync::Mutex<(Link, Duration)>>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl FaultyLink {
    pub async fn start(upstream: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let mode = std::sync::Arc::new(std::sync::Mutex::new((Link::Pass, Duration::ZERO)));
        let (cut, _) = tokio::sync::watch::channel(0u64);
        let shared_mode = mode.clone();
        let cuts = cut.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                for (from, to) in [
                    (
                        Box::new(client_read) as Box<dyn tokio::io::AsyncRead + Unpin + Send>,
                        Box::new(server_write) as Box<dyn tokio::io::AsyncWrite + Unpin + Send>,
                    ),
                    (Box::new(server_read), Box::new(client_write)),
                ] {
                    let mode = shared_mode.clone();
                    let mut cut = cuts.subscribe();
                    tokio::spawn(async move {
                        use tokio::io::{AsyncReadExt, AsyncWriteExt};
                        let (mut from, mut to) = (from, to);
                        let mut buffer = vec![0u8; 16 * 1024];
                        loop {
                            let read = tokio::select! {
                                read = from.read(&mut buffer) => read,
                                _ = cut.changed() => return,
                            };
                            let n = match read {
                                Ok(0) | Err(_) => return,
                                Ok(n) => n,
                            };
                            let (link, delay) = *mode.lock().unwrap();
                            if link == Link::Blackhole {
                                continue;
                            }
                            if !delay.is_zero() {
                                tokio::time::sleep(delay).await;
                            }
                            if to.write_all(&buffer[..n]).await.is_err() {
                                return;
                            }
                        }
                    });
                }
            }
        });
        Self { address, mode, cut }
    }

    pub fn set(&self, link: Link, delay: Duration) {
        *self.mode.lock().unwrap() = (link, delay);
    }

    /// Closes every connection open now (as a proxy restart or a NAT timeout would).
    pub fn cut_all(&self) {
        self.cut.send_modify(|n| *n += 1);
    }
}

/// The invariants every fault run ends with, read from the database: each station's
/// turnout reports `1..=reports` present exactly once and in device order, event
/// numbers gap-free, and the audit chain intact. Returns the number of events.
pub fn assert_exactly_once_in_order(database: &str, stations: u32, reports: u32) -> usize {
    let mut conn = db::connect(database).unwrap();
    let ids: Vec<String> = (1..=stations)
        .map(|n| format!("{MUNICIPALITY}-{n}"))
        .collect();
    let check = kiesdag::store::delivery::check(&mut conn, &ids, reports).unwrap();
    assert_eq!(
        check.wrong,
        std::collections::BTreeMap::new(),
        "every report exactly once, in device order: {check:?}"
    );
    assert_eq!(check.exact, ids.len(), "{check:?}");
    assert!(check.gap_free, "gap-free event numbers: {check:?}");
    assert!(check.audit.is_ok(), "the audit chain verifies: {check:?}");
    check.events
}

/// Each station's turnout as the database has it, by station id.
pub fn turnout_in_database(database: &str) -> std::collections::BTreeMap<String, Option<u32>> {
    let mut conn = db::connect(database).unwrap();
    kiesdag::store::stations::list(&mut conn, MUNICIPALITY, None)
        .unwrap()
        .iter()
        .map(|s| (s.station.id.clone(), s.day.latest_turnout_count()))
        .collect()
}

/// The server's `/metrics` text (asked from this machine, as a scraper would).
pub async fn metrics(server: &Server) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Another instance on `database` (which it does not own), with the variables `env`
/// set (say `KIESDAG_PUBLIC_LISTEN`).
pub fn start_instance_with(database: &str, env: &[(&str, &str)]) -> Server {
    let mut server = start_server_with(database, std::env::temp_dir(), "127.0.0.1:0", env);
    server.owns_database = false;
    server
}

/// A gauge or counter of a `/metrics` text (the first line of that name).
pub fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            line.strip_prefix(name)?
                .strip_prefix(' ')?
                .trim()
                .parse()
                .ok()
        })
}

/// A real HAProxy (Debian's `haproxy`) running the repository's configuration,
/// `deploy/haproxy/kiesdag.cfg`, unchanged: the addresses go in through the
/// environment, as `/etc/default/haproxy` gives them under systemd. Plain http in
/// front (no `KIESDAG_TLS_CERT`), or TLS with `start_tls`. Stopped when dropped.
pub struct HaProxy {
    child: Child,
    /// Where clients connect, "127.0.0.1:PORT".
    pub address: String,
    dir: PathBuf,
    /// With TLS in front: a client that trusts the proxy's certificate.
    tls: Option<std::sync::Arc<rustls::ClientConfig>>,
}

/// The configuration the documentation shows and the tests run.
pub const HAPROXY_CONFIG: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/haproxy/kiesdag.cfg");

impl HaProxy {
    /// Starts HAProxy in front of `a` and `b` (each started with
    /// `KIESDAG_PUBLIC_LISTEN`, for the public pages' backend) and waits until it
    /// answers `/health` through them.
    pub async fn start(a: &Server, b: &Server) -> Self {
        Self::start_with(a, b, None).await
    }

    /// As `start`, with TLS in front: `KIESDAG_TLS_CERT` set to `pem` (the certificate
    /// and its key in one file, as HAProxy takes them); waits until `/health` answers
    /// over TLS to `client`.
    pub async fn start_tls(
        a: &Server,
        b: &Server,
        pem: &std::path::Path,
        client: std::sync::Arc<rustls::ClientConfig>,
    ) -> Self {
        Self::start_with(a, b, Some((pem, client))).await
    }

    async fn start_with(
        a: &Server,
        b: &Server,
        tls: Option<(&std::path::Path, std::sync::Arc<rustls::ClientConfig>)>,
    ) -> Self {
        let binary = ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"]
            .into_iter()
            .find(|path| std::path::Path::new(path).exists())
            .expect("haproxy is not installed: scripts/setup.sh installs Debian's haproxy");
        let dir = std::env::temp_dir().join(format!("kiesdag-haproxy-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        // Debian's global section runs as the `haproxy` user in a chroot, which a test
        // run by anyone cannot: this one is the test's, the proxies are the file's.
        let global = dir.join("global.cfg");
        std::fs::write(&global, "global\n    maxconn 4096\n").unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address = format!("127.0.0.1:{port}");
        let public = |server: &Server| {
            server
                .public
                .as_deref()
                .expect("started with KIESDAG_PUBLIC_LISTEN")
                .trim_start_matches("http://")
                .to_owned()
        };
        let mut command = Command::new(binary);
        command
            .arg("-db")
            .arg("-q")
            .arg("-f")
            .arg(&global)
            .arg("-f")
            .arg(HAPROXY_CONFIG)
            .env("KIESDAG_BIND", &address)
            .env_remove("KIESDAG_TLS_CERT")
            .env("KIESDAG_A", a.address())
            .env("KIESDAG_B", b.address())
            .env("KIESDAG_PUBLIC_A", public(a))
            .env("KIESDAG_PUBLIC_B", public(b))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if let Some((pem, _)) = &tls {
            // Master-worker, as Debian's unit runs it (`-Ws`), so that `reload` is
            // what `systemctl reload haproxy` does.
            command.arg("-W").env("KIESDAG_TLS_CERT", pem);
        }
        let child = command.spawn().unwrap();
        let proxy = Self {
            child,
            address,
            dir,
            tls: tls.map(|(_, client)| client),
        };
        let started = std::time::Instant::now();
        loop {
            let healthy = match &proxy.tls {
                None => {
                    let answered = tokio::time::timeout(
                        Duration::from_secs(2),
                        http(&proxy, "GET", "/health", "", &serde_json::Value::Null),
                    );
                    TcpStream::connect(&proxy.address).await.is_ok()
                        && matches!(answered.await, Ok((200, _)))
                }
                Some(client) => get_raw(&proxy.address, "/health", "", Some(client.clone()))
                    .await
                    .starts_with("HTTP/1.1 200"),
            };
            if healthy {
                return proxy;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "haproxy did not answer /health within 15 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// What `systemctl reload haproxy` does under Debian's unit (`kill -USR2` to the
    /// master, started with TLS): a new worker reads the configuration and the
    /// certificate again; the old one finishes its open connections.
    pub fn reload(&self) {
        assert!(self.tls.is_some(), "started with start_tls");
        let status = Command::new("kill")
            .args(["-USR2", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The proxy's socket `path`, "ws://127.0.0.1:PORT/path" ("wss://" with TLS).
    pub fn ws(&self, path: &str) -> String {
        let scheme = if self.tls.is_some() { "wss" } else { "ws" };
        format!("{scheme}://{}{path}", self.address)
    }
}

impl Address for HaProxy {
    fn address(&self) -> String {
        self.address.clone()
    }
}

impl Drop for HaProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Dashboard {
    /// As `subscribe_at` over plain `ws://`, but `None` when the connection or the
    /// subscription fails (a dashboard that reconnects tries again).
    pub async fn try_subscribe_at(
        url: &str,
        token: &str,
        since: Option<i64>,
        within: Duration,
    ) -> Option<(Self, DashboardMessage)> {
        let connect = tokio_tungstenite::connect_async(url);
        let (mut socket, _) = tokio::time::timeout(within, connect).await.ok()?.ok()?;
        let request = serde_json::json!({
            "type": "subscribe", "token": token, "municipality": MUNICIPALITY,
            "district": null, "since_seq": since,
        });
        socket.send(Message::text(request.to_string())).await.ok()?;
        let mut dashboard = Self { socket };
        let first = dashboard.next(within).await?;
        Some((dashboard, first))
    }
}

/// A certificate authority made for one test run (rcgen), for servers and proxies
/// that terminate TLS in a test.
pub struct TestCa {
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
    cert: rustls::pki_types::CertificateDer<'static>,
}

impl TestCa {
    pub fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "Kiesdag test CA");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).unwrap();
        Self {
            issuer: rcgen::Issuer::new(params, key),
            cert: cert.der().clone(),
        }
    }

    /// A server certificate for localhost and 127.0.0.1 signed by this CA: the
    /// certificate (DER), the certificate (PEM) and its key (PEM).
    pub fn server_certificate(&self) -> (Vec<u8>, String, String) {
        let key = rcgen::KeyPair::generate().unwrap();
        let params =
            rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .unwrap();
        let leaf = params.signed_by(&key, &self.issuer).unwrap();
        (leaf.der().to_vec(), leaf.pem(), key.serialize_pem())
    }

    /// As `server_certificate`, written to `dir` as `name.crt` and `name.key`: the
    /// certificate (DER) and the two files.
    pub fn server_certificate_files(
        &self,
        dir: &std::path::Path,
        name: &str,
    ) -> (Vec<u8>, PathBuf, PathBuf) {
        let (der, cert, key) = self.server_certificate();
        let (cert_file, key_file) = (
            dir.join(format!("{name}.crt")),
            dir.join(format!("{name}.key")),
        );
        std::fs::write(&cert_file, cert).unwrap();
        std::fs::write(&key_file, key).unwrap();
        (der, cert_file, key_file)
    }

    /// The roots a client trusts: this CA alone.
    pub fn roots(&self) -> rustls::RootCertStore {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.cert.clone()).unwrap();
        roots
    }

    /// A TLS client that trusts this CA alone and resumes no session (each connection
    /// is shown the certificate of the moment).
    pub fn client(&self) -> std::sync::Arc<rustls::ClientConfig> {
        let roots = self.roots();
        #[allow(deprecated)] // ring, as the server: see http/tls.rs.
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.resumption = rustls::client::Resumption::disabled();
        std::sync::Arc::new(config)
    }
}

/// `GET path` at `address` ("127.0.0.1:PORT") over TLS with `tls` (checking the
/// certificate for 127.0.0.1), or plain when `None`, with `extra` header lines
/// ("Name: value\r\n" each); the whole response as text, "" when nothing came (a
/// refused handshake, a closed connection) within 5 s.
pub async fn get_raw(
    address: &str,
    path: &str,
    extra: &str,
    tls: Option<std::sync::Arc<rustls::ClientConfig>>,
) -> String {
    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
    async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, request: &str) -> Vec<u8> {
        let mut bytes = Vec::new();
        if stream.write_all(request.as_bytes()).await.is_ok() {
            let mut buffer = [0u8; 16 * 1024];
            while let Ok(n) = stream.read(&mut buffer).await {
                if n == 0 {
                    break;
                }
                bytes.extend_from_slice(&buffer[..n]);
            }
        }
        bytes
    }
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\n{extra}Connection: close\r\n\r\n");
    let talk = async {
        let tcp = TcpStream::connect(address).await.ok()?;
        Some(match tls {
            None => exchange(tcp, &request).await,
            Some(config) => {
                let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
                let stream = tokio_rustls::TlsConnector::from(config)
                    .connect(name, tcp)
                    .await
                    .ok()?;
                exchange(stream, &request).await
            }
        })
    };
    match tokio::time::timeout(Duration::from_secs(5), talk).await {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    }
}

/// The value of header `name` (any case) in an HTTP response's text.
pub fn header_of<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next().unwrap_or_default();
    head.lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// A station's id in the seeded municipality: its number there.
pub fn station_id(n: u32) -> String {
    format!("{MUNICIPALITY}-{n}")
}

/// The events a station has in the database.
pub fn events_of(database: &str, station: &str) -> u64 {
    use diesel::prelude::*;
    let mut conn = db::connect(database).unwrap();
    let n: i64 = db::schema::events::table
        .filter(db::schema::events::station_id.eq(station))
        .count()
        .get_result(&mut conn)
        .unwrap();
    u64::try_from(n).unwrap()
}

/// Built web apps, as small as will do (each app's index.html, in `dir`): the
/// variables that serve them (`KIESDAG_WEB_DIR`, `KIESDAG_CHAIR_DIR`).
pub fn minimal_web_apps(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    let dashboard = dir.join("dashboard");
    let chair = dir.join("chair");
    for app in [&dashboard, &chair] {
        std::fs::create_dir_all(app).unwrap();
        std::fs::write(
            app.join("index.html"),
            "<!doctype html><title>Kiesdag</title>",
        )
        .unwrap();
    }
    vec![
        ("KIESDAG_WEB_DIR", dashboard.to_string_lossy().into_owned()),
        ("KIESDAG_CHAIR_DIR", chair.to_string_lossy().into_owned()),
    ]
}
