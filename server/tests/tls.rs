//! `kiesdag serve` over TLS: a test CA made here, a station (the real chair's core)
//! and a dashboard over `wss://`, the certificate reloaded on SIGHUP with the open
//! connections kept, the web apps' security headers; and the same server behind a
//! TLS-terminating proxy (made here) that says so with `X-Forwarded-Proto`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kiesdag::auth::Role;
use kiesdag::realtime::dashboard_socket::DashboardMessage;
use rustls::pki_types::{CertificateDer, ServerName};
use support::{
    Dashboard, MUNICIPALITY, Server, TestCa, election_open_now, fresh_database, minimal_web_apps,
    open_station_with, seed, staff_token, start_server_with,
};

#[allow(deprecated)] // ring, as the server: see http/tls.rs.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Sends SIGHUP to the server.
fn hang_up(server: &Server) {
    let status = std::process::Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// A GET of `path` over TLS (trusting `tls`), or plain when `tls` is None; the
/// response's head, lowercased.
fn get_head(address: &str, path: &str, tls: Option<Arc<rustls::ClientConfig>>) -> String {
    let mut tcp = std::net::TcpStream::connect(address).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let mut bytes = Vec::new();
    match tls {
        Some(config) => {
            let name = ServerName::try_from("127.0.0.1").unwrap();
            let connection = rustls::ClientConnection::new(config, name).unwrap();
            let mut stream = rustls::StreamOwned::new(connection, tcp);
            stream.write_all(request.as_bytes()).unwrap();
            let _ = stream.read_to_end(&mut bytes);
        }
        None => {
            tcp.write_all(request.as_bytes()).unwrap();
            let _ = tcp.read_to_end(&mut bytes);
        }
    }
    let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
    text.split("\r\n\r\n").next().unwrap_or_default().to_owned()
}

/// The value of header `name` in `head` (lowercased), if there.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(n, _)| n.trim() == name)
        .map(|(_, v)| v.trim())
}

/// The headers the dashboard and the chair's app are served with over TLS: HSTS,
/// a CSP of their own origin and sockets (the chair's with its WebAssembly), no
/// sniffing, no framing.
fn assert_secure_headers(dashboard: &str, chair: &str, address: &str) {
    for (app, head) in [("dashboard", dashboard), ("chair", chair)] {
        assert!(head.starts_with("http/1.1 200"), "{app}: {head}");
        assert_eq!(
            header(head, "strict-transport-security"),
            Some("max-age=31536000"),
            "{app}: {head}"
        );
        let csp = header(head, "content-security-policy").expect("a CSP");
        for directive in [
            "default-src 'self'",
            &format!("connect-src 'self' wss://{address}"),
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(directive), "{app}: {directive} in {csp}");
        }
        assert!(
            !csp.contains("ws://"),
            "{app}: no plain socket over TLS: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{app}: {csp}");
        assert!(!csp.contains("'unsafe-eval'"), "{app}: {csp}");
        assert_eq!(header(head, "x-content-type-options"), Some("nosniff"));
        assert_eq!(header(head, "x-frame-options"), Some("deny"));
    }
    let csp = |head| header(head, "content-security-policy").unwrap().to_owned();
    assert!(
        csp(chair).contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{chair}"
    );
    assert!(csp(dashboard).contains("script-src 'self';"), "{dashboard}");
}

