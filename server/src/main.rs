//! `kiesdag`: the server and its administration commands. Parses the command line
//! and hands it to `kiesdag::cli`.

use std::process::ExitCode;

use clap::Parser;
use kiesdag::cli::Cli;

/// jemalloc, returning freed memory to the system within a second from a background
/// thread (configured when it is built: `.cargo/config.toml`). With the system
/// allocator, the garbage of busy moments (activations, a burst of results) stayed
/// resident in an idle server (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    kiesdag::cli::main(Cli::parse())
}
