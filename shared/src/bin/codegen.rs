//! Generates the shells' types (events, effects, view model) with crux's facet
//! typegen: `codegen --language kotlin|swift|typescript --output-dir DIR`.
//!
//! TypeScript (the browser shell, web-chair/) goes through facet_generate's installer
//! directly, with the same bincode plugin crux uses: crux's own `typescript` also runs
//! `pnpm install` and `tsc` in the output folder, which the web shell's Vite build
//! does instead.

use std::path::PathBuf;
use std::process::ExitCode;

use crux_core::type_generation::facet::{Config, TypeRegistry};
use shared::ChairApp;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (Some(language), Some(output)) = (value("--language"), value("--output-dir")) else {
        eprintln!("usage: codegen --language kotlin|swift|typescript --output-dir DIR");
        return ExitCode::from(2);
    };
    match generate(&language, PathBuf::from(output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("codegen: {error}");
            ExitCode::FAILURE
        }
    }
}

fn generate(language: &str, output: PathBuf) -> Result<(), String> {
    let generator = TypeRegistry::new()
        .register_app::<ChairApp>()
        .map_err(|e| e.to_string())?
        .build()
        .map_err(|e| e.to_string())?;
    match language {
        "kotlin" => generator
            .kotlin(&Config::builder("eu.kiesdag.shared.types", &output).build())
            .map_err(|e| e.to_string()),
        "swift" => generator
            .swift(&Config::builder("SharedTypes", &output).build())
            .map_err(|e| e.to_string()),
        "typescript" => {
            std::fs::create_dir_all(&output).map_err(|e| e.to_string())?;
            facet_generate::generation::typescript::Installer::new("shared_types", &output)
                .plugin(facet_generate::generation::bincode::BincodePlugin)
                .generate(&generator.registry())
                .map_err(|e| e.to_string())
        }
        other => Err(format!("unknown language {other}")),
    }
}
