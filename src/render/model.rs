//! What templates and feeds see: editions, items, companies and sources as
//! plain values, built once per render.
//!
//! Items are grouped by company and by source in one pass over the store,
//! and each item learns its edition from one map of item ids, so building
//! the model grows with the archive, never with its square.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use crate::compose::Calendar;
use crate::compose::edition::Edition;
use crate::config::{Config, Site, SourceKind};
use crate::health::{Health, SourceHealth};
use crate::slug::slugify;
use crate::store::{ItemStore, StoredItem};

use super::markdown;

/// An edition as the templates and the feeds see it.
#[derive(Debug, Clone, Serialize)]
pub struct EditionView {
    /// `2025-07-22`.
    pub date: String,
    /// `Tuesday, 22 July 2025`.
    pub date_long: String,
    /// `Engineering @ Scale — 2025-07-22`.
    pub title: String,
    /// Path from the site's root: `editions/2025-07-22.html`.
    pub url: String,
    /// The page's absolute address: the edition's id in every feed.
    pub permalink: String,
    /// The Signal's title, or the first item's.
    pub headline: String,
    /// Number of items.
    pub count: usize,
    /// The sections as HTML, for a page in `editions/` (empty until
    /// [`fill_html`] renders it).
    pub html: Arc<str>,
    /// The sections as HTML, for a page at the site's root.
    pub html_from_root: Arc<str>,
    /// The sections as HTML with absolute links, for feeds and email.
    pub html_absolute: Arc<str>,
    /// The sections as markdown, for the plain-text email.
    #[serde(skip)]
    pub markdown: String,
    /// When the edition's day closed: its date in feeds.
    #[serde(skip)]
    pub published: DateTime<FixedOffset>,
}

/// A link to the edition an item appeared in.
#[derive(Debug, Clone, Serialize)]
pub struct EditionLink {
    /// `Tuesday, 22 July 2025`.
    pub date_long: String,
    /// `editions/2025-07-22.html`.
    pub url: String,
}

/// An item (an article) as company and source pages list it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    /// Stable id.
    pub id: String,
    /// Title as plain text.
    pub title: String,
    /// The original article: an http or https address, or empty.
    pub url: String,
    /// Company it is about.
    pub company: String,
    /// Source that stored it.
    pub source: String,
    /// `2025-07-22`, in the site's time zone.
    pub date: String,
    /// `22 July 2025`.
    pub date_long: String,
    /// The edition that carried it, if one did.
    pub edition: Option<EditionLink>,
    /// When it was published.
    #[serde(skip)]
    pub published: DateTime<FixedOffset>,
    /// Its file, for feeds that quote its opening.
    #[serde(skip)]
    pub path: std::path::PathBuf,
}

/// A company and its items, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct CompanyView {
    /// Name as the items give it.
    pub name: String,
    /// `companies/<slug>.html`.
    pub url: String,
    /// `companies/<slug>.xml`: its RSS feed.
    pub feed: String,
    /// Number of items.
    pub count: usize,
    /// Date of the newest item.
    pub newest: String,
    /// Every item, newest first.
    pub items: Vec<Arc<ItemView>>,
}

/// A source, its items and its health.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// Display name.
    pub name: String,
    /// `sources/<slug>.html`.
    pub url: String,
    /// Company or publication.
    pub company: String,
    /// `company`, `aggregator`, or `removed` for a source no longer in sources.toml.
    pub kind: &'static str,
    /// Whether `digest fetch` reads it.
    pub enabled: bool,
    /// Its feed address, empty for a removed source.
    pub feed: String,
    /// Number of items from it in content/.
    pub count: usize,
    /// Date of its newest item, if any.
    pub newest: Option<String>,
    /// The last fetch runs, when `.digest/health.json` has a record.
    pub health: Option<HealthView>,
    /// Every item, newest first.
    pub items: Vec<Arc<ItemView>>,
}

/// A source's health as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct HealthView {
    /// `ok`, `failing` or `never fetched`.
    pub status: &'static str,
    /// Day of the last success, `2025-07-22`.
    pub last_success: Option<String>,
    /// The last error's text.
    pub last_error: Option<String>,
    /// Day of the last error.
    pub last_error_at: Option<String>,
    /// Failures since the last success.
    pub consecutive_failures: u32,
    /// Items stored over all runs.
    pub items_stored: u64,
}

/// Everything a render needs, built once.
pub struct Model {
    /// Editions, newest first.
    pub editions: Vec<EditionView>,
    /// Companies by name.
    pub companies: Vec<CompanyView>,
    /// Sources in the order of sources.toml, then removed ones by name.
    pub sources: Vec<SourceView>,
}

