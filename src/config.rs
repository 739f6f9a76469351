//! The site's configuration: `sources.toml`.
//!
//! The file is read in two steps. First it is parsed into plain structs that
//! mirror the TOML (`RawConfig`), rejecting unknown keys and missing fields
//! with the line they are on. Then it is resolved into a `Config`: the time
//! zone is looked up, URLs are parsed, and every source gets its slug. Errors
//! of the second step also name the file and line.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::slug::slugify;

/// The `[site]` table as written in `sources.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    /// Name of the newsletter, shown on every page and in the feed.
    title: String,
    /// Absolute URL where `public/` is published; feeds link to it.
    base_url: Spanned<String>,
    /// One line on what the newsletter is; default: a sentence built from the title.
    #[serde(default)]
    description: Option<String>,
    /// Who publishes the site; shown in the footer and the feed.
    #[serde(default)]
    author: Option<String>,
    /// Language of the pages (`lang` attribute, feed language); default `en`.
    #[serde(default = "default_language")]
    language: String,
    /// IANA time zone that decides which day an item belongs to; default `UTC`.
    #[serde(default = "default_timezone")]
    timezone: Spanned<String>,
    /// Hour (0 to 23, local time) at which a day closes; default 0, midnight.
    /// With 18, the edition of a day covers 18:00 the day before to 18:00.
    #[serde(default = "default_closing_hour")]
    day_closes_at: Spanned<u32>,
    /// Most Deep Dives in one edition; default 8.
    #[serde(default = "default_deep_dives")]
    deep_dives: usize,
    /// Editions listed in `rss.xml`; default 20.
    #[serde(default = "default_feed_entries")]
    feed_entries: usize,
    /// Seconds allowed for one feed request, from connecting to the last byte; default 30.
    #[serde(default = "default_timeout")]
    timeout_secs: u64,
    /// Seconds allowed to connect; default 10.
    #[serde(default = "default_connect_timeout")]
    connect_timeout_secs: u64,
    /// Seconds allowed without receiving a byte; default 20.
    #[serde(default = "default_read_timeout")]
    read_timeout_secs: u64,
    /// Feeds fetched at the same time; default 8.
    #[serde(default = "default_concurrency")]
    concurrency: usize,
    /// Feeds fetched at the same time from one host; default 2.
    #[serde(default = "default_per_host")]
    per_host: usize,
    /// Largest feed body accepted (after decompression), in bytes; default 20 MB.
    #[serde(default = "default_max_body")]
    max_body_bytes: u64,
    /// Entries read from one feed in one run, in the feed's order; default 1000.
    #[serde(default = "default_max_items")]
    max_items_per_source: usize,
    /// Largest article text (its HTML) kept from one entry, in bytes; the
    /// rest is cut off; default 1 MiB.
    #[serde(default = "default_max_item_bytes")]
    max_item_bytes: usize,
    /// Redirects followed for one request; default 5.
    #[serde(default = "default_max_redirects")]
    max_redirects: usize,
    /// Seconds a whole run may spend waiting for servers that answer 429 or
    /// 503 with Retry-After; default 60.
    #[serde(default = "default_retry_budget")]
    retry_budget_secs: u64,
    /// Seconds a run waits for another run on the same site to finish; default 120.
    #[serde(default = "default_lock_wait")]
    lock_wait_secs: u64,
    /// With `-q`, a failing source is reported once, when it has failed this
    /// many runs in a row; default 3.
    #[serde(default = "default_quiet_failures")]
    quiet_failures: u32,
    /// Companies that aggregator articles may be about, beside the companies
    /// of the sources themselves and a built-in list.
    #[serde(default)]
    companies: Vec<String>,
    /// With `full_text = "auto"`, an item whose feed text has fewer words
    /// than this gets its article read from its page; default 150.
    #[serde(default = "default_full_text_min_words")]
    full_text_min_words: usize,
    /// Most article pages read in one run, over all sources (the newest
    /// items first); default 50.
    #[serde(default = "default_full_text_max_pages")]
    full_text_max_pages: usize,
}

