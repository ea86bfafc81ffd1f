//! `kiesdag import candidates` and `kiesdag staff`: convocation of station staff.

use shared::domain::convocation::{Assignment, StaffingNeed, Suggestion};

use super::{StaffCommand, open};
use crate::db;
use crate::features::convocation::{self, Overview, import};
use crate::features::preparation::Preparer;
use crate::features::stations::import::parse_role;
use crate::store;

pub(crate) fn import_candidates(
    url: &str,
    file: &str,
    election_id: &str,
    municipality: &str,
    skip_bad_rows: bool,
) -> Result<(), String> {
    let mut db = open(url)?;
    store::elections::get(&mut db, election_id).map_err(|e| e.to_string())?;
    let input = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let parsed = import::parse_candidates(&input).map_err(|e| e.to_string())?;
    for problem in &parsed.problems {
        eprintln!("{file}:{}: {}", problem.line, problem.reason);
    }
    if !parsed.problems.is_empty() && !skip_bad_rows {
        return Err(format!(
            "{} of {} rows cannot be taken (listed above); nothing was imported. Fix them, or run with --skip-bad-rows",
            parsed.problems.len(),
            parsed.rows
        ));
    }
    let without_id = parsed.candidates.iter().filter(|c| c.id.is_empty()).count();
    let imported = db::write_transaction(&mut db, |db| {
        convocation::import_candidates(
            db,
            &Preparer::command_line(),
            election_id,
            municipality,
            parsed.candidates,
            db::now_ms(),
        )
    })
    .map_err(|e| e.to_string())?;
    println!(
        "{} candidates added, {} updated for {municipality}",
        imported.added, imported.updated
    );
    if without_id > 0 {
        // Without the municipality's own person number the service history cannot
        // follow someone to the next election (the Flemish third-service rule).
        eprintln!(
            "warning: {without_id} candidate(s) without an id: their service history will not be \
             recognised at a later election; give the municipality's person number in an `id` column"
        );
    }
    Ok(())
}

fn role_name(role: shared::domain::StaffRole) -> String {
    store::to_json(&role).trim_matches('"').to_owned()
}

fn print_suggestion(suggestion: &Suggestion) {
    for a in &suggestion.assignments {
        println!(
            "{}\t{}\t{}",
            a.station_id,
            role_name(a.role),
            a.candidate_id
        );
    }
    for g in &suggestion.gaps {
        println!(
            "gap\t{}\t{} {} missing",
            g.station_id,
            g.missing,
            role_name(g.role)
        );
    }
}

fn print_overview(overview: &Overview, csv: bool) -> Result<(), String> {
    if csv {
        let mut out = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(std::io::stdout());
        out.write_record([
            "station",
            "nummer",
            "rol",
            "naam",
            "kandidaat",
            "status",
            "diensten",
        ])
        .map_err(|e| e.to_string())?;
        for station in &overview.stations {
            for p in &station.people {
                out.write_record([
                    station.station_id.as_str(),
                    &station.number.to_string(),
                    &role_name(p.role),
                    &p.name,
                    &p.candidate_id,
                    p.status.as_str(),
                    &p.services.to_string(),
                ])
                .map_err(|e| e.to_string())?;
            }
            for g in &station.gaps {
                out.write_record([
                    station.station_id.as_str(),
                    &station.number.to_string(),
                    &role_name(g.role),
                    "",
                    "",
                    &format!("ontbreekt: {}", g.missing),
                    "",
                ])
                .map_err(|e| e.to_string())?;
            }
        }
        return out.flush().map_err(|e| e.to_string());
    }
    for station in &overview.stations {
        let gaps: Vec<String> = station
            .gaps
            .iter()
            .map(|g| format!("{} {}", g.missing, role_name(g.role)))
            .collect();
        println!(
            "{} ({} people){}",
            station.station_id,
            station.people.len(),
            if gaps.is_empty() {
                String::new()
            } else {
                format!(", missing {}", gaps.join(", "))
            }
        );
        for p in &station.people {
            println!(
                "  {}\t{}\t{}\t{} service(s){}",
                role_name(p.role),
                p.name,
                p.status.as_str(),
                p.services,
                if p.may_refuse { ", may refuse" } else { "" }
            );
        }
    }
    println!(
        "{} candidates assigned nowhere ({} in reserve)",
        overview.unassigned, overview.reserve
    );
    Ok(())
}

