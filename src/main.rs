//! The `digest` command. Everything it does lives in the library; this file
//! sets up logging, runs the command and turns its outcome into an exit
//! code: the command's status, or 1 for an error.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use digest::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // digest's own messages at the level asked for; other crates' only when
    // they warn, unless RUST_LOG says otherwise. The HTML parser warns of
    // the markup it meets, once per tag: a feed could fill a cron mail with
    // lines that name no source, so only its errors are shown.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| format!("warn,html5ever=error,digest={}", cli.log_level()).into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .init();
    digest::progress::allow(!cli.quiet);
    match cli::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