fn default_language() -> String {
    "en".into()
}
fn default_timezone() -> Spanned<String> {
    Spanned::new(0..0, "UTC".into())
}
fn default_closing_hour() -> Spanned<u32> {
    Spanned::new(0..0, 0)
}
fn default_deep_dives() -> usize {
    8
}
fn default_feed_entries() -> usize {
    20
}
fn default_timeout() -> u64 {
    30
}
fn default_connect_timeout() -> u64 {
    10
}
fn default_read_timeout() -> u64 {
    20
}
fn default_concurrency() -> usize {
    8
}
fn default_per_host() -> usize {
    2
}
fn default_max_redirects() -> usize {
    5
}
fn default_retry_budget() -> u64 {
    60
}
fn default_lock_wait() -> u64 {
    120
}
fn default_quiet_failures() -> u32 {
    3
}
fn default_max_body() -> u64 {
    20 * 1024 * 1024
}
fn default_max_items() -> usize {
    1000
}
fn default_max_item_bytes() -> usize {
    1024 * 1024
}
fn default_enabled() -> bool {
    true
}
fn default_full_text_min_words() -> usize {
    150
}
fn default_full_text_max_pages() -> usize {
    50
}

/// One `[[source]]` table as written in `sources.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    /// Display name, unique in the file; its slug names the item folder.
    name: Spanned<String>,
    /// The company whose blog this is, or the publication for an aggregator.
    company: String,
    /// `company` for a company's own blog, `aggregator` for a publication
    /// that writes about many companies.
    kind: SourceKind,
    /// Address of the RSS, Atom or JSON feed.
    feed: Spanned<String>,
    /// `false` keeps the source in the list without fetching it; default true.
    #[serde(default = "default_enabled")]
    enabled: bool,
    /// Replaces `[site] timeout_secs` for this source.
    #[serde(default)]
    timeout_secs: Option<u64>,
    /// Replaces `[site] max_body_bytes` for this source.
    #[serde(default)]
    max_body_bytes: Option<u64>,
    /// Whether to read each new item's article from its web page: `off`
    /// (default), `on`, or `auto` (when the feed's text is shorter than
    /// `[site] full_text_min_words`).
    #[serde(default)]
    full_text: FullText,
    /// Replaces `[site] max_items_per_source` for this source.
    #[serde(default)]
    max_items: Option<usize>,
    /// Replaces `[site] max_item_bytes` for this source.
    #[serde(default)]
    max_item_bytes: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    site: RawSite,
    #[serde(default)]
    model: Option<RawModel>,
    #[serde(default)]
    source: Vec<RawSource>,
}

/// The optional `[model]` table: a chat model that writes the editions'
/// words, over the OpenAI-compatible API (OpenAI, Ollama, llama.cpp, vLLM).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    /// Base URL of the API, up to `/v1`: e.g. `http://localhost:11434/v1`.
    endpoint: Spanned<String>,
    /// The model's name, as the server knows it.
    model: String,
    /// Environment variable holding the API key, if the server needs one.
    #[serde(default)]
    api_key_env: Option<String>,
    /// Seconds allowed for one answer; default 60.
    #[serde(default = "default_model_timeout")]
    timeout_secs: u64,
    /// Most calls in one run; default 20.
    #[serde(default = "default_model_calls")]
    max_calls: usize,
    /// Most seconds spent waiting for the model in one run; default 300.
    #[serde(default = "default_model_budget")]
    budget_secs: u64,
}

fn default_model_timeout() -> u64 {
    60
}
fn default_model_calls() -> usize {
    20
}
fn default_model_budget() -> u64 {
    300
}

/// The resolved `[model]` table.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    /// Base URL of the API, ending in `/`.
    pub endpoint: Url,
    /// The model's name.
    pub model: String,
    /// Environment variable holding the API key.
    pub api_key_env: Option<String>,
    /// Time allowed for one answer.
    pub timeout: Duration,
    /// Most calls in one run.
    pub max_calls: usize,
    /// Most time spent waiting for the model in one run.
    pub budget: Duration,
}

/// Whether a source is one company's blog or writes about many companies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A company's own blog: its items are about that company.
    Company,
    /// A publication about many companies: each item's company comes from its text.
    Aggregator,
}

/// Whether a source's items get their article read from their web page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FullText {
    /// Never: items keep the feed's text.
    #[default]
    Off,
    /// Always, for every new item.
    On,
    /// When the feed's text of an item is shorter than `full_text_min_words`.
    Auto,
}

