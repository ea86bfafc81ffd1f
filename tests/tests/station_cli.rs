//! The station test tool's binary (`src/bin/station.rs`) as its callers run it: one
//! JSON answer line per command line, and an exit status that says whether every
//! command passed. Its reports against a real server are tested with the server
//! (`server/tests/station_tool.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Runs the tool on `input`; its answers and whether it exited with success.
fn run(input: &str) -> (Vec<Value>, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_station"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let answers = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (answers, output.status.success())
}

#[test]
fn every_command_passing_exits_with_success() {
    let (answers, success) = run("{\"cmd\":\"view\"}\n");
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0]["ok"], true, "{}", answers[0]);
    assert!(success);
}

#[test]
fn a_report_the_core_refuses_fails_and_so_does_the_run() {
    // Not activated: the core makes no report, and the command says so at once.
    let (answers, success) = run(concat!(
        "{\"cmd\":\"turnout\",\"count\":5}\n",
        "{\"cmd\":\"view\"}\n",
        "not json\n",
    ));
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["ok"], false, "{}", answers[0]);
    assert_eq!(answers[0]["cmd"], "turnout");
    assert_eq!(answers[0]["refused_by"], "core");
    assert!(
        answers[0]["error"]
            .as_str()
            .unwrap()
            .contains("refused by the core"),
        "{}",
        answers[0]
    );
    assert_eq!(answers[1]["ok"], true, "the tool goes on");
    assert_eq!(answers[2]["ok"], false);
    assert!(!success, "a failed command makes the run fail");
}
