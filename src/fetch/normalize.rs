//! From a feed entry to an item: absolute links, plain-text title, a date
//! with its offset, sanitised HTML converted to markdown, and an id.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use feed_rs::model::{Entry, FeedType, Text};
use url::Url;

use super::parse::ParsedFeed;
use crate::company::Companies;
use crate::config::{Source, SourceKind};
use crate::html;
use crate::identity;
use crate::item::{Item, ItemMeta, MAX_SUMMARY, TextFrom, cut_chars};
use crate::text;

/// The title of an item that has none.
pub const UNTITLED: &str = "Untitled";
/// Most tags kept per item.
const MAX_TAGS: usize = 20;

/// The items of a feed that need storing, and the fingerprint of every
/// entry, to be remembered once they are stored.
#[derive(Debug, Default)]
pub struct Fresh {
    /// New or changed items, in feed order.
    pub items: Vec<Item>,
    /// Source and id (joined by a newline) and fingerprint of each entry
    /// that has a link or a guid.
    pub fingerprints: Vec<(String, String)>,
    /// Entries skipped because they are as they were.
    pub unchanged: usize,
}

/// The id an entry will have, when it can be known without reading its
/// text: its canonical link, else its guid.
fn quick_id(entry: &Entry, base: &Url) -> Option<String> {
    let link = article_link(entry, base);
    let guid = entry.id.trim();
    link.as_ref()
        .and_then(identity::canonical_url)
        .or_else(|| (!guid.is_empty()).then(|| guid.to_string()))
}

/// A hash of everything of an entry that becomes part of its item.
fn fingerprint(entry: &Entry) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let text = |t: &Option<Text>| t.as_ref().map(|t| t.content.clone()).unwrap_or_default();
    let (title, summary) = (text(&entry.title), text(&entry.summary));
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap_or_default();
    parts.extend([title.as_str(), summary.as_str(), content.as_str()]);
    parts.extend(entry.links.iter().map(|l| l.href.as_str()));
    parts.extend(entry.authors.iter().filter_map(|a| a.name.as_deref()));
    parts.extend(entry.categories.iter().map(|c| c.term.as_str()));
    let dates = format!("{:?}{:?}", entry.published, entry.updated);
    parts.push(&dates);
    crate::hash::hex(&parts.join("\u{1f}"))[..16].to_string()
}

/// What normalisation needs besides the entry.
pub struct Normalizer<'a> {
    /// The source the feed belongs to.
    pub source: &'a Source,
    /// Names for attributing an aggregator's articles.
    pub companies: &'a Companies,
    /// The time of this run: the date of undated items and their first sighting.
    pub now: DateTime<FixedOffset>,
}

