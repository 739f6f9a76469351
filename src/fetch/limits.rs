//! How much of one feed a run reads: at most `max_items` entries, at most
//! `max_item_bytes` of article per entry, and titles, names, categories,
//! links and ids of bounded length.
//!
//! Everything in a feed is someone else's, and a feed can be built to
//! exhaust the time or memory of whoever reads it: a hundred thousand
//! entries, an article of fifty megabytes, a title as long as a book. The
//! parsed feed is cut down here, before its entries are sanitised, stored
//! and composed, and each cut is described, for a warning that names the
//! source. A feed that respects the limits is left as it is.

use feed_rs::model::{Entry, Feed};

use crate::config::Limits;
use crate::html;

/// Longest title, name, category, link or id kept, in bytes; longer ones are cut.
pub const MAX_FIELD_BYTES: usize = 2048;
/// Most authors, categories and links kept per entry.
pub const MAX_FIELD_VALUES: usize = 50;

/// Cuts `feed` down to `limits`, returning a description of each cut.
pub fn bound(feed: &mut Feed, limits: &Limits) -> Vec<String> {
    let mut cuts = Vec::new();
    let listed = feed.entries.len();
    if listed > limits.max_items {
        feed.entries.truncate(limits.max_items);
        cuts.push(format!(
            "the feed lists {listed} entries; only the first {} were read (max_items_per_source)",
            limits.max_items
        ));
    }
    let mut fields = 0;
    for entry in &mut feed.entries {
        if let Some(size) = bound_article(entry, limits.max_item_bytes) {
            cuts.push(format!(
                "the entry {} holds {size} bytes of text; only the first {} were kept \
                 (max_item_bytes)",
                describe(entry),
                limits.max_item_bytes
            ));
        }
        if is_deeply_nested(entry) {
            cuts.push(format!(
                "the entry {} nests its HTML more than {} elements deep; the deeper ones \
                 are flattened",
                describe(entry),
                2 * html::MAX_NESTING
            ));
        }
        fields += usize::from(bound_fields(entry));
    }
    if fields > 0 {
        let entries = if fields == 1 { "entry" } else { "entries" };
        cuts.push(format!(
            "{fields} {entries} had titles, names, categories, links or ids longer than \
             {MAX_FIELD_BYTES} bytes, or more than {MAX_FIELD_VALUES} of them; they were cut"
        ));
    }
    cuts
}

/// A note when a feed declares entities of its own in its document type,
/// which are never expanded (so a few lines cannot grow into gigabytes).
pub fn declared_entities(body: &[u8]) -> Option<String> {
    let prologue = &body[..body.len().min(64 * 1024)];
    let declares = prologue.windows(8).any(|w| w == b"<!ENTITY");
    declares.then(|| "the feed declares entities of its own; they are left unexpanded".into())
}

fn is_deeply_nested(entry: &Entry) -> bool {
    let content = entry.content.as_ref().and_then(|c| c.body.as_deref());
    let summary = entry.summary.as_ref().map(|s| s.content.as_str());
    content
        .into_iter()
        .chain(summary)
        .any(html::is_deeply_nested)
}

/// Cuts the entry's content and summary to `max` bytes each; returns the
/// larger size found when either was cut.
fn bound_article(entry: &mut Entry, max: usize) -> Option<usize> {
    let content = entry.content.as_mut().and_then(|c| c.body.as_mut());
    let summary = entry.summary.as_mut().map(|s| &mut s.content);
    content
        .into_iter()
        .chain(summary)
        .filter_map(|text| cut(text, max))
        .max()
}

/// Cuts the entry's short fields; returns whether anything was cut.
fn bound_fields(entry: &mut Entry) -> bool {
    let mut cut_any = false;
    let mut cut_fields = false;
    let mut field = |text: &mut String| cut_fields |= cut(text, MAX_FIELD_BYTES).is_some();
    if let Some(title) = entry.title.as_mut() {
        field(&mut title.content);
    }
    // An id cut short could be another entry's: an overlong one is hashed.
    if entry.id.len() > MAX_FIELD_BYTES {
        entry.id = format!("sha256:{}", crate::hash::hex(&entry.id));
        cut_any = true;
    }
    for person in &mut entry.authors {
        person.name.iter_mut().for_each(&mut field);
    }
    for category in &mut entry.categories {
        field(&mut category.term);
        category.label.iter_mut().for_each(&mut field);
    }
    cut_any |= cut_fields;
    // A link cut short would lead somewhere else: an overlong one is dropped.
    let links = entry.links.len();
    entry.links.retain(|l| l.href.len() <= MAX_FIELD_BYTES);
    cut_any |= entry.links.len() < links;
    for list in [
        entry.authors.len(),
        entry.categories.len(),
        entry.links.len(),
    ] {
        cut_any |= list > MAX_FIELD_VALUES;
    }
    entry.authors.truncate(MAX_FIELD_VALUES);
    entry.categories.truncate(MAX_FIELD_VALUES);
    entry.links.truncate(MAX_FIELD_VALUES);
    entry.contributors.clear();
    entry.media.clear();
    cut_any
}

