//! The feeds: `rss.xml` (RSS 2.0), `atom.xml` (Atom 1.0) and `feed.json`
//! (JSON Feed 1.1) with one entry per edition holding its full HTML, and
//! `companies/<slug>.xml`, an RSS feed of each company's articles.
//!
//! Every date in a feed comes from the content (an edition is dated when
//! its day closes, an article when it was published), never from the
//! clock, so the same content gives the same feeds byte for byte. Ids are
//! the pages' permanent addresses, so they never change.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use rss::extension::atom::{AtomExtension, Link};
use rss::{Channel, ChannelBuilder, GuidBuilder, ItemBuilder};
use serde_json::json;

use super::model::{CompanyView, EditionView, ItemView, absolute};
use crate::config::Site;

/// Words of an article quoted in its company's feed.
const EXCERPT_WORDS: usize = 60;

/// The newest editions that the site's feeds list (`editions` is newest first).
fn entries<'a>(site: &Site, editions: &'a [EditionView]) -> &'a [EditionView] {
    &editions[..editions.len().min(site.feed_entries)]
}

/// `rss.xml`: RSS 2.0 of the newest editions.
pub fn rss(site: &Site, editions: &[EditionView]) -> Result<String> {
    let entries = entries(site, editions);
    let items: Vec<rss::Item> = entries
        .iter()
        .map(|edition| {
            ItemBuilder::default()
                .title(Some(edition.title.clone()))
                .link(Some(edition.permalink.clone()))
                .guid(Some(
                    GuidBuilder::default()
                        .value(edition.permalink.clone())
                        .permalink(true)
                        .build(),
                ))
                .pub_date(Some(edition.published.to_rfc2822()))
                .description(Some(edition.html_absolute.to_string()))
                .build()
        })
        .collect();
    let newest = entries.first().map(|e| e.published.to_rfc2822());
    let channel = channel(site, "rss.xml", &site.title, &site.description)
        .last_build_date(newest)
        .items(items)
        .build();
    write_rss(&channel)
}

/// `companies/<slug>.xml`: RSS 2.0 of a company's newest articles, each
/// linking to the original and quoting its opening.
pub fn company_rss(site: &Site, company: &CompanyView) -> Result<String> {
    let entries = &company.items[..company.items.len().min(site.feed_entries)];
    let items = entries
        .iter()
        .map(|item| company_item(site, item))
        .collect::<Result<Vec<_>>>()?;
    let title = format!("{}: {}", site.title, company.name);
    let description = format!(
        "What {} published, as followed by {}.",
        company.name, site.title
    );
    let newest = entries.first().map(|i| i.published.to_rfc2822());
    let channel = channel(site, &company.feed, &title, &description)
        .link(absolute(site, &company.url))
        .last_build_date(newest)
        .items(items)
        .build();
    write_rss(&channel)
}

fn company_item(site: &Site, item: &ItemView) -> Result<rss::Item> {
    let mut description = format!("<p>{}</p>", html_escape(&excerpt(item)?));
    if let Some(edition) = &item.edition {
        description.push_str(&format!(
            "<p>In <a href=\"{}\">the edition of {}</a>.</p>",
            absolute(site, &edition.url),
            edition.date_long
        ));
    }
    let guid = GuidBuilder::default()
        .value(item.id.clone())
        .permalink(item.id.starts_with("http"))
        .build();
    Ok(ItemBuilder::default()
        .title(Some(item.title.clone()))
        .link((!item.url.is_empty()).then(|| item.url.clone()))
        .guid(Some(guid))
        .pub_date(Some(item.published.to_rfc2822()))
        .categories(vec![rss::Category {
            name: item.source.clone(),
            domain: None,
        }])
        .description(Some(description))
        .build())
}

/// The opening words of an article, as plain text.
fn excerpt(item: &ItemView) -> Result<String> {
    let article = crate::item::Item::read(&item.path)
        .with_context(|| format!("cannot quote the article {}", item.id))?;
    let text = match &article.meta.summary {
        Some(summary) => summary.clone(),
        None => crate::html::to_text(&super::markdown::to_html(&article.body)),
    };
    Ok(opening_words(&text))
}

/// The first words of `text`, without what a blog platform adds to it.
fn opening_words(text: &str) -> String {
    let text = super::markdown::printable(text);
    let text = crate::text::without_platform_line(&text);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut excerpt = words[..words.len().min(EXCERPT_WORDS)].join(" ");
    if words.len() > EXCERPT_WORDS {
        excerpt.push_str(" …");
    }
    excerpt
}

/// A channel with the site's fields and an atom self link to `path`. The
/// description is text; readers show an RSS description as HTML, so it is
/// escaped as HTML before the writer escapes it as XML.
fn channel(site: &Site, path: &str, title: &str, description: &str) -> ChannelBuilder {
    let atom = AtomExtension {
        links: vec![Link {
            href: absolute(site, path),
            rel: "self".into(),
            mime_type: Some("application/rss+xml".into()),
            ..Default::default()
        }],
    };
    let mut builder = ChannelBuilder::default();
    builder
        .title(title.to_string())
        .link(site.base_url.to_string())
        .description(html_escape(description))
        .language(Some(site.language.clone()))
        .generator(Some(format!("digest {}", env!("CARGO_PKG_VERSION"))))
        .managing_editor(site.author.as_deref().and_then(rss_person))
        .atom_ext(Some(atom))
        .namespaces(BTreeMap::from([(
            "atom".to_string(),
            "http://www.w3.org/2005/Atom".to_string(),
        )]));
    builder
}

