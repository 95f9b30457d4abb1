//! The `alliance-hub` binary: parse the command line, set up logging, run.

use std::io::IsTerminal;

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Answers are trees of many small allocations (rows, GraphQL values, JSON). With mimalloc the
/// allocator's share of a large answer fell from about 23 % to 15 % of the server's CPU, and
/// the p99 latency under load by a third (the README's benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // `.env` in the working directory, if there is one; variables already set win.
    let dotenv = dotenvy::dotenv();
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, not in a log file or a journal.
        .with_ansi(std::io::stderr().is_terminal());
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().init();
    } else {
        builder.init();
    }
    match dotenv {
        Err(dotenvy::Error::Io(err)) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => tracing::warn!(error = %err, "could not read .env"),
        Ok(path) => tracing::debug!(path = %path.display(), "read .env"),
    }
    match alliance_hub::cli::run(alliance_hub::cli::Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            match &err {
                alliance_hub::error::Error::Internal(detail) => {
                    tracing::error!(error.detail = %detail, "failed")
                }
                other => eprintln!("error: {other}"),
            }
            std::process::ExitCode::FAILURE
        }
    }
}