impl Normalizer<'_> {
    /// The items of a parsed feed, in feed order. `document` is the address
    /// the feed came from (or its Content-Location): relative links are
    /// resolved against xml:base, then the feed's own link, then it.
    pub fn items(&self, parsed: &ParsedFeed, document: &Url) -> Vec<Item> {
        self.fresh_items(parsed, document, &HashMap::new()).items
    }

    /// The items of a parsed feed that are new or changed since `known`
    /// (fingerprints by id, from earlier runs) saw them: an entry whose
    /// fingerprint is unchanged is not sanitised or converted again.
    pub fn fresh_items(
        &self,
        parsed: &ParsedFeed,
        document: &Url,
        known: &HashMap<String, String>,
    ) -> Fresh {
        let feed_link = parsed
            .feed
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .and_then(|l| document.join(l.href.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        let base = feed_link.as_ref().unwrap_or(document);
        let mut fresh = Fresh::default();
        for entry in &parsed.feed.entries {
            // Known per source: the same article first seen in another
            // source is still read, so that this source is recorded too.
            let key = |id: &str| format!("{}\n{id}", self.source.name);
            let quick = quick_id(entry, base).map(|id| (key(&id), fingerprint(entry)));
            if let Some((id, print)) = &quick
                && known.get(id) == Some(print)
            {
                fresh.unchanged += 1;
                fresh.fingerprints.push((id.clone(), print.clone()));
                continue;
            }
            if let Some(item) = self.item(entry, parsed, base) {
                if let Some((_, print)) = quick {
                    fresh.fingerprints.push((key(&item.meta.id), print));
                }
                fresh.items.push(item);
            }
        }
        fresh
    }

    fn item(&self, entry: &Entry, parsed: &ParsedFeed, base: &Url) -> Option<Item> {
        let link = article_link(entry, base);
        let content_html = entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .filter(|b| !b.trim().is_empty())
            .map(str::to_string)
            .or_else(|| {
                entry
                    .summary
                    .as_ref()
                    .map(|s| text_as_html(s, &parsed.feed.feed_type))
            })
            .map(|html| html::undo_double_escaping(&html));
        // Relative URLs in the text: against the content's xml:base, else the article.
        let article = link.as_ref().unwrap_or(base);
        let content_base = entry
            .base
            .as_deref()
            .and_then(|b| article.join(b.trim()).ok());
        let content_base = content_base.as_ref().unwrap_or(article);
        let clean_html = content_html
            .as_deref()
            .map(|h| html::sanitize(h, Some(content_base)));
        let body = clean_html
            .as_deref()
            .map(html::to_markdown)
            .unwrap_or_default();
        // The text of the article, from its markdown: one HTML parse fewer.
        let body_text = text::plain(&body);

        let mut title = entry
            .title
            .as_ref()
            .map(|t| html::to_text(&t.content))
            .unwrap_or_default();
        if title.is_empty() {
            title = first_words(&body_text, 12);
        }
        if title.is_empty() && link.is_none() {
            return None;
        }
        if title.is_empty() {
            title = UNTITLED.into();
        }

        let date = entry
            .published
            .or(entry.updated)
            .map(|d| parsed.with_offset(d));
        let company = match self.source.kind {
            SourceKind::Company => self.source.company.clone(),
            SourceKind::Aggregator => {
                self.companies
                    .attribute(&title, &body_text, &self.source.company)
            }
        };
        let summary = entry
            .content
            .as_ref()
            .and(entry.summary.as_ref())
            .and_then(|s| {
                let text = html::to_text(&s.content);
                (!text.is_empty() && text != body_text).then(|| cut_chars(&text, MAX_SUMMARY))
            });
        let meta = ItemMeta {
            id: identity::item_id(link.as_ref(), &entry.id, &title, &body_text),
            url: link.as_ref().map(identity::clean_link).unwrap_or_default(),
            title,
            source: self.source.name.clone(),
            company,
            published: date.unwrap_or(self.now),
            first_seen: self.now,
            undated: date.is_none(),
            authors: unique(
                entry
                    .authors
                    .iter()
                    .map(|a| html::to_text(a.name.as_deref().unwrap_or_default())),
                usize::MAX,
            ),
            tags: unique(
                entry
                    .categories
                    .iter()
                    .map(|c| html::to_text(c.label.as_deref().unwrap_or(&c.term))),
                MAX_TAGS,
            ),
            also_in: Vec::new(),
            updated: None,
            summary,
            text_from: TextFrom::Feed,
            page_url: None,
        };
        Some(Item { meta, body })
    }
}

/// The entry's link to the article, made absolute; only http(s) links count.
fn article_link(entry: &Entry, base: &Url) -> Option<Url> {
    let is_article = |rel: Option<&str>| rel.is_none_or(|r| r == "alternate");
    entry
        .links
        .iter()
        .filter(|l| is_article(l.rel.as_deref()))
        .chain(entry.links.iter())
        .filter_map(|l| base.join(l.href.trim()).ok())
        .find(|url| matches!(url.scheme(), "http" | "https"))
}

/// A feed text as HTML: plain text is escaped and kept in paragraphs. RSS
/// descriptions are HTML whatever the parser calls them: every version of
/// RSS lets them carry entity-encoded markup, and publishers use it.
fn text_as_html(text: &Text, kind: &FeedType) -> String {
    let is_rss = matches!(kind, FeedType::RSS0 | FeedType::RSS1 | FeedType::RSS2);
    if text.content_type.subty().as_str() == "plain" && !is_rss {
        text.content
            .split("\n\n")
            .map(|p| format!("<p>{}</p>", ammonia::clean_text(p.trim())))
            .collect()
    } else {
        text.content.clone()
    }
}

fn first_words(text: &str, count: usize) -> String {
    text.split_whitespace()
        .take(count)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Non-empty values in first-seen order, without repeats, at most `limit`.
fn unique(values: impl Iterator<Item = String>, limit: usize) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for value in values {
        if !value.is_empty() && !seen.contains(&value) && seen.len() < limit {
            seen.push(value);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn items(feed: &str, kind: &str) -> Vec<Item> {
        let text = format!(
            "[site]\ntitle = \"T\"\nbase_url = \"https://e.org/\"\n[[source]]\nname = \"S\"\n\
             company = \"InfoQ\"\nkind = \"{kind}\"\nfeed = \"https://s.example/feed\"\n"
        );
        let config = Config::parse(&text, std::path::Path::new("sources.toml")).unwrap();
        let companies = Companies::new(&config);
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let normalizer = Normalizer {
            source: &config.sources[0],
            companies: &companies,
            now,
        };
        let parsed = super::super::parse::parse(feed.as_bytes(), None).unwrap();
        normalizer.items(&parsed, &Url::parse("https://s.example/feed").unwrap())
    }

    #[test]
    fn rss_descriptions_are_html_in_every_version() {
        let rdf = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">\
                   <channel><title>Q</title></channel><item><title>Talk</title><link>https://q.example/a</link>\
                   <description>Jay talks about VoIP. &lt;i&gt;By Werner&lt;/i&gt;</description></item></rdf:RDF>";
        assert_eq!(
            items(rdf, "aggregator")[0].body,
            "Jay talks about VoIP. *By Werner*"
        );
    }

    #[test]
    fn atom_plain_text_stays_text() {
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title><entry><title>T</title>\
                    <link href=\"https://a.example/1\"/><summary type=\"text\">Use &lt;b&gt; for bold.</summary></entry></feed>";
        assert_eq!(items(atom, "company")[0].body, "Use \\<b> for bold.");
    }

    #[test]
    fn undated_items_are_dated_when_first_seen_and_say_so() {
        let rss = "<rss version=\"2.0\"><channel><item><title>No date</title><link>https://a.example/x</link></item></channel></rss>";
        let item = &items(rss, "company")[0];
        assert!(item.meta.undated);
        assert_eq!(
            item.meta.published.to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
    }
}
