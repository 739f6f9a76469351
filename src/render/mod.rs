//! `digest render`: the static site in `public/`, from content, templates,
//! static files, config and source health alone.
//!
//! Pages: `index.html` (the latest edition and the recent ones),
//! `editions/<yyyy-mm-dd>.html` (one per edition, with `.email.html` and
//! `.txt` beside it), `archive.html` (all editions by month),
//! `companies/index.html` and `companies/<slug>.html`, `sources/index.html`
//! (the sources and their health) and `sources/<slug>.html`,
//! `subscribe.html` and `404.html`. Feeds and lists: `rss.xml`, `atom.xml`,
//! `feed.json`, `companies/<slug>.xml`, `sources.opml`, `sitemap.xml` and
//! `robots.txt`. Links between pages are relative, so the site works from
//! any folder of any host and from the disk; feeds use absolute addresses.
//!
//! The site is built in a folder beside `public/` and swapped in whole at
//! the end: a failed or killed render leaves the previous site in place.

pub mod email;
pub mod feed;
pub mod markdown;
pub mod model;
pub mod opml;
pub mod output;
pub mod pages;
pub mod sitemap;
pub mod templates;

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use tracing::{debug, info, warn};

use crate::compose::edition;
use crate::config::Config;
use crate::health::Health;
use crate::layout::Layout;
use crate::store::ItemStore;
use model::Model;
use output::Output;
use templates::Templates;

pub use model::EditionView;

/// The built-in stylesheet, replaced by `static/style.css` when a site has one.
pub const STYLE: &str = include_str!("../../static/style.css");
/// The built-in icon, replaced by `static/favicon.svg` when a site has one.
pub const FAVICON: &str = include_str!("../../static/favicon.svg");

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
    let started = Instant::now();
    let staging = output::fresh_dir(layout.root(), ".public.new")?;
    let report = match render_into(layout, config, &staging) {
        Ok(report) => report,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    output::swap_into_place(&staging, &layout.public_dir())?;
    info!(
        "rendered {} editions into {} ({} files) in {} ms",
        report.editions,
        layout.public_dir().display(),
        report.files,
        started.elapsed().as_millis()
    );
    Ok(report)
}

/// Renders the whole site into `dir`, an empty folder.
pub fn render_into(layout: &Layout, config: &Config, dir: &Path) -> Result<RenderReport> {
    let templates = Templates::load(&layout.templates_dir())?;
    let model = load_model(layout, config)?;
    let mut out = Output::new(dir);
    write_site(&mut out, &templates, layout, config, &model)?;
    Ok(RenderReport {
        editions: model.editions.len(),
        files: out.files(),
    })
}

/// Reads editions, items and source health into the model of the site.
fn load_model(layout: &Layout, config: &Config) -> Result<Model> {
    let started = Instant::now();
    let (editions, problems) = edition::load_all(&layout.editions_dir())?;
    for problem in &problems {
        warn!("{problem:#}; this edition is left out of the site until it is fixed");
    }
    let (store, problems) = ItemStore::load(&layout.items_dir(), config.site.timezone)?;
    for problem in &problems {
        debug!("{problem:#}; this item is left out of the site");
    }
    let health = Health::load(&layout.state_dir()).unwrap_or_else(|e| {
        warn!("{e:#}; the source-health page shows no health until then");
        Health::default()
    });
    let model = Model::build(config, &editions, &store, &health);
    debug!("read the content in {} ms", started.elapsed().as_millis());
    Ok(model)
}

fn write_site(
    out: &mut Output,
    templates: &Templates,
    layout: &Layout,
    config: &Config,
    model: &Model,
) -> Result<()> {
    let site = &config.site;
    out.write("style.css", STYLE.as_bytes())?;
    out.write("favicon.svg", FAVICON.as_bytes())?;
    out.copy_static(&layout.static_dir())?;

    let started = Instant::now();
    pages::write_all(out, templates, site, model)?;
    debug!("wrote the pages in {} ms", started.elapsed().as_millis());

    let started = Instant::now();
    out.write("rss.xml", feed::rss(site, &model.editions)?.as_bytes())?;
    out.write("atom.xml", feed::atom(site, &model.editions)?.as_bytes())?;
    out.write(
        "feed.json",
        feed::json_feed(site, &model.editions)?.as_bytes(),
    )?;
    for company in &model.companies {
        out.write(&company.feed, feed::company_rss(site, company)?.as_bytes())?;
    }
    out.write("sources.opml", opml::opml(config).as_bytes())?;
    out.write("sitemap.xml", sitemap::sitemap(site, model).as_bytes())?;
    out.write("robots.txt", sitemap::robots(site).as_bytes())?;
    debug!("wrote the feeds in {} ms", started.elapsed().as_millis());

    let started = Instant::now();
    email::write_all(out, templates, site, &model.editions)?;
    debug!("wrote the emails in {} ms", started.elapsed().as_millis());
    Ok(())
}