/// The resolved `[site]` table.
#[derive(Debug, Clone)]
pub struct Site {
    /// Name of the newsletter.
    pub title: String,
    /// Where the site is published, always ending in `/`.
    pub base_url: Url,
    /// One line on what the newsletter is.
    pub description: String,
    /// Who publishes the site, if given.
    pub author: Option<String>,
    /// Language code of the pages.
    pub language: String,
    /// Time zone that decides the day of an item.
    pub timezone: Tz,
    /// Hour at which a day closes (0 to 23).
    pub day_closes_at: u32,
    /// Most Deep Dives in one edition.
    pub deep_dives: usize,
    /// Editions listed in the feed.
    pub feed_entries: usize,
    /// Limits of one feed request, unless a source sets its own.
    pub limits: Limits,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed without receiving a byte.
    pub read_timeout: Duration,
    /// Feeds fetched at the same time.
    pub concurrency: usize,
    /// Feeds fetched at the same time from one host.
    pub per_host: usize,
    /// Redirects followed for one request.
    pub max_redirects: usize,
    /// Time a run may spend honouring Retry-After.
    pub retry_budget: Duration,
    /// Runs in a row a source must fail before `-q` reports it.
    pub quiet_failures: u32,
    /// How long a run waits for another one to finish.
    pub lock_wait: Duration,
    /// Extra company names for attributing aggregator articles.
    pub companies: Vec<String>,
    /// Words of feed text below which `full_text = "auto"` reads the page.
    pub full_text_min_words: usize,
    /// Most article pages read in one run.
    pub full_text_max_pages: usize,
}

/// Limits of one feed request, and of what is read from its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time allowed from connecting to the last byte.
    pub timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_body_bytes: u64,
    /// Entries read from the feed in one run.
    pub max_items: usize,
    /// Largest article text kept from one entry, in bytes.
    pub max_item_bytes: usize,
}

/// One resolved source.
#[derive(Debug, Clone)]
pub struct Source {
    /// Display name.
    pub name: String,
    /// Slug of the name: the folder of its items under `content/items/`.
    pub slug: String,
    /// Company (or publication, for an aggregator).
    pub company: String,
    /// Company blog or aggregator.
    pub kind: SourceKind,
    /// Feed address.
    pub feed: Url,
    /// Whether `digest fetch` reads it.
    pub enabled: bool,
    /// Its request limits: the site's, or its own.
    pub limits: Limits,
    /// Whether its items get their article read from their page.
    pub full_text: FullText,
}

/// The whole resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// The `[site]` table.
    pub site: Site,
    /// Every source, in the order of the file.
    pub sources: Vec<Source>,
    /// The chat model that writes editions' words, if one is configured.
    pub model: Option<ModelConfig>,
}

impl Config {
    /// Reads and resolves the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read the configuration {}: is this a site directory? \
                 Point at one with -C DIR",
                path.display()
            )
        })?;
        Config::parse(&text, path)
    }

    /// Parses and resolves configuration text; `path` only names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            anyhow::anyhow!("{}: {}", path.display(), describe_toml_error(&e, text))
        })?;
        let file = ConfigFile { path, text };
        let site = resolve_site(raw.site, &file)?;
        let mut sources: Vec<Source> = Vec::with_capacity(raw.source.len());
        for raw_source in raw.source {
            let source = resolve_source(raw_source, &site, &file)?;
            if let Some(other) = sources.iter().find(|s| s.slug == source.slug) {
                bail!(
                    "{}: source \"{}\" has the same folder name as \"{}\" ({}); rename one",
                    path.display(),
                    source.name,
                    other.name,
                    source.slug
                );
            }
            sources.push(source);
        }
        let model = raw.model.map(|m| resolve_model(m, &file)).transpose()?;
        Ok(Config {
            path: path.to_path_buf(),
            site,
            sources,
            model,
        })
    }

    /// The sources that `digest fetch` reads.
    pub fn enabled_sources(&self) -> impl Iterator<Item = &Source> {
        self.sources.iter().filter(|s| s.enabled)
    }

    /// The source with this display name, if configured.
    pub fn source_named(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name == name)
    }
}

/// The configuration file being resolved, for error messages.
struct ConfigFile<'a> {
    path: &'a Path,
    text: &'a str,
}

impl ConfigFile<'_> {
    /// An error about the value at `span`, naming the file and line.
    fn error(&self, span: std::ops::Range<usize>, message: String) -> anyhow::Error {
        let line = line_of(self.text, span.start);
        anyhow::anyhow!("{}, line {}: {}", self.path.display(), line, message)
    }
}

