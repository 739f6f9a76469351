//! Measures the offline editorial engine against a lead-three-sentences
//! baseline on a site's content, and prints the figures side by side.
//!
//!     cargo run --release --example evaluate [SITE_DIR]

use std::path::PathBuf;

use digest::compose::evaluate;
use digest::config::Config;
use digest::layout::Layout;

fn main() -> anyhow::Result<()> {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let layout = Layout::new(&root, None);
    let config = Config::load(layout.config())?;
    let evaluation = evaluate::run(&layout, &config)?;
    print!("{}", evaluation.table());
    Ok(())
}
