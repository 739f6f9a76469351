//! What content files said when last read, kept in `.digest/cache/`, so
//! that a run parses only the files that changed since.
//!
//! An entry is trusted while its file keeps the same size and modification
//! time; any other file is read again (several at a time). The cache is
//! machine state: deleting it costs one slower run, nothing else. It is
//! kept in postcard's compact binary form, the front matter as the
//! [`record`]s that read back without parsing any text.

pub mod record;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::store::write_atomic;

/// Bumped whenever the cached values change shape; it is the first number
/// of the file, read before anything else.
const VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Entry<T> {
    modified: u128,
    size: u64,
    value: T,
}

/// A cache of values parsed from the markdown files below a folder.
pub struct FileCache<T> {
    path: Option<PathBuf>,
    entries: HashMap<String, Entry<T>>,
}

/// What a file's values were read into: each file's path and value, and
/// the files that could not be read, with why.
pub type Read<T> = (Vec<(PathBuf, T)>, Vec<(PathBuf, anyhow::Error)>);

/// A file's modification time (in nanoseconds) and size.
type Stamp = (u128, u64);

/// A file found below a folder: its path, its path relative to the folder,
/// and its stamp.
type Listed = (PathBuf, String, Stamp);

/// A file's size and modification time, which say whether it changed.
fn stamp(metadata: &std::fs::Metadata) -> (u128, u64) {
    let modified = metadata
        .modified()
        .ok()
        .and_then(|m| m.duration_since(UNIX_EPOCH).ok());
    (modified.map_or(0, |d| d.as_nanos()), metadata.len())
}

impl<T: Serialize + DeserializeOwned + Send + Sync> FileCache<T> {
    /// The cache kept at `path` (none when `None`), empty when missing,
    /// damaged or of another version.
    pub fn open(path: Option<&Path>) -> FileCache<T> {
        let bytes = path.and_then(|p| std::fs::read(p).ok()).unwrap_or_default();
        let entries = match postcard::take_from_bytes::<u32>(&bytes) {
            Ok((VERSION, rest)) => postcard::from_bytes(rest).unwrap_or_default(),
            _ => HashMap::new(),
        };
        FileCache {
            path: path.map(Path::to_path_buf),
            entries,
        }
    }

    /// The value of every markdown file below `root`, sorted by path: from
    /// the cache when the file is unchanged, else from `parse` (several at
    /// a time). Writes the cache back when anything changed.
    pub fn read_all<F>(mut self, root: &Path, parse: F) -> Result<Read<T>>
    where
        F: Fn(&Path) -> Result<T> + Sync,
    {
        let files = listed(root)?;
        let outcomes: Vec<(Listed, Option<Result<T>>)> = files
            .into_par_iter()
            .map(|(path, key, stamp)| {
                let fresh = self
                    .entries
                    .get(&key)
                    .is_some_and(|e| (e.modified, e.size) == stamp);
                let parsed = (!fresh).then(|| parse(&path));
                ((path, key, stamp), parsed)
            })
            .collect();
        let mut changed = outcomes.len() != self.entries.len();
        let mut kept: Vec<(String, (u128, u64), PathBuf, T)> = Vec::with_capacity(outcomes.len());
        let mut problems = Vec::new();
        for ((path, key, stamp), parsed) in outcomes {
            match parsed {
                None => {
                    let value = self.entries.remove(&key).expect("a fresh entry").value;
                    kept.push((key, stamp, path, value));
                }
                Some(Ok(value)) => {
                    changed = true;
                    kept.push((key, stamp, path, value));
                }
                Some(Err(e)) => {
                    changed = true;
                    problems.push((path, e));
                }
            }
        }
        if changed
            && let Some(path) = &self.path
            && let Err(e) = save(path, &kept)
        {
            // The cache only saves time: without it the next run reads
            // the changed files again.
            tracing::warn!("{e:#}; the next run reads these files again");
        }
        Ok((
            kept.into_iter()
                .map(|(_, _, path, value)| (path, value))
                .collect(),
            problems,
        ))
    }
}