/// Cuts `text` to at most `max` bytes, at a character boundary; returns its
/// former length when it was longer.
pub(crate) fn cut(text: &mut String, max: usize) -> Option<usize> {
    let length = text.len();
    if length <= max {
        return None;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.shrink_to_fit();
    Some(length)
}

/// The entry as a warning names it: its link, else its title, quoted with
/// control characters escaped so that a log line stays one line of text.
fn describe(entry: &Entry) -> String {
    let name = entry
        .links
        .first()
        .map(|l| l.href.as_str())
        .or(entry.title.as_ref().map(|t| t.content.as_str()))
        .unwrap_or("without a title or link");
    let short: String = name.chars().take(120).collect();
    format!("{short:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limits(max_items: usize, max_item_bytes: usize) -> Limits {
        Limits {
            timeout: Duration::from_secs(1),
            max_body_bytes: u64::MAX,
            max_items,
            max_item_bytes,
        }
    }

    fn feed(items: &str) -> Feed {
        let xml = format!("<rss version=\"2.0\"><channel><title>T</title>{items}</channel></rss>");
        feed_rs::parser::parse(xml.as_bytes()).unwrap()
    }

    #[test]
    fn a_feed_within_the_limits_is_left_alone() {
        let mut parsed = feed("<item><title>A</title><description>Text</description></item>");
        let before = parsed.entries.clone();
        assert!(bound(&mut parsed, &limits(10, 1024)).is_empty());
        assert_eq!(parsed.entries, before);
    }

    #[test]
    fn entries_past_the_limit_are_not_read() {
        let mut parsed = feed(&"<item><title>A</title></item>".repeat(30));
        let cuts = bound(&mut parsed, &limits(10, 1024));
        assert_eq!(parsed.entries.len(), 10);
        assert_eq!(
            cuts,
            ["the feed lists 30 entries; only the first 10 were read (max_items_per_source)"]
        );
    }

    #[test]
    fn a_long_article_is_cut_at_a_character() {
        let text = "é".repeat(2000);
        let mut parsed = feed(&format!(
            "<item><title>Long</title><link>https://x.example/a</link><description>{text}</description></item>"
        ));
        let cuts = bound(&mut parsed, &limits(10, 1025));
        let kept = &parsed.entries[0].summary.as_ref().unwrap().content;
        assert_eq!(kept.len(), 1024);
        assert_eq!(cuts.len(), 1, "{cuts:?}");
        assert!(
            cuts[0].contains("\"https://x.example/a\" holds 4000 bytes"),
            "{cuts:?}"
        );
    }

    #[test]
    fn overlong_fields_are_cut_and_overlong_links_dropped() {
        let long = "x".repeat(3 * MAX_FIELD_BYTES);
        let categories = "<category>c</category>".repeat(2 * MAX_FIELD_VALUES);
        let mut parsed = feed(&format!(
            "<item><title>{long}</title><guid>{long}</guid><link>https://x.example/{long}</link>{categories}</item>"
        ));
        let cuts = bound(&mut parsed, &limits(10, 1 << 20));
        let entry = &parsed.entries[0];
        assert_eq!(entry.title.as_ref().unwrap().content.len(), MAX_FIELD_BYTES);
        assert_eq!(entry.id, format!("sha256:{}", crate::hash::hex(&long)));
        assert!(entry.links.is_empty());
        assert_eq!(entry.categories.len(), MAX_FIELD_VALUES);
        assert_eq!(cuts.len(), 1, "{cuts:?}");
    }

    #[test]
    fn declared_entities_and_deep_nesting_are_reported() {
        let laughs = b"<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaa\">]><rss/>";
        assert!(declared_entities(laughs).is_some());
        assert!(declared_entities(b"<rss>&amp;</rss>").is_none());
        let deep = format!("{}x", "&lt;div&gt;".repeat(500));
        let mut parsed = feed(&format!(
            "<item><title>D</title><description>{deep}</description></item>"
        ));
        let cuts = bound(&mut parsed, &limits(10, 1 << 20));
        assert!(cuts.iter().any(|c| c.contains("elements deep")), "{cuts:?}");
    }

    #[test]
    fn warnings_name_an_entry_on_one_line() {
        let title = "a\u{202e}b\nc";
        let mut parsed = feed(&format!(
            "<item><title>{title}</title><description>xxxx</description></item>"
        ));
        let cuts = bound(&mut parsed, &limits(10, 2));
        assert!(!cuts[0].contains(['\u{202e}', '\n']), "{cuts:?}");
    }
}
