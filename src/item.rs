//! An item: one article from a source's feed, as stored under `content/items/`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::frontmatter;
use crate::text;

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
    /// The summary the feed's author wrote, when the feed also has full
    /// content; for an article read from its page, the feed's own text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Where the body came from: the feed (the default, not written) or the
    /// article's web page (`"page"`).
    #[serde(default, skip_serializing_if = "TextFrom::is_feed")]
    pub text_from: TextFrom,
    /// The address the article was read from, when the page answered at
    /// another address than `url` (after redirects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
}

/// Where an item's body came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextFrom {
    /// The feed's own text.
    #[default]
    Feed,
    /// The article, read from its web page.
    Page,
}

impl TextFrom {
    /// Whether the text is the feed's (which front matter leaves unsaid).
    pub fn is_feed(&self) -> bool {
        *self == TextFrom::Feed
    }
}

/// Longest summary kept in front matter, in characters.
pub const MAX_SUMMARY: usize = 2000;

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

    /// The item with the article read from its page as its body. The feed's
    /// text becomes the summary when the feed gave none; the page's address
    /// is kept when it differs from the item's; its byline names the author
    /// when the feed named none.
    pub fn with_article(mut self, article: Article) -> Item {
        if self.meta.summary.is_none() {
            let teaser = text::paragraphs(&self.body).join(" ");
            self.meta.summary = (!teaser.is_empty()).then(|| cut_chars(&teaser, MAX_SUMMARY));
        }
        if self.meta.authors.is_empty() {
            self.meta.authors.extend(article.byline);
        }
        self.meta.page_url = Some(article.url).filter(|u| *u != self.meta.url);
        self.meta.text_from = TextFrom::Page;
        self.body = article.body;
        self
    }

    /// What the feed now says of an item whose article was read from its
    /// page (`stored`): the feed's text goes to the summary, and the article,
    /// its address and its byline stay.
    pub fn keeping_article_of(mut self, stored: &Item) -> Item {
        if self.meta.authors.is_empty() {
            self.meta.authors = stored.meta.authors.clone();
        }
        let article = Article {
            body: stored.body.clone(),
            url: stored.meta.page_url.clone().unwrap_or_default(),
            byline: None,
        };
        let mut kept = self.with_article(article);
        kept.meta.page_url = stored.meta.page_url.clone();
        kept
    }
}

/// An article read from an item's web page, ready to be its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The article as markdown, from sanitised HTML.
    pub body: String,
    /// Where it was read, after redirects.
    pub url: String,
    /// Who wrote it, as the page says.
    pub byline: Option<String>,
}

/// `text` cut to at most `limit` characters, with an ellipsis when cut.
pub fn cut_chars(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

impl ItemMeta {
    /// The front matter of an article published, and first seen, at
    /// `published`, with nothing else said of it: no authors, tags or
    /// summary, its text from its feed.
    pub fn new(
        id: &str,
        title: &str,
        url: &str,
        (source, company): (&str, &str),
        published: DateTime<FixedOffset>,
    ) -> ItemMeta {
        ItemMeta {
            id: id.into(),
            title: title.into(),
            url: url.into(),
            source: source.into(),
            company: company.into(),
            published,
            first_seen: published,
            updated: None,
            undated: false,
            authors: Vec::new(),
            tags: Vec::new(),
            also_in: Vec::new(),
            summary: None,
            text_from: TextFrom::Feed,
            page_url: None,
        }
    }

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
