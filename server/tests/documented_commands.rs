//! Every `kiesdag` command that the runbook (docs/operations.md) and the README give
//! exists as written: a command line in a shell block parses as the binary would parse
//! it (its subcommand, every flag, required ones present, values of the right form),
//! and a command named in the text has that subcommand and those flags. An operator
//! who copies a line on the evening before gets the command, not a usage error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::{CommandFactory, Parser};
use kiesdag::cli::Cli;

const DOCUMENTS: [(&str, &str); 3] = [
    (
        "docs/operations.md",
        include_str!("../../docs/operations.md"),
    ),
    ("README.md", include_str!("../../README.md")),
    ("docs/privacy.md", include_str!("../../docs/privacy.md")),
];

/// What the server prints, quoted in the text: not commands.
const LOG_LINES: [&str; 2] = ["kiesdag listening on", "kiesdag public pages on"];

/// The lines of the document's `sh` blocks: continued lines joined and comments
/// dropped, with the line number where each starts (`command_words` picks out the
/// `kiesdag` command of a line, if it has one).
fn shell_commands(text: &str) -> Vec<(usize, String)> {
    let mut commands = Vec::new();
    let mut in_shell = false;
    let mut pending: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_shell = matches!(trimmed, "```sh" | "```bash" | "```shell");
            pending = None;
            continue;
        }
        if !in_shell {
            continue;
        }
        let code = strip_comment(line);
        let (start, mut joined) = pending.take().unwrap_or((index + 1, String::new()));
        let continued = code.trim_end().ends_with('\\');
        joined.push(' ');
        joined.push_str(code.trim_end().trim_end_matches('\\'));
        if continued {
            pending = Some((start, joined));
        } else if !joined.trim().is_empty() {
            commands.push((start, joined.trim().to_owned()));
        }
    }
    commands
}

/// A line without its `#` comment (a `#` at the start or after a space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return &line[..at],
            _ => {}
        }
        previous = c;
    }
    line
}

fn is_setting(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
    })
}

/// The `kiesdag …` code spans of the text (a span may run over a line break), with
/// the line number where each starts.
fn named_commands(text: &str) -> Vec<(usize, String)> {
    let mut named = Vec::new();
    let mut in_block = false;
    let mut line_number = 0;
    let mut paragraph = String::new();
    let mut paragraph_start = 0;
    let flush = |paragraph: &mut String, start: usize, named: &mut Vec<(usize, String)>| {
        for (i, span) in paragraph.split('`').enumerate() {
            let span = span.split_whitespace().collect::<Vec<_>>().join(" ");
            if i % 2 == 1 && span.starts_with("kiesdag ") {
                let offset = paragraph
                    .split('`')
                    .take(i)
                    .map(|s| s.matches('\n').count())
                    .sum::<usize>();
                named.push((start + offset, span));
            }
        }
        paragraph.clear();
    };
    for line in text.lines() {
        line_number += 1;
        if line.trim().starts_with("```") {
            in_block = !in_block;
            flush(&mut paragraph, paragraph_start, &mut named);
            continue;
        }
        if in_block {
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut paragraph, paragraph_start, &mut named);
            continue;
        }
        if paragraph.is_empty() {
            paragraph_start = line_number;
        }
        paragraph.push_str(line);
        paragraph.push('\n');
    }
    flush(&mut paragraph, paragraph_start, &mut named);
    named
}

/// The words the shell gives `kiesdag` on this line: without a documented optional
/// part (`[--flag …]`), with a value where `...`/`…` (or a number where `N`) stands
/// for what the reader fills in, from the part of a pipe or list (`|`, `&&`, `;`) that runs `kiesdag`, after its
/// `NAME=value` settings and before any redirection. `None` when the line runs no
/// `kiesdag`; an error when the shell could not split it.
fn command_words(command: &str) -> Result<Option<Vec<String>>, String> {
    let mut without_optional = String::new();
    let mut depth = 0;
    for c in command.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => without_optional.push(c),
            _ => {}
        }
    }
    let words = shlex::split(&without_optional)
        .ok_or_else(|| "the shell cannot split it (a quote left open)".to_owned())?;
    for part in words.split(|w| matches!(w.as_str(), "|" | "||" | "&&" | ";")) {
        let part: Vec<String> = part
            .iter()
            .skip_while(|w| is_setting(w))
            .take_while(|w| !w.starts_with('>') && !w.starts_with("2>") && !w.starts_with('<'))
            .map(|w| match w.as_str() {
                "..." | "…" => "VALUE".into(),
                // A number the reader fills in.
                "N" => "1".into(),
                _ if w.ends_with("/kiesdag") => "kiesdag".into(),
                _ => w.clone(),
            })
            .collect();
        if part.first().is_some_and(|w| w == "kiesdag") {
            return Ok(Some(part));
        }
    }
    Ok(None)
}

