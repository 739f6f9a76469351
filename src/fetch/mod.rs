//! `digest fetch`: read every enabled source's feed and store new items.
//!
//! Feeds are fetched concurrently (bounded overall and per host), so a run
//! lasts about as long as its slowest feeds. Requests are conditional once a
//! feed's validators are known. Each answer is then parsed and stored in
//! the order of `sources.toml`, which keeps the store the same whatever
//! order the feeds answered in. A source that fails is that source's
//! problem: one warning naming it and the cause, a mark in its health, and
//! the run goes on. With `quiet`, a failing source is reported only once,
//! when it has failed `quiet_failures` runs in a row.

pub mod http;
pub mod limits;
pub mod normalize;
pub mod parse;
pub mod state;

use anyhow::Result;
use chrono::{DateTime, FixedOffset};
use futures_util::future::join_all;
use tracing::{debug, info, warn};
use url::Url;

use crate::company::Companies;
use crate::config::{Config, Source};
use crate::health::{Health, SourceHealth};
use crate::layout::Layout;
use crate::store::{Insert, ItemStore};
use crate::text::count;
use http::{Answer, Fetched, Http};
use state::Validators;

/// How a fetch run should behave.
#[derive(Debug, Default, Clone, Copy)]
pub struct FetchOptions {
    /// Report a failing source only when it reaches `quiet_failures` failures in a row.
    pub quiet: bool,
}

/// What happened to one source in a run.
#[derive(Debug)]
pub struct SourceOutcome {
    /// The source's name.
    pub source: String,
    /// Counts, or why the source failed.
    pub result: std::result::Result<SourceCounts, String>,
}

/// Counts for a source that answered.
#[derive(Debug, Default, Clone, Copy)]
pub struct SourceCounts {
    /// Entries in the feed (0 when it was not modified).
    pub entries: usize,
    /// Items stored for the first time.
    pub new: usize,
    /// Stored items whose text the source changed.
    pub updated: usize,
    /// The server answered 304 Not Modified.
    pub not_modified: bool,
    /// Bytes of body received.
    pub bytes: usize,
}

/// The outcome of a fetch run, source by source in the order of the config.
#[derive(Debug, Default)]
pub struct FetchReport {
    /// One outcome per enabled source.
    pub outcomes: Vec<SourceOutcome>,
}

impl FetchReport {
    fn counts(&self) -> impl Iterator<Item = &SourceCounts> {
        self.outcomes.iter().filter_map(|o| o.result.as_ref().ok())
    }

    /// Items newly stored in this run.
    pub fn new_items(&self) -> usize {
        self.counts().map(|c| c.new).sum()
    }

    /// Bytes of feed bodies received in this run.
    pub fn bytes(&self) -> usize {
        self.counts().map(|c| c.bytes).sum()
    }

    /// Sources that failed in this run.
    pub fn failures(&self) -> usize {
        self.outcomes.iter().filter(|o| o.result.is_err()).count()
    }
}

/// Fetches every enabled source and stores their new items.
pub fn run(
    layout: &Layout,
    config: &Config,
    now: DateTime<FixedOffset>,
    options: FetchOptions,
) -> Result<FetchReport> {
    let (mut store, problems) = ItemStore::load(&layout.items_dir(), config.site.timezone)?;
    for problem in problems {
        warn!("{problem:#}; fix or delete the file (it is kept as it is)");
    }
    let validators_path = layout.state_dir().join("http.json");
    let health_path = layout.state_dir().join("health.json");
    let mut validators: Validators = state::load(&validators_path);
    let mut health: Health = state::load(&health_path);

    let sources: Vec<&Source> = config.enabled_sources().collect();
    let answers = fetch_all(config, &sources, &validators)?;
    let companies = Companies::new(config);
    let mut report = FetchReport::default();
    for (source, answer) in sources.iter().zip(answers) {
        let result = match answer {
            Ok(Answer::NotModified) => Ok(SourceCounts {
                not_modified: true,
                ..Default::default()
            }),
            Ok(Answer::Fresh(fetched)) => {
                let stored = store_feed(&mut store, source, &fetched, &companies, now);
                if stored.is_ok() && fetched.cut_off.is_none() && !fetched.validator.is_empty() {
                    validators
                        .feeds
                        .insert(source.feed.to_string(), fetched.validator.clone());
                }
                stored.map_err(|e| format!("{e:#}"))
            }
            Err(e) => Err(e.to_string()),
        };
        let record = health.sources.entry(source.name.clone()).or_default();
        note_outcome(record, &result, now);
        if let Err(cause) = &result
            && (!options.quiet || record.consecutive_failures == config.site.quiet_failures)
        {
            let runs = record.consecutive_failures;
            let streak = if runs > 1 {
                format!(" ({runs} runs in a row)")
            } else {
                String::new()
            };
            warn!(
                "source \"{}\" ({}): {cause}{streak}",
                source.name, source.feed
            );
        }
        report.outcomes.push(SourceOutcome {
            source: source.name.clone(),
            result,
        });
    }

    for source in &config.sources {
        let stored = store
            .items()
            .iter()
            .filter(|s| s.meta.source == source.name)
            .count();
        health
            .sources
            .entry(source.name.clone())
            .or_default()
            .items_stored = stored as u64;
    }
    state::save(&validators_path, &validators)?;
    state::save(&health_path, &health)?;
    info!(
        "fetched {}: {}, {} failed",
        count(report.outcomes.len(), "source"),
        count(report.new_items(), "new item"),
        report.failures()
    );
    Ok(report)
}

