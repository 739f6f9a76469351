//! From a feed's bytes to feed-rs's model.
//!
//! Before feed-rs sees a document, it is decoded to UTF-8 here: the charset
//! is taken from a byte-order mark, then from the bytes themselves when they
//! are valid UTF-8 with non-ASCII text (declarations often lie), then from
//! the HTTP header, then from the XML declaration, and windows-1252 when
//! nothing fits. Anything before the root element is dropped. Dates are
//! parsed here too, so that each keeps the offset it was written with.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, Utc};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use feed_rs::model::Feed;
use url::Url;

use crate::dates;

/// A parsed feed with the original offsets of its dates.
pub struct ParsedFeed {
    /// The feed as feed-rs reads it.
    pub feed: Feed,
    offsets: HashMap<i64, FixedOffset>,
}

impl ParsedFeed {
    /// Puts back the offset that a date was written with in the feed.
    pub fn with_offset(&self, date: DateTime<Utc>) -> DateTime<FixedOffset> {
        let offset = self.offsets.get(&date.timestamp()).copied();
        date.with_timezone(&offset.unwrap_or(FixedOffset::east_opt(0).expect("zero offset")))
    }
}

/// Why a body is not a feed.
#[derive(Debug)]
pub struct NotAFeed(pub String);

impl std::fmt::Display for NotAFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a feed body; `content_type` is the HTTP header, `base` the URL it came from.
pub fn parse(body: &[u8], content_type: Option<&str>, base: &Url) -> Result<ParsedFeed, NotAFeed> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(NotAFeed("empty body".into()));
    }
    let text = decode(body, content_type);
    let document = strip_prologue(&text);
    if looks_like_html(document) {
        return Err(NotAFeed(
            "an HTML page, not a feed (has the feed moved?)".into(),
        ));
    }
    let offsets = Arc::new(Mutex::new(HashMap::new()));
    let seen = Arc::clone(&offsets);
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(move |text| {
            let date = dates::parse(text)?;
            let utc = date.with_timezone(&Utc);
            seen.lock()
                .expect("offset table")
                .insert(utc.timestamp(), *date.offset());
            Some(utc)
        })
        .build();
    let feed = parser
        .parse(document.as_bytes())
        .map_err(|e| NotAFeed(format!("not a valid feed: {e}")))?;
    let offsets = std::mem::take(&mut *offsets.lock().expect("offset table"));
    Ok(ParsedFeed { feed, offsets })
}

/// Decodes a document to UTF-8 (see the module's notes for the order of evidence).
pub fn decode(body: &[u8], content_type: Option<&str>) -> String {
    if let Some((encoding, bom_length)) = Encoding::for_bom(body) {
        return encoding
            .decode_without_bom_handling(&body[bom_length..])
            .0
            .into_owned();
    }
    if let Ok(text) = std::str::from_utf8(body)
        && !text.is_ascii()
    {
        return text.to_string();
    }
    let declared = content_type
        .and_then(charset_of_header)
        .or_else(|| charset_of_declaration(body))
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .unwrap_or(UTF_8);
    let (text, _, had_errors) = declared.decode(body);
    if had_errors && declared == UTF_8 {
        return WINDOWS_1252.decode(body).0.into_owned();
    }
    text.into_owned()
}

/// The `charset` parameter of a Content-Type header.
fn charset_of_header(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_string())
    })
}

/// The `encoding` of an XML declaration at the start of the bytes.
fn charset_of_declaration(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]);
    let declaration = &head[head.find("<?xml")?..];
    let declaration = &declaration[..declaration.find("?>")?];
    let after = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next()?;
    let value = &after[1..];
    Some(value[..value.find(quote)?].to_string())
}

/// Drops what comes before the document (blank lines, text saved by a
/// browser) and the XML declaration, whose encoding no longer applies.
fn strip_prologue(text: &str) -> &str {
    let mut rest = text;
    if let Some(start) = rest.find("<?xml") {
        let declaration_end = rest[start..].find("?>").map(|end| start + end + 2);
        if let Some(end) = declaration_end {
            rest = &rest[end..];
        }
    }
    let root = [
        "<rss",
        "<feed",
        "<rdf:RDF",
        "<RDF",
        "<!--",
        "<?xml-stylesheet",
        "<!DOCTYPE",
        "<html",
        "<HTML",
    ]
    .iter()
    .filter_map(|tag| rest.find(tag))
    .min();
    match root {
        Some(start) => &rest[start..],
        None => rest.trim_start(),
    }
}

fn looks_like_html(document: &str) -> bool {
    let head = &document[..document.len().min(1024)].to_ascii_lowercase();
    let root = head.trim_start().trim_start_matches(|c| c != '<');
    root.starts_with("<html") || (root.starts_with("<!doctype html") && !head.contains("<rss"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_charsets_are_honoured() {
        let body = b"<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss>\xcf\xf0\xe8</rss>";
        assert_eq!(
            decode(body, None),
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss>При</rss>"
        );
        let latin = b"<rss>caf\xe9</rss>";
        assert_eq!(
            decode(latin, Some("text/xml; charset=ISO-8859-1")),
            "<rss>café</rss>"
        );
    }

    #[test]
    fn utf8_wins_over_a_wrong_declaration() {
        let body = "<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss>café</rss>";
        assert!(decode(body.as_bytes(), None).ends_with("<rss>café</rss>"));
    }

    #[test]
    fn undeclared_latin1_falls_back_to_windows_1252() {
        assert_eq!(
            decode(b"<rss>na\xefve \x93quote\x94</rss>", None),
            "<rss>naïve “quote”</rss>"
        );
    }

    #[test]
    fn boms_are_read() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<rss/>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16, None), "<rss/>");
    }

    #[test]
    fn text_before_the_root_is_dropped() {
        assert_eq!(
            strip_prologue(
                "\n\nSaved from the web\n<?xml version=\"1.0\"?>\n<rss version=\"2.0\">"
            ),
            "<rss version=\"2.0\">"
        );
    }

    #[test]
    fn html_pages_are_not_feeds() {
        let base = Url::parse("https://example.com/feed").unwrap();
        let err = parse(
            b"<!DOCTYPE html><html><body>Moved</body></html>",
            None,
            &base,
        )
        .err()
        .unwrap();
        assert!(err.0.contains("HTML page"));
        assert!(
            parse(b"  \n", None, &base)
                .err()
                .unwrap()
                .0
                .contains("empty")
        );
    }
}