/// Whether each subcommand and flag of a named (perhaps partial) command exists.
fn check_named(words: &[String]) -> Result<(), String> {
    let root = Cli::command();
    let mut command = &root;
    let mut rest = words.iter().skip(1).peekable();
    let mut at_subcommand = true;
    while let Some(word) = rest.next() {
        if let Some(flag) = word.strip_prefix("--") {
            let (name, inline_value) = match flag.split_once('=') {
                Some((name, _)) => (name, true),
                None => (flag, false),
            };
            let argument = command
                .get_arguments()
                .chain(root.get_arguments())
                .find(|a| a.get_long() == Some(name))
                .ok_or_else(|| format!("no flag --{name} for `{}`", command.get_name()))?;
            if argument.get_action().takes_values() && !inline_value {
                rest.next();
            }
            continue;
        }
        if at_subcommand {
            match command.find_subcommand(word) {
                Some(sub) => {
                    command = sub;
                    continue;
                }
                None if command.has_subcommands() => {
                    return Err(format!("no command `{word}` in `{}`", command.get_name()));
                }
                None => at_subcommand = false,
            }
        }
    }
    Ok(())
}

fn first_line(error: &clap::Error) -> String {
    error
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn every_documented_command_line_parses() {
    let mut faults = Vec::new();
    let mut checked = 0;
    for (document, text) in DOCUMENTS {
        for (line, command) in shell_commands(text) {
            let words = match command_words(&command) {
                Ok(Some(words)) => words,
                Ok(None) => continue,
                Err(e) => {
                    faults.push(format!("{document}:{line}: `{command}`: {e}"));
                    continue;
                }
            };
            if !cfg!(feature = "demo") && words.get(1).is_some_and(|w| w == "demo") {
                continue;
            }
            checked += 1;
            if let Err(e) = Cli::try_parse_from(&words) {
                faults.push(format!(
                    "{document}:{line}: `{command}`: {}",
                    first_line(&e)
                ));
            }
        }
    }
    assert!(
        checked >= 40,
        "the documents' shell blocks lost their commands ({checked})"
    );
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn every_command_named_in_the_text_exists() {
    let mut faults = Vec::new();
    let mut checked = 0;
    for (document, text) in DOCUMENTS {
        for (line, command) in named_commands(text) {
            if LOG_LINES.iter().any(|l| command.starts_with(l)) {
                continue;
            }
            let words = match command_words(&command) {
                Ok(Some(words)) => words,
                Ok(None) => continue,
                Err(e) => {
                    faults.push(format!("{document}:{line}: `{command}`: {e}"));
                    continue;
                }
            };
            checked += 1;
            // A command given with its flags is checked whole, as a shell line is;
            // one named by its subcommand alone, for the subcommand.
            let fault = if words.iter().any(|w| w.starts_with("--")) {
                Cli::try_parse_from(&words).err().map(|e| first_line(&e))
            } else {
                check_named(&words).err()
            };
            if let Some(fault) = fault {
                faults.push(format!("{document}:{line}: `{command}`: {fault}"));
            }
        }
    }
    assert!(
        checked >= 50,
        "the documents name fewer commands than they did ({checked})"
    );
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn a_wrong_command_is_caught() {
    // The checks themselves: a missing required flag, a flag or subcommand that does
    // not exist, a quote left open, a pipe and a redirection around the command.
    let text = "```sh\n\
                kiesdag strength check --municipality GM0599   # no --election\n\
                echo 'pw' | kiesdag user create --username a --role coordinator > out.txt\n\
                kiesdag staff invite --from \"Gemeente <v@g.nl>\n\
                cargo test -p kiesdag\n\
                ```\n\
                `kiesdag codes revoke --device X` and `kiesdag secrets rotate`, `kiesdag\n\
                migrate`\n";
    let shell = shell_commands(text);
    assert_eq!(shell.len(), 4);
    let missing = command_words(&shell[0].1).unwrap().unwrap();
    assert!(Cli::try_parse_from(missing).is_err());
    let piped = command_words(&shell[1].1).unwrap().unwrap();
    assert_eq!(piped.first().map(String::as_str), Some("kiesdag"));
    assert!(
        !piped.iter().any(|w| w == "out.txt" || w == ">"),
        "{piped:?}"
    );
    assert!(Cli::try_parse_from(piped).is_ok());
    assert!(command_words(&shell[2].1).is_err(), "a quote left open");
    assert_eq!(
        command_words(&shell[3].1).unwrap(),
        None,
        "not a kiesdag line"
    );
    let named = named_commands(text);
    assert_eq!(named.len(), 3, "{named:?}");
    for (_, wrong) in &named[..2] {
        assert!(check_named(&command_words(wrong).unwrap().unwrap()).is_err());
    }
    assert!(check_named(&command_words(&named[2].1).unwrap().unwrap()).is_ok());
    let db_first = command_words("kiesdag --db x.db secret rotate --signs-in 0");
    assert!(check_named(&db_first.unwrap().unwrap()).is_ok());
}
