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
//!
//! Between reading the feeds and storing their items, the new items of
//! sources that ask for full text get their articles read from their pages
//! (see [`fulltext`]); an item whose page fails keeps the feed's text.

pub mod fulltext;
pub mod http;
pub mod limits;
pub mod normalize;
pub mod page;
pub mod parse;
pub mod robots;
pub mod state;

use std::collections::HashMap;

use anyhow::Result;
use chrono::{DateTime, FixedOffset, SecondsFormat};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tracing::{debug, info, warn};
use url::Url;

use crate::company::Companies;
use crate::config::{Config, Source};
use crate::health::{Health, SourceHealth};
use crate::item::Item;
use crate::layout::Layout;
use crate::store::{Insert, ItemStore};
use crate::text::{self, count};
use http::{Answer, Fetched, Http};
use page::PageArticle;
use state::{Validator, Validators};

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
    /// New items stored with the article read from their page.
    pub pages: usize,
}

/// The outcome of a fetch run, source by source in the order of the config.
#[derive(Debug, Default)]
pub struct FetchReport {
    /// One outcome per enabled source.
    pub outcomes: Vec<SourceOutcome>,
    /// Article pages fetched (or tried) in this run.
    pub pages_read: usize,
    /// Items that wanted their page but were past `full_text_max_pages`.
    pub pages_left_out: usize,
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

    /// Items stored with the article read from their page in this run.
    pub fn pages_used(&self) -> usize {
        self.counts().map(|c| c.pages).sum()
    }

    /// One line on the pages read: how many gave the item's text.
    pub fn pages_summary(&self) -> String {
        let mut line = format!(
            "read {}: {} became the item's text",
            count(self.pages_read, "article page"),
            self.pages_used()
        );
        if self.pages_left_out > 0 {
            line.push_str(&format!(
                "; {} left out by full_text_max_pages",
                count(self.pages_left_out, "item")
            ));
        }
        line
    }
}

/// Fetches every enabled source and stores their new items.
pub fn run(
    layout: &Layout,
    config: &Config,
    now: DateTime<FixedOffset>,
    options: FetchOptions,
) -> Result<FetchReport> {
    let started = std::time::Instant::now();
    let (mut store, problems) = ItemStore::load_cached(
        &layout.items_dir(),
        config.site.timezone,
        &layout.item_cache(),
    )?;
    for problem in problems {
        warn!("{problem:#}; fix or delete the file (it is kept as it is)");
    }
    debug!(
        "read {} items in {} ms",
        store.items().len(),
        started.elapsed().as_millis()
    );
    let validators_path = layout.state_dir().join("http.json");
    let health_path = layout.state_dir().join("health.json");
    let mut validators: Validators = state::load(&validators_path);
    let mut health: Health = state::load(&health_path);

    // Every feed at once, then each read into items in the order of the config.
    let sources: Vec<&Source> = config.enabled_sources().collect();
    let http = Http::new(&user_agent(config), &config.site)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let companies = Companies::new(config);
    let entries_path = layout.state_dir().join("entries.json");
    let mut fingerprints: state::Fingerprints = state::load(&entries_path);
    let known = fingerprints.entries.clone().into_iter().collect();
    let reading = Reading {
        companies: &companies,
        now,
        known: &known,
    };
    let reader = |source: &Source, answer| read_answer(source, answer, &reading);
    let started = std::time::Instant::now();
    let feeds = fetch_and_read(&runtime, &http, &sources, &validators, reader);
    debug!(
        "fetched and read {} feeds in {} ms",
        feeds.len(),
        started.elapsed().as_millis()
    );

    // The articles of new teaser items, from their pages.
    let (chosen, left_out) = fulltext::choose(
        page_candidates(&store, config, &sources, &feeds),
        config.site.full_text_max_pages,
    );
    let mut pages = runtime.block_on(fulltext::read(&http, &chosen));
    pages.left_out = left_out;
    let pages_read = pages.read.len();

    let stamp = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let started = std::time::Instant::now();
    let mut report = FetchReport::default();
    for (index, (source, feed)) in sources.iter().zip(feeds).enumerate() {
        let record = health.sources.entry(source.name.clone()).or_default();
        note_full_text(record, source, index, &pages, &stamp, options);
        let result = feed.and_then(|feed| {
            let validator = feed.validator.clone();
            let prints = feed.fingerprints.clone();
            let stored = store_items(&mut store, source, feed, &mut pages);
            if stored.is_ok() {
                fingerprints.entries.extend(prints);
                if let Some(validator) = validator {
                    validators
                        .feeds
                        .insert(state::validator_key(source), validator);
                }
            }
            stored.map_err(|e| format!("{e:#}"))
        });
        note_outcome(record, &result, now);
        if let Err(cause) = &result {
            warn_failure(record, source, cause, config, options);
        }
        report.outcomes.push(SourceOutcome {
            source: source.name.clone(),
            result,
        });
    }
    store.flush()?;
    report.pages_read = pages_read;
    report.pages_left_out = pages.left_out;
    debug!("stored the items in {} ms", started.elapsed().as_millis());

    let mut stored: HashMap<&str, u64> = HashMap::new();
    for item in store.items() {
        *stored.entry(item.meta.source.as_str()).or_default() += 1;
    }
    for source in &config.sources {
        let record = health.sources.entry(source.name.clone()).or_default();
        record.items_stored = stored.get(source.name.as_str()).copied().unwrap_or(0);
    }
    state::save(&validators_path, &validators)?;
    state::save(&entries_path, &fingerprints)?;
    state::save(&health_path, &health)?;
    info!(
        "fetched {}: {}, {} failed",
        count(report.outcomes.len(), "source"),
        count(report.new_items(), "new item"),
        report.failures()
    );
    if report.pages_read + report.pages_left_out > 0 {
        info!("{}", report.pages_summary());
    }
    Ok(report)
}

