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
pub mod plan;
pub mod sitemap;
pub mod templates;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use tracing::{debug, info, warn};

use crate::config::Config;
use crate::content::Content;
use crate::health::Health;
use crate::layout::Layout;
use crate::progress::Progress;
use crate::store::write_atomic;
use model::Model;
use plan::{Job, Kind, Manifest};
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

/// Renders the site into `public/`: only the files whose inputs changed
/// since the last render, each replaced in place through a temporary file;
/// or, when there was no render or the configuration, templates or digest
/// changed, the whole site, built beside `public/` and swapped in.
pub fn run(layout: &Layout, config: &Config) -> Result<RenderReport> {
    render(layout, config, &Content::load(layout, config)?)
}

/// Renders `content` into `public/` (see [`run`]).
pub fn render(layout: &Layout, config: &Config, content: &Content) -> Result<RenderReport> {
    let started = Instant::now();
    let (templates, mut model, jobs, global) = prepare(layout, config, content)?;
    let manifest_path = layout.state_dir().join("render.json");
    let manifest = Manifest::load(&manifest_path);
    let public = layout.public_dir();
    if public.exists() && !public.is_dir() {
        bail!(
            "{} is a file, not a folder: move it away, and the site is written there",
            public.display()
        );
    }
    let current = manifest.global == global && public.is_dir();
    // A `public` that is a symbolic link (to a web server's folder, say)
    // stays one: the whole site is then written in place, not swapped.
    let linked = std::fs::symlink_metadata(&public).is_ok_and(|m| m.file_type().is_symlink())
        && public.is_dir();
    let in_place = current || linked;
    let todo: Vec<&Job> = jobs
        .par_iter()
        .filter(|job| {
            !current
                || manifest.outputs.get(&job.path) != Some(&job.key)
                || !public.join(&job.path).is_file()
        })
        .collect();
    let files = todo.len();
    if in_place {
        remove_leftovers(&public, &todo)?;
        let write = |path: &str, bytes: &[u8]| write_atomic(&public.join(path), bytes);
        render_jobs(&todo, &templates, config, &mut model, &write)?;
        remove_stale(&public, &manifest, &jobs)?;
    } else {
        let staging = output::fresh_dir(layout.root(), ".public.new")?;
        let write = |path: &str, bytes: &[u8]| output::write_new(&staging, path, bytes);
        if let Err(e) = render_jobs(&todo, &templates, config, &mut model, &write) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
        output::swap_into_place(&staging, &public)?;
    }
    if let Err(e) = Manifest::of(&global, &jobs).save(&manifest_path) {
        // Without it the next render writes the whole site again.
        warn!("{e:#}; the next render writes every file again");
    }
    info!(
        "rendered {} editions into {}: {} of {} files written in {} ms",
        model.editions.len(),
        public.display(),
        files,
        jobs.len(),
        started.elapsed().as_millis()
    );
    Ok(RenderReport {
        editions: model.editions.len(),
        files,
    })
}

/// Renders the whole site into `dir`, an empty folder, whatever was rendered before.
pub fn render_into(layout: &Layout, config: &Config, dir: &Path) -> Result<RenderReport> {
    let content = Content::load(layout, config)?;
    let (templates, mut model, jobs, _) = prepare(layout, config, &content)?;
    let all: Vec<&Job> = jobs.iter().collect();
    let write = |path: &str, bytes: &[u8]| output::write_new(dir, path, bytes);
    render_jobs(&all, &templates, config, &mut model, &write)?;
    Ok(RenderReport {
        editions: model.editions.len(),
        files: all.len(),
    })
}

/// The templates, the model of the site, every job and the global key.
fn prepare(
    layout: &Layout,
    config: &Config,
    content: &Content,
) -> Result<(Templates, Model, Vec<Job>, String)> {
    let templates = Templates::load(&layout.templates_dir())?;
    let model = load_model(layout, config, content);
    let config_text = std::fs::read_to_string(layout.config()).unwrap_or_default();
    let global = plan::global_key(&config_text, templates.fingerprint());
    let files = static_files(&layout.static_dir())?;
    let started = Instant::now();
    let jobs = plan::jobs(&model, &global, files, config.site.feed_entries);
    debug!(
        "planned {} files in {} ms",
        jobs.len(),
        started.elapsed().as_millis()
    );
    Ok((templates, model, jobs, global))
}

/// The stylesheet, the icon and every file of `static/` (which may replace
/// either), with their paths below `public/`.
fn static_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = vec![
        ("style.css".to_string(), STYLE.as_bytes().to_vec()),
        ("favicon.svg".to_string(), FAVICON.as_bytes().to_vec()),
    ];
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        let mut paths: Vec<std::path::PathBuf> =
            entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
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
            files.retain(|(p, _)| *p != relative);
            files.push((relative, bytes));
        }
    }
    Ok(files)
}