/// Writes the cache of `kept` files.
fn save<T: Serialize>(path: &Path, kept: &[(String, (u128, u64), PathBuf, T)]) -> Result<()> {
    #[derive(Serialize)]
    struct EntryRef<'a, T> {
        modified: u128,
        size: u64,
        value: &'a T,
    }
    let entries: BTreeMap<&str, EntryRef<T>> = kept
        .iter()
        .map(|(key, (modified, size), _, value)| {
            (
                key.as_str(),
                EntryRef {
                    modified: *modified,
                    size: *size,
                    value,
                },
            )
        })
        .collect();
    let bytes =
        postcard::to_stdvec(&(VERSION, entries)).context("cannot encode the content cache")?;
    write_atomic(path, &bytes)?;
    // Earlier versions kept the cache as JSON beside it.
    let _ = std::fs::remove_file(path.with_extension("json"));
    Ok(())
}

/// Folders below the root that are listed at the most: deeper ones (a
/// symbolic link to a folder above, say) are left out.
const MAX_DEPTH: usize = 16;

/// Every markdown file below `root` (hidden and temporary files aside),
/// sorted, with its path relative to `root` and its stamp. Symbolic links
/// are followed, and a file's stamp is its target's. Folders are listed
/// several at a time.
fn listed(root: &Path) -> Result<Vec<Listed>> {
    let mut found = listed_below(root, root, 0)?;
    found.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(found)
}

