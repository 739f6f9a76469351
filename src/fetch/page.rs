//! An article's web page reduced to the article: its title, its byline and
//! its text, without the site's navigation, banners, comments and footers.
//!
//! The page is decoded like a feed (byte order mark, bytes, header, then the
//! page's own `<meta charset>`), its main content is found by `dom_smoothie`,
//! a port of Mozilla's Readability (the reader view of Firefox), and the
//! result is sanitised and converted to markdown exactly like feed HTML.

use dom_smoothie::{Config, Readability, ReadabilityError};
use url::Url;

use super::http::Fetched;
use super::limits;
use super::parse;
use crate::html;
use crate::item::Article;
use crate::text;

/// Most elements a page may have to be read: a bound on the work one
/// hostile or broken page can cost. Long real articles have a few thousand.
const MAX_ELEMENTS: usize = 60_000;
/// Longest byline kept, in characters; longer ones are not names.
const MAX_BYLINE: usize = 120;

/// An article read from a page.
#[derive(Debug, Clone)]
pub struct PageArticle {
    /// The article, ready to be an item's body.
    pub article: Article,
    /// The title the page gives.
    pub title: String,
    /// Words of prose in it, counted as the editorial engine counts them.
    pub words: usize,
    /// The size of the article's HTML when it was longer than allowed and cut.
    pub cut_from: Option<usize>,
}

/// Reads the article of a fetched page, at most `max_bytes` of its HTML,
/// or says why there is none.
pub fn read(fetched: &Fetched, max_bytes: usize) -> Result<PageArticle, String> {
    if let Some(kind) = fetched.content_type.as_deref()
        && !is_html(kind)
    {
        let kind = kind.split(';').next().unwrap_or(kind).trim();
        return Err(format!("the page is not HTML ({kind})"));
    }
    let document = decode(&fetched.body, fetched.content_type.as_deref());
    extract(&document, &fetched.url, max_bytes)
}

/// The article in an HTML document that was found at `url`, at most
/// `max_bytes` of its HTML.
pub fn extract(document: &str, url: &Url, max_bytes: usize) -> Result<PageArticle, String> {
    let config = Config {
        max_elements_to_parse: MAX_ELEMENTS,
        ..Config::default()
    };
    let mut readability =
        Readability::new(document, Some(url.as_str()), Some(config)).map_err(|e| describe(&e))?;
    let found = readability.parse().map_err(|e| describe(&e))?;
    let mut content = found.content.to_string();
    let cut_from = limits::cut(&mut content, max_bytes);
    let clean = html::sanitize(&content, Some(url));
    let body = html::to_markdown(&clean);
    let words = text::prose_words(&body);
    if words == 0 {
        return Err("no article found on the page".into());
    }
    let byline = found.byline.as_deref().and_then(byline);
    let mut title = html::to_text(&found.title);
    limits::cut(&mut title, limits::MAX_FIELD_BYTES);
    Ok(PageArticle {
        article: Article {
            body,
            url: crate::identity::clean_link(url),
            byline,
        },
        title,
        words,
        cut_from,
    })
}

/// The cause of a failed extraction, as a warning gives it.
fn describe(error: &ReadabilityError) -> String {
    match error {
        ReadabilityError::GrabFailed => "no article found on the page".into(),
        ReadabilityError::TooManyElements(found, limit) => {
            format!("the page is too large to read ({found} elements, at most {limit})")
        }
        ReadabilityError::BadDocumentURL => "the page's address is not absolute".into(),
    }
}

/// Whether a Content-Type is a web page.
fn is_html(content_type: &str) -> bool {
    let kind = content_type.split(';').next().unwrap_or("").trim();
    kind.eq_ignore_ascii_case("text/html") || kind.eq_ignore_ascii_case("application/xhtml+xml")
}

/// A byline as a name: without "By", tags or a trailing date, and short.
fn byline(raw: &str) -> Option<String> {
    let text = html::to_text(raw);
    let text = text
        .strip_prefix("By ")
        .or_else(|| text.strip_prefix("by "))
        .unwrap_or(&text)
        .trim();
    (!text.is_empty() && text.chars().count() <= MAX_BYLINE).then(|| text.to_string())
}