pub(crate) fn staff(url: &str, command: StaffCommand) -> Result<(), String> {
    let mut db = open(url)?;
    let by = Preparer::command_line();
    match command {
        StaffCommand::Need {
            election,
            chairs,
            secretaries,
            members,
            substitutes,
            max_per_station,
        } => {
            let record = store::elections::get(&mut db, &election).map_err(|e| e.to_string())?;
            let mut need: StaffingNeed =
                store::elections::staffing_need(&mut db, &record).map_err(|e| e.to_string())?;
            let given = [chairs, secretaries, members, substitutes, max_per_station];
            need.chairs = chairs.unwrap_or(need.chairs);
            need.secretaries = secretaries.unwrap_or(need.secretaries);
            need.members = members.unwrap_or(need.members);
            need.substitutes = substitutes.unwrap_or(need.substitutes);
            need.max_per_station = max_per_station.unwrap_or(need.max_per_station);
            if given.iter().any(Option::is_some) {
                db::write_transaction(&mut db, |db| {
                    convocation::set_need(db, &by, &election, &need)
                })
                .map_err(|e| e.to_string())?;
            }
            println!(
                "{election}: per station {} chair, {} secretary, {} members, {} substitutes; at most {} people",
                need.chairs, need.secretaries, need.members, need.substitutes, need.max_per_station
            );
            Ok(())
        }
        StaffCommand::Suggest {
            election,
            municipality,
            apply,
        } => {
            let suggestion = db::write_transaction(&mut db, |db| {
                let suggestion = convocation::suggest(db, &election, &municipality)?;
                if apply {
                    convocation::apply(
                        db,
                        &by,
                        &election,
                        &municipality,
                        &suggestion,
                        db::now_ms(),
                    )?;
                }
                Ok::<_, convocation::ConvocationError>(suggestion)
            })
            .map_err(|e| e.to_string())?;
            print_suggestion(&suggestion);
            println!(
                "{} assignments {}; {} places still open",
                suggestion.assignments.len(),
                if apply {
                    "recorded as proposed"
                } else {
                    "suggested (not recorded; --apply records them)"
                },
                suggestion.gaps.iter().map(|g| g.missing).sum::<u32>()
            );
            Ok(())
        }
        StaffCommand::Assign {
            election,
            candidate,
            station,
            role,
        } => {
            let role = parse_role(&role).ok_or_else(|| {
                format!("role {role:?} is not chair, member, secretary, counter or substitute")
            })?;
            let assignment = Assignment {
                candidate_id: candidate,
                station_id: station,
                role,
            };
            db::write_transaction(&mut db, |db| {
                convocation::assign(db, &by, &election, &assignment, db::now_ms())
            })
            .map_err(|e| e.to_string())?;
            println!(
                "{} assigned to {} as {}",
                assignment.candidate_id,
                assignment.station_id,
                role_name(assignment.role)
            );
            Ok(())
        }
        StaffCommand::Invite {
            election,
            municipality,
            valid_days,
            app_url,
            out,
            again,
            silent_days,
            send,
            smtp_url,
            from,
            letters,
        } => {
            let mail = match (send, smtp_url, from) {
                (true, Some(url), Some(from)) => Some((url, from)),
                (true, _, _) => {
                    return Err("--send needs --smtp-url (or KIESDAG_SMTP_URL) and --from".into());
                }
                (false, _, _) => None,
            };
            let invite = Invite {
                election,
                municipality,
                valid_days,
                again: again.then_some(silent_days),
                app_url,
                out,
                letters,
            };
            invite.run(&mut db, &by, mail.as_ref())
        }
        StaffCommand::Unassign {
            election,
            candidate,
        } => {
            let had = db::write_transaction(&mut db, |db| {
                convocation::unassign(db, &by, &election, &candidate)
            })
            .map_err(|e| e.to_string())?;
            if had {
                println!("{candidate} is no longer assigned");
                Ok(())
            } else {
                Err(format!("{candidate} was not assigned"))
            }
        }
        StaffCommand::Training {
            election,
            municipality,
            url,
        } => {
            db::write_transaction(&mut db, |db| {
                convocation::set_training_url(db, &by, &election, &municipality, &url)
            })
            .map_err(|e| e.to_string())?;
            println!("the training material is at {}", url.trim());
            Ok(())
        }
        StaffCommand::Substitute {
            election,
            municipality,
            silent_days,
            apply,
        } => substitute(&mut db, &by, &election, &municipality, silent_days, apply),
        StaffCommand::History { candidate } => {
            let history = store::service_history::of_person(&mut db, &candidate)
                .map_err(|e| e.to_string())?;
            for s in &history {
                let date = chrono::DateTime::from_timestamp_millis(s.date)
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                println!(
                    "{date} {} ({}): {} at station {}",
                    s.election_name,
                    s.election_id,
                    role_name(s.role),
                    s.station_number
                );
            }
            println!("{} service(s)", history.len());
            Ok(())
        }
        StaffCommand::Forget { candidate } => {
            let forgotten = db::write_transaction(&mut db, |db| {
                convocation::history::forget(db, &by, &candidate)
            })
            .map_err(|e| e.to_string())?;
            println!("{forgotten} service(s) forgotten");
            Ok(())
        }
        StaffCommand::HistoryPrune { years } => {
            let before = chrono::Utc::now()
                .checked_sub_months(chrono::Months::new(years.saturating_mul(12)))
                .map_or(0, |t| t.timestamp_millis());
            let pruned =
                db::write_transaction(&mut db, |db| convocation::history::prune(db, &by, before))
                    .map_err(|e| e.to_string())?;
            println!("{pruned} service(s) of elections more than {years} years ago forgotten");
            Ok(())
        }
        StaffCommand::List {
            election,
            municipality,
            csv,
        } => {
            let overview = convocation::overview(&mut db, &election, &municipality)
                .map_err(|e| e.to_string())?;
            print_overview(&overview, csv)
        }
    }
}