/// Records a source's outcome in its health.
fn note_outcome(
    record: &mut SourceHealth,
    result: &std::result::Result<SourceCounts, String>,
    now: DateTime<FixedOffset>,
) {
    match result {
        Ok(_) => {
            record.last_success = Some(now);
            record.consecutive_failures = 0;
        }
        Err(cause) => {
            record.last_error = Some(cause.clone());
            record.last_error_at = Some(now);
            record.consecutive_failures += 1;
        }
    }
}

/// Gets every source's feed concurrently; answers come back in source order.
fn fetch_all(
    config: &Config,
    sources: &[&Source],
    validators: &Validators,
) -> Result<Vec<std::result::Result<Answer, http::FetchError>>> {
    let user_agent = format!(
        "digest/{} (+{}; daily engineering digest)",
        env!("CARGO_PKG_VERSION"),
        config.site.base_url
    );
    let http = Http::new(&user_agent, &config.site)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let requests = sources.iter().map(|source| {
        let validator = validators.feeds.get(source.feed.as_str());
        http.get(&source.feed, source.limits, validator)
    });
    Ok(runtime.block_on(join_all(requests)))
}

/// Parses one answer and stores its new items.
fn store_feed(
    store: &mut ItemStore,
    source: &Source,
    fetched: &Fetched,
    companies: &Companies,
    now: DateTime<FixedOffset>,
) -> Result<SourceCounts> {
    let mut parsed = parse::parse(&fetched.body, fetched.content_type.as_deref()).map_err(|e| {
        let cause = fetched
            .cut_off
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        anyhow::anyhow!("{e}{cause}")
    })?;
    for repair in &parsed.repairs {
        match &fetched.cut_off {
            Some(cause) => warn!(
                "source \"{}\" ({}): {cause}; {repair}",
                source.name, source.feed
            ),
            None if repair.contains("cut off") => {
                warn!("source \"{}\" ({}): {repair}", source.name, source.feed)
            }
            None => debug!("source \"{}\": {repair}", source.name),
        }
    }
    let listed = parsed.feed.entries.len();
    let entities = limits::declared_entities(&fetched.body);
    for cut in entities
        .into_iter()
        .chain(limits::bound(&mut parsed.feed, &source.limits))
    {
        warn!("source \"{}\" ({}): {cut}", source.name, source.feed);
    }
    let document = document_base(fetched);
    let normalizer = normalize::Normalizer {
        source,
        companies,
        now,
    };
    let items = normalizer.items(&parsed, &document);
    let mut counts = SourceCounts {
        entries: listed,
        bytes: fetched.body.len(),
        ..Default::default()
    };
    for item in items {
        match store.insert(item, &source.slug)? {
            Insert::Stored(_) => counts.new += 1,
            Insert::Updated(path) => {
                counts.updated += 1;
                debug!("updated {}", path.display());
            }
            Insert::Known => {}
        }
    }
    Ok(counts)
}

/// The address relative links in a document are resolved against: its
/// Content-Location when the server gave one, else where it came from.
fn document_base(fetched: &Fetched) -> Url {
    let location = fetched
        .content_location
        .as_deref()
        .and_then(|l| fetched.url.join(l.trim()).ok());
    location
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .unwrap_or_else(|| fetched.url.clone())
}