/// Decodes a page: as a feed is decoded, with the page's `<meta charset>`
/// standing in when the header names no charset.
fn decode(body: &[u8], content_type: Option<&str>) -> String {
    let header_charset = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("charset"));
    match meta_charset(body).filter(|_| !header_charset) {
        Some(charset) => parse::decode(body, Some(&format!("text/html; charset={charset}"))),
        None => parse::decode(body, content_type),
    }
}

/// The charset a page declares in its head, by `<meta charset>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`.
fn meta_charset(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!value.is_empty() && head[..at].contains("<meta")).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8">
        <title>Sharding the queue | Example Engineering</title>
        <meta name="author" content="Ada Lovelace"></head><body>
        <nav><a href="/">Home</a> <a href="/jobs">Jobs</a> <a href="/about">About us</a></nav>
        <div id="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
        <article><h1>Sharding the queue</h1>
        <p>Last year our job queue reached its limits. Every worker polled one table, and the
        table's lock became the bottleneck of the whole platform at peak hours.</p>
        <p>We split the queue into sixty-four shards keyed by tenant. Each worker now owns a
        range of shards, and a coordinator moves ranges when workers come and go.</p>
        <p>Throughput grew eightfold and the p99 latency of enqueueing fell to four
        milliseconds. <a href="/blog/coordinator">The coordinator</a> has its own post.</p>
        <p>Moving tenants between shards was the hard part. A tenant being moved is paused for
        a few hundred milliseconds while its pending jobs are copied, and the coordinator
        records every move so that a crash in the middle can be resumed or rolled back.</p>
        <script>track()</script></article>
        <footer>Copyright Example Inc. All rights reserved. Privacy policy.</footer>
        </body></html>"#;

    #[test]
    fn the_article_is_kept_and_the_page_around_it_dropped() {
        let url = Url::parse("https://example.com/blog/sharding").unwrap();
        let page = extract(PAGE, &url, 1 << 20).unwrap();
        let body = &page.article.body;
        assert!(body.contains("Throughput grew eightfold"), "{body}");
        assert!(
            body.contains("[The coordinator](https://example.com/blog/coordinator)"),
            "{body}"
        );
        for chrome in ["Jobs", "cookies", "Copyright", "track()"] {
            assert!(!body.contains(chrome), "{chrome} in {body}");
        }
        assert_eq!(page.article.byline.as_deref(), Some("Ada Lovelace"));
        assert!(page.words > 60, "{}", page.words);
    }

    #[test]
    fn a_long_article_is_cut_to_the_limit_and_says_so() {
        let url = Url::parse("https://example.com/blog/sharding").unwrap();
        let whole = extract(PAGE, &url, 1 << 20).unwrap();
        assert_eq!(whole.cut_from, None);
        let cut = extract(PAGE, &url, 300).unwrap();
        let size = cut.cut_from.expect("the article was cut");
        assert!(size > 300, "{size}");
        assert!(cut.article.body.len() < whole.article.body.len());
        assert!(cut.article.body.contains("Last year our job queue"));
        assert!(!cut.article.body.contains("Moving tenants"));
    }

    #[test]
    fn a_page_without_an_article_or_not_html_is_refused_with_a_reason() {
        let url = Url::parse("https://example.com/").unwrap();
        let empty = extract(
            "<html><body><img src=\"a.png\"></body></html>",
            &url,
            1 << 20,
        );
        assert_eq!(empty.unwrap_err(), "no article found on the page");
        assert!(is_html("text/html; charset=utf-8") && !is_html("application/pdf"));
    }

    #[test]
    fn the_charset_of_a_meta_tag_is_honoured() {
        let mut page = b"<html><head><meta http-equiv=\"Content-Type\" \
                         content=\"text/html; charset=windows-1252\"></head><body><p>caf"
            .to_vec();
        page.extend_from_slice(&[0xE9, b'<']);
        assert_eq!(meta_charset(&page).as_deref(), Some("windows-1252"));
        assert!(decode(&page, Some("text/html")).contains("café"));
        assert_eq!(
            byline("By <b>Grace Hopper</b>").as_deref(),
            Some("Grace Hopper")
        );
    }
}