/// `staff substitute`: what it would do, always; with `apply`, done.
fn substitute(
    db: &mut db::Db,
    by: &Preparer,
    election: &str,
    municipality: &str,
    silent_days: u32,
    apply: bool,
) -> Result<(), String> {
    enum Outcome {
        Done(Vec<convocation::answer::Lapse>),
        Would(Vec<convocation::answer::Lapse>),
        Failed(convocation::ConvocationError),
    }
    impl From<diesel::result::Error> for Outcome {
        fn from(e: diesel::result::Error) -> Self {
            Self::Failed(e.into())
        }
    }
    let now = db::now_ms();
    // Without --apply the same work, rolled back: what is shown is what would happen.
    let outcome = match db::write_transaction(db, |db| {
        match convocation::answer::lapse_silent(db, by, election, municipality, silent_days, now) {
            Ok(lapses) if apply => Ok(lapses),
            Ok(lapses) => Err(Outcome::Would(lapses)),
            Err(e) => Err(Outcome::Failed(e)),
        }
    }) {
        Ok(lapses) => Outcome::Done(lapses),
        Err(other) => other,
    };
    let (lapses, done) = match outcome {
        Outcome::Done(l) => (l, true),
        Outcome::Would(l) => (l, false),
        Outcome::Failed(e) => return Err(e.to_string()),
    };
    for l in &lapses {
        println!(
            "{} at {} ({}): no answer for {silent_days} days; {}",
            l.candidate_id,
            l.station_id,
            role_name(l.role),
            l.substitute.as_deref().map_or_else(
                || "nobody in the reserve to propose".to_owned(),
                |s| format!("{s} proposed in their place")
            )
        );
    }
    let proposed = lapses.iter().filter(|l| l.substitute.is_some()).count();
    if done {
        println!(
            "{} lapsed, {proposed} substitutes proposed (invite them with `kiesdag staff invite`)",
            lapses.len()
        );
    } else {
        println!(
            "{} would lapse and {proposed} substitutes would be proposed; nothing changed (--apply does it)",
            lapses.len()
        );
    }
    Ok(())
}

/// `staff invite`: the codes, the invitations file, the e-mails and the letters.
struct Invite {
    election: String,
    municipality: String,
    valid_days: u32,
    again: Option<u32>,
    app_url: String,
    out: std::path::PathBuf,
    letters: Option<std::path::PathBuf>,
}

/// The invitations file: one row per person, with what became of their e-mail.
fn write_invitations(
    path: &std::path::Path,
    linked: &[(convocation::answer::Invitation, String)],
    said: &[String],
) -> Result<(), String> {
    let mut file = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.write_record([
        "naam",
        "e-mail",
        "telefoon",
        "station",
        "rol",
        "code",
        "link",
        "e-mail verstuurd",
    ])
    .map_err(|e| e.to_string())?;
    for (n, (i, link)) in linked.iter().enumerate() {
        file.write_record([
            i.name.as_str(),
            i.email.as_deref().unwrap_or(""),
            i.phone.as_deref().unwrap_or(""),
            &i.station_id,
            &role_name(i.role),
            &i.code,
            link,
            said.get(n).map_or("nee", String::as_str),
        ])
        .map_err(|e| e.to_string())?;
    }
    file.flush().map_err(|e| e.to_string())
}

