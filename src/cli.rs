//! The command line: `digest [-C DIR] [-v|-q] <build|fetch|compose|render>`.

use std::path::PathBuf;

use anyhow::Result;
use chrono::{NaiveDate, SubsecRound, Utc};
use clap::{Args, Parser, Subcommand};

use crate::compose::{self, ComposeOptions};
use crate::config::Config;
use crate::fetch::{self, FetchOptions};
use crate::layout::Layout;
use crate::lock::RunLock;
use crate::render;

const EXAMPLES: &str = "\
Examples:
  digest build                    fetch, compose and render the site in this folder
  digest build --offline          compose and render from content/ without the network
  digest -C ~/my-digest fetch     fetch the sources of another site
  digest compose --date 2025-07-22 --force
                                  write that day's edition again

Exit codes:
  0  the command did its work (sources that failed were warned about)
  1  it could not: bad configuration, unreadable content, a disk error, a held lock
  2  the command line was wrong";

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

    /// Say less: only warnings and errors.
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
    Fetch,
    /// Write the edition of each finished day that has items and no edition.
    Compose(ComposeArgs),
    /// Render content/ into the static site in public/.
    Render,
    /// Show why the edition of a day says what it says: every candidate's
    /// features and score, and why the Signal won.
    Explain {
        /// The day (YYYY-MM-DD).
        date: NaiveDate,
    },
}

/// Options of `digest build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Skip fetching: compose and render from what content/ already holds.
    #[arg(long)]
    pub offline: bool,
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
pub fn run(cli: Cli) -> Result<()> {
    let layout = Layout::new(&cli.directory, cli.config.as_deref());
    let config = Config::load(layout.config())?;
    let _lock = RunLock::acquire(&layout.state_dir(), config.site.lock_wait)?;
    let now = Utc::now().trunc_subsecs(0);
    let fetch_options = FetchOptions { quiet: cli.quiet };
    match cli.command {
        Command::Build(args) => {
            if !args.offline {
                fetch::run(&layout, &config, now.fixed_offset(), fetch_options)?;
            }
            compose::run(&layout, &config, now, &ComposeOptions::default())?;
            render::run(&layout, &config)?;
        }
        Command::Fetch => {
            fetch::run(&layout, &config, now.fixed_offset(), fetch_options)?;
        }
        Command::Compose(args) => {
            let options = ComposeOptions {
                date: args.date,
                force: args.force,
            };
            compose::run(&layout, &config, now, &options)?;
        }
        Command::Render => {
            render::run(&layout, &config)?;
        }
        Command::Explain { date } => {
            print!("{}", compose::explain::run(&layout, &config, date)?);
        }
    }
    Ok(())
}
