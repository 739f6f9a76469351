//! `digest render`: the static site in `public/`, from content, templates,
//! static files and config alone.
//!
//! Pages: `index.html` (the latest edition and the recent ones),
//! `editions/<yyyy-mm-dd>.html` (one per edition), `archive.html` (all
//! editions by month), and `rss.xml`. Links between pages are relative, so
//! the site works from any folder of any host and from the disk.
//!
//! The site is built in a folder beside `public/` and swapped in whole at
//! the end: a failed or killed render leaves the previous site in place.

pub mod feed;
pub mod markdown;
pub mod templates;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;
use tera::Tera;
use tracing::{info, warn};

use crate::compose::Calendar;
use crate::compose::edition::{self, Edition};
use crate::config::{Config, Site};
use crate::layout::Layout;
use crate::store::ItemStore;

/// The built-in stylesheet, replaced by `static/style.css` when a site has one.
const STYLE: &str = include_str!("../../static/style.css");
/// Recent editions listed on the index page.
const RECENT: usize = 10;

/// An edition as the templates and the feed see it.
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
    /// The Signal's title, or the first item's.
    pub headline: String,
    /// Number of items.
    pub count: usize,
    /// The sections as HTML.
    pub html: String,
    /// When the edition's day closed: its date in feeds.
    #[serde(skip)]
    pub published: DateTime<FixedOffset>,
}

/// What a render produced.
#[derive(Debug, Default)]
pub struct RenderReport {
    /// Editions rendered.
    pub editions: usize,
    /// Files written.
    pub files: usize,
}

/// Renders the whole site into `public/`.
pub fn run(layout: &Layout, config: &Config) -> Result<RenderReport> {
    let tera = templates::load(&layout.templates_dir())?;
    let (editions, problems) = edition::load_all(&layout.editions_dir())?;
    for problem in &problems {
        warn!("{problem:#}; this edition is left out of the site until it is fixed");
    }
    let (store, _) = ItemStore::load(&layout.items_dir(), config.site.timezone)?;
    let titles: HashMap<&str, &str> = store
        .items()
        .iter()
        .map(|s| (s.meta.id.as_str(), s.meta.title.as_str()))
        .collect();
    let calendar = Calendar::new(config);
    let mut views: Vec<EditionView> = editions
        .iter()
        .map(|e| view(e, &config.site, &calendar, &titles))
        .collect();
    views.reverse();

    let staging = staging_dir(layout)?;
    let mut site = Output {
        root: staging.clone(),
        files: 0,
    };
    let result = write_site(&mut site, &tera, config, layout, &views);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap_into_place(&staging, &layout.public_dir())?;
    info!(
        "rendered {} editions into {} ({} files)",
        views.len(),
        layout.public_dir().display(),
        site.files
    );
    Ok(RenderReport {
        editions: views.len(),
        files: site.files,
    })
}

fn write_site(
    site: &mut Output,
    tera: &Tera,
    config: &Config,
    layout: &Layout,
    views: &[EditionView],
) -> Result<()> {
    site.write("style.css", STYLE.as_bytes())?;
    copy_static(&layout.static_dir(), site)?;

    for (i, edition) in views.iter().enumerate() {
        let mut context = base_context(&config.site, "../");
        context.insert("edition", edition);
        context.insert("next", &i.checked_sub(1).map(|n| &views[n]));
        context.insert("previous", &views.get(i + 1));
        site.render(tera, "edition.html", &context, &edition.url)?;
    }

    let mut context = base_context(&config.site, "");
    context.insert("latest", &views.first());
    context.insert(
        "recent",
        &views.iter().skip(1).take(RECENT).collect::<Vec<_>>(),
    );
    site.render(tera, "index.html", &context, "index.html")?;

    let mut context = base_context(&config.site, "");
    context.insert("count", &views.len());
    context.insert("months", &months(views));
    site.render(tera, "archive.html", &context, "archive.html")?;

    site.write("rss.xml", feed::rss(&config.site, views).as_bytes())?;
    Ok(())
}

