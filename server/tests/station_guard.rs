//! Bad input on the station endpoint: each gets a clear, typed error, changes nothing,
//! and takes nothing down (DESIGN.md invariants 2, 7 and 8).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use kiesdag::auth::{Claims, TokenKeys, TokenKind};
use shared::domain::{Report, TurnoutMoment, TurnoutReport};
use shared::protocol::{ClientMessage, RejectCode, ServerMessage, ServerRefusal};
use shared::validation::Language;
use support::{RawDevice, SECRET, now, opening, operation, server_with, stored_counts};

fn error_code(message: Option<ServerMessage>) -> RejectCode {
    match message {
        Some(ServerMessage::Error { code, .. }) => code,
        other => panic!("expected an error, got {other:?}"),
    }
}

async fn still_answers(device: &mut RawDevice) {
    device
        .send(&ClientMessage::Heartbeat { sent_at: now() })
        .await;
    assert!(
        matches!(device.recv().await, Some(ServerMessage::Heartbeat { .. })),
        "the connection still works"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_unknown_version_and_unauthenticated_frames_get_typed_errors() {
    let (server, _) = server_with(1);
    let before = stored_counts(&server.database);
    let mut device = RawDevice::connect(&server).await;
    device.send_text("{not json".into()).await;
    assert_eq!(error_code(device.recv().await), RejectCode::MalformedFrame);
    device
        .send_text(r#"{"v":7,"type":"heartbeat","sent_at":1}"#.into())
        .await;
    assert_eq!(
        error_code(device.recv().await),
        RejectCode::UnsupportedVersion
    );
    device
        .send_text(r#"{"v":1,"type":"operation","id":"x"}"#.into())
        .await;
    assert_eq!(error_code(device.recv().await), RejectCode::MalformedFrame);
    let op = operation(&device, 1, "GM0599-1", opening());
    device.send(&op).await;
    assert_eq!(
        error_code(device.recv().await),
        RejectCode::NotAuthenticated
    );
    still_answers(&mut device).await;
    assert_eq!(stored_counts(&server.database), before, "nothing stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_frame_is_refused_and_the_server_stays_up() {
    let (server, codes) = server_with(1);
    let mut device = RawDevice::connect(&server).await;
    device
        .send_text(format!(
            "{{\"v\":1,\"type\":\"heartbeat\",\"pad\":\"{}\"}}",
            "x".repeat(70_000)
        ))
        .await;
    assert_eq!(error_code(device.recv().await), RejectCode::FrameTooLarge);
    let mut other = RawDevice::connect(&server).await;
    other.activate(&codes[0]).await;
    still_answers(&mut other).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_expired_unsigned_and_revoked_tokens_are_refused() {
    let (server, codes) = server_with(1);
    let mut device = RawDevice::connect(&server).await;
    let token = device.activate(&codes[0]).await;
    let claims = TokenKeys::new(SECRET.as_bytes()).verify(&token).unwrap();

    let mut forger = RawDevice::connect_as(&server, device.device_id).await;
    let forged = TokenKeys::new(b"another-secret-another-secret-xx")
        .sign(&claims)
        .unwrap();
    assert_eq!(
        error_code(Some(forger.hello(&forged).await)),
        RejectCode::InvalidToken
    );

    let expired = TokenKeys::new(SECRET.as_bytes())
        .sign(&Claims {
            exp: claims.iat - 10,
            ..claims.clone()
        })
        .unwrap();
    assert_eq!(
        error_code(Some(forger.hello(&expired).await)),
        RejectCode::ExpiredToken
    );

    let unsigned = {
        let body = token.split('.').nth(1).unwrap();
        // {"alg":"none","typ":"JWT"} in URL-safe base64.
        format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{body}.")
    };
    assert_eq!(
        error_code(Some(forger.hello(&unsigned).await)),
        RejectCode::InvalidToken
    );

    let staff = TokenKeys::new(SECRET.as_bytes())
        .sign(&Claims {
            kind: TokenKind::Staff,
            ..claims.clone()
        })
        .unwrap();
    assert_eq!(
        error_code(Some(forger.hello(&staff).await)),
        RejectCode::InvalidToken,
        "a staff token is no device token"
    );

    // Revoked at once: the next session is refused.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_kiesdag"))
        .args([
            "--db",
            &server.database,
            "codes",
            "revoke",
            "--station",
            "GM0599-1",
        ])
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let mut again = RawDevice::connect_as(&server, device.device_id).await;
    assert_eq!(
        error_code(Some(again.hello(&token).await)),
        RejectCode::RevokedToken
    );
    // The session that was already open can no longer report either.
    device
        .send(&operation(&device, 1, "GM0599-1", opening()))
        .await;
    let Some(ServerMessage::Reject { code, .. }) = device.recv().await else {
        panic!()
    };
    assert_eq!(code, "DEVICE_REVOKED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_activation_code_tried_repeatedly_is_locked_out() {
    let (server, codes) = server_with(1);
    let mut device = RawDevice::connect(&server).await;
    for _ in 0..5 {
        device
            .send(&ClientMessage::Activate {
                activation_code: "AAAA-BBBB".into(),
                device_id: device.device_id,
            })
            .await;
        assert_eq!(
            error_code(device.recv().await),
            RejectCode::InvalidActivationCode
        );
    }
    // Even the right code is refused now, for this device: attempts are limited.
    device
        .send(&ClientMessage::Activate {
            activation_code: codes[0].clone(),
            device_id: device.device_id,
        })
        .await;
    assert_eq!(error_code(device.recv().await), RejectCode::TooManyAttempts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_for_another_station_or_failing_validation_are_rejected_and_change_nothing() {
    let (server, codes) = server_with(2);
    let mut device = RawDevice::connect(&server).await;
    device.activate(&codes[0]).await;
    device
        .send(&operation(&device, 1, "GM0599-1", opening()))
        .await;
    assert!(matches!(
        device.recv().await,
        Some(ServerMessage::Ack { device_seq: 1, .. })
    ));
    let before = stored_counts(&server.database);

    device
        .send(&operation(&device, 2, "GM0599-2", opening()))
        .await;
    let Some(ServerMessage::Reject {
        code,
        device_seq: 2,
        message,
        ..
    }) = device.recv().await
    else {
        panic!()
    };
    // A refusal of the server's own travels as its code too; the device has its texts.
    assert_eq!(code, "WRONG_STATION");
    assert_eq!(
        ServerRefusal::from_code(&code),
        Some(ServerRefusal::WrongStation)
    );
    assert_eq!(
        message,
        ServerRefusal::WrongStation.message(Language::English)
    );

    let turnout = |count, reason: Option<&str>| {
        Report::Turnout(TurnoutReport {
            count,
            moment: TurnoutMoment::AdHoc,
            correction_reason: reason.map(Into::into),
        })
    };
    device
        .send(&operation(&device, 3, "GM0599-1", turnout(100_001, None)))
        .await;
    let Some(ServerMessage::Reject { code, .. }) = device.recv().await else {
        panic!()
    };
    assert_eq!(code, "INPUT_E01_OUT_OF_RANGE");

    // Ten poll cards, but eleven admitted voters.
    let mut result = shared::fixtures::result((10, 0, 0), &[10], 0, 0);
    result.voters.admitted_voters = 11;
    result.fewer_ballots_counted = 1;
    let refused = operation(&device, 4, "GM0599-1", Report::ProvisionalResult(result));
    device.send(&refused).await;
    let Some(ServerMessage::Reject { code, fields, .. }) = device.recv().await else {
        panic!()
    };
    // The rule's code and the fields it concerns, for the device to render in the
    // chair's language and to point at.
    assert_eq!(code, "RESULT_E01_ADMITTED_SUM");
    assert!(
        fields.contains(&"voters.admitted_voters".to_owned()),
        "{fields:?}"
    );
    // Sent again (the answer was lost on the way): the stored refusal, fields and all.
    device.send(&refused).await;
    let Some(ServerMessage::Reject {
        code: again,
        fields: fields_again,
        ..
    }) = device.recv().await
    else {
        panic!()
    };
    assert_eq!((again, fields_again), (code, fields));
    assert_eq!(
        stored_counts(&server.database),
        before,
        "no event, no audit entry"
    );

    // The server's own rules: a lower turnout without a reason.
    device
        .send(&operation(&device, 5, "GM0599-1", turnout(300, None)))
        .await;
    assert!(matches!(
        device.recv().await,
        Some(ServerMessage::Ack { .. })
    ));
    device
        .send(&operation(&device, 6, "GM0599-1", turnout(250, None)))
        .await;
    let Some(ServerMessage::Reject { code, .. }) = device.recv().await else {
        panic!()
    };
    assert_eq!(code, "TURNOUT_E01_DECREASE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_operation_is_acknowledged_again_and_applied_once() {
    let (server, codes) = server_with(1);
    let mut device = RawDevice::connect(&server).await;
    let token = device.activate(&codes[0]).await;
    let open = operation(&device, 1, "GM0599-1", opening());
    device.send(&open).await;
    let Some(ServerMessage::Ack {
        event_seq: first, ..
    }) = device.recv().await
    else {
        panic!()
    };
    let after_first = stored_counts(&server.database);
    device.send(&open).await;
    let Some(ServerMessage::Ack {
        event_seq: second, ..
    }) = device.recv().await
    else {
        panic!()
    };
    assert_eq!(first, second, "the same event number");
    // And again on a new session, as after a lost ack.
    let (mut resumed, last_processed_seq) =
        RawDevice::resume(&server, device.device_id, &token).await;
    assert_eq!(last_processed_seq, 1);
    resumed.send(&open).await;
    assert!(
        matches!(resumed.recv().await, Some(ServerMessage::Ack { event_seq, .. }) if event_seq == first)
    );
    assert_eq!(stored_counts(&server.database), after_first, "applied once");
}
