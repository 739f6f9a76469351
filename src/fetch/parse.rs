//! From a feed's bytes to feed-rs's model, recovering what a tolerant
//! reader recovers.
//!
//! Decoding: the charset comes from a byte-order mark, then from the bytes
//! themselves when they are valid UTF-8 with non-ASCII text (declarations
//! often lie), then from the HTTP header, then from the XML declaration, and
//! from a statistical guess when the document has no declaration and is not
//! UTF-8.
//!
//! Before parsing, what a browser or an old publishing tool adds is set
//! right: text before the root element is dropped, the RSS 0.9x "userland"
//! and Atom 0.3 namespaces are mapped to the ones parsers know, empty items
//! nested in items are removed, and an `<rss>` without a version is read as
//! RSS 2.0. When the document still does not parse, two repairs are tried:
//! stray ampersands and HTML entities are escaped, and a document cut off
//! in the middle keeps its complete entries. Dates are parsed here too, so
//! that each keeps the offset it was written with.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, Utc};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use feed_rs::model::Feed;

use crate::dates;

/// A parsed feed with the original offsets of its dates.
pub struct ParsedFeed {
    /// The feed as feed-rs reads it.
    pub feed: Feed,
    /// What had to be repaired for it to parse, if anything.
    pub repairs: Vec<String>,
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

/// Parses a feed body; `content_type` is the HTTP header.
pub fn parse(body: &[u8], content_type: Option<&str>) -> Result<ParsedFeed, NotAFeed> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(NotAFeed("empty body".into()));
    }
    let text = repair_mojibake(&decode(body, content_type));
    // A JSON Feed is read as it is: the preparations below are for XML, and
    // would cut a JSON document at the first "<!--" or "<rss" in its text.
    let json = text.trim_start().starts_with('{');
    let document = if json {
        text
    } else {
        prepare(strip_prologue(&text))
    };
    if looks_like_html(&document) {
        return Err(NotAFeed(
            "an HTML page, not a feed (has the feed moved?)".into(),
        ));
    }
    let first_error = match read(&document) {
        Ok((feed, offsets)) => {
            return Ok(ParsedFeed {
                feed,
                repairs: Vec::new(),
                offsets,
            });
        }
        Err(e) if json => return Err(NotAFeed(format!("not a valid JSON Feed: {e}"))),
        Err(e) => e,
    };
    let (repaired, repairs) = repair(&document);
    match read(&repaired) {
        Ok((feed, offsets)) if !repairs.is_empty() => Ok(ParsedFeed {
            feed,
            repairs,
            offsets,
        }),
        _ if is_cut_off(&document) => Err(NotAFeed(format!(
            "the document is cut off before its first complete entry ({first_error})"
        ))),
        _ => Err(NotAFeed(format!("not a valid feed: {first_error}"))),
    }
}

/// Runs feed-rs on a prepared document, recording each date's offset.
fn read(document: &str) -> Result<(Feed, HashMap<i64, FixedOffset>), String> {
    let offsets = Arc::new(Mutex::new(HashMap::new()));
    let seen = Arc::clone(&offsets);
    let parser = feed_rs::parser::Builder::new()
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
        .map_err(|e| e.to_string())?;
    let offsets = std::mem::take(&mut *offsets.lock().expect("offset table"));
    Ok((feed, offsets))
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
        .or_else(|| charset_of_declaration(body));
    let encoding = declared
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .filter(|e| *e != UTF_8);
    let encoding = encoding.unwrap_or_else(|| guess(body));
    encoding.decode_without_bom_handling(body).0.into_owned()
}

