//! Prints the API's OpenAPI document (pretty JSON) to stdout:
//! `cargo run -p kiesdag --bin gen-openapi > docs/openapi.json`.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let json = match kiesdag::http::openapi::document_json() {
        Ok(json) => json,
        Err(e) => {
            eprintln!("gen-openapi: cannot serialise the document: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{json}").and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-openapi: cannot write: {e}");
            ExitCode::FAILURE
        }
    }
}
