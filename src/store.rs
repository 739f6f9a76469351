//! The item store: every article ever fetched, one markdown file each, under
//! `content/items/<source>/<yyyy-mm-dd>-<slug>.md`.
//!
//! The store never loses an item and never keeps one twice: an article is
//! known by its id (its canonical URL) and, across the sources of one
//! company, by its title. Files are only ever written whole, through a
//! temporary file renamed into place.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use chrono_tz::Tz;

use crate::cache::FileCache;
use crate::cache::record::ItemRecord;
use crate::item::{Item, ItemMeta, TextFrom};
use crate::slug::slugify;

/// Reads a whole text file, naming it in the error.
pub fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed into place: readers, and a run killed at any moment, see the old
/// file or the new one, never a part. (Files are not flushed to the disk
/// one by one: against a power cut, the file system's own ordering of
/// writes and renames applies.)
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut file = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .with_context(|| format!("cannot move into place {}", path.display()))?;
    Ok(())
}

/// Every markdown file below `dir`, sorted, skipping temporary files.
pub fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let entries = match std::fs::read_dir(&next) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot list {}", next.display())),
        };
        for entry in entries {
            let path = entry
                .with_context(|| format!("cannot list {}", next.display()))?
                .path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with(".tmp-") {
                // Left by a run that was killed while writing; the file it
                // was to replace is still whole.
                let _ = std::fs::remove_file(&path);
                continue;
            }
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if name.ends_with(".md") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// An item known to the store: its front matter and where its file is.
#[derive(Debug, Clone)]
pub struct StoredItem {
    /// The item's front matter.
    pub meta: ItemMeta,
    /// Its file.
    pub path: PathBuf,
}

/// What happened to an item offered to the store.
#[derive(Debug, PartialEq)]
pub enum Insert {
    /// A new item, written to this file.
    Stored(PathBuf),
    /// The store already had it, and its file was rewritten with what the
    /// feed says of it now.
    Updated(PathBuf),
    /// The store already had it (same id, or same company and title).
    Known,
}

/// The items under `content/items/`, indexed for deduplication.
pub struct ItemStore {
    root: PathBuf,
    timezone: Tz,
    items: Vec<StoredItem>,
    by_id: HashMap<String, usize>,
    /// Items by company and title, built when first needed (fetching needs
    /// it; composing and rendering do not).
    by_title: OnceLock<HashMap<String, Vec<usize>>>,
    /// Every file name taken, built when first needed.
    paths: OnceLock<HashSet<PathBuf>>,
    /// Files that could not be read: their names are taken too.
    unreadable: Vec<PathBuf>,
    /// Ids stored or updated in this run: a feed that lists an article
    /// twice does not make it change back and forth.
    touched: HashSet<String>,
    /// Files decided in this run and not written yet (see [`ItemStore::flush`]).
    pending: HashMap<PathBuf, Item>,
}

impl ItemStore {
    /// Loads every item below `root`. Files that cannot be read are returned
    /// as problems, left untouched, and their names are never reused.
    pub fn load(root: &Path, timezone: Tz) -> Result<(ItemStore, Vec<anyhow::Error>)> {
        ItemStore::load_with(root, timezone, None)
    }

    /// Loads every item below `root`, reading only the files that changed
    /// since the cache at `cache` saw them. The store's front matter leaves
    /// out each item's summary; read the item for it.
    pub fn load_cached(
        root: &Path,
        timezone: Tz,
        cache: &Path,
    ) -> Result<(ItemStore, Vec<anyhow::Error>)> {
        ItemStore::load_with(root, timezone, Some(cache))
    }

    fn load_with(
        root: &Path,
        timezone: Tz,
        cache: Option<&Path>,
    ) -> Result<(ItemStore, Vec<anyhow::Error>)> {
        let mut store = ItemStore {
            root: root.to_path_buf(),
            timezone,
            items: Vec::new(),
            by_id: HashMap::new(),
            by_title: OnceLock::new(),
            paths: OnceLock::new(),
            unreadable: Vec::new(),
            touched: HashSet::new(),
            pending: HashMap::new(),
        };
        let parse = |path: &Path| {
            let mut meta = Item::read(path)?.meta;
            meta.summary = None;
            Ok(ItemRecord::from(meta))
        };
        let (found, problems) = FileCache::open(cache).read_all(root, parse)?;
        for (path, record) in found {
            store.index(StoredItem {
                meta: record.into(),
                path,
            });
        }
        let problems = problems
            .into_iter()
            .map(|(path, problem)| {
                store.unreadable.push(path);
                problem
            })
            .collect();
        Ok((store, problems))
    }

    /// Every item, in the order of their files.
    pub fn items(&self) -> &[StoredItem] {
        &self.items
    }

    /// The item with this id.
    pub fn get(&self, id: &str) -> Option<&StoredItem> {
        self.by_id.get(id).map(|&i| &self.items[i])
    }

    fn index(&mut self, stored: StoredItem) {
        let position = self.items.len();
        self.by_id.entry(stored.meta.id.clone()).or_insert(position);
        if let Some(titles) = self.by_title.get_mut() {
            titles
                .entry(title_key(&stored.meta))
                .or_default()
                .push(position);
        }
        if let Some(paths) = self.paths.get_mut() {
            paths.insert(stored.path.clone());
        }
        self.items.push(stored);
    }

    fn titles(&self) -> &HashMap<String, Vec<usize>> {
        self.by_title.get_or_init(|| {
            let mut titles: HashMap<String, Vec<usize>> = HashMap::new();
            for (position, stored) in self.items.iter().enumerate() {
                titles
                    .entry(title_key(&stored.meta))
                    .or_default()
                    .push(position);
            }
            titles
        })
    }

    fn taken(&self) -> &HashSet<PathBuf> {
        self.paths.get_or_init(|| {
            self.items
                .iter()
                .map(|s| s.path.clone())
                .chain(self.unreadable.iter().cloned())
                .collect()
        })
    }

    /// The stored item that `meta` duplicates: the same id, or the same
    /// company and title published within a week of each other, or with the
    /// same last path segment in their links (one article under two
    /// addresses, as when a company has two feeds or moves its blog).
    pub fn find_duplicate(&self, meta: &ItemMeta) -> Option<&StoredItem> {
        if let Some(stored) = self.get(&meta.id) {
            return Some(stored);
        }
        // A title or company without a letter or digit ("…", "?!") says
        // nothing of which article it is.
        let key = title_key(meta);
        if key.starts_with('\n') || key.ends_with('\n') {
            return None;
        }
        let candidates = self.titles().get(&key)?;
        candidates.iter().map(|&i| &self.items[i]).find(|stored| {
            let close = (stored.meta.published - meta.published).num_days().abs() <= 7;
            let moved =
                last_segment(&stored.meta.url).is_some_and(|s| Some(s) == last_segment(&meta.url));
            close || moved || stored.meta.undated || meta.undated
        })
    }

    /// Stores `item` unless it is already known. When it is known from
    /// another source, that source is recorded in the stored item; when the
    /// same source now says something else about it, its file is updated.
    pub fn insert(&mut self, item: Item, source_slug: &str) -> Result<Insert> {
        if let Some(stored) = self.find_duplicate(&item.meta) {
            let (path, id) = (stored.path.clone(), stored.meta.id.clone());
            let same_source = stored.meta.source == item.meta.source;
            if !same_source && !stored.meta.also_in.contains(&item.meta.source) {
                self.record_also_in(&path, &id, item.meta.source)?;
                return Ok(Insert::Known);
            }
            if same_source && id == item.meta.id && self.touched.insert(id) {
                return self.update(&path, item);
            }
            return Ok(Insert::Known);
        }
        let path = self.free_path(&item.meta, source_slug);
        self.touched.insert(item.meta.id.clone());
        self.index(StoredItem {
            meta: item.meta.clone(),
            path: path.clone(),
        });
        self.pending.insert(path.clone(), item);
        Ok(Insert::Stored(path))
    }

    /// Writes every file decided since the last flush, several at a time
    /// (each through a temporary file renamed into place). Until then the
    /// store knows the items but their files are not on disk.
    pub fn flush(&mut self) -> Result<()> {
        let pending: Vec<(PathBuf, Item)> = self.pending.drain().collect();
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(8);
        let chunk = pending.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let writers: Vec<_> = pending
                .chunks(chunk)
                .map(|files| {
                    scope.spawn(move || -> Result<()> {
                        for (path, item) in files {
                            write_atomic(path, item.to_text()?.as_bytes())?;
                        }
                        Ok(())
                    })
                })
                .collect();
            writers
                .into_iter()
                .try_for_each(|w| w.join().expect("a writer thread panicked"))
        })
    }

    /// The item at `path`, as decided in this run or else as on disk, and
    /// whether it was waiting to be written.
    fn current(&mut self, path: &Path) -> Result<(Item, bool)> {
        match self.pending.remove(path) {
            Some(item) => Ok((item, true)),
            None => Ok((Item::read(path)?, false)),
        }
    }

    /// Rewrites a stored item with what its source says now, if that
    /// changed: title, link, text, authors, tags and summary follow the feed;
    /// id, dates, company, sources and file name stay. An item whose article
    /// was read from its page keeps that article as its text.
    fn update(&mut self, path: &Path, fresh: Item) -> Result<Insert> {
        let (mut item, was_pending) = self.current(path)?;
        // An article read from its page is never replaced by the feed's teaser.
        let fresh = if item.meta.text_from == TextFrom::Page && fresh.meta.text_from.is_feed() {
            fresh.keeping_article_of(&item)
        } else {
            fresh
        };
        let meta = &mut item.meta;
        let changed = meta.title != fresh.meta.title
            || meta.url != fresh.meta.url
            || item.body.trim_end() != fresh.body.trim_end()
            || meta.authors != fresh.meta.authors
            || meta.tags != fresh.meta.tags
            || meta.summary != fresh.meta.summary;
        if !changed {
            if was_pending {
                self.pending.insert(path.to_path_buf(), item);
            }
            return Ok(Insert::Known);
        }
        meta.title = fresh.meta.title;
        meta.url = fresh.meta.url;
        meta.authors = fresh.meta.authors;
        meta.tags = fresh.meta.tags;
        meta.summary = fresh.meta.summary;
        meta.updated = Some(fresh.meta.first_seen);
        item.body = fresh.body;
        if let Some(&i) = self.by_id.get(&item.meta.id) {
            self.items[i].meta = item.meta.clone();
        }
        self.pending.insert(path.to_path_buf(), item);
        Ok(Insert::Updated(path.to_path_buf()))
    }

    /// Adds `source` to the `also_in` list of the item stored at `path`,
    /// keeping everything else in the file as it is.
    fn record_also_in(&mut self, path: &Path, id: &str, source: String) -> Result<()> {
        let (mut item, _) = self.current(path)?;
        item.meta.also_in.push(source);
        item.meta.also_in.sort();
        if let Some(&i) = self.by_id.get(id) {
            self.items[i].meta = item.meta.clone();
        }
        self.pending.insert(path.to_path_buf(), item);
        Ok(())
    }

    /// A file name for a new item that no other file has: the date and the
    /// title's slug, with a short hash of the id when that is taken.
    fn free_path(&self, meta: &ItemMeta, source_slug: &str) -> PathBuf {
        let mut slug = slugify(&meta.title, 80);
        if slug.is_empty() {
            slug = "item".into();
        }
        let path = self
            .root
            .join(meta.relative_path(source_slug, self.timezone, &slug));
        if !self.taken().contains(&path) && !path.exists() {
            return path;
        }
        let hash = crate::hash::short(&meta.id);
        self.root
            .join(meta.relative_path(source_slug, self.timezone, &format!("{slug}-{hash}")))
    }
}

