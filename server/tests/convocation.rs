//! Convocation of station staff from the command line: candidates imported (again,
//! without doubles), a suggestion that fills every station's roles with people who
//! may take them and honours wishes, assignment by hand with its refusals, the
//! follow-up list and its CSV; the audit log names nobody.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{cli, fresh_database};

const CANDIDATES: &str = "\
name,email,phone,roles,wishes,experience,reserve
Anneke Voorzitter,anneke@example.nl,0612345678,voorzitter,,6,nee
Bert Voorzitter,bert@example.nl,,voorzitter|lid,3,2,nee
Carla Voorzitter,,,chair,,1,nee
Dirk Lid,dirk@example.nl,,,,4,nee
Els Lid,,,,,0,nee
Frank Lid,,,,,0,nee
Gerda Lid,,,,,0,nee
Henk Lid,,,,,0,nee
Ilse Lid,,,,,0,nee
Jan Reserve,jan@example.nl,,,,9,ja
";

#[test]
fn candidates_are_suggested_for_every_role_assigned_by_hand_and_followed_up() {
    let (database, dir) = fresh_database();
    support::seed(&database, &support::election_open_now(), 3);
    let file = dir.join("kandidaten.csv");
    std::fs::write(&file, CANDIDATES).unwrap();
    let file = file.to_str().unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "candidates",
            file,
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
        ];
        args.extend_from_slice(extra);
        cli(&database, &args)
    };
    let (ok, said) = import(&[]);
    assert!(
        ok && said.contains("10 candidates added, 0 updated"),
        "{said}"
    );
    let (ok, said) = import(&[]);
    assert!(
        ok && said.contains("0 candidates added, 10 updated"),
        "again: {said}"
    );

    // A bad file changes nothing and names its lines.
    let bad = dir.join("slecht.csv");
    std::fs::write(&bad, "name,email\nKees,geen-adres\n,x@example.nl\n").unwrap();
    let (ok, said) = cli(
        &database,
        &[
            "import",
            "candidates",
            bad.to_str().unwrap(),
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
        ],
    );
    assert!(
        !ok && said.contains(":2:") && said.contains(":3:"),
        "{said}"
    );

    let list = || {
        cli(
            &database,
            &[
                "staff",
                "list",
                "--election",
                "E2E",
                "--municipality",
                "GM0599",
            ],
        )
    };
    let (_, before) = list();
    assert!(
        before.contains("GM0599-1 (0 people), missing 1 chair, 2 member, 1 substitute"),
        "{before}"
    );

    // A suggestion is shown, and recorded only with --apply.
    let suggest = |extra: &[&str]| {
        let mut args = vec![
            "staff",
            "suggest",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
        ];
        args.extend_from_slice(extra);
        cli(&database, &args)
    };
    let (ok, said) = suggest(&[]);
    assert!(ok && said.contains("not recorded"), "{said}");
    assert_eq!(list().1, before);
    let (ok, said) = suggest(&["--apply"]);
    assert!(ok && said.contains("recorded as proposed"), "{said}");
    let (_, after) = list();
    // Three chairs from those who may chair; Bert where he wished; Jan kept in reserve.
    for station in 1..=3 {
        let block: String = after
            .split(&format!("GM0599-{station} ("))
            .nth(1)
            .unwrap()
            .lines()
            .take_while(|l| l.starts_with("  ") || l.contains("people"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(block.contains("chair\t"), "station {station}: {block}");
    }
    assert!(
        after
            .split("GM0599-3 (")
            .nth(1)
            .unwrap()
            .split("GM0599-")
            .next()
            .unwrap()
            .contains("Bert Voorzitter"),
        "{after}"
    );
    assert!(!after.contains("Jan Reserve"), "{after}");
    assert!(after.contains("in reserve"), "{after}");

    // By hand: who may not chair cannot, a full station takes nobody more.
    let id_of = |name: &str| {
        let (_, csv) = cli(
            &database,
            &[
                "staff",
                "list",
                "--election",
                "E2E",
                "--municipality",
                "GM0599",
                "--csv",
            ],
        );
        csv.lines()
            .find(|l| l.contains(name))
            .map(|l| l.split(';').nth(4).unwrap().to_owned())
    };
    let dirk = id_of("Dirk Lid").expect("Dirk is assigned");
    let (ok, said) = cli(
        &database,
        &[
            "staff",
            "assign",
            "--election",
            "E2E",
            "--candidate",
            &dirk,
            "--station",
            "GM0599-1",
            "--role",
            "voorzitter",
        ],
    );
    assert!(!ok && said.contains("may not be chair"), "{said}");
    let (ok, said) = cli(
        &database,
        &[
            "staff",
            "need",
            "--election",
            "E2E",
            "--max-per-station",
            "2",
        ],
    );
    assert!(ok && said.contains("at most 2 people"), "{said}");
    let (ok, said) = cli(
        &database,
        &[
            "staff",
            "assign",
            "--election",
            "E2E",
            "--candidate",
            &dirk,
            "--station",
            "GM0599-2",
            "--role",
            "lid",
        ],
    );
    assert!(!ok && said.contains("already has 2 people"), "{said}");
    let (ok, said) = cli(
        &database,
        &[
            "staff",
            "unassign",
            "--election",
            "E2E",
            "--candidate",
            &dirk,
        ],
    );
    assert!(ok, "{said}");
    assert!(id_of("Dirk Lid").is_none());

    let (_, csv) = cli(
        &database,
        &[
            "staff",
            "list",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--csv",
        ],
    );
    assert!(
        csv.starts_with("station;nummer;rol;naam;kandidaat;status"),
        "{csv}"
    );
    assert!(csv.contains(";proposed"), "{csv}");

    // Every change is audited, and the audit log names nobody.
    let (ok, said) = cli(&database, &["audit", "verify"]);
    assert!(ok, "{said}");
    {
        use diesel::prelude::*;
        use kiesdag::db::schema::audit_log;
        let mut conn = kiesdag::db::open(&database).unwrap();
        let entries: Vec<(String, String)> = audit_log::table
            .select((audit_log::action, audit_log::payload))
            .load(&mut conn)
            .unwrap();
        let actions: Vec<&str> = entries.iter().map(|(a, _)| a.as_str()).collect();
        for action in [
            "candidates.import",
            "convocation.suggest",
            "convocation.need",
            "convocation.unassign",
        ] {
            assert!(actions.contains(&action), "{action} in {actions:?}");
        }
        let all = format!("{entries:?}");
        for person in ["Anneke", "anneke@example.nl", "0612345678", "Dirk", &dirk] {
            assert!(!all.contains(person), "the audit log names {person}");
        }
    }
    // Person numbers are each municipality's own: the same number in another
    // municipality is another person, and takes nobody over.
    for (municipality, name) in [("GM0599", "Piet Zeven"), ("GM0606", "Kees Zeven")] {
        let numbered = dir.join(format!("{municipality}.csv"));
        std::fs::write(&numbered, format!("id,name\n7,{name}\n")).unwrap();
        let (ok, said) = cli(
            &database,
            &[
                "import",
                "candidates",
                numbered.to_str().unwrap(),
                "--election",
                "E2E",
                "--municipality",
                municipality,
            ],
        );
        assert!(ok && said.contains("1 candidates added"), "{said}");
    }
    {
        let mut conn = kiesdag::db::open(&database).unwrap();
        let ours =
            kiesdag::store::convocation::candidates(&mut conn, "E2E", Some("GM0599")).unwrap();
        assert!(
            ours.iter().any(|c| c.candidate.name == "Piet Zeven"),
            "{ours:?}"
        );
    }

    let (_, found) = cli(&database, &["person", "show", "anneke@example.nl"]);
    assert!(
        found.contains("(candidate)") || found.contains("candidate"),
        "{found}"
    );
    support::drop_database(&database);
}

/// The personal link: invited people see their convocation with their code only,
/// accept (and are in the station's planned staff, which goes to its device) or
/// decline with a reason (and someone from the reserve is proposed in their place);
/// a wrong code learns nothing, and a finished election's codes stop working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invited_people_answer_through_their_personal_link() {
    use serde_json::{Value, json};
    let (database, dir) = fresh_database();
    let election = support::election_open_now();
    support::seed(&database, &election, 1);
    let file = dir.join("kandidaten.csv");
    std::fs::write(
        &file,
        "name,email,roles,experience,reserve\n\
         Anneke Voorzitter,anneke@example.nl,voorzitter,5,nee\n\
         Dirk Lid,dirk@example.nl,,2,nee\n\
         Els Lid,,,1,nee\n\
         Fleur Lid,,,0,nee\n\
         Jan Reserve,jan@example.nl,,3,ja\n",
    )
    .unwrap();
    for args in [
        vec![
            "import",
            "candidates",
            file.to_str().unwrap(),
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
        ],
        vec![
            "staff",
            "suggest",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--apply",
        ],
    ] {
        let (ok, said) = cli(&database, &args);
        assert!(ok, "{said}");
    }
    let out = dir.join("uitnodigingen.csv");
    let invite = |extra: &[&str]| {
        let mut args = vec![
            "staff",
            "invite",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--app-url",
            "https://kiesdag.example.nl",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        cli(&database, &args)
    };
    let (ok, said) = invite(&[]);
    assert!(ok && said.contains("4 invited"), "{said}");
    let (ok, said) = invite(&[]);
    assert!(
        !ok && said.contains("new file"),
        "an existing file is not overwritten: {said}"
    );
    let sheet = std::fs::read_to_string(&out).unwrap();
    let code_of = |name: &str| {
        let line = sheet.lines().find(|l| l.starts_with(name)).unwrap();
        let cells: Vec<&str> = line.split(';').collect();
        assert_eq!(
            cells[6],
            format!("https://kiesdag.example.nl/antwoord#code={}", cells[5])
        );
        cells[5].to_owned()
    };
    let (anneke, dirk) = (code_of("Anneke"), code_of("Dirk"));
    assert_eq!(anneke.len(), 19, "four groups of four: {anneke}");

    let server = support::start_server(&database, dir);
    let post = |path: &'static str, body: Value| {
        let server = &server;
        async move { support::http(server, "POST", path, "", &body).await }
    };
    let (status, seen) = post("/api/convocation", json!({"code": anneke})).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["name"], "Anneke Voorzitter");
    assert_eq!(seen["role"], "chair");
    assert_eq!(seen["status"], "invited");
    assert_eq!(seen["station_number"], 1);
    assert!(seen["opens"].as_str().unwrap().contains(':'), "{seen}");
    let (status, wrong) = post("/api/convocation", json!({"code": "AAAA-BBBB-CCCC-DDDD"})).await;
    assert_eq!(status, 401, "{wrong}");
    assert!(!wrong.to_string().contains("Anneke"));

    // Accepted: in the station's planned staff.
    let (status, seen) = post(
        "/api/convocation/answer",
        json!({"code": anneke, "answer": "accept"}),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["status"], "confirmed");
    let planned = || {
        let mut conn = kiesdag::db::open(&database).unwrap();
        kiesdag::store::stations::get(&mut conn, "GM0599-1")
            .unwrap()
            .station
            .planned_staff
    };
    assert!(
        planned().iter().any(|m| m.name == "Anneke Voorzitter"),
        "{:?}",
        planned()
    );

    // Declined: a reason is needed; the reserve is proposed in Dirk's place.
    let (status, _) = post(
        "/api/convocation/answer",
        json!({"code": dirk, "answer": "decline", "reason": "  "}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, seen) = post(
        "/api/convocation/answer",
        json!({"code": dirk, "answer": "decline", "reason": "Op vakantie"}),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["status"], "declined");
    let (_, list) = cli(
        &database,
        &[
            "staff",
            "list",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
        ],
    );
    assert!(list.contains("Dirk Lid\tdeclined"), "{list}");
    assert!(
        list.contains("Jan Reserve\tproposed"),
        "the reserve takes his place: {list}"
    );
    assert!(!planned().iter().any(|m| m.name == "Dirk Lid"));

    // Dirk changes his mind, but his place went to Jan: refused, never one too many.
    let (status, refused) = post(
        "/api/convocation/answer",
        json!({"code": dirk, "answer": "accept"}),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(!planned().iter().any(|m| m.name == "Dirk Lid"));
    // Nor by stating when he can come instead, which would hold the place too.
    let (status, refused) = post(
        "/api/convocation/answer",
        json!({"code": dirk, "answer": "availability", "note": "Toch wel, 's middags"}),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (status, seen) = post("/api/convocation", json!({"code": dirk})).await;
    assert_eq!((status, seen["status"].as_str()), (200, Some("declined")));
    // Who declined is not suggested again, even for a place still open.
    let (ok, said) = cli(
        &database,
        &["staff", "need", "--election", "E2E", "--members", "3"],
    );
    assert!(ok, "{said}");
    let (_, csv) = cli(
        &database,
        &[
            "staff",
            "list",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--csv",
        ],
    );
    let dirk_id = csv
        .lines()
        .find(|l| l.contains("Dirk Lid"))
        .and_then(|l| l.split(';').nth(4))
        .unwrap()
        .to_owned();
    let (_, suggested) = cli(
        &database,
        &[
            "staff",
            "suggest",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
        ],
    );
    assert!(
        suggested.contains("gap\tGM0599-1\t1 member missing"),
        "{suggested}"
    );
    assert!(!suggested.contains(&dirk_id), "{suggested}");
    // Anneke declines after accepting, on two lines, and takes it back: she is in the
    // planned staff once, as the reserve is used up and nobody took her place.
    let (status, seen) = post(
        "/api/convocation/answer",
        json!({"code": anneke, "answer": "decline", "reason": "Ziek.\nGroet, Anneke"}),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    assert!(!planned().iter().any(|m| m.name == "Anneke Voorzitter"));
    for _ in 0..2 {
        let (status, _) = post(
            "/api/convocation/answer",
            json!({"code": anneke, "answer": "accept"}),
        )
        .await;
        assert_eq!(status, 200);
    }
    assert_eq!(
        planned()
            .iter()
            .filter(|m| m.name == "Anneke Voorzitter")
            .count(),
        1,
        "{:?}",
        planned()
    );

    // The control room follows up: who answered what, and why not; nobody else.
    let follow_up = "/api/municipalities/GM0599/convocations";
    let coordinator = support::staff_token(kiesdag::auth::Role::Coordinator, Some("GM0599"));
    let (status, overview) =
        support::http(&server, "GET", follow_up, &coordinator, &Value::Null).await;
    assert_eq!(status, 200, "{overview}");
    let people = overview["stations"][0]["people"].as_array().unwrap();
    let status_of = |name: &str| {
        people
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| (p["status"].clone(), p["decline_reason"].clone()))
    };
    assert_eq!(
        status_of("Anneke Voorzitter"),
        Some((json!("confirmed"), Value::Null))
    );
    assert_eq!(
        status_of("Dirk Lid"),
        Some((json!("declined"), json!("Op vakantie")))
    );
    assert_eq!(
        status_of("Jan Reserve").map(|s| s.0),
        Some(json!("proposed"))
    );
    for (role, code) in [
        (kiesdag::auth::Role::Manager, Some("GM0599")),
        (kiesdag::auth::Role::Coordinator, Some("GM0363")),
    ] {
        let token = support::staff_token(role, code);
        let (status, _) = support::http(&server, "GET", follow_up, &token, &Value::Null).await;
        assert_eq!(status, 403, "{role:?} of {code:?}");
    }

    // Answers are audited without names or reasons.
    let (ok, said) = cli(&database, &["audit", "verify"]);
    assert!(ok, "{said}");
    {
        use diesel::prelude::*;
        use kiesdag::db::schema::audit_log;
        let mut conn = kiesdag::db::open(&database).unwrap();
        let payloads: Vec<String> = audit_log::table
            .filter(audit_log::action.like("convocation.%"))
            .select(audit_log::payload)
            .load(&mut conn)
            .unwrap();
        assert!(payloads.len() >= 4, "{payloads:?}");
        let all = payloads.join(" ");
        assert!(
            !all.contains("Anneke") && !all.contains("vakantie"),
            "{all}"
        );
    }

    // A finished election's links stop working.
    {
        let mut conn = kiesdag::db::open(&database).unwrap();
        let mut closed = election.clone();
        closed.closes_at = shared::domain::Timestamp(kiesdag::db::now_ms() - 1_000);
        kiesdag::store::elections::upsert(&mut conn, &closed).unwrap();
    }
    let (ok, said) = cli(&database, &["election", "finish", "--election", "E2E"]);
    assert!(ok, "{said}");
    let (status, _) = post("/api/convocation", json!({"code": anneke})).await;
    assert_eq!(status, 401);
}

/// A real local SMTP server (Debian's python3-aiosmtpd, storing what it receives in a
/// Maildir), started for the test on a free port.
struct MailServer {
    child: std::process::Child,
    port: u16,
    maildir: std::path::PathBuf,
}

impl MailServer {
    fn start(dir: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = dir.join("maildir");
        let python = if std::path::Path::new("/usr/bin/python3").exists() {
            "/usr/bin/python3"
        } else {
            "python3"
        };
        let mut child = std::process::Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .spawn()
            .expect("python3 with aiosmtpd (make setup installs python3-aiosmtpd)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Self {
                    child,
                    port,
                    maildir,
                };
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the SMTP server did not start: is python3-aiosmtpd installed (make setup)?");
    }

    /// Every message received, as text.
    fn received(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect()
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Invitations go out by e-mail through a real SMTP server: one message per person
/// with an address, naming their station, role and times, with their personal link;
/// who has no address is listed for a letter; a relay that cannot be reached is
/// reported per person and the codes are still written.
#[test]
fn invitations_are_mailed_through_a_real_smtp_server() {
    let (database, dir) = fresh_database();
    support::seed(&database, &support::election_open_now(), 1);
    let file = dir.join("kandidaten.csv");
    std::fs::write(
        &file,
        "name,email,roles\n\
         Anneke Voorzitter,anneke@example.nl,voorzitter\n\
         Dirk Lid,dirk@example.nl,\n\
         Els Zonderadres,,\n",
    )
    .unwrap();
    for args in [
        vec![
            "import",
            "candidates",
            file.to_str().unwrap(),
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
        ],
        vec![
            "staff",
            "suggest",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--apply",
        ],
    ] {
        let (ok, said) = cli(&database, &args);
        assert!(ok, "{said}");
    }
    let mail = MailServer::start(&dir);
    let out = dir.join("uitnodigingen.csv");
    let relay = format!("smtp://127.0.0.1:{}", mail.port);
    let (ok, said) = cli(
        &database,
        &[
            "staff",
            "invite",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--app-url",
            "https://kiesdag.example.nl",
            "--out",
            out.to_str().unwrap(),
            "--send",
            "--smtp-url",
            &relay,
            "--from",
            "Gemeente Rotterdam <verkiezingen@example.nl>",
            "--letters",
            dir.join("brieven.pdf").to_str().unwrap(),
        ],
    );
    assert!(ok, "{said}");
    assert!(said.contains("2 sent, 1 without an address"), "{said}");
    // Who has no address gets a letter: one page, with her name and her code.
    assert!(said.contains("1 letters to print"), "{said}");
    let letters = std::fs::read(dir.join("brieven.pdf")).unwrap();
    let pdf = String::from_utf8_lossy(&letters).into_owned();
    assert!(
        pdf.starts_with("%PDF-") && pdf.contains("/Count 1"),
        "{pdf}"
    );
    assert!(pdf.contains("Beste Els Zonderadres,"), "{pdf}");
    let sheet = std::fs::read_to_string(&out).unwrap();
    let anneke: Vec<&str> = sheet
        .lines()
        .find(|l| l.starts_with("Anneke"))
        .unwrap()
        .split(';')
        .collect();
    assert_eq!(anneke[7], "ja");
    let els: Vec<&str> = sheet
        .lines()
        .find(|l| l.starts_with("Els"))
        .unwrap()
        .split(';')
        .collect();
    assert!(pdf.contains(els[5]), "her code is in her letter");
    assert!(
        sheet
            .lines()
            .any(|l| l.starts_with("Els") && l.contains("stuur een brief")),
        "{sheet}"
    );

    let received = mail.received();
    assert_eq!(received.len(), 2, "{received:?}");
    let to_anneke = received
        .iter()
        .find(|m| m.contains("anneke@example.nl"))
        .unwrap();
    assert!(
        to_anneke.contains("Subject: Oproep stembureau 1"),
        "{to_anneke}"
    );
    assert!(to_anneke.contains("verkiezingen@example.nl"));
    // The body may be wrapped by its transfer encoding; its words are there.
    let unfolded = to_anneke.replace("=\r\n", "").replace("=\n", "");
    assert!(unfolded.contains("voorzitter"), "{unfolded}");
    assert!(unfolded.contains(anneke[5]), "the code: {unfolded}");
    assert!(
        unfolded.contains("kiesdag.example.nl/antwoord#code="),
        "{unfolded}"
    );

    // A reminder goes only to who has been silent long enough: nobody yet.
    let early = dir.join("herinnering.csv");
    let (ok, said) = cli(
        &database,
        &[
            "staff",
            "invite",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--again",
            "--silent-days",
            "7",
            "--app-url",
            "https://kiesdag.example.nl",
            "--out",
            early.to_str().unwrap(),
        ],
    );
    assert!(ok && said.contains("0 invited"), "{said}");

    // A relay that is not there: nothing is sent, each is listed as failed, and the
    // codes are written all the same.
    drop(mail);
    let again = dir.join("opnieuw.csv");
    let (ok, said) = cli(
        &database,
        &[
            "staff",
            "invite",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--again",
            "--app-url",
            "https://kiesdag.example.nl",
            "--out",
            again.to_str().unwrap(),
            "--send",
            "--smtp-url",
            &relay,
            "--from",
            "verkiezingen@example.nl",
        ],
    );
    assert!(ok, "{said}");
    assert!(
        said.contains("0 sent") && said.contains("2 failed"),
        "{said}"
    );
    let sheet = std::fs::read_to_string(&again).unwrap();
    assert_eq!(
        sheet.lines().filter(|l| l.contains("mislukt")).count(),
        2,
        "{sheet}"
    );
    support::drop_database(&database);
}

/// An election of `jurisdiction` held `days_ago` days ago (or open now, for 0), with
/// one station of its own, numbered `number`.
fn seed_election(
    database: &str,
    id: &str,
    jurisdiction: shared::domain::Jurisdiction,
    days_ago: i64,
    number: u32,
) {
    use shared::domain::{Election, Timestamp};
    let now = kiesdag::db::now_ms();
    let opens = now - days_ago * 86_400_000 - 3_600_000;
    let election = Election {
        id: id.into(),
        name: format!("Verkiezing {id}"),
        jurisdiction,
        opens_at: Timestamp(opens),
        closes_at: Timestamp(opens + if days_ago == 0 { 8 } else { 13 } * 3_600_000),
        ..support::election_open_now()
    };
    let mut conn = kiesdag::db::open(database).unwrap();
    kiesdag::store::elections::upsert(&mut conn, &election).unwrap();
    kiesdag::store::stations::upsert_municipality(&mut conn, "GM0599", "Rotterdam").unwrap();
    kiesdag::store::stations::upsert(&mut conn, id, &support::station(number)).unwrap();
}

/// Imports `csv` as the election's candidates and assigns them by the suggestion;
/// returns what the import said.
fn convoke(database: &str, dir: &std::path::Path, election: &str, csv: &str) -> String {
    let file = dir.join(format!("kandidaten-{election}.csv"));
    std::fs::write(&file, csv).unwrap();
    let mut told = Vec::new();
    for args in [
        vec![
            "import",
            "candidates",
            file.to_str().unwrap(),
            "--election",
            election,
            "--municipality",
            "GM0599",
        ],
        vec![
            "staff",
            "suggest",
            "--election",
            election,
            "--municipality",
            "GM0599",
            "--apply",
        ],
    ] {
        let (ok, said) = cli(database, &args);
        assert!(ok, "{said}");
        told.push(said);
    }
    told.swap_remove(0)
}

/// The personal codes of everyone newly invited by a `staff invite` of `election`,
/// by the start of their name.
fn invite_codes(database: &str, dir: &std::path::Path, election: &str) -> impl Fn(&str) -> String {
    let out = dir.join(format!(
        "uitnodigingen-{election}-{}.csv",
        kiesdag::db::now_ms()
    ));
    let (ok, said) = cli(
        database,
        &[
            "staff",
            "invite",
            "--election",
            election,
            "--municipality",
            "GM0599",
            "--app-url",
            "https://kiesdag.example.nl",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(ok, "{said}");
    let sheet = std::fs::read_to_string(&out).unwrap();
    move |name: &str| {
        let line = sheet
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} not in {sheet}"));
        line.split(';').nth(5).unwrap().to_owned()
    }
}

/// In Flanders who sat on a station twice may refuse a third time: the service history
/// is recorded when an election is finished, survives its purge, and the personal
/// link says so and takes a decline without a reason; in the Netherlands a reason is
/// still asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_served_twice_in_flanders_may_refuse_a_third_time() {
    use serde_json::json;
    use shared::domain::Jurisdiction;
    let (database, dir) = fresh_database();
    // The same person (the municipality's number 77) in every election.
    let people = "id,name,roles,experience,reserve\n\
                  77,Anneke Voorzitter,voorzitter,0,nee\n\
                  78,Bert Lid,lid,0,nee\n";
    for (election, days_ago, number) in [("E2018", 3, 1), ("E2024", 2, 2)] {
        seed_election(
            &database,
            election,
            Jurisdiction::Flanders,
            days_ago,
            number,
        );
        convoke(&database, &dir, election, people);
        // Anneke confirms through her link; Bert never answers.
        let code = invite_codes(&database, &dir, election)("Anneke");
        let mut conn = kiesdag::db::open(&database).unwrap();
        let view = kiesdag::db::write_transaction(&mut conn, |db| {
            kiesdag::features::convocation::answer::answer(
                db,
                &code,
                &kiesdag::features::convocation::answer::Answer::Accept,
                kiesdag::db::now_ms(),
            )
        })
        .unwrap();
        assert_eq!(view.status.as_str(), "confirmed");
        // The first is finished, then purged; the second purged (forced) without
        // being finished: either way who served is recorded before the purge.
        if election == "E2018" {
            let (ok, said) = cli(&database, &["election", "finish", "--election", election]);
            assert!(ok, "{said}");
        }
        let (ok, said) = cli(
            &database,
            &[
                "purge",
                "--election",
                election,
                "--force",
                "--reason",
                "test",
                "--yes",
            ],
        );
        assert!(ok, "{said}");
    }
    let (ok, said) = cli(&database, &["staff", "history", "--candidate", "GM0599:77"]);
    assert!(ok && said.contains("2 service(s)"), "{said}");
    assert!(
        said.contains("Verkiezing E2018") && said.contains("chair at station 1"),
        "{said}"
    );
    let (_, said) = cli(&database, &["staff", "history", "--candidate", "GM0599:78"]);
    assert!(
        said.contains("0 service(s)"),
        "who never confirmed never served: {said}"
    );

    // The third time, in Flanders: she may refuse, and need not say why.
    seed_election(&database, "E2030", Jurisdiction::Flanders, 0, 3);
    convoke(&database, &dir, "E2030", people);
    let codes = invite_codes(&database, &dir, "E2030");
    let (anneke, bert) = (codes("Anneke"), codes("Bert"));
    let server = support::start_server(&database, dir.clone());
    let (status, seen) = support::http(
        &server,
        "POST",
        "/api/convocation",
        "",
        &json!({"code": anneke}),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(
        (seen["services"].as_u64(), seen["may_refuse"].as_bool()),
        (Some(2), Some(true))
    );
    let (status, seen) = support::http(
        &server,
        "POST",
        "/api/convocation",
        "",
        &json!({"code": bert}),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["may_refuse"], false);
    let (status, refused) = support::http(
        &server,
        "POST",
        "/api/convocation/answer",
        "",
        &json!({"code": bert, "answer": "decline", "reason": ""}),
    )
    .await;
    assert_eq!(status, 400, "who may not refuse says why: {refused}");
    let (status, seen) = support::http(
        &server,
        "POST",
        "/api/convocation/answer",
        "",
        &json!({"code": anneke, "answer": "decline", "reason": ""}),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["status"], "declined");
    // The follow-up shows her history.
    let (ok, said) = cli(
        &database,
        &[
            "staff",
            "list",
            "--election",
            "E2030",
            "--municipality",
            "GM0599",
        ],
    );
    assert!(ok && said.contains("2 service(s), may refuse"), "{said}");

    // Subject access finds her history through her candidate row.
    let (ok, said) = cli(&database, &["person", "show", "Anneke Voorzitter"]);
    assert!(ok, "{said}");
    assert_eq!(
        said.lines()
            .filter(|l| l.starts_with("service_history GM0599:77/"))
            .count(),
        2,
        "{said}"
    );
    // Once this election is purged too, no row names her any more: her number still
    // finds her history.
    let (ok, said) = cli(
        &database,
        &[
            "purge",
            "--election",
            "E2030",
            "--force",
            "--reason",
            "test",
            "--yes",
        ],
    );
    assert!(ok, "{said}");
    let (ok, said) = cli(&database, &["person", "show", "GM0599:77"]);
    assert!(ok, "{said}");
    assert!(said.contains("service_history GM0599:77/E2018"), "{said}");
    // Forgotten on request: nothing of her history is left.
    let (ok, said) = cli(&database, &["staff", "forget", "--candidate", "GM0599:77"]);
    assert!(ok && said.contains("2 service(s) forgotten"), "{said}");
    let (_, said) = cli(&database, &["staff", "history", "--candidate", "GM0599:77"]);
    assert!(said.contains("0 service(s)"), "{said}");

    // In the Netherlands the same history gives no right to refuse without a reason.
    let mut conn = kiesdag::db::open(&database).unwrap();
    let service = shared::domain::convocation::Service {
        election_id: "E2018".into(),
        election_name: "x".into(),
        date: 0,
        role: shared::domain::StaffRole::Member,
        station_number: 1,
    };
    for (election, date) in [("E2018", 0), ("E2024", 400 * 86_400_000)] {
        let service = shared::domain::convocation::Service {
            election_id: election.into(),
            date,
            ..service.clone()
        };
        kiesdag::store::service_history::record(&mut conn, "GM0599:78", "GM0599", &service)
            .unwrap();
    }
    seed_election(&database, "TK2031", Jurisdiction::Netherlands, 0, 4);
    convoke(&database, &dir, "TK2031", people);
    let bert = invite_codes(&database, &dir, "TK2031")("Bert");
    let (_, seen) = support::http(
        &server,
        "POST",
        "/api/convocation",
        "",
        &json!({"code": bert}),
    )
    .await;
    assert_eq!(
        (seen["services"].as_u64(), seen["may_refuse"].as_bool()),
        (Some(2), Some(false))
    );
}

/// Who does not answer in the time allowed lapses: their link stops working and the
/// reserve is proposed in their place, after the command has said so first.
#[test]
fn a_silent_person_lapses_and_the_reserve_is_proposed_in_their_place() {
    let (database, dir) = fresh_database();
    support::seed(&database, &support::election_open_now(), 1);
    let said = convoke(
        &database,
        &dir,
        "E2E",
        "name,roles,experience,reserve\n\
         Anneke Voorzitter,voorzitter,5,nee\n\
         Dirk Lid,,2,nee\n\
         Els Lid,,1,nee\n\
         Fleur Lid,,0,nee\n\
         Jan Reserve,,3,ja\n",
    );
    assert!(
        said.contains("warning: 5 candidate(s) without an id"),
        "a file without person numbers is told it breaks the history: {said}"
    );
    let dirk = invite_codes(&database, &dir, "E2E")("Dirk");
    let substitute = |apply: bool| {
        let mut args = vec![
            "staff",
            "substitute",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--silent-days",
            "3",
        ];
        if apply {
            args.push("--apply");
        }
        cli(&database, &args)
    };
    // Invited just now: nobody is silent for three days yet.
    let (ok, said) = substitute(true);
    assert!(ok && said.contains("0 lapsed"), "{said}");
    // Four days later (the invitation moved back in time).
    let mut conn = kiesdag::db::open(&database).unwrap();
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE convocations SET updated_at = updated_at - 345600000"),
        &mut conn,
    )
    .unwrap();
    let list = || {
        cli(
            &database,
            &[
                "staff",
                "list",
                "--election",
                "E2E",
                "--municipality",
                "GM0599",
            ],
        )
        .1
    };
    let before = list();
    let (ok, said) = substitute(false);
    assert!(
        ok && said.contains("would lapse") && said.contains("proposed in their place"),
        "{said}"
    );
    assert_eq!(list(), before, "without --apply nothing changed");
    let (ok, said) = substitute(true);
    assert!(
        ok && said.contains("lapsed, 1 substitutes proposed"),
        "{said}"
    );
    let after = list();
    assert!(after.contains("Jan Reserve\tproposed"), "{after}");
    assert!(after.contains("Dirk Lid\tlapsed"), "{after}");
    // Dirk's link no longer works.
    let mut conn = kiesdag::db::open(&database).unwrap();
    assert!(
        kiesdag::features::convocation::answer::view(&mut conn, &dirk, kiesdag::db::now_ms())
            .is_err()
    );
}

/// Neither yes nor no: a person says when they are available instead, which holds
/// their place and shows in the follow-up; and the personal link points to the
/// training material the municipality set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_states_their_availability_and_finds_the_training_material() {
    use serde_json::json;
    let (database, dir) = fresh_database();
    support::seed(&database, &support::election_open_now(), 1);
    convoke(
        &database,
        &dir,
        "E2E",
        "name,roles,experience,reserve\n\
         Anneke Voorzitter,voorzitter,5,nee\n\
         Dirk Lid,,2,nee\n\
         Els Lid,,1,nee\n\
         Jan Reserve,,3,ja\n",
    );
    for url in ["javascript:alert(1)", "https://", "https://x.nl/a b"] {
        let (ok, said) = cli(
            &database,
            &[
                "staff",
                "training",
                "--election",
                "E2E",
                "--municipality",
                "GM0599",
                "--url",
                url,
            ],
        );
        assert!(!ok && said.contains("http(s) address"), "{url}: {said}");
    }
    let (ok, said) = cli(
        &database,
        &[
            "staff",
            "training",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--url",
            "https://www.example.nl/stembureau-instructie",
        ],
    );
    assert!(ok, "{said}");
    let dirk = invite_codes(&database, &dir, "E2E")("Dirk");
    let server = support::start_server(&database, dir.clone());
    let (status, seen) = support::http(
        &server,
        "POST",
        "/api/convocation",
        "",
        &json!({"code": dirk}),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(
        seen["training_url"],
        "https://www.example.nl/stembureau-instructie"
    );
    let answer = |body: serde_json::Value| {
        let server = &server;
        async move { support::http(server, "POST", "/api/convocation/answer", "", &body).await }
    };
    let (status, _) = answer(json!({"code": dirk, "answer": "availability", "note": " "})).await;
    assert_eq!(status, 400, "an empty availability says nothing");
    let (status, _) =
        answer(json!({"code": dirk, "answer": "availability", "note": "x".repeat(501)})).await;
    assert_eq!(status, 400);
    let (status, seen) = answer(
        json!({"code": dirk, "answer": "availability", "note": "Alleen de middag, vanaf 13:00"}),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["status"], "availability_stated");
    let (_, list) = cli(
        &database,
        &[
            "staff",
            "list",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
        ],
    );
    assert!(list.contains("Dirk Lid\tavailability_stated"), "{list}");
    assert!(
        !list.contains("Jan Reserve\tproposed"),
        "the place is still his until the administrator decides: {list}"
    );
    // Not silent: a later substitute run leaves him be.
    let mut conn = kiesdag::db::open(&database).unwrap();
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE convocations SET updated_at = updated_at - 2592000000"),
        &mut conn,
    )
    .unwrap();
    let (ok, said) = cli(
        &database,
        &[
            "staff",
            "substitute",
            "--election",
            "E2E",
            "--municipality",
            "GM0599",
            "--silent-days",
            "7",
            "--apply",
        ],
    );
    assert!(ok && !said.contains("Dirk"), "{said}");
    // He can still say yes.
    let (status, seen) = answer(json!({"code": dirk, "answer": "accept"})).await;
    assert_eq!((status, seen["status"].as_str()), (200, Some("confirmed")));
}

/// A substitute's service counts when the station had them present at some time of
/// the day (here they came at a shift change and left before closing), and not when
/// they were only kept in reserve.
#[test]
fn a_substitute_who_came_served_and_one_kept_in_reserve_did_not() {
    use shared::domain::{Jurisdiction, PresenceReport, Report, StaffMember, StaffRole};
    use shared::protocol::{EventPayload, Operation};
    let (database, dir) = fresh_database();
    seed_election(&database, "E1", Jurisdiction::Flanders, 2, 1);
    seed_election(&database, "E2", Jurisdiction::Flanders, 1, 2);
    let people = "id,name,roles,experience,reserve\n\
                  1,Anneke Voorzitter,voorzitter,0,nee\n\
                  2,Bert  Invaller,substitute,0,nee\n";
    let mut conn = kiesdag::db::open(&database).unwrap();
    for (election, station, came) in [("E1", "GM0599-1", true), ("E2", "GM0599-2", false)] {
        convoke(&database, &dir, election, people);
        for c in kiesdag::store::convocation::convocations(&mut conn, election).unwrap() {
            kiesdag::store::convocation::record_answer(
                &mut conn,
                election,
                &c.assignment.candidate_id,
                shared::domain::convocation::ConvocationStatus::Confirmed,
                None,
                None,
                kiesdag::db::now_ms(),
            )
            .unwrap();
            assert!(
                c.assignment.role != StaffRole::Substitute
                    || c.assignment.candidate_id == "GM0599:2",
                "{c:?}"
            );
        }
        if came {
            // Bert came at the shift change (his name spaced and cased otherwise).
            let op = Operation {
                id: uuid::Uuid::now_v7(),
                device_seq: 1,
                station_id: station.into(),
                recorded_at: shared::domain::Timestamp(kiesdag::db::now_ms()),
                report: Report::Presence(PresenceReport::ShiftChange {
                    leaving: vec![],
                    arriving: vec![StaffMember {
                        name: "bert invaller".into(),
                        role: StaffRole::Substitute,
                    }],
                }),
                confirmed_warnings: vec![],
            };
            kiesdag::store::events::insert(
                &mut conn,
                &[kiesdag::store::events::EventRecord {
                    election_id: election.into(),
                    seq: 1,
                    station_id: Some(station.into()),
                    kind: "presence".into(),
                    payload: serde_json::to_string(&EventPayload::Operation(op)).unwrap(),
                    recorded_at: kiesdag::db::now_ms(),
                    committed_at: kiesdag::db::now_ms(),
                }],
            )
            .unwrap();
        }
        let (ok, said) = cli(&database, &["election", "finish", "--election", election]);
        assert!(ok, "{said}");
    }
    let history = |person: &str| {
        kiesdag::store::service_history::of_person(
            &mut kiesdag::db::open(&database).unwrap(),
            person,
        )
        .unwrap()
        .into_iter()
        .map(|s| s.election_id)
        .collect::<Vec<_>>()
    };
    assert_eq!(history("GM0599:1"), ["E1", "E2"]);
    assert_eq!(
        history("GM0599:2"),
        ["E1"],
        "kept in reserve in E2: no service"
    );
}
