//! The command line: `digest [-C DIR] [-v|-q] <command>`.
//!
//! Each subcommand is a thin call into its phase (`fetch`, `compose`,
//! `render`) or into one of the files beside this one (`init`, `serve`,
//! `check`, `sources`). A command returns a [`Status`] that says which exit
//! code the process ends with; an error ends it with 1.

mod check;
mod init;
mod serve;
mod sources;

use std::path::PathBuf;

use anyhow::Result;
use chrono::{NaiveDate, SubsecRound, Utc};
use clap::{Args, CommandFactory, Parser, Subcommand};
use clap_complete::Shell;
use tracing::error;

use crate::compose::{self, ComposeOptions};
use crate::config::Config;
use crate::content::Content;
use crate::fetch::{self, FetchOptions, FetchReport};
use crate::layout::Layout;
use crate::lock::RunLock;
use crate::progress::Progress;
use crate::render;

/// Exit code when `--strict` is given and a source failed.
pub const EXIT_SOURCES_FAILED: u8 = 3;

const EXAMPLES: &str = "\
Examples:
  digest init my-digest           make a new site in my-digest/
  digest -C my-digest build       fetch, compose and render that site
  digest build --offline          compose and render from content/ without the network
  digest serve                    preview on http://127.0.0.1:1111/, reloading on every change
  digest check                    report every problem in config, templates and content
  digest sources                  list the sources and how their last fetches went
  digest -q build --strict        for cron and CI: quiet, and exit 3 if a source failed
  digest compose --date 2025-07-22 --force
                                  write that day's edition again
  digest completions bash > /etc/bash_completion.d/digest

Exit codes:
  0  the command did its work (sources that failed were warned about)
  1  it could not: bad configuration, unreadable content, a disk error, a held
     lock, or `digest check` found problems
  2  the command line was wrong
  3  --strict was given and at least one source failed (the site was still built)";

/// Turns engineering blogs into a daily newsletter, published as a static site.
#[derive(Debug, Parser)]
#[command(name = "digest", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Run in this site directory instead of the current one.
    #[arg(
        short = 'C',
        long = "directory",
        global = true,
        value_name = "DIR",
        default_value = "."
    )]
    pub directory: PathBuf,

    /// Read this configuration file instead of DIR/sources.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Say more: decisions and timings (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Say less: only warnings and errors, and no progress bars.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch, compose and render: the daily run.
    Build(BuildArgs),
    /// Fetch every enabled source and store new items in content/items/.
    Fetch(FetchArgs),
    /// Write the edition of each finished day that has items and no edition.
    Compose(ComposeArgs),
    /// Render content/ into the static site in public/.
    Render,
    /// Show why the edition of a day says what it says: every candidate's
    /// features and score, and why the Signal won.
    #[command(after_help = "Example:\n  digest explain 2025-07-22")]
    Explain {
        /// The day (YYYY-MM-DD).
        date: NaiveDate,
    },
    /// Make a new site: sources.toml with examples, and an empty content/.
    #[command(after_help = "Example:\n  digest init my-digest && digest -C my-digest build")]
    Init(InitArgs),
    /// Build the site, serve it on 127.0.0.1 and rebuild it on every change.
    #[command(
        after_help = "Serving composes the editions that are due, then renders; it never fetches.\n\
                      Pages reload in the browser when content/, templates/, static/ or\n\
                      the configuration change. public/ is left without the reload script.\n\n\
                      Example:\n  digest serve --port 8080"
    )]
    Serve(ServeArgs),
    /// Check configuration, templates and every content file; report every problem.
    #[command(after_help = "Exits 1 when it finds a problem, so it fits a pre-commit hook or CI.")]
    Check,
    /// List the sources with their items and health.
    Sources,
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  digest completions bash > ~/.local/share/bash-completion/completions/digest\n  digest completions zsh > ~/.zfunc/_digest\n  digest completions fish > ~/.config/fish/completions/digest.fish"
    )]
    Completions(CompletionsArgs),
}

/// Options of `digest build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Skip fetching: compose and render from what content/ already holds.
    #[arg(long)]
    pub offline: bool,
    /// Exit with code 3 when a source failed (the site is still built).
    #[arg(long, conflicts_with = "offline")]
    pub strict: bool,
    /// Compose only the edition of this day (YYYY-MM-DD), if it is due.
    #[arg(long, value_name = "DATE")]
    pub date: Option<NaiveDate>,
}

/// Options of `digest fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Exit with code 3 when a source failed.
    #[arg(long)]
    pub strict: bool,
}