/// What digest tells servers it is.
fn user_agent(config: &Config) -> String {
    format!(
        "{}/{} (+{}; daily engineering digest)",
        robots::AGENT,
        env!("CARGO_PKG_VERSION"),
        config.site.base_url
    )
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

/// Warns that a source failed; with `quiet`, only when it has failed
/// `quiet_failures` runs in a row.
fn warn_failure(
    record: &SourceHealth,
    source: &Source,
    cause: &str,
    config: &Config,
    options: FetchOptions,
) {
    let runs = record.consecutive_failures;
    if options.quiet && runs != config.site.quiet_failures {
        return;
    }
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

/// Records in a source's health whether its site let its pages be read, and
/// warns when it did not (with `quiet`, only when that is news).
fn note_full_text(
    record: &mut SourceHealth,
    source: &Source,
    index: usize,
    pages: &fulltext::Pages,
    stamp: &str,
    options: FetchOptions,
) {
    if pages.allowed.contains(&index) {
        record.full_text_note = None;
    }
    let Some(why) = pages.refused.get(&index) else {
        return;
    };
    if !options.quiet || record.full_text_note.is_none() {
        warn!(
            "source \"{}\": {why}; its new items keep the feed's text in this run",
            source.name
        );
    }
    record.full_text_note = Some(format!("{stamp}: {why}; full text off for that run"));
}

/// Gets every source's feed concurrently and reads each answer into items
/// as soon as it arrives, on as many threads as there are cores, so that
/// parsing overlaps the network; results come back in source order.
fn fetch_and_read<F>(
    runtime: &tokio::runtime::Runtime,
    http: &Http,
    sources: &[&Source],
    validators: &Validators,
    read: F,
) -> Vec<std::result::Result<FeedItems, String>>
where
    F: Fn(
            &Source,
            std::result::Result<Answer, http::FetchError>,
        ) -> std::result::Result<FeedItems, String>
        + Sync,
{
    let (sender, receiver) = std::sync::mpsc::channel();
    let receiver = std::sync::Mutex::new(receiver);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut feeds: Vec<(usize, std::result::Result<FeedItems, String>)> =
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        while let Ok((index, answer)) = receiver.lock().expect("queue").recv() {
                            done.push((index, read(sources[index], answer)));
                        }
                        done
                    })
                })
                .collect();
            runtime.block_on(async {
                let mut requests: FuturesUnordered<_> = sources
                    .iter()
                    .enumerate()
                    .map(|(index, source)| {
                        let validator = validators.feeds.get(&state::validator_key(source));
                        async move {
                            (
                                index,
                                http.get(&source.feed, source.limits, validator).await,
                            )
                        }
                    })
                    .collect();
                while let Some(answer) = requests.next().await {
                    let _ = sender.send(answer);
                }
            });
            drop(sender);
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("a reader thread panicked"))
                .collect()
        });
    feeds.sort_by_key(|(index, _)| *index);
    feeds.into_iter().map(|(_, feed)| feed).collect()
}

