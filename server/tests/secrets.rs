//! The token-signing secret on a running server: kept in a file of mode 0600 or in
//! the database, rotated with `kiesdag secret rotate` while dashboards and devices
//! signed with the old key keep working, and forged tokens refused.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header, decode_header, encode};
use kiesdag::auth::keyring::{Keyring, read_file};
use kiesdag::auth::{Claims, Role, TokenKeys, TokenKind};
use shared::protocol::{RejectCode, ServerMessage};
use support::{
    MUNICIPALITY, RawDevice, Server, create_user, election_open_now, fresh_database, http, seed,
    start_server_with,
};

const STATIONS: &str = "/api/municipalities/GM0599/stations";

fn kid(token: &str) -> Option<String> {
    decode_header(token).unwrap().kid
}

/// `kiesdag --db DATABASE ARGS` with neither KIESDAG_JWT_SECRET nor
/// KIESDAG_SECRET_FILE unless `env` sets them; exit status and output.
fn kiesdag(database: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_kiesdag"))
        .arg("--db")
        .arg(database)
        .args(args)
        .env_remove("KIESDAG_JWT_SECRET")
        .env_remove("KIESDAG_SECRET_FILE")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

async fn login(server: &Server, username: &str) -> (String, String) {
    let body = serde_json::json!({"username": username, "password": "a long password"});
    let (status, tokens) = http(server, "POST", "/api/login", "", &body).await;
    assert_eq!(status, 200, "{tokens}");
    (
        tokens["access_token"].as_str().unwrap().to_owned(),
        tokens["refresh_token"].as_str().unwrap().to_owned(),
    )
}

/// Signs in until the server signs with `kid` (it has read the rotated ring and the
/// new key's time has come); the access token.
async fn login_until_signed_by(server: &Server, username: &str, kid_wanted: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (access, _) = login(server, username).await;
        if kid(&access).as_deref() == Some(kid_wanted) {
            return access;
        }
        assert!(
            Instant::now() < deadline,
            "the server still signs with {:?}, not {kid_wanted}",
            kid(&access)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn status_with(server: &Server, token: &str) -> u16 {
    http(server, "GET", STATIONS, token, &serde_json::Value::Null)
        .await
        .0
}

fn staff_claims(user_id: &str) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: user_id.into(),
        kind: TokenKind::Staff,
        role: Some(Role::Coordinator),
        municipality: Some(MUNICIPALITY.into()),
        station: None,
        election: None,
        jti: "forged".into(),
        iat: now,
        exp: now + 600,
    }
}

fn signed(secret: &str, kid: Option<&str>, claims: &Claims) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = kid.map(str::to_owned);
    encode(
        &header,
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn base64url(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// `alg: none`, naming a real key.
fn unsigned(kid: &str, claims: &Claims) -> String {
    let header = serde_json::json!({"alg": "none", "typ": "JWT", "kid": kid}).to_string();
    let body = serde_json::to_string(claims).unwrap();
    format!(
        "{}.{}.",
        base64url(header.as_bytes()),
        base64url(body.as_bytes())
    )
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn reject_code(answer: ServerMessage) -> RejectCode {
    match answer {
        ServerMessage::Error { code, .. } => code,
        other => panic!("an error, not {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_secret_file_keeps_old_sessions_and_devices_and_refuses_forgeries() {
    let (database, dir) = fresh_database();
    let codes = seed(&database, &election_open_now(), 2);
    let user = create_user(&database, "fatima", Role::Coordinator, Some(MUNICIPALITY));
    let file = dir.join("keyring.json");
    let file_text = file.to_string_lossy().into_owned();
    // KIESDAG_JWT_SECRET is set too (the harness sets it): the file wins.
    let server = start_server_with(
        &database,
        dir.clone(),
        "127.0.0.1:0",
        &[
            ("KIESDAG_SECRET_FILE", &file_text),
            ("KIESDAG_SECRET_RELOAD_SECONDS", "1"),
        ],
    );
    assert_eq!(
        mode(&file),
        0o600,
        "the server made the file for its owner only"
    );
    let (ring, _) = read_file(&file).unwrap();
    let old = ring.keys[0].clone();

    // Signed with the first key: a dashboard session and an activated device.
    let (access, refresh) = login(&server, "fatima").await;
    assert_eq!(kid(&access), Some(old.kid.clone()));
    let mut device = RawDevice::connect(&server).await;
    let device_token = device.activate(&codes[0]).await;
    assert_eq!(kid(&device_token), Some(old.kid.clone()));

    let (ok, said) = kiesdag(
        &database,
        &[
            "secret",
            "rotate",
            "--secret-file",
            &file_text,
            "--signs-in",
            "2",
        ],
        &[],
    );
    assert!(ok, "{said}");
    let (ring, _) = read_file(&file).unwrap();
    assert_eq!(mode(&file), 0o600, "the rotated file too");
    let new = ring.keys.last().unwrap().clone();
    assert_ne!(new.kid, old.kid);
    assert!(said.contains(&format!("new key {}", new.kid)), "{said}");
    assert!(
        said.contains(&format!("key {} verifies its tokens until", old.kid)),
        "{said}"
    );
    assert!(!said.contains(&new.secret) && !said.contains(&old.secret));

    // The running server has read the file again: it signs with the new key ...
    let fresh = login_until_signed_by(&server, "fatima", &new.kid).await;
    assert_eq!(status_with(&server, &fresh).await, 200);
    // ... and what the old key signed keeps working: the dashboard's access token,
    // its refresh (which gets a token of the new key) and the device's token.
    assert_eq!(status_with(&server, &access).await, 200);
    let (status, renewed) = http(
        &server,
        "POST",
        "/api/refresh",
        "",
        &serde_json::json!({ "refresh_token": refresh }),
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    assert_eq!(
        kid(renewed["access_token"].as_str().unwrap()),
        Some(new.kid.clone())
    );
    let (back, _) = RawDevice::resume(&server, device.device_id, &device_token).await;
    drop(device);
    let mut other = RawDevice::connect(&server).await;
    assert_eq!(kid(&other.activate(&codes[1]).await), Some(new.kid.clone()));

    // Forgeries are refused, by the REST API and on the station socket.
    let claims = staff_claims(&user);
    for (what, token) in [
        (
            "a made-up key under the new key's id",
            signed(
                "a made-up key of more than thirty-two bytes",
                Some(&new.kid),
                &claims,
            ),
        ),
        (
            "an unknown key id",
            signed(&new.secret, Some("k-unknown"), &claims),
        ),
        ("no key id", signed(&new.secret, None, &claims)),
        ("alg none", unsigned(&new.kid, &claims)),
    ] {
        assert_eq!(status_with(&server, &token).await, 401, "{what}");
    }
    assert_eq!(
        status_with(&server, &signed(&new.secret, Some(&new.kid), &claims)).await,
        200,
        "the same claims, signed with the key, pass"
    );
    let device_claims = TokenKeys::from_keyring(&ring)
        .verify(&device_token)
        .unwrap();
    let mut forger = RawDevice::connect_as(&server, back.device_id).await;
    for token in [
        signed(
            "a made-up key of more than thirty-two bytes",
            Some(&new.kid),
            &device_claims,
        ),
        signed(&old.secret, Some("k-unknown"), &device_claims),
        unsigned(&old.kid, &device_claims),
    ] {
        assert_eq!(
            reject_code(forger.hello(&token).await),
            RejectCode::InvalidToken
        );
    }
    drop(back);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_file_others_may_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let (database, dir) = fresh_database();
    let file = dir.join("keyring.json");
    std::fs::write(
        &file,
        Keyring::new(chrono::Utc::now().timestamp()).to_json(),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let file_text = file.to_string_lossy().into_owned();

    let mut child = Command::new(env!("CARGO_BIN_EXE_kiesdag"))
        .args(["--db", &database, "serve", "--listen", "127.0.0.1:0"])
        .args(["--secret-file", &file_text])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server started with a world-readable secret file");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
    assert!(!status.success());
    assert!(
        said.contains("has mode 644") && said.contains("chmod 600"),
        "{said}"
    );

    let (ok, said) = kiesdag(
        &database,
        &["secret", "rotate"],
        &[("KIESDAG_SECRET_FILE", &file_text)],
    );
    assert!(!ok && said.contains("chmod 600"), "{said}");

    // A single secret in the environment cannot be rotated: the command says so.
    let (ok, said) = kiesdag(
        &database,
        &["secret", "rotate"],
        &[("KIESDAG_JWT_SECRET", support::SECRET)],
    );
    assert!(!ok && said.contains("cannot be rotated"), "{said}");
    support::drop_database(&database);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_keyring_starts_from_the_old_secret_and_every_instance_follows_a_rotation() {
    let (database, dir) = fresh_database();
    seed(&database, &election_open_now(), 1);
    let user = create_user(&database, "fatima", Role::Coordinator, Some(MUNICIPALITY));
    // The secret a server before the keyring made and kept.
    let legacy = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    {
        use diesel::prelude::*;
        use kiesdag::db::schema::settings;
        let mut conn = kiesdag::db::open(&database).unwrap();
        diesel::insert_into(settings::table)
            .values((settings::name.eq("jwt_secret"), settings::value.eq(legacy)))
            .execute(&mut conn)
            .unwrap();
    }
    let env = [
        ("KIESDAG_JWT_SECRET", ""),
        ("KIESDAG_SECRET_RELOAD_SECONDS", "1"),
    ];
    let server = start_server_with(&database, dir.clone(), "127.0.0.1:0", &env);
    let mut second = start_server_with(&database, std::env::temp_dir(), "127.0.0.1:0", &env);
    second.owns_database = false;

    // A session from before the keyring (a token without a key id) keeps working.
    let before = TokenKeys::new(legacy.as_bytes())
        .sign(&staff_claims(&user))
        .unwrap();
    assert_eq!(kid(&before), None);
    assert_eq!(status_with(&server, &before).await, 200);
    let (access, _) = login(&server, "fatima").await;
    assert_eq!(kid(&access).as_deref(), Some("legacy"));
    assert_eq!(status_with(&second, &access).await, 200);

    let (ok, said) = kiesdag(&database, &["secret", "rotate", "--signs-in", "2"], &[]);
    assert!(ok, "{said}");
    assert!(said.contains("the database's settings"), "{said}");
    let (ok, shown) = kiesdag(&database, &["secret", "show"], &[]);
    assert!(ok, "{shown}");
    let new_kid = said
        .split("new key ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    assert!(
        shown.contains("legacy") && shown.contains(&new_kid),
        "{shown}"
    );
    assert!(!shown.contains(legacy), "never the key itself: {shown}");

    // Each instance signs with the new key once its time has come, and accepts the
    // other's tokens; the old tokens keep working on both.
    let fresh = login_until_signed_by(&server, "fatima", &new_kid).await;
    let other = login_until_signed_by(&second, "fatima", &new_kid).await;
    for instance in [&server, &second] {
        for token in [&before, &access, &fresh, &other] {
            assert_eq!(status_with(instance, token).await, 200);
        }
    }
    // A made-up key under the new id, or a key id nobody made, is refused.
    let claims = staff_claims(&user);
    assert_eq!(
        status_with(
            &second,
            &signed(
                "a made-up key of more than thirty-two bytes",
                Some(&new_kid),
                &claims
            )
        )
        .await,
        401
    );
    assert_eq!(
        status_with(&second, &signed(legacy, Some("k-unknown"), &claims)).await,
        401
    );
    // The database named as a `file:` URI, as `serve` takes it, rotates too.
    if !kiesdag::db::is_postgres(&database) {
        let (ok, said) = kiesdag(&format!("file:{database}"), &["secret", "rotate"], &[]);
        assert!(ok, "{said}");
    }
    drop(second);
}

#[test]
fn rotating_a_database_no_server_has_run_on_is_refused_and_makes_nothing() {
    use diesel::prelude::*;
    use kiesdag::db::schema::settings;
    let (database, dir) = fresh_database();
    // Imported into, never served: no keyring and no secret from before it.
    drop(kiesdag::db::open(&database).unwrap());
    let (ok, said) = kiesdag(&database, &["secret", "rotate"], &[]);
    assert!(!ok, "{said}");
    assert!(
        said.contains("did you mean") && said.contains("--secret-file"),
        "{said}"
    );
    let mut conn = kiesdag::db::open(&database).unwrap();
    let rows: i64 = settings::table
        .filter(settings::name.eq("jwt_keyring"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(rows, 0, "a refused rotation stores no keyring");
    drop(conn);

    // An empty file gets no tables.
    let empty = dir.join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let (ok, said) = kiesdag(&empty.to_string_lossy(), &["secret", "rotate"], &[]);
    assert!(!ok && said.contains("did you mean"), "{said}");
    let mut conn = kiesdag::db::connect(&empty.to_string_lossy()).unwrap();
    assert!(
        !kiesdag::store::has_tables(&mut conn).unwrap(),
        "no schema made"
    );
    drop(conn);

    // A mistyped SQLite file is not made.
    let mistyped = dir.join("kiesdag-typo.db");
    let (ok, said) = kiesdag(&mistyped.to_string_lossy(), &["secret", "rotate"], &[]);
    assert!(!ok && said.contains("did you mean"), "{said}");
    assert!(!mistyped.exists());
    support::drop_database(&database);
    let _ = std::fs::remove_dir_all(dir);
}