/// Options of `digest compose`.
#[derive(Debug, Args)]
pub struct ComposeArgs {
    /// Only the edition of this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub date: Option<NaiveDate>,
    /// Write the edition of --date again, even though it exists.
    #[arg(long, requires = "date")]
    pub force: bool,
}

/// Options of `digest init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to make the site (default: the -C directory, else the current one).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Also copy the built-in templates and stylesheet, to start changing them.
    #[arg(long)]
    pub with_templates: bool,
}

/// Options of `digest serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
}

/// Options of `digest completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

/// How a command ended, when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// It did its work.
    Done,
    /// `--strict` was given and this many sources failed.
    SourcesFailed(usize),
    /// `digest check` found this many problems.
    Problems(usize),
}

impl Status {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Done => 0,
            Status::Problems(_) => 1,
            Status::SourcesFailed(_) => EXIT_SOURCES_FAILED,
        }
    }
}

impl Cli {
    /// The log level these flags ask for.
    pub fn log_level(&self) -> tracing::Level {
        match (self.quiet, self.verbose) {
            (true, _) => tracing::Level::WARN,
            (false, 0) => tracing::Level::INFO,
            (false, 1) => tracing::Level::DEBUG,
            (false, _) => tracing::Level::TRACE,
        }
    }
}

/// Runs the command.
pub fn run(cli: Cli) -> Result<Status> {
    let layout = Layout::new(&cli.directory, cli.config.as_deref());
    match cli.command {
        Command::Completions(args) => {
            let mut command = Cli::command();
            clap_complete::generate(args.shell, &mut command, "digest", &mut std::io::stdout());
            Ok(Status::Done)
        }
        Command::Init(args) => {
            let dir = args.dir.unwrap_or(cli.directory);
            init::run(&dir, args.with_templates)?;
            Ok(Status::Done)
        }
        Command::Check => check::run(&layout),
        Command::Sources => sources::run(&layout, &Config::load(layout.config())?),
        Command::Serve(args) => serve::run(&layout, args.port),
        Command::Explain { date } => {
            let config = Config::load(layout.config())?;
            print!("{}", compose::explain::run(&layout, &config, date)?);
            Ok(Status::Done)
        }
        command => run_phases(&layout, command, cli.quiet),
    }
}

/// The commands that change content or the site: one run at a time.
fn run_phases(layout: &Layout, command: Command, quiet: bool) -> Result<Status> {
    let config = Config::load(layout.config())?;
    let _lock = RunLock::acquire(&layout.state_dir(), config.site.lock_wait)?;
    let now = Utc::now().trunc_subsecs(0);
    let fetch_options = FetchOptions { quiet };
    let mut status = Status::Done;
    match command {
        Command::Build(args) => {
            if !args.offline {
                let report = fetch_with_progress(layout, &config, now, fetch_options)?;
                status = strictness(&report, args.strict);
            }
            let options = ComposeOptions {
                date: args.date,
                force: false,
            };
            let mut content = Content::load(layout, &config)?;
            compose::compose(layout, &config, now, &options, &mut content)?;
            render::render(layout, &config, &content)?;
            // The run ends here: freeing every item one by one would only
            // delay the exit.
            std::mem::forget(content);
        }
        Command::Fetch(args) => {
            let report = fetch_with_progress(layout, &config, now, fetch_options)?;
            status = strictness(&report, args.strict);
        }
        Command::Compose(args) => {
            let options = ComposeOptions {
                date: args.date,
                force: args.force,
            };
            compose::run(layout, &config, now, &options)?;
        }
        Command::Render => {
            render::run(layout, &config)?;
        }
        _ => unreachable!("handled by run"),
    }
    Ok(status)
}

/// Fetches with a spinner on a terminal.
fn fetch_with_progress(
    layout: &Layout,
    config: &Config,
    now: chrono::DateTime<Utc>,
    options: FetchOptions,
) -> Result<FetchReport> {
    let count = config.enabled_sources().count();
    let _spinner = Progress::spinner(&format!("fetching {count} sources"));
    fetch::run(layout, config, now.fixed_offset(), options)
}

/// What a fetch report means for the exit code.
fn strictness(report: &FetchReport, strict: bool) -> Status {
    let failed = report.failures();
    if strict && failed > 0 {
        error!(
            "{failed} {} failed; --strict ends the run with exit code {EXIT_SOURCES_FAILED}",
            if failed == 1 { "source" } else { "sources" }
        );
        return Status::SourcesFailed(failed);
    }
    Status::Done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_documents_every_exit_code() {
        let help = Cli::command().render_long_help().to_string();
        for code in ["0  ", "1  ", "2  ", "3  "] {
            assert!(help.contains(code), "{help}");
        }
    }
}