/// The last non-empty segment of a link's path, when it looks like a slug.
fn last_segment(url: &str) -> Option<&str> {
    let path = url.split(['?', '#']).next()?.splitn(4, '/').nth(3)?;
    let segment = path.trim_end_matches('/').rsplit('/').next()?;
    (segment.len() >= 12 && segment.contains('-')).then_some(segment)
}

/// Company and title reduced to lowercase words, so that the same article
/// under two addresses is recognised.
fn title_key(meta: &ItemMeta) -> String {
    format!(
        "{}\n{}",
        slugify(&meta.company, 80),
        slugify(&meta.title, 200)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn item(id: &str, title: &str, published: &str, body: &str) -> Item {
        let date = DateTime::parse_from_rfc3339(published).unwrap();
        Item {
            meta: ItemMeta::new(id, title, id, ("Google DeepMind", "Google DeepMind"), date),
            body: body.into(),
        }
    }

    fn store() -> (tempfile::TempDir, ItemStore) {
        let dir = tempfile::tempdir().unwrap();
        let (store, problems) = ItemStore::load(dir.path(), chrono_tz::UTC).unwrap();
        assert!(problems.is_empty());
        (dir, store)
    }

    #[test]
    fn a_moved_article_is_the_same_article() {
        let (_dir, mut store) = store();
        let first = item(
            "https://deepmind.google/discover/blog/aeneas-transforms-history",
            "Aeneas transforms history",
            "2025-07-23T14:00:00Z",
            "Text.",
        );
        let moved = item(
            "https://deepmind.google/blog/aeneas-transforms-history",
            "Aeneas transforms history",
            "2025-10-24T09:00:00Z",
            "Text.",
        );
        assert!(matches!(
            store.insert(first, "google-deepmind").unwrap(),
            Insert::Stored(_)
        ));
        assert_eq!(
            store.insert(moved, "google-deepmind").unwrap(),
            Insert::Known
        );
        assert_eq!(store.items().len(), 1);
    }

    #[test]
    fn articles_whose_title_or_company_has_no_word_are_told_apart_by_id() {
        let (_dir, mut store) = store();
        for (id, title) in [("https://x.example/a", "…"), ("https://x.example/b", "?!")] {
            let inserted = store.insert(item(id, title, "2025-03-01T09:00:00Z", "A."), "x");
            assert!(matches!(inserted.unwrap(), Insert::Stored(_)), "{title}");
        }
        for (id, company) in [("https://y.example/a", "…"), ("https://z.example/a", "?!")] {
            let mut same_title = item(id, "Same title", "2025-03-01T09:00:00Z", "A.");
            same_title.meta.company = company.into();
            let inserted = store.insert(same_title, "y").unwrap();
            assert!(matches!(inserted, Insert::Stored(_)), "{company}");
        }
        assert_eq!(store.items().len(), 4);
    }

    #[test]
    fn a_recurring_title_months_apart_is_a_new_article() {
        let (_dir, mut store) = store();
        let march = item(
            "https://x.example/weekly/2025-03-01",
            "This week in engineering",
            "2025-03-01T09:00:00Z",
            "A.",
        );
        let june = item(
            "https://x.example/weekly/2025-06-01",
            "This week in engineering",
            "2025-06-01T09:00:00Z",
            "B.",
        );
        store.insert(march, "x").unwrap();
        assert!(matches!(
            store.insert(june, "x").unwrap(),
            Insert::Stored(_)
        ));
    }

    #[test]
    fn an_article_changed_upstream_is_updated_in_place_once() {
        let (dir, mut store) = store();
        let original = item(
            "https://x.example/post-about-caches",
            "Caches",
            "2025-03-01T09:00:00Z",
            "Old text.",
        );
        let Insert::Stored(path) = store.insert(original, "x").unwrap() else {
            panic!()
        };
        store.flush().unwrap();
        let (mut again, _) = ItemStore::load(dir.path(), chrono_tz::UTC).unwrap();
        let mut changed = item(
            "https://x.example/post-about-caches",
            "Caches, revised",
            "2025-03-09T09:00:00Z",
            "New text.",
        );
        changed.meta.first_seen = DateTime::parse_from_rfc3339("2025-03-10T00:00:00Z").unwrap();
        assert_eq!(
            again.insert(changed.clone(), "x").unwrap(),
            Insert::Updated(path.clone())
        );
        again.flush().unwrap();
        let stored = Item::read(&path).unwrap();
        assert_eq!(stored.meta.title, "Caches, revised");
        assert_eq!(stored.body.trim(), "New text.");
        assert_eq!(
            stored.meta.published.to_rfc3339(),
            "2025-03-01T09:00:00+00:00",
            "the date stays"
        );
        assert_eq!(
            stored.meta.updated.map(|d| d.to_rfc3339()).as_deref(),
            Some("2025-03-10T00:00:00+00:00")
        );
        // Listed twice in one feed, it is not rewritten twice.
        assert_eq!(again.insert(changed, "x").unwrap(), Insert::Known);
    }

    #[test]
    fn an_article_read_from_its_page_is_not_replaced_by_the_teaser() {
        let (dir, mut store) = store();
        let teaser = item(
            "https://x.example/post-about-queues",
            "Queues",
            "2025-03-01T09:00:00Z",
            "A short teaser.",
        );
        let article = crate::item::Article {
            body: "The whole article, at length.".into(),
            url: "https://x.example/post-about-queues".into(),
            byline: Some("Ada".into()),
        };
        let Insert::Stored(path) = store
            .insert(teaser.clone().with_article(article), "x")
            .unwrap()
        else {
            panic!()
        };
        store.flush().unwrap();
        let stored = std::fs::read_to_string(&path).unwrap();

        // The same teaser in a later run changes nothing.
        let (mut again, _) = ItemStore::load(dir.path(), chrono_tz::UTC).unwrap();
        assert_eq!(again.insert(teaser.clone(), "x").unwrap(), Insert::Known);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), stored);

        // A changed teaser becomes the summary; the article stays.
        let (mut later, _) = ItemStore::load(dir.path(), chrono_tz::UTC).unwrap();
        let mut changed = teaser;
        changed.body = "A better teaser.".into();
        assert_eq!(
            later.insert(changed, "x").unwrap(),
            Insert::Updated(path.clone())
        );
        later.flush().unwrap();
        let now = Item::read(&path).unwrap();
        assert_eq!(now.body.trim(), "The whole article, at length.");
        assert_eq!(now.meta.summary.as_deref(), Some("A better teaser."));
        assert_eq!(now.meta.text_from, TextFrom::Page);
        assert_eq!(now.meta.authors, vec!["Ada".to_string()]);
    }
}
