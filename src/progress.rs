//! Progress on a terminal: a bar or a spinner for the long steps, shown only
//! when stderr is a terminal and the run is not quiet, so that cron mail and
//! CI logs hold nothing but the log lines.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether progress may be drawn at all; `-q` turns it off.
static ALLOWED: AtomicBool = AtomicBool::new(true);

/// Turns progress off (for `-q`) or back on.
pub fn allow(allowed: bool) {
    ALLOWED.store(allowed, Ordering::Relaxed);
}

fn visible() -> bool {
    ALLOWED.load(Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// A bar or spinner that draws nothing when progress is not visible.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar counting `len` steps of `what` (`"editions"`, `"files"`).
    pub fn bar(len: usize, what: &str) -> Progress {
        if !visible() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
        let template = format!("{{bar:30}} {{pos}}/{{len}} {what}");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress(Some(bar))
    }

    /// A spinner beside `message`, for a step whose length is unknown.
    pub fn spinner(message: &str) -> Progress {
        if !visible() {
            return Progress(None);
        }
        let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        spinner.set_message(message.to_string());
        spinner.enable_steady_tick(Duration::from_millis(120));
        Progress(Some(spinner))
    }

    /// One more step done.
    pub fn inc(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