/// Renders `jobs` and hands each file to `write` as soon as it is
/// rendered, several at a time; the editions they show are turned into HTML
/// first, and only those. Pages that others link to are all written before
/// the pages and feeds that list them.
fn render_jobs(
    jobs: &[&Job],
    templates: &Templates,
    config: &Config,
    model: &mut Model,
    write: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync),
) -> Result<()> {
    let site = &config.site;
    let mut needed = std::collections::BTreeSet::new();
    for job in jobs {
        match job.kind {
            Kind::Edition(i) | Kind::EmailHtml(i) | Kind::EmailText(i) => {
                needed.insert(i);
            }
            Kind::Index if !model.editions.is_empty() => {
                needed.insert(0);
            }
            Kind::Rss | Kind::Atom | Kind::JsonFeed => {
                needed.extend(0..model.editions.len().min(site.feed_entries))
            }
            _ => {}
        }
    }
    model::fill_html(&mut model.editions, &needed, site);
    let model = &*model;
    let progress = Progress::bar(jobs.len(), "files");
    let (leaves, hubs): (Vec<&Job>, Vec<&Job>) =
        jobs.iter().partition(|job| !job.kind.lists_others());
    for batch in [leaves, hubs] {
        // Rendering runs on every core; one thread writes, since files
        // created side by side in one folder only wait for each other.
        let (sender, receiver) = std::sync::mpsc::sync_channel::<(&str, Vec<u8>)>(64);
        let progress = &progress;
        std::thread::scope(|scope| {
            let writer = scope.spawn(move || -> Result<()> {
                for (path, bytes) in receiver {
                    write(path, &bytes)?;
                    progress.inc();
                }
                Ok(())
            });
            let rendered = batch.par_iter().try_for_each_with(sender, |sender, job| {
                let bytes = render_job(job, templates, config, model)
                    .with_context(|| format!("cannot render {}", job.path))?;
                sender
                    .send((job.path.as_str(), bytes))
                    .map_err(|_| anyhow::anyhow!("the writer stopped"))
            });
            let written = writer.join().expect("the writer thread panicked");
            written.and(rendered)
        })?;
    }
    Ok(())
}

/// Renders one file.
fn render_job(job: &Job, templates: &Templates, config: &Config, model: &Model) -> Result<Vec<u8>> {
    let site = &config.site;
    let views = &model.editions;
    let text = match &job.kind {
        Kind::File(bytes) => return Ok(bytes.as_ref().clone()),
        Kind::Edition(i) => pages::edition(templates, site, views, *i)?,
        Kind::EmailHtml(i) => email::html(templates, site, &views[*i], &email::inliner())?,
        Kind::EmailText(i) => email::text(templates, site, &views[*i])?,
        Kind::Company(i) => pages::company(templates, site, &model.companies[*i])?,
        Kind::CompanyFeed(i) => feed::company_rss(site, &model.companies[*i])?,
        Kind::Source(i) => pages::source(templates, site, &model.sources[*i])?,
        Kind::Companies => pages::companies(templates, site, &model.companies)?,
        Kind::Sources => pages::sources(templates, site, &model.sources)?,
        Kind::Subscribe => pages::subscribe(templates, site, &model.companies)?,
        Kind::NotFound => pages::not_found(templates, site)?,
        Kind::Archive => pages::archive(templates, site, views)?,
        Kind::Index => pages::index(templates, site, model)?,
        Kind::Rss => feed::rss(site, views)?,
        Kind::Atom => feed::atom(site, views)?,
        Kind::JsonFeed => feed::json_feed(site, views)?,
        Kind::Opml => opml::opml(config),
        Kind::Sitemap => sitemap::sitemap(site, model),
        Kind::Robots => sitemap::robots(site),
    };
    Ok(text.into_bytes())
}

/// Removes the temporary files that a render killed while writing in
/// place left in the folders this render writes to.
fn remove_leftovers(public: &Path, jobs: &[&Job]) -> Result<()> {
    let folders: std::collections::BTreeSet<std::path::PathBuf> = jobs
        .iter()
        .filter_map(|j| public.join(&j.path).parent().map(Path::to_path_buf))
        .collect();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

/// Removes the files of `public/` that no job writes any more.
fn remove_stale(public: &Path, manifest: &Manifest, jobs: &[Job]) -> Result<()> {
    let current: std::collections::HashSet<&str> = jobs.iter().map(|j| j.path.as_str()).collect();
    // Only names a render could have written: nothing outside `public/`.
    let inside = |p: &str| {
        Path::new(p)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
    };
    for stale in manifest
        .outputs
        .keys()
        .filter(|p| !current.contains(p.as_str()) && inside(p))
    {
        match std::fs::remove_file(public.join(stale)) {
            Ok(()) => {
                debug!("removed {stale}");
                // Folders left empty go too, as a render from nothing has none.
                let mut folder = Path::new(stale.as_str()).parent();
                while let Some(dir) = folder.filter(|d| !d.as_os_str().is_empty()) {
                    if std::fs::remove_dir(public.join(dir)).is_err() {
                        break;
                    }
                    folder = dir.parent();
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot remove {}", public.join(stale).display()));
            }
        }
    }
    Ok(())
}

/// Reads editions, items and source health into the model of the site.
fn load_model(layout: &Layout, config: &Config, content: &Content) -> Model {
    let started = Instant::now();
    for problem in &content.edition_problems {
        warn!("{problem:#}; this edition is left out of the site until it is fixed");
    }
    for problem in &content.item_problems {
        debug!("{problem:#}; this item is left out of the site");
    }
    let health = Health::load(&layout.state_dir()).unwrap_or_else(|e| {
        warn!("{e:#}; the source-health page shows no health until then");
        Health::default()
    });
    let model = Model::build(config, &content.editions, &content.store, &health);
    debug!(
        "built the model of the site in {} ms",
        started.elapsed().as_millis()
    );
    model
}