impl Model {
    /// Builds the model from content, configuration and health.
    pub fn build(
        config: &Config,
        editions: &[Edition],
        store: &ItemStore,
        health: &Health,
    ) -> Model {
        let calendar = Calendar::new(config);
        let site = &config.site;
        let titles: HashMap<&str, &str> = store
            .items()
            .iter()
            .map(|s| (s.meta.id.as_str(), s.meta.title.as_str()))
            .collect();
        let mut views: Vec<EditionView> = editions
            .par_iter()
            .map(|e| edition_view(e, site, &calendar, &titles))
            .collect();
        views.reverse();
        let items = item_views(store, editions, site);
        Model {
            companies: companies(&items),
            sources: sources(config, &items, health),
            editions: views,
        }
    }
}

fn edition_view(
    edition: &Edition,
    site: &Site,
    calendar: &Calendar,
    titles: &HashMap<&str, &str>,
) -> EditionView {
    let date = edition.meta.date;
    let headline = edition
        .meta
        .signal
        .as_ref()
        .or(edition.meta.items.first())
        .and_then(|id| titles.get(id.as_str()))
        .map(|title| markdown::printable(title).into_owned())
        .unwrap_or_default();
    let url = format!("editions/{}.html", date.format("%Y-%m-%d"));
    EditionView {
        date: date.format("%Y-%m-%d").to_string(),
        date_long: long_date(date),
        title: format!("{} — {}", site.title, date.format("%Y-%m-%d")),
        permalink: absolute(site, &url),
        url,
        headline,
        count: edition.meta.items.len(),
        html: Arc::from(""),
        html_from_root: Arc::from(""),
        html_absolute: Arc::from(""),
        markdown: edition.body.clone(),
        published: calendar
            .closes(date)
            .with_timezone(&site.timezone)
            .fixed_offset(),
    }
}

/// Renders the sections of the editions at `which` to HTML, several at a
/// time: only the editions a render writes need them. Links to other
/// editions differ with the page they are on; an edition without such
/// links is rendered once.
pub fn fill_html(views: &mut [EditionView], which: &BTreeSet<usize>, site: &Site) {
    views
        .par_iter_mut()
        .enumerate()
        .filter(|(i, _)| which.contains(i))
        .for_each(|(_, view)| {
            if !view.html.is_empty() {
                return;
            }
            view.html = markdown::to_html_linking(&view.markdown, &|d| format!("{d}.html")).into();
            if view.markdown.contains("](edition:") {
                view.html_from_root = markdown::to_html(&view.markdown).into();
                let absolute = |d: &str| absolute(site, &format!("editions/{d}.html"));
                view.html_absolute = markdown::to_html_linking(&view.markdown, &absolute).into();
            } else {
                view.html_from_root = Arc::clone(&view.html);
                view.html_absolute = Arc::clone(&view.html);
            }
        });
}

/// Every item, newest first, each with the edition that carried it.
fn item_views(store: &ItemStore, editions: &[Edition], site: &Site) -> Vec<Arc<ItemView>> {
    let mut edition_of: HashMap<&str, NaiveDate> = HashMap::new();
    for edition in editions {
        for id in &edition.meta.items {
            edition_of.entry(id.as_str()).or_insert(edition.meta.date);
        }
    }
    let mut items: Vec<Arc<ItemView>> = store
        .items()
        .par_iter()
        .map(|stored| {
            Arc::new(item_view(
                stored,
                edition_of.get(stored.meta.id.as_str()),
                site,
            ))
        })
        .collect();
    items.par_sort_unstable_by(|a, b| b.published.cmp(&a.published).then(a.id.cmp(&b.id)));
    items
}

fn item_view(stored: &StoredItem, edition: Option<&NaiveDate>, site: &Site) -> ItemView {
    let meta = &stored.meta;
    let day = meta.local_date(site.timezone);
    ItemView {
        id: meta.id.clone(),
        title: markdown::printable(&meta.title).into_owned(),
        url: crate::html::web_link(&meta.url).unwrap_or_default(),
        company: meta.company.clone(),
        source: meta.source.clone(),
        date: day.format("%Y-%m-%d").to_string(),
        date_long: day.format("%-d %B %Y").to_string(),
        edition: edition.map(|date| EditionLink {
            date_long: long_date(*date),
            url: format!("editions/{}.html", date.format("%Y-%m-%d")),
        }),
        published: meta.published,
        path: stored.path.clone(),
    }
}

