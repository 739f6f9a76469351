//! An item: one article from a source's feed, as stored under `content/items/`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::frontmatter;

/// The front matter of an item file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemMeta {
    /// Stable identity: the canonical URL, else the feed's guid, else a content hash.
    pub id: String,
    /// Title as plain text.
    pub title: String,
    /// Absolute link to the article.
    pub url: String,
    /// Name of the source that stored it first.
    pub source: String,
    /// Company the article is about.
    pub company: String,
    /// When it was published, with the offset the feed gave.
    #[serde(with = "frontmatter::datetime")]
    pub published: DateTime<FixedOffset>,
    /// When `digest fetch` first stored it.
    #[serde(with = "frontmatter::datetime")]
    pub first_seen: DateTime<FixedOffset>,
    /// When the source last changed the article after it was stored.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "frontmatter::optional_datetime"
    )]
    pub updated: Option<DateTime<FixedOffset>>,
    /// True when the feed gave no date and `published` is the time first seen.
    #[serde(default, skip_serializing_if = "is_false")]
    pub undated: bool,
    /// Authors as the feed names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Categories or tags from the feed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Other sources that carried the same article.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_in: Vec<String>,
    /// The summary the feed's author wrote, when the feed also has full content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// An item with its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Front matter.
    pub meta: ItemMeta,
    /// The article as markdown.
    pub body: String,
}

impl Item {
    /// Reads an item file.
    pub fn read(path: &Path) -> Result<Item> {
        let text = crate::store::read_text(path)?;
        Item::parse(&text, path)
    }

    /// Parses an item file's text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Item> {
        let (meta, body) = frontmatter::parse(text, path)?;
        Ok(Item { meta, body })
    }

    /// The file's text.
    pub fn to_text(&self) -> Result<String> {
        frontmatter::render(&self.meta, &self.body)
    }
}

impl ItemMeta {
    /// The calendar day of publication in the site's time zone.
    pub fn local_date(&self, tz: Tz) -> NaiveDate {
        self.published.with_timezone(&tz).date_naive()
    }

    /// Where the item lives under `content/items/`, relative to it.
    pub fn relative_path(&self, source_slug: &str, tz: Tz, file_slug: &str) -> PathBuf {
        let day = self.local_date(tz).format("%Y-%m-%d");
        Path::new(source_slug).join(format!("{day}-{file_slug}.md"))
    }
}