/// The author as RSS 2.0 names a person: an email address, optionally
/// followed by a name ("ed@example.com (The editors)"). A bare name, even
/// one holding an `@`, is left out rather than written invalid.
fn rss_person(author: &str) -> Option<String> {
    let address = author.split_whitespace().next()?;
    let (user, domain) = address.split_once('@')?;
    let valid = !user.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.');
    valid.then(|| author.trim().to_string())
}

fn write_rss(channel: &Channel) -> Result<String> {
    let bytes = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .context("cannot write an RSS feed")?;
    let mut xml = String::from_utf8(bytes).context("an RSS feed is not UTF-8")?;
    if !xml.starts_with("<?xml") {
        xml.insert_str(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    xml.push('\n');
    Ok(xml)
}

/// `atom.xml`: Atom 1.0 of the newest editions.
pub fn atom(site: &Site, editions: &[EditionView]) -> Result<String> {
    use atom_syndication::{Feed, Generator, Person, Text, WriteConfig};
    let entries = entries(site, editions);
    let updated = entries
        .first()
        .map(|e| e.published)
        .unwrap_or_else(|| chrono::DateTime::UNIX_EPOCH.fixed_offset());
    let feed = Feed {
        title: Text::plain(site.title.clone()),
        id: site.base_url.to_string(),
        updated,
        authors: vec![Person {
            name: site.author.clone().unwrap_or_else(|| site.title.clone()),
            ..Default::default()
        }],
        links: vec![
            atom_link(absolute(site, "atom.xml"), "self", "application/atom+xml"),
            atom_link(site.base_url.to_string(), "alternate", "text/html"),
        ],
        subtitle: Some(Text::plain(site.description.clone())),
        generator: Some(Generator {
            value: "digest".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            ..Default::default()
        }),
        lang: Some(site.language.clone()),
        entries: entries.iter().map(atom_entry).collect(),
        ..Default::default()
    };
    let config = WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    let bytes = feed
        .write_with_config(Vec::new(), config)
        .context("cannot write the Atom feed")?;
    let mut xml = String::from_utf8(bytes).context("the Atom feed is not UTF-8")?;
    xml.push('\n');
    Ok(xml)
}

/// One edition as an Atom entry, its full HTML as the content.
fn atom_entry(edition: &EditionView) -> atom_syndication::Entry {
    use atom_syndication::{Content, Entry, Text};
    Entry {
        title: Text::plain(edition.title.clone()),
        id: edition.permalink.clone(),
        updated: edition.published,
        published: Some(edition.published),
        links: vec![atom_link(
            edition.permalink.clone(),
            "alternate",
            "text/html",
        )],
        summary: (!edition.headline.is_empty()).then(|| Text::plain(edition.headline.clone())),
        content: Some(Content {
            value: Some(edition.html_absolute.to_string()),
            content_type: Some("html".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn atom_link(href: String, rel: &str, mime: &str) -> atom_syndication::Link {
    atom_syndication::Link {
        href,
        rel: rel.to_string(),
        mime_type: Some(mime.to_string()),
        ..Default::default()
    }
}

/// `feed.json`: JSON Feed 1.1 of the newest editions.
pub fn json_feed(site: &Site, editions: &[EditionView]) -> Result<String> {
    let items: Vec<serde_json::Value> = entries(site, editions)
        .iter()
        .map(|edition| {
            json!({
                "id": edition.permalink,
                "url": edition.permalink,
                "title": edition.title,
                "summary": edition.headline,
                "content_html": edition.html_absolute,
                "date_published": edition.published.to_rfc3339(),
            })
        })
        .collect();
    let author = site.author.clone().unwrap_or_else(|| site.title.clone());
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.title,
        "home_page_url": site.base_url.as_str(),
        "feed_url": absolute(site, "feed.json"),
        "description": site.description,
        "language": site.language,
        "authors": [{ "name": author }],
        "items": items,
    });
    let mut text = serde_json::to_string_pretty(&feed).context("cannot write the JSON feed")?;
    text.push('\n');
    Ok(text)
}

/// Escapes text for HTML.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_leaves_out_the_line_a_blog_platform_adds() {
        let text = "Tags: AI. Copilot now writes tests. The post Copilot writes tests \
                    appeared first on Microsoft AI Blogs.";
        assert_eq!(opening_words(text), "Tags: AI. Copilot now writes tests.");
        let long = "word ".repeat(80);
        assert!(opening_words(&long).ends_with("word …"));
    }

    use super::rss_person;

    #[test]
    fn rss_names_a_person_only_by_an_email_address() {
        assert_eq!(
            rss_person("ed@example.com (The editors)").as_deref(),
            Some("ed@example.com (The editors)")
        );
        assert_eq!(
            rss_person(" ed@example.com ").as_deref(),
            Some("ed@example.com")
        );
        assert_eq!(rss_person("The Engineering @ Scale editors"), None);
        assert_eq!(rss_person("ed@localhost"), None);
        assert_eq!(rss_person("@example.com"), None);
        assert_eq!(rss_person(""), None);
    }
}