/// A station (the real core) and a dashboard over wss:// with a test CA; a report
/// arrives. On SIGHUP with a new certificate both stay connected and go on, and a new
/// connection gets the new one; a bad file on the next SIGHUP keeps it. Plain http on
/// the TLS port (and on the public pages' port, which has the same certificate) gets
/// nothing. The web apps are served with their security headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_station_and_a_dashboard_over_wss_and_a_certificate_reloaded_on_sighup() {
    let ca = TestCa::new();
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 1);
    let (first, cert, key) = ca.server_certificate_files(&dir, "server");
    let mut env = minimal_web_apps(&dir);
    env.push(("KIESDAG_TLS_CERT", cert.to_string_lossy().into_owned()));
    env.push(("KIESDAG_TLS_KEY", key.to_string_lossy().into_owned()));
    env.push(("KIESDAG_PUBLIC_LISTEN", "127.0.0.1:0".to_owned()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = start_server_with(&database, dir.clone(), "127.0.0.1:0", &env);
    assert!(server.base.starts_with("https://"), "{}", server.base);
    let client = ca.client();

    let token = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (mut dashboard, snapshot) =
        Dashboard::subscribe_over(&server, &token, None, None, Some(client.clone())).await;
    assert!(
        matches!(snapshot, DashboardMessage::Snapshot { .. }),
        "{snapshot:?}"
    );
    assert_eq!(dashboard.server_certificate(), Some(first.clone()));

    let url = server.ws("/ws/station");
    assert!(url.starts_with("wss://127.0.0.1:"), "{url}");
    let options = kiesdag_sim::ShellOptions {
        tls: Some(client.clone()),
        ..kiesdag_sim::ShellOptions::default()
    };
    let mut station = open_station_with(&url, &codes[0], options).await;
    let opened = dashboard.changes(1, Duration::from_secs(5)).await;
    assert_eq!(
        opened.len(),
        1,
        "the opening reached the dashboard over wss://"
    );

    // A renewal: new key, new certificate, same files; then SIGHUP.
    let (second, new_cert, new_key) = ca.server_certificate_files(&dir, "renewed");
    std::fs::rename(&new_cert, &cert).unwrap();
    std::fs::rename(&new_key, &key).unwrap();
    hang_up(&server);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (fresh, _) =
            Dashboard::subscribe_over(&server, &token, None, None, Some(client.clone())).await;
        let seen = fresh.server_certificate().unwrap();
        if seen == second {
            break;
        }
        assert_eq!(seen, first, "the old certificate or the new one");
        assert!(
            tokio::time::Instant::now() < deadline,
            "no new certificate after SIGHUP"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The connections opened before the reload go on: the station's next report
    // reaches the dashboard that subscribed under the old certificate.
    let acks = station.acks_received();
    station.send(shared::fixtures::turnout(42));
    let turnout = dashboard.changes(1, Duration::from_secs(5)).await;
    assert_eq!(turnout.len(), 1, "the old dashboard socket is still open");
    station
        .wait_for(Duration::from_secs(5), support::settled)
        .await
        .expect("the turnout acknowledged");
    assert!(station.acks_received() > acks);
    assert_eq!(
        dashboard.server_certificate(),
        Some(first),
        "the same connection"
    );

    // A broken file on the next SIGHUP: logged, the certificate in use kept.
    std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\nnot base64\n").unwrap();
    hang_up(&server);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (fresh, _) =
        Dashboard::subscribe_over(&server, &token, None, None, Some(client.clone())).await;
    assert_eq!(fresh.server_certificate(), Some(second));

    // Plain http and ws on the TLS port get nothing.
    let address = server.address();
    let plain = get_head(&address, "/health", None);
    assert!(!plain.contains("http/1.1"), "plain http answered: {plain}");
    assert!(
        tokio_tungstenite::connect_async(format!("ws://{address}/ws/dashboard"))
            .await
            .is_err()
    );

    // The public pages' own listener takes the same certificate, and TLS alone.
    let public = server.public.clone().expect("a public listener");
    let public = public.strip_prefix("https://").expect("over TLS");
    let turnout = format!("/api/public/municipalities/{MUNICIPALITY}/turnout");
    let head = get_head(public, &turnout, Some(client.clone()));
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(!get_head(public, &turnout, None).contains("http/1.1"));

    // The web apps over TLS, with their headers.
    let dashboard_head = get_head(&address, "/", Some(client.clone()));
    let chair_head = get_head(&address, "/chair/", Some(client.clone()));
    assert_secure_headers(&dashboard_head, &chair_head, &address);
}

/// The same server without TLS of its own, behind a TLS-terminating proxy (made here)
/// that adds `X-Forwarded-Proto: https`: a station and a dashboard over wss:// through
/// it, and the web apps served with HSTS because the browser's connection was https.
/// Straight to the server (plain http, no such header) there is no HSTS and the CSP
/// allows the page's own ws://.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_tls_terminating_proxy() {
    let ca = TestCa::new();
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 1);
    let (_, cert, key) = ca.server_certificate_files(&dir, "proxy");
    let env = minimal_web_apps(&dir);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = start_server_with(&database, dir.clone(), "127.0.0.1:0", &env);
    assert!(server.base.starts_with("http://"), "{}", server.base);
    let proxy = TlsProxy::start(&cert, &key, server.address()).await;
    let client = ca.client();

    let token = staff_token(Role::Coordinator, Some(MUNICIPALITY));
    let (mut dashboard, _) = Dashboard::subscribe_at(
        format!("wss://{}/ws/dashboard", proxy.address),
        &token,
        None,
        None,
        Some(client.clone()),
    )
    .await;
    let options = kiesdag_sim::ShellOptions {
        tls: Some(client.clone()),
        ..kiesdag_sim::ShellOptions::default()
    };
    let url = format!("wss://{}/ws/station", proxy.address);
    let _station = open_station_with(&url, &codes[0], options).await;
    assert_eq!(dashboard.changes(1, Duration::from_secs(5)).await.len(), 1);

    let dashboard_head = get_head(&proxy.address, "/", Some(client.clone()));
    let chair_head = get_head(&proxy.address, "/chair/", Some(client.clone()));
    assert_secure_headers(&dashboard_head, &chair_head, &proxy.address);

    let direct = get_head(&server.address(), "/", None);
    assert!(direct.starts_with("http/1.1 200"), "{direct}");
    assert_eq!(
        header(&direct, "strict-transport-security"),
        None,
        "{direct}"
    );
    let csp = header(&direct, "content-security-policy").unwrap();
    assert!(
        csp.contains(&format!("ws://{}", server.address())),
        "a page over plain http opens its own ws:// socket: {csp}"
    );
    assert_eq!(header(&direct, "x-frame-options"), Some("deny"));
}

