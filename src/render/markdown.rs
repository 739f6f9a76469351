//! Markdown to HTML for pages: CommonMark with tables and strikethrough,
//! each `##` section wrapped in a `<section>` with an id for its heading,
//! and the result sanitised like feed HTML.

use std::borrow::Cow;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::html::sanitize_page;
use crate::slug::slugify;

/// Renders an edition's or page's markdown to safe HTML; links to other
/// editions (`edition:YYYY-MM-DD`) point at their pages from the site's root.
pub fn to_html(markdown: &str) -> String {
    to_html_linking(markdown, &|date| format!("editions/{date}.html"))
}

/// Renders markdown to safe HTML, turning each link to another edition
/// (`edition:YYYY-MM-DD`) into the address `edition_url` gives for its date.
pub fn to_html_linking(markdown: &str, edition_url: &dyn Fn(&str) -> String) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event> = Parser::new_ext(markdown, options)
        .map(|event| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("edition:") => {
                let url = edition_url(&dest_url["edition:".len()..]);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(url),
                    title,
                    id,
                })
            }
            other => other,
        })
        .collect();
    let mut output: Vec<Event> = Vec::with_capacity(events.len() + 8);
    let mut open_section = false;
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading {
            level: HeadingLevel::H2,
            ..
        }) = &events[i]
        {
            let end = events[i..]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::Heading(HeadingLevel::H2))))
                .map_or(events.len(), |p| i + p);
            let text: String = events[i + 1..end]
                .iter()
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            let id = slugify(&text, 60);
            let close = if open_section { "</section>\n" } else { "" };
            output.push(Event::Html(CowStr::from(format!(
                "{close}<section id=\"{id}\">\n<h2>"
            ))));
            output.extend(events[i + 1..end].iter().cloned());
            output.push(Event::Html(CowStr::from("</h2>\n")));
            open_section = true;
            i = end + 1;
            continue;
        }
        output.push(events[i].clone());
        i += 1;
    }
    if open_section {
        output.push(Event::Html(CowStr::from("</section>\n")));
    }
    let mut rendered = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut rendered, output.into_iter());
    printable(&sanitize_page(&rendered)).into_owned()
}

/// `text` without the code points HTML forbids (controls other than white
/// space, and noncharacters), which mis-decoded feeds sometimes carry.
pub fn printable(text: &str) -> Cow<'_, str> {
    let forbidden = |c: char| {
        let n = u32::from(c);
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
            || (0xFDD0..=0xFDEF).contains(&n)
            || (n & 0xFFFE) == 0xFFFE
    };
    if text.contains(forbidden) {
        Cow::Owned(text.chars().filter(|&c| !forbidden(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_wrap_each_h2() {
        let html =
            to_html("## Signal of the Day\n\nText.\n\n## Deep Dives\n\n### A · B\n\nMore.\n");
        assert_eq!(
            html,
            "<section id=\"signal-of-the-day\">\n<h2>Signal of the Day</h2>\n<p>Text.</p>\n\
             </section>\n<section id=\"deep-dives\">\n<h2>Deep Dives</h2>\n<h3>A · B</h3>\n<p>More.</p>\n</section>\n"
        );
    }

    #[test]
    fn code_points_that_html_forbids_are_dropped() {
        assert_eq!(printable("a\u{9d}b\u{1}c\u{fffe}d\te"), "abcd\te");
        assert!(matches!(printable("plain “text”"), Cow::Borrowed(_)));
    }

    #[test]
    fn links_to_other_editions_point_at_their_pages() {
        let markdown = "Continues from [15 July](edition:2025-07-15).";
        assert_eq!(
            to_html(markdown),
            "<p>Continues from <a href=\"editions/2025-07-15.html\" rel=\"noopener noreferrer\">15 July</a>.</p>\n"
        );
        let html = to_html_linking(markdown, &|d| {
            format!("https://digest.test/editions/{d}.html")
        });
        assert!(
            html.contains("href=\"https://digest.test/editions/2025-07-15.html\""),
            "{html}"
        );
    }

    #[test]
    fn raw_html_in_content_is_sanitised() {
        let html = to_html(
            "Hi <script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))",
        );
        assert!(
            !html.contains("<script") && !html.contains("onerror") && !html.contains("javascript:"),
            "{html}"
        );
    }
}