/// Companies by name, each with its items (`items` is newest first).
fn companies(items: &[Arc<ItemView>]) -> Vec<CompanyView> {
    let mut by_name: BTreeMap<&str, Vec<&Arc<ItemView>>> = BTreeMap::new();
    for item in items {
        by_name.entry(item.company.as_str()).or_default().push(item);
    }
    let mut slugs = Slugs::default();
    by_name
        .into_iter()
        .map(|(name, items)| {
            let slug = slugs.unique(name, "company");
            CompanyView {
                name: name.to_string(),
                url: format!("companies/{slug}.html"),
                feed: format!("companies/{slug}.xml"),
                count: items.len(),
                newest: items[0].date.clone(),
                items: items.into_iter().cloned().collect(),
            }
        })
        .collect()
}

/// The configured sources, then sources that items name but the
/// configuration no longer lists, each with its items.
fn sources(config: &Config, items: &[Arc<ItemView>], health: &Health) -> Vec<SourceView> {
    let mut by_name: HashMap<&str, Vec<&Arc<ItemView>>> = HashMap::new();
    for item in items {
        by_name.entry(item.source.as_str()).or_default().push(item);
    }
    let mut slugs = Slugs::default();
    let health = Days {
        health,
        timezone: config.site.timezone,
    };
    let mut views: Vec<SourceView> = Vec::new();
    for source in &config.sources {
        let items = by_name.remove(source.name.as_str()).unwrap_or_default();
        let kind = match source.kind {
            SourceKind::Company => "company",
            SourceKind::Aggregator => "aggregator",
        };
        let mut view = source_view(&source.name, &mut slugs, items, &health);
        view.company = source.company.clone();
        view.kind = kind;
        view.enabled = source.enabled;
        view.feed = source.feed.to_string();
        views.push(view);
    }
    let mut removed: Vec<(&str, Vec<&Arc<ItemView>>)> = by_name.into_iter().collect();
    removed.sort_by(|a, b| a.0.cmp(b.0));
    for (name, items) in removed {
        views.push(source_view(name, &mut slugs, items, &health));
    }
    views
}

/// A source's page from its items alone, as for a source removed from the
/// configuration; the caller adds what the configuration says.
fn source_view(
    name: &str,
    slugs: &mut Slugs,
    items: Vec<&Arc<ItemView>>,
    health: &Days,
) -> SourceView {
    let slug = slugs.unique(name, "source");
    SourceView {
        name: name.to_string(),
        url: format!("sources/{slug}.html"),
        company: items.first().map(|i| i.company.clone()).unwrap_or_default(),
        kind: "removed",
        enabled: false,
        feed: String::new(),
        count: items.len(),
        newest: items.first().map(|i| i.date.clone()),
        health: health.view(name),
        items: items.into_iter().cloned().collect(),
    }
}

/// Source health as the pages show it: times as days in the site's time
/// zone, so that running the same day's build again changes no page.
struct Days<'a> {
    health: &'a Health,
    timezone: chrono_tz::Tz,
}

impl Days<'_> {
    fn view(&self, name: &str) -> Option<HealthView> {
        let health: &SourceHealth = self.health.source(name)?;
        let status = match (health.consecutive_failures, &health.last_success) {
            (0, Some(_)) => "ok",
            (0, None) => "never fetched",
            _ => "failing",
        };
        let day = |t: &DateTime<FixedOffset>| {
            t.with_timezone(&self.timezone)
                .format("%Y-%m-%d")
                .to_string()
        };
        Some(HealthView {
            status,
            last_success: health.last_success.as_ref().map(day),
            last_error: health.last_error.clone(),
            last_error_at: health.last_error_at.as_ref().map(day),
            consecutive_failures: health.consecutive_failures,
            items_stored: health.items_stored,
        })
    }
}

/// Hands out slugs that no other page of the same kind has.
#[derive(Default)]
struct Slugs(HashSet<String>);

impl Slugs {
    fn unique(&mut self, name: &str, fallback: &str) -> String {
        let mut base = slugify(name, 60);
        if base.is_empty() {
            base = fallback.to_string();
        }
        let mut slug = base.clone();
        let mut n = 2;
        while !self.0.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        slug
    }
}

/// `Tuesday, 22 July 2025`.
pub fn long_date(date: NaiveDate) -> String {
    date.format("%A, %-d %B %Y").to_string()
}

/// The absolute address of a path of the site.
pub fn absolute(site: &Site, path: &str) -> String {
    site.base_url
        .join(path)
        .map(|u| u.to_string())
        .unwrap_or_else(|_| format!("{}{path}", site.base_url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_never_repeat() {
        let mut slugs = Slugs::default();
        assert_eq!(slugs.unique("Google", "x"), "google");
        assert_eq!(slugs.unique("google", "x"), "google-2");
        assert_eq!(slugs.unique("!!!", "company"), "company");
    }
}
