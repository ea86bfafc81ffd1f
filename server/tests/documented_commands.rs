//! Every `kiesdag` command that the runbook (docs/operations.md) and the README give
//! exists as written: a command line in a shell block parses as the binary would parse
//! it (its subcommand, every flag, required ones present, values of the right form),
//! and a command named in the text has that subcommand and those flags. An operator
//! who copies a line on the evening before gets the command, not a usage error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::{CommandFactory, Parser};
use kiesdag::cli::Cli;

const DOCUMENTS: [(&str, &str); 2] = [
    (
        "docs/operations.md",
        include_str!("../../docs/operations.md"),
    ),
    ("README.md", include_str!("../../README.md")),
];

/// What the server prints, quoted in the text: not commands.
const LOG_LINES: [&str; 2] = ["kiesdag listening on", "kiesdag public pages on"];

/// The command lines of the document's `sh` blocks that run `kiesdag`: continued
/// lines joined, comments dropped, leading `NAME=value` settings and a pipe's left
/// side taken off, with the line number where each starts.
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
            continue;
        }
        let command = joined.rsplit('|').next().unwrap_or_default();
        let command = command.split('>').next().unwrap_or_default();
        let words: Vec<&str> = command
            .split_whitespace()
            .skip_while(|w| is_setting(w))
            .collect();
        if words
            .first()
            .is_some_and(|w| *w == "kiesdag" || w.ends_with("/kiesdag"))
        {
            commands.push((start, words.join(" ")));
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
            if i % 2 == 1 && span.starts_with("kiesdag ") {
                let offset = paragraph
                    .split('`')
                    .take(i)
                    .map(|s| s.matches('\n').count())
                    .sum::<usize>();
                named.push((
                    start + offset,
                    span.split_whitespace().collect::<Vec<_>>().join(" "),
                ));
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

/// The words as the shell gives them to the program, without a documented optional
/// part (`[--flag …]`), and with a value where `...`/`…` stands for what the reader
/// fills in.
fn words(command: &str) -> Vec<String> {
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
    shlex::split(&without_optional)
        .unwrap_or_default()
        .into_iter()
        .map(|w| match w.as_str() {
            "..." | "…" => "VALUE".into(),
            _ if w.ends_with("/kiesdag") => "kiesdag".into(),
            _ => w,
        })
        .collect()
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

#[test]
fn every_documented_command_line_parses() {
    let mut faults = Vec::new();
    let mut checked = 0;
    for (document, text) in DOCUMENTS {
        for (line, command) in shell_commands(text) {
            let words = words(&command);
            if !cfg!(feature = "demo") && words.get(1).is_some_and(|w| w == "demo") {
                continue;
            }
            checked += 1;
            if let Err(e) = Cli::try_parse_from(&words) {
                let first = e.to_string().lines().next().unwrap_or_default().to_owned();
                faults.push(format!("{document}:{line}: `{command}`: {first}"));
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
            checked += 1;
            let words = words(&command);
            // A command given with its flags is checked whole, as a shell line is.
            let whole = words.iter().any(|w| w.starts_with("--"));
            if whole && let Err(e) = Cli::try_parse_from(&words) {
                let first = e.to_string().lines().next().unwrap_or_default().to_owned();
                faults.push(format!("{document}:{line}: `{command}`: {first}"));
            } else if let Err(e) = check_named(&words) {
                faults.push(format!("{document}:{line}: `{command}`: {e}"));
            }
        }
    }
    assert!(
        checked >= 30,
        "the documents name fewer commands than they did ({checked})"
    );
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn a_wrong_command_is_caught() {
    // The checks themselves: a flag that does not exist, a missing required one, a
    // subcommand that does not exist.
    let text = "```sh\nkiesdag strength check --municipality GM0599   # no --election\n```\n\
                `kiesdag codes revoke --device X` and `kiesdag secrets rotate`\n";
    let shell = shell_commands(text);
    assert_eq!(shell.len(), 1);
    assert!(Cli::try_parse_from(words(&shell[0].1)).is_err());
    let named = named_commands(text);
    assert_eq!(named.len(), 2);
    assert!(check_named(&words(&named[0].1)).is_err());
    assert!(check_named(&words(&named[1].1)).is_err());
    assert!(check_named(&words("kiesdag --db x.db secret rotate --signs-in 0")).is_ok());
}