/// The markdown files in `dir` and the folders below it, `depth` below the root.
fn listed_below(root: &Path, dir: &Path, depth: usize) -> Result<Vec<Listed>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot list {}", dir.display())),
    };
    let mut found = Vec::new();
    let mut folders = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        // Through a symbolic link to what it points to; a broken link is
        // kept, to be reported when it cannot be read.
        let metadata = std::fs::metadata(entry.path())
            .or_else(|_| entry.metadata())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        if metadata.is_dir() {
            if depth < MAX_DEPTH {
                folders.push(entry.path());
            }
        } else if name.ends_with(".md") {
            let path = entry.path();
            let key = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            found.push((path, key, stamp(&metadata)));
        }
    }
    let below: Vec<Vec<Listed>> = folders
        .par_iter()
        .map(|folder| listed_below(root, folder, depth + 1))
        .collect::<Result<_>>()?;
    found.extend(below.into_iter().flatten());
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{Item, ItemMeta};
    use record::ItemRecord;

    fn meta(record: &ItemRecord) -> ItemMeta {
        record.clone().into()
    }

    #[test]
    fn values_come_from_the_cache_until_their_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let items = dir.path().join("items");
        let text = "+++\nid = \"https://x.example/a\"\ntitle = \"A\"\nurl = \"https://x.example/a\"\nsource = \"S\"\n\
                    company = \"C\"\npublished = 2025-07-22T09:30:00-07:00\nfirst_seen = 2025-07-23T00:00:00Z\n+++\n\nText.\n";
        std::fs::create_dir_all(items.join("s")).unwrap();
        std::fs::write(items.join("s/a.md"), text).unwrap();
        let cache_path = dir.path().join("cache.bin");
        let parses = std::sync::atomic::AtomicUsize::new(0);
        let parse = |path: &Path| {
            parses.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(ItemRecord::from(Item::read(path)?.meta))
        };

        let cache = FileCache::open(Some(&cache_path));
        let (found, _) = cache.read_all(&items, parse).unwrap();
        assert_eq!(
            meta(&found[0].1).published.to_rfc3339(),
            "2025-07-22T09:30:00-07:00"
        );

        let open = || FileCache::<ItemRecord>::open(Some(&cache_path));
        let (cached, _) = open().read_all(&items, parse).unwrap();
        assert_eq!(
            meta(&cached[0].1),
            meta(&found[0].1),
            "the offset survives the cache"
        );
        assert_eq!(
            parses.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "read once"
        );

        std::fs::write(
            items.join("s/a.md"),
            text.replace("title = \"A\"", "title = \"A, longer\""),
        )
        .unwrap();
        let (changed, _) = open().read_all(&items, parse).unwrap();
        assert_eq!(meta(&changed[0].1).title, "A, longer");
        std::fs::remove_file(items.join("s/a.md")).unwrap();
        assert!(open().read_all(&items, parse).unwrap().0.is_empty());
    }

    #[test]
    fn every_field_of_an_item_and_an_edition_reads_back_from_the_cache() {
        use crate::compose::edition::{EditionMeta, Engines};
        use record::EditionRecord;

        let dir = tempfile::tempdir().unwrap();
        let time = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
        let item = ItemMeta {
            id: "https://x.example/a".into(),
            title: "A \"title\" ü".into(),
            url: "https://x.example/a?b=1".into(),
            source: "S".into(),
            company: "C".into(),
            published: time("2025-07-22T09:30:00.123456789-07:00"),
            first_seen: time("2025-07-23T00:00:00+05:45"),
            updated: Some(time("2025-07-24T01:02:03Z")),
            undated: true,
            authors: vec!["Ada".into(), "Grace".into()],
            tags: vec!["rust".into()],
            also_in: vec!["Other".into()],
            summary: Some("Short.".into()),
            text_from: crate::item::TextFrom::Page,
            page_url: Some("https://x.example/a/page".into()),
        };
        let edition = EditionMeta {
            date: chrono::NaiveDate::from_ymd_opt(2025, 7, 22).unwrap(),
            signal: Some("https://x.example/a".into()),
            engines: Engines {
                signal: "offline".into(),
                deep_dives: "model gpt (3)".into(),
                patterns: "hand".into(),
            },
            items: vec!["https://x.example/a".into(), "https://x.example/b".into()],
            themes: vec!["queue".into()],
        };
        std::fs::write(dir.path().join("a.md"), "any").unwrap();
        let item_cache = dir.path().join("items.bin");
        let edition_cache = dir.path().join("editions.bin");
        let first = FileCache::open(Some(&item_cache))
            .read_all(dir.path(), |_| Ok(ItemRecord::from(item.clone())))
            .unwrap();
        assert_eq!(first.0.len(), 1);
        FileCache::open(Some(&edition_cache))
            .read_all(dir.path(), |_| {
                Ok(EditionRecord::from((
                    edition.clone(),
                    "Body.\n".to_string(),
                )))
            })
            .unwrap();

        let unread = |_: &Path| -> Result<ItemRecord> { panic!("read from the cache") };
        let (items, _) = FileCache::open(Some(&item_cache))
            .read_all(dir.path(), unread)
            .unwrap();
        let back: ItemMeta = items[0].1.clone().into();
        assert_eq!(back, item);
        assert_eq!(back.published.offset(), item.published.offset());
        let unread = |_: &Path| -> Result<EditionRecord> { panic!("read from the cache") };
        let (editions, _) = FileCache::open(Some(&edition_cache))
            .read_all(dir.path(), unread)
            .unwrap();
        let back: (EditionMeta, String) = editions[0].1.clone().into();
        assert_eq!(back, (edition, "Body.\n".to_string()));
    }

    #[test]
    fn a_damaged_or_older_cache_is_read_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "any").unwrap();
        let path = dir.path().join("items.bin");
        for bytes in [
            b"{\"version\":1,\"entries\":{}}".to_vec(),
            vec![2, 1, 3, b'a'],
            vec![1, 0],
        ] {
            std::fs::write(&path, bytes).unwrap();
            let reads = std::sync::atomic::AtomicUsize::new(0);
            let (found, _) = FileCache::<String>::open(Some(&path))
                .read_all(dir.path(), |_| {
                    reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    Ok("fresh".to_string())
                })
                .unwrap();
            assert_eq!(found[0].1, "fresh");
            assert_eq!(reads.load(std::sync::atomic::Ordering::SeqCst), 1);
        }
    }
}
