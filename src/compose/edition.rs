//! An edition as stored in `content/issues/<yyyy-mm-dd>.md`: front matter
//! listing the items it uses, then the written sections in markdown.
//!
//! An edition is content. Once written it is never rewritten (unless asked
//! with `--force`), so an editor's changes to it are kept.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::cache::FileCache;
use crate::cache::record::EditionRecord;
use crate::frontmatter;
use crate::store::read_text;

/// The front matter of an edition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionMeta {
    /// The day it covers, in the site's time zone.
    #[serde(with = "frontmatter::date")]
    pub date: NaiveDate,
    /// The id of the Signal of the Day, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    /// Which engine wrote each section.
    #[serde(default)]
    pub engines: Engines,
    /// Ids of every item in the edition, each exactly once.
    pub items: Vec<String>,
    /// Keys of the themes of its Patterns Across Companies, so that later
    /// editions can say a theme continues.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<String>,
}

/// Which engine wrote each section of an edition: `offline`, or `model`
/// and its name (with how many Deep Dives it wrote).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engines {
    /// Who wrote the Signal of the Day.
    pub signal: String,
    /// Who wrote the Deep Dives.
    pub deep_dives: String,
    /// Who wrote the Patterns Across Companies.
    pub patterns: String,
}

impl Default for Engines {
    /// An edition that says nothing of its engines was written by hand.
    fn default() -> Engines {
        Engines {
            signal: "hand".into(),
            deep_dives: "hand".into(),
            patterns: "hand".into(),
        }
    }
}

/// An edition with its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Edition {
    /// Front matter.
    pub meta: EditionMeta,
    /// The sections, in markdown.
    pub body: String,
    /// The file it was read from or is written to.
    pub path: PathBuf,
}

impl Edition {
    /// The file of the edition of `date` under `dir`.
    pub fn path_for(dir: &Path, date: NaiveDate) -> PathBuf {
        dir.join(format!("{}.md", date.format("%Y-%m-%d")))
    }

    /// Reads an edition file.
    pub fn read(path: &Path) -> Result<Edition> {
        let text = read_text(path)?;
        let (meta, body): (EditionMeta, String) = frontmatter::parse(&text, path)?;
        Ok(Edition {
            meta,
            body,
            path: path.to_path_buf(),
        })
    }

    /// The file's text.
    pub fn to_text(&self) -> Result<String> {
        frontmatter::render(&self.meta, &self.body)
    }
}

/// Every edition under `dir`, oldest first, with the files that could not be read.
pub fn load_all(dir: &Path) -> Result<(Vec<Edition>, Vec<anyhow::Error>)> {
    load_with(dir, None)
}

/// Every edition under `dir`, oldest first, reading only the files that
/// changed since the cache at `cache` saw them.
pub fn load_all_cached(dir: &Path, cache: &Path) -> Result<(Vec<Edition>, Vec<anyhow::Error>)> {
    load_with(dir, Some(cache))
}

fn load_with(dir: &Path, cache: Option<&Path>) -> Result<(Vec<Edition>, Vec<anyhow::Error>)> {
    let parse = |path: &Path| {
        let edition = Edition::read(path)?;
        Ok(EditionRecord::from((edition.meta, edition.body)))
    };
    let (found, problems) = FileCache::open(cache).read_all(dir, parse)?;
    let mut editions: Vec<Edition> = found
        .into_iter()
        .map(|(path, record)| {
            let (meta, body) = record.into();
            Edition { meta, body, path }
        })
        .collect();
    let mut problems: Vec<anyhow::Error> = problems.into_iter().map(|(_, e)| e).collect();
    // Of two editions of one day, the one whose file is named after the
    // day stays; the other is a problem for a person to settle.
    let named_after_its_day =
        |e: &Edition| e.path.file_stem() == Some(e.meta.date.to_string().as_ref());
    editions.sort_by_key(|e| (e.meta.date, !named_after_its_day(e), e.path.clone()));
    let mut kept: Vec<Edition> = Vec::with_capacity(editions.len());
    for edition in editions {
        match kept.last() {
            Some(first) if first.meta.date == edition.meta.date => {
                problems.push(anyhow::anyhow!(
                    "{}: a second edition of {}, beside {}; change its date or remove one of them",
                    edition.path.display(),
                    edition.meta.date,
                    first.path.display()
                ));
            }
            _ => kept.push(edition),
        }
    }
    Ok((kept, problems))
}