fn view(
    edition: &Edition,
    site: &Site,
    calendar: &Calendar,
    titles: &HashMap<&str, &str>,
) -> EditionView {
    let date = edition.meta.date;
    let headline_id = edition.meta.signal.as_ref().or(edition.meta.items.first());
    let headline = headline_id
        .and_then(|id| titles.get(id.as_str()))
        .copied()
        .unwrap_or("")
        .to_string();
    let closed = calendar
        .closes(date)
        .with_timezone(&site.timezone)
        .fixed_offset();
    EditionView {
        date: date.format("%Y-%m-%d").to_string(),
        date_long: long_date(date),
        title: format!("{} — {}", site.title, date.format("%Y-%m-%d")),
        url: format!("editions/{}.html", date.format("%Y-%m-%d")),
        headline,
        count: edition.meta.items.len(),
        html: markdown::to_html(&edition.body),
        published: closed,
    }
}

/// `Tuesday, 22 July 2025`.
fn long_date(date: NaiveDate) -> String {
    date.format("%A, %-d %B %Y").to_string()
}

#[derive(Serialize)]
struct Month<'a> {
    id: String,
    label: String,
    editions: Vec<&'a EditionView>,
}

/// Editions grouped by month, newest first (`views` is newest first).
fn months(views: &[EditionView]) -> Vec<Month<'_>> {
    let mut months: Vec<Month> = Vec::new();
    for view in views {
        let key = &view.date[..7];
        if months.last().is_none_or(|m| m.id != format!("m-{key}")) {
            let first =
                NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").unwrap_or_default();
            months.push(Month {
                id: format!("m-{key}"),
                label: first.format("%B %Y").to_string(),
                editions: Vec::new(),
            });
        }
        months.last_mut().expect("a month").editions.push(view);
    }
    months
}

fn base_context(site: &Site, root: &str) -> tera::Context {
    #[derive(Serialize)]
    struct SiteView<'a> {
        title: &'a str,
        description: &'a str,
        language: &'a str,
        base_url: &'a str,
        author: Option<&'a str>,
    }
    let mut context = tera::Context::new();
    context.insert(
        "site",
        &SiteView {
            title: &site.title,
            description: &site.description,
            language: &site.language,
            base_url: site.base_url.as_str(),
            author: site.author.as_deref(),
        },
    );
    context.insert("root", root);
    context
}

/// The folder a render writes into before it becomes `public/`.
fn staging_dir(layout: &Layout) -> Result<PathBuf> {
    let staging = layout.root().join(".public.new");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot remove the leftover {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging)
        .with_context(|| format!("cannot create {}", staging.display()))?;
    Ok(staging)
}

/// Replaces `public` with `staging`: the old site stays until the new one is whole.
fn swap_into_place(staging: &Path, public: &Path) -> Result<()> {
    let old = public.with_file_name(".public.old");
    if old.exists() {
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove {}", old.display()))?;
    }
    if public.exists() {
        std::fs::rename(public, &old)
            .with_context(|| format!("cannot move {} aside", public.display()))?;
    }
    std::fs::rename(staging, public)
        .with_context(|| format!("cannot move the new site to {}", public.display()))?;
    if old.exists() {
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove {}", old.display()))?;
    }
    Ok(())
}

/// The folder being written.
struct Output {
    root: PathBuf,
    files: usize,
}

impl Output {
    fn write(&mut self, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        self.files += 1;
        Ok(())
    }

    fn render(
        &mut self,
        tera: &Tera,
        template: &str,
        context: &tera::Context,
        relative: &str,
    ) -> Result<()> {
        let html = tera
            .render(template, context)
            .map_err(|e| anyhow!("rendering {relative} with {template}: {e}"))?;
        self.write(relative, html.as_bytes())
    }
}

/// Copies `static/` into the site as it is.
fn copy_static(dir: &Path, site: &mut Output) -> Result<()> {
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(dir)
                .expect("below static/")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            site.write(&relative, &bytes)?;
        }
    }
    Ok(())
}