impl Invite {
    fn run(
        self,
        db: &mut db::Db,
        by: &Preparer,
        mail: Option<&(String, String)>,
    ) -> Result<(), String> {
        if let Some(path) = &self.letters
            && path.exists()
        {
            return Err(format!("{} exists; give a new file", path.display()));
        }
        // The file first: codes are shown only once, so none is made without a place
        // to write it.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&self.out)
            .map_err(|e| {
                format!(
                    "cannot write {} (it must be a new file): {e}",
                    self.out.display()
                )
            })?;
        let invitations = db::write_transaction(db, |db| {
            convocation::answer::invite(
                db,
                by,
                &self.election,
                &self.municipality,
                self.valid_days,
                self.again,
                db::now_ms(),
            )
        })
        .map_err(|e| e.to_string())?;
        let base = self.app_url.trim_end_matches('/');
        let linked: Vec<(convocation::answer::Invitation, String)> = invitations
            .into_iter()
            .map(|i| {
                let link = format!("{base}/antwoord#code={}", i.code);
                (i, link)
            })
            .collect();
        // Every code is on disk before the first e-mail goes: a relay that hangs, or
        // a stop halfway, loses none.
        let pending = vec![
            if mail.is_some() {
                "nog niet verstuurd".to_owned()
            } else {
                "nee".to_owned()
            };
            linked.len()
        ];
        write_invitations(&self.out, &linked, &pending)?;
        println!(
            "{} invited; their personal links (valid {} days) are in {}",
            linked.len(),
            self.valid_days,
            self.out.display()
        );

        let outcomes = match mail {
            Some((url, from)) => {
                println!(
                    "sending {} e-mails through the relay…",
                    linked.iter().filter(|(i, _)| i.email.is_some()).count()
                );
                match convocation::mail::send_all(url, from, &linked) {
                    Ok(outcomes) => outcomes,
                    Err(e) => {
                        eprintln!("no e-mail was sent: {e}");
                        vec![convocation::mail::Outcome::Failed(e.to_string()); linked.len()]
                    }
                }
            }
            None => Vec::new(),
        };
        let (mut sent, mut no_address, mut failed) = (0, 0, 0);
        let mut on_paper = Vec::new();
        let mut said = Vec::with_capacity(linked.len());
        for (n, invitation) in linked.iter().enumerate() {
            said.push(match outcomes.get(n) {
                Some(convocation::mail::Outcome::Sent) => {
                    sent += 1;
                    "ja".to_owned()
                }
                Some(convocation::mail::Outcome::NoAddress) => {
                    no_address += 1;
                    on_paper.push(invitation);
                    "nee: geen adres, stuur een brief".to_owned()
                }
                Some(convocation::mail::Outcome::Failed(e)) => {
                    failed += 1;
                    on_paper.push(invitation);
                    format!("mislukt: {e}")
                }
                None => {
                    on_paper.push(invitation);
                    "nee".to_owned()
                }
            });
        }
        if mail.is_some() {
            write_invitations(&self.out, &linked, &said)?;
            db::write_transaction(db, |db| {
                by.audit(
                    db,
                    "convocation.mail",
                    &self.municipality,
                    &serde_json::json!({ "sent": sent, "no_address": no_address, "failed": failed }),
                )
            })
            .map_err(|e| e.to_string())?;
            println!(
                "e-mail: {sent} sent, {no_address} without an address (send a letter), {failed} failed (listed in the file)"
            );
        }
        if let Some(path) = self.letters {
            if on_paper.is_empty() {
                println!("no letters needed: everyone was reached by e-mail");
            } else {
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .and_then(|mut f| {
                        std::io::Write::write_all(&mut f, &convocation::letters::letters(&on_paper))
                    })
                    .map_err(|e| {
                        format!(
                            "cannot write {} (it must be a new file): {e}",
                            path.display()
                        )
                    })?;
                println!("{} letters to print in {}", on_paper.len(), path.display());
            }
        }
        Ok(())
    }
}