/// The chair's core refuses a plain ws:// address of another machine: the chair is
/// told, and no connection is made.
#[tokio::test]
async fn a_plain_ws_address_of_another_machine_is_refused_by_the_core() {
    let mut station = kiesdag_sim::Station::start(kiesdag_sim::Storage::default());
    station.send(shared::Event::Activate {
        server_url: "ws://kiesdag.invalid:8080/ws/station".into(),
        activation_code: "ABCD-EFGH".into(),
    });
    let view = station
        .wait_for(Duration::from_secs(5), |v| v.notice.is_some())
        .await
        .unwrap();
    let notice = view.notice.unwrap();
    assert!(notice.is_error);
    assert!(notice.text.contains("ws://"), "{}", notice.text);
    assert!(!view.busy);
}

/// A TLS-terminating proxy: takes TLS with the given certificate and passes the bytes
/// on in the clear to `upstream`, with `X-Forwarded-Proto: https` and
/// `X-Forwarded-For` added to the first request of each connection (as HAProxy's
/// `http-request set-header` or nginx's `proxy_set_header` do for every request).
struct TlsProxy {
    address: String,
}

impl TlsProxy {
    async fn start(cert: &Path, key: &Path, upstream: String) -> Self {
        use rustls::pki_types::PrivateKeyDer;
        use rustls::pki_types::pem::PemObject;
        let chain = CertificateDer::pem_file_iter(cert)
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_file(key).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            while let Ok((client, peer)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
                    let Ok(tls) = acceptor.accept(client).await else {
                        return;
                    };
                    let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else {
                        return;
                    };
                    let mut tls = tokio::io::BufReader::new(tls);
                    let mut request_line = String::new();
                    if tls.read_line(&mut request_line).await.is_err() {
                        return;
                    }
                    let added = format!(
                        "{request_line}X-Forwarded-Proto: https\r\nX-Forwarded-For: {}\r\n",
                        peer.ip()
                    );
                    if server.write_all(added.as_bytes()).await.is_err() {
                        return;
                    }
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut server).await;
                });
            }
        });
        Self { address }
    }
}

/// A key that is not the certificate's, or a certificate file that is not one, stops
/// the server at start with the reason, before it listens.
#[test]
fn a_key_that_is_not_the_certificates_stops_the_start() {
    let ca = TestCa::new();
    let (database, dir) = fresh_database();
    let (_, cert, _) = ca.server_certificate_files(&dir, "server");
    let (_, _, other_key) = ca.server_certificate_files(&dir, "other");
    let garbage = dir.join("garbage.crt");
    std::fs::write(&garbage, "-----BEGIN CERTIFICATE-----\nnot base64\n").unwrap();
    for (cert, key, reason) in [
        (&cert, &other_key, "cannot be used with the certificate"),
        (&garbage, &other_key, "garbage.crt is not valid PEM"),
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kiesdag"))
            .args(["--db", &database, "serve", "--listen", "127.0.0.1:0"])
            .arg("--tls-cert")
            .arg(cert)
            .arg("--tls-key")
            .arg(key)
            .env("KIESDAG_JWT_SECRET", support::SECRET)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("{reason}: the server started (or hung) with files it cannot use");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut said = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
        assert!(!status.success(), "{said}");
        assert!(said.contains(reason), "{reason}: {said}");
    }
    support::drop_database(&database);
    let _ = std::fs::remove_dir_all(dir);
}

/// The protocols the runbook names: TLS 1.2 as well as 1.3, and HTTP/2 by ALPN beside
/// HTTP/1.1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_1_2_and_1_3_and_http_2_by_alpn() {
    let ca = TestCa::new();
    let (database, dir) = fresh_database();
    seed(&database, &election_open_now(), 1);
    let (_, cert, key) = ca.server_certificate_files(&dir, "server");
    let env = [
        ("KIESDAG_TLS_CERT", cert.to_string_lossy().into_owned()),
        ("KIESDAG_TLS_KEY", key.to_string_lossy().into_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = start_server_with(&database, dir.clone(), "127.0.0.1:0", &env);

    let handshake = |versions: &[&'static rustls::SupportedProtocolVersion], alpn: &[&[u8]]| {
        let mut config = rustls::ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(versions)
            .unwrap()
            .with_root_certificates(ca.roots())
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let mut connection = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
        let mut tcp = std::net::TcpStream::connect(server.address()).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        while connection.is_handshaking() {
            connection.complete_io(&mut tcp).unwrap();
        }
        (
            connection.protocol_version(),
            connection.alpn_protocol().map(<[u8]>::to_vec),
        )
    };
    assert_eq!(
        handshake(&[&rustls::version::TLS12], &[b"http/1.1"]),
        (
            Some(rustls::ProtocolVersion::TLSv1_2),
            Some(b"http/1.1".to_vec())
        )
    );
    assert_eq!(
        handshake(&[&rustls::version::TLS13], &[b"h2", b"http/1.1"]),
        (Some(rustls::ProtocolVersion::TLSv1_3), Some(b"h2".to_vec()))
    );
    drop(server);
}
