//! The `kiesdag` command line on real data: the Dutch open-data file of 1,799 polling
//! stations, a file with bad rows, activation codes, users, and the audit chain.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn kiesdag(database: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiesdag"))
        .args(["--db", database])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn fresh() -> (String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("kiesdag-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    (dir.join("k.db").to_string_lossy().into_owned(), dir)
}

const SODS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/nl_stembureaus_SODS1.7_GR2026_wims_snapshot_20260121.csv"
);

#[test]
fn imports_every_real_station_and_refuses_a_file_with_bad_rows_whole() {
    let (db, dir) = fresh();
    let init = kiesdag(
        &db,
        &[
            "election",
            "init",
            "--id",
            "GR2026",
            "--name",
            "Gemeenteraad 2026",
            "--date",
            "2026-03-18",
            "--lists",
            "A;B",
        ],
        None,
    );
    assert!(init.status.success(), "{}", text(&init));

    // A copy of the real file with two broken rows: named by line, nothing imported.
    let real = std::fs::read_to_string(SODS).unwrap();
    let mut lines: Vec<&str> = real.lines().collect();
    // The fourth column is the station number (the first four hold no quoted commas).
    let broken_number = {
        let mut fields: Vec<&str> = lines[5].splitn(5, ',').collect();
        fields[3] = "een";
        fields.join(",")
    };
    let broken_code = lines[9].replace("GM", "XX");
    lines[5] = &broken_number;
    lines[9] = &broken_code;
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let refused = kiesdag(
        &db,
        &[
            "import",
            "stations",
            bad.to_str().unwrap(),
            "--election",
            "GR2026",
        ],
        None,
    );
    assert!(!refused.status.success());
    let out = text(&refused);
    assert!(
        out.contains("bad.csv:6:") && out.contains("bad.csv:10:"),
        "{out}"
    );
    assert!(out.contains("nothing was imported"), "{out}");
    let codes = kiesdag(&db, &["codes", "issue", "--municipality", "GM0599"], None);
    assert!(
        !codes.status.success(),
        "no stations were imported: {}",
        text(&codes)
    );

    // The real file: all 1,799 rows taken.
    let imported = kiesdag(
        &db,
        &["import", "stations", SODS, "--election", "GR2026"],
        None,
    );
    assert!(imported.status.success(), "{}", text(&imported));
    let out = text(&imported);
    assert!(out.contains("imported 1788 stations of 70 municipalities from 1799 rows (11 rows were further stops of mobile stations, 0 rows skipped)"), "{out}");

    // Codes for Rotterdam's 362 stations, with a printable sheet.
    let sheet = dir.join("codes.html");
    let issued = kiesdag(
        &db,
        &[
            "codes",
            "issue",
            "--municipality",
            "GM0599",
            "--sheet",
            sheet.to_str().unwrap(),
        ],
        None,
    );
    assert!(issued.status.success());
    assert_eq!(String::from_utf8_lossy(&issued.stdout).lines().count(), 362);
    assert_eq!(
        std::fs::read_to_string(&sheet)
            .unwrap()
            .matches("class=\"card\"")
            .count(),
        362
    );

    // Users: a short password and an unbound coordinator are refused.
    assert!(
        !kiesdag(
            &db,
            &[
                "user",
                "create",
                "--username",
                "c",
                "--role",
                "coordinator",
                "--municipality",
                "GM0599"
            ],
            Some("short")
        )
        .status
        .success()
    );
    assert!(
        !kiesdag(
            &db,
            &["user", "create", "--username", "c", "--role", "coordinator"],
            Some("long enough password")
        )
        .status
        .success()
    );
    let created = kiesdag(
        &db,
        &[
            "user",
            "create",
            "--username",
            "c",
            "--role",
            "coordinator",
            "--municipality",
            "GM0599",
        ],
        Some("long enough password\n"),
    );
    assert!(created.status.success(), "{}", text(&created));
    let again = kiesdag(
        &db,
        &[
            "user",
            "create",
            "--username",
            "c",
            "--role",
            "viewer",
            "--municipality",
            "GM0599",
        ],
        Some("long enough password"),
    );
    assert!(text(&again).contains("already exists"));

    // The audit chain holds, and a tampered row is found by its number.
    let verified = kiesdag(&db, &["audit", "verify"], None);
    assert!(verified.status.success(), "{}", text(&verified));
    assert!(
        text(&verified).contains("audit log intact: 4 entries"),
        "{}",
        text(&verified)
    );
    let mut conn = kiesdag::db::connect(&db).unwrap();
    use diesel::prelude::*;
    diesel::update(kiesdag::db::schema::audit_log::table.find(2))
        .set(kiesdag::db::schema::audit_log::actor.eq("someone else"))
        .execute(&mut conn)
        .unwrap();
    let tampered = kiesdag(&db, &["audit", "verify"], None);
    assert!(!tampered.status.success());
    assert!(
        text(&tampered).contains("audit log broken at entry 2"),
        "{}",
        text(&tampered)
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A Flemish municipality's stations (numbers and subareas from the names), then
/// their districts and planned staff; a file with a bad row changes nothing.
#[test]
fn imports_a_flemish_list_then_districts_and_staff() {
    let (db, dir) = fresh();
    let init = kiesdag(
        &db,
        &[
            "election",
            "init",
            "--id",
            "GR2024",
            "--name",
            "Gemeenteraad 2024",
            "--date",
            "2024-10-13",
            "--jurisdiction",
            "be",
            "--opens",
            "08:00",
            "--closes",
            "14:00",
            "--lists",
            "A;B",
        ],
        None,
    );
    assert!(init.status.success(), "{}", text(&init));
    let stations = dir.join("stations.csv");
    std::fs::write(
        &stations,
        "NIS-code;Gemeente;Stembureau;Locatie;Adres;Postcode;Kiezers\n\
         44021;Gent;GENT-001-Binnenstad;Stadhuis;Botermarkt 1;9000;812\n\
         44021;Gent;GENT-002-Binnenstad;School;Kouter 2;9000;640\n\
         46021;Sint-Niklaas;SINT-NIKLAAS-004-Tereken;School;Kasteelstraat 2;9100;1204\n",
    )
    .unwrap();
    let imported = kiesdag(
        &db,
        &[
            "import",
            "stations",
            stations.to_str().unwrap(),
            "--election",
            "GR2024",
            "--format",
            "flemish",
        ],
        None,
    );
    assert!(imported.status.success(), "{}", text(&imported));
    assert!(
        text(&imported).contains("imported 3 stations of 2 municipalities"),
        "{}",
        text(&imported)
    );

    let districts = dir.join("districts.csv");
    std::fs::write(
        &districts,
        "station,district\n44021-001,Centrum\n44021-002,Centrum\n46021-004,Tereken\n",
    )
    .unwrap();
    let staff = dir.join("staff.csv");
    // One bad row (an unknown station): named by line, and nothing is written.
    std::fs::write(
        &staff,
        "station;name;role\n44021-001;An Peeters;voorzitter\n44021-001;Jan Claes;bijzitter\n44021-009;Els;lid\n",
    )
    .unwrap();
    let refused = kiesdag(
        &db,
        &[
            "import",
            "staff",
            staff.to_str().unwrap(),
            "--election",
            "GR2024",
        ],
        None,
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("staff.csv:4: no station \"44021-009\""),
        "{}",
        text(&refused)
    );
    for (kind, file) in [("districts", &districts), ("staff", &staff)] {
        let mut args = vec![
            "import",
            kind,
            file.to_str().unwrap(),
            "--election",
            "GR2024",
        ];
        if kind == "staff" {
            args.push("--skip-bad-rows");
        }
        let out = kiesdag(&db, &args, None);
        assert!(out.status.success(), "{}", text(&out));
    }

    // A corrected station file, imported again, keeps what was assigned since.
    let again = kiesdag(
        &db,
        &[
            "import",
            "stations",
            stations.to_str().unwrap(),
            "--election",
            "GR2024",
            "--format",
            "flemish",
        ],
        None,
    );
    assert!(again.status.success(), "{}", text(&again));

    let mut conn = kiesdag::db::open(&db).unwrap();
    let stored = kiesdag::store::stations::of_election(&mut conn, "GR2024").unwrap();
    let gent = &stored
        .iter()
        .find(|r| r.station.id == "44021-001")
        .unwrap()
        .station;
    assert_eq!(gent.subarea.as_deref(), Some("Binnenstad"));
    assert_eq!(gent.expected_voters, Some(812));
    assert_eq!(gent.district.as_deref(), Some("Centrum"));
    assert_eq!(
        gent.planned_staff
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["An Peeters", "Jan Claes"]
    );
    let tereken = &stored
        .iter()
        .find(|r| r.station.id == "46021-004")
        .unwrap()
        .station;
    assert_eq!(tereken.number, 4);
    assert_eq!(tereken.district.as_deref(), Some("Tereken"));
    assert!(tereken.planned_staff.is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

/// The alert rules of an election: the defaults, one changed (and audited), the rest
/// kept; a zero or an unknown election refused without a change.
#[test]
fn alert_rules_are_set_per_election_and_audited() {
    let (db, dir) = fresh();
    let init = kiesdag(
        &db,
        &[
            "election",
            "init",
            "--id",
            "E",
            "--name",
            "E",
            "--date",
            "2026-03-18",
        ],
        None,
    );
    assert!(init.status.success(), "{}", text(&init));
    let shown = kiesdag(&db, &["election", "alerts", "--election", "E"], None);
    assert!(
        text(&shown).contains(
            "overdue 10 min after a moment, a device silent after 45 min, a result missing 180 min"
        ),
        "{}",
        text(&shown)
    );
    let set = kiesdag(
        &db,
        &[
            "election",
            "alerts",
            "--election",
            "E",
            "--silent-after-minutes",
            "20",
        ],
        None,
    );
    assert!(set.status.success(), "{}", text(&set));
    assert!(
        text(&set).contains(
            "overdue 10 min after a moment, a device silent after 20 min, a result missing 180 min"
        ),
        "{}",
        text(&set)
    );
    let zero = kiesdag(
        &db,
        &[
            "election",
            "alerts",
            "--election",
            "E",
            "--silent-after-minutes",
            "0",
        ],
        None,
    );
    assert!(!zero.status.success());
    let unknown = kiesdag(
        &db,
        &[
            "election",
            "alerts",
            "--election",
            "X",
            "--silent-after-minutes",
            "5",
        ],
        None,
    );
    assert!(!unknown.status.success());
    let mut conn = kiesdag::db::open(&db).unwrap();
    assert_eq!(
        kiesdag::store::elections::alert_rules(&mut conn, "E")
            .unwrap()
            .silent_after_ms,
        20 * 60_000
    );
    let verified = kiesdag(&db, &["audit", "verify"], None);
    assert!(verified.status.success(), "{}", text(&verified));
    let _ = std::fs::remove_dir_all(dir);
}

/// The strength list: voters per station imported (a bad row refused with its line),
/// checked against the municipality's maximum and for stations without voters, and
/// exported as CSV and PDF.
#[test]
fn the_strength_list_is_imported_checked_and_exported() {
    let (db, dir) = fresh();
    let run = |args: &[&str]| {
        let out = kiesdag(&db, args, None);
        (out.status.success(), text(&out))
    };
    let (ok, said) = run(&[
        "election",
        "init",
        "--id",
        "GR2024",
        "--name",
        "Gemeenteraad 2024",
        "--date",
        "2024-10-13",
        "--jurisdiction",
        "be",
    ]);
    assert!(ok, "{said}");
    let stations = dir.join("stations.csv");
    std::fs::write(
        &stations,
        "NIS-code;Gemeente;Stembureau;Locatie;Adres;Postcode;Kiezers\n\
         44021;Gent;GENT-001-Binnenstad;Stadhuis;Botermarkt 1;9000;1\n\
         44021;Gent;GENT-002-Binnenstad;School;Kouter 2;9000;1\n\
         44021;Gent;GENT-003-Binnenstad;Bib;Kouter 3;9000;1\n",
    )
    .unwrap();
    let (ok, said) = run(&[
        "import",
        "stations",
        stations.to_str().unwrap(),
        "--election",
        "GR2024",
        "--format",
        "flemish",
    ]);
    assert!(ok, "{said}");

    let list = dir.join("sterktelijst.csv");
    std::fs::write(&list, "station;voters\n44021-001;812\n44021-002;veel\n").unwrap();
    let (ok, said) = run(&[
        "import",
        "strength",
        list.to_str().unwrap(),
        "--election",
        "GR2024",
    ]);
    assert!(
        !ok && said.contains(":3:") && said.contains("veel"),
        "{said}"
    );
    std::fs::write(
        &list,
        "station;voters\n44021-001;812\n44021-002;1.640\n44021-003;0\n",
    )
    .unwrap();
    let (ok, said) = run(&[
        "import",
        "strength",
        list.to_str().unwrap(),
        "--election",
        "GR2024",
    ]);
    assert!(ok, "{said}");
    assert!(said.contains("3 stations, 2452 voters"), "{said}");
    assert!(said.contains("44021-003: no voters assigned"), "{said}");

    let (ok, said) = run(&[
        "strength",
        "check",
        "--election",
        "GR2024",
        "--municipality",
        "44021",
        "--max",
        "1500",
    ]);
    assert!(!ok, "a failed check fails: {said}");
    assert!(
        said.contains("44021-002: 1640 voters, more than the maximum"),
        "{said}"
    );
    assert!(said.contains("at most 1500 per station"), "{said}");
    // The maximum is kept for the next check.
    let (_, said) = run(&[
        "strength",
        "check",
        "--election",
        "GR2024",
        "--municipality",
        "44021",
    ]);
    assert!(said.contains("at most 1500 per station"), "{said}");

    let csv = dir.join("sterktelijst-export.csv");
    let (ok, said) = run(&[
        "strength",
        "export",
        "--election",
        "GR2024",
        "--municipality",
        "44021",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(ok, "{said}");
    let exported = std::fs::read_to_string(&csv).unwrap();
    assert!(
        exported.starts_with("nummer;stembureau;adres;kiezers"),
        "{exported}"
    );
    assert!(exported.contains(";1640\n"), "{exported}");
    let pdf = dir.join("sterktelijst.pdf");
    let (ok, said) = run(&[
        "strength",
        "export",
        "--election",
        "GR2024",
        "--municipality",
        "44021",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(ok, "{said}");
    let printed = String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).into_owned();
    assert!(printed.contains("3 stembureaus, 2452 kiezers"), "{printed}");
    let (ok, said) = run(&[
        "strength",
        "export",
        "--election",
        "GR2024",
        "--municipality",
        "44021",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(
        !ok && said.contains("new file"),
        "never overwritten: {said}"
    );
}