/// Undoes the damage of UTF-8 text once read as windows-1252 and written
/// out again ("can’t" shown as "canâ€™t"), which some publishers serve:
/// each run of characters from windows-1252's upper half that, encoded
/// back, forms valid multi-byte UTF-8 is replaced by what it spelled. A
/// lone accented letter, as in "café", is never such a run.
pub fn repair_mojibake(text: &str) -> String {
    let is_upper_half =
        |c: char| ('\u{80}'..='\u{ff}').contains(&c) || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(c);
    if !text.contains(['Ã', 'Â', 'â']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let (bytes, _, unmappable) = WINDOWS_1252.encode(run);
        match std::str::from_utf8(&bytes) {
            Ok(fixed) if !unmappable && run.chars().count() > 1 && !fixed.is_ascii() => {
                out.push_str(fixed)
            }
            _ => out.push_str(run),
        }
        run.clear();
    };
    for c in text.chars() {
        if is_upper_half(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The encoding of bytes that are not UTF-8 and say nothing of themselves.
fn guess(body: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(body).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(body, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
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
    let quote = after.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let value = &after[1..];
    Some(value[..value.find(quote)?].to_string())
}

/// Drops what comes before the document (blank lines, text saved by a
/// browser) and the XML declaration, whose encoding no longer applies.
fn strip_prologue(text: &str) -> &str {
    let mut rest = text;
    if let Some(start) = rest.find("<?xml ")
        && let Some(end) = rest[start..].find("?>")
    {
        rest = &rest[start + end + 2..];
    }
    const STARTS: [&str; 8] = [
        "<rss",
        "<feed",
        "<rdf:RDF",
        "<RDF",
        "<!--",
        "<?xml-stylesheet",
        "<!DOCTYPE",
        "<html",
    ];
    // The first `<` that opens one of them, found in one pass.
    let start = rest.match_indices('<').map(|(at, _)| at).find(|&at| {
        let tail = &rest[at..];
        STARTS.iter().any(|tag| tail.starts_with(tag)) || tail.starts_with("<HTML")
    });
    match start {
        Some(start) => &rest[start..],
        None => rest.trim_start(),
    }
}

fn looks_like_html(document: &str) -> bool {
    let head = document[..floor_boundary(document, 1024)].to_ascii_lowercase();
    let root = head.trim_start();
    root.starts_with("<html") || (root.starts_with("<!doctype html") && !head.contains("<rss"))
}

/// Whether `text` holds `pattern`: a vectorised search, for whole documents.
fn has(text: &str, pattern: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), pattern.as_bytes()).is_some()
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Sets right what old tools write and every tolerant reader accepts.
fn prepare(document: &str) -> String {
    const REWRITES: [(&str, &str); 5] = [
        (" xmlns=\"http://backend.userland.com/rss2\"", ""),
        (" xmlns='http://backend.userland.com/rss2'", ""),
        (
            "\"http://purl.org/atom/ns#\"",
            "\"http://www.w3.org/2005/Atom\"",
        ),
        ("<item />", ""),
        ("<item/>", ""),
    ];
    let mut text = document.to_string();
    for (from, to) in REWRITES {
        if has(&text, from) {
            text = text.replace(from, to);
        }
    }
    if let Some(start) = text.find("<rss")
        && let Some(end) = text[start..].find('>')
    {
        if !text.contains("<channel") {
            text.insert_str(start + end + 1, "<channel></channel>");
        }
        if !text[start..start + end].contains("version") {
            text.insert_str(start + 4, " version=\"2.0\"");
        }
    }
    original_links(&prefer_pub_date(&text))
}

/// Puts back the article's own address where FeedBurner replaced the link
/// with its redirector and kept the original in `feedburner:origLink`.
fn original_links(text: &str) -> String {
    const ORIGINAL: (&str, &str) = ("<feedburner:origLink>", "</feedburner:origLink>");
    if !has(text, ORIGINAL.0) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest
        .find("<item")
        .into_iter()
        .chain(rest.find("<entry"))
        .min()
    {
        let close = if rest[start..].starts_with("<item") {
            "</item>"
        } else {
            "</entry>"
        };
        let end = rest[start..]
            .find(close)
            .map_or(rest.len(), |e| start + e + close.len());
        out.push_str(&rest[..start]);
        out.push_str(&with_original_link(&rest[start..end], ORIGINAL));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// One item or entry with its link replaced by its `feedburner:origLink`.
fn with_original_link(entry: &str, (open, close): (&str, &str)) -> String {
    let original = entry.find(open).and_then(|at| {
        let value = &entry[at + open.len()..];
        value.find(close).map(|end| value[..end].trim())
    });
    let Some(original) = original.filter(|o| o.starts_with("http") && !o.contains(['"', '<']))
    else {
        return entry.to_string();
    };
    if let Some(at) = entry.find("<link>")
        && let Some(end) = entry[at..].find("</link>")
    {
        return format!("{}<link>{original}{}", &entry[..at], &entry[at + end..]);
    }
    let alternate = entry.find("<link rel=\"alternate\"").and_then(|at| {
        let href = at + entry[at..].find("href=\"")? + "href=\"".len();
        Some((href, href + entry[href..].find('"')?))
    });
    match alternate {
        Some((from, to)) => format!("{}{original}{}", &entry[..from], &entry[to..]),
        None => entry.to_string(),
    }
}

/// Drops `dc:date` from items that also have a `pubDate`: the publication
/// date is the one an RSS reader shows, and `dc:date` is often something else.
fn prefer_pub_date(text: &str) -> String {
    if !has(text, "<dc:date>") || !has(text, "<pubDate>") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<item") {
        let end = rest[start..]
            .find("</item>")
            .map_or(rest.len(), |e| start + e + "</item>".len());
        out.push_str(&rest[..start]);
        let item = &rest[start..end];
        match (
            item.contains("<pubDate>"),
            item.find("<dc:date>"),
            item.find("</dc:date>"),
        ) {
            (true, Some(open), Some(close)) if open < close => {
                out.push_str(&item[..open]);
                out.push_str(&item[close + "</dc:date>".len()..]);
            }
            _ => out.push_str(item),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Repairs for documents that do not parse as they are; returns the
/// repaired text and what was done.
fn repair(document: &str) -> (String, Vec<String>) {
    let mut repairs = Vec::new();
    let mut text = escape_stray_ampersands(document);
    if text != document {
        repairs.push("escaped stray ampersands and HTML entities".to_string());
    }
    if let Some((closed, kept)) = close_truncated(&text) {
        repairs.push(format!(
            "the document was cut off; kept its {kept} complete entries"
        ));
        text = closed;
    }
    (text, repairs)
}

/// Escapes every `&` that does not start an XML entity or character
/// reference, and turns common HTML entities into characters, outside CDATA.
fn escape_stray_ampersands(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with("<![CDATA[") {
            let end = rest.find("]]>").map_or(rest.len(), |e| e + 3);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else if rest.starts_with('<') {
            out.push('<');
            rest = &rest[1..];
        } else {
            let name_end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 12);
            let entity = name_end.map(|e| &rest[1..e]);
            match entity {
                Some(name) if is_xml_reference(name) => out.push('&'),
                Some(name) if html_entity(name).is_some() => {
                    out.push_str(&format!(
                        "&#{};",
                        html_entity(name).expect("known entity") as u32
                    ));
                    rest = &rest[name.len() + 2..];
                    continue;
                }
                _ => out.push_str("&amp;"),
            }
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

fn is_xml_reference(name: &str) -> bool {
    matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
        || name
            .strip_prefix("#x")
            .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
        || name
            .strip_prefix('#')
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// The HTML entities that feeds use without declaring them.
fn html_entity(name: &str) -> Option<char> {
    Some(match name {
        "nbsp" => '\u{a0}',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "bull" => '•',
        "middot" => '·',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "agrave" => 'à',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "auml" => 'ä',
        "ccedil" => 'ç',
        "times" => '×',
        "deg" => '°',
        _ => return None,
    })
}

/// Whether a feed document ends before its root element is closed.
fn is_cut_off(text: &str) -> bool {
    let tail = text.trim_end();
    let closed = ["</rss>", "</feed>", "</rdf:RDF>", "</RDF>"]
        .iter()
        .any(|c| tail.ends_with(c));
    !closed
        && ["<rss", "<feed", "<rdf:RDF"]
            .iter()
            .any(|r| text.contains(r))
}

/// For a document cut off in the middle: the text up to its last complete
/// entry, with the root closed again, and how many entries it keeps.
fn close_truncated(text: &str) -> Option<(String, usize)> {
    let (entry_end, root_end, closers) = if text.contains("<feed") {
        ("</entry>", "</feed>", "</feed>")
    } else if text.contains("<rdf:RDF") {
        ("</item>", "</rdf:RDF>", "</rdf:RDF>")
    } else if text.contains("<rss") {
        ("</item>", "</rss>", "</channel></rss>")
    } else {
        return None;
    };
    if text.contains(root_end) {
        return None;
    }
    let end = text.rfind(entry_end)? + entry_end.len();
    let kept = text[..end].matches(entry_end).count();
    Some((format!("{}\n{closers}\n", &text[..end]), kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoding_declaration_with_a_stray_byte_for_a_quote_is_ignored() {
        let body = b"<?xml version=\"1.0\" encoding=\x80windows-1252\"?>\n<rss version=\"2.0\">\
                     <channel><title>Euro \xe2\x82\xac</title></channel></rss>";
        assert_eq!(charset_of_declaration(body), None);
        // Not UTF-8 and no charset declared: the document's bytes decide.
        let parsed = parse(body, None).expect("the feed is read");
        let title = parsed.feed.title.map(|t| t.content).unwrap_or_default();
        assert!(title.starts_with("Euro "), "{title}");
        assert_eq!(
            charset_of_declaration(b"<?xml version='1.0' encoding='ISO-8859-1'?><rss/>"),
            Some("ISO-8859-1".to_string())
        );
    }

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
    fn undeclared_legacy_bytes_are_guessed() {
        let french = b"<rss><title>Perturbateurs endocriniens : quels effets sur le cerveau ? na\xefve \xe9t\xe9</title></rss>";
        assert!(decode(french, None).contains("naïve été"));
    }

    #[test]
    fn text_decoded_twice_is_repaired() {
        assert_eq!(
            repair_mojibake("We canâ€™t wait. â€œQuotedâ€\u{9d} cafÃ©"),
            "We can’t wait. “Quoted” café"
        );
        assert_eq!(
            repair_mojibake("café, naïve, Ångström, Â½ cup"),
            "café, naïve, Ångström, ½ cup"
        );
        assert_eq!(repair_mojibake("Привет â€” 你好"), "Привет — 你好");
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
    fn html_pages_and_empty_bodies_are_not_feeds() {
        let err = parse(b"<!DOCTYPE html><html><body>Moved</body></html>", None)
            .err()
            .unwrap();
        assert!(err.0.contains("HTML page"));
        assert!(parse(b"  \n", None).err().unwrap().0.contains("empty"));
    }

    #[test]
    fn stray_ampersands_are_escaped_outside_cdata() {
        let text = "<link>http://x/?a=1&b=2&amp;c=3</link><d>&nbsp;&bogus;</d><![CDATA[a & b]]>";
        assert_eq!(
            escape_stray_ampersands(text),
            "<link>http://x/?a=1&amp;b=2&amp;c=3</link><d>&#160;&amp;bogus;</d><![CDATA[a & b]]>"
        );
    }

    #[test]
    fn a_truncated_feed_keeps_its_complete_entries() {
        let text = "<rss version=\"2.0\"><channel><title>T</title><item><title>One</title><link>https://x.example/1</link></item><item><title>Two</title><link>https://x.exa";
        let parsed = parse(text.as_bytes(), None).unwrap();
        assert_eq!(parsed.feed.entries.len(), 1);
        assert!(
            parsed.repairs.iter().any(|r| r.contains("cut off")),
            "{:?}",
            parsed.repairs
        );
    }

    #[test]
    fn pub_date_wins_over_dc_date() {
        let text = "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>\
                    <item><title>A</title><pubDate>Mon, 16 Oct 2017 15:10:00 +0000</pubDate><dc:date>1518478934</dc:date></item>\
                    <item><title>B</title><dc:date>2017-10-17T22:17:00Z</dc:date></item></channel></rss>";
        let parsed = parse(text.as_bytes(), None).unwrap();
        let dates: Vec<String> = parsed
            .feed
            .entries
            .iter()
            .map(|e| e.published.unwrap().to_rfc3339())
            .collect();
        assert_eq!(
            dates,
            ["2017-10-16T15:10:00+00:00", "2017-10-17T22:17:00+00:00"]
        );
    }

    #[test]
    fn feedburner_links_are_replaced_by_the_original() {
        let rss = "<rss version=\"2.0\" xmlns:feedburner=\"http://rssnamespace.org/feedburner/ext/1.0\"><channel>\
                   <item><title>A</title><link>http://feedproxy.google.com/~r/x/1</link>\
                   <feedburner:origLink>https://blog.example.com/a</feedburner:origLink></item></channel></rss>";
        let link = |text: &str| {
            parse(text.as_bytes(), None).unwrap().feed.entries[0].links[0]
                .href
                .clone()
        };
        assert_eq!(link(rss), "https://blog.example.com/a");
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:feedburner=\"http://rssnamespace.org/feedburner/ext/1.0\">\
                    <entry><title>B</title><link rel=\"alternate\" type=\"text/html\" href=\"http://feedproxy.google.com/~r/x/2\"/>\
                    <feedburner:origLink>http://ai.googleblog.com/2021/07/b.html</feedburner:origLink></entry></feed>";
        assert_eq!(link(atom), "http://ai.googleblog.com/2021/07/b.html");
    }

    #[test]
    fn json_feeds_are_read_whatever_their_html_holds() {
        for html in [
            "<!-- wp:paragraph --><p>Text</p><!-- /wp:paragraph -->",
            "<p>Moving from <code><rss></code> and <feed> to JSON</p>",
            "<html><body><p>A whole page</p></body></html>",
        ] {
            let json = serde_json::json!({
                "version": "https://jsonfeed.org/version/1.1", "title": "T",
                "items": [{"id": "1", "url": "https://x.example/1", "title": "A", "content_html": html}],
            });
            let parsed = parse(json.to_string().as_bytes(), None).unwrap();
            assert_eq!(parsed.feed.entries.len(), 1, "{html}");
            let body = parsed.feed.entries[0]
                .content
                .as_ref()
                .unwrap()
                .body
                .as_deref();
            assert_eq!(body, Some(html));
        }
        let broken = parse(b"{\"version\": ", None).err().unwrap();
        assert!(broken.0.contains("JSON Feed"), "{}", broken.0);
    }

    #[test]
    fn an_empty_rss_document_is_an_empty_feed() {
        assert_eq!(parse(b"<rss>\n</rss>", None).unwrap().feed.entries.len(), 0);
    }

    #[test]
    fn legacy_namespaces_and_versionless_rss_are_read() {
        let userland = "<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\"><channel><item><title>A</title></item></channel></rss>";
        assert_eq!(
            parse(userland.as_bytes(), None).unwrap().feed.entries.len(),
            1
        );
        let bare = "<rss><channel><item><title>A</title></item></channel></rss>";
        assert_eq!(parse(bare.as_bytes(), None).unwrap().feed.entries.len(), 1);
        let atom03 = "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry><title>A</title></entry></feed>";
        assert_eq!(
            parse(atom03.as_bytes(), None).unwrap().feed.entries.len(),
            1
        );
    }
}
