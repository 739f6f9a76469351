//! What a render writes, and what each output depends on.
//!
//! Every file of the site is a job with a key: a hash of everything the file
//! is made from (the edition's markdown and its neighbours' titles for an
//! edition page, the list of a company's articles for its page, and so on),
//! and of what every file is made with (digest's version, the configuration
//! and the templates). A render remembers the keys in `.digest/render.json`;
//! the next render writes only the files whose key changed, so a daily run
//! writes the new edition and the few pages that list it, not the archive.
//!
//! Jobs are listed in the order they are written in place: the pages that
//! others link to first, the pages and feeds that link to them last, so
//! that a render killed half-way never leaves a link to a missing page.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::model::{CompanyView, EditionView, ItemView, Model, SourceView};
use super::pages::recent;
use crate::store::write_atomic;

/// What a job produces.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Bytes as they are: the stylesheet, the icon, a file of `static/`.
    File(std::sync::Arc<Vec<u8>>),
    /// The page of edition `i` (newest first).
    Edition(usize),
    /// The HTML email of edition `i`.
    EmailHtml(usize),
    /// The plain-text email of edition `i`.
    EmailText(usize),
    /// The page of company `i`.
    Company(usize),
    /// The RSS feed of company `i`.
    CompanyFeed(usize),
    /// The page of source `i`.
    Source(usize),
    /// The list of companies.
    Companies,
    /// The source-health page.
    Sources,
    /// How to subscribe.
    Subscribe,
    /// The page for addresses that do not exist.
    NotFound,
    /// The archive.
    Archive,
    /// The index.
    Index,
    /// `rss.xml`.
    Rss,
    /// `atom.xml`.
    Atom,
    /// `feed.json`.
    JsonFeed,
    /// `sources.opml`.
    Opml,
    /// `sitemap.xml`.
    Sitemap,
    /// `robots.txt`.
    Robots,
}

impl Kind {
    /// Whether the file lists or links to many others (the index, the
    /// archive, the feeds, the sitemap): such files are written last.
    pub fn lists_others(&self) -> bool {
        matches!(
            self,
            Kind::Companies
                | Kind::Sources
                | Kind::Subscribe
                | Kind::NotFound
                | Kind::Archive
                | Kind::Index
                | Kind::Rss
                | Kind::Atom
                | Kind::JsonFeed
                | Kind::Opml
                | Kind::Sitemap
                | Kind::Robots
        )
    }
}

/// One file of the site: where it goes, what it is made from, and how.
#[derive(Debug, Clone)]
pub struct Job {
    /// Path below `public/`.
    pub path: String,
    /// Hash of everything the file is made from.
    pub key: String,
    /// What produces it.
    pub kind: Kind,
}

/// A hash being built from the parts of an output's inputs.
struct Key(Sha256);

impl Key {
    fn new(global: &str) -> Key {
        let mut hasher = Sha256::new();
        hasher.update(global.as_bytes());
        Key(hasher)
    }

    fn add(self, part: &str) -> Key {
        self.add_bytes(part.as_bytes())
    }

    fn add_bytes(mut self, part: &[u8]) -> Key {
        self.0.update((part.len() as u64).to_le_bytes());
        self.0.update(part);
        self
    }

    fn edition(self, view: &EditionView) -> Key {
        self.add(&view.date)
            .add(&view.headline)
            .add(&view.count.to_string())
            .add(&view.markdown)
    }

    fn listing(self, view: &EditionView) -> Key {
        self.add(&view.date).add(&view.headline)
    }

    fn item(self, item: &ItemView) -> Key {
        let edition = item.edition.as_ref().map_or("", |e| e.url.as_str());
        self.add(&item.id)
            .add(&item.title)
            .add(&item.url)
            .add(&item.date)
            .add(&item.source)
            .add(&item.company)
            .add(edition)
    }

    fn company(self, company: &CompanyView) -> Key {
        self.add(&company.name)
            .add(&company.url)
            .add(&company.count.to_string())
            .add(&company.newest)
    }

    fn source(self, source: &SourceView) -> Key {
        let health = serde_json::to_string(&source.health).unwrap_or_default();
        let key = self
            .add(&source.name)
            .add(&source.url)
            .add(&source.company)
            .add(source.kind);
        let key = key
            .add(&source.feed)
            .add(&source.count.to_string())
            .add(&health);
        key.add(if source.enabled { "on" } else { "off" })
            .add(source.newest.as_deref().unwrap_or(""))
    }

