//! Feed HTML made safe, and turned into markdown or plain text.
//!
//! Everything a feed says is someone else's markup. It goes through an
//! allow-list sanitiser (ammonia) before it is stored, and again when a page
//! is rendered: no script, style, event handler, frame, form or non-web URL
//! survives, and relative links are made absolute against the article.
//! Nesting is bounded first (see [`nesting`]), so that no document can stall
//! the parser or overflow the stack of the conversion to markdown.

mod nesting;

use std::collections::HashSet;
use std::sync::OnceLock;

use ammonia::{Builder, UrlRelative};
use htmd::Element;
use htmd::element_handler::{HandlerResult, Handlers};
use url::Url;

/// URL schemes that links and images may use.
const SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Most elements nested in sanitised HTML; real articles nest fewer than 20.
pub const MAX_NESTING: usize = 64;

/// Most elements nested in markup before it is parsed: more than
/// [`MAX_NESTING`], as that count is an estimate that errs high.
const MAX_RAW_NESTING: usize = 2 * MAX_NESTING;

/// Whether `html` nests elements so deeply that sanitising it flattens some.
pub fn is_deeply_nested(html: &str) -> bool {
    matches!(
        nesting::limit(html, MAX_RAW_NESTING),
        std::borrow::Cow::Owned(_)
    )
}

/// Runs `clean` on `html` with its nesting bounded before and after.
fn clean_bounded(html: &str, clean: impl FnOnce(&str) -> String) -> String {
    let cleaned = clean(&nesting::limit(html, MAX_RAW_NESTING));
    match nesting::flatten(&cleaned, MAX_NESTING) {
        std::borrow::Cow::Borrowed(_) => cleaned,
        std::borrow::Cow::Owned(flat) => flat,
    }
}

/// Sanitises `html`, resolving relative URLs against `base` when there is one.
pub fn sanitize(html: &str, base: Option<&Url>) -> String {
    let mut builder = Builder::default();
    builder
        .url_schemes(HashSet::from(SCHEMES))
        .link_rel(Some("noopener noreferrer"));
    match base {
        Some(base) => builder.url_relative(UrlRelative::RewriteWithBase(base.clone())),
        None => builder.url_relative(UrlRelative::Deny),
    };
    clean_bounded(html, |html| builder.clean(html).to_string())
}

/// Sanitises rendered markdown for a page: the same allow-list, plus the
/// heading ids and classes that digest's own markdown renderer writes.
/// Images are kept only from the site itself: a page, feed or email of
/// digest never makes a reader's browser or mail client ask another site
/// for anything, so an image from elsewhere (a tracking pixel, say) loses
/// its address.
pub fn sanitize_page(html: &str) -> String {
    static BUILDER: OnceLock<Builder<'static>> = OnceLock::new();
    let builder = BUILDER.get_or_init(|| {
        let mut builder = Builder::default();
        builder
            .url_schemes(HashSet::from(SCHEMES))
            .link_rel(Some("noopener noreferrer"))
            .url_relative(UrlRelative::PassThrough)
            .add_generic_attributes(["id"])
            .add_tag_attributes("section", ["class"])
            .add_tags(["section"])
            .attribute_filter(|element, attribute, value| {
                let remote = element == "img" && attribute == "src" && !is_same_site(value);
                (!remote).then_some(value.into())
            });
        builder
    });
    clean_bounded(html, |html| builder.clean(html).to_string())
}

/// `url` as an absolute http or https address, or `None` when it is
/// anything else (another scheme, relative, unparsable). For addresses that
/// reach a page, feed or email outside sanitised HTML, such as an article's
/// link read back from a content file that may have been edited by hand.
pub fn web_link(url: &str) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    let web = matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some();
    web.then(|| parsed.to_string())
}

/// Whether an address, relative to a page, stays on the page's own site.
fn is_same_site(address: &str) -> bool {
    static PAGE: OnceLock<Url> = OnceLock::new();
    let page = PAGE.get_or_init(|| Url::parse("https://site.invalid/page/").expect("a URL"));
    page.join(address)
        .is_ok_and(|url| url.origin() == page.origin())
}

