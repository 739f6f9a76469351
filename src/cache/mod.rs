//! What content files said when last read, kept in `.digest/cache/`, so
//! that a run parses only the files that changed since.
//!
//! An entry is trusted while its file keeps the same size and modification
//! time; any other file is read again (several at a time). The cache is
//! machine state: deleting it costs one slower run, nothing else.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::store::write_atomic;

/// Bumped whenever the cached values change shape.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Entry<T> {
    modified: u128,
    size: u64,
    value: T,
}

#[derive(Serialize, Deserialize)]
struct Saved<T> {
    version: u32,
    entries: HashMap<String, Entry<T>>,
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
        let saved: Option<Saved<T>> = path
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        let entries = saved
            .filter(|s| s.version == VERSION)
            .map(|s| s.entries)
            .unwrap_or_default();
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
        if changed && let Some(path) = &self.path {
            save(path, &kept)?;
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
    struct Saving<'a, T> {
        version: u32,
        entries: BTreeMap<&'a str, EntryRef<'a, T>>,
    }
    #[derive(Serialize)]
    struct EntryRef<'a, T> {
        modified: u128,
        size: u64,
        value: &'a T,
    }
    let entries = kept
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
    let bytes = serde_json::to_vec(&Saving {
        version: VERSION,
        entries,
    })
    .context("cannot encode the content cache")?;
    write_atomic(path, &bytes)
}

/// Every markdown file below `root` (hidden and temporary files aside),
/// sorted, with its path relative to `root` and its stamp.
fn listed(root: &Path) -> Result<Vec<Listed>> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot list {}", dir.display())),
        };
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let metadata = entry
                .metadata()
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            if metadata.is_dir() {
                pending.push(entry.path());
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
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::Item;

    #[test]
    fn values_come_from_the_cache_until_their_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let items = dir.path().join("items");
        let text = "+++\nid = \"https://x.example/a\"\ntitle = \"A\"\nurl = \"https://x.example/a\"\nsource = \"S\"\n\
                    company = \"C\"\npublished = 2025-07-22T09:30:00-07:00\nfirst_seen = 2025-07-23T00:00:00Z\n+++\n\nText.\n";
        std::fs::create_dir_all(items.join("s")).unwrap();
        std::fs::write(items.join("s/a.md"), text).unwrap();
        let cache_path = dir.path().join("cache.json");
        let parses = std::sync::atomic::AtomicUsize::new(0);
        let parse = |path: &Path| {
            parses.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(Item::read(path)?.meta)
        };

        let cache = FileCache::open(Some(&cache_path));
        let (found, _) = cache.read_all(&items, parse).unwrap();
        assert_eq!(
            found[0].1.published.to_rfc3339(),
            "2025-07-22T09:30:00-07:00"
        );

        let open = || FileCache::<crate::item::ItemMeta>::open(Some(&cache_path));
        let (cached, _) = open().read_all(&items, parse).unwrap();
        assert_eq!(cached[0].1, found[0].1, "the offset survives the cache");
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
        assert_eq!(changed[0].1.title, "A, longer");
        std::fs::remove_file(items.join("s/a.md")).unwrap();
        assert!(open().read_all(&items, parse).unwrap().0.is_empty());
    }
}