    fn done(self) -> String {
        self.0
            .finalize()
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The hash of what every output is made with.
pub fn global_key(config_text: &str, templates: &str) -> String {
    Key::new(env!("CARGO_PKG_VERSION"))
        .add(config_text)
        .add(templates)
        .done()
}

/// Every file of the site, in the order they are written in place.
pub fn jobs(
    model: &Model,
    global: &str,
    files: Vec<(String, Vec<u8>)>,
    feed_entries: usize,
) -> Vec<Job> {
    let mut jobs: Vec<Job> = files
        .into_iter()
        .map(|(path, bytes)| {
            let key = Key::new(global).add_bytes(&bytes).done();
            Job {
                path,
                key,
                kind: Kind::File(std::sync::Arc::new(bytes)),
            }
        })
        .collect();
    let views = &model.editions;
    let editions: Vec<[Job; 3]> = views
        .par_iter()
        .enumerate()
        .map(|(i, view)| {
            // Its text is hashed once for its three files.
            let text = Key::new("").edition(view).done();
            let key = |tag: &str| Key::new(global).add(tag).add(&text);
            let (html, plain) = super::email::paths(view);
            let neighbours = [i.checked_sub(1).map(|n| &views[n]), views.get(i + 1)];
            let mut page = key("page");
            for neighbour in neighbours {
                page = page
                    .add(neighbour.map_or("", |n| n.url.as_str()))
                    .add(neighbour.map_or("", |n| n.date_long.as_str()));
            }
            [
                Job {
                    path: html,
                    key: key("email").done(),
                    kind: Kind::EmailHtml(i),
                },
                Job {
                    path: plain,
                    key: key("text").done(),
                    kind: Kind::EmailText(i),
                },
                Job {
                    path: view.url.clone(),
                    key: page.done(),
                    kind: Kind::Edition(i),
                },
            ]
        })
        .collect();
    jobs.extend(editions.into_iter().flatten());
    for (i, company) in model.companies.iter().enumerate() {
        let items = company
            .items
            .iter()
            .fold(Key::new(global).add("company").company(company), |k, i| {
                k.item(i)
            });
        jobs.push(Job {
            path: company.url.clone(),
            key: items.done(),
            kind: Kind::Company(i),
        });
        let newest = &company.items[..company.items.len().min(feed_entries)];
        let feed = newest.iter().fold(
            Key::new(global).add("company feed").company(company),
            |key, item| key.item(item).add(&file_stamp(&item.path)),
        );
        jobs.push(Job {
            path: company.feed.clone(),
            key: feed.done(),
            kind: Kind::CompanyFeed(i),
        });
    }
    for (i, source) in model.sources.iter().enumerate() {
        let items = source
            .items
            .iter()
            .fold(Key::new(global).add("source").source(source), |k, i| {
                k.item(i)
            });
        jobs.push(Job {
            path: source.url.clone(),
            key: items.done(),
            kind: Kind::Source(i),
        });
    }
    hubs(&mut jobs, model, global, feed_entries);
    // A file of static/ that has the name of a page gives way to the page.
    let mut last: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, job) in jobs.iter().enumerate() {
        last.insert(job.path.clone(), i);
    }
    let mut i = 0;
    jobs.retain(|job| {
        i += 1;
        last[&job.path] == i - 1
    });
    jobs
}

/// The pages and feeds that list others: written last.
fn hubs(jobs: &mut Vec<Job>, model: &Model, global: &str, feed_entries: usize) {
    let views = &model.editions;
    let companies = model
        .companies
        .iter()
        .fold(Key::new(global).add("companies"), Key::company)
        .done();
    let sources = model
        .sources
        .iter()
        .fold(Key::new(global).add("sources"), Key::source)
        .done();
    let archive = views
        .iter()
        .fold(Key::new(global).add("archive"), Key::listing)
        .done();
    let latest = views
        .first()
        .map_or(Key::new(global), |v| Key::new(global).edition(v));
    let index = recent(model)
        .fold(latest.add("index"), |key, v| {
            key.listing(v).add(&v.date_long)
        })
        .done();
    let newest = &views[..views.len().min(feed_entries)];
    let feeds = |tag: &str| {
        newest
            .iter()
            .fold(Key::new(global).add(tag), Key::edition)
            .done()
    };
    let sitemap = Key::new(global)
        .add("sitemap")
        .add(&archive)
        .add(&companies)
        .add(&sources)
        .done();
    let plain = |tag: &str| Key::new(global).add(tag).done();
    let hub = [
        ("companies/index.html", companies.clone(), Kind::Companies),
        ("sources/index.html", sources, Kind::Sources),
        (
            "subscribe.html",
            Key::new(global).add("subscribe").add(&companies).done(),
            Kind::Subscribe,
        ),
        ("404.html", plain("404"), Kind::NotFound),
        ("archive.html", archive, Kind::Archive),
        ("index.html", index, Kind::Index),
        ("rss.xml", feeds("rss"), Kind::Rss),
        ("atom.xml", feeds("atom"), Kind::Atom),
        ("feed.json", feeds("json"), Kind::JsonFeed),
        ("sources.opml", plain("opml"), Kind::Opml),
        ("sitemap.xml", sitemap, Kind::Sitemap),
        ("robots.txt", plain("robots"), Kind::Robots),
    ];
    jobs.extend(hub.into_iter().map(|(path, key, kind)| Job {
        path: path.into(),
        key,
        kind,
    }));
}

/// A file's size and modification time, which change when it does.
fn file_stamp(path: &Path) -> String {
    let metadata = std::fs::metadata(path).ok();
    let modified = metadata.as_ref().and_then(|m| m.modified().ok());
    format!("{:?}{:?}", metadata.map(|m| m.len()), modified)
}

/// The keys of the last render, in `.digest/render.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// The global key the outputs were made with.
    pub global: String,
    /// Path below `public/` to key.
    pub outputs: BTreeMap<String, String>,
}

impl Manifest {
    /// The manifest at `path`, empty when missing or damaged.
    pub fn load(path: &Path) -> Manifest {
        let bytes = std::fs::read(path).ok();
        bytes
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// The manifest of `jobs`, all written.
    pub fn of(global: &str, jobs: &[Job]) -> Manifest {
        let outputs = jobs
            .iter()
            .map(|j| (j.path.clone(), j.key.clone()))
            .collect();
        Manifest {
            global: global.to_string(),
            outputs,
        }
    }

    /// Writes the manifest.
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec(self).context("cannot encode the render manifest")?;
        write_atomic(path, &bytes)
    }
}