/// Converts sanitised HTML to markdown.
pub fn to_markdown(html: &str) -> String {
    static CONVERTER: OnceLock<htmd::HtmlToMarkdown> = OnceLock::new();
    let converter = CONVERTER.get_or_init(|| {
        htmd::HtmlToMarkdown::builder()
            .options(htmd::options::Options {
                bullet_list_marker: htmd::options::BulletListMarker::Dash,
                ul_bullet_spacing: 1,
                ol_number_spacing: 1,
                hr_style: htmd::options::HrStyle::Dashes,
                ..Default::default()
            })
            .skip_tags(vec![
                "script", "style", "iframe", "object", "form", "noscript",
            ])
            .add_handler(vec!["a"], link_keeping_spaces)
            .build()
    });
    let markdown = converter.convert(html).unwrap_or_default();
    tidy_markdown(&markdown)
}

/// Converts a link as usual, but keeps the spaces at the edges of its text
/// outside the link: `have<a> reported </a>on` must not become `have[reported](…)on`.
fn link_keeping_spaces(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let inner = handlers.walk_children(element.node).content;
    let mut result = handlers.fallback(element)?;
    let lead =
        inner.starts_with(char::is_whitespace) && !result.content.starts_with(char::is_whitespace);
    let trail =
        inner.ends_with(char::is_whitespace) && !result.content.ends_with(char::is_whitespace);
    if lead {
        result.content.insert(0, ' ');
    }
    if trail {
        result.content.push(' ');
    }
    Some(result)
}

/// Trims trailing spaces and collapses runs of blank lines.
fn tidy_markdown(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank = 0;
    for line in markdown.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// HTML that a feed escaped twice (`&lt;p&gt;` where `<p>` was meant) shows
/// its tags as text; such a fragment, with no tag of its own and escaped
/// tags inside, is unescaped once.
pub fn undo_double_escaping(html: &str) -> String {
    let escaped_tag = [
        "&lt;p&gt;",
        "&lt;i&gt;",
        "&lt;b&gt;",
        "&lt;br",
        "&lt;a ",
        "&lt;/",
    ];
    if html.contains('<') || !escaped_tag.iter().any(|t| html.contains(t)) {
        return html.to_string();
    }
    decode_entities(html)
}

/// The text of an HTML fragment: tags dropped, entities decoded, white space
/// collapsed. For titles, authors and summaries, which are stored as text.
pub fn to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let fragment = if html.contains('<') || html.contains('&') {
        let cleaned = clean_bounded(html, |html| Builder::empty().clean(html).to_string());
        decode_entities(&cleaned)
    } else {
        html.to_string()
    };
    for word in fragment.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    text
}