/// The 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// Turns a TOML error into one line that names the line and what is wrong.
fn describe_toml_error(error: &toml::de::Error, text: &str) -> String {
    let message = error
        .message()
        .trim_end_matches('.')
        .replace("expected usize", "expected a whole number (without quotes)")
        .replace("expected u64", "expected a whole number (without quotes)")
        .replace("expected u32", "expected a whole number (without quotes)")
        .replace(
            "expected a boolean",
            "expected true or false (without quotes)",
        );
    match error.span() {
        Some(span) => format!("line {}: {}", line_of(text, span.start), message),
        None => message,
    }
}

fn resolve_site(raw: RawSite, file: &ConfigFile) -> Result<Site> {
    let timezone: Tz =
        raw.timezone.get_ref().parse().map_err(|_| {
            file.error(raw.timezone.span(), format!(
            "unknown time zone \"{}\"; use an IANA name such as \"UTC\" or \"Europe/Berlin\"",
            raw.timezone.get_ref()
        ))
        })?;
    let hour = *raw.day_closes_at.get_ref();
    if hour > 23 {
        return Err(file.error(
            raw.day_closes_at.span(),
            format!("day_closes_at is {hour}; give an hour from 0 to 23"),
        ));
    }
    let mut base = raw.base_url.get_ref().clone();
    if !base.ends_with('/') {
        base.push('/');
    }
    let base_url = parse_web_url(&base).map_err(|why| {
        file.error(
            raw.base_url.span(),
            format!("base_url \"{}\" {why}", raw.base_url.get_ref()),
        )
    })?;
    let description = raw
        .description
        .unwrap_or_else(|| format!("{}: a daily digest of engineering blogs.", raw.title));
    Ok(Site {
        title: raw.title,
        base_url,
        description,
        author: raw.author,
        language: raw.language,
        timezone,
        day_closes_at: hour,
        deep_dives: raw.deep_dives.max(1),
        feed_entries: raw.feed_entries.max(1),
        limits: Limits {
            timeout: Duration::from_secs(raw.timeout_secs.max(1)),
            max_body_bytes: raw.max_body_bytes,
            max_items: raw.max_items_per_source.max(1),
            max_item_bytes: raw.max_item_bytes.max(1024),
        },
        connect_timeout: Duration::from_secs(raw.connect_timeout_secs.max(1)),
        read_timeout: Duration::from_secs(raw.read_timeout_secs.max(1)),
        concurrency: raw.concurrency.max(1),
        per_host: raw.per_host.max(1),
        max_redirects: raw.max_redirects,
        retry_budget: Duration::from_secs(raw.retry_budget_secs),
        quiet_failures: raw.quiet_failures.max(1),
        lock_wait: Duration::from_secs(raw.lock_wait_secs),
        companies: raw.companies,
        full_text_min_words: raw.full_text_min_words,
        full_text_max_pages: raw.full_text_max_pages,
    })
}

fn resolve_source(raw: RawSource, site: &Site, file: &ConfigFile) -> Result<Source> {
    let name = raw.name.get_ref().trim().to_string();
    let slug = slugify(&name, 60);
    if slug.is_empty() {
        return Err(file.error(
            raw.name.span(),
            format!("source name \"{name}\" needs at least one letter or digit"),
        ));
    }
    let feed = parse_web_url(raw.feed.get_ref()).map_err(|why| {
        file.error(
            raw.feed.span(),
            format!("feed of \"{name}\" \"{}\" {why}", raw.feed.get_ref()),
        )
    })?;
    let limits = Limits {
        timeout: raw
            .timeout_secs
            .map_or(site.limits.timeout, |s| Duration::from_secs(s.max(1))),
        max_body_bytes: raw.max_body_bytes.unwrap_or(site.limits.max_body_bytes),
        max_items: raw.max_items.map_or(site.limits.max_items, |n| n.max(1)),
        max_item_bytes: raw
            .max_item_bytes
            .map_or(site.limits.max_item_bytes, |n| n.max(1024)),
    };
    Ok(Source {
        name,
        slug,
        company: raw.company,
        kind: raw.kind,
        feed,
        enabled: raw.enabled,
        limits,
        full_text: raw.full_text,
    })
}

