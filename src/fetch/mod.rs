//! `digest fetch`: read every enabled source's feed and store new items.
//!
//! Feeds are fetched concurrently, up to `[site] concurrency` at a time, so a
//! run lasts about as long as its slowest feeds. Each answer is then parsed
//! and stored in the order of `sources.toml`, which keeps the store the same
//! whatever order the feeds answered in. A source that fails is that
//! source's problem: one warning naming it and the cause, and the run goes on.

pub mod http;
pub mod normalize;
pub mod parse;

use anyhow::Result;
use chrono::{DateTime, FixedOffset};
use futures_util::stream::{self, StreamExt};
use tracing::{info, warn};

use crate::company::Companies;
use crate::config::{Config, Source};
use crate::layout::Layout;
use crate::store::{Insert, ItemStore};
use http::{Fetched, Http};

/// What happened to one source in a run.
#[derive(Debug)]
pub struct SourceOutcome {
    /// The source's name.
    pub source: String,
    /// Entries read and items newly stored, or why the source failed.
    pub result: std::result::Result<SourceCounts, String>,
}

/// Counts for a source that was read.
#[derive(Debug, Default, Clone, Copy)]
pub struct SourceCounts {
    /// Entries in the feed.
    pub entries: usize,
    /// Items stored for the first time.
    pub new: usize,
}

/// The outcome of a fetch run, source by source in the order of the config.
#[derive(Debug, Default)]
pub struct FetchReport {
    /// One outcome per enabled source.
    pub outcomes: Vec<SourceOutcome>,
}

impl FetchReport {
    /// Items newly stored in this run.
    pub fn new_items(&self) -> usize {
        self.outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().ok())
            .map(|c| c.new)
            .sum()
    }

    /// Sources that failed in this run.
    pub fn failures(&self) -> usize {
        self.outcomes.iter().filter(|o| o.result.is_err()).count()
    }
}

/// Fetches every enabled source and stores their new items.
pub fn run(layout: &Layout, config: &Config, now: DateTime<FixedOffset>) -> Result<FetchReport> {
    let (mut store, problems) = ItemStore::load(&layout.items_dir(), config.site.timezone)?;
    for problem in problems {
        warn!("{problem:#}; fix or delete the file (it is kept as it is)");
    }
    let sources: Vec<&Source> = config.enabled_sources().collect();
    let answers = fetch_all(config, &sources)?;

    let companies = Companies::new(config);
    let mut report = FetchReport::default();
    for (source, answer) in sources.iter().zip(answers) {
        let result = answer.and_then(|fetched| {
            store_feed(&mut store, source, &fetched, &companies, now).map_err(|e| format!("{e:#}"))
        });
        if let Err(cause) = &result {
            warn!("source \"{}\" ({}): {cause}", source.name, source.feed);
        }
        report.outcomes.push(SourceOutcome {
            source: source.name.clone(),
            result,
        });
    }
    info!(
        "fetched {} sources: {} new items, {} failed",
        report.outcomes.len(),
        report.new_items(),
        report.failures()
    );
    Ok(report)
}

/// Gets every source's feed concurrently; answers come back in source order.
fn fetch_all(
    config: &Config,
    sources: &[&Source],
) -> Result<Vec<std::result::Result<Fetched, String>>> {
    let user_agent = format!(
        "digest/{} (+{}; daily engineering digest)",
        env!("CARGO_PKG_VERSION"),
        config.site.base_url
    );
    let http = Http::new(&user_agent, config.site.timeout, config.site.max_body_bytes)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let requests = sources.iter().enumerate().map(|(index, source)| {
        let http = http.clone();
        async move {
            (
                index,
                http.get(&source.feed).await.map_err(|e| e.to_string()),
            )
        }
    });
    let mut answers: Vec<_> = runtime.block_on(
        stream::iter(requests)
            .buffer_unordered(config.site.concurrency)
            .collect::<Vec<_>>(),
    );
    answers.sort_by_key(|(index, _)| *index);
    Ok(answers.into_iter().map(|(_, answer)| answer).collect())
}

/// Parses one answer and stores its new items.
fn store_feed(
    store: &mut ItemStore,
    source: &Source,
    fetched: &Fetched,
    companies: &Companies,
    now: DateTime<FixedOffset>,
) -> Result<SourceCounts> {
    let parsed = parse::parse(&fetched.body, fetched.content_type.as_deref(), &fetched.url)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let normalizer = normalize::Normalizer {
        source,
        companies,
        now,
    };
    let items = normalizer.items(&parsed, &fetched.url);
    let mut counts = SourceCounts {
        entries: parsed.feed.entries.len(),
        new: 0,
    };
    for item in items {
        if let Insert::Stored(_) = store.insert(item, &source.slug)? {
            counts.new += 1;
        }
    }
    Ok(counts)
}