/// Decodes the entities that a sanitiser leaves in text.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(';').filter(|&end| end <= 10);
        let decoded = end.and_then(|end| decode_entity(&rest[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let base = Url::parse("https://blog.example.com/posts/1").unwrap();
        let html = r#"<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">a</a> <a href="/about">b</a></p>"#;
        let clean = sanitize(html, Some(&base));
        assert!(
            !clean.contains("script")
                && !clean.contains("onclick")
                && !clean.contains("javascript"),
            "{clean}"
        );
        assert!(
            clean.contains(r#"href="https://blog.example.com/about""#),
            "{clean}"
        );
    }

    #[test]
    fn deep_nesting_is_flattened_before_it_is_parsed_or_converted() {
        let depth = 100_000;
        let divs = format!(
            "{}<p>deep</p>{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let clean = sanitize(&divs, None);
        assert_eq!(clean.matches("<div>").count(), MAX_NESTING, "{clean:.200}");
        assert_eq!(to_markdown(&clean), "deep");
        assert_eq!(to_text(&divs), "deep");
        let quotes = format!("{}<p>q</p>", "<blockquote>".repeat(depth));
        let markdown = to_markdown(&sanitize(&quotes, None));
        assert!(markdown.len() < 4 * MAX_NESTING, "{markdown:.200}");
        // Bold elements that the parser reopens after every </div>.
        let round = format!("<div>{}</div>x", "<b>".repeat(50));
        let clean = sanitize(&round.repeat(2_000), None);
        assert!(
            nesting::flatten(&clean, MAX_NESTING) == clean,
            "{clean:.200}"
        );
        let page = sanitize_page(&divs);
        assert!(page.matches("<div>").count() <= MAX_NESTING);
    }

    #[test]
    fn no_real_article_nests_deeply_enough_to_lose_a_tag() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let mut articles = 0;
        for folder in ["sources", "feeds", "tricky"] {
            for file in std::fs::read_dir(corpus.join(folder)).unwrap() {
                let body = std::fs::read(file.unwrap().path()).unwrap();
                let Ok(parsed) = crate::fetch::parse::parse(&body, None) else {
                    continue;
                };
                for entry in &parsed.feed.entries {
                    let content = entry.content.as_ref().and_then(|c| c.body.as_deref());
                    let summary = entry.summary.as_ref().map(|s| s.content.as_str());
                    for html in content.into_iter().chain(summary) {
                        articles += 1;
                        let limited = nesting::limit(html, MAX_RAW_NESTING);
                        assert!(matches!(limited, std::borrow::Cow::Borrowed(_)), "{html}");
                        let clean = Builder::default().clean(html).to_string();
                        let flat = nesting::flatten(&clean, MAX_NESTING);
                        assert!(matches!(flat, std::borrow::Cow::Borrowed(_)), "{html}");
                    }
                }
            }
        }
        assert!(articles > 1000, "{articles}");
    }

    #[test]
    fn pages_keep_images_of_their_own_site_only() {
        let html = sanitize_page(
            "<img src=\"logo.png\"><img src=\"/a/b.png\"><img src=\"http://127.0.0.1:9/p.gif\">\
             <img src=\"//evil.example/p.gif\"><img src=\"/\\evil.example/p.gif\">\
             <img src=\" https://evil.example/p.gif\"><a href=\"https://ok.example/\">link</a>",
        );
        assert_eq!(
            html,
            "<img src=\"logo.png\"><img src=\"/a/b.png\"><img><img><img><img>\
             <a href=\"https://ok.example/\" rel=\"noopener noreferrer\">link</a>"
        );
    }

    #[test]
    fn only_web_addresses_are_links() {
        assert_eq!(
            web_link(" https://a.example/x?q=1 ").as_deref(),
            Some("https://a.example/x?q=1")
        );
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "//evil.example/",
            "/relative",
            "file:///etc/passwd",
            "http://",
        ] {
            assert_eq!(web_link(bad), None, "{bad}");
        }
    }

    #[test]
    fn html_becomes_markdown() {
        let markdown = to_markdown(
            "<h2>Why</h2><p>We <strong>cut</strong> costs by 40%.</p><ul><li>one</li><li>two</li></ul>",
        );
        assert_eq!(
            markdown,
            "## Why\n\nWe **cut** costs by 40%.\n\n- one\n- two"
        );
        let spaced =
            to_markdown(r#"<p>We have<a href="https://x.example/"> reported </a>on it.</p>"#);
        assert_eq!(spaced, "We have [reported](https://x.example/) on it.");
    }

    #[test]
    fn html_escaped_twice_is_unescaped_once() {
        let twice = "Jay talks about VoIP. &lt;i&gt;By Werner Schuster&lt;/i&gt;";
        assert_eq!(
            undo_double_escaping(twice),
            "Jay talks about VoIP. <i>By Werner Schuster</i>"
        );
        let once = "<p>Use &lt;i&gt; for emphasis</p>";
        assert_eq!(undo_double_escaping(once), once);
    }

    #[test]
    fn text_keeps_words_and_decodes_entities() {
        assert_eq!(
            to_text("AWS Job: Architect &amp; <b>Designer</b>\n  Position"),
            "AWS Job: Architect & Designer Position"
        );
        assert_eq!(to_text("It&#8217;s &lt;fine&gt;"), "It’s <fine>");
    }
}