fn resolve_model(raw: RawModel, file: &ConfigFile) -> Result<ModelConfig> {
    let mut endpoint = raw.endpoint.get_ref().clone();
    if !endpoint.ends_with('/') {
        endpoint.push('/');
    }
    let endpoint = parse_web_url(&endpoint).map_err(|why| {
        file.error(
            raw.endpoint.span(),
            format!("[model] endpoint \"{}\" {why}", raw.endpoint.get_ref()),
        )
    })?;
    Ok(ModelConfig {
        endpoint,
        model: raw.model,
        api_key_env: raw.api_key_env,
        timeout: Duration::from_secs(raw.timeout_secs.max(1)),
        max_calls: raw.max_calls,
        budget: Duration::from_secs(raw.budget_secs),
    })
}

/// Parses an absolute http or https URL, or says what is wrong with it.
fn parse_web_url(text: &str) -> std::result::Result<Url, &'static str> {
    let url = Url::parse(text).map_err(|_| "is not an absolute URL")?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        _ => Err("must start with http:// or https://"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("sources.toml"))
    }

    const SITE: &str = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/news\"\n";

    #[test]
    fn minimal_site_gets_defaults() {
        let config = parse(SITE).unwrap();
        assert_eq!(config.site.base_url.as_str(), "https://example.org/news/");
        assert_eq!(config.site.timezone, chrono_tz::UTC);
        assert_eq!(config.site.deep_dives, 8);
        assert_eq!(config.site.limits.max_items, 1000);
        assert_eq!(config.site.limits.max_item_bytes, 1024 * 1024);
        assert!(config.sources.is_empty());
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = format!(
            "{SITE}\n[[source]]\nname = \"A\"\ncompany = \"A\"\nkind = \"company\"\nfeed = \"https://a.example/feed\"\ncolour = \"red\"\n"
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("line 10"), "{err}");
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn missing_field_is_named() {
        let text = format!(
            "{SITE}\n[[source]]\nname = \"A\"\nkind = \"company\"\nfeed = \"https://a.example/feed\"\n"
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("company"), "{err}");
        assert!(err.contains("line 5"), "{err}");
    }

    #[test]
    fn bad_time_zone_names_its_line() {
        let text = format!("{SITE}timezone = \"Mars/Olympus\"\n");
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.contains("line 4") && err.contains("Mars/Olympus"),
            "{err}"
        );
    }

    #[test]
    fn feed_must_be_http() {
        let text = format!(
            "{SITE}\n[[source]]\nname = \"A\"\ncompany = \"A\"\nkind = \"company\"\nfeed = \"file:///etc/passwd\"\n"
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("line 9") && err.contains("http"), "{err}");
    }

    #[test]
    fn the_project_configuration_reads_teasers_in_full() {
        let text = include_str!("../sources.toml");
        let config = parse(text).unwrap();
        let mut auto: Vec<&str> = config
            .sources
            .iter()
            .filter(|s| s.full_text == FullText::Auto)
            .map(|s| s.name.as_str())
            .collect();
        auto.sort();
        assert_eq!(auto, ["Google AI Blog", "Google DeepMind", "OpenAI Blog"]);
    }

    #[test]
    fn full_text_is_off_unless_asked_for() {
        let source = "[[source]]\nname = \"A\"\ncompany = \"A\"\nkind = \"company\"\nfeed = \"https://a.example/\"\n";
        let config = parse(&format!("{SITE}{source}")).unwrap();
        assert_eq!(config.sources[0].full_text, FullText::Off);
        assert_eq!(config.site.full_text_min_words, 150);
        assert_eq!(config.site.full_text_max_pages, 50);
        let auto = parse(&format!("{SITE}{source}full_text = \"auto\"\n")).unwrap();
        assert_eq!(auto.sources[0].full_text, FullText::Auto);
    }

    #[test]
    fn an_unknown_full_text_mode_names_its_line_and_the_choices() {
        let text = format!(
            "{SITE}\n[[source]]\nname = \"A\"\ncompany = \"A\"\nkind = \"company\"\nfeed = \"https://a.example/\"\nfull_text = \"yes\"\n"
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("line 10"), "{err}");
        assert!(
            err.contains("`off`, `on`") && err.contains("`auto`"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_source_folders_are_refused() {
        let one = "[[source]]\nname = \"A b\"\ncompany = \"A\"\nkind = \"company\"\nfeed = \"https://a.example/\"\n";
        let two = one.replace("A b", "a-B");
        let err = parse(&format!("{SITE}{one}{two}")).unwrap_err().to_string();
        assert!(err.contains("same folder name"), "{err}");
    }
}