/// A source's feed, read into items and not stored yet.
struct FeedItems {
    /// Its items, in feed order.
    items: Vec<Item>,
    /// Entries, bytes, and whether it was not modified.
    counts: SourceCounts,
    /// The validators to remember once its items are stored.
    validator: Option<Validator>,
    /// Fingerprints of its entries, to remember once its items are stored.
    fingerprints: Vec<(String, String)>,
}

/// What reading feeds into items needs, shared by the reading threads.
struct Reading<'a> {
    /// Names for attributing aggregators' articles.
    companies: &'a Companies,
    /// The time of this run.
    now: DateTime<FixedOffset>,
    /// Fingerprints of the entries stored in earlier runs, by id.
    known: &'a HashMap<String, String>,
}

/// Reads a source's answer into items, or says why it failed.
fn read_answer(
    source: &Source,
    answer: std::result::Result<Answer, http::FetchError>,
    reading: &Reading,
) -> std::result::Result<FeedItems, String> {
    match answer {
        Ok(Answer::NotModified) => Ok(FeedItems {
            items: Vec::new(),
            counts: SourceCounts {
                not_modified: true,
                ..Default::default()
            },
            validator: None,
            fingerprints: Vec::new(),
        }),
        Ok(Answer::Fresh(fetched)) => {
            read_feed(source, &fetched, reading).map_err(|e| format!("{e:#}"))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Parses one answer into items.
fn read_feed(source: &Source, fetched: &Fetched, reading: &Reading) -> Result<FeedItems> {
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
        companies: reading.companies,
        now: reading.now,
    };
    let remember = fetched.cut_off.is_none() && !fetched.validator.is_empty();
    let fresh = normalizer.fresh_items(&parsed, &document, reading.known);
    Ok(FeedItems {
        items: fresh.items,
        fingerprints: fresh.fingerprints,
        counts: SourceCounts {
            entries: listed,
            bytes: fetched.body.len(),
            ..Default::default()
        },
        validator: remember.then(|| fetched.validator.clone()),
    })
}

/// The new items of every source that wants their articles read from their pages.
fn page_candidates(
    store: &ItemStore,
    config: &Config,
    sources: &[&Source],
    feeds: &[std::result::Result<FeedItems, String>],
) -> Vec<fulltext::Candidate> {
    let mut candidates = Vec::new();
    for (index, (source, feed)) in sources.iter().zip(feeds).enumerate() {
        let Ok(feed) = feed else { continue };
        for item in &feed.items {
            let new = store.find_duplicate(&item.meta).is_none();
            let url = Url::parse(&item.meta.url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"));
            if let Some(url) = url
                && new
                && fulltext::wants_page(source, item, config.site.full_text_min_words)
            {
                candidates.push(fulltext::Candidate {
                    source: index,
                    id: item.meta.id.clone(),
                    url,
                    published: item.meta.published,
                    limits: source.limits,
                });
            }
        }
    }
    candidates
}

/// Stores a source's items, each with its article when its page gave one.
fn store_items(
    store: &mut ItemStore,
    source: &Source,
    feed: FeedItems,
    pages: &mut fulltext::Pages,
) -> Result<SourceCounts> {
    let mut counts = feed.counts;
    for item in feed.items {
        let item = match pages.read.remove(&item.meta.id) {
            Some(article) => with_page(source, item, article, &mut counts),
            None => item,
        };
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

/// The item with the article its page gave, when that says more than the
/// feed; otherwise the item as the feed gave it, and one warning.
fn with_page(
    source: &Source,
    mut item: Item,
    article: std::result::Result<PageArticle, String>,
    counts: &mut SourceCounts,
) -> Item {
    let feed_words = text::prose_words(&item.body);
    let why = match article {
        Ok(page) if page.words > feed_words => {
            counts.pages += 1;
            if let Some(size) = page.cut_from {
                warn!(
                    "source \"{}\": item \"{}\" ({}): its page's article of {size} bytes \
                     is cut to max_item_bytes ({})",
                    source.name, item.meta.title, item.meta.url, source.limits.max_item_bytes
                );
            }
            if item.meta.title == normalize::UNTITLED && !page.title.is_empty() {
                item.meta.title = page.title;
            }
            return item.with_article(page.article);
        }
        Ok(page) => format!(
            "its page gives less text than the feed ({} against {feed_words})",
            count(page.words, "word")
        ),
        Err(why) => why,
    };
    warn!(
        "source \"{}\": item \"{}\" ({}): {why}; the feed's text is kept",
        source.name, item.meta.title, item.meta.url
    );
    item
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
